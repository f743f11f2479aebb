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
            "fault_textwrite", "fault_kjump",
            "bystander_alive", "bystander_finished",
        ],
    },
    {
        "config": "test-preempt",
        "proves": "the timer preempts a spinning process; a manager can kill it",
        "cases": ["preempt_no_starvation", "preempt_round_robin", "kill_by_manager"],
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
            "vdevio_vector_in_kernel", "kcall_privctl_self", "kcall_trace", "kcall_shutdown",
            "kcall_kill", "kcall_fork", "kcall_number_end", "kcall_number_large",
            "kcall_number_negative", "ipc_send_not_in_record", "ipc_notify_not_in_record",
            "ipc_sendrec_not_in_record", "ipc_send_dead_endpoint", "ipc_send_stale_generation",
            "ipc_send_slot_out_of_range", "ipc_send_pseudo_endpoint",
            "ipc_bad_message_pointer", "ipc_bad_operation", "grant_read_allowed",
            "grant_write_allowed", "grant_reused_slot_new_id", "grant_random_id",
            "grant_negative_id", "grant_revoked_id", "grant_reused_slot_old_id",
            "grant_someone_elses", "grant_read_on_write_only", "grant_write_on_read_only",
            "grant_past_the_end", "grant_offset_past_the_end", "grant_offset_length_overflow",
            "grant_local_buffer_in_kernel", "grant_local_buffer_unmapped",
            "grant_local_buffer_read_only", "grant_dead_granter",
            "grant_granter_without_table", "grant_bad_direction", "grant_table_in_kernel",
            "grant_indirect_allowed", "grant_chain_too_deep", "grant_chain_cycle",
            "grant_indirect_wider_rights", "grant_indirect_offset_overflow",
            "grant_indirect_past_original", "vsafecopy_one_bad_entry",
            "vsafecopy_nothing_copied", "vsafecopy_allowed", "vsafecopy_too_long",
            "irq_policy_not_owned", "irq_enable_someone_elses_hook",
            "irq_disable_someone_elses_hook", "irq_release_someone_elses_hook",
            "irq_clock_line", "irq_line_out_of_range", "irq_bad_operation", "mapmem_kernel",
            "mapmem_other_process", "mapmem_vga_not_in_record", "mapmem_page_zero",
            "mapmem_unaligned", "mapmem_zero_length", "mapmem_wraps", "umap_kernel",
            "umap_unmapped", "umap_own_memory", "dma_alloc", "dma_usable", "dma_over_limit",
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
        ],
        "stop": r"\[test\] summary:",
        "timeout": 300,
    },
    {
        "config": "test-hostile",
        "proves": "an ordinary user cannot manage drivers, take labels, kill others, spawn, publish or "
                  "exhaust tables, memory or processes; every table empties when its holder dies",
        "cases": [
            "starts_as_admin", "user_cannot_start_driver", "user_cannot_take_label",
            "user_cannot_stop_driver", "user_cannot_spawn", "user_cannot_kill_others",
            "user_cannot_publish", "user_subscriptions_capped", "user_process_limit",
            "user_limit_frees_on_wait", "user_may_kill_own", "user_cannot_runas_root", "user_attacks_done",
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
        "proves": "make run boots to the shell with the RTL8139 driver running; a person lists "
                  "drivers, kills one, and sees it restarted with the cause recorded",
        "qemu_args": ["-netdev", "user,id=n0,restrict=on", "-device", "rtl8139,netdev=n0,romfile="],
        # (case, what to type at the prompt, what the output must then show)
        "session": [
            ("shell_prompt", None, r"bulkhead# "),
            ("service_list_shows_drivers", "service list",
             r"console\s+\d+ running\s+1\s+0 .*\n.*demo\s+\d+ running\s+1\s+0"),
            ("rtl8139_running", "service list", r"rtl8139\s+\d+ running\s+1\s+0"),
            ("lspci_shows_owner", "lspci", r"10ec:8139 network\s+irq \d+\s+io [0-9a-f]+\+100 mem [0-9a-f]+\+100\s+\[rtl8139, endpoint \d+\]"),
            ("ps_shows_drivers_unprivileged", "ps", r"\d+ recv\s+any\s+2 .* P\s+11\s+2\s+1\s+1\s+0\s+0 demo"),
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
        ],
    },
]

