/* console: console driver client (protocol in include/bulkhead/console.h). */
#include <string.h>
#include <bulkhead/clients.h>

#define FG_POLL_MS 2            /* how often con_wait_foreground asks */

static int con_call(int type, void *buf, uint32_t len, uint32_t rights)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = type;
	m.con_req.len = len;
	return server_call_granted("console", &m, &m.con_req.grant, buf, len, rights);
}

int con_write(const void *buf, uint32_t len)
{
	return con_call(CON_WRITE, (void *)buf, len, GRANT_READ);
}

int con_read(void *buf, uint32_t len)
{
	return con_call(CON_READ, buf, len, GRANT_WRITE);
}

int con_poll(void)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = CON_POLL;
	return server_call("console", &m);
}

int con_set_foreground(endpoint_t pid)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = CON_SETFG;
	m.con_req.pid = pid;
	return server_call("console", &m);
}

int con_foreground(endpoint_t *pid)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.m_type = CON_GETFG;
	r = server_call("console", &m);
	*pid = r < 0 ? EP_NONE : m.con_req.pid;
	return r;
}

int con_wait_foreground(uint32_t timeout_ms)
{
	uint32_t start = sys_uptime_ms();
	endpoint_t now;
	int r;

	for (;;) {
		r = con_foreground(&now);
		if (r < 0)
			return r;                     /* no console: nothing to wait for */
		if (now == sys_self())
			return 0;
		if (sys_uptime_ms() - start >= timeout_ms)
			return -ETIMEDOUT;
		sys_sleep_ms(FG_POLL_MS);
	}
}
