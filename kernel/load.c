/*
 * load: an ELF executable becomes an address space.
 *
 * The executable is either in kernel memory (a boot module) or in another
 * process's memory (exec: the process manager read it from the file
 * system). Its headers are read into the kernel and validated completely
 * (lib/elf) before anything is mapped. Then
 * every page a segment touches is allocated (writable if any segment that
 * touches it is), the file contents are copied in, and the stack is mapped.
 * On any failure the caller throws the whole address space away, so a
 * half-loaded program never runs.
 */
#include <bulkhead/errno.h>
#include <bulkhead/elf.h>
#include "load.h"
#include "string.h"

static vir_bytes page_down(vir_bytes a) { return a & ~(PAGE_SIZE - 1); }
static vir_bytes page_up(vir_bytes a) { return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

static int map_segment(struct vmspace *vm, const struct elf_segment *s)
{
	uint32_t flags = s->flags & ELF_SEG_WRITE ? PTE_W : 0, old;
	vir_bytes va, end = page_up(s->vaddr + s->memsz);
	phys_bytes pa;
	int r;

	for (va = page_down(s->vaddr); va < end; va += PAGE_SIZE) {
		if (vm_translate(vm, va, &pa, &old) == 0) {
			r = flags ? vm_protect(vm, va, PAGE_SIZE, PTE_W) : 0;
		} else {
			r = vm_alloc(vm, va, PAGE_SIZE, flags);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static uint8_t head[PAGE_SIZE];

static int image_read(const struct image *im, uint32_t off, void *buf, size_t len)
{
	if (im->mem) {
		memcpy(buf, im->mem + off, len);
		return 0;
	}
	return vm_read(im->vm, im->base + off, buf, len);
}

static int image_copy(struct vmspace *vm, vir_bytes va, const struct image *im, uint32_t off, size_t len)
{
	if (im->mem)
		return vm_load(vm, va, im->mem + off, len);
	return vm_copy_load(vm, va, im->vm, im->base + off, len);
}

int load_program(struct vmspace *vm, const struct image *im, uint32_t *entry, const char **why)
{
	size_t head_len = im->size < sizeof head ? im->size : sizeof head;
	struct elf_image img;
	uint32_t i;
	int r;

	*why = "the image is not readable";
	if (image_read(im, 0, head, head_len) < 0)
		return -EFAULT;
	if (elf_parse(head, head_len, im->size, USER_BASE, USER_HEAP_LIMIT, &img, why) < 0)
		return -ENOEXEC;
	*why = "out of memory";
	for (i = 0; i < img.nseg; i++) {
		r = map_segment(vm, &img.seg[i]);
		if (r < 0)
			return r;
	}
	*why = "the image is not readable";
	for (i = 0; i < img.nseg; i++)
		if (image_copy(vm, img.seg[i].vaddr, im, img.seg[i].offset, img.seg[i].filesz) < 0)
			return -EFAULT;
	*why = "out of memory";
	r = vm_alloc(vm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, PTE_W);
	if (r < 0)
		return r;
	vm->heap_start = vm->brk = page_up(img.end);
	*entry = img.entry;
	*why = NULL;
	return 0;
}

/*
 * Put argc strings (packed, each NUL-terminated, len bytes in all) on the
 * stack with an argv array, and leave *esp at [argc, argv] as the
 * arguments of a C function called by the program's entry code.
 */
int load_args(struct vmspace *vm, const char *strings, size_t len, int argc, uint32_t *esp)
{
	uint32_t frame[2 + 64 + 1];
	vir_bytes str_at, argv_at, sp;
	size_t off = 0;
	int i;

	if (len > ARGS_MAX || argc < 0 || argc > 64)
		return -E2BIG;
	str_at = (USER_STACK_TOP - len) & ~15u;
	argv_at = (str_at - (uint32_t)(argc + 1) * 4) & ~15u;
	sp = argv_at - 16;
	frame[0] = (uint32_t)argc;
	frame[1] = argv_at;
	for (i = 0; i < argc; i++) {
		frame[2 + i] = str_at + off;
		while (off < len && strings[off])
			off++;
		if (off++ >= len)
			return -EINVAL;
	}
	frame[2 + argc] = 0;
	if (vm_write(vm, str_at, strings, len) < 0 ||
	    vm_write(vm, argv_at, &frame[2], (uint32_t)(argc + 1) * 4) < 0 ||
	    vm_write(vm, sp, frame, 8) < 0)
		return -EFAULT;
	*esp = sp;
	return 0;
}
