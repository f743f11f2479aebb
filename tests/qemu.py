"""Booting the Bulkhead image in QEMU from the host (tests and benchmarks).

A Machine starts qemu-system-i386 (TCG, never KVM) on build/bulkhead.iso with
the serial console on a pipe, picks the boot configuration through the SMBIOS
family string (see boot/grub.cfg), and reads the console with deadlines. Its
QMP socket takes QEMU monitor commands (hmp: `info registers`, `nmi`, keys).
Only the QEMU process a Machine started is ever killed.
"""
import json
import os
import re
import selectors
import shutil
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
ISO = os.path.join(BUILD, "bulkhead.iso")
DEBUG_EXIT_OK = 1            # isa-debug-exit exit code for status 0: (0 << 1) | 1


class Machine:
    def __init__(self, config, extra_args=(), machine="pc", boot=None):
        """boot: what QEMU boots (default: the Bulkhead image; tools/bench.py
        passes -kernel/-initrd/-append for its Linux guest)."""
        self.config = config
        self.make_dir()
        self.cmd = [
            "qemu-system-i386", "-machine", machine, "-m", "128M", *(boot or ["-cdrom", ISO]),
            "-display", "none", "-monitor", "none", *self.qmp_args(), "-serial", "stdio", "-no-reboot",
            "-nic", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-smbios", f"type=1,family={config}", *extra_args,
        ]
        self.start()

    def make_dir(self):
        """A directory of this machine's own (its QMP socket, copies of images), gone at stop()."""
        self.dir = tempfile.mkdtemp(prefix="bulkhead-qemu-")
        self.qmp_path = os.path.join(self.dir, "qmp")
        self.qmp = None
        self.qmp_buf = b""

    def qmp_args(self):
        return ["-qmp", f"unix:{self.qmp_path},server=on,wait=off"]

    def start(self):
        self.started = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.proc.stdout, selectors.EVENT_READ)
        self.raw = b""
        self.eof = False

    def _qmp_connect(self):
        deadline = time.monotonic() + 10
        while self.qmp is None:
            try:
                s = socket.socket(socket.AF_UNIX)
                s.settimeout(10)
                s.connect(self.qmp_path)
                self.qmp = s
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self._qmp_reply()                      # the greeting
        self._qmp_send({"execute": "qmp_capabilities"})

    def _qmp_reply(self):
        while True:
            while b"\n" not in self.qmp_buf:
                data = self.qmp.recv(65536)
                if not data:
                    raise OSError("QMP closed")
                self.qmp_buf += data
            line, self.qmp_buf = self.qmp_buf.split(b"\n", 1)
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def _qmp_send(self, cmd):
        self.qmp.sendall(json.dumps(cmd).encode() + b"\n")
        return self._qmp_reply()

    def hmp(self, command):
        """A human monitor command (say "info registers", "nmi"); its output."""
        if self.qmp is None:
            self._qmp_connect()
        r = self._qmp_send({"execute": "human-monitor-command", "arguments": {"command-line": command}})
        return r.get("return", "")

    @property
    def text(self):
        return self.raw.decode("utf-8", "replace")

    def _read(self, timeout):
        if self.eof or not self.sel.select(timeout=timeout):
            return
        data = os.read(self.proc.stdout.fileno(), 65536)
        if data:
            self.raw += data
        else:
            self.eof = True

    def wait_for(self, pattern, timeout, after=0, partial=False):
        """Wait for a complete console line matching pattern (in the output
        from position `after` on), or with partial=True any output (a prompt
        has no newline); the match, or None."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            text = self.text[after:]
            m = regex.search(text if partial else text[:text.rfind("\n") + 1])
            if m:
                return m
            left = deadline - time.monotonic()
            if left <= 0 or self.eof:
                return None
            self._read(min(left, 0.5))

    def send(self, text):
        """Type text on the serial console, a character at a time, as a person would."""
        for ch in text.encode():
            self.proc.stdin.write(bytes([ch]))
            self.proc.stdin.flush()
            time.sleep(0.002)

    def mark(self):
        """A position in the console output; pass it to wait_for(after=) to see only what follows."""
        return len(self.text)

    def wait_exit(self, timeout):
        """Read until QEMU exits; its exit code, or None on timeout."""
        deadline = time.monotonic() + timeout
        while not self.eof and time.monotonic() < deadline:
            self._read(min(deadline - time.monotonic(), 0.5))
        try:
            return self.proc.wait(timeout=max(0.0, deadline - time.monotonic()) + 1)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        if self.qmp:
            self.qmp.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdin.close()
        self.sel.close()
        self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)
