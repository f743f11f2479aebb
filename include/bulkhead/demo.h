/*
 * The demo driver's protocol (drivers/demo): a timer-only driver with a
 * switch to make it fail in every way, to prove the restart path.
 *
 *   DEMO_GET    its tick count and when it started
 *   DEMO_CRASH  fail now, in the way `mode` says; no reply (unless forbidden)
 *   DEMO_PROBE  try one allowed and one forbidden action of each kind its
 *               policy covers; the results come back in the reply
 */
#ifndef BULKHEAD_DEMO_H
#define BULKHEAD_DEMO_H

#include <bulkhead/types.h>

enum {
	DEMO_GET = 0x700,
	DEMO_CRASH,
	DEMO_PROBE,
};

enum demo_mode {
	DEMO_SEGFAULT = 1,   /* write through a NULL pointer */
	DEMO_DIVIDE,         /* divide by zero */
	DEMO_PRIVILEGED,     /* execute cli */
	DEMO_PANIC,          /* driver_panic() */
	DEMO_EXIT,           /* exit(3) */
	DEMO_HANG,           /* spin forever without answering heartbeats */
	DEMO_FORBIDDEN,      /* try things its policy does not allow: denied, not fatal */
};

/* The probe's results, each 0 or -errno, allowed then forbidden. */
enum { PROBE_IO, PROBE_KCALL, PROBE_IPC, PROBE_IRQ, NR_PROBES };

struct demo_req   { uint32_t mode; };
struct demo_reply {
	uint32_t ticks;
	uint32_t started_ms;
	int32_t  allowed[NR_PROBES];
	int32_t  forbidden[NR_PROBES];
};
MSG_PAYLOAD(demo_req);
MSG_PAYLOAD(demo_reply);

#endif
