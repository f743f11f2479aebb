/*
 * Unit tests for the Internet checksum (lib/netdriver/chksum.c): net_sum16
 * is the same as RFC 1071's byte-pair loop (lwIP's algorithm) for every
 * length from 0 to past a full frame, at every alignment, over random and
 * worst-case data, and gives RFC 1071's own example; net_fill_checksums
 * leaves IPv4 and TCP checksums that verify (the receiver's sum over them
 * is all ones), touches nothing else, and changes nothing in a frame whose
 * headers do not hold together.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <bulkhead/chksum.h>
#include <bulkhead/errno.h>

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
			assert_int_equal(net_sum16(buf + a, len), reference(buf + a, len));
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
	assert_int_equal(net_sum16(data, sizeof data), 0xf2dd);
}

#define ETH 14
#define IPH 20

/* An Ethernet frame with an IPv4 header (protocol proto, flags and offset frag) and len - 34 bytes after it. */
static void make_ip(uint8_t *f, uint32_t len, uint8_t proto, uint16_t frag)
{
	uint32_t i, total = len - ETH;

	for (i = 0; i < len; i++)
		f[i] = (uint8_t)(rand() | 1);             /* garbage in the checksum fields too */
	f[12] = 0x08;
	f[13] = 0x00;
	f[ETH] = 0x45;
	f[ETH + 2] = (uint8_t)(total >> 8);
	f[ETH + 3] = (uint8_t)total;
	f[ETH + 6] = (uint8_t)(frag >> 8);
	f[ETH + 7] = (uint8_t)frag;
	f[ETH + 9] = proto;
}

/* The receiver's check: the sum over the header, checksum included, is all ones. */
static int ip_verifies(const uint8_t *f)
{
	return reference(f + ETH, IPH) == 0xffff;
}

static int tcp_verifies(const uint8_t *f, uint32_t len)
{
	uint8_t pseudo[12];
	uint32_t seg = len - ETH - IPH, sum;

	memcpy(pseudo, f + ETH + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 6;
	pseudo[10] = (uint8_t)(seg >> 8);
	pseudo[11] = (uint8_t)seg;
	sum = (uint32_t)reference(pseudo, 12) + reference(f + ETH + IPH, (int)seg);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static void fills_tcp_and_ip(void **state)
{
	static uint8_t f[1514];
	uint32_t len;

	(void)state;
	srand(11);
	for (len = ETH + IPH + 20; len <= sizeof f; len++) {
		make_ip(f, len, 6, 0x4000);               /* don't fragment: not a fragment */
		assert_int_equal(net_fill_checksums(f, len), 0);
		assert_true(ip_verifies(f));
		assert_true(tcp_verifies(f, len));
	}
}

/* Frame padding after the IP datagram is not summed; a fragment's TCP bytes and a UDP datagram are left alone. */
static void only_what_it_should(void **state)
{
	static uint8_t f[200], before[200];

	(void)state;
	make_ip(f, 100, 6, 0);
	f[ETH + 3] = 80;                              /* a datagram of 80 bytes, 20 of padding after it */
	memcpy(before, f, sizeof f);
	assert_int_equal(net_fill_checksums(f, 100), 0);
	assert_true(ip_verifies(f) && tcp_verifies(f, ETH + 80));
	assert_memory_equal(f + ETH + 80, before + ETH + 80, 20);
	make_ip(f, 100, 6, 0x2000);                   /* more fragments */
	memcpy(before, f, sizeof f);
	assert_int_equal(net_fill_checksums(f, 100), 0);
	assert_true(ip_verifies(f));
	assert_memory_equal(f + ETH + IPH, before + ETH + IPH, 100 - ETH - IPH);
	make_ip(f, 100, 17, 0);                       /* UDP */
	memcpy(before, f, sizeof f);
	assert_int_equal(net_fill_checksums(f, 100), 0);
	assert_true(ip_verifies(f));
	assert_memory_equal(f + ETH + IPH, before + ETH + IPH, 100 - ETH - IPH);
}

static void refuse_unchanged(uint8_t *f, uint32_t len)
{
	static uint8_t before[200];

	memcpy(before, f, len);
	assert_int_equal(net_fill_checksums(f, len), -EINVAL);
	assert_memory_equal(f, before, len);
}

static void leaves_what_does_not_hold_together(void **state)
{
	static uint8_t f[200], before[200];

	(void)state;
	make_ip(f, 100, 6, 0);
	f[12] = 0x08;
	f[13] = 0x06;                                 /* ARP: nothing to fill */
	memcpy(before, f, sizeof f);
	assert_int_equal(net_fill_checksums(f, 100), 0);
	assert_memory_equal(f, before, 100);
	assert_int_equal(net_fill_checksums(f, 13), 0);  /* shorter than an Ethernet header */
	make_ip(f, 100, 6, 0);
	refuse_unchanged(f, ETH + IPH - 1);           /* no room for the IP header */
	f[ETH] = 0x65;                                /* IPv6's version */
	refuse_unchanged(f, 100);
	f[ETH] = 0x44;                                /* a header shorter than 20 bytes */
	refuse_unchanged(f, 100);
	f[ETH] = 0x4f;                                /* 60 bytes of header, ... */
	f[ETH + 3] = 50;                              /* ... more than the datagram */
	refuse_unchanged(f, 100);
	f[ETH] = 0x45;
	f[ETH + 3] = 87;                              /* a datagram longer than the frame */
	refuse_unchanged(f, 100);
	f[ETH + 3] = 39;                              /* a TCP header cut short */
	refuse_unchanged(f, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_data),
		cmocka_unit_test(all_ones_carries_most),
		cmocka_unit_test(rfc1071_example),
		cmocka_unit_test(fills_tcp_and_ip),
		cmocka_unit_test(only_what_it_should),
		cmocka_unit_test(leaves_what_does_not_hold_together),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
