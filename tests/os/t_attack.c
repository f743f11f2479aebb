/*
 * t_attack: the hostile process of the isolation test (boot configuration
 * test-isolation). It runs with a deliberately narrow privilege record,
 * installed by the controller (t_isol):
 *
 *   I/O ports 70-71 (CMOS) and 2f8-2ff (COM2); no IRQ lines; no memory
 *   ranges; may send only to the controller; kernel calls: the basic ones
 *   plus DEVIO VDEVIO SETGRANT SAFECOPY VSAFECOPY IRQCTL MAPMEM DMAALLOC UMAP.
 *
 * The same ports are attacked with in/out/ins/outs made directly (the CPU's
 * I/O bitmap lets only the record's ports through; the kernel refuses the
 * rest as DEVIO does: all ones read, counted, logged with the port, and the
 * process goes on after the instruction).
 *
 * Every attack below must fail with the expected error. Each refusal the
 * kernel should count is tallied by kind; at the end the tally is compared
 * with the kernel's counters and sent to the controller, which compares it
 * with the kernel log. A few allowed operations are done too, so that the
 * refusals cannot come from everything being broken.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/layout.h>
#include "lib/testlib.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define CMOS_SCRATCH 0x7e       /* an NVRAM byte nobody uses */
#define COM2 0x2f8
#define KERNEL_TEXT 0x100000u
#define UNMAPPED 0x90000000u

static uint32_t tally[NR_DENY_KINDS];
static int attacks;
static struct test_attack arms;
static endpoint_t controller;

/* An attack: got must be want; if `kind` is a deny kind, it was counted. */
static void expect(const char *name, int got, int want, int kind)
{
	attacks++;
	if (kind >= 0 && got < 0)
		tally[kind]++;
	t_check(name, got == want, "returned %d, want %d", got, want);
}

/* An allowed operation, proving the mechanism works at all. */
static void allowed(const char *name, int ok, const char *what)
{
	t_check(name, ok, "%s", what);
}

static int devio(uint32_t port, uint8_t size, uint8_t dir)
{
	uint32_t v = 0;

	return sys_devio(port, size, dir, &v);
}

static uint8_t cmos_read(uint8_t index)
{
	uint32_t v = 0;

	sys_outb(CMOS_INDEX, index);
	sys_inb(CMOS_DATA, &v);
	return (uint8_t)v;
}

static void attack_devio(void)
{
	struct devio_req bad[3] = {
		{ CMOS_INDEX, 1, DEVIO_OUT, CMOS_SCRATCH },
		{ CMOS_DATA, 1, DEVIO_OUT, 0xa5 },
		{ 0x64, 1, DEVIO_IN, 0 },             /* the keyboard controller: not ours */
	};
	struct devio_req good[2] = {
		{ CMOS_INDEX, 1, DEVIO_OUT, CMOS_SCRATCH },
		{ CMOS_DATA, 1, DEVIO_IN, 0 },
	};
	int bad_index = -1, r;

	sys_outb(CMOS_INDEX, CMOS_SCRATCH);
	allowed("devio_allowed", sys_outb(CMOS_DATA, 0x11) == 0 && cmos_read(CMOS_SCRATCH) == 0x11,
	        "wrote 0x11 to CMOS byte 0x7e through ports 70/71 and read it back");
	allowed("devio_wide_allowed", devio(0x2fc, 4, DEVIO_IN) == 0 && devio(0x2fe, 2, DEVIO_IN) == 0,
	        "aligned 32- and 16-bit reads at the top of the COM2 range");
	expect("devio_below_range", devio(0x6f, 1, DEVIO_IN), -EPERM, DENY_IO);
	expect("devio_above_range", devio(0x72, 1, DEVIO_IN), -EPERM, DENY_IO);
	expect("devio_straddles_end", devio(0x70, 4, DEVIO_IN), -EPERM, DENY_IO);     /* 70-73, we own 70-71 */
	expect("devio_just_below_range", devio(0x6e, 2, DEVIO_IN), -EPERM, DENY_IO);  /* 6e-6f */
	expect("devio_beyond_range", devio(0x300, 4, DEVIO_IN), -EPERM, DENY_IO);
	expect("devio_unaligned_word", devio(0x2f9, 2, DEVIO_IN), -EINVAL, DENY_IO);
	expect("devio_unaligned_dword", devio(0x2fa, 4, DEVIO_IN), -EINVAL, DENY_IO);
	expect("devio_bad_size", devio(0x2f8, 3, DEVIO_IN), -EINVAL, DENY_IO);
	expect("devio_pic", devio(0x20, 1, DEVIO_OUT), -EPERM, DENY_IO);
	expect("devio_top_port", devio(0xfffc, 4, DEVIO_IN), -EPERM, DENY_IO);
	expect("devio_port_beyond_16_bits", devio(0x10070, 1, DEVIO_IN), -EPERM, DENY_IO);

	r = sys_vdevio(bad, 3, &bad_index);
	expect("vdevio_one_bad_entry", r, -EPERM, DENY_IO);
	t_check("vdevio_nothing_performed", bad_index == 2 && cmos_read(CMOS_SCRATCH) == 0x11,
	        "bad entry reported as %d (want 2); CMOS byte still 0x%x (want 0x11)",
	        bad_index, cmos_read(CMOS_SCRATCH));
	allowed("vdevio_allowed", sys_vdevio(good, 2, &bad_index) == 0 && good[1].value == 0x11 && bad_index == -1,
	        "a good vector ran and read back 0x11");
	expect("vdevio_too_long", sys_vdevio(good, VDEVIO_MAX + 1, NULL), -EINVAL, -1);
	expect("vdevio_vector_in_kernel", sys_vdevio((struct devio_req *)KERNEL_TEXT, 2, NULL), -EFAULT, -1);
}

