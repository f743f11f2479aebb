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

Driver recovery (tests/os/b_recovery.c, on the full system): the demo driver
is crashed and then hung 120 times each; the driver manager's record of
failure detected -> new incarnation serving, median and worst, and for hangs
how long detection took (heartbeat 50 ms).

Usage: tools/bench.py [--runs N]
"""
import argparse
import os
import re
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


def recovery_run(extra_args):
    m = Machine("bench-recovery", extra_args)
    try:
        done = m.wait_for(r"\[bench\] done", TIMEOUT)
    finally:
        m.stop()
    if not done:
        sys.exit(f"bench: the recovery benchmark did not finish; console:\n{m.text[-2000:]}")
    return {k: (int(a), int(b), u) for k, a, b, u in
            re.findall(r"\[bench\] (\w+) median=(\d+) worst=(\d+) best=\d+ unit=(\w+)", m.text)}


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
    for label, extra in (("TCG", []), ("TCG -icount shift=0", ["-icount", "shift=0"])):
        r = recovery_run(extra)
        print(f"\nDriver recovery, {label} (120 each; failure detected -> serving again):")
        print(f"  crash (segfault): median {r['recovery_crash'][0]} us, worst {r['recovery_crash'][1]} us")
        print(f"  hang:             median {r['recovery_hang'][0]} us, worst {r['recovery_hang'][1]} us; "
              f"detected {r['hang_detection'][0]} ms after the hang began (worst {r['hang_detection'][1]} ms, "
              f"heartbeat 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
