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
     answers must resume and the tail must be complete;
  6. RTT_PINGS back-to-back echoes (ICMP 56 bytes, UDP 64 and 1400 bytes):
     round-trip figures; then "done" to UDP port 9 (the guest goes on to
     kill inet itself).
"""
import os
import socket
import struct
import time

import netpeer

PEER_MAC = netpeer.PEER_MAC
PEER_IP = bytes([10, 0, 2, 2])
GUEST_IP = bytes([10, 0, 2, 15])
OTHER_IP = bytes([10, 0, 2, 99])
BROADCAST = b"\xff" * 6
ETH_ARP, ETH_IP = 0x0806, 0x0800
PROTO_ICMP, PROTO_UDP = 1, 17
ECHO_PORT, SIGNAL_PORT, PEER_PORT = 7, 9, 40007
KILL_AT = 100                # the stream echo at which the peer asks for the kill
MTU = 1500
MAX_ECHO_IN_ONE_FRAME = MTU - 20 - 8
SWEEP_SIZES = list(range(0, MAX_ECHO_IN_ONE_FRAME + 1, 7)) + [MAX_ECHO_IN_ONE_FRAME, MAX_ECHO_IN_ONE_FRAME + 1,
                                                            2000, 3000, 4000, 8000]
STREAM = 1500
STREAM_GAP = 0.01            # seconds between stream echoes
STREAM_TAIL = 300            # the last echoes of the stream: every one must be answered
STREAM_MAX_LOST = 20
RTT_PINGS = 1000
ECHO_ID = 0x4248


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def payload_for(seq, size):
    return bytes((seq * 7 + i * 13) & 0xFF for i in range(size))


class Peer(netpeer.Peer):
    def __init__(self):
        super().__init__()
        self.guest_mac = None
        self.ip_id = 1
        self.fragments = {}          # (src, id) -> {offset: bytes}, and the total length when known
        self.arp_requests_answered = 0

    # --- Ethernet and ARP -------------------------------------------------------

    def send_eth(self, dst, ethertype, payload):
        frame = dst + PEER_MAC + struct.pack("!H", ethertype) + payload
        self.send_raw(frame + b"\0" * max(0, 60 - len(frame)))

    def arp(self, op, target_mac, target_ip, dst):
        body = struct.pack("!HHBBH", 1, ETH_IP, 6, 4, op) + PEER_MAC + PEER_IP + target_mac + target_ip
        self.send_eth(dst, ETH_ARP, body)

    def handle_arp(self, body):
        if len(body) < 28:
            return
        op = struct.unpack("!H", body[6:8])[0]
        sender_mac, sender_ip, target_ip = body[8:14], body[14:18], body[24:28]
        if op == 2 and sender_ip == GUEST_IP:
            self.guest_mac = sender_mac
        elif op == 1 and target_ip == PEER_IP:
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
                               (0x2000 if more else 0) | (off >> 3), 64, proto, 0, PEER_IP, dst_ip)
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
        pseudo = PEER_IP + GUEST_IP + struct.pack("!BBH", 0, PROTO_UDP, 8 + len(payload))
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
            if len(frame) < 14 or frame[0:6] not in (PEER_MAC, BROADCAST):
                continue
            ethertype = struct.unpack("!H", frame[12:14])[0]
            if ethertype == ETH_ARP:
                self.handle_arp(frame[14:])
            elif ethertype == ETH_IP:
                got = self.handle_ip(frame[14:])
                if got and got[1] == proto:
                    return got[0], got[2]

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
                continue                     # not ours, or a late one
            pseudo = GUEST_IP + PEER_IP + struct.pack("!BBH", 0, PROTO_UDP, length)
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

    def stream(self):
        answered, lost, wrong = [], 0, 0
        longest_gap = 0.0
        last_ok = time.monotonic()
        for seq in range(STREAM):
            if KILL_AT <= seq < KILL_AT + 3:
                self.send_udp(SIGNAL_PORT, b"kill")
            if seq % 2:
                r = self.udp_echo(60000 + seq, 64, timeout=0.2)
            else:
                r = self.echo(60000 + seq, 56, timeout=0.2)
            now = time.monotonic()
            answered.append(bool(r))
            lost += r is None
            wrong += r is False
            if r:
                longest_gap = max(longest_gap, now - last_ok)
                last_ok = now
            time.sleep(STREAM_GAP)
        tail = answered[-STREAM_TAIL:]
        missing = [seq for seq, ok in enumerate(answered) if not ok]
        self.result("echo_through_driver_restart",
                    lost <= STREAM_MAX_LOST and wrong == 0 and all(tail),
                    f"{STREAM} ICMP and UDP echoes while the guest killed its driver: {lost} lost, {wrong} wrong, "
                    f"the last {STREAM_TAIL} all answered: {all(tail)}; longest silence "
                    f"{longest_gap * 1000:.0f} ms; unanswered: {missing[:12]}")

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
            self.stream()
            self.rtt("ping_rtt", "56-byte ICMP echoes", lambda seq: self.echo(seq, 56, timeout=0.5))
            self.rtt("udp_rtt_64", "64-byte UDP echoes", lambda seq: self.udp_echo(seq, 64, timeout=0.5))
            self.rtt("udp_rtt_1400", "1400-byte UDP echoes", lambda seq: self.udp_echo(seq, 1400, timeout=0.5))
            for _ in range(3):
                self.send_udp(SIGNAL_PORT, b"done")
        except OSError as e:
            self.result("peer_socket", False, str(e))
