"""The host side of the network server tests: a peer that speaks ARP, IPv4
and ICMP itself, over the same raw-Ethernet tunnel as tests/netpeer.py
(QEMU's `-netdev socket,udp=127.0.0.1:...`: one frame per UDP datagram, and
nothing leaves 127.0.0.1). Standard library only.

The peer is 10.0.2.2 (the guest's gateway); the guest's inet is 10.0.2.15.
The script follows tests/os/t_inet.c:

  1. resolve the guest with ARP (retrying while it boots);
  2. sweep: one echo request of every size in SWEEP_SIZES, fragmented by the
     peer above one frame, each answered byte-exact (reassembled here);
  3. a bad-checksum echo and one for another address get no answer, and a
     good one afterwards still does;
  4. UDP: a datagram of every size in SWEEP_SIZES to the guest's echod
     (port 7), each sent back byte-exact;
  5. a steady stream of STREAM ICMP and UDP echoes; early in it the peer asks
     the guest (a datagram "kill" to UDP port 9) to kill its NIC driver: the
     answers must resume, the tail must be complete, and what was lost (at
     most STREAM_MAX_LOST: those in flight while the driver was down) is
     counted and reported; then another stream, during which the guest makes
     the driver crash (a datagram "crash": a CPU exception in the driver's own
     code), judged the same way;
  6. RTT_PINGS back-to-back echoes (ICMP 56 bytes, UDP 64 and 1400 bytes):
     round-trip figures;
  7. bad input from the wire (WireGarbage below): malformed IPv4, UDP, ICMP
     and TCP, fragments of every bad kind, ARP, SYN and RST floods against
     bulkd's listening ports, a SYN-ACK left unanswered (sent again, the
     second time without the MSS option), a connection reopened from the
     guest's TIME-WAIT, a zero window; after each kind a probe (ICMP echo,
     UDP echo, a TCP handshake) must still be answered, and the whole round
     once more (nothing leaked in inet); then "done" to UDP port 9 (the
     guest goes on to kill inet itself).
"""
import os
import random
import socket
import struct
import time
import zlib

import netpeer

PEER_MAC = netpeer.PEER_MAC
PEER_IP = bytes([10, 0, 2, 2])
GUEST_IP = bytes([10, 0, 2, 15])
OTHER_IP = bytes([10, 0, 2, 99])
BROADCAST = b"\xff" * 6
ETH_ARP, ETH_IP = 0x0806, 0x0800
PROTO_ICMP, PROTO_TCP, PROTO_UDP = 1, 6, 17
SINK_PORT, SOURCE_PORT = 5001, 5002   # bulkd (commands/bulkd.c), started by tests/os/t_inet.c
TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10
FLOOD = 400                  # segments or frames in one flood
ZERO_WINDOW_S = 3            # how long the peer advertises a zero window
REOPEN_BYTES = 1000         # asked of bulkd's source before the guest closes first
REOPEN_SEQ_STEP = 100000     # the new SYN's sequence number past the old connection's end
BURST_SEGS, BURST_SEG, BURST_BAD = 8, 1000, 3   # data segments sent at once; their size; the bad one
SYN_ACK_AGAIN_S = 8          # lwIP sends an unanswered SYN-ACK again after 3 s (its first RTO)
TCPOPT_EOL, TCPOPT_NOP, TCPOPT_MSS = 0, 1, 2
MSS_OPTION = bytes([TCPOPT_MSS, 4]) + (1460).to_bytes(2, "big")   # what our SYNs offer
SOURCE_BYTES = 200000        # asked of bulkd's source port in the zero-window case
LISTEN_BACKLOG = 8           # half-open connections inet keeps per listener (ACCEPT_QUEUE, servers/inet/sock.h)
ECHO_PORT, SIGNAL_PORT, PEER_PORT = 7, 9, 40007
KILL_AT = 100                # the stream echo at which the peer asks for the kill
MTU = 1500
MAX_ECHO_IN_ONE_FRAME = MTU - 20 - 8
SWEEP_SIZES = list(range(0, MAX_ECHO_IN_ONE_FRAME + 1, 7)) + [MAX_ECHO_IN_ONE_FRAME, MAX_ECHO_IN_ONE_FRAME + 1,
                                                            2000, 3000, 4000, 8000]
STREAM = 1500
STREAM_GAP = 0.01            # seconds between stream echoes
STREAM_TAIL = 300            # the last echoes of the stream: every one must be answered
STREAM_TIMEOUT = 0.2         # seconds a stream echo is waited for before the next goes out ...
LATE_DRAIN_S = 1.0           # ... an answer that comes later (noted as late) still counts: lost is never answered
STREAM_MAX_LOST = 20
RTT_PINGS = 1000
ECHO_ID = 0x4248


def tcp_options(seg):
    """The option kinds of TCP segment seg, in order."""
    opts, kinds, at = seg[20:(seg[12] >> 4) * 4], [], 0
    while at < len(opts) and opts[at] != TCPOPT_EOL:
        kinds.append(opts[at])
        at += 1 if opts[at] == TCPOPT_NOP else max(opts[at + 1] if at + 1 < len(opts) else 0, 1)
    return kinds


def checksum(data):
    return ~netpeer.inet_sum(data) & 0xFFFF


def payload_for(seq, size):
    return bytes((seq * 7 + i * 13) & 0xFF for i in range(size))


