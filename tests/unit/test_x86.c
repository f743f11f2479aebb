/*
 * Unit tests for the x86 decoder and the SWIFI fault types (lib/x86):
 *   - every instruction of every program in the build, as objdump decodes it
 *     (build/x86/vectors.txt, made by tools/x86vectors.py): same length,
 *     memory operand, displacement and immediate; and at every shorter
 *     length the decoder says "truncated" without reading past the end;
 *   - hand-written cases for each prefix, map and immediate special case,
 *     undefined opcodes and over-long instructions;
 *   - random bytes and mutated real instructions in exact-size heap buffers
 *     (AddressSanitizer catches any read past the end);
 *   - each fault type: eligibility, bytes changed only inside the instruction,
 *     the instruction's length kept, and the same seed giving the same fault.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <bulkhead/x86.h>
#include <bulkhead/errno.h>

#ifndef X86_VECTORS
#define X86_VECTORS "build/x86/vectors.txt"
#endif
#define MIN_VECTORS 10000        /* fewer distinct instructions means the script broke */
#define MAX_REPORTED 20
#define REFUSED_DIVISOR 50   /* of the random strings objdump decodes, the decoder may refuse 1/50 */
#define FUZZ_RUNS 300000
#define FUZZ_MAX_LEN 20

/* Decodes a copy of code[0..n) in a heap buffer of exactly n bytes. */
static int decode_exact(const uint8_t *code, size_t n, struct x86_insn *in)
{
	uint8_t *copy = malloc(n ? n : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, code, n);
	rc = x86_decode(copy, n, in);
	free(copy);
	return rc;
}

/* The parts of a decoded instruction add up to its length, in order. */
static int consistent(const struct x86_insn *in)
{
	unsigned at = in->nprefix;

	if (in->opcode_off != at)
		return 0;
	at += in->opcode_len;
	if (in->has_modrm && in->modrm_off != at++)
		return 0;
	if (in->has_sib && in->sib_off != at++)
		return 0;
	if (in->disp_size && in->disp_off != at)
		return 0;
	at += in->disp_size;
	if (in->imm_size && in->imm_off != at)
		return 0;
	return at + in->imm_size == in->len && in->len <= X86_MAX_LEN;
}

static uint32_t imm_value(const uint8_t *code, const struct x86_insn *in)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < in->imm_size && i < 4; i++)
		v |= (uint32_t)code[in->imm_off + i] << (8 * i);
	return v;
}

/* objdump prints an immediate zero-extended or sign-extended to the operand size. */
static int imm_matches(uint32_t printed, uint32_t raw, unsigned size)
{
	if (printed == raw)
		return 1;
	if (size == 1)
		return printed == (uint32_t)(int8_t)raw || printed == ((uint32_t)(int8_t)raw & 0xffff);
	return size == 2 && printed == (uint32_t)(int16_t)raw;
}

static int32_t rel_value(uint32_t raw, unsigned size)
{
	return size == 1 ? (int8_t)raw : size == 2 ? (int16_t)raw : (int32_t)raw;
}

/* One vector line against the decoder; NULL if they agree, else what differs. */
static const char *check_vector(const uint8_t *w, size_t wn, unsigned len, const char *mem,
				const char *disp, const char *imm)
{
	struct x86_insn in;

	if (decode_exact(w, wn, &in) != 0)
		return "decode failed";
	if (in.len != len)
		return "length";
	if (!consistent(&in))
		return "parts do not add up";
	if (decode_exact(w, len, &in) != 0 || in.len != len)
		return "decode failed with exactly the instruction's bytes";
	for (unsigned k = 0; k < len; k++)
		if (decode_exact(w, k, &in) != -EINVAL)
			return "truncated bytes not refused with -EINVAL";
	decode_exact(w, len, &in);
	if (*mem != 'x' && in.has_mem != (*mem == '1'))
		return "memory operand";
	if (*disp == 'n' && in.disp_size)
		return "displacement where objdump shows none";
	if (*disp != 'n' && *disp != 'x' && (!in.disp_size || (uint32_t)in.disp != (uint32_t)strtoll(disp, NULL, 10)))
		return "displacement";
	if (*imm == 'n' && in.imm_size)
		return "immediate where objdump shows none";
	if (*imm == 'i' && (!in.imm_size || !imm_matches((uint32_t)strtoull(imm + 1, NULL, 16), imm_value(w, &in), in.imm_size)))
		return "immediate";
	if (*imm == 'r' && (!(in.flags & X86_F_REL) || rel_value(imm_value(w, &in), in.imm_size) != strtol(imm + 1, NULL, 10)))
		return "branch displacement";
	return NULL;
}

static size_t parse_hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned b;

	while (n < max && sscanf(s + 2 * n, "%2x", &b) == 1)
		out[n++] = (uint8_t)b;
	return n;
}

/* A random byte string objdump decodes: the same length, unless the decoder
 * refuses it as no instruction (VEX/EVEX/XOP, MOV TR, opcodes newer than its
 * tables: counted in *refused). */
