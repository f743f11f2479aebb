/*
 * KC_MAPMEM: map physical device memory (an MMIO BAR) that the caller's
 * record lists into its address space, uncached. The kernel picks the
 * address; the pages are not the caller's to free.
 *
 * One more rule: a process that may make KC_DMACTL (only the IOMMU driver)
 * may also map, read-only, memory the boot memory map does not list as RAM
 * (firmware's). The ACPI tables that describe the IOMMU (RSDT, XSDT, DMAR)
 * live there, at addresses that vary with the machine, so no policy could
 * name them; the policy rules (device memory only) would refuse them anyway.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../priv.h"
#include "../klog.h"
#include "../boot.h"

/* May the caller read firmware memory [base, base+len)? (see above) */
static int firmware_table(const struct proc *caller, phys_bytes base, uint32_t len)
{
	return priv_may_call(caller, KC_DMACTL) && boot_is_firmware(base, len);
}

#define MAPMEM_MAX (64u << 20)

int do_mapmem(struct proc *caller, message *m)
{
	struct kc_mapmem *a = &m->kc_mapmem;
	struct vmspace *vm = &caller->vm;
	uint32_t off, flags = PTE_W | PTE_PCD | PTE_PWT | PTE_DEVICE;
	int r;

	if (a->len == 0 || a->len > MAPMEM_MAX || (a->base | a->len) % PAGE_SIZE ||
	    a->base > 0xffffffffu - (a->len - 1)) {
		deny(caller, DENY_MEM, a->base, -EINVAL);
		return -EINVAL;
	}
	if (!priv_may_map(caller, a->base, a->len) && firmware_table(caller, a->base, a->len))
		flags &= ~(uint32_t)PTE_W;
	else if (!priv_may_map(caller, a->base, a->len)) {
		deny(caller, DENY_MEM, a->base, -EPERM);
		return -EPERM;
	}
	if (USER_MAP_END - vm->map_next < a->len)
		return -ENOMEM;
	for (off = 0; off < a->len; off += PAGE_SIZE) {
		r = vm_map(vm, vm->map_next + off, a->base + off, flags);
		if (r < 0) {
			vm_release(vm, vm->map_next, off);
			return r;
		}
	}
	a->addr = vm->map_next;
	vm->map_next += a->len;
	return 0;
}
