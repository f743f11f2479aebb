/*
 * t_console: tests of the console driver's reader rules, its bounded writes
 * and the kernel's diagnostic output (boot configuration test-console; init
 * runs it after /etc/rc and names it the console's session owner).
 *
 * Proves: a process that is not the foreground cannot read (EIO at once,
 * never a waiting slot); only the session owner sets the foreground; a read
 * waiting when its caller loses the foreground ends with EIO; a foreground
 * that ends gives the console back to whoever gave it, also when a
 * foreground process passed it on to its own child; one 24 MiB write request
 * writes at most CON_WRITE_MAX bytes and returns at once, and the driver
 * keeps its heartbeats (same incarnation, no restart); write() still writes
 * everything. Only the keyboard driver may hand the console keys and only
 * the screen driver may copy its output. Last, it floods KC_DIAG with binary between two marker lines
 * for the harness: the console must show it escaped and cut to the limit,
 * with one line saying how much was dropped (tests/os/manifest.py).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <signal.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include "lib/testlib.h"

#define HUGE_WRITE     (24u << 20)
#define CHILD_WAIT_MS  3000
#define HEARTBEAT_WAIT_MS 2500       /* the console's heartbeat is 1000 ms: hung after 1500 */
#define FLOOD_CALLS    16
#define FLOOD_CALL_LEN 4096
#define REFILL_WAIT_MS 3000          /* the kernel's budget refills to DIAG_RESUME by then */

/* The child's exit status, or -1 if it did not end within CHILD_WAIT_MS (it is then killed). */
static int child_result(int pid)
{
	uint32_t start = sys_uptime_ms();
	int status = 0;

	while (sys_uptime_ms() - start < CHILD_WAIT_MS) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		t_sleep(10);
	}
	kill(pid, 9);
	waitpid(pid, &status, 0);
	return -1;
}

static int read_result(void)
{
	char line[64];

	return -con_read(line, sizeof line);
}

/* Wait until pid is blocked in a call to the console (its read is waiting). */
static int wait_blocked_on_console(int pid)
{
	endpoint_t console = server_endpoint("console", EP_NONE);
	struct procinfo info;
	int i;

	for (i = 0; i < 300; i++) {
		if (sys_procinfo(-1, pid, &info) == 0 && info.state == PSTATE_RECEIVING && info.ipc_peer == console)
			return 1;
		t_sleep(10);
	}
	return 0;
}

/* In a foreground child (as a shell run from the shell): hand the console on and get it back. */
static int pass_foreground_on(void)
{
	endpoint_t now = EP_NONE;
	int pid;

	if (con_wait_foreground(CHILD_WAIT_MS) < 0)
		return 1;
	pid = fork();
	if (pid == 0)
		exit(con_wait_foreground(CHILD_WAIT_MS) == 0 ? 0 : 1);
	if (con_set_foreground(pid) < 0)
		return 2;
	if (child_result(pid) != 0)
		return 3;
	con_foreground(&now);
	return now == getpid() ? 0 : 4;
}

static void test_readers(void)
{
	endpoint_t now = EP_NONE;
	int pid, r, mine;

	pid = fork();
	if (pid == 0)
		exit(read_result());
	r = child_result(pid);
	t_check("console_background_read_refused", r == EIO,
	        "a child that is not the foreground read: error %d (want EIO, %d, at once)", r, EIO);

	pid = fork();
	if (pid == 0)
		exit(-con_set_foreground(getpid()));
	r = child_result(pid);
	t_check("console_setfg_owner_only", r == EPERM,
	        "a process that is not the session owner taking the foreground: error %d (want EPERM)", r);

	pid = fork();
	if (pid == 0) {
		con_wait_foreground(CHILD_WAIT_MS);
		exit(read_result());
	}
	r = con_set_foreground(pid);
	con_foreground(&now);
	mine = wait_blocked_on_console(pid) ? read_result() : -1;
	t_check("console_owner_sets_foreground", r == 0 && now == pid && mine == EIO,
	        "set the foreground to %d: %d; the console says %d; our own read then: error %d (want EIO)",
	        pid, r, (int)now, mine);
	r = con_set_foreground(getpid());
	t_check("console_lost_foreground_ends_read", r == 0 && child_result(pid) == EIO,
	        "took the foreground back (%d): the child's waiting read ended with EIO", r);

	pid = fork();
	if (pid == 0)
		exit(con_wait_foreground(CHILD_WAIT_MS) == 0 ? 0 : 1);
	con_set_foreground(pid);
	r = child_result(pid);
	con_foreground(&now);
	t_check("console_foreground_returns_at_exit", r == 0 && now == getpid(),
	        "the foreground child ended (%d); the foreground is %d (we are %d)", r, (int)now, getpid());

	pid = fork();
	if (pid == 0)
		exit(pass_foreground_on());
	con_set_foreground(pid);
	r = child_result(pid);
	t_check("console_foreground_passed_on", r == 0,
	        "a foreground child passed the console to its own child and got it back when that ended "
	        "(result %d; 1-4 name the step that failed)", r);
}

