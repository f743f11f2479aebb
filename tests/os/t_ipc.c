/*
 * t_ipc: the IPC test controller (boot configuration test-ipc).
 *
 * Proves: round trips carry data intact and the sender cannot be forged;
 * notifications coalesce and never block; a dead or stale endpoint is
 * refused; send cycles of two and three processes are refused with EDEADLK;
 * an unprivileged process's IPC and kernel calls are refused, counted and
 * logged. The kernel counts the address-space loads and kernel entries a
 * ping-pong causes. Message buffers the kernel cannot cache (across a page
 * boundary, read-only) still work, and a buffer whose page is gone is
 * refused even though it was used a moment before.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include "lib/testlib.h"

#define ROUND_TRIPS 20000
#define WORKERS 9

static endpoint_t ep[NR_ROLES];

static int wait_done(endpoint_t from, message *m, uint32_t timeout_ms)
{
	int r = t_receive(from, m, timeout_ms);

	if (r == 0 && m->m_type != TEST_DONE)
		return -EINVAL;
	return r;
}

static void test_pingpong(void)
{
	struct procinfo c0, c1, e0, e1;
	struct kc_sysinfo s0, s1;
	message m;
	int r, i0, i1;

	i0 = sys_procinfo(-1, ep[ROLE_CLIENT], &c0) | sys_procinfo(-1, ep[ROLE_ECHO], &e0) | sys_sysinfo(&s0);
	t_go(ep[ROLE_ECHO], EP_NONE, 0, 0);
	t_go(ep[ROLE_CLIENT], ep[ROLE_ECHO], ROUND_TRIPS, 0);
	r = wait_done(ep[ROLE_CLIENT], &m, 120000);
	i1 = sys_procinfo(-1, ep[ROLE_CLIENT], &c1) | sys_procinfo(-1, ep[ROLE_ECHO], &e1) | sys_sysinfo(&s1);
	t_check("ipc_pingpong", r == 0 && m.test_done.result == 0 && m.test_done.work == ROUND_TRIPS,
	        "%u round trips between two address spaces, %d corrupted words (r=%d)",
	        m.test_done.work, m.test_done.result, r);
	t_check("space_loads_counted", i0 == 0 && i1 == 0 && c1.space_loads - c0.space_loads >= ROUND_TRIPS &&
	        e1.space_loads - e0.space_loads >= ROUND_TRIPS, "over %u round trips the kernel loaded the client's "
	        "address space %u times and the echo's %u (each at least once a round trip)", ROUND_TRIPS,
	        c1.space_loads - c0.space_loads, e1.space_loads - e0.space_loads);
	t_check("kernel_entries_counted", i0 == 0 && i1 == 0 &&
	        s1.entries.ipc_traps - s0.entries.ipc_traps >= 2 * ROUND_TRIPS &&
	        s1.entries.interrupts > s0.entries.interrupts,
	        "over %u round trips the kernel counted %u IPC traps (at least 2 a round trip: the client's "
	        "sendrec, the echo's answer), %u interrupts (the clock's at least: HZ 1000) and %u "
	        "exceptions", ROUND_TRIPS,
	        s1.entries.ipc_traps - s0.entries.ipc_traps, s1.entries.interrupts - s0.entries.interrupts,
	        s1.entries.exceptions - s0.entries.exceptions);
}

static void test_source(void)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.m_type = TEST_PING;
	m.m_source = 12345;                     /* a forgery the kernel must overwrite */
	r = ipc_sendrec(ep[ROLE_ECHO], &m);
	t_check("ipc_source_unforgeable", r == 0 && m.m_source == ep[ROLE_ECHO] &&
	        m.test_ping.words[12] == (uint32_t)sys_self(),
	        "echo saw sender %d (we are %d), reply came from %d", (int)m.test_ping.words[12],
	        (int)sys_self(), (int)m.m_source);
}

#define PAGE 4096u

