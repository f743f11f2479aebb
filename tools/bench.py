#!/usr/bin/env python3
"""make bench: boot the benchmark configurations and print the figures.

IPC round trip (tests/os/b_ipc.c): sendrec + reply between two processes in
different address spaces, averaged over 200,000 round trips, measured with
rdtsc in the guest; run twice:
  - plain TCG: the cycle counter follows host time, so the figure moves with
    the host's speed and load;
  - TCG with -icount shift=0: virtual time advances one nanosecond per guest
    instruction, so the figure is the same from run to run and tracks the
    number of instructions executed.
Boot time: host wall-clock time from starting QEMU to the first user process
printing (SeaBIOS, GRUB, kernel and boot-module loading), and the kernel's own
uptime at that moment.

Usage: tools/bench.py [--runs N]
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
from qemu import Machine  # noqa: E402

TIMEOUT = 300


def ipc_run(extra_args):
    m = Machine("bench", extra_args)
    try:
        first = m.wait_for(r"\[bench\] first_user_process uptime_ms=(\d+)", 60)
        host_ms = (time.monotonic() - m.started) * 1000
        rt = m.wait_for(r"\[bench\] ipc_roundtrip cycles=(\d+) round_trips=(\d+) errors=(\d+) tsc_khz=(\d+)", TIMEOUT)
    finally:
        m.stop()
    if not first or not rt:
        sys.exit(f"bench: the benchmark did not report; console:\n{m.text[-2000:]}")
    return {
        "boot_host_ms": host_ms, "boot_uptime_ms": int(first.group(1)),
        "cycles": int(rt.group(1)), "round_trips": int(rt.group(2)),
        "errors": int(rt.group(3)), "tsc_khz": int(rt.group(4)),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="runs of each measurement (median reported)")
    args = ap.parse_args()

    print("Bulkhead benchmarks (QEMU TCG, qemu-system-i386 -machine pc -m 128M)")
    for label, extra in (("TCG", []), ("TCG -icount shift=0", ["-icount", "shift=0"])):
        runs = [ipc_run(extra) for _ in range(args.runs)]
        cyc = [r["cycles"] for r in runs]
        print(f"\nIPC round trip, {label}: median {statistics.median(cyc):.0f} cycles "
              f"(runs: {', '.join(map(str, cyc))}; {runs[0]['round_trips']} round trips each, "
              f"errors {sum(r['errors'] for r in runs)}, guest TSC {runs[0]['tsc_khz']} kHz)")
        host = [r["boot_host_ms"] for r in runs]
        up = [r["boot_uptime_ms"] for r in runs]
        print(f"QEMU start to first user process, {label}: median {statistics.median(host):.0f} ms host time "
              f"(kernel uptime then: median {statistics.median(up):.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
