/*
 * t_reaper: the manager of the boot processes in the minimal configuration
 * (no servers: the kernel alone). It receives the kernel's death
 * report for each of them and says how it ended.
 */
#include <stdio.h>
#include <bulkhead/syslib.h>

static const char *const vector_names[] = {
	[0] = "divide error", [6] = "invalid opcode", [13] = "general protection fault",
	[14] = "page fault",
};

static void report(const struct kc_getdeath *d)
{
	const char *what = d->vector < sizeof vector_names / sizeof vector_names[0] &&
	                   vector_names[d->vector] ? vector_names[d->vector] : "CPU exception";

	switch (d->cause) {
	case DEATH_EXIT:
		printf("reaper: %s (endpoint %d) exited with status %d\n", d->name, (int)d->who, d->status);
		break;
	case DEATH_EXCEPTION:
		printf("reaper: %s (endpoint %d) was ended by a %s at eip %x\n", d->name, (int)d->who, what, d->eip);
		break;
	default:
		printf("reaper: %s (endpoint %d) was killed by %d\n", d->name, (int)d->who, (int)d->killer);
		break;
	}
}

int main(void)
{
	struct kc_getdeath d;
	message m;

	printf("reaper: the kernel is up; reaper is endpoint %d\n", (int)sys_self());
	for (;;) {
		if (ipc_receive(EP_ANY, &m) < 0)
			continue;
		if (m.m_source != EP_KERNEL)
			continue;
		while (sys_getdeath(&d) == 0)
			report(&d);
	}
}
