/*
 * coalesce: received TCP segments merged before lwIP sees them (what Linux
 * calls generic receive offload). A burst of one connection's segments, in
 * order, in one batch from the driver goes up as one segment: one pass
 * through lwIP's IP and TCP input instead of one per frame, and one ACK for
 * the burst instead of one per two segments (eth.c forces it; tcp.c's
 * tcp_ack_coalesced). Every checksum is checked here, frame by frame,
 * before anything is merged. Pure functions on raw frames, unit-tested on
 * the host (tests/unit/test_coalesce.c).
 */
#ifndef INET_COALESCE_H
#define INET_COALESCE_H

#include <stdint.h>
#include "wire.h"                      /* struct tcp_ends */

#define RX_MERGE_MAX 65535u            /* bytes of a merged frame, at most: a pbuf's length is 16 bits */
#define RX_HDRS_MAX  (14 + 20 + 60)    /* Ethernet, IPv4 without options, TCP with the most options */

/* A received data segment that may be merged with the ones after it. */
struct rx_seg {
	const uint8_t *frame;
	uint32_t len;                 /* the frame's bytes */
	uint32_t hdrs;                /* bytes of its Ethernet, IPv4 and TCP headers: where the payload starts */
	uint32_t payload;             /* bytes after them (the datagram's; any Ethernet padding is not) */
	uint32_t seq;                 /* its sequence number, host order */
	uint16_t payload_sum;         /* net_sum16 of the payload */
	struct tcp_ends ends;
};

/*
 * 1 and *s filled in if frame (len bytes) is an IPv4 TCP segment without
 * IP options that carries data, has ACK and no other flag but PSH, and
 * whose checksums (IPv4 header, TCP) are right; else 0 (it goes up on its
 * own, as it is).
 */
int rx_segment(const uint8_t *frame, uint32_t len, struct rx_seg *s);

/*
 * 1 if b may be merged after a: the same connection, acknowledgement,
 * window and TCP options, b's data just after a's, and a's payload of
 * even length (so that every payload's sum adds up unshifted).
 */
int rx_follows(const struct rx_seg *a, const struct rx_seg *b);

/* The bytes of segs[0..n-1] merged into one frame. */
uint32_t rx_merged_len(const struct rx_seg *segs, uint32_t n);

/*
 * The headers (segs[0].hdrs bytes, into out) of segs[0..n-1] merged: the
 * first's, with the IPv4 length and checksum and the TCP checksum of the
 * whole, and PSH if any had it. The payloads follow them in order.
 */
void rx_merged_headers(const struct rx_seg *segs, uint32_t n, uint8_t *out);

#endif
