#!/usr/bin/env python3
"""Fault-injection campaigns against Bulkhead's network drivers (the host side).

A trial (tests/os/t_swifi.c, in the OS): a fresh copy of the driver; /bin/swifi
puts FAULTS faults of one type into its text; a slice of workload traffic goes
through it; the driver manager detects and recovers any failure; the trial's
record comes back as one console line. Trials run back to back in one boot,
as the seed's experiment did. This runner boots QEMU (TCG) for each NIC,
passes the trials to run in the SMBIOS serial number, serves the workload's
peer on the host, and watches: a kernel panic, or no trial finished within
TRIAL_DEADLINE_S (a hang), is an OS failure, recorded with the trial's seed,
the console and QEMU's register dump; then it boots again and goes on with
the next trial.

Workloads: a Workload has qemu_args(device) (how its NIC is wired), start()
and stop() (a thread serving the guest's side) and the in-OS client that
answers t_swifi's TEST_SLICE. The one here is the raw-frame stream
(SliceWorkload, guest side tests/os/t_netclient.c "swifi" mode); a TCP
transfer through inet plugs in as another class and another in-OS client.

Results: one JSON line per trial appended to --out (default
build/swifi/results.jsonl); a campaign that is interrupted continues where
it stopped. --report writes the Markdown report with charts (tools/swifireport.py).

Usage: tools/swifi.py [--drivers rtl8139,ne2000,ne2000_isa] [--types all|source,nop,...]
                      [--trials N] [--faults N] [--seed N] [--jobs N] [--frames N]
                      [--out FILE] [--report DIR] [--replay NIC/TYPE/TRIAL] [--iso FILE] [--check]
"""
import argparse
import concurrent.futures
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import netpeer  # noqa: E402
import qemu  # noqa: E402
from qemu import BUILD, Machine  # noqa: E402

TYPES = ["source", "destination", "pointer", "interface", "loop", "text", "nop", "random"]
NICS = {"rtl8139": "rtl8139,romfile=", "ne2000": "ne2k_pci,romfile=",
        "ne2000_isa": "ne2k_isa,iobase=0x300,irq=9"}
BOOT_DEADLINE_S = 180        # from QEMU's start to t_swifi's "[swifi] begin"
TRIAL_DEADLINE_S = 120       # a trial's record must come by then: else the system hung
MONITOR_WAIT_S = 2.0
CONSOLE_TAIL = 6000          # bytes of console kept with an OS failure
K_SLICE, K_SLICE_ACK = 9, 10
RESEND_S = 0.1

# Not anchored at line starts: a faulty driver may print without a newline.
TRIAL_RE = re.compile(r"\[swifi\] trial (\w+) (\d+) seed (\d+)\r?$", re.M)
RECORD_RE = re.compile(r"\[swifi\] (\{.*\})\r?$", re.M)
CHECK_RE = re.compile(r"^\[swifi\] check (\w+) (ok|FAIL)(.*?)\r?$", re.M)
APPLIED_RE = re.compile(r"swifi: (\w+) \(endpoint -?\d+\): (\d+) of (\d+) (\w+) faults applied.*seed (\d+)", re.M)


# --- the workload's host side ---------------------------------------------------

