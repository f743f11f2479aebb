/*
 * wire: the Ethernet, IPv4 and TCP header fields inet reads from raw
 * frames itself, before lwIP sees them or after lwIP made them (resend.c,
 * coalesce.c): their offsets and bits, big-endian reads, and a segment's
 * end points. Header-only, as the host unit tests build those files alone.
 */
#ifndef INET_WIRE_H
#define INET_WIRE_H

#include <stdint.h>
#include <string.h>

#define ETH_HLEN      14
#define ETH_TYPE_OFF  12
#define ETH_TYPE_IPV4 0x0800

#define IP_VHL_OFF    0            /* version (4 bits) and header length in words */
#define IP_LEN_OFF    2            /* the datagram's length */
#define IP_FRAG_OFF   6            /* flags and fragment offset */
#define IP_FRAG_MASK  0x1fff
#define IP_PROTO_OFF  9
#define IP_CSUM_OFF   10
#define IP_SRC_OFF    12
#define IP_DST_OFF    16
#define IP_PROTO_TCP  6
#define IP_MIN_HLEN   20           /* without options */

#define TCP_SPORT_OFF 0
#define TCP_DPORT_OFF 2
#define TCP_SEQ_OFF   4
#define TCP_ACK_OFF   8
#define TCP_HLEN_OFF  12           /* data offset, in words (high nibble) */
#define TCP_FLAGS_OFF 13
#define TCP_WIN_OFF   14
#define TCP_CSUM_OFF  16
#define TCP_MIN_HLEN  20           /* the options follow */
#define TCP_FLAG_SYN  0x02
#define TCP_FLAG_RST  0x04
#define TCP_FLAG_PSH  0x08
#define TCP_FLAG_ACK  0x10

/* Where a TCP segment came from and goes to. */
struct tcp_ends {
	uint8_t  src[4], dst[4];      /* IPv4 addresses, as on the wire */
	uint16_t sport, dport;        /* host order */
};

static inline uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t be32(const uint8_t *p)
{
	return be16(p) << 16 | be16(p + 2);
}

/* The end points of the segment with IPv4 header ip and TCP header tcp. */
static inline void tcp_ends_of(const uint8_t *ip, const uint8_t *tcp, struct tcp_ends *e)
{
	memcpy(e->src, ip + IP_SRC_OFF, sizeof e->src);
	memcpy(e->dst, ip + IP_DST_OFF, sizeof e->dst);
	e->sport = (uint16_t)be16(tcp + TCP_SPORT_OFF);
	e->dport = (uint16_t)be16(tcp + TCP_DPORT_OFF);
}

#endif
