/*
 * pm: the process manager. Protocol in include/bulkhead/pm.h.
 *
 * It manages every process (the kernel reports each death to it): it forks
 * and execs them, keeps who is whose parent, turns death reports into wait
 * statuses, and passes the deaths of processes it spawned for a supervisor
 * (the driver manager) on to that supervisor. Programs come from the boot
 * file system and are validated here (for a clear refusal) and again by the
 * kernel. Replies never block: a client that does not wait loses its answer.
 *
 * Every process runs for a user (uid 0 is the administrator); children
 * inherit it. No table here can be filled for good: a supervised process
 * (a driver) leaves a death report for its supervisor and no zombie; a fork
 * is refused while the zombie table could not take every forked process's
 * death; an ordinary user has at most PM_UID_PROCS processes, zombies
 * included; forks leave PM_SLOTS_KEPT slots for driver restarts; and all a
 * dead process held (its zombies, its reports, its unstarted spawns, its
 * data-store keys) goes with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <bulkhead/errno.h>
#include <bulkhead/elf.h>
#include <bulkhead/layout.h>
#include <bulkhead/clients.h>
#include <bulkhead/posix.h>
#include <bulkhead/server.h>

#define MAX_ZOMBIES NR_PROCS     /* a fork is refused before this could overflow */
#define MAX_REPORTS NR_PROCS     /* at most one per live supervised process */
#define MAX_IMAGE   (8u << 20)
#define ARGS_MAX    1024

/* A live process, by kernel slot. */
struct process {
	endpoint_t ep;               /* EP_NONE: the slot is not ours */
	endpoint_t parent;           /* who may wait for it */
	endpoint_t supervisor;       /* who gets its death report (the driver manager) */
	int waiting;                 /* blocked in PM_WAIT ... */
	endpoint_t wait_for;         /* ... for this pid, or -1 */
	uint32_t uid;
	int boot;                    /* a boot process (server, init): never killed */
};

/* A dead child its parent has not collected yet. */
struct zombie { endpoint_t ep, parent; int status; uint32_t uid; };

/* A death for a supervisor to collect. */
struct report { endpoint_t supervisor; struct kc_getdeath death; };

static struct process procs[NR_PROCS];
static struct zombie zombies[MAX_ZOMBIES];
static struct report reports[MAX_REPORTS];
static endpoint_t self;

static struct process *proc_of(endpoint_t ep)
{
	struct process *p;

	if (ep < 0)
		return NULL;
	p = &procs[endpoint_slot(ep)];
	return p->ep == ep ? p : NULL;
}

static struct process *add(endpoint_t ep, endpoint_t parent, endpoint_t supervisor)
{
	struct process *p = &procs[endpoint_slot(ep)];

	*p = (struct process){ ep, parent, supervisor, 0, -1, 0, 0 };
	return p;
}

/* A POSIX wait status for a kernel death report. */
static int wait_status(const struct kc_getdeath *d)
{
	if (d->cause == DEATH_EXIT)
		return (d->status & 0xff) << 8;
	if (d->cause == DEATH_KILLED)
		return d->status > 0 && d->status < 0x7f ? d->status : SIGKILL;
	switch (d->vector) {
	case 0:  return SIGFPE;
	case 6:  return SIGILL;
	case 13:
	case 14: return SIGSEGV;
	default: return SIGBUS;
	}
}

static int wants(const struct process *parent, endpoint_t child)
{
	return parent && parent->waiting && (parent->wait_for == -1 || parent->wait_for == child);
}

static void give_to_parent(endpoint_t ep, endpoint_t parent_ep, int status, uint32_t uid)
{
	struct process *parent = proc_of(parent_ep);
	message m;
	int i;

	if (!parent)
		return;
	if (wants(parent, ep)) {
		memset(&m, 0, sizeof m);
		m.pm_reply.pid = ep;
		m.pm_reply.status = status;
		parent->waiting = 0;
		server_reply(parent_ep, &m, 0);
		return;
	}
	for (i = 0; i < MAX_ZOMBIES; i++) {
		if (zombies[i].ep == EP_NONE) {
			zombies[i] = (struct zombie){ ep, parent_ep, status, uid };
			return;
		}
	}
	printf("pm: no room to keep the status of %d for its parent\n", (int)ep);
}

static void give_to_supervisor(const struct kc_getdeath *d, endpoint_t supervisor)
{
	int i;

	for (i = 0; i < MAX_REPORTS; i++) {
		if (reports[i].supervisor == EP_NONE) {
			reports[i] = (struct report){ supervisor, *d };
			ipc_notify(supervisor);
			return;
		}
	}
	printf("pm: no room to keep the death of %d for its supervisor\n", (int)d->who);
}

