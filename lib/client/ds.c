/* ds: data store client (protocol in include/bulkhead/ds.h). */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>

static int ds_call(int type, const char *key, uint32_t value, message *m)
{
	memset(m, 0, sizeof *m);
	if (key && strlen(key) >= DS_KEY_MAX)
		return -EINVAL;
	if (key)
		strcpy(m->ds_req.key, key);
	m->ds_req.value = value;
	m->m_type = type;
	return server_call("ds", m);
}

int ds_publish(const char *key, uint32_t value)
{
	message m;

	return ds_call(DS_PUBLISH, key, value, &m);
}

int ds_lookup(const char *key, uint32_t *value)
{
	message m;
	int r = ds_call(DS_LOOKUP, key, 0, &m);

	if (r == 0)
		*value = m.ds_req.value;
	return r;
}

int ds_delete(const char *key)
{
	message m;

	return ds_call(DS_DELETE, key, 0, &m);
}

int ds_subscribe(const char *pattern)
{
	message m;

	return ds_call(DS_SUBSCRIBE, pattern, 0, &m);
}

int ds_check(char key[DS_KEY_MAX], uint32_t *value, int *deleted)
{
	message m;
	int r = ds_call(DS_CHECK, NULL, 0, &m);

	if (r == 0) {
		memcpy(key, m.ds_req.key, DS_KEY_MAX);
		key[DS_KEY_MAX - 1] = '\0';
		*value = m.ds_req.value;
		*deleted = (int)m.ds_req.deleted;
	}
	return r;
}

int ds_owner_died(endpoint_t who)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = DS_OWNER_DIED;
	m.ds_owner.who = who;
	return server_call("ds", &m);
}

int ds_tables(struct ds_tables *out)
{
	message m;
	int r = ds_call(DS_TABLES, NULL, 0, &m);

	if (r == 0)
		*out = m.ds_tables;
	return r;
}
