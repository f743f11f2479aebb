/* pm: process manager client (protocol in include/bulkhead/pm.h). */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/posix.h>

extern char **environ;

static int pm_call(int type, message *m)
{
	m->m_type = type;
	return server_call("pm", m);
}

int pm_fork(void)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	r = pm_call(PM_FORK, &m);
	return r < 0 ? r : m.pm_reply.pid;
}

endpoint_t pm_spawn(void)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	r = pm_call(PM_SPAWN, &m);
	return r < 0 ? r : m.pm_reply.pid;
}

int pm_exec(endpoint_t target, const char *path, int argc, char *const argv[],
            uint32_t flags, char why[PM_WHY_MAX])
{
	static char args[1024];
	endpoint_t pm = server_endpoint("pm", EP_NONE);
	grant_id_t gpath, gargs;
	size_t len = 0, n;
	message m;
	int i, r;

	if (why)
		why[0] = '\0';
	for (i = 0; i < argc; i++) {
		n = strlen(argv[i]) + 1;
		if (len + n > sizeof args)
			return -E2BIG;
		memcpy(args + len, argv[i], n);
		len += n;
	}
	for (i = 0; environ && environ[i] && i < POSIX_ENV_MAX; i++) {
		n = strlen(environ[i]) + 1;
		if (len + n + 1 > sizeof args)
			return -E2BIG;
		memcpy(args + len, environ[i], n);
		len += n;
	}
	if (i > 0)
		args[len++] = '\0';           /* the environment ends with an empty string */
	gpath = grant_direct(pm, path, (uint32_t)strlen(path), GRANT_READ);
	gargs = grant_direct(pm, args, (uint32_t)len, GRANT_READ);
	if (gpath < 0 || gargs < 0) {
		grant_revoke(gpath);
		grant_revoke(gargs);
		return gpath < 0 ? gpath : gargs;
	}
	memset(&m, 0, sizeof m);
	m.m_type = PM_EXEC;
	m.pm_exec.target = target;
	m.pm_exec.path = gpath;
	m.pm_exec.path_len = (uint32_t)strlen(path);
	m.pm_exec.args = gargs;
	m.pm_exec.args_len = (uint32_t)len;
	m.pm_exec.argc = (uint32_t)argc;
	m.pm_exec.flags = flags;
	r = ipc_sendrec(pm, &m);          /* exec of ourselves: does not return if it worked */
	grant_revoke(gpath);              /* the reply has overwritten m */
	grant_revoke(gargs);
	if (r == 0)
		r = m.m_type;
	if (r < 0 && why)
		memcpy(why, m.pm_reply.why, PM_WHY_MAX);
	return r;
}

int pm_wait(endpoint_t pid, int *status, uint32_t options)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.pm_wait.pid = pid;
	m.pm_wait.options = options;
	r = pm_call(PM_WAIT, &m);
	if (r < 0)
		return r;
	if (status)
		*status = m.pm_reply.status;
	return m.pm_reply.pid;
}

int pm_kill(endpoint_t pid, int sig)
{
	message m;

	memset(&m, 0, sizeof m);
	m.pm_kill.pid = pid;
	m.pm_kill.sig = sig;
	return pm_call(PM_KILL, &m);
}

int pm_reap(struct kc_getdeath *out)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	r = pm_call(PM_REAP, &m);
	if (r == 0)
		*out = m.kc_getdeath;
	return r;
}

int pm_setuid(uint32_t uid)
{
	message m;

	memset(&m, 0, sizeof m);
	m.pm_setuid.uid = uid;
	return pm_call(PM_SETUID, &m);
}

int pm_shutdown(uint32_t how)
{
	message m;

	memset(&m, 0, sizeof m);
	m.pm_shutdown.how = how;
	return pm_call(PM_SHUTDOWN, &m);
}

int pm_tables(struct pm_tables *out)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	r = pm_call(PM_TABLES, &m);
	if (r == 0)
		*out = m.pm_tables;
	return r;
}