static const char *check_random(const char *line, unsigned *refused)
{
	char hex[64];
	uint8_t w[X86_MAX_LEN];
	unsigned len;
	struct x86_insn in;
	int rc;

	if (sscanf(line, "R %63s %u", hex, &len) != 2)
		return "bad line";
	size_t wn = parse_hex(hex, w, sizeof w);
	rc = decode_exact(w, wn, &in);
	if (rc == -ENOEXEC) {
		(*refused)++;
		return NULL;
	}
	if (rc != 0 || in.len != len || !consistent(&in))
		return "length of a random instruction";
	for (unsigned k = 0; k < len; k++)
		if (decode_exact(w, k, &in) != -EINVAL)
			return "truncated random instruction not refused with -EINVAL";
	return NULL;
}

static void test_objdump_vectors(void **state)
{
	char line[256], hex[64], mem[8], disp[32], imm[32];
	uint8_t w[X86_MAX_LEN];
	unsigned len, checked = 0, wrong = 0, random = 0, refused = 0;
	FILE *f = fopen(X86_VECTORS, "r");

	(void)state;
	if (!f)
		fail_msg("cannot open %s: run make unit", X86_VECTORS);
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#') {
			printf("# objdump vectors: %s", line + 2);
			continue;
		}
		if (line[0] == 'R') {
			const char *why = check_random(line, &refused);

			random++;
			if (why && wrong++ < MAX_REPORTED)
				printf("# disagree (%s): %s", why, line);
			continue;
		}
		assert_int_equal(sscanf(line, "%63s %u %7s %31s %31s", hex, &len, mem, disp, imm), 5);
		size_t wn = parse_hex(hex, w, sizeof w);
		const char *why = check_vector(w, wn, len, mem, disp, imm);
		checked++;
		if (why && wrong++ < MAX_REPORTED) {
			struct x86_insn in;
			char text[X86_FORMAT_MIN];
			int rc = x86_decode(w, wn, &in);

			x86_format(w, rc ? NULL : &in, text, sizeof text);
			printf("# disagree (%s): %s -> rc %d %s\n", why, line, rc, rc ? "" : text);
		}
	}
	fclose(f);
	printf("# checked %u distinct built instructions and %u random ones against objdump "
	       "(%u of those refused as no instruction), %u disagree\n", checked, random, refused, wrong);
	assert_int_equal(wrong, 0);
	assert_true(checked >= MIN_VECTORS);
	assert_true(random >= MIN_VECTORS);
	assert_true(refused * REFUSED_DIVISOR <= random);
}

/* --- hand-written cases ------------------------------------------------------- */

struct known {
	const char *hex;
	unsigned len;
	uint8_t map, opcode, nprefix, disp_size, imm_size, has_mem;
};

