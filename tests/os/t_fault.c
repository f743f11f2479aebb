/*
 * t_fault: the CPU-exception test controller (boot configuration test-fault).
 *
 * Each t_crash process commits one fault from ring 3: writing kernel memory,
 * a NULL read, cli, hlt, out, in, lgdt, mov to cr3, divide by zero, ud2, a
 * stack overflow, writing its own text or the clock page (read-only) and
 * jumping into the kernel. Proves: each one ends only that process, the manager gets
 * a report with the right vector (and error code and address for page
 * faults), and a bystander keeps running and finishes its work correctly.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/layout.h>
#include "lib/testlib.h"

#define BYSTANDER_WORK 3000000

struct expect {
	const char *name;       /* process name: crash_<mode> */
	uint32_t vector;
	uint32_t error_mask, error;   /* for page faults */
	int check_addr;
	uint32_t addr_lo, addr_hi;
	endpoint_t ep;
	int reported;
};

#define GPF(mode) { .name = "crash_" mode, .vector = 13 }
#define STACK_BOTTOM (USER_STACK_TOP - USER_STACK_SIZE)

static struct expect expects[] = {
	/* page faults: error bits present (1), write (2), user (4) */
	{ .name = "crash_kwrite", .vector = 14, .error_mask = 7, .error = 7,
	  .check_addr = 1, .addr_lo = 0x100000, .addr_hi = 0x100000 },
	{ .name = "crash_null", .vector = 14, .error_mask = 5, .error = 4,
	  .check_addr = 1, .addr_lo = 0, .addr_hi = 0 },
	{ .name = "crash_stack", .vector = 14, .error_mask = 5, .error = 4,
	  .check_addr = 1, .addr_lo = STACK_BOTTOM - 4096, .addr_hi = STACK_BOTTOM - 1 },
	{ .name = "crash_textwrite", .vector = 14, .error_mask = 7, .error = 7,       /* present, write */
	  .check_addr = 1, .addr_lo = USER_BASE, .addr_hi = USER_BASE + 0x100000 },
	{ .name = "crash_clkwrite", .vector = 14, .error_mask = 7, .error = 7,     /* present, write */
	  .check_addr = 1, .addr_lo = USER_CLOCK_PAGE, .addr_hi = USER_CLOCK_PAGE },
	{ .name = "crash_kjump", .vector = 14, .error_mask = 5, .error = 5,           /* present, supervisor */
	  .check_addr = 1, .addr_lo = 0x100000, .addr_hi = 0x100000 },
	GPF("cli"), GPF("hlt"), GPF("out"), GPF("in"), GPF("lgdt"), GPF("cr3"),
	{ .name = "crash_div0", .vector = 0 },
	{ .name = "crash_ud2", .vector = 6 },
};
#define NR_CRASHERS (int)(sizeof expects / sizeof expects[0])

static struct expect *find(const char *name)
{
	int i;

	for (i = 0; i < NR_CRASHERS; i++)
		if (!strcmp(expects[i].name, name))
			return &expects[i];
	return NULL;
}

static endpoint_t collect(void)
{
	endpoint_t bystander = EP_NONE;
	struct procinfo info;
	struct expect *e;
	message m;
	int got = 0;

	while (got < NR_CRASHERS + 1) {
		if (t_receive(EP_ANY, &m, 10000) < 0)
			return EP_NONE;
		if (m.m_type != TEST_HELLO)
			continue;
		got++;
		if (m.test_hello.role == ROLE_BYSTANDER) {
			bystander = m.m_source;
			continue;
		}
		if (sys_procinfo(-1, m.m_source, &info) == 0 && (e = find(info.name)))
			e->ep = m.m_source;
	}
	return bystander;
}

static void check_report(const struct kc_getdeath *d)
{
	struct expect *e = find(d->name);
	char what[32];
	int ok;

	if (!e || e->ep != d->who) {
		t_fail("fault_unexpected", "report for %s (ep %d)", d->name, (int)d->who);
		return;
	}
	e->reported = 1;
	ok = d->cause == DEATH_EXCEPTION && d->vector == e->vector &&
	     (d->error & e->error_mask) == e->error &&
	     (!e->check_addr || (d->addr >= e->addr_lo && d->addr <= e->addr_hi));
	snprintf(what, sizeof what, "fault_%s", e->name + 6);
	t_check(what, ok, "ended with cause %u vector %u error %x address %x eip %x (want vector %u)",
	        d->cause, d->vector, d->error, d->addr, d->eip, e->vector);
}

int main(void)
{
	endpoint_t bystander = collect();
	struct kc_getdeath d;
	struct procinfo info;
	message m;
	int i, reports = 0, r;

	if (bystander == EP_NONE) {
		t_fail("workers_started", "not every process said hello");
		t_finish();
	}
	t_go(bystander, EP_NONE, BYSTANDER_WORK, 0);
	for (i = 0; i < NR_CRASHERS; i++)
		t_go(expects[i].ep, EP_NONE, 0, 0);

	while (reports < NR_CRASHERS) {
		if (t_receive(EP_KERNEL, &m, 10000) < 0)
			break;
		while (sys_getdeath(&d) == 0) {
			check_report(&d);
			reports++;
		}
	}
	for (i = 0; i < NR_CRASHERS; i++)
		if (!expects[i].reported)
			t_fail("fault_reported", "no death report for %s", expects[i].name);

	t_check("bystander_alive", sys_procinfo(-1, bystander, &info) == 0 && info.endpoint == bystander,
	        "bystander still exists after %d faults", reports);
	r = t_receive(bystander, &m, 60000);
	t_check("bystander_finished", r == 0 && m.m_type == TEST_DONE &&
	        (uint32_t)m.test_done.result == t_work(BYSTANDER_WORK),
	        "bystander's checksum %x, expected %x", (uint32_t)m.test_done.result, t_work(BYSTANDER_WORK));
	t_finish();
}