/* End a process the kernel lets us end (we manage every process). */
static int end_process(endpoint_t ep, int sig)
{
	message k;

	memset(&k, 0, sizeof k);
	k.kc_kill.target = ep;
	k.kc_kill.status = sig;
	return kernel_call(KC_KILL, &k);
}

/* ep is gone: nothing it held here outlives it. */
static void forget_children_of(endpoint_t ep)
{
	struct procinfo info;
	int i;

	for (i = 0; i < NR_PROCS; i++) {
		if (procs[i].ep == EP_NONE)
			continue;
		if (procs[i].supervisor == ep && sys_procinfo(-1, procs[i].ep, &info) == 0 &&
		    info.state == PSTATE_STOPPED)
			end_process(procs[i].ep, SIGKILL);       /* spawned, never started */
		if (procs[i].parent == ep)
			procs[i].parent = EP_NONE;
		if (procs[i].supervisor == ep)
			procs[i].supervisor = EP_NONE;
	}
	for (i = 0; i < MAX_ZOMBIES; i++)
		if (zombies[i].parent == ep)
			zombies[i].ep = zombies[i].parent = EP_NONE;
	for (i = 0; i < MAX_REPORTS; i++)
		if (reports[i].supervisor == ep)
			reports[i].supervisor = EP_NONE;
}

static void collect_deaths(void)
{
	struct kc_getdeath d;
	struct process *p, gone;

	while (sys_getdeath(&d) == 0) {
		p = proc_of(d.who);
		if (!p)
			continue;
		gone = *p;
		p->ep = EP_NONE;
		forget_children_of(d.who);
		ds_owner_died(d.who);
		if (gone.supervisor != EP_NONE && proc_of(gone.supervisor))
			give_to_supervisor(&d, gone.supervisor);   /* it collects; no zombie */
		else if (gone.supervisor == EP_NONE)
			give_to_parent(d.who, gone.parent, wait_status(&d), gone.uid);
	}
}

/* Room for one more forked process? 0, or -EAGAIN with the reason logged once. */
static int fork_allowed(const struct process *parent)
{
	uint32_t live = 0, pending = 0, mine = 0;
	int i;

	for (i = 0; i < NR_PROCS; i++) {
		if (procs[i].ep == EP_NONE)
			continue;
		live++;
		pending += procs[i].parent != EP_NONE && procs[i].supervisor == EP_NONE;
		mine += procs[i].uid == parent->uid;
	}
	for (i = 0; i < MAX_ZOMBIES; i++) {
		pending += zombies[i].ep != EP_NONE;
		mine += zombies[i].ep != EP_NONE && zombies[i].uid == parent->uid;
	}
	if (live + PM_SLOTS_KEPT >= NR_PROCS || pending >= MAX_ZOMBIES)
		return -EAGAIN;
	if (parent->uid != 0 && mine >= PM_UID_PROCS)
		return -EAGAIN;
	return 0;
}

static int do_fork(message *m)
{
	struct process *parent = proc_of(m->m_source);
	message child_reply;
	message k;
	int r;

	if (!parent)
		return -ESRCH;
	r = fork_allowed(parent);
	if (r < 0)
		return r;
	memset(&k, 0, sizeof k);
	k.kc_fork.parent = m->m_source;
	r = kernel_call(KC_FORK, &k);
	if (r < 0)
		return r;
	add(k.kc_fork.child, m->m_source, EP_NONE)->uid = parent->uid;
	memset(&child_reply, 0, sizeof child_reply);
	child_reply.pm_reply.pid = 0;
	server_reply(k.kc_fork.child, &child_reply, 0);        /* the child waits as its parent did */
	m->pm_reply.pid = k.kc_fork.child;
	return 0;
}

/* Does the caller have this privilege flag? */
static int caller_has(endpoint_t ep, uint32_t flag)
{
	struct procinfo info;

	return sys_procinfo(-1, ep, &info) == 0 && (info.priv_flags & flag);
}

static int do_spawn(message *m)
{
	message k;
	int r;

	if (!caller_has(m->m_source, PRIV_CAN_INSTALL))
		return -EPERM;                   /* only the driver manager makes empty processes */
	memset(&k, 0, sizeof k);
	k.kc_fork.flags = FORK_EMPTY;
	r = kernel_call(KC_FORK, &k);
	if (r < 0)
		return r;
	add(k.kc_fork.child, m->m_source, m->m_source);
	m->pm_reply.pid = k.kc_fork.child;
	return 0;
}

