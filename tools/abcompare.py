#!/usr/bin/env python3
"""Two Bulkhead builds and Linux, interleaved in one invocation: the raw-frame figures.

For each round and NIC: the raw-frame benchmark of `make bench-linux`
(tools/bench_linux.py raw_run) on build A's ISO, on build B's ISO and on the
Linux guest, then tools/kentries.py (kernel entries per received frame) on A
and on B; at the end the medians side by side. Interleaving puts the host's
load on every column alike. Keep a copy of build/bulkhead.iso from before a
change, build the change, and compare:

  cp build/bulkhead.iso /tmp/before.iso     # (before the change)
  python3 tools/abcompare.py /tmp/before.iso build/bulkhead.iso 3 rtl8139,ne2k_pci

With --net first, the figures through each guest's own stack instead (for
NICs with a netbench-<device> boot): tools/bench_linux.py's udp_paired (UDP
echo round trips, A, B and Linux booted side by side, the echoes alternating
between them) and tcp_run (TCP 20 MB each way, calm and with the driver
killed every second, on A, B and Linux in turn), and the medians with B/A:

  python3 tools/abcompare.py --net /tmp/before.iso build/bulkhead.iso 3 rtl8139
"""
import contextlib
import io
import os
import random
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bench_linux  # noqa: E402
import kentries  # noqa: E402
import qemu  # noqa: E402
import tcppeer  # noqa: E402

COLUMNS = ("A", "B", "Linux")


def raw(nic, iso):
    if iso:
        qemu.ISO = iso
    out = bench_linux.raw_run("bulkhead" if iso else "linux", nic)
    if out:
        out["g2h_mbs"] = out["g2h_fps"] * bench_linux.FRAME / 1e6
        out["h2g_mbs"] = out["h2g_fps"] * bench_linux.FRAME / 1e6
    return out


def entries(nic, iso):
    qemu.ISO = iso
    sys.argv = ["kentries.py", nic[3], nic[1]]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            kentries.main()
        except SystemExit as e:
            print(f"kentries: {e}")
    return buf.getvalue().strip()


def net_main(isos, rounds, nics):
    block = random.Random(1).randbytes(bench_linux.TCP_CHUNK)
    want_crc = zlib.crc32(tcppeer.source_pattern(bench_linux.TCP_SIZE))
    nics = [n for n in nics if bench_linux.netbench_config(n[0])]
    res = {}
    for r in range(rounds):
        for nic in nics:
            udp = bench_linux.udp_paired(nic, [(col, "bulkhead" if iso else "linux", iso)
                                               for col, iso in zip(COLUMNS, isos)])
            for col, iso in zip(COLUMNS, isos):
                if iso:
                    qemu.ISO = iso
                out = udp[col]
                out.update(bench_linux.tcp_run("bulkhead" if iso else "linux", nic, block, want_crc))
                res.setdefault((nic[0], col), []).append(out)
                print(f"  ({nic[0]} round {r + 1} {col}: {out})", flush=True)
    for nic in nics:
        print(f"\n{nic[0]}: medians over {rounds} round(s)")
        print(f"  {'':40s} {'A':>9s} {'B':>9s} {'Linux':>9s} {'B/A':>6s}")
        for title, key, spec in bench_linux.NET_ROWS + bench_linux.KILL_ROWS:
            v = [bench_linux.median_of(res[(nic[0], c)], key) for c in COLUMNS]
            print(f"  {title:40s} {bench_linux.fmt(v[0], spec):>9s} {bench_linux.fmt(v[1], spec):>9s} "
                  f"{bench_linux.fmt(v[2], spec):>9s} {bench_linux.ratio(v[1], v[0]):>6s}")
    return 0


def main():
    net_mode = len(sys.argv) > 1 and sys.argv[1] == "--net"
    if net_mode:
        del sys.argv[1]
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    isos = (os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), None)
    rounds, names = int(sys.argv[3]), sys.argv[4].split(",")
    nics = [n for n in bench_linux.NICS if n[0] in names]
    if net_mode:
        return net_main(isos, rounds, nics)
    res = {}
    for r in range(rounds):
        for nic in nics:
            for col, iso in zip(COLUMNS, isos):
                out = raw(nic, iso)
                res.setdefault((nic[0], col), []).append(out)
                print(f"  ({nic[0]} round {r + 1} {col}: {out})", flush=True)
            for col, iso in zip(COLUMNS[:2], isos[:2]):
                print(f"  ({nic[0]} round {r + 1} {col} kernel entries: {entries(nic, iso)})", flush=True)
    for nic in nics:
        print(f"\n{nic[0]}: medians over {rounds} round(s)")
        print(f"  {'':34s} {'A':>9s} {'B':>9s} {'Linux':>9s} {'B/Linux':>8s}")
        for title, key, spec in bench_linux.RAW_ROWS:
            v = [bench_linux.median_of([x for x in res[(nic[0], c)] if x], key) for c in COLUMNS]
            print(f"  {title:34s} {bench_linux.fmt(v[0], spec):>9s} {bench_linux.fmt(v[1], spec):>9s} "
                  f"{bench_linux.fmt(v[2], spec):>9s} {bench_linux.ratio(v[1], v[2]):>8s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
