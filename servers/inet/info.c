/*
 * info: what inet says about its sockets (INET_SOCKINFO, for netstat):
 * each slot's type, owner, TCP state, addresses and queues. Anyone may ask;
 * nothing here changes anything.
 */
#include <string.h>
#include <bulkhead/errno.h>
#include "sock.h"

BH_STATIC_ASSERT((int)INET_TCP_LISTEN == (int)LISTEN && (int)INET_TCP_ESTABLISHED == (int)ESTABLISHED &&
                 (int)INET_TCP_TIME_WAIT == (int)TIME_WAIT, "inet.h numbers TCP's states as lwIP does");

static uint32_t udp_queued(const struct sock *s)
{
	uint32_t k, bytes = 0;

	for (k = 0; k < s->count; k++)
		bytes += s->queue[(s->head + k) % RX_QUEUE].p->tot_len;
	return bytes;
}

static void describe_tcp(const struct sock *s, struct inet_sockinfo *out)
{
	const struct tcp_pcb *t = s->tcp;

	out->recv_queue = s->rx ? s->rx->tot_len : 0;
	if (!t) {
		out->state = INET_TCP_CLOSED;
		return;
	}
	out->state = t->state;
	out->local_addr = ip4_addr_get_u32(ip_2_ip4(&t->local_ip));
	out->local_port = t->local_port;
	if (t->state == LISTEN)
		return;                      /* a listener has no peer, no send buffer */
	out->remote_addr = ip4_addr_get_u32(ip_2_ip4(&t->remote_ip));
	out->remote_port = t->remote_port;
	out->send_queue = TCP_SND_BUF - t->snd_buf;
}

static void describe(const struct sock *s, struct inet_sockinfo *out)
{
	memset(out, 0, sizeof *out);
	if (s->owner == EP_NONE)
		return;
	out->number = s->number;
	out->owner = s->owner;
	out->type = s->type;
	if (s->type == INET_TCP) {
		describe_tcp(s, out);
	} else if (s->udp) {
		out->local_addr = ip4_addr_get_u32(ip_2_ip4(&s->udp->local_ip));
		out->local_port = s->udp->local_port;
		out->recv_queue = udp_queued(s);
	}
}

int info_do_sockinfo(message *m)
{
	const struct sock *s = sock_slot(m->inet_req.index);
	struct inet_sockinfo info;
	uint32_t len = m->inet_req.len < sizeof info ? m->inet_req.len : sizeof info;

	if (!s)
		return -ENOENT;
	describe(s, &info);
	return sys_safecopy(m->m_source, m->inet_req.grant, 0, &info, len, SAFECOPY_TO);
}
