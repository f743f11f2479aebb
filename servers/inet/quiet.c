/*
 * quiet: inet's watch on a silent interface (see quiet.h): probe after
 * QUIET_MS of silence, and call the driver deaf when not even the probe's
 * answer arrives.
 */
#include "quiet.h"

static uint32_t doubled(uint32_t ms)
{
	return ms >= QUIET_MAX_MS / 2 ? QUIET_MAX_MS : ms * 2;
}

void quiet_init(struct quiet *q, uint32_t now)
{
	q->heard_at = now;
	q->probed_at = 0;
	q->quiet_ms = QUIET_MS;
	q->probing = 0;
}

void quiet_attached(struct quiet *q, uint32_t now)
{
	q->heard_at = now;
	q->probing = 0;
}

void quiet_heard(struct quiet *q, uint32_t now)
{
	q->quiet_ms = q->probing ? doubled(q->quiet_ms) : QUIET_MS;
	q->heard_at = now;
	q->probing = 0;
}

enum quiet_action quiet_check(struct quiet *q, uint32_t now, uint32_t *next_ms)
{
	if (q->probing && now - q->probed_at >= PROBE_WAIT_MS) {
		q->quiet_ms = doubled(q->quiet_ms);
		quiet_attached(q, now);
		*next_ms = q->quiet_ms;
		return QUIET_DEAF;
	}
	if (q->probing) {
		*next_ms = PROBE_WAIT_MS - (now - q->probed_at);
		return QUIET_NOTHING;
	}
	if (now - q->heard_at >= q->quiet_ms) {
		q->probing = 1;
		q->probed_at = now;
		*next_ms = PROBE_WAIT_MS;
		return QUIET_PROBE;
	}
	*next_ms = q->quiet_ms - (now - q->heard_at);
	return QUIET_NOTHING;
}
