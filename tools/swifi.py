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

Workloads (--workload): a Workload has qemu_args(device) (how its NIC is
wired), start() and stop(), load(text, pos) (called as the console grows)
and result(trial) (what the host saw, merged into the trial's record).
  raw  the raw-frame stream (SliceWorkload; guest side t_netclient's "swifi"
       mode): a thread serves the guest's slices on the wire (a UDP socket);
  tcp  (the default) TCP and UDP through the network server inet (TcpWorkload):
       on the guest's "[swifi] load N" the host sends TCP_BYTES to bulkd's
       sink and reads as many from its source, each CRC-checked, and at the
       same time sends --udp-echoes datagrams to echod, each once, counting
       the answered, the lost and the wrong; then it tells t_swifi "done N
       ok|fail" on a TCP control port. The NIC sits on a QEMU hub with two
       netdevs: QEMU's user network (restricted, TCP ports forwarded from
       127.0.0.1) for TCP, and a socket netdev to UdpEchoes, a peer of our
       own at UDP_PEER_IP that speaks ARP, IPv4 and UDP (tests/ippeer.py).
       QEMU's restricted user network drops the guest's UDP (its hostfwd
       answers never came back: 0 of 20 echoes), and the driver under test
       must keep its one NIC, so the hub it is.

After a boot's trials, t_swifi runs one control slice: a fresh driver, no
fault. It must get through whole (raw: every frame; tcp: both transfers
byte-exact, every echo answered): the workload really ran on that NIC, and
the system serves it exactly after every fault the campaign threw.

Results: one JSON line per trial appended to --out (default
build/swifi/results.jsonl); a campaign that is interrupted continues where
it stopped. --report writes the Markdown report with charts (tools/swifireport.py).

Usage: tools/swifi.py [--drivers rtl8139,ne2000,ne2000_isa,e100,e1000] [--types all|source,nop,...]
                      [--trials N] [--faults N] [--seed N] [--jobs N] [--frames N]
                      [--workload tcp|raw] [--tcp-bytes N] [--udp-echoes N]
                      [--out FILE] [--report DIR] [--replay NIC/TYPE/TRIAL[-LAST]] [--iso FILE] [--check]
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
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import ippeer  # noqa: E402
import netpeer  # noqa: E402
import qemu  # noqa: E402
import tcppeer  # noqa: E402
from qemu import BUILD, Machine  # noqa: E402

TYPES = ["source", "destination", "pointer", "interface", "loop", "text", "nop", "random"]
NICS = {"rtl8139": "rtl8139,romfile=", "ne2000": "ne2k_pci,romfile=",
        "ne2000_isa": "ne2k_isa,iobase=0x300,irq=9", "e100": "i82557b,romfile=", "e1000": "e1000,romfile="}
BOOT_DEADLINE_S = 180        # from QEMU's start to t_swifi's "[swifi] begin"
TRIAL_DEADLINE_S = 150       # a trial's record must come by then: else the system hung. A healthy
                             # trial may take t_swifi.c's TCP_SLICE_MS (90 s: the host's transfers,
                             # each TCP_IDLE_S of patience after a stuck driver's 20 s) plus its
                             # RUNNING_WAIT_MS (15 s) for a restarted driver; 120 s was less than that
MONITOR_WAIT_S = 2.0
CONSOLE_TAIL = 6000          # bytes of console kept with an OS failure
K_SLICE, K_SLICE_ACK = 9, 10
RESEND_S = 0.1
TCP_BYTES = 65536            # each way per trial, --workload tcp
TCP_IDLE_S = 45              # a TCP transfer with no progress this long has failed: longer than
                             # t_swifi.c's TCP_STUCK_MS (20 s), after which its watchdog restarts a
                             # driver that holds inet's request, plus the 12 s QEMU's user network
                             # may wait between SYN retransmissions, so that TCP can go on after it
