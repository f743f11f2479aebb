/*
 * t_system: tests of the process manager, the data store and the boot file
 * system (boot configuration test-system; init runs it after /etc/rc).
 *
 * Proves: fork/exec/wait/kill work and give POSIX statuses; exec refuses a
 * malformed, missing or non-executable program and says why; the servers
 * cannot be killed; the data store stores, notifies subscribers of changes
 * and deletions, and keeps a key to its owner; the boot file system looks
 * up, reads and lists, and newlib's stdio reads its files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <signal.h>
#include <bulkhead/errno.h>
#include <bulkhead/layout.h>
#include <bulkhead/syslib.h>
#include <bulkhead/clients.h>
#include "lib/testlib.h"

static int child_status(int pid)
{
	int status = -1;

	return waitpid(pid, &status, 0) == pid ? status : -1;
}

static void test_fork_wait(void)
{
	volatile int *null = 0;
	int pid, st, r, parent_value = 41;

	pid = fork();
	if (pid == 0) {
		parent_value++;              /* the child's copy, not the parent's */
		exit(parent_value == 42 ? 5 : 6);
	}
	st = child_status(pid);
	t_check("pm_fork_exit_status", pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 5 && parent_value == 41,
	        "child %d exited with %d (want 5); the parent's copy stayed %d", pid, WEXITSTATUS(st), parent_value);

	pid = fork();
	if (pid == 0)
		return (void)(*null = 1);
	st = child_status(pid);
	t_check("pm_wait_signal", WIFSIGNALED(st) && WTERMSIG(st) == 11,
	        "a child that wrote through NULL ended with signal %d (want 11, SIGSEGV)", WTERMSIG(st));

	pid = fork();
	if (pid == 0)
		for (;;)
			t_sleep(1000);
	r = kill(pid, 9);
	st = child_status(pid);
	t_check("pm_kill", r == 0 && WIFSIGNALED(st) && WTERMSIG(st) == 9,
	        "killed a sleeping child: signal %d", WTERMSIG(st));
	t_check("pm_wait_no_children", waitpid(-1, &st, 0) < 0, "wait with no children fails");
}

#define CLOCK_CYCLES 100

/*
 * Many address spaces made and destroyed: each one's clock page is the one
 * shared table, which destroying it must leave alone (the kernel asserts
 * so); every child and then the parent still read a clock that advances.
 */
static void test_clock_page_cycles(const struct clock_page *page)
{
	uint32_t start = page->uptime_ms;
	int i, pid, st, good = 0;

	for (i = 0; i < CLOCK_CYCLES; i++) {
		pid = fork();
		if (pid == 0)
			exit(page->uptime_ms - start < 60000 ? 7 : 8);
		st = child_status(pid);
		good += pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 7;
	}
	t_sleep(5);
	t_check("clock_page_after_many_exits", good == CLOCK_CYCLES && page->uptime_ms - start >= 5,
	        "%d of %d forked children read the clock page and exited; it moved %u ms since",
	        good, CLOCK_CYCLES, page->uptime_ms - start);
}

/*
 * The clock page: sys_uptime_ms() reads it without a kernel call; it must
 * agree with KC_TIME, advance, and be there in a forked child too.
 */
static void test_clock_page(void)
{
	const struct clock_page *page = (const struct clock_page *)USER_CLOCK_PAGE;
	uint32_t before = page->uptime_ms, after, diff;
	struct kc_time t;
	int pid, st, r;

	r = sys_time(&t);
	after = page->uptime_ms;
	diff = t.uptime_ms - before;
	t_check("clock_page_agrees_with_kernel", r == 0 && diff <= after - before + 1 && sys_uptime_ms() >= after,
	        "clock page %u..%u ms, KC_TIME %u ms (%d)", before, after, t.uptime_ms, r);
	t_sleep(30);
	after = sys_uptime_ms();
	t_check("clock_page_advances", after - before >= 30 && after - before < 30000,
	        "30 ms of sleep moved the clock page from %u to %u", before, after);
	pid = fork();
	if (pid == 0)
		exit(page->uptime_ms >= after && page->uptime_ms - after < 30000 ? 7 : 8);
	st = child_status(pid);
	t_check("clock_page_in_forked_child", WIFEXITED(st) && WEXITSTATUS(st) == 7,
	        "a forked child read the clock page: exit %d (want 7)", WEXITSTATUS(st));
	test_clock_page_cycles(page);
}

