"""The host side of the raw-Ethernet tests: a peer that speaks Ethernet itself.

QEMU's NIC is connected with `-netdev socket,udp=...,localaddr=...` on
127.0.0.1: each Ethernet frame is one UDP datagram between QEMU and this
peer. The peer follows the same script as the guest's test client
(tests/os/t_netclient.c):

  1. answer the client's broadcast hello;
  2. send frames of every size 60..1514 (windowed, each acknowledged), then
     20 broadcasts and 20 frames for another address, then END;
  3. receive frames of every size from the client and check them byte for byte;
  4. send garbage (runts, oversize, random bytes), then a probe frame; then,
     each time the client asks (BURST), BURST small frames at once, until it
     says it has them all;
  5. stream 600 frames twice while the client kills, then crashes, its driver;
     measure how long frames stop flowing.

The wire test (run_wire, boots test-wire-*) instead sends a long seeded
stream of hostile bursts, each followed by a probe the client must answer.

Frames: Ethernet header, EtherType 0x88B5, then magic, kind, flags, seq,
size (big-endian), then a pattern that depends on seq, size and position.
Every frame received in order is acknowledged with the next seq expected.
"""
import os
import random
import socket
import struct
import time

ETHERTYPE = 0x88B5
MAGIC = 0x42484E54
K_HELLO, K_HELLO_ACK, K_DATA, K_ACK, K_BCAST, K_FOREIGN, K_END, K_PROBE = range(1, 9)
K_RESET = 11                 # (9 and 10 are the fault-injection campaign's, tools/swifi.py)
K_BURST = 12
K_RING = 13                  # the client has filled its driver's transmit ring (t_netclient ring_full): go on
RING_WAIT_S = 60
BURST = 32 + 16              # small frames sent at once: more than NET_BATCH_FRAMES (include/bulkhead/net.h)
WIRE = struct.Struct(">IHHII")
PEER_MAC = bytes.fromhex("020000000001")
FOREIGN_MAC = bytes.fromhex("020000000099")
BROADCAST = b"\xff" * 6
MIN_FRAME, MAX_FRAME = 60, 1514
ALL_SIZES = MAX_FRAME - MIN_FRAME + 1
MULTICAST = bytes.fromhex("01005e000001")

# The wire test. One UDP datagram carries at most 65,507 bytes: the largest
# frame QEMU's socket netdev can hand the NIC from this peer.
WIRE_MAX_DATAGRAM = 65507
BOUNDARY_LENGTHS = (list(range(1, 65)) + list(range(1510, 1525)) +
                    [1600, 2047, 2048, 2049, 4095, 4096, 4097] +
                    [n + d for n in (8192, 16384, 32768) for d in (-9, -8, -4, -1, 0, 1, 4, 8)] +
                    [WIRE_MAX_DATAGRAM - 1, WIRE_MAX_DATAGRAM])
BIG_LENGTHS = (8193, 8200, 9000, 12000, 16385, 20000, 32769, 40000, WIRE_MAX_DATAGRAM)
ABSURD_ETHERTYPES = (0x0000, 0x0001, 0x05DC, 0x05DD, 0x0600, 0x0800, 0x0806, 0x8100, 0x88A8,
                     0x86DD, 0x88B5, 0xFFFF)
WIRE_BURSTS = 300
WIRE_SEED = int(os.environ.get("BULKHEAD_WIRE_SEED", "8017"))
WIRE_PROBE_RESEND_S = 0.2
WIRE_PROBE_DEADLINE_S = 5.0
# The reset flood: the guest resets its driver's device (NET_TEST_RESET, a pause
# just after the card starts) while we send frames that nearly fill an NE2000's
# receive ring (14,000 bytes = 55 of its 58 pages): a driver that loses such a
# frame's interrupt has less than a full frame of room left and goes deaf.
RESET_ROUNDS = 3
RESET_FLOOD_FRAME = 14000
RESET_FLOOD_S = 0.3
RESET_FLOOD_GAP_S = 0.002
WINDOW = 8
STREAM = 600
STALL_STREAM = 100      # frames the guest sends while its driver stops transmitting


