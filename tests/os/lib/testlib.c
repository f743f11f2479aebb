/* testlib: helpers for in-OS test programs (interface in testlib.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/policy.h>
#include <bulkhead/testproto.h>
#include "testlib.h"

#define STASH_SIZE 32

static int passed, failed;
static message stash[STASH_SIZE];
static int stashed;

static void report(const char *verdict, const char *name, const char *fmt, va_list ap)
{
	char detail[200];

	vsnprintf(detail, sizeof detail, fmt, ap);
	printf("[test] %s %s: %s\n", verdict, name, detail);
}

void t_pass(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("PASS", name, fmt, ap);
	va_end(ap);
	passed++;
}

void t_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("FAIL", name, fmt, ap);
	va_end(ap);
	failed++;
}

int t_check(const char *name, int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(cond ? "PASS" : "FAIL", name, fmt, ap);
	va_end(ap);
	if (cond)
		passed++;
	else
		failed++;
	return cond;
}

int t_failures(void) { return failed; }

void t_summary(void)
{
	printf("[test] summary: %d passed, %d failed\n", passed, failed);
	fflush(stdout);
}

void t_finish(void)
{
	t_summary();
	sys_shutdown(failed ? 1 : 0);
}

static int take_stashed(endpoint_t src, message *m)
{
	int i;

	for (i = 0; i < stashed; i++) {
		if (src == EP_ANY || stash[i].m_source == src) {
			*m = stash[i];
			memmove(&stash[i], &stash[i + 1], (size_t)(stashed - i - 1) * sizeof stash[0]);
			stashed--;
			return 1;
		}
	}
	return 0;
}

/*
 * A clock notification may be left over from an earlier alarm that fired
 * just before it was cancelled, so only one at or after the deadline counts.
 */
static int deadline_passed(uint32_t deadline)
{
	return (int32_t)(sys_uptime_ms() - deadline) >= 0;
}

int t_receive(endpoint_t src, message *m, uint32_t timeout_ms)
{
	uint32_t deadline = sys_uptime_ms() + timeout_ms;
	int r;

	if (take_stashed(src, m))
		return 0;
	sys_alarm(timeout_ms);
	for (;;) {
		r = ipc_receive(EP_ANY, m);
		if (r < 0)
			break;
		if (m->m_source == EP_CLOCK) {
			if (!deadline_passed(deadline))
				continue;
			r = -ETIMEDOUT;
			break;
		}
		if (src == EP_ANY || m->m_source == src)
			break;
		if (stashed < STASH_SIZE)
			stash[stashed++] = *m;
		else
			printf("[test] warning: dropped a message from %d\n", (int)m->m_source);
	}
	sys_alarm(0);
	return r;
}

int t_send_type(endpoint_t dst, int type, message *m)
{
	m->m_type = type;
	return ipc_send(dst, m);
}

void t_sleep(uint32_t ms)
{
	uint32_t deadline = sys_uptime_ms() + ms;
	message m;

	sys_alarm(ms);
	do
		ipc_receive(EP_CLOCK, &m);
	while (!deadline_passed(deadline));
}

endpoint_t t_manager(void)
{
	struct procinfo info;

	return sys_procinfo(-1, EP_SELF, &info) == 0 ? info.manager : EP_NONE;
}

endpoint_t t_find(const char *name)
{
	struct procinfo info;
	int slot;

	for (slot = 0; slot < NR_PROCS; slot++)
		if (sys_procinfo(slot, EP_NONE, &info) == 0 && info.state != PSTATE_FREE &&
		    info.state != PSTATE_ZOMBIE && strcmp(info.name, name) == 0)
			return info.endpoint;
	return EP_NONE;
}

/* Collect death reports until who's arrives (others are dropped); d->who is 0 on timeout. */
void t_wait_death(endpoint_t who, struct kc_getdeath *d, uint32_t timeout_ms)
{
	message m;

	memset(d, 0, sizeof *d);
	for (;;) {
		while (sys_getdeath(d) == 0)
			if (d->who == who)
				return;
		if (t_receive(EP_KERNEL, &m, timeout_ms) < 0) {
			memset(d, 0, sizeof *d);
			return;
		}
	}
}

int t_hello(uint32_t role, message *reply)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.test_hello.ep = sys_self();
	m.test_hello.role = role;
	r = t_send_type(t_manager(), TEST_HELLO, &m);
	if (r < 0)
		return r;
	return ipc_receive(t_manager(), reply);
}

