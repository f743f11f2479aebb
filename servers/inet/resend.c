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
 *
 * TCP's own retransmission meets the same bug when it is our peer's answer
 * that was lost (a driver died as it came): the peer is established, holds
 * data for us, and our SYN-ACK comes again. So a SYN that TCP sends again
 * goes without its MSS option (syn_again_without_mss, called from lwIP's
 * output through tcp.c): a correct peer that saw the first one keeps that
 * MSS, one that did not assumes 536 bytes (RFC 9293 3.7.1), slower but
 * intact; the buggy one keeps its buffers.
 *
 * frame_bare_syn picks out a received connection request (SYN without ACK
 * or RST) for tcp.c's reopening of connections in TIME-WAIT.
 */
#include <string.h>
#include "resend.h"

#define TCPOPT_EOL    0
#define TCPOPT_NOP    1
#define TCPOPT_MSS    2
#define TCPOLEN_MSS   4

/* The TCP header of frame f (len bytes), its flags byte inside the frame;
   NULL if f is not IPv4 TCP, or not the fragment with the TCP header. */
static const uint8_t *tcp_header(const uint8_t *f, uint32_t len)
{
	const uint8_t *ip = f + ETH_HLEN;
	uint32_t hlen;

	if (len < ETH_HLEN + IP_MIN_HLEN || be16(f + ETH_TYPE_OFF) != ETH_TYPE_IPV4)
		return NULL;
	hlen = (uint32_t)(ip[IP_VHL_OFF] & 0x0f) * 4;
	if (ip[IP_PROTO_OFF] != IP_PROTO_TCP || hlen < IP_MIN_HLEN || (be16(ip + IP_FRAG_OFF) & IP_FRAG_MASK))
		return NULL;
	if (len < ETH_HLEN + hlen + TCP_FLAGS_OFF + 1)
		return NULL;
	return ip + hlen;
}

int frame_resendable(const uint8_t *f, uint32_t len)
{
	const uint8_t *tcp = tcp_header(f, len);

	return !tcp || !(tcp[TCP_FLAGS_OFF] & TCP_FLAG_SYN);
}

int frame_bare_syn(const uint8_t *f, uint32_t len, struct tcp_syn *syn)
{
	const uint8_t *tcp = tcp_header(f, len), *ip = f + ETH_HLEN;

	if (!tcp || (tcp[TCP_FLAGS_OFF] & (TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_RST)) != TCP_FLAG_SYN)
		return 0;
	tcp_ends_of(ip, tcp, &syn->ends);
	syn->seq = be32(tcp + TCP_SEQ_OFF);
	return 1;
}

/* The MSS option of the TCP segment header h (hlen bytes, options included)
   made NOPs if it has SYN set; the header's length does not change. */
void syn_again_without_mss(uint8_t *h, uint32_t hlen)
{
	uint32_t at = TCP_MIN_HLEN, optlen;

	if (hlen <= TCP_MIN_HLEN || !(h[TCP_FLAGS_OFF] & TCP_FLAG_SYN))
		return;
	while (at < hlen && h[at] != TCPOPT_EOL) {
		optlen = h[at] == TCPOPT_NOP ? 1 : at + 1 < hlen ? h[at + 1] : 0;
		if (optlen == 0 || at + optlen > hlen)
			return;                  /* malformed: leave it as it is */
		if (h[at] == TCPOPT_MSS && optlen == TCPOLEN_MSS)
			memset(h + at, TCPOPT_NOP, TCPOLEN_MSS);
		at += optlen;
	}
}
