#!/usr/bin/env python3
"""Run every Bulkhead test: host unit tests, the kernel size check, and the
in-OS tests (tests/os/manifest.py), each in its own QEMU under a timeout.

Prints one line per case and, last, `N passed, N failed`. Exits non-zero if
anything failed. Console logs of each boot go to build/test-logs/.

Usage: tests/run.py [--only SUBSTRING] [--jobs N]
"""
import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

import threading

import dmapeer
import ippeer
import netcmdpeer
import netpeer
import tcppeer
from qemu import BUILD, DEBUG_EXIT_OK, ISO, ROOT, Machine
from screen import ImageMachine, run_screen_session

LOGS = os.path.join(BUILD, "test-logs")
KERNEL_LOC_LIMIT = 5000
DEFAULT_TIMEOUT = 180        # seconds per boot; TCG, generous for slow CI machines

sys.path.insert(0, os.path.join(ROOT, "tests", "os"))
from manifest import BOOTS  # noqa: E402


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def add(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'PASS' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""), flush=True)


# Host peers a boot with a NIC can have: raw Ethernet frames, ARP/IPv4/ICMP/UDP,
# or TCP through QEMU's user network; or the hostile-DMA tests' frame source
# (tests/dmapeer.py: with an IOMMU, or the known limit without one); or the
# network commands' and benchmark boots' peer (tests/netcmdpeer.py).
PEERS = {"raw": netpeer.Peer, "ip": ippeer.Peer, "tcp": tcppeer.Peer,
         "dma": dmapeer.DmaPeer, "dmahole": dmapeer.DmaHolePeer,
         "netcmd": netcmdpeer.CmdPeer, "contract": netcmdpeer.ContractPeer}

PROMPT = r"bulkhead# "
STEP_TIMEOUT = 30


RUNNING = "running"          # a step's 4th element: the command is still running, expect no prompt


def is_key(command):
    """A command that is one control character (say "\x03", Ctrl-C) is typed as that key alone."""
    return len(command) == 1 and ord(command) < 0x20


MONITOR_RETRY_S = 2          # a monitor command's output not there yet: give it again


