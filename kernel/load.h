/* load: building a process image from an ELF file (see load.c). */
#ifndef KERNEL_LOAD_H
#define KERNEL_LOAD_H

#include "vm.h"

#define ARGS_MAX 1024     /* bytes of argument strings a process may start with */

/* Where an executable is: in kernel memory (mem), or in a process (vm, base). */
struct image {
	const uint8_t *mem;
	const struct vmspace *vm;
	vir_bytes base;
	size_t size;
};

int load_program(struct vmspace *vm, const struct image *im, uint32_t *entry, const char **why);
int load_args(struct vmspace *vm, const char *strings, size_t len, int argc, uint32_t *esp);

#endif