static int echo_ok(const message *m, uint32_t seq)
{
	return m->m_source == ep[ROLE_ECHO] && m->m_type == TEST_PING && m->test_ping.seq == seq &&
	       m->test_ping.words[12] == (uint32_t)sys_self() &&
	       m->test_ping.words[0] == t_echo_word(0x1111, seq, 0);
}

static void ping(message *m, uint32_t seq)
{
	memset(m, 0, sizeof *m);
	m->m_type = TEST_PING;
	m->m_source = 4242;                        /* forged: the kernel must overwrite it */
	m->test_ping.seq = seq;
	m->test_ping.words[0] = 0x1111;
}

/* A message across a page boundary, and one in read-only memory. */
static void test_uncached_buffers(void)
{
	static uint8_t area[2 * PAGE] __attribute__((aligned(PAGE)));
	static const message ro = { .m_type = TEST_PING, .m_source = 4242, .test_ping = { .seq = 9, .words = { 0x1111 } } };
	message *across = (message *)(area + PAGE - 20), got;
	int r, rs, rr, rsr;

	ping(across, 8);
	r = ipc_sendrec(ep[ROLE_ECHO], across);
	t_check("ipc_message_across_pages", r == 0 && echo_ok(across, 8),
	        "sendrec with the message across a page boundary: %d; reply from %d, seq %u", r,
	        (int)across->m_source, across->test_ping.seq);
	rs = ipc_send(ep[ROLE_ECHO], (message *)&ro);
	rr = ipc_receive(ep[ROLE_ECHO], &got);
	rsr = ipc_sendrec(ep[ROLE_ECHO], (message *)&ro);
	t_check("ipc_message_read_only", rs == 0 && rr == 0 && echo_ok(&got, 9) && rsr == -EFAULT,
	        "send from read-only memory %d, its echo %d (seq %u); sendrec into read-only memory %d (want -14)",
	        rs, rr, got.test_ping.seq, rsr);
}

/*
 * The kernel remembers where the last message buffer lives: not past the
 * page's end. The heap shrinks by a kernel call whose own message sits in
 * the page it frees, so nothing else is remembered in between: its answer,
 * and every later use of the buffer, must find the page gone.
 */
static void test_buffer_unmapped_after_use(void)
{
	vir_bytes top = 0, base;
	message *m;
	int r1 = -1, rb = 0, r2 = 0, r3 = 0;

	sys_brk(0, &top);
	base = (top + 2 * PAGE - 1) & ~(vir_bytes)(PAGE - 1);
	if (sys_brk(base + PAGE, NULL) == 0) {
		m = (message *)base;
		ping(m, 10);
		r1 = ipc_sendrec(ep[ROLE_ECHO], m);
		r1 = r1 == 0 && echo_ok(m, 10) ? 0 : -1;
		memset(m, 0, sizeof *m);
		m->kc_brk.addr = top;
		rb = kernel_call(KC_BRK, m);           /* frees m's page: the answer cannot land */
		r2 = ipc_sendrec(ep[ROLE_ECHO], m);
		r3 = ipc_sendrec(EP_KERNEL, m);         /* a kernel call, m not touched here */
	}
	t_check("ipc_buffer_unmapped_after_use", r1 == 0 && rb == -EFAULT && r2 == -EFAULT && r3 == -EFAULT,
	        "a round trip through a heap page %d; the call that frees it %d; then sendrec %d, a kernel call %d "
	        "(want -14)", r1, rb, r2, r3);
}

static void test_notify(void)
{
	message m1, m2;
	int r1, r2;

	t_go(ep[ROLE_NOTIFIER], sys_self(), 100, 0);
	t_sleep(300);                             /* receive only the clock meanwhile */
	r1 = ipc_receive(ep[ROLE_NOTIFIER], &m1);
	r2 = ipc_receive(ep[ROLE_NOTIFIER], &m2);
	t_check("notify_coalesce", r1 == 0 && m1.m_type == NOTIFY_MESSAGE && r2 == 0 &&
	        m2.m_type == TEST_DONE && m2.test_done.work == 100,
	        "100 notifies returned 0 %u times and arrived as one notification (then: type %x)",
	        m2.test_done.work, m2.m_type);
}

