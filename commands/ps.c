/*
 * ps: every process, with its endpoint, state, CPU time, what its privilege
 * record allows, how many of its attempts the kernel refused (by kind after
 * the name), and for a driver how often it has been restarted.
 * PRIV letters: S system server, I may install privileges, P public service,
 * U ordinary program, D may use DMA, A may send to anyone.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/syslib.h>
#include <bulkhead/clients.h>


/* A driver's restarts (from the driver manager), as text; "-" for any other process. */
static const char *restarts(endpoint_t ep, char *buf, size_t len)
{
	struct dm_driver_info info;
	uint32_t i;

	for (i = 0; dm_info("", i, &info) == 0; i++) {
		if (info.endpoint == ep) {
			snprintf(buf, len, "%u", info.restarts);
			return buf;
		}
	}
	return "-";
}

static void refusals_by_kind(const struct procinfo *p)
{
	unsigned k, n = 0;

	for (k = 0; k < NR_DENY_KINDS; k++)
		if (p->denied[k])
			printf("%s%s %u", n++ ? ", " : " (", deny_kind_name(k), p->denied[k]);
	printf("%s\n", n ? ")" : "");
}

static const char *const states[] = {
	[PSTATE_FREE] = "free", [PSTATE_RUNNABLE] = "run", [PSTATE_SENDING] = "send",
	[PSTATE_RECEIVING] = "recv", [PSTATE_STOPPED] = "stopped", [PSTATE_ZOMBIE] = "zombie",
};

static void flags(uint32_t f, char *out)
{
	static const struct { uint32_t bit; char c; } letters[] = {
		{ PRIV_SYSTEM, 'S' }, { PRIV_CAN_INSTALL, 'I' }, { PRIV_PUBLIC, 'P' },
		{ PRIV_USER, 'U' }, { PRIV_DMA, 'D' }, { PRIV_IPC_ANY, 'A' },
	};
	unsigned i, n = 0;

	for (i = 0; i < sizeof letters / sizeof letters[0]; i++)
		if (f & letters[i].bit)
			out[n++] = letters[i].c;
	if (!n)
		out[n++] = '-';
	out[n] = '\0';
}

int main(int argc, char **argv)
{
	struct procinfo p;
	char f[8], peer[16], rst[12];
	uint32_t denied, k;
	int slot;

	if (argc > 1) {
		printf("usage: ps\nLists every process: endpoint, state (and whom it waits for), priority,\n"
		       "CPU time, memory, privileges (flags, kernel calls, IPC targets, ports, IRQs,\n"
		       "memory ranges), refused attempts (by kind after the name) and, for a\n"
		       "driver, its restarts (RST). Flags: S system, I installer,\n"
		       "P public, U user program, D DMA, A may send to anyone.\n");
		return argc > 1 && strcmp(argv[1], "--help") ? 2 : 0;
	}
	printf("%6s %-8s %6s %3s %5s %7s %5s %-4s %5s %4s %2s %3s %3s %6s %3s %s\n", "EP", "STATE", "PEER", "PRI",
	       "UID", "CPU ms", "PAGES", "PRIV", "CALLS", "IPC", "IO", "IRQ", "MEM", "DENIED", "RST", "NAME");
	for (slot = 0; slot < NR_PROCS; slot++) {
		if (sys_procinfo(slot, EP_NONE, &p) < 0 || p.state == PSTATE_FREE)
			continue;
		for (denied = 0, k = 0; k < NR_DENY_KINDS; k++)
			denied += p.denied[k];
		flags(p.priv_flags, f);
		if (p.ipc_peer == EP_NONE)
			strcpy(peer, "-");
		else if (p.ipc_peer == EP_ANY)
			strcpy(peer, "any");
		else if (p.ipc_peer == EP_CLOCK || p.ipc_peer == EP_HARDWARE || p.ipc_peer == EP_KERNEL)
			strcpy(peer, p.ipc_peer == EP_CLOCK ? "clock" : p.ipc_peer == EP_HARDWARE ? "irq" : "kernel");
		else
			snprintf(peer, sizeof peer, "%d", (int)p.ipc_peer);
		printf("%6d %-8s %6s %3d %5u %7u %5u %-4s %5u %4u %2u %3u %3u %6u %3s %s", (int)p.endpoint,
		       p.state < 6 ? states[p.state] : "?", peer, (int)p.priority, p.uid, p.cpu_ticks, p.pages, f,
		       p.n_kcalls, p.n_ipc_targets, p.n_io_ranges, p.n_irqs, p.n_mem_ranges, denied,
		       restarts(p.endpoint, rst, sizeof rst), p.name);
		refusals_by_kind(&p);
	}
	return 0;
}
