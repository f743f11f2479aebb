/* load: building a process image from an ELF file in kernel memory (see load.c). */
#ifndef KERNEL_LOAD_H
#define KERNEL_LOAD_H

#include "vm.h"

#define ARGS_MAX 1024     /* bytes of argument strings a process may start with */

int load_program(struct vmspace *vm, const void *file, size_t size, uint32_t *entry, const char **why);
int load_args(struct vmspace *vm, const char *strings, size_t len, int argc, uint32_t *esp);

#endif
