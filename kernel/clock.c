/*
 * clock: the PIT interrupts HZ times a second. Each tick advances uptime,
 * charges the running process (preempting it when its quantum is used up)
 * and fires due alarms as notifications from EP_CLOCK; an alarm set with
 * ALARM_OR_IDLE also fires as soon as the scheduler finds nothing else to
 * run (a server that leaves work for when its clients have had their turn,
 * at most until its deadline). The uptime is kept in
 * the clock page, which vm.c maps read-only into every process. At boot the cycle
 * counter is measured against PIT channel 2 so that rdtsc figures can be
 * turned into time.
 */
#include <bulkhead/layout.h>
#include "clock.h"
#include "cpu.h"
#include "pic.h"
#include "proc.h"
#include "ipc.h"
#include "panic.h"

#define PIT_HZ    1193182
#define PIT_CH0   0x40
#define PIT_CH2   0x42
#define PIT_CMD   0x43
#define PORT_B    0x61
#define CALIBRATE_MS 10

/*
 * The uptime lives in the clock page, which every process also sees
 * (read-only) at USER_CLOCK_PAGE: a whole page of its own, so that no other
 * kernel variable shares it.
 */
static union {
	struct clock_page c;
	uint8_t whole[PAGE_SIZE];
} page __attribute__((aligned(PAGE_SIZE)));
static uint32_t tsc_khz;
static uint32_t next_alarm;    /* earliest alarm_at of any process; 0: none */
static uint32_t or_idle_slots[NR_PROCS / 32];   /* by slot: its alarm also fires when the CPU is idle */

static void calibrate_tsc(void)
{
	uint32_t count = PIT_HZ * CALIBRATE_MS / 1000, spins = 0;
	uint64_t t0, t1;

	outb(PORT_B, (uint8_t)((inb(PORT_B) & ~0x02) | 0x01));  /* gate on, speaker off */
	outb(PIT_CMD, 0xb0);                                    /* ch2, lo/hi, mode 0 */
	outb(PIT_CH2, (uint8_t)count);
	outb(PIT_CH2, (uint8_t)(count >> 8));
	t0 = rdtsc();
	while (!(inb(PORT_B) & 0x20) && ++spins < 100000000)
		;
	t1 = rdtsc();
	tsc_khz = (uint32_t)((t1 - t0) / CALIBRATE_MS);
}

void clock_init(void)
{
	uint32_t divisor = PIT_HZ / HZ;

	calibrate_tsc();
	outb(PIT_CMD, 0x34);                  /* ch0, lo/hi, rate generator */
	outb(PIT_CH0, (uint8_t)divisor);
	outb(PIT_CH0, (uint8_t)(divisor >> 8));
	pic_unmask(0);
}

uint32_t clock_uptime_ms(void) { return page.c.uptime_ms; }
phys_bytes clock_page_frame(void) { return (phys_bytes)&page; }
uint32_t clock_tsc_khz(void) { return tsc_khz; }

static int alive(const struct proc *p)
{
	return p->state != PSTATE_FREE && p->state != PSTATE_ZOMBIE;
}

static void fire_alarms(void)
{
	struct proc *p;

	next_alarm = 0;
	for (p = proc_table; p < proc_table + NR_PROCS; p++) {
		if (!p->alarm_at || !alive(p))
			continue;
		if (p->alarm_at <= page.c.uptime_ms) {
			p->alarm_at = 0;
			bit_clear(or_idle_slots, (unsigned)p->slot);
			notify_kernel(p, NOTIFY_FROM_CLOCK);
		} else if (!next_alarm || p->alarm_at < next_alarm) {
			next_alarm = p->alarm_at;
		}
	}
}

void clock_tick(void)
{
	page.c.uptime_ms += 1000 / HZ;
	sched_tick();
	if (next_alarm && next_alarm <= page.c.uptime_ms)
		fire_alarms();
}

/* Set p's alarm to go off in ms (0 cancels; or_idle: or when idle); returns the ms that were left. */
uint32_t clock_set_alarm(struct proc *p, uint32_t ms, int or_idle)
{
	uint32_t left = p->alarm_at > page.c.uptime_ms ? p->alarm_at - page.c.uptime_ms : 0;

	p->alarm_at = ms ? page.c.uptime_ms + ms : 0;
	if (p->alarm_at && or_idle)
		bit_set(or_idle_slots, (unsigned)p->slot);
	else
		bit_clear(or_idle_slots, (unsigned)p->slot);
	if (p->alarm_at && (!next_alarm || p->alarm_at < next_alarm))
		next_alarm = p->alarm_at;
	return left;
}

/*
 * The scheduler found nothing to run: every live process's ALARM_OR_IDLE
 * alarm goes off now (it becomes runnable). 1 if any did.
 */
int clock_idle(void)
{
	uint32_t w, bits, fired = 0;
	struct proc *p;

	for (w = 0; w < NR_PROCS / 32; w++) {
		for (bits = or_idle_slots[w]; bits; bits &= bits - 1) {
			p = &proc_table[w * 32 + (uint32_t)__builtin_ctz(bits)];
			KASSERT(p->alarm_at != 0);     /* (cleared together with the alarm) */
			p->alarm_at = 0;
			if (alive(p)) {
				notify_kernel(p, NOTIFY_FROM_CLOCK);
				fired = 1;
			}
		}
		or_idle_slots[w] = 0;
	}
	return (int)fired;
}
