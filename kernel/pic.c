/*
 * pic: the 8259 pair, remapped to vectors 32-47. Every line starts masked
 * except the cascade; owners unmask their lines through IRQ control.
 */
#include "pic.h"
#include "cpu.h"
#include "trap.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI   0x20
#define PIC_READ_ISR 0x0b

static uint16_t mask = 0xffff & ~(1u << 2);

/*
 * The mask register of the one chip that has irq: a port write costs a
 * trip out of the emulator under QEMU, and a driver's line is masked and
 * unmasked once per interrupt.
 */
static void write_mask_of(int irq)
{
	if (irq >= 8)
		outb(PIC2_DATA, (uint8_t)(mask >> 8));
	else
		outb(PIC1_DATA, (uint8_t)mask);
}

void pic_init(void)
{
	outb(PIC1_CMD, 0x11);              /* ICW1: edge, cascade, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, IRQ_BASE);         /* ICW2: vector offsets */
	outb(PIC2_DATA, IRQ_BASE + 8);
	outb(PIC1_DATA, 0x04);             /* ICW3: slave on line 2 */
	outb(PIC2_DATA, 0x02);
	outb(PIC1_DATA, 0x01);             /* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	write_mask_of(0);
	write_mask_of(8);
}

void pic_mask(int irq)
{
	mask |= (uint16_t)(1u << irq);
	write_mask_of(irq);
}

void pic_unmask(int irq)
{
	mask &= (uint16_t)~(1u << irq);
	write_mask_of(irq);
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}

/* IRQ 7 and 15 may be spurious: the line is not really in service. */
int pic_spurious(int irq)
{
	uint16_t cmd = irq == 15 ? PIC2_CMD : PIC1_CMD;

	if (irq != 7 && irq != 15)
		return 0;
	outb(cmd, PIC_READ_ISR);
	if (inb(cmd) & 0x80)
		return 0;
	if (irq == 15)
		outb(PIC1_CMD, PIC_EOI);   /* the master did see the cascade */
	return 1;
}
