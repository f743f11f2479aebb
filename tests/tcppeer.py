"""The host side of the TCP tests: a client of the guest's bulkd through
QEMU's user network (`-netdev user,restrict=on` with ports forwarded from
127.0.0.1 only; nothing leaves the host). Standard library only.

bulkd (commands/bulkd.c): TCP port 5001 is a sink that answers
"<count> <crc32>\\n" after the client half-closes; port 5002 is a source that
sends N bytes (byte i = byte i%4 of the little-endian uint32 i//4) after
reading "<N>\\n". The guest's t_inet listens on port 5003: "kill" makes it
kill the NIC driver every second, "crash" makes the driver crash every
second (a CPU exception in the driver's own code), "count" gets "count
FAILURES" (so far in the phase), "stop" ends either: the guest answers
"stop" at once, checks the phase, then "done FAILURES EXCEPTIONS".

The script: SIZE bytes to the guest and SIZE bytes from it, undisturbed;
then ACCEPT_KILL_SIZE bytes to t_inet's port 5004, where the driver is killed
as each connection is accepted (so the SYN-ACK is among the frames inet could
send again: it must not, see servers/inet/resend.c); then the same as at first
while the driver is killed every second, and again while it crashes every
second. Each transfer must be byte-exact (CRC-32 checked at both ends);
throughput, the longest stall and the guest's count of kills or crashes are
reported.

Before those, one QUICKACKS-segment transfer to the sink on a fresh
connection, checked on the wire (QEMU's filter-dump, headers only): the guest
must acknowledge each of a new connection's first QUICKACKS segments with an
ACK of its own. A sender in slow start waits for that ACK; left to lwIP's
delayed-ACK timer, every connection began with a stall of up to 250 ms. And
the windows the guest offers on it, from its SYN-ACK on, must fit the NIC:
an NE2000's ring holds 9 frames (drivers/ne2000), a larger burst overflows it
(QEMU then delivers the rest out of order, and TCP stalls for its
retransmission timeout: 0.19 MB/s), so at most 8 segments' worth; on the
other NICs the window must open past that.
"""
import array
import os
import shutil
import socket
import struct
import tempfile
import time
import zlib

SIZE = 20 * 1024 * 1024
BLOCK = 1 << 20
PIECE = 64 * 1024        # bytes handed to the socket at a time (a stall is measured between pieces)
SINK, SOURCE, CONTROL, ACCEPT_KILL = 5001, 5002, 5003, 5004
ACCEPT_KILL_ROUNDS = 3   # t_inet kills the driver as it accepts each of these connections
ACCEPT_KILL_SIZE = 4 * 1024 * 1024
PATTERN_PERIOD = 251     # byte i sent to ACCEPT_KILL is i mod this
TIMEOUT = 120            # seconds without progress before a transfer fails
KILLED_MIN_S = 4.5       # transfers each way go on while the driver is killed (or crashes) every
                         # second until this long has passed (at least one round each way), so
                         # that a fast transfer (20 MB in 1.3 s) still meets several of them,
MIN_FAILURES = 3         # ... and until the guest has failed it this often (MIN_KILLS, t_inet.c):
                         # on a loaded host its once-a-second timer may fall behind the wall clock
KILLED_MAX_ROUNDS = 8
QUICKACKS = 16           # a new connection's first segments each get an ACK at once (servers/inet/tcp.c)
SMALL_RING_NICS = ("ne2k_pci", "ne2k_isa")
SMALL_RING_WINDOW = 8 * 1460   # what the guest may offer over them: one frame fewer than the ring holds
SYNACK_QUIET_S = 2.5     # after "synack", the guest puts the crash in once it has nothing else to send (1.5 s)
SYNACK_SIZE = 256 * 1024
AT_ONCE_S = 1.0          # a SYN-ACK sent again at once, when the driver's successor is there; TCP's (lwIP's)
                         # own first retransmission comes 2.5-3 s after the first (its timer ticks every 0.5 s)
SNAPLEN = 96             # bytes of each frame the wire dump keeps: the Ethernet, IPv4 and TCP headers


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_line(s):
    """The peer's answer line on s (what came before it closed, if it closed first)."""
    answer = b""
    while not answer.endswith(b"\n"):
        got = s.recv(64)
        if not got:
            break
        answer += got
    return answer


