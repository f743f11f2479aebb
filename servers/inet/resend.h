/*
 * resend: which of the frames a dead driver had taken may be sent again to
 * its successor (eth.c's resend_in_flight), and what a SYN that TCP sends
 * again leaves out (tcp.c's lwIP output hook). Pure functions on raw
 * frames and headers, unit-tested on the host (tests/unit/test_resend.c).
 */
#ifndef INET_RESEND_H
#define INET_RESEND_H

#include <stdint.h>

/* 1 if f (len bytes) may go out twice, 0 if a duplicate could do harm. */
int frame_resendable(const uint8_t *f, uint32_t len);

/* If TCP header h (hlen bytes with its options) has SYN, its MSS option made NOPs. */
void syn_again_without_mss(uint8_t *h, uint32_t hlen);

#endif
