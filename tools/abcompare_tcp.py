#!/usr/bin/env python3
"""Two Bulkhead builds interleaved in one invocation: TCP through inet.

tools/abcompare.py compares the raw-frame path (no inet); this compares what a
change to inet or to the driver protocol costs or buys on TCP. For each round
and NIC it boots build A's ISO, then build B's (netbench-<device>, as
`make bench-linux` does: inet, bulkd, -netdev user,restrict=on with ports
forwarded from 127.0.0.1 only), moves 1 MB each way unmeasured, then
TCP_SIZE (20 MB) host->guest and guest->host, CRC-32 checked, and records
MB/s and the guest's CPU per full-size segment: the CPU time of QEMU's vCPU
thread over the transfer divided by TCP_SIZE / 1460, far steadier than MB/s
on a loaded host. At the end the medians of A and B and B/A. Keep a copy of
build/bulkhead.iso from before a change, build the change, and compare:

  cp build/bulkhead.iso /tmp/before.iso     # (before the change)
  python3 tools/abcompare_tcp.py /tmp/before.iso build/bulkhead.iso 3 rtl8139,ne2k_pci

Either ISO may be given as `linux`: the Linux guest of `make bench-linux`
(bench=net), with the same transfers, for a side by side with its CPU per
segment.

  --insns   also count the guest's instructions per segment (QEMU plugin
            build/tools/libinsncount.so, made by `make`): steady from run to
            run where CPU time moves by several percent, so it shows small
            changes in the guest's own work; it does not see QEMU's (soft-TLB
            refills, flushes on CR3 writes, devices). Slows QEMU a little.
"""
import os
import random
import statistics
import struct
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bench_linux  # noqa: E402
import qemu  # noqa: E402
import tcppeer  # noqa: E402

COLUMNS = ("A", "B")
ROWS = (("TCP host->guest MB/s", "to_mbs"), ("  guest CPU per segment, us", "to_us_seg"),
        ("  guest instructions per segment", "to_insn_seg"), ("  address-space loads per segment", "to_loads_seg"),
        ("  kernel entries per segment", "to_entries_seg"),
        ("TCP guest->host MB/s", "from_mbs"), ("  guest CPU per segment, us", "from_us_seg"),
        ("  guest instructions per segment", "from_insn_seg"), ("  address-space loads per segment", "from_loads_seg"),
        ("  kernel entries per segment", "from_entries_seg"))
INSNCOUNT = os.path.join(ROOT, "build", "tools", "libinsncount.so")


class Counter:
    """The guest's instruction count, through the plugin's shared file (tools/insncount.c)."""

    def __init__(self):
        fd, self.path = tempfile.mkstemp(prefix="insncount-")
        os.close(fd)
        os.environ["INSN_COUNT_FILE"] = self.path      # (QEMU, started next, inherits it)
        self.args = ["-plugin", INSNCOUNT]

    def read(self):
        with open(self.path, "rb") as f:
            return struct.unpack("<Q", f.read(8))[0]

    def close(self):
        os.environ.pop("INSN_COUNT_FILE", None)
        os.unlink(self.path)


def timed(m, ports, block, want_crc, counter, counts):
    """bench_linux.tcp_transfers_timed_one for each direction, with its instruction count (None without counter)."""
    out = {}
    for key in ("to", "from"):
        before = counter.read() if counter else None
        one = bench_linux.tcp_transfers_timed_one(m, ports, block, want_crc, key, counts)
        out[key] = one + ((counter.read() - before) if counter else None,)
    return out


def transfers(nic, iso, block, want_crc, insns):
    """One boot of iso: {key: figure} for the rows it measured (none if it failed)."""
    guest = "linux" if iso == "linux" else "bulkhead"
    if guest == "bulkhead":
        qemu.ISO = iso
    ports, args = bench_linux.user_net(nic)
    counter = Counter() if insns else None
    m, _ = bench_linux.boot_net(guest, nic, args + (counter.args if counter else []))
    out = {}
    try:
        if not m:
            return out
        bench_linux.tcp_transfers(ports, block, want_crc, bench_linux.TCP_WARMUP)
        segments = bench_linux.TCP_SIZE / bench_linux.TCP_SEGMENT
        for key, (ok, took, _, cpu, counts, n) in timed(m, ports, block, want_crc, counter,
                                                         guest == "bulkhead").items():
            if not ok:
                continue
            figures = bench_linux.transfer_figures(took, cpu, counts)
            figures["insn_seg"] = n / segments if n is not None else None
            out.update({f"{key}_{f}": v for f, v in figures.items() if v is not None})
    finally:
        if m:
            m.stop()
        if counter:
            counter.close()
    return out


def main():
    argv = [a for a in sys.argv[1:] if a != "--insns"]
    insns = len(argv) < len(sys.argv) - 1
    if len(argv) != 4:
        sys.exit(__doc__)
    if insns and not os.path.exists(INSNCOUNT):
        sys.exit(f"abcompare_tcp: {INSNCOUNT} is missing: run make")
    isos = tuple(a if a == "linux" else os.path.abspath(a) for a in argv[0:2])
    rounds, names = int(argv[2]), argv[3].split(",")
    nics = [n for n in bench_linux.NICS if n[0] in names]
    block = random.Random(1).randbytes(bench_linux.TCP_CHUNK)
    want_crc = zlib.crc32(tcppeer.source_pattern(bench_linux.TCP_SIZE))
    res = {}
    for r in range(rounds):
        for nic in nics:
            for col, iso in zip(COLUMNS, isos):
                out = transfers(nic, iso, block, want_crc, insns)
                res.setdefault((nic[0], col), []).append(out)
                print(f"  ({nic[0]} round {r + 1} {col}: " +
                      ", ".join(f"{k} {v:.2f}" for k, v in out.items()) + ")", flush=True)
    for nic in nics:
        print(f"\n{nic[0]}: medians over {rounds} round(s)")
        print(f"  {'':30s} {'A':>9s} {'B':>9s} {'B/A':>6s}")
        for title, key in ROWS:
            v = [[x[key] for x in res[(nic[0], c)] if key in x] for c in COLUMNS]
            a, b = (statistics.median(x) if x else None for x in v)
            if ("insn" in key or "loads" in key) and a is None and b is None:
                continue
            print(f"  {title:30s} {bench_linux.fmt(a, '{:.2f}'):>9s} {bench_linux.fmt(b, '{:.2f}'):>9s} "
                  f"{bench_linux.ratio(b, a):>6s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
