/*
 * server: the request loop every server runs (lib/server). Receive a
 * message; a notification goes to the server's callback; a request is
 * dispatched by m_type from a const table of handlers and answered with the
 * handler's result in m_type (a non-blocking reply: a client that does not
 * wait for its answer loses it). A handler that answers later (or never)
 * returns SERVER_SUSPEND; any other result, counts included, is sent. An
 * m_type outside the table is answered -ENOSYS.
 *
 * Optional hooks: `clean` makes a request safe before any handler sees it
 * (terminate strings); `before_receive` runs before every receive and
 * returns the milliseconds until the server next has work of its own (its
 * timers), or 0 for none: the loop sets that alarm (unless one it set is
 * due sooner: then a notification may come early, and the hook simply runs
 * again), and its expiry arrives as a notification from EP_CLOCK. The hook
 * may instead answer SERVER_WHEN_IDLE: it has work left that is better
 * done once the processes it answered have had their turn (their next
 * requests may add to it), so the alarm goes off as soon as the CPU has
 * nothing else to run, and at most SERVER_IDLE_MAX_MS from now.
 */
#ifndef BULKHEAD_SERVER_H
#define BULKHEAD_SERVER_H

#include <bulkhead/syslib.h>

/* A handler's result: no reply now. Not a count, not -errno: handlers return those. */
#define SERVER_SUSPEND INT32_MIN

/* before_receive's answer: call me again once the CPU is idle, within SERVER_IDLE_MAX_MS. */
#define SERVER_WHEN_IDLE   UINT32_MAX
#define SERVER_IDLE_MAX_MS 2        /* (an alarm 1 ms ahead may be due at the next tick, at once) */

typedef int (*server_handler)(message *m);

struct server {
	int32_t first;                               /* m_type of handlers[0] */
	const server_handler *handlers;              /* NULL entries: -ENOSYS */
	uint32_t count;
	void (*notified)(const message *m);          /* NULL: notifications ignored */
	void (*clean)(message *m);                   /* NULL: requests taken as they come */
	uint32_t (*before_receive)(void);            /* NULL: no timers */
};

#define SERVER_TABLE(t) (t), (uint32_t)(sizeof(t) / sizeof((t)[0]))

/* Run the loop for ever. */
void server_loop(const struct server *s) __attribute__((noreturn));
/* One request, as the loop handles it: the handler's result (not yet sent). */
int server_dispatch(const struct server *s, message *m);
/* Whether the loop sets an alarm ms from now, given the one it set (*armed, due at *at); updates them. */
int server_rearm(uint32_t now, uint32_t ms, int *armed, uint32_t *at);
/* Answer m's sender with `result` in m_type (for handlers that suspended). */
void server_reply(endpoint_t to, message *m, int result);

#endif
