/* irq: hardware interrupt delivery to user-level drivers (see irq.c). */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

struct proc;

void irq_handle(int irq);
int  irq_setpolicy(struct proc *p, int irq);
int  irq_enable(struct proc *p, int irq);
int  irq_disable(struct proc *p, int irq);
int  irq_release(struct proc *p, int irq);
void irq_release_all(struct proc *p);
void irq_drop_unowned(struct proc *p);

#endif
