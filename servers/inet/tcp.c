/*
 * tcp: inet's TCP sockets, on lwIP's raw (callback) API. A connection's
 * received data waits in its pbuf chain until the program reads it, and the
 * window lwIP advertises opens only as it does (tcp_recved), so a slow
 * reader slows the sender instead of filling inet. Over a NIC that holds
 * few frames (an NE2000's ring: 9), the window stays within what it holds
 * (eth_window_cap; window_start says from when), so that no burst
 * overflows it. Sending copies from the program's grant into lwIP's send
 * buffer as far as it has room; a program whose data does not fit waits
 * until acknowledgements make room.
 *
 * A connection that arrives on a listener gets its socket at once (owned by
 * the listener's owner), so no data can arrive before it has somewhere to
 * go; it waits in the listener's backlog until accepted. A connection lwIP
 * drops (reset, aborted, timed out) keeps its socket: the next call on it
 * gets the error.
 */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/server.h>
#include "lwip/timeouts.h"
#include "lwip/priv/tcp_priv.h"        /* (with lwip/prot/tcp.h) the TIME-WAIT list, header macros */
#include "resend.h"
#include "sock.h"

#define SEND_CHUNK TCP_SND_BUF        /* bytes taken from a program per try */
#define MAX_CHAIN  0xffff             /* pbuf_free_header and tcp_recved take 16 bits */
#define DUP_ACKS   4                  /* 3 make a sender retransmit at once (RFC 5681); the first may count as a window update */
#define RECOVER_MS 1000               /* after a driver restart, watch for a stalled sender this long */
#define STALL_MS   20                 /* ... looking this often: QEMU's round trips are a few ms */
#define QUICKACKS  16                 /* segments acknowledged at once after a start or a pause */
#define QUICKACK_IDLE_MS 200          /* ... a pause this long (a sender's window shrinks after it) */
#define ISS_FIRST  6510               /* lwIP's first initial sequence number (its tcp_next_iss) */
#define REOPEN_GAP (0xffff + 2)       /* a reopened connection's ISN past the old one's last (as Linux) */

static uint8_t bounce[SEND_CHUNK];
static u8_t window_ext = 0xff;        /* lwIP's extension slot for the listener hook (passive_open) */

static void stall_check(void *arg);

static void fill_peer(struct sock *s, message *m)
{
	if (!s->tcp)
		return;
	m->inet_sock.addr = ip4_addr_get_u32(ip_2_ip4(&s->tcp->remote_ip));
	m->inet_sock.port = lwip_htons(s->tcp->remote_port);
}

/* The receive window a connection to `remote` may offer, at most (eth_window_cap of its route). */
static uint32_t window_cap(const ip_addr_t *remote)
{
	struct netif *n = ip4_route(ip_2_ip4(remote));

	return n ? eth_window_cap(n) : TCP_WND;
}

/*
 * A new connection's window, within the cap: before a listener's SYN-ACK
 * offers it; after a connect's SYN (lwIP's tcp_connect sets TCP_WND and
 * sends at once), whose offer lwIP never takes back, but the peer's slow
 * start fills it only after our ACKs have offered the cap instead.
 */
static void window_start(struct tcp_pcb *pcb, const ip_addr_t *remote)
{
	uint32_t cap = window_cap(remote);

	if (pcb->rcv_wnd > cap)
		pcb->rcv_wnd = pcb->rcv_ann_wnd = (tcpwnd_size_t)cap;
}

/* The program took len bytes: that much window back, up to the cap (it never has more unread). */
static void window_back(struct tcp_pcb *pcb, uint32_t len)
{
	uint32_t cap = window_cap(&pcb->remote_ip), room = pcb->rcv_wnd < cap ? cap - pcb->rcv_wnd : 0;

	if (len > room)
		len = room;
	if (len)
		tcp_recved(pcb, (u16_t)len);
}

/*
 * Before a close with nothing left unread: lwIP takes a window short of
 * TCP_WND for unread data and resets the connection instead of closing it;
 * a capped window is not that.
 */
static void window_whole(struct tcp_pcb *pcb)
{
	if (pcb->state == ESTABLISHED || pcb->state == CLOSE_WAIT)
		pcb->rcv_wnd = TCP_WND_MAX(pcb);
}

/* lwIP's hook as a listener's connection is taken, before its SYN-ACK. */
static err_t on_passive_open(u8_t id, struct tcp_pcb_listen *l, struct tcp_pcb *pcb)
{
	window_start(pcb, &pcb->remote_ip);
	return ERR_OK;
}

