"""What each in-OS test boot must show.

Every boot configuration (boot/configs/NAME.cfg) run by tests/run.py is listed
here with the cases its test programs report as `[test] PASS <case>` and the
console lines it must print. A case that is never reported fails, and so does
a `[test]` line for a case not listed here (keep the two in step).

A boot normally ends with the test program shutting the machine down with
status 0; one with a "stop" pattern runs until a console line matches it, and
then the harness stops QEMU.
"""

PROMPT_PATTERN = r"bulkhead# "
LEFT, UP = "\x1b[D", "\x1b[A"      # the arrow keys as a serial terminal sends them

# The shell and the tools as a person uses them (appended to the default boot's session).
SHELL_SESSION = [
    ("ctrl_c_at_prompt_prompts_again", "\x03", r"\^C\r?\n" + PROMPT_PATTERN),
    ("history_first_line", "echo first-line", r"\nfirst-line\r?\n"),
    ("history_up_arrow_repeats", UP, r"echo first-line\r?\nfirst-line\r?\n"),
    ("edit_left_arrow_inserts", "ech edited" + LEFT * 7 + "o", r"\nedited\r?\n"),
    ("tab_beeps_not_inserted", "echo a\tb", r"\a[\s\S]*\nab\r?\n"),
    ("non_ascii_beeps", "echo caf\u00e9!", r"\a[\s\S]*\ncaf!\r?\n"),
    ("long_line_refused", "echo " + "x" * 300, r"console: line too long \(at most 255 characters\); not sent"),
    ("many_words_refused", "echo" + " w" * 40, r"sh: too many words \(at most 31\); nothing run"),
    ("unclosed_quote_refused", 'echo "abc', r'sh: unclosed " quote; nothing run'),
    ("empty_command_named", '""', r"sh: the command name is empty"),
    ("quotes_group_words", "echo \"a  b\" 'c$?' d\\ e", r"\na  b c\$\? d e\r?\n"),
    ("status_of_last_command", "ls /nothing", r"\[exit status 1\]"),
    ("dollar_question_expands", "echo status $?", r"\nstatus 1\r?\n"),
    ("cd_with_dot_dot", "cd /tests/../etc/./drivers", PROMPT_PATTERN),
    ("pwd_shows_directory", "pwd", r"\n/etc/drivers\r?\n"),
    ("relative_path_across_exec", "cat demo.conf", r"driver demo \{"),
    ("cd_dot_dot_up", "cd ..", PROMPT_PATTERN),
    ("ls_relative_parent", "ls ../tests", r"hello\.txt"),
    ("cd_refuses_file", "cd /tests/hello.txt", r"sh: cd: /tests/hello\.txt: not a directory"),
    ("cd_home", "cd", PROMPT_PATTERN),
    ("pwd_back_at_root", "pwd", r"\n/\r?\n"),
    ("help_lists_real_commands", "help", r"In /bin:\s*\n[\s\S]*\bcat\b[\s\S]*\blspci\b[\s\S]*In /sbin:[\s\S]*\breboot\b"),
    ("exit_status_inner_shell", "sh", r"Bulkhead shell"),
    ("exit_with_status", "exit 7", r"\[exit status 7\]"),
    ("exit_refuses_non_number", "exit abc", r"sh: exit: abc: give one status from 0 to 255"),
    ("kill_unknown_signal", "kill -abc demo", r"kill: -abc: unknown signal"),
    ("kill_lists_signals", "kill -l", r"15 TERM"),
    ("kill_zero_exists", "kill -0 demo", PROMPT_PATTERN),
    ("kill_zero_status", "echo $?", r"\n0\r?\n"),
    ("kill_no_such_process", "kill -0 nosuch", r"kill: nosuch: no such process"),
    ("kill_double_dash", "kill -- nosuch", r"kill: nosuch: no such process"),
    ("kill_system_server_refused", "kill -KILL pm", r"kill: pm: not allowed: a system server"),
    ("kill_other_user_refused", "runas 1000 /bin/kill demo", r"kill: demo: not allowed: another user's process"),
    ("service_status_cpu_refusals", "service status demo", r"this incarnation: \d+ ms of CPU; refused attempts: "),
    ("service_up_missing_binary", "service up /drivers/nosuch", r"service: cannot start /drivers/nosuch: no such program"),
    ("service_error_said_once", "service up /drivers/demo -config /tests/bad.conf -label demo2",
     r"\A(?![\s\S]*bad\.conf:4[\s\S]*bad\.conf:4)[\s\S]*service: cannot start /drivers/demo: /tests/bad\.conf:4: "),
    ("service_down_demo", "service down demo", PROMPT_PATTERN),
    ("service_list_dash_endpoint", "service list", r"demo\s+- down"),
    ("service_refresh_stopped", "service refresh demo", r"service: demo: the driver is stopped"),
    ("service_up_again", "service up /drivers/demo", PROMPT_PATTERN),
    ("dmesg_no_ordinary_exits", "dmesg -p ls", r"\(no events match\)"),
    ("refused_ipc_made", "/tests/t_tty deny", r"t_tty: notified init \(endpoint 260\): -1"),
    ("dmesg_endpoints_decimal", "dmesg -k ipc -p t_tty", r"t_tty\s+\d+ denied ipc: endpoint 260, error -1\r?\n"),
    ("dmesg_kind_filter", "dmesg -k killed", r"demo\s+\d+ killed by \d+ \(signal 15\)"),
    ("dmesg_unknown_kind", "dmesg -k nosuch", r"dmesg: -k nosuch: no such kind"),
    ("dmesg_follow_running", "dmesg -f -k killed &", r"demo\s+\d+ killed by", "running"),
    ("dmesg_follow_shows_new", "kill demo", r"demo\s+\d+ killed by \d+ \(signal 15\)"),
    ("dmesg_follow_ended", "kill dmesg", r"\[\d+ done\]\r?\n\[ended by signal 15\]"),
    ("foreground_follow_running", "dmesg -f -k fault", r"\(no events match\)", "running"),
    ("foreground_follow_interrupted", "\x03", r"\[ended by signal 2\]"),
    ("shutdown_needs_root", "runas 1000 /sbin/shutdown", r"shutdown: only uid 0 may stop the machine"),
    ("reboot_stops_drivers_then_resets", "reboot",
     r"shutdown: stopping rtl8139[\s\S]*shutdown: stopping demo[\s\S]*shutdown: stopping console"
     r"[\s\S]*kernel: reset by pm", "running"),
]