def monitor_until(machine, what, expect, at):
    """Give the monitor command `what` until the console shows `expect`
    (within STEP_TIMEOUT): the state it samples may not have been reached the
    first time (an NMI while the program it should find spinning still waits
    for the console's reply to its last line). The match, or None."""
    for _ in range(STEP_TIMEOUT // MONITOR_RETRY_S):
        machine.hmp(what)
        found = machine.wait_for(expect, MONITOR_RETRY_S, after=at, partial=True)
        if found is not None:
            return found
    return None


def run_session(machine, steps):
    """Type each step's command at the shell prompt and look for its output.
    A step is (case, command, expect) or (case, command, expect, RUNNING); a
    command ("monitor", what) is given to QEMU's monitor instead (say "nmi").
    Returns {case: (ok, detail)}."""
    results = {}
    if not machine.wait_for(PROMPT, DEFAULT_TIMEOUT, partial=True):
        return {case: (False, "no shell prompt") for case, *_ in steps}
    for case, command, expect, *running in steps:
        at = machine.mark() if command else 0
        if isinstance(command, tuple):                  # ("monitor", what): a QEMU monitor command
            found = monitor_until(machine, command[1], expect, at)
        else:
            if command:
                machine.send(command if is_key(command) else command + "\r")
            found = machine.wait_for(expect, STEP_TIMEOUT, after=at, partial=True)
        if RUNNING not in running:
            machine.wait_for(PROMPT, STEP_TIMEOUT, after=at + len(command or "") + 1, partial=True)
        results[case] = (found is not None, f"typed {command!r}" if found else
                         f"typed {command!r}, no output matching {expect!r}")
    return results


def boot(spec):
    """Boot one configuration; return (console text, exit code, timed out, session results).
    A spec with "nic" gets that NIC wired to a host peer (tests/netpeer.py, or
    with "peer": "ip" tests/ippeer.py) whose own checks join the session
    results; "peer_script": "wire" runs the raw peer's wire test."""
    timeout = spec.get("timeout", DEFAULT_TIMEOUT)
    peer = PEERS[spec.get("peer", "raw")]() if spec.get("nic") else None
    if peer:
        peer.keep_as = os.path.join(LOGS, f"{boot_name(spec)}.pcap")   # a peer's evidence of a failure
    devices_first = spec.get("devices_first", [])       # say an IOMMU: QEMU wants it before the NICs
    args = devices_first + (peer.qemu_args(spec["nic"]) if peer else []) + spec.get("qemu_args", [])
    machine = (ImageMachine(*spec["image"], args) if spec.get("image") else
               Machine(spec["config"], args, machine=spec.get("machine", "pc")))
    script = peer and (peer.run_wire if spec.get("peer_script") == "wire" else peer.run_script)
    worker = threading.Thread(target=script, daemon=True) if peer else None
    session, code = {}, None
    if worker:
        worker.start()
    try:
        if spec.get("session"):
            session = run_session(machine, spec["session"])
            timed_out = False
            if spec.get("screen_cases"):
                session.update(screen_session(machine, spec["screen_cases"]))
        elif spec.get("stop"):
            timed_out = machine.wait_for(spec["stop"], timeout) is None
        else:
            code = machine.wait_exit(timeout)
            timed_out = code is None
        if worker:
            worker.join(timeout)
            session.update({f"peer_{case}": r for case, r in peer.results.items()})
    finally:
        machine.stop()
        if peer:
            peer.close()
    return machine.text, code, timed_out, session


def screen_session(machine, cases):
    """The screen and keyboard session (tests/screen.py); every case in cases reports."""
    try:
        results = run_screen_session(machine)
    except (OSError, ValueError, KeyError) as e:
        results = {cases[0]: (False, f"the screen session broke off: {e!r}")}
    return {case: results.get(case, (False, "never ran")) for case in cases}


def judge_boot(spec, text, code, timed_out, session, results):
    config = boot_name(spec)
    log = os.path.join(LOGS, f"{config}.log")
    reported = {}
    # (A result may start mid-line: the console interleaves processes' writes in pieces, and
    # "t_net: rtl8139 a[test] PASS peer_answers: ..." once hid a result that passed.)
    for m in re.finditer(r"\[test\] (PASS|FAIL) (\S+): (.*?)\r?$", text, re.M):
        reported[m.group(2)] = (m.group(1) == "PASS", m.group(3))
    for case in spec.get("cases", []):
        ok, detail = reported.pop(case, (False, f"never reported (see {log})"))
        results.add(f"{config}/{case}", ok, detail)
    for case, pattern in spec.get("console", []):
        found = re.search(pattern, text)
        results.add(f"{config}/{case}", bool(found), "" if found else f"no line matching {pattern!r} (see {log})")
    for case in spec.get("peer_cases", []):
        if f"peer_{case}" not in session:
            session[f"peer_{case}"] = (False, "the host peer never got that far")
    for case, (ok, detail) in session.items():
        results.add(f"{config}/{case}", ok, detail + ("" if ok else f" (see {log})"))
    for case, (ok, detail) in reported.items():
        results.add(f"{config}/{case}", False, f"reported but not in tests/os/manifest.py ({detail})")

    problems = []
    if "KERNEL PANIC" in text:
        problems.append("kernel panic")
    if timed_out:
        problems.append(f"timed out after {spec.get('timeout', DEFAULT_TIMEOUT)} s")
    elif spec.get("stop") is None and not spec.get("session") and code != DEBUG_EXIT_OK:
        problems.append(f"QEMU exit code {code} (want {DEBUG_EXIT_OK}: the test shut down with status 0)")
    results.add(f"{config}/boot", not problems, "; ".join(problems) + (f" (see {log})" if problems else ""))


def boot_name(spec):
    """A boot's name in results and logs: its config, or "name" when one config boots twice
    (say on another machine type)."""
    return spec.get("name", spec["config"])


def run_boot(spec):
    text, code, timed_out, session = boot(spec)
    os.makedirs(LOGS, exist_ok=True)
    with open(os.path.join(LOGS, f"{boot_name(spec)}.log"), "w") as f:
        f.write(text)
    return spec, text, code, timed_out, session


def run_unit_tests(results, only):
    unit_dir = os.path.join(BUILD, "unit")
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP",
               BULKHEAD_SAMPLE_ELF=os.path.join(BUILD, "bin", "t_hello.elf"))
    if not os.path.isdir(unit_dir):
        results.add("unit", False, f"{unit_dir} is missing: run make first")
        return
    for name in sorted(os.listdir(unit_dir)):
        if only and only not in f"unit/{name}":
            continue
        p = subprocess.run([os.path.join(unit_dir, name)], env=env, capture_output=True, text=True, timeout=300)
        out = p.stdout + p.stderr
        # cmocka's TAP: "ok 1 - case", "not ok 2 - case", "not ok 3 # SKIP case"
        cases = re.findall(r"^(ok|not ok) \d+ (- |# SKIP )(\S+)", out, re.M)
        for verdict, skipped, case in cases:
            skipped = skipped.startswith("#")
            detail = "skipped: a case that did not run proves nothing" if skipped else ""
            if verdict != "ok" and not skipped:
                why = re.search(rf"^not ok \d+ - {re.escape(case)}\n((?:#.*\n?){{0,2}})", out, re.M)
                detail = " ".join(l.strip("# ") for l in why.group(1).splitlines()) if why else ""
            results.add(f"unit/{name}/{case}", verdict == "ok" and not skipped, detail)
        if p.returncode != 0 and not any(v != "ok" for v, _, _ in cases):
            results.add(f"unit/{name}", False, f"exit code {p.returncode}: {out.strip()[-300:]}")


