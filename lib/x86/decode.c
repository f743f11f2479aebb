/*
 * decode: length and operand decoding of one 32-bit protected-mode x86
 * instruction (interface in include/bulkhead/x86.h). Written from the
 * opcode maps of the Intel SDM, volume 2, appendix A. Freestanding: no
 * library calls, no allocation; every byte read is checked against `max`.
 */
#include <bulkhead/x86.h>
#include <bulkhead/errno.h>

/* Opcode attributes. */
#define A_M       0x001   /* has a ModR/M byte */
#define A_I8      0x002   /* imm8 */
#define A_IZ      0x004   /* imm16 or imm32, by operand size */
#define A_IW      0x008   /* imm16 */
#define A_BAD     0x010   /* undefined in 32-bit mode */
#define A_SPECIAL 0x020   /* operands decoded by special_operands() */
#define A_REL     0x040   /* the immediate is a relative branch target */
#define A_MEMONLY 0x080   /* ModR/M must name memory (mod != 3) */
#define A_REGONLY 0x100   /* mod is ignored: always a register (MOV CR/DR) */
#define A_REGFORM 0x200   /* ModR/M must name a register (mod == 3) */

/* Short names so that each table row reads like a row of the SDM map. */
#define _  0
#define M  A_M
#define MB (A_M | A_I8)
#define MZ (A_M | A_IZ)
#define MM (A_M | A_MEMONLY)
#define MR (A_M | A_REGFORM)
#define MRB (A_M | A_REGFORM | A_I8)
#define RM (A_M | A_REGONLY)
#define B  A_I8
#define Z  A_IZ
#define W  A_IW
#define X  A_BAD
#define S  A_SPECIAL
#define MS (A_M | A_SPECIAL)
#define JB (A_I8 | A_REL)
#define JZ (A_IZ | A_REL)

/* The one-byte map. Prefix bytes (26 2E 36 3E 64-67 F0 F2 F3) and the 0F
 * escape never reach the table; they are marked _ . C4/C5 (LES/LDS) and 62
 * (BOUND) with a register operand are VEX/EVEX in 32-bit mode: refused. */
static const uint16_t map_one[256] = {
/*        0   1   2   3   4   5   6   7   8   9   A   B   C   D   E   F */
/* 0 */   M,  M,  M,  M,  B,  Z,  _,  _,  M,  M,  M,  M,  B,  Z,  _,  _,
/* 1 */   M,  M,  M,  M,  B,  Z,  _,  _,  M,  M,  M,  M,  B,  Z,  _,  _,
/* 2 */   M,  M,  M,  M,  B,  Z,  _,  _,  M,  M,  M,  M,  B,  Z,  _,  _,
/* 3 */   M,  M,  M,  M,  B,  Z,  _,  _,  M,  M,  M,  M,  B,  Z,  _,  _,
/* 4 */   _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,
/* 5 */   _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,
/* 6 */   _,  _, MM,  M,  _,  _,  _,  _,  Z, MZ,  B, MB,  _,  _,  _,  _,
/* 7 */  JB, JB, JB, JB, JB, JB, JB, JB, JB, JB, JB, JB, JB, JB, JB, JB,
/* 8 */  MB, MZ, MB, MB,  M,  M,  M,  M,  M,  M,  M,  M,  M, MM,  M,  M,
/* 9 */   _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  S,  _,  _,  _,  _,  _,
/* A */   S,  S,  S,  S,  _,  _,  _,  _,  B,  Z,  _,  _,  _,  _,  _,  _,
/* B */   B,  B,  B,  B,  B,  B,  B,  B,  Z,  Z,  Z,  Z,  Z,  Z,  Z,  Z,
/* C */  MB, MB,  W,  _, MM, MM, MB, MZ,  S,  _,  W,  _,  _,  B,  _,  _,
/* D */   M,  M,  M,  M,  B,  B,  X,  _,  M,  M,  M,  M,  M,  M,  M,  M,
/* E */  JB, JB, JB, JB,  B,  B,  B,  B, JZ, JZ,  S, JB,  _,  _,  _,  _,
/* F */   _,  _,  _,  _,  _,  _, MS, MS,  _,  _,  _,  _,  _,  _,  M,  M,
};