#define OTHER_PORT 0x2e8      /* the controller's own port (COM4) while we run */
#define OTHER_NIC  0xc000     /* where an RTL8139's registers sit on QEMU's pc */
#define PIC1_DATA  0x21
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc

/* A direct in that must be refused: the CPU faults, the kernel reads all ones. */
static void pio_in_refused(const char *name, uint16_t port, int size)
{
	uint32_t ones = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1, eax = 0;
	int refused = t_pio_in(port, size, 0x5a5a5a5a, &eax);

	attacks++;
	if (refused)
		tally[DENY_IO]++;
	t_check(name, refused && eax == ((0x5a5a5a5a & ~ones) | ones),
	        "in%s from port %x: %s, eax %x (want the port's width all ones, the rest kept)",
	        size == 1 ? "b" : size == 2 ? "w" : "l", port, refused ? "refused" : "NOT refused", eax);
}

static void pio_out_refused(const char *name, uint16_t port, int size, uint32_t v)
{
	int refused = t_pio_out(port, size, v);

	attacks++;
	if (refused)
		tally[DENY_IO]++;
	t_check(name, refused, "out%s %x to port %x: %s", size == 1 ? "b" : size == 2 ? "w" : "l", v, port,
	        refused ? "refused" : "NOT refused");
}

