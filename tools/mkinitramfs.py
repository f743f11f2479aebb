#!/usr/bin/env python3
"""mkinitramfs.py LINUX OUT PROGRAM...: the Linux guest's initramfs for
`make bench-linux` (tools/bench.py), written as a gzipped newc cpio archive
(the format the kernel unpacks; no cpio program needed).

LINUX is the directory tools/fetch-linux.sh unpacked (LINUX/kernel: Debian's
linux-image package, LINUX/busybox: busybox-static). The archive holds:
  /bin/busybox and /init (tools/linux-guest/init, a busybox sh script);
  each PROGRAM (static, built for i386) in /bin;
  the NIC drivers in NIC_MODULES and the modules they depend on (from each
  module's .modinfo "depends="), decompressed if they are .ko.xz, in
  /lib/modules, and /etc/modules listing them in load order with their
  parameters (dependencies first);
  /dev/console and /dev/null, so that /init has a console before devtmpfs.
"""
import gzip
import lzma
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INIT = os.path.join(ROOT, "tools", "linux-guest", "init")

# The drivers of the NICs tools/bench.py puts in the guest, and their parameters.
# QEMU's rtl8139 is an 8139C+ (revision 0x20): 8139too declines it ("use
# 8139cp") and 8139cp drives it in C+ descriptor mode, as on any Linux.
NIC_MODULES = (("8139too", ""), ("8139cp", ""), ("ne2k-pci", ""), ("ne", "io=0x300 irq=9"), ("e100", ""), ("e1000", ""))

NEWC_MAGIC = b"070701"
TRAILER = "TRAILER!!!"
S_IFDIR, S_IFREG, S_IFLNK, S_IFCHR = 0o040000, 0o100000, 0o120000, 0o020000


def _pad4(n):
    return (4 - n % 4) % 4


def newc_entry(ino, name, mode, data=b"", rdev=(0, 0), nlink=1, mtime=0):
    """One newc member: the 110-byte header, the name (NUL-terminated, padded to
    4 bytes with the header), then the data padded to 4 bytes."""
    name_b = name.encode() + b"\0"
    fields = (ino, mode, 0, 0, nlink, mtime, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0)
    head = NEWC_MAGIC + b"".join(b"%08x" % f for f in fields)
    return head + name_b + b"\0" * _pad4(len(head) + len(name_b)) + data + b"\0" * _pad4(len(data))


def newc_archive(members):
    """members: (name, mode, data, rdev) in order (parents before children); the archive bytes."""
    out = [newc_entry(i + 1, name, mode, data, rdev, 2 if mode & S_IFDIR == S_IFDIR else 1)
           for i, (name, mode, data, rdev) in enumerate(members)]
    out.append(newc_entry(0, TRAILER, 0))
    return b"".join(out)


def modinfo(ko):
    """A module's .modinfo section as {key: [values]} (ELF32 or ELF64, either endianness)."""
    if ko[:4] != b"\x7fELF":
        raise ValueError("not an ELF file")
    wide, little = ko[4] == 2, ko[5] == 1
    e = "<" if little else ">"
    if wide:
        shoff, = struct.unpack_from(e + "Q", ko, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(e + "HHH", ko, 0x3A)
        sec = lambda i: struct.unpack_from(e + "IIQQQQ", ko, shoff + i * shentsize)  # noqa: E731
    else:
        shoff, = struct.unpack_from(e + "I", ko, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(e + "HHH", ko, 0x2E)
        sec = lambda i: struct.unpack_from(e + "IIIIII", ko, shoff + i * shentsize)  # noqa: E731
    strtab = sec(shstrndx)
    info = {}
    for i in range(shnum):
        name_off, _, _, _, off, size = sec(i)
        name = ko[strtab[4] + name_off:ko.index(b"\0", strtab[4] + name_off)]
        if name != b".modinfo":
            continue
        for item in ko[off:off + size].split(b"\0"):
            key, sep, value = item.decode("utf-8", "replace").partition("=")
            if sep:
                info.setdefault(key, []).append(value)
    return info


def find_modules(moddir):
    """{module name: path} for every .ko / .ko.xz under moddir."""
    found = {}
    for dirpath, _, files in os.walk(moddir):
        for f in files:
            for ext in (".ko", ".ko.xz"):
                if f.endswith(ext):
                    found[f[:-len(ext)]] = os.path.join(dirpath, f)
    return found


def read_module(path):
    with open(path, "rb") as f:
        data = f.read()
    return lzma.decompress(data) if path.endswith(".xz") else data


def load_order(wanted, available):
    """Modules in an order that loads each after its dependencies: [(name, bytes)]."""
    order, seen = [], set()

    def visit(name, chain):
        if name in seen:
            return
        if name in chain:
            raise ValueError(f"module dependency cycle: {' -> '.join(chain + [name])}")
        if name not in available:
            raise ValueError(f"module {name} not found")
        data = read_module(available[name])
        deps = [d for v in modinfo(data).get("depends", []) for d in v.split(",") if d]
        for d in deps:
            visit(d, chain + [name])
        seen.add(name)
        order.append((name, data))

    for name in wanted:
        visit(name, [])
    return order


def build(linux, programs):
    moddirs = [os.path.join(linux, "kernel", "lib", "modules", d)
               for d in os.listdir(os.path.join(linux, "kernel", "lib", "modules"))]
    if len(moddirs) != 1:
        raise ValueError(f"expected one kernel's modules in {linux}/kernel/lib/modules, found {len(moddirs)}")
    params = dict(NIC_MODULES)
    modules = load_order([m for m, _ in NIC_MODULES], find_modules(moddirs[0]))
    listing = "".join(f"{name}.ko {params.get(name, '')}".rstrip() + "\n" for name, _ in modules)
    members = [(d, S_IFDIR | 0o755, b"", (0, 0)) for d in
               ("bin", "dev", "etc", "lib", "lib/modules", "proc", "sys", "tmp")]
    members += [("dev/console", S_IFCHR | 0o600, b"", (5, 1)), ("dev/null", S_IFCHR | 0o666, b"", (1, 3))]
    with open(os.path.join(linux, "busybox", "bin", "busybox"), "rb") as f:
        members.append(("bin/busybox", S_IFREG | 0o755, f.read(), (0, 0)))
    members.append(("bin/sh", S_IFLNK | 0o777, b"busybox", (0, 0)))
    with open(INIT, "rb") as f:
        members.append(("init", S_IFREG | 0o755, f.read(), (0, 0)))
    for p in programs:
        with open(p, "rb") as f:
            members.append((f"bin/{os.path.basename(p)}", S_IFREG | 0o755, f.read(), (0, 0)))
    members += [(f"lib/modules/{name}.ko", S_IFREG | 0o644, data, (0, 0)) for name, data in modules]
    members.append(("etc/modules", S_IFREG | 0o644, listing.encode(), (0, 0)))
    return newc_archive(members), listing


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    linux, out, programs = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        archive, listing = build(linux, programs)
    except (OSError, ValueError) as e:
        sys.exit(f"mkinitramfs: {e}")
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(gzip.compress(archive, 6, mtime=0))
    os.replace(tmp, out)
    print(f"mkinitramfs: {out}: {len(archive)} bytes before gzip; modules: {' '.join(listing.split(chr(10)))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