static const struct tcp_ext_arg_callbacks window_hooks = { NULL, on_passive_open };

/* Up to len received bytes into m's grant: the count, 0 at the end, or -errno. */
static int take(struct sock *s, message *m)
{
	uint32_t len = m->inet_sock.len < MAX_CHAIN ? m->inet_sock.len : MAX_CHAIN, off;
	int r;

	if (!s->rx)
		return s->eof || s->shut_rd ? 0 : s->error;
	off = len < s->rx->tot_len ? len : s->rx->tot_len;
	r = sock_copy_chain(s->rx, off, m);
	if (r < 0)
		return r;
	s->rx = pbuf_free_header(s->rx, (u16_t)off);
	if (s->tcp)
		window_back(s->tcp, off);
	fill_peer(s, m);
	return (int)off;
}

/* Hand lwIP as much of m's data as it has room for: the count (0: no room), or -errno. */
static int push(struct sock *s, message *m)
{
	uint32_t n = m->inet_sock.len;
	err_t e;
	int r;

	if (n > tcp_sndbuf(s->tcp))
		n = tcp_sndbuf(s->tcp);
	if (n > SEND_CHUNK)
		n = SEND_CHUNK;
	if (n == 0 || tcp_sndqueuelen(s->tcp) >= TCP_SND_QUEUELEN)
		return 0;
	r = sys_safecopy(m->m_source, m->inet_sock.grant, 0, bounce, n, SAFECOPY_FROM);
	if (r < 0)
		return r;
	e = tcp_write(s->tcp, bounce, (u16_t)n, TCP_WRITE_FLAG_COPY);
	if (e == ERR_MEM)
		return 0;
	if (e != ERR_OK)
		return sock_from_err(e);
	tcp_output(s->tcp);
	return (int)n;
}

/*
 * lwIP acknowledges every second segment and leaves a lone one to its fast
 * timer, up to TCP_TMR_INTERVAL (250 ms) later. A sender in slow start (a
 * new connection, or one idle a while) sends one or two segments and waits
 * for that acknowledgement: every connection began with a 190 ms stall. So,
 * as Linux's quick-ack mode does, the first QUICKACKS segments after a start
 * or a pause of QUICKACK_IDLE_MS are acknowledged at once (tcp_input sends
 * the ACK after this callback).
 */
static void ack_quickly(struct sock *s, struct tcp_pcb *pcb)
{
	uint32_t now = sys_uptime_ms();

	if (now - s->rx_at >= QUICKACK_IDLE_MS)
		s->quickacks = QUICKACKS;
	s->rx_at = now;
	if (s->quickacks) {
		s->quickacks--;
		tcp_set_flags(pcb, TF_ACK_NOW);
	}
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct sock *s = arg;

	if (p && s->shut_rd) {                   /* nobody will read it */
		window_back(pcb, p->tot_len);
		pbuf_free(p);
		return ERR_OK;
	}
	if (!p) {
		s->eof = 1;
	} else {
		ack_quickly(s, pcb);
		if (s->rx)
			pbuf_cat(s->rx, p);
		else
			s->rx = p;
	}
	if (s->waiting && s->pending.m_type == INET_RECVFROM)
		sock_answer(s, take(s, &s->pending));
	sock_event();
	return ERR_OK;
}

/*
 * Acknowledged data freed send buffer. A waiting sender is let in only once
 * there is room for all it asked or for TCP_SNDLOWAT bytes, whichever is
 * less: each acknowledgement frees a segment or two, and waking the program
 * for every one cost a request, a copy and two address-space switches per
 * couple of segments.
 */
static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct sock *s = arg;
	uint32_t want;
	int r;

	want = s->waiting ? s->pending.inet_sock.len : 0;
	if (s->waiting && s->pending.m_type == INET_SENDTO &&
	    tcp_sndbuf(pcb) >= (want < TCP_SNDLOWAT ? want : TCP_SNDLOWAT)) {
		r = push(s, &s->pending);
		if (r != 0)
			sock_answer(s, r);
	}
	sock_event();
	return ERR_OK;
}

/* lwIP has freed the connection (reset, aborted, timed out). */
static void on_err(void *arg, err_t err)
{
	struct sock *s = arg;

	if (!s)
		return;
	s->tcp = NULL;
	s->error = s->connecting && err == ERR_RST ? -ECONNREFUSED : sock_from_err(err);
	s->error_told = 0;
	s->connecting = s->connected = 0;
	if (s->waiting)
		sock_answer(s, s->error);
	sock_event();
}

