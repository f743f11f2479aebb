/*
 * chksum: the Internet checksum (RFC 1071; interface in
 * include/bulkhead/chksum.h). net_sum16 is what lwIP's own
 * lwip_standard_chksum returns (the words as they lie in memory, from the
 * first byte on; a last odd byte as the low half of a word; not
 * complemented), computed four bytes at a time into a 64-bit sum and
 * folded once at the end: a third of the instructions per byte of lwIP's
 * byte-pair loop, and inet runs it over every frame it sends or receives.
 * x86 loads need no alignment; __builtin_memcpy says so to the compiler
 * (programs are built freestanding: a plain memcpy would be a call per word).
 *
 * net_fill_checksums does, for a frame sent with NET_FRAME_CSUM, what a NIC
 * with checksum offload does (a driver whose NIC has none calls it): every
 * length it reads is checked against the frame first.
 */
#include <string.h>
#include <bulkhead/chksum.h>
#include <bulkhead/errno.h>

#define UNROLL 16                     /* bytes per round of the main loop */

static uint32_t word32(const uint8_t *p)
{
	uint32_t w;

	__builtin_memcpy(&w, p, sizeof w);
	return w;
}

/* 2^32 = 1 (mod 2^16 - 1): folding a wider sum keeps its value in one's complement. */
static uint16_t fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t net_sum16(const void *data, int len)
{
	const uint8_t *p = data;
	uint64_t sum = 0;
	uint16_t half;

	for (; len >= UNROLL; len -= UNROLL, p += UNROLL)
		sum += (uint64_t)word32(p) + word32(p + 4) + word32(p + 8) + word32(p + 12);
	for (; len >= 4; len -= 4, p += 4)
		sum += word32(p);
	if (len >= 2) {
		__builtin_memcpy(&half, p, sizeof half);
		sum += half;
		p += 2;
		len -= 2;
	}
	if (len > 0)
		sum += *p;
	return fold(sum);
}

#define ETH_HLEN       14
#define ETHERTYPE_IPV4 0x0800
#define IP_HLEN_MIN    20
#define IP_PROTO_TCP   6
#define IP_FRAG_BITS   0x3fff         /* more fragments, and the fragment offset */
#define IP_CSUM_AT     10             /* the header checksum's offset in the IPv4 header */
#define TCP_HLEN_MIN   20
#define TCP_CSUM_AT    16             /* the checksum's offset in the TCP header */

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

/* Store the complemented sum at p, as the checksum field (the sum is in memory order). */
static void put_csum(uint8_t *p, uint16_t sum)
{
	sum = (uint16_t)~sum;
	__builtin_memcpy(p, &sum, sizeof sum);
}

uint16_t net_tcp_pseudo_sum(const uint8_t *ip, uint32_t seg_len)
{
	uint8_t pseudo[12];

	__builtin_memcpy(pseudo, ip + 12, 8);           /* source and destination addresses */
	pseudo[8] = 0;
	pseudo[9] = IP_PROTO_TCP;
	pseudo[10] = (uint8_t)(seg_len >> 8);
	pseudo[11] = (uint8_t)seg_len;
	return net_sum16(pseudo, sizeof pseudo);
}

int net_ipv4_layout(const uint8_t *frame, uint32_t len, struct net_ipv4_layout *out)
{
	const uint8_t *ip = frame + ETH_HLEN;

	if (len < ETH_HLEN || be16(frame + 12) != ETHERTYPE_IPV4)
		return 0;
	if (len < ETH_HLEN + IP_HLEN_MIN || ip[0] >> 4 != 4)
		return -EINVAL;
	out->hlen = (ip[0] & 0xfu) * 4;
	out->total = be16(ip + 2);
	if (out->hlen < IP_HLEN_MIN || out->total < out->hlen || out->total > len - ETH_HLEN)
		return -EINVAL;
	out->tcp = ip[9] == IP_PROTO_TCP && !(be16(ip + 6) & IP_FRAG_BITS);
	return out->tcp && out->total - out->hlen < TCP_HLEN_MIN ? -EINVAL : 1;
}

/* TCP's checksum over its pseudo-header and the segment (seg_len bytes at tcp). */
static void fill_tcp(const uint8_t *ip, uint8_t *tcp, uint32_t seg_len)
{
	uint64_t sum;

	tcp[TCP_CSUM_AT] = tcp[TCP_CSUM_AT + 1] = 0;
	sum = (uint64_t)net_tcp_pseudo_sum(ip, seg_len) + net_sum16(tcp, (int)seg_len);
	put_csum(tcp + TCP_CSUM_AT, fold(sum));
}

int net_fill_checksums(uint8_t *frame, uint32_t len)
{
	uint8_t *ip = frame + ETH_HLEN;
	struct net_ipv4_layout l;
	int r = net_ipv4_layout(frame, len, &l);

	if (r <= 0)
		return r;
	if (l.tcp)
		fill_tcp(ip, ip + l.hlen, l.total - l.hlen);
	ip[IP_CSUM_AT] = ip[IP_CSUM_AT + 1] = 0;
	put_csum(ip + IP_CSUM_AT, net_sum16(ip, (int)l.hlen));
	return 0;
}
