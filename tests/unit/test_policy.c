/*
 * Unit tests for the policy parser and rules (lib/policy): every keyword
 * parses into the record, every kind of mistake gets its own message with
 * the file and line, the kernel's own hardware and memory that may be RAM
 * are refused, and two policies clash over hardware unless both share it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <bulkhead/policy.h>
#include <bulkhead/kcall.h>

static struct policy pol[4];
static char err[POLICY_ERR_MAX];

static int parse(const char *text)
{
	return policy_parse(text, strlen(text), "t.conf", pol, 4, err, sizeof err);
}

static void test_every_keyword(void **state)
{
	const char *text =
		"# a full policy\n"
		"driver rtl8139 {\n"
		"    binary      /drivers/rtl8139;\n"
		"    pci device  10ec/8139 10EC/8029;\n"
		"    io          300:20 3f8:8;\n"
		"    memory      febf0000:1000;\n"
		"    irq         9 11;\n"
		"    ipc         pm ds inet;\n"
		"    kernel      DEVIO SAFECOPY IRQCTL UMAP;\n"
		"    heartbeat   500;\n"
		"    restart     10;\n"
		"    backoff     100 5000;\n"
		"    public;\n"
		"    dma;\n"
		"    io          2f8:8 shared;\n"
		"    irq         3 shared;\n"
		"};\n";

	(void)state;
	assert_int_equal(parse(text), 1);
	assert_string_equal(pol[0].name, "rtl8139");
	assert_int_equal(pol[0].line, 2);
	assert_int_equal(pol[0].n_pci, 2);
	assert_int_equal(pol[0].pci[0].vendor, 0x10ec);
	assert_int_equal(pol[0].pci[1].device, 0x8029);
	assert_int_equal(pol[0].n_io, 3);
	assert_int_equal(pol[0].io[0].base, 0x300);
	assert_int_equal(pol[0].io[0].len, 0x20);
	assert_int_equal(pol[0].io[1].base, 0x3f8);
	assert_int_equal(pol[0].n_mem, 1);
	assert_int_equal(pol[0].mem[0].base, 0xfebf0000u);
	assert_int_equal(pol[0].irqs, (1u << 3) | (1u << 9) | (1u << 11));
	assert_int_equal(pol[0].n_ipc, 3);
	assert_string_equal(pol[0].ipc[2], "inet");
	assert_true(bit_test(pol[0].kcalls, KC_DEVIO));
	assert_true(bit_test(pol[0].kcalls, KC_UMAP));
	assert_false(bit_test(pol[0].kcalls, KC_DMAALLOC));
	assert_int_equal(pol[0].heartbeat_ms, 500);
	assert_int_equal(pol[0].restart_limit, 10);
	assert_int_equal(pol[0].backoff_base_ms, 100);
	assert_int_equal(pol[0].backoff_max_ms, 5000);
	assert_int_equal(pol[0].flags, POLICY_PUBLIC | POLICY_DMA);
	assert_string_equal(pol[0].binary, "/drivers/rtl8139");
	assert_int_equal(pol[0].binary_line, 3);
	assert_int_equal(pol[0].io_shared, 1u << 2);
	assert_int_equal(pol[0].io_line[2], 15);
	assert_int_equal(pol[0].irqs_shared, 1u << 3);
	assert_int_equal(pol[0].irq_line[11], 7);
	assert_int_equal(pol[0].ipc_line[1], 8);
}

static void test_watch_keywords(void **state)
{
	(void)state;
	assert_int_equal(parse("driver a { binary /d/a; }"), 1);  /* the defaults */
	assert_int_equal(pol[0].cpu_ms, POLICY_CPU_DEFAULT_MS);
	assert_int_equal(pol[0].liveness_ms, POLICY_LIVENESS_DEFAULT_MS);
	assert_int_equal(pol[0].n_clients, 0);
	assert_int_equal(parse("driver a { binary /d/a; cpu 0; liveness 0; }"), 1);   /* both off */
	assert_int_equal(pol[0].cpu_ms, 0);
	assert_int_equal(pol[0].liveness_ms, 0);
	assert_int_equal(parse("driver a { binary /d/a; cpu 300; liveness 1000; clients inet; clients netclient; }"), 1);
	assert_int_equal(pol[0].cpu_ms, 300);
	assert_int_equal(pol[0].liveness_ms, 1000);
	assert_int_equal(pol[0].n_clients, 2);
	assert_string_equal(pol[0].clients[1], "netclient");
	assert_int_equal(parse("driver a { binary /d/a; cpu 50; liveness 250; heartbeat 10; }"), 1);   /* the floors */
	assert_int_equal(pol[0].cpu_ms, POLICY_CPU_MIN_MS);
	assert_int_equal(pol[0].liveness_ms, POLICY_LIVENESS_MIN_MS);
	assert_int_equal(pol[0].heartbeat_ms, POLICY_HEARTBEAT_MIN_MS);
	assert_int_equal(parse("driver a { binary /d/a; liveness 600000; }"), 1);
	assert_int_equal(pol[0].liveness_ms, POLICY_MS_MAX);
}

