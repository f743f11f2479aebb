/* irq: hardware interrupt delivery (see irq.c). */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

void irq_handle(int irq);

#endif
