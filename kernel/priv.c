/*
 * priv: checking what a process may do against its struct priv
 * (include/bulkhead/priv.h), and validating records before they are
 * installed. The callers log denials with deny().
 */
#include <bulkhead/errno.h>
#include <bulkhead/kcall.h>
#include "priv.h"
#include "pmem.h"
#include "iomap.h"
#include "string.h"

#define ISA_HOLE_START 0xa0000u      /* legacy device memory below 1 MiB */
#define ISA_HOLE_END   0x100000u
#define IRQS_RESERVED  ((1u << 0) | (1u << 2))   /* the kernel's clock, the PIC cascade */

/* The record every process starts with: only the basic kernel calls. */
void priv_init_basic(struct priv *priv)
{
	memset(priv, 0, sizeof *priv);
	priv->kcalls[0] = KCALLS_BASIC;
}

int priv_may_call(const struct proc *caller, unsigned nr)
{
	return nr < NR_KCALL_BITS && bit_test(caller->priv.kcalls, nr);
}

/* Does [base, base+rlen) hold all of [start, start+len)? (No sum can wrap.) */
static int range_holds(uint32_t base, uint32_t rlen, uint32_t start, uint32_t len)
{
	return start >= base && len <= rlen && start - base <= rlen - len;
}

/* Does one of p's I/O ranges hold every port of [port, port+size)? */
int priv_may_io(const struct proc *p, uint32_t port, uint32_t size)
{
	const struct io_range *r;

	for (r = p->priv.io; r < p->priv.io + p->priv.n_io; r++)
		if (range_holds(r->base, r->len, port, size))
			return 1;
	return 0;
}

/* Does one of p's memory ranges hold all of [base, base+len)? */
int priv_may_map(const struct proc *p, phys_bytes base, uint32_t len)
{
	const struct mem_range *r;

	for (r = p->priv.mem; r < p->priv.mem + p->priv.n_mem; r++)
		if (range_holds(r->base, r->len, base, len))
			return 1;
	return 0;
}

int priv_may_trace(const struct proc *tracer, const struct proc *target)
{
	if (target == tracer || (target->priv.flags & PRIV_SYSTEM))
		return 0;
	return (tracer->priv.flags & PRIV_TRACE_ANY) || bit_test(tracer->priv.trace_to, (unsigned)target->slot);
}

/* Trace rights name a slot, so they end with the process in it: the slot's
   next process (any process at all) must not inherit the tracers. */
void priv_forget_traced(const struct proc *dead)
{
	struct proc *p;

	for (p = proc_table; p < proc_table + NR_PROCS; p++)
		bit_clear(p->priv.trace_to, (unsigned)dead->slot);
}

/* Memory the kernel hands out as RAM is never device memory. */
int priv_device_memory(phys_bytes base, uint32_t len)
{
	uint64_t end = (uint64_t)base + len;

	if (end <= ISA_HOLE_END)
		return base >= ISA_HOLE_START;
	return base >= PMEM_LIMIT && end <= 0x100000000ull;
}

/* NULL if r may be installed, else what is wrong with it. */
const char *priv_validate(const struct priv *r)
{
	uint32_t i;

	if (r->flags & ~(PRIV_IPC_ANY | PRIV_CAN_INSTALL | PRIV_TRACE_ANY | PRIV_SYSTEM | PRIV_DMA |
	                 PRIV_PUBLIC | PRIV_USER))
		return "unknown flags";
	if (r->n_io > PRIV_MAX_IO || r->n_mem > PRIV_MAX_MEM)
		return "too many ranges";
	for (i = 0; i < r->n_io; i++)
		if (r->io[i].len == 0 || r->io[i].base >= IO_PORTS || r->io[i].len > IO_PORTS - r->io[i].base)
			return "I/O range outside ports 0-ffff";
	for (i = 0; i < r->n_mem; i++) {
		if (r->mem[i].len == 0 || (r->mem[i].base | r->mem[i].len) % PAGE_SIZE)
			return "memory range not whole pages";
		if (!priv_device_memory(r->mem[i].base, r->mem[i].len))
			return "memory range is RAM, not device memory";
	}
	if (r->irqs & (IRQS_RESERVED | ~0xffffu))
		return "IRQ line reserved or out of range";
	return NULL;
}

/* Add the rights in `add` to `into`; -E2BIG if the ranges do not fit. */
int priv_merge(struct priv *into, const struct priv *add)
{
	uint32_t i;

	if (into->n_io + add->n_io > PRIV_MAX_IO || into->n_mem + add->n_mem > PRIV_MAX_MEM)
		return -E2BIG;
	into->flags |= add->flags;
	into->irqs |= add->irqs;
	for (i = 0; i < NR_PROCS / 32; i++) {
		into->ipc_to[i] |= add->ipc_to[i];
		into->trace_to[i] |= add->trace_to[i];
	}
	for (i = 0; i < NR_KCALL_BITS / 32; i++)
		into->kcalls[i] |= add->kcalls[i];
	for (i = 0; i < add->n_io; i++)
		into->io[into->n_io++] = add->io[i];
	for (i = 0; i < add->n_mem; i++)
		into->mem[into->n_mem++] = add->mem[i];
	return 0;
}