class SliceWorkload(netpeer.Peer):
    """The peer of t_netclient's "swifi" mode: per slice (announced by K_SLICE
    with the trial number), `frames` frames of varied sizes to the guest, go-
    back-N with a window, then END; then it acknowledges the guest's frames,
    each checked byte for byte, and answers the guest's END with an ACK whose
    flags count the damaged frames it saw. A K_HELLO (the workload restarted)
    is answered at any time."""

    def __init__(self, frames):
        super().__init__()
        self.frames = frames
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.slices = 0

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.thread.join(5)
        self.close()

    @staticmethod
    def size_of(trial, seq):
        return netpeer.MIN_FRAME + (seq * 389 + trial * 7) % (netpeer.MAX_FRAME - netpeer.MIN_FRAME + 1)

    def send_flags(self, kind, seq, flags):
        head = (self.guest_mac + netpeer.PEER_MAC + struct.pack(">H", netpeer.ETHERTYPE) +
                netpeer.WIRE.pack(netpeer.MAGIC, kind, flags, seq, netpeer.MIN_FRAME))
        self.send_raw(head + netpeer.pattern(seq, netpeer.MIN_FRAME))

    def intact(self, trial, seq, size, data):
        return (size == self.size_of(trial, seq) and len(data) == size and data[:6] == netpeer.PEER_MAC
                and data[6:12] == self.guest_mac and data[14 + netpeer.WIRE.size:] == netpeer.pattern(seq, size))

    def serve(self):
        n = self.frames
        trial, phase = None, None
        acked = sent = expect = bad = 0
        last = time.monotonic()
        while not self.stopping.is_set():
            got = self.recv(RESEND_S / 2)
            now = time.monotonic()
            if got:
                kind, seq, size, data = got
                if kind == netpeer.K_HELLO:
                    self.guest_mac = data[6:12]
                    self.send(netpeer.K_HELLO_ACK)
                    continue
                if kind == K_SLICE:
                    self.guest_mac = data[6:12]
                    if seq != trial:
                        trial, phase, acked, sent, expect, bad, last = seq, "to", 0, 0, 0, 0, now
                        self.slices += 1
                    self.send(K_SLICE_ACK, seq)
                    continue
                if phase == "to" and kind == netpeer.K_ACK:
                    if acked < seq <= n:
                        acked, last = seq, now
                    elif seq == n + 1:
                        phase = "from"
                elif phase == "to" and kind == netpeer.K_DATA:
                    phase = "from"                   # it has our END; its ack was lost
                if phase == "from" and kind == netpeer.K_DATA:
                    if seq == expect:
                        if self.intact(trial, seq, size, data):
                            expect += 1
                        else:
                            bad += 1
                    self.send(netpeer.K_ACK, expect)
                elif phase == "from" and kind == netpeer.K_END:
                    self.send_flags(netpeer.K_ACK, seq + 1, min(bad, 0xFFFF))
            if phase == "to":
                if now - last > RESEND_S:
                    sent, last = acked, now          # silence: go back to the last ack
                    if acked == n:
                        self.send(netpeer.K_END, n)
                while acked < n and sent < n and sent < acked + netpeer.WINDOW:
                    self.send(netpeer.K_DATA, sent, self.size_of(trial, sent))
                    sent += 1


# --- one boot ---------------------------------------------------------------------------

class Boot:
    """QEMU running swifi-NIC with a monitor socket, the workload on the wire."""

    def __init__(self, nic, spec, frames):
        self.workload = SliceWorkload(frames)
        self.sockdir = tempfile.mkdtemp(prefix="swifi-")
        self.monitor = os.path.join(self.sockdir, "monitor")
        args = self.workload.qemu_args(NICS[nic]) + [
            "-monitor", f"unix:{self.monitor},server=on,wait=off",
            "-smbios", f"type=1,serial={spec}"]
        self.workload.start()
        self.machine = Machine(f"swifi-{nic}", args)

    def registers(self):
        """QEMU's `info registers` through the monitor (the CPU's state now)."""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(MONITOR_WAIT_S)
                s.connect(self.monitor)
                s.sendall(b"info registers\n")
                out, deadline = b"", time.monotonic() + MONITOR_WAIT_S
                while time.monotonic() < deadline:
                    try:
                        data = s.recv(65536)
                    except socket.timeout:
                        break
                    if not data:
                        break
                    out += data
                return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out.decode("utf-8", "replace"))
        except OSError as e:
            return f"(no register dump: {e})"

    def stop(self):
        self.machine.stop()
        self.workload.stop()
        try:
            os.unlink(self.monitor)
        except OSError:
            pass
        os.rmdir(self.sockdir)


