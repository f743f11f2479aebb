/*
 * sock: inet's sockets for programs (protocol in include/bulkhead/inet.h):
 * the socket table, the requests, and UDP on lwIP's raw API; TCP is in
 * tcp.c. Data moves between a program and inet only through the program's
 * grants.
 *
 * Each socket belongs to the process that made it; another process naming
 * it gets EBADF. A socket's number is its slot and a serial number that
 * starts from the clock when inet starts, so a number from before a restart
 * of inet (or a closed socket's) does not name a new socket by accident.
 * UDP: received datagrams wait in the socket's queue (a full queue drops new
 * ones, as a kernel's socket buffer would); a program waiting in
 * INET_RECVFROM is answered when one arrives. The sockets of a process that
 * has died are reclaimed when the table runs short.
 *
 * A request that waits holds a timer when the socket has a timeout for it
 * (SO_RCVTIMEO, SO_SNDTIMEO); an INET_POLL that waits takes a poller slot
 * (one per process: a newer poll from the same process replaces it) and is
 * answered from sock_event, which every change of a socket's state calls.
 * Nothing a program sends makes inet wait: every copy is from or to the
 * program's grant, checked by the kernel, and every answer is non-blocking.
 */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/server.h>
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "sock.h"

#define MAX_UDP     65507         /* the largest UDP payload IPv4 can carry */
#define SLOT_BITS   5             /* MAX_SOCKETS = 1 << SLOT_BITS */
#define TIMER_MAX_MS 0x3fffffffu  /* lwIP's longest timer; a longer wait has none */
#define LOOP_ROUNDS 16            /* loopback hand-overs drained per pass of the loop */

struct poller {
	endpoint_t owner;             /* EP_NONE: free */
	message pending;
	uint32_t n;
	struct inet_pollfd fds[INET_POLL_MAX];
};

static struct sock socks[MAX_SOCKETS];
static struct poller pollers[MAX_POLLERS];
static uint32_t serial;

BH_STATIC_ASSERT(MAX_SOCKETS == 1 << SLOT_BITS, "a socket number's slot bits hold every slot");

void sock_init(void)
{
	int k;

	for (k = 0; k < MAX_SOCKETS; k++)
		socks[k].owner = EP_NONE;
	for (k = 0; k < MAX_POLLERS; k++)
		pollers[k].owner = EP_NONE;
	serial = sys_uptime_ms();
}

int sock_from_err(err_t e)
{
	switch (e) {
	case ERR_OK:   return 0;
	case ERR_MEM:  return -ENOBUFS;
	case ERR_BUF:  return -ENOBUFS;
	case ERR_RTE:  return -ENETUNREACH;
	case ERR_USE:  return -EADDRINUSE;
	case ERR_VAL:  return -EINVAL;
	case ERR_ISCONN: return -EISCONN;
	case ERR_CONN: return -ENOTCONN;
	case ERR_RST:  return -ECONNRESET;
	case ERR_ABRT: return -ECONNABORTED;
	case ERR_CLSD: return -ENOTCONN;
	default:       return -EIO;
	}
}

struct sock *sock_by_number(int32_t number)
{
	struct sock *s = &socks[(uint32_t)number & (MAX_SOCKETS - 1)];

	return number >= 0 && s->owner != EP_NONE && s->number == number ? s : NULL;
}

const struct sock *sock_slot(uint32_t k)
{
	return k < MAX_SOCKETS ? &socks[k] : NULL;
}

/* The caller's socket named in m, or NULL. A guest's calls never wait (see INET_SHARE). */
static struct sock *sock_of(message *m)
{
	struct sock *s = sock_by_number(m->inet_sock.sock);

	if (s && s->guest != EP_NONE && s->guest == m->m_source) {
		m->inet_sock.flags |= INET_NONBLOCK;
		return s;
	}
	return s && s->owner == m->m_source ? s : NULL;
}

static void start_timer(uint32_t ms, sys_timeout_handler fn, void *arg)
{
	if (ms && ms <= TIMER_MAX_MS)
		sys_timeout(ms, fn, arg);
}

/* A waiting request's time is up: a receive or accept (send) gets EAGAIN, a connect EINPROGRESS. */
static void wait_expired(void *arg)
{
	struct sock *s = arg;

	if (s->waiting)
		sock_answer(s, s->pending.m_type == INET_CONNECT ? -EINPROGRESS : -EAGAIN);
}

