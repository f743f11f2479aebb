/*
 * ELF executables: validation and the loadable segments of an i386 program.
 *
 * elf_parse() checks everything a loader relies on (header fields, program
 * header table and every segment inside the file, segments inside [lo, hi)
 * without overflow, no overlaps, the entry point in executable code) and
 * either fills in an elf_image or says in `why` what is wrong. It is given
 * the start of the file (`head`, which must hold the program headers) and
 * the size of the whole file; it reads only `head` and never writes it.
 * Shared by the kernel (boot modules, exec) and user space.
 */
#ifndef BULKHEAD_ELF_H
#define BULKHEAD_ELF_H

#include <bulkhead/types.h>

#define ELF_MAX_SEGMENTS 8
#define ELF_SEG_WRITE 0x1
#define ELF_SEG_EXEC  0x2

struct elf_segment {
	uint32_t vaddr, memsz;
	uint32_t offset, filesz;
	uint32_t flags;          /* ELF_SEG_* */
};

struct elf_image {
	uint32_t entry;
	uint32_t end;            /* highest vaddr + memsz */
	uint32_t nseg;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* 0, or -1 with *why set to a message fit for a user. */
int elf_parse(const void *head, size_t head_len, size_t file_size, uint32_t lo, uint32_t hi,
              struct elf_image *out, const char **why);

#endif
