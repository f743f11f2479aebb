/*
 * KC_TRACE: read or patch another process's text (its read-only program
 * pages), for the fault injector. The tracer needs trace rights over the
 * target in its record; system servers cannot be traced. Each process has its
 * own copy of its text, so a patch never reaches another copy of the program.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../priv.h"
#include "../klog.h"

#define TRACE_MAX PAGE_SIZE

static uint8_t buf[TRACE_MAX];

/* Is every page of [addr, addr+len) present, user, read-only program text? */
static int is_text(const struct proc *p, vir_bytes addr, uint32_t len)
{
	vir_bytes page;
	phys_bytes pa;
	uint32_t flags;

	if (vm_check(&p->vm, addr, len, 0) < 0)
		return 0;
	for (page = addr & ~(PAGE_SIZE - 1); page < addr + len; page += PAGE_SIZE)
		if (vm_translate(&p->vm, page, &pa, &flags) < 0 || (flags & (PTE_W | PTE_DEVICE)))
			return 0;
	return 1;
}

int do_trace(struct proc *caller, message *m)
{
	const struct kc_trace *a = &m->kc_trace;
	struct proc *target = proc_lookup(a->target);
	int err = 0;

	if (!target)
		err = -ESRCH;
	else if (!priv_may_trace(caller, target))
		err = -EPERM;
	else if ((a->op != TRACE_READ_TEXT && a->op != TRACE_WRITE_TEXT) || a->len == 0 || a->len > TRACE_MAX)
		err = -EINVAL;
	else if (!is_text(target, a->addr, a->len))
		err = -EFAULT;
	else if (vm_check(&caller->vm, a->buf, a->len, a->op == TRACE_READ_TEXT) < 0)
		err = -EFAULT;
	if (err < 0) {
		deny(caller, DENY_TRACE, (uint32_t)a->target, err);
		return err;
	}
	if (a->op == TRACE_READ_TEXT)
		return vm_copy(&caller->vm, a->buf, &target->vm, a->addr, a->len);
	vm_read(&caller->vm, a->buf, buf, a->len);
	return vm_load(&target->vm, a->addr, buf, a->len);
}