BOOTS = [
    {
        "config": "test-ipc",
        "proves": "IPC: data integrity, notify, dead endpoints, deadlock refusal, denials",
        "cases": [
            "ipc_pingpong", "space_loads_counted", "kernel_entries_counted", "ipc_source_unforgeable", "ipc_message_across_pages",
            "ipc_message_read_only", "ipc_buffer_unmapped_after_use", "notify_coalesce", "death_reported",
            "send_to_dead_endpoint", "send_to_stale_generation", "deadlock_two_cycle",
            "deadlock_three_cycle", "deadlock_self", "sendrec_reply_not_a_notification", "denied_ipc", "denied_kcall", "denied_logged",
            "denied_counted",
        ],
    },
    {
        "config": "test-fault",
        "proves": "CPU exceptions and privileged instructions end only the offender",
        "cases": [
            "fault_kwrite", "fault_null", "fault_stack", "fault_cli", "fault_hlt", "fault_out",
            "fault_in", "fault_lgdt", "fault_cr3", "fault_div0", "fault_ud2",
            "fault_textwrite", "fault_clkwrite", "fault_kjump",
            "bystander_alive", "bystander_finished",
        ],
    },
    {
        "config": "test-preempt",
        "proves": "the timer preempts a spinning process; a manager can kill it; a process that keeps taking waiting messages is not counted as spinning; an alarm or idle waits for its deadline while another process runs and goes off at once when none does",
        "cases": ["preempt_no_starvation", "preempt_round_robin", "alarm_or_idle_waits_while_busy", "kill_by_manager",
                  "alarm_or_idle_when_idle", "busy_receiver_not_spinning"],
    },
    {
        "config": "bench",
        "name": "ipc-icount",
        "proves": "an IPC round trip (sendrec and its reply, between two address spaces) takes at most 1,000 "
                  "guest instructions: under -icount shift=0 one instruction is one nanosecond of the TSC",
        "qemu_args": ["-icount", "shift=0"],
        "console": [
            ("ipc_roundtrip_at_most_1000_instructions",
             r"ipc_roundtrip cycles=([0-9]{1,3}|1000) round_trips=\d+ errors=0 "),
        ],
    },
    {
        "config": "test-isolation",
        "proves": "isolation mechanisms: privilege install, DEVIO, grants + SAFECOPY, IRQs, "
                  "device memory, DMA, trace, and the attack suite and kernel-call fuzzer",
        "cases": [
            "stopped_until_privileges", "privctl_refuses_bad_records",
            "privctl_refusal_changes_nothing", "mapmem_allowed", "irq_delivered", "grant_slot_reused",
            "devio_allowed", "devio_wide_allowed", "devio_below_range", "devio_above_range",
            "devio_straddles_end", "devio_just_below_range", "devio_beyond_range",
            "devio_unaligned_word", "devio_unaligned_dword", "devio_bad_size", "devio_pic",
            "devio_top_port", "devio_port_beyond_16_bits", "vdevio_one_bad_entry",
            "vdevio_nothing_performed", "vdevio_allowed", "vdevio_too_long",
            "vdevio_vector_in_kernel", "pio_allowed", "pio_below_range", "pio_above_range",
            "pio_word_straddles_end", "pio_dword_straddles_end", "pio_dword_straddles_start",
            "pio_pic_mask", "pio_pci_config_address", "pio_pci_config_data", "pio_other_nic",
            "pio_other_nic_read", "pio_others_port", "pio_top_port", "pio_top_port_word",
            "pio_immediate_port", "pio_prefixed", "pio_helper_refused", "pio_helper_unaligned",
            "pio_rep_outsw_straddles_end", "pio_rep_outsb_past_end", "pio_rep_insw_reads_ones",
            "pio_rep_insb_backwards", "pio_logged_with_port", "kcall_privctl_self", "kcall_trace", "kcall_shutdown",
            "kcall_kill", "kcall_fork", "kcall_number_end", "kcall_number_large",
            "kcall_number_negative", "ipc_send_not_in_record", "ipc_notify_not_in_record",
            "ipc_sendrec_not_in_record", "ipc_send_dead_endpoint", "ipc_send_stale_generation",
            "ipc_send_slot_out_of_range", "ipc_send_pseudo_endpoint",
            "ipc_bad_message_pointer", "ipc_bad_operation", "grant_read_allowed",
            "grant_write_allowed", "grant_reused_slot_new_id", "grant_random_id",
            "grant_negative_id", "grant_revoked_id", "grant_reused_slot_old_id",
            "grant_someone_elses", "grant_read_on_write_only", "grant_write_on_read_only",
            "grant_past_the_end", "grant_offset_past_the_end", "grant_offset_length_overflow",
            "grant_local_buffer_in_kernel", "grant_local_buffer_clock_page", "grant_over_clock_page",
            "grant_local_buffer_unmapped",
            "grant_local_buffer_read_only", "grant_dead_granter",
            "grant_granter_without_table", "grant_bad_direction", "grant_table_in_kernel", "grant_table_clock_page",
            "grant_indirect_allowed", "grant_chain_too_deep", "grant_chain_cycle",
            "grant_indirect_wider_rights", "grant_indirect_offset_overflow",
            "grant_indirect_past_original", "vsafecopy_one_bad_entry",
            "vsafecopy_nothing_copied", "vsafecopy_allowed", "vsafecopy_too_long",
            "irq_policy_not_owned", "irq_enable_someone_elses_hook",
            "irq_disable_someone_elses_hook", "irq_release_someone_elses_hook",
            "irq_clock_line", "irq_line_out_of_range", "irq_bad_operation", "mapmem_kernel",
            "mapmem_other_process", "mapmem_vga_not_in_record", "mapmem_page_zero",
            "mapmem_unaligned", "mapmem_zero_length", "mapmem_wraps", "umap_kernel",
            "umap_unmapped", "umap_clock_page", "umap_own_memory", "dma_alloc", "dma_usable", "dma_over_limit",
            "attack_counters_match", "attack_log_matches", "grant_write_lands", "dma_freed_at_exit",
            "irq_owner_death_masks_line", "trace_tracer_done", "trace_patch_took_effect",
            "trace_patch_stays_in_its_process", "fuzz_unprivileged", "fuzz_broad_record",
            "bystander_finished",
        ],
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
        "config": "test-system",
        "proves": "process manager (fork, exec, wait, kill, refusals), data store, boot file system",
        "cases": [
            "pm_fork_exit_status", "pm_wait_signal", "pm_kill", "pm_wait_no_children",
            "clock_page_agrees_with_kernel", "clock_page_advances", "clock_page_in_forked_child",
            "clock_page_after_many_exits",
            "pm_exec_runs_program", "pm_exec_refuses_malformed", "pm_exec_refuses_missing",
            "pm_exec_refuses_non_executable", "pm_exec_refuses_others",
            "pm_kill_refuses_servers", "ds_publish_lookup", "ds_lookup_missing",
            "ds_subscriber_notified", "ds_delete_notified", "ds_key_belongs_to_owner",
            "fs_lookup", "fs_read_at_offset", "fs_read_past_end", "fs_read_bad_inode",
            "fs_read_into_read_only_memory", "fs_lookup_missing", "fs_list_root",
            "stdio_reads_files",
        ],
        "stop": r"\[test\] summary:",        # an unprivileged program cannot power off
    },
    {
        "config": "test-shutdown",
        "proves": "shutdown stops every driver through the driver manager, newest first and the "
                  "console last, then powers the machine off (QEMU exits with status 0)",
        "console": [
            ("drivers_stopped_in_order",
             r"shutdown: stopping pci\r?\nshutdown: stopping demo\r?\nshutdown: stopping console"),
            ("all_drivers_down", r"shutdown: powering off"),
            ("start_failure_said_once", r"\A(?![\s\S]*dm: rtl8139 failed to start)[\s\S]*"
             r"service: cannot start /drivers/rtl8139: failed to start: panic: no RTL8139"),
            ("powered_off_by_kernel", r"pm: power off asked by shutdown[\s\S]*kernel: shutdown by pm, status 0"),
        ],
    },
    {
        "config": "test-console",
        "proves": "console: only the foreground reads, only the session owner sets it, a long write "
                  "is bounded and the driver keeps its heartbeat; KC_DIAG is escaped and rate-limited",
        "cases": [
            "console_background_read_refused", "console_setfg_owner_only",
            "console_owner_sets_foreground", "console_lost_foreground_ends_read",
            "console_foreground_returns_at_exit", "console_foreground_passed_on", "console_write_bounded", "console_keeps_heartbeat",
            "console_write_writes_all", "console_keys_only_from_keyboard", "screen_call_needs_record",
        ],
        # Between the markers t_console prints 64 KiB of bytes 0-255 through KC_DIAG. The
        # console must show only printable text (escaped as \xNN), at most DIAG_BURST (8192,
        # kernel/calls/do_diag.c) plus slack for what refills meanwhile and \r added to \n,
        # then one line saying how much was dropped.
        "console": [
            ("diag_binary_escaped", r"diag flood begins\r?\n\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\t\r?\n\\x0b"),
            ("diag_rate_limited", r"diag flood begins\r?\n[ -~\t\r\n]{1,8800}?kernel: t_console \(ep \d+\): "
                                  r"dropped \d+ bytes of diagnostic output\r?\nt_console: diag flood ends"),
        ],
        "stop": r"\[test\] summary:",
    },
    {
        "config": "test-respawn",
        "proves": "init restarts a shell that fails at once after a growing pause, and says why",
        "cases": ["init_shell_backoff"],
        "console": [
            ("init_says_why", r"init: /tests/t_respawn exited with status 1"),
            ("init_logs_backoff", r"init: /tests/t_respawn ended \d+ ms after it started, 5 times in a row; "
                                  r"starting it again in 3200 ms"),
        ],
        "stop": r"\[test\] summary:",
    },
    {
        "config": "test-service",
        "proves": "driver manager: exact privileges, every crash kind detected and restarted, hangs, "
                  "backoff, limits, service down, bad policies, 1,000 restart cycles without leaks",
        "cases": [
            "driver_started", "driver_record_is_the_policy", "driver_allowed_actions",
            "driver_forbidden_actions", "crash_segfault_restarted", "crash_divide_restarted",
            "crash_privileged_restarted", "crash_panic_restarted", "crash_exit_restarted",
            "crash_hang_detected", "forbidden_is_denied_not_fatal", "service_refresh",
            "bad_policy_starts_nothing", "missing_policy_starts_nothing",
            "duplicate_label_refused", "backoff_grows", "service_down_stops_restarts",
            "restart_limit_kept", "restart_loop_1000", "restart_loop_no_leak",
            "restart_loop_tables_unchanged",
            "policy_for_another_binary_refused", "policy_naming_kernel_ports_refused",
            "overlapping_ports_refused", "overlapping_irq_refused", "shared_ports_allowed",
        ],
        "stop": r"\[test\] summary:",
        "timeout": 300,
    },
    {
        "config": "test-hostile",
        "console": [
            ("restart_refusals_rate_limited", r"dm: more restart requests refused this second; counting them"),
        ],
        "proves": "an ordinary user cannot manage drivers, take labels, kill others, spawn, publish or "
                  "exhaust tables, memory or processes; every table empties when its holder dies",
        "cases": [
            "starts_as_admin", "user_cannot_start_driver", "user_cannot_take_label",
            "user_cannot_stop_driver", "user_cannot_restart_driver", "user_cannot_spawn",
            "user_cannot_kill_others", "user_cannot_shut_down",
            "user_cannot_publish", "user_subscriptions_capped", "user_process_limit",
            "user_limit_frees_on_wait", "user_may_kill_own", "user_cannot_runas_root", "user_garbage_to_servers",
            "user_attacks_done",
            "runas_sets_uid", "hog_cannot_stop_recovery", "fork_bomb_contained", "fork_bomb_bounded",
            "ds_keys_freed_with_owner", "ds_subscriptions_freed_with_owner",
            "driver_restarts_with_zombie_table_full", "zombies_freed_with_parent",
            "driver_table_recycles_stopped", "history_kept_after_down_up",
            "admin_cannot_take_system_label", "init_and_servers_unkillable", "system_still_works",
        ],
        "stop": r"\[test\] summary:",
        "timeout": 300,
    },
    {
        "config": "test-hardware",
        "proves": "PCI device ownership is kept by the driver manager: after the PCI server is "
                  "killed and restarted, lspci still shows the holder, a second driver's claim of "
                  "the device is refused, the holder still works, and once restarted claims it again",
        "qemu_args": ["-netdev", "user,id=n0,restrict=on", "-device", "rtl8139,netdev=n0,romfile="],
        "cases": [
            "pci_restart_keeps_holder", "pci_restart_second_claim_refused",
            "pci_restart_holder_still_works", "direct_ports_refused", "holder_restarted_reclaims",
        ],
        "stop": r"\[test\] summary:",
    },
    {
        "config": "test-liveness",
        "proves": "a driver spinning while it answers heartbeats is restarted for its CPU use, and "
                  "neither it nor a hung driver keeps a user program off the CPU; a program that is "
                  "not a driver's client cannot have it restarted",
        "cases": [
            "spin_driver_started", "cpu_spinner_restarted", "cpu_user_keeps_running",
            "hang_user_keeps_running", "restart_refused_to_non_client", "restart_unknown_driver",
        ],
        "console": [
            ("cpu_limit_logged", r"dm: spin \(incarnation 1\): ran for \d+ ms without blocking"),
            ("restart_refusal_logged", r"dm: restart of spin asked by endpoint \d+ refused"),
        ],
        "stop": r"\[test\] summary:",
    },
    {
        "config": "test-badfs",
        "proves": "a malformed boot file system archive is refused with a message; the rest comes up",
        "console": [
            ("bootfs_refuses_archive", r"bootfs: archive refused: truncated: the archive is shorter than its header says"),
            ("servers_still_up", r"dm: driver manager ready"),
            ("init_told_no_rc", r"init: no /etc/rc; starting no drivers"),
        ],
        "stop": r"init: no /etc/rc",
    },
    {
        "config": "minimal",
        "proves": "the kernel alone boots to a user process printing on the console",
        "console": [
            ("user_process_prints", r"hello: Hello from user space"),
            ("fpu_works", r"sqrt\(2\) = 1\.414213"),
            ("manager_reports_exit", r"reaper: hello \(endpoint \d+\) exited with status 0"),
        ],
        "stop": r"reaper: hello \(endpoint \d+\) exited",   # then the harness stops QEMU
    },
    {
        "config": "default",
        "proves": "make run boots to the shell with the RTL8139 driver running and eth0 configured by "
                  "DHCP (ifconfig, ping); a person lists drivers, kills one, and sees it restarted with "
                  "the cause recorded",
        "qemu_args": ["-netdev", "user,id=n0,restrict=on", "-device", "rtl8139,netdev=n0,romfile="],
        # (case, what to type at the prompt, what the output must then show)
        "session": [
            ("shell_prompt", None, r"bulkhead# "),
            ("service_list_shows_drivers", "service list",
             r"console\s+\d+ running\s+1\s+0 .*\n.*demo\s+\d+ running\s+1\s+0"),
            ("rtl8139_running", "service list", r"rtl8139\s+\d+ running\s+1\s+0"),
            # /etc/rc.net: inet with eth0 by DHCP from QEMU's user network, up before the shell
            ("ifconfig_dhcp_address", "ifconfig eth0",
             r"eth0: configured  link up\r?\n\s+inet 10\.0\.2\.15  netmask 255\.255\.255\.0  gateway \S+  \(dhcp\)"),
            ("ping_gateway_answered", "ping -c 2 10.0.2.2", r"2 packets transmitted, 2 received, 0% packet loss"),
            ("lspci_shows_owner", "lspci", r"10ec:8139 network\s+irq \d+\s+io [0-9a-f]+\+100 mem [0-9a-f]+\+100\s+\[rtl8139, endpoint \d+\]"),
            ("ps_shows_drivers_unprivileged", "ps", r"\d+ recv\s+any\s+2 .* P\s+11\s+2\s+1\s+1\s+0\s+0\s+0 demo"),
            ("kill_demo_detected", "kill demo", r"dm: demo \(incarnation 1\) failed: killed, status 15"),
            ("demo_restarted", "service list", r"demo\s+\d+ running\s+2\s+1 killed\s+\d+ ms"),
            ("status_records_cause", "service status demo",
             r"incarnation 1: killed at \d+ ms .*serving again at \d+ ms"),
            ("status_shows_policy", "service status demo", r"policy in force:\s*\n# The demo driver"),
            ("dmesg_shows_kill", "dmesg", r"demo\s+\d+ killed by \d+ \(signal 15\)"),
            ("cat_reads_file", "cat /tests/hello.txt", r"Hello from the boot file system\."),
            ("ls_lists_root", "ls /", r"bin/\s*\n.*drivers/"),
            ("exit_status_shown", "ls /nothing", r"\[exit status 1\]"),
            ("bad_program_refused", "/tests/not-a-program", r"not an ELF file"),
            ("unknown_command", "frobnicate", r"frobnicate: command not found"),
            # The console reads for the foreground program only (tests/os/t_tty.c).
            ("foreground_program_reads", "/tests/t_tty read", r"t_tty: reading a line", "running"),
            ("foreground_read_gets_line", "a typed line", r"t_tty: read 'a typed line'"),
            ("background_program_started", "/tests/t_tty bgread &", r"\[\d+\]"),
            ("shell_keeps_input_from_background", "cat /tests/hello.txt", r"Hello from the boot file system\."),
            ("background_reads_refused", None, r"t_tty: [1-9]\d* background reads refused, 0 got a line"),
            ("background_end_reported", "uptime", r"\[\d+ done\]"),
            ("shell_in_shell", "sh", r"Bulkhead shell"),
            ("shell_in_shell_program_reads", "/tests/t_tty read", r"t_tty: reading a line", "running"),
            ("shell_in_shell_read_gets_line", "an inner line", r"t_tty: read 'an inner line'"),
            ("shell_in_shell_exits", "exit", PROMPT_PATTERN),
            ("ctrl_c_program_running", "/tests/t_tty spin", r"t_tty: spinning until interrupted", "running"),
            # An NMI (QEMU's monitor) prints the kernel's process table; the program it interrupted runs on.
            ("nmi_prints_process_table", ("monitor", "nmi"),
             r"kernel: NMI: process table .*\n(?:.*\n)*?\s+\d+\s+\d+\s+t_tty\s+runnable(?:.*\n)*?kernel: NMI: end",
             "running"),
            ("ctrl_c_interrupts_foreground", "\x03", r"\^C\r?\n\[ended by signal 2\]"),
            ("shell_works_after_ctrl_c", "cat /tests/hello.txt", r"Hello from the boot file system\.\r?\n" + PROMPT_PATTERN),
            ("service_down_console_refused", "service down console",
             r"service: console is essential: .*not stopped"),
            # (the new shell's own prompt: the old one prints one as it ends, and typing before the
            # new shell reads could lose characters while the console driver starts)
            ("console_down_brought_back", "/tests/t_tty down",
             r"init: the console driver is not running; starting it again[\s\S]*Bulkhead shell[^\n]*\n"
             + PROMPT_PATTERN),
            ("shell_works_after_console_back", "cat /tests/hello.txt", r"Hello from the boot file system\."),
            # poll and select on standard input beside a socket (tests/os/t_sockapi.c console).
            ("sockapi_console_not_ready", "/tests/t_sockapi console",
             r"t_sockapi: stdin not ready: poll 0 \(revents 0\), select 0, non-blocking read EAGAIN; socket \d+", "running"),
            ("sockapi_console_beside_socket", None,
             r"t_sockapi: console and socket: poll 1 after \d+ ms, stdin 0, socket 1", "running"),
            ("sockapi_console_waits", None, r"t_sockapi: waiting for a line", "running"),
            ("sockapi_console_line_wakes_poll", "typed for poll",
             r"t_sockapi: poll 1 after \d+ ms, stdin 1; read 'typed for poll'"),
        ] + SHELL_SESSION,
    },
]

