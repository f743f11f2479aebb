"""Host unit tests of the hot-function placement (tools/hotlist.py; run by tests/run.py):

the functions kernel/hot.ld and lib/hot.ld list must lie at the start of the
kernel's and of inet's .text, packed into about the bytes they fill, so that
the data path touches few pages of code after each address-space switch. A
build that lost -ffunction-sections or the linker scripts' INCLUDE scatters
them again, and this fails. Reads the built binaries (build/kernel.elf,
build/bin/inet.elf): `make test` builds them first.
"""
import os
import re
import subprocess
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NM = "i686-linux-gnu-nm"
SLACK = 16                # alignment a function may add before it
ENTRY_ASM = os.path.join(ROOT, "build", "kobj", "kernel", "entry.o")
LISTED = re.compile(r"^\*(?:\(\.text\.([^\s)]+)[^\n]*|libc\.a:\S+\(\.text\)  /\* (\S+) \*/)$", re.M)
MIN_PRESENT = 20          # listed functions a binary must have for the check to mean something


def functions(elf):
    """name -> (address, size) of the ELF's sized function symbols."""
    out = subprocess.run([NM, "-S", "--defined-only", elf], capture_output=True, text=True, check=True).stdout
    funcs = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTwW":
            funcs.setdefault(parts[3], (int(parts[0], 16), int(parts[1], 16)))
    return funcs


def text_start(elf):
    out = subprocess.run(["i686-linux-gnu-objdump", "-h", elf], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"\s\.text\s+([0-9a-f]+)\s+([0-9a-f]+)", out).group(2), 16)


def text_size(obj):
    out = subprocess.run(["i686-linux-gnu-objdump", "-h", obj], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"\s\.text\s+([0-9a-f]+)", out).group(1), 16)


class HotFunctionsFirst(unittest.TestCase):
    def check(self, elf, hot_list, ahead):
        """Every function of hot_list in elf ends within `ahead` bytes plus the listed ones' sizes."""
        path = os.path.join(ROOT, elf)
        if not os.path.exists(path):
            self.skipTest(f"{elf} not built")
        with open(os.path.join(ROOT, hot_list)) as f:
            names = [a or b for a, b in LISTED.findall(f.read())]
        funcs = functions(path)
        present = [funcs[n] for n in names if n in funcs]
        self.assertGreaterEqual(len(present), MIN_PRESENT, f"only {len(present)} of {hot_list}'s functions "
                                f"are in {elf}: rerun tools/hotlist.py")
        start = text_start(path)
        span = max(a + s for a, s in present) - start
        room = ahead + sum(s + SLACK for _, s in present)
        self.assertLessEqual(span, room, f"{elf}: the {len(present)} listed functions span {span} bytes of "
                             f".text, more than the {room} they fill: they are not placed first")

    def test_kernel(self):
        self.check("build/kernel.elf", "kernel/hot.ld", text_size(ENTRY_ASM) if os.path.exists(ENTRY_ASM) else 0)

    def test_inet(self):
        self.check("build/bin/inet.elf", "lib/hot.ld", 0)


if __name__ == "__main__":
    unittest.main()
