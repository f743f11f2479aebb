#!/usr/bin/env python3
"""Write the hot-function lists the linker places first: kernel/hot.ld and lib/hot.ld.

  python3 tools/hotlist.py [--nics rtl8139,ne2k_pci,...] [--echoes 1500] [--min 2] [--dry-run]

Why: under QEMU's TCG every address-space switch (a CR3 write) empties the
emulator's TLB, and each page of code touched after it costs a refill. A
UDP echo through Bulkhead switches address spaces about eight times, and
the functions its kernel and processes run per echo lay spread over about
forty pages of code. Placing them first in each binary's .text packs them
into a few (the build compiles with -ffunction-sections, so each function
is its own section to place).

What: boots the benchmark system (bench-net-NIC, as `make bench` does) once
per NIC with a UDP peer and once with QEMU's user network, and while it
runs UDP echoes (64 and 1400 bytes) and a TCP transfer each way, samples
the vCPU's EIP and CR3 from QEMU's monitor (tools/qprof.py's sampler). Every
function with at least --min samples goes into the list of its side,
hottest first: the kernel's into kernel/hot.ld (INCLUDEd by boot/
kernel.ld), every user program's into lib/hot.ld (INCLUDEd by lib/
user.ld; one list for all of them: a name matches only in the binaries
that have it). A function of newlib's C library is placed by its archive
member. Rerun after changes to the data path and commit the lists; a name
that no longer exists matches nothing and costs nothing, so a stale list
only loses speed. tests/pyunit/test_hot.py checks that the lists are in
effect (the listed functions of inet and the kernel lie at the start of
their .text).
"""
import argparse
import collections
import json
import os
import random
import re
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bench_linux  # noqa: E402
import ippeer  # noqa: E402
import qprof  # noqa: E402

LISTS = {"kernel": os.path.join(ROOT, "kernel", "hot.ld"), "user": os.path.join(ROOT, "lib", "hot.ld")}
LIBC = os.path.join(ROOT, "build", "newlib", "i686-elf", "lib", "libc.a")
NOT_PLACEABLE = {"idle"}          # the kernel's idle loop: time spent waiting, not a hot path
FUNCTION = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")   # not an unresolved address nor an assembler label
TCP_BYTES = 8 << 20               # each way, sampled
COUNTS = os.path.join(ROOT, "build", "hotlist-counts.json")
ENTRY_ASM = os.path.join(ROOT, "build", "kobj", "kernel", "entry.o")   # placed first whole by boot/kernel.ld


def sampled(m, work):
    """Samples of the vCPU while work() runs, with the kernel's names for the address spaces."""
    samples, stop = [], threading.Event()
    t = threading.Thread(target=qprof.sample, args=(m, stop, samples), daemon=True)
    t.start()
    try:
        work()
    finally:
        stop.set()
        t.join()
    return samples, qprof.process_names(m)


def udp_samples(nic, echoes):
    peer = ippeer.Peer()
    m, _ = bench_linux.boot_net("bulkhead", nic, peer.qemu_args(nic[1]))
    if not m:
        peer.close()
        sys.exit(f"hotlist: the {nic[0]} guest did not come up")
    try:
        deadline = time.monotonic() + 30
        while not peer.guest_mac and time.monotonic() < deadline:
            peer.arp(1, b"\0" * 6, ippeer.GUEST_IP, ippeer.BROADCAST)
            peer.receive(0.5)

        def work():
            for size in bench_linux.UDP_SIZES:
                for seq in range(echoes):
                    peer.udp_echo(seq, size, timeout=0.5)
        return sampled(m, work)
    finally:
        m.stop()
        peer.close()


def tcp_samples(nic):
    block = random.Random(1).randbytes(bench_linux.TCP_CHUNK)
    ports, qargs = bench_linux.user_net(nic)
    m, _ = bench_linux.boot_net("bulkhead", nic, qargs)
    if not m:
        sys.exit(f"hotlist: the {nic[0]} guest did not come up")
    try:
        bench_linux.tcp_transfers(ports, block, None, bench_linux.TCP_WARMUP)
        return sampled(m, lambda: bench_linux.tcp_transfers(ports, block, None, TCP_BYTES))
    finally:
        m.stop()


