/*
 * faults: the eight fault types of the MINIX 3 / Nooks software fault
 * injector over decoded x86 instructions (interface in include/bulkhead/x86.h).
 *
 * Every type but `text` rewrites bytes of one instruction only, keeping its
 * length, so the instructions after it still decode as before:
 *   source       corrupt the source operand: its register field (ModR/M reg or
 *                rm, or the register in the opcode), a bit of its immediate,
 *                or, if it is memory, its address (as `pointer` does)
 *   destination  the same for the destination operand
 *   pointer      corrupt the address of the memory operand: a bit of the
 *                displacement, the base register (ModR/M rm or SIB base) or
 *                the SIB index/scale, only among encodings of the same length
 *   interface    NOP out a load of a function argument: a read (not LEA, not
 *                read-modify-write) of [ebp+d], d >= 8, or [esp+d], d >= 4
 *   loop         invert a conditional branch (low bit of Jcc, LOOPE<->LOOPNE)
 *                or the condition of REPE/REPNE CMPS/SCAS (F3<->F2)
 *   text         flip one random bit anywhere in the text
 *   nop          replace the instruction by one-byte NOPs
 *   random       one of the seven above, among those the instruction allows
 */
#include <bulkhead/x86.h>
#include <bulkhead/errno.h>
#include <string.h>

#define NOP_BYTE 0x90
#define ARG_MIN_EBP 8      /* [ebp+8]: the first argument under a frame pointer */
#define ARG_MIN_ESP 4      /* [esp+4]: the first argument at function entry */
#define MAX_CHOICES 32

/* --- PRNG ---------------------------------------------------------------------- */

void x86_rng_seed(struct x86_rng *r, uint32_t seed)
{
	uint32_t z = seed + 0x9e3779b9u;

	z = (z ^ (z >> 16)) * 0x85ebca6bu;
	z = (z ^ (z >> 13)) * 0xc2b2ae35u;
	z ^= z >> 16;
	r->s = z ? z : 1;
}

uint32_t x86_rng_next(struct x86_rng *r)
{
	uint32_t x = r->s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	r->s = x;
	return x;
}

uint32_t x86_rng_below(struct x86_rng *r, uint32_t n)
{
	return n ? x86_rng_next(r) % n : 0;
}

/* --- names ------------------------------------------------------------------- */

static const char *const names[X86_FAULT_COUNT] = {
	"source", "destination", "pointer", "interface", "loop", "text", "nop", "random",
};

const char *x86_fault_name(enum x86_fault type)
{
	return (unsigned)type < X86_FAULT_COUNT ? names[type] : "?";
}

int x86_fault_from_name(const char *name)
{
	for (int t = 0; name && t < X86_FAULT_COUNT; t++)
		if (strcmp(name, names[t]) == 0)
			return t;
	return -EINVAL;
}

/* --- where a memory operand's address can change ------------------------------- */

/* The other values a 3-bit register field may take without changing the
 * instruction's format: `skip1`/`skip2` are values that would (0xff: none). */
static unsigned other_regs(uint8_t cur, uint8_t skip1, uint8_t skip2, uint8_t *alt)
{
	unsigned n = 0;

	for (uint8_t v = 0; v < 8; v++)
		if (v != cur && v != skip1 && v != skip2)
			alt[n++] = v;
	return n;
}

enum { MEM_DISP, MEM_BASE, MEM_SIB_BASE, MEM_SIB_INDEX, MEM_KINDS };

/* Whether the `kind` change is possible; if so, the values rm/base may take. */
static unsigned mem_choices(const struct x86_insn *in, int kind, uint8_t *alt)
{
	int adsize16 = (in->flags & X86_F_ADSIZE) != 0;

	if (!in->has_mem)
		return 0;
	switch (kind) {
	case MEM_DISP:
		return in->disp_size ? 1 : 0;
	case MEM_BASE:
		if (!in->has_modrm || in->has_sib || in->mem_base == X86_REG_NONE)
			return 0;
		if (adsize16)
			return other_regs(in->rm, in->mod == 0 ? 6 : 0xff, 0xff, alt);
		return other_regs(in->rm, 4, in->mod == 0 ? 5 : 0xff, alt);
	case MEM_SIB_BASE:
		if (!in->has_sib || in->mem_base == X86_REG_NONE)
			return 0;
		return other_regs(in->base, in->mod == 0 ? 5 : 0xff, 0xff, alt);
	default:
		return in->has_sib ? 1 : 0;
	}
}