# Raw Ethernet through each NIC's driver, against the host peer (tests/netpeer.py).
NET_CASES = [
    "attached", "peer_answers", "host_to_guest_all_sizes", "broadcast_received",
    "other_unicast_filtered", "guest_to_host_sent", "survives_garbage",
    "traffic_resumes_after_kill", "traffic_resumes_after_crash", "bus_master_only_with_dma",
    "driver_has_only_its_device",
]
NET_PEER_CASES = [
    "hello_from_guest", "host_to_guest_none_lost", "guest_to_host_all_sizes",
    "garbage_then_probe", "resumes_after_kill", "resumes_after_crash",
]
for _nic, _device in (("rtl8139", "rtl8139,romfile="), ("ne2000", "ne2k_pci,romfile="),
                      ("ne2000_isa", "ne2k_isa,iobase=0x300,irq=9")):
    BOOTS.append({
        "config": f"test-net-{_nic}",
        "proves": f"raw Ethernet through the {_nic} driver: every size both ways byte-exact, "
                  "filtering, garbage, traffic resuming after the driver is killed and after it "
                  "crashes, and the driver holding only its own device",
        "nic": _device,
        "cases": NET_CASES,
        "peer_cases": NET_PEER_CASES,
        "stop": r"\[test\] summary:",
    })

# The network server inet on a NIC driver, against a host peer speaking ARP, IPv4
# and ICMP (tests/ippeer.py); the guest kills the driver in the middle of a ping stream.
INET_CASES = [
    "inet_started", "inet_attached", "socket_bad_input_refused", "socket_of_another_process",
    "socket_bad_grant", "tcp_bad_input_refused", "socket_close", "echod_started", "peer_signals_kill",
    "driver_killed_mid_ping", "inet_reattached", "answers_after_restart", "in_flight_resent", "peer_done", "inet_killed_call_fails",
    "old_socket_stays_dead", "inet_restarted",
]
INET_PEER_CASES = [
    "arp_resolved", "echo_all_sizes", "bad_echo_ignored", "udp_echo_all_sizes",
    "echo_through_driver_restart", "ping_rtt", "udp_rtt_64", "udp_rtt_1400",
]
for _nic, _device in (("rtl8139", "rtl8139,romfile="), ("ne2000", "ne2k_pci,romfile="),
                      ("ne2000_isa", "ne2k_isa,iobase=0x300,irq=9")):
    BOOTS.append({
        "config": f"test-inet-{_nic}",
        "proves": f"inet on lwIP over the {_nic} driver: ARP, ICMP echo and UDP echo (echod, BSD "
                  "sockets) of every size (fragments too), bad echoes and bad socket calls refused, "
                  "and pings and datagrams answered again after the driver is killed mid-stream "
                  "(inet re-attaches by itself)",
        "nic": _device,
        "peer": "ip",
        "cases": INET_CASES,
        "peer_cases": INET_PEER_CASES,
        "stop": r"\[test\] summary:",
    })
BOOTS.append({
    "config": "test-inet-dhcp",
    "proves": "inet's DHCP client: eth0 configured from QEMU's (restricted) user network",
    "qemu_args": ["-netdev", "user,id=n0,restrict=on", "-device", "rtl8139,netdev=n0,romfile="],
    "cases": ["inet_started", "inet_attached", "dhcp_configured"],
    "stop": r"\[test\] summary:",
})
# Only the RTL8139 for now: the NE2000 (PCI and ISA) stops receiving for good after
# a few kills in a row during a transfer (its driver's restart does not revive the card).
for _nic, _device in (("rtl8139", "rtl8139,romfile="),):
    BOOTS.append({
        "config": f"test-inet-tcp-{_nic}",
        "proves": f"TCP through inet on the {_nic} driver and BSD sockets: 20 MB each way between "
                  "the host and bulkd, byte-exact (CRC-32 at both ends), undisturbed and with the "
                  "driver killed every second",
        "nic": _device,
        "peer": "tcp",
        "cases": ["inet_started", "inet_attached", "bulkd_started", "peer_connected",
                  "driver_killed_every_second"],
        "peer_cases": ["bulkd_reachable", "tcp_to_guest", "tcp_from_guest", "tcp_to_guest_driver_killed",
                       "tcp_from_guest_driver_killed"],
        "stop": r"\[test\] summary:",
        "timeout": 400,
    })