static void watch(struct sock *s, struct tcp_pcb *pcb)
{
	s->quickacks = QUICKACKS;
	tcp_arg(pcb, s);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct sock *s = arg;

	s->connecting = 0;
	s->connected = 1;
	if (s->waiting && s->pending.m_type == INET_CONNECT)
		sock_answer(s, 0);
	sock_event();
	return ERR_OK;
}

/* The oldest waiting connection's socket number, its peer in m. */
static int pop(struct sock *l, message *m)
{
	int32_t number = l->backlog[0];
	struct sock *c = sock_by_number(number);

	memmove(l->backlog, l->backlog + 1, --l->n_backlog * sizeof l->backlog[0]);
	if (c)
		fill_peer(c, m);
	return number;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct sock *l = arg, *c;

	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	c = l->n_backlog < ACCEPT_QUEUE ? sock_new(l->owner, INET_TCP) : NULL;
	if (!c) {
		tcp_abort(pcb);                      /* no room: the peer gets a reset */
		return ERR_ABRT;
	}
	c->tcp = pcb;
	c->connected = 1;
	ip_set_option(pcb, SOF_REUSEADDR);       /* lwIP wants it on both sides: then a program */
	watch(c, pcb);                           /* asking SO_REUSEADDR may bind over TIME_WAIT */
	l->backlog[l->n_backlog++] = c->number;
	if (l->waiting && l->pending.m_type == INET_ACCEPT)
		sock_answer(l, pop(l, &l->pending));
	sock_event();
	return ERR_OK;
}

int tcp_sock_open(struct sock *s)
{
	s->tcp = tcp_new();
	if (!s->tcp)
		return -ENOMEM;
	if (window_ext == 0xff)
		window_ext = tcp_ext_arg_alloc_id();
	tcp_ext_arg_set_callbacks(s->tcp, window_ext, &window_hooks);   /* (a listener keeps it) */
	watch(s, s->tcp);
	return 0;
}

int tcp_sock_bind(struct sock *s, const ip_addr_t *a, u16_t port)
{
	if (!s->tcp || s->listening || s->connected || s->connecting)
		return -EINVAL;
	return sock_from_err(tcp_bind(s->tcp, a, port));
}

int tcp_sock_listen(struct sock *s, message *m)
{
	struct tcp_pcb *l;
	err_t e = ERR_OK;

	if (s->listening)
		return 0;
	if (!s->tcp || s->connected || s->connecting)
		return -EINVAL;
	l = tcp_listen_with_backlog_and_err(s->tcp, (u8_t)ACCEPT_QUEUE, &e);
	if (!l)
		return sock_from_err(e);
	s->tcp = l;                              /* the unlistening pcb is freed */
	s->listening = 1;
	tcp_arg(l, s);
	tcp_accept(l, on_accept);
	return 0;
}

int tcp_sock_accept(struct sock *s, message *m)
{
	if (!s->listening)
		return -EINVAL;
	if (s->n_backlog)
		return pop(s, m);
	if (m->inet_sock.flags & INET_NONBLOCK)
		return -EAGAIN;
	return sock_wait(s, m, s->rcvtimeo);
}

int tcp_sock_connect(struct sock *s, message *m)
{
	ip_addr_t a;
	err_t e;

	if (s->listening)
		return -EOPNOTSUPP;
	if (s->connected)
		return -EISCONN;
	if (s->connecting)
		return -EALREADY;
	if (!s->tcp)
		return s->error ? s->error : -EINVAL;
	if (m->inet_sock.addr == 0 || m->inet_sock.port == 0)
		return -EINVAL;
	ip_addr_set_ip4_u32(&a, m->inet_sock.addr);
	e = tcp_connect(s->tcp, &a, lwip_ntohs(m->inet_sock.port), on_connected);
	if (e != ERR_OK)
		return sock_from_err(e);
	window_start(s->tcp, &a);                /* (tcp_connect set TCP_WND, and its SYN offered it) */
	s->connecting = 1;
	if (m->inet_sock.flags & INET_NONBLOCK)
		return -EINPROGRESS;
	return sock_wait(s, m, s->sndtimeo);
}

int tcp_sock_send(struct sock *s, message *m)
{
	int r;

	if (s->error)
		return s->error;
	if (!s->connected)
		return -ENOTCONN;
	if (s->shut_wr)
		return -EPIPE;
	if (m->inet_sock.len == 0)
		return 0;
	r = push(s, m);
	if (r != 0)
		return r;
	if (m->inet_sock.flags & INET_NONBLOCK)
		return -EAGAIN;
	return sock_wait(s, m, s->sndtimeo);
}