static void test_minimal_and_several(void **state)
{
	(void)state;
	assert_int_equal(parse("driver a { binary /a; }"), 1);
	assert_int_equal(pol[0].n_io, 0);
	assert_int_equal(parse("driver a { irq 3; binary /a; };\ndriver b { irq 4; io 60:1; binary /b; }\n"), 2);
	assert_string_equal(pol[1].name, "b");
	assert_int_equal(pol[1].irqs, 1u << 4);
	assert_int_equal(parse("driver a{irq 3;binary /a;}"), 1);  /* no spaces needed */
}

/* Each bad input, the message it must give (a substring) and the line. */
static const struct { const char *text, *message; } bad[] = {
	{ "", "t.conf:1: no 'driver NAME" },
	{ "# only a comment\n", "t.conf:2: no 'driver NAME" },
	{ "service a { }", "t.conf:1: expected 'driver NAME {', found 'service'" },
	{ "driver { }", "t.conf:1: expected a driver name" },
	{ "driver averyveryverylongname { }", "t.conf:1: expected a driver name" },
	{ "driver a irq 3;", "t.conf:1: expected '{' after 'driver a'" },
	{ "driver a {\n irq 3;\n", "t.conf:3: expected '}' to close driver a" },
	{ "driver a {\n irq 3\n}", "t.conf:3: expected ';' to end the statement, found '}'" },
	{ "driver a { irq 3", "t.conf:1: expected ';' after 'irq'" },
	{ "driver a {\n\n frobnicate 3;\n}", "t.conf:3: unknown statement 'frobnicate'" },
	{ "driver a { irq; }", "t.conf:1: expected a value after 'irq'" },
	{ "driver a { irq 16; }", "expected an IRQ line from 1 to 15, found '16'" },
	{ "driver a { irq nine; }", "expected an IRQ line from 1 to 15, found 'nine'" },
	{ "driver a { irq 0; }", "IRQ 0 is the kernel's" },
	{ "driver a { irq 2; }", "IRQ 2 is the kernel's" },
	{ "driver a { io 300; }", "expected a port range as base:length in hex" },
	{ "driver a { io 300:zz; }", "expected a port range as base:length in hex" },
	{ "driver a { io ffff:2; }", "runs past port ffff" },
	{ "driver a { io 300:0; }", "is empty or runs past port ffff" },
	{ "driver a { io 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1; }", "too many port ranges" },
	{ "driver a { memory fe000100:1000; }", "must be whole pages" },
	{ "driver a { memory fffff000:2000; }", "must be whole pages inside 4 GiB" },
	{ "driver a { pci 10ec/8139; }", "expected 'pci device VVVV/DDDD;'" },
	{ "driver a { pci device 10ec; }", "expected a PCI id as vendor/device" },
	{ "driver a { pci device 10ec0/8139; }", "expected a PCI id as vendor/device" },
	{ "driver a { kernel DEVIO FROB; }", "'FROB' is not a kernel call a driver may be given" },
	{ "driver a { kernel PRIVCTL; }", "'PRIVCTL' is not a kernel call a driver may be given" },
	{ "driver a { kernel SHUTDOWN; }", "'SHUTDOWN' is not a kernel call" },
	{ "driver a { ipc averyveryverylongname; }", "expected a process label" },
	{ "driver a { heartbeat; }", "expected a value after 'heartbeat'" },
	{ "driver a { heartbeat 5; }", "too short" },
	{ "driver a { heartbeat 1 2; }", "expected one period in ms" },
	{ "driver a { heartbeat 99999999999; }", "expected one period in ms" },
	{ "driver a { heartbeat 100; heartbeat 200; }", "'heartbeat' is given twice" },
	{ "driver a { backoff 500 100; }", "backoff maximum 100 is below its base" },
	{ "driver a { backoff 500; }", "expected 'backoff BASE MAX;'" },
	{ "driver a { restart -1; }", "expected how many failures" },
	{ "driver a { public yes; }", "'public' takes no value" },
	{ "driver a { dma 1; }", "expected 'dma;' or 'dma iommu;', found '1'" },
	{ "driver a { dma iommu 1; }", "expected 'dma;' or 'dma iommu;'" },
	{ "driver a { binary /x; kernel DMACTL; }", "only /drivers/iommu may have the kernel call DMACTL" },
	{ "driver a { binary /x; memory fed90000:1000; }", "the IOMMU's registers" },
	{ "driver a { cpu 10; }", "cpu 10 ms is too short" },
	{ "driver a { cpu 1 2; }", "expected ms of CPU" },
	{ "driver a { cpu 100; cpu 200; }", "'cpu' is given twice" },
	{ "driver a { liveness 20; }", "liveness 20 ms is too short" },
	{ "driver a { liveness 249; }", "liveness 249 ms is too short (at least 250)" },
	{ "driver a { liveness 600001; }", "(0: not checked), at most 600000" },
	{ "driver a { liveness x; }", "expected ms a driver may hold work" },
	{ "driver a { clients averyveryverylongname; }", "expected a client's label" },
	{ "driver a { clients a b c d e; }", "too many clients (at most 4)" },
	{ "driver a { irq 3 { ; }", "expected ';' to end the statement, found '{'" },
	{ "driver a { binary /a; } driver a { binary /a; }", "driver 'a' is defined twice" },
	/* binary: required, one absolute path */
	{ "driver a {\n irq 3;\n}", "t.conf:1: driver a: expected 'binary /PATH;'" },
	{ "driver a { binary drivers/a; }", "expected 'binary /PATH;'" },
	{ "driver a { binary /a /b; }", "expected 'binary /PATH;'" },
	{ "driver a { binary /a; binary /a; }", "'binary' is given twice" },
	{ "driver a { binary /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; }", "too long" },
	/* shared: the last word of io, memory or irq */
	{ "driver a { binary /a; irq shared; }", "t.conf:1: expected a value before 'shared'" },
	{ "driver a { binary /a; io shared 300:8; }", "found 'shared'" },
	/* the kernel's hardware, at the line that names it */
	{ "driver a { binary /a;\n io 300:8 20:2; }", "t.conf:2: ports 20:2 are the kernel's: the interrupt controller" },
	{ "driver a { binary /a; io a0:2; }", "the second interrupt controller" },
	{ "driver a { binary /a; io 40:1; }", "the timer (PIT)" },
	{ "driver a { binary /a; io 60:2; }", "the timer gate" },
	{ "driver a { binary /a; io 10:8; }", "the DMA controller" },
	{ "driver a { binary /a; io 92:1; }", "resets the machine" },
	{ "driver a { binary /a; io f4:1; }", "the shutdown port" },
	{ "driver a { binary /a; io 604:2; }", "the ACPI power-off register" },
	{ "driver a { binary /a; io cf8:8; }", "ports cf8:8 are the kernel's: the PCI configuration ports" },
	{ "driver a { binary /a; io cf9:1; }", "cf9 resets the machine" },
	{ "driver a { binary /drivers/pci; io 20:1; }", "the interrupt controller" },
	/* memory: device memory only */
	{ "driver a { binary /a;\n\n memory 1000:1000; }", "t.conf:3: memory 1000:1000 may be RAM" },
	{ "driver a { binary /a; memory 9f000:2000; }", "may be RAM" },
	{ "driver a { binary /a; memory 100000:1000; }", "may be RAM" },
	{ "driver a { binary /a; memory bffff000:2000; }", "may be RAM" },
	{ "driver a { binary /a; memory fee00000:1000; }", "the local APIC" },
	{ "driver a { binary /a; memory fec00000:1000; }", "the I/O APIC" },
	{ "driver a { irq $; }", "unexpected character '$'" },
	{ "driver a { irq \001; }", "unexpected character (code not printable)" },
};

