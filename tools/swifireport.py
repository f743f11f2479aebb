#!/usr/bin/env python3
"""The report of a fault-injection campaign (tools/swifi.py): report.md and
PNG charts made with matplotlib (Debian's python3-matplotlib).

Usage: tools/swifireport.py RESULTS.jsonl OUTDIR [SECONDS TRIALS_RUN]

Terms, per trial (one record of tools/swifi.py):
  failure detected  the driver manager saw the driver fail (exception, panic,
                    exit, missed heartbeat, CPU limit, stall), or its client
                    (the workload) complained that it made no progress, and
                    the driver was restarted;
  stuck             the workload waited on a driver that took its request and
                    never answered, undetected by the system; the campaign's
                    watchdog restarted the driver (cause "refresh");
  silent            the workload did not get through and nothing was detected;
  transparent       a failure was detected, the driver served again, and the
                    workload's slice still got through byte-exact;
  OS failure        anything beyond the driver affected: a kernel panic, a hang
                    (the host's deadline), a system server or another process
                    dead, the driver never serving again;
  wire wedged       the faulty driver made the NIC send an empty frame, after
                    which QEMU's socket netdev forwards nothing more (a QEMU
                    flaw, not the OS's): the campaign went on in a new boot;
  TCP byte-exact    (the TCP workload) both transfers of the trial, to the
                    guest's bulkd and from it, complete with the right CRC-32;
                    "corrupt" is a transfer that completed with a wrong CRC
                    (wrong data delivered), "aborted" one that did not complete;
  UDP echoes        (the TCP workload) datagrams sent once each to the guest's
                    echod during the trial: answered byte-exact, lost (no
                    answer within 0.5 s), or wrong (answered, not byte-exact).
"""
import collections
import json
import os
import sys

TYPES = ["source", "destination", "pointer", "interface", "loop", "text", "nop", "random"]
DENY_KINDS = ["ipc", "kcall", "io", "grant", "memory", "irq", "trace", "priv", "dma"]
DETECTED = {"exit", "exception", "killed", "panic", "heartbeat", "cpu", "stalled", "client"}
VECTORS = {0: "divide error", 3: "breakpoint", 4: "overflow", 5: "bound", 6: "invalid opcode",
           7: "device not available", 10: "invalid TSS", 11: "segment not present", 12: "stack fault",
           13: "general protection", 14: "page fault", 16: "x87 error", 17: "alignment check",
           19: "SIMD error"}


def detected(r):
    return [f for f in r.get("failures", []) if f["cause"] in DETECTED]


def summarize(records):
    trials = [r for r in records if "workload" in r]
    os_fail = [r for r in records if r.get("os_failure")]
    failed = [r for r in trials if detected(r)]
    transparent = [r for r in failed if r.get("serving") and r["workload"]["ok"] and not r.get("os_failure")]
    return {
        "trials": len(records),
        "faults": sum(r.get("injected", 0) for r in records),
        "failures": sum(len(detected(r)) for r in trials),
        "trials_failed": len(failed),
        "restarts": sum(r.get("incarnations", 0) for r in trials),
        "stuck": sum(1 for r in trials if r.get("stuck")),
        "silent": sum(1 for r in trials if not r["workload"]["ok"] and not detected(r) and not r.get("stuck")),
        "workload_ok": sum(1 for r in trials if r["workload"]["ok"]),
        "os_failures": len(os_fail),
        "hangs": sum(1 for r in os_fail if r["os_failure"] == "hang"),
        "panics": sum(1 for r in os_fail if r["os_failure"] == "panic"),
        "transparent": len(transparent),
        "unrecovered": sum(1 for r in failed if not r["workload"]["ok"]),
        "denied": sum(sum(r.get("denied", {}).values()) for r in trials),
        "wedged": sum(1 for r in trials if r.get("wire_wedged")),
        **tcp_udp(trials),
    }


