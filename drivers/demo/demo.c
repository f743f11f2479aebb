/*
 * demo: a timer-only driver to prove the restart path (protocol in
 * include/bulkhead/demo.h). It counts its own alarm ticks, and on request
 * fails in a chosen way: segfault, divide error, privileged instruction,
 * panic, exit, hang, or an attempt at what its policy forbids (refused and
 * logged by the kernel, not fatal). It can also probe its privileges: one
 * allowed and one forbidden action of each kind its policy covers.
 *
 * Its policy (demo.conf) gives it the second serial port (2f8-2ff) and its
 * IRQ 3, IPC to the data store, and DEVIO and IRQCTL.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/driver.h>

#define TICK_MS 100
#define COM2_SCRATCH 0x2ff
#define CONSOLE_PORT 0x3f8

static uint32_t ticks, started_ms;
static volatile int zero;

static void probe(struct demo_reply *r)
{
	uint32_t v = 0;
	void *addr;
	phys_bytes phys;

	r->allowed[PROBE_IO] = sys_inb(COM2_SCRATCH, &v);
	r->forbidden[PROBE_IO] = sys_inb(CONSOLE_PORT, &v);
	r->allowed[PROBE_KCALL] = sys_devio(COM2_SCRATCH, 1, DEVIO_IN, &v);
	r->forbidden[PROBE_KCALL] = sys_dmaalloc(4096, &addr, &phys);
	r->allowed[PROBE_IPC] = ipc_notify(server_endpoint("ds", EP_NONE));
	r->forbidden[PROBE_IPC] = ipc_notify(server_endpoint("bootfs", EP_NONE));
	r->allowed[PROBE_IRQ] = sys_irqctl(IRQ_SETPOLICY, 3);
	r->forbidden[PROBE_IRQ] = sys_irqctl(IRQ_SETPOLICY, 5);
	sys_irqctl(IRQ_RELEASE, 3);
}

static void crash(uint32_t mode)
{
	switch (mode) {
	case DEMO_SEGFAULT:
		*(volatile uint32_t *)0 = 1;
		break;
	case DEMO_DIVIDE:
		__asm__ volatile("divl %2" :: "a"(1), "d"(0), "r"(zero));
		break;
	case DEMO_PRIVILEGED:
		__asm__ volatile("cli");
		break;
	case DEMO_PANIC:
		driver_panic("asked to panic");
	case DEMO_EXIT:
		sys_exit(3);
	case DEMO_HANG:
		for (;;)
			;
	}
}

static void request(message *m)
{
	struct demo_reply r;

	memset(&r, 0, sizeof r);
	r.ticks = ticks;
	r.started_ms = started_ms;
	switch (m->m_type) {
	case DEMO_GET:
		break;
	case DEMO_CRASH:
		if (m->demo_req.mode != DEMO_FORBIDDEN) {
			crash(m->demo_req.mode);
			driver_reply(m, m, -EINVAL);          /* not a mode we know */
			return;
		}
		probe(&r);                                    /* the forbidden half is what counts */
		break;
	case DEMO_PROBE:
		probe(&r);
		break;
	default:
		driver_reply(m, m, -ENOSYS);
		return;
	}
	m->demo_reply = r;
	driver_reply(m, m, 0);
}

static void alarm_tick(void)
{
	ticks++;
	sys_alarm(TICK_MS);
}

static int init(int argc, char **argv)
{
	(void)argc; (void)argv;
	started_ms = sys_uptime_ms();
	return sys_alarm(TICK_MS);
}

static const struct driver_ops ops = {
	.name = "demo",
	.init = init,
	.request = request,
	.alarm = alarm_tick,
};

int main(int argc, char **argv)
{
	driver_main(&ops, argc, argv);
}