/* Read the program at path into buf (grown as needed); its size, or -errno. */
static int read_program(const char *path, uint8_t **buf, size_t *cap, const char **why)
{
	uint32_t ino, size, mode, done;
	int r;

	*why = "no such file";
	r = fs_lookup(path, &ino, &size, &mode);
	if (r < 0)
		return r;
	*why = "not an executable file";
	if (!(mode & FS_MODE_FILE) || !(mode & FS_MODE_EXEC))
		return -EACCES;
	*why = "file too large";
	if (size > MAX_IMAGE)
		return -E2BIG;
	if (size > *cap) {
		uint8_t *bigger = realloc(*buf, size);
		*why = "out of memory";
		if (!bigger)
			return -ENOMEM;
		*buf = bigger;
		*cap = size;
	}
	*why = "cannot read the file";
	for (done = 0; done < size; done += (uint32_t)r) {
		r = fs_read(ino, done, *buf + done, size - done);
		if (r <= 0)
			return r < 0 ? r : -EIO;
	}
	return (int)size;
}

/* May `caller` exec into target? Itself, or a stopped process it spawned. */
static int may_exec(endpoint_t caller, endpoint_t target)
{
	struct process *t = proc_of(target);
	struct procinfo info;

	if (target == caller)
		return 1;
	return t && t->supervisor == caller && sys_procinfo(-1, target, &info) == 0 &&
	       info.state == PSTATE_STOPPED;
}

static int do_exec(message *m)
{
	static uint8_t *image;
	static size_t cap;
	static char path[FS_PATH_MAX], args[ARGS_MAX];
	struct pm_exec a = m->pm_exec;
	endpoint_t target = a.target == EP_SELF ? m->m_source : a.target;
	struct elf_image elf;
	const char *why = "";
	message k;
	int size, r;

	memset(&m->pm_reply, 0, sizeof m->pm_reply);
	if (!may_exec(m->m_source, target))
		return -EPERM;
	if (a.path_len == 0 || a.path_len >= sizeof path || a.args_len == 0 || a.args_len > sizeof args ||
	    a.argc == 0)
		return -EINVAL;
	r = sys_safecopy(m->m_source, a.path, 0, path, a.path_len, SAFECOPY_FROM);
	if (r == 0)
		r = sys_safecopy(m->m_source, a.args, 0, args, a.args_len, SAFECOPY_FROM);
	if (r < 0)
		return r;
	path[a.path_len] = '\0';
	args[a.args_len - 1] = '\0';

	size = read_program(path, &image, &cap, &why);
	if (size >= 0 && elf_parse(image, (size_t)size, (size_t)size, USER_BASE, USER_HEAP_LIMIT, &elf, &why) < 0)
		size = -ENOEXEC;
	if (size < 0) {
		strncpy(m->pm_reply.why, why, PM_WHY_MAX - 1);
		return size;
	}
	memset(&k, 0, sizeof k);
	k.kc_exec.target = target;
	k.kc_exec.image = (vir_bytes)image;
	k.kc_exec.size = (uint32_t)size;
	k.kc_exec.args = (vir_bytes)args;
	k.kc_exec.args_len = a.args_len;
	k.kc_exec.argc = a.argc;
	k.kc_exec.flags = target == m->m_source || (a.flags & PM_EXEC_START) ? EXEC_START : 0;
	r = kernel_call(KC_EXEC, &k);
	if (r < 0) {
		strncpy(m->pm_reply.why, "the kernel refused the image", PM_WHY_MAX - 1);
		return r;
	}
	return target == m->m_source ? SERVER_SUSPEND : 0;
}

static int do_wait(message *m)
{
	struct process *p = proc_of(m->m_source);
	endpoint_t pid = m->pm_wait.pid;
	int i, children = 0;

	if (!p)
		return -ECHILD;
	for (i = 0; i < MAX_ZOMBIES; i++) {
		if (zombies[i].ep != EP_NONE && zombies[i].parent == m->m_source && (pid == -1 || zombies[i].ep == pid)) {
			m->pm_reply.pid = zombies[i].ep;
			m->pm_reply.status = zombies[i].status;
			zombies[i].ep = zombies[i].parent = EP_NONE;
			return 0;
		}
	}
	for (i = 0; i < NR_PROCS; i++)
		children += procs[i].ep != EP_NONE && procs[i].parent == m->m_source &&
		            (pid == -1 || procs[i].ep == pid);
	if (!children)
		return -ECHILD;
	if (m->pm_wait.options & PM_WNOHANG) {
		m->pm_reply.pid = 0;
		return 0;
	}
	p->waiting = 1;
	p->wait_for = pid;
	return SERVER_SUSPEND;
}

/* uid 0 may signal anyone, others only their own processes; boot processes nobody. */
static int may_kill(endpoint_t caller, const struct process *target)
{
	struct process *c = proc_of(caller);

	return !target->boot && c && (c->uid == 0 || c->uid == target->uid);
}