TCP_TRIAL_S = 80             # the host's part of a trial ends by then (t_swifi.c TCP_SLICE_MS is longer)
CONTROL_PORT = 5003          # t_swifi's TCP control port (t_swifi.c)
CONTROL_WAIT_S = 4.0
UDP_ECHOES = 20              # datagrams echoed per trial, each sent once (--workload tcp)
UDP_WAIT_S = 0.5             # an echo not back by then is lost
UDP_PEER_IP = bytes([10, 0, 2, 9])        # UdpEchoes, beside QEMU's 10.0.2.2 and 10.0.2.3 on the guest's /24
GUEST_MAC = bytes.fromhex("525400123456")

# Not anchored at line starts: a faulty driver may print without a newline.
TRIAL_RE = re.compile(r"\[swifi\] trial (\w+) (\d+) seed (\d+)\r?$", re.M)
# A whole line only (the console arrives in pieces); a record cut short is an error, not a hang.
RECORD_RE = re.compile(r"\[swifi\] (\{[^\r\n]*)\r?\n")
CHECK_RE = re.compile(r"^\[swifi\] check (\w+) (ok|FAIL)(.*?)\r?$", re.M)
CONTROL_RE = re.compile(r"\[swifi\] control (\{[^\r\n]*)\r?\n")
LOAD_RE = re.compile(r"\[swifi\] load (\d+)\r?$", re.M)
APPLIED_RE = re.compile(r"swifi: (\w+) \(endpoint -?\d+\): (\d+) of (\d+) (\w+) faults applied.*seed (\d+)", re.M)


# --- the workload's host side ---------------------------------------------------

class SliceWorkload(netpeer.Peer):
    """The peer of t_netclient's "swifi" mode: per slice (announced by K_SLICE
    with the trial number), `frames` frames of varied sizes to the guest, go-
    back-N with a window, then END; then it acknowledges the guest's frames,
    each checked byte for byte, and answers the guest's END with an ACK whose
    flags count the damaged frames it saw. A K_HELLO (the workload restarted)
    is answered at any time.

    QEMU's socket netdev stops forwarding the NIC's frames for good after the
    NIC sends an empty one (sendto returns 0, which QEMU takes for "busy", and
    nothing ever retries): a faulty driver can wedge the wire itself, which no
    new incarnation can undo. That shows here as an empty datagram; `wedged`
    says one came, and the runner then goes on in a new boot (a wedged wire is
    QEMU's failure, not the OS's)."""

    def __init__(self, frames):
        super().__init__()
        self.frames = frames
        self.wedged = False
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

    def on_datagram(self, data):
        """An empty datagram: QEMU's netdev has stopped forwarding (the wire is wedged)."""
        if not data:
            self.wedged = True

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


class Transfers(tcppeer.Peer):
    """tcppeer's CRC-checked transfers to bulkd, through our forwarded ports,
    failing after TCP_IDLE_S without progress."""

    def __init__(self, ports):
        self.ports, self.results = ports, {}
        self.block = bytes((i * 151 + 7) & 0xFF for i in range(tcppeer.BLOCK))

    def connect(self, port):
        s = socket.create_connection(("127.0.0.1", self.ports[port]), timeout=TCP_IDLE_S)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        return s


class UdpEchoes(ippeer.Peer):
    """Datagrams to the guest's echod from UDP_PEER_IP (answering the guest's
    ARP itself), on the socket netdev of TcpWorkload's hub. An empty datagram
    from QEMU means its socket netdev has stopped forwarding (see
    SliceWorkload): `wedged`."""

    def __init__(self):
        super().__init__(UDP_PEER_IP)
        self.guest_mac = GUEST_MAC                # set by qemu_args: no ARP of ours needed
        self.wedged = False

    def on_datagram(self, data):
        if not data:
            self.wedged = True

    def run(self, trial, n):
        """n datagrams of varied sizes (one frame each), each sent once and
        waited for UDP_WAIT_S: how many came back byte-exact, wrong, or not at all."""
        answered = wrong = 0
        for i in range(n):
            size = 4 + i * 97 % (ippeer.MAX_ECHO_IN_ONE_FRAME - 3)
            got = self.udp_echo(trial * n + i, size, UDP_WAIT_S)   # seq: a late answer is not counted
            answered += bool(got)
            wrong += got is False
        return {"sent": n, "answered": answered, "wrong": wrong, "lost": n - answered - wrong}


