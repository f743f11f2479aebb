/*
 * dmesg [-k KIND] [-p NAME|PID] [-f]: the kernel's event log (refused
 * attempts, faults, kills, and drivers' and servers' exits; ordinary
 * programs' exits are not logged), then, for every live process, its
 * refused attempts counted by kind. -k keeps one kind of event, -p one
 * process, -f keeps printing new events as they come (Ctrl-C ends it).
 *
 * Endpoints, IRQ lines, grant and call numbers are decimal; ports and
 * addresses hexadecimal with 0x.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/syslib.h>

#define BATCH 64
#define FOLLOW_MS 250          /* -f: how often to look for new events */

static const char *const deny_kinds[NR_DENY_KINDS] = {
	"ipc", "kcall", "io", "grant", "mem", "irq", "trace", "priv", "dma",
};
static const char *const event_kinds[] = {
	[KLOG_DENIED] = "denied", [KLOG_FAULT] = "fault", [KLOG_EXIT] = "exit", [KLOG_KILLED] = "killed",
};
#define NR_EVENT_KINDS (sizeof event_kinds / sizeof event_kinds[0])

struct filter {
	int event;                 /* a klog_kind, or 0: any */
	int deny;                  /* a deny_kind, or -1: any */
	const char *process;       /* a name or endpoint, or NULL: any */
};

static void denied(const struct klog_entry *e)
{
	const char *kind = deny_kind_name(e->code);

	switch (e->code) {
	case DENY_IPC: case DENY_TRACE: case DENY_PRIV:
		printf("denied %s: endpoint %d", kind, (int)e->target);
		break;
	case DENY_IO:
		printf("denied %s: port 0x%x", kind, e->target);
		break;
	case DENY_MEM:
		printf("denied %s: address 0x%x", kind, e->target);
		break;
	case DENY_IRQ:
		printf("denied %s: IRQ %u", kind, e->target);
		break;
	case DENY_GRANT:
		printf("denied %s: grant %d", kind, (int)e->target);
		break;
	default:
		printf("denied %s: number or endpoint %d", kind, (int)e->target);
	}
	printf(", error %d\n", (int)e->detail);
}

static void entry(const struct klog_entry *e)
{
	printf("[%6u.%03u] %-12s %6d ", e->time_ms / 1000, e->time_ms % 1000, e->name, (int)e->who);
	switch (e->kind) {
	case KLOG_DENIED:
		denied(e);
		break;
	case KLOG_FAULT:
		printf("CPU exception %u at eip 0x%x, address 0x%x\n", e->code, e->detail, e->target);
		break;
	case KLOG_EXIT:
		printf("exited, status %d\n", (int)e->detail);
		break;
	case KLOG_KILLED:
		printf("killed by %d (signal %d)\n", (int)e->target, (int)e->detail);
		break;
	default:
		printf("event %u\n", e->kind);
	}
}

static int process_matches(const struct filter *f, const char *name, endpoint_t ep)
{
	char *end;
	long n;

	if (!f->process)
		return 1;
	n = strtol(f->process, &end, 10);
	return !strcmp(f->process, name) || (*f->process && !*end && n == ep);
}

static int matches(const struct filter *f, const struct klog_entry *e)
{
	char name[KLOG_NAME_LEN + 1];

	memcpy(name, e->name, KLOG_NAME_LEN);
	name[KLOG_NAME_LEN] = '\0';
	if (f->event && e->kind != f->event)
		return 0;
	if (f->deny >= 0 && e->code != f->deny)
		return 0;
	return process_matches(f, name, e->who);
}

/* Print the matching entries from *seq on; how many, or -1. */
static int print_log(const struct filter *f, uint32_t *seq)
{
	static struct klog_entry log[BATCH];
	uint32_t n, i;
	int shown = 0;

	do {
		if (sys_getlog(*seq, log, BATCH, &n, seq) < 0) {
			printf("dmesg: cannot read the kernel log\n");
			return -1;
		}
		for (i = 0; i < n; i++) {
			if (matches(f, &log[i])) {
				entry(&log[i]);
				shown++;
			}
		}
	} while (n == BATCH);
	fflush(stdout);
	return shown;
}

static void counters(const struct filter *f)
{
	struct procinfo p;
	uint32_t k, total;
	int slot;

	printf("refused attempts by process and kind:\n");
	for (slot = 0; slot < NR_PROCS; slot++) {
		if (sys_procinfo(slot, EP_NONE, &p) < 0 || p.state == PSTATE_FREE ||
		    !process_matches(f, p.name, p.endpoint))
			continue;
		for (total = 0, k = 0; k < NR_DENY_KINDS; k++)
			total += p.denied[k];
		if (!total)
			continue;
		printf("  %-12s %6d:", p.name, (int)p.endpoint);
		for (k = 0; k < NR_DENY_KINDS; k++)
			if (p.denied[k])
				printf(" %s %u", deny_kind_name(k), p.denied[k]);
		printf("\n");
	}
}

static void pause_ms(uint32_t ms)
{
	uint32_t until = sys_uptime_ms() + ms;
	message m;

	sys_alarm(ms);
	while ((int32_t)(sys_uptime_ms() - until) < 0)
		ipc_receive(EP_CLOCK, &m);
}

/* -k KIND: an event kind, or a kind of refusal. 0, or -1 if unknown. */
static int set_kind(struct filter *f, const char *kind)
{
	unsigned i;

	for (i = 1; i < NR_EVENT_KINDS; i++) {
		if (!strcmp(kind, event_kinds[i])) {
			f->event = (int)i;
			return 0;
		}
	}
	for (i = 0; i < NR_DENY_KINDS; i++) {
		if (!strcmp(kind, deny_kinds[i])) {
			f->event = KLOG_DENIED;
			f->deny = (int)i;
			return 0;
		}
	}
	return -1;
}

static int usage(int status)
{
	unsigned i;

	printf("usage: dmesg [-k KIND] [-p NAME|PID] [-f]\n"
	       "Prints the kernel log (refused attempts, faults, kills, drivers' and servers'\n"
	       "exits; the newest %u are kept) and each live process's refused attempts by kind.\n"
	       "  -k KIND  only events of this kind:", KLOG_ENTRIES);
	for (i = 1; i < NR_EVENT_KINDS; i++)
		printf(" %s", event_kinds[i]);
	printf(", or refusals of one kind:");
	for (i = 0; i < NR_DENY_KINDS; i++)
		printf(" %s", deny_kinds[i]);
	printf("\n  -p WHO   only this process (name or endpoint)\n"
	       "  -f       then keep printing new events (Ctrl-C ends it)\n");
	return status;
}

int main(int argc, char **argv)
{
	struct filter f = { 0, -1, NULL };
	uint32_t seq = 0;
	int i, follow = 0, shown;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help"))
			return usage(0);
		if (!strcmp(argv[i], "-f")) {
			follow = 1;
		} else if (!strcmp(argv[i], "-k") && i + 1 < argc) {
			if (set_kind(&f, argv[++i]) < 0) {
				printf("dmesg: -k %s: no such kind (dmesg --help lists them)\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "-p") && i + 1 < argc) {
			f.process = argv[++i];
		} else {
			printf("dmesg: %s: not an option\n", argv[i]);
			return usage(2);
		}
	}
	shown = print_log(&f, &seq);
	if (shown < 0)
		return 1;
	if (shown == 0 && (f.event || f.process))
		printf("(no events match)\n");
	if (!follow && !f.event)
		counters(&f);
	while (follow && print_log(&f, &seq) >= 0)
		pause_ms(FOLLOW_MS);
	return follow;
}