# Every NIC with a driver, and the QEMU device that gives it (the e100 boots
# use the 82557B; the 82559ER and the 82801 are the same driver, other ids).
NET_NICS = (("rtl8139", "rtl8139,romfile="), ("ne2000", "ne2k_pci,romfile="),
            ("ne2000_isa", "ne2k_isa,iobase=0x300,irq=9"), ("e100", "i82557b,romfile="),
            ("e1000", "e1000,romfile="))

# Raw Ethernet through each NIC's driver, against the host peer (tests/netpeer.py).
NET_CASES = [
    "attached", "peer_answers", "host_to_guest_all_sizes", "broadcast_received",
    "other_unicast_filtered", "guest_to_host_sent", "send_batch_one_kick", "malformed_batch_refused", "survives_garbage",
    "send_batch_from_tx_area",
    "send_batch_kicked_once", "send_async_answers_in_area", "send_async_needs_area",
    "recv_batch_at_most_batch_frames",
    "one_notification_per_burst",
    "recv_batch_says_what_is_left", "send_batch_brings_back_arrivals",
    "send_batch_small_receive_area_refused", "posted_area_filled_when_frames_come",
    "posted_area_says_frames_after_a_request",
    "revoked_post_frames_received_as_usual",
    "traffic_resumes_after_kill", "kill_resume_prompt", "traffic_resumes_after_crash",
    "traffic_resumes_after_crash_mid_recv_batch", "traffic_resumes_after_crash_mid_send_batch",
    "bus_master_only_with_dma", "driver_has_only_its_device", "listed_client_may_restart", "stalled_driver_restarted",
    "traffic_resumes_after_stall", "swallowing_driver_restarted", "swallowing_driver_replaced",
]
NET_PEER_CASES = [
    "hello_from_guest", "host_to_guest_none_lost", "guest_to_host_all_sizes", "checksums_filled",
    "ring_full_done", "garbage_then_probe", "burst_sent", "resumes_after_kill", "resumes_after_crash", "resumes_after_crash_mid_recv_batch",
    "resumes_after_crash_mid_send_batch", "resumes_after_stall",
]
# The drivers that must hold their transmitter for the tests (NET_TEST_TX_HOLD), so that
# their full transmit ring, and the interrupt that says it has room again, are tested
# (the rtl8139 in C+ mode; its classic mode cannot).
NET_RING_FULL_CASES = {nic: ["send_ring_full_then_room", "send_async_full_ring_answers_short"] for nic in ("rtl8139", "e100", "e1000", "ne2000", "ne2000_isa")}
for _nic, _device in NET_NICS:
    BOOTS.append({
        "config": f"test-net-{_nic}",
        "proves": f"raw Ethernet through the {_nic} driver: every size both ways byte-exact, "
                  "filtering, garbage, traffic resuming after the driver is killed (within 500 ms), after it "
                  "crashes and after it silently stops transmitting (restarted by its liveness "
                  "limit), a restart asked by its listed client, and the driver holding only its "
                  "own device",
        "nic": _device,
        "cases": NET_CASES + NET_RING_FULL_CASES.get(_nic, []),
        "peer_cases": NET_PEER_CASES,
        "stop": r"\[test\] summary:",
    })

