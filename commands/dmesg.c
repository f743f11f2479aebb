/*
 * dmesg: the kernel's event log (refused attempts, faults, exits, kills),
 * then, for every live process, its refused attempts counted by kind.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/syslib.h>

static const char *const kinds[NR_DENY_KINDS] = {
	"ipc", "kernel call", "port I/O", "grant", "memory", "irq", "trace", "privileges", "dma",
};

static void entry(const struct klog_entry *e)
{
	printf("[%6u.%03u] %-12s %6d ", e->time_ms / 1000, e->time_ms % 1000, e->name, (int)e->who);
	switch (e->kind) {
	case KLOG_DENIED:
		printf("denied %s: target %x, error %d\n", e->code < NR_DENY_KINDS ? kinds[e->code] : "?",
		       e->target, (int)e->detail);
		break;
	case KLOG_FAULT:
		printf("CPU exception %u at eip %x, address %x\n", e->code, e->detail, e->target);
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

int main(int argc, char **argv)
{
	static struct klog_entry log[64];
	struct procinfo p;
	uint32_t seq = 0, n, i, k, total;
	int slot;

	if (argc > 1) {
		printf("usage: dmesg\nPrints the kernel log (refused attempts, faults, exits, kills; the\n"
		       "newest %u are kept) and each live process's refused attempts by kind.\n", KLOG_ENTRIES);
		return strcmp(argv[1], "--help") ? 2 : 0;
	}
	do {
		if (sys_getlog(seq, log, 64, &n, &seq) < 0) {
			printf("dmesg: cannot read the kernel log\n");
			return 1;
		}
		for (i = 0; i < n; i++)
			entry(&log[i]);
	} while (n == 64);

	printf("refused attempts by process and kind:\n");
	for (slot = 0; slot < NR_PROCS; slot++) {
		if (sys_procinfo(slot, EP_NONE, &p) < 0 || p.state == PSTATE_FREE)
			continue;
		for (total = 0, k = 0; k < NR_DENY_KINDS; k++)
			total += p.denied[k];
		if (!total)
			continue;
		printf("  %-12s %6d:", p.name, (int)p.endpoint);
		for (k = 0; k < NR_DENY_KINDS; k++)
			if (p.denied[k])
				printf(" %s %u", kinds[k], p.denied[k]);
		printf("\n");
	}
	return 0;
}
