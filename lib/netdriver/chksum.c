/*
 * chksum: the Internet checksum (RFC 1071; interface in
 * include/bulkhead/chksum.h). net_sum16 is what lwIP's own
 * lwip_standard_chksum returns (the words as they lie in memory, from the
 * first byte on; a last odd byte as the low half of a word; not
 * complemented). Its main loop adds eight 32-bit words per round into a
 * 64-bit sum, two instructions a word (inline assembly: C has no carry
 * flag, and GCC's 64-bit sum on i686 takes five); the rest, under 32
 * bytes, goes four bytes at a time; the sum is folded once at the end. inet runs
 * it over every frame it sends or receives, so it is the one loop in the
 * data path that is not a copy. x86 loads need no alignment;
 * __builtin_memcpy says so to the compiler (programs are built
 * freestanding: a plain memcpy would be a call per word).
 *
 * net_fill_checksums does, for a frame sent with NET_FRAME_CSUM, what a NIC
 * with checksum offload does (a driver whose NIC has none calls it): every
 * length it reads is checked against the frame first.
 */
#include <string.h>
#include <bulkhead/chksum.h>
#include <bulkhead/errno.h>

#define ROUND 32                      /* bytes per round of sum_rounds' add-with-carry chain */

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

/*
 * The sum of rounds * ROUND bytes at p as 32-bit words, 64 bits wide. Each
 * word is an add and an add-with-carry of 0 into the high half: QEMU's
 * TCG works out the carry of an add inline, where the carry of an adc
 * (a chain of them, one instruction a word) costs it a helper call.
 */
static uint64_t sum_rounds(const uint8_t *p, uint32_t rounds)
{
	uint32_t lo = 0, hi = 0;

	if (rounds == 0)
		return 0;
	__asm__("1:\taddl 0(%[p]), %[lo]\n\tadcl $0, %[hi]\n"
	        "\taddl 4(%[p]), %[lo]\n\tadcl $0, %[hi]\n"
	        "\taddl 8(%[p]), %[lo]\n\tadcl $0, %[hi]\n"
	        "\taddl 12(%[p]), %[lo]\n\tadcl $0, %[hi]\n"
	        "\taddl 16(%[p]), %[lo]\n\tadcl $0, %[hi]\n"
	        "\taddl 20(%[p]), %[lo]\n\tadcl $0, %[hi]\n"
	        "\taddl 24(%[p]), %[lo]\n\tadcl $0, %[hi]\n"
	        "\taddl 28(%[p]), %[lo]\n\tadcl $0, %[hi]\n"
	        "\tlea 32(%[p]), %[p]\n\tdecl %[n]\n\tjnz 1b"
	        : [lo] "+r"(lo), [hi] "+r"(hi), [p] "+r"(p), [n] "+r"(rounds)
	        : "m"(*(const uint8_t (*)[rounds * ROUND])p)
	        : "cc");
	return (uint64_t)hi << 32 | lo;
}

uint16_t net_sum16(const void *data, int len)
{
	const uint8_t *p = data;
	uint32_t rounds = len > 0 ? (uint32_t)len / ROUND : 0;
	uint64_t sum = sum_rounds(p, rounds);
	uint16_t half;

	p += rounds * ROUND;
	len -= (int)(rounds * ROUND);
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