static void test_dead_endpoint(void)
{
	endpoint_t mortal = ep[ROLE_MORTAL], echo = ep[ROLE_ECHO];
	endpoint_t stale = make_endpoint(endpoint_gen(echo) + 1, endpoint_slot(echo));
	struct kc_getdeath d;
	message m;
	int r, rs, rn, rr, rstale;

	t_go(mortal, EP_NONE, 0, 0);
	r = t_receive(EP_KERNEL, &m, 5000);
	if (r == 0)
		r = sys_getdeath(&d);
	t_check("death_reported", r == 0 && d.who == mortal && d.cause == DEATH_EXIT && d.status == 7,
	        "manager told: %s (ep %d) cause %u status %d", d.name, (int)d.who, d.cause, d.status);

	memset(&m, 0, sizeof m);
	rs = ipc_send(mortal, &m);
	rn = ipc_notify(mortal);
	rr = ipc_sendrec(mortal, &m);
	rstale = ipc_send(stale, &m);
	t_check("send_to_dead_endpoint", rs == -ESRCH && rn == -ESRCH && rr == -ESRCH,
	        "send %d, notify %d, sendrec %d (want %d)", rs, rn, rr, -ESRCH);
	t_check("send_to_stale_generation", rstale == -ESRCH,
	        "echo is %d; its slot with the next generation (%d) gives %d", (int)echo, (int)stale, rstale);
}

static void test_deadlock(void)
{
	message m, d1, d2;
	int r, r1, r2;

	memset(&m, 0, sizeof m);
	m.m_type = TEST_PING;
	t_go(ep[ROLE_SLEEPER1], sys_self(), 0, 200);
	r = ipc_send(ep[ROLE_SLEEPER1], &m);      /* blocks: sleeper1 is asleep */
	r1 = wait_done(ep[ROLE_SLEEPER1], &d1, 5000);
	t_check("deadlock_two_cycle", r == 0 && r1 == 0 && d1.test_done.result == -EDEADLK,
	        "we sent to a sleeper, it sent back: %d (want %d)", d1.test_done.result, -EDEADLK);

	t_go(ep[ROLE_SLEEPER1], ep[ROLE_SLEEPER2], 0, 150);
	t_go(ep[ROLE_SLEEPER2], sys_self(), 0, 400);
	r = ipc_send(ep[ROLE_SLEEPER1], &m);      /* us -> s1 -> s2 -> us */
	r1 = wait_done(ep[ROLE_SLEEPER1], &d1, 5000);
	r2 = wait_done(ep[ROLE_SLEEPER2], &d2, 5000);
	t_check("deadlock_three_cycle", r == 0 && r1 == 0 && r2 == 0 && d1.test_done.result == 0 &&
	        d2.test_done.result == -EDEADLK,
	        "s1's send %d, s2's send closing the cycle %d (want %d)",
	        d1.test_done.result, d2.test_done.result, -EDEADLK);
}

static void test_self(void)
{
	message m;
	int rs, rr;

	memset(&m, 0, sizeof m);
	rs = ipc_send(sys_self(), &m);
	rr = ipc_receive(sys_self(), &m);
	t_check("deadlock_self", rs == -EDEADLK && rr == -EDEADLK,
	        "send to self %d, receive from self %d (want %d)", rs, rr, -EDEADLK);
}