static const struct known known[] = {
	{ "90", 1, X86_MAP_ONE, 0x90, 0, 0, 0, 0 },
	{ "8b4508", 3, X86_MAP_ONE, 0x8b, 0, 1, 0, 1 },                  /* mov eax,[ebp+8] */
	{ "8b8500010000", 6, X86_MAP_ONE, 0x8b, 0, 4, 0, 1 },            /* disp32 */
	{ "8b0424", 3, X86_MAP_ONE, 0x8b, 0, 0, 0, 1 },                  /* SIB, no disp */
	{ "8b04a500100000", 7, X86_MAP_ONE, 0x8b, 0, 4, 0, 1 },          /* SIB base 5, mod 0: disp32 */
	{ "8b0500100000", 6, X86_MAP_ONE, 0x8b, 0, 4, 0, 1 },            /* mod 0 rm 5: absolute */
	{ "678b4608", 4, X86_MAP_ONE, 0x8b, 1, 1, 0, 1 },                /* 67: [bp+8] disp8 */
	{ "678b060010", 5, X86_MAP_ONE, 0x8b, 1, 2, 0, 1 },              /* 67: mod 0 rm 6 disp16 */
	{ "678b870010", 5, X86_MAP_ONE, 0x8b, 1, 2, 0, 1 },              /* 67: mod 2 disp16 */
	{ "678b04", 3, X86_MAP_ONE, 0x8b, 1, 0, 0, 1 },                  /* 67: rm 4 is [si], no SIB */
	{ "66b83412", 4, X86_MAP_ONE, 0xb8, 1, 0, 2, 0 },                /* 66: imm16 */
	{ "b878563412", 5, X86_MAP_ONE, 0xb8, 0, 0, 4, 0 },
	{ "66c7450800ff", 6, X86_MAP_ONE, 0xc7, 1, 1, 2, 1 },            /* mov word [ebp+8],imm16 */
	{ "f6c101", 3, X86_MAP_ONE, 0xf6, 0, 0, 1, 0 },                  /* F6 /0 test imm8 */
	{ "f6d1", 2, X86_MAP_ONE, 0xf6, 0, 0, 0, 0 },                    /* F6 /2 not: no imm */
	{ "f7c178563412", 6, X86_MAP_ONE, 0xf7, 0, 0, 4, 0 },            /* F7 /0 test imm32 */
	{ "66f7c13412", 5, X86_MAP_ONE, 0xf7, 1, 0, 2, 0 },              /* 66 F7 /0 test imm16 */
	{ "f7e1", 2, X86_MAP_ONE, 0xf7, 0, 0, 0, 0 },                    /* mul ecx */
	{ "c8100001", 4, X86_MAP_ONE, 0xc8, 0, 0, 3, 0 },                /* enter 16,1 */
	{ "9a785634120800", 7, X86_MAP_ONE, 0x9a, 0, 0, 6, 0 },          /* call far 8:12345678 */
	{ "66ea34120800", 6, X86_MAP_ONE, 0xea, 1, 0, 4, 0 },            /* jmp far ptr16:16 */
	{ "a178563412", 5, X86_MAP_ONE, 0xa1, 0, 4, 0, 1 },              /* mov eax,[moffs32] */
	{ "67a23412", 4, X86_MAP_ONE, 0xa2, 1, 2, 0, 1 },                /* 67: moffs16 */
	{ "c20800", 3, X86_MAP_ONE, 0xc2, 0, 0, 2, 0 },                  /* ret 8 */
	{ "cd80", 2, X86_MAP_ONE, 0xcd, 0, 0, 1, 0 },
	{ "e800000000", 5, X86_MAP_ONE, 0xe8, 0, 0, 4, 0 },
	{ "66e80000", 4, X86_MAP_ONE, 0xe8, 1, 0, 2, 0 },                /* rel16 under 66 */
	{ "0f8400010000", 6, X86_MAP_0F, 0x84, 0, 0, 4, 0 },             /* je rel32 */
	{ "740a", 2, X86_MAP_ONE, 0x74, 0, 0, 1, 0 },
	{ "e2fe", 2, X86_MAP_ONE, 0xe2, 0, 0, 1, 0 },
	{ "6b c0 0a", 3, X86_MAP_ONE, 0x6b, 0, 0, 1, 0 },
	{ "69c000010000", 6, X86_MAP_ONE, 0x69, 0, 0, 4, 0 },
	{ "c1e002", 3, X86_MAP_ONE, 0xc1, 0, 0, 1, 0 },
	{ "d1e0", 2, X86_MAP_ONE, 0xd1, 0, 0, 0, 0 },
	{ "f3a5", 2, X86_MAP_ONE, 0xa5, 1, 0, 0, 0 },                    /* rep movsd */
	{ "f0871e", 3, X86_MAP_ONE, 0x87, 1, 0, 0, 1 },                  /* lock xchg */
	{ "2e8b00", 3, X86_MAP_ONE, 0x8b, 1, 0, 0, 1 },                  /* cs: */
	{ "64a100000000", 6, X86_MAP_ONE, 0xa1, 1, 4, 0, 1 },            /* fs:moffs */
	{ "652636 3e8b00", 6, X86_MAP_ONE, 0x8b, 4, 0, 0, 1 },           /* gs es ss ds */
	{ "662e0f1f840000000000", 10, X86_MAP_0F, 0x1f, 2, 4, 0, 1 },    /* gcc's long nop */
	{ "0f0b", 2, X86_MAP_0F, 0x0b, 0, 0, 0, 0 },                     /* ud2 */
	{ "0fb645f0", 4, X86_MAP_0F, 0xb6, 0, 1, 0, 1 },                 /* movzx */
	{ "0fa4c208", 4, X86_MAP_0F, 0xa4, 0, 0, 1, 0 },                 /* shld imm8 */
	{ "0fbae003", 4, X86_MAP_0F, 0xba, 0, 0, 1, 0 },                 /* bt eax,3 */
	{ "0f20c0", 3, X86_MAP_0F, 0x20, 0, 0, 0, 0 },                   /* mov eax,cr0 */
	{ "0f2205", 3, X86_MAP_0F, 0x22, 0, 0, 0, 0 },                   /* mov cr0,ebp: mod ignored */
	{ "0f0115 00100000", 7, X86_MAP_0F, 0x01, 0, 4, 0, 1 },          /* lgdt [abs] */
	{ "0fc8", 2, X86_MAP_0F, 0xc8, 0, 0, 0, 0 },                     /* bswap */
	{ "0f31", 2, X86_MAP_0F, 0x31, 0, 0, 0, 0 },                     /* rdtsc */
	{ "660f7000 1b", 5, X86_MAP_0F, 0x70, 1, 0, 1, 1 },              /* pshufd xmm0,[eax],1b */
	{ "660f73d8 04", 5, X86_MAP_0F, 0x73, 1, 0, 1, 0 },              /* psrldq xmm0,4 */
	{ "0f0f c1 b4", 4, X86_MAP_0F, 0x0f, 0, 0, 1, 0 },               /* 3DNow! pfmul */
	{ "660f3800c1", 5, X86_MAP_0F38, 0x00, 1, 0, 0, 0 },             /* pshufb */
	{ "f20f38f1c1", 5, X86_MAP_0F38, 0xf1, 1, 0, 0, 0 },             /* crc32 */
	{ "660f3a0fc104", 6, X86_MAP_0F3A, 0x0f, 1, 0, 1, 0 },           /* palignr imm8 */
	{ "660f3a164508 01", 7, X86_MAP_0F3A, 0x16, 1, 1, 1, 1 },        /* pextrd [ebp+8],xmm0,1 */
	{ "f30f1045f8", 5, X86_MAP_0F, 0x10, 1, 1, 0, 1 },               /* movss */
	{ "dd45f8", 3, X86_MAP_ONE, 0xdd, 0, 1, 0, 1 },                  /* fld qword [ebp-8] */
	{ "d9c9", 2, X86_MAP_ONE, 0xd9, 0, 0, 0, 0 },                    /* fxch */
	{ "df e0", 2, X86_MAP_ONE, 0xdf, 0, 0, 0, 0 },                   /* fnstsw ax */
	{ "c7f8 00000000", 6, X86_MAP_ONE, 0xc7, 0, 0, 4, 0 },           /* xbegin */
	{ "660f78c00102", 6, X86_MAP_0F, 0x78, 1, 0, 2, 0 },             /* extrq xmm0,1,2 */
	{ "0f78c1", 3, X86_MAP_0F, 0x78, 0, 0, 0, 0 },                   /* vmread ecx,eax */
	{ "f30fb8c1", 4, X86_MAP_0F, 0xb8, 1, 0, 0, 0 },                 /* popcnt */
	{ "0faef0", 3, X86_MAP_0F, 0xae, 0, 0, 0, 0 },                   /* mfence */
	{ "0f3800c1", 4, X86_MAP_0F38, 0x00, 0, 0, 0, 0 },               /* pshufb mm0,mm1 */
	{ "dbe3", 2, X86_MAP_ONE, 0xdb, 0, 0, 0, 0 },                    /* fninit */
	{ "9b", 1, X86_MAP_ONE, 0x9b, 0, 0, 0, 0 },                      /* fwait: its own instruction */
};

