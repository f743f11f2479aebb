/*
 * Unit tests for the policy parser (lib/policy): every keyword parses into
 * the record, and every kind of mistake gets its own message with the file
 * and line.
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
		"};\n";

	(void)state;
	assert_int_equal(parse(text), 1);
	assert_string_equal(pol[0].name, "rtl8139");
	assert_int_equal(pol[0].line, 2);
	assert_int_equal(pol[0].n_pci, 2);
	assert_int_equal(pol[0].pci[0].vendor, 0x10ec);
	assert_int_equal(pol[0].pci[1].device, 0x8029);
	assert_int_equal(pol[0].n_io, 2);
	assert_int_equal(pol[0].io[0].base, 0x300);
	assert_int_equal(pol[0].io[0].len, 0x20);
	assert_int_equal(pol[0].io[1].base, 0x3f8);
	assert_int_equal(pol[0].n_mem, 1);
	assert_int_equal(pol[0].mem[0].base, 0xfebf0000u);
	assert_int_equal(pol[0].irqs, (1u << 9) | (1u << 11));
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
}

static void test_watch_keywords(void **state)
{
	(void)state;
	assert_int_equal(parse("driver a { }"), 1);              /* the defaults */
	assert_int_equal(pol[0].cpu_ms, POLICY_CPU_DEFAULT_MS);
	assert_int_equal(pol[0].liveness_ms, POLICY_LIVENESS_DEFAULT_MS);
	assert_int_equal(pol[0].n_clients, 0);
	assert_int_equal(parse("driver a { cpu 0; liveness 0; }"), 1);   /* both off */
	assert_int_equal(pol[0].cpu_ms, 0);
	assert_int_equal(pol[0].liveness_ms, 0);
	assert_int_equal(parse("driver a { cpu 300; liveness 1000; clients inet; clients netclient; }"), 1);
	assert_int_equal(pol[0].cpu_ms, 300);
	assert_int_equal(pol[0].liveness_ms, 1000);
	assert_int_equal(pol[0].n_clients, 2);
	assert_string_equal(pol[0].clients[1], "netclient");
}

static void test_minimal_and_several(void **state)
{
	(void)state;
	assert_int_equal(parse("driver a { }"), 1);
	assert_int_equal(pol[0].n_io, 0);
	assert_int_equal(parse("driver a { irq 3; };\ndriver b { irq 4; io 60:1; }\n"), 2);
	assert_string_equal(pol[1].name, "b");
	assert_int_equal(pol[1].irqs, 1u << 4);
	assert_int_equal(parse("driver a{irq 3;}"), 1);           /* no spaces needed */
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
	{ "driver a { dma 1; }", "'dma' takes no value" },
	{ "driver a { cpu 10; }", "cpu 10 ms is too short" },
	{ "driver a { cpu 1 2; }", "expected ms of CPU" },
	{ "driver a { cpu 100; cpu 200; }", "'cpu' is given twice" },
	{ "driver a { liveness 20; }", "liveness 20 ms is too short" },
	{ "driver a { liveness x; }", "expected ms a driver may hold work" },
	{ "driver a { clients averyveryverylongname; }", "expected a client's label" },
	{ "driver a { clients a b c d e; }", "too many clients (at most 4)" },
	{ "driver a { irq 3 { ; }", "expected ';' to end the statement, found '{'" },
	{ "driver a { irq 3; } driver a { }", "driver 'a' is defined twice" },
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
	assert_int_equal(parse("driver a{} driver b{} driver c{} driver d{} driver e{}"), -1);
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
	};
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
