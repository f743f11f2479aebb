/*
 * Unit tests for inet's merging of received TCP segments
 * (servers/inet/coalesce.c): which segments qualify (checksum right, data
 * with ACK and nothing but PSH, IPv4 without options), which may follow
 * which, and that a merged run is byte for byte the segment a sender would
 * have sent with all of the run's data at once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <bulkhead/chksum.h>
#include "coalesce.h"

#define IP  14                     /* the IPv4 header's offset in a frame */
#define TCP (IP + 20)              /* the TCP header's, after an IPv4 header without options */
#define MAX_FRAME 1514
#define SEQ0 0xfffffc00u           /* near the wrap: sequence numbers are modulo 2^32 */

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40 };

static uint8_t frames[4][MAX_FRAME];
static uint8_t merged[RX_MERGE_MAX], expected[RX_MERGE_MAX];

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v); }

/* Byte i of the stream the peer sends. */
static uint8_t stream(uint32_t i) { return (uint8_t)(i * 7 + (i >> 8)); }

/* A segment from 10.0.2.2:45672 to 10.0.2.15:5001 with payload bytes [off, off + payload) of the stream, checksums filled in; its length. */
static uint32_t segment(uint8_t *f, uint32_t off, uint32_t payload, uint8_t flags)
{
	static const uint8_t src[4] = { 10, 0, 2, 2 }, dst[4] = { 10, 0, 2, 15 };
	uint32_t k, len = TCP + 20 + payload;

	memset(f, 0, TCP + 20);
	f[12] = 0x08;
	f[IP] = 0x45;
	put16(f + IP + 2, len - IP);
	f[IP + 8] = 64;
	f[IP + 9] = 6;
	memcpy(f + IP + 12, src, 4);
	memcpy(f + IP + 16, dst, 4);
	put16(f + TCP, 45672);
	put16(f + TCP + 2, 5001);
	put32(f + TCP + 4, SEQ0 + off);
	put32(f + TCP + 8, 0x12345678);
	f[TCP + 12] = 0x50;
	f[TCP + 13] = flags;
	put16(f + TCP + 14, 64240);
	for (k = 0; k < payload; k++)
		f[TCP + 20 + k] = stream(off + k);
	assert_int_equal(net_fill_checksums(f, len), 0);
	return len;
}

static int checks(uint8_t *f, uint32_t len)
{
	struct rx_seg s;

	return rx_segment(f, len, &s);
}

static void data_segments_qualify(void **state)
{
	uint32_t len = segment(frames[0], 100, 1460, ACK);
	struct rx_seg s;

	assert_int_equal(rx_segment(frames[0], len, &s), 1);
	assert_int_equal(s.len, len);
	assert_int_equal(s.hdrs, TCP + 20);
	assert_int_equal(s.payload, 1460);
	assert_int_equal(s.seq, SEQ0 + 100);
	assert_int_equal(s.ends.sport, 45672);
	assert_int_equal(s.ends.dport, 5001);
	assert_int_equal(s.ends.src[3], 2);
	assert_int_equal(s.ends.dst[3], 15);
	len = segment(frames[0], 0, 1, ACK | PSH);
	assert_int_equal(checks(frames[0], len), 1);
}

static void padded_frames_count_the_datagram_only(void **state)
{
	uint32_t len = segment(frames[0], 0, 2, ACK);
	struct rx_seg s;

	assert_int_equal(rx_segment(frames[0], 60, &s), 1);   /* Ethernet's minimum: 4 bytes of padding */
	assert_int_equal(s.payload, 2);
	assert_int_equal(s.len, 60);
	assert_int_equal(len, 56);
}

static void bad_checksums_do_not(void **state)
{
	uint32_t len = segment(frames[0], 0, 1000, ACK);

	frames[0][TCP + 20 + 500] ^= 1;
	assert_int_equal(checks(frames[0], len), 0);
	len = segment(frames[0], 0, 1000, ACK);
	frames[0][IP + 8] ^= 1;                               /* the TTL: only the IPv4 header's checksum covers it */
	assert_int_equal(checks(frames[0], len), 0);
}

static void other_flags_do_not(void **state)
{
	static const uint8_t flags[] = { SYN | ACK, FIN | ACK, RST | ACK, URG | ACK, ECE | ACK, 0x80 | ACK, PSH, 0 };
	size_t k;

	for (k = 0; k < sizeof flags; k++)
		assert_int_equal(checks(frames[0], segment(frames[0], 0, 100, flags[k])), 0);
}

static void bare_acks_options_fragments_and_others_do_not(void **state)
{
	uint32_t len = segment(frames[0], 0, 0, ACK);

	assert_int_equal(checks(frames[0], len), 0);          /* no data */
	len = segment(frames[0], 0, 100, ACK);
	frames[0][IP] = 0x46;                                 /* IPv4 options */
	assert_int_equal(checks(frames[0], len), 0);
	len = segment(frames[0], 0, 100, ACK);
	frames[0][IP + 6] = 0x20;                             /* more fragments */
	net_fill_checksums(frames[0], len);
	assert_int_equal(checks(frames[0], len), 0);
	len = segment(frames[0], 0, 100, ACK);
	frames[0][IP + 9] = 17;                               /* UDP */
	assert_int_equal(checks(frames[0], len), 0);
	len = segment(frames[0], 0, 100, ACK);
	assert_int_equal(checks(frames[0], len - 1), 0);      /* the datagram is not all in the frame */
	len = segment(frames[0], 0, 100, ACK);
	frames[0][TCP + 12] = 0xf0;                           /* a TCP header past the datagram's end */
	assert_int_equal(checks(frames[0], len), 0);
}