def run_boot(nic, types, first, count, args, on_record, on_check=None):
    """Boot once and run trials first..first+count-1 of each type; each record
    (a dict) goes to on_record as it comes. Returns the trials left undone
    after an OS failure (as (type, trial) pairs), or [] when all ran."""
    spec = f"{'+'.join(types)}:{first}:{count}:{args.faults}:{args.seed}:{args.frames}"
    plan = [(t, i) for t in TYPES if t in types for i in range(first, first + count)]
    boot = Boot(nic, spec, args.frames)
    m = boot.machine
    done, pos, current = 0, 0, None
    try:
        if not m.wait_for(r"\[swifi\] begin", BOOT_DEADLINE_S):
            failure = "panic" if "KERNEL PANIC" in m.text else "boot"
            on_record(os_failure_record(nic, plan[0], None, failure, m.text, boot.registers(), args))
            return plan[1:]
        deadline = time.monotonic() + TRIAL_DEADLINE_S
        while done < len(plan):
            text = m.text
            if "KERNEL PANIC" in text:
                break
            rec = RECORD_RE.search(text, pos)
            started = [t for t in TRIAL_RE.finditer(text, pos)]
            if started:
                current = started[-1]
            if rec:
                segment = text[pos:rec.end()]
                try:
                    record = json.loads(rec.group(1))
                except json.JSONDecodeError:
                    t, i = plan[done]
                    record = {"nic": nic, "type": t, "trial": i, "faults": args.faults,
                              "error": "unparsable record: " + rec.group(1)[:200]}
                applied = APPLIED_RE.findall(segment)
                record["injected"] = int(applied[-1][1]) if applied else 0
                record["campaign_seed"] = args.seed
                record["os_failure"] = classify(record)
                if args.replay:
                    record["console"] = segment                 # what the trial printed
                on_record(record)
                done += 1
                pos = rec.end()
                deadline = time.monotonic() + TRIAL_DEADLINE_S
                continue
            if time.monotonic() > deadline or m.eof:
                break
            m.wait_for(r"\[swifi\] \{", 1.0, after=pos)
        if on_check:
            for c in CHECK_RE.finditer(m.text):
                on_check(nic, c.group(1), c.group(2) == "ok", c.group(3).strip())
        if done == len(plan):
            return []
        failure = "panic" if "KERNEL PANIC" in m.text else "exited" if m.eof else "hang"
        seed = int(current.group(3)) if current and current.start() >= pos else None
        on_record(os_failure_record(nic, plan[done], seed, failure, m.text, boot.registers(), args))
        return plan[done + 1:]
    finally:
        boot.stop()


def classify(record):
    """The OS was affected if anything beyond the driver was: a system server
    or the workload gone, another process dead, or the driver never serving again."""
    why = []
    if not record.get("servers_ok"):
        why.append("a system server does not answer")
    if record.get("others_dead"):
        why.append("other processes died: " + ", ".join(record["others_dead"]))
    if record.get("worker_restarts"):
        why.append("the workload process died")
    if not record.get("serving", 1):
        why.append("the driver did not serve again")
    if "error" in record:
        why.append(record["error"])
    return "; ".join(why) or None


def os_failure_record(nic, trial, seed, failure, console, registers, args):
    return {"nic": nic, "type": trial[0], "trial": trial[1], "seed": seed, "faults": args.faults,
            "campaign_seed": args.seed, "os_failure": failure, "injected": 0,
            "console": console[-CONSOLE_TAIL:], "registers": registers}


# --- the campaign ---------------------------------------------------------------------

