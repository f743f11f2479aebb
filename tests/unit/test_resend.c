/*
 * Unit tests for inet's choice of frames to send again after a driver
 * restart (servers/inet/resend.c): every frame but a TCP segment with SYN;
 * for a SYN that TCP sends again losing its MSS option, nothing else; and
 * for the reading of a received connection request.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "resend.h"

#define FRAME_LEN 60
#define IP  14                     /* the IPv4 header's offset in a frame */
#define TCP (IP + 20)              /* the TCP header's, after an IPv4 header without options */

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, ACK = 0x10 };

static uint8_t f[FRAME_LEN];

/* An Ethernet frame with an IPv4 header (no options) for protocol proto. */
static void ipv4(uint8_t proto)
{
	memset(f, 0, sizeof f);
	f[12] = 0x08;
	f[13] = 0x00;
	f[IP] = 0x45;
	f[IP + 9] = proto;
}

static void tcp(uint8_t flags)
{
	ipv4(6);
	f[TCP + 13] = flags;
}

static void syn_segments_are_not_resent(void **state)
{
	tcp(SYN);
	assert_int_equal(frame_resendable(f, FRAME_LEN), 0);
	tcp(SYN | ACK);
	assert_int_equal(frame_resendable(f, FRAME_LEN), 0);
}

static void other_tcp_segments_are(void **state)
{
	static const uint8_t flags[] = { ACK, ACK | FIN, RST, ACK | 0x08 };
	size_t k;

	for (k = 0; k < sizeof flags; k++) {
		tcp(flags[k]);
		assert_int_equal(frame_resendable(f, FRAME_LEN), 1);
	}
}

static void ip_options_move_the_tcp_header(void **state)
{
	tcp(ACK);
	f[IP] = 0x46;                        /* 24-byte IP header: the flags are 4 bytes on */
	f[TCP + 4 + 13] = SYN | ACK;
	assert_int_equal(frame_resendable(f, FRAME_LEN), 0);
}

static void not_tcp_is_resent(void **state)
{
	ipv4(17);                            /* UDP, with the SYN bit's place set */
	f[TCP + 13] = SYN;
	assert_int_equal(frame_resendable(f, FRAME_LEN), 1);
	tcp(SYN);
	f[12] = 0x08;
	f[13] = 0x06;                        /* ARP */
	assert_int_equal(frame_resendable(f, FRAME_LEN), 1);
}

static void later_fragments_are_resent(void **state)
{
	tcp(SYN);
	f[IP + 7] = 0x10;                    /* fragment offset 16: no TCP header here */
	assert_int_equal(frame_resendable(f, FRAME_LEN), 1);
}

static void short_frames_are_not_read_past(void **state)
{
	tcp(SYN);
	assert_int_equal(frame_resendable(f, TCP + 13), 1);   /* the flags byte is not in it */
	assert_int_equal(frame_resendable(f, TCP + 14), 0);
	assert_int_equal(frame_resendable(f, 10), 1);
	f[IP] = 0x41;                        /* header length 4 bytes: nonsense */
	assert_int_equal(frame_resendable(f, FRAME_LEN), 1);
}

static void bare_syn_read(void **state)
{
	static const uint8_t src[4] = { 10, 0, 2, 2 }, dst[4] = { 10, 0, 2, 15 };
	struct tcp_syn syn;

	tcp(SYN);
	memcpy(f + IP + 12, src, 4);
	memcpy(f + IP + 16, dst, 4);
	f[TCP] = 0xb2, f[TCP + 1] = 0x68;                    /* port 45672 */
	f[TCP + 2] = 0x13, f[TCP + 3] = 0x8a;                /* port 5002 */
	f[TCP + 4] = 0x80, f[TCP + 5] = 0x29, f[TCP + 6] = 0x04, f[TCP + 7] = 0x01;
	assert_int_equal(frame_bare_syn(f, FRAME_LEN, &syn), 1);
	assert_memory_equal(syn.ends.src, src, 4);
	assert_memory_equal(syn.ends.dst, dst, 4);
	assert_int_equal(syn.ends.sport, 45672);
	assert_int_equal(syn.ends.dport, 5002);
	assert_int_equal(syn.seq, 0x80290401u);
}