static void attack_pio_strings(void)
{
	static uint8_t out[8] = { 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77 };
	static uint16_t words[8];
	static uint8_t bytes[8];
	struct t_pio_string a;
	int refused, i, ok;

	sys_outb(CMOS_INDEX, CMOS_SCRATCH);
	refused = t_pio_rep_outs(CMOS_DATA, 2, out, 3, &a);      /* each word covers 71-72 */
	attacks++;
	tally[DENY_IO] += refused;
	t_check("pio_rep_outsw_straddles_end", refused && a.ecx == 0 && a.index == (uint32_t)out + 6 &&
	        cmos_read(CMOS_SCRATCH) == 0x11, "rep outsw x3 to port 71: %s, ecx %u, esi advanced %u, CMOS "
	        "byte 0x%x (want 0x11)", refused ? "refused" : "NOT refused", a.ecx, a.index - (uint32_t)out,
	        cmos_read(CMOS_SCRATCH));
	refused = t_pio_rep_outs(0x72, 1, out, 4, &a);
	attacks++;
	tally[DENY_IO] += refused;
	t_check("pio_rep_outsb_past_end", refused && a.ecx == 0 && a.index == (uint32_t)out + 4,
	        "rep outsb x4 to port 72: %s, ecx %u, esi advanced %u", refused ? "refused" : "NOT refused",
	        a.ecx, a.index - (uint32_t)out);

	refused = t_pio_rep_ins(0x6e, 2, words, 8, 0, &a);
	attacks++;
	tally[DENY_IO] += refused;
	for (ok = 1, i = 0; i < 8; i++)
		ok &= words[i] == 0xffff;
	t_check("pio_rep_insw_reads_ones", refused && ok && a.ecx == 0 && a.index == (uint32_t)words + 16,
	        "rep insw x8 from port 6e: %s, ecx %u, edi advanced %u, buffer %s",
	        refused ? "refused" : "NOT refused", a.ecx, a.index - (uint32_t)words, ok ? "all ones" : "NOT all ones");
	refused = t_pio_rep_ins(0x72, 1, bytes + 4, 4, 1, &a);     /* backwards: bytes 7..4 */
	attacks++;
	tally[DENY_IO] += refused;
	t_check("pio_rep_insb_backwards", refused && a.ecx == 0 && a.index == (uint32_t)bytes + 3 &&
	        bytes[3] == 0 && bytes[4] == 0xff && bytes[7] == 0xff, "std; rep insb x4 from port 72: %s, "
	        "ecx %u, bytes %x %x %x %x %x", refused ? "refused" : "NOT refused", a.ecx,
	        bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]);
}

static void attack_pio(void)
{
	static const uint16_t logged_ports[] = { 0x6f, 0x72, 0x71, PIC1_DATA, PCI_CONFIG_ADDRESS, OTHER_NIC, 0xffff, 0x64 };
	uint32_t seq = t_log_next(), eax = 0, cmos = 0, i, missing = 0;
	int refused;

	t_check("pio_allowed", !t_pio_out(CMOS_INDEX, 1, CMOS_SCRATCH) && !t_pio_in(CMOS_DATA, 1, 0, &cmos) &&
	        cmos == 0x11 && sys_inl(0x2fc, &eax) == 0 && sys_inw(0x2fe, &eax) == 0,
	        "in/out on its own ports run without a kernel call (CMOS byte 0x7e reads 0x%x)", cmos);
	pio_in_refused("pio_below_range", 0x6f, 1);
	pio_in_refused("pio_above_range", 0x72, 1);
	pio_in_refused("pio_word_straddles_end", 0x71, 2);          /* 71-72: unaligned, half ours */
	pio_in_refused("pio_dword_straddles_end", 0x2fe, 4);        /* 2fe-301 */
	pio_in_refused("pio_dword_straddles_start", 0x6e, 4);       /* 6e-71 */
	pio_out_refused("pio_pic_mask", PIC1_DATA, 1, 0xff);        /* would mask every interrupt */
	pio_out_refused("pio_pci_config_address", PCI_CONFIG_ADDRESS, 4, 0x80000000u);
	pio_in_refused("pio_pci_config_data", PCI_CONFIG_DATA, 4);
	pio_out_refused("pio_other_nic", OTHER_NIC + 0x37, 1, 0x10);  /* an RTL8139's reset */
	pio_in_refused("pio_other_nic_read", OTHER_NIC, 4);
	pio_in_refused("pio_others_port", OTHER_PORT, 1);           /* loaded for the controller just before */
	pio_in_refused("pio_top_port", 0xffff, 1);
	pio_in_refused("pio_top_port_word", 0xfffe, 2);
	refused = t_pio_in_imm64(0x12345678, &eax);
	attacks++;
	tally[DENY_IO] += refused;
	t_check("pio_immediate_port", refused && eax == 0x123456ff, "inb $0x64: %s, eax %x",
	        refused ? "refused" : "NOT refused", eax);
	refused = t_pio_in_prefixed(0x72, 0x12345678, &eax);
	attacks++;
	tally[DENY_IO] += refused;
	t_check("pio_prefixed", refused && eax == 0x1234ffff, "ds: o16 in from port 72: %s, eax %x",
	        refused ? "refused" : "NOT refused", eax);
	expect("pio_helper_refused", sys_inb(0x72, &eax), -EPERM, DENY_IO);
	expect("pio_helper_unaligned", sys_inw(0x2f9, &eax), -EINVAL, DENY_IO);
	attack_pio_strings();
	for (i = 0; i < sizeof logged_ports / sizeof logged_ports[0]; i++)
		missing += t_denied_port_logged(seq, logged_ports[i]) == 0;
	t_check("pio_logged_with_port", missing == 0, "%u of %u refused ports have no DENY_IO entry naming them",
	        missing, (unsigned)(sizeof logged_ports / sizeof logged_ports[0]));
}