/* The two-byte map (0F xx). 0F 38 and 0F 3A escape to three-byte maps;
 * 0F 0F (3DNow!) ends in an imm8 that selects the operation; with 66 or F2,
 * 0F 78 is SSE4a EXTRQ/INSERTQ with two imm8. */
static const uint16_t map_0f[256] = {
/*        0   1   2   3   4   5   6   7   8   9   A   B   C   D   E   F */
/* 0 */   M,  M,  M,  M,  X,  _,  _,  _,  _,  _,  X,  _,  X, MM,  _, MS,
/* 1 */   M,  M,  M, MM,  M,  M,  M, MM,  M,  M,  M,  M,  M,  M,  M,  M,
/* 2 */  RM, RM, RM, RM,  X,  X,  X,  X,  M,  M,  M, MM,  M,  M,  M,  M,
/* 3 */   _,  _,  _,  _,  _,  _,  X,  _,  X,  X,  X,  X,  X,  X,  X,  X,
/* 4 */   M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,
/* 5 */  MR,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,
/* 6 */   M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,
/* 7 */  MB, MB, MB, MB,  M,  M,  M,  _, MS,  M,  X,  X,  M,  M,  M,  M,
/* 8 */  JZ, JZ, JZ, JZ, JZ, JZ, JZ, JZ, JZ, JZ, JZ, JZ, JZ, JZ, JZ, JZ,
/* 9 */   M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,  M,
/* A */   _,  _,  _,  M, MB,  M,  X,  X,  _,  _,  _,  M, MB,  M,  M,  M,
/* B */   M,  M, MM,  M, MM, MM,  M,  M,  M,  M, MB,  M,  M,  M,  M,  M,
/* C */   M,  M, MB, MM, MB,MRB, MB,  M,  _,  _,  _,  _,  _,  _,  _,  _,
/* D */   M,  M,  M,  M,  M,  M,  M, MR,  M,  M,  M,  M,  M,  M,  M,  M,
/* E */   M,  M,  M,  M,  M,  M,  M, MM,  M,  M,  M,  M,  M,  M,  M,  M,
/* F */  MM,  M,  M,  M,  M,  M,  M, MR,  M,  M,  M,  M,  M,  M,  M,  M,
};

#undef _
#undef M
#undef MB
#undef MZ
#undef MM
#undef MR
#undef MRB
#undef RM
#undef B
#undef Z
#undef W
#undef X
#undef S
#undef MS
#undef JB
#undef JZ

/* The defined opcodes of the three-byte maps (all have ModR/M; 0F3A also an
 * imm8) and the mandatory prefixes each allows: none, 66, F3, F2. */
#define NP   0x1
#define P66  0x2
#define PF3  0x4
#define PF2  0x8

struct range { uint8_t lo, hi, prefixes; };

static const struct range map_0f38_defined[] = {
	{ 0x00, 0x0b, NP | P66 }, { 0x10, 0x10, P66 }, { 0x14, 0x15, P66 }, { 0x17, 0x17, P66 },
	{ 0x1c, 0x1e, NP | P66 }, { 0x20, 0x25, P66 }, { 0x28, 0x2b, P66 }, { 0x30, 0x35, P66 },
	{ 0x37, 0x41, P66 }, { 0x80, 0x82, P66 }, { 0xc8, 0xcd, NP }, { 0xcf, 0xcf, P66 },
	{ 0xdb, 0xdf, P66 }, { 0xf0, 0xf1, NP | P66 | PF2 }, { 0xf5, 0xf5, P66 },
	{ 0xf6, 0xf6, NP | P66 | PF3 }, { 0xf8, 0xf8, P66 | PF3 | PF2 }, { 0xf9, 0xf9, NP },
};