/* Cases the decoder must refuse with -ENOEXEC. */
static const char *const undefined[] = {
	"d6",             /* SALC: undefined */
	"0f04", "0f0a", "0f0c", "0f24c0", "0f36", "0f39", "0fa6", "0fa7", "0f7a", "0f7b",
	"0f38ff00",       /* undefined three-byte opcodes */
	"0f3aff0000",
	"8dc0",           /* LEA with a register */
	"c4c0",           /* VEX (LES with a register) */
	"c5c0",
	"62c0",           /* EVEX (BOUND with a register) */
	"8fc8",           /* XOP (8F /1) */
	"fed0",           /* FE /2 */
	"ffff",           /* FF /7 */
	"ffd8",           /* call far with a register */
	"c6c800",         /* C6 /1 */
	"0f00f0",         /* 0F 00 /6 */
	"0fbac000",       /* 0F BA /0 */
	"0fc7c8",         /* cmpxchg8b with a register */
	"0f7110 02",      /* psrlw imm form with memory */
	"d9d1", "dae0", "dfc8",   /* reserved x87 register forms */
	"d908", "dd28",   /* reserved x87 memory forms (D9 /1, DD /5) */
	"0f0fc100",       /* 3DNow! with an undefined suffix */
	"0f3810c1",       /* pblendvb needs 66 */
	"0f6cc1",         /* punpcklqdq needs 66 */
	"0fb8c1",         /* popcnt needs F3 (JMPE otherwise) */
	"0f5000",         /* movmskps with memory */
	"0f2bc1",         /* movntps with a register */
	"0faec0",         /* 0F AE /0 with a register: 64-bit only */
};

static size_t hex_bytes(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned b;
	int used;

	while (n < max && sscanf(s, " %2x%n", &b, &used) == 1) {
		out[n++] = (uint8_t)b;
		s += used;
	}
	return n;
}

static void test_known_instructions(void **state)
{
	uint8_t code[32];
	struct x86_insn in;

	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		const struct known *k = &known[i];
		size_t n = hex_bytes(k->hex, code, sizeof code);
		int rc = decode_exact(code, n, &in);

		if (rc != 0 || in.len != k->len || in.map != k->map || in.opcode != k->opcode ||
		    in.nprefix != k->nprefix || in.disp_size != k->disp_size ||
		    in.imm_size != k->imm_size || in.has_mem != k->has_mem || !consistent(&in))
			fail_msg("%s: rc %d len %u map %u op %02x prefixes %u disp %u imm %u mem %u", k->hex, rc,
				 in.len, in.map, in.opcode, in.nprefix, in.disp_size, in.imm_size, in.has_mem);
		for (unsigned t = 0; t < k->len; t++)          /* truncation at every length */
			assert_int_equal(decode_exact(code, t, &in), -EINVAL);
	}
}