static void attack_kcalls(void)
{
	message m;
	struct priv p;

	memset(&m, 0, sizeof m);
	memset(&p, 0xff, sizeof p);
	expect("kcall_privctl_self", sys_privctl(EP_SELF, PRIVCTL_SET, &p), -EPERM, DENY_KCALL);
	expect("kcall_trace", sys_trace(TRACE_READ_TEXT, controller, USER_BASE, &m, 4), -EPERM, DENY_KCALL);
	expect("kcall_shutdown", kernel_call(KC_SHUTDOWN, &m), -EPERM, DENY_KCALL);
	expect("kcall_kill", sys_kill(arms.bystander, 9), -EPERM, DENY_KCALL);
	expect("kcall_fork", kernel_call(KC_FORK, &m), -EPERM, DENY_KCALL);
	expect("kcall_number_end", kernel_call(NR_KCALLS, &m), -ENOSYS, DENY_KCALL);
	expect("kcall_number_large", kernel_call(1000, &m), -ENOSYS, DENY_KCALL);
	expect("kcall_number_negative", kernel_call(-1, &m), -ENOSYS, DENY_KCALL);
}

static int raw_ipc(int op, endpoint_t ep, message *m)
{
	int r;

	__asm__ volatile("int %1" : "=a"(r) : "i"(IPC_VECTOR), "a"(op), "b"(ep), "c"(m) : "memory");
	return r;
}

static void attack_ipc(void)
{
	endpoint_t stale = make_endpoint(endpoint_gen(controller) + 1, endpoint_slot(controller));
	message m;

	memset(&m, 0, sizeof m);
	expect("ipc_send_not_in_record", ipc_send(arms.bystander, &m), -EPERM, DENY_IPC);
	expect("ipc_notify_not_in_record", ipc_notify(arms.bystander), -EPERM, DENY_IPC);
	expect("ipc_sendrec_not_in_record", ipc_sendrec(arms.bystander, &m), -EPERM, DENY_IPC);
	expect("ipc_send_dead_endpoint", ipc_send(arms.dead, &m), -ESRCH, DENY_IPC);
	expect("ipc_send_stale_generation", ipc_send(stale, &m), -ESRCH, DENY_IPC);
	expect("ipc_send_slot_out_of_range", ipc_send(make_endpoint(1, 200), &m), -ESRCH, DENY_IPC);
	expect("ipc_send_pseudo_endpoint", ipc_send(EP_HARDWARE, &m), -ESRCH, DENY_IPC);
	expect("ipc_bad_message_pointer", ipc_send(controller, (message *)KERNEL_TEXT), -EFAULT, -1);
	expect("ipc_bad_operation", raw_ipc(99, controller, &m), -ENOSYS, -1);
}

/* A grant table written by hand, to forge what the library would never make. */
static struct grant forged[8];

static grant_id_t forge(int i, uint32_t flags, endpoint_t granter, grant_id_t id, uint32_t offset, uint32_t len)
{
	forged[i] = (struct grant){ .flags = flags | GRANT_VALID | GRANT_INDIRECT, .seq = 0,
	                            .grantee = sys_self(), .len = len,
	                            .indirect = { .granter = granter, .id = id, .offset = offset } };
	return grant_make_id(0, i);
}