def tcp_udp(trials):
    """The TCP workload's figures (zero without it)."""
    hosts = [r["host"] for r in trials if "host" in r]
    ways = [h[w] for h in hosts for w in ("to_guest", "from_guest") if w in h]
    udp = [h.get("udp", {}) for h in hosts]
    return {
        "tcp_trials": len(hosts),
        "tcp_exact": sum(1 for h in hosts if h.get("tcp_exact")),
        "tcp_exact_failed": sum(1 for r in trials if "host" in r and r["host"].get("tcp_exact") and detected(r)),
        "tcp_corrupt": sum(1 for w in ways if w.get("outcome") == "corrupt"),
        "tcp_aborted": sum(1 for w in ways if w.get("outcome") == "aborted"),
        "udp_sent": sum(u.get("sent", 0) for u in udp),
        "udp_answered": sum(u.get("answered", 0) for u in udp),
        "udp_lost": sum(u.get("lost", 0) for u in udp),
        "udp_wrong": sum(u.get("wrong", 0) for u in udp),
        "udp_trials_lossless": sum(1 for u in udp if u.get("sent") and not u.get("lost") and not u.get("wrong")),
    }


def pct(a, b):
    return f"{100.0 * a / b:.1f}%" if b else "-"


def charts(records, outdir, plt):
    nics = sorted({r["nic"] for r in records})
    trials = [r for r in records if "workload" in r]
    out = []

    # failures per fault type per driver (the seed's bar chart)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    width = 0.8 / max(1, len(nics))
    for k, nic in enumerate(nics):
        counts = [sum(len(detected(r)) for r in trials if r["nic"] == nic and r["type"] == t) for t in TYPES]
        ax.bar([i + k * width for i in range(len(TYPES))], counts, width, label=nic)
    ax.set_xticks([i + width * (len(nics) - 1) / 2 for i in range(len(TYPES))], TYPES)
    ax.set_ylabel("driver failures detected")
    ax.set_title("Failures per fault type and driver")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "failures-per-type.png"), dpi=100)
    out.append(("Failures per fault type and driver", "failures-per-type.png"))
    plt.close(fig)

    # failure causes
    causes = collections.Counter()
    for r in trials:
        for f in r.get("failures", []):
            name = f["cause"]
            if name == "refresh":
                name = "stuck (watchdog)"
            elif name == "client":
                name = "client complaint"
            elif name == "exception":
                name = VECTORS.get(f["status"], f"vector {f['status']}")
            causes[name] += 1
    if causes:
        fig, ax = plt.subplots(figsize=(9, 4.5))
        names = [c for c, _ in causes.most_common()]
        ax.barh(names[::-1], [causes[c] for c in names][::-1])
        ax.set_xlabel("failures")
        ax.set_title("Failure causes (exceptions by vector)")
        fig.tight_layout()
        fig.savefig(os.path.join(outdir, "failure-causes.png"), dpi=100)
        out.append(("Failure causes", "failure-causes.png"))
        plt.close(fig)

    # refused accesses per kind
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for k, nic in enumerate(nics):
        counts = [sum(r.get("denied", {}).get(d, 0) for r in trials if r["nic"] == nic) for d in DENY_KINDS]
        ax.bar([i + k * width for i in range(len(DENY_KINDS))], counts, width, label=nic)
    ax.set_xticks([i + width * (len(nics) - 1) / 2 for i in range(len(DENY_KINDS))], DENY_KINDS)
    ax.set_yscale("symlog")
    ax.set_ylabel("refused and logged by the kernel")
    ax.set_title("Unauthorized accesses refused, per kind")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "refused-accesses.png"), dpi=100)
    out.append(("Unauthorized accesses refused, per kind", "refused-accesses.png"))
    plt.close(fig)

    # the TCP workload: byte-exact transfers and UDP losses per type and driver
    if any("host" in r for r in trials):
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.5))
        for k, nic in enumerate(nics):
            xs = [i + k * width for i in range(len(TYPES))]
            per = [tcp_udp([r for r in trials if r["nic"] == nic and r["type"] == t]) for t in TYPES]
            a1.bar(xs, [100.0 * p["tcp_exact"] / p["tcp_trials"] if p["tcp_trials"] else 0 for p in per],
                   width, label=nic)
            a2.bar(xs, [100.0 * p["udp_lost"] / p["udp_sent"] if p["udp_sent"] else 0 for p in per], width, label=nic)
        for ax, title in ((a1, "TCP byte-exact both ways (% of trials)"), (a2, "UDP echoes lost (%)")):
            ax.set_xticks([i + width * (len(nics) - 1) / 2 for i in range(len(TYPES))], TYPES, rotation=45)
            ax.set_ylim(0, 100)
            ax.set_title(title)
        handles, labels = a1.get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=len(nics), fontsize="small")
        fig.tight_layout(rect=(0, 0.07, 1, 1))
        fig.savefig(os.path.join(outdir, "tcp-udp.png"), dpi=100)
        out.append(("The workload: TCP byte-exact and UDP losses", "tcp-udp.png"))
        plt.close(fig)

    # recovery time distribution
    times = {nic: sorted(mechanism_ms(f) for r in trials if r["nic"] == nic for f in detected(r)
                         if f.get("recovery_us")) for nic in nics}
    if any(times.values()):
        fig, ax = plt.subplots(figsize=(9, 4.5))
        for nic in nics:
            if times[nic]:
                ys = [(i + 1) / len(times[nic]) for i in range(len(times[nic]))]
                ax.step(times[nic], ys, where="post", label=f"{nic} ({len(times[nic])})")
        ax.set_xscale("log")
        ax.set_xlabel("failure detected -> driver serving again, less the policy's backoff (ms)")
        ax.set_ylabel("fraction of recoveries")
        ax.set_title("Recovery time distribution")
        ax.grid(True, alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(outdir, "recovery-times.png"), dpi=100)
        out.append(("Recovery time distribution", "recovery-times.png"))
        plt.close(fig)
    return out


