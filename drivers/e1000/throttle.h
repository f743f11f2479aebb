/*
 * throttle: how hard the e1000 driver throttles its interrupts (ITR),
 * chosen from the work each interrupt found, as Linux's e1000 does: a
 * stream (many frames an interrupt) gets the throttle, so that it costs one
 * interrupt per interval instead of one a frame; a lone exchange (a frame
 * or two an interrupt: a request and its answer) gets none, so that the
 * answer is not held back for up to an interval.
 */
#ifndef E1000_THROTTLE_H
#define E1000_THROTTLE_H

#include <stdint.h>

#define THROTTLE_BULK_FRAMES 4     /* frames in one interrupt that make a stream */
#define THROTTLE_CALM_IRQS   8     /* light interrupts in a row before the throttle comes off */

struct throttle {
	int on;                        /* the throttle is set */
	uint32_t light;                /* interrupts in a row with fewer than THROTTLE_BULK_FRAMES */
};

/* One interrupt's work (frames received and sent): should the throttle be on now? */
int throttle_update(struct throttle *t, uint32_t frames);

#endif
