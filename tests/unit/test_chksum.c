/*
 * Unit tests for inet's checksum sum (servers/inet/chksum.c): the same as
 * RFC 1071's byte-pair loop (lwIP's algorithm) for every length from 0 to
 * past a full frame, at every alignment, over random and worst-case data;
 * and RFC 1071's own example.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "chksum.h"

#define MAX_LEN 1600
#define ALIGNS  4

/* RFC 1071, section 4.1: 16-bit words as they lie in memory (little-endian here), a last byte padded. */
static uint16_t reference(const uint8_t *p, int len)
{
	uint32_t sum = 0;
	int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;
	if (len & 1)
		sum += p[len - 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void every_length_and_alignment(uint8_t fill)
{
	static uint8_t buf[MAX_LEN + ALIGNS];
	int len, a;

	for (len = 0; len < (int)sizeof buf; len++)
		buf[len] = fill ? fill : (uint8_t)rand();
	for (a = 0; a < ALIGNS; a++)
		for (len = 0; len <= MAX_LEN; len++)
			assert_int_equal(inet_sum16(buf + a, len), reference(buf + a, len));
}

static void random_data(void **state)
{
	(void)state;
	srand(7);
	every_length_and_alignment(0);
}

static void all_ones_carries_most(void **state)
{
	(void)state;
	every_length_and_alignment(0xff);
}

static void rfc1071_example(void **state)
{
	/* 00 01 f2 03 f4 f5 f6 f7: the sum is ddf2 in network order, f2dd as little-endian words. */
	static const uint8_t data[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	(void)state;
	assert_int_equal(inet_sum16(data, sizeof data), 0xf2dd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_data),
		cmocka_unit_test(all_ones_carries_most),
		cmocka_unit_test(rfc1071_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