static void test_undefined_opcodes(void **state)
{
	uint8_t code[32];
	struct x86_insn in;

	(void)state;
	for (size_t i = 0; i < sizeof undefined / sizeof undefined[0]; i++) {
		size_t n = hex_bytes(undefined[i], code, sizeof code);

		if (decode_exact(code, n, &in) != -ENOEXEC)
			fail_msg("%s was not refused", undefined[i]);
	}
	/* 14 prefixes and an opcode make 15 bytes, the limit; 15 prefixes do not fit. */
	memset(code, 0x66, sizeof code);
	code[14] = 0x90;
	assert_int_equal(decode_exact(code, 15, &in), 0);
	assert_int_equal(in.len, 15);
	code[14] = 0x66;
	code[15] = 0x90;
	assert_int_equal(decode_exact(code, 16, &in), -ENOEXEC);
	assert_int_equal(decode_exact(code, 10, &in), -EINVAL);
	assert_int_equal(x86_decode(NULL, 4, &in), -EINVAL);
	assert_int_equal(x86_decode(code, 4, NULL), -EINVAL);
}

static void test_operands_and_flags(void **state)
{
	struct x86_insn in;
	uint8_t code[16];

	(void)state;
	hex_bytes("8b4508", code, 16);                              /* mov eax,[ebp+8] */
	assert_int_equal(x86_decode(code, 3, &in), 0);
	assert_int_equal(in.src, X86_OPND_RM);
	assert_int_equal(in.dst, X86_OPND_REG);
	assert_int_equal(in.mem_base, X86_EBP);
	assert_int_equal(in.mem_index, X86_REG_NONE);
	assert_int_equal(in.disp, 8);
	hex_bytes("89448e fc", code, 16);                           /* mov [esi+ecx*4-4],eax */
	assert_int_equal(x86_decode(code, 4, &in), 0);
	assert_int_equal(in.src, X86_OPND_REG);
	assert_int_equal(in.dst, X86_OPND_RM);
	assert_int_equal(in.mem_base, X86_ESI);
	assert_int_equal(in.mem_index, X86_ECX);
	assert_int_equal(in.scale, 2);
	assert_int_equal(in.disp, -4);
	hex_bytes("6789 42 10", code, 16);                          /* mov [bp+si+0x10],eax */
	assert_int_equal(x86_decode(code, 4, &in), 0);
	assert_int_equal(in.mem_base, X86_EBP);
	assert_int_equal(in.mem_index, X86_ESI);
	hex_bytes("0f8c00000000", code, 16);
	assert_int_equal(x86_decode(code, 6, &in), 0);
	assert_true(in.flags & X86_F_JCC);
	assert_true(in.flags & X86_F_REL);
	hex_bytes("e3 00", code, 16);
	assert_int_equal(x86_decode(code, 2, &in), 0);
	assert_true(in.flags & X86_F_JCC);
	hex_bytes("f3 a6", code, 16);                               /* repe cmpsb */
	assert_int_equal(x86_decode(code, 2, &in), 0);
	assert_int_equal(in.flags & (X86_F_REP | X86_F_REPNE | X86_F_STRING | X86_F_REPCOND),
			 X86_F_REP | X86_F_STRING | X86_F_REPCOND);
	hex_bytes("f3 c3", code, 16);                               /* repz ret: no string */
	assert_int_equal(x86_decode(code, 2, &in), 0);
	assert_int_equal(in.flags & (X86_F_REP | X86_F_RET), X86_F_RET);
	hex_bytes("ff 14 85 00 10 00 00", code, 16);                /* call [eax*4+0x1000] */
	assert_int_equal(x86_decode(code, 7, &in), 0);
	assert_true(in.flags & X86_F_CALL);
	assert_int_equal(in.mem_base, X86_REG_NONE);
	assert_int_equal(in.mem_index, X86_EAX);
	hex_bytes("5d", code, 16);                                  /* pop ebp */
	assert_int_equal(x86_decode(code, 1, &in), 0);
	assert_int_equal(in.dst, X86_OPND_OPREG);
	hex_bytes("83 ec 28", code, 16);
	assert_int_equal(x86_decode(code, 3, &in), 0);
	assert_int_equal(in.src, X86_OPND_IMM);
	assert_int_equal(in.dst, X86_OPND_RM);
}

static void test_format(void **state)
{
	struct x86_insn in;
	uint8_t code[16];
	char buf[X86_FORMAT_MIN], tiny[8];

	(void)state;
	hex_bytes("8b 45 08", code, 16);
	assert_int_equal(x86_decode(code, 3, &in), 0);
	x86_format(code, &in, buf, sizeof buf);
	printf("# %s\n", buf);
	assert_non_null(strstr(buf, "8b 45 08"));
	assert_non_null(strstr(buf, "mov"));
	assert_non_null(strstr(buf, "mod=1 reg=0 rm=5"));
	assert_non_null(strstr(buf, "[ebp+0x8]"));
	assert_non_null(strstr(buf, "src=rm dst=reg"));
	assert_int_equal(x86_format(code, &in, tiny, sizeof tiny), 7);   /* cut, terminated */
	assert_int_equal(strlen(tiny), 7);
	hex_bytes("66 2e 0f 1f 84 00 00 00 00 00 ff", code, 16);         /* the longest form */
	memset(code + 10, 0x90, 1);
	assert_int_equal(x86_decode(code, 11, &in), 0);
	assert_true(x86_format(code, &in, buf, sizeof buf) < sizeof buf - 1);
}