def run_python_unit_tests(results, only):
    """The host tools' Python unit tests (tests/pyunit/test_*.py), one case per test method."""
    import unittest
    suite = unittest.defaultTestLoader.discover(os.path.join(ROOT, "tests", "pyunit"))

    def cases(s):
        for t in s:
            yield from cases(t) if isinstance(t, unittest.TestSuite) else [t]
    for case in cases(suite):
        name = f"pyunit/{case.id()}"
        if only and only not in name:
            continue
        r = unittest.TestResult()
        case.run(r)
        problems = r.errors + r.failures + [(c, "skipped: " + why) for c, why in r.skipped]
        results.add(name, not problems, problems[0][1].strip().splitlines()[-1] if problems else "")


FUZZ_RUNS = 300000


def run_policy_tools(results, only):
    """The shipped policy files pass tools/policycheck, a bad one is refused
    with its line, and the parser survives FUZZ_RUNS libFuzzer inputs."""
    if only and only not in "policy":
        return
    check = os.path.join(BUILD, "tools", "policycheck")
    good = sorted(glob.glob(os.path.join(ROOT, "drivers", "*", "*.conf")) +
                  glob.glob(os.path.join(ROOT, "servers", "*", "*.conf")) +
                  [os.path.join(ROOT, "tests", "os", "fs", f) for f in ("fast.conf", "limited.conf")])
    p = subprocess.run([check] + good, capture_output=True, text=True)
    results.add("policycheck_shipped_policies", p.returncode == 0,
                f"{len(good)} files checked" if p.returncode == 0 else p.stderr.strip())
    demo = re.search(r"demo\.conf: driver demo .*", p.stdout)
    results.add("policycheck_prints_irq_lines", demo is not None and "IRQ lines 3," in demo.group(0),
                demo.group(0) if demo else p.stdout.strip())
    bad = os.path.join(ROOT, "tests", "os", "fs", "bad.conf")
    p = subprocess.run([check, bad], capture_output=True, text=True)
    results.add("policycheck_reports_bad_line", p.returncode == 1 and "bad.conf:4: expected an IRQ line" in p.stderr,
                p.stderr.strip())

    fs = os.path.join(ROOT, "tests", "os", "fs")
    p = subprocess.run([check, os.path.join(fs, "pic.conf")], capture_output=True, text=True)
    results.add("policycheck_refuses_kernel_hardware", p.returncode == 1 and
                "pic.conf:4: ports 20:2 are the kernel's: the interrupt controller" in p.stderr, p.stderr.strip())
    p = subprocess.run([check, os.path.join(ROOT, "drivers", "demo", "demo.conf"), os.path.join(fs, "overlap.conf")],
                       capture_output=True, text=True)
    results.add("policycheck_refuses_overlaps", p.returncode == 1 and
                "overlap.conf:5: ports 2f8:8 overlap demo's 2f8:8, and not both say 'shared'" in p.stderr and
                "overlap.conf:17: ports 2f8:8 overlap demo's" not in p.stderr, p.stderr.strip())
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
        f.write("driver a {\n    binary /a;\n    ipc ds nosuch;\n};\n")
        f.flush()
        p = subprocess.run([check, f.name], capture_output=True, text=True)
        known = subprocess.run([check, "--labels", "x,nosuch", f.name], capture_output=True, text=True)
    results.add("policycheck_refuses_unknown_ipc", p.returncode == 1 and ":3: ipc target 'nosuch' is unknown" in
                p.stderr and known.returncode == 0, p.stderr.strip() + known.stderr.strip())

    fuzzer = os.path.join(BUILD, "fuzz", "fuzz_policy")
    with tempfile.TemporaryDirectory() as corpus:
        for f in good + [bad]:
            shutil.copy(f, corpus)
        p = subprocess.run([fuzzer, f"-runs={FUZZ_RUNS}", "-max_len=2048", "-seed=1", "-print_final_stats=1",
                            corpus], capture_output=True, text=True, timeout=600)
    execs = re.search(r"stat::number_of_executed_units:\s*(\d+)", p.stderr)
    results.add("policy_parser_fuzz", p.returncode == 0 and execs is not None,
                f"libFuzzer ran {execs.group(1) if execs else '?'} inputs (seed 1): no crash, overflow or leak"
                if p.returncode == 0 else p.stderr.strip()[-400:])


