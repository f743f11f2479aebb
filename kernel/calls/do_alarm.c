/*
 * KC_ALARM: a notification from EP_CLOCK after ms milliseconds (0 cancels);
 * with ALARM_OR_IDLE, sooner if the CPU has nothing else to run first.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../clock.h"

int do_alarm(struct proc *caller, message *m)
{
	if (m->kc_alarm.flags & ~(uint32_t)ALARM_OR_IDLE)
		return -EINVAL;
	m->kc_alarm.ms = clock_set_alarm(caller, m->kc_alarm.ms, m->kc_alarm.flags & ALARM_OR_IDLE);
	return 0;
}