class TcpWorkload:
    """The host side of t_swifi's TCP workload: per trial, one transfer each way
    through bulkd (tests/tcppeer.py's protocol, CRC-32 at both ends) and, at
    the same time, UDP echoes through echod (UdpEchoes); then the verdict to
    t_swifi's control port: ok if both transfers were byte-exact and no echo
    came back wrong (a lost datagram is counted, not a failure: UDP may lose)."""
    PORTS = (tcppeer.SINK, tcppeer.SOURCE, CONTROL_PORT)

    def __init__(self, size, echoes):
        self.size, self.n_echoes = size, echoes
        self.control = None
        self.fwd = {p: tcppeer.free_tcp_port() for p in self.PORTS}
        self.stopping = threading.Event()
        self.threads, self.results, self.scan = {}, {}, 0
        self.peer = Transfers(self.fwd)
        self.udp = UdpEchoes()

    @property
    def wedged(self):
        return self.udp.wedged

    def qemu_args(self, device):
        """The NIC on hub 0, with QEMU's user network and the socket to UdpEchoes on it."""
        fwd = ",".join(f"hostfwd=tcp:127.0.0.1:{h}-:{g}" for g, h in self.fwd.items())
        wire = f"socket,id=s0,udp=127.0.0.1:{self.udp.port},localaddr=127.0.0.1:{self.udp.qemu_port}"
        return ["-netdev", f"user,id=u0,restrict=on,{fwd}", "-netdev", wire,
                "-netdev", "hubport,id=h1,hubid=0,netdev=u0", "-netdev", "hubport,id=h2,hubid=0,netdev=s0",
                "-netdev", "hubport,id=h0,hubid=0", "-device", f"{device},netdev=h0,mac={GUEST_MAC.hex(':')}"]

    def start(self):
        pass

    def stop(self):
        self.stopping.set()
        for t in self.threads.values():
            t.join(TCP_IDLE_S + 5)
        if self.control:
            self.control.close()
        self.udp.close()

    def load(self, text, pos):
        """Start the host's part of each trial the guest announced."""
        for m in LOAD_RE.finditer(text, max(pos, self.scan)):
            self.scan = m.end()
            trial = int(m.group(1))
            if trial not in self.threads:
                self.threads[trial] = threading.Thread(target=self.run, args=(trial,), daemon=True)
                self.threads[trial].start()

    def result(self, trial):
        t = self.threads.pop(trial, None)
        if t:
            t.join(TCP_IDLE_S + 5)
        return self.results.pop(trial, {"ok": False, "detail": "the host's part had not finished"})

    @staticmethod
    def transfer(how, size):
        """One transfer; its outcome: "exact", "corrupt" (every byte came but the
        CRC differs: wrong data delivered) or "aborted" (an error, a timeout, or
        the connection ended early)."""
        t0 = time.monotonic()
        try:
            ok, took, detail = how(size)
        except OSError as e:
            ok, took, detail = False, time.monotonic() - t0, f"{type(e).__name__}: {e}"
        whole = (re.search(rf"received {size} of {size} bytes|bulkd says b'{size} ", detail) is not None)
        outcome = "exact" if ok else "corrupt" if whole else "aborted"
        return {"ok": bool(ok), "outcome": outcome, "s": round(took, 3), "detail": detail}

    def echoes(self, trial, out):
        try:
            out.update(self.udp.run(trial, self.n_echoes))
        except OSError as e:
            out.update({"sent": self.n_echoes, "answered": 0, "wrong": 0, "lost": self.n_echoes,
                        "detail": f"{type(e).__name__}: {e}"})

    def run(self, trial):
        t0 = time.monotonic()
        udp = {}
        echoes = threading.Thread(target=self.echoes, args=(trial, udp), daemon=True)
        echoes.start()
        res = {"to_guest": self.transfer(self.peer.to_guest, self.size),
               "from_guest": self.transfer(self.peer.from_guest, self.size)}
        echoes.join()
        res["udp"] = udp
        res["tcp_exact"] = res["to_guest"]["ok"] and res["from_guest"]["ok"]
        res["ok"] = res["tcp_exact"] and not udp.get("wrong") and "detail" not in udp
        res["s"] = round(time.monotonic() - t0, 3)
        res["told"] = self.tell(trial, res["ok"])
        self.results[trial] = res

    def tell(self, trial, ok):
        """Say "done TRIAL ok|fail" on the control connection (made again if it
        broke) until t_swifi acknowledges; whether it did."""
        line, want = f"done {trial} {'ok' if ok else 'fail'}\n".encode(), f"ack {trial}\n".encode()
        deadline = time.monotonic() + TCP_TRIAL_S
        while not self.stopping.is_set() and time.monotonic() < deadline and trial in self.threads:
            try:                          # (until t_swifi printed the trial's record without our word)
                if not self.control:
                    self.control = self.peer.connect(CONTROL_PORT)
                self.control.settimeout(CONTROL_WAIT_S)
                self.control.sendall(line)
                got = b""
                while not got.endswith(b"\n"):
                    data = self.control.recv(64)
                    if not data:
                        raise OSError("control connection closed")
                    got += data
                if got.endswith(want):
                    return True
            except OSError:
                if self.control:
                    self.control.close()
                self.control = None
                time.sleep(CONTROL_WAIT_S / 4)
        return False


