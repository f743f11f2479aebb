/*
 * t_isol: the isolation test controller (boot configuration test-isolation).
 * It is the installer (boot option `install`): it gives each process under
 * test the privilege record its scenario needs, and checks what happened.
 *
 * Proves: a process waiting for its privileges does not run; KC_PRIVCTL
 * refuses bad records and changes nothing then; the hostile process's
 * attacks (t_attack.c) are refused, counted and logged, with the counters
 * and the log agreeing with its own tally; an IRQ is delivered to its owner
 * and the line is left masked when the owner dies; trace rights are exact
 * and a text patch stays in its own process; a million random kernel calls,
 * unprivileged and with a broad record, leave the kernel and a bystander
 * working.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/layout.h>
#include "lib/testlib.h"

#define BYSTANDER_WORK 20000000
#define FUZZ_CALLS     1000000
#define PIC2_DATA      0xa1

static endpoint_t self, bystander;
static uint8_t ro_buf[4096], wo_buf[64], other_buf[64], page_buf[8192];

static void kcall_bit(struct priv *p, int nr) { bit_set(p->kcalls, (unsigned)nr); }
static void ipc_bit(struct priv *p, endpoint_t ep) { bit_set(p->ipc_to, (unsigned)endpoint_slot(ep)); }

static void add_io(struct priv *p, uint32_t base, uint32_t len)
{
	p->io[p->n_io].base = base;
	p->io[p->n_io++].len = len;
}

static int wait_hello(endpoint_t ep, message *m)
{
	return t_receive(ep, m, 10000) == 0 && m->m_type == TEST_HELLO ? 0 : -1;
}

static int wait_done(endpoint_t ep, message *m, uint32_t timeout_ms)
{
	return t_receive(ep, m, timeout_ms) == 0 && m->m_type == TEST_DONE ? 0 : -1;
}

/* Bad records are refused and leave the target's record as it was. */
static void test_privctl_validation(endpoint_t target)
{
	struct procinfo before, after;
	struct priv p;
	int r[7];

	sys_procinfo(-1, target, &before);
	t_check("stopped_until_privileges", before.state == PSTATE_STOPPED && before.cpu_ticks == 0,
	        "the hostile process is in state %u (stopped is %u) and has not run", before.state, PSTATE_STOPPED);

	memset(&p, 0, sizeof p);
	p.mem[0].base = 0x100000;                       /* the kernel: RAM, not a device */
	p.mem[0].len = 4096;
	p.n_mem = 1;
	r[0] = sys_privctl(target, PRIVCTL_SET, &p);
	memset(&p, 0, sizeof p);
	add_io(&p, 0xfff0, 0x20);                       /* runs past port ffff */
	r[1] = sys_privctl(target, PRIVCTL_SET, &p);
	memset(&p, 0, sizeof p);
	p.irqs = 1u << 0;                               /* the kernel's clock */
	r[2] = sys_privctl(target, PRIVCTL_SET, &p);
	p.irqs = 1u << 16;
	r[3] = sys_privctl(target, PRIVCTL_SET, &p);
	p.irqs = 0;
	p.n_io = PRIV_MAX_IO + 1;
	r[4] = sys_privctl(target, PRIVCTL_SET, &p);
	p.n_io = 0;
	r[5] = sys_privctl(target, PRIVCTL_SET | PRIVCTL_EXTEND, &p);
	r[6] = sys_privctl(target, PRIVCTL_SET, (struct priv *)0x100000);
	sys_procinfo(-1, target, &after);
	t_check("privctl_refuses_bad_records",
	        r[0] == -EINVAL && r[1] == -EINVAL && r[2] == -EINVAL && r[3] == -EINVAL &&
	        r[4] == -EINVAL && r[5] == -EINVAL && r[6] == -EFAULT,
	        "RAM range %d, ports past ffff %d, clock IRQ %d, IRQ 16 %d, too many ranges %d, "
	        "SET|EXTEND %d, record in kernel memory %d", r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
	t_check("privctl_refusal_changes_nothing",
	        after.state == PSTATE_STOPPED && after.n_io_ranges == 0 && after.n_mem_ranges == 0 &&
	        after.n_irqs == 0 && after.n_kcalls == before.n_kcalls,
	        "still stopped with %u I/O ranges, %u memory ranges, %u IRQs, %u calls",
	        after.n_io_ranges, after.n_mem_ranges, after.n_irqs, after.n_kcalls);
}

/* Count log entries of each denial kind for `who` from seq on. */
static void count_log(uint32_t seq, endpoint_t who, uint32_t counts[NR_DENY_KINDS])
{
	static struct klog_entry log[KLOG_ENTRIES];
	uint32_t n, i;

	memset(counts, 0, NR_DENY_KINDS * sizeof counts[0]);
	do {
		if (sys_getlog(seq, log, KLOG_ENTRIES, &n, &seq) < 0)
			return;
		for (i = 0; i < n; i++)
			if (log[i].kind == KLOG_DENIED && log[i].who == who && log[i].code < NR_DENY_KINDS)
				counts[log[i].code]++;
	} while (n == KLOG_ENTRIES);
}

static uint32_t log_end(void)
{
	struct klog_entry e;
	uint32_t n, seq;

	sys_getlog(~0u, &e, 1, &n, &seq);
	return seq;
}

/* The hostile process holds a DMA buffer; when it ends, every page comes back. */
static void test_memory_returned(endpoint_t attack)
{
	struct kc_sysinfo before, after;
	struct kc_getdeath d;
	struct procinfo info;

	sys_procinfo(-1, attack, &info);
	sys_sysinfo(&before);
	t_go(attack, EP_NONE, 0, 0);
	t_wait_death(attack, &d, 5000);
	sys_sysinfo(&after);
	t_check("dma_freed_at_exit", d.who == attack && info.pages > 3 &&
	        after.free_pages - before.free_pages == info.pages,
	        "the hostile process held %u pages (its DMA buffer among them); %u came back when it ended",
	        info.pages, after.free_pages - before.free_pages);
}

static void test_attacks(endpoint_t attack, endpoint_t dead)
{
	struct test_attack *a;
	uint32_t seq, counts[NR_DENY_KINDS];
	grant_id_t tmp;
	phys_bytes phys;
	struct priv p, own;
	message m;
	int i, ok = 1;

	memset(&p, 0, sizeof p);
	add_io(&p, 0x70, 2);
	add_io(&p, 0x2f8, 8);
	ipc_bit(&p, self);
	kcall_bit(&p, KC_DEVIO); kcall_bit(&p, KC_VDEVIO); kcall_bit(&p, KC_SETGRANT);
	kcall_bit(&p, KC_SAFECOPY); kcall_bit(&p, KC_VSAFECOPY); kcall_bit(&p, KC_IRQCTL);
	kcall_bit(&p, KC_MAPMEM); kcall_bit(&p, KC_DMAALLOC); kcall_bit(&p, KC_UMAP);
	seq = log_end();
	memset(&own, 0, sizeof own);
	add_io(&own, 0x2e8, 8);                 /* a port of ours the attacker tries while it runs */
	sys_privctl(EP_SELF, PRIVCTL_EXTEND, &own);
	if (sys_privctl(attack, PRIVCTL_SET | PRIVCTL_START, &p) < 0 || wait_hello(attack, &m) < 0) {
		t_fail("attack_started", "the hostile process did not start");
		return;
	}

	memset(ro_buf, 0xc3, sizeof ro_buf);
	memset(&m, 0, sizeof m);
	m.m_type = TEST_ATTACK;
	a = &m.test_attack;
	a->dead = dead;
	a->bystander = bystander;
	a->ro = grant_direct(attack, ro_buf, sizeof ro_buf, GRANT_READ);
	a->wo = grant_direct(attack, wo_buf, sizeof wo_buf, GRANT_WRITE);
	a->other = grant_direct(bystander, other_buf, sizeof other_buf, GRANT_READ | GRANT_WRITE);
	a->revoked = grant_direct(attack, ro_buf, 16, GRANT_READ);
	grant_revoke(a->revoked);                      /* frees its slot ... */
	a->reused_old = grant_direct(attack, ro_buf, 16, GRANT_READ);
	grant_revoke(a->reused_old);
	a->reused_new = grant_direct(attack, ro_buf, 16, GRANT_READ);   /* ... which is used again */
	tmp = a->reused_new;
	a->clock = grant_direct(attack, (const void *)USER_CLOCK_PAGE, 16, GRANT_READ);
	sys_umap(page_buf + 4096, 4096, &phys, NULL);
	a->victim_phys = phys & ~4095u;
	t_check("grant_slot_reused", grant_index(tmp) == grant_index(a->reused_old) && tmp != a->reused_old &&
	        grant_index(a->revoked) == grant_index(tmp),
	        "revoked IDs %x and %x, slot reused as %x", a->revoked, a->reused_old, tmp);
	ipc_send(attack, &m);

	if (wait_done(attack, &m, 60000) < 0) {
		t_fail("attack_finished", "the hostile process did not report");
		return;
	}
	count_log(seq, attack, counts);
	for (i = 0; i < NR_DENY_KINDS && i < 8; i++)
		ok &= counts[i] == (uint32_t)m.test_done.detail[i];
	t_check("attack_log_matches", ok,
	        "%d attacks; kernel log entries per kind io %u kcall %u ipc %u grant %u mem %u irq %u "
	        "(hostile's tally %d %d %d %d %d %d)", m.test_done.result,
	        counts[DENY_IO], counts[DENY_KCALL], counts[DENY_IPC], counts[DENY_GRANT], counts[DENY_MEM], counts[DENY_IRQ],
	        m.test_done.detail[DENY_IO], m.test_done.detail[DENY_KCALL], m.test_done.detail[DENY_IPC],
	        m.test_done.detail[DENY_GRANT], m.test_done.detail[DENY_MEM], m.test_done.detail[DENY_IRQ]);
	t_check("grant_write_lands", wo_buf[0] == 0x5a && wo_buf[63] == 0x5a && other_buf[0] == 0,
	        "the write through the write-only grant arrived; the bystander's buffer is untouched");
	printf("[test] isolation: %d attack cases run by the hostile process\n", m.test_done.result);
	test_memory_returned(attack);
}

/* Device memory in our own record can be mapped: the VGA text buffer. */
static void test_mapmem(void)
{
	volatile uint16_t *vga = NULL;
	struct priv p;
	int r;

	memset(&p, 0, sizeof p);
	p.mem[0].base = 0xb8000;
	p.mem[0].len = 0x1000;
	p.n_mem = 1;
	r = sys_privctl(EP_SELF, PRIVCTL_EXTEND, &p);
	if (r == 0)
		r = sys_mapmem(0xb8000, 0x1000, (void **)&vga);
	if (r == 0) {
		vga[0] = 0x1f42;
		vga[2047] = 0x2e2e;
	}
	t_check("mapmem_allowed", r == 0 && vga[0] == 0x1f42 && vga[2047] == 0x2e2e,
	        "mapped the VGA text buffer at %p after adding it to our record (r=%d)", (void *)vga, r);
}

static endpoint_t start_rtc(void)
{
	endpoint_t rtc = t_find("rtc");
	struct priv p;
	message m;
	int r;

	memset(&p, 0, sizeof p);
	add_io(&p, 0x70, 2);
	p.irqs = 1u << 8;
	ipc_bit(&p, self);
	kcall_bit(&p, KC_DEVIO);
	kcall_bit(&p, KC_IRQCTL);
	if (sys_privctl(rtc, PRIVCTL_SET | PRIVCTL_START, &p) < 0 || wait_hello(rtc, &m) < 0) {
		t_fail("irq_delivered", "the RTC driver did not start");
		return EP_NONE;
	}
	t_go(rtc, EP_NONE, 20, 0);
	r = wait_done(rtc, &m, 20000);
	t_check("irq_delivered", r == 0 && m.test_done.result == 20 && m.test_done.detail[0] == 0,
	        "RTC driver got %d periodic interrupts on IRQ 8, each re-enabled (hook result %d)",
	        m.test_done.result, m.test_done.detail[0]);
	return rtc;
}

/* Kill the IRQ owner: its hook must go and the line stay masked. */
static void test_irq_owner_death(endpoint_t rtc)
{
	struct kc_getdeath d;
	struct priv p;
	uint32_t imr = 0;
	int r;

	memset(&p, 0, sizeof p);
	add_io(&p, PIC2_DATA, 1);                      /* to look at the slave PIC's mask */
	sys_privctl(EP_SELF, PRIVCTL_EXTEND, &p);
	sys_kill(rtc, 9);
	t_wait_death(rtc, &d, 5000);
	t_sleep(50);                                   /* the RTC keeps asking for IRQ 8 */
	r = sys_inb(PIC2_DATA, &imr);
	t_check("irq_owner_death_masks_line", d.who == rtc && r == 0 && (imr & 1),
	        "owner killed (cause %u); slave PIC mask %x: IRQ 8 %s", d.cause, imr, imr & 1 ? "masked" : "NOT masked");
}

static void test_trace(void)
{
	endpoint_t tracer = t_find("tracer"), v1 = t_find("victim1"), v2 = t_find("victim2");
	message m, d1, d2;
	struct priv p;
	int r;

	memset(&p, 0, sizeof p);
	ipc_bit(&p, self);
	bit_set(p.trace_to, (unsigned)endpoint_slot(v1));
	kcall_bit(&p, KC_TRACE);
	kcall_bit(&p, KC_PRIVCTL);                     /* the call, but not the installer flag */
	if (wait_hello(v1, &m) < 0 || wait_hello(v2, &m) < 0 ||
	    sys_privctl(tracer, PRIVCTL_SET | PRIVCTL_START, &p) < 0 || wait_hello(tracer, &m) < 0) {
		t_fail("trace_patch", "tracer or victims did not start");
		return;
	}
	t_go(v1, EP_NONE, 0, 0);
	wait_done(v1, &d1, 5000);
	memset(&m, 0, sizeof m);
	m.m_type = TEST_TRACE;
	m.test_trace.victim = v1;
	m.test_trace.other_victim = v2;
	m.test_trace.bystander = bystander;
	m.test_trace.text = d1.test_done.work;
	m.test_trace.data = (vir_bytes)d1.test_done.detail[0];
	m.test_trace.old_value = (uint32_t)d1.test_done.result;
	m.test_trace.new_value = 0x5678ef01;
	ipc_send(tracer, &m);
	r = wait_done(tracer, &m, 10000);
	t_check("trace_tracer_done", r == 0 && m.test_done.result == 0, "the tracer's own checks: %d failed",
	        m.test_done.result);

	t_go(v1, EP_NONE, 0, 0);
	t_go(v2, EP_NONE, 0, 0);
	wait_done(v1, &d1, 5000);
	wait_done(v2, &d2, 5000);
	t_check("trace_patch_took_effect", (uint32_t)d1.test_done.result == 0x5678ef01,
	        "victim1's function now returns %x", (uint32_t)d1.test_done.result);
	t_check("trace_patch_stays_in_its_process", (uint32_t)d2.test_done.result == 0x1234abcd,
	        "victim2, another copy of the same program, still returns %x", (uint32_t)d2.test_done.result);
}

static void fuzz(const char *name, endpoint_t ep, uint32_t seed)
{
	struct procinfo info;
	message m;
	int r;

	if (wait_hello(ep, &m) < 0) {
		t_fail(name, "the fuzzer did not start");
		return;
	}
	printf("[test] %s: %u random kernel calls, seed %u\n", name, FUZZ_CALLS, seed);
	memset(&m, 0, sizeof m);
	m.test_go.count = FUZZ_CALLS;
	m.test_go.seed = seed;
	m.test_go.peer = t_find("fuzzvictim");
	t_send_type(ep, TEST_GO, &m);
	r = wait_done(ep, &m, 600000);
	sys_procinfo(-1, ep, &info);
	t_check(name, r == 0 && m.test_done.result == FUZZ_CALLS && info.endpoint == ep,
	        "%d calls made (ok %d, EPERM %d, ENOSYS %d, EFAULT %d, EINVAL %d, other %d); "
	        "%u of them denied and logged as kernel calls; the kernel is up", m.test_done.result,
	        m.test_done.detail[0], m.test_done.detail[1], m.test_done.detail[2], m.test_done.detail[3],
	        m.test_done.detail[4], m.test_done.detail[5], info.denied[DENY_KCALL]);
}

static void start_broad_fuzzer(endpoint_t ep)
{
	struct priv p;
	int nr;

	memset(&p, 0, sizeof p);
	for (nr = 0; nr < NR_KCALLS; nr++)
		if (nr != KC_PRIVCTL && nr != KC_SHUTDOWN)
			kcall_bit(&p, nr);
	add_io(&p, 0x70, 2);
	add_io(&p, 0x2f8, 8);
	p.irqs = 1u << 3;
	p.mem[0].base = 0xb8000;
	p.mem[0].len = 0x8000;
	p.n_mem = 1;
	ipc_bit(&p, self);
	bit_set(p.trace_to, (unsigned)endpoint_slot(t_find("fuzzvictim")));
	sys_privctl(ep, PRIVCTL_SET | PRIVCTL_START, &p);
}

int main(void)
{
	endpoint_t attack = t_find("attack"), mortal = t_find("mortal"), rtc;
	struct kc_getdeath d;
	message m;
	int r;

	self = sys_self();
	bystander = t_find("bystander");
	if (wait_hello(bystander, &m) < 0 || wait_hello(mortal, &m) < 0) {
		t_fail("workers_started", "bystander or mortal missing");
		t_finish();
	}
	t_go(bystander, EP_NONE, BYSTANDER_WORK, 0);
	t_go(mortal, EP_NONE, 0, 0);
	t_wait_death(mortal, &d, 5000);

	test_privctl_validation(attack);
	test_mapmem();
	rtc = start_rtc();
	test_attacks(attack, mortal);
	test_irq_owner_death(rtc);
	test_trace();
	fuzz("fuzz_unprivileged", t_find("fuzz_user"), 20261124);
	start_broad_fuzzer(t_find("fuzz_broad"));
	fuzz("fuzz_broad_record", t_find("fuzz_broad"), 42);

	r = t_receive(bystander, &m, 120000);
	t_check("bystander_finished", r == 0 && m.m_type == TEST_DONE &&
	        (uint32_t)m.test_done.result == t_work(BYSTANDER_WORK),
	        "bystander's checksum %x, expected %x", (uint32_t)m.test_done.result, t_work(BYSTANDER_WORK));
	t_finish();
}