class Peer(netpeer.Peer):
    def __init__(self, ip=PEER_IP):
        super().__init__()
        self.ip = ip                 # the peer's own address (tools/swifi.py takes another beside QEMU's 10.0.2.2)
        self.guest_mac = None
        self.ip_id = 1
        self.fragments = {}          # (src, id) -> {offset: bytes}, and the total length when known
        self.arp_requests_answered = 0
        self.late = set()            # echoes answered after their timeout: ("icmp", seq) or ("udp", seq)

    # --- Ethernet and ARP -------------------------------------------------------

    def send_eth(self, dst, ethertype, payload):
        frame = dst + PEER_MAC + struct.pack("!H", ethertype) + payload
        self.send_raw(frame + b"\0" * max(0, 60 - len(frame)))

    def arp(self, op, target_mac, target_ip, dst):
        body = struct.pack("!HHBBH", 1, ETH_IP, 6, 4, op) + PEER_MAC + self.ip + target_mac + target_ip
        self.send_eth(dst, ETH_ARP, body)

    def handle_arp(self, body):
        if len(body) < 28:
            return
        op = struct.unpack("!H", body[6:8])[0]
        sender_mac, sender_ip, target_ip = body[8:14], body[14:18], body[24:28]
        if op == 2 and sender_ip == GUEST_IP:
            self.guest_mac = sender_mac
        elif op == 1 and target_ip == self.ip:
            self.arp_requests_answered += 1
            self.arp(2, sender_mac, sender_ip, sender_mac)

    # --- IPv4 ------------------------------------------------------------------------

    def send_ip(self, dst_ip, proto, payload):
        """Send payload to dst_ip, fragmented to the MTU."""
        ident = self.ip_id = (self.ip_id + 1) & 0xFFFF
        chunk = (MTU - 20) & ~7
        offsets = range(0, max(len(payload), 1), chunk)
        for off in offsets:
            part = payload[off:off + chunk]
            more = off + chunk < len(payload)
            head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(part), ident,
                               (0x2000 if more else 0) | (off >> 3), 64, proto, 0, self.ip, dst_ip)
            head = head[:10] + struct.pack("!H", checksum(head)) + head[12:]
            self.send_eth(self.guest_mac, ETH_IP, head + part)

    def handle_ip(self, packet):
        """A whole datagram (src, proto, payload) once every fragment is here, else None."""
        if len(packet) < 20 or packet[0] >> 4 != 4 or checksum(packet[:(packet[0] & 15) * 4]) != 0:
            return None
        hlen = (packet[0] & 15) * 4
        total, ident, frag = struct.unpack("!HHH", packet[2:8])
        proto, src = packet[9], packet[12:16]
        data = packet[hlen:total]
        offset, more = (frag & 0x1FFF) * 8, frag & 0x2000
        if offset == 0 and not more:
            return src, proto, data
        parts = self.fragments.setdefault((src, ident), {})
        parts[offset] = data
        if not more:
            parts["end"] = offset + len(data)
        end = parts.get("end")
        if end is None:
            return None
        whole, at = b"", 0
        while at < end:
            if at not in parts:
                return None
            whole += parts[at]
            at += len(parts[at])
        del self.fragments[(src, ident)]
        return src, proto, whole

    def send_udp(self, dst_port, payload, src_port=PEER_PORT):
        pseudo = self.ip + GUEST_IP + struct.pack("!BBH", 0, PROTO_UDP, 8 + len(payload))
        head = struct.pack("!HHHH", src_port, dst_port, 8 + len(payload), 0)
        csum = checksum(pseudo + head + payload) or 0xFFFF
        self.send_ip(GUEST_IP, PROTO_UDP, head[:6] + struct.pack("!H", csum) + payload)

    def receive(self, timeout, proto=PROTO_ICMP):
        """The next message of proto for us: (src, its bytes), or None. ARP is handled on the way."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                frame, _ = self.sock.recvfrom(65536)
            except socket.timeout:
                return None
            self.on_datagram(frame)
            if len(frame) < 14 or frame[0:6] not in (PEER_MAC, BROADCAST):
                continue
            ethertype = struct.unpack("!H", frame[12:14])[0]
            if ethertype == ETH_ARP:
                self.handle_arp(frame[14:])
            elif ethertype == ETH_IP:
                got = self.handle_ip(frame[14:])
                if got and got[1] == proto:
                    return got[0], got[2]
                if got:
                    self.note_late(got[1], got[2])

    def note_late(self, proto, payload):
        """Remember an echo answer nobody waits for any more (it came after its timeout)."""
        if proto == PROTO_ICMP and len(payload) >= 8 and payload[0] == 0:
            _, _, _, ident, rseq = struct.unpack("!BBHHH", payload[:8])
            if ident == ECHO_ID:
                self.late.add(("icmp", rseq))
        elif proto == PROTO_UDP and len(payload) >= 12 and struct.unpack("!H", payload[:2])[0] == ECHO_PORT:
            self.late.add(("udp", struct.unpack("!I", payload[8:12])[0]))

    # --- ICMP echo -------------------------------------------------------------------

    def echo(self, seq, size, timeout=1.0, dst=GUEST_IP, bad_checksum=False):
        """One echo request; its round trip in seconds if answered byte-exact, False if
        answered wrongly, None if not answered."""
        data = payload_for(seq, size)
        head = struct.pack("!BBHHH", 8, 0, 0, ECHO_ID, seq & 0xFFFF)
        csum = checksum(head + data) ^ (0x5555 if bad_checksum else 0)
        msg = head[:2] + struct.pack("!H", csum) + head[4:] + data
        start = time.monotonic()
        self.send_ip(dst, PROTO_ICMP, msg)
        deadline = start + timeout
        while True:
            got = self.receive(deadline - time.monotonic())
            if not got:
                return None
            src, icmp = got
            if len(icmp) < 8 or icmp[0] != 0:
                continue
            _, _, _, ident, rseq = struct.unpack("!BBHHH", icmp[:8])
            if ident != ECHO_ID or rseq != seq & 0xFFFF:
                self.note_late(PROTO_ICMP, icmp)
                continue                     # a late answer to an earlier echo
            ok = src == GUEST_IP and icmp[1] == 0 and checksum(icmp) == 0 and icmp[8:] == data
            return time.monotonic() - start if ok else False

    def udp_echo(self, seq, size, timeout=1.0):
        """One datagram to echod; its round trip if it came back byte-exact, False if
        wrong, None if it did not come back."""
        data = struct.pack("!I", seq) + payload_for(seq, max(0, size - 4)) if size >= 4 else bytes(size)
        start = time.monotonic()
        self.send_udp(ECHO_PORT, data)
        deadline = start + timeout
        while True:
            got = self.receive(deadline - time.monotonic(), PROTO_UDP)
            if not got:
                return None
            src, udp = got
            if len(udp) < 8:
                continue
            sport, dport, length, csum = struct.unpack("!HHHH", udp[:8])
            body = udp[8:length]
            if sport != ECHO_PORT or dport != PEER_PORT or (size >= 4 and body[:4] != data[:4]):
                self.note_late(PROTO_UDP, udp)
                continue                     # not ours, or a late one
            pseudo = GUEST_IP + self.ip + struct.pack("!BBH", 0, PROTO_UDP, length)
            ok = src == GUEST_IP and (csum == 0 or checksum(pseudo + udp[:length]) == 0) and body == data
            return time.monotonic() - start if ok else False

    # --- the script -----------------------------------------------------------------

    def resolve(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.guest_mac:
            self.arp(1, b"\0" * 6, GUEST_IP, BROADCAST)
            self.receive(0.5)
        self.result("arp_resolved", self.guest_mac == bytes.fromhex("525400123456"),
                    f"10.0.2.15 is at {self.guest_mac.hex(':') if self.guest_mac else 'nothing'}")
        return self.guest_mac is not None

    def sizes_answered(self, echo):
        """Each SWEEP_SIZES size through echo(seq, size), up to three tries:
        the sizes that came back wrong, and those never answered."""
        bad, unanswered = [], []
        for seq, size in enumerate(SWEEP_SIZES):
            for _ in range(3):
                r = echo(seq, size)
                if r is not None:
                    break
            if r is None:
                unanswered.append(size)
            elif r is False:
                bad.append(size)
        return bad, unanswered

    def sweep(self):
        bad, unanswered = self.sizes_answered(self.echo)
        self.result("echo_all_sizes", not bad and not unanswered,
                    f"{len(SWEEP_SIZES)} echo sizes 0..8000 bytes (fragmented above "
                    f"{MAX_ECHO_IN_ONE_FRAME}): wrong {bad[:5]}, unanswered {unanswered[:5]}")

    def bad_input(self):
        wrong_sum = self.echo(50000, 64, timeout=0.5, bad_checksum=True)
        elsewhere = self.echo(50001, 64, timeout=0.5, dst=OTHER_IP)
        after = self.echo(50002, 64)
        self.result("bad_echo_ignored", wrong_sum is None and elsewhere is None and after,
                    f"bad checksum answered: {wrong_sum is not None}; for 10.0.2.99 answered: "
                    f"{elsewhere is not None}; a good echo afterwards answered: {bool(after)}")

    def udp_sweep(self):
        bad, lost = self.sizes_answered(self.udp_echo)
        self.result("udp_echo_all_sizes", not bad and not lost,
                    f"{len(SWEEP_SIZES)} datagram sizes 0..8000 bytes through echod (UDP port 7): "
                    f"wrong {bad[:5]}, lost {lost[:5]}")

    def stream(self, word, case, what, base):
        """The steady stream (sequence numbers from base); `word` to the guest's signal port early in it."""
        answered, wrong = [], set()
        lost_by_kind = {"ICMP": 0, "UDP": 0}
        longest_gap = 0.0
        last_ok = time.monotonic()
        for seq in range(STREAM):
            if KILL_AT <= seq < KILL_AT + 3:
                self.send_udp(SIGNAL_PORT, word)
            if seq % 2:
                r = self.udp_echo(base + seq, 64, timeout=STREAM_TIMEOUT)
            else:
                r = self.echo(base + seq, 56, timeout=STREAM_TIMEOUT)
            now = time.monotonic()
            answered.append(bool(r))
            if r is False:
                wrong.add(seq)
            if r:
                longest_gap = max(longest_gap, now - last_ok)
                last_ok = now
            time.sleep(STREAM_GAP)
        self.receive(LATE_DRAIN_S, proto=None)     # answers still on their way are noted as late
        late = {seq for seq, ok in enumerate(answered) if not ok and seq not in wrong and
                (("udp", base + seq) if seq % 2 else ("icmp", (base + seq) & 0xFFFF)) in self.late}
        missing = [seq for seq, ok in enumerate(answered) if not ok and seq not in late and seq not in wrong]
        for seq in missing:
            lost_by_kind["UDP" if seq % 2 else "ICMP"] += 1
        tail = [ok or seq in late for seq, ok in enumerate(answered)][-STREAM_TAIL:]
        lost = len(missing)
        self.result(case, lost <= STREAM_MAX_LOST and not wrong and all(tail),
                    f"{STREAM} ICMP and UDP echoes while the guest {what}: {lost} never answered "
                    f"({lost_by_kind['ICMP']} pings, {lost_by_kind['UDP']} datagrams; at most {STREAM_MAX_LOST}), "
                    f"{len(wrong)} wrong, {len(late)} answered after their {STREAM_TIMEOUT} s timeout "
                    f"(a host stall, not a loss: {sorted(late)[:12]}); the last {STREAM_TAIL} all answered: "
                    f"{all(tail)}; longest silence {longest_gap * 1000:.0f} ms; never answered: {missing[:12]}")

    def rtt(self, case, what, echo):
        times = []
        for seq in range(RTT_PINGS):
            r = echo(seq)
            if r:
                times.append(r * 1000)
        times.sort()
        ok = len(times) >= RTT_PINGS * 0.99
        detail = (f"{len(times)} of {RTT_PINGS} {what} answered; RTT min {times[0]:.3f} "
                  f"median {times[len(times) // 2]:.3f} p99 {times[int(len(times) * 0.99) - 1]:.3f} "
                  f"max {times[-1]:.3f} ms" if times else "none answered")
        self.result(case, ok, detail)
        if os.environ.get("BULKHEAD_VERBOSE"):
            print(f"[ippeer] {detail}", flush=True)

    def run_script(self):
        try:
            if not self.resolve():
                return
            self.sweep()
            self.bad_input()
            self.udp_sweep()
            self.stream(b"kill", "echo_through_driver_restart", "killed its driver", 60000)
            self.stream(b"crash", "echo_through_driver_crash", "made its driver crash", 62000)
            self.rtt("ping_rtt", "56-byte ICMP echoes", lambda seq: self.echo(seq, 56, timeout=0.5))
            self.rtt("udp_rtt_64", "64-byte UDP echoes", lambda seq: self.udp_echo(seq, 64, timeout=0.5))
            self.rtt("udp_rtt_1400", "1400-byte UDP echoes", lambda seq: self.udp_echo(seq, 1400, timeout=0.5))
            for round_ in (1, 2):
                WireGarbage(self, round_).run()
            for _ in range(3):
                self.send_udp(SIGNAL_PORT, b"done")
        except OSError as e:
            self.result("peer_socket", False, str(e))