# A small fault-injection campaign (tools/swifi.py): every NIC, every fault type, one trial each.
SWIFI_NIC_NAMES = ("rtl8139", "ne2000", "ne2000_isa", "e100", "e1000")   # tools/swifi.py NICS
SWIFI_NICS = len(SWIFI_NIC_NAMES)
SWIFI_TEST_ARGS = ["--trials", "1", "--faults", "100", "--seed", "11"]
SWIFI_TIMEOUT = 900


def run_swifi(results, only):
    """The campaign must find no OS failure, every trial must have had its faults
    applied, and the injector must be refused servers, the kernel, unlisted
    drivers, and a dead driver's slot."""
    if only and only not in "swifi":
        return
    os.makedirs(LOGS, exist_ok=True)
    out = os.path.join(LOGS, "swifi.jsonl")            # the records: an OS failure's has its console and state
    if os.path.exists(out):
        os.unlink(out)
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "swifi.py"), "--check", "--out", out,
                        *SWIFI_TEST_ARGS], capture_output=True, text=True, timeout=SWIFI_TIMEOUT)
    with open(os.path.join(LOGS, "swifi.log"), "w") as f:
        f.write(p.stdout + p.stderr)
    total = re.search(r"^swifi: (\d+) trials, (\d+) faults injected, (\d+) OS failures", p.stdout, re.M)
    failures = re.findall(r"^swifi: OS failure (.*)$", p.stdout, re.M)
    empty = re.findall(r"^swifi: trial (\S+) injected no fault", p.stdout, re.M)
    ok = total is not None and int(total.group(3)) == 0 and not failures
    results.add("swifi/no_os_failure", ok, (f"{total.group(1)} trials, {total.group(2)} faults injected, "
                f"{total.group(3)} OS failures" if total else "the campaign did not finish") +
                ("; " + "; ".join(failures) if failures else "") + ("" if ok else " (see build/test-logs/swifi.log, and swifi.jsonl for each record)"))
    want = SWIFI_NICS * 8 * 1
    results.add("swifi/faults_applied", total is not None and int(total.group(1)) == want and not empty and
                int(total.group(2)) > 0, f"{total.group(2) if total else 0} faults in {total.group(1) if total else 0} "
                f"of {want} trials" + (f"; none applied in {', '.join(empty)}" if empty else ""))
    # The workload (TCP through inet, UDP echoes) really ran on every NIC (else "no OS failure" was
    # measured without traffic), and after the trials the NIC serves it exactly: each boot's control
    # slice (a fresh driver, no fault) got both transfers byte-exact and every echo answered. (Not "some
    # faulty trial got through whole": where a seed's faults land moves with the binary's layout.)
    loads = dict(re.findall(r"^swifi: workload (\S+): (.*)$", p.stdout, re.M))
    controls = re.findall(r"^swifi: control (\S+) (ok|FAILED) (.*)$", p.stdout, re.M)
    for nic in SWIFI_NIC_NAMES:
        mine = [(verdict, detail) for n, verdict, detail in controls if n == nic]
        results.add(f"swifi/workload_{nic}", bool(mine) and all(v == "ok" for v, _ in mine),
                    "; ".join(d for _, d in mine) + f" ({loads.get(nic, 'no workload figures reported')})"
                    if mine else "no control slice reported")
    checks = re.findall(r"^swifi: check (\S+) (ok|FAILED) ?(.*)$", p.stdout, re.M)
    for name, verdict, detail in checks:
        results.add(f"swifi/{name}", verdict == "ok", detail)
    if len(checks) < SWIFI_NICS * 4:
        results.add("swifi/checks_reported", False, f"{len(checks)} of {SWIFI_NICS * 4} confinement checks reported")


