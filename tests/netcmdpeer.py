"""The host side of the network commands' tests (boots test-netcmd and
netbench-rtl8139), through QEMU's user network with restrict=on: ports
forwarded from 127.0.0.1 to the guest (hostfwd), and one guest address,
10.0.2.100 port 7000, forwarded to a socket this peer listens on at
127.0.0.1 (guestfwd). Nothing leaves the host. Standard library only.

ContractPeer (netbench boots): bulkd's sink on guest port 5001 answers
"<count> <crc32>\\n" for what was sent (retried until the guest listens).

CmdPeer (test-netcmd), in step with the shell session of tests/os/manifest.py:
  1. `nc -l -p 6000` in the guest: send a line, read the line typed there,
     then close our sending half and read to the end (nc then exits);
  2. `nc 10.0.2.100 7000` in the guest: read the line typed there, answer
     one, and close;
  3. `nc -l -p 6001 &` in the guest: stream numbered lines for STREAM_S
     seconds (the session kills the rtl8139 driver meanwhile), then a last
     line, then close; the connection must carry all of them (the guest
     shows them on its console, the session checks the last).
"""
import socket
import time
import zlib

NC_LISTEN, NC_STREAM, BULK_SINK = 6000, 6001, 5001
GUEST_FWD_ADDR, GUEST_FWD_PORT = "10.0.2.100", 7000
TIMEOUT = 300            # seconds for any one phase (the session before it runs meanwhile, under TCG)
STREAM_S = 25
STREAM_GAP_S = 0.05
SETTLE_S = 3
CONTRACT_BYTES = 100000


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_until(s, marker, deadline):
    """Read from s until marker has arrived; everything read, or None at the end or the deadline."""
    got = b""
    while marker not in got:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            chunk = s.recv(4096)
        except OSError:
            return None
        if not chunk:
            return None
        got += chunk
    return got


def connect_retrying(port, deadline, first=b""):
    """A connection to the forwarded port that the guest has accepted, first sent on it. slirp
    accepts for the guest, then closes if nothing listens there: a connection that ends within
    SETTLE_S is tried again."""
    while time.monotonic() < deadline:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(first)
            s.settimeout(SETTLE_S)
            try:
                if s.recv(1, socket.MSG_PEEK) == b"":
                    s.close()
                    continue
            except socket.timeout:
                pass                          # still open: the guest took it
            except OSError:
                s.close()
                continue
            return s
        except OSError:
            time.sleep(0.5)
    return None


class ContractPeer:
    def __init__(self):
        self.ports = {BULK_SINK: free_tcp_port()}
        self.results = {}

    def qemu_args(self, device):
        fwd = ",".join(f"hostfwd=tcp:127.0.0.1:{h}-:{g}" for g, h in self.ports.items())
        return ["-netdev", f"user,id=n0,restrict=on,{fwd}", "-device", f"{device},netdev=n0"]

    def close(self):
        pass

    def run_script(self):
        data = bytes(range(256)) * (CONTRACT_BYTES // 256)
        want = f"{len(data)} {zlib.crc32(data):08x}\n".encode()
        deadline = time.monotonic() + TIMEOUT
        answer = None
        while time.monotonic() < deadline and answer != want:
            try:
                with socket.create_connection(("127.0.0.1", self.ports[BULK_SINK]), timeout=10) as s:
                    s.sendall(data)
                    s.shutdown(socket.SHUT_WR)
                    answer = read_until(s, b"\n", time.monotonic() + 30)
            except OSError:
                answer = None
            if answer != want:
                time.sleep(1)
        self.results["bulkd_sink_via_hostfwd"] = (
            answer == want, f"{len(data)} bytes to guest port 5001 from 127.0.0.1, answered {answer!r}")


class CmdPeer:
    def __init__(self):
        self.ports = {p: free_tcp_port() for p in (NC_LISTEN, NC_STREAM)}
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.results = {}

    def qemu_args(self, device):
        fwd = ",".join(f"hostfwd=tcp:127.0.0.1:{h}-:{g}" for g, h in self.ports.items())
        guest = f"guestfwd=tcp:{GUEST_FWD_ADDR}:{GUEST_FWD_PORT}-tcp:127.0.0.1:{self.listener.getsockname()[1]}"
        return ["-netdev", f"user,id=n0,restrict=on,{fwd},{guest}", "-device", f"{device},netdev=n0"]

    def close(self):
        self.listener.close()

    def result(self, case, ok, detail):
        self.results[case] = (bool(ok), detail)

    def nc_listen(self):
        deadline = time.monotonic() + TIMEOUT
        got = rest = None
        while got is None and time.monotonic() < deadline:
            s = connect_retrying(self.ports[NC_LISTEN], deadline, b"hello-from-host\n")
            if not s:
                break
            with s:
                got = read_until(s, b"typed-in-guest\n", deadline)
                if got is not None:
                    s.shutdown(socket.SHUT_WR)
                    rest = read_until(s, b"\x00", time.monotonic() + 30)     # to the end: nc closes
        self.result("nc_listen_both_ways", got is not None and rest is None,
                    f"sent a line to nc -l; got {got!r} back")

    def nc_connect(self):
        self.listener.settimeout(TIMEOUT)
        try:
            c, _ = self.listener.accept()        # QEMU's end of the guest forwarding
        except OSError as e:
            return self.result("nc_connect_both_ways", False, f"no forwarding connection: {e}")
        with c:
            got = read_until(c, b"typed-to-host\n", time.monotonic() + TIMEOUT)
            if got is not None:
                c.sendall(b"reply-from-host\n")
                time.sleep(2)
        self.result("nc_connect_both_ways", got is not None, f"nc to 10.0.2.100:7000 sent {got!r}")

    def stream(self):
        deadline = time.monotonic() + TIMEOUT
        s = connect_retrying(self.ports[NC_STREAM], deadline)
        if not s:
            return self.result("stream_through_restart", False, "guest port 6001 never accepted")
        n, ok, start = 0, True, time.monotonic()
        with s:
            try:
                while time.monotonic() - start < STREAM_S:
                    s.sendall(b"stream %d\n" % n)
                    n += 1
                    time.sleep(STREAM_GAP_S)
                s.sendall(b"stream-end %d\n" % n)
                s.shutdown(socket.SHUT_WR)
                read_until(s, b"\x00", time.monotonic() + 60)
            except OSError as e:
                ok = False
                detail = f"the connection broke after {n} lines: {e}"
        self.result("stream_through_restart", ok, f"{n} lines and the end marker sent" if ok else detail)

    def run_script(self):
        self.nc_listen()
        self.nc_connect()
        self.stream()
