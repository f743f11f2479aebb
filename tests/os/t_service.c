/*
 * t_service: tests of the driver manager with the demo driver (boot
 * configuration test-service; init runs it after /etc/rc has started the
 * console and demo drivers).
 *
 * Proves: a driver started from a policy has exactly the privileges listed;
 * each way of failing (segfault, divide error, privileged instruction,
 * panic, exit, hang) is detected, attributed and restarted with a new
 * endpoint, the old one failing; a hang is caught within two heartbeat
 * periods; a forbidden action is refused and logged, not fatal; subscribers
 * learn the new endpoint; backoff grows after repeated failures, the
 * restart limit is kept, `service down` stops restarts; a bad policy starts
 * nothing and says why; and 1,000 crash/restart cycles leave the system
 * working with no memory lost, every server table as it was, and the
 * restart count right. A policy runs only the binary it names; one naming
 * the kernel's hardware, or ports or an IRQ a running driver holds without
 * both saying 'shared', is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/demo.h>
#include <bulkhead/policy.h>
#include <bulkhead/driver.h>
#include "lib/testlib.h"

#define CYCLES 1000

/* The endpoint the data store has for label now (no caching: drivers restart). */
static endpoint_t endpoint_of(const char *label)
{
	uint32_t value;

	return ds_lookup(label, &value) == 0 ? (endpoint_t)value : EP_NONE;
}

static int demo_call(const char *label, int type, uint32_t mode, struct demo_reply *out)
{
	endpoint_t ep = endpoint_of(label);
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.m_type = type;
	m.demo_req.mode = mode;
	r = ipc_sendrec(ep, &m);
	if (r == 0 && out)
		*out = m.demo_reply;
	return r < 0 ? r : m.m_type;
}

/* Deliver a crash request; the driver does not answer it. */
static int crash(const char *label, uint32_t mode)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = DEMO_CRASH;
	m.demo_req.mode = mode;
	return ipc_send(endpoint_of(label), &m);
}

static void test_privileges(void)
{
	endpoint_t demo = endpoint_of("demo");
	struct demo_reply r;
	struct procinfo p;
	int k, allowed = 1, forbidden = 1;

	sys_procinfo(-1, demo, &p);
	t_check("driver_record_is_the_policy", p.n_io_ranges == 1 && p.n_irqs == 1 && p.n_mem_ranges == 0 &&
	        p.n_kcalls == (uint32_t)__builtin_popcount(KCALLS_BASIC) + 2 &&
	        !(p.priv_flags & (PRIV_SYSTEM | PRIV_IPC_ANY | PRIV_CAN_INSTALL | PRIV_USER)),
	        "kernel record: %u port range, %u IRQ, %u memory ranges, %u calls, flags %x",
	        p.n_io_ranges, p.n_irqs, p.n_mem_ranges, p.n_kcalls, p.priv_flags);
	if (demo_call("demo", DEMO_PROBE, 0, &r) < 0) {
		t_fail("driver_allowed_actions", "the demo driver did not answer");
		return;
	}
	for (k = 0; k < NR_PROBES; k++) {
		allowed &= r.allowed[k] == 0;
		forbidden &= r.forbidden[k] == -EPERM;
	}
	t_check("driver_allowed_actions", allowed, "its port, DEVIO, IPC to ds, IRQ 3: %d %d %d %d",
	        r.allowed[PROBE_IO], r.allowed[PROBE_KCALL], r.allowed[PROBE_IPC], r.allowed[PROBE_IRQ]);
	t_check("driver_forbidden_actions", forbidden, "the console's port, DMAALLOC, IPC to bootfs, "
	        "IRQ 5: %d %d %d %d", r.forbidden[PROBE_IO], r.forbidden[PROBE_KCALL],
	        r.forbidden[PROBE_IPC], r.forbidden[PROBE_IRQ]);
}

/* The data store tells us demo's new endpoint: the last value it reports. */
static endpoint_t announced_endpoint(void)
{
	endpoint_t ep = EP_NONE;
	char key[DS_KEY_MAX];
	uint32_t value;
	message m;
	int deleted;

	while (t_receive(server_endpoint("ds", EP_NONE), &m, 2000) == 0) {
		while (ds_check(key, &value, &deleted) == 0)
			if (!strcmp(key, "demo") && !deleted)
				ep = (endpoint_t)value;
		if (ep != EP_NONE)
			break;
	}
	return ep;
}