# --- one boot ---------------------------------------------------------------------------

class Boot:
    """QEMU running swifi-NIC with a monitor socket, the workload on the wire."""

    def __init__(self, nic, spec, args):
        self.workload = (TcpWorkload(args.tcp_bytes, args.udp_echoes) if args.workload == "tcp"
                         else SliceWorkload(args.frames))
        args = self.workload.qemu_args(NICS[nic]) + ["-smbios", f"type=1,serial={spec}"]
        self.workload.start()
        self.machine = Machine(f"swifi-{nic}", args)

    def state(self):
        """The stopped system's state: the CPU's registers, and the kernel's
        process table (an NMI makes the kernel print it: who waits on whom)."""
        m = self.machine
        try:
            regs = m.hmp("info registers")
            at = m.mark()
            m.hmp("nmi")
            m.wait_for(r"kernel: NMI: end of process table", MONITOR_WAIT_S, after=at)
            return regs + m.text[at:]
        except (OSError, ValueError) as e:
            return f"(no state from QEMU's monitor: {e})"

    def stop(self):
        self.machine.stop()
        self.workload.stop()


def control_record(boot, pos):
    """After the trials, t_swifi's control slice (a fresh driver, no fault) with,
    for TCP, what the host saw of it: whole only if both transfers were
    byte-exact and every echo came back. The record, or None if none came."""
    m = boot.machine
    deadline = time.monotonic() + TRIAL_DEADLINE_S
    while time.monotonic() < deadline and not m.eof and "KERNEL PANIC" not in m.text:
        text = m.text
        if isinstance(boot.workload, TcpWorkload):
            boot.workload.load(text, pos)
        c = CONTROL_RE.search(text, pos)
        if c:
            try:
                rec = json.loads(c.group(1))
            except json.JSONDecodeError:
                return {"error": "unparsable control record: " + c.group(1)[:200]}
            if isinstance(boot.workload, TcpWorkload):
                control_verdict(rec, boot.workload.result(rec["trial"]))
            return rec
        m.wait_for(r"\[swifi\] control \{", 0.3, after=pos)
    return None