static void test_errors(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int n = parse(bad[i].text);
		if (n != -1 || !strstr(err, bad[i].message))
			fail_msg("input %u: %s\n  got %d, message '%s'\n  want '%s'", i, bad[i].text, n, err, bad[i].message);
	}
}

static void test_too_many_blocks(void **state)
{
	(void)state;
	assert_int_equal(parse("driver a{binary /a;} driver b{binary /a;} driver c{binary /a;} "
	                       "driver d{binary /a;} driver e{binary /a;}"), -1);
	assert_non_null(strstr(err, "too many driver blocks"));
}

static void test_kcall_names(void **state)
{
	(void)state;
	assert_int_equal(policy_kcall("DEVIO"), KC_DEVIO);
	assert_int_equal(policy_kcall("devio"), -1);
	assert_string_equal(policy_kcall_name(KC_SAFECOPY), "SAFECOPY");
	assert_null(policy_kcall_name(KC_PRIVCTL));
}

static void test_error_buffer_is_bounded(void **state)
{
	char small[12];

	(void)state;
	memset(small, 'x', sizeof small);
	assert_int_equal(policy_parse("bogus", 5, "a-long-file-name.conf", pol, 4, small, sizeof small), -1);
	assert_int_equal(small[sizeof small - 1], '\0');
}

