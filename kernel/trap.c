/*
 * trap: the IDT, and where every entry into the kernel is dispatched.
 *
 * From user mode: the registers are already in the current process (the
 * entry built the frame there, see entry.asm), the event
 * is handled, and kernel_exit() resumes whichever process should run. A CPU
 * exception in user mode ends that process (proc_fault). From kernel mode
 * only interrupts are expected (the kernel runs with interrupts off except
 * while idle); anything else is a kernel bug and panics. An NMI (QEMU's
 * monitor `nmi`, a debug button) is nobody's fault: it prints the process
 * table, to see who waits on whom in a system that stopped, and all goes on.
 * Every entry is counted by kind (KC_SYSINFO reports the counts, and an NMI
 * prints them): the benchmarks' kernel entries per frame.
 */
#include <bulkhead/ipc.h>
#include "trap.h"
#include "gdt.h"
#include "proc.h"
#include "ipc.h"
#include "devio.h"
#include "irq.h"
#include "cpu.h"
#include "console.h"
#include "panic.h"

#define GATE_KERNEL 0x8e    /* present, DPL 0, 32-bit interrupt gate */
#define GATE_USER   0xee    /* present, DPL 3: reachable with int from ring 3 */
#define NR_STUBS    48  /* vectors 0-47 (entry.asm's NR_STUBS says so again: idt_init checks) */
_Static_assert(IPC_VECTOR == 0x80, "IPC_VECTOR in entry.asm");

extern const uint32_t trap_stubs[NR_STUBS + 1], trap_stubs_end[];
uint32_t trap_counts[NR_STUBS + 1];       /* entries through each stub (entry.asm counts; the last: IPC) */
static uint64_t idt[256];

static uint64_t gate(uint32_t handler, uint8_t type)
{
	return (uint64_t)(handler & 0xffff)
	     | (uint64_t)SEL_KCODE << 16
	     | (uint64_t)type << 40
	     | (uint64_t)(handler >> 16) << 48;
}

void idt_init(void)
{
	struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr;
	int v;

	KASSERT((uint32_t)trap_stubs_end - (uint32_t)trap_stubs == sizeof trap_stubs);   /* one NR_STUBS */
	for (v = 0; v < NR_STUBS; v++)
		idt[v] = gate(trap_stubs[v], GATE_KERNEL);
	idt[IPC_VECTOR] = gate(trap_stubs[NR_STUBS], GATE_USER);
	idtr.limit = sizeof idt - 1;
	idtr.base = (uint32_t)idt;
	__asm__ volatile("lidt %0" :: "m"(idtr));
}

void dump_frame(const struct trapframe *tf)
{
	kprintf("  vector %u error %x eip %x cs %x eflags %x cr2 %x\n",
	        tf->vector, tf->error, tf->eip, tf->cs, tf->eflags, read_cr2());
	kprintf("  eax %x ebx %x ecx %x edx %x esi %x edi %x ebp %x\n",
	        tf->eax, tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi, tf->ebp);
	if ((tf->cs & 3) == 3)
		kprintf("  user esp %x ss %x\n", tf->esp, tf->ss);
}

void trap_entries(struct kernel_entries *out)
{
	uint32_t v;

	*out = (struct kernel_entries){ trap_counts[NR_STUBS], 0, 0 };
	for (v = 0; v < NR_STUBS; v++) {
		if (v >= IRQ_BASE)
			out->interrupts += trap_counts[v];
		else
			out->exceptions += trap_counts[v];
	}
}

/* The operator's NMI: the counts, then who waits on whom. */
static __attribute__((noinline, cold)) void nmi(void)
{
	struct kernel_entries e;

	trap_entries(&e);
	kprintf("kernel: NMI: kernel entries since boot: %u IPC traps, %u interrupts, %u exceptions\n",
	        e.ipc_traps, e.interrupts, e.exceptions);
	proc_dump();
}

void trap(struct trapframe *tf)
{
	int from_user = (tf->cs & 3) == 3;
	uint32_t v = tf->vector;

	KASSERT(!from_user || tf == &current->regs);    /* the entry saved it in place */
	if (v == IPC_VECTOR && from_user) {             /* the common case first */
		ipc_trap(current);
		kernel_exit();
	}
	if (v >= IRQ_BASE && v < IRQ_BASE + 16) {
		irq_handle((int)(v - IRQ_BASE));
	} else if (v == VEC_NMI) {
		nmi();
	} else if (!from_user) {
		kprintf("kernel: exception %u in kernel mode\n", v);
		dump_frame(tf);
		panic("unexpected trap in kernel mode");
	} else if (v == IPC_VECTOR) {
		ipc_trap(current);
	} else if (v == VEC_NM) {
		sched_fpu_trap(current);
	} else if (v == VEC_GP && tf->error == 0 && devio_refuse(current) == 0) {
		/* a port outside its policy: refused, and it goes on */
	} else {
		proc_fault(current, tf, v == VEC_PF ? read_cr2() : 0);
	}

	if (from_user)
		kernel_exit();
}