static const struct range map_0f3a_defined[] = {
	{ 0x08, 0x0e, P66 }, { 0x0f, 0x0f, NP | P66 }, { 0x14, 0x17, P66 }, { 0x20, 0x22, P66 },
	{ 0x40, 0x42, P66 }, { 0x44, 0x44, P66 }, { 0x60, 0x63, P66 }, { 0xcc, 0xcc, NP },
	{ 0xce, 0xcf, P66 }, { 0xdf, 0xdf, P66 },
};

/* Two-byte opcodes that exist only with some mandatory prefixes. */
static const struct range map_0f_prefixed[] = {
	{ 0x6c, 0x6d, P66 }, { 0x7c, 0x7d, P66 | PF2 }, { 0xb8, 0xb8, PF3 },
	{ 0xd0, 0xd0, P66 | PF2 }, { 0xd6, 0xd6, P66 | PF3 | PF2 }, { 0xe6, 0xe6, P66 | PF3 | PF2 },
	{ 0xf0, 0xf0, PF2 },
};

/* The imm8 suffixes that select a 3DNow! operation (0F 0F /r ib). */
static const uint8_t amd3dnow_ops[] = {
	0x0c, 0x0d, 0x1c, 0x1d, 0x8a, 0x8e, 0x90, 0x94, 0x96, 0x97, 0x9a, 0x9e,
	0xa0, 0xa4, 0xa6, 0xa7, 0xaa, 0xae, 0xb0, 0xb4, 0xb6, 0xb7, 0xbb, 0xbf,
};

static int amd3dnow_defined(uint8_t op)
{
	for (size_t i = 0; i < sizeof amd3dnow_ops; i++)
		if (amd3dnow_ops[i] == op)
			return 1;
	return 0;
}

#define NRANGES(a) (sizeof(a) / sizeof((a)[0]))

/* Reserved x87 encodings (SDM vol. 2, A.4): ModR/M bytes of the register
 * forms, and the ModR/M.reg of the memory forms. DB E0-E5 (8087/287 FENI,
 * FDISI, FSETPM, FRSTPM) and DF C0-C7 (FFREEP) execute, so they are kept. */
struct x87_reserved { uint8_t op, lo, hi; };

static const struct x87_reserved x87_reserved_reg[] = {
	{ 0xd9, 0xd1, 0xdf }, { 0xd9, 0xe2, 0xe3 }, { 0xd9, 0xe6, 0xe7 }, { 0xd9, 0xef, 0xef },
	{ 0xda, 0xe0, 0xe8 }, { 0xda, 0xea, 0xff }, { 0xdb, 0xe6, 0xe7 }, { 0xdb, 0xf8, 0xff },
	{ 0xdc, 0xd0, 0xdf }, { 0xdd, 0xc8, 0xcf }, { 0xdd, 0xf0, 0xff }, { 0xde, 0xd0, 0xd8 },
	{ 0xde, 0xda, 0xdf }, { 0xdf, 0xc8, 0xdf }, { 0xdf, 0xe1, 0xe7 }, { 0xdf, 0xf8, 0xff },
};

static const struct x87_reserved x87_reserved_mem[] = {
	{ 0xd9, 1, 1 }, { 0xdb, 4, 4 }, { 0xdb, 6, 6 }, { 0xdd, 5, 5 },
};

static int x87_defined(uint8_t op, uint8_t mod, uint8_t reg, uint8_t rm)
{
	const struct x87_reserved *t = mod == 3 ? x87_reserved_reg : x87_reserved_mem;
	size_t n = mod == 3 ? NRANGES(x87_reserved_reg) : NRANGES(x87_reserved_mem);
	uint8_t v = mod == 3 ? (uint8_t)(0xc0 | reg << 3 | rm) : reg;

	for (size_t i = 0; i < n; i++)
		if (t[i].op == op && v >= t[i].lo && v <= t[i].hi)
			return 0;
	return 1;
}