const char *const t_role_names[NR_ROLES] = {
	[ROLE_ECHO] = "echo", [ROLE_CLIENT] = "client", [ROLE_NOTIFIER] = "notifier",
	[ROLE_SLEEPER1] = "sleeper1", [ROLE_SLEEPER2] = "sleeper2", [ROLE_MORTAL] = "mortal",
	[ROLE_USER1] = "user1", [ROLE_USER2] = "user2", [ROLE_BYSTANDER] = "bystander",
	[ROLE_SPINNER] = "spinner", [ROLE_WORKER] = "worker", [ROLE_CRASHER] = "crasher",
	[ROLE_REPLIER] = "replier",
};

enum t_role t_role_by_name(const char *name)
{
	int i;

	for (i = 1; i < NR_ROLES; i++)
		if (name && strcmp(name, t_role_names[i]) == 0)
			return (enum t_role)i;
	return ROLE_NONE;
}

int t_go(endpoint_t worker, endpoint_t peer, uint32_t count, uint32_t delay_ms)
{
	message m;

	memset(&m, 0, sizeof m);
	m.test_go.peer = peer;
	m.test_go.count = count;
	m.test_go.delay_ms = delay_ms;
	return t_send_type(worker, TEST_GO, &m);
}

int t_collect(endpoint_t eps[NR_ROLES], int n, uint32_t timeout_ms)
{
	message m;
	int got = 0;

	while (got < n) {
		if (t_receive(EP_ANY, &m, timeout_ms) < 0) {
			printf("[test] only %d of %d workers said hello\n", got, n);
			return -1;
		}
		if (m.m_type != TEST_HELLO || m.test_hello.role >= NR_ROLES) {
			printf("[test] unexpected message type %x from %d\n", m.m_type, (int)m.m_source);
			continue;
		}
		eps[m.test_hello.role] = m.m_source;
		got++;
	}
	return 0;
}

uint32_t t_work(uint32_t count)
{
	uint32_t *buf = calloc(1024, sizeof *buf), state = 1, sum = 0, i;

	if (!buf)
		return 0;
	for (i = 0; i < count; i++) {
		buf[i % 1024] = t_rand(&state);
		sum = (sum << 1 | sum >> 31) ^ buf[(i * 7) % 1024];
	}
	free(buf);
	return sum;
}

uint32_t t_rand(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state;
}

int t_wait_driver(const char *label, uint32_t old, struct dm_driver_info *info, uint32_t timeout_ms)
{
	uint32_t until = sys_uptime_ms() + timeout_ms;

	do {
		if (dm_info(label, 0, info) == 0 && info->incarnation > old && info->state == DRV_RUNNING)
			return 0;
		t_sleep(2);
	} while ((int32_t)(sys_uptime_ms() - until) < 0);
	return -ETIMEDOUT;
}

int t_dm_up(const char *binary, const char *config, const char *label, const char *args)
{
	struct dm_up_request req;
	char err[POLICY_ERR_MAX], text[DM_ARGS_MAX], *w;
	uint32_t off = 0;
	int r;

	memset(&req, 0, sizeof req);
	strcpy(req.binary, binary);
	strcpy(req.config, config);
	strcpy(req.label, label);
	snprintf(text, sizeof text, "%s", args);
	for (w = strtok(text, " "); w; w = strtok(NULL, " ")) {
		strcpy(req.args + off, w);
		off += (uint32_t)strlen(w) + 1;
		req.argc++;
	}
	r = dm_up(&req, err, sizeof err);
	if (r < 0)
		printf("cannot start %s: %s (%d)\n", label, err, r);
	return r;
}

int t_up(const char *binary, const char *label, const char *args)
{
	struct dm_driver_info info;

	if (dm_info(label, 0, &info) == 0 && info.endpoint != EP_NONE)
		return 0;
	return t_dm_up(binary, "", label, args);
}

int t_inject(endpoint_t target, uint32_t fault, const char *binary, const char *function)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.m_type = TEST_INJECT;
	m.test_inject.target = target;
	m.test_inject.fault = fault;
	snprintf(m.test_inject.binary, sizeof m.test_inject.binary, "%s", binary);
	snprintf(m.test_inject.function, sizeof m.test_inject.function, "%s", function);
	r = ipc_sendrec(find_boot_server("inject"), &m);
	return r < 0 ? r : m.m_type;
}
