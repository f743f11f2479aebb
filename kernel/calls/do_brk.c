/*
 * KC_BRK: move the end of the caller's heap. Growing maps zeroed pages,
 * shrinking frees them; addr 0 only asks where the end is. All or nothing.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../pmem.h"

static vir_bytes page_up(vir_bytes a) { return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

int do_brk(struct proc *caller, message *m)
{
	struct vmspace *vm = &caller->vm;
	vir_bytes want = m->kc_brk.addr;
	vir_bytes old_top = page_up(vm->brk), new_top = page_up(want);
	int r;

	if (want == 0) {
		m->kc_brk.addr = vm->brk;
		return 0;
	}
	if (want < vm->heap_start || want > USER_HEAP_LIMIT)
		return -ENOMEM;
	if (new_top > old_top) {
		if (!pmem_may_take(caller->uid, (new_top - old_top) / PAGE_SIZE))
			return -ENOMEM;
		r = vm_alloc(vm, old_top, new_top - old_top, PTE_W);
		if (r < 0)
			return r;
	} else if (new_top < old_top) {
		vm_release(vm, new_top, old_top - new_top);
	}
	vm->brk = want;
	m->kc_brk.addr = want;
	return 0;
}