static void test_writes(void)
{
	struct dm_driver_info before, after;
	char *buf = malloc(HUGE_WRITE);
	uint32_t i, start, took;
	int r;

	if (!buf) {
		t_fail("console_write_bounded", "no memory for %u bytes", HUGE_WRITE);
		return;
	}
	for (i = 0; i < HUGE_WRITE; i++)
		buf[i] = i % 64 == 63 ? '\n' : '.';
	dm_info("console", 0, &before);
	start = sys_uptime_ms();
	r = con_write(buf, HUGE_WRITE);          /* one request, as the old posix layer sent it */
	took = sys_uptime_ms() - start;
	printf("\n");
	t_check("console_write_bounded", r > 0 && r <= CON_WRITE_MAX && took < 1000,
	        "one %u-byte request wrote %d bytes (at most %d) in %u ms", HUGE_WRITE, r, CON_WRITE_MAX, took);
	t_sleep(HEARTBEAT_WAIT_MS);
	r = dm_info("console", 0, &after);
	t_check("console_keeps_heartbeat", r == 0 && after.state == DRV_RUNNING &&
	        after.incarnation == before.incarnation && after.restarts == before.restarts,
	        "%u ms later: incarnation %u -> %u, restarts %u -> %u", HEARTBEAT_WAIT_MS,
	        before.incarnation, after.incarnation, before.restarts, after.restarts);

	r = write(1, buf, 2 * CON_WRITE_MAX + 100);
	printf("\n");
	t_check("console_write_writes_all", r == 2 * CON_WRITE_MAX + 100,
	        "write() of %d bytes: %d", 2 * CON_WRITE_MAX + 100, r);
	free(buf);
}

/* Binary through KC_DIAG, between marker lines the harness looks for. */
/*
 * Keys and the console's output are the keyboard's and the screen's
 * drivers' business only: anyone else is refused, and the screen GRUB left
 * is not reachable without SCREEN in one's record.
 */
static void test_screen_keyboard_only(void)
{
	endpoint_t console = server_endpoint("console", EP_NONE);
	struct screen_info info;
	char out[64];
	message m;
	int keys, mirror;

	memset(&m, 0, sizeof m);
	m.m_type = CON_KEYS;
	m.con_keys.len = 2;
	memcpy(m.con_keys.bytes, "x\r", 2);
	keys = ipc_sendrec(console, &m) < 0 ? -1 : m.m_type;
	memset(&m, 0, sizeof m);
	m.m_type = CON_MIRROR;
	m.con_mirror.len = sizeof out;
	mirror = ipc_call_granted(console, &m, &m.con_mirror.grant, out, sizeof out, GRANT_WRITE);
	t_check("console_keys_only_from_keyboard", keys == -EPERM && mirror == -EPERM,
	        "CON_KEYS from a program: %d, CON_MIRROR: %d (want -EPERM both)", keys, mirror);
	keys = sys_screen_info(&info);
	t_check("screen_call_needs_record", keys == -EPERM, "KC_SCREEN from a program: %d (want -EPERM)", keys);
}

static void flood_diag(void)
{
	static char junk[FLOOD_CALL_LEN];
	static const char begin[] = "t_console: diag flood begins\n", end[] = "t_console: diag flood ends\n";
	int i;

	for (i = 0; i < FLOOD_CALL_LEN; i++)
		junk[i] = (char)i;
	fflush(stdout);
	sys_diag(begin, sizeof begin - 1);
	for (i = 0; i < FLOOD_CALLS; i++)
		sys_diag(junk, sizeof junk);
	t_sleep(REFILL_WAIT_MS);
	sys_diag(end, sizeof end - 1);
}

int main(void)
{
	printf("t_console: running as pid %d\n", getpid());
	test_readers();
	test_writes();
	test_screen_keyboard_only();
	flood_diag();
	t_finish();
}