/* rx_follows for a segment at off0 (payload0 bytes) and one at off1 changed by how (0: not at all). */
static int follows(uint32_t off0, uint32_t payload0, uint32_t off1, void (*how)(uint8_t *))
{
	uint32_t l0 = segment(frames[0], off0, payload0, ACK), l1 = segment(frames[1], off1, 100, ACK | PSH);
	struct rx_seg a, b;

	if (how) {
		how(frames[1]);
		net_fill_checksums(frames[1], l1);
	}
	assert_int_equal(rx_segment(frames[0], l0, &a), 1);
	assert_int_equal(rx_segment(frames[1], l1, &b), 1);
	return rx_follows(&a, &b);
}

static void other_port(uint8_t *f) { f[TCP + 1] ^= 1; }
static void other_source(uint8_t *f) { f[IP + 15] ^= 1; }
static void other_ack(uint8_t *f) { f[TCP + 11] ^= 1; }
static void other_window(uint8_t *f) { f[TCP + 15] ^= 1; }

static void only_the_next_data_of_the_same_connection_follows(void **state)
{
	assert_int_equal(follows(0, 1460, 1460, NULL), 1);
	assert_int_equal(follows(0, 1460, 1461, NULL), 0);    /* a gap */
	assert_int_equal(follows(0, 1460, 0, NULL), 0);       /* a repeat */
	assert_int_equal(follows(0, 1460, 1460, other_port), 0);
	assert_int_equal(follows(0, 1460, 1460, other_source), 0);
	assert_int_equal(follows(0, 1460, 1460, other_ack), 0);
	assert_int_equal(follows(0, 1460, 1460, other_window), 0);
	assert_int_equal(follows(0, 1459, 1459, NULL), 0);    /* an odd payload ends a run */
}

static void different_options_do_not_follow(void **state)
{
	uint8_t *f[2] = { frames[0], frames[1] };
	uint32_t len[2], k;
	struct rx_seg s[2];

	for (k = 0; k < 2; k++) {                              /* 12 bytes of options: NOP NOP timestamps */
		len[k] = segment(f[k], k * 100, 100, ACK);
		memmove(f[k] + TCP + 32, f[k] + TCP + 20, 100);
		memcpy(f[k] + TCP + 20, "\x01\x01\x08\x0a\0\0\0\x01\0\0\0\x02", 12);
		f[k][TCP + 31] = (uint8_t)k;                   /* the echo reply differs */
		f[k][TCP + 12] = 0x80;
		len[k] += 12;
		put16(f[k] + IP + 2, len[k] - IP);
		net_fill_checksums(f[k], len[k]);
		assert_int_equal(rx_segment(f[k], len[k], &s[k]), 1);
		assert_int_equal(s[k].hdrs, TCP + 32);
	}
	assert_int_equal(rx_follows(&s[0], &s[1]), 0);
	f[1][TCP + 31] = 0;
	net_fill_checksums(f[1], len[1]);
	assert_int_equal(rx_segment(f[1], len[1], &s[1]), 1);
	assert_int_equal(rx_follows(&s[0], &s[1]), 1);
}

/* A run merged: the frame a sender would have sent with all its data in one segment. */
static void a_merged_run_is_the_segment_of_all_its_data(void **state)
{
	static const uint32_t payload[4] = { 1460, 1460, 1000, 333 };
	struct rx_seg s[4];
	uint32_t k, off = 0, at, len;

	for (k = 0; k < 4; off += payload[k], k++) {
		len = segment(frames[k], off, payload[k], k == 2 ? ACK | PSH : ACK);
		assert_int_equal(rx_segment(frames[k], len, &s[k]), 1);
		if (k)
			assert_int_equal(rx_follows(&s[k - 1], &s[k]), 1);
	}
	len = rx_merged_len(s, 4);
	assert_int_equal(len, TCP + 20 + off);
	rx_merged_headers(s, 4, merged);
	for (at = s[0].hdrs, k = 0; k < 4; at += s[k].payload, k++)
		memcpy(merged + at, s[k].frame + s[k].hdrs, s[k].payload);
	assert_int_equal(segment(expected, 0, off, ACK | PSH), len);
	assert_memory_equal(merged, expected, len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(data_segments_qualify),
		cmocka_unit_test(padded_frames_count_the_datagram_only),
		cmocka_unit_test(bad_checksums_do_not),
		cmocka_unit_test(other_flags_do_not),
		cmocka_unit_test(bare_acks_options_fragments_and_others_do_not),
		cmocka_unit_test(only_the_next_data_of_the_same_connection_follows),
		cmocka_unit_test(different_options_do_not_follow),
		cmocka_unit_test(a_merged_run_is_the_segment_of_all_its_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
