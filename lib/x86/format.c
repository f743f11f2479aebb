/*
 * format: one decoded x86 instruction as text, for the fault injector's
 * log lines (interface in include/bulkhead/x86.h). Example:
 *   "8b 45 08  mov 8b /r mod=1 reg=0 rm=5 mem=[ebp+0x8] src=rm dst=reg"
 * The mnemonic is given for common one-byte and 0F opcodes; otherwise the
 * map and opcode byte say what it is. No library calls: it builds the text
 * itself and always NUL-terminates within `size`.
 */
#include <bulkhead/x86.h>

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const char *s)
{
	for (; *s; s++) {
		if (o->len + 1 < o->size)
			o->buf[o->len] = *s;
		o->len++;
	}
}

static void put_hex(struct out *o, uint32_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[9];
	int n = 0;

	do {
		tmp[n++] = hex[v & 15];
		v >>= 4;
	} while ((v || n < digits) && n < 8);
	while (n > 0) {
		char c[2] = { tmp[--n], 0 };
		put(o, c);
	}
}

static void put_dec(struct out *o, unsigned v)
{
	char c[2] = { (char)('0' + v % 10), 0 };

	if (v >= 10)
		put_dec(o, v / 10);
	put(o, c);
}

static const char *const reg32[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
static const char *const alu[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
static const char *const cc[16] = { "o", "no", "b", "ae", "e", "ne", "be", "a",
				     "s", "ns", "p", "np", "l", "ge", "le", "g" };
static const char *const grp5[8] = { "inc", "dec", "call", "callf", "jmp", "jmpf", "push", "?" };
static const char *const opnd_names[] = { "none", "reg", "rm", "opreg", "imm", "acc", "moffs" };

/* Jcc, CMOVcc and SETcc: the name and its condition suffix. */
static const char *conditional(const char *name, uint8_t op, const char **suffix)
{
	*suffix = cc[op & 15];
	return name;
}

static const char *mnemonic_0f(uint8_t op, const char **suffix)
{
	if (op >= 0x80 && op <= 0x8f)
		return conditional("j", op, suffix);
	if (op >= 0x40 && op <= 0x4f)
		return conditional("cmov", op, suffix);
	if (op >= 0x90 && op <= 0x9f)
		return conditional("set", op, suffix);
	switch (op) {
	case 0xb6: case 0xb7: return "movzx";
	case 0xbe: case 0xbf: return "movsx";
	case 0xaf: return "imul";
	default: return NULL;
	}
}

/* A mnemonic for the common opcodes, or NULL. */
static const char *mnemonic(const struct x86_insn *in, const char **suffix)
{
	uint8_t op = in->opcode;

	*suffix = "";
	if (in->map == X86_MAP_0F)
		return mnemonic_0f(op, suffix);
	if (in->map != X86_MAP_ONE)
		return NULL;
	if (op < 0x40 && (op & 7) < 6)
		return alu[op >> 3];
	if (op >= 0x70 && op <= 0x7f)
		return conditional("j", op, suffix);
	if (op >= 0x80 && op <= 0x83)
		return alu[in->reg];
	if (op == 0xff)
		return grp5[in->reg];
	if (op >= 0x50 && op <= 0x57)
		return "push";
	if (op >= 0x58 && op <= 0x5f)
		return "pop";
	if (op >= 0xb0 && op <= 0xbf)
		return "mov";
	switch (op) {
	case 0x68: case 0x6a: return "push";
	case 0x8f: return "pop";
	case 0x88: case 0x89: case 0x8a: case 0x8b: case 0xa0: case 0xa1: case 0xa2: case 0xa3:
	case 0xc6: case 0xc7:
		return "mov";
	case 0x84: case 0x85: case 0xa8: case 0xa9: return "test";
	case 0x8d: return "lea";
	case 0x90: return "nop";
	case 0xc3: case 0xc2: return "ret";
	case 0xc9: return "leave";
	case 0xcc: return "int3";
	case 0xcd: return "int";
	case 0xe8: return "call";
	case 0xe9: case 0xeb: return "jmp";
	case 0xe0: return "loopne";
	case 0xe1: return "loope";
	case 0xe2: return "loop";
	case 0xe3: return "jecxz";
	default: return NULL;
	}
}

static void put_opcode(struct out *o, const struct x86_insn *in)
{
	static const char *const maps[] = { "", "0f ", "0f38 ", "0f3a " };
	const char *suffix, *name = mnemonic(in, &suffix);

	if (name) {
		put(o, name);
		put(o, suffix);
		put(o, " ");
	}
	put(o, maps[in->map & 3]);
	put_hex(o, in->opcode, 2);
}

static void put_modrm(struct out *o, const struct x86_insn *in)
{
	if (!in->has_modrm)
		return;
	put(o, " /r mod=");
	put_dec(o, in->mod);
	put(o, " reg=");
	put_dec(o, in->reg);
	put(o, " rm=");
	put_dec(o, in->rm);
}

static void put_mem(struct out *o, const struct x86_insn *in)
{
	const char *sep = "";

	if (!in->has_mem)
		return;
	put(o, " mem=[");
	if (in->mem_base != X86_REG_NONE) {
		put(o, reg32[in->mem_base & 7]);
		sep = "+";
	}
	if (in->mem_index != X86_REG_NONE) {
		put(o, sep);
		put(o, reg32[in->mem_index & 7]);
		put(o, "*");
		put_dec(o, (in->flags & X86_F_ADSIZE) ? 1 : 1u << in->scale);
		sep = "+";
	}
	if (in->disp_size) {
		put(o, in->disp < 0 && *sep ? "-" : sep);
		put(o, "0x");
		put_hex(o, in->disp < 0 && *sep ? (uint32_t)-(int64_t)in->disp : (uint32_t)in->disp, 1);
	}
	put(o, "]");
}

size_t x86_format(const uint8_t *code, const struct x86_insn *in, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	if (!buf || !size)
		return 0;
	for (unsigned i = 0; code && in && i < in->len; i++) {
		put_hex(&o, code[i], 2);
		put(&o, " ");
	}
	if (in) {
		put(&o, " ");
		put_opcode(&o, in);
		put_modrm(&o, in);
		put_mem(&o, in);
		if (in->imm_size) {
			put(&o, (in->flags & X86_F_REL) ? " rel" : " imm");
			put_dec(&o, in->imm_size * 8u);
		}
		if (in->src || in->dst) {
			put(&o, " src=");
			put(&o, opnd_names[in->src % 7]);
			put(&o, " dst=");
			put(&o, opnd_names[in->dst % 7]);
		}
	}
	buf[o.len < size ? o.len : size - 1] = 0;
	return o.len < size ? o.len : size - 1;
}
