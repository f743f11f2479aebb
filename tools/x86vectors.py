#!/usr/bin/env python3
"""x86vectors.py -o OUT ELF...: test vectors for the x86 decoder (lib/x86) from
`objdump -d` of every instruction in the .text section of each ELF file.

Each line of OUT is one distinct instruction as objdump sees it:

    WINDOW LEN MEM DISP IMM

WINDOW  hex bytes from the instruction's start: the instruction and what
        follows it in .text, up to 15 bytes (so a decoder that reads too far
        gets a wrong length, not a silent pass)
LEN     the instruction's length in bytes, per objdump
MEM     1/0: objdump shows an explicit memory operand or not; x for the string
        instructions and XLAT, whose memory operands are implicit
DISP    the displacement of the memory operand in decimal (0 too if shown),
        n if objdump shows none, x if unknown
IMM     i<hex> the immediate as printed, r<decimal> a relative branch's
        displacement (target - next instruction), n none, x unknown (two
        immediates, far pointers)

The first line is a comment with the counts. Lines objdump cannot decode
("(bad)") are left out and counted.

Then, lines "R WINDOW LEN": random byte strings (seeded, some starting with
prefixes and the 0F, 0F38, 0F3A escapes) that objdump decodes as one
instruction of LEN bytes; strings objdump calls (bad) are left out, and so
are those starting with FWAIT (9B), which objdump joins to the x87
instruction after it.
"""
import argparse
import os
import random
import re
import tempfile
import struct
import subprocess
import sys

OBJDUMP = "i686-linux-gnu-objdump"
WINDOW = 15
PREFIX_WORDS = {"rep", "repz", "repnz", "repe", "repne", "lock", "cs", "ds", "es", "ss", "fs", "gs",
                "data16", "data32", "addr16", "addr32", "bnd", "notrack"}
IMPLICIT_MEM = re.compile(r"^(movs|cmps|stos|lods|scas|ins|outs)[bwd]?$|^xlat")
BRANCH = re.compile(r"^(j\w+|call|loop\w*|xbegin)$")
NUMBER = re.compile(r"^0x[0-9a-f]+$")
TARGET = re.compile(r"^([0-9a-f]+)( <.*>)?$")
ABSOLUTE = re.compile(r"(?:^|\s)[c-gs]s:(0x[0-9a-f]+)$")
LINE = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f ]+)\t(.*)$")


