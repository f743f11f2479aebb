/*
 * t_hostile: an ordinary user attacks the management plane, and every
 * table is filled to its limit (boot configuration test-hostile; init runs
 * it as uid 0 after /etc/rc).
 *
 * Proves (issue 8's authority, table and limit items): an ordinary user
 * cannot start, stop or restart drivers, borrow a policy, take a label,
 * kill what is not its own, spawn empty processes, publish keys, or hold
 * more than its share of subscriptions and processes; garbage requests to
 * every public server are refused and change nothing; a memory hog cannot
 * stop a driver's recovery; zombies, death reports, data-store keys and
 * subscriptions go with their holder; the driver table recycles stopped
 * drivers and keeps a driver's history across down/up; init and the
 * servers cannot be killed, even by uid 0; and afterwards the system still
 * works (fork and wait, exec, every server answers, drivers run, a new
 * driver starts, a killed driver comes back).
 *
 * `t_hostile --uid` only exits with its user id (for the runas test).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/policy.h>
#include "lib/testlib.h"

#define USER 1000
#define HOG_CHUNK (64 * 1024)
#define FUZZ_REQUESTS 20000
#define RESTART_FLOOD 2000

static endpoint_t endpoint_of(const char *label)
{
	uint32_t value;

	return ds_lookup(label, &value) == 0 ? (endpoint_t)value : EP_NONE;
}

/* Block for good (until killed). */
static void block_forever(void)
{
	message m;

	for (;;)
		ipc_receive(EP_ANY, &m);
}

static uint32_t my_uid(void)
{
	struct procinfo info;

	return sys_procinfo(-1, sys_self(), &info) == 0 ? info.uid : 0xffffffffu;
}

/* Run fn in a child process as user uid; the child's failures, or -1. */
static int as_user(uint32_t uid, void (*fn)(void))
{
	int pid = pm_fork(), status = 0;

	if (pid == 0) {
		if (pm_setuid(uid) < 0 || my_uid() != uid) {
			t_fail("became_user", "could not become uid %u", uid);
			exit(100);
		}
		fn();
		exit(t_failures());
	}
	if (pid < 0 || pm_wait(pid, &status, 0) != pid)
		return -1;
	return (status >> 8) & 0xff;
}

static int up(const char *binary, const char *config, const char *label, char *err, size_t errlen)
{
	struct dm_up_request req;

	memset(&req, 0, sizeof req);
	strcpy(req.binary, binary);
	strcpy(req.config, config);
	strcpy(req.label, label);
	return dm_up(&req, err, (uint32_t)errlen);
}

/* --- as an ordinary user --------------------------------------------------- */

static void user_management(void)
{
	endpoint_t bootfs = endpoint_of("bootfs"), demo = endpoint_of("demo");
	struct dm_driver_info before, after;
	char err[POLICY_ERR_MAX] = "";
	int r1, r2;

	dm_info("demo", 0, &before);
	r1 = up("/tests/t_hostile", "/etc/drivers/pci.conf", "evil", err, sizeof err);
	t_check("user_cannot_start_driver", r1 == -EPERM && dm_info("evil", 0, &after) == -ENOENT &&
	        t_find("evil") == EP_NONE, "own binary under the PCI server's policy: %d", r1);
	r1 = up("/tests/t_hostile", "/etc/drivers/demo.conf", "bootfs", err, sizeof err);
	t_check("user_cannot_take_label", r1 == -EPERM && endpoint_of("bootfs") == bootfs,
	        "label bootfs: %d; bootfs still endpoint %d", r1, (int)bootfs);
	r1 = dm_down("demo");
	r2 = dm_refresh("demo");
	dm_info("demo", 0, &after);
	t_check("user_cannot_stop_driver", r1 == -EPERM && r2 == -EPERM && after.state == DRV_RUNNING &&
	        after.incarnation == before.incarnation, "down %d, refresh %d; demo incarnation %u -> %u",
	        r1, r2, before.incarnation, after.incarnation);
	for (r2 = 0, r1 = 0; r1 < RESTART_FLOOD; r1++)
		r2 += dm_restart("demo") == -EPERM;
	dm_info("demo", 0, &after);
	t_check("user_cannot_restart_driver", r2 == RESTART_FLOOD && after.incarnation == before.incarnation,
	        "%d of %d restart requests refused; demo incarnation %u -> %u (the log says only a few)",
	        r2, RESTART_FLOOD, before.incarnation, after.incarnation);
	r1 = pm_spawn();
	t_check("user_cannot_spawn", r1 == -EPERM, "empty process: %d", r1);
	r1 = pm_kill(demo, SIGKILL);
	r2 = pm_kill(t_find("init"), SIGKILL);
	t_check("user_cannot_kill_others", r1 == -EPERM && r2 == -EPERM && endpoint_of("demo") == demo,
	        "kill demo %d, kill init %d", r1, r2);
	r1 = pm_shutdown(0);
	r2 = pm_shutdown(PM_SHUTDOWN_RESET);
	t_check("user_cannot_shut_down", r1 == -EPERM && r2 == -EPERM, "power off %d, reset %d", r1, r2);
}