# The rtl8139 driver drives QEMU's chip (an RTL8139C+) in C+ mode (descriptor rings); its
# classic mode (ring buffer, four transmit slots), kept for the chips before the C+, gets the
# same raw-Ethernet tests with the driver argument "classic".
next(b for b in BOOTS if b["config"] == "test-net-rtl8139")["console"] = [
    ("cplus_mode_on_a_cplus_chip", r"rtl8139: [^\n]*, C\+ mode, DMA at physical"),
    ("cplus_kicks_once_a_batch", r"send_batch_kicked_once: [^\n]* with [12] transmit kicks"),
    ("cplus_sends_from_tx_area", r"send_batch_from_tx_area: [1-9]\d* of the stream's batches")]
BOOTS.append({
    "config": "test-net-rtl8139-classic",
    "proves": "the rtl8139 driver's classic mode (asked for with the argument classic): every raw-Ethernet "
              "test of its C+ mode",
    "nic": "rtl8139,romfile=",
    "cases": NET_CASES,
    "peer_cases": NET_PEER_CASES,
    "console": [("classic_mode_when_asked", r"rtl8139: [^\n]*, classic mode, DMA at physical"),
                ("classic_has_no_doorbell", r"send_batch_kicked_once: [^\n]* with 0 transmit kicks"),
                ("classic_has_no_tx_area", r"send_batch_from_tx_area: 0 of the stream's batches")],
    "stop": r"\[test\] summary:",
})