int sock_wait(struct sock *s, const message *m, uint32_t ms)
{
	sys_untimeout(wait_expired, s);
	s->waiting = 1;
	s->pending = *m;
	start_timer(ms, wait_expired, s);
	return SERVER_SUSPEND;
}

void sock_answer(struct sock *s, int result)
{
	message m = s->pending;

	sys_untimeout(wait_expired, s);
	s->waiting = 0;
	server_reply(m.m_source, &m, result);
}

void sock_free(struct sock *s)
{
	while (s->count) {
		pbuf_free(s->queue[s->head].p);
		s->head = (s->head + 1) % RX_QUEUE;
		s->count--;
	}
	if (s->udp)
		udp_remove(s->udp);
	if (s->type == INET_TCP)
		tcp_sock_close(s);
	sys_untimeout(wait_expired, s);
	s->waiting = 0;
	s->udp = NULL;
	s->owner = EP_NONE;
}

/* Free the sockets of processes that no longer exist. */
static void reclaim(void)
{
	struct procinfo info;
	int k;

	for (k = 0; k < MAX_SOCKETS; k++)
		if (socks[k].owner != EP_NONE && sys_procinfo(-1, socks[k].owner, &info) < 0)
			sock_free(&socks[k]);
}

/* A fresh socket for owner, or NULL if the table is full. */
struct sock *sock_new(endpoint_t owner, uint32_t type)
{
	struct sock *s = NULL;
	int k, pass;

	for (pass = 0; pass < 2 && !s; pass++) {
		if (pass)
			reclaim();
		for (k = 0; k < MAX_SOCKETS && !s; k++)
			if (socks[k].owner == EP_NONE)
				s = &socks[k];
	}
	if (!s)
		return NULL;
	memset(s, 0, sizeof *s);
	s->owner = owner;
	s->guest = EP_NONE;
	s->type = type;
	s->number = (int32_t)((++serial << SLOT_BITS | (uint32_t)(s - socks)) & INT32_MAX);
	return s;
}

/*
 * The first len bytes of the chain q into m's grant, a vectored copy of up
 * to VSAFECOPY_MAX pbufs per kernel call: 0 or -errno.
 */
int sock_copy_chain(struct pbuf *q, uint32_t len, const message *m)
{
	static struct safecopy_req vec[VSAFECOPY_MAX];
	uint32_t off = 0, k = 0, n;
	int bad, r = 0;

	for (; q && off < len && r >= 0; q = q->next, off += n) {
		n = q->len < len - off ? q->len : len - off;
		vec[k++] = (struct safecopy_req){ m->m_source, m->inet_sock.grant, off, (vir_bytes)q->payload, n,
		                                  SAFECOPY_TO };
		if (k == VSAFECOPY_MAX) {
			r = sys_vsafecopy(vec, k, &bad);
			k = 0;
		}
	}
	return r < 0 || k == 0 ? r : sys_vsafecopy(vec, k, &bad);
}

/* The oldest datagram into m's grant (cut to its length); the bytes copied. */
static int deliver(struct sock *s, message *m)
{
	struct dgram *d = &s->queue[s->head];
	uint32_t off = m->inet_sock.len < d->p->tot_len ? m->inet_sock.len : d->p->tot_len;
	int r = sock_copy_chain(d->p, off, m);

	m->inet_sock.addr = ip4_addr_get_u32(ip_2_ip4(&d->from));
	m->inet_sock.port = lwip_htons(d->port);
	pbuf_free(d->p);
	s->head = (s->head + 1) % RX_QUEUE;
	s->count--;
	return r < 0 ? r : (int)off;
}

static void udp_received(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
	struct sock *s = arg;
	struct dgram *d;

	if (s->count == RX_QUEUE) {
		s->dropped++;
		pbuf_free(p);
		return;
	}
	d = &s->queue[(s->head + s->count++) % RX_QUEUE];
	d->p = p;
	ip_addr_copy(d->from, *addr);
	d->port = port;
	if (s->waiting)
		sock_answer(s, deliver(s, &s->pending));
	sock_event();
}