int tcp_sock_recv(struct sock *s, message *m)
{
	if (s->listening || (!s->connected && !s->rx && !s->eof && !s->error))
		return -ENOTCONN;
	if (s->rx || s->eof || s->shut_rd || s->error)
		return take(s, m);
	if (m->inet_sock.flags & INET_NONBLOCK)
		return -EAGAIN;
	return sock_wait(s, m, s->rcvtimeo);
}

int tcp_sock_shutdown(struct sock *s, message *m)
{
	uint32_t how = m->inet_sock.flags & (INET_SHUT_RD | INET_SHUT_WR);

	if (!how)
		return -EINVAL;
	if (!s->connected || !s->tcp)
		return -ENOTCONN;
	if ((how & INET_SHUT_WR) && !s->shut_wr) {
		s->shut_wr = 1;
		tcp_shutdown(s->tcp, 0, 1);          /* our FIN; the pcb stays */
	}
	if ((how & INET_SHUT_RD) && !s->shut_rd) {
		s->shut_rd = 1;
		if (s->rx) {
			window_back(s->tcp, s->rx->tot_len);
			pbuf_free(s->rx);
			s->rx = NULL;
		}
	}
	return 0;
}

void tcp_sock_close(struct sock *s)
{
	struct sock *c;
	uint32_t k;

	for (k = 0; k < s->n_backlog; k++)       /* connections never accepted */
		if ((c = sock_by_number(s->backlog[k])))
			sock_free(c);
	s->n_backlog = 0;
	if (s->tcp) {
		tcp_arg(s->tcp, NULL);
		if (s->listening) {
			tcp_accept(s->tcp, NULL);
			tcp_close(s->tcp);
		} else {
			tcp_recv(s->tcp, NULL);
			tcp_sent(s->tcp, NULL);
			tcp_err(s->tcp, NULL);
			if (!s->rx)
				window_whole(s->tcp);
			if (s->rx || tcp_close(s->tcp) != ERR_OK)
				tcp_abort(s->tcp);   /* unread data, or no memory to close: reset */
		}
	}
	if (s->rx)
		pbuf_free(s->rx);
	sys_untimeout(stall_check, s);
	s->rx = NULL;
	s->tcp = NULL;
}

/*
 * A driver restarted: frames it had received for this connection, or was
 * sending, may have died with it. What we sent and is not acknowledged goes
 * again now (the peer's acknowledgements may be what died), and
 * acknowledging what we have DUP_ACKS times makes the peer retransmit the
 * first missing segment at once (fast retransmit), and again whenever the
 * sender stalls in the RECOVER_MS after (stall_check); nothing waits for a
 * retransmission timeout. If nothing was lost, the duplicates are ignored.
 */
static void ack_again(struct tcp_pcb *pcb)
{
	int k;

	for (k = 0; k < DUP_ACKS; k++) {
		tcp_set_flags(pcb, TF_ACK_NOW);
		tcp_output(pcb);
	}
}

/*
 * While recovering from a restart: has the sender gone quiet? Several of its
 * segments may have died with the driver. Fast retransmit resends only the
 * first; a sender without NewReno or SACK (QEMU's user network is one) then
 * takes the acknowledgement of that one as the end of its recovery and waits
 * for its retransmission timeout, a second or more, doubling with each
 * restart that hits it. Acknowledging again whenever nothing new has come
 * for STALL_MS makes it resend the next missing segment at once. A sender
 * with nothing outstanding ignores the duplicates.
 */
static void stall_check(void *arg)
{
	struct sock *s = arg;
	uint32_t now = sys_uptime_ms();

	if (!s->tcp || !s->connected || (int32_t)(now - s->recover_until) >= 0)
		return;
	if (s->tcp->rcv_nxt == s->seen_nxt && s->tcp->state == ESTABLISHED)
		ack_again(s->tcp);
	s->seen_nxt = s->tcp->rcv_nxt;
	sys_timeout(STALL_MS, stall_check, s);
}

void tcp_sock_nudge(struct sock *s)
{
	if (!s->tcp || !s->connected)
		return;
	ack_again(s->tcp);
	s->recover_until = sys_uptime_ms() + RECOVER_MS;
	s->seen_nxt = s->tcp->rcv_nxt;
	sys_untimeout(stall_check, s);
	sys_timeout(STALL_MS, stall_check, s);
}

