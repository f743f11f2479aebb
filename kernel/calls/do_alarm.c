/* KC_ALARM: a notification from EP_CLOCK after ms milliseconds (0 cancels). */
#include "../system.h"
#include "../clock.h"

int do_alarm(struct proc *caller, message *m)
{
	m->kc_alarm.ms = clock_set_alarm(caller, m->kc_alarm.ms);
	return 0;
}
