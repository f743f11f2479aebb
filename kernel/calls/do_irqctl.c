/* KC_IRQCTL: hook, enable, disable or release an IRQ line (rules in kernel/irq.c). */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../irq.h"
#include "../klog.h"

typedef int (*irq_op)(struct proc *p, int irq);

static const irq_op irq_ops[] = {
	[IRQ_SETPOLICY] = irq_setpolicy,
	[IRQ_ENABLE]    = irq_enable,
	[IRQ_DISABLE]   = irq_disable,
	[IRQ_RELEASE]   = irq_release,
};

int do_irqctl(struct proc *caller, message *m)
{
	const struct kc_irqctl *a = &m->kc_irqctl;
	int err;

	if (a->op >= sizeof irq_ops / sizeof irq_ops[0] || !irq_ops[a->op])
		err = -EINVAL;
	else
		err = irq_ops[a->op](caller, a->irq > 0xff ? 0xff : (int)a->irq);
	if (err < 0)
		deny(caller, DENY_IRQ, a->irq, err);
	return err;
}
