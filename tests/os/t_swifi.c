/*
 * t_swifi NIC [SPEC]: the in-OS side of a fault-injection campaign (boot
 * configurations swifi-NIC; the host side is tools/swifi.py).
 *
 * SPEC is TYPES:FIRST:COUNT:FAULTS:SEED:FRAMES[:tcp] (the host passes it in
 * the SMBIOS serial number): fault types joined by '+' (or "all"), trials
 * FIRST..FIRST+COUNT-1 of each, FAULTS faults per trial, the campaign's SEED,
 * FRAMES frames each way per workload slice, and the workload.
 *
 * It starts the NIC's driver and the workload, checks that the injector
 * is refused what it must be refused, then runs the trials back to back in
 * this one boot. A trial: start from a fresh copy of the driver (restart it if
 * the last trial's faults are still in it); run /bin/swifi to inject FAULTS
 * faults of the type with the trial's seed; run one workload slice; wait for
 * the driver manager to detect and recover a failure; then print one line
 *   [swifi] {"nic": ..., "type": ..., "trial": N, "seed": S, ...}
 * with what happened: the failures and their causes and recovery times (the
 * driver manager's history), refused accesses per kind (the kernel log),
 * whether the workload got through byte-exact, and whether anything else in
 * the system was affected. After the last trial, one slice with no fault
 * on a fresh driver (control_slice()). The host watches for hangs and panics.
 *
 * Workloads: raw frames (without ":tcp"; t_netclient in "swifi" mode,
 * talking to a peer on the host through the wire) or, with ":tcp" (what
 * tools/swifi.py passes by default), the network server inet (with bulkd
 * and echod), the host's TCP transfers through QEMU's user network and its
 * UDP echoes from a peer on the same QEMU hub; see tcp_slice() below.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/layout.h>
#include <bulkhead/policy.h>
#include <bulkhead/x86.h>
#include <bulkhead/inet.h>
#include <bulkhead/procinfo.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "lib/testlib.h"

#define RAW_WORKER      "swifiload"
#define WORKER_BINARY   "/tests/t_netclient"
#define INET_LABEL      "inet"
#define INET_ADDRESS    "eth0=10.0.2.15/24,10.0.2.2"
#define CONTROL_PORT    5003         /* TCP: the host says "done TRIAL ok|fail" here (tools/swifi.py) */
#define CONTROL_LINE    64
#define TCP_SLICE_MS    90000        /* the host's transfers are over by then (tools/swifi.py TCP_TRIAL_S) */
#define TCP_STUCK_MS    20000        /* no word from the host by then: the watchdog restarts the driver */
#define INET_WAIT_MS    60000        /* inet has its address by then */
#define SWIFI_BINARY    "/bin/swifi"
#define MAX_FAILURES    8            /* failures listed per trial (the newest; failures_total counts all) */
#define FAILURE_MAX_LEN (160 + DM_DETAIL_MAX)   /* one listed failure, numbers at their longest */
#define RECORD_REST_LEN 1024         /* the rest of a record: fixed fields, counters, others_dead */
#define LINE_MAX_LEN    (RECORD_REST_LEN + MAX_FAILURES * FAILURE_MAX_LEN)
#define RUNNING_WAIT_MS 15000        /* a restarted driver must serve again by then */
#define LOG_BATCH       32
#define MAX_OTHERS      4            /* other processes' deaths listed per trial */
#define WATCHDOG_MS     12000        /* a slice lasts at most 8 s (t_netclient.c SLICE_MS) */
#define WATCHDOG_FIRED  42

struct nic {
	const char *label, *binary, *args;
};

static const struct nic nics[] = {
	{ "rtl8139",    "/drivers/rtl8139", "" },
	{ "ne2000",     "/drivers/ne2000",  "" },
	{ "ne2000_isa", "/drivers/ne2000",  "isa 300 9" },
	{ "e100",       "/drivers/e100",    "" },
	{ "e1000",      "/drivers/e1000",   "" },
};

static const char *cause_names[] = {
	"none", "exit", "exception", "killed", "panic", "heartbeat", "refresh", "cpu", "stalled", "client",
};