/* --- fuzzing -------------------------------------------------------------------- */

static void test_fuzz_random_bytes(void **state)
{
	uint8_t code[FUZZ_MAX_LEN];
	struct x86_rng r;
	struct x86_insn in;
	unsigned ok = 0;

	(void)state;
	x86_rng_seed(&r, 1);
	for (unsigned i = 0; i < FUZZ_RUNS; i++) {
		size_t n = x86_rng_below(&r, FUZZ_MAX_LEN + 1);

		for (size_t j = 0; j < n; j++)
			code[j] = (uint8_t)x86_rng_next(&r);
		int rc = decode_exact(code, n, &in);
		if (rc == 0) {
			ok++;
			assert_true(in.len <= n);
			assert_true(consistent(&in));
		} else if (rc != -EINVAL && rc != -ENOEXEC) {
			fail_msg("rc %d", rc);
		}
	}
	printf("# %u random byte strings, %u decoded\n", FUZZ_RUNS, ok);
}

/* The real instructions with one to three bytes changed, at every length. */
static void test_fuzz_mutated_vectors(void **state)
{
	char line[256], hex[64];
	uint8_t w[X86_MAX_LEN];
	struct x86_rng r;
	struct x86_insn in;
	unsigned runs = 0;
	FILE *f = fopen(X86_VECTORS, "r");

	(void)state;
	if (!f)
		fail_msg("cannot open %s", X86_VECTORS);
	x86_rng_seed(&r, 2);
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || sscanf(line + (line[0] == 'R' ? 2 : 0), "%63s", hex) != 1)
			continue;
		size_t wn = parse_hex(hex, w, sizeof w);
		for (unsigned m = 1 + x86_rng_below(&r, 3); m > 0 && wn; m--)
			w[x86_rng_below(&r, (uint32_t)wn)] ^= (uint8_t)(1 + x86_rng_below(&r, 255));
		for (size_t n = 0; n <= wn; n++, runs++) {
			int rc = decode_exact(w, n, &in);
			assert_true(rc == 0 || rc == -EINVAL || rc == -ENOEXEC);
			if (rc == 0)
				assert_true(in.len <= n && consistent(&in));
		}
	}
	fclose(f);
	printf("# %u decodes of mutated instructions\n", runs);
}

/* --- fault types --------------------------------------------------------------- */

/* A small function body: each entry one instruction, with the types it is eligible for. */
struct sample {
	const char *hex;
	unsigned types;       /* bit per enum x86_fault */
};

#define T(x) (1u << X86_FAULT_##x)
#define ALWAYS (T(TEXT) | T(NOP) | T(RANDOM))

static const struct sample body[] = {
	{ "55", T(SOURCE) | ALWAYS },                                 /* push ebp */
	{ "89e5", T(SOURCE) | T(DEST) | ALWAYS },                     /* mov ebp,esp */
	{ "8b4508", T(SOURCE) | T(DEST) | T(POINTER) | T(INTERFACE) | ALWAYS },   /* mov eax,[ebp+8] */
	{ "ff750c", T(SOURCE) | T(POINTER) | T(INTERFACE) | ALWAYS }, /* push [ebp+12] */
	{ "8b45f8", T(SOURCE) | T(DEST) | T(POINTER) | ALWAYS },      /* local: no interface */
	{ "8b442404", T(SOURCE) | T(DEST) | T(POINTER) | T(INTERFACE) | ALWAYS }, /* mov eax,[esp+4] */
	{ "8d4508", T(SOURCE) | T(DEST) | T(POINTER) | ALWAYS },      /* lea: no load */
	{ "01450c", T(SOURCE) | T(DEST) | T(POINTER) | ALWAYS },      /* add [ebp+12],eax: RMW */
	{ "83ec28", T(SOURCE) | T(DEST) | ALWAYS },                   /* sub esp,0x28 */
	{ "c745f400000000", T(SOURCE) | T(DEST) | T(POINTER) | ALWAYS },
	{ "a1 7c1b0140", T(SOURCE) | T(POINTER) | ALWAYS },           /* mov eax,[moffs] */
	{ "8b04b5 00100000", T(SOURCE) | T(DEST) | T(POINTER) | ALWAYS },  /* SIB, no base */
	{ "7405", T(LOOP) | ALWAYS },                                  /* je */
	{ "0f8500010000", T(LOOP) | ALWAYS },                          /* jne rel32 */
	{ "e1fe", T(LOOP) | ALWAYS },                                  /* loope */
	{ "e2fe", ALWAYS },                                            /* loop: no condition */
	{ "f3a6", T(LOOP) | ALWAYS },                                  /* repe cmpsb */
	{ "f3a5", ALWAYS },                                            /* rep movsd */
	{ "e800000000", ALWAYS },                                      /* call */
	{ "c9", ALWAYS },                                              /* leave */
	{ "c3", ALWAYS },                                              /* ret */
};
#define NBODY (sizeof body / sizeof body[0])

