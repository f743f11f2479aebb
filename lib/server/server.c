/* server: the servers' request loop (interface in include/bulkhead/server.h). */
#include <bulkhead/errno.h>
#include <bulkhead/server.h>

int server_dispatch(const struct server *s, message *m)
{
	uint32_t index = (uint32_t)(m->m_type - s->first);

	if (index >= s->count || !s->handlers[index])
		return -ENOSYS;
	if (s->clean)
		s->clean(m);
	return s->handlers[index](m);
}

void server_reply(endpoint_t to, message *m, int result)
{
	m->m_type = result;
	ipc_sendnb(to, m);
}

/*
 * Should the loop set an alarm for `ms` from now, with one (if *armed) due
 * at *at? Only if none is pending or the new deadline comes first: a later
 * deadline, or none (0), leaves the pending alarm, whose early expiry just
 * runs before_receive again. A kernel call per request saved.
 */
int server_rearm(uint32_t now, uint32_t ms, int *armed, uint32_t *at)
{
	if (ms == 0)
		return 0;
	if (*armed && (int32_t)(*at - now) > 0 && (int32_t)(*at - (now + ms)) <= 0)
		return 0;
	*armed = 1;
	*at = now + ms;
	return 1;
}

/*
 * The alarm for before_receive's answer ms (see server_rearm). An alarm set
 * for SERVER_WHEN_IDLE (*idle) is replaced, or cancelled, by the next
 * answer: it would only wake the server for nothing.
 */
static void arm(uint32_t ms, int *armed, uint32_t *at, int *idle)
{
	uint32_t now = sys_uptime_ms();

	if (ms == SERVER_WHEN_IDLE) {
		sys_alarm_or_idle(SERVER_IDLE_MAX_MS);
		*armed = *idle = 1;
		*at = now + SERVER_IDLE_MAX_MS;
		return;
	}
	if (*idle) {
		*armed = *idle = 0;
		if (ms == 0)
			sys_alarm(0);
	}
	if (server_rearm(now, ms, armed, at))
		sys_alarm(ms);
}

void server_loop(const struct server *s)
{
	uint32_t at = 0;
	int r, armed = 0, idle = 0;
	message m;

	for (;;) {
		arm(s->before_receive ? s->before_receive() : 0, &armed, &at, &idle);
		if (ipc_receive(EP_ANY, &m) < 0)
			continue;
		if (m.m_type == NOTIFY_MESSAGE) {
			if (s->notified)
				s->notified(&m);
			continue;
		}
		r = server_dispatch(s, &m);
		if (r != SERVER_SUSPEND)
			server_reply(m.m_source, &m, r);
	}
}
