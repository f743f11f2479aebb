/*
 * The Internet checksum (RFC 1071) for inet and the NIC drivers
 * (lib/netdriver/chksum.c): lwIP's LWIP_CHKSUM, and the checksums a frame
 * sent with NET_FRAME_CSUM leaves to its driver.
 */
#ifndef BULKHEAD_CHKSUM_H
#define BULKHEAD_CHKSUM_H

#include <stdint.h>

/* The one's-complement sum of the 16-bit words at data (as they lie in memory; not complemented). */
uint16_t net_sum16(const void *data, int len);

/* Where an IPv4 frame's parts are (net_ipv4_layout). */
struct net_ipv4_layout {
	uint32_t hlen;                 /* the IPv4 header's bytes (after the 14-byte Ethernet header) */
	uint32_t total;                /* the datagram's bytes, header included */
	int tcp;                       /* it holds a whole TCP segment (TCP, not a fragment) */
};

/*
 * Is frame (len bytes) IPv4? 1, its layout in *out, if its headers hold
 * together (the datagram within the frame; a TCP segment's header within
 * the datagram); 0 if it is not IPv4; -EINVAL if they do not.
 */
int net_ipv4_layout(const uint8_t *frame, uint32_t len, struct net_ipv4_layout *out);

/* The sum of TCP's pseudo-header for the IPv4 header at ip and a segment of seg_len bytes (not complemented). */
uint16_t net_tcp_pseudo_sum(const uint8_t *ip, uint32_t seg_len);

/*
 * Fill in what NET_FRAME_CSUM leaves to the driver: an IPv4 frame's header
 * checksum and, unless it is a fragment, a TCP segment's checksum. 0 if it
 * did (or the frame is not IPv4: nothing to fill); -EINVAL, the frame
 * unchanged, if its headers do not hold together (it goes out as it is).
 */
int net_fill_checksums(uint8_t *frame, uint32_t len);

#endif
