/* console: console driver client (protocol in include/bulkhead/console.h). */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>

static int con_call(int type, void *buf, uint32_t len, uint32_t rights)
{
	endpoint_t con = server_endpoint("console", EP_NONE);
	message m;
	int r;

	if (con == EP_NONE)
		return -ESRCH;
	memset(&m, 0, sizeof m);
	m.m_type = type;
	m.con_req.len = len;
	r = ipc_call_granted(con, &m, &m.con_req.grant, buf, len, rights);
	if (r == -ESRCH)
		server_endpoint("console", con);     /* forget it: the next call finds its successor */
	return r;
}

int con_write(const void *buf, uint32_t len)
{
	return con_call(CON_WRITE, (void *)buf, len, GRANT_READ);
}

int con_read(void *buf, uint32_t len)
{
	return con_call(CON_READ, buf, len, GRANT_WRITE);
}
