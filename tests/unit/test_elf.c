/*
 * Unit tests for ELF validation (lib/elf/elf.c): a well-formed program is
 * accepted with the right segments; every kind of malformed file is refused
 * with its own message; random corruption never makes it read out of bounds
 * (this file is built with AddressSanitizer).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <bulkhead/elf.h>

#define LO 0x40000000u
#define HI 0xa0000000u

struct ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr { uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align; };

struct file {
	struct ehdr h;
	struct phdr ph[3];
	uint8_t text[64];
	uint8_t data[32];
};

/* A valid program: text (R+X) at LO, data (R+W) with bss one page up. */
static struct file good(void)
{
	struct file f;

	memset(&f, 0, sizeof f);
	memcpy(f.h.ident, "\x7f" "ELF\x01\x01\x01", 7);
	f.h.type = 2;
	f.h.machine = 3;
	f.h.version = 1;
	f.h.entry = LO + 16;
	f.h.phoff = offsetof(struct file, ph);
	f.h.ehsize = sizeof f.h;
	f.h.phentsize = sizeof(struct phdr);
	f.h.phnum = 3;
	f.ph[0] = (struct phdr){ 1, offsetof(struct file, text), LO, LO, 64, 64, 5, 4096 };
	f.ph[1] = (struct phdr){ 1, offsetof(struct file, data), LO + 4096, LO + 4096, 32, 8192, 6, 4096 };
	f.ph[2] = (struct phdr){ 0x6474e551, 0, 0, 0, 0, 0, 6, 16 };   /* PT_GNU_STACK: ignored */
	return f;
}

static const char *refusal(const struct file *f, size_t size)
{
	struct elf_image img;
	const char *why = NULL;

	if (elf_parse(f, size, size, LO, HI, &img, &why) == 0)
		return NULL;
	assert_non_null(why);
	return why;
}

static void test_accepts_a_good_program(void **state)
{
	struct file f = good();
	struct elf_image img;
	const char *why = NULL;

	(void)state;
	assert_int_equal(elf_parse(&f, sizeof f, sizeof f, LO, HI, &img, &why), 0);
	assert_int_equal(img.entry, LO + 16);
	assert_int_equal(img.nseg, 2);
	assert_int_equal(img.seg[0].flags, ELF_SEG_EXEC);
	assert_int_equal(img.seg[1].flags, ELF_SEG_WRITE);
	assert_int_equal(img.seg[1].memsz, 8192);
	assert_int_equal(img.end, LO + 4096 + 8192);
}

#define REFUSED(f, size, text) do { \
	const char *w = refusal(&(f), (size)); \
	assert_non_null(w); \
	assert_non_null(strstr(w, (text))); \
} while (0)

static void test_refuses_bad_headers(void **state)
{
	struct file f;

	(void)state;
	f = good(); REFUSED(f, 3, "not an ELF file");
	f = good(); f.h.ident[1] = 'X'; REFUSED(f, sizeof f, "not an ELF file");
	f = good(); REFUSED(f, 40, "shorter than an ELF header");
	f = good(); f.h.ident[4] = 2; REFUSED(f, sizeof f, "not a 32-bit");
	f = good(); f.h.ident[5] = 2; REFUSED(f, sizeof f, "little-endian");
	f = good(); f.h.version = 0; REFUSED(f, sizeof f, "version");
	f = good(); f.h.machine = 62; REFUSED(f, sizeof f, "wrong machine type");
	f = good(); f.h.type = 3; REFUSED(f, sizeof f, "not an executable");
	f = good(); f.h.phentsize = 40; REFUSED(f, sizeof f, "program header entry size");
	f = good(); f.h.phnum = 0; REFUSED(f, sizeof f, "no program headers");
	f = good(); f.h.phnum = 1000; REFUSED(f, sizeof f, "too many program headers");
	f = good(); f.h.phoff = sizeof f - 8; REFUSED(f, sizeof f, "program headers run past");
	f = good(); f.h.phoff = 0xffffffe0u; REFUSED(f, sizeof f, "program headers run past");
}