class Progress:
    def __init__(self, total, already):
        self.total, self.done, self.start_done = total, already, already
        self.t0 = time.monotonic()
        self.lock = threading.Lock()
        self.tty = sys.stderr.isatty()

    def step(self):
        with self.lock:
            self.done += 1
            ran = self.done - self.start_done
            rate = ran / max(1e-6, time.monotonic() - self.t0)
            left = (self.total - self.done) / rate if rate > 0 else 0
            width = 30
            fill = int(width * self.done / max(1, self.total))
            line = (f"[{'#' * fill}{'.' * (width - fill)}] {self.done}/{self.total} trials, "
                    f"{rate * 60:.1f}/min, {int(left) // 60}m{int(left) % 60:02d}s left")
            sys.stderr.write(("\r" + line) if self.tty else line + "\n")
            sys.stderr.flush()

    def finish(self):
        if self.tty:
            sys.stderr.write("\n")


def load(path):
    records = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError:
                        pass                      # a line cut by an interruption
    return records


def ranges(indices):
    """Contiguous runs of sorted indices: [(first, count)]."""
    out = []
    for i in sorted(indices):
        if out and out[-1][0] + out[-1][1] == i:
            out[-1][1] += 1
        else:
            out.append([i, 1])
    return [tuple(r) for r in out]


def plan_boots(args, records):
    """Boots that cover every trial not yet in records: (nic, types, first, count)."""
    have = {(r["nic"], r["type"], r["trial"]) for r in records if r.get("campaign_seed") == args.seed
            and r.get("faults") == args.faults}
    boots = []
    for nic in args.drivers:
        by_range = {}
        for t in args.types:
            missing = [i for i in range(args.trials) if (nic, t, i) not in have]
            for first, count in ranges(missing):
                for f in range(first, first + count, args.per_boot):
                    by_range.setdefault((f, min(args.per_boot, first + count - f)), []).append(t)
        boots += [(nic, types, f, c) for (f, c), types in sorted(by_range.items())]
    return sorted(boots, key=lambda b: (b[2], args.drivers.index(b[0])))    # every NIC early on


def campaign(args):
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    records = load(args.out)
    total = len(args.drivers) * len(args.types) * args.trials
    boots = plan_boots(args, records)
    todo = sum(len(t) * c for _, t, _, c in boots)
    progress = Progress(total, total - todo)
    lock = threading.Lock()
    checks = []

    def on_record(rec):
        with lock:
            with open(args.out, "a") as f:
                f.write(json.dumps(rec) + "\n")
            if rec.get("os_failure"):
                sys.stderr.write(f"\nOS failure: {rec['nic']}/{rec['type']}/{rec['trial']} seed {rec.get('seed')}: "
                                 f"{rec['os_failure']}\n")
        progress.step()

    def on_check(nic, name, ok, detail):
        with lock:
            checks.append((nic, name, ok, detail))

    def run(boot):
        nic, types, first, count = boot
        left = run_boot(nic, types, first, count, args, on_record, on_check)
        while left:                       # after an OS failure: boot again, on with the next trial
            for t in TYPES:
                mine = [i for tt, i in left if tt == t]
                if mine:
                    left = [x for x in left if x[0] != t]
                    for first2, count2 in ranges(mine):
                        left += run_boot(nic, [t], first2, count2, args, on_record, on_check)
                    break

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        list(pool.map(run, boots))
    progress.finish()
    return load(args.out), checks, time.monotonic() - t0, todo