# The e100 driver on the 8255x variants other than the 82557B: same tests, other device ids.
for _variant in ("i82559er", "i82801"):
    BOOTS.append({
        "config": f"test-net-e100-{_variant}",
        "proves": f"the e100 driver on QEMU's {_variant}: every raw-Ethernet test of the 82557B",
        "nic": f"{_variant},romfile=",
        "cases": NET_CASES + NET_RING_FULL_CASES["e100"],
        "peer_cases": NET_PEER_CASES,
        "stop": r"\[test\] summary:",
    })

# Hostile frames from the wire through each NIC's driver (tests/netpeer.py run_wire).
WIRE_CASES = [
    "absent_device_refused", "attached", "peer_answers", "wire_stream_ended",
    "wire_driver_not_restarted", "bystander_intact",
]
WIRE_PEER_CASES = ["hello_from_guest", "wire_every_probe_answered"]
for _nic, _device in NET_NICS:
    BOOTS.append({
        "config": f"test-wire-{_nic}",
        "proves": f"the {_nic} driver against a seeded stream of hostile frames (every boundary "
                  "length from 1 to 65,507 bytes, storms, back-to-back bursts): every probe in "
                  "between answered, no restart, a bystander's memory intact; and a NIC driver "
                  "without its device refuses to start, saying why",
        "nic": _device,
        "peer_script": "wire",
        "cases": WIRE_CASES,
        "peer_cases": WIRE_PEER_CASES,
        "stop": r"\[test\] summary:",
    })

# The same system on QEMU's q35 machine (ICH9: PCI Express host bridge, the ISA devices behind
# the LPC bridge), where the IOMMU (Intel VT-d) lives: the shell session and the rtl8139 tests.
Q35 = {"machine": "q35"}
for _config in ("default", "test-net-rtl8139"):
    BOOTS.append(dict(next(b for b in BOOTS if b["config"] == _config), name=f"q35-{_config}", **Q35))

# And on q35 with its IOMMU (Intel VT-d; QEMU wants it before the NICs, and interrupt
# remapping off, which Bulkhead does not use): every device reaches only its driver's DMA buffers.
Q35_IOMMU = {"machine": "q35", "devices_first": ["-device", "intel-iommu,intremap=off"]}
for _config in ("default", "test-net-rtl8139", "test-net-e1000", "test-net-e100"):
    BOOTS.append(dict(next(b for b in BOOTS if b["config"] == _config), name=f"q35-iommu-{_config}", **Q35_IOMMU))