static void attack_grants(void)
{
	static uint8_t buf[8192], sentinel[64];
	endpoint_t self = sys_self();
	struct safecopy_req vec[3];
	grant_id_t chain4, chain5, cycle, wider, far;
	int bad_index = -1, r;

	r = sys_safecopy(controller, arms.ro, 0, buf, 4096, SAFECOPY_FROM);
	allowed("grant_read_allowed", r == 0 && buf[0] == 0xc3 && buf[4095] == 0xc3,
	        "read 4096 bytes through a read-only grant");
	memset(buf, 0x5a, 64);
	allowed("grant_write_allowed", sys_safecopy(controller, arms.wo, 0, buf, 64, SAFECOPY_TO) == 0,
	        "wrote 64 bytes through a write-only grant");
	allowed("grant_reused_slot_new_id", sys_safecopy(controller, arms.reused_new, 0, buf, 16, SAFECOPY_FROM) == 0,
	        "the new grant in a reused slot works");

	expect("grant_random_id", sys_safecopy(controller, 0x12345678, 0, buf, 16, SAFECOPY_FROM), -EINVAL, DENY_GRANT);
	expect("grant_negative_id", sys_safecopy(controller, -5, 0, buf, 16, SAFECOPY_FROM), -EINVAL, DENY_GRANT);
	expect("grant_revoked_id", sys_safecopy(controller, arms.revoked, 0, buf, 16, SAFECOPY_FROM), -EINVAL, DENY_GRANT);
	expect("grant_reused_slot_old_id", sys_safecopy(controller, arms.reused_old, 0, buf, 16, SAFECOPY_FROM), -EINVAL, DENY_GRANT);
	expect("grant_someone_elses", sys_safecopy(controller, arms.other, 0, buf, 16, SAFECOPY_FROM), -EPERM, DENY_GRANT);
	expect("grant_read_on_write_only", sys_safecopy(controller, arms.wo, 0, buf, 16, SAFECOPY_FROM), -EACCES, DENY_GRANT);
	expect("grant_write_on_read_only", sys_safecopy(controller, arms.ro, 0, buf, 16, SAFECOPY_TO), -EACCES, DENY_GRANT);
	expect("grant_past_the_end", sys_safecopy(controller, arms.ro, 4000, buf, 200, SAFECOPY_FROM), -ERANGE, DENY_GRANT);
	expect("grant_offset_past_the_end", sys_safecopy(controller, arms.ro, 5000, buf, 0, SAFECOPY_FROM), -ERANGE, DENY_GRANT);
	expect("grant_offset_length_overflow", sys_safecopy(controller, arms.ro, 0xffffff00u, buf, 0x200, SAFECOPY_FROM), -ERANGE, DENY_GRANT);
	expect("grant_local_buffer_in_kernel", sys_safecopy(controller, arms.ro, 0, (void *)KERNEL_TEXT, 16, SAFECOPY_FROM), -EFAULT, DENY_GRANT);
	expect("grant_local_buffer_clock_page", sys_safecopy(controller, arms.ro, 0, (void *)USER_CLOCK_PAGE, 16,
	       SAFECOPY_FROM), -EFAULT, DENY_GRANT);
	expect("grant_over_clock_page", sys_safecopy(controller, arms.clock, 0, buf, 16, SAFECOPY_FROM), -EFAULT, DENY_GRANT);
	expect("grant_local_buffer_unmapped", sys_safecopy(controller, arms.ro, 0, (void *)UNMAPPED, 16, SAFECOPY_FROM), -EFAULT, DENY_GRANT);
	expect("grant_local_buffer_read_only", sys_safecopy(controller, arms.ro, 0, (void *)USER_BASE, 16, SAFECOPY_FROM), -EFAULT, DENY_GRANT);
	expect("grant_dead_granter", sys_safecopy(arms.dead, arms.ro, 0, buf, 16, SAFECOPY_FROM), -ESRCH, DENY_GRANT);
	expect("grant_granter_without_table", sys_safecopy(arms.bystander, 0, 0, buf, 16, SAFECOPY_FROM), -EINVAL, DENY_GRANT);
	expect("grant_bad_direction", sys_safecopy(controller, arms.ro, 0, buf, 16, 7), -EINVAL, DENY_GRANT);

	/* Indirect grants in a table of our own: chains, cycles, widening. */
	expect("grant_table_in_kernel", sys_setgrant((struct grant *)KERNEL_TEXT, 4), -EFAULT, -1);
	expect("grant_table_clock_page", sys_setgrant((struct grant *)USER_CLOCK_PAGE, 4), -EFAULT, -1);
	sys_setgrant(forged, 8);
	/* entries 2 -> 1 -> 0 -> the controller's grant: four; from 3, five */
	forge(0, GRANT_READ, controller, arms.ro, 0, 4096);
	forge(1, GRANT_READ, self, grant_make_id(0, 0), 0, 4096);
	chain4 = forge(2, GRANT_READ, self, grant_make_id(0, 1), 0, 4096);
	chain5 = forge(3, GRANT_READ, self, grant_make_id(0, 2), 0, 4096);
	cycle = forge(5, GRANT_READ, self, grant_make_id(0, 5), 0, 4096);
	wider = forge(6, GRANT_READ | GRANT_WRITE, controller, arms.ro, 0, 4096);
	far = forge(7, GRANT_READ, controller, arms.ro, 0xffffff00u, 4096);
	memset(buf, 0, 4096);
	allowed("grant_indirect_allowed", sys_safecopy(self, chain4, 0, buf, 4096, SAFECOPY_FROM) == 0 && buf[100] == 0xc3,
	        "read through a chain of four entries (the limit)");
	expect("grant_chain_too_deep", sys_safecopy(self, chain5, 0, buf, 16, SAFECOPY_FROM), -ELOOP, DENY_GRANT);
	expect("grant_chain_cycle", sys_safecopy(self, cycle, 0, buf, 16, SAFECOPY_FROM), -ELOOP, DENY_GRANT);
	expect("grant_indirect_wider_rights", sys_safecopy(self, wider, 0, buf, 16, SAFECOPY_TO), -EACCES, DENY_GRANT);
	expect("grant_indirect_offset_overflow", sys_safecopy(self, far, 0x200, buf, 16, SAFECOPY_FROM), -ERANGE, DENY_GRANT);
	expect("grant_indirect_past_original", sys_safecopy(self, far, 0, buf, 16, SAFECOPY_FROM), -ERANGE, DENY_GRANT);

	memset(sentinel, 0xee, sizeof sentinel);
	vec[0] = (struct safecopy_req){ controller, arms.ro, 0, (vir_bytes)sentinel, 32, SAFECOPY_FROM };
	vec[1] = (struct safecopy_req){ controller, arms.revoked, 0, (vir_bytes)buf, 16, SAFECOPY_FROM };
	vec[2] = (struct safecopy_req){ controller, arms.ro, 0, (vir_bytes)(sentinel + 32), 32, SAFECOPY_FROM };
	r = sys_vsafecopy(vec, 3, &bad_index);
	expect("vsafecopy_one_bad_entry", r, -EINVAL, DENY_GRANT);
	t_check("vsafecopy_nothing_copied", bad_index == 1 && sentinel[0] == 0xee && sentinel[63] == 0xee,
	        "bad entry reported as %d (want 1); the good entries copied nothing", bad_index);
	vec[1] = vec[0];
	allowed("vsafecopy_allowed", sys_vsafecopy(vec, 3, &bad_index) == 0 && sentinel[0] == 0xc3 && sentinel[63] == 0xc3,
	        "three good copies in one call");
	expect("vsafecopy_too_long", sys_vsafecopy(vec, VSAFECOPY_MAX + 1, NULL), -EINVAL, -1);
}

