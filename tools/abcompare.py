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
"""
import contextlib
import io
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bench_linux  # noqa: E402
import kentries  # noqa: E402
import qemu  # noqa: E402

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


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    isos = (os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), None)
    rounds, names = int(sys.argv[3]), sys.argv[4].split(",")
    nics = [n for n in bench_linux.NICS if n[0] in names]
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
