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

void server_loop(const struct server *s)
{
	message m;
	int r;

	for (;;) {
		if (s->before_receive)
			sys_alarm(s->before_receive());
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
