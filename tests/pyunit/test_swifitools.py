"""Host unit tests of tools/swifi.py's control-slice verdict (run by tests/run.py).

After a boot's trials t_swifi runs one slice on a fresh driver with no fault;
tests/run.py's swifi/workload_NIC passes only on "swifi: control NIC ok". Here:
which host results make that slice whole, and the line run.py reads.
"""
import os
import re
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import swifi  # noqa: E402

LINE_RE = re.compile(r"^swifi: control (\S+) (ok|FAILED) (.*)$")    # as tests/run.py reads it


def guest(ok=1):
    return {"nic": "e1000", "trial": 1, "serving": 1, "stuck": 0,
            "workload": {"ok": ok, "error": 0 if ok else -5, "rx": 122, "tx": 108, "ms": 900}}


def host(to="exact", frm="exact", answered=20, sent=20):
    t = {"ok": to == "exact", "outcome": to}
    f = {"ok": frm == "exact", "outcome": frm}
    return {"to_guest": t, "from_guest": f, "tcp_exact": t["ok"] and f["ok"],
            "ok": t["ok"] and f["ok"], "udp": {"sent": sent, "answered": answered, "wrong": 0}}


def verdict(rec):
    m = LINE_RE.match(swifi.control_line("e1000", rec))
    return m.group(1), m.group(2)


class ControlSlice(unittest.TestCase):
    def judged(self, g, h):
        swifi.control_verdict(g, h)
        return verdict(g)

    def test_whole_slice_is_ok(self):
        self.assertEqual(self.judged(guest(), host()), ("e1000", "ok"))

    def test_a_lost_echo_fails(self):
        self.assertEqual(self.judged(guest(), host(answered=19))[1], "FAILED")

    def test_no_echo_sent_fails(self):
        self.assertEqual(self.judged(guest(), host(answered=0, sent=0))[1], "FAILED")

    def test_a_corrupt_or_aborted_transfer_fails(self):
        self.assertEqual(self.judged(guest(), host(to="corrupt"))[1], "FAILED")
        self.assertEqual(self.judged(guest(), host(frm="aborted"))[1], "FAILED")

    def test_the_guest_side_failing_fails(self):
        self.assertEqual(self.judged(guest(ok=0), host())[1], "FAILED")

    def test_no_control_record_fails(self):
        self.assertEqual(verdict(None), ("e1000", "FAILED"))
        self.assertEqual(verdict({"error": "unparsable control record: {"}), ("e1000", "FAILED"))

    def test_raw_slice_goes_by_the_guest(self):
        self.assertEqual(verdict(guest()), ("e1000", "ok"))
        self.assertEqual(verdict(guest(ok=0))[1], "FAILED")


if __name__ == "__main__":
    unittest.main()