static void user_data_store(void)
{
	char pattern[DS_KEY_MAX];
	int i, ok = 0, r1, r2;

	r1 = ds_publish("inet", 1);
	r2 = ds_delete("demo");
	t_check("user_cannot_publish", r1 == -EPERM && r2 == -EPERM && endpoint_of("demo") != EP_NONE,
	        "publish %d, delete someone else's key %d", r1, r2);
	for (i = 0; i < DS_MAX_SUBS; i++) {
		snprintf(pattern, sizeof pattern, "hostile%d*", i);
		ok += ds_subscribe(pattern) == 0;
	}
	t_check("user_subscriptions_capped", ok == DS_SUBS_PER_PROC, "%d of %d subscriptions taken (share %d)",
	        ok, DS_MAX_SUBS, DS_SUBS_PER_PROC);
}

/* Fork children that end at once and are never waited for, until refused. */
static int fork_until_refused(int limit)
{
	int n = 0, pid;

	while (n < limit) {
		pid = pm_fork();
		if (pid == 0)
			exit(0);
		if (pid < 0)
			break;
		n++;
	}
	return n;
}

static void user_processes(void)
{
	struct pm_tables t;
	int n, pid, status, reaped = 0;

	n = fork_until_refused(NR_PROCS);
	t_sleep(100);
	pm_tables(&t);
	t_check("user_process_limit", n == PM_UID_PROCS - 1 && t.caller_uid_procs == PM_UID_PROCS,
	        "%d children before refusal; the user holds %u (limit %d)", n, t.caller_uid_procs, PM_UID_PROCS);
	while ((pid = pm_wait(-1, &status, 0)) > 0)
		reaped++;
	pid = pm_fork();
	if (pid == 0)
		exit(7);
	t_check("user_limit_frees_on_wait", reaped == n && pid > 0 && pm_wait(pid, &status, 0) == pid &&
	        status == 7 << 8, "reaped %d; a new child ran and was waited for", reaped);
	pid = pm_fork();
	if (pid == 0) {
		block_forever();
	}
	t_check("user_may_kill_own", pid > 0 && pm_kill(pid, SIGKILL) == 0 && pm_wait(pid, &status, 0) == pid,
	        "own child %d killed and waited for", pid);
}

/* Take every page an ordinary user may have, then wait to be killed. */
static void memory_hog(void)
{
	uint32_t got = 0;
	char *p;

	while ((p = malloc(HOG_CHUNK))) {
		memset(p, 0x5a, HOG_CHUNK);
		got++;
	}
	printf("t_hostile: the hog holds %u KiB\n", got * (HOG_CHUNK / 1024));
	for (;;)
		block_forever();
}

static void user_runas(void)
{
	int pid = pm_fork(), status = -1;

	if (pid == 0) {
		char *argv[] = { "runas", "0", "/tests/t_hostile", "--uid", NULL };
		pm_exec(EP_SELF, "/bin/runas", 4, argv, 0, NULL);
		exit(99);
	}
	pm_wait(pid, &status, 0);
	t_check("user_cannot_runas_root", pid > 0 && status == 1 << 8, "runas 0 as user %u: status %d",
	        USER, status >> 8);
}

/*
 * Garbage to every public server: random payloads, request types in and
 * just past each protocol's range (and some anywhere). PM_FORK is left out
 * (each child would fuzz too; the process limit is tested above).
 */
