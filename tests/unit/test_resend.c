/*
 * Unit tests for inet's choice of frames to send again after a driver
 * restart (servers/inet/resend.c): every frame but a TCP segment with SYN.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syn_segments_are_not_resent),
		cmocka_unit_test(other_tcp_segments_are),
		cmocka_unit_test(ip_options_move_the_tcp_header),
		cmocka_unit_test(not_tcp_is_resent),
		cmocka_unit_test(later_fragments_are_resent),
		cmocka_unit_test(short_frames_are_not_read_past),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