def text_section(path):
    """(address, bytes) of the .text section of an ELF32 file."""
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 1:
        sys.exit(f"{path}: not an ELF32 file")
    shoff, = struct.unpack_from("<I", data, 32)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 46)
    sections = [struct.unpack_from("<IIIIII", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = sections[shstrndx][4]
    for name, _type, _flags, addr, offset, size in sections:
        end = data.index(b"\0", strtab + name)
        if data[strtab + name:end] == b".text":
            return addr, data[offset:offset + size]
    sys.exit(f"{path}: no .text section")


def split_operands(text):
    text = text.split("#")[0].strip()
    return [op.strip() for op in text.split(",")] if text else []


def memory_disp(op):
    """The displacement printed in a memory operand: int, None if none shown."""
    m = ABSOLUTE.search(op)
    if m:
        return int(m.group(1), 16)
    inside = op[op.index("[") + 1:op.index("]")]
    disp = None
    for sign, term in re.findall(r"([+-]?)([^+-]+)", inside):
        if NUMBER.match(term):
            disp = (-1 if sign == "-" else 1) * int(term, 16)
    return disp


def describe(addr, length, asm):
    """(mem, disp, imm) fields for one instruction, or None to leave it out."""
    words = asm.split(None, 1)
    while words and words[0] in PREFIX_WORDS:
        words = words[1].split(None, 1) if len(words) > 1 else []
    if not words or words[0] == "(bad)":
        return None
    mnemonic, operands = words[0], split_operands(words[1] if len(words) > 1 else "")
    mems = [op for op in operands if "[" in op or ABSOLUTE.search(op)]
    if IMPLICIT_MEM.match(mnemonic):
        mem, disp = "x", "x"
    elif mems:
        shown = memory_disp(mems[0])
        mem, disp = "1", "n" if shown is None else str(shown)
    else:
        mem, disp = "0", "n"
    imms = [op for op in operands if NUMBER.match(op)]
    target = TARGET.match(operands[0]) if len(operands) == 1 and BRANCH.match(mnemonic) else None
    if target:
        imm = "r%d" % (int(target.group(1), 16) - (addr + length))
    elif any(":" in op and not op.startswith(("ds:", "es:", "cs:", "ss:", "fs:", "gs:"))
             and "PTR" not in op for op in operands) or len(imms) > 1:
        imm = "x"                                    # far pointer, ENTER
    elif imms:
        imm = "i" + imms[0][2:]
    else:
        imm = "n"
    return mem, disp, imm


def vectors(path, seen, counts):
    base, text = text_section(path)
    out = subprocess.run([OBJDUMP, "-d", "-z", "-w", "--insn-width=%d" % WINDOW, "-M", "intel",
                          "-j", ".text", path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        addr, code, asm = int(m.group(1), 16), bytes.fromhex(m.group(2).replace(" ", "")), m.group(3)
        at = addr - base
        if text[at:at + len(code)] != code:
            sys.exit(f"{path}: objdump's bytes at {addr:#x} are not the section's")
        fields = describe(addr, len(code), asm.strip())
        if fields is None:
            counts["bad"] += 1
            continue
        counts["total"] += 1
        key = (code, fields)
        if key not in seen:
            seen[key] = "%s %d %s %s %s" % (text[at:at + WINDOW].hex(), len(code), *fields)


RANDOM_LEN = 16
RECORD = 32           # random bytes, then NOPs: each record starts on an instruction boundary
PREFIXES = [0x66, 0x67, 0xf2, 0xf3, 0x2e, 0xf0, 0x64]
ESCAPES = [b"", b"", b"\x0f", b"\x0f", b"\x0f\x38", b"\x0f\x3a"]


def random_records(count, seed):
    rng = random.Random(seed)
    records = []
    for i in range(count):
        head = b""
        if i % 2:
            head = bytes(rng.choice(PREFIXES) for _ in range(rng.choice([0, 0, 1, 2]))) + rng.choice(ESCAPES)
        body = (head + bytes(rng.getrandbits(8) for _ in range(RANDOM_LEN)))[:RANDOM_LEN]
        records.append(body + b"\x90" * (RECORD - RANDOM_LEN))
    return records


def random_vectors(count, seed):
    """Lines "R WINDOW LEN" for the random records objdump decodes."""
    records = random_records(count, seed)
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as f:
        f.write(b"".join(records))
    try:
        out = subprocess.run([OBJDUMP, "-D", "-b", "binary", "-m", "i386", "-M", "intel", "-w",
                              "--insn-width=%d" % WINDOW, f.name], capture_output=True, text=True,
                             check=True).stdout
    finally:
        os.unlink(f.name)
    lines = []
    for line in out.splitlines():
        m = LINE.match(line)
        if not m or int(m.group(1), 16) % RECORD:
            continue
        rec = records[int(m.group(1), 16) // RECORD]
        length, asm = len(m.group(2).split()), m.group(3)
        first = next(b for b in rec if b not in PREFIXES)
        if "(bad)" in asm or asm.startswith(".byte") or first == 0x9b:
            continue
        lines.append("R %s %d" % (rec[:WINDOW].hex(), length))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", dest="out", required=True)
    ap.add_argument("--random", type=int, default=100000, help="random byte strings to compare")
    ap.add_argument("elf", nargs="+")
    args = ap.parse_args()
    seen, counts = {}, {"total": 0, "bad": 0}
    for path in args.elf:
        vectors(path, seen, counts)
    rand = random_vectors(args.random, 1)
    with open(args.out, "w") as f:
        f.write("# %d instructions in %d files, %d distinct, %d objdump could not decode; "
                "%d of %d random byte strings objdump decodes\n"
                % (counts["total"], len(args.elf), len(seen), counts["bad"], len(rand), args.random))
        for line in seen.values():
            f.write(line + "\n")
        for line in rand:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
