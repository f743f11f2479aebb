/*
 * x86: a decoder for 32-bit protected-mode instructions and the fault types
 * of the SWIFI fault injector built on it (lib/x86/decode.c, lib/x86/faults.c).
 *
 * x86_decode() reads one instruction at `code`, never more than `max` bytes:
 * legacy prefixes, the one-byte map, the 0F, 0F38 and 0F3A maps (x87, MMX,
 * SSE..SSE4 included), ModR/M, SIB, displacement and immediates. It fills in
 * a struct x86_insn and returns 0, or
 *   -EINVAL   the bytes end (at `max`) before the instruction does;
 *   -ENOEXEC  the bytes are no instruction: an undefined opcode, an operand
 *             form the opcode does not allow (e.g. LEA with a register), a
 *             VEX/EVEX/XOP encoding (not supported), or over 15 bytes.
 *
 * Not checked, because real code never needs it and lengths do not depend
 * on it: every mandatory-prefix combination of the 0F map (an SSE opcode
 * with a prefix it does not define decodes like its defined forms), and the
 * MPX forms of 0F 1A/1B (hint NOPs without MPX). FWAIT (9B) is an
 * instruction of its own, as the CPU executes it (objdump joins it to a
 * following x87 instruction, e.g. "fstcw").
 *
 * Fault types (x86_fault_apply): each takes the text, the offset of one
 * decoded instruction in it and a seeded PRNG, and describes the change in a
 * struct x86_patch: bytes of the same length as the instruction, covering only
 * the instruction (except X86_FAULT_TEXT, which flips one bit anywhere in the
 * text). Nothing is written: the caller applies the patch. A fault type that
 * does not fit the instruction returns -ENOENT and leaves the PRNG untouched.
 *
 * Pure code: no allocation, no library calls beyond memcpy/memset.
 */
#ifndef BULKHEAD_X86_H
#define BULKHEAD_X86_H

#include <bulkhead/types.h>

#define X86_MAX_LEN   15            /* the architectural limit of one instruction */
#define X86_REG_NONE  0xff          /* no base / no index register */
#define X86_FORMAT_MIN 160          /* a buffer this big holds any x86_format() text */

enum x86_map { X86_MAP_ONE, X86_MAP_0F, X86_MAP_0F38, X86_MAP_0F3A };

/* Where an operand lives, for the source and destination of an instruction. */
enum x86_opnd {
	X86_OPND_NONE,   /* unknown, implicit, or no such operand */
	X86_OPND_REG,    /* the register in ModR/M.reg */
	X86_OPND_RM,     /* ModR/M.rm: a register (mod 3) or the memory operand */
	X86_OPND_OPREG,  /* the register in the low 3 bits of the opcode byte */
	X86_OPND_IMM,    /* the immediate */
	X86_OPND_ACC,    /* the implicit accumulator (AL/AX/EAX) */
	X86_OPND_MOFFS,  /* the memory at the moffs address (A0-A3) */
};

/* Registers are numbered as in ModR/M: eax ecx edx ebx esp ebp esi edi. */
enum { X86_EAX, X86_ECX, X86_EDX, X86_EBX, X86_ESP, X86_EBP, X86_ESI, X86_EDI };

/* flags */
#define X86_F_JCC     0x0001   /* conditional branch: Jcc short/near, LOOPcc, JCXZ */
#define X86_F_CALL    0x0002
#define X86_F_RET     0x0004   /* RET, RETF, IRET */
#define X86_F_JMP     0x0008   /* unconditional jump */
#define X86_F_REL     0x0010   /* the immediate is a relative branch target */
#define X86_F_REP     0x0020   /* REP/REPE (F3) on a string instruction */
#define X86_F_REPNE   0x0040   /* REPNE (F2) on a string instruction */
#define X86_F_STRING  0x0080   /* MOVS CMPS STOS LODS SCAS INS OUTS */
#define X86_F_REPCOND 0x0100   /* CMPS/SCAS: F3 and F2 mean different conditions */
#define X86_F_LOCK    0x0200
#define X86_F_OPSIZE  0x0400   /* 66: 16-bit operands */
#define X86_F_ADSIZE  0x0800   /* 67: 16-bit addressing */
#define X86_F_FARPTR  0x1000   /* 9A/EA: the immediate is offset:selector */