/* A notification must not be taken for the reply a sendrec waits for. */
static void test_reply_not_notification(void)
{
	message m;
	int r, r2 = -1, type2 = 0;

	t_go(ep[ROLE_REPLIER], EP_NONE, 0, 0);
	memset(&m, 0, sizeof m);
	m.m_type = TEST_PING;
	m.test_ping.seq = 77;
	r = ipc_sendrec(ep[ROLE_REPLIER], &m);     /* it notifies us, then replies */
	if (r == 0 && m.m_type == TEST_PING) {
		message n;
		r2 = ipc_receive(ep[ROLE_REPLIER], &n);
		type2 = n.m_type;
	}
	t_check("sendrec_reply_not_a_notification", r == 0 && m.m_type == TEST_PING && m.test_ping.seq == 77 &&
	        r2 == 0 && type2 == NOTIFY_MESSAGE,
	        "sendrec got type %x (want the reply, %x); the notification came after: %x",
	        m.m_type, TEST_PING, type2);
}

/* Is there a denial by `who` of this kind and target in the log since seq? */
static int logged(uint32_t seq, endpoint_t who, int kind, uint32_t target, int err)
{
	static struct klog_entry log[KLOG_ENTRIES];
	uint32_t n, next, i;

	if (sys_getlog(seq, log, KLOG_ENTRIES, &n, &next) < 0)
		return 0;
	for (i = 0; i < n; i++)
		if (log[i].kind == KLOG_DENIED && log[i].who == who && log[i].code == kind &&
		    log[i].target == target && (int32_t)log[i].detail == err)
			return 1;
	return 0;
}

static void test_denied(void)
{
	endpoint_t u1 = ep[ROLE_USER1], u2 = ep[ROLE_USER2];
	struct klog_entry none;
	struct procinfo before, after;
	uint32_t seq, n;
	message m;
	int32_t *d = m.test_done.detail;
	int r;

	sys_getlog(~0u, &none, 1, &n, &seq);      /* where the log ends now */
	sys_procinfo(-1, u1, &before);
	t_go(u1, u2, 0, 0);
	r = wait_done(u1, &m, 5000);
	sys_procinfo(-1, u1, &after);
	if (r < 0) {
		t_fail("denied_ipc", "user1 did not report (%d)", r);
		return;
	}
	t_check("denied_ipc", d[0] == -EPERM && d[1] == -EPERM,
	        "unprivileged send to another user process %d, notify %d (want %d)", d[0], d[1], -EPERM);
	t_check("denied_kcall", d[2] == -EPERM && d[3] == -EPERM && d[4] == -ENOSYS,
	        "KC_SHUTDOWN %d, KC_DEVIO %d (want %d), call 200 %d (want %d)",
	        d[2], d[3], -EPERM, d[4], -ENOSYS);
	t_check("denied_logged",
	        logged(seq, u1, DENY_IPC, (uint32_t)u2, -EPERM) &&
	        logged(seq, u1, DENY_KCALL, KC_SHUTDOWN, -EPERM) &&
	        logged(seq, u1, DENY_KCALL, KC_DEVIO, -EPERM) &&
	        logged(seq, u1, DENY_KCALL, 200, -ENOSYS),
	        "kernel log has user1's refused IPC to %d and calls %d, %d, 200", (int)u2, KC_SHUTDOWN, KC_DEVIO);
	t_check("denied_counted",
	        after.denied[DENY_IPC] - before.denied[DENY_IPC] == 2 &&
	        after.denied[DENY_KCALL] - before.denied[DENY_KCALL] == 3,
	        "user1's counters: IPC %u, kernel call %u (want 2, 3)",
	        after.denied[DENY_IPC] - before.denied[DENY_IPC],
	        after.denied[DENY_KCALL] - before.denied[DENY_KCALL]);
}

int main(void)
{
	printf("t_ipc: controller is endpoint %d\n", (int)sys_self());
	if (t_collect(ep, WORKERS, 10000) < 0) {
		t_fail("workers_started", "not every worker said hello");
		t_finish();
	}
	test_pingpong();
	test_source();
	test_uncached_buffers();
	test_buffer_unmapped_after_use();
	test_notify();
	test_dead_endpoint();
	test_deadlock();
	test_self();
	test_reply_not_notification();
	test_denied();
	t_finish();
}