static void test_exec(void)
{
	char why[PM_WHY_MAX], *argv[] = { "ls", "/nothing-here", NULL };
	int pid, st, r;

	pid = fork();
	if (pid == 0) {
		pm_exec(EP_SELF, "/bin/ls", 2, argv, 0, why);
		exit(99);
	}
	st = child_status(pid);
	t_check("pm_exec_runs_program", WIFEXITED(st) && WEXITSTATUS(st) == 1,
	        "exec'd ls with an argument: it exited %d (want 1: no such file)", WEXITSTATUS(st));

	argv[0] = "x";
	r = pm_exec(EP_SELF, "/tests/not-a-program", 1, argv, 0, why);
	t_check("pm_exec_refuses_malformed", r == -ENOEXEC && strstr(why, "not an ELF file"),
	        "exec of a text file: %d, '%s'; this process goes on", r, why);
	r = pm_exec(EP_SELF, "/tests/no-such-file", 1, argv, 0, why);
	t_check("pm_exec_refuses_missing", r == -ENOENT && strstr(why, "no such file"), "%d, '%s'", r, why);
	r = pm_exec(EP_SELF, "/tests/hello.txt", 1, argv, 0, why);
	t_check("pm_exec_refuses_non_executable", r == -EACCES && strstr(why, "not an executable"),
	        "%d, '%s'", r, why);
	r = pm_exec(server_endpoint("ds", EP_NONE), "/bin/ls", 1, argv, 0, why);
	t_check("pm_exec_refuses_others", r == -EPERM, "exec into the data store: %d", r);
	r = pm_kill(server_endpoint("pm", EP_NONE), 9);
	t_check("pm_kill_refuses_servers", r == -EPERM, "killing the process manager: %d", r);
}

static void test_ds(void)
{
	char key[DS_KEY_MAX];
	uint32_t value = 0;
	int deleted = -1, r, pid, st;
	message m;

	r = ds_publish("t_key", 1234);
	if (r == 0)
		r = ds_lookup("t_key", &value);
	t_check("ds_publish_lookup", r == 0 && value == 1234, "published and read back %u", value);
	t_check("ds_lookup_missing", ds_lookup("t_nothing", &value) == -ENOENT, "a missing key is ENOENT");

	ds_subscribe("t_*");
	while (ds_check(key, &value, &deleted) == 0)       /* what matched already */
		;
	ds_publish("t_other", 77);
	r = t_receive(server_endpoint("ds", EP_NONE), &m, 5000);
	if (r == 0)
		r = m.m_type == NOTIFY_MESSAGE ? ds_check(key, &value, &deleted) : -EINVAL;
	t_check("ds_subscriber_notified", r == 0 && !strcmp(key, "t_other") && value == 77 && !deleted,
	        "notified; DS_CHECK says %s = %u", key, value);
	ds_delete("t_other");
	r = t_receive(server_endpoint("ds", EP_NONE), &m, 5000);
	if (r == 0)
		r = ds_check(key, &value, &deleted);
	t_check("ds_delete_notified", r == 0 && deleted && !strcmp(key, "t_other") &&
	        ds_lookup("t_other", &value) == -ENOENT, "the deletion of %s was announced", key);

	pid = fork();
	if (pid == 0)
		exit(-ds_publish("t_key", 1));
	st = child_status(pid);
	t_check("ds_key_belongs_to_owner", WEXITSTATUS(st) == EPERM && ds_lookup("t_key", &value) == 0 && value == 1234,
	        "another process overwriting our key got %d; the value is still %u", -WEXITSTATUS(st), value);
}

static void test_bootfs(void)
{
	uint32_t ino, size, mode, dir, i;
	char name[64], buf[64], seen[128] = "";
	struct stat sb;
	FILE *f;
	int r;

	r = fs_lookup("/tests/hello.txt", &ino, &size, &mode);
	t_check("fs_lookup", r == 0 && size == 33 && (mode & FS_MODE_FILE), "size %u mode %x", size, mode);
	r = fs_read(ino, 6, buf, 4);
	t_check("fs_read_at_offset", r == 4 && !memcmp(buf, "from", 4), "read %d bytes at offset 6", r);
	t_check("fs_read_past_end", fs_read(ino, 1000, buf, 4) == 0, "reading past the end gives 0 bytes");
	t_check("fs_read_bad_inode", fs_read(99999, 0, buf, 4) == -EINVAL, "a bad inode is refused");
	t_check("fs_read_into_read_only_memory", fs_read(ino, 0, (void *)0x40000000, 4) < 0,
	        "reading into our own text is refused");
	t_check("fs_lookup_missing", fs_lookup("/etc/nothing", &ino, &size, &mode) == -ENOENT, "ENOENT");
	fs_lookup("/", &dir, &size, &mode);
	for (i = 0; fs_list(dir, i, name, sizeof name, &ino, &size, &mode) == 0; i++) {
		strcat(seen, name);
		strcat(seen, " ");
	}
	t_check("fs_list_root", !strcmp(seen, "bin drivers etc sbin servers tests "), "/ holds: %s", seen);

	f = fopen("/etc/drivers/demo.conf", "r");
	r = f && fgets(buf, sizeof buf, f) && !strncmp(buf, "# The demo driver", 17);
	if (f)
		fclose(f);
	t_check("stdio_reads_files", r && stat("/drivers/demo", &sb) == 0 && (sb.st_mode & 0111) &&
	        fopen("/etc/drivers/demo.conf", "w") == NULL,
	        "fopen/fgets/stat work; opening for writing is refused (read-only)");
}

int main(void)
{
	printf("t_system: running as pid %d\n", getpid());
	test_fork_wait();
	test_clock_page();
	test_exec();
	test_ds();
	test_bootfs();
	t_finish();
}
