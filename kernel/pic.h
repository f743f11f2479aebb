/* pic: the two cascaded 8259 interrupt controllers (see pic.c). */
#ifndef KERNEL_PIC_H
#define KERNEL_PIC_H

void pic_init(void);
void pic_mask(int irq);
void pic_unmask(int irq);
void pic_eoi(int irq);
int  pic_spurious(int irq);

#endif
