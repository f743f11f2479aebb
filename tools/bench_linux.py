"""Bulkhead and Linux side by side (tools/bench.py; see its --help).

The Linux guest is Debian's i386 kernel with an initramfs (tools/fetch-linux.sh,
tools/mkinitramfs.py, tools/linux-guest/init): with bench=raw it runs rawclient,
the raw-frame client that plays t_netclient's bench role over an AF_PACKET
socket; with bench=net it configures eth0 like Bulkhead's netbench-<device>
boots and runs echod and bulkd (Bulkhead's own sources, built for glibc).
Both guests get the same QEMU machine, memory, NIC flags, netdevs and host peer,
and their runs are interleaved (Bulkhead, Linux, Bulkhead, Linux, ...) so that
a loaded host slows both alike; ratios are Bulkhead / Linux of medians.
"""
import os
import random
import re
import socket
import statistics
import sys
import threading
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import ippeer  # noqa: E402
import netpeer  # noqa: E402
import tcppeer  # noqa: E402
import qemu  # noqa: E402
from qemu import BUILD, Machine  # noqa: E402

VMLINUZ = os.path.join(BUILD, "linux", "vmlinuz")
INITRD = os.path.join(BUILD, "linux", "initramfs.gz")
FRAME = netpeer.MAX_FRAME
BOOT_TIMEOUT = 180
RAW_TIMEOUT = 300

# (QEMU device name, its -device flags, Bulkhead's raw bench config, the driver's
# label, what Linux's command line needs besides). On QEMU's pc machine IRQ 9 is
# the ACPI SCI, which Linux's ISA ne driver cannot share ("Flags mismatch irq 9"):
# with the ISA card Linux runs without ACPI (Bulkhead uses no ACPI at all).
NICS = (("rtl8139", "rtl8139,romfile=", "bench-net-rtl8139", "rtl8139", ""),
        ("ne2k_pci", "ne2k_pci,romfile=", "bench-net-ne2000", "ne2000", ""),
        ("ne2k_isa", "ne2k_isa,iobase=0x300,irq=9", "bench-net-ne2000_isa", "ne2000_isa", "acpi=off"),
        ("i82557b", "i82557b,romfile=", "bench-net-e100", "e100", ""),
        ("e1000", "e1000,romfile=", "bench-net-e1000", "e1000", ""))

UDP_PAIRS = 2000
UDP_WARMUP = 200           # echoes per guest before the measured ones
UDP_SIZES = (64, 1400)
TCP_SIZE = 20 * 1024 * 1024
TCP_CHUNK = 64 * 1024
TCP_WARMUP = 1 << 20       # bytes each way before the measured transfers
TCP_SEGMENT = 1460         # payload of a full TCP segment (the MSS of both guests on QEMU's user network)
TCP_TIMEOUT = 120          # seconds without progress: the transfer failed
TCP_REPEATS = 3            # calm transfers each way per boot (their median is the boot's figure) ...
TCP_REPEAT_BUDGET_S = 10   # ... while that way's transfers so far took less than this in all
KILL_EVERY_S = 1.0


# QEMU names its threads ("CPU 0/TCG") only when asked.
THREAD_NAMES = ["-name", "guest,debug-threads=on"]


def linux(mode, extra_args, nic):
    """A Linux guest in QEMU, booted like Bulkhead's (same machine, memory, flags)."""
    if not (os.path.exists(VMLINUZ) and os.path.exists(INITRD)):
        sys.exit(f"bench: {VMLINUZ} or {INITRD} missing: run `make linux-guest` (it fetches Debian's kernel)")
    boot = ["-kernel", VMLINUZ, "-initrd", INITRD, "-append", f"console=ttyS0 quiet bench={mode} {nic[4]}".strip()]
    return Machine(f"linux-{mode}", extra_args, boot=boot)


def vcpu_thread(pid):
    """The task id of QEMU's vCPU thread ("CPU 0/TCG"), or None."""
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if f.read().startswith("CPU 0/"):
                    return tid
    except OSError:
        pass
    return None


