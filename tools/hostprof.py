#!/usr/bin/env python3
"""Where QEMU's vCPU thread spends its time during a TCP transfer: perf on the host.

  python3 tools/hostprof.py [--guest bulkhead|linux] [--nic rtl8139] [--dir to|from] [--top 25]

The host-side companion of tools/qprof.py (which samples the guest's EIP).
Boots the guest as `make bench-linux` does (Bulkhead's netbench-<nic>, or
the Linux guest; -netdev user,restrict=on, ports forwarded from 127.0.0.1
only), moves 1 MB each way unmeasured, then runs `perf record` on QEMU's
vCPU thread ("CPU 0/TCG") alone for one 20 MB transfer (--dir to: host to
guest; from: guest to host). Prints the transfer's rate and the vCPU's CPU
time per 1,460-byte segment, then perf's split of that time by object
("[JIT]" is translated guest code; qemu-system-i386 is QEMU's own C code:
device emulation, soft-MMU refills, translation-block lookups, the TLB and
jump-cache flush of every CR3 write) and its top symbols, each as a share
and as microseconds per segment. Run it for both guests to compare
(Debian's QEMU binary is stripped of local symbols: those show as
addresses). Needs perf (Debian package linux-perf) and root.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bench_linux  # noqa: E402
import tcppeer  # noqa: E402

PERF_HZ = 4999


def perf_rows(data, sort):
    """(percent, name) rows of `perf report --sort sort` on data."""
    out = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", sort, "--stdio"],
                         capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 2 and f[0].endswith("%") and not line.startswith("#"):
            rows.append((float(f[0].rstrip("%")), " ".join(f[1:])))
    return rows


def transfer(direction, ports, block, want_crc):
    if direction == "to":
        return bench_linux.tcp_to_guest(ports[5001], bench_linux.TCP_SIZE, block)
    return bench_linux.tcp_from_guest(ports[5002], bench_linux.TCP_SIZE, want_crc)


def profile(m, args, ports, block, want_crc, data):
    """One measured transfer under perf: (ok, seconds, vCPU seconds)."""
    pid, tid = m.proc.pid, bench_linux.vcpu_thread(m.proc.pid)
    if tid is None:
        sys.exit("hostprof: QEMU's vCPU thread not found")
    perf = subprocess.Popen(["perf", "record", "-q", "-o", data, "-F", str(PERF_HZ), "-t", str(tid)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)                                  # perf attached
    try:
        c0 = bench_linux.thread_cpu_s(pid, tid)
        ok, took, _ = transfer(args.dir, ports, block, want_crc)
        c1 = bench_linux.thread_cpu_s(pid, tid)
    finally:
        perf.send_signal(2)
        perf.wait()
    return ok, took, c1 - c0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--guest", choices=("bulkhead", "linux"), default="bulkhead")
    ap.add_argument("--nic", default="rtl8139")
    ap.add_argument("--dir", choices=("to", "from"), default="to")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    if not shutil.which("perf"):
        sys.exit("hostprof: needs perf (apt-get install linux-perf)")
    nic = next((n for n in bench_linux.NICS if n[0] == args.nic), None)
    if not nic:
        sys.exit(f"hostprof: unknown NIC {args.nic} (one of {', '.join(n[0] for n in bench_linux.NICS)})")
    block = random.Random(1).randbytes(bench_linux.TCP_CHUNK)
    want_crc = zlib.crc32(tcppeer.source_pattern(bench_linux.TCP_SIZE))
    ports, qargs = bench_linux.user_net(nic)
    m, _ = bench_linux.boot_net(args.guest, nic, qargs)
    if not m:
        sys.exit("hostprof: the guest did not come up")
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "perf.data")
        try:
            bench_linux.tcp_transfers(ports, block, want_crc, bench_linux.TCP_WARMUP)
            ok, took, cpu = profile(m, args, ports, block, want_crc, data)
        finally:
            m.stop()
        segs = bench_linux.TCP_SIZE / bench_linux.TCP_SEGMENT
        us = cpu * 1e6 / segs
        print(f"{args.guest} {args.nic} {args.dir}: {'ok' if ok else 'FAILED'}, "
              f"{bench_linux.TCP_SIZE / took / 1e6:.2f} MB/s, vCPU {us:.2f} us per segment")
        for title, sort, top in (("by object", "dso", 8), (f"top {args.top} symbols", "dso,sym", args.top)):
            print(f"\n{title} (share of the vCPU's samples, us per segment):")
            for pct, name in perf_rows(data, sort)[:top]:
                print(f"  {pct:5.1f}%  {pct * us / 100:6.2f}  {name}")


if __name__ == "__main__":
    main()
