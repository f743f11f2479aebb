/*
 * irq: interrupts for user-level drivers.
 *
 * A driver hooks a line it owns (its privilege record lists it). When the
 * line fires, the kernel masks it, marks every hook on it pending, and
 * notifies each owner from EP_HARDWARE with the line in irq_pending. The line
 * is unmasked again only when every hook on it has been re-enabled. The
 * clock (line 0) is the kernel's own; a line nobody hooks is masked so it
 * cannot storm. When a process ends, its hooks go, and a line left without
 * hooks stays masked.
 */
#include <bulkhead/errno.h>
#include "irq.h"
#include "pic.h"
#include "clock.h"
#include "proc.h"
#include "ipc.h"

#define NR_HOOKS 32

struct irq_hook {
	struct proc *owner;     /* NULL: free */
	int irq;
	int pending;            /* fired, not yet re-enabled by the owner */
};

static struct irq_hook hooks[NR_HOOKS];

static struct irq_hook *find(const struct proc *p, int irq)
{
	struct irq_hook *h;

	for (h = hooks; h < hooks + NR_HOOKS; h++)
		if (h->owner == p && h->irq == irq)
			return h;
	return NULL;
}

static struct irq_hook *free_hook(void)
{
	struct irq_hook *h;

	for (h = hooks; h < hooks + NR_HOOKS; h++)
		if (!h->owner)
			return h;
	return NULL;
}

/* Unmask irq if it has hooks and none of them still has an interrupt pending. */
static void unmask_if_idle(int irq)
{
	struct irq_hook *h;
	int hooked = 0;

	for (h = hooks; h < hooks + NR_HOOKS; h++) {
		if (!h->owner || h->irq != irq)
			continue;
		if (h->pending)
			return;
		hooked = 1;
	}
	if (hooked)
		pic_unmask(irq);
}

void irq_handle(int irq)
{
	struct irq_hook *h;

	if (pic_spurious(irq))
		return;
	if (irq == 0) {
		clock_tick();
		pic_eoi(irq);
		return;
	}
	pic_mask(irq);
	pic_eoi(irq);
	for (h = hooks; h < hooks + NR_HOOKS; h++) {     /* no hooks: it stays masked */
		if (!h->owner || h->irq != irq)
			continue;
		h->pending = 1;
		h->owner->irq_pending |= 1u << irq;
		notify_kernel(h->owner, NOTIFY_FROM_HARDWARE);
	}
}

static int check_line(const struct proc *p, int irq)
{
	if (irq <= 0 || irq >= 16 || irq == 2)
		return -EINVAL;
	return (p->priv.irqs >> irq) & 1 ? 0 : -EPERM;
}

int irq_setpolicy(struct proc *p, int irq)
{
	struct irq_hook *h;
	int r = check_line(p, irq);

	if (r < 0)
		return r;
	h = find(p, irq);
	if (!h)
		h = free_hook();
	if (!h)
		return -ENOSPC;
	h->owner = p;
	h->irq = irq;
	h->pending = 0;
	unmask_if_idle(irq);
	return 0;
}

int irq_enable(struct proc *p, int irq)
{
	struct irq_hook *h = irq > 0 && irq < 16 ? find(p, irq) : NULL;

	if (!h)
		return irq > 0 && irq < 16 ? -EPERM : -EINVAL;
	h->pending = 0;
	unmask_if_idle(irq);
	return 0;
}

int irq_disable(struct proc *p, int irq)
{
	if (irq <= 0 || irq >= 16)
		return -EINVAL;
	if (!find(p, irq))
		return -EPERM;
	pic_mask(irq);
	return 0;
}

static void unhook(struct irq_hook *h)
{
	int irq = h->irq;

	h->owner = NULL;
	h->pending = 0;
	pic_mask(irq);
	unmask_if_idle(irq);     /* other owners of a shared line carry on */
}

int irq_release(struct proc *p, int irq)
{
	struct irq_hook *h = irq > 0 && irq < 16 ? find(p, irq) : NULL;

	if (!h)
		return irq > 0 && irq < 16 ? -EPERM : -EINVAL;
	unhook(h);
	return 0;
}

void irq_release_all(struct proc *p)
{
	struct irq_hook *h;

	for (h = hooks; h < hooks + NR_HOOKS; h++)
		if (h->owner == p)
			unhook(h);
}

/* After p's record changed: drop hooks on lines it no longer owns. */
void irq_drop_unowned(struct proc *p)
{
	struct irq_hook *h;

	for (h = hooks; h < hooks + NR_HOOKS; h++)
		if (h->owner == p && !((p->priv.irqs >> h->irq) & 1))
			unhook(h);
}