/* The mandatory prefix: the last F2/F3 if any, else 66, else none. */
static uint8_t mandatory_prefix(const struct x86_insn *in)
{
	uint8_t mp = (in->flags & X86_F_OPSIZE) ? P66 : NP;

	for (unsigned i = 0; i < in->nprefix; i++)
		if (in->prefix[i] == 0xf3 || in->prefix[i] == 0xf2)
			mp = in->prefix[i] == 0xf3 ? PF3 : PF2;
	return mp;
}

static int in_any_range(const struct range *r, size_t n, uint8_t op)
{
	for (size_t i = 0; i < n; i++)
		if (op >= r[i].lo && op <= r[i].hi)
			return 1;
	return 0;
}

static int in_ranges(const struct range *r, size_t n, uint8_t op, uint8_t mp)
{
	for (size_t i = 0; i < n; i++)
		if (op >= r[i].lo && op <= r[i].hi)
			return (r[i].prefixes & mp) != 0;
	return 0;
}

/* A cursor over the bytes: every read goes through take(). */
struct cur {
	const uint8_t *code;
	size_t max, pos;
};

static int take(struct cur *c, uint8_t *b)
{
	if (c->pos >= X86_MAX_LEN)
		return -ENOEXEC;
	if (c->pos >= c->max)
		return -EINVAL;
	*b = c->code[c->pos++];
	return 0;
}

/* Reads n (1, 2 or 4) little-endian bytes, sign-extended. */
static int take_n(struct cur *c, unsigned n, int32_t *v)
{
	uint32_t u = 0;
	uint8_t b;
	int rc;

	for (unsigned i = 0; i < n; i++) {
		rc = take(c, &b);
		if (rc)
			return rc;
		u |= (uint32_t)b << (8 * i);
	}
	if (n == 1)
		*v = (int8_t)u;
	else if (n == 2)
		*v = (int16_t)u;
	else
		*v = (int32_t)u;
	return 0;
}

static int skip(struct cur *c, unsigned n)
{
	uint8_t b;
	int rc;

	for (unsigned i = 0; i < n; i++) {
		rc = take(c, &b);
		if (rc)
			return rc;
	}
	return 0;
}

static int is_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return 1;
	default:
		return 0;
	}
}

/* Prefixes, then the opcode bytes and the map; returns the opcode's attributes. */
static int decode_opcode(struct cur *c, struct x86_insn *in, uint16_t *attr)
{
	uint8_t b;
	int rc;

	for (;;) {
		rc = take(c, &b);
		if (rc)
			return rc;
		if (!is_prefix(b))
			break;
		in->prefix[in->nprefix++] = b;
		if (b == 0x66)
			in->flags |= X86_F_OPSIZE;
		else if (b == 0x67)
			in->flags |= X86_F_ADSIZE;
		else if (b == 0xf0)
			in->flags |= X86_F_LOCK;
	}
	in->opcode_off = (uint8_t)(c->pos - 1);
	in->map = X86_MAP_ONE;
	if (b == 0x0f) {
		rc = take(c, &b);
		if (rc)
			return rc;
		in->map = X86_MAP_0F;
		if (b == 0x38 || b == 0x3a) {
			in->map = b == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
			rc = take(c, &b);
			if (rc)
				return rc;
		}
	}
	in->opcode = b;
	in->opcode_len = (uint8_t)(c->pos - in->opcode_off);
	switch (in->map) {
	case X86_MAP_ONE:
		*attr = map_one[b];
		break;
	case X86_MAP_0F:
		*attr = map_0f[b];
		if (in_any_range(map_0f_prefixed, NRANGES(map_0f_prefixed), b) &&
		    !in_ranges(map_0f_prefixed, NRANGES(map_0f_prefixed), b, mandatory_prefix(in)))
			*attr = A_BAD;
		break;
	case X86_MAP_0F38:
		*attr = in_ranges(map_0f38_defined, NRANGES(map_0f38_defined), b, mandatory_prefix(in)) ?
			A_M : A_BAD;
		break;
	default:
		*attr = in_ranges(map_0f3a_defined, NRANGES(map_0f3a_defined), b, mandatory_prefix(in)) ?
			A_M | A_I8 : A_BAD;
		break;
	}
	return (*attr & A_BAD) ? -ENOEXEC : 0;
}