/* s's lwIP pcb; -ENOMEM if lwIP's pool has none free. */
static int open_pcb(struct sock *s)
{
	if (s->type == INET_TCP)
		return tcp_sock_open(s);
	s->udp = udp_new();
	if (!s->udp)
		return -ENOMEM;
	udp_recv(s->udp, udp_received, s);
	return 0;
}

int sock_do_socket(message *m)
{
	uint32_t type = m->inet_sock.type;
	struct sock *s;
	int r = 0;

	if (type != INET_UDP && type != INET_TCP)
		return -EPROTONOSUPPORT;
	s = sock_new(m->m_source, type);
	if (!s)
		return -ENFILE;
	r = open_pcb(s);
	if (r < 0) {                             /* lwIP's pool is short: dead processes' sockets go */
		reclaim();
		r = open_pcb(s);
	}
	if (r < 0) {
		s->owner = EP_NONE;
		return r;
	}
	return s->number;
}

/* addr (network order) is any address, or one of our interfaces'. */
static int local_address(uint32_t addr)
{
	struct netif *n;

	if (addr == 0)
		return 1;
	NETIF_FOREACH(n)
		if (ip4_addr_get_u32(netif_ip4_addr(n)) == addr)
			return 1;
	return 0;
}

int sock_do_bind(message *m)
{
	struct sock *s = sock_of(m);
	ip_addr_t a;

	if (!s)
		return -EBADF;
	if (!local_address(m->inet_sock.addr))
		return -EADDRNOTAVAIL;
	ip_addr_set_ip4_u32(&a, m->inet_sock.addr);
	if (s->type == INET_TCP)
		return tcp_sock_bind(s, &a, lwip_ntohs(m->inet_sock.port));
	return sock_from_err(udp_bind(s->udp, &a, lwip_ntohs(m->inet_sock.port)));
}

static int udp_sock_send(struct sock *s, message *m)
{
	uint32_t len = m->inet_sock.len;
	struct pbuf *p;
	ip_addr_t to;
	int r;

	int to_peer = m->inet_sock.addr == 0 && m->inet_sock.port == 0 && s->udp_connected;

	if (len > MAX_UDP)
		return -EMSGSIZE;
	if (!to_peer && (m->inet_sock.addr == 0 || m->inet_sock.port == 0))
		return -EDESTADDRREQ;
	p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
	if (!p)
		return -ENOBUFS;
	r = len ? sys_safecopy(m->m_source, m->inet_sock.grant, 0, p->payload, len, SAFECOPY_FROM) : 0;
	if (r == 0) {
		ip_addr_set_ip4_u32(&to, m->inet_sock.addr);
		r = sock_from_err(to_peer ? udp_send(s->udp, p) :
		                  udp_sendto(s->udp, p, &to, lwip_ntohs(m->inet_sock.port)));
	}
	pbuf_free(p);
	return r < 0 ? r : (int)len;
}

int sock_do_sendto(message *m)
{
	struct sock *s = sock_of(m);

	if (!s)
		return -EBADF;
	return s->type == INET_TCP ? tcp_sock_send(s, m) : udp_sock_send(s, m);
}

int sock_do_recvfrom(message *m)
{
	struct sock *s = sock_of(m);

	if (!s)
		return -EBADF;
	if (s->type == INET_TCP)
		return tcp_sock_recv(s, m);
	if (s->count)
		return deliver(s, m);
	if (m->inet_sock.flags & INET_NONBLOCK)
		return -EAGAIN;
	return sock_wait(s, m, s->rcvtimeo);
}

/* The TCP-only calls: EOPNOTSUPP on a UDP socket. */
int sock_do_listen(message *m)
{
	struct sock *s = sock_of(m);

	return !s ? -EBADF : s->type != INET_TCP ? -EOPNOTSUPP : tcp_sock_listen(s, m);
}

int sock_do_accept(message *m)
{
	struct sock *s = sock_of(m);

	return !s ? -EBADF : s->type != INET_TCP ? -EOPNOTSUPP : tcp_sock_accept(s, m);
}

