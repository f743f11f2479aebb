#!/usr/bin/env python3
"""Where the guest's time goes during a TCP transfer: a sampling profiler.

  python3 tools/qprof.py [--nic rtl8139] [--dir to|from] [--samples 3000] [--top 40]

Boots netbench-<nic> (as `make bench-linux` does: inet, bulkd, -netdev
user,restrict=on with ports forwarded from 127.0.0.1 only), moves 1 MB each
way unmeasured, then starts a 20 MB transfer (--dir to: host to guest, into
bulkd's sink; from: guest to host) and, while it runs, asks QEMU's monitor for
`info registers` as often as it answers: each answer is one sample of the
vCPU's EIP and CR3. After the transfer an NMI makes the kernel print its
process table, which names each address space (cr3). Kernel samples (EIP
below the user base) are put down to the kernel, in the address space they
were taken in; user samples to that process. Each EIP is resolved to a
function with the symbol table of build/kernel.elf or build/bin/<name>.elf
(i686-linux-gnu-nm). Prints the share of samples per process and per
function. Under TCG a sample lands on a translation-block boundary, so
shares are approximate; the idle loop shows up as the kernel's idle function.
"""
import argparse
import bisect
import collections
import os
import random
import re
import subprocess
import sys
import threading
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bench_linux  # noqa: E402
import tcppeer  # noqa: E402

USER_BASE = 0x40000000       # include/bulkhead/layout.h
NM = "i686-linux-gnu-nm"
DUMP_RE = re.compile(r"^\s+\d+\s+-?\d+\s+(\S+)\s.*?\seip [0-9a-f]+ cr3 ([0-9a-f]+)", re.M)


class Symbols:
    """Function symbols of one ELF file, for resolving addresses."""

    def __init__(self, path):
        out = subprocess.run([NM, "-n", "--defined-only", path], capture_output=True, text=True).stdout
        rows = [(int(a, 16), n) for a, t, n in (l.split()[:3] for l in out.splitlines() if len(l.split()) >= 3)
                if t in "tTwW"]
        self.addrs = [a for a, _ in rows]
        self.names = [n for _, n in rows]

    def name(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        return self.names[i] if i >= 0 else f"?{addr:x}"


def sample(m, stop, out):
    """info registers until stop is set: (eip, cr3) pairs into out."""
    while not stop.is_set():
        text = m.hmp("info registers")
        eip = re.search(r"EIP=([0-9a-f]{8})", text)
        cr3 = re.search(r"CR3=([0-9a-f]{8})", text)
        if eip and cr3:
            out.append((int(eip.group(1), 16), int(cr3.group(1), 16)))


def process_names(m):
    """cr3 -> process name, from the kernel's NMI process table."""
    start = len(m.raw)
    m.hmp("nmi")
    m.wait_for(r"kernel: NMI: end of process table", 10, after=start)
    text = m.raw[start:].decode("utf-8", "replace")
    return {int(cr3, 16): name for name, cr3 in DUMP_RE.findall(text)}


def attribute(samples, names):
    """Counters of the samples per place ("kernel (in inet)", "inet") and per (binary, function)."""
    syms = {"kernel": Symbols(os.path.join(ROOT, "build", "kernel.elf"))}
    per_proc, per_func = collections.Counter(), collections.Counter()
    for eip, cr3 in samples:
        proc = names.get(cr3, f"cr3 {cr3:x}")
        if eip < USER_BASE:
            where, binary = f"kernel (in {proc})", "kernel"
        else:
            where, binary = proc, proc
        if binary not in syms:
            path = os.path.join(ROOT, "build", "bin", binary + ".elf")
            syms[binary] = Symbols(path) if os.path.exists(path) else None
        func = syms[binary].name(eip) if syms[binary] else f"{eip:x}"
        per_proc[where] += 1
        per_func[(binary, func)] += 1
    return per_proc, per_func


def report(samples, names, top):
    per_proc, per_func = attribute(samples, names)
    n = len(samples)
    print(f"{n} samples")
    print("\nper process (kernel time in the address space it was taken in):")
    for where, k in per_proc.most_common():
        print(f"  {100 * k / n:5.1f}%  {where}")
    print(f"\nper function (top {top}):")
    for (binary, func), k in per_func.most_common(top):
        print(f"  {100 * k / n:5.1f}%  {binary}:{func}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nic", default="rtl8139")
    ap.add_argument("--dir", choices=("to", "from"), default="to")
    ap.add_argument("--samples", type=int, default=3000, help="stop sampling after this many (default 3000)")
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    nic = next(n for n in bench_linux.NICS if n[0] == args.nic)
    block = random.Random(1).randbytes(bench_linux.TCP_CHUNK)
    want_crc = zlib.crc32(tcppeer.source_pattern(bench_linux.TCP_SIZE))
    ports, qargs = bench_linux.user_net(nic)
    m, _ = bench_linux.boot_net("bulkhead", nic, qargs)
    if not m:
        sys.exit("qprof: the guest did not come up")
    try:
        bench_linux.tcp_transfers(ports, block, want_crc, bench_linux.TCP_WARMUP)
        samples, stop = [], threading.Event()
        t = threading.Thread(target=sample, args=(m, stop, samples), daemon=True)
        t.start()
        if args.dir == "to":
            ok, took, _ = bench_linux.tcp_to_guest(ports[5001], bench_linux.TCP_SIZE, block)
        else:
            ok, took, _ = bench_linux.tcp_from_guest(ports[5002], bench_linux.TCP_SIZE, want_crc)
        stop.set()
        t.join()
        print(f"transfer {args.dir}: {'ok' if ok else 'FAILED'}, {bench_linux.TCP_SIZE / took / 1e6:.2f} MB/s "
              f"(slowed by the sampling)")
        report(samples[:args.samples], process_names(m), args.top)
    finally:
        m.stop()


if __name__ == "__main__":
    main()