static const uint8_t base16[8]  = { X86_EBX, X86_EBX, X86_EBP, X86_EBP, X86_ESI, X86_EDI, X86_EBP, X86_EBX };
static const uint8_t index16[8] = { X86_ESI, X86_EDI, X86_ESI, X86_EDI, X86_REG_NONE, X86_REG_NONE,
				    X86_REG_NONE, X86_REG_NONE };

static int decode_disp(struct cur *c, struct x86_insn *in, unsigned size)
{
	in->disp_off = (uint8_t)c->pos;
	in->disp_size = (uint8_t)size;
	return size ? take_n(c, size, &in->disp) : 0;
}

/* 16-bit addressing (67 prefix): no SIB; [bp] with mod 0 means disp16. */
static int decode_mem16(struct cur *c, struct x86_insn *in)
{
	unsigned size = in->mod == 1 ? 1 : in->mod == 2 ? 2 : 0;

	in->mem_base = base16[in->rm];
	in->mem_index = index16[in->rm];
	if (in->mod == 0 && in->rm == 6) {
		in->mem_base = X86_REG_NONE;
		size = 2;
	}
	return decode_disp(c, in, size);
}

static int decode_mem32(struct cur *c, struct x86_insn *in)
{
	unsigned size = in->mod == 1 ? 1 : in->mod == 2 ? 4 : 0;
	uint8_t sib;
	int rc;

	in->mem_base = in->rm;
	in->mem_index = X86_REG_NONE;
	if (in->rm == 4) {
		in->sib_off = (uint8_t)c->pos;
		rc = take(c, &sib);
		if (rc)
			return rc;
		in->has_sib = 1;
		in->scale = sib >> 6;
		in->index = (sib >> 3) & 7;
		in->base = sib & 7;
		in->mem_base = in->base;
		in->mem_index = in->index == 4 ? X86_REG_NONE : in->index;
		if (in->mod == 0 && in->base == 5) {
			in->mem_base = X86_REG_NONE;
			size = 4;
		}
	} else if (in->mod == 0 && in->rm == 5) {
		in->mem_base = X86_REG_NONE;
		size = 4;
	}
	return decode_disp(c, in, size);
}

static int decode_modrm(struct cur *c, struct x86_insn *in, uint16_t attr)
{
	uint8_t m;
	int rc;

	in->modrm_off = (uint8_t)c->pos;
	rc = take(c, &m);
	if (rc)
		return rc;
	in->has_modrm = 1;
	in->mod = m >> 6;
	in->reg = (m >> 3) & 7;
	in->rm = m & 7;
	if (attr & A_REGONLY)
		return 0;
	if (in->mod == 3)
		return (attr & A_MEMONLY) ? -ENOEXEC : 0;
	if (attr & A_REGFORM)
		return -ENOEXEC;
	in->has_mem = 1;
	return (in->flags & X86_F_ADSIZE) ? decode_mem16(c, in) : decode_mem32(c, in);
}

/* Group encodings whose ModR/M.reg (or form) is undefined. */
static int group_defined(const struct x86_insn *in)
{
	uint8_t r = in->reg, reg_form = in->mod == 3;

	if (in->map == X86_MAP_ONE) {
		switch (in->opcode) {
		case 0x8f: return r == 0;                          /* others: XOP */
		case 0xc6: case 0xc7:
			return r == 0 || (reg_form && r == 7 && in->rm == 0);   /* XABORT, XBEGIN */
		case 0xfe: return r <= 1;
		case 0xff: return r != 7 && !(reg_form && (r == 3 || r == 5));
		default:
			return in->opcode < 0xd8 || x87_defined(in->opcode, in->mod, r, in->rm);
		}
	}
	if (in->map != X86_MAP_0F)
		return 1;
	switch (in->opcode) {
	case 0x00: return r < 6;
	case 0xae: return !reg_form || r >= 5;                     /* LFENCE MFENCE SFENCE */
	case 0xba: return r >= 4;
	case 0xc7: return reg_form ? r >= 6 : (r == 1 || r >= 3);  /* RDRAND/RDSEED, memory forms */
	case 0x71: case 0x72: return reg_form && (r == 2 || r == 4 || r == 6);
	case 0x73: return reg_form && (r == 2 || r == 3 || r == 6 || r == 7);
	default: return 1;
	}
}