# Trials the campaign found a bug with, rerun from their seeds (tools/swifi.py --replay --check: no OS
# failure, and the workload of the last trial byte-exact), with the workload they were found with
# (raw frames unless said): (name, NIC/TYPE/TRIAL[-LAST], seed, the bug[, more swifi.py arguments]).
SWIFI_REGRESSIONS = [
    ("swifi/ne2000_wire_wedged_next_boot", "ne2000/random/8-9", 2009,
     "random/8 makes the card send an empty frame, after which QEMU's socket netdev forwards nothing: "
     "every later trial of the boot failed (rx 0, tx 0) until the runner learnt to go on in a new boot"),
    ("swifi/e1000_first_slice_served", "e1000/interface/0", 2009,
     "the workload stashed the first slice's request while its driver died during its hello, "
     "and never answered it: t_swifi waited for ever (a hang)"),
    ("swifi/ne2000_swallowed_request_noticed", "ne2000/interface/1", 1,
     "the faulty driver took inet's request and never answered while it answered its heartbeats: inet "
     "waited for ever, and so did t_swifi (a hang in make swifi); only t_swifi's watchdog could restart "
     "it (20 s). Now the system must, by itself (the driver manager: inet waited on it longer than its "
     "liveness time)",
     ["--workload", "tcp", "--faults", "100", "--no-watchdog"]),
    ("swifi/e1000_deaf_driver_noticed", "e1000/loop/0", 2026,
     "the faulty driver answered its heartbeats and every request but received nothing (inet: rx 0 in "
     "20 s): nobody noticed until t_swifi's watchdog restarted it. Now the system must, by itself (inet "
     "when nothing arrives, not even the answer to its ARP probe of the gateway; the driver manager when "
     "work waits undone). A replay depends on the binary's layout: since the driver library's "
     "receive area (NET_SEND_BATCH) the same faults make the driver refuse every batch inet sends "
     "instead, which inet now also notices (after REFUSED_MAX in a row). The in-OS cases deaf_driver_*, "
     "refusing_driver_* and swallowing_driver_* test the mechanisms themselves",
     ["--workload", "tcp", "--faults", "100", "--no-watchdog"]),
]
SWIFI_REPLAY_TIMEOUT = 600


def run_swifi_regressions(results, only):
    """Each campaign finding, replayed from its seed, must pass now."""
    todo = [r for r in SWIFI_REGRESSIONS if not only or only in r[0]]
    os.makedirs(LOGS, exist_ok=True)

    def replay(reg):
        name, trial, seed, _, *more = reg
        try:
            p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "swifi.py"), "--replay", trial,
                                "--seed", str(seed), "--workload", "raw", "--check", *(more[0] if more else [])],
                               capture_output=True, text=True, timeout=SWIFI_REPLAY_TIMEOUT)
            out, rc = p.stdout + p.stderr, p.returncode
        except subprocess.TimeoutExpired:
            out, rc = "timed out", None
        with open(os.path.join(LOGS, name.replace("/", "_") + ".log"), "w") as f:
            f.write(out)
        return rc

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for reg, rc in zip(todo, pool.map(replay, todo)):
            results.add(reg[0], rc == 0, f"--replay {reg[1]} --seed {reg[2]}: " +
                        ("no OS failure, the workload byte-exact" +
                         (", the stuck driver restarted without the watchdog" if "--no-watchdog" in str(reg) else "")
                         if rc == 0 else
                         f"failed (exit {rc}; see build/test-logs/{reg[0].replace('/', '_')}.log)") +
                        f"; was: {reg[3]}")