static void test_refuses_bad_segments(void **state)
{
	struct file f;

	(void)state;
	f = good(); f.ph[0].filesz = 100; REFUSED(f, sizeof f, "file size exceeds");
	f = good(); f.ph[0].offset = sizeof f - 10; REFUSED(f, sizeof f, "past the end of the file");
	f = good(); f.ph[0].offset = 0xfffffff0u; REFUSED(f, sizeof f, "past the end of the file");
	f = good(); f.ph[0].vaddr = 0x100000; REFUSED(f, sizeof f, "outside user space");
	f = good(); f.ph[1].vaddr = HI - 4096; REFUSED(f, sizeof f, "outside user space");
	f = good(); f.ph[1].memsz = 0xfffff000u; REFUSED(f, sizeof f, "outside user space");
	f = good(); f.ph[1].vaddr = LO + 32; REFUSED(f, sizeof f, "overlap");
	f = good(); f.h.entry = LO + 4096 + 8; REFUSED(f, sizeof f, "entry point");
	f = good(); f.ph[0].type = 0; f.ph[1].type = 0; REFUSED(f, sizeof f, "no loadable segments");
	f = good(); f.ph[2].type = 3; REFUSED(f, sizeof f, "dynamically linked");
}

static void test_refuses_truncations_of_a_good_program(void **state)
{
	struct file f = good();
	size_t n;

	(void)state;
	for (n = 0; n < offsetof(struct file, data) + 32; n++)
		assert_non_null(refusal(&f, n));
	assert_null(refusal(&f, sizeof f));
}

/* Random corruption: refused or accepted, never an out-of-bounds read. */
static void test_headers_only(void **state)
{
	struct file f = good();
	struct elf_image img;
	const char *why = NULL;

	(void)state;
	/* Enough to validate: the headers, and the size of the whole file. */
	assert_int_equal(elf_parse(&f, offsetof(struct file, text), sizeof f, LO, HI, &img, &why), 0);
	assert_int_equal(img.nseg, 2);
	/* Program headers beyond what was read are refused, not read. */
	assert_int_equal(elf_parse(&f, offsetof(struct file, ph) + 8, sizeof f, LO, HI, &img, &why), -1);
	assert_non_null(strstr(why, "not at the start"));
	/* The file size still bounds the segments. */
	assert_int_equal(elf_parse(&f, offsetof(struct file, text), sizeof f - 1, LO, HI, &img, &why), -1);
	assert_non_null(strstr(why, "past the end of the file"));
}

static void test_random_corruption(void **state)
{
	struct file f;
	struct elf_image img;
	const char *why;
	uint8_t *copy;
	size_t size;
	unsigned seed = 12345, i, k;

	(void)state;
	for (i = 0; i < 20000; i++) {
		f = good();
		for (k = 0; k < 1 + (unsigned)rand_r(&seed) % 4; k++)
			((uint8_t *)&f)[(unsigned)rand_r(&seed) % offsetof(struct file, text)] = (uint8_t)rand_r(&seed);
		size = (unsigned)rand_r(&seed) % (sizeof f + 1);
		copy = malloc(size ? size : 1);      /* exact size: ASan sees overreads */
		memcpy(copy, &f, size);
		if (elf_parse(copy, size, size, LO, HI, &img, &why) == 0) {
			for (k = 0; k < img.nseg; k++)
				assert_true(img.seg[k].offset + img.seg[k].filesz <= size);
		}
		free(copy);
	}
}

static void test_accepts_a_real_program(void **state)
{
	const char *path = getenv("BULKHEAD_SAMPLE_ELF");
	struct elf_image img;
	const char *why = NULL;
	static uint8_t buf[1 << 20];
	size_t n;
	FILE *fp;

	(void)state;
	if (!path)
		skip();
	fp = fopen(path, "rb");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	assert_int_equal(elf_parse(buf, n, n, LO, HI, &img, &why), 0);
	assert_true(img.nseg >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_a_good_program),
		cmocka_unit_test(test_refuses_bad_headers),
		cmocka_unit_test(test_refuses_bad_segments),
		cmocka_unit_test(test_refuses_truncations_of_a_good_program),
		cmocka_unit_test(test_headers_only),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_accepts_a_real_program),
	};
	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