/*
 * After a driver restart: a connection still opening (its SYN or SYN-ACK
 * unanswered) may have lost that segment with the dead driver, and inet does
 * not resend a SYN from its queue (resend.c). Our side goes on only when
 * TCP sends it again, which its timer does after 2.5-3 s, doubling each time,
 * and a driver that keeps dying on the first frame it meets can take every
 * one of them: a connection attempt that dies of it (lwIP gives up on a
 * half-open connection after 20 s). So TCP sends it again now, as its
 * timer would (without the MSS option). How many it sent again.
 */
uint32_t tcp_opening_nudge(void)
{
	struct tcp_pcb *pcb;
	uint32_t n = 0;

	for (pcb = tcp_active_pcbs; pcb; pcb = pcb->next)
		if ((pcb->state == SYN_SENT || pcb->state == SYN_RCVD) && tcp_rexmit_rto_prepare(pcb) == ERR_OK) {
			tcp_rexmit_rto_commit(pcb);
			n++;
		}
	return n;
}

/*
 * lwIP's output hook: a SYN or SYN-ACK its retransmission sends again (the
 * connection's retransmission count is not 0) goes without the MSS option,
 * which QEMU's user network would take as an order to drop what it holds
 * for us (resend.c says why). Everything else goes as lwIP made it.
 */
u32_t *inet_tcp_out_hook(struct pbuf *p, struct tcp_hdr *hdr, const struct tcp_pcb *pcb, u32_t *opts)
{
	LWIP_UNUSED_ARG(p);
	if (pcb && pcb->nrtx)
		syn_again_without_mss((uint8_t *)hdr, TCPH_HDRLEN_BYTES(hdr));
	return opts;
}

/*
 * A SYN for a connection of ours in TIME-WAIT (we closed first; its peer
 * has now picked the same port again, as hosts do) would be answered with
 * an ACK for the old connection, the peer's RST ignored (RFC 1337), and
 * the new connection refused for the whole 2 MSL (120 s). As RFC 1122
 * (4.2.2.13) allows and Linux does, a SYN whose sequence number is past
 * everything the old connection received ends the TIME-WAIT and reaches
 * the listener; the new connection's initial sequence number is past
 * everything the old one sent (inet_tcp_isn), so no old segment fits it.
 * A TIME-WAIT connection a program still holds is left alone.
 */
static struct {
	ip_addr_t local, remote;
	u16_t local_port, remote_port;
	u32_t isn;
	int set;
} reopened;

/* The connection in list (lwIP's active or TIME-WAIT list) that segments from e belong to, or NULL. */
static struct tcp_pcb *find_pcb(struct tcp_pcb *list, const struct tcp_ends *e)
{
	struct tcp_pcb *pcb;
	ip_addr_t src, dst;

	memcpy(&src.addr, e->src, sizeof src.addr);
	memcpy(&dst.addr, e->dst, sizeof dst.addr);
	for (pcb = list; pcb; pcb = pcb->next)
		if (pcb->remote_port == e->sport && pcb->local_port == e->dport &&
		    ip_addr_cmp(&pcb->remote_ip, &src) && ip_addr_cmp(&pcb->local_ip, &dst))
			return pcb;
	return NULL;
}

/* The SYN again for a connection we answered (SYN-RECEIVED, the same sequence number)? */
static int syn_again(const struct tcp_syn *syn)
{
	struct tcp_pcb *pcb = find_pcb(tcp_active_pcbs, &syn->ends);

	return pcb && pcb->state == SYN_RCVD && syn->seq == pcb->rcv_nxt - 1;
}

/* A SYN that may reopen a connection in TIME-WAIT does (see reopened). */
static void reopen_time_wait(const struct tcp_syn *syn)
{
	struct tcp_pcb *pcb = find_pcb(tcp_tw_pcbs, &syn->ends);

	if (!pcb)
		return;
	if (!TCP_SEQ_GT(syn->seq, pcb->rcv_nxt) || pcb->callback_arg)
		return;                      /* an old duplicate, or a program's: TIME-WAIT answers it */
	reopened.local = pcb->local_ip;
	reopened.remote = pcb->remote_ip;
	reopened.local_port = pcb->local_port;
	reopened.remote_port = pcb->remote_port;
	reopened.isn = pcb->snd_nxt + REOPEN_GAP;
	reopened.set = 1;
	tcp_abort(pcb);                      /* (a TIME-WAIT pcb is only unlinked and freed) */
}

