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
import subprocess
import sys
import tempfile

import threading

import netpeer
from qemu import BUILD, DEBUG_EXIT_OK, ISO, ROOT, Machine

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


PROMPT = r"bulkhead# "
STEP_TIMEOUT = 30


RUNNING = "running"          # a step's 4th element: the command is still running, expect no prompt


def is_key(command):
    """A command that is one control character (say "\x03", Ctrl-C) is typed as that key alone."""
    return len(command) == 1 and ord(command) < 0x20


def run_session(machine, steps):
    """Type each step's command at the shell prompt and look for its output.
    A step is (case, command, expect) or (case, command, expect, RUNNING).
    Returns {case: (ok, detail)}."""
    results = {}
    if not machine.wait_for(PROMPT, DEFAULT_TIMEOUT, partial=True):
        return {case: (False, "no shell prompt") for case, *_ in steps}
    for case, command, expect, *running in steps:
        at = machine.mark() if command else 0
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
    A spec with "nic" gets that NIC wired to a host peer (tests/netpeer.py) whose
    own checks join the session results; "peer_script": "wire" runs its wire test."""
    timeout = spec.get("timeout", DEFAULT_TIMEOUT)
    peer = netpeer.Peer() if spec.get("nic") else None
    machine = Machine(spec["config"], (peer.qemu_args(spec["nic"]) if peer else []) + spec.get("qemu_args", []))
    script = peer and (peer.run_wire if spec.get("peer_script") == "wire" else peer.run_script)
    worker = threading.Thread(target=script, daemon=True) if peer else None
    session, code = {}, None
    if worker:
        worker.start()
    try:
        if spec.get("session"):
            session = run_session(machine, spec["session"])
            timed_out = False
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


def judge_boot(spec, text, code, timed_out, session, results):
    config = spec["config"]
    log = os.path.join(LOGS, f"{config}.log")
    reported = {}
    for m in re.finditer(r"^\[test\] (PASS|FAIL) (\S+): (.*?)\r?$", text, re.M):
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


def run_boot(spec):
    text, code, timed_out, session = boot(spec)
    os.makedirs(LOGS, exist_ok=True)
    with open(os.path.join(LOGS, f"{spec['config']}.log"), "w") as f:
        f.write(text)
    return spec, text, code, timed_out, session


def run_unit_tests(results, only):
    unit_dir = os.path.join(BUILD, "unit")
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP",
               BULKHEAD_SAMPLE_ELF=os.path.join(BUILD, "bin", "t_hello.elf"))
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


FUZZ_RUNS = 300000


def run_policy_tools(results, only):
    """The shipped policy files pass tools/policycheck, a bad one is refused
    with its line, and the parser survives FUZZ_RUNS libFuzzer inputs."""
    if only and only not in "policy":
        return
    check = os.path.join(BUILD, "tools", "policycheck")
    good = sorted(glob.glob(os.path.join(ROOT, "drivers", "*", "*.conf")) +
                  [os.path.join(ROOT, "tests", "os", "fs", f) for f in ("fast.conf", "limited.conf")])
    p = subprocess.run([check] + good, capture_output=True, text=True)
    results.add("policycheck_shipped_policies", p.returncode == 0,
                f"{len(good)} files checked" if p.returncode == 0 else p.stderr.strip())
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
SWIFI_TEST_ARGS = ["--trials", "1", "--faults", "100", "--seed", "11"]
SWIFI_TIMEOUT = 900


def run_swifi(results, only):
    """The campaign must find no OS failure, every trial must have had its faults
    applied, and the injector must be refused servers, the kernel, unlisted
    drivers, and a dead driver's slot."""
    if only and only not in "swifi":
        return
    os.makedirs(LOGS, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "campaign.jsonl")
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
                ("; " + "; ".join(failures) if failures else "") + ("" if ok else " (see build/test-logs/swifi.log)"))
    want = 3 * 8 * 1
    results.add("swifi/faults_applied", total is not None and int(total.group(1)) == want and not empty and
                int(total.group(2)) > 0, f"{total.group(2) if total else 0} faults in {total.group(1) if total else 0} "
                f"of {want} trials" + (f"; none applied in {', '.join(empty)}" if empty else ""))
    checks = re.findall(r"^swifi: check (\S+) (ok|FAILED) ?(.*)$", p.stdout, re.M)
    for name, verdict, detail in checks:
        results.add(f"swifi/{name}", verdict == "ok", detail)
    if len(checks) < 3 * 4:
        results.add("swifi/checks_reported", False, f"{len(checks)} of {3 * 4} confinement checks reported")


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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="run only tests whose name contains this")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="QEMU boots at once")
    args = ap.parse_args()
    results = Results()

    run_unit_tests(results, args.only)
    run_policy_tools(results, args.only)
    check_kernel_size(results, args.only)
    boots = [b for b in BOOTS if not args.only or args.only in b["config"] or
             any(args.only in c for c in b.get("cases", []))]
    if boots and not os.path.exists(ISO):
        results.add("boot_image", False, f"{ISO} is missing: run make first")
        boots = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for spec, text, code, timed_out, session in pool.map(run_boot, boots):
            judge_boot(spec, text, code, timed_out, session, results)
    run_swifi(results, args.only)

    print(f"{results.passed} passed, {results.failed} failed")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