class WireGarbage:
    """Bad input from the wire, one kind at a time, each followed by a probe the
    guest must still answer (Peer.result per kind; round 2 repeats all of it, so
    whatever inet leaked in round 1 would show there)."""

    def __init__(self, peer, round_):
        self.p = peer
        self.round = round_
        self.rng = random.Random(round_)

    # --- building packets ---------------------------------------------------------

    def ip(self, proto, payload, ihl=5, total=None, frag=0, ident=None, options=b"", bad_sum=False,
           version=4, ttl=64, src=PEER_IP, dst=GUEST_IP, frame_extra=b""):
        """A raw IPv4 packet, as wrong as asked, sent in one frame."""
        ident = self.rng.randrange(0x10000) if ident is None else ident
        total = 4 * ihl + len(payload) if total is None else total
        options = options.ljust(max(0, 4 * ihl - 20), b"\0")[:max(0, 4 * ihl - 20)]
        head = struct.pack("!BBHHHBBH4s4s", version << 4 | ihl, 0, total & 0xFFFF, ident, frag, ttl, proto, 0,
                           src, dst) + options
        csum = checksum(head) ^ (0x0F0F if bad_sum else 0)
        head = head[:10] + struct.pack("!H", csum) + head[12:]
        self.p.send_eth(self.p.guest_mac, ETH_IP, head + payload + frame_extra)

    def echo_request(self, seq, size=64):
        data = payload_for(seq, size)
        head = struct.pack("!BBHHH", 8, 0, 0, ECHO_ID, seq)
        return head[:2] + struct.pack("!H", checksum(head + data)) + head[4:] + data

    def tcp(self, sport, dport, seq, ack, flags, window=65535, payload=b"", options=b"", bad_sum=False, doff=None,
            send=True):
        hlen = 20 + len(options)
        doff = hlen // 4 if doff is None else doff
        head = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, doff << 4, flags,
                           window, 0, 0) + options
        pseudo = PEER_IP + GUEST_IP + struct.pack("!BBH", 0, PROTO_TCP, len(head) + len(payload))
        csum = checksum(pseudo + head + payload) ^ (0x3C3C if bad_sum else 0)
        seg = head[:16] + struct.pack("!H", csum) + head[18:] + payload
        if send:
            self.p.send_ip(GUEST_IP, PROTO_TCP, seg)
        return seg

    def segments(self, timeout, sport=None):
        """TCP segments from the guest (to sport if given) until timeout: (sport, dport, seq, ack, flags, win, data)."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.p.receive(deadline - time.monotonic(), PROTO_TCP)
            if not got:
                return
            seg = got[1]
            if len(seg) < 20:
                continue
            gs, gd, seq, ack, off, flags, win = struct.unpack("!HHIIBBH", seg[:16])
            if sport is None or gd == sport:
                yield gs, gd, seq, ack, flags, win, seg[(off >> 4) * 4:]

    def handshake(self, dport, sport, window=65535, timeout=1.0):
        """SYN, SYN-ACK, ACK: (our next seq, the guest's next seq), or None if no SYN-ACK came."""
        iss = self.rng.randrange(1 << 32)
        self.tcp(sport, dport, iss, 0, TCP_SYN, window, options=MSS_OPTION)
        for _, gd, seq, ack, flags, _, _ in self.segments(timeout, sport):
            if flags & TCP_SYN and flags & TCP_ACK and ack == (iss + 1) & 0xFFFFFFFF:
                self.tcp(sport, dport, iss + 1, seq + 1, TCP_ACK, window)
                return (iss + 1) & 0xFFFFFFFF, (seq + 1) & 0xFFFFFFFF
        return None

    # --- the probe ----------------------------------------------------------------------

    def probe(self):
        """Is the guest still answering ICMP, UDP and TCP? (ok, what failed)."""
        seq = 40000 + self.rng.randrange(1000)
        icmp = any(self.p.echo(seq + k, 64, timeout=1.0) for k in range(3))
        udp = any(self.p.udp_echo(seq + k, 100, timeout=1.0) for k in range(3))
        sport = 20000 + self.rng.randrange(20000)
        tcp = None
        for _ in range(3):
            tcp = self.handshake(SINK_PORT, sport, timeout=1.0)
            if tcp:
                self.tcp(sport, SINK_PORT, tcp[0], tcp[1], TCP_RST | TCP_ACK)
                break
        missing = [name for name, ok in (("ICMP", icmp), ("UDP", udp), ("TCP", tcp)) if not ok]
        return not missing, "probe answered" if not missing else f"NOT answered: {', '.join(missing)}"

    def case(self, name, detail, extra_ok=True):
        ok, said = self.probe()
        self.p.result(f"{name}" + ("" if self.round == 1 else "_again"), ok and extra_ok, f"{detail}; {said}")

    # --- the kinds of garbage ---------------------------------------------------------------

    def bad_ip(self):
        echo = self.echo_request(1)
        self.ip(PROTO_ICMP, echo, bad_sum=True)                      # header checksum
        self.ip(PROTO_ICMP, echo, version=6)                         # not IPv4
        self.ip(PROTO_ICMP, echo, ihl=4)                             # header shorter than 20
        self.ip(PROTO_ICMP, echo[:8], ihl=15, total=28)              # header longer than the packet
        self.ip(PROTO_ICMP, echo, total=12)                          # total length shorter than the header
        self.ip(PROTO_ICMP, echo, total=1400)                        # total length past the frame
        self.ip(PROTO_ICMP, echo, total=0)
        self.ip(PROTO_ICMP, echo, total=0xFFFF)
        self.ip(PROTO_ICMP, echo, ihl=6, options=b"\x01\x01\x01\x00")                     # NOPs, end
        self.ip(PROTO_ICMP, echo, ihl=15, options=b"\xff" * 40)                           # garbage options
        self.ip(PROTO_ICMP, echo, ihl=8, options=b"\x07\x00\x04" + b"\0" * 9)             # option length 0
        self.ip(PROTO_ICMP, echo, ihl=8, options=b"\x07\x0b\xff" + b"\0" * 9)             # pointer past it
        self.ip(PROTO_ICMP, echo, ihl=6, options=b"\x83\x28\x04\x00")                     # length past the header
        self.ip(255, b"\0" * 40)                                     # no such protocol
        self.ip(PROTO_ICMP, echo, ttl=0)
        self.ip(PROTO_ICMP, echo, src=GUEST_IP)                      # from itself
        self.ip(PROTO_ICMP, echo, src=b"\xff\xff\xff\xff")           # from broadcast
        self.ip(PROTO_ICMP, echo, src=b"\xe0\0\0\x01")               # from multicast
        self.ip(PROTO_ICMP, echo, dst=b"\xff\xff\xff\xff")
        self.ip(PROTO_UDP, b"", total=20)                            # nothing after the header
        for _ in range(FLOOD):                                       # random bytes as IPv4
            self.p.send_eth(self.p.guest_mac, ETH_IP, bytes(self.rng.randrange(256) for _ in range(self.rng.randrange(1, 200))))
        self.case("wire_bad_ip_headers", "IPv4 with bad checksums, versions, header and total lengths, options, "
                  f"sources and TTL, and {FLOOD} random packets")

    def fragments(self):
        data = self.echo_request(2, 64)
        ident = 0x7000 + self.round
        for off in range(0, len(data), 8):                           # tiny: 8 bytes each
            more = 0x2000 if off + 8 < len(data) else 0
            self.ip(PROTO_ICMP, data[off:off + 8], frag=more | off >> 3, ident=ident, total=20 + len(data[off:off + 8]))
        tiny_answered = self.p.receive(1.0) is not None
        data = self.echo_request(3, 200)
        self.ip(PROTO_ICMP, data[:96], frag=0x2000, ident=ident + 10)           # overlapping, other bytes
        self.ip(PROTO_ICMP, bytes(64), frag=0x2000 | 8, ident=ident + 10)
        self.ip(PROTO_ICMP, data[48:], frag=6, ident=ident + 10)
        self.ip(PROTO_ICMP, data[:100], frag=0x2000, ident=ident + 11)          # not a multiple of 8
        self.ip(PROTO_ICMP, data[100:], frag=100 >> 3, ident=ident + 11)
        self.ip(PROTO_ICMP, b"", frag=0x2000, ident=ident + 12)                 # empty
        self.ip(PROTO_ICMP, data, frag=0x1FFF, ident=ident + 13)                # past 65535 (ping of death)
        self.ip(PROTO_ICMP, data[:64], frag=0x2000, ident=ident + 14)           # duplicates
        self.ip(PROTO_ICMP, data[:64], frag=0x2000, ident=ident + 14)
        for k in range(FLOOD):                                                  # never completed
            self.ip(PROTO_ICMP, data[:64], frag=0x2000 | (k % 50), ident=(ident + 100 + k) & 0xFFFF)
        big = None
        for k in range(5):                                                      # reassembly still works
            big = self.p.echo(41000 + k, 3000, timeout=1.0)
            if big:
                break
        self.case("wire_bad_fragments", f"tiny (8-byte) fragments (answered: {tiny_answered}), overlapping, odd, "
                  f"empty, past 65535 and duplicate ones, {FLOOD} never completed; a 3000-byte fragmented echo "
                  f"afterwards answered: {bool(big)}", bool(big))

    def bad_udp_icmp(self):
        body = b"must not come back"
        csum = checksum(PEER_IP + GUEST_IP + struct.pack("!BBH", 0, PROTO_UDP, 8 + len(body)) +
                        struct.pack("!HHHH", PEER_PORT, ECHO_PORT, 8 + len(body), 0) + body)
        udp = lambda length, c: struct.pack("!HHHH", PEER_PORT, ECHO_PORT, length, c) + body
        self.ip(PROTO_UDP, udp(8 + len(body), csum ^ 0x1111))       # bad checksum: echod must not see it
        bad_sum_echoed = self.p.receive(0.5, PROTO_UDP) is not None
        self.ip(PROTO_UDP, udp(200, 0))                             # longer than the packet
        self.ip(PROTO_UDP, udp(4, 0))                               # shorter than its header
        self.ip(PROTO_UDP, udp(0, 0))
        self.ip(PROTO_UDP, udp(8 + len(body), 0)[:5])              # cut inside the header
        self.ip(PROTO_UDP, struct.pack("!HHHH", PEER_PORT, 9999, 12, 0) + b"shut")    # closed port
        self.ip(PROTO_ICMP, b"\x08\x00")                             # cut short
        self.ip(PROTO_ICMP, struct.pack("!BBH", 200, 7, 0) + bytes(20))              # no such type
        self.ip(PROTO_ICMP, struct.pack("!BBHHH", 0, 0, 0, 1, 1))   # an answer nobody asked for
        self.ip(PROTO_ICMP, struct.pack("!BBHI", 3, 3, 0, 0) + b"\x45" + bytes(30))  # unreachable, junk inside
        self.ip(PROTO_ICMP, struct.pack("!BBHI", 11, 0, 0, 0))       # time exceeded, nothing inside
        self.ip(PROTO_ICMP, struct.pack("!BBHHH", 13, 0, 0, 1, 1) + bytes(12))        # timestamp request
        for _ in range(FLOOD):
            self.ip(self.rng.choice((PROTO_UDP, PROTO_ICMP)), bytes(self.rng.randrange(256) for _ in range(self.rng.randrange(0, 64))))
        self.case("wire_bad_udp_icmp", "UDP with a bad checksum (echoed: "
                  f"{bad_sum_echoed}), bad lengths, to a closed port; ICMP cut short, unknown, unasked; "
                  f"{FLOOD} random UDP and ICMP bodies", not bad_sum_echoed)

    def bad_tcp(self):
        sport = 31000 + self.round
        self.tcp(sport, SINK_PORT, 1, 0, TCP_SYN, bad_sum=True)
        bad_sum_answered = any(True for _ in self.segments(0.5, sport))
        flags_list = (TCP_SYN | TCP_FIN, TCP_SYN | TCP_RST, 0xFF, 0, TCP_FIN, TCP_ACK, TCP_PSH)
        for k, flags in enumerate(flags_list):
            self.tcp(sport + 1 + k, SINK_PORT, 1000, 5, flags, payload=b"x" * k)
        for k in range(len(flags_list)):                                         # close what they opened
            self.tcp(sport + 1 + k, SINK_PORT, 1001, 0, TCP_RST)
        self.tcp(sport + 20, SINK_PORT, 1, 0, TCP_SYN, doff=2)                   # header shorter than 20
        self.tcp(sport + 21, SINK_PORT, 1, 0, TCP_SYN, doff=15)                  # longer than the segment
        for k, opts in enumerate((b"\x02\x00\x00\x00", b"\x02\xff\x05\xb4", b"\x03\x03\x40\x00",
                                  b"\x99\x00\x00\x00", b"\x02\x04\x00\x00", b"\x08\x0a" + bytes(8) + b"\0\0")):
            self.tcp(sport + 30 + k, SINK_PORT, 1, 0, TCP_SYN, options=opts)     # bad options
        for k in range(8):                                                       # ... and close them
            self.tcp(sport + 30 + k, SINK_PORT, 2, 0, TCP_RST)
        refused = False
        for _ in range(3):                                                       # closed port: RST
            self.tcp(sport + 40, 9999, 1, 0, TCP_SYN)
            refused = any(f & TCP_RST for *_, f, _, _ in self.segments(1.0, sport + 40))
            if refused:
                break
        self.p.send_ip(GUEST_IP, PROTO_TCP, b"\x13\x89")                         # two bytes of a header
        self.case("wire_bad_tcp", f"TCP with a bad checksum (answered: {bad_sum_answered}), every odd flag "
                  f"mix, data offsets 2 and 15, bad options; a SYN to a closed port reset: {refused}",
                  not bad_sum_answered and refused)

    def arp_flood(self):
        for k in range(FLOOD):
            mac = bytes([2, 0, 0, self.rng.randrange(256), self.rng.randrange(256), self.rng.randrange(256)])
            ip = bytes([10, 0, 2, 100 + k % 150])
            op = 1 + k % 2
            body = struct.pack("!HHBBH", 1, ETH_IP, 6, 4, op) + mac + ip + b"\0" * 6 + GUEST_IP
            self.p.send_eth(BROADCAST if op == 1 else self.p.guest_mac, ETH_ARP, body)
        for body in (b"\0\x01", struct.pack("!HHBBH", 1, ETH_IP, 99, 99, 1) + bytes(20),
                     struct.pack("!HHBBH", 7, 0x1234, 6, 4, 9) + bytes(20)):
            self.p.send_eth(BROADCAST, ETH_ARP, body)                            # cut short, bad sizes, types
        self.case("wire_arp_flood", f"{FLOOD} ARP requests and replies from {min(FLOOD, 150)} made-up hosts, "
                  "and malformed ARP")

    def syn_flood(self):
        half_open = {}
        for k in range(FLOOD):
            sport = 40000 + k
            self.tcp(sport, SINK_PORT if k % 2 else SOURCE_PORT, k * 7919, 0, TCP_SYN)
        for gs, gd, seq, ack, flags, _, _ in self.segments(1.5):
            if flags & TCP_SYN and flags & TCP_ACK and 40000 <= gd < 40000 + FLOOD:
                half_open[gd] = (gs, seq, ack)
        for gd, (gs, seq, ack) in half_open.items():                           # as a real host would
            self.tcp(gd, gs, ack, seq + 1, TCP_RST | TCP_ACK)
        self.case("wire_syn_flood", f"{FLOOD} SYNs to bulkd's two ports left {len(half_open)} half-open connections "
                  f"(at most {2 * LISTEN_BACKLOG}: each listener holds its backlog), then reset",
                  len(half_open) <= 2 * LISTEN_BACKLOG)

    def rst_flood(self):
        sport = 38000 + self.round
        conn = self.handshake(SINK_PORT, sport)
        if not conn:
            self.p.result("wire_rst_flood" + ("" if self.round == 1 else "_again"), False, "no connection to bulkd")
            return
        snd, rcv = conn
        for k in range(FLOOD):                                                # blind: sequence numbers guessed
            self.tcp(sport, SINK_PORT, self.rng.randrange(1 << 32), 0, TCP_RST)
        body = b"still here " * 50

        def send_body():
            self.tcp(sport, SINK_PORT, snd, rcv, TCP_ACK | TCP_PSH, payload=body)
            self.tcp(sport, SINK_PORT, snd + len(body), rcv, TCP_ACK | TCP_FIN)
        send_body()
        answer = self.read_all(sport, SINK_PORT, rcv, snd + len(body) + 1, 65535, 10.0, send_body)
        want = f"{len(body)} {zlib.crc32(body):08x}\n".encode()
        self.case("wire_rst_flood", f"{FLOOD} RSTs with guessed sequence numbers into a connection to bulkd; "
                  f"it then took {len(body)} bytes and answered {answer!r} (want {want!r})", answer == want)

    def read_all(self, sport, dport, rcv, snd, window, timeout, resend=None):
        """The guest's bytes on our connection until its FIN (or timeout), ACKing what came in
        order; resend() again after a second with nothing from the guest (our frames may have
        been lost behind a flood: this peer has no retransmission timer of its own)."""
        got = bytearray()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            quiet = True
            for _, _, seq, _, flags, _, data in self.segments(1.0, sport):
                quiet = False
                if seq == rcv:
                    got += data
                    rcv = (rcv + len(data) + (flags & TCP_FIN)) & 0xFFFFFFFF
                self.tcp(sport, dport, snd, rcv, TCP_ACK, window)
                if flags & TCP_FIN and seq == (rcv - len(data) - 1) & 0xFFFFFFFF:
                    return bytes(got)
            if quiet and resend:
                resend()
        self.tcp(sport, dport, snd, rcv, TCP_RST | TCP_ACK)
        return bytes(got)

    def syn_ack_again(self):
        """A SYN answered and the SYN-ACK never acknowledged: the guest's TCP sends it again,
        the second time without the MSS option (QEMU's user network takes any SYN's MSS as a
        reason to drop what it holds for the guest: servers/inet/resend.c)."""
        sport = 36000 + self.round
        iss = self.rng.randrange(1 << 32)
        self.tcp(sport, SINK_PORT, iss, 0, TCP_SYN, options=MSS_OPTION)
        seen, deadline = [], time.monotonic() + SYN_ACK_AGAIN_S
        while len(seen) < 2:
            left = deadline - time.monotonic()
            got = self.p.receive(left, PROTO_TCP) if left > 0 else None
            if not got:
                break
            seg = got[1]
            if len(seg) >= 20 and struct.unpack_from("!H", seg, 2)[0] == sport and seg[13] & TCP_SYN \
                    and struct.unpack_from("!I", seg, 8)[0] == (iss + 1) & 0xFFFFFFFF:
                seen.append((struct.unpack_from("!I", seg, 4)[0], TCPOPT_MSS in tcp_options(seg)))
        if seen:
            self.tcp(sport, SINK_PORT, iss + 1, seen[0][0] + 1, TCP_RST | TCP_ACK)
        mss = ["with MSS" if m else "without MSS" for _, m in seen]
        self.case("wire_syn_ack_again", f"a SYN-ACK left unacknowledged: {len(seen)} came in {SYN_ACK_AGAIN_S} s "
                  f"({', '.join(mss) or 'none'}; the first must carry the MSS option, the second not)",
                  len(seen) == 2 and seen[0][1] and not seen[1][1] and seen[0][0] == seen[1][0])

    def time_wait_reopen(self):
        """A connection the guest closed first (bulkd's source), so the guest holds it in
        TIME-WAIT; then a new SYN from the same port, its sequence number past the old
        connection's: the guest must accept it (RFC 1122 4.2.2.13) with an initial sequence
        number past the old connection's, not answer with the old connection's ACK and
        refuse every try for 2 MSL (servers/inet/tcp.c, tcp_reopen_time_wait)."""
        sport = 35000 + self.round
        name = "wire_time_wait_reopen" + ("" if self.round == 1 else "_again")
        conn = self.handshake(SOURCE_PORT, sport)
        if not conn:
            self.p.result(name, False, "no connection to bulkd")
            return
        snd, rcv = conn
        line = f"{REOPEN_BYTES}\n".encode()
        ask = lambda: self.tcp(sport, SOURCE_PORT, snd, rcv, TCP_ACK | TCP_PSH, payload=line)
        ask()
        snd += len(line)
        data = self.read_all(sport, SOURCE_PORT, rcv, snd, 65535, 10.0, ask)
        last = (rcv + len(data)) & 0xFFFFFFFF                        # the guest's FIN
        self.tcp(sport, SOURCE_PORT, snd, last + 1, TCP_FIN | TCP_ACK)     # ours: the guest is in TIME-WAIT
        fin_acked = any(ack == (snd + 1) & 0xFFFFFFFF for _, _, _, ack, _, _, _ in self.segments(1.0, sport))
        iss = (snd + 1 + REOPEN_SEQ_STEP) & 0xFFFFFFFF
        self.tcp(sport, SOURCE_PORT, iss, 0, TCP_SYN, options=MSS_OPTION)
        answer = None
        for _, _, seq, ack, flags, _, _ in self.segments(2.0, sport):
            answer = (seq, ack, flags)           # (the old connection's ACK, before RFC 1122's reopening)
            break
        syn_ack = bool(answer and answer[2] & TCP_SYN and answer[2] & TCP_ACK and answer[1] == (iss + 1) & 0xFFFFFFFF)
        past = bool(answer and 0 < (answer[0] - last) & 0xFFFFFFFF < 1 << 31)
        if answer:
            self.tcp(sport, SOURCE_PORT, iss + 1, answer[0] + 1, TCP_RST | TCP_ACK)
        said = ("no answer" if not answer else
                f"{'a SYN-ACK' if syn_ack else f'a segment with flags {answer[2]:#04x} (ack {answer[1]})'}, initial sequence number "
                f"{'past' if past else 'NOT past'} the old connection's last")
        self.case("wire_time_wait_reopen", f"bulkd's source sent {len(data)} of {REOPEN_BYTES} bytes and closed first; "
                  f"our FIN acknowledged: {fin_acked}; a new SYN from the same port got {said}",
                  len(data) == REOPEN_BYTES and fin_acked and syn_ack and past)

    def zero_window(self):
        sport = 37000 + self.round
        conn = self.handshake(SOURCE_PORT, sport, window=0)       # (lwIP takes a window from the handshake's ACK)
        if not conn:
            self.p.result("wire_zero_window" + ("" if self.round == 1 else "_again"), False, "no connection to bulkd")
            return
        snd, rcv = conn
        line = f"{SOURCE_BYTES}\n".encode()
        self.tcp(sport, SOURCE_PORT, snd, rcv, TCP_ACK | TCP_PSH, window=0, payload=line)
        snd += len(line)
        early = sum(len(d) for *_, d in self.segments(ZERO_WINDOW_S, sport))
        opens = lambda: self.tcp(sport, SOURCE_PORT, snd, rcv, TCP_ACK, 65535)
        opens()                                                                 # the window opens
        data = self.read_all(sport, SOURCE_PORT, rcv, snd, 65535, 30.0, opens)
        want = b"".join(struct.pack("<I", i) for i in range(SOURCE_BYTES // 4 + 1))[:SOURCE_BYTES]
        self.tcp(sport, SOURCE_PORT, snd, rcv, TCP_RST | TCP_ACK)
        self.case("wire_zero_window", f"a zero window for {ZERO_WINDOW_S} s: {early} bytes sent into it "
                  f"(probes only); once open, {len(data)} of {SOURCE_BYTES} bytes came, byte-exact: {data == want}",
                  data == want and early <= 8)

    def bad_sum_mid_burst(self):
        """Data segments to bulkd's sink all at once, one in the middle with a wrong TCP
        checksum: the guest merges the good ones around it (servers/inet/eth.c), but must
        drop that one and acknowledge nothing past it until it comes again, right; then
        every byte arrives, in order."""
        sport = 39000 + self.round
        conn = self.handshake(SINK_PORT, sport)
        if not conn:
            self.p.result("wire_bad_sum_mid_burst" + ("" if self.round == 1 else "_again"), False,
                          "no connection to bulkd")
            return
        snd, rcv = conn
        pieces = [bytes(self.rng.randrange(256) for _ in range(BURST_SEG)) for _ in range(BURST_SEGS)]
        body = b"".join(pieces)
        for k, piece in enumerate(pieces):
            self.tcp(sport, SINK_PORT, snd + k * BURST_SEG, rcv, TCP_ACK, payload=piece, bad_sum=k == BURST_BAD)
        acked = max([(ack - snd) & 0xFFFFFFFF for _, _, _, ack, flags, _, _ in self.segments(1.0, sport)
                     if flags & TCP_ACK] or [0])

        def rest():                                   # the bad one again, right, and what follows it
            for k in range(BURST_BAD, BURST_SEGS):
                self.tcp(sport, SINK_PORT, snd + k * BURST_SEG, rcv, TCP_ACK, payload=pieces[k])
            self.tcp(sport, SINK_PORT, snd + len(body), rcv, TCP_ACK | TCP_FIN)
        rest()
        answer = self.read_all(sport, SINK_PORT, rcv, snd + len(body) + 1, 65535, 10.0, rest)
        want = f"{len(body)} {zlib.crc32(body):08x}\n".encode()
        self.case("wire_bad_sum_mid_burst", f"{BURST_SEGS} segments of {BURST_SEG} bytes at once, the "
                  f"{BURST_BAD + 1}th with a wrong checksum: the guest acknowledged {acked} bytes (want "
                  f"{BURST_BAD * BURST_SEG}: up to the bad one); once it came again, right, bulkd answered "
                  f"{answer!r} (want {want!r})", acked == BURST_BAD * BURST_SEG and answer == want)

    def run(self):
        for kind in (self.bad_ip, self.fragments, self.bad_udp_icmp, self.bad_tcp, self.arp_flood,
                     self.syn_flood, self.rst_flood, self.syn_ack_again, self.time_wait_reopen,
                     self.zero_window, self.bad_sum_mid_burst):
            kind()