/* The record's keys for the kinds of refusal (enum deny_kind), as tools/swifireport.py reads them. */
static const char *deny_names[NR_DENY_KINDS] = {
	"ipc", "kcall", "io", "grant", "memory", "irq", "trace", "priv", "dma",
};

struct spec {
	uint32_t types;                  /* bit per enum x86_fault */
	uint32_t first, count, faults, seed, frames;
	int tcp;                         /* the workload: 0 raw frames, 1 TCP through inet */
};

static const struct nic *nic;
static const char *worker = RAW_WORKER;  /* the workload's label: swifiload, or inet */
static endpoint_t slice_peer = EP_NONE;   /* the raw workload while a slice runs */
static int listener = -1, control = -1;  /* the host's control connection (tcp), and where it comes */
static char line[LINE_MAX_LEN];
static size_t line_len;

static void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void put(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (line_len < sizeof line)
		line_len += (size_t)vsnprintf(line + line_len, sizeof line - line_len, fmt, ap);
	va_end(ap);
}

/* A string for JSON: quotes, backslashes and control bytes become '?'. */
static const char *clean(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		buf[i] = (s[i] == '"' || s[i] == '\\' || (unsigned char)s[i] < 0x20) ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

static int parse_spec(const char *text, struct spec *sp)
{
	char buf[128], *types, *rest, *save, *w;
	int t, end = 0;

	*sp = (struct spec){ (1u << X86_FAULT_COUNT) - 1, 0, 3, 100, 1, 100, 0 };
	if (!text || !*text)
		return 0;
	snprintf(buf, sizeof buf, "%s", text);
	types = strtok_r(buf, ":", &rest);
	if (!types || sscanf(rest, "%u:%u:%u:%u:%u%n", &sp->first, &sp->count, &sp->faults, &sp->seed,
	                     &sp->frames, &end) != 5)
		return -EINVAL;
	if (!strcmp(rest + end, ":tcp"))
		sp->tcp = 1;
	else if (rest[end])
		return -EINVAL;
	if (strcmp(types, "all")) {
		sp->types = 0;
		for (w = strtok_r(types, "+", &save); w; w = strtok_r(NULL, "+", &save)) {
			if ((t = x86_fault_from_name(w)) < 0)
				return -EINVAL;
			sp->types |= 1u << t;
		}
	}
	return sp->faults > 0 && sp->frames > 0 ? 0 : -EINVAL;
}

/* The trial's seed: the campaign's, mixed with the NIC, the type and the trial. */
static uint32_t trial_seed(const struct spec *sp, int type, uint32_t trial)
{
	uint32_t h = sp->seed * 0x9e3779b9u, i;

	for (i = 0; nic->label[i]; i++)
		h = (h ^ (uint8_t)nic->label[i]) * 0x01000193u;
	h ^= (uint32_t)type * 0x85ebca6bu + trial * 0xc2b2ae35u;
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return h ? h : 1;
}

/* Run /bin/swifi with these words; its exit status, or -1. */
static int run_swifi(const char *a, const char *b, const char *c, const char *d, const char *e)
{
	char *argv[] = { "swifi", (char *)a, (char *)b, (char *)c, (char *)d, (char *)e, NULL };
	char why[PM_WHY_MAX];
	int pid, status = 0;

	pid = pm_fork();
	if (pid == 0) {
		pm_exec(EP_SELF, SWIFI_BINARY, 6, argv, 0, why);
		printf("t_swifi: cannot run %s: %s\n", SWIFI_BINARY, why);
		exit(127);
	}
	if (pid < 0 || pm_wait(pid, &status, 0) != pid)
		return -1;
	return (status >> 8) & 0xff;
}

static int start_tcp(void);

static void start(const struct spec *sp)
{
	char policy[64], args[96];
	struct dm_driver_info info;
	int i;

	if (dm_down(nic->label) == 0)              /* /etc/rc may have started it with its usual policy */
		for (i = 0; i < 500 && dm_info(nic->label, 0, &info) == 0 && info.endpoint != EP_NONE; i++)
			t_sleep(10);
	snprintf(policy, sizeof policy, "/tests/swifi-%s.conf", nic->label);
	snprintf(args, sizeof args, "%s 0 0 0 0 swifi", nic->label);
	if (t_dm_up(nic->binary, policy, nic->label, nic->args) < 0)
		exit(1);
	if (sp->tcp ? start_tcp() < 0 : t_dm_up(WORKER_BINARY, "/tests/swifiload.conf", RAW_WORKER, args) < 0)
		exit(1);
}

static void check_rights_end(void);

/* The injector must be refused everything but the drivers /etc/swifi.conf lists. */
static void check_confinement(void)
{
	int r;

	r = run_swifi("-q", "pm", "source", "1", "1");
	printf("[swifi] check refuses_system_server %s (exit status %d, want 1)\n", r == 1 ? "ok" : "FAIL", r);
	r = run_swifi("-q", worker, "source", "1", "1");
	printf("[swifi] check refuses_unlisted_driver %s (exit status %d, want 1)\n", r == 1 ? "ok" : "FAIL", r);
	r = run_swifi("-q", "kernel", "source", "1", "1");
	printf("[swifi] check refuses_kernel %s (exit status %d, want 1)\n", r == 1 ? "ok" : "FAIL", r);
	check_rights_end();
}

/*
 * Trace rights name a process-table slot: they must end with the process in
 * it, or whatever runs in that slot next could be traced. Take rights over
 * the driver, restart it, and try to read the text of a new process in its
 * old slot (a child of ours, forked until one lands there).
 */
static void check_rights_end(void)
{
	struct dm_driver_info info;
	uint8_t byte;
	int ep = dm_trace(nic->label), first, r = 1, i, pid, status, slot;

	first = ep > 0 ? sys_trace(TRACE_READ_TEXT, ep, USER_BASE, &byte, 1) : ep;
	slot = endpoint_slot(ep);
	if (dm_info(nic->label, 0, &info) == 0 && dm_refresh(nic->label) == 0)
		t_wait_driver(nic->label, info.incarnation, &info, RUNNING_WAIT_MS);
	if (endpoint_slot(info.endpoint) == slot)
		r = sys_trace(TRACE_READ_TEXT, info.endpoint, USER_BASE, &byte, 1);
	for (i = 0; i < 2 * NR_PROCS && r == 1; i++) {
		pid = pm_fork();
		if (pid == 0) {
			t_sleep(60000);
			exit(0);
		}
		if (pid < 0)
			break;
		if (endpoint_slot(pid) == slot)
			r = sys_trace(TRACE_READ_TEXT, pid, USER_BASE, &byte, 1);
		pm_kill(pid, 9);
		pm_wait(pid, &status, 0);
	}
	printf("[swifi] check trace_rights_end_with_driver %s (the driver's text read: %d; a new process in its "
	       "old slot %d read: %d, want %d)\n", first == 0 && r == -EPERM ? "ok" : "FAIL", first, slot, r, -EPERM);
}

static uint32_t log_now(void)
{
	struct klog_entry e;
	uint32_t n, next;

	sys_getlog(~0u, &e, 1, &n, &next);
	return next;
}

/* What the kernel logged since `from`: the driver's refusals by kind, other deaths. */
static void put_log(uint32_t from)
{
	struct klog_entry log[LOG_BATCH];
	uint32_t denied[NR_DENY_KINDS] = { 0 }, n, i, next, lost = 0, others = 0;
	char name[KLOG_NAME_LEN + 1], other[MAX_OTHERS][KLOG_NAME_LEN + 1];
	int mine;

	while (sys_getlog(from, log, LOG_BATCH, &n, &next) == 0 && n > 0) {
		lost += log[0].seq - from;
		for (i = 0; i < n; i++) {
			memcpy(name, log[i].name, KLOG_NAME_LEN);
			name[KLOG_NAME_LEN] = '\0';
			mine = !strcmp(name, nic->label);
			if (log[i].kind == KLOG_DENIED && mine && log[i].code < NR_DENY_KINDS)
				denied[log[i].code]++;
			else if (log[i].kind != KLOG_DENIED && !mine && strcmp(name, "swifi") && strcmp(name, "t_swifi") &&
			         others < MAX_OTHERS)
				clean(name, other[others++], sizeof other[0]);
		}
		from = next;
	}
	put(", \"denied\": {");
	for (i = 0; i < NR_DENY_KINDS; i++)
		put("%s\"%s\": %u", i ? ", " : "", deny_names[i], denied[i]);
	put("}, \"log_lost\": %u, \"others_dead\": [", lost);
	for (i = 0; i < others; i++)
		put("%s\"%s\"", i ? ", " : "", other[i]);
	put("]");
}

/* The failures of incarnations from `first` on, newest first. */
static void put_failures(uint32_t first, uint32_t last)
{
	struct dm_failure f;
	char detail[DM_DETAIL_MAX];
	uint32_t i, n = 0, total = 0;

	put(", \"failures\": [");
	for (i = 0; dm_history(nic->label, i, &f) == 0 && f.incarnation >= first; i++) {
		if (f.incarnation >= last || total++ >= MAX_FAILURES)
			continue;
		put("%s{\"cause\": \"%s\", \"status\": %d, \"addr\": %u, \"detail\": \"%s\", \"recovery_us\": %u, "
		    "\"delay_ms\": %u}", n++ ? ", " : "", f.cause < sizeof cause_names / sizeof cause_names[0] ?
		    cause_names[f.cause] : "?", (int)f.status, f.addr, clean(f.detail, detail, sizeof detail),
		    f.recovery_us, f.delay_ms);
	}
	put("], \"failures_total\": %u", total);
}

/* The system servers and the workload are all still there and answer. */
static int servers_ok(void)
{
	uint32_t ino, size, mode, value;
	struct dm_driver_info info;

	return find_boot_server("pm") != EP_NONE && find_boot_server("ds") != EP_NONE &&
	       find_boot_server("bootfs") != EP_NONE && find_boot_server("dm") != EP_NONE &&
	       fs_lookup("/etc/swifi.conf", &ino, &size, &mode) == 0 && ds_lookup(worker, &value) == 0 &&
	       dm_info(worker, 0, &info) == 0;
}

/*
 * A driver that takes the workload's request and never answers (while it
 * answers its heartbeats) blocks the workload in sendrec: no deadline of its
 * own can help. A watchdog child restarts such a driver when the slice has
 * run WATCHDOG_MS; its exit status says whether it had to.
 */
/* Every process blocked in IPC, for a hang's console record (the host sees no more). */
static void print_blocked(void)
{
	struct procinfo p;
	int slot;

	for (slot = 0; slot < NR_PROCS; slot++)
		if (sys_procinfo(slot, 0, &p) == 0 && (p.state == PSTATE_SENDING || p.state == PSTATE_RECEIVING))
			printf("t_swifi: blocked: %.*s (endpoint %d) %s %d\n", PROC_NAME_LEN, p.name, (int)p.endpoint,
			       p.state == PSTATE_SENDING ? "sending to" : "receiving from", (int)p.ipc_peer);
}

static int ifinfo(struct inet_ifinfo *out);

/* Say the workload is stuck, with what inet saw of the interface (TCP workload) so far. */
static void print_stuck(void)
{
	struct inet_ifinfo i;

	if (!strcmp(worker, INET_LABEL) && ifinfo(&i) == 0)
		printf("t_swifi: the workload is stuck in %s (%s so far: rx %u, tx %u, tx queued %u, resent %u, "
		       "dropped %u); restarting the driver\n", nic->label, i.name, i.rx_frames, i.tx_frames,
		       i.tx_queued, i.tx_resent, i.tx_dropped);
	else
		printf("t_swifi: the workload is stuck in %s; restarting the driver\n", nic->label);
}

/*
 * The watchdog restarts the driver after ms. If the slice still has not
 * ended WATCHDOG_MS after that (nothing else will end it), a grandchild
 * lists what every process is blocked on before the host declares a hang.
 */
static int watchdog_start(uint32_t ms)
{
	endpoint_t parent = sys_self();
	struct procinfo p;
	int pid = pm_fork();

	if (pid == 0) {
		t_sleep(ms);
		print_stuck();
		if (pm_fork() == 0) {
			t_sleep(WATCHDOG_MS);
			if (sys_procinfo(-1, parent, &p) == 0 && p.state == PSTATE_RECEIVING && slice_peer == p.ipc_peer)
				print_blocked();
			exit(0);
		}
		exit(dm_refresh(nic->label) == 0 ? WATCHDOG_FIRED : 0);
	}
	return pid;
}

static int watchdog_stop(int pid)
{
	int status = 0;

	if (pid <= 0)
		return 0;
	pm_kill(pid, 9);
	pm_wait(pid, &status, 0);
	return (status & 0x7f) == 0 && ((status >> 8) & 0xff) == WATCHDOG_FIRED;
}

/* One workload slice; 0 or -errno, and what the workload saw in *m. */
static int slice(uint32_t trial, uint32_t frames, message *m, int *stuck)
{
	struct dm_driver_info w;
	int r, dog;

	memset(m, 0, sizeof *m);
	if (dm_info(worker, 0, &w) < 0 || w.endpoint == EP_NONE)
		return -ESRCH;
	slice_peer = w.endpoint;
	m->m_type = TEST_SLICE;
	m->test_go.count = frames;
	m->test_go.seed = trial;
	dog = watchdog_start(WATCHDOG_MS);
	r = ipc_sendrec(w.endpoint, m);
	*stuck = watchdog_stop(dog);
	slice_peer = EP_NONE;
	return r < 0 ? r : m->test_done.result;
}

/* --- the TCP workload (":tcp") ------------------------------------------------ */

/* eth0's counters and state. */
static int ifinfo(struct inet_ifinfo *out)
{
	return inet_info(INET_IFINFO, 0, out, sizeof *out);
}

/* Run a daemon of /bin (bulkd, echod) in a child of ours; 0 or -1. */
static int daemon_start(char *path)
{
	char *argv[] = { path, NULL };
	int pid = fork();

	if (pid == 0) {
		execve(argv[0], argv, NULL);
		_exit(127);
	}
	return pid > 0 ? 0 : -1;
}

/* inet on the NIC with a static address, bulkd and echod, and our control port; 0 or -1. */
static int start_tcp(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(CONTROL_PORT) };
	struct inet_ifinfo info;
	char args[DM_ARGS_MAX];
	uint32_t until = sys_uptime_ms() + INET_WAIT_MS;

	worker = INET_LABEL;
	snprintf(args, sizeof args, "drivers=%s %s", nic->label, INET_ADDRESS);
	if (t_dm_up("/servers/inet", "", INET_LABEL, args) < 0)
		return -1;
	while (ifinfo(&info) < 0 || !info.configured || info.driver == EP_NONE) {
		if ((int32_t)(sys_uptime_ms() - until) >= 0) {
			printf("t_swifi: inet has no address on %s after %u ms\n", nic->label, INET_WAIT_MS);
			return -1;
		}
		t_sleep(20);
	}
	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&a, sizeof a) < 0 || listen(listener, 1) < 0 ||
	    daemon_start("/bin/bulkd") < 0 || daemon_start("/bin/echod") < 0) {
		printf("t_swifi: cannot start the TCP workload (control listener %d)\n", listener);
		return -1;
	}
	return 0;
}

