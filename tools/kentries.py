#!/usr/bin/env python3
"""Kernel entries and address-space switches per received frame, from QEMU's interrupt log.

Boots the bench-net-NIC configuration with `-d int` (every interrupt,
exception and IPC trap, with the CPU state), lets the guest's benchmark
client send its frames, then has the host peer send COUNT frames of 1514
bytes to the guest (at most 8 unacknowledged, as `make bench` does) and
counts, over that phase only, the entries into the kernel (by vector: 0x80
is the IPC trap, 0x20 the clock, 0x2b/0x29 the NIC's IRQ, 0x0d a refused
port instruction) and how often CR3 changed between two entries.

Usage: tools/kentries.py [--count N] NIC QEMU-DEVICE
  e.g. tools/kentries.py rtl8139 rtl8139,romfile=
       tools/kentries.py ne2000 ne2k_pci,romfile=
"""
import argparse
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import netpeer  # noqa: E402
from qemu import Machine  # noqa: E402

SETTLE_S = 1.0     # for QEMU to write out its log before a phase boundary is taken


def log_size(path):
    time.sleep(SETTLE_S)
    return os.path.getsize(path)


def count(data):
    entries, switches, last, vectors = 0, 0, None, {}
    for line in data.split(b"\n"):
        m = re.match(rb"\s*\d+: v=([0-9a-f]+)", line)
        if m:
            entries += 1
            vectors[m.group(1).decode()] = vectors.get(m.group(1).decode(), 0) + 1
            continue
        m = re.search(rb"CR3=([0-9a-f]+)", line)
        if m:
            switches += last is not None and m.group(1) != last
            last = m.group(1)
    return entries, switches, vectors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("nic")
    ap.add_argument("device")
    args = ap.parse_args()
    log = tempfile.NamedTemporaryFile(prefix="kentries-", suffix=".log", delete=False).name
    peer = netpeer.Peer()
    m = Machine(f"bench-net-{args.nic}", peer.qemu_args(args.device) + ["-d", "int", "-D", log])
    try:
        if not peer.hello(120):
            sys.exit("kentries: the guest did not say hello")
        r = peer.recv(30)
        while r and r[0] != netpeer.K_END:
            r = peer.recv(30)
        if r:
            peer.send(netpeer.K_ACK, r[1] + 1)
        start = log_size(log)
        delivered, resent, _ = peer.send_windowed(args.count, lambda seq: netpeer.MAX_FRAME, timeout=300, window=8)
        end = log_size(log)
    finally:
        m.stop()
        peer.close()
    with open(log, "rb") as f:
        f.seek(start)
        entries, switches, vectors = count(f.read(end - start))
    os.unlink(log)
    if not delivered:
        sys.exit("kentries: no frame was delivered")
    by = ", ".join(f"0x{v}: {n / delivered:.2f}" for v, n in sorted(vectors.items()))
    print(f"{args.nic}: {delivered} frames of {netpeer.MAX_FRAME} bytes to the guest ({resent} resent): "
          f"{entries / delivered:.1f} kernel entries and {switches / delivered:.2f} address-space switches "
          f"per frame (by vector: {by})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