static size_t build_body(uint8_t *text, size_t *starts)
{
	size_t len = 0;

	for (size_t i = 0; i < NBODY; i++) {
		starts[i] = len;
		len += hex_bytes(body[i].hex, text + len, 256 - len);
	}
	return len;
}

static void test_fault_eligibility(void **state)
{
	uint8_t text[256];
	size_t starts[NBODY], len = build_body(text, starts);
	struct x86_insn in;

	(void)state;
	for (size_t i = 0; i < NBODY; i++) {
		assert_int_equal(x86_decode(text + starts[i], len - starts[i], &in), 0);
		for (int t = 0; t < X86_FAULT_COUNT; t++)
			if (x86_fault_eligible(t, &in) != !!(body[i].types & (1u << t)))
				fail_msg("%s: %s eligible %d", body[i].hex, x86_fault_name(t), x86_fault_eligible(t, &in));
	}
}

/* The patched text decodes to instructions of the same lengths. */
static void assert_same_boundaries(const uint8_t *text, size_t len, const size_t *starts)
{
	struct x86_insn in;

	for (size_t i = 0; i < NBODY; i++) {
		size_t end = i + 1 < NBODY ? starts[i + 1] : len;
		size_t at = starts[i];

		while (at < end) {                     /* NOPs: several instructions */
			assert_int_equal(x86_decode(text + at, len - at, &in), 0);
			at += in.len;
		}
		assert_int_equal(at, end);
	}
}

static void test_fault_patches(void **state)
{
	uint8_t text[256], patched[256];
	size_t starts[NBODY], len = build_body(text, starts);
	struct x86_patch p, q;
	struct x86_rng r1, r2;
	unsigned applied = 0;

	(void)state;
	for (int t = 0; t < X86_FAULT_COUNT; t++)
		for (size_t i = 0; i < NBODY; i++)
			for (uint32_t seed = 0; seed < 64; seed++) {
				int eligible = (body[i].types >> t) & 1;

				x86_rng_seed(&r1, seed);
				x86_rng_seed(&r2, seed);
				int rc = x86_fault_apply(t, text, len, starts[i], &r1, &p);
				assert_int_equal(rc, eligible ? 0 : -ENOENT);
				if (!eligible)
					continue;
				assert_int_equal(x86_fault_apply(t, text, len, starts[i], &r2, &q), 0);
				assert_memory_equal(&p, &q, sizeof p);          /* reproducible */
				assert_memory_equal(p.old, text + p.off, p.len);
				assert_memory_not_equal(p.old, p.new_bytes, p.len);
				memcpy(patched, text, len);
				memcpy(patched + p.off, p.new_bytes, p.len);
				if (p.type == X86_FAULT_TEXT) {
					assert_int_equal(p.len, 1);
					assert_true(__builtin_popcount(p.old[0] ^ p.new_bytes[0]) == 1);
				} else {
					assert_int_equal(p.off, starts[i]);     /* only this instruction */
					assert_int_equal(p.len, (i + 1 < NBODY ? starts[i + 1] : len) - starts[i]);
					assert_same_boundaries(patched, len, starts);
				}
				if (t != X86_FAULT_RANDOM)
					assert_int_equal(p.type, t);
				applied++;
			}
	printf("# %u patches checked\n", applied);
}