# Hostile DMA (tests/os/t_dma.c), the host peer (tests/dmapeer.py) sending the frames the
# devices write. With the IOMMU: every attack refused; a driver killed mid-DMA; the IOMMU
# driver killed, crashed and stopped.
BOOTS.append({
    "config": "test-dma",
    "name": "q35-iommu-test-dma",
    "proves": "with the IOMMU, hostile RTL8139 drivers cannot make the NIC write the host's frames into the "
              "kernel's code, another process's page or a page they freed, nor send the kernel's code; each "
              "attempt is refused, logged and counted against the driver, the kernel and the victim are "
              "unchanged, a driver whose device keeps faulting is restarted; a driver killed mid-DMA has its "
              "old ring unmapped before its pages are reused (late writes refused and logged, the new owner's "
              "pages untouched); the IOMMU driver killed or crashed comes back with the domains rebuilt, "
              "while it is stopped DMA drivers are refused, and DMA works after",
    "nic": "rtl8139,romfile=",
    "peer": "dma",
    "cases": [
        "dma_victim_started", "dma_iommu_policy_started", "dma_write_to_kernel_blocked",
        "dma_write_to_other_process_blocked",
        "dma_write_to_freed_page_blocked", "dma_read_from_kernel_blocked", "dma_faulting_driver_restarted",
        "dma_killed_driver_late_writes_blocked", "dma_freed_ring_not_written_after_reuse",
        "dma_restarted_driver_receives", "iommu_killed_domains_rebuilt", "iommu_crashed_domains_rebuilt",
        "dma_driver_refused_while_iommu_down", "dma_traffic_after_iommu_back",
        "dma_victim_unchanged", "dma_kernel_code_unchanged",
    ],
    "peer_cases": ["flood_frames_sent", "no_kernel_code_on_wire"],
    "stop": r"\[test\] summary:",
    **Q35_IOMMU,
})
# The same hostile drivers on plain pc, no IOMMU: the known limit, shown only where it harms
# nothing but the test's own victim page (and the kernel's code read out onto the wire).
BOOTS.append({
    "config": "test-dma",
    "proves": "KNOWN LIMIT without an IOMMU: a DMA driver's device can write another process's memory and "
              "send the kernel's code (documented, not prevented); the kernel's code stays unchanged",
    "nic": "rtl8139,romfile=",
    "peer": "dmahole",
    "cases": ["dma_victim_started", "known_limit_dma_unconfined_without_iommu", "dma_unconfined_reported",
              "dma_iommu_policy_refused", "dma_kernel_code_unchanged"],
    "console": [("boot_log_says_dma_unconfined", r"dm: rtl8139: DMA unconfined: no IOMMU")],
    "peer_cases": ["flood_frames_sent", "known_limit_kernel_code_on_wire"],
    "stop": r"\[test\] summary:",
})
# The network server inet on a NIC driver, against a host peer speaking ARP, IPv4
# and ICMP (tests/ippeer.py); the guest kills the driver in the middle of a ping stream,
# then makes it crash (t_inject: ud2 in its nic_send) in the middle of another.
INET_CASES = [
    "inet_started", "inet_attached", "socket_bad_input_refused", "socket_of_another_process",
    "socket_bad_grant", "tcp_bad_input_refused", "socket_close", "echod_started", "peer_signals_kill",
    "driver_killed_mid_ping", "inet_reattached", "answers_after_restart", "in_flight_resent",
    "peer_signals_crash", "driver_crashed_mid_ping", "inet_reattached_after_crash", "answers_after_crash",
    "in_flight_resent_after_crash", "peer_done", "inet_batches_checked_out", "inet_sends_without_waiting", "inet_killed_call_fails",
    "old_socket_stays_dead", "inet_restarted",
]
INET_PEER_CASES = [
    "arp_resolved", "echo_all_sizes", "bad_echo_ignored", "udp_echo_all_sizes",
    "echo_through_driver_restart", "echo_through_driver_crash", "ping_rtt", "udp_rtt_64", "udp_rtt_1400",
] + [kind + again for again in ("", "_again") for kind in (
    "wire_bad_ip_headers", "wire_bad_fragments", "wire_bad_udp_icmp", "wire_bad_tcp", "wire_arp_flood",
    "wire_syn_flood", "wire_rst_flood", "wire_syn_ack_again", "wire_time_wait_reopen",
    "wire_zero_window", "wire_bad_sum_mid_burst")]
for _nic, _device in (("rtl8139", "rtl8139,romfile="), ("ne2000", "ne2k_pci,romfile="),
                      ("ne2000_isa", "ne2k_isa,iobase=0x300,irq=9")):
    BOOTS.append({
        "config": f"test-inet-{_nic}",
        "proves": f"inet on lwIP over the {_nic} driver: ARP, ICMP echo and UDP echo (echod, BSD "
                  "sockets) of every size (fragments too), bad echoes and bad socket calls refused, "
                  "and pings and datagrams answered again after the driver is killed mid-stream, "
                  "and again after it crashes mid-stream (a CPU exception; inet re-attaches by "
                  "itself; the loss is counted and bounded); malformed and flooding input from the wire (two "
                  "rounds) leaves it answering ICMP, UDP and TCP",
        "nic": _device,
        "peer": "ip",
        "cases": INET_CASES,
        "peer_cases": INET_PEER_CASES,
        "stop": r"\[test\] summary:",
        "timeout": 300,          # the default 180 s, plus the two rounds of bad input from the wire
    })
