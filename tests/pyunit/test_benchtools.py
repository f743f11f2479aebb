"""Host unit tests of the benchmark's Python tools (run by tests/run.py):

- tests/netpeer.py builds its frames from a cached pattern: every frame must
  be byte for byte what the guest's client builds (t_netclient.c's build()),
  for every size and for sequence numbers across the 8-bit wrap;
- tools/mkinitramfs.py writes the newc cpio format the Linux kernel unpacks:
  read back here by an independent reader (header fields, 4-byte alignment,
  names, data, trailer), and finds module dependencies in .modinfo.
"""
import gzip
import lzma
import os
import struct
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import mkinitramfs  # noqa: E402
import netpeer  # noqa: E402


def guest_frame(dst, src, kind, seq, size):
    """t_netclient.c's build(), transcribed: header, wire fields, then byte i = seq + 31 i + 7 size."""
    head = dst + src + b"\x88\xb5" + struct.pack(">IHHII", 0x42484E54, kind, 0, seq, size)
    return head + bytes((seq + i * 31 + size * 7) & 0xFF for i in range(len(head), size))


class PeerFrames(unittest.TestCase):
    def test_every_size_byte_exact(self):
        dst = bytes.fromhex("525400123456")
        for seq in (0, 1, 7, 255, 256, 1999, 0xFFFFFFFF):
            for size in range(netpeer.MIN_FRAME, netpeer.MAX_FRAME + 1):
                got = netpeer.Peer.frame(None, dst, netpeer.K_DATA, seq, size)
                self.assertEqual(got, guest_frame(dst, netpeer.PEER_MAC, netpeer.K_DATA, seq, size),
                                 f"seq {seq} size {size}")

    def test_cache_is_not_shared_between_sizes(self):
        a = netpeer.pattern(3, 100)
        b = netpeer.pattern(3, 101)
        self.assertEqual(len(a), 100 - 30)
        self.assertEqual(len(b), 101 - 30)
        self.assertEqual(netpeer.pattern(3, 100), a)


def read_newc(data):
    """An independent newc reader: [(name, mode, data, (rdevmajor, rdevminor), nlink)] up to the trailer."""
    out, at = [], 0
    while True:
        assert at % 4 == 0, f"member at {at} not 4-byte aligned"
        assert data[at:at + 6] == b"070701", f"bad magic at {at}"
        f = [int(data[at + 6 + 8 * i:at + 14 + 8 * i], 16) for i in range(13)]
        namesize, filesize = f[11], f[6]
        name = data[at + 110:at + 110 + namesize]
        assert name.endswith(b"\0")
        at += 110 + namesize
        at += (4 - at % 4) % 4
        body = data[at:at + filesize]
        at += filesize
        at += (4 - at % 4) % 4
        if name[:-1] == b"TRAILER!!!":
            assert at == len(data), "bytes after the trailer"
            return out
        out.append((name[:-1].decode(), f[1], body, (f[9], f[10]), f[4]))


def elf32_with_modinfo(modinfo):
    """A minimal little-endian ELF32 relocatable file: null, .modinfo, .shstrtab sections."""
    shstr = b"\0.modinfo\0.shstrtab\0"
    body_at = 52
    shstr_at = body_at + len(modinfo)
    shoff = shstr_at + len(shstr)
    shoff += (4 - shoff % 4) % 4
    head = bytearray(52)
    head[:6] = b"\x7fELF\x01\x01"
    struct.pack_into("<I", head, 0x20, shoff)
    struct.pack_into("<HHH", head, 0x2E, 40, 3, 2)
    sections = (struct.pack("<10I", *([0] * 10)) +
                struct.pack("<10I", 1, 1, 0, 0, body_at, len(modinfo), 0, 0, 1, 0) +
                struct.pack("<10I", 10, 3, 0, 0, shstr_at, len(shstr), 0, 0, 1, 0))
    blob = bytes(head) + modinfo + shstr
    return blob + bytes(shoff - len(blob)) + sections


class Initramfs(unittest.TestCase):
    def test_newc_round_trip(self):
        members = [("bin", mkinitramfs.S_IFDIR | 0o755, b"", (0, 0)),
                   ("dev/console", mkinitramfs.S_IFCHR | 0o600, b"", (5, 1)),
                   ("bin/sh", mkinitramfs.S_IFLNK | 0o777, b"busybox", (0, 0))]
        members += [(f"f{n}", mkinitramfs.S_IFREG | 0o644, bytes(range(n)), (0, 0)) for n in range(0, 9)]
        members.append(("a-longer/name.with.dots", mkinitramfs.S_IFREG | 0o755, b"x" * 4097, (0, 0)))
        archive = mkinitramfs.newc_archive(members)
        back = read_newc(gzip.decompress(gzip.compress(archive)))
        self.assertEqual([(n, m, d, r) for n, m, d, r, _ in back], members)
        self.assertEqual(back[0][4], 2, "a directory has two links")
        self.assertEqual(back[3][4], 1)

    def test_modinfo_and_load_order(self):
        with tempfile.TemporaryDirectory() as tmp:
            mods = {"nic": b"license=GPL\0depends=mii,lib8390\0", "mii": b"depends=\0",
                    "lib8390": b"depends=mii\0", "other": b"depends=\0"}
            for name, info in mods.items():
                elf = elf32_with_modinfo(info)
                if name == "lib8390":
                    with open(os.path.join(tmp, name + ".ko.xz"), "wb") as f:
                        f.write(lzma.compress(elf, format=lzma.FORMAT_XZ))
                else:
                    with open(os.path.join(tmp, name + ".ko"), "wb") as f:
                        f.write(elf)
            self.assertEqual(mkinitramfs.modinfo(elf32_with_modinfo(mods["nic"]))["depends"], ["mii,lib8390"])
            found = mkinitramfs.find_modules(tmp)
            order = mkinitramfs.load_order(["nic", "other"], found)
            self.assertEqual([n for n, _ in order], ["mii", "lib8390", "nic", "other"])
            self.assertEqual(order[1][1], elf32_with_modinfo(mods["lib8390"]), ".ko.xz is decompressed")
            with self.assertRaises(ValueError):
                mkinitramfs.load_order(["absent"], found)

    def test_dependency_cycle_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name, dep in (("a", "b"), ("b", "a")):
                with open(os.path.join(tmp, name + ".ko"), "wb") as f:
                    f.write(elf32_with_modinfo(f"depends={dep}\0".encode()))
            with self.assertRaisesRegex(ValueError, "cycle"):
                mkinitramfs.load_order(["a"], mkinitramfs.find_modules(tmp))


if __name__ == "__main__":
    unittest.main()