struct x86_insn {
	uint8_t  len;                    /* total bytes */
	uint8_t  nprefix;                /* legacy prefixes, in order, at offset 0 */
	uint8_t  prefix[X86_MAX_LEN];
	uint8_t  map;                    /* enum x86_map */
	uint8_t  opcode;                 /* the opcode byte within its map */
	uint8_t  opcode_off;             /* offset of the first opcode byte (0F for maps) */
	uint8_t  opcode_len;             /* 1..3, escape bytes included */
	uint8_t  has_modrm, modrm_off, mod, reg, rm;
	uint8_t  has_sib, sib_off, scale, index, base;   /* scale is the 2-bit field */
	uint8_t  disp_off, disp_size;    /* size 0 = none; 1, 2 or 4 */
	int32_t  disp;                   /* sign-extended */
	uint8_t  imm_off, imm_size;      /* all immediate bytes (ENTER: 3, far ptr: 4 or 6) */
	uint8_t  has_mem;                /* an explicit memory operand (ModR/M or moffs) */
	uint8_t  mem_base, mem_index;    /* register numbers or X86_REG_NONE */
	uint8_t  src, dst;               /* enum x86_opnd, where the direction is known */
	uint16_t flags;                  /* X86_F_* */
};

int x86_decode(const uint8_t *code, size_t max, struct x86_insn *out);

/* Writes "hex bytes  description" (NUL-terminated, cut to fit); returns its length. */
size_t x86_format(const uint8_t *code, const struct x86_insn *in, char *buf, size_t size);

/* --- fault injection ------------------------------------------------------- */

enum x86_fault {
	X86_FAULT_SOURCE, X86_FAULT_DEST, X86_FAULT_POINTER, X86_FAULT_INTERFACE,
	X86_FAULT_LOOP, X86_FAULT_TEXT, X86_FAULT_NOP, X86_FAULT_RANDOM,
	X86_FAULT_COUNT
};

/* A small seeded PRNG (xorshift32 after a splitmix step); same seed, same faults. */
struct x86_rng { uint32_t s; };

void     x86_rng_seed(struct x86_rng *r, uint32_t seed);
uint32_t x86_rng_next(struct x86_rng *r);
uint32_t x86_rng_below(struct x86_rng *r, uint32_t n);   /* 0..n-1; n > 0 */

struct x86_patch {
	uint32_t off;                    /* offset in the text */
	uint8_t  len;                    /* bytes replaced, 1..X86_MAX_LEN */
	uint8_t  type;                   /* the type applied (RANDOM resolves to one) */
	uint8_t  old[X86_MAX_LEN];
	uint8_t  new_bytes[X86_MAX_LEN];
};

const char *x86_fault_name(enum x86_fault type);
int  x86_fault_from_name(const char *name);              /* enum value or -EINVAL */

/* 1 if `type` can be applied to the decoded instruction, else 0. */
int  x86_fault_eligible(enum x86_fault type, const struct x86_insn *in);

/* Apply `type` to the instruction at text[off]: 0 and *patch, -EINVAL (bad
 * arguments), -ENOEXEC (no instruction there) or -ENOENT (not eligible). */
int  x86_fault_apply(enum x86_fault type, const uint8_t *text, size_t len, size_t off,
		     struct x86_rng *rng, struct x86_patch *patch);

/* RANDOM becomes one of the seven types, uniformly; other types stay. A
 * campaign resolves RANDOM this way before x86_fault_pick() so that every
 * type is equally likely (x86_fault_apply(RANDOM) on one instruction picks
 * among the types that instruction allows). */
enum x86_fault x86_fault_choose(enum x86_fault type, struct x86_rng *rng);

/* Choose, uniformly with the PRNG, one instruction of text[0..len) eligible
 * for `type` (RANDOM: eligible for at least one type) and store its offset.
 * Walks decoded instructions from offset 0; where a byte does not decode it
 * skips that one byte and decodes on (resynchronising). 0 or -ENOENT. */
int  x86_fault_pick(enum x86_fault type, const uint8_t *text, size_t len,
		    struct x86_rng *rng, size_t *off);

#endif
