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

Network drivers, Bulkhead and Linux side by side, per NIC (rtl8139,
ne2k_pci, ne2k_isa at iobase=0x300 irq=9, i82557b (e100), e1000), every
figure as Bulkhead, Linux and Bulkhead/Linux, the runs interleaved (B, L, B,
L, ...) so that host load hits both alike (medians over --runs):
  Linux guest: Debian's i386 kernel (linux-image-686's 6.1 package) and
  busybox-static, fetched by `make linux-guest` (tools/fetch-linux.sh, with
  apt-get download into build/linux; nothing installed on the host), booted
  with -kernel/-initrd (tools/mkinitramfs.py, tools/linux-guest/) on the same
  -machine pc -m 128M, NIC flags and netdevs as Bulkhead; its in-kernel
  drivers (8139cp for QEMU's 8139C+, ne2k-pci, ne, e100, e1000). With the
  ISA NE2000 Linux boots with acpi=off: IRQ 9 is the ACPI SCI on the pc
  machine and the ne driver cannot share it (Bulkhead uses no ACPI).
  Raw frames: Bulkhead's tests/os/t_netclient.c in bench mode, Linux's
  rawclient (AF_PACKET), the same host peer (tests/netpeer.py run_bench) over
  QEMU's UDP socket netdev on 127.0.0.1: 2000 frames of 1514 bytes each way
  (guest to host as fast as the driver takes them; host to guest with at most
  8 unacknowledged: an NE2000's receive ring holds about nine full-size
  frames), frames/s and MB/s; 500 round trips of 64-byte frames, median and
  p99; guest CPU per frame: CPU time of QEMU's vCPU thread ("CPU 0/TCG" in
  /proc/PID/task/*/comm; schedstat, in ns) sampled at the start and end of
  each phase, divided by the frames (per round trip for the pings): far
  steadier than wall time on a loaded host; the host peer's own CPU per frame
  sent; and for Bulkhead the longest pause in a stream while its driver is
  killed and restarted (the peer resends after 10 ms of silence).
  Address-space loads per frame (per segment for TCP, below; Bulkhead only):
  how often the kernel wrote CR3 to run a process, summed over every
  process from the table the kernel prints on an NMI (QEMU monitor `nmi`)
  at the start and end of each phase. Each load costs QEMU a flush of its
  soft TLB and jump cache, which the instruction count does not show.
  Linux shows "-": its kernel does the work in whatever address space it
  interrupted (a QEMU -d int log of its TCP transfers shows no CR3 change).
  Kernel entries per frame (per segment for TCP; Bulkhead only): IPC traps,
  interrupts and exceptions, from the counts the kernel prints on the same
  NMIs (the trap stubs count them, kernel/entry.asm).
  UDP and TCP through each guest's own stack: Bulkhead boots
  netbench-<device> (boot/configs; "not yet available" when absent), Linux
  bench=net; both put eth0 at 10.0.2.15/24 (gateway 10.0.2.2), print
  "NET-UP <uptime>" and "SRV-READY", and run echod (UDP 7) and bulkd (TCP
  5001 sink, 5002 source; for Linux Bulkhead's own sources built for glibc).
  Boot to NET-UP (host wall clock from QEMU start); UDP echo round trip of
  64 and 1400 bytes, median and p99 of 2000, one outstanding, through
  -netdev socket to a host peer speaking Ethernet/ARP/IPv4/UDP
  (tests/ippeer.py), with both guests booted side by side and the echoes
  alternating between them (Bulkhead, Linux, Bulkhead, ...), so that the
  host's load hits both within the same second (interleaved boots alone
  left a third's spread from boot to boot; which guest goes first swaps at
  every echo: the first of a pair came out slower, and with the order fixed
  per boot pair instead the Bulkhead/Linux ratios sat up to a tenth lower,
  so the two guests still affect each other through the host), and guest
  CPU per echo (each vCPU thread's time over the stretch: Linux waits for
  its next echo in HLT, at no CPU; Bulkhead polls for up to 200 us first
  (kernel/sched.c says why), and that counts); TCP 20 MB host->guest (5001) and guest->host (5002), MB/s
  and guest CPU per full 1460-byte segment (the vCPU thread's CPU time over
  the transfer), address-space loads and kernel entries per segment, CRC-32 checked, after 1 MB each way unmeasured (slow start,
  first use), through -netdev user,restrict=on with ports forwarded from
  127.0.0.1 only; three transfers each way per boot (fewer once that way
  has taken 10 s), the boot's figure their median: through QEMU's user
  network a transfer now and then runs at about half speed on either
  guest (each boot's line in parentheses lists its transfers' CPU per
  segment); for Bulkhead also the same with `kill <driver>` typed on
  its serial console once a second: throughput as a percentage of
  undisturbed, and the longest stall the host client saw.

The RTL8139 on q35 without and with the IOMMU (iommu_comparison): the same
figures, --runs boots of each interleaved (off, on, off, on, ...) so that the
host's load falls on both alike; medians and the IOMMU's difference. The
peer's kill figure is the longest pause anywhere in that stream (a host
stall elsewhere shows there too), so the guest's own kill -> frames flowing
again time is printed next to it.

Driver recovery (tests/os/b_recovery.c, on the full system): the demo driver
is crashed and then hung 120 times each; the driver manager's record of
failure detected -> new incarnation serving, median and worst, and for hangs
how long detection took (heartbeat 50 ms).

Usage: tools/bench.py [--runs N] [--linux-only] [--nics LIST] [--no-raw] [--no-net]
  make bench        everything above
  make bench-linux  only the side by side with Linux (tools/bench.py --linux-only)
"""
import argparse
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import netpeer  # noqa: E402
from qemu import Machine  # noqa: E402
import bench_linux  # noqa: E402

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


IOMMU_ARGS = ("-device", "intel-iommu,intremap=off")


def iommu_run(first):
    """One RTL8139 benchmark boot on q35 (first: the IOMMU's arguments, or none): the peer's
    figures, and the guest's own kill -> frames flowing again time (ms), which the host's
    scheduling does not blur."""
    peer = netpeer.Peer()
    m = Machine("bench-net-rtl8139", list(first) + peer.qemu_args("rtl8139,romfile="), machine="q35")
    try:
        out = peer.run_bench()
        done = m.wait_for(r"\[netbench\] done", 60)
    finally:
        m.stop()
        peer.close()
    back = re.search(r"bench_recovery_after_kill: .* frames flowing again (\d+) ms later", m.text)
    if not out or not done or not back:
        sys.exit(f"bench: the rtl8139 benchmark on q35 did not finish; console:\n{m.text[-2000:]}")
    out["guest_recovery_ms"] = int(back.group(1))
    return out


def iommu_comparison(runs):
    """The RTL8139 on the same q35 machine without and with the IOMMU, runs interleaved
    (off, on, off, on, ...) so that the host's load falls on both alike; medians, and
    how far the IOMMU's are from the others (the goal: within 5%)."""
    print(f"\nThe RTL8139 on q35, without and with the IOMMU (VT-d; the NIC in its own DMA domain), "
          f"{runs} interleaved runs each, medians:")
    got = {"q35": [], "q35+iommu": []}
    for _ in range(runs):
        for label, first in (("q35", ()), ("q35+iommu", IOMMU_ARGS)):
            got[label].append(iommu_run(first))
    figures = (("guest->host frames/s", lambda r: r["guest_to_host_fps"]),
               ("host->guest frames/s", lambda r: r["host_to_guest_fps"]),
               ("64-byte round trip us", lambda r: statistics.median(r["rtt_us"]) * 1e6),
               ("kill->flowing ms, host", lambda r: r["recovery_s"] * 1000),
               ("kill->flowing ms, guest", lambda r: r["guest_recovery_ms"]))
    for name, value in figures:
        off = statistics.median(value(r) for r in got["q35"])
        on = statistics.median(value(r) for r in got["q35+iommu"])
        each = ", ".join(f"{value(a):.0f}/{value(b):.0f}" for a, b in zip(got["q35"], got["q35+iommu"]))
        print(f"  {name:24s} off {off:8.0f}  on {on:8.0f}  ({(on - off) / off * 100 if off else 0:+.1f}%; "
              f"runs off/on: {each})", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="runs of each measurement (median reported)")
    ap.add_argument("--linux-only", action="store_true",
                    help="only the side by side with Linux (raw frames, UDP and TCP), as make bench-linux")
    ap.add_argument("--nics", default=",".join(n[0] for n in bench_linux.NICS),
                    help="QEMU NIC devices of the side by side, comma-separated (default: all)")
    ap.add_argument("--no-raw", action="store_true", help="leave out the raw-frame side by side")
    ap.add_argument("--no-net", action="store_true", help="leave out the UDP/TCP side by side")
    args = ap.parse_args()
    names = args.nics.split(",")
    nics = [n for n in bench_linux.NICS if n[0] in names]
    unknown = set(names) - {n[0] for n in bench_linux.NICS}
    if unknown:
        ap.error(f"unknown NIC {', '.join(sorted(unknown))}; choose from {', '.join(n[0] for n in bench_linux.NICS)}")

    print("Bulkhead benchmarks (QEMU TCG, qemu-system-i386 -machine pc -m 128M)")
    if not args.linux_only:
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
    if not args.no_raw:
        bench_linux.raw_side_by_side(nics, args.runs)
    if not args.no_net:
        bench_linux.net_side_by_side(nics, args.runs)
    if args.linux_only:
        return 0
    iommu_comparison(args.runs)
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
