/* KC_SAFECOPY: one grant-checked copy (rules in kernel/grant.c). */
#include "../system.h"
#include "../grant.h"
#include "../klog.h"

int do_safecopy(struct proc *caller, message *m)
{
	const struct kc_safecopy *a = &m->kc_safecopy;
	struct safecopy_req r = { a->granter, a->grant, a->offset, a->addr, a->len, a->dir };
	struct proc *owner;
	vir_bytes at;
	int err = safecopy_check(caller, &r, &owner, &at);

	if (err < 0) {
		deny(caller, DENY_GRANT, (uint32_t)r.grant, err);
		return err;
	}
	safecopy_do(caller, &r, owner, at);
	return 0;
}