int tcp_bare_syn(const uint8_t *frame, uint32_t len)
{
	struct tcp_syn syn;
	int again;

	if (!frame_bare_syn(frame, len, &syn))
		return 0;
	again = syn_again(&syn);
	reopen_time_wait(&syn);
	return again;
}

/*
 * May a run of segments for this connection go up as one (coalesce.h)?
 * Not while it acknowledges every segment at once (ack_quickly): a sender
 * in slow start counts the ACKs, and each of those segments gets its own.
 */
int tcp_may_merge(const struct tcp_ends *e)
{
	struct tcp_pcb *pcb = find_pcb(tcp_active_pcbs, e);
	const struct sock *s = pcb ? pcb->callback_arg : NULL;

	return s && !s->quickacks && sys_uptime_ms() - s->rx_at < QUICKACK_IDLE_MS;
}

/*
 * A run of segments went up as one (coalesce.h). Taken one by one, every
 * second of them would have been acknowledged at once (RFC 1122 4.2.3.2);
 * as one, lwIP only delays its ACK. The connection's ACK goes now: one for
 * the run, as Linux's receive offload does.
 */
void tcp_ack_coalesced(const struct tcp_ends *e)
{
	struct tcp_pcb *pcb = find_pcb(tcp_active_pcbs, e);

	if (!pcb || !(pcb->flags & TF_ACK_DELAY))
		return;
	tcp_clear_flags(pcb, TF_ACK_DELAY);
	tcp_ack_now(pcb);
	tcp_output(pcb);
}

/* lwIP's ISN hook: its own choice, except for a connection reopened from TIME-WAIT. */
u32_t inet_tcp_isn(const ip_addr_t *local, u16_t local_port, const ip_addr_t *remote, u16_t remote_port)
{
	static u32_t iss = ISS_FIRST;

	if (reopened.set && local_port == reopened.local_port && remote_port == reopened.remote_port &&
	    ip_addr_cmp(local, &reopened.local) && ip_addr_cmp(remote, &reopened.remote)) {
		reopened.set = 0;
		return reopened.isn;
	}
	iss += tcp_ticks;
	return iss;
}

/* What poll sees: INET_POLL* bits, before the caller's events select them. */
uint16_t tcp_sock_ready(struct sock *s)
{
	uint16_t r = 0;

	if (s->listening)
		return s->n_backlog ? INET_POLLIN : 0;
	if (s->rx || s->eof || s->shut_rd || s->error)
		r |= INET_POLLIN;                    /* a receive answers at once */
	if (s->error || s->shut_wr ||
	    (s->connected && s->tcp && tcp_sndbuf(s->tcp) && tcp_sndqueuelen(s->tcp) < TCP_SND_QUEUELEN))
		r |= INET_POLLOUT;                   /* so does a send */
	if (s->error)
		r |= INET_POLLERR;
	if ((s->error && !s->tcp) || (s->eof && s->shut_wr) || (!s->connected && !s->connecting && !s->error))
		r |= INET_POLLHUP;                   /* no connection (any more) */
	return r;
}

int tcp_sock_setopt(struct sock *s, uint32_t opt, uint32_t value)
{
	if (opt != INET_OPT_REUSEADDR && opt != INET_OPT_NODELAY)
		return -ENOPROTOOPT;
	if (!s->tcp)
		return s->error ? s->error : -EINVAL;
	if (opt == INET_OPT_NODELAY && s->listening)
		return 0;                            /* a listening pcb has no Nagle flag */
	if (opt == INET_OPT_NODELAY && value)
		tcp_nagle_disable(s->tcp);
	else if (opt == INET_OPT_NODELAY)
		tcp_nagle_enable(s->tcp);
	else if (value)
		ip_set_option(s->tcp, SOF_REUSEADDR);
	else
		ip_reset_option(s->tcp, SOF_REUSEADDR);
	return 0;
}

int tcp_sock_getopt(struct sock *s, uint32_t opt)
{
	int e;

	if (opt == INET_OPT_ERROR) {
		e = s->error_told ? 0 : -s->error;   /* once: SO_ERROR clears it */
		s->error_told = 1;
		return e;
	}
	if (opt != INET_OPT_REUSEADDR && opt != INET_OPT_NODELAY)
		return -ENOPROTOOPT;
	if (!s->tcp)
		return 0;
	if (opt == INET_OPT_NODELAY)
		return !s->listening && tcp_nagle_disabled(s->tcp);
	return ip_get_option(s->tcp, SOF_REUSEADDR) != 0;
}
