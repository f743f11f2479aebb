/*
 * KC_SCREEN: the screen GRUB left (boot.c read it from the multiboot
 * information) and the kernel's console text, for the screen driver.
 * Whoever's record allows the call may map that screen's memory; no
 * other memory is reachable through it.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../boot.h"
#include "../console.h"
#include "../klog.h"

#define TEXT_CHUNK 256

static int screen_map(struct proc *caller, struct kc_screen *a)
{
	const struct screen_info *s = boot_screen();
	struct vmspace *vm = &caller->vm;
	phys_bytes base = s->addr & ~(PAGE_SIZE - 1);
	uint32_t len = (s->addr - base + s->pitch * s->height + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), off;
	int r;

	if (s->type == SCREEN_NONE)
		return -ENODEV;
	if (USER_MAP_END - vm->map_next < len)
		return -ENOMEM;
	for (off = 0; off < len; off += PAGE_SIZE) {
		r = vm_map(vm, vm->map_next + off, base + off, PTE_W | PTE_PCD | PTE_PWT | PTE_DEVICE);
		if (r < 0) {
			vm_release(vm, vm->map_next, off);
			return r;
		}
	}
	a->addr = vm->map_next + (s->addr - base);
	vm->map_next += len;
	return 0;
}

static int screen_text(struct proc *caller, struct kc_screen *a)
{
	char chunk[TEXT_CHUNK];
	uint32_t n, from = a->from;

	if (vm_check(&caller->vm, a->buf, a->len, 1) < 0)
		return -EFAULT;
	a->count = 0;
	do {
		n = console_text(from, chunk, a->len - a->count < TEXT_CHUNK ? a->len - a->count : TEXT_CHUNK, &from);
		vm_write(&caller->vm, a->buf + a->count, chunk, n);
		a->count += n;
	} while (n && a->count < a->len);
	a->next = from;
	return 0;
}

int do_screen(struct proc *caller, message *m)
{
	struct kc_screen *a = &m->kc_screen;

	if (a->op == SCREEN_INFO) {
		if (vm_check(&caller->vm, a->buf, sizeof(struct screen_info), 1) < 0)
			return -EFAULT;
		return vm_write(&caller->vm, a->buf, boot_screen(), sizeof(struct screen_info));
	}
	if (a->op == SCREEN_MAP)
		return screen_map(caller, a);
	if (a->op == SCREEN_TEXT)
		return screen_text(caller, a);
	deny(caller, DENY_KCALL, KC_SCREEN, -EINVAL);
	return -EINVAL;
}
