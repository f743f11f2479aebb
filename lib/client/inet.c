/* inet: the network server's information requests (INET_IFINFO, INET_SOCKINFO; include/bulkhead/inet.h), for commands and tests. */
#include <string.h>
#include <bulkhead/clients.h>
#include <bulkhead/inet.h>

int inet_info(int type, uint32_t index, void *out, uint32_t len)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = type;
	m.inet_req.index = index;
	m.inet_req.len = len;
	return server_call_granted("inet", &m, &m.inet_req.grant, out, len, GRANT_WRITE);
}