/* UDP: addr:port becomes the default destination, and the only sender received from. */
static int udp_sock_connect(struct sock *s, const message *m)
{
	ip_addr_t a;
	int r;

	if (m->inet_sock.addr == 0 || m->inet_sock.port == 0)
		return -EINVAL;
	ip_addr_set_ip4_u32(&a, m->inet_sock.addr);
	r = sock_from_err(udp_connect(s->udp, &a, lwip_ntohs(m->inet_sock.port)));
	s->udp_connected |= r == 0;
	return r;
}

int sock_do_connect(message *m)
{
	struct sock *s = sock_of(m);

	return !s ? -EBADF : s->type != INET_TCP ? udp_sock_connect(s, m) : tcp_sock_connect(s, m);
}

int sock_do_shutdown(message *m)
{
	struct sock *s = sock_of(m);

	return !s ? -EBADF : s->type != INET_TCP ? -EOPNOTSUPP : tcp_sock_shutdown(s, m);
}

uint32_t sock_driver_restarted(void)
{
	int k;

	for (k = 0; k < MAX_SOCKETS; k++)
		if (socks[k].owner != EP_NONE && socks[k].type == INET_TCP)
			tcp_sock_nudge(&socks[k]);
	return tcp_opening_nudge();
}

int sock_do_close(message *m)
{
	struct sock *s = sock_of(m);

	if (!s)
		return -EBADF;
	if (s->owner != m->m_source)
		s->guest = EP_NONE;              /* a guest's close ends only its own use */
	else
		sock_free(s);
	return 0;
}

int sock_do_share(message *m)
{
	struct sock *s = sock_of(m);

	if (!s || s->owner != m->m_source)
		return -EBADF;
	if (m->inet_sock.addr == (uint32_t)m->m_source || (endpoint_t)m->inet_sock.addr == EP_NONE)
		return -EINVAL;
	s->guest = (endpoint_t)m->inet_sock.addr;
	return 0;
}

/* --- names, options -------------------------------------------------------------- */

int sock_do_getname(message *m)
{
	struct sock *s = sock_of(m);
	int peer = m->inet_sock.flags & INET_NAME_PEER;
	const ip_addr_t *a = IP4_ADDR_ANY;
	u16_t port = 0;

	if (!s)
		return -EBADF;
	if (peer && (s->type == INET_UDP ? !s->udp_connected : !s->tcp || !s->connected))
		return -ENOTCONN;
	if (s->type == INET_UDP) {
		a = peer ? &s->udp->remote_ip : &s->udp->local_ip;
		port = peer ? s->udp->remote_port : s->udp->local_port;
	} else if (s->tcp) {
		a = peer ? &s->tcp->remote_ip : &s->tcp->local_ip;
		port = peer ? s->tcp->remote_port : s->tcp->local_port;
	}
	m->inet_sock.addr = ip4_addr_get_u32(ip_2_ip4(a));
	m->inet_sock.port = lwip_htons(port);
	return 0;
}

int sock_do_setopt(message *m)
{
	struct sock *s = sock_of(m);
	uint32_t opt = m->inet_sock.type, value = m->inet_sock.len;

	if (!s)
		return -EBADF;
	if (opt == INET_OPT_RCVTIMEO || opt == INET_OPT_SNDTIMEO) {
		*(opt == INET_OPT_RCVTIMEO ? &s->rcvtimeo : &s->sndtimeo) = value;
		return 0;
	}
	if (s->type == INET_TCP)
		return tcp_sock_setopt(s, opt, value);
	if (opt != INET_OPT_REUSEADDR)
		return -ENOPROTOOPT;
	if (value)
		ip_set_option(s->udp, SOF_REUSEADDR);
	else
		ip_reset_option(s->udp, SOF_REUSEADDR);
	return 0;
}

int sock_do_getopt(message *m)
{
	struct sock *s = sock_of(m);
	uint32_t opt = m->inet_sock.type;

	if (!s)
		return -EBADF;
	if (opt == INET_OPT_RCVTIMEO || opt == INET_OPT_SNDTIMEO)
		return (int)((opt == INET_OPT_RCVTIMEO ? s->rcvtimeo : s->sndtimeo) & INT32_MAX);
	if (opt == INET_OPT_TYPE)
		return (int)s->type;
	if (s->type == INET_TCP)
		return tcp_sock_getopt(s, opt);
	if (opt == INET_OPT_ERROR)
		return 0;                            /* UDP keeps no errors */
	if (opt == INET_OPT_REUSEADDR)
		return ip_get_option(s->udp, SOF_REUSEADDR) != 0;
	return -ENOPROTOOPT;
}