static void test_crash(const char *name, uint32_t mode, uint32_t cause, int32_t status, const char *detail)
{
	struct dm_driver_info before, after;
	struct dm_failure f;
	endpoint_t old = endpoint_of("demo"), announced;
	message m;
	int r;

	dm_info("demo", 0, &before);
	r = crash("demo", mode);
	if (r == 0)
		r = t_wait_driver("demo", before.incarnation, &after, 5000);
	if (r == 0)
		r = dm_history("demo", 0, &f);
	announced = announced_endpoint();
	memset(&m, 0, sizeof m);
	t_check(name, r == 0 && f.cause == cause && f.status == status && f.incarnation == before.incarnation &&
	        (!detail || strstr(f.detail, detail)) && after.endpoint != old && ipc_send(old, &m) == -ESRCH &&
	        announced == after.endpoint && demo_call("demo", DEMO_GET, 0, NULL) == 0,
	        "cause %u status %d (%s); endpoint %d -> %d, the old one dead, subscribers told %d; "
	        "serving %u ms after the failure", f.cause, f.status, f.detail, (int)old,
	        (int)after.endpoint, (int)announced, f.serving_ms - f.failed_ms);
}

static void test_hang(void)
{
	struct dm_driver_info before, after;
	struct dm_failure f;
	uint32_t sent;
	int r;

	dm_info("demo", 0, &before);
	sent = sys_uptime_ms();
	r = crash("demo", DEMO_HANG);
	if (r == 0)
		r = t_wait_driver("demo", before.incarnation, &after, 5000);
	if (r == 0)
		r = dm_history("demo", 0, &f);
	announced_endpoint();
	t_check("crash_hang_detected", r == 0 && f.cause == CAUSE_HEARTBEAT &&
	        f.failed_ms - sent <= 2 * before.heartbeat_ms,
	        "hung at %u ms, declared hung at %u ms: %u ms with a %u ms heartbeat (limit 2 periods)",
	        sent, f.failed_ms, f.failed_ms - sent, before.heartbeat_ms);
}

static void test_forbidden(void)
{
	struct dm_driver_info before, after;
	struct klog_entry log[64];
	struct demo_reply rep;
	uint32_t seq, n, i, found = 0, next;
	int r;

	dm_info("demo", 0, &before);
	sys_getlog(~0u, log, 1, &n, &seq);
	r = demo_call("demo", DEMO_CRASH, DEMO_FORBIDDEN, &rep);
	sys_getlog(seq, log, 64, &n, &next);
	for (i = 0; i < n; i++)
		found += log[i].kind == KLOG_DENIED && log[i].who == before.endpoint;
	t_sleep(300);                         /* long enough for a restart, were there one */
	dm_info("demo", 0, &after);
	t_check("forbidden_is_denied_not_fatal", r == 0 && rep.forbidden[PROBE_IO] == -EPERM &&
	        found >= 4 && after.incarnation == before.incarnation && after.endpoint == before.endpoint,
	        "refused (%d, ...), %u denials in the kernel log, still incarnation %u", rep.forbidden[PROBE_IO],
	        found, after.incarnation);
}

static void test_refresh(void)
{
	struct dm_driver_info before, after;
	struct dm_failure f;
	int r;

	dm_info("demo", 0, &before);
	r = dm_refresh("demo");
	if (r == 0)
		r = t_wait_driver("demo", before.incarnation, &after, 5000);
	if (r == 0)
		r = dm_history("demo", 0, &f);
	announced_endpoint();
	t_check("service_refresh", r == 0 && f.cause == CAUSE_REFRESH &&
	        after.failures_in_row == before.failures_in_row,
	        "restarted on request (cause %u); failures in a row unchanged at %u", f.cause, after.failures_in_row);
}

static int up(const char *label, const char *config, char *err, size_t errlen)
{
	struct dm_up_request req;

	memset(&req, 0, sizeof req);
	strcpy(req.binary, "/drivers/demo");
	strcpy(req.label, label);
	strcpy(req.config, config);
	return dm_up(&req, err, (uint32_t)errlen);
}

static void test_bad_policy(void)
{
	struct kc_sysinfo before, after;
	struct dm_driver_info info;
	char err[POLICY_ERR_MAX];
	int r;

	sys_sysinfo(&before);
	r = up("demo_bad", "/tests/bad.conf", err, sizeof err);
	sys_sysinfo(&after);
	t_check("bad_policy_starts_nothing", r == -EINVAL && strstr(err, "/tests/bad.conf:4: ") &&
	        strstr(err, "IRQ line") && after.procs == before.procs && dm_info("demo_bad", 0, &info) == -ENOENT,
	        "refused with '%s'; %u processes before and after", err, after.procs);
	r = up("demo_none", "/tests/missing.conf", err, sizeof err);
	t_check("missing_policy_starts_nothing", r < 0 && strstr(err, "missing.conf: cannot open"), "'%s'", err);
	r = up("demo", "/etc/drivers/demo.conf", err, sizeof err);
	t_check("duplicate_label_refused", r == -EEXIST && strstr(err, "already running"), "'%s'", err);
}