static void test_hardware_allowed(void **state)
{
	(void)state;
	assert_int_equal(parse("driver pci { binary /drivers/pci; io cf8:8; }"), 1);   /* the PCI server only */
	assert_int_equal(parse("driver a { binary /a; io 2f8:8 3f8:8 300:20 80:1 22:1e 62:2; }"), 1);
	assert_int_equal(parse("driver a { binary /a; memory a0000:20000 c0000000:1000 febf0000:1000; }"), 1);
	assert_int_equal(parse("driver a { binary /a; memory fffff000:1000; }"), 1);
	assert_null(policy_kernel_ports(0xcf9, 1, 1));
	assert_non_null(policy_kernel_ports(0xcf9, 1, 0));
	assert_non_null(policy_kernel_ports(0x1e, 4, 0));         /* straddles into the PIC */
	assert_null(policy_kernel_ports(0x1e, 2, 0) ? NULL : policy_kernel_ports(0x22, 2, 0));
	assert_non_null(policy_kernel_memory(0xfedff000u, 0x2000));
	assert_false(policy_device_memory(0xfffff000u, 0x2000));  /* past 4 GiB */
	assert_true(policy_device_memory(0xa0000, 0x60000));
	assert_false(policy_device_memory(0xa0000, 0x61000));
}

/* a's clash with b: -1 and the line in a, or 0. */
static int clash(const char *a, const char *b, uint32_t *line)
{
	static struct policy pa, pb;
	char what[POLICY_ERR_MAX];

	assert_int_equal(parse(a), 1);
	pa = pol[0];
	assert_int_equal(parse(b), 1);
	pb = pol[0];
	err[0] = '\0';
	if (policy_clash(&pa, &pb, line, what, sizeof what) < 0) {
		strcpy(err, what);
		return -1;
	}
	return 0;
}

static void test_clashes(void **state)
{
	uint32_t line = 0;

	(void)state;
	assert_int_equal(clash("driver a { binary /a;\n io 300:20; }", "driver b { binary /b; io 310:1; }", &line), -1);
	assert_int_equal(line, 2);
	assert_non_null(strstr(err, "ports 300:20 overlap b's 310:1, and not both say 'shared'"));
	assert_int_equal(clash("driver a { binary /a; io 300:20 shared; }", "driver b { binary /b; io 310:1; }", &line), -1);
	assert_int_equal(clash("driver a { binary /a; io 300:20; }", "driver b { binary /b; io 310:1 shared; }", &line), -1);
	assert_int_equal(clash("driver a { binary /a; io 300:20 shared; }", "driver b { binary /b; io 310:1 shared; }", &line), 0);
	assert_int_equal(clash("driver a { binary /a; io 300:20; }", "driver b { binary /b; io 320:8 2f8:8; }", &line), 0);
	assert_int_equal(clash("driver a { binary /a; io 300:20; io 2f8:8 shared; }",
	                       "driver b { binary /b; io 2f8:8 shared; io 2f0:8; }", &line), 0);
	assert_int_equal(clash("driver a { binary /a;\n irq 3 5; }", "driver b { binary /b; irq 4 5; }", &line), -1);
	assert_int_equal(line, 2);
	assert_non_null(strstr(err, "IRQ 5 is also b's"));
	assert_int_equal(clash("driver a { binary /a; irq 5 shared; }", "driver b { binary /b; irq 5; }", &line), -1);
	assert_int_equal(clash("driver a { binary /a; irq 5 shared; }", "driver b { binary /b; irq 5 shared; }", &line), 0);
	assert_int_equal(clash("driver a { binary /a; memory fe000000:2000; }",
	                       "driver b { binary /b; memory fe001000:1000; }", &line), -1);
	assert_non_null(strstr(err, "memory fe000000:2000 overlaps b's fe001000:1000"));
	assert_int_equal(clash("driver a { binary /a; memory fe000000:2000 shared; }",
	                       "driver b { binary /b; memory fe001000:1000 shared; }", &line), 0);
	assert_int_equal(clash("driver a { binary /a; memory fe000000:1000; }",
	                       "driver b { binary /b; memory fe001000:1000; }", &line), 0);
}

static void test_system_labels(void **state)
{
	(void)state;
	assert_true(policy_system_label("pm"));
	assert_true(policy_system_label("ds"));
	assert_true(policy_system_label("inet"));
	assert_false(policy_system_label("d"));
	assert_false(policy_system_label("dss"));
	assert_false(policy_system_label(""));
	assert_false(policy_system_label("rtl8139"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_keyword),
		cmocka_unit_test(test_minimal_and_several),
		cmocka_unit_test(test_watch_keywords),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_too_many_blocks),
		cmocka_unit_test(test_kcall_names),
		cmocka_unit_test(test_error_buffer_is_bounded),
		cmocka_unit_test(test_hardware_allowed),
		cmocka_unit_test(test_clashes),
		cmocka_unit_test(test_system_labels),
	};
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