CSUM_FRAMES = 6         # IPv4/TCP frames the client sends with NET_FRAME_CSUM (t_netclient send_csum_frames)


def inet_sum(data):
    """RFC 1071's one's-complement sum of the 16-bit big-endian words (a frame that verifies: 0xffff)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f">{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pattern_slow(seq, size):
    """The payload byte by byte, as the guest builds it (the reference the fast one is tested against)."""
    return bytes((seq + i * 31 + size * 7) & 0xFF for i in range(14 + WIRE.size, size))


# The payload is the seq-0 pattern of its size with seq added to every byte
# (mod 256): one cached base per size, shifted by a 256-entry translate table.
# About 1 us per frame instead of the ~120 us the byte-by-byte loop costs,
# so that the peer does not cap host-to-guest throughput.
_SHIFT = [bytes((b + k) & 0xFF for b in range(256)) for k in range(256)]
_BASE = {}


def pattern(seq, size):
    base = _BASE.get(size)
    if base is None:
        base = _BASE[size] = pattern_slow(0, size)
    return base.translate(_SHIFT[seq & 0xFF])


class Peer:
    def __init__(self):
        self.ipv4 = []                                   # IPv4 frames to us (checksums_filled)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.qemu_port = free_udp_port()
        self.guest_mac = None
        self.results = {}            # case -> (ok, detail)

    def qemu_args(self, device):
        """Arguments that put NIC `device` (e.g. "rtl8139,romfile=") on the wire to this peer."""
        return ["-netdev", f"socket,id=n0,udp=127.0.0.1:{self.port},localaddr=127.0.0.1:{self.qemu_port}",
                "-device", f"{device},netdev=n0,mac=52:54:00:12:34:56"]

    def close(self):
        self.sock.close()

    def result(self, case, ok, detail):
        self.results[case] = (bool(ok), detail)

    # --- frames ---------------------------------------------------------------

    def send_raw(self, frame):
        self.sock.sendto(frame, ("127.0.0.1", self.qemu_port))

    def frame(self, dst, kind, seq=0, size=MIN_FRAME):
        head = dst + PEER_MAC + struct.pack(">H", ETHERTYPE) + WIRE.pack(MAGIC, kind, 0, seq, size)
        return head + pattern(seq, size)

    def send(self, kind, seq=0, size=MIN_FRAME, dst=None):
        self.send_raw(self.frame(dst or self.guest_mac, kind, seq, size))

    def on_datagram(self, data):
        """Every datagram QEMU hands us, before it is parsed (for subclasses that watch the wire)."""

    def recv(self, timeout):
        """The next frame of our protocol: (kind, seq, size, frame), or None."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data, _ = self.sock.recvfrom(65536)
            except socket.timeout:
                return None
            self.on_datagram(data)
            if len(data) >= 34 and data[:6] == PEER_MAC and data[12:14] == b"\x08\x00":
                self.ipv4.append(data)                   # (the client's checksum frames)
            if len(data) < 14 + WIRE.size or struct.unpack(">H", data[12:14])[0] != ETHERTYPE:
                continue
            magic, kind, _, seq, size = WIRE.unpack(data[14:14 + WIRE.size])
            if magic == MAGIC:
                return kind, seq, size, data

    # --- the script ----------------------------------------------------------------

    def hello(self, timeout):
        got = self.recv(timeout)
        while got and got[0] != K_HELLO:
            got = self.recv(timeout)
        if not got:
            return False
        self.guest_mac = got[3][6:12]
        self.send(K_HELLO_ACK)
        return True

    def send_windowed(self, count, size_of, timeout=60, resend_after=1.0, window=WINDOW):
        """Send DATA 0..count-1, at most WINDOW unacknowledged; resend after
        resend_after seconds of silence. Returns (delivered, resent, longest
        silence in s)."""
        acked = sent = resent = 0
        last_ack = time.monotonic()
        longest = 0.0
        deadline = time.monotonic() + timeout
        while acked < count and time.monotonic() < deadline:
            while sent < count and sent < acked + window:
                self.send(K_DATA, sent, size_of(sent))
                sent += 1
            got = self.recv(resend_after)
            if got and got[0] == K_ACK and got[1] > acked:
                now = time.monotonic()
                longest = max(longest, now - last_ack)
                last_ack = now
                acked = got[1]
            elif not got:
                resent += sent - acked
                sent = acked
        return acked, resent, longest

    def end(self, seq):
        """Send END until the guest acknowledges it."""
        for _ in range(50):
            self.send(K_END, seq)
            got = self.recv(0.5)
            while got and not (got[0] == K_ACK and got[1] == seq + 1):
                got = self.recv(0.5)
            if got:
                return True
        return False

    def phase_to_guest(self):
        delivered, resent, _ = self.send_windowed(ALL_SIZES, lambda seq: MIN_FRAME + seq)
        for i in range(20):
            self.send(K_BCAST, i, dst=BROADCAST)
        for i in range(20):
            self.send(K_FOREIGN, i, dst=FOREIGN_MAC)
        self.end(ALL_SIZES)
        self.result("host_to_guest_none_lost", delivered == ALL_SIZES and resent == 0,
                    f"{delivered} of {ALL_SIZES} frames acknowledged, {resent} had to be resent")

    def checksums_filled(self):
        """The client's CSUM_FRAMES IPv4/TCP frames (t_netclient send_csum_frames): each with a header
        and a TCP checksum that verify, and its payload as sent."""
        good = 0
        for k, f in enumerate(self.ipv4):
            sent = 14 + struct.unpack(">H", f[16:18])[0]     # (short ones arrive padded to 60)
            ip, seg = f[14:34], f[34:sent]
            pseudo = f[26:34] + struct.pack(">BBH", 0, 6, len(seg))
            body_ok = f[54:sent] == bytes((k + i * 31 + sent * 7) & 0xFF for i in range(54, sent))
            good += inet_sum(ip) == 0xffff and inet_sum(pseudo + seg) == 0xffff and body_ok
        self.result("checksums_filled", len(self.ipv4) == CSUM_FRAMES and good == CSUM_FRAMES,
                    f"{len(self.ipv4)} of {CSUM_FRAMES} IPv4/TCP frames sent with NET_FRAME_CSUM arrived, "
                    f"{good} with IP and TCP checksums that verify and their payload intact")

    def phase_from_guest(self):
        expect = bad = 0
        while True:
            got = self.recv(30)
            if not got or got[0] == K_END:
                break
            kind, seq, size, data = got
            if kind != K_DATA:
                continue
            if seq == expect:
                ok = (size == MIN_FRAME + seq and len(data) == size and data[:6] == PEER_MAC
                      and data[6:12] == self.guest_mac and data[14 + WIRE.size:] == pattern(seq, size))
                bad += not ok
                expect += 1
            self.send(K_ACK, expect)
        if got:
            self.send(K_ACK, got[1] + 1)
        self.result("guest_to_host_all_sizes", got and expect == ALL_SIZES and bad == 0,
                    f"{expect} of {ALL_SIZES} frames of sizes 60-1514 in order, {bad} not byte-exact")
        self.checksums_filled()

    def phase_ring_full(self):
        """Stay silent while the client fills its driver's transmit ring (frames we ignore), so
        that no frame of ours raises the interrupt it watches for, until it says it is done."""
        got = self.recv(RING_WAIT_S)
        while got and got[0] != K_RING:
            got = self.recv(RING_WAIT_S)
        self.result("ring_full_done", got is not None, "the client said it was done with its full ring"
                    if got else f"no word from the client in {RING_WAIT_S} s after its stream")

    def phase_garbage(self):
        rnd = random.Random(1234)
        self.send_raw(b"\x01\x02\x03")                                   # a runt
        self.send_raw(self.guest_mac + PEER_MAC + b"\x88\xb5" + b"\x00" * 6)   # 20 bytes, ours but short
        self.send_raw(self.guest_mac + PEER_MAC + b"\x08\x00" + bytes(1586))   # 1600: oversize
        self.send_raw(self.guest_mac + PEER_MAC + b"\x08\x00" + bytes(3986))   # 4000
        for _ in range(50):
            n = rnd.randrange(1, 1800)
            body = bytes(rnd.randrange(256) for _ in range(n))
            self.send_raw((self.guest_mac if rnd.random() < 0.5 else b"") + body)
        for _ in range(50):
            self.send(K_PROBE, 7)
            got = self.recv(0.5)
            while got and not (got[0] == K_ACK and got[1] == 8):
                got = self.recv(0.5)
            if got:
                break
        self.result("garbage_then_probe", got is not None, "the probe sent after the garbage was answered"
                    if got else "no answer to the probe after the garbage")

    def phase_burst(self):
        """BURST small DATA frames back to back whenever the client asks (BURST, seq BURST), until it
        says it is done (BURST, seq 0)."""
        deadline = time.monotonic() + 30
        bursts = 0
        while time.monotonic() < deadline:
            got = self.recv(1.0)
            if got and got[0] == K_BURST and got[1] == BURST:
                for seq in range(BURST):
                    self.send(K_DATA, seq)
                bursts += 1
            elif got and got[0] == K_BURST and got[1] == 0:
                break
        self.result("burst_sent", bursts > 0, f"{BURST} small frames at once, {bursts} times")

    def phase_stream(self, case):
        delivered, _, longest = self.send_windowed(STREAM, lambda seq: 1000, timeout=120, resend_after=0.1)
        self.end(STREAM)
        self.result(case, delivered == STREAM and longest < 5,
                    f"{delivered} of {STREAM} frames delivered; frames stopped flowing for {longest:.2f} s "
                    f"while the driver restarted (bound 5 s)")
        return longest

    def phase_guest_stream(self, case, count, what="across the restart of its stalled driver"):
        """Acknowledge the guest's DATA frames in order until END (the driver stalls or crashes meanwhile)."""
        expect = 0
        while True:
            got = self.recv(60)
            if not got or got[0] == K_END:
                break
            if got[0] != K_DATA:
                continue
            if got[1] == expect:
                expect += 1
            self.send(K_ACK, expect)
        if got:
            self.send(K_ACK, got[1] + 1)
        self.result(case, expect == count, f"{expect} of {count} frames from the guest arrived in order {what}")

    def run_bench(self, frames=2000, pings=500, hello_timeout=120, mark=None):
        """The benchmark script (the client's bench()); returns the figures.
        mark(name), if given, is called at each phase's start and end
        ("g2h", "g2h_end", "h2g", "h2g_end", "rtt", "rtt_end"), for instance to
        sample the guest's CPU time; out["peer_cpu_s"] is this peer's own CPU
        time over the host-to-guest phase."""
        mark = mark or (lambda name: None)
        if not self.hello(hello_timeout):
            return None
        mark("g2h")
        got, first, last = 0, None, None
        while True:
            r = self.recv(30)
            if not r or r[0] == K_END:
                break
            if r[0] == K_DATA:
                got += 1
                last = time.monotonic()
                first = first or last
        mark("g2h_end")
        if r:
            self.send(K_ACK, r[1] + 1)
        out = {"guest_to_host_frames": got,
               "guest_to_host_fps": (got - 1) / (last - first) if got > 1 else 0}
        mark("h2g")
        t0, cpu0 = time.monotonic(), time.process_time()
        delivered, resent, _ = self.send_windowed(frames, lambda seq: MAX_FRAME, timeout=300, window=8)
        out["host_to_guest_fps"] = delivered / (time.monotonic() - t0)
        out["peer_cpu_s"] = time.process_time() - cpu0
        out["host_to_guest_frames"] = delivered
        out["host_to_guest_resent"] = resent
        mark("h2g_end")
        self.end(frames)
        mark("rtt")
        rtts = []
        for i in range(pings):
            t0 = time.monotonic()
            self.send(K_DATA, i, 64)
            r = self.recv(2)
            while r and not (r[0] == K_ACK and r[1] == i + 1):
                r = self.recv(2)
            if r:
                rtts.append(time.monotonic() - t0)
        mark("rtt_end")
        self.end(pings)
        out["rtt_us"] = sorted(rtts)
        delivered, _, longest = self.send_windowed(STREAM, lambda seq: 1000, timeout=120, resend_after=0.01)
        self.end(STREAM)
        out["recovery_s"] = longest
        return out

    # --- the wire test: hostile bursts, each followed by a probe ----------------------

    def hostile(self, rnd, size, dst=None):
        """A frame of `size` bytes (1..WIRE_MAX_DATAGRAM) for the guest (or dst):
        random bytes after an address, an absurd EtherType when there is room."""
        head = (dst or self.guest_mac) + PEER_MAC + struct.pack(">H", rnd.choice(ABSURD_ETHERTYPES))
        body = rnd.getrandbits(8 * size).to_bytes(size, "little")
        return (head + body)[:size]

    def burst(self, rnd, lengths):
        """One burst: boundary lengths first (the first one arrives at an empty
        receive ring), then a mix of storms, runts, oversize and random frames."""
        frames = [self.hostile(rnd, n) for n in lengths]
        kind = rnd.randrange(7)
        if kind == 0:                                    # broadcast storm
            frames += [self.hostile(rnd, rnd.randrange(14, MAX_FRAME + 1), BROADCAST) for _ in range(40)]
        elif kind == 1:                                  # multicast storm
            frames += [self.hostile(rnd, rnd.randrange(14, MAX_FRAME + 1), MULTICAST) for _ in range(40)]
        elif kind == 2:                                  # back-to-back oversize
            frames += [self.hostile(rnd, rnd.choice(BIG_LENGTHS)) for _ in range(8)]
        elif kind == 3:                                  # runts
            frames += [self.hostile(rnd, rnd.randrange(1, 60)) for _ in range(30)]
        elif kind == 4:                                  # back-to-back full-size
            frames += [self.hostile(rnd, MAX_FRAME) for _ in range(30)]
        elif kind == 5:                                  # back-to-back, a little oversize
            frames += [self.hostile(rnd, rnd.randrange(MAX_FRAME + 1, 6000)) for _ in range(20)]
        else:                                            # anything, to anyone
            frames += [self.hostile(rnd, rnd.randrange(1, 20000), rnd.choice((None, BROADCAST, MULTICAST)))
                       for _ in range(10)]
        for f in frames:
            self.send_raw(f)
        return len(frames)

    def probe(self, seq, deadline_s):
        """Send probe seq until the guest acknowledges it (seq + 1); (answered, tries, seconds)."""
        t0 = time.monotonic()
        tries = 0
        while time.monotonic() - t0 < deadline_s:
            self.send(K_PROBE, seq)
            tries += 1
            got = self.recv(WIRE_PROBE_RESEND_S)
            while got and not (got[0] == K_ACK and got[1] == seq + 1):
                if got[0] == K_HELLO:                  # our hello answer was lost: again
                    self.send(K_HELLO_ACK)
                got = self.recv(WIRE_PROBE_RESEND_S)
            if got:
                return True, tries, time.monotonic() - t0
        return False, tries, time.monotonic() - t0

    def reset_flood(self, rnd, seq):
        """Ask the guest to reset its device (K_RESET seq, until acknowledged), then
        flood near-ring-sized frames while it does; True if it acknowledged."""
        t0 = time.monotonic()
        got = None
        while not got and time.monotonic() - t0 < WIRE_PROBE_DEADLINE_S:
            self.send(K_RESET, seq)
            got = self.recv(WIRE_PROBE_RESEND_S)
            while got and not (got[0] == K_ACK and got[1] == seq + 1):
                got = self.recv(WIRE_PROBE_RESEND_S)
        if not got:
            return False
        frame = self.hostile(rnd, RESET_FLOOD_FRAME)
        t0 = time.monotonic()
        while time.monotonic() - t0 < RESET_FLOOD_S:
            self.send_raw(frame)
            time.sleep(RESET_FLOOD_GAP_S)
        return True

    def run_resets(self, rnd, first_seq):
        """RESET_ROUNDS device resets under a flood, each followed by a probe; True if all answered."""
        for r in range(RESET_ROUNDS):
            seq = first_seq + 2 * r
            if not self.reset_flood(rnd, seq):
                self.result("wire_every_probe_answered", False, f"reset request {r} was not acknowledged")
                return False
            ok, _, took = self.probe(seq + 1, WIRE_PROBE_DEADLINE_S)
            if not ok:
                self.result("wire_every_probe_answered", False,
                            f"no answer for {WIRE_PROBE_DEADLINE_S} s to the probe after device reset {r} "
                            f"under a flood of {RESET_FLOOD_FRAME}-byte frames: the driver went deaf")
                return False
        return True

    def run_wire(self, hello_timeout=120, bursts=None, seed=None):
        """The wire test: `bursts` hostile bursts, every boundary length among
        them, each followed by a probe that must be answered. Fills self.results."""
        bursts = bursts or WIRE_BURSTS
        seed = WIRE_SEED if seed is None else seed
        if not self.hello(hello_timeout):
            self.result("hello_from_guest", False, "no hello from the guest's test client")
            return
        self.result("hello_from_guest", True, f"guest MAC {self.guest_mac.hex(':')}")
        if not self.probe(bursts + 1, WIRE_PROBE_DEADLINE_S)[0]:     # the client is listening
            self.result("wire_every_probe_answered", False, "the first probe, before any burst, was not answered")
            return
        rnd = random.Random(seed)
        if not self.run_resets(rnd, bursts + 2):
            self.end(bursts)
            return
        lengths = list(BOUNDARY_LENGTHS)
        per_burst = -(-len(lengths) // bursts)
        sent = answered = retried = 0
        slowest = 0.0
        t0 = time.monotonic()
        for i in range(bursts):
            mine, lengths = lengths[:per_burst], lengths[per_burst:]
            if not mine or rnd.random() < 0.5:                 # the first frame after an answered
                mine = [rnd.choice(BIG_LENGTHS)] + mine        # probe finds the ring empty
            sent += self.burst(rnd, mine)
            ok, tries, took = self.probe(i, WIRE_PROBE_DEADLINE_S)
            if not ok:
                break
            answered += 1
            retried += tries > 1
            slowest = max(slowest, took)
        self.end(bursts)
        self.result("wire_every_probe_answered", answered == bursts,
                    f"{answered} of {bursts} probes answered after {sent} hostile frames "
                    f"(seed {seed}, {time.monotonic() - t0:.1f} s; {retried} needed resending, "
                    f"slowest {slowest:.2f} s; a probe unanswered for {WIRE_PROBE_DEADLINE_S} s "
                    f"means the driver went deaf)")

    def run_script(self, hello_timeout=120):
        """The whole test script; fills self.results."""
        if not self.hello(hello_timeout):
            self.result("hello_from_guest", False, "no hello from the guest's test client")
            return
        self.result("hello_from_guest", True, f"guest MAC {self.guest_mac.hex(':')}")
        self.phase_to_guest()
        self.phase_from_guest()
        self.phase_ring_full()
        self.phase_garbage()
        self.phase_burst()
        self.phase_stream("resumes_after_kill")
        self.phase_stream("resumes_after_crash")
        self.phase_stream("resumes_after_crash_mid_recv_batch")
        self.phase_guest_stream("resumes_after_crash_mid_send_batch", STALL_STREAM,
                                "across the restart of its driver, crashed inside a batch")
        self.phase_guest_stream("resumes_after_stall", STALL_STREAM)