def control_verdict(rec, host):
    """A TCP control slice is whole only if the guest's side was, both transfers
    were byte-exact and every echo came back (a lost one too is a failure: no
    fault was in the way). Sets rec["host"] and rec["workload"]["ok"]."""
    rec["host"] = host
    load = rec.setdefault("workload", {})
    load["ok"] = int(bool(load.get("ok") and host.get("ok") and host.get("tcp_exact")
                          and udp_whole(host.get("udp", {}))))


def control_line(nic, rec):
    """One line on a NIC's control slice (tests/run.py reads it)."""
    if rec is None or "workload" not in rec:
        return f"swifi: control {nic} FAILED " + (rec or {}).get("error", "no control slice after the trials")
    host = rec.get("host", {})
    udp = host.get("udp", {})
    detail = (f"a fresh driver after the trials, no fault: serving {rec.get('serving')}, stuck {rec.get('stuck')}, "
              f"rx {rec['workload'].get('rx')}, tx {rec['workload'].get('tx')}")
    if host:
        detail += (f", TCP to the guest {host['to_guest']['outcome']}, from it {host['from_guest']['outcome']}, "
                   f"UDP echoes {udp.get('answered', 0)} of {udp.get('sent', 0)} answered")
        detail += "".join(f" ({way}: {host[way].get('detail', '')[:300]})" for way in ("to_guest", "from_guest")
                          if not host[way].get("ok"))
    return f"swifi: control {nic} {'ok' if rec['workload'].get('ok') else 'FAILED'} {detail}"


def run_boot(nic, types, first, count, args, on_record, on_check=None, on_control=None):
    """Boot once and run trials first..first+count-1 of each type; each record
    (a dict) goes to on_record as it comes, and after them the control slice's
    record (or None) to on_control. Returns the trials left undone after an
    OS failure (as (type, trial) pairs), or [] when all ran."""
    spec = f"{'+'.join(types)}:{first}:{count}:{args.faults}:{args.seed}:{args.frames}"
    spec += ":tcp" if args.workload == "tcp" else ""
    plan = [(t, i) for t in TYPES if t in types for i in range(first, first + count)]
    boot = Boot(nic, spec, args)
    m = boot.machine
    done, pos, current = 0, 0, None
    try:
        if not m.wait_for(r"\[swifi\] begin", BOOT_DEADLINE_S):
            failure = "panic" if "KERNEL PANIC" in m.text else "boot"
            on_record(os_failure_record(nic, plan[0], None, failure, m.text, boot.state(), args))
            return plan[1:]
        deadline = time.monotonic() + TRIAL_DEADLINE_S
        while done < len(plan):
            text = m.text
            if "KERNEL PANIC" in text:
                break
            if args.workload == "tcp":
                boot.workload.load(text, pos)
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
                record["workload_kind"] = args.workload
                if args.workload == "tcp" and "trial" in record:
                    host = boot.workload.result(record["trial"])
                    record["host"] = host
                    load = record.setdefault("workload", {})      # (none in an error record)
                    load["ok"] = int(load.get("ok", 0) and host["ok"])
                record["os_failure"] = classify(record)
                if args.replay:
                    record["console"] = segment                 # what the trial printed
                wedged = getattr(boot.workload, "wedged", False)
                if wedged:
                    record["wire_wedged"] = True
                on_record(record)
                done += 1
                pos = rec.end()
                deadline = time.monotonic() + TRIAL_DEADLINE_S
                if wedged:                                      # QEMU's wire is dead: a new boot
                    sys.stderr.write(f"\nswifi: {nic}/{record.get('type')}/{record.get('trial')} wedged QEMU's "
                                     f"wire (an empty frame); the next trials run in a new boot\n")
                    return plan[done:]
                continue
            if time.monotonic() > deadline or m.eof:
                break
            m.wait_for(r"\[swifi\] \{", 0.3 if args.workload == "tcp" else 1.0, after=pos)
        if on_control and done == len(plan):
            on_control(nic, control_record(boot, pos))
        if on_check:
            for c in CHECK_RE.finditer(m.text):
                on_check(nic, c.group(1), c.group(2) == "ok", c.group(3).strip())
        if done == len(plan):
            return []
        failure = "panic" if "KERNEL PANIC" in m.text else "exited" if m.eof else "hang"
        seed = int(current.group(3)) if current and current.start() >= pos else None
        on_record(os_failure_record(nic, plan[done], seed, failure, m.text, boot.state(), args))
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