/* What each type does to one known instruction. */
static void test_fault_effects(void **state)
{
	uint8_t text[256];
	size_t starts[NBODY], len = build_body(text, starts);
	struct x86_patch p;
	struct x86_rng r;
	struct x86_insn in;

	(void)state;
	x86_rng_seed(&r, 7);
	/* je -> jne; jne rel32 -> je rel32; loope -> loopne; repe -> repne */
	assert_int_equal(x86_fault_apply(X86_FAULT_LOOP, text, len, starts[12], &r, &p), 0);
	assert_int_equal(p.new_bytes[0], 0x75);
	assert_int_equal(x86_fault_apply(X86_FAULT_LOOP, text, len, starts[13], &r, &p), 0);
	assert_int_equal(p.new_bytes[1], 0x84);
	assert_int_equal(x86_fault_apply(X86_FAULT_LOOP, text, len, starts[14], &r, &p), 0);
	assert_int_equal(p.new_bytes[0], 0xe0);
	assert_int_equal(x86_fault_apply(X86_FAULT_LOOP, text, len, starts[16], &r, &p), 0);
	assert_int_equal(p.new_bytes[0], 0xf2);
	/* interface and nop: all NOPs */
	assert_int_equal(x86_fault_apply(X86_FAULT_INTERFACE, text, len, starts[2], &r, &p), 0);
	assert_memory_equal(p.new_bytes, "\x90\x90\x90", 3);
	/* source of mov eax,[ebp+8] is memory: the opcode and reg field stay */
	for (uint32_t s = 0; s < 32; s++) {
		x86_rng_seed(&r, s);
		assert_int_equal(x86_fault_apply(X86_FAULT_SOURCE, text, len, starts[2], &r, &p), 0);
		assert_int_equal(x86_decode(p.new_bytes, p.len, &in), 0);
		assert_int_equal(in.opcode, 0x8b);
		assert_int_equal(in.reg, X86_EAX);
		assert_true(in.has_mem);
		/* destination: the register, memory untouched */
		assert_int_equal(x86_fault_apply(X86_FAULT_DEST, text, len, starts[2], &r, &p), 0);
		assert_int_equal(x86_decode(p.new_bytes, p.len, &in), 0);
		assert_int_not_equal(in.reg, X86_EAX);
		assert_int_equal(in.mem_base, X86_EBP);
		assert_int_equal(in.disp, 8);
		/* sub esp,0x28: source is the immediate, one bit */
		assert_int_equal(x86_fault_apply(X86_FAULT_SOURCE, text, len, starts[8], &r, &p), 0);
		assert_int_equal(__builtin_popcount(p.new_bytes[2] ^ 0x28), 1);
		assert_memory_equal(p.new_bytes, "\x83\xec", 2);
	}
	assert_int_equal(x86_fault_apply(X86_FAULT_SOURCE, text, len, len, &r, &p), -EINVAL);
	assert_int_equal(x86_fault_apply(X86_FAULT_COUNT, text, len, 0, &r, &p), -EINVAL);
	assert_int_equal(x86_fault_apply(X86_FAULT_NOP, (const uint8_t *)"\xd6", 1, 0, &r, &p), -ENOEXEC);
}

static void test_fault_pick(void **state)
{
	uint8_t text[256];
	size_t starts[NBODY], len = build_body(text, starts), off;
	struct x86_rng r1, r2;
	unsigned hits[NBODY] = { 0 };

	(void)state;
	for (int t = 0; t < X86_FAULT_COUNT; t++) {
		memset(hits, 0, sizeof hits);
		x86_rng_seed(&r1, 42);
		x86_rng_seed(&r2, 42);
		for (unsigned k = 0; k < 2000; k++) {
			size_t off2;

			assert_int_equal(x86_fault_pick(t, text, len, &r1, &off), 0);
			assert_int_equal(x86_fault_pick(t, text, len, &r2, &off2), 0);
			assert_int_equal(off, off2);
			size_t i = 0;
			while (i < NBODY && starts[i] != off)
				i++;
			assert_true(i < NBODY);
			assert_true(body[i].types & (1u << t));
			hits[i]++;
		}
		for (size_t i = 0; i < NBODY; i++)        /* every eligible one gets picked */
			if (body[i].types & (1u << t))
				assert_true(hits[i] > 0);
	}
	/* an undecodable byte is skipped, and nothing eligible is -ENOENT */
	assert_int_equal(x86_fault_pick(X86_FAULT_LOOP, (const uint8_t *)"\xd6\x74\x00", 3, &r1, &off), 0);
	assert_int_equal(off, 1);
	assert_int_equal(x86_fault_pick(X86_FAULT_LOOP, (const uint8_t *)"\x90\x90", 2, &r1, &off), -ENOENT);
	memset(hits, 0, sizeof hits);                  /* RANDOM resolves to each of the seven */
	for (unsigned k = 0; k < 7000; k++)
		hits[x86_fault_choose(X86_FAULT_RANDOM, &r1)]++;
	for (int t = 0; t < X86_FAULT_RANDOM; t++)
		assert_true(hits[t] > 800 && hits[t] < 1200);
	assert_int_equal(hits[X86_FAULT_RANDOM], 0);
	assert_int_equal(x86_fault_choose(X86_FAULT_LOOP, &r1), X86_FAULT_LOOP);
	assert_int_equal(x86_fault_from_name("pointer"), X86_FAULT_POINTER);
	assert_int_equal(x86_fault_from_name("bogus"), -EINVAL);
	assert_string_equal(x86_fault_name(X86_FAULT_DEST), "destination");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_objdump_vectors),
		cmocka_unit_test(test_known_instructions),
		cmocka_unit_test(test_undefined_opcodes),
		cmocka_unit_test(test_operands_and_flags),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_fuzz_random_bytes),
		cmocka_unit_test(test_fuzz_mutated_vectors),
		cmocka_unit_test(test_fault_eligibility),
		cmocka_unit_test(test_fault_patches),
		cmocka_unit_test(test_fault_effects),
		cmocka_unit_test(test_fault_pick),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
