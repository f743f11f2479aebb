/* throttle: the e1000's interrupt throttle, on for streams and off for lone exchanges (throttle.h). */
#include "throttle.h"

int throttle_update(struct throttle *t, uint32_t frames)
{
	if (frames >= THROTTLE_BULK_FRAMES) {
		t->light = 0;
		t->on = 1;                     /* a stream: at once */
		return t->on;
	}
	if (t->light < THROTTLE_CALM_IRQS)
		t->light++;
	if (t->light == THROTTLE_CALM_IRQS)
		t->on = 0;                     /* calm for a while: answers go out at once */
	return t->on;
}