static int do_kill(message *m)
{
	struct process *target = proc_of(m->pm_kill.pid);

	if (m->pm_kill.sig <= 0 || m->pm_kill.sig > PM_SIG_MAX)
		return -EINVAL;
	if (caller_has(m->pm_kill.pid, PRIV_SYSTEM) || m->pm_kill.pid == self)
		return -EPERM;                   /* the servers, this one included */
	if (!target)
		return -ESRCH;
	if (!may_kill(m->m_source, target))
		return -EPERM;
	return end_process(target->ep, m->pm_kill.sig);
}

static int do_setuid(message *m)
{
	struct process *p = proc_of(m->m_source);
	uint32_t uid = m->pm_setuid.uid;
	message k;
	int r;

	if (!p)
		return -ESRCH;
	if (p->uid != 0 && uid != p->uid)
		return -EPERM;
	memset(&k, 0, sizeof k);
	k.kc_setuid.target = p->ep;
	k.kc_setuid.uid = uid;
	r = kernel_call(KC_SETUID, &k);
	if (r == 0)
		p->uid = uid;
	return r;
}

static int do_tables(message *m)
{
	struct process *caller = proc_of(m->m_source);
	struct pm_tables t = { 0, NR_PROCS, 0, MAX_ZOMBIES, 0, MAX_REPORTS, 0 };
	int i;

	for (i = 0; i < NR_PROCS; i++) {
		t.procs += procs[i].ep != EP_NONE;
		t.caller_uid_procs += procs[i].ep != EP_NONE && caller && procs[i].uid == caller->uid;
	}
	for (i = 0; i < MAX_ZOMBIES; i++) {
		t.zombies += zombies[i].ep != EP_NONE;
		t.caller_uid_procs += zombies[i].ep != EP_NONE && caller && zombies[i].uid == caller->uid;
	}
	for (i = 0; i < MAX_REPORTS; i++)
		t.reports += reports[i].supervisor != EP_NONE;
	m->pm_tables = t;
	return 0;
}

/* Power off or reset, for an ordinary program running as uid 0 (drivers may not). */
static int do_shutdown(message *m)
{
	struct procinfo info;
	int reset = (m->pm_shutdown.how & PM_SHUTDOWN_RESET) != 0;
	message k;

	if (sys_procinfo(-1, m->m_source, &info) < 0 || info.uid != 0 || !(info.priv_flags & PRIV_USER))
		return -EPERM;
	printf("pm: %s asked by %s (endpoint %d)\n", reset ? "reset" : "power off", info.name, (int)m->m_source);
	memset(&k, 0, sizeof k);
	k.kc_shutdown.how = reset ? SHUTDOWN_RESET : 0;
	return kernel_call(KC_SHUTDOWN, &k);
}

static int do_reap(message *m)
{
	int i;

	for (i = 0; i < MAX_REPORTS; i++) {
		if (reports[i].supervisor == m->m_source) {
			m->kc_getdeath = reports[i].death;
			reports[i].supervisor = EP_NONE;
			return 0;
		}
	}
	return -EAGAIN;
}

static const server_handler handlers[] = {
	[PM_FORK - PM_FORK]  = do_fork,
	[PM_SPAWN - PM_FORK] = do_spawn,
	[PM_EXEC - PM_FORK]  = do_exec,
	[PM_WAIT - PM_FORK]  = do_wait,
	[PM_KILL - PM_FORK]  = do_kill,
	[PM_REAP - PM_FORK]  = do_reap,
	[PM_SETUID - PM_FORK] = do_setuid,
	[PM_TABLES - PM_FORK] = do_tables,
	[PM_SHUTDOWN - PM_FORK] = do_shutdown,
};

/* The boot processes were running before us: they are ours too. */
static void adopt_boot_processes(void)
{
	struct procinfo info;
	int slot;

	for (slot = 0; slot < NR_PROCS; slot++)
		if (sys_procinfo(slot, EP_NONE, &info) == 0 && info.state != PSTATE_FREE &&
		    info.state != PSTATE_ZOMBIE && info.manager == self)
			add(info.endpoint, EP_NONE, EP_NONE)->boot = 1;
}

/* The kernel tells us of deaths by notification; nobody else notifies pm. */
static void notified(const message *m)
{
	if (m->m_source == EP_KERNEL)
		collect_deaths();
}

static const struct server pm_server = { PM_FORK, SERVER_TABLE(handlers), notified, NULL, NULL };

int main(void)
{
	int i;

	posix_use_kernel_console();
	self = sys_self();
	for (i = 0; i < NR_PROCS; i++)
		procs[i].ep = EP_NONE;
	for (i = 0; i < MAX_ZOMBIES; i++)
		zombies[i].ep = zombies[i].parent = EP_NONE;
	for (i = 0; i < MAX_REPORTS; i++)
		reports[i].supervisor = EP_NONE;
	adopt_boot_processes();
	ds_publish("pm", (uint32_t)self);
	printf("pm: process manager ready (endpoint %d)\n", (int)self);
	server_loop(&pm_server);
}
