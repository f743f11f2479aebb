/*
 * coalesce: which received TCP segments may be merged, and the headers of
 * the merged one (coalesce.h says why). Only the plainest segments merge:
 * IPv4 without options, data with ACK (and PSH), right checksums, one
 * connection, in order, the same acknowledgement, window and options.
 * Anything else, a SYN, FIN, RST, URG, ECN bit, fragment or retransmission
 * out of order, goes up on its own and lwIP treats it as always.
 */
#include <string.h>
#include <bulkhead/chksum.h>
#include "coalesce.h"
#include "wire.h"

static void put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* One's-complement sum of two sums. */
static uint16_t add16(uint32_t a, uint32_t b)
{
	a += b;
	return (uint16_t)((a & 0xffffu) + (a >> 16));
}

/* Store the complement of sum (in memory order, as net_sum16 gives it) as a checksum field at p. */
static void put_csum(uint8_t *p, uint16_t sum)
{
	sum = (uint16_t)~sum;
	memcpy(p, &sum, sizeof sum);
}

int rx_segment(const uint8_t *frame, uint32_t len, struct rx_seg *s)
{
	const uint8_t *ip = frame + ETH_HLEN, *tcp = ip + IP_MIN_HLEN;
	struct net_ipv4_layout l;
	uint32_t thl, seg;
	uint16_t sum;

	if (net_ipv4_layout(frame, len, &l) != 1 || !l.tcp || l.hlen != IP_MIN_HLEN ||
	    net_sum16(ip, IP_MIN_HLEN) != 0xffff)
		return 0;                   /* (a bad header checksum: lwIP counts and drops it) */
	seg = l.total - IP_MIN_HLEN;
	thl = (uint32_t)(tcp[TCP_HLEN_OFF] >> 4) * 4;
	if (thl < TCP_MIN_HLEN || thl >= seg || (tcp[TCP_FLAGS_OFF] & ~TCP_FLAG_PSH) != TCP_FLAG_ACK)
		return 0;
	s->frame = frame;
	s->len = len;
	s->hdrs = ETH_HLEN + IP_MIN_HLEN + thl;
	s->payload = seg - thl;
	s->seq = be32(tcp + TCP_SEQ_OFF);
	s->payload_sum = net_sum16(tcp + thl, (int)s->payload);
	sum = add16(add16(net_tcp_pseudo_sum(ip, seg), net_sum16(tcp, (int)thl)), s->payload_sum);
	if (sum != 0xffff)
		return 0;                   /* (as above) */
	tcp_ends_of(ip, tcp, &s->ends);
	return 1;
}

/* n bytes alike at a and b (inline: a call to memcmp cost more than the compare, once a segment). */
static int same(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	while (n && *a == *b)
		a++, b++, n--;
	return n == 0;
}

int rx_follows(const struct rx_seg *a, const struct rx_seg *b)
{
	const uint8_t *ta = a->frame + ETH_HLEN + IP_MIN_HLEN, *tb = b->frame + ETH_HLEN + IP_MIN_HLEN;

	return a->hdrs == b->hdrs && a->payload % 2 == 0 && b->seq == a->seq + a->payload &&
	       a->ends.sport == b->ends.sport && a->ends.dport == b->ends.dport &&
	       same(a->ends.src, b->ends.src, sizeof a->ends.src) && same(a->ends.dst, b->ends.dst, sizeof a->ends.dst) &&
	       be32(ta + TCP_ACK_OFF) == be32(tb + TCP_ACK_OFF) && be16(ta + TCP_WIN_OFF) == be16(tb + TCP_WIN_OFF) &&
	       same(ta + TCP_MIN_HLEN, tb + TCP_MIN_HLEN, a->hdrs - ETH_HLEN - IP_MIN_HLEN - TCP_MIN_HLEN);
}

uint32_t rx_merged_len(const struct rx_seg *segs, uint32_t n)
{
	uint32_t k, len = segs[0].hdrs;

	for (k = 0; k < n; k++)
		len += segs[k].payload;
	return len;
}

void rx_merged_headers(const struct rx_seg *segs, uint32_t n, uint8_t *out)
{
	uint8_t *ip = out + ETH_HLEN, *tcp = ip + IP_MIN_HLEN;
	uint32_t k, thl = segs[0].hdrs - ETH_HLEN - IP_MIN_HLEN, seg = rx_merged_len(segs, n) - ETH_HLEN - IP_MIN_HLEN;
	uint16_t sum;

	memcpy(out, segs[0].frame, segs[0].hdrs);
	put_be16(ip + IP_LEN_OFF, IP_MIN_HLEN + seg);
	ip[IP_CSUM_OFF] = ip[IP_CSUM_OFF + 1] = 0;
	put_csum(ip + IP_CSUM_OFF, net_sum16(ip, IP_MIN_HLEN));
	for (k = 1; k < n; k++)
		tcp[TCP_FLAGS_OFF] |= segs[k].frame[ETH_HLEN + IP_MIN_HLEN + TCP_FLAGS_OFF] & TCP_FLAG_PSH;
	tcp[TCP_CSUM_OFF] = tcp[TCP_CSUM_OFF + 1] = 0;
	sum = add16(net_tcp_pseudo_sum(ip, seg), net_sum16(tcp, (int)thl));
	for (k = 0; k < n; k++)
		sum = add16(sum, segs[k].payload_sum);
	put_csum(tcp + TCP_CSUM_OFF, sum);
}