def mechanism_ms(f):
    """Recovery time without the backoff the driver's policy made the manager wait."""
    return max(0.0, f["recovery_us"] / 1000.0 - f.get("delay_ms", 0))


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else 0


def markdown(records, images, took=None, ran=None):
    s = summarize(records)
    nics = sorted({r["nic"] for r in records})
    faults = sorted({r.get("faults") for r in records})
    lines = ["# Fault-injection campaign", ""]
    lines.append(f"Drivers: {', '.join(nics)}; fault types: {', '.join(t for t in TYPES if any(r['type'] == t for r in records))}; "
                 f"{', '.join(str(f) for f in faults)} faults per trial; campaign seed "
                 f"{', '.join(str(x) for x in sorted({r.get('campaign_seed') for r in records}))}.")
    kinds = sorted({r.get("workload_kind", "raw") for r in records})
    lines.append("Workload per trial: " + "; ".join(
        "TCP through inet, one transfer each way with bulkd (CRC-32 checked), and UDP echoes through echod "
        "at the same time" if k == "tcp" else "a slice of raw frames each way (t_netclient)" for k in kinds) + ".")
    if took is not None and ran:
        lines.append(f"This run: {ran} trials in {took:.0f} s ({ran / took * 60:.1f} trials/min, "
                     f"{s['faults'] * ran / max(1, s['trials']) / took:.0f} faults/s).")
    lines += ["", "## Headline", "", "| | |", "|---|---|",
              f"| Trials | {s['trials']} |",
              f"| Faults injected | {s['faults']} |",
              f"| Driver failures detected | {s['failures']} (in {s['trials_failed']} trials) |",
              f"| Driver restarts | {s['restarts']} |",
              f"| Workload stuck on a silent driver (watchdog restart) | {s['stuck']} |",
              f"| Workload failed, nothing detected | {s['silent']} |",
              f"| Restarted, yet the workload still failed | {s['unrecovered']} |",
              f"| Unauthorized accesses refused | {s['denied']} |",
              f"| **OS failures** | **{s['os_failures']}** |",
              f"| Hangs / kernel panics | {s['hangs']} / {s['panics']} |",
              f"| QEMU's wire wedged by an empty frame (new boot) | {s['wedged']} |",
              f"| Transparent recoveries (failure detected, workload byte-exact) | "
              f"{s['transparent']} of {s['trials_failed']} ({pct(s['transparent'], s['trials_failed'])}) |"]
    if s["tcp_trials"]:
        lines += [f"| TCP transfers byte-exact both ways | {s['tcp_exact']} of {s['tcp_trials']} trials "
                  f"({pct(s['tcp_exact'], s['tcp_trials'])}); {s['tcp_exact_failed']} of them across a detected "
                  f"failure |",
                  f"| TCP transfers aborted / **delivered wrong data** | {s['tcp_aborted']} / "
                  f"**{s['tcp_corrupt']}** (of {2 * s['tcp_trials']}) |",
                  f"| UDP echoes sent / answered / lost / wrong | {s['udp_sent']} / {s['udp_answered']} / "
                  f"{s['udp_lost']} ({pct(s['udp_lost'], s['udp_sent'])}) / {s['udp_wrong']}; trials without a "
                  f"loss: {s['udp_trials_lossless']} of {s['tcp_trials']} |"]
    lines += ["", "## Per driver and fault type", "",
              "| Driver | Type | Trials | Faults | Failures | Restarts | Stuck | Silent | Workload ok | "
              "TCP exact | UDP lost | OS failures |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for nic in nics:
        for t in TYPES:
            rs = [r for r in records if r["nic"] == nic and r["type"] == t]
            if not rs:
                continue
            x = summarize(rs)
            tcp = f"{x['tcp_exact']}/{x['tcp_trials']}" if x["tcp_trials"] else "-"
            udp = f"{x['udp_lost']}/{x['udp_sent']}" if x["udp_sent"] else "-"
            lines.append(f"| {nic} | {t} | {x['trials']} | {x['faults']} | {x['failures']} | {x['restarts']} | "
                         f"{x['stuck']} | {x['silent']} | {x['workload_ok']} | {tcp} | {udp} | {x['os_failures']} |")
    fs = [f for r in records for f in detected(r) if f.get("recovery_us")]
    rec = [f["recovery_us"] / 1000.0 for f in fs]
    if rec:
        mech = [mechanism_ms(f) for f in fs]
        lines += ["", f"Recovery (failure detected to the new incarnation serving) over {len(rec)} recoveries: "
                      f"median {median(rec):.1f} ms, worst {max(rec):.1f} ms; less the backoff the policy "
                      f"imposes on a driver failing again soon after a restart (here 20 ms doubling to 1 s): "
                      f"median {median(mech):.1f} ms, worst {max(mech):.1f} ms."]
    for title, png in images:
        lines += ["", f"## {title}", "", f"![{title}]({png})"]
    lines += tcp_misses(records)
    os_fail = [r for r in records if r.get("os_failure")]
    lines += ["", "## OS failures", ""]
    if not os_fail:
        lines.append("None.")
    for r in os_fail:
        lines.append(f"- {r['nic']}/{r['type']}/{r['trial']} (trial seed {r.get('seed')}): {r['os_failure']}; "
                     f"replay with `tools/swifi.py --replay {r['nic']}/{r['type']}/{r['trial']} "
                     f"--seed {r.get('campaign_seed')} --faults {r.get('faults')}`")
    lines += ["", "Terms: see tools/swifireport.py.", ""]
    return "\n".join(lines)


def tcp_misses(records, most=40):
    """The trials whose TCP transfers were not both byte-exact, each with what
    happened to its driver (the reader judges whether the fault explains it)."""
    miss = [r for r in records if "host" in r and not r["host"].get("tcp_exact")]
    if not any("host" in r for r in records):
        return []
    lines = ["", "## TCP transfers not byte-exact", ""]
    if not miss:
        return lines + ["None."]
    for r in miss[:most]:
        causes = ", ".join(f["cause"] for f in r.get("failures", [])) or "no failure detected"
        ways = "; ".join(f"{w.replace('_', ' ')} {r['host'][w].get('outcome')} after {r['host'][w].get('s')} s "
                         f"({r['host'][w].get('detail')})" for w in ("to_guest", "from_guest") if w in r["host"])
        lines.append(f"- {r['nic']}/{r['type']}/{r['trial']}: driver: {causes}{', stuck' if r.get('stuck') else ''}; "
                     f"{ways}")
    if len(miss) > most:
        lines.append(f"- ... and {len(miss) - most} more (results.jsonl)")
    return lines


def write(records, outdir, took=None, ran=None):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(outdir, exist_ok=True)
    images = charts(records, outdir, plt)
    path = os.path.join(outdir, "report.md")
    with open(path, "w") as f:
        f.write(markdown(records, images, took, ran))
    return path


def main():
    if len(sys.argv) not in (3, 5):
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        records = [json.loads(line) for line in f if line.strip()]
    took, ran = (float(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) == 5 else (None, None)
    print(write(records, sys.argv[2], took, ran))


if __name__ == "__main__":
    main()