def check_wedge_detection(results, only):
    """The campaign's raw peer notices an empty datagram from QEMU (after one, QEMU's socket netdev
    forwards none of the NIC's frames again: the next trials must run in a new boot)."""
    name = "swifi/wedged_wire_noticed"
    if only and only not in name:
        return
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import swifi
    peer = swifi.SliceWorkload(1)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"", ("127.0.0.1", peer.port))
            got = peer.recv(1.0)
        results.add(name, got is None and peer.wedged, f"an empty datagram from QEMU's side: recv {got!r}, "
                    f"wedged {peer.wedged} (the runner then reboots before the next trial)")
    finally:
        peer.close()


def check_kernel_size(results, only):
    if only and only not in "kernel_size":
        return
    p = subprocess.run(["cloc", "--quiet", "--csv", "kernel"], cwd=ROOT, capture_output=True, text=True)
    code = None
    for line in p.stdout.splitlines():
        fields = line.split(",")
        if len(fields) >= 5 and fields[1] == "SUM":
            code = int(fields[4])
    results.add("kernel_size", code is not None and code < KERNEL_LOC_LIMIT,
                f"cloc counts {code} lines of code in kernel/ (limit {KERNEL_LOC_LIMIT})")


README = os.path.join(ROOT, "README.md")


def readme_blocks(heading):
    """The untagged fenced blocks of README.md's section `heading`, as lists of lines."""
    text = open(README).read()
    section = text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    with tempfile.NamedTemporaryFile("w", suffix=".md") as f:
        f.write(section)
        f.flush()
        return [block.split("\n")[:-1] for block in fenced(f.name)]


def transcript_pattern(line):
    """A README transcript line as a pattern: figures that vary from boot to boot
    (memory, clock, sizes, times, endpoints of restarted drivers, physical
    addresses in hexadecimal) match any such figure, runs of blanks any blanks."""
    parts = re.split(r"([0-9a-f]*\d[0-9a-f]*|\s+)", line.strip())
    return "".join(r"[0-9a-f]+" if re.fullmatch(r"[0-9a-f]*\d[0-9a-f]*", p) else r"\s+" if p.isspace()
                   else re.escape(p) for p in parts if p)


def check_readme(results, text, log):
    """Every line of the README's boot transcript and short session (but for
    "...") appears on the default boot's console."""
    blocks = readme_blocks("## What you see when it boots")
    lines = [l for block in blocks[:2] for l in block if l.strip() and l.strip() != "..."]
    missing = [l for l in lines if not re.search(transcript_pattern(l), text)]
    results.add("default/readme_transcript_matches", len(blocks) >= 2 and not missing,
                f"{len(lines)} README lines found on the console" if lines and not missing else
                f"README lines not on the console: {missing[:3]} (see {log})")


def debug_port_local(results, only):
    """`make debug` opens QEMU's gdb port on 127.0.0.1 only."""
    if only and only not in "make_debug":
        return
    p = subprocess.run(["make", "-n", "debug"], cwd=ROOT, capture_output=True, text=True)
    qemu = [l for l in p.stdout.splitlines() if l.startswith("qemu-system")]
    ok = len(qemu) == 1 and "-gdb tcp:127.0.0.1:1234" in qemu[0] and " -s " not in qemu[0] + " "
    results.add("make_debug_binds_localhost", ok, qemu[0] if qemu else p.stdout.strip()[-300:])


DOCS = os.path.join(ROOT, "docs")