static unsigned size_z(const struct x86_insn *in)
{
	return (in->flags & X86_F_OPSIZE) ? 2 : 4;
}

/* Operands that the attribute bits cannot describe. */
static int special_operands(struct cur *c, struct x86_insn *in, unsigned *imm)
{
	uint8_t op = in->opcode;

	if (in->map == X86_MAP_0F && op == 0x0f) {           /* 3DNow!: imm8 selects */
		*imm = 1;
		return 0;
	}
	if (in->map == X86_MAP_0F) {                         /* 78: VMREAD; EXTRQ/INSERTQ ib, ib */
		*imm = mandatory_prefix(in) & (P66 | PF2) ? 2 : 0;
		return 0;
	}
	switch (op) {
	case 0x9a: case 0xea:                         /* far pointer: offset, selector */
		in->flags |= X86_F_FARPTR;
		*imm = size_z(in) + 2;
		return 0;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:   /* moffs: an address, no ModR/M */
		in->has_mem = 1;
		in->mem_base = in->mem_index = X86_REG_NONE;
		return decode_disp(c, in, (in->flags & X86_F_ADSIZE) ? 2 : 4);
	case 0xc8:                                    /* ENTER imm16, imm8 */
		*imm = 3;
		return 0;
	default:                                      /* F6/F7: TEST has an immediate */
		if (in->reg <= 1)
			*imm = op == 0xf6 ? 1 : size_z(in);
		return 0;
	}
}

static unsigned imm_size(const struct x86_insn *in, uint16_t attr)
{
	if (attr & A_IZ)
		return size_z(in);
	if (attr & A_IW)
		return 2;
	return (attr & A_I8) ? 1 : 0;
}

static void set_ops(struct x86_insn *in, uint8_t src, uint8_t dst)
{
	in->src = src;
	in->dst = dst;
}

/* Classic d-bit encodings: bit 1 set means reg is the destination. */
static void ops_dbit(struct x86_insn *in)
{
	if (in->opcode & 2)
		set_ops(in, X86_OPND_RM, X86_OPND_REG);
	else
		set_ops(in, X86_OPND_REG, X86_OPND_RM);
}

static void ops_group(struct x86_insn *in)
{
	uint8_t op = in->opcode, r = in->reg;

	switch (op) {
	case 0x80: case 0x81: case 0x82: case 0x83: case 0xc0: case 0xc1: case 0xc6: case 0xc7:
		set_ops(in, X86_OPND_IMM, X86_OPND_RM);
		break;
	case 0xd0: case 0xd1: case 0xd2: case 0xd3: case 0x8f:
		set_ops(in, X86_OPND_NONE, X86_OPND_RM);
		break;
	case 0xf6: case 0xf7:
		if (r <= 1)
			set_ops(in, X86_OPND_IMM, X86_OPND_RM);
		else if (r <= 3)
			set_ops(in, X86_OPND_RM, X86_OPND_RM);   /* NOT, NEG */
		else
			set_ops(in, X86_OPND_RM, X86_OPND_NONE); /* MUL, DIV: implicit EDX:EAX */
		break;
	case 0xfe: case 0xff:
		if (r <= 1)
			set_ops(in, X86_OPND_RM, X86_OPND_RM);   /* INC, DEC */
		else
			set_ops(in, X86_OPND_RM, X86_OPND_NONE); /* CALL, JMP, PUSH */
		break;
	}
}

/* x87 with a memory operand: loads read it, stores (reg 2, 3, and 7 of the
 * 64-bit integer form) write it. */