BOOTS.append({
    "config": "test-inet-dhcp",
    "proves": "inet's DHCP client: eth0 configured from QEMU's (restricted) user network",
    "qemu_args": ["-netdev", "user,id=n0,restrict=on", "-device", "rtl8139,netdev=n0,romfile="],
    "cases": ["inet_started", "inet_attached", "dhcp_configured"],
    "stop": r"\[test\] summary:",
})
# The BSD socket API of lib/posix against inet, over loopback (tests/os/t_sockapi.c).
BOOTS.append({
    "config": "test-sockapi",
    "proves": "every socket call of lib/posix (getaddrinfo, inet_pton/ntop, connect/accept, names, "
              "shutdown, SO_REUSEADDR/RCVTIMEO/SNDTIMEO/ERROR/TYPE, TCP_NODELAY, O_NONBLOCK, poll, "
              "select) works and refuses bad input with POSIX's error; garbage sent to inet directly "
              "and callers killed while waiting in it leave it serving",
    "qemu_args": ["-netdev", "user,id=n0,restrict=on", "-device", "rtl8139,netdev=n0,romfile="],
    "cases": ["sockapi_inet_started", "getaddrinfo_numeric", "getaddrinfo_errors", "inet_pton_ntop",
              "tcp_loopback_connect_accept", "getname_errors", "shutdown_both_ways", "sockopt_reuseaddr",
              "sockopt_timeouts", "sockopt_timeout_figures", "sockopt_nodelay_type_error", "nonblock_fcntl",
              "poll_sockets", "poll_figures", "select_sockets", "garbage_refused", "dead_waiters_reclaimed"],
    "stop": r"\[test\] summary:",
})
# The e1000 too, now that its driver does not rewrite RCTL on a restart (QEMU holds
# frames back for 1 s after any RCTL write: with a kill a second the transfers went at
# 14-18% of undisturbed; test-net-e1000's kill_resume_prompt is the direct check).
for _nic, _device in (("rtl8139", "rtl8139,romfile="), ("ne2000", "ne2k_pci,romfile="),
                      ("ne2000_isa", "ne2k_isa,iobase=0x300,irq=9"), ("e100", "i82557b,romfile="),
                      ("e1000", "e1000,romfile=")):
    BOOTS.append({
        "config": f"test-inet-tcp-{_nic}",
        "proves": f"TCP through inet on the {_nic} driver and BSD sockets: 20 MB each way between "
                  "the host and bulkd, byte-exact (CRC-32 at both ends), undisturbed (and, on the "
                  "wire, a new connection's first 16 segments acknowledged one by one, and its windows within "
                  "what the NIC holds: an NE2000's 9 frames; later bursts "
                  "merged before lwIP), with the "
                  "driver killed as each connection is accepted (a duplicate SYN-ACK would make QEMU's "
                  "user network drop data), with it crashing on a new connection's SYN-ACK (sent again to "
                  "its successor at once, not after TCP's timeout), with it killed every second, and with "
                  "it crashing every "
                  "second (ud2 put in its nic_send or receive by t_inject: each death a CPU exception, "
                  "checked); and a deaf driver (its receive made a no-op: it answers everyone, delivers "
                  "nothing) and a refusing one (its batch check made to fail: it answers everyone, sends "
                  "nothing) noticed by inet, which has each restarted",
        "nic": _device,
        "peer": "tcp",
        "cases": ["inet_started", "inet_attached", "bulkd_started", "peer_connected",
                  "driver_killed_at_accept", "driver_crashed_at_synack", "driver_killed_every_second",
                  "driver_crashed_every_second", "tcp_segments_coalesced",
                  "restarts_not_backed_off", "deaf_driver_restarted_by_inet", "deaf_driver_successor_hears",
                  "refusing_driver_restarted_by_inet", "refusing_driver_successor_sends"],
        "peer_cases": ["bulkd_reachable", "tcp_first_segments_acked_at_once", "tcp_window_fits_nic",
                       "tcp_to_guest", "tcp_from_guest",
                       "tcp_to_guest_killed_at_accept", "tcp_synack_lost_to_crash",
                       "tcp_to_guest_driver_killed", "tcp_from_guest_driver_killed",
                       "tcp_to_guest_driver_crashed", "tcp_from_guest_driver_crashed"],
        "stop": r"\[test\] summary:",
        "timeout": 400,
    })

# The network commands from the shell (tests/netcmdpeer.py is the host side): inet configured
# from a file with mistakes in it, ifconfig, ping (slirp answers ICMP echo to 10.0.2.2 even
# under restrict=on), nc both ways (the guest's connect goes to 10.0.2.100:7000, forwarded to
# the peer on 127.0.0.1), netstat, the driver killed during an nc stream, and refusals.
NET_UP = r"eth0: configured  link up"
BOOTS.append({
    "config": "test-netcmd",
    "proves": "ifconfig, ping, nc and netstat against the host through QEMU's restricted user network; "
              "a malformed /etc/net.conf line is named and the rest applies; the rtl8139 driver killed "
              "during an nc transfer leaves the connection working; bad input and non-root changes refused",
    "nic": "rtl8139,romfile=",
    "peer": "netcmd",
    "peer_cases": ["nc_listen_both_ways", "nc_connect_both_ways", "stream_through_restart"],
    "console": [
        ("conf_bad_interface_named", r"inet: /tests/net-bad\.conf:4: the first word must name an interface"),
        ("conf_bad_address_named", r"inet: /tests/net-bad\.conf:5: a dotted IPv4 address must follow"),
        ("conf_bad_word_named", r"inet: /tests/net-bad\.conf:6: unknown word"),
        ("conf_bad_netmask_named", r"inet: /tests/net-bad\.conf:7: the netmask is not contiguous"),
        ("conf_good_line_applied", r"inet: eth0: address 10\.0\.2\.15 netmask 255\.255\.255\.0 gateway 10\.0\.2\.2"),
    ],
    "session": [
        ("netcmd_prompt", None, PROMPT_PATTERN),
        ("ifconfig_shows_eth0", "ifconfig",
         NET_UP + r"\s*\n\s*inet 10\.0\.2\.15  netmask 255\.255\.255\.0  gateway 10\.0\.2\.2  \(static\)\s*\n"
         r"\s*ether 52:54:00:12:34:56\s*\n\s*driver rtl8139 \(endpoint \d+\)  incarnation 1  restarts seen 0\s*\n"
         r"\s*RX packets \d+  bytes \d+  batches \d+  dropped \d+  coalesced \d+\s*\n\s*TX packets \d+  bytes \d+  batches \d+"),
        ("ifconfig_help", "ifconfig --help", r"usage: ifconfig \[IFACE\]"),
        ("ping_gateway", "ping -c 3 -i 0.2 10.0.2.2",
         r"64 bytes from 10\.0\.2\.2: icmp_seq=1 ttl=\d+ time=\d+\.\d{3} ms[\s\S]*"
         r"3 packets transmitted, 3 received, 0% packet loss, time \d+ms\s*\n"
         r"rtt min/avg/max/mdev = \d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3} ms"),
        ("ping_fragmented", "ping -c 1 -s 3000 10.0.2.2", r"3008 bytes from 10\.0\.2\.2: icmp_seq=1 ttl=\d+ time="),
        ("ping_loss_counted", "ping -c 2 -i 0.2 -W 1 10.0.2.99", r"2 packets transmitted, 0 received, 100% packet loss"),
        ("ping_loss_status", "echo $?", r"\n1\r?\n"),
        ("ping_bad_address", "ping 10.0.2", r"ping: 10\.0\.2: not an IPv4 address"),
        ("ping_unknown_option", "ping -q 10.0.2.2", r"ping: -q: unknown option"),
        ("ping_bad_count", "ping -c 0 10.0.2.2", r"ping: -c 0: give a number from 1 to"),
        ("ifconfig_bad_address", "ifconfig eth0 10.0.2.300", r"ifconfig: 10\.0\.2\.300: not an IPv4 address"),
        ("ifconfig_unknown_interface", "ifconfig eth7", r"ifconfig: eth7: no such interface"),
        ("ifconfig_unknown_option", "ifconfig -z", r"ifconfig: -z: unknown option"),
        ("ifconfig_change_needs_root", "runas 1000 /bin/ifconfig eth0 10.0.2.16",
         r"ifconfig: eth0: only uid 0 may change an interface"),
        ("ifconfig_read_by_anyone", "runas 1000 /bin/ifconfig eth0", r"inet 10\.0\.2\.15  netmask"),
        ("nc_unknown_option", "nc -z 10.0.2.2 80", r"nc: -z: unknown option"),
        ("nc_bad_address", "nc 10.0.2 80", r"nc: 10\.0\.2: not an IPv4 address"),
        ("nc_bad_port", "nc -l -p 70000", r"nc: 70000: not a port"),
        ("nc_help", "nc --help", r"usage: nc \[-u\] \[-v\] ADDRESS PORT"),
        ("nc_listen_shows_host_line", "nc -v -l -p 6000", r"hello-from-host", "running"),
        ("nc_listen_sends_typed_line", "typed-in-guest", r"typed-in-guest\r?\n"),
        ("nc_listen_ends_with_peer", "echo $?", r"\n0\r?\n"),
        ("nc_connect_made", "nc -v 10.0.2.100 7000", r"nc: connected to 10\.0\.2\.100 port 7000", "running"),
        ("nc_connect_shows_reply", "typed-to-host", r"reply-from-host", "running"),
        ("nc_ctrl_c_ends_it", "\x03", r"\[ended by signal 2\]"),
        ("nc_stream_flowing", "nc -l -p 6001 &", r"\nstream 20\r?\n"),
        ("netstat_shows_connection", "netstat",
         r"tcp\s+\d+\s+\d+ 10\.0\.2\.15:6001\s+10\.0\.2\.2:\d+\s+ESTABLISHED\s+\d+"),
        ("netstat_tcp_only", "netstat -t", r"Proto Recv-Q Send-Q Local Address\s+Foreign Address\s+State\s+PID"),
        ("netstat_unknown_option", "netstat -x", r"netstat: -x: unknown option"),
        ("kill_driver_during_nc", "kill rtl8139", r"dm: rtl8139 \(incarnation 1\) failed: killed"),
        ("inet_reattached_during_nc", None, r"inet: eth0 re-attached to rtl8139"),
        ("nc_stream_survives_restart", None, r"\nstream-end \d+\r?\n"),
        # (the shell reports the job's end at its next prompt: before `uptime` or after it, as timing has it)
        ("prompt_after_stream", "uptime", r"up \d+\.\d+ s"),
        ("nc_stream_ends_cleanly", None, r"\nstream-end \d+\r?\n(?:.*\n)*?\[\d+ done\]"),
        ("ifconfig_counts_restart", "ifconfig eth0", r"incarnation 2  restarts seen 1"),
        ("ifconfig_sets_address", "ifconfig eth0 10.0.2.16/24 gateway 10.0.2.2", PROMPT_PATTERN),
        ("ifconfig_shows_new_address", "ifconfig eth0", r"inet 10\.0\.2\.16  netmask 255\.255\.255\.0  gateway 10\.0\.2\.2  \(static\)"),
        ("ping_from_new_address", "ping -c 1 10.0.2.2", r"1 packets transmitted, 1 received"),
        ("ifconfig_down", "ifconfig eth0 down", PROMPT_PATTERN),
        ("ping_refused_when_down", "ping -c 1 -W 1 10.0.2.2", r"1 packets transmitted, 0 received|unreachable"),
        ("ifconfig_up_again", "ifconfig eth0 up", PROMPT_PATTERN),
        ("ping_after_up", "ping -c 1 10.0.2.2", r"1 packets transmitted, 1 received"),
    ],
})