def fenced(path, lang=""):
    """The fenced blocks of a markdown file with that language tag (none: ""), as text."""
    blocks, current, tag = [], None, None
    for line in open(path).read().split("\n"):
        if line.startswith("```") and current is None:
            current, tag = [], line[3:].strip()
        elif line.startswith("```"):
            if tag == lang:
                blocks.append("\n".join(current) + "\n")
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def check_docs(results, only):
    """docs/ matches the code: a section for every policy keyword the parser
    knows, the policy examples pass policycheck, the example driver compiles."""
    if only and only not in "docs":
        return
    policy_md = os.path.join(DOCS, "policy.md")
    parser = open(os.path.join(ROOT, "lib", "policy", "policy.c")).read()
    table = re.search(r"statements\[\] = \{(.*?)\};", parser, re.S).group(1)
    keywords = re.findall(r'\{ "(\w+)", st_', table)
    text = open(policy_md).read()
    missing = [k for k in keywords if not re.search(rf"^### `{k}\b", text, re.M)]
    results.add("docs_policy_every_keyword", keywords and not missing,
                f"{len(keywords)} keywords documented" if not missing else f"not in docs/policy.md: {missing}")

    examples = [b for b in fenced(policy_md) if re.search(r"^driver \w+ \{", b, re.M)]
    labels = ",".join(os.path.basename(f)[:-5] for f in glob.glob(os.path.join(ROOT, "drivers", "*", "*.conf")))
    bad = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, block in enumerate(examples):
            path = os.path.join(tmp, f"example{i}.conf")
            with open(path, "w") as f:
                f.write(block)
            p = subprocess.run([os.path.join(BUILD, "tools", "policycheck"), "--labels", labels, path],
                               capture_output=True, text=True)
            if p.returncode != 0:
                bad.append(p.stderr.strip())
    results.add("docs_policy_examples_valid", examples and not bad,
                f"{len(examples)} examples pass policycheck" if not bad else "; ".join(bad))

    driver = [b for b in fenced(os.path.join(DOCS, "writing-a-driver.md"), "c") if "driver_main" in b]
    gcc_inc = subprocess.run(["i686-linux-gnu-gcc", "-print-file-name=include"], capture_output=True,
                             text=True).stdout.strip()
    with tempfile.NamedTemporaryFile("w", suffix=".c") as f:
        f.write("".join(driver))
        f.flush()
        p = subprocess.run(["i686-linux-gnu-gcc", "-fsyntax-only", "-std=gnu11", "-Wall", "-Wextra", "-Werror",
                            "-Wno-unused-parameter", "-ffreestanding", "-nostdinc", "-U__linux__", "-U__linux",
                            "-U__gnu_linux__", "-Ulinux", "-I", os.path.join(ROOT, "include"),
                            "-isystem", os.path.join(BUILD, "newlib", "i686-elf", "include"),
                            "-isystem", gcc_inc, f.name], capture_output=True, text=True)
    results.add("docs_example_driver_compiles", len(driver) == 1 and p.returncode == 0,
                "docs/writing-a-driver.md's driver compiles" if p.returncode == 0 else p.stderr.strip()[-400:])


def make_builds_everything(results, only):
    """A plain `make` builds what the README's commands use: policycheck and the unit tests."""
    if only and only not in "make_builds":
        return
    p = subprocess.run(["make", "-n", "-W", "tools/policycheck.c", "-W", "tests/unit/test_text.c"], cwd=ROOT,
                       capture_output=True, text=True)
    ok = "build/tools/policycheck" in p.stdout and "build/unit/test_text" in p.stdout
    results.add("make_builds_tools_and_unit_tests", ok, "plain make rebuilds policycheck and the unit tests"
                if ok else p.stdout.strip()[-300:] + p.stderr.strip()[-300:])


def refuses_unmatched_only(results, only):
    """`--only` that matches nothing is an error, not "0 passed"."""
    if only:
        return
    p = subprocess.run([sys.executable, __file__, "--only", "no-test-is-called-this"],
                       capture_output=True, text=True, timeout=60)
    results.add("runner_refuses_unmatched_only", p.returncode == 2 and "matches no test" in p.stderr,
                f"exit {p.returncode}: {p.stderr.strip()}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="run only tests whose name contains this")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="QEMU boots at once")
    args = ap.parse_args()
    results = Results()

    run_unit_tests(results, args.only)
    run_python_unit_tests(results, args.only)
    run_policy_tools(results, args.only)
    check_kernel_size(results, args.only)
    refuses_unmatched_only(results, args.only)
    check_docs(results, args.only)
    debug_port_local(results, args.only)
    make_builds_everything(results, args.only)
    boots = [b for b in BOOTS if not args.only or args.only in boot_name(b) or
             any(args.only in c for c in b.get("cases", []))]
    if boots and not os.path.exists(ISO):
        results.add("boot_image", False, f"{ISO} is missing: run make first")
        boots = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for spec, text, code, timed_out, session in pool.map(run_boot, boots):
            judge_boot(spec, text, code, timed_out, session, results)
            if boot_name(spec) == "default":          # the README shows the pc machine's boot
                check_readme(results, text, os.path.join(LOGS, "default.log"))


    run_swifi(results, args.only)
    run_swifi_regressions(results, args.only)
    check_wedge_detection(results, args.only)

    if results.passed + results.failed == 0:
        print(f"run.py: --only {args.only!r} matches no test", file=sys.stderr)
        return 2

    print(f"{results.passed} passed, {results.failed} failed")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