def source_pattern(n):
    """The bytes bulkd's source sends for n (a multiple of 4)."""
    return array.array("I", range(n // 4)).tobytes()


class Peer:
    def __init__(self):
        self.ports = {p: free_tcp_port() for p in (SINK, SOURCE, CONTROL, ACCEPT_KILL)}
        self.results = {}
        block = bytearray(BLOCK)
        x = 12345
        for i in range(BLOCK):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
            block[i] = x >> 16 & 0xFF
        self.block = bytes(block)

        fd, self.dump = tempfile.mkstemp(prefix="bulkhead-tcp-", suffix=".pcap")
        os.close(fd)

    def qemu_args(self, device):
        self.device = device.split(",")[0]
        fwd = ",".join(f"hostfwd=tcp:127.0.0.1:{h}-:{g}" for g, h in self.ports.items())
        return ["-netdev", f"user,id=n0,restrict=on,{fwd}", "-device", f"{device},netdev=n0,mac=52:54:00:12:34:56",
                "-object", f"filter-dump,id=wire,netdev=n0,file={self.dump},maxlen={SNAPLEN}"]

    def close(self):
        """Remove the wire dump, or, when a case failed and the runner named a place
        (keep_as), keep it there for a look at what went over the wire."""
        failed = any(not ok for ok, _ in self.results.values())
        try:
            if failed and getattr(self, "keep_as", None):
                os.makedirs(os.path.dirname(self.keep_as), exist_ok=True)
                shutil.move(self.dump, self.keep_as)
            else:
                os.unlink(self.dump)
        except OSError:
            pass

    def result(self, case, ok, detail):
        self.results[case] = (bool(ok), detail)

    def connect(self, port):
        s = socket.create_connection(("127.0.0.1", self.ports[port]), timeout=TIMEOUT)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        return s

    def progress(self):
        """Note that bytes moved now; the longest time without that is the transfer's stall."""
        now = time.monotonic()
        self.stall = max(self.stall, now - self.last)
        self.last = now

    def to_guest(self, size):
        """size bytes to the sink: (ok, seconds, detail)."""
        start = self.last = time.monotonic()
        crc, sent, self.stall = 0, 0, 0.0
        with self.connect(SINK) as s:
            while sent < size:
                chunk = self.block[:min(PIECE, size - sent)]
                s.sendall(chunk)
                self.progress()
                crc = zlib.crc32(chunk, crc)
                sent += len(chunk)
            s.shutdown(socket.SHUT_WR)
            answer = read_line(s)
        took = time.monotonic() - start
        want = f"{size} {crc:08x}".encode()
        return answer.strip() == want, took, f"sent {size} bytes (crc {crc:08x}), bulkd says {answer.strip()!r}"

    def from_guest(self, size):
        """size bytes from the source: (ok, seconds, detail)."""
        start = self.last = time.monotonic()
        crc, got, self.stall = 0, 0, 0.0
        with self.connect(SOURCE) as s:
            s.sendall(f"{size}\n".encode())
            while True:
                data = s.recv(1 << 20)
                self.progress()
                if not data:
                    break
                crc = zlib.crc32(data, crc)
                got += len(data)
        took = time.monotonic() - start
        want = zlib.crc32(source_pattern(size))
        return got == size and crc == want, took, f"received {got} of {size} bytes, crc {crc:08x} (want {want:08x})"

    def to_killer(self, size):
        """size bytes to t_inet's port where the driver dies at accept: (ok, seconds, detail)."""
        start = self.last = time.monotonic()
        self.stall = 0.0
        data = bytes(range(PATTERN_PERIOD)) * (size // PATTERN_PERIOD + 1)
        with self.connect(ACCEPT_KILL) as s:
            for at in range(0, size, PIECE):
                s.sendall(data[at:min(at + PIECE, size)])
                self.progress()
            s.shutdown(socket.SHUT_WR)
            answer = read_line(s)
        took = time.monotonic() - start
        return answer.strip() == f"{size} 1".encode(), took, \
            f"sent {size} bytes, the guest says {answer.strip()!r} (count, pattern intact)"

    def wait_for_bulkd(self, timeout=150):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.to_guest(1000)[0]:
                    return True
            except OSError:
                pass
            time.sleep(0.5)
        return False

    def transfer(self, case, how, size, base=None):
        """One transfer; a case run again keeps its first failure and lists every figure."""
        self.stall = 0.0
        try:
            ok, took, detail = how(size)
        except OSError as e:
            ok, took, detail = False, 0, f"{e}"
        rate = size / took / 1e6 if ok and took else 0
        share = f", {rate / base * 100:.0f}% of undisturbed" if base and rate else ""
        detail = f"{detail}; {took:.2f} s, {rate:.2f} MB/s{share}, longest stall {self.stall:.2f} s"
        if case in self.results:
            was_ok, was = self.results[case]
            ok, detail = ok and was_ok, f"{was} | {detail}"
        self.result(case, ok, detail)
        return rate

    def first_segments_acked(self):
        """A fresh connection to the sink: each of its first QUICKACKS segments acknowledged on its own."""
        try:
            ok, _, detail = self.to_guest((QUICKACKS + 4) * 1460)   # the last may come with the FIN
        except OSError as e:
            ok, detail = False, f"{e}"
        time.sleep(0.5)                  # filter-dump writes as frames pass; let the last ones land
        segs, acks = last_sink_connection(read_tcp_dump(self.dump))
        first = segs[:QUICKACKS]
        alone = [end in acks for _, end in first]
        self.result("tcp_first_segments_acked_at_once", ok and len(first) == QUICKACKS and all(alone),
                    f"{detail}; of the connection's first {len(first)} data segments "
                    f"{sum(alone)} had an ACK of their own"
                    + (f" (not: segments {[k + 1 for k, a in enumerate(alone) if not a]})" if not all(alone) else ""))
        self.window_fits_nic(ok)

    def window_fits_nic(self, ok):
        """The windows the guest offered on that connection: within an NE2000's ring, past it elsewhere."""
        windows = sink_windows(read_tcp_dump(self.dump))
        small = self.device in SMALL_RING_NICS
        fits = bool(windows) and (max(windows) <= SMALL_RING_WINDOW if small else max(windows) > SMALL_RING_WINDOW)
        self.result("tcp_window_fits_nic", ok and fits,
                    f"{self.device}: the guest offered windows of {min(windows, default=0)}..{max(windows, default=0)} "
                    f"bytes in {len(windows)} segments from its SYN-ACK on (want "
                    + (f"at most {SMALL_RING_WINDOW}: the NIC's ring holds 9 frames)" if small else
                       f"more than {SMALL_RING_WINDOW} at some point)"))

    def run_script(self):
        if not self.wait_for_bulkd():
            self.result("bulkd_reachable", False, "no answer from bulkd through the forwarded port")
            return
        self.result("bulkd_reachable", True, "bulkd answered through 127.0.0.1")
        self.first_segments_acked()
        to_rate = self.transfer("tcp_to_guest", self.to_guest, SIZE)
        from_rate = self.transfer("tcp_from_guest", self.from_guest, SIZE)
        try:
            control = self.connect(CONTROL)
        except OSError as e:
            self.result("tcp_to_guest_driver_killed", False, f"control connection: {e}")
            return
        for _ in range(ACCEPT_KILL_ROUNDS):
            self.transfer("tcp_to_guest_killed_at_accept", self.to_killer, ACCEPT_KILL_SIZE)
        with control:
            self.synack_crash(control)
            for how, past in (("kill", "killed"), ("crash", "crashed")):
                if not self.failing(control, how, past, to_rate, from_rate):
                    return

    def synack_crash(self, control):
        """The guest's driver crashes on the SYN-ACK of a new connection (t_inet puts ud2 in its
        nic_send once its ACK of "synack" has gone): TCP must send the SYN-ACK again to the
        successor at once, not after its retransmission timeout, and the data arrive intact."""
        case = "tcp_synack_lost_to_crash"
        try:
            control.sendall(b"synack\n")
            time.sleep(SYNACK_QUIET_S)
            ok, _, detail = self.to_guest(SYNACK_SIZE)
            answer = read_line(control).split()
        except OSError as e:
            self.result(case, False, f"{e}")
            return
        time.sleep(0.5)                  # filter-dump writes as frames pass; let the last ones land
        syns, synacks = sink_handshake(self.dump)
        told = len(answer) == 3 and answer[0] == b"synack" and answer[1] == b"1" and answer[2] != b"0"
        late = synacks[0][0] - syns[0] if syns and synacks else None
        first = ("none" if late is None else f"{late * 1000:.0f} ms after the peer's first SYN, "
                 + ("with" if synacks[0][1] else "without") + " the MSS option")
        self.result(case, ok and told and late is not None and late < AT_ONCE_S and not synacks[0][1],
                    f"{detail}; the guest says {b' '.join(answer).decode(errors='replace')!r} (crashed, SYNs "
                    f"sent again); on the wire {len(syns)} SYN(s) from the peer; the guest's first SYN-ACK: "
                    f"{first} (one with it went out before the crash; want one within {AT_ONCE_S:.1f} s: TCP's "
                    f"own retransmission comes after 2.5-3 s)")

    def failing_count(self, control):
        """The guest's count of failures in this phase so far (0 if it does not say)."""
        try:
            control.sendall(b"count\n")
            words = read_line(control).split()
            return int(words[1]) if len(words) == 2 and words[0] == b"count" else 0
        except (OSError, ValueError):
            return 0

    def failing(self, control, how, past, to_rate, from_rate):
        """Transfers each way while the guest makes the driver fail (how: kill or crash) every
        second; the guest's count of failures joins the cases' details. False if control failed."""
        cases = (f"tcp_to_guest_driver_{past}", f"tcp_from_guest_driver_{past}")
        try:
            control.sendall(f"{how}\n".encode())
        except OSError as e:
            self.result(cases[0], False, f"control connection: {e}")
            return False
        began = time.monotonic()
        for _ in range(KILLED_MAX_ROUNDS):
            self.transfer(cases[0], self.to_guest, SIZE, to_rate)
            self.transfer(cases[1], self.from_guest, SIZE, from_rate)
            if time.monotonic() - began >= KILLED_MIN_S and self.failing_count(control) >= MIN_FAILURES:
                break
        answer = b""
        try:
            control.sendall(b"stop\n")
            while b"done" not in answer or not answer.endswith(b"\n"):
                got = control.recv(64)
                if not got:
                    break
                answer += got
        except OSError as e:
            answer += f" ({e})".encode()
        words = answer[answer.find(b"done"):].split() if b"done" in answer else []
        seen = (f"the guest {past} the driver {words[1].decode()} times in {time.monotonic() - began:.1f} s"
                + (f", {words[2].decode()} of them put down to a CPU exception by the driver manager"
                   if how == "crash" else "")
                if len(words) == 3 else f"no count from the guest: {answer!r}")
        for case in cases:
            ok, detail = self.results[case]
            self.result(case, ok and len(words) == 3, f"{detail}; {seen}")
        return len(words) == 3


def tcp_frames(path):
    """The TCP/IPv4 frames of a pcap file, each as (seconds, frame, offset of its TCP header)."""
    with open(path, "rb") as f:
        data = f.read()
    at = 24                                        # past the file header
    while at + 16 <= len(data):
        sec, usec, incl = struct.unpack_from("<III", data, at)
        frame = data[at + 16:at + 16 + incl]
        at += 16 + incl
        if len(frame) >= 54 and frame[12:14] == b"\x08\x00" and frame[23] == 6:
            yield sec + usec / 1e6, frame, 14 + (frame[14] & 15) * 4


def read_tcp_dump(path):
    """The TCP/IPv4 frames of a pcap file: (src port, dst port, seq, ack, flags, payload bytes, window) each."""
    out = []
    for _, frame, tcp in tcp_frames(path):
        total = struct.unpack_from("!H", frame, 16)[0]
        sport, dport, seq, ack, off, flags, window = struct.unpack_from("!HHIIBBH", frame, tcp)
        out.append((sport, dport, seq, ack, flags, total - (tcp - 14) - (off >> 4) * 4, window))
    return out


def has_mss_option(frame, tcp):
    """Does the TCP header at offset tcp carry the MSS option (kind 2)?"""
    end, at = min(len(frame), tcp + (frame[tcp + 12] >> 4) * 4), tcp + 20
    while at < end and frame[at] != 0:             # 0: end of options
        if frame[at] == 2:
            return True
        at += 1 if frame[at] == 1 else max(2, frame[at + 1] if at + 1 < end else 2)
    return False


def sink_handshake(path):
    """The SYNs of the latest connection to the guest's SINK port: the peer's (seconds each) and
    the guest's SYN-ACKs (seconds, with the MSS option or not, each)."""
    syns, synacks = [], []
    for t, frame, tcp in tcp_frames(path):
        sport, dport, flags = *struct.unpack_from("!HH", frame, tcp), frame[tcp + 13]
        if dport == SINK and flags & 0x12 == 0x02:
            if not syns or sport != syns[-1][0]:
                syns, synacks = [], []             # a new connection
            syns.append((sport, t))
        elif sport == SINK and flags & 0x12 == 0x12 and syns and dport == syns[-1][0]:
            synacks.append((t, has_mss_option(frame, tcp)))
    return [t for _, t in syns], synacks


def last_sink_connection(frames):
    """The latest connection to the guest's SINK port: its data segments in order of
    arrival as (seq, seq + length), once each; and the set of the guest's ACK numbers."""
    syns = [k for k, f in enumerate(frames) if f[1] == SINK and f[4] & 0x02]
    if not syns:
        return [], set()
    peer = frames[syns[-1]][0]
    segs, seen, acks = [], set(), set()
    for sport, dport, seq, ack, flags, length, _ in frames[syns[-1]:]:
        if (sport, dport) == (peer, SINK) and length > 0 and seq not in seen:
            seen.add(seq)
            segs.append((seq, (seq + length) & 0xFFFFFFFF))
        elif (sport, dport) == (SINK, peer) and flags & 0x10:
            acks.add(ack)
    return segs, acks


def sink_windows(frames):
    """The windows the guest offered on the latest connection to its SINK port, SYN-ACK included."""
    syns = [k for k, f in enumerate(frames) if f[1] == SINK and f[4] & 0x02]
    if not syns:
        return []
    peer = frames[syns[-1]][0]
    return [f[6] for f in frames[syns[-1]:] if (f[0], f[1]) == (SINK, peer)]
