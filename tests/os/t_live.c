/*
 * t_live: a spinning or hung driver cannot starve a user program, and a
 * driver that spins while still answering heartbeats is caught by its CPU
 * limit (boot configuration test-liveness; init runs this after /etc/rc).
 *
 * It starts the demo driver as "spin" under /tests/spin.conf (heartbeat 200
 * ms, cpu 300 ms), has the fault injector (t_inject) turn the driver's alarm
 * handler into a loop that notifies the driver manager forever (so the
 * heartbeats keep being answered), and spins itself meanwhile, as a
 * CPU-bound user program, measuring the CPU it gets. Then the same while the
 * driver hangs without answering. Finally, as a program the driver's policy
 * does not name as a client, it asks for a restart and must be refused.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/demo.h>
#include <bulkhead/policy.h>
#include <bulkhead/testproto.h>
#include "lib/testlib.h"

#define LABEL "spin"
#define MIN_SHARE_PCT 25        /* of the CPU we must get while the driver spins */
#define MAX_GAP_MS 100          /* longest time off the CPU we accept meanwhile */
#define WATCH_MS 10000
#define ASK_EVERY_MS 200        /* we block only for these questions: we are CPU-bound */

struct watch {
	uint32_t start, end, cpu_ms, longest_gap;
	int restarted;
	struct dm_driver_info info;
};

static uint32_t my_cpu_ms(void)
{
	struct procinfo p;

	return sys_procinfo(-1, EP_SELF, &p) == 0 ? p.cpu_ticks : 0;   /* 1 tick = 1 ms */
}

/* Spin (asking the driver manager now and then) until LABEL runs a newer incarnation. */
static void spin_until_restart(uint32_t old_incarnation, struct watch *w)
{
	uint32_t now, last, next_ask, cpu0 = my_cpu_ms();

	w->start = last = next_ask = sys_uptime_ms();
	w->longest_gap = 0;
	w->restarted = 0;
	do {
		now = sys_uptime_ms();
		if (now - last > w->longest_gap)
			w->longest_gap = now - last;
		last = now;
		if ((int32_t)(now - next_ask) >= 0) {
			next_ask = now + ASK_EVERY_MS;
			w->restarted = dm_info(LABEL, 0, &w->info) == 0 && w->info.incarnation > old_incarnation &&
			               w->info.state == DRV_RUNNING;
			last = sys_uptime_ms();       /* time in the call is not time off the CPU */
		}
	} while (!w->restarted && now - w->start < WATCH_MS);
	w->end = sys_uptime_ms();
	w->cpu_ms = my_cpu_ms() - cpu0;
}

static uint32_t share_pct(const struct watch *w)
{
	return w->end > w->start ? w->cpu_ms * 100 / (w->end - w->start) : 0;
}

static void test_spin(void)
{
	struct dm_driver_info before;
	struct dm_failure f;
	struct watch w;
	int r;

	dm_info(LABEL, 0, &before);
	r = t_inject(before.endpoint, FAULT_SPIN_ANSWERING, "demo", "alarm_tick");
	if (r < 0) {
		t_fail("cpu_spinner_restarted", "the injector refused: %d", r);
		return;
	}
	spin_until_restart(before.incarnation, &w);
	r = w.restarted ? dm_history(LABEL, 0, &f) : -ETIMEDOUT;
	/* the loop starts at the next 100 ms alarm; we share the lowest queue with it */
	t_check("cpu_spinner_restarted", r == 0 && f.cause == CAUSE_CPU && f.incarnation == before.incarnation &&
	        f.failed_ms - w.start <= 100 + 4 * before.cpu_ms + 200,
	        "cause %u (%s), %u ms after the injection (cpu limit %u ms; bound 100 + 4 x limit + 200 ms)",
	        r == 0 ? f.cause : 0, r == 0 ? f.detail : "not restarted", r == 0 ? f.failed_ms - w.start : 0,
	        before.cpu_ms);
	t_check("cpu_user_keeps_running", w.restarted && share_pct(&w) >= MIN_SHARE_PCT &&
	        w.longest_gap <= MAX_GAP_MS,
	        "while the driver spun answering heartbeats we got %u ms of CPU in %u ms (%u%%, at least %u%%), "
	        "never off the CPU longer than %u ms (at most %u)", w.cpu_ms, w.end - w.start, share_pct(&w),
	        MIN_SHARE_PCT, w.longest_gap, MAX_GAP_MS);
}

static void test_hang(void)
{
	struct dm_driver_info before;
	struct dm_failure f;
	struct watch w;
	message m;
	int r;

	dm_info(LABEL, 0, &before);
	memset(&m, 0, sizeof m);
	m.m_type = DEMO_CRASH;
	m.demo_req.mode = DEMO_HANG;
	r = ipc_send(before.endpoint, &m);
	spin_until_restart(before.incarnation, &w);
	if (r == 0 && w.restarted)
		r = dm_history(LABEL, 0, &f);
	t_check("hang_user_keeps_running", r == 0 && w.restarted && f.cause != CAUSE_NONE &&
	        share_pct(&w) >= MIN_SHARE_PCT && w.longest_gap <= MAX_GAP_MS,
	        "until the hung driver was restarted (cause %u) %u ms later we got %u ms of CPU (%u%%), "
	        "never off the CPU longer than %u ms", r == 0 ? f.cause : 0, w.end - w.start, w.cpu_ms,
	        share_pct(&w), w.longest_gap);
}

static void test_restart_refused(void)
{
	struct dm_driver_info before, after;
	int r;

	dm_info(LABEL, 0, &before);
	r = dm_restart(LABEL);
	t_sleep(300);
	dm_info(LABEL, 0, &after);
	t_check("restart_refused_to_non_client", r == -EPERM && after.incarnation == before.incarnation,
	        "a program its policy does not name asked for a restart: %d; still incarnation %u", r,
	        after.incarnation);
	t_check("restart_unknown_driver", dm_restart("nosuch") == -ENOENT, "no such driver: -ENOENT");
}

int main(void)
{
	struct dm_up_request req;
	struct dm_driver_info info;
	char err[POLICY_ERR_MAX];
	uint32_t i;
	int r;

	memset(&req, 0, sizeof req);
	strcpy(req.binary, "/drivers/demo");
	strcpy(req.label, LABEL);
	strcpy(req.config, "/tests/spin.conf");
	r = dm_up(&req, err, sizeof err);
	for (i = 0; r == 0 && i < 500 && (dm_info(LABEL, 0, &info) < 0 || info.state != DRV_RUNNING); i++)
		t_sleep(10);
	if (!t_check("spin_driver_started", r == 0 && info.state == DRV_RUNNING && info.cpu_ms == 300,
	             "%s: %d (%s), cpu limit %u ms", LABEL, r, err, info.cpu_ms))
		t_finish();
	test_spin();
	test_hang();
	test_restart_refused();
	t_finish();
}