def workload_line(nic, records):
    """What the TCP workload did on one NIC (tests/run.py reads this line)."""
    udp = [r["host"].get("udp", {}) for r in records]
    sent, answered = sum(u.get("sent", 0) for u in udp), sum(u.get("answered", 0) for u in udp)
    whole = sum(1 for r in records if r["host"].get("tcp_exact") and udp_whole(r["host"].get("udp", {})))
    return (f"swifi: workload {nic}: TCP byte-exact in {sum(1 for r in records if r['host'].get('tcp_exact'))} "
            f"of {len(records)} trials, UDP echoes {answered} of {sent} answered, both whole in {whole} trials")


def udp_whole(udp):
    return udp.get("sent", 0) > 0 and udp.get("answered") == udp["sent"]


def os_failure_record(nic, trial, seed, failure, console, registers, args):
    return {"nic": nic, "type": trial[0], "trial": trial[1], "seed": seed, "faults": args.faults,
            "campaign_seed": args.seed, "os_failure": failure, "injected": 0, "workload_kind": args.workload,
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
            and r.get("faults") == args.faults and r.get("workload_kind", "raw") == args.workload}
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
    checks, controls = [], []

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

    def on_control(nic, rec):
        with lock:
            controls.append(control_line(nic, rec))

    def run(boot):
        nic, types, first, count = boot
        left = run_boot(nic, types, first, count, args, on_record, on_check, on_control)
        while left:                       # after an OS failure or a wedged wire: boot again, on with the next trial
            for t in TYPES:
                mine = [i for tt, i in left if tt == t]
                if mine:
                    left = [x for x in left if x[0] != t]
                    for first2, count2 in ranges(mine):
                        left += run_boot(nic, [t], first2, count2, args, on_record, on_check, on_control)
                    break

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        list(pool.map(run, boots))
    progress.finish()
    return load(args.out), checks, controls, time.monotonic() - t0, todo


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
    """Rerun NIC/TYPE/TRIAL, or NIC/TYPE/FIRST-LAST back to back in one boot
    (a trial may leave the card in a state that shows only in the next one)."""
    m = re.fullmatch(r"(\w+)/(\w+)/(\d+)(?:-(\d+))?", args.replay)
    if not m or m.group(1) not in NICS or m.group(2) not in TYPES or int(m.group(4) or m.group(3)) < int(m.group(3)):
        sys.exit(f"swifi: --replay wants NIC/TYPE/TRIAL or NIC/TYPE/FIRST-LAST, e.g. rtl8139/source/17 "
                 f"(NIC: {', '.join(NICS)})")
    nic, t, first = m.group(1), m.group(2), int(m.group(3))
    out = []
    left = run_boot(nic, [t], first, int(m.group(4) or first) - first + 1, args, out.append)
    while left:                           # after an OS failure or a wedged wire, as a campaign does
        left = run_boot(nic, [t], left[0][1], len(left), args, out.append)
    for rec in out:
        console = rec.pop("console", None)
        registers = rec.pop("registers", None)
        print(json.dumps(rec, indent=2))
        if console:
            print("--- console ---\n" + console + "\n--- registers, process table ---\n" + (registers or ""))
    if any(r.get("os_failure") for r in out):
        return 1
    if args.check and args.no_watchdog and out and out[-1].get("stuck"):
        return 1
    return 1 if args.check and (not out or not out[-1].get("workload", {}).get("ok")) else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--drivers", default=",".join(NICS), help="NIC configurations, comma-separated")
    ap.add_argument("--types", default="all", help="fault types, comma-separated, or all")
    ap.add_argument("--trials", type=int, default=10, help="trials per driver and type")
    ap.add_argument("--faults", type=int, default=100, help="faults per trial")
    ap.add_argument("--seed", type=int, default=1, help="the campaign's seed")
    ap.add_argument("--jobs", type=int, default=2, help="QEMUs at once")
    ap.add_argument("--frames", type=int, default=100, help="workload frames each way per trial (raw)")
    ap.add_argument("--workload", choices=("tcp", "raw"), default="tcp",
                    help="TCP and UDP through inet (bulkd, echod), or raw frames (t_netclient)")
    ap.add_argument("--tcp-bytes", type=int, default=TCP_BYTES, help="bytes each way per trial (tcp)")
    ap.add_argument("--udp-echoes", type=int, default=UDP_ECHOES, help="UDP datagrams echoed per trial, "
                    "each sent once (tcp)")
    ap.add_argument("--per-boot", type=int, default=1000, help="at most this many trials of a type per boot")
    ap.add_argument("--out", default=os.path.join(BUILD, "swifi", "results.jsonl"), help="JSON lines, appended")
    ap.add_argument("--report", help="write the report (Markdown and charts) into this directory")
    ap.add_argument("--replay", help="rerun one trial, NIC/TYPE/TRIAL, or trials NIC/TYPE/FIRST-LAST in one boot, "
                    "from their seeds (with the campaign's --seed, --faults, --frames and --workload); prints "
                    "the records and consoles; exit status 1 on an OS failure, or with --check also on a "
                    "workload that failed in the last trial")
    ap.add_argument("--iso", help="boot this image instead of build/bulkhead.iso")
    ap.add_argument("--check", action="store_true",
                    help="fail (exit 1) on any OS failure, a failed check, a trial without faults applied, "
                         "or a control slice (after a boot's trials: a fresh driver, no fault) not whole")
    ap.add_argument("--no-watchdog", action="store_true",
                    help="with --replay --check: fail too if the workload's watchdog had to restart the driver "
                         "(the system did not notice the stuck driver by itself)")
    args = ap.parse_args()
    args.drivers = [d for d in args.drivers.split(",") if d]
    args.types = TYPES if args.types == "all" else [t for t in args.types.split(",") if t]
    bad = [d for d in args.drivers if d not in NICS] + [t for t in args.types if t not in TYPES]
    if (bad or args.trials < 1 or args.faults < 1 or args.frames < 1 or args.udp_echoes < 0 or args.tcp_bytes < 4
            or args.tcp_bytes % 4):
        sys.exit(f"swifi: unknown driver or type: {', '.join(bad)}" if bad else
                 "swifi: counts must be positive (--tcp-bytes a multiple of 4)")
    if args.iso:
        qemu.ISO = os.path.abspath(args.iso)      # a copy: a long campaign survives rebuilds
    if not os.path.exists(qemu.ISO):
        sys.exit(f"swifi: {qemu.ISO} is missing: run make first")
    if args.replay:
        return replay(args)
    records, checks, controls, took, ran = campaign(args)
    mine = [r for r in records if r.get("campaign_seed") == args.seed and r.get("faults") == args.faults
            and r.get("workload_kind", "raw") == args.workload and r["nic"] in args.drivers and r["type"] in args.types and r["trial"] < args.trials]
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
    for nic in args.drivers if args.workload == "tcp" else ():
        print(workload_line(nic, [r for r in mine if r["nic"] == nic and "host" in r]))
    for line in sorted(controls):
        print(line)
    if args.report:
        print(f"swifi: report in {report(mine, args.report, took, ran)}")
    if args.check:
        return 1 if (failures or empty or any(not ok for *_, ok, _ in checks) or len(mine) == 0
                     or any(" FAILED " in line for line in controls)) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
