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

/*
 * Fill in what NET_FRAME_CSUM leaves to the driver: an IPv4 frame's header
 * checksum and, unless it is a fragment, a TCP segment's checksum. 0 if it
 * did (or the frame is not IPv4: nothing to fill); -EINVAL, the frame
 * unchanged, if its headers do not hold together (it goes out as it is).
 */
int net_fill_checksums(uint8_t *frame, uint32_t len);

#endif
