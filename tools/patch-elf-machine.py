#!/usr/bin/env python3
"""patch-elf-machine.py IN OUT MACHINE: copy an ELF file with e_machine changed.

Used to make a deliberately wrong boot module (for example MACHINE=62, x86-64)
for the test that the kernel refuses it.
"""
import struct
import sys

src, dst, machine = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = bytearray(open(src, "rb").read())
if data[:4] != b"\x7fELF":
    sys.exit(f"{src}: not an ELF file")
struct.pack_into("<H", data, 18, machine)
open(dst, "wb").write(data)