static void only_bare_syns(void **state)
{
	static const uint8_t flags[] = { SYN | ACK, SYN | RST, ACK, FIN | ACK, RST, 0 };
	struct tcp_syn syn;
	size_t k;

	for (k = 0; k < sizeof flags; k++) {
		tcp(flags[k]);
		assert_int_equal(frame_bare_syn(f, FRAME_LEN, &syn), 0);
	}
	tcp(SYN | 0x08);                                     /* PSH and the like do not matter */
	assert_int_equal(frame_bare_syn(f, FRAME_LEN, &syn), 1);
	ipv4(17);
	f[TCP + 13] = SYN;
	assert_int_equal(frame_bare_syn(f, FRAME_LEN, &syn), 0);
	tcp(SYN);
	f[IP + 7] = 0x10;                                    /* a later fragment */
	assert_int_equal(frame_bare_syn(f, FRAME_LEN, &syn), 0);
	tcp(SYN);
	assert_int_equal(frame_bare_syn(f, TCP + 13, &syn), 0);   /* cut before the flags */
}

/* A TCP header: 20 bytes, then the options given, flags as given. */
static uint8_t h[60];

static uint32_t header(uint8_t flags, const uint8_t *opts, uint32_t n)
{
	memset(h, 0xee, sizeof h);
	h[12] = (uint8_t)((20 + n) / 4 << 4);
	h[13] = flags;
	if (n)
		memcpy(h + 20, opts, n);
	return 20 + n;
}

static void syn_again_loses_mss_only(void **state)
{
	static const uint8_t mss[] = { 2, 4, 0x05, 0xb4 };
	static const uint8_t nops[] = { 1, 1, 1, 1 };
	uint8_t before[20];
	uint32_t n = header(SYN | ACK, mss, sizeof mss);

	memcpy(before, h, sizeof before);
	syn_again_without_mss(h, n);
	assert_memory_equal(h + 20, nops, 4);
	assert_memory_equal(h, before, sizeof before);     /* ports, numbers, flags, window as they were */
	assert_int_equal(h[24], 0xee);                      /* nothing past the header */
	n = header(SYN, mss, sizeof mss);
	syn_again_without_mss(h, n);
	assert_memory_equal(h + 20, nops, 4);
}

static void other_options_kept(void **state)
{
	static const uint8_t opts[] = { 1, 3, 3, 7, 2, 4, 0x05, 0xb4, 4, 2, 1, 1 };   /* NOP, wscale, MSS, SACK-OK, NOPs */
	static const uint8_t want[] = { 1, 3, 3, 7, 1, 1, 1, 1, 4, 2, 1, 1 };
	uint32_t n = header(SYN | ACK, opts, sizeof opts);

	syn_again_without_mss(h, n);
	assert_memory_equal(h + 20, want, sizeof want);
}

static void not_syn_untouched(void **state)
{
	static const uint8_t mss[] = { 2, 4, 0x05, 0xb4 };
	uint32_t n = header(ACK, mss, sizeof mss);

	syn_again_without_mss(h, n);
	assert_memory_equal(h + 20, mss, sizeof mss);
	n = header(SYN, NULL, 0);
	syn_again_without_mss(h, n);                        /* no options: nothing to do */
	assert_int_equal(h[20], 0xee);
}

static void malformed_options_untouched(void **state)
{
	static const uint8_t zero_len[] = { 3, 0, 2, 4, 0x05, 0xb4, 1, 1 };
	static const uint8_t past_end[] = { 1, 1, 1, 2, 8, 0x05, 0xb4, 1 };   /* an "MSS" 8 long in 5 bytes */
	static const uint8_t after_eol[] = { 0, 1, 1, 1, 2, 4, 0x05, 0xb4 };
	uint32_t n = header(SYN, zero_len, sizeof zero_len);

	syn_again_without_mss(h, n);
	assert_memory_equal(h + 20, zero_len, sizeof zero_len);
	n = header(SYN, past_end, sizeof past_end);
	syn_again_without_mss(h, n);
	assert_memory_equal(h + 20, past_end, sizeof past_end);
	n = header(SYN, after_eol, sizeof after_eol);
	syn_again_without_mss(h, n);
	assert_memory_equal(h + 20, after_eol, sizeof after_eol);
	n = header(SYN, (const uint8_t[]){ 1, 1, 1, 2 }, 4);  /* the option's length byte past the header */
	syn_again_without_mss(h, n);
	assert_int_equal(h[23], 2);
	assert_int_equal(h[24], 0xee);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syn_segments_are_not_resent),
		cmocka_unit_test(other_tcp_segments_are),
		cmocka_unit_test(ip_options_move_the_tcp_header),
		cmocka_unit_test(not_tcp_is_resent),
		cmocka_unit_test(later_fragments_are_resent),
		cmocka_unit_test(short_frames_are_not_read_past),
		cmocka_unit_test(bare_syn_read),
		cmocka_unit_test(only_bare_syns),
		cmocka_unit_test(syn_again_loses_mss_only),
		cmocka_unit_test(other_options_kept),
		cmocka_unit_test(not_syn_untouched),
		cmocka_unit_test(malformed_options_untouched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