static void user_fuzz_servers(void)
{
	static const struct { const char *label; int first, count; } servers[] = {
		{ "pm", PM_FORK, PM_TABLES - PM_FORK + 1 }, { "ds", DS_PUBLISH, DS_TABLES - DS_PUBLISH + 1 },
		{ "bootfs", FS_LOOKUP, 3 }, { "dm", DM_UP, DM_RESTART - DM_UP + 1 },
		{ "console", CON_WRITE, CON_GETFG - CON_WRITE + 1 },
	};
	uint32_t seed = 20261127, i, k, answered = 0, refused = 0;
	struct procinfo info;
	endpoint_t eps[5];
	message m;

	for (k = 0; k < 5; k++)
		eps[k] = server_endpoint(servers[k].label, EP_NONE);
	for (i = 0; i < FUZZ_REQUESTS; i++) {
		k = t_rand(&seed) % 5;
		for (size_t b = 0; b < sizeof m; b += 4)
			*(uint32_t *)((uint8_t *)&m + b) = t_rand(&seed);
		m.m_type = t_rand(&seed) % 16 == 0 ? (int32_t)t_rand(&seed) :
		           servers[k].first + (int32_t)(t_rand(&seed) % (uint32_t)(servers[k].count + 2));
		if (m.m_type == PM_FORK && k == 0)
			m.m_type = PM_TABLES + 1;
		if (ipc_sendrec(eps[k], &m) < 0)
			continue;
		answered++;
		refused += m.m_type < 0;
	}
	for (k = 0; k < 5; k++)
		if (eps[k] == EP_NONE || sys_procinfo(-1, eps[k], &info) < 0 || info.state == PSTATE_ZOMBIE)
			break;                            /* the one we fuzzed died */
	t_check("user_garbage_to_servers", k == 5 && answered == FUZZ_REQUESTS,
	        "%u random requests to pm, ds, bootfs, dm and the console: %u answered, %u refused; "
	        "every server kept its endpoint", FUZZ_REQUESTS, answered, refused);
}

/* Run user_fuzz_servers as USER, bounded: a server that never answers fails it. */
static int fuzz_bounded(void)
{
	int pid = pm_fork(), status = -1, r = 0;
	uint32_t until = sys_uptime_ms() + 120000;

	if (pid == 0) {
		pm_setuid(USER);
		user_fuzz_servers();
		exit(t_failures());
	}
	while (pid > 0 && (r = pm_wait(pid, &status, PM_WNOHANG)) == 0 && (int32_t)(sys_uptime_ms() - until) < 0)
		t_sleep(50);
	if (r == 0) {
		t_fail("user_garbage_to_servers", "a server never answered within 120 s");
		pm_kill(pid, SIGKILL);
		pm_wait(pid, &status, 0);
		return 1;
	}
	return (status >> 8) & 0xff;
}

/* --- as the administrator ------------------------------------------------------ */

static void test_runas(void)
{
	int pid = pm_fork(), status = -1;

	if (pid == 0) {
		char *argv[] = { "runas", "1000", "/tests/t_hostile", "--uid", NULL };
		pm_exec(EP_SELF, "/bin/runas", 4, argv, 0, NULL);
		exit(99);
	}
	pm_wait(pid, &status, 0);
	t_check("runas_sets_uid", status == (USER & 0xff) << 8, "runas 1000: the program saw uid %% 256 = %d",
	        status >> 8);
}

static void test_hog(void)
{
	struct dm_driver_info before, after;
	struct kc_sysinfo s;
	struct procinfo info;
	int pid = pm_fork(), status;
	uint32_t until = sys_uptime_ms() + 20000;

	if (pid == 0) {
		pm_setuid(USER);
		memory_hog();
	}
	do {
		t_sleep(50);
	} while (sys_procinfo(-1, pid, &info) == 0 && info.state != PSTATE_RECEIVING &&
	         (int32_t)(sys_uptime_ms() - until) < 0);
	sys_sysinfo(&s);
	dm_info("demo", 0, &before);
	pm_kill(endpoint_of("demo"), SIGKILL);
	status = t_wait_driver("demo", before.incarnation, &after, 5000);
	t_check("hog_cannot_stop_recovery", status == 0,
	        "with %u pages free after the hog took its fill, demo restarted (incarnation %u -> %u)",
	        s.free_pages, before.incarnation, after.incarnation);
	pm_kill(pid, SIGKILL);
	pm_wait(pid, &status, 0);
}