static void ops_x87(struct x86_insn *in)
{
	uint8_t op = in->opcode, r = in->reg;

	if (in->mod == 3)
		return;
	if (!(op & 1) || r == 0 || r == 5)
		set_ops(in, X86_OPND_RM, X86_OPND_NONE);
	else if (r == 2 || r == 3 || r == 7)
		set_ops(in, X86_OPND_NONE, X86_OPND_RM);
}

static void ops_one(struct x86_insn *in)
{
	uint8_t op = in->opcode;

	if (op < 0x40 && (op & 7) < 4)
		ops_dbit(in);
	else if (op < 0x40 && (op & 7) < 6)
		set_ops(in, X86_OPND_IMM, X86_OPND_ACC);
	else if (op >= 0x40 && op < 0x50)
		set_ops(in, X86_OPND_OPREG, X86_OPND_OPREG);        /* INC, DEC */
	else if (op >= 0x50 && op < 0x58)
		set_ops(in, X86_OPND_OPREG, X86_OPND_NONE);         /* PUSH */
	else if (op >= 0x58 && op < 0x60)
		set_ops(in, X86_OPND_NONE, X86_OPND_OPREG);         /* POP */
	else if (op >= 0x88 && op <= 0x8b)
		ops_dbit(in);
	else if (op == 0x84 || op == 0x85 || op == 0x86 || op == 0x87 || op == 0x8c)
		set_ops(in, X86_OPND_REG, X86_OPND_RM);
	else if (op == 0x8d || op == 0x8e || op == 0x69 || op == 0x6b)
		set_ops(in, X86_OPND_RM, X86_OPND_REG);
	else if (op == 0x68 || op == 0x6a)
		set_ops(in, X86_OPND_IMM, X86_OPND_NONE);
	else if (op == 0xa8 || op == 0xa9)
		set_ops(in, X86_OPND_IMM, X86_OPND_ACC);
	else if (op == 0xa0 || op == 0xa1)
		set_ops(in, X86_OPND_MOFFS, X86_OPND_ACC);
	else if (op == 0xa2 || op == 0xa3)
		set_ops(in, X86_OPND_ACC, X86_OPND_MOFFS);
	else if (op >= 0x91 && op <= 0x97)
		set_ops(in, X86_OPND_OPREG, X86_OPND_ACC);          /* XCHG eAX, r */
	else if (op >= 0xb0 && op <= 0xbf)
		set_ops(in, X86_OPND_IMM, X86_OPND_OPREG);
	else if (op >= 0xd8 && op <= 0xdf)
		ops_x87(in);
	else if (in->has_modrm)
		ops_group(in);
}

/* SSE/MMX moves that store: ModR/M.rm is written. */
static int sse_store(uint8_t op)
{
	switch (op) {
	case 0x11: case 0x13: case 0x17: case 0x29: case 0x2b: case 0x7e: case 0x7f:
	case 0xc3: case 0xd6: case 0xe7:
		return 1;
	default:
		return 0;
	}
}

static void ops_0f(struct x86_insn *in)
{
	uint8_t op = in->opcode;

	if ((op >= 0x40 && op <= 0x4f) || op == 0xaf || op == 0xb6 || op == 0xb7 ||
	    op == 0xbc || op == 0xbd || op == 0xbe || op == 0xbf || op == 0xb8)
		set_ops(in, X86_OPND_RM, X86_OPND_REG);
	else if (op >= 0x90 && op <= 0x9f)
		set_ops(in, X86_OPND_NONE, X86_OPND_RM);            /* SETcc */
	else if (op == 0xa3 || op == 0xab || op == 0xb3 || op == 0xbb || op == 0xa4 ||
		 op == 0xa5 || op == 0xac || op == 0xad || op == 0xb0 || op == 0xb1 ||
		 op == 0xc0 || op == 0xc1)
		set_ops(in, X86_OPND_REG, X86_OPND_RM);
	else if (op == 0xba)
		set_ops(in, X86_OPND_IMM, X86_OPND_RM);
	else if (op >= 0xc8 && op <= 0xcf)
		set_ops(in, X86_OPND_OPREG, X86_OPND_OPREG);        /* BSWAP */
	else if (sse_store(op))
		set_ops(in, X86_OPND_REG, X86_OPND_RM);
	else if ((op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2f) ||
		 (op >= 0x50 && op <= 0x6f) || op >= 0xd0)
		set_ops(in, X86_OPND_RM, X86_OPND_REG);
}

