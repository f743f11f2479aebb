/*
 * grant: the kernel's side of memory grants.
 *
 * A copy names (granter, grant ID, offset, length). The kernel follows the
 * grant, through at most GRANT_MAX_DEPTH levels of indirection, checking at
 * each level that: the granter is alive and has a grant table; the ID's
 * index is in the table and its sequence number matches a valid entry; the
 * one asking is that entry's grantee; the entry allows the access; and the
 * range asked for lies inside the entry, without integer overflow. Then both
 * sides' memory is checked page by page. Only then is anything copied.
 *
 * Errors: ESRCH granter dead; EINVAL no such grant (bad, revoked or stale
 * ID); EPERM not the grantee; EACCES wrong rights; ERANGE outside the grant;
 * ELOOP chain too deep (or a cycle); EFAULT either side's memory is bad.
 */
#include <bulkhead/errno.h>
#include "grant.h"

static int read_entry(const struct proc *g, grant_id_t id, struct grant *e)
{
	uint32_t index = grant_index(id);

	if (id < 0 || !g->grant_table || index >= g->grant_count)
		return -EINVAL;
	if (vm_read(&g->vm, g->grant_table + index * sizeof *e, e, sizeof *e) < 0)
		return -EINVAL;
	if (!(e->flags & GRANT_VALID) || e->seq != grant_seq(id))
		return -EINVAL;
	return 0;
}

/* Follow (granter, id) for `asker`; the process and address of the memory. */
static int resolve(struct proc *asker, endpoint_t granter, grant_id_t id, uint32_t offset,
                   uint32_t len, uint32_t access, struct proc **owner, vir_bytes *addr)
{
	struct grant e;
	struct proc *g;
	int depth, r;

	for (depth = 0; depth < GRANT_MAX_DEPTH; depth++) {
		g = proc_lookup(granter);
		if (!g)
			return -ESRCH;
		r = read_entry(g, id, &e);
		if (r < 0)
			return r;
		if (e.grantee != asker->endpoint)
			return -EPERM;
		if ((e.flags & access) != access)
			return -EACCES;
		if (offset > e.len || len > e.len - offset)
			return -ERANGE;
		if (!(e.flags & GRANT_INDIRECT)) {
			*owner = g;
			*addr = e.addr + offset;
			return 0;
		}
		if (offset > 0xffffffffu - e.indirect.offset)
			return -ERANGE;
		offset += e.indirect.offset;
		asker = g;                    /* the re-granter must hold the grant below */
		granter = e.indirect.granter;
		id = e.indirect.id;
	}
	return -ELOOP;
}

/* Everything about a copy that can fail, checked without copying. */
int safecopy_check(struct proc *caller, const struct safecopy_req *r,
                   struct proc **owner, vir_bytes *owner_addr)
{
	int to_granter = r->dir == SAFECOPY_TO;
	int res;

	if (r->dir != SAFECOPY_FROM && r->dir != SAFECOPY_TO)
		return -EINVAL;
	res = resolve(caller, r->granter, r->grant, r->offset, r->len,
	              to_granter ? GRANT_WRITE : GRANT_READ, owner, owner_addr);
	if (res < 0)
		return res;
	if (vm_check(&caller->vm, r->addr, r->len, !to_granter) < 0 ||
	    vm_check(&(*owner)->vm, *owner_addr, r->len, to_granter) < 0)
		return -EFAULT;
	return 0;
}

void safecopy_do(struct proc *caller, const struct safecopy_req *r,
                 struct proc *owner, vir_bytes owner_addr)
{
	if (r->dir == SAFECOPY_TO)
		vm_copy(&owner->vm, owner_addr, &caller->vm, r->addr, r->len);
	else
		vm_copy(&caller->vm, r->addr, &owner->vm, owner_addr, r->len);
}
