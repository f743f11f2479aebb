/*
 * irq: what happens when a line fires. The clock is the kernel's own; any
 * other line without an owner is masked so it cannot storm.
 */
#include "irq.h"
#include "pic.h"
#include "clock.h"

void irq_handle(int irq)
{
	if (pic_spurious(irq))
		return;
	if (irq == 0)
		clock_tick();
	else
		pic_mask(irq);
	pic_eoi(irq);
}