# The benchmark boots' contract (the same a Linux guest keeps for tools/bench.py), checked on
# the RTL8139: NET-UP and SRV-READY on the serial line, bulkd reached from 127.0.0.1 through a
# forwarded port, and the shell taking commands afterwards.
BOOTS.append({
    "config": "netbench-rtl8139",
    "proves": "the benchmark contract: inet at 10.0.2.15/24, NET-UP <uptime> once configured with the "
              "link up, SRV-READY once echod and bulkd listen, bulkd's sink reachable through hostfwd on "
              "127.0.0.1, then the shell",
    "nic": "rtl8139,romfile=",
    "peer": "contract",
    "peer_cases": ["bulkd_sink_via_hostfwd"],
    "session": [
        ("net_up_line", None, r"(?m)^NET-UP \d+\.\d\d\r?$"),
        ("srv_ready_after_net_up", None, r"(?m)^NET-UP [\d.]+\r?\n[\s\S]*^SRV-READY\r?$"),
        ("shell_after_contract", "ifconfig eth0", r"inet 10\.0\.2\.15  netmask 255\.255\.255\.0  gateway 10\.0\.2\.2"),
        ("servers_listening", "netstat -l", r"udp\s+\d+\s+\d+ \*:7\s[\s\S]*tcp\s+\d+\s+\d+ \*:500[12]\s"),
    ],
})

# The hybrid image (`make image`) booted as a PC would: from firmware, with no
# SMBIOS family or with one that names no boot configuration, as a real PC's
# model does (GRUB falls back to the default system), as a CD and as a USB
# stick, on BIOS and UEFI. Each runs the default boot's shell session on the
# serial line, then uses the screen and the PS/2 keyboard alone
# (tests/screen.py), killing the keyboard and the screen drivers on the way.
SCREEN_CASES = [
    "screen_shows_prompt", "screen_text_grey", "keyboard_runs_command", "screen_shows_drivers", "screen_shows_kernel_log",
    "keyboard_ctrl_c", "keyboard_killed", "keyboard_works_after_restart", "screen_killed",
    "screen_works_after_restart",
]
_default = next(b for b in BOOTS if b["config"] == "default")
_PC_MODEL = ["-smbios", "type=1,family=Example Laptop 14"]
for _firmware, _media, _what, _args in (("bios", "cd", "SeaBIOS, CD, VGA text", []),
                                        ("bios", "usb", "SeaBIOS, USB stick, VGA text, a PC's model", _PC_MODEL),
                                        ("ovmf", "cd", "64-bit UEFI on q35, CD, framebuffer", []),
                                        ("ovmf", "usb", "64-bit UEFI on q35, USB stick, framebuffer, a PC's model",
                                         _PC_MODEL),
                                        ("ovmf32", "cd", "32-bit UEFI on q35, CD, framebuffer", []),
                                        ("ovmf32", "usb", "32-bit UEFI on q35, USB stick, framebuffer", [])):
    BOOTS.append({
        "config": "default",
        "name": f"image-{_firmware}-{_media}",
        "proves": f"the image boots ({_what}) to the shell; the shell session works on the serial "
                  "line, and on the screen and keyboard, which come back after their drivers are killed",
        "image": (_firmware, _media),
        "qemu_args": _default["qemu_args"] + _args,
        "session": [step for step in _default["session"] if step[0] != "reboot_stops_drivers_then_resets"],
        "screen_cases": SCREEN_CASES,
    })