static void test_fork_bomb(void)
{
	struct procinfo info;
	int pid = pm_fork(), status, slot, n = 0;

	if (pid == 0) {
		pm_setuid(USER);
		for (;;) {                        /* every process forks as fast as it can */
			if (pm_fork() < 0)
				block_forever();
		}
	}
	t_sleep(1500);
	status = pm_fork();
	if (status == 0)
		exit(0);
	t_check("fork_bomb_contained", status > 0 && pm_wait(status, NULL, 0) == status,
	        "the administrator can still fork while the bomb runs");
	for (slot = 0; slot < NR_PROCS; slot++)
		if (sys_procinfo(slot, EP_NONE, &info) == 0 && info.uid == USER && info.state != PSTATE_FREE &&
		    info.state != PSTATE_ZOMBIE && pm_kill(info.endpoint, SIGKILL) == 0)
			n++;
	pm_wait(pid, &status, 0);
	t_check("fork_bomb_bounded", n <= PM_UID_PROCS, "the bomb had %d processes (limit %d)", n, PM_UID_PROCS);
}

static void fill_keys(void)
{
	char key[DS_KEY_MAX];
	int i;

	for (i = 0; i < DS_MAX_KEYS; i++) {
		snprintf(key, sizeof key, "filler%d", i);
		if (ds_publish(key, (uint32_t)i) < 0)
			break;
	}
	exit(i == DS_MAX_KEYS ? 1 : 0);     /* 1: the table never filled */
}

static void hold_subscriptions(int who)
{
	char pattern[DS_KEY_MAX];
	int i;

	for (i = 0; i < DS_SUBS_PER_PROC; i++) {
		snprintf(pattern, sizeof pattern, "sub%d_%d", who, i);
		ds_subscribe(pattern);
	}
	block_forever();
}

static void test_data_store_tables(void)
{
	enum { HOLDERS = DS_MAX_SUBS / DS_SUBS_PER_PROC };
	struct ds_tables before, full, after;
	int pid, status = -1, i, holders[HOLDERS];
	char key[DS_KEY_MAX];
	uint32_t v;

	ds_tables(&before);
	pid = pm_fork();
	if (pid == 0)
		fill_keys();
	pm_wait(pid, &status, 0);
	t_sleep(50);
	ds_tables(&after);
	snprintf(key, sizeof key, "filler%d", 0);
	t_check("ds_keys_freed_with_owner", status == 0 && after.keys == before.keys && ds_lookup(key, &v) == -ENOENT,
	        "a process filled the key table (%u) and died; keys in use %u before, %u after",
	        DS_MAX_KEYS, before.keys, after.keys);
	for (i = 0; i < HOLDERS; i++) {
		holders[i] = pm_fork();
		if (holders[i] == 0)
			hold_subscriptions(i);
	}
	t_sleep(300);
	ds_tables(&full);
	for (i = 0; i < HOLDERS; i++) {
		pm_kill(holders[i], SIGKILL);
		pm_wait(holders[i], &status, 0);
	}
	t_sleep(50);
	ds_tables(&after);
	t_check("ds_subscriptions_freed_with_owner", full.subs == full.subs_max && after.subs == before.subs,
	        "%d subscribers filled the table (%u of %u); %u before, %u after they died", HOLDERS, full.subs,
	        full.subs_max, before.subs, after.subs);
}

/* A child fills the zombie table with children it never waits for, then a driver dies. */
static void test_zombies(void)
{
	struct pm_tables before, full, after;
	struct dm_driver_info d0, d1;
	int pid, status, ok;

	pm_tables(&before);
	pid = pm_fork();
	if (pid == 0) {
		fork_until_refused(NR_PROCS);
		block_forever();
	}
	t_sleep(500);
	pm_tables(&full);
	dm_info("demo", 0, &d0);
	pm_kill(endpoint_of("demo"), SIGKILL);
	ok = t_wait_driver("demo", d0.incarnation, &d1, 5000) == 0;
	t_check("driver_restarts_with_zombie_table_full", ok && full.zombies > 0,
	        "%u zombies (table %u), %u processes; demo restarted: incarnation %u -> %u", full.zombies,
	        full.zombies_max, full.procs, d0.incarnation, d1.incarnation);
	pm_kill(pid, SIGKILL);
	pm_wait(pid, &status, 0);
	t_sleep(50);
	pm_tables(&after);
	t_check("zombies_freed_with_parent", after.zombies == before.zombies && after.reports == before.reports,
	        "zombies %u before, %u after; reports %u, %u", before.zombies, after.zombies,
	        before.reports, after.reports);
}

