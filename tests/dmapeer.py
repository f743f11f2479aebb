"""The host side of the hostile-DMA tests (boots test-dma, tests/os/t_dma.c):
a peer on the wire that sends the frames a hostile driver's receive buffer
gets, and looks at what its device transmits.

Wired like tests/netpeer.py (`-netdev socket,udp=...,localaddr=...` on
127.0.0.1, one frame per UDP datagram). The guest's drivers (t_dmaevil) ask
for frames with a FLOOD frame (EtherType 0x88B5, netpeer's header, kind
K_FLOOD: seq = how many frames, size = their size, flags = the gap between
them in ms); the peer then sends that many broadcast frames, whatever else
happens in the guest meanwhile (a driver killed in the middle keeps
getting them: its device is never stopped). A later FLOOD replaces the one
going on. K_END from the guest ends the script.

Every other frame of DMAEVIL_FRAME bytes the guest sends was transmitted
from memory a hostile driver aimed its device at (a page of the kernel's
code). The peer checks whether such a frame carries the kernel's code: a
run of its bytes found in build/kernel.elf. With an IOMMU (DmaPeer) none
may (the device's reads are refused); without one (DmaHolePeer, plain pc)
they do, and the peer reports that as the known limit it is.
"""
import os
import socket
import struct
import time

import netpeer
from netpeer import BROADCAST, ETHERTYPE, MAGIC, WIRE, K_END

K_FLOOD = 12                 # (11 is netpeer's K_RESET)
DMAEVIL_FRAME = 200          # the hostile drivers' transmit length (t_dmaevil.c FRAME_LEN)
KERNEL_RUN = 64              # bytes of a frame that must occur in the kernel's image to count as its code
KERNEL_RUN_VARIED = 16       # ... with this many different values (not padding: a refused read gives zeros)
SCRIPT_S = 240               # the whole boot, at most
KERNEL_ELF = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "build", "kernel.elf")


class DmaPeer(netpeer.Peer):
    """With an IOMMU: frames transmitted from a kernel page carry none of its code."""
    expect_kernel_code = False

    def __init__(self):
        super().__init__()
        with open(KERNEL_ELF, "rb") as f:
            self.kernel = f.read()
        self.floods = self.flood_frames = 0
        self.hostile_frames = self.kernel_frames = self.zero_frames = 0

    def flood_frame(self, seq, size):
        head = BROADCAST + netpeer.PEER_MAC + struct.pack(">H", ETHERTYPE) + WIRE.pack(MAGIC, 3, 0, seq, size)
        return head + netpeer.pattern(seq, size)

    def look(self, data):
        """A frame from the guest: a request, the end, or a hostile transmission. False at the end."""
        if len(data) >= 14 + WIRE.size and struct.unpack(">H", data[12:14])[0] == ETHERTYPE:
            magic, kind, flags, seq, size = WIRE.unpack(data[14:14 + WIRE.size])
            if magic == MAGIC and kind == K_FLOOD:
                self.floods += 1
                return ("flood", seq, max(netpeer.MIN_FRAME, min(size, netpeer.MAX_FRAME)), flags)
            if magic == MAGIC and kind == K_END:
                return None
        if len(data) == DMAEVIL_FRAME:
            self.hostile_frames += 1
            self.zero_frames += not any(data)
            self.kernel_frames += any(len(set(run)) >= KERNEL_RUN_VARIED and run in self.kernel
                                      for run in (data[i:i + KERNEL_RUN] for i in
                                                  range(0, DMAEVIL_FRAME - KERNEL_RUN + 1, KERNEL_RUN // 2)))
        return ()

    def run_script(self, hello_timeout=None):
        deadline = time.monotonic() + SCRIPT_S
        left = sent = 0
        size, gap = netpeer.MIN_FRAME, 0.002
        next_at = time.monotonic()
        while time.monotonic() < deadline:
            wait = max(0.0, next_at - time.monotonic()) if left else 0.5
            self.sock.settimeout(wait or 0.0005)
            try:
                data, _ = self.sock.recvfrom(65536)
                what = self.look(data)
                if what is None:
                    break
                if what:
                    _, left, size, ms = what
                    gap = ms / 1000
                    next_at = time.monotonic()
            except (socket.timeout, BlockingIOError):
                pass
            except OSError:
                break                    # the harness closed us: the boot is over
            if left and time.monotonic() >= next_at:
                self.send_raw(self.flood_frame(sent, size))
                sent += 1
                left -= 1
                next_at = time.monotonic() + gap
        self.flood_frames = sent
        self.report()

    def report(self):
        self.result("flood_frames_sent", self.floods > 0 and self.flood_frames > 0,
                    f"{self.flood_frames} frames sent to the guest's receive buffers on {self.floods} requests")
        self.result("no_kernel_code_on_wire", self.hostile_frames > 0 and self.kernel_frames == 0,
                    f"{self.hostile_frames} frames transmitted from a kernel code page, {self.kernel_frames} "
                    f"of them carrying the kernel's code, {self.zero_frames} all zeros (the device's reads "
                    "were refused)")


class DmaHolePeer(DmaPeer):
    """Without an IOMMU (plain pc): the known limit, shown: the kernel's code leaves the machine."""

    def report(self):
        self.result("flood_frames_sent", self.floods > 0 and self.flood_frames > 0,
                    f"{self.flood_frames} frames sent to the guest's receive buffers on {self.floods} requests")
        self.result("known_limit_kernel_code_on_wire", self.hostile_frames > 0 and self.kernel_frames > 0,
                    f"KNOWN LIMIT without an IOMMU: {self.kernel_frames} of {self.hostile_frames} frames "
                    "transmitted from a kernel code page carried the kernel's code")
