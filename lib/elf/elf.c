/*
 * elf: validation of i386 ELF executables (interface in include/bulkhead/elf.h).
 * Freestanding: no library calls, so the kernel can use it as it is.
 */
#include <bulkhead/elf.h>

#define EI_NIDENT 16
#define ET_EXEC   2
#define EM_386    3
#define PT_LOAD   1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PF_X      1
#define PF_W      2
#define MAX_PHDRS 32

struct ehdr {
	uint8_t  ident[EI_NIDENT];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

BH_STATIC_ASSERT(sizeof(struct ehdr) == 52, "ELF header layout");
BH_STATIC_ASSERT(sizeof(struct phdr) == 32, "program header layout");

/* start + len <= limit, without overflow. */
static int fits(uint32_t start, uint32_t len, uint32_t limit)
{
	return start <= limit && len <= limit - start;
}

static int fail(const char **why, const char *msg)
{
	*why = msg;
	return -1;
}

static int bad_magic(const uint8_t *b)
{
	return b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F';
}

static const char *check_header(const struct ehdr *h, size_t head_len, size_t size)
{
	if (h->ident[4] != 1)
		return "not a 32-bit ELF file";
	if (h->ident[5] != 1)
		return "not a little-endian ELF file";
	if (h->ident[6] != 1 || h->version != 1)
		return "unknown ELF version";
	if (h->machine != EM_386)
		return "wrong machine type (not i386)";
	if (h->type != ET_EXEC)
		return "not an executable (ELF type is not EXEC)";
	if (h->phentsize != sizeof(struct phdr))
		return "bad program header entry size";
	if (h->phnum == 0)
		return "no program headers";
	if (h->phnum > MAX_PHDRS)
		return "too many program headers";
	if (!fits(h->phoff, (uint32_t)h->phnum * sizeof(struct phdr), (uint32_t)size))
		return "truncated: program headers run past the end of the file";
	if (!fits(h->phoff, (uint32_t)h->phnum * sizeof(struct phdr), (uint32_t)head_len))
		return "program headers are not at the start of the file";
	return NULL;
}

static const char *add_segment(struct elf_image *img, const struct phdr *ph,
                               size_t size, uint32_t lo, uint32_t hi)
{
	struct elf_segment *s;
	uint32_t i;

	if (ph->filesz > ph->memsz)
		return "segment file size exceeds its memory size";
	if (!fits(ph->offset, ph->filesz, (uint32_t)size))
		return "truncated: a segment runs past the end of the file";
	if (ph->vaddr < lo || !fits(ph->vaddr, ph->memsz, hi))
		return "a segment lies outside user space";
	for (i = 0; i < img->nseg; i++) {
		const struct elf_segment *o = &img->seg[i];
		if (ph->vaddr < o->vaddr + o->memsz && o->vaddr < ph->vaddr + ph->memsz)
			return "segments overlap";
	}
	if (img->nseg == ELF_MAX_SEGMENTS)
		return "too many loadable segments";
	s = &img->seg[img->nseg++];
	s->vaddr = ph->vaddr;
	s->memsz = ph->memsz;
	s->offset = ph->offset;
	s->filesz = ph->filesz;
	s->flags = (ph->flags & PF_W ? ELF_SEG_WRITE : 0) | (ph->flags & PF_X ? ELF_SEG_EXEC : 0);
	if (ph->vaddr + ph->memsz > img->end)
		img->end = ph->vaddr + ph->memsz;
	return NULL;
}

int elf_parse(const void *head, size_t head_len, size_t size, uint32_t lo, uint32_t hi,
              struct elf_image *out, const char **why)
{
	const uint8_t *bytes = head;
	struct ehdr h;
	struct phdr ph;
	const char *err;
	uint32_t i;

	out->entry = out->end = out->nseg = 0;
	if (head_len > size)
		head_len = size;
	if (!head || head_len < 4 || bad_magic(bytes))
		return fail(why, "not an ELF file (bad magic number)");
	if (head_len < sizeof h)
		return fail(why, "truncated: shorter than an ELF header");
	if (size >> 31 >> 1)      /* more than 32 bits (possible on a 64-bit host) */
		return fail(why, "file too large");
	__builtin_memcpy(&h, bytes, sizeof h);     /* the file need not be aligned */
	err = check_header(&h, head_len, size);
	if (err)
		return fail(why, err);
	for (i = 0; i < h.phnum; i++) {
		__builtin_memcpy(&ph, bytes + h.phoff + i * sizeof ph, sizeof ph);
		if (ph.type == PT_INTERP || ph.type == PT_DYNAMIC)
			return fail(why, "dynamically linked: not supported");
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		err = add_segment(out, &ph, size, lo, hi);
		if (err)
			return fail(why, err);
	}
	if (out->nseg == 0)
		return fail(why, "no loadable segments");
	for (i = 0; i < out->nseg; i++) {
		const struct elf_segment *s = &out->seg[i];
		if ((s->flags & ELF_SEG_EXEC) && h.entry >= s->vaddr && h.entry - s->vaddr < s->memsz)
			break;
	}
	if (i == out->nseg)
		return fail(why, "entry point is not in executable code");
	out->entry = h.entry;
	return 0;
}