static void test_driver_table(void)
{
	struct dm_driver_info info;
	struct dm_failure f;
	char label[DM_LABEL_MAX], err[POLICY_ERR_MAX] = "";
	int i, ok = 1, r;

	for (i = 0; ok && i < 24; i++) {
		snprintf(label, sizeof label, "demo_t%d", i);
		r = up("/drivers/demo", "/etc/drivers/demo.conf", label, err, sizeof err);
		ok = r == 0 && dm_down(label) == 0;
		if (!ok)
			printf("t_hostile: %s: up %d (%s)\n", label, r, err);
		t_sleep(20);
	}
	t_check("driver_table_recycles_stopped", ok, "24 distinct drivers started and stopped (table holds %d)", 16);
	ok = up("/drivers/demo", "/etc/drivers/demo.conf", "demo_h", err, sizeof err) == 0 &&
	     t_wait_driver("demo_h", 0, &info, 5000) == 0;
	ok &= pm_kill(info.endpoint, SIGKILL) == 0 && t_wait_driver("demo_h", info.incarnation, &info, 5000) == 0;
	ok &= dm_down("demo_h") == 0;
	t_sleep(100);
	ok &= up("/drivers/demo", "/etc/drivers/demo.conf", "demo_h", err, sizeof err) == 0;
	r = dm_history("demo_h", 0, &f);
	dm_info("demo_h", 0, &info);
	t_check("history_kept_after_down_up", ok && r == 0 && f.cause == CAUSE_KILLED && info.restarts == 1,
	        "after down and up: newest failure cause %u, %u restarts", f.cause, info.restarts);
	dm_down("demo_h");
	r = up("/drivers/demo", "/etc/drivers/demo.conf", "bootfs", err, sizeof err);
	t_check("admin_cannot_take_system_label", r == -EPERM && strstr(err, "system process"), "'%s'", err);
}

static void test_protected(void)
{
	int r1 = pm_kill(t_find("init"), SIGKILL), r2 = pm_kill(t_find("pm"), SIGKILL);
	int r3 = pm_kill(t_find("ds"), SIGKILL);

	t_check("init_and_servers_unkillable", r1 == -EPERM && r2 == -EPERM && r3 == -EPERM,
	        "as uid 0: kill init %d, pm %d, ds %d", r1, r2, r3);
}

static void test_still_works(void)
{
	struct dm_driver_info info, after;
	char err[POLICY_ERR_MAX] = "";
	uint32_t ino, size, mode, i, running = 0, listed = 0;
	int pid = pm_fork(), status = -1, ok;

	if (pid == 0)
		exit(5);
	ok = pid > 0 && pm_wait(pid, &status, 0) == pid && status == 5 << 8;
	ok &= fs_lookup("/bin/sh", &ino, &size, &mode) == 0 && endpoint_of("pm") != EP_NONE;
	for (i = 0; dm_info("", i, &info) == 0; i++) {
		listed++;
		running += info.state == DRV_RUNNING || info.state == DRV_DOWN;
	}
	ok &= listed == running;
	ok &= up("/drivers/demo", "/etc/drivers/demo.conf", "demo_new", err, sizeof err) == 0;
	dm_info("demo", 0, &info);
	ok &= pm_kill(info.endpoint, SIGKILL) == 0 && t_wait_driver("demo", info.incarnation, &after, 5000) == 0;
	t_check("system_still_works", ok, "fork+wait, bootfs, data store, %u drivers all running or stopped, "
	        "a new driver started, a killed one came back", listed);
}

int main(int argc, char **argv)
{
	struct dm_driver_info info;

	if (argc > 1 && !strcmp(argv[1], "--uid"))
		return (int)(my_uid() & 0xff);
	if (t_wait_driver("demo", 0, &info, 5000) < 0) {
		t_fail("driver_started", "the demo driver is not running");
		t_finish();
	}
	t_check("starts_as_admin", my_uid() == 0, "uid %u", my_uid());
	t_check("user_attacks_done", as_user(USER, user_management) == 0 && as_user(USER, user_data_store) == 0 &&
	        as_user(USER, user_processes) == 0 && as_user(USER, user_runas) == 0 && fuzz_bounded() == 0,
	        "every attack by uid %d refused", USER);
	test_runas();
	test_hog();
	test_fork_bomb();
	test_data_store_tables();
	test_zombies();
	test_driver_table();
	test_protected();
	test_still_works();
	t_finish();
}
