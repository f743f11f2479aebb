/* Unit tests for kernel message formatting (kernel/format.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "format.h"

static void check(const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_conversions(void **state)
{
	(void)state;
	check("42 -7 0", "%d %i %d", 42, -7, 0);
	check("-2147483648", "%d", (int32_t)0x80000000);
	check("4294967295", "%u", 0xffffffffu);
	check("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	check("0x1000", "%p", (void *)0x1000);
	check("a%b", "%c%%%c", 'a', 'b');
	check("(null)", "%s", (char *)NULL);
	check("%q", "%q");
}

static void test_width_and_padding(void **state)
{
	(void)state;
	check("0000002a", "%08x", 0x2a);
	check("   42", "%5d", 42);
	check("ab   |", "%-5s|", "ab");
	check("-0042", "%05d", -42);
	check("toolong", "%3s", "toolong");
	check("42", "%ld", 42);
}

static void test_truncation(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(ksnprintf(buf, sizeof buf, "%s", "0123456789"), 10);
	assert_string_equal(buf, "0123456");
	assert_int_equal(ksnprintf(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
	assert_int_equal(ksnprintf(NULL, 0, "abc%d", 12), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conversions),
		cmocka_unit_test(test_width_and_padding),
		cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
