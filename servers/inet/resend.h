/*
 * resend: which of the frames a dead driver had taken may be sent again to
 * its successor (eth.c's resend_in_flight), what a SYN that TCP sends
 * again leaves out (tcp.c's lwIP output hook), and what a received bare
 * SYN asks for (tcp.c's reopening from TIME-WAIT). Pure functions on raw
 * frames and headers, unit-tested on the host (tests/unit/test_resend.c).
 */
#ifndef INET_RESEND_H
#define INET_RESEND_H

#include <stdint.h>
#include "wire.h"                      /* struct tcp_ends */

/* 1 if f (len bytes) may go out twice, 0 if a duplicate could do harm. */
int frame_resendable(const uint8_t *f, uint32_t len);

/* A connection request: a TCP segment with SYN and neither ACK nor RST. */
struct tcp_syn {
	struct tcp_ends ends;
	uint32_t seq;
};

/* 1 and *syn filled in if frame f (len bytes) is a connection request, else 0. */
int frame_bare_syn(const uint8_t *f, uint32_t len, struct tcp_syn *syn);

/* If TCP header h (hlen bytes with its options) has SYN, its MSS option made NOPs. */
void syn_again_without_mss(uint8_t *h, uint32_t hlen);

#endif