def report(records, outdir, took, ran):
    """Write the records and the report (tools/swifireport.py) into outdir; the
    report's path. matplotlib comes from Debian's python3 if this one lacks it."""
    os.makedirs(outdir, exist_ok=True)
    data = os.path.join(outdir, "results.jsonl")
    with open(data, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    try:
        import matplotlib  # noqa: F401
        python = sys.executable
    except ImportError:
        python = "/usr/bin/python3"
    p = subprocess.run([python, os.path.join(ROOT, "tools", "swifireport.py"), data, outdir, str(took), str(ran)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"swifi: the report failed: {p.stderr.strip()[-600:]}")
    return p.stdout.strip()


def replay(args):
    nic, t, trial = args.replay.split("/")
    if nic not in NICS or t not in TYPES:
        sys.exit(f"swifi: --replay wants NIC/TYPE/TRIAL, e.g. rtl8139/source/17 (NIC: {', '.join(NICS)})")
    out = []
    run_boot(nic, [t], int(trial), 1, args, out.append)
    for rec in out:
        console = rec.pop("console", None)
        registers = rec.pop("registers", None)
        print(json.dumps(rec, indent=2))
        if console:
            print("--- console ---\n" + console + "\n--- registers ---\n" + (registers or ""))
    return 1 if any(r.get("os_failure") for r in out) else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--drivers", default=",".join(NICS), help="NIC configurations, comma-separated")
    ap.add_argument("--types", default="all", help="fault types, comma-separated, or all")
    ap.add_argument("--trials", type=int, default=10, help="trials per driver and type")
    ap.add_argument("--faults", type=int, default=100, help="faults per trial")
    ap.add_argument("--seed", type=int, default=1, help="the campaign's seed")
    ap.add_argument("--jobs", type=int, default=2, help="QEMUs at once")
    ap.add_argument("--frames", type=int, default=100, help="workload frames each way per trial")
    ap.add_argument("--per-boot", type=int, default=1000, help="at most this many trials of a type per boot")
    ap.add_argument("--out", default=os.path.join(BUILD, "swifi", "results.jsonl"), help="JSON lines, appended")
    ap.add_argument("--report", help="write the report (Markdown and charts) into this directory")
    ap.add_argument("--replay", help="rerun one trial, NIC/TYPE/TRIAL, from its seed (with the campaign's "
                    "--seed, --faults and --frames); prints its record and console")
    ap.add_argument("--iso", help="boot this image instead of build/bulkhead.iso")
    ap.add_argument("--check", action="store_true",
                    help="fail (exit 1) on any OS failure, a failed check, or a trial without faults applied")
    args = ap.parse_args()
    args.drivers = [d for d in args.drivers.split(",") if d]
    args.types = TYPES if args.types == "all" else [t for t in args.types.split(",") if t]
    bad = [d for d in args.drivers if d not in NICS] + [t for t in args.types if t not in TYPES]
    if bad or args.trials < 1 or args.faults < 1 or args.frames < 1:
        sys.exit(f"swifi: unknown driver or type: {', '.join(bad)}" if bad else "swifi: counts must be positive")
    if args.iso:
        qemu.ISO = os.path.abspath(args.iso)      # a copy: a long campaign survives rebuilds
    if not os.path.exists(qemu.ISO):
        sys.exit(f"swifi: {qemu.ISO} is missing: run make first")
    if args.replay:
        return replay(args)
    records, checks, took, ran = campaign(args)
    mine = [r for r in records if r.get("campaign_seed") == args.seed and r.get("faults") == args.faults
            and r["nic"] in args.drivers and r["type"] in args.types and r["trial"] < args.trials]
    failures = [r for r in mine if r.get("os_failure")]
    empty = [r for r in mine if not r.get("os_failure") and r.get("injected", 0) == 0]
    injected = sum(r.get("injected", 0) for r in mine)
    print(f"swifi: {len(mine)} trials, {injected} faults injected, {len(failures)} OS failures "
          f"({ran} trials run now in {took:.0f} s)")
    for r in failures:
        print(f"swifi: OS failure {r['nic']}/{r['type']}/{r['trial']} seed {r.get('seed')}: {r['os_failure']}")
    for nic, name, ok, detail in sorted(set(checks)):
        print(f"swifi: check {nic}/{name} {'ok' if ok else 'FAILED'} {detail}")
    for r in empty:
        print(f"swifi: trial {r['nic']}/{r['type']}/{r['trial']} injected no fault (swifi exit status "
              f"{r.get('swifi_status')})")
    if args.report:
        print(f"swifi: report in {report(mine, args.report, took, ran)}")
    if args.check:
        return 1 if failures or empty or any(not ok for *_, ok, _ in checks) or len(mine) == 0 else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