static void attack_irq(void)
{
	expect("irq_policy_not_owned", sys_irqctl(IRQ_SETPOLICY, 8), -EPERM, DENY_IRQ);
	expect("irq_enable_someone_elses_hook", sys_irqctl(IRQ_ENABLE, 8), -EPERM, DENY_IRQ);
	expect("irq_disable_someone_elses_hook", sys_irqctl(IRQ_DISABLE, 8), -EPERM, DENY_IRQ);
	expect("irq_release_someone_elses_hook", sys_irqctl(IRQ_RELEASE, 8), -EPERM, DENY_IRQ);
	expect("irq_clock_line", sys_irqctl(IRQ_SETPOLICY, 0), -EINVAL, DENY_IRQ);
	expect("irq_line_out_of_range", sys_irqctl(IRQ_SETPOLICY, 99), -EINVAL, DENY_IRQ);
	expect("irq_bad_operation", sys_irqctl(77, 3), -EINVAL, DENY_IRQ);
}

static void attack_memory(void)
{
	phys_bytes phys = 0, phys2 = 0;
	uint32_t contig = 0;
	void *addr = NULL;
	volatile uint32_t *dma;
	int local = 0;

	expect("mapmem_kernel", sys_mapmem(KERNEL_TEXT, 4096, &addr), -EPERM, DENY_MEM);
	expect("mapmem_other_process", sys_mapmem(arms.victim_phys, 4096, &addr), -EPERM, DENY_MEM);
	expect("mapmem_vga_not_in_record", sys_mapmem(0xb8000, 4096, &addr), -EPERM, DENY_MEM);
	expect("mapmem_page_zero", sys_mapmem(0, 4096, &addr), -EPERM, DENY_MEM);
	expect("mapmem_unaligned", sys_mapmem(0xb8100, 4096, &addr), -EINVAL, DENY_MEM);
	expect("mapmem_zero_length", sys_mapmem(0xb8000, 0, &addr), -EINVAL, DENY_MEM);
	expect("mapmem_wraps", sys_mapmem(0xfffff000u, 0x2000, &addr), -EINVAL, DENY_MEM);

	expect("umap_kernel", sys_umap((void *)KERNEL_TEXT, 4, &phys, NULL), -EFAULT, DENY_MEM);
	expect("umap_unmapped", sys_umap((void *)UNMAPPED, 4, &phys, NULL), -EFAULT, DENY_MEM);
	expect("umap_clock_page", sys_umap((void *)USER_CLOCK_PAGE, 4, &phys, NULL), -EFAULT, DENY_MEM);
	allowed("umap_own_memory", sys_umap(&local, 4, &phys, NULL) == 0 && phys != 0, "found its own stack's page");

	allowed("dma_alloc", sys_dmaalloc(3 * 4096, &addr, &phys) == 0 &&
	        sys_umap(addr, 3 * 4096, &phys2, &contig) == 0 && phys2 == phys && contig == 3 * 4096 &&
	        phys % 4096 == 0, "three contiguous pages, and UMAP agrees on where they are");
	dma = addr;
	dma[0] = 0xfeedf00d;
	dma[3 * 1024 - 1] = 0x12345678;
	allowed("dma_usable", dma[0] == 0xfeedf00d && dma[3 * 1024 - 1] == 0x12345678 && dma[1] == 0,
	        "the buffer is zeroed, writable and readable");
	expect("dma_over_limit", sys_dmaalloc(9u << 20, &addr, &phys), -EINVAL, -1);
}

