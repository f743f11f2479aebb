/*
 * resend: may a frame the dead driver took be sent again? Everything may,
 * except a TCP segment with SYN set. A duplicate of any other frame is
 * harmless: TCP and UDP drop or tolerate it, ping counts it. A duplicate SYN
 * or SYN-ACK is harmless to a correct TCP too, but not to every peer: QEMU's
 * user network (libslirp 4.7) takes the MSS option of any SYN it receives,
 * even on an established connection, and re-sizes the connection's buffers,
 * which throws away the data it holds for us; the peer then sends its FIN
 * early and the stream arrives short. So a SYN is left to TCP's own
 * retransmission, which waits until it is really lost.
 */
#include "resend.h"

#define ETH_HLEN      14
#define ETH_TYPE_OFF  12
#define ETH_TYPE_IPV4 0x0800
#define IP_VHL_OFF    0            /* version (4 bits) and header length in words */
#define IP_FRAG_OFF   6            /* flags and fragment offset */
#define IP_FRAG_MASK  0x1fff
#define IP_PROTO_OFF  9
#define IP_PROTO_TCP  6
#define IP_MIN_HLEN   20
#define TCP_FLAGS_OFF 13
#define TCP_FLAG_SYN  0x02

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

int frame_resendable(const uint8_t *f, uint32_t len)
{
	const uint8_t *ip = f + ETH_HLEN;
	uint32_t hlen;

	if (len < ETH_HLEN + IP_MIN_HLEN || be16(f + ETH_TYPE_OFF) != ETH_TYPE_IPV4)
		return 1;
	hlen = (uint32_t)(ip[IP_VHL_OFF] & 0x0f) * 4;
	if (ip[IP_PROTO_OFF] != IP_PROTO_TCP || hlen < IP_MIN_HLEN || (be16(ip + IP_FRAG_OFF) & IP_FRAG_MASK))
		return 1;                        /* not TCP, or not the fragment with the TCP header */
	if (len < ETH_HLEN + hlen + TCP_FLAGS_OFF + 1)
		return 1;
	return !(ip[hlen + TCP_FLAGS_OFF] & TCP_FLAG_SYN);
}
