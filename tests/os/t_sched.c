/*
 * t_sched: the preemption test controller (boot configuration test-preempt).
 *
 * A spinner that never blocks and a worker share a priority. Proves: the
 * worker still finishes (the timer preempts the spinner), the spinner did get
 * the CPU too (round robin, not starvation the other way), and the spinner
 * can be killed by its manager, which gets the report. And a process that
 * keeps taking messages that were already waiting (here, notifications to
 * itself) counts as blocking for its run time (procinfo run_ms, which the
 * driver manager's `cpu` limit reads): busy is not spinning. An alarm set
 * to go off early when the CPU is idle (ALARM_OR_IDLE) waits for its
 * deadline while the spinner runs, and goes off at once when nothing does.
 */
#include <stdio.h>
#include <string.h>
#include "lib/testlib.h"

#define WORK 20000000
#define BUSY_MS 400               /* each loop below runs this long */
#define BUSY_RUN_MAX_MS 50        /* run_ms of a process that keeps receiving: about a tick */
#define OR_IDLE_MS 200            /* the deadline of the ALARM_OR_IDLE alarms below */
#define OR_IDLE_EARLY_MS 50       /* with nothing to run, it went off at most this long after */

/* Run for BUSY_MS, taking a notification to ourselves all along if receive is set; our run_ms. */
static uint32_t run_for(int receive, int *failed)
{
	uint32_t until = sys_uptime_ms() + BUSY_MS;
	struct procinfo me;
	message m;

	*failed = sys_procinfo(-1, EP_SELF, &me) < 0;
	while (!*failed && (int32_t)(sys_uptime_ms() - until) < 0)
		if (receive)
			*failed = ipc_notify(me.endpoint) < 0 || ipc_receive(EP_ANY, &m) < 0 ||
			          m.m_type != NOTIFY_MESSAGE;
	*failed |= sys_procinfo(-1, EP_SELF, &me) < 0;
	return me.run_ms;
}

static void busy_is_not_spinning(void)
{
	int failed_spin, failed_busy;
	uint32_t spin_ms = run_for(0, &failed_spin), busy_ms = run_for(1, &failed_busy);

	t_check("busy_receiver_not_spinning", !failed_spin && !failed_busy && spin_ms >= BUSY_MS / 2 &&
	        busy_ms <= BUSY_RUN_MAX_MS, "run time since blocking after %u ms spinning: %u ms; after %u ms "
	        "taking waiting notifications: %u ms (at most %u)", BUSY_MS, spin_ms, BUSY_MS, busy_ms,
	        BUSY_RUN_MAX_MS);
}

/* Milliseconds from setting an ALARM_OR_IDLE alarm of OR_IDLE_MS to its notification, or -1. */
static int32_t or_idle_after(void)
{
	uint32_t t0;
	message m;

	t_sleep(5);                   /* (no alarm left pending, nor its notification) */
	t0 = sys_uptime_ms();
	if (sys_alarm_or_idle(OR_IDLE_MS) < 0 || ipc_receive(EP_CLOCK, &m) < 0)
		return -1;
	return (int32_t)(sys_uptime_ms() - t0);
}

int main(void)
{
	endpoint_t ep[NR_ROLES] = { 0 };
	struct procinfo spin, work;
	struct kc_getdeath d;
	int32_t busy, idle;
	message m;
	int r;

	if (t_collect(ep, 2, 10000) < 0) {
		t_fail("workers_started", "spinner or worker missing");
		t_finish();
	}
	t_go(ep[ROLE_SPINNER], EP_NONE, 0, 0);
	t_go(ep[ROLE_WORKER], EP_NONE, WORK, 0);
	r = t_receive(ep[ROLE_WORKER], &m, 60000);
	t_check("preempt_no_starvation", r == 0 && m.m_type == TEST_DONE &&
	        (uint32_t)m.test_done.result == t_work(WORK),
	        "worker finished next to a spinner of equal priority (r=%d)", r);

	/* The spinner ran from before the worker started to now: round robin
	 * gives it at least about as much CPU as the worker had. */
	r = sys_procinfo(-1, ep[ROLE_SPINNER], &spin);
	if (r == 0)
		r = sys_procinfo(-1, ep[ROLE_WORKER], &work);
	t_check("preempt_round_robin", r == 0 && spin.state == PSTATE_RUNNABLE && work.cpu_ticks >= 20 &&
	        spin.cpu_ticks >= work.cpu_ticks / 2,
	        "CPU shared: spinner %u ms, worker %u ms", spin.cpu_ticks, work.cpu_ticks);
	busy = or_idle_after();
	t_check("alarm_or_idle_waits_while_busy", busy >= OR_IDLE_MS - 10 && busy < 10 * OR_IDLE_MS,
	        "an alarm of %u ms or idle, set while the spinner runs, went off after %d ms", OR_IDLE_MS, (int)busy);

	r = sys_kill(ep[ROLE_SPINNER], 9);
	if (r == 0)
		r = t_receive(EP_KERNEL, &m, 5000);
	if (r == 0)
		r = sys_getdeath(&d);
	t_check("kill_by_manager", r == 0 && d.who == ep[ROLE_SPINNER] && d.cause == DEATH_KILLED,
	        "spinner killed, report: cause %u by %d", d.cause, (int)d.killer);
	idle = or_idle_after();
	t_check("alarm_or_idle_when_idle", idle >= 0 && idle <= OR_IDLE_EARLY_MS,
	        "an alarm of %u ms or idle, set with nothing else to run, went off after %d ms (at most %u)",
	        OR_IDLE_MS, (int)idle, OR_IDLE_EARLY_MS);
	busy_is_not_spinning();
	t_finish();
}
