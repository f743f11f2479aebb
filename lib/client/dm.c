/* dm: driver manager client, for `service` (protocol in include/bulkhead/dm.h). */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>

static int dm_call(int type, const char *label, uint32_t index, void *buf, uint32_t len,
                   uint32_t rights, char *err, uint32_t err_len)
{
	endpoint_t dm = server_endpoint("dm", EP_NONE);
	grant_id_t gbuf, gerr;
	message m;
	int r;

	if (dm == EP_NONE)
		return -ESRCH;
	if (label && strlen(label) >= DM_LABEL_MAX)
		return -EINVAL;
	gbuf = buf ? grant_direct(dm, buf, len, rights) : GRANT_INVALID;
	gerr = err ? grant_direct(dm, err, err_len, GRANT_WRITE) : GRANT_INVALID;
	memset(&m, 0, sizeof m);
	m.m_type = type;
	if (label)
		strcpy(m.dm_req.label, label);
	m.dm_req.index = index;
	m.dm_req.grant = gbuf;
	m.dm_req.len = len;
	m.dm_req.err = gerr;
	m.dm_req.err_len = err_len;
	if ((buf && gbuf < 0) || (err && gerr < 0))
		r = -ENOSPC;
	else
		r = ipc_sendrec(dm, &m);
	grant_revoke(gbuf);               /* the reply has overwritten m */
	grant_revoke(gerr);
	return r < 0 ? r : m.m_type;
}

int dm_up(const struct dm_up_request *req, char *err, uint32_t err_len)
{
	if (err_len)
		err[0] = '\0';
	return dm_call(DM_UP, NULL, 0, (void *)req, sizeof *req, GRANT_READ, err, err_len);
}

int dm_down(const char *label)    { return dm_call(DM_DOWN, label, 0, NULL, 0, 0, NULL, 0); }
int dm_refresh(const char *label) { return dm_call(DM_REFRESH, label, 0, NULL, 0, 0, NULL, 0); }
int dm_restart(const char *label) { return dm_call(DM_RESTART, label, 0, NULL, 0, 0, NULL, 0); }
int dm_trace(const char *label)   { return dm_call(DM_TRACE, label, 0, NULL, 0, 0, NULL, 0); }

int dm_info(const char *label, uint32_t index, struct dm_driver_info *out)
{
	return dm_call(DM_INFO, label, index, out, sizeof *out, GRANT_WRITE, NULL, 0);
}

int dm_history(const char *label, uint32_t index, struct dm_failure *out)
{
	return dm_call(DM_HISTORY, label, index, out, sizeof *out, GRANT_WRITE, NULL, 0);
}

int dm_policy(const char *label, char *buf, uint32_t len)
{
	return dm_call(DM_POLICY, label, 0, buf, len, GRANT_WRITE, NULL, 0);
}
