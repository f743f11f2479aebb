/*
 * t_rtc: a minimal interrupt-driven driver for the isolation test. It owns
 * ports 70-71 and IRQ 8 (given by the controller), turns on the CMOS clock's
 * periodic interrupt, and counts COUNT interrupts, acknowledging each at the
 * chip and re-enabling the line. It then leaves the interrupt on and waits:
 * the controller kills it and checks the line is left masked.
 */
#include <string.h>
#include "lib/testlib.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define RTC_A 0x0a
#define RTC_B 0x0b
#define RTC_C 0x0c
#define RTC_IRQ 8

static uint32_t cmos_read(uint32_t reg)
{
	uint32_t v = 0;

	sys_outb(CMOS_INDEX, reg);
	sys_inb(CMOS_DATA, &v);
	return v;
}

static void cmos_write(uint32_t reg, uint32_t v)
{
	sys_outb(CMOS_INDEX, reg);
	sys_outb(CMOS_DATA, v);
}

int main(void)
{
	message m;
	int32_t hook;
	uint32_t count = 0;

	if (t_hello(ROLE_NONE, &m) < 0)
		return 2;
	hook = sys_irqctl(IRQ_SETPOLICY, RTC_IRQ);
	cmos_write(RTC_A, (cmos_read(RTC_A) & 0xf0) | 0x06);    /* 1024 Hz */
	cmos_write(RTC_B, cmos_read(RTC_B) | 0x40);             /* periodic interrupt on */
	cmos_read(RTC_C);                                       /* clear anything pending */
	while (count < m.test_go.count) {
		message n;
		if (t_receive(EP_HARDWARE, &n, 3000) < 0)
			break;
		if (!(n.notify.irq_pending & (1u << RTC_IRQ)))
			continue;
		count++;
		cmos_read(RTC_C);                               /* acknowledge at the chip */
		sys_irqctl(IRQ_ENABLE, RTC_IRQ);
	}
	memset(&m, 0, sizeof m);
	m.test_done.result = (int32_t)count;
	m.test_done.detail[0] = hook;
	t_send_type(t_manager(), TEST_DONE, &m);
	for (;;)
		ipc_receive(t_manager(), &m);
}