/* `service up` is refused with a reason containing want, and starts nothing. */
static void refused(const char *name, const char *label, const char *config, const char *want)
{
	struct kc_sysinfo before, after;
	struct dm_driver_info info;
	char err[POLICY_ERR_MAX] = "";
	int r;

	sys_sysinfo(&before);
	r = up(label, config, err, sizeof err);
	sys_sysinfo(&after);
	t_check(name, r < 0 && strstr(err, want) && after.procs == before.procs &&
	        (dm_info(label, 0, &info) == -ENOENT || info.endpoint == EP_NONE),
	        "refused (%d) with '%s'; %u processes before and after", r, err, after.procs);
}

static void test_hardware_rules(void)
{
	struct dm_driver_info info;
	char err[POLICY_ERR_MAX] = "";
	int r;

	refused("policy_for_another_binary_refused", "pci_demo", "/etc/drivers/pci.conf",
	        "/etc/drivers/pci.conf:4: this policy is for /drivers/pci, not /drivers/demo");
	refused("policy_naming_kernel_ports_refused", "demo_pic", "/tests/pic.conf",
	        "/tests/pic.conf:4: ports 20:2 are the kernel's: the interrupt controller");
	refused("overlapping_ports_refused", "demo_io", "/tests/overlap.conf",
	        "/tests/overlap.conf:5: ports 2f8:8 overlap demo's 2f8:8, and not both say 'shared'");
	refused("overlapping_irq_refused", "demo_irq", "/tests/overlap.conf",
	        "/tests/overlap.conf:11: IRQ 4 is also console's, and not both say 'shared'");
	r = up("demo_shared", "/tests/overlap.conf", err, sizeof err);
	if (r == 0)
		r = t_wait_driver("demo_shared", 0, &info, 5000);
	t_check("shared_ports_allowed", r == 0 && demo_call("demo_shared", DEMO_GET, 0, NULL) == 0 &&
	        demo_call("demo", DEMO_GET, 0, NULL) == 0, "a second driver on demo's ports and IRQ, "
	        "both policies saying 'shared': %d '%s'", r, err);
	dm_down("demo_shared");
}

static void test_backoff_and_down(void)
{
	static const uint32_t want[] = { 0, 50, 100, 200, 400, 400 };
	struct dm_driver_info info;
	struct dm_failure f;
	uint32_t i, n = sizeof want / sizeof want[0], got[8];
	char err[POLICY_ERR_MAX];
	int ok;

	ok = up("demo_b", "/etc/drivers/demo.conf", err, sizeof err) == 0 &&
	     t_wait_driver("demo_b", 0, &info, 5000) == 0;
	for (i = 0; ok && i < n; i++) {
		ok = crash("demo_b", DEMO_EXIT) == 0 && t_wait_driver("demo_b", info.incarnation, &info, 5000) == 0;
	}
	for (i = 0; ok && i < n; i++) {
		dm_history("demo_b", n - 1 - i, &f);
		got[i] = f.delay_ms;
		ok &= f.delay_ms == want[i] && f.restarted_ms - f.failed_ms >= want[i];
	}
	t_check("backoff_grows", ok, "waits before restarts %u %u %u %u %u %u ms (want 0 50 100 200 400 400)",
	        got[0], got[1], got[2], got[3], got[4], got[5]);

	ok = dm_down("demo_b") == 0;
	t_sleep(500);
	dm_info("demo_b", 0, &info);
	t_check("service_down_stops_restarts", ok && info.state == DRV_DOWN && info.endpoint == EP_NONE &&
	        endpoint_of("demo_b") == EP_NONE,
	        "state %u (down is %u), label gone from the data store", info.state, DRV_DOWN);
}

static void test_restart_limit(void)
{
	struct dm_driver_info info;
	char err[POLICY_ERR_MAX];
	uint32_t inc = 0;
	int i, ok;

	ok = up("demo_l", "/tests/limited.conf", err, sizeof err) == 0 && t_wait_driver("demo_l", 0, &info, 5000) == 0;
	for (i = 0; ok && i < 4; i++) {
		inc = info.incarnation;
		ok = crash("demo_l", DEMO_EXIT) == 0;
		if (i < 3)
			ok &= t_wait_driver("demo_l", inc, &info, 5000) == 0;
	}
	t_sleep(300);
	dm_info("demo_l", 0, &info);
	t_check("restart_limit_kept", ok && info.state == DRV_GAVE_UP && info.incarnation == inc,
	        "policy allows 3 failures in a row; after the 4th: state %u (gave up is %u), incarnation %u",
	        info.state, DRV_GAVE_UP, info.incarnation);
}

