/* console: console driver client (protocol in include/bulkhead/console.h). */
#include <string.h>
#include <bulkhead/clients.h>

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
