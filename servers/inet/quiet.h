/*
 * quiet: is an interface's driver deaf? A driver that answers its
 * heartbeats and inet's requests but delivers no frame (a fault in its
 * receive path) is caught neither by the driver manager nor by TCP. inet
 * watches the silence: after QUIET_MS without a received frame it probes
 * (an ARP request for the gateway, which a live link answers); if nothing at
 * all arrives within PROBE_WAIT_MS after the probe, the driver is deaf and
 * inet asks the driver manager to restart it. The quiet time doubles (up to
 * QUIET_MAX_MS) after each probe answered and each restart, so an idle link
 * or a dead cable costs little; traffic nobody asked for brings it back to
 * QUIET_MS. Pure functions of time, unit-tested on the host
 * (tests/unit/test_quiet.c).
 */
#ifndef INET_QUIET_H
#define INET_QUIET_H

#include <stdint.h>

#define QUIET_MS      5000        /* nothing received this long: probe */
#define PROBE_WAIT_MS 2000        /* nothing at all this long after the probe: deaf */
#define QUIET_MAX_MS  300000      /* the longest the quiet time grows */
/*
 * The other broken driver that answers everyone: one that refuses every
 * batch inet sends (eth.c, refused). inet's batches are well-formed, so after
 * this many refusals in a row it asks the driver manager to restart it.
 */
#define REFUSED_MAX   16

struct quiet {
	uint32_t heard_at;            /* when a frame last arrived (or the driver attached) */
	uint32_t probed_at;           /* when the probe went out */
	uint32_t quiet_ms;            /* the quiet time now */
	int probing;                  /* a probe is out, unanswered */
};

enum quiet_action { QUIET_NOTHING, QUIET_PROBE, QUIET_DEAF };

void quiet_init(struct quiet *q, uint32_t now);
void quiet_attached(struct quiet *q, uint32_t now);     /* a new incarnation: silence counts from now */
void quiet_heard(struct quiet *q, uint32_t now);        /* a frame arrived */
/* What to do now; *next_ms: how soon to ask again. */
enum quiet_action quiet_check(struct quiet *q, uint32_t now, uint32_t *next_ms);

#endif