def thread_cpu_s(pid, tid):
    """CPU time of one thread in seconds: schedstat (ns) if the kernel keeps it, else utime + stime."""
    try:
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            ns = int(f.read().split()[0])
        if ns:
            return ns / 1e9
    except (OSError, ValueError, IndexError):
        pass
    with open(f"/proc/{pid}/task/{tid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


COUNTS = ("loads", "entries")
ENTRIES_RE = re.compile(r"kernel entries since boot: (\d+) IPC traps, (\d+) interrupts, (\d+) exceptions")


def kernel_counts(m):
    """Bulkhead's counts so far, from what the kernel prints on an NMI: "loads", its address-space loads
    (CR3 writes to run a process), every process's summed from the process table (a process that died
    since is not in it: compare two counts over a stretch where nothing dies); "entries", its kernel
    entries since boot (IPC traps, interrupts and exceptions). Each None if it printed none."""
    at = len(m.text)
    m.hmp("nmi")
    if not m.wait_for(r"kernel: NMI: end of process table", 20, after=at):
        return dict.fromkeys(COUNTS)
    loads = re.findall(r" loads (\d+)", m.text[at:])
    entries = ENTRIES_RE.search(m.text[at:])
    return {"loads": sum(int(n) for n in loads) if loads else None,     # (a kernel from before a count: none)
            "entries": sum(int(n) for n in entries.groups()) if entries else None}


def counts_delta(a, b):
    """b - a for each of kernel_counts' figures (None where either is unknown)."""
    return {k: b[k] - a[k] if a and b and a[k] is not None and b[k] is not None else None for k in COUNTS}


class CpuMarks:
    """Samples the vCPU thread's CPU time at the peer's phase marks; with counts (Bulkhead only),
    also the kernel's counts (kernel_counts: taken outside the CPU time measured)."""

    def __init__(self, machine, counts=False):
        self.m = machine
        self.pid = machine.proc.pid
        self.tid = None
        self.counts = counts
        self.at, self.counts_at = {}, {}

    def __call__(self, name):
        self.tid = self.tid or vcpu_thread(self.pid)
        if self.counts and not name.endswith("_end"):
            self.counts_at[name] = kernel_counts(self.m)
        if self.tid:
            self.at[name] = thread_cpu_s(self.pid, self.tid)
        if self.counts and name.endswith("_end"):
            self.counts_at[name] = kernel_counts(self.m)

    def spent(self, phase):
        a, b = self.at.get(phase), self.at.get(phase + "_end")
        return None if a is None or b is None else b - a

    def counts_in(self, phase):
        """The kernel's counts over a phase: {"loads": n, "entries": n} (None where unknown)."""
        return counts_delta(self.counts_at.get(phase), self.counts_at.get(phase + "_end"))


def per(count, n):
    """count / n, or None if either is unknown (or n is 0)."""
    return count / n if count is not None and n else None


# --- raw frames -----------------------------------------------------------------------

def raw_run(guest, nic):
    """One raw-frame benchmark (netpeer.run_bench) of guest "bulkhead" or "linux"; the figures."""
    device, config = nic[1], nic[2]
    peer = netpeer.Peer()
    args = THREAD_NAMES + peer.qemu_args(device)
    m = Machine(config, args) if guest == "bulkhead" else linux("raw", args, nic)
    marks = CpuMarks(m, counts=guest == "bulkhead")
    try:
        out = peer.run_bench(mark=marks)
        m.wait_for(r"\[netbench\] done", 60)
    finally:
        m.stop()
        peer.close()
    if not out:
        print(f"  ({nic[0]} {guest}: no answer from the raw-frame client; its console's end:\n"
              f"{m.text[-1000:]})")
        return None
    rtt = out["rtt_us"]
    cpu = {p: marks.spent(p) for p in ("g2h", "h2g", "rtt")}
    counts = {p: marks.counts_in(p) for p in ("g2h", "h2g", "rtt")}
    return {
        "g2h_fps": out["guest_to_host_fps"], "g2h_frames": out["guest_to_host_frames"],
        "h2g_fps": out["host_to_guest_fps"], "h2g_frames": out["host_to_guest_frames"],
        "h2g_resent": out["host_to_guest_resent"],
        "rtt_med_us": statistics.median(rtt) * 1e6 if rtt else None,
        "rtt_p99_us": rtt[max(0, int(len(rtt) * 0.99) - 1)] * 1e6 if rtt else None,
        "cpu_g2h_us": cpu["g2h"] * 1e6 / max(1, out["guest_to_host_frames"]) if cpu["g2h"] is not None else None,
        "cpu_h2g_us": cpu["h2g"] * 1e6 / max(1, out["host_to_guest_frames"]) if cpu["h2g"] is not None else None,
        "cpu_rtt_us": cpu["rtt"] * 1e6 / max(1, len(rtt)) if cpu["rtt"] is not None else None,
        **{f"{k}_g2h": per(counts["g2h"][k], out["guest_to_host_frames"]) for k in COUNTS},
        **{f"{k}_h2g": per(counts["h2g"][k], out["host_to_guest_frames"]) for k in COUNTS},
        **{f"{k}_rtt": per(counts["rtt"][k], len(rtt)) for k in COUNTS},
        "peer_cpu_us": out["peer_cpu_s"] * 1e6 / max(1, out["host_to_guest_frames"]),
        "recovery_ms": out["recovery_s"] * 1000 if guest == "bulkhead" else None,
    }


RAW_ROWS = (("guest->host frames/s", "g2h_fps", "{:.0f}"),
            ("guest->host MB/s", "g2h_mbs", "{:.2f}"),
            ("host->guest frames/s", "h2g_fps", "{:.0f}"),
            ("host->guest MB/s", "h2g_mbs", "{:.2f}"),
            ("host->guest resent (1 s stall)", "h2g_resent", "{:.0f}"),
            ("64 B round trip median us", "rtt_med_us", "{:.0f}"),
            ("64 B round trip p99 us", "rtt_p99_us", "{:.0f}"),
            ("guest CPU us/frame, guest->host", "cpu_g2h_us", "{:.1f}"),
            ("guest CPU us/frame, host->guest", "cpu_h2g_us", "{:.1f}"),
            ("guest CPU us/round trip", "cpu_rtt_us", "{:.1f}"),
            ("address-space loads/frame, g->h", "loads_g2h", "{:.2f}"),
            ("address-space loads/frame, h->g", "loads_h2g", "{:.2f}"),
            ("address-space loads/round trip", "loads_rtt", "{:.2f}"),
            ("kernel entries/frame, g->h", "entries_g2h", "{:.2f}"),
            ("kernel entries/frame, h->g", "entries_h2g", "{:.2f}"),
            ("kernel entries/round trip", "entries_rtt", "{:.2f}"),
            ("host peer CPU us/frame sent", "peer_cpu_us", "{:.1f}"))


def median_of(runs, key):
    vals = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def fmt(value, spec):
    return "-" if value is None else spec.format(value)


def ratio(a, b):
    return "-" if a is None or not b else f"{a / b:.2f}"


def raw_side_by_side(nics, runs):
    print(f"\nRaw frames, Bulkhead (B) and Linux (L) side by side: {runs} interleaved run(s) each, medians;"
          f" 2000 frames of {FRAME} bytes each way, 500 round trips of 64 bytes; MB/s counts frame bytes;"
          " guest CPU = QEMU's vCPU thread; B/L = Bulkhead / Linux (above 1 is better for rates,"
          " worse for times and CPU)")
    for nic in nics:
        res = {"bulkhead": [], "linux": []}
        for i in range(runs):
            for guest in ("bulkhead", "linux"):
                r = raw_run(guest, nic)
                if not r:
                    continue
                r["g2h_mbs"], r["h2g_mbs"] = r["g2h_fps"] * FRAME / 1e6, r["h2g_fps"] * FRAME / 1e6
                res[guest].append(r)
                print(f"  ({nic[0]} run {i + 1} {guest}: {r['g2h_fps']:.0f} / {r['h2g_fps']:.0f} frames/s, "
                      f"rtt {fmt(r['rtt_med_us'], '{:.0f}')} us, "
                      f"{r['g2h_frames']} and {r['h2g_frames']} of 2000 frames, "
                      f"{r['h2g_resent']} resent after a silence)", flush=True)
        print(f"  {nic[0]} ({nic[1]})")
        print(f"    {'':34s} {'Bulkhead':>10s} {'Linux':>10s} {'B/L':>6s}")
        for title, key, spec in RAW_ROWS:
            b, l_ = median_of(res["bulkhead"], key), median_of(res["linux"], key)
            print(f"    {title:34s} {fmt(b, spec):>10s} {fmt(l_, spec):>10s} {ratio(b, l_):>6s}")
        print(f"    {'driver killed: frames again, ms':34s} {fmt(median_of(res['bulkhead'], 'recovery_ms'), '{:.0f}'):>10s}")
        sys.stdout.flush()


# --- UDP and TCP through each guest's network stack ------------------------------------

def netbench_config(device):
    """Bulkhead's boot config for the netbench contract on this device, or None."""
    name = f"netbench-{device}"
    return name if os.path.exists(os.path.join(ROOT, "boot", "configs", name + ".cfg")) else None


def boot_net(guest, nic, extra_args):
    """Boot guest with netbench; (machine, seconds from QEMU start to NET-UP or None)."""
    extra_args = THREAD_NAMES + extra_args
    if guest == "bulkhead":
        m = Machine(netbench_config(nic[0]), extra_args)
    else:
        m = linux("net", extra_args, nic)
    up = m.wait_for(r"NET-UP [\d.]+", BOOT_TIMEOUT)
    net_up = time.monotonic() - m.started if up else None
    if not up or not m.wait_for(r"SRV-READY", 60):
        m.stop()
        return None, net_up
    return m, net_up


def percentile(sorted_vals, p):
    return sorted_vals[max(0, int(len(sorted_vals) * p) - 1)] if sorted_vals else None


def udp_booted(guest, nic, iso=None):
    """guest (Bulkhead from iso if given) booted on a socket netdev to its own UDP peer, its MAC
    learnt: (machine, peer, NET-UP s); machine None if it did not come up."""
    if iso:
        qemu.ISO = iso
    peer = ippeer.Peer()
    m, net_up = boot_net(guest, nic, peer.qemu_args(nic[1]))
    if not m:
        peer.close()
        return None, None, net_up
    deadline = time.monotonic() + 30
    while not peer.guest_mac and time.monotonic() < deadline:
        peer.arp(1, b"\0" * 6, ippeer.GUEST_IP, ippeer.BROADCAST)
        peer.receive(0.5)
    return m, peer, net_up


def udp_paired(nic, columns=(("bulkhead", "bulkhead", None), ("linux", "linux", None))):
    """UDP echoes (64 and 1400 bytes) through several guests at once, booted side by side, the echoes
    alternating between them (one outstanding): whatever the host does meanwhile slows all alike,
    which interleaved boots alone did not achieve (a boot's figures moved by a third from one boot to
    the next, both guests'). columns: (name, guest, Bulkhead ISO or None) each. Per name: NET-UP
    time, median, p99, losses, and guest CPU per echo (its vCPU thread's time over the stretch,
    divided by its echoes: Linux waits in HLT, which costs its thread nothing; Bulkhead polls for up
    to 200 us first (kernel/sched.c), which counts)."""
    out = {name: {} for name, _, _ in columns}
    booted = {}
    try:
        for name, guest, iso in columns:
            m, peer, out[name]["net_up_s"] = udp_booted(guest, nic, iso)
            if m:
                booted[name] = (m, peer, vcpu_thread(m.proc.pid))
        for g, (_, peer, _) in booted.items():             # unmeasured: first-use costs on both sides
            for seq in range(UDP_WARMUP):
                peer.udp_echo(seq, UDP_SIZES[0], timeout=0.5)
        for size in UDP_SIZES:
            times = {g: [] for g in booted}
            cpu0 = {g: thread_cpu_s(m.proc.pid, tid) if tid else None for g, (m, _, tid) in booted.items()}
            order = list(booted.items())
            for seq in range(UDP_PAIRS):
                for g, (_, peer, _) in (order if seq % 2 == 0 else order[::-1]):   # (neither always first)
                    t = peer.udp_echo(seq, size, timeout=0.5)
                    if t:
                        times[g].append(t)
            for g, (m, _, tid) in booted.items():
                vals = sorted(times[g])
                o = out[g]
                o[f"udp{size}_med_us"] = statistics.median(vals) * 1e6 if vals else None
                o[f"udp{size}_p99_us"] = percentile(vals, 0.99) * 1e6 if vals else None
                o[f"udp{size}_lost"] = UDP_PAIRS - len(vals)
                o[f"udp{size}_cpu_us"] = ((thread_cpu_s(m.proc.pid, tid) - cpu0[g]) * 1e6 / UDP_PAIRS
                                          if cpu0[g] is not None else None)
    finally:
        for m, peer, _ in booted.values():
            m.stop()
            peer.close()
    return out


def tcp_to_guest(port, size, block):
    """size bytes to bulkd's sink: (ok, seconds, longest stall in seconds)."""
    start = last = time.monotonic()
    stall, crc, sent = 0.0, 0, 0
    with socket.create_connection(("127.0.0.1", port), timeout=TCP_TIMEOUT) as s:
        while sent < size:
            chunk = block[:min(TCP_CHUNK, size - sent)]
            s.sendall(chunk)
            now = time.monotonic()
            stall, last = max(stall, now - last), now
            crc = zlib.crc32(chunk, crc)
            sent += len(chunk)
        s.shutdown(socket.SHUT_WR)
        answer = tcppeer.read_line(s)
    took = time.monotonic() - start
    return answer.strip() == f"{size} {crc:08x}".encode(), took, max(stall, time.monotonic() - last)


def tcp_from_guest(port, size, want_crc):
    """size bytes from bulkd's source: (ok, seconds, longest stall in seconds)."""
    start = last = time.monotonic()
    stall, crc, got = 0.0, 0, 0
    with socket.create_connection(("127.0.0.1", port), timeout=TCP_TIMEOUT) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.sendall(f"{size}\n".encode())
        while True:
            data = s.recv(TCP_CHUNK)
            now = time.monotonic()
            stall, last = max(stall, now - last), now
            if not data:
                break
            crc = zlib.crc32(data, crc)
            got += len(data)
    return got == size and crc == want_crc, time.monotonic() - start, stall


class Killer(threading.Thread):
    """Types `kill LABEL` on Bulkhead's serial console once a second (and keeps
    reading the console, so that QEMU never blocks on a full pipe)."""

    def __init__(self, machine, label):
        super().__init__(daemon=True)
        self.m, self.label, self.stop_at, self.kills = machine, label, threading.Event(), 0

    def run(self):
        next_kill = time.monotonic() + KILL_EVERY_S
        while not self.stop_at.is_set():
            if time.monotonic() >= next_kill:
                self.m.send(f"kill {self.label}\r")
                self.kills += 1
                next_kill += KILL_EVERY_S
            self.m._read(0.05)

    def finish(self):
        self.stop_at.set()
        self.join(10)


def tcp_transfers(ports, block, want_crc, size=None, only=None):
    """One transfer each way (TCP_SIZE bytes, or size; only: just "to" or "from");
    {"to": (ok, s, stall), "from": ...}, errors as failures."""
    size = size or TCP_SIZE
    want_crc = want_crc if size == TCP_SIZE else zlib.crc32(tcppeer.source_pattern(size))
    out = {}
    for key, how in (("to", lambda: tcp_to_guest(ports[5001], size, block)),
                     ("from", lambda: tcp_from_guest(ports[5002], size, want_crc))):
        if only and key != only:
            continue
        try:
            out[key] = how()
        except OSError:
            out[key] = (False, 0.0, 0.0)
    return out


def tcp_transfers_timed_one(m, ports, block, want_crc, key, counts=False):
    """One transfer ("to" or "from") as tcp_transfers, with the CPU time of the guest's vCPU thread
    over it (None if unknown) and the kernel's counts over it (kernel_counts; with counts, Bulkhead)."""
    pid = m.proc.pid
    tid = vcpu_thread(pid)
    counts_before = kernel_counts(m) if counts else None
    before = thread_cpu_s(pid, tid) if tid else None
    one = tcp_transfers(ports, block, want_crc, only=key)[key]
    after = thread_cpu_s(pid, tid) if tid else None
    counts_after = kernel_counts(m) if counts else None
    return one + ((after - before) if before is not None else None, counts_delta(counts_before, counts_after))


def transfer_figures(took, cpu, counts):
    """One TCP_SIZE transfer's figures (tcp_transfers_timed_one's): "mbs", and per full segment
    "us_seg" (the vCPU thread's CPU), "loads_seg" and "entries_seg" (the kernel's counts); None if unknown."""
    segments = TCP_SIZE / TCP_SEGMENT
    return {"mbs": TCP_SIZE / took / 1e6 if took else None,
            "us_seg": cpu * 1e6 / segments if cpu is not None else None,
            **{f"{k}_seg": per(counts[k], segments) for k in COUNTS}}


def tcp_calm(m, ports, block, want_crc, key, counts):
    """The calm figures of one way ("to" or "from"): TCP_REPEATS transfers (fewer if they take more than
    TCP_REPEAT_BUDGET_S: Linux's NE2000 host->guest runs at 0.15 MB/s), each figure the median of its
    transfers'. Through QEMU's user network one transfer runs at about half the speed of the next now
    and then, on both guests alike, with the kernel's counts per segment unchanged (the extra time is
    the vCPU thread's user time: TCG and QEMU, not host system calls; its cause is not known), so a
    single transfer per boot made the medians over a few boots flip."""
    runs, spent = [], 0.0
    while len(runs) < TCP_REPEATS and spent < TCP_REPEAT_BUDGET_S:
        ok, took, _, cpu, got = tcp_transfers_timed_one(m, ports, block, want_crc, key, counts)
        if not ok:
            return {f"tcp_{key}_ok": False}
        spent += took
        runs.append(transfer_figures(took, cpu, got))
    out = {f"tcp_{key}_{f}": median_of(runs, f) for f in runs[0]}
    out[f"tcp_{key}_ok"] = True
    out[f"tcp_{key}_each_us_seg"] = [r["us_seg"] for r in runs]
    return out


def net_run_line(nic, run, guest, r):
    """One boot's figures, as raw_run's per-run lines: the UDP medians and each calm TCP transfer's CPU
    per segment (the spread that tcp_calm's median smooths)."""
    def each(key):
        vals = r.get(f"tcp_{key}_each_us_seg") or []
        return " ".join(fmt(v, "{:.1f}") for v in vals) or "-"
    return (f"  ({nic} run {run} {guest}: UDP echo {fmt(r.get('udp64_med_us'), '{:.0f}')} / "
            f"{fmt(r.get('udp1400_med_us'), '{:.0f}')} us; TCP us/segment h->g {each('to')}, g->h {each('from')})")


def user_net(nic):
    """QEMU's user network for bulkd's TCP ports (5001, 5002), each forwarded from a free port on
    127.0.0.1 only: (guest port -> host port, QEMU arguments for nic on it)."""
    ports = {g: tcppeer.free_tcp_port() for g in (5001, 5002)}
    fwd = ",".join(f"hostfwd=tcp:127.0.0.1:{h}-:{g}" for g, h in ports.items())
    return ports, ["-netdev", f"user,id=n0,restrict=on,{fwd}", "-device", f"{nic[1]},netdev=n0,mac=52:54:00:12:34:56"]


def tcp_run(guest, nic, block, want_crc):
    """TCP_SIZE bytes each way through QEMU's user network; for Bulkhead also with the driver killed every second."""
    ports, args = user_net(nic)
    m, net_up = boot_net(guest, nic, args)
    out = {"tcp_net_up_s": net_up}
    if not m:
        return out
    try:
        tcp_transfers(ports, block, want_crc, TCP_WARMUP)     # past slow start and first-use costs
        for key in ("to", "from"):
            out.update(tcp_calm(m, ports, block, want_crc, key, guest == "bulkhead"))
        if guest == "bulkhead":
            killer = Killer(m, nic[3])
            killer.start()
            try:
                killed = tcp_transfers(ports, block, want_crc)
            finally:
                killer.finish()
            for key, (ok, took, stall) in killed.items():
                base = out.get(f"tcp_{key}_mbs")
                rate = TCP_SIZE / took / 1e6 if ok and took else None
                out[f"tcp_{key}_killed_pct"] = rate / base * 100 if rate and base else None
                out[f"tcp_{key}_killed_stall_ms"] = stall * 1000 if ok else None
                out[f"tcp_{key}_killed_ok"] = ok
            out["kills"] = killer.kills
    finally:
        m.stop()
    return out


NET_ROWS = (("boot to NET-UP, s (host clock)", "net_up_s", "{:.2f}"),
            ("UDP echo 64 B median us", "udp64_med_us", "{:.0f}"),
            ("UDP echo 64 B p99 us", "udp64_p99_us", "{:.0f}"),
            ("  guest CPU us/echo", "udp64_cpu_us", "{:.1f}"),
            ("UDP echo 1400 B median us", "udp1400_med_us", "{:.0f}"),
            ("UDP echo 1400 B p99 us", "udp1400_p99_us", "{:.0f}"),
            ("  guest CPU us/echo", "udp1400_cpu_us", "{:.1f}"),
            ("TCP 20 MB host->guest MB/s", "tcp_to_mbs", "{:.2f}"),
            ("  guest CPU us/segment", "tcp_to_us_seg", "{:.1f}"),
            ("  address-space loads/segment", "tcp_to_loads_seg", "{:.3f}"),
            ("  kernel entries/segment", "tcp_to_entries_seg", "{:.3f}"),
            ("TCP 20 MB guest->host MB/s", "tcp_from_mbs", "{:.2f}"),
            ("  guest CPU us/segment", "tcp_from_us_seg", "{:.1f}"),
            ("  address-space loads/segment", "tcp_from_loads_seg", "{:.3f}"),
            ("  kernel entries/segment", "tcp_from_entries_seg", "{:.3f}"))
KILL_ROWS = (("TCP host->guest, killed 1/s, % of calm", "tcp_to_killed_pct", "{:.0f}"),
             ("  longest stall, ms", "tcp_to_killed_stall_ms", "{:.0f}"),
             ("TCP guest->host, killed 1/s, % of calm", "tcp_from_killed_pct", "{:.0f}"),
             ("  longest stall, ms", "tcp_from_killed_stall_ms", "{:.0f}"))


def net_side_by_side(nics, runs):
    print(f"\nUDP and TCP through each guest's own stack (Bulkhead: inet on lwIP, boot netbench-<device>;"
          f" Linux: bench=net): {runs} run(s), medians; UDP: both guests booted side by side, {UDP_PAIRS}"
          f" echoes each alternating between them, one outstanding, -netdev socket to a host peer each"
          f" (guest CPU: its vCPU thread's time per echo); TCP: interleaved boots, {TCP_SIZE >> 20} MB each way through"
          f" -netdev user,restrict=on, CRC-32 checked, {TCP_REPEATS} times per boot (fewer past"
          f" {TCP_REPEAT_BUDGET_S} s), their median the boot's")
    block = random.Random(1).randbytes(TCP_CHUNK)
    want_crc = zlib.crc32(tcppeer.source_pattern(TCP_SIZE))
    for nic in nics:
        guests = ("bulkhead", "linux") if netbench_config(nic[0]) else ("linux",)
        res = {"bulkhead": [], "linux": []}
        for run in range(runs):
            udp = udp_paired(nic, [(g, g, None) for g in guests])
            for guest in guests:
                r = udp[guest]
                r.update(tcp_run(guest, nic, block, want_crc))
                failed = [k for k, v in r.items() if k.endswith("_ok") and not v]
                if failed:
                    print(f"  ({nic[0]} {guest}: transfer failed or not byte-exact: {', '.join(failed)})")
                print(net_run_line(nic[0], run + 1, guest, r))
                sys.stdout.flush()
                res[guest].append(r)
        print(f"  {nic[0]} ({nic[1]})" + ("" if netbench_config(nic[0]) else
                                          f": Bulkhead not yet available (no boot/configs/netbench-{nic[0]}.cfg)"))
        print(f"    {'':40s} {'Bulkhead':>10s} {'Linux':>10s} {'B/L':>6s}")
        for title, key, spec in NET_ROWS:
            b, l_ = median_of(res["bulkhead"], key), median_of(res["linux"], key)
            print(f"    {title:40s} {fmt(b, spec):>10s} {fmt(l_, spec):>10s} {ratio(b, l_):>6s}")
        if res["bulkhead"]:
            for title, key, spec in KILL_ROWS:
                print(f"    {title:40s} {fmt(median_of(res['bulkhead'], key), spec):>10s}")
        sys.stdout.flush()