/* --- poll ------------------------------------------------------------------------- */

/* What one entry of owner's poll shows now. */
static uint16_t entry_ready(endpoint_t owner, const struct inet_pollfd *f)
{
	struct sock *s;
	uint16_t r;

	if (f->sock < 0)
		return 0;
	s = sock_by_number(f->sock);
	if (!s || s->owner != owner)
		return INET_POLLNVAL;
	if (s->type == INET_TCP)
		r = tcp_sock_ready(s);
	else
		r = (s->count ? INET_POLLIN : 0) | INET_POLLOUT;
	return r & (f->events | INET_POLLERR | INET_POLLHUP);
}

/* Each entry's revents; how many have some. */
static int evaluate(endpoint_t owner, struct inet_pollfd *fds, uint32_t n)
{
	uint32_t k;
	int ready = 0;

	for (k = 0; k < n; k++) {
		fds[k].revents = entry_ready(owner, &fds[k]);
		ready += fds[k].revents != 0;
	}
	return ready;
}

/* The entries back into m's grant; the count ready, or -errno. */
static int poll_result(const message *m, const struct inet_pollfd *fds, uint32_t n, int ready)
{
	int r = n ? sys_safecopy(m->m_source, m->inet_poll.grant, 0, (void *)fds, n * sizeof *fds, SAFECOPY_TO) : 0;

	return r < 0 ? r : ready;
}

static void poll_expired(void *arg);

static void poller_finish(struct poller *p, int ready)
{
	message m = p->pending;

	sys_untimeout(poll_expired, p);
	p->owner = EP_NONE;
	server_reply(m.m_source, &m, poll_result(&m, p->fds, p->n, ready));
}

static void poll_expired(void *arg)
{
	struct poller *p = arg;

	poller_finish(p, evaluate(p->owner, p->fds, p->n));
}

void sock_event(void)
{
	struct poller *p;
	int ready;

	for (p = pollers; p < pollers + MAX_POLLERS; p++)
		if (p->owner != EP_NONE && (ready = evaluate(p->owner, p->fds, p->n)) > 0)
			poller_finish(p, ready);
}

/* A free poller for owner (its own stale one, or a dead process's), or NULL. */
static struct poller *poller_new(endpoint_t owner)
{
	struct procinfo info;
	struct poller *p, *free = NULL;

	for (p = pollers; p < pollers + MAX_POLLERS; p++) {
		if (p->owner == owner || (p->owner != EP_NONE && sys_procinfo(-1, p->owner, &info) < 0)) {
			sys_untimeout(poll_expired, p);
			p->owner = EP_NONE;
		}
		if (p->owner == EP_NONE && !free)
			free = p;
	}
	return free;
}

int sock_do_poll(message *m)
{
	struct inet_pollfd fds[INET_POLL_MAX];
	uint32_t n = m->inet_poll.count;
	struct poller *p;
	int r, ready;

	if (n > INET_POLL_MAX)
		return -EINVAL;
	r = n ? sys_safecopy(m->m_source, m->inet_poll.grant, 0, fds, n * sizeof fds[0], SAFECOPY_FROM) : 0;
	if (r < 0)
		return r;
	ready = evaluate(m->m_source, fds, n);
	if (ready || m->inet_poll.timeout_ms == 0)
		return poll_result(m, fds, n, ready);
	p = poller_new(m->m_source);
	if (!p)
		return -EAGAIN;
	p->owner = m->m_source;
	p->pending = *m;
	p->n = n;
	memcpy(p->fds, fds, n * sizeof fds[0]);
	if (m->inet_poll.timeout_ms != INET_POLL_FOREVER)
		start_timer(m->inet_poll.timeout_ms, poll_expired, p);
	return SERVER_SUSPEND;
}

int sock_loopback(void)
{
	struct netif *n;
	int round, more = 1;

	for (round = 0; more && round < LOOP_ROUNDS; round++) {
		netif_poll_all();
		more = 0;
		NETIF_FOREACH(n)
			more |= n->loop_first != NULL;
	}
	return more;
}