def libc_members():
    """Function name -> newlib archive member that defines it."""
    out = subprocess.run([qprof.NM, "-A", "--defined-only", LIBC], capture_output=True, text=True).stdout
    members = {}
    for line in out.splitlines():
        parts = line.split()                      # "path/libc.a:lib_a-memcpy.o:00000000 T memcpy"
        if len(parts) == 3 and parts[1] in "TW":
            members.setdefault(parts[2], parts[0].split(":")[-2])
    return members


def symbols_of(obj):
    out = subprocess.run([qprof.NM, "--defined-only", obj], capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.split()}


def patterns(func, members):
    """The input sections that hold func: its own (-ffunction-sections; main's is
    .text.startup.main, a cold part's .text.unlikely.NAME), and its newlib archive
    member's if newlib has one (ours may replace newlib's, as lib/posix/memcpy.c does)."""
    own = (f"*(.text.unlikely.{func[:-5]})" if func.endswith(".cold") else
           f"*(.text.{func} .text.startup.{func})")
    return [own] + ([f"*libc.a:{members[func]}(.text)  /* {func} */"] if func in members else [])


def write_list(path, funcs, members, about):
    seen, lines = set(), []
    for func in funcs:
        for line in patterns(func, members):
            if line not in seen:
                seen.add(line)
                lines.append(line)
    with open(path, "w") as f:
        f.write(f"/*\n * {about},\n * hottest first. Generated by tools/hotlist.py (see there why and how):\n"
                " * rerun it rather than editing by hand.\n */\n")
        f.write("\n".join(lines) + "\n")
    print(f"hotlist: {len(lines)} entries into {os.path.relpath(path, ROOT)}")


def reused():
    with open(COUNTS) as f:
        return collections.Counter({tuple(row[:3]): row[3] for row in json.load(f)})


def profile(nics, echoes):
    """Samples per (workload, binary, function) over every NIC's workloads ("udp", "tcp")."""
    counts = collections.Counter()
    for name in nics.split(","):
        nic = next((n for n in bench_linux.NICS if n[0] == name), None)
        if not nic:
            sys.exit(f"hotlist: no NIC {name} (known: {', '.join(n[0] for n in bench_linux.NICS)})")
        for work, (samples, names) in (("udp", udp_samples(nic, echoes)), ("tcp", tcp_samples(nic))):
            counts.update({(work,) + key: k for key, k in qprof.attribute(samples, names)[1].items()})
            print(f"hotlist: {name}, {work}: {len(samples)} samples", flush=True)
    return counts


def hot_lists(counts, least, dry_run):
    """The lists: the UDP echo's functions first, then the rest, each part hottest first.
    (An echo switches address spaces about eight times, a TCP segment about 0.2: the
    echo's path gains most from few pages.)"""
    members = libc_members()
    total, udp = collections.Counter(), set()
    for (work, b, f), k in counts.items():
        total[(b, f)] += k
        if work == "udp" and k >= least:
            udp.add((b, f))
    hot = sorted((key for key, k in total.items() if k >= least and key[1] not in NOT_PLACEABLE
                  and FUNCTION.match(key[1])), key=lambda key: (key not in udp, -total[key], key))
    in_asm = symbols_of(ENTRY_ASM)
    kernel = [f for b, f in hot if b == "kernel" and f not in in_asm]
    user = [f for b, f in hot if b != "kernel"]
    if dry_run:
        print(f"hotlist: {len(kernel)} kernel functions, {len(user)} user ones")
        return
    write_list(LISTS["kernel"], kernel, {}, "The kernel's functions the benchmark's data path runs")
    write_list(LISTS["user"], user, members, "The user programs' functions the benchmark's data path runs")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nics", default=",".join(n[0] for n in bench_linux.NICS))
    ap.add_argument("--echoes", type=int, default=1500, help="UDP echoes per size per NIC (default 1500)")
    ap.add_argument("--min", type=int, default=2, help="samples a function needs to be listed (default 2)")
    ap.add_argument("--dry-run", action="store_true", help="print the lists' sizes, write nothing")
    ap.add_argument("--reuse", action="store_true", help=f"no boots: the samples the last run kept in "
                    f"{os.path.relpath(COUNTS, ROOT)}")
    args = ap.parse_args()
    counts = reused() if args.reuse else profile(args.nics, args.echoes)
    with open(COUNTS, "w") as f:
        json.dump([list(key) + [k] for key, k in counts.items()], f)
    hot_lists(counts, args.min, args.dry_run)


if __name__ == "__main__":
    main()