/* After many driver deaths, an ordinary fork and wait still work. */
static int fork_and_wait(void)
{
	int pid = pm_fork(), status = -1;

	if (pid == 0)
		exit(9);
	return pid > 0 && pm_wait(pid, &status, 0) == pid && status == 9 << 8;
}

static void test_restart_loop(void)
{
	struct kc_sysinfo before, after;
	struct pm_tables pm_before, pm_after;
	struct ds_tables ds_before, ds_after;
	struct dm_driver_info start, end;
	char err[POLICY_ERR_MAX];
	uint32_t i, inc, t0 = 0, t1;
	int ok;

	ok = up("demo_f", "/tests/fast.conf", err, sizeof err) == 0 && t_wait_driver("demo_f", 0, &start, 5000) == 0;
	for (i = 0; ok && i < 10 + CYCLES; i++) {
		if (i == 10) {                        /* warmed up: every server has seen this before */
			dm_info("demo_f", 0, &start);
			sys_sysinfo(&before);
			pm_tables(&pm_before);
			ds_tables(&ds_before);
			t0 = sys_uptime_ms();
		}
		inc = start.incarnation + i - 10;
		ok = crash("demo_f", DEMO_SEGFAULT) == 0;
		ok &= t_wait_driver("demo_f", i < 10 ? i + 1 : inc, &end, 5000) == 0;
	}
	t1 = sys_uptime_ms();
	sys_sysinfo(&after);
	pm_tables(&pm_after);
	ds_tables(&ds_after);
	ok &= demo_call("demo_f", DEMO_GET, 0, NULL) == 0;
	t_check("restart_loop_1000", ok && end.restarts - start.restarts == CYCLES &&
	        end.incarnation - start.incarnation == CYCLES,
	        "%u crash/restart cycles in %u ms; the driver manager counted %u restarts", CYCLES, t1 - t0,
	        end.restarts - start.restarts);
	t_check("restart_loop_no_leak", after.free_pages == before.free_pages && after.procs == before.procs,
	        "free pages before %u, after %u; processes %u and %u", before.free_pages, after.free_pages,
	        before.procs, after.procs);
	t_check("restart_loop_tables_unchanged", pm_after.procs == pm_before.procs &&
	        pm_after.zombies == pm_before.zombies && pm_after.reports == pm_before.reports &&
	        ds_after.keys == ds_before.keys && ds_after.subs == ds_before.subs && fork_and_wait(),
	        "process manager: %u processes, %u zombies, %u reports before; %u, %u, %u after; data store: "
	        "%u keys, %u subscriptions before; %u, %u after; fork and wait work",
	        pm_before.procs, pm_before.zombies, pm_before.reports, pm_after.procs, pm_after.zombies,
	        pm_after.reports, ds_before.keys, ds_before.subs, ds_after.keys, ds_after.subs);
	dm_down("demo_f");
}

int main(void)
{
	struct dm_driver_info info;

	if (t_wait_driver("demo", 0, &info, 5000) < 0) {
		t_fail("driver_started", "the demo driver is not running");
		t_finish();
	}
	t_check("driver_started", info.incarnation == 1 && info.endpoint > 0, "demo is endpoint %d",
	        (int)info.endpoint);
	ds_subscribe("demo");
	test_privileges();
	test_crash("crash_segfault_restarted", DEMO_SEGFAULT, CAUSE_EXCEPTION, 14, "address 0");
	test_crash("crash_divide_restarted", DEMO_DIVIDE, CAUSE_EXCEPTION, 0, "vector 0");
	test_crash("crash_privileged_restarted", DEMO_PRIVILEGED, CAUSE_EXCEPTION, 13, "vector 13");
	test_crash("crash_panic_restarted", DEMO_PANIC, CAUSE_PANIC, DRIVER_PANIC_STATUS, "panic: asked to panic");
	test_crash("crash_exit_restarted", DEMO_EXIT, CAUSE_EXIT, 3, "exited, status 3");
	test_hang();
	test_forbidden();
	test_refresh();
	test_bad_policy();
	test_hardware_rules();
	test_backoff_and_down();
	test_restart_limit();
	test_restart_loop();
	t_finish();
}