static void set_flags(struct x86_insn *in, uint8_t last_rep)
{
	uint8_t op = in->opcode;

	if (in->map == X86_MAP_0F) {
		if (op >= 0x80 && op <= 0x8f)
			in->flags |= X86_F_JCC;
		ops_0f(in);
		return;
	}
	if (in->map != X86_MAP_ONE)
		return;
	if ((op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3))
		in->flags |= X86_F_JCC;
	else if (op == 0xe8 || op == 0x9a || (op == 0xff && (in->reg == 2 || in->reg == 3)))
		in->flags |= X86_F_CALL;
	else if (op == 0xe9 || op == 0xeb || op == 0xea || (op == 0xff && (in->reg == 4 || in->reg == 5)))
		in->flags |= X86_F_JMP;
	else if (op == 0xc2 || op == 0xc3 || op == 0xca || op == 0xcb || op == 0xcf)
		in->flags |= X86_F_RET;
	if ((op >= 0x6c && op <= 0x6f) || (op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf)) {
		in->flags |= X86_F_STRING;
		if (op == 0xa6 || op == 0xa7 || op == 0xae || op == 0xaf)
			in->flags |= X86_F_REPCOND;
		if (last_rep)
			in->flags |= last_rep == 0xf3 ? X86_F_REP : X86_F_REPNE;
	}
	ops_one(in);
}

static uint8_t last_rep_prefix(const struct x86_insn *in)
{
	uint8_t rep = 0;

	for (unsigned i = 0; i < in->nprefix; i++)
		if (in->prefix[i] == 0xf2 || in->prefix[i] == 0xf3)
			rep = in->prefix[i];
	return rep;
}

static int decode_operands(struct cur *c, struct x86_insn *in, uint16_t attr)
{
	unsigned imm;
	int rc;

	if (attr & A_M) {
		rc = decode_modrm(c, in, attr);
		if (rc)
			return rc;
		if (!group_defined(in))
			return -ENOEXEC;
	}
	imm = imm_size(in, attr);
	if (attr & A_SPECIAL) {
		rc = special_operands(c, in, &imm);
		if (rc)
			return rc;
	}
	if (in->map == X86_MAP_ONE && in->opcode == 0xc7 && in->mod == 3 && in->reg == 7)
		attr |= A_REL;                                /* XBEGIN rel32 */
	if (attr & A_REL)
		in->flags |= X86_F_REL;
	in->imm_off = (uint8_t)c->pos;
	in->imm_size = (uint8_t)imm;
	rc = skip(c, imm);
	if (!rc && in->map == X86_MAP_0F && in->opcode == 0x0f &&
	    !amd3dnow_defined(c->code[in->imm_off]))
		rc = -ENOEXEC;
	return rc;
}

int x86_decode(const uint8_t *code, size_t max, struct x86_insn *out)
{
	struct cur c = { code, max, 0 };
	struct x86_insn in;
	uint16_t attr;
	int rc;

	if (!code || !out)
		return -EINVAL;
	for (size_t i = 0; i < sizeof in; i++)
		((uint8_t *)&in)[i] = 0;
	in.mem_base = in.mem_index = X86_REG_NONE;
	rc = decode_opcode(&c, &in, &attr);
	if (!rc)
		rc = decode_operands(&c, &in, attr);
	if (rc)
		return rc;
	in.len = (uint8_t)c.pos;
	set_flags(&in, last_rep_prefix(&in));
	*out = in;
	return 0;
}
