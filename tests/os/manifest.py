"""What each in-OS test boot must show.

Every boot configuration (boot/configs/NAME.cfg) run by tests/run.py is listed
here with the cases its test programs report as `[test] PASS <case>` and the
console lines it must print. A case that is never reported fails, and so does
a `[test]` line for a case not listed here (keep the two in step).

A boot normally ends with the test program shutting the machine down with
status 0; one with a "stop" pattern runs until a console line matches it, and
then the harness stops QEMU.
"""

BOOTS = [
    {
        "config": "test-ipc",
        "proves": "IPC: data integrity, notify, dead endpoints, deadlock refusal, denials",
        "cases": [
            "ipc_pingpong", "ipc_source_unforgeable", "notify_coalesce", "death_reported",
            "send_to_dead_endpoint", "send_to_stale_generation", "deadlock_two_cycle",
            "deadlock_three_cycle", "deadlock_self", "denied_ipc", "denied_kcall", "denied_logged",
            "denied_counted",
        ],
    },
    {
        "config": "test-fault",
        "proves": "CPU exceptions and privileged instructions end only the offender",
        "cases": [
            "fault_kwrite", "fault_null", "fault_stack", "fault_cli", "fault_hlt", "fault_out",
            "fault_in", "fault_lgdt", "fault_cr3", "fault_div0", "fault_ud2",
            "bystander_alive", "bystander_finished",
        ],
    },
    {
        "config": "test-preempt",
        "proves": "the timer preempts a spinning process; a manager can kill it",
        "cases": ["preempt_no_starvation", "preempt_round_robin", "kill_by_manager"],
    },
    {
        "config": "test-badmod",
        "proves": "malformed boot modules are refused with a message; the rest boots",
        "cases": ["boot_good_module_runs", "boot_bad_modules_absent"],
        "console": [
            ("boot_refuses_not_elf", r"boot: module 'not-elf' refused: not an ELF file"),
            ("boot_refuses_truncated", r"boot: module 'truncated' refused: truncated"),
            ("boot_refuses_wrong_machine", r"boot: module 'wrong-machine' refused: wrong machine type"),
            ("boot_refuses_bad_option", r"boot: module 'badopt priv=superuser' refused: unknown priv="),
        ],
    },
    {
        "config": "default",
        "proves": "the default system boots to a user process printing on the console",
        "console": [
            ("default_user_process_prints", r"hello: Hello from user space"),
            ("default_fpu_works", r"sqrt\(2\) = 1\.414213"),
            ("default_init_reports_exit", r"init: hello \(endpoint \d+\) exited with status 0"),
        ],
        "stop": r"init: hello \(endpoint \d+\) exited",   # then the harness stops QEMU
    },
]