int main(void)
{
	struct procinfo info;
	message m;
	int k, ok = 1;

	controller = t_manager();
	if (t_hello(ROLE_NONE, &m) < 0 || m.m_type != TEST_ATTACK)
		return 2;
	arms = m.test_attack;
	attack_devio();
	attack_pio();
	attack_kcalls();
	attack_ipc();
	attack_grants();
	attack_irq();
	attack_memory();

	sys_procinfo(-1, EP_SELF, &info);
	for (k = 0; k < NR_DENY_KINDS; k++)
		ok &= info.denied[k] == tally[k];
	t_check("attack_counters_match", ok,
	        "%d attacks; denials expected/counted by the kernel: io %u/%u kcall %u/%u ipc %u/%u "
	        "grant %u/%u mem %u/%u irq %u/%u", attacks,
	        tally[DENY_IO], info.denied[DENY_IO], tally[DENY_KCALL], info.denied[DENY_KCALL],
	        tally[DENY_IPC], info.denied[DENY_IPC], tally[DENY_GRANT], info.denied[DENY_GRANT],
	        tally[DENY_MEM], info.denied[DENY_MEM], tally[DENY_IRQ], info.denied[DENY_IRQ]);

	memset(&m, 0, sizeof m);
	m.test_done.result = attacks;
	for (k = 0; k < NR_DENY_KINDS && k < 8; k++)
		m.test_done.detail[k] = (int32_t)tally[k];
	t_send_type(controller, TEST_DONE, &m);
	ipc_receive(controller, &m);            /* exit when told: the controller counts our pages */
	return 0;
}
