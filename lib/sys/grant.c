/*
 * grant: the caller's grant table (rules in include/bulkhead/grant.h).
 * Registered with the kernel the first time a grant is made.
 */
#include <bulkhead/errno.h>
#include <bulkhead/syslib.h>

#define TABLE_SIZE 256

static struct grant table[TABLE_SIZE];
static int registered;

static grant_id_t fill(struct grant *proto)
{
	struct grant *g;
	int r;

	if (!registered) {
		r = sys_setgrant(table, TABLE_SIZE);
		if (r < 0)
			return r;
		registered = 1;
	}
	for (g = table; g < table + TABLE_SIZE; g++) {
		if (g->flags & GRANT_VALID)
			continue;
		proto->seq = g->seq;
		proto->flags |= GRANT_VALID;
		*g = *proto;
		return grant_make_id(g->seq, (uint32_t)(g - table));
	}
	return -ENOSPC;
}

grant_id_t grant_direct(endpoint_t grantee, const void *addr, uint32_t len, uint32_t rights)
{
	struct grant g = { .flags = rights & (GRANT_READ | GRANT_WRITE), .grantee = grantee,
	                   .len = len, .addr = (vir_bytes)addr };

	return fill(&g);
}

grant_id_t grant_indirect(endpoint_t grantee, endpoint_t granter, grant_id_t id,
                          uint32_t offset, uint32_t len, uint32_t rights)
{
	struct grant g = { .flags = (rights & (GRANT_READ | GRANT_WRITE)) | GRANT_INDIRECT,
	                   .grantee = grantee, .len = len,
	                   .indirect = { .granter = granter, .id = id, .offset = offset } };

	return fill(&g);
}

int grant_revoke(grant_id_t id)
{
	struct grant *g;

	if (id < 0 || grant_index(id) >= TABLE_SIZE)
		return -EINVAL;
	g = &table[grant_index(id)];
	if (!(g->flags & GRANT_VALID) || g->seq != grant_seq(id))
		return -EINVAL;
	g->flags = 0;
	g->seq = (g->seq + 1) & GRANT_SEQ_MAX;    /* the old ID is dead from now on */
	return 0;
}

int ipc_call_granted(endpoint_t ep, message *m, grant_id_t *field,
                     void *buf, uint32_t len, uint32_t rights)
{
	grant_id_t g = grant_direct(ep, buf, len, rights);
	int r;

	if (g < 0)
		return g;
	*field = g;
	r = ipc_sendrec(ep, m);
	grant_revoke(g);                  /* the ID saved here: the reply has overwritten m */
	return r < 0 ? r : m->m_type;
}