/* Whether a connection waits to be accepted: accept() would wait for one for ever, past the slice's end. */
static int connection_waits(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/*
 * The host's word on trial n, if it came: 1 ok, 0 failed, -1 nothing yet;
 * acknowledged. The host connects when it starts its part of a trial (and
 * again if the connection broke): we take it when it waits (never waiting
 * in accept: the slice must end by TCP_SLICE_MS whatever the host does).
 */
static int host_verdict(uint32_t n)
{
	char text[CONTROL_LINE], ack[CONTROL_LINE], word[8];
	unsigned trial;
	ssize_t got;

	if (control < 0 && (!connection_waits(listener) || (control = accept(listener, NULL, NULL)) < 0))
		return -1;
	got = recv(control, text, sizeof text - 1, MSG_DONTWAIT);
	if (got == 0 || (got < 0 && errno != EAGAIN)) {
		close(control);                       /* broken: the host connects again */
		control = -1;
	}
	if (got <= 0)
		return -1;
	text[got] = '\0';
	if (sscanf(text, "done %u %7s", &trial, word) != 2 || trial != n)
		return -1;
	snprintf(ack, sizeof ack, "ack %u\n", n);
	send(control, ack, strlen(ack), 0);
	return !strcmp(word, "ok");
}

/*
 * One slice of the TCP workload: say "[swifi] load N" on the console; the
 * host (tools/swifi.py) then sends bytes to bulkd's sink and reads from its
 * source through inet and the driver, CRC-checked at both ends, and at the
 * same time echoes UDP datagrams through echod (from 10.0.2.9, a peer of its
 * own beside QEMU's user network); then it says "done N ok|fail" on our TCP
 * control port, which we acknowledge. A driver that takes inet's request
 * and never answers blocks inet (and so us, asking inet): if the host has
 * not said so by TCP_STUCK_MS, the watchdog restarts the driver, as for the
 * raw workload. 0 if the host said ok.
 */
static int tcp_slice(uint32_t n, message *m, int *stuck)
{
	struct inet_ifinfo i0, i1;
	uint32_t t0 = sys_uptime_ms();
	int verdict = -1, dog;

	memset(m, 0, sizeof *m);
	memset(&i0, 0, sizeof i0);
	memset(&i1, 0, sizeof i1);
	dog = watchdog_start(TCP_STUCK_MS);          /* first: asking inet may block on the driver too */
	ifinfo(&i0);
	printf("[swifi] load %u\n", n);
	while (verdict < 0 && sys_uptime_ms() - t0 < TCP_SLICE_MS) {
		verdict = host_verdict(n);
		if (verdict < 0)
			t_sleep(10);
	}
	*stuck = watchdog_stop(dog);
	ifinfo(&i1);
	m->test_done.detail[0] = (int32_t)(i1.rx_frames - i0.rx_frames);
	m->test_done.detail[2] = (int32_t)(i1.tx_frames - i0.tx_frames);
	m->test_done.detail[4] = (int32_t)(i1.attaches - i0.attaches);
	m->test_done.detail[5] = (int32_t)(sys_uptime_ms() - t0);
	return verdict == 1 ? 0 : verdict == 0 ? -EIO : -ETIMEDOUT;
}

static void trial(const struct spec *sp, int type, uint32_t n, int *dirty)
{
	struct dm_driver_info before, after, worker0, worker1;
	uint32_t seed = trial_seed(sp, type, n), t0, from, detect;
	char faults[16], seedtext[16];
	int status, work, serving = 1, stuck = 0;
	message m;

	if (*dirty && dm_info(nic->label, 0, &before) == 0 && dm_refresh(nic->label) == 0)
		serving = t_wait_driver(nic->label, before.incarnation, &before, RUNNING_WAIT_MS) == 0;
	if (!serving || t_wait_driver(nic->label, 0, &before, RUNNING_WAIT_MS) < 0) {
		printf("[swifi] {\"nic\": \"%s\", \"type\": \"%s\", \"trial\": %u, \"seed\": %u, \"error\": "
		       "\"the driver does not serve before the trial\"}\n", nic->label,
		       x86_fault_name((enum x86_fault)type), n, seed);
		return;
	}
	printf("\n[swifi] trial %s %u seed %u\n", x86_fault_name((enum x86_fault)type), n, seed);
	dm_info(worker, 0, &worker0);
	t0 = sys_uptime_ms();
	from = log_now();
	snprintf(faults, sizeof faults, "%u", sp->faults);
	snprintf(seedtext, sizeof seedtext, "%u", seed);
	status = run_swifi("-q", nic->label, x86_fault_name((enum x86_fault)type), faults, seedtext);
	*dirty = 1;
	work = sp->tcp ? tcp_slice(n, &m, &stuck) : slice(n, sp->frames, &m, &stuck);
	/* A failure the workload ran into may need up to two heartbeat periods
	   and the liveness time to be detected. */
	detect = 2 * before.heartbeat_ms + before.liveness_ms;
	if (work < 0)
		while (dm_info(nic->label, 0, &after) == 0 && after.incarnation == before.incarnation &&
		       after.state == DRV_RUNNING && sys_uptime_ms() - t0 < detect + (uint32_t)m.test_done.detail[5])
			t_sleep(20);
	dm_info(nic->label, 0, &after);
	if (after.incarnation != before.incarnation || after.state != DRV_RUNNING)
		serving = t_wait_driver(nic->label, before.incarnation, &after, RUNNING_WAIT_MS) == 0;
	*dirty = after.incarnation == before.incarnation;
	dm_info(worker, 0, &worker1);

	line_len = 0;
	put("\n[swifi] {\"nic\": \"%s\", \"type\": \"%s\", \"trial\": %u, \"seed\": %u, \"faults\": %u, "
	    "\"swifi_status\": %d, \"incarnations\": %u, \"serving\": %d", nic->label,
	    x86_fault_name((enum x86_fault)type), n, seed, sp->faults, status,
	    after.incarnation - before.incarnation, serving);
	put_failures(before.incarnation, after.incarnation);
	put(", \"stuck\": %d", stuck);
	put(", \"workload\": {\"ok\": %d, \"error\": %d, \"frames\": %u, \"rx\": %d, \"bad_rx\": %d, \"tx\": %d, "
	    "\"bad_tx\": %d, \"reattached\": %d, \"ms\": %d, \"complaints\": %d}", work == 0, work, sp->frames,
	    m.test_done.detail[0], m.test_done.detail[1], m.test_done.detail[2], m.test_done.detail[3],
	    m.test_done.detail[4], m.test_done.detail[5], m.test_done.detail[6]);
	put_log(from);
	put(", \"servers_ok\": %d, \"worker_restarts\": %u, \"ms\": %u}\n", servers_ok(),
	    worker1.incarnation - worker0.incarnation, sys_uptime_ms() - t0);
	fwrite(line, 1, line_len < sizeof line ? line_len : sizeof line, stdout);
	fflush(stdout);
}

/*
 * After the trials: a fresh copy of the driver and one slice with no fault,
 *   [swifi] control {"nic": ..., "trial": N, "serving": 1, "workload": {"ok": 1, ...}}
 * The campaign's faults land where the binary's layout puts them, so whether
 * any faulty trial gets through whole is a matter of luck; this slice is not:
 * it shows that the workload really runs on this NIC, and that after every
 * fault the campaign threw, the system serves it exactly again. N is the
 * trial number after the last (the host's part of a TCP slice goes by it).
 */
static void control_slice(const struct spec *sp, int dirty)
{
	struct dm_driver_info info;
	uint32_t n = sp->first + sp->count;
	int serving = 1, work = -ESRCH, stuck = 0;
	message m;

	memset(&m, 0, sizeof m);
	if (dirty && dm_info(nic->label, 0, &info) == 0 && dm_refresh(nic->label) == 0)
		serving = t_wait_driver(nic->label, info.incarnation, &info, RUNNING_WAIT_MS) == 0;
	serving = serving && t_wait_driver(nic->label, 0, &info, RUNNING_WAIT_MS) == 0;
	if (serving)
		work = sp->tcp ? tcp_slice(n, &m, &stuck) : slice(n, sp->frames, &m, &stuck);
	printf("\n[swifi] control {\"nic\": \"%s\", \"trial\": %u, \"serving\": %d, \"stuck\": %d, "
	       "\"workload\": {\"ok\": %d, \"error\": %d, \"rx\": %d, \"tx\": %d, \"ms\": %d}}\n",
	       nic->label, n, serving, stuck, work == 0, work, m.test_done.detail[0], m.test_done.detail[2],
	       m.test_done.detail[5]);
}

int main(int argc, char **argv)
{
	struct spec sp;
	uint32_t i;
	int type, dirty = 0;
	unsigned k;

	for (k = 0; argc > 1 && k < sizeof nics / sizeof nics[0]; k++)
		if (!strcmp(argv[1], nics[k].label))
			nic = &nics[k];
	if (!nic || parse_spec(argc > 2 ? argv[2] : NULL, &sp) < 0) {
		printf("usage: t_swifi rtl8139|ne2000|ne2000_isa|e100|e1000 [TYPES:FIRST:COUNT:FAULTS:SEED:FRAMES[:tcp]]\n");
		return 2;
	}
	start(&sp);
	printf("[swifi] begin %s types %x trials %u..%u, %u faults each, seed %u, %u frames, workload %s\n",
	       nic->label, sp.types, sp.first, sp.first + sp.count - 1, sp.faults, sp.seed, sp.frames,
	       sp.tcp ? "tcp" : "raw");
	check_confinement();
	for (type = 0; type < X86_FAULT_COUNT; type++)
		for (i = sp.first; (sp.types >> type & 1) && i < sp.first + sp.count; i++)
			trial(&sp, type, i, &dirty);
	control_slice(&sp, dirty);
	printf("[swifi] end\n");
	for (;;)
		t_sleep(60000);
}