static int memory_corruptible(const struct x86_insn *in)
{
	uint8_t alt[8];

	for (int k = 0; k < MEM_KINDS; k++)
		if (mem_choices(in, k, alt))
			return 1;
	return 0;
}

static void flip_bit(uint8_t *out, unsigned off, unsigned size, struct x86_rng *r)
{
	unsigned bit = x86_rng_below(r, size * 8);

	out[off + bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

/* `out` holds a copy of the instruction's bytes. */
static void corrupt_memory(const struct x86_insn *in, uint8_t *out, struct x86_rng *r)
{
	uint8_t kinds[MEM_KINDS], alt[8];
	unsigned nk = 0, n;
	int kind;

	for (int k = 0; k < MEM_KINDS; k++)
		if (mem_choices(in, k, alt))
			kinds[nk++] = (uint8_t)k;
	kind = kinds[x86_rng_below(r, nk)];
	n = mem_choices(in, kind, alt);
	switch (kind) {
	case MEM_DISP:
		flip_bit(out, in->disp_off, in->disp_size, r);
		break;
	case MEM_BASE:
		out[in->modrm_off] = (uint8_t)((out[in->modrm_off] & ~7u) | alt[x86_rng_below(r, n)]);
		break;
	case MEM_SIB_BASE:
		out[in->sib_off] = (uint8_t)((out[in->sib_off] & ~7u) | alt[x86_rng_below(r, n)]);
		break;
	default:                     /* index and scale: any other of the 32 pairs */
		out[in->sib_off] ^= (uint8_t)((1 + x86_rng_below(r, 31)) << 3);
		break;
	}
}

/* --- operands ------------------------------------------------------------------ */

static int operand_corruptible(const struct x86_insn *in, uint8_t opnd)
{
	switch (opnd) {
	case X86_OPND_REG: case X86_OPND_OPREG:
		return 1;
	case X86_OPND_RM:
		return in->mod == 3 || memory_corruptible(in);
	case X86_OPND_IMM:
		return in->imm_size > 0;
	case X86_OPND_MOFFS:
		return in->disp_size > 0;
	default:
		return 0;
	}
}

static void corrupt_operand(const struct x86_insn *in, uint8_t opnd, uint8_t *out, struct x86_rng *r)
{
	uint8_t other = (uint8_t)(1 + x86_rng_below(r, 7));   /* xor: another register */

	switch (opnd) {
	case X86_OPND_REG:
		out[in->modrm_off] ^= (uint8_t)(other << 3);
		break;
	case X86_OPND_OPREG:
		out[in->opcode_off + in->opcode_len - 1] ^= other;
		break;
	case X86_OPND_IMM:
		flip_bit(out, in->imm_off, in->imm_size, r);
		break;
	case X86_OPND_MOFFS:
		flip_bit(out, in->disp_off, in->disp_size, r);
		break;
	default:
		if (in->mod == 3)
			out[in->modrm_off] ^= other;
		else
			corrupt_memory(in, out, r);
		break;
	}
}

/* --- eligibility ------------------------------------------------------------------ */

static int is_arg_load(const struct x86_insn *in)
{
	int lea = in->map == X86_MAP_ONE && in->opcode == 0x8d;

	if (!in->has_mem || !in->has_modrm || lea || in->src != X86_OPND_RM || in->dst == X86_OPND_RM)
		return 0;
	if (in->mem_index != X86_REG_NONE || (in->flags & X86_F_ADSIZE))
		return 0;
	if (in->mem_base == X86_EBP)
		return in->disp >= ARG_MIN_EBP;
	return in->mem_base == X86_ESP && in->disp >= ARG_MIN_ESP;
}

static int is_invertible_branch(const struct x86_insn *in)
{
	if (!(in->flags & X86_F_JCC))
		return 0;
	return in->map == X86_MAP_0F || in->opcode < 0xe2;   /* LOOP/JECXZ have no condition bit */
}

static int is_cond_rep(const struct x86_insn *in)
{
	return (in->flags & X86_F_REPCOND) && (in->flags & (X86_F_REP | X86_F_REPNE));
}

int x86_fault_eligible(enum x86_fault type, const struct x86_insn *in)
{
	switch (type) {
	case X86_FAULT_SOURCE:    return operand_corruptible(in, in->src);
	case X86_FAULT_DEST:      return operand_corruptible(in, in->dst);
	case X86_FAULT_POINTER:   return memory_corruptible(in);
	case X86_FAULT_INTERFACE: return is_arg_load(in);
	case X86_FAULT_LOOP:      return is_invertible_branch(in) || is_cond_rep(in);
	case X86_FAULT_TEXT:
	case X86_FAULT_NOP:
	case X86_FAULT_RANDOM:    return 1;
	default:                  return 0;
	}
}

/* --- applying ------------------------------------------------------------------ */

static void invert_loop(const struct x86_insn *in, uint8_t *out)
{
	if (is_invertible_branch(in)) {
		out[in->opcode_off + in->opcode_len - 1] ^= 1;
		return;
	}
	for (int i = in->nprefix - 1; i >= 0; i--)
		if (out[i] == 0xf2 || out[i] == 0xf3) {
			out[i] ^= 1;                          /* F3 <-> F2 */
			return;
		}
}

static enum x86_fault random_type(const struct x86_insn *in, struct x86_rng *r)
{
	uint8_t ok[X86_FAULT_RANDOM];
	unsigned n = 0;

	for (int t = 0; t < X86_FAULT_RANDOM; t++)
		if (x86_fault_eligible(t, in))
			ok[n++] = (uint8_t)t;
	return ok[x86_rng_below(r, n)];                      /* n >= 2: text and nop */
}

static void flip_text(const uint8_t *text, size_t len, struct x86_rng *r, struct x86_patch *p)
{
	uint32_t bit = x86_rng_below(r, (uint32_t)(len * 8));

	p->off = bit / 8;
	p->len = 1;
	p->old[0] = text[p->off];
	p->new_bytes[0] = (uint8_t)(p->old[0] ^ (1u << (bit % 8)));
}

static void patch_insn(enum x86_fault type, const struct x86_insn *in, struct x86_rng *r, uint8_t *out)
{
	switch (type) {
	case X86_FAULT_SOURCE:
		corrupt_operand(in, in->src, out, r);
		break;
	case X86_FAULT_DEST:
		corrupt_operand(in, in->dst, out, r);
		break;
	case X86_FAULT_POINTER:
		corrupt_memory(in, out, r);
		break;
	case X86_FAULT_LOOP:
		invert_loop(in, out);
		break;
	default:                                     /* interface, nop */
		memset(out, NOP_BYTE, in->len);
		break;
	}
}

int x86_fault_apply(enum x86_fault type, const uint8_t *text, size_t len, size_t off,
		    struct x86_rng *rng, struct x86_patch *p)
{
	struct x86_insn in;
	int rc;

	if (!text || !rng || !p || (unsigned)type >= X86_FAULT_COUNT || off >= len || len > UINT32_MAX / 8)
		return -EINVAL;
	rc = x86_decode(text + off, len - off, &in);
	if (rc)
		return -ENOEXEC;
	if (!x86_fault_eligible(type, &in))
		return -ENOENT;
	if (type == X86_FAULT_RANDOM)
		type = random_type(&in, rng);
	memset(p, 0, sizeof *p);
	p->type = (uint8_t)type;
	if (type == X86_FAULT_TEXT) {
		flip_text(text, len, rng, p);
		return 0;
	}
	p->off = (uint32_t)off;
	p->len = in.len;
	memcpy(p->old, text + off, in.len);
	memcpy(p->new_bytes, text + off, in.len);
	patch_insn(type, &in, rng, p->new_bytes);
	return 0;
}

enum x86_fault x86_fault_choose(enum x86_fault type, struct x86_rng *rng)
{
	return type == X86_FAULT_RANDOM ? (enum x86_fault)x86_rng_below(rng, X86_FAULT_RANDOM) : type;
}

int x86_fault_pick(enum x86_fault type, const uint8_t *text, size_t len,
		   struct x86_rng *rng, size_t *off)
{
	struct x86_insn in;
	uint32_t seen = 0;
	size_t at = 0;

	if (!text || !rng || !off || (unsigned)type >= X86_FAULT_COUNT)
		return -EINVAL;
	while (at < len) {
		if (x86_decode(text + at, len - at, &in)) {
			at++;                                  /* resynchronise on the next byte */
			continue;
		}
		if (x86_fault_eligible(type, &in) && x86_rng_below(rng, ++seen) == 0)
			*off = at;                             /* reservoir sampling: uniform */
		at += in.len;
	}
	return seen ? 0 : -ENOENT;
}
