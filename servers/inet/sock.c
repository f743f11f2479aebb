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
 */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/server.h>
#include "lwip/netif.h"
#include "sock.h"

#define MAX_UDP     65507         /* the largest UDP payload IPv4 can carry */
#define SLOT_BITS   5             /* MAX_SOCKETS = 1 << SLOT_BITS */

static struct sock socks[MAX_SOCKETS];
static uint32_t serial;

BH_STATIC_ASSERT(MAX_SOCKETS == 1 << SLOT_BITS, "a socket number's slot bits hold every slot");

void sock_init(void)
{
	int k;

	for (k = 0; k < MAX_SOCKETS; k++)
		socks[k].owner = EP_NONE;
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

void sock_answer(struct sock *s, int result)
{
	message m = s->pending;

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

/* The oldest datagram into m's grant (cut to its length); the bytes copied. */
static int deliver(struct sock *s, message *m)
{
	struct dgram *d = &s->queue[s->head];
	uint32_t len = m->inet_sock.len, off = 0, n;
	struct pbuf *q;
	int r = 0;

	for (q = d->p; q && off < len && r >= 0; q = q->next, off += n) {
		n = q->len < len - off ? q->len : len - off;
		r = sys_safecopy(m->m_source, m->inet_sock.grant, off, q->payload, n, SAFECOPY_TO);
	}
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
	if (s->waiting) {
		s->waiting = 0;
		sock_answer(s, deliver(s, &s->pending));
	}
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
	if (type == INET_UDP) {
		s->udp = udp_new();
		if (s->udp)
			udp_recv(s->udp, udp_received, s);
		r = s->udp ? 0 : -ENOMEM;
	} else {
		r = tcp_sock_open(s);
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

	if (len > MAX_UDP)
		return -EMSGSIZE;
	if (m->inet_sock.addr == 0 || m->inet_sock.port == 0)
		return -EDESTADDRREQ;
	p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
	if (!p)
		return -ENOBUFS;
	r = len ? sys_safecopy(m->m_source, m->inet_sock.grant, 0, p->payload, len, SAFECOPY_FROM) : 0;
	if (r == 0) {
		ip_addr_set_ip4_u32(&to, m->inet_sock.addr);
		r = sock_from_err(udp_sendto(s->udp, p, &to, lwip_ntohs(m->inet_sock.port)));
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
	s->waiting = 1;
	s->pending = *m;
	return SERVER_SUSPEND;
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

int sock_do_connect(message *m)
{
	struct sock *s = sock_of(m);

	return !s ? -EBADF : s->type != INET_TCP ? -EOPNOTSUPP : tcp_sock_connect(s, m);
}

int sock_do_shutdown(message *m)
{
	struct sock *s = sock_of(m);

	return !s ? -EBADF : s->type != INET_TCP ? -EOPNOTSUPP : tcp_sock_shutdown(s, m);
}

void sock_driver_restarted(void)
{
	int k;

	for (k = 0; k < MAX_SOCKETS; k++)
		if (socks[k].owner != EP_NONE && socks[k].type == INET_TCP)
			tcp_sock_nudge(&socks[k]);
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
