/* clock: the PIT tick, uptime, the cycle counter rate and alarms (see clock.c). */
#ifndef KERNEL_CLOCK_H
#define KERNEL_CLOCK_H

#include <stdint.h>
#include <bulkhead/types.h>

#define HZ 1000

struct proc;

void clock_init(void);
void clock_tick(void);
uint32_t clock_uptime_ms(void);
uint32_t clock_tsc_khz(void);
phys_bytes clock_page_frame(void);      /* the clock page (struct clock_page), for vm.c to map */
uint32_t clock_set_alarm(struct proc *p, uint32_t ms, int or_idle);
int clock_idle(void);                   /* nothing to run: ALARM_OR_IDLE alarms go off; 1 if any did */

#endif
