/*
 * ping: ICMP echo for programs (INET_PING, INET_PONG; for the ping command).
 * Each process that pings gets a pinger: an ICMP identifier of its own, and
 * a queue of the echo replies that carry it. INET_PING sends one echo
 * request; INET_PONG takes the oldest reply, or waits for one until its
 * timeout (an lwIP timer). Replies to no pinger go on to lwIP as before
 * (which ignores them); echo requests to us are still answered by lwIP.
 * The pingers of processes that have died are reclaimed when the table
 * runs short.
 */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/server.h>
#include "lwip/icmp.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"
#include "lwip/timeouts.h"
#include "inet.h"

#define MAX_PINGERS  8
#define PONG_QUEUE   8            /* replies waiting per pinger */
#define MAX_PING_DATA 65507       /* ICMP data: what one IPv4 datagram holds, less the header */
#define TIMEOUT_MAX_MS 60000

struct pong {
	struct pbuf *p;               /* the whole IPv4 datagram */
	uint32_t from;
};

struct pinger {
	endpoint_t owner;             /* EP_NONE: free */
	uint16_t id;
	struct pong queue[PONG_QUEUE];
	uint32_t head, count;
	int waiting;
	message pending;
};

static struct pinger pingers[MAX_PINGERS];
static void timed_out(void *arg);
static struct raw_pcb *pcb;
static uint16_t next_id;

static void drop_queue(struct pinger *g)
{
	while (g->count) {
		pbuf_free(g->queue[g->head].p);
		g->head = (g->head + 1) % PONG_QUEUE;
		g->count--;
	}
}

static struct pinger *find(endpoint_t who)
{
	int k;

	for (k = 0; k < MAX_PINGERS; k++)
		if (pingers[k].owner == who)
			return &pingers[k];
	return NULL;
}

/* The caller's pinger, made if it has none; NULL if the table is full of live ones. */
static struct pinger *pinger_of(endpoint_t who)
{
	struct procinfo info;
	struct pinger *g = find(who);
	int k;

	for (k = 0; !g && k < MAX_PINGERS; k++) {
		if (pingers[k].owner != EP_NONE && sys_procinfo(-1, pingers[k].owner, &info) == 0)
			continue;
		g = &pingers[k];
		if (g->waiting)
			sys_untimeout(timed_out, g);
		drop_queue(g);
		memset(g, 0, sizeof *g);
		g->owner = who;
		g->id = next_id++;
	}
	return g;
}

/* The oldest reply into the waiting request m: the data bytes copied, or -errno. */
static int deliver(struct pinger *g, message *m)
{
	struct pong *o = &g->queue[g->head];
	const struct ip_hdr *ip = o->p->payload;
	uint16_t hlen = IPH_HL_BYTES(ip);
	struct icmp_echo_hdr echo;
	uint32_t n = o->p->tot_len - hlen - sizeof echo;
	uint8_t buf[256];
	uint32_t off = 0, chunk;
	int r = 0;

	pbuf_copy_partial(o->p, &echo, sizeof echo, hlen);
	m->inet_echo.seq = lwip_ntohs(echo.seqno);
	m->inet_echo.ttl = IPH_TTL(ip);
	m->inet_echo.addr = o->from;
	if (n > m->inet_echo.len)
		n = m->inet_echo.len;
	for (; off < n && r >= 0; off += chunk) {
		chunk = n - off < sizeof buf ? n - off : sizeof buf;
		pbuf_copy_partial(o->p, buf, (u16_t)chunk, (u16_t)(hlen + sizeof echo + off));
		r = sys_safecopy(m->m_source, m->inet_echo.grant, off, buf, chunk, SAFECOPY_TO);
	}
	pbuf_free(o->p);
	g->head = (g->head + 1) % PONG_QUEUE;
	g->count--;
	return r < 0 ? r : (int)n;
}

static void timed_out(void *arg)
{
	struct pinger *g = arg;

	if (!g->waiting)
		return;
	g->waiting = 0;
	server_reply(g->pending.m_source, &g->pending, -ETIMEDOUT);
}

/* The ICMP message after the hlen-byte IP header sums to zero. */
static int checksum_ok(struct pbuf *p, uint16_t hlen)
{
	int ok;

	if (pbuf_remove_header(p, hlen))
		return 0;
	ok = inet_chksum_pbuf(p) == 0;
	pbuf_add_header(p, hlen);
	return ok;
}

/* lwIP's raw hook: every ICMP datagram, IP header first. 1: it was ours (taken). */
static u8_t received(void *arg, struct raw_pcb *unused, struct pbuf *p, const ip_addr_t *from)
{
	const struct ip_hdr *ip = p->payload;
	struct icmp_echo_hdr echo;
	struct pinger *g = NULL;
	uint16_t hlen;
	int k;

	(void)arg;
	(void)unused;
	if (p->len < IP_HLEN)
		return 0;
	hlen = IPH_HL_BYTES(ip);
	if (pbuf_copy_partial(p, &echo, sizeof echo, hlen) != sizeof echo || ICMPH_TYPE(&echo) != ICMP_ER ||
	    !checksum_ok(p, hlen))
		return 0;
	for (k = 0; k < MAX_PINGERS && !g; k++)
		if (pingers[k].owner != EP_NONE && pingers[k].id == lwip_ntohs(echo.id))
			g = &pingers[k];
	if (!g)
		return 0;
	if (g->count == PONG_QUEUE) {
		pbuf_free(p);                    /* a slow reader loses the newest, as a socket would */
		return 1;
	}
	g->queue[(g->head + g->count++) % PONG_QUEUE] = (struct pong){ p, ip4_addr_get_u32(ip_2_ip4(from)) };
	if (g->waiting) {
		g->waiting = 0;
		sys_untimeout(timed_out, g);
		server_reply(g->pending.m_source, &g->pending, deliver(g, &g->pending));
	}
	return 1;
}

void ping_init(void)
{
	int k;

	for (k = 0; k < MAX_PINGERS; k++)
		pingers[k].owner = EP_NONE;
	next_id = (uint16_t)sys_uptime_ms();
	pcb = raw_new(IP_PROTO_ICMP);
	if (pcb)
		raw_recv(pcb, received, NULL);
}

int ping_do_ping(message *m)
{
	uint32_t len = m->inet_echo.len;
	struct icmp_echo_hdr *echo;
	struct pinger *g;
	struct pbuf *p;
	ip_addr_t to;
	int r;

	if (!pcb)
		return -ENOMEM;
	if (len > MAX_PING_DATA - sizeof *echo)
		return -EMSGSIZE;
	if (m->inet_echo.addr == 0)
		return -EDESTADDRREQ;
	g = pinger_of(m->m_source);
	if (!g)
		return -EAGAIN;
	p = pbuf_alloc(PBUF_IP, (u16_t)(sizeof *echo + len), PBUF_RAM);
	if (!p)
		return -ENOBUFS;
	echo = p->payload;
	r = len ? sys_safecopy(m->m_source, m->inet_echo.grant, 0, echo + 1, len, SAFECOPY_FROM) : 0;
	if (r == 0) {
		ICMPH_TYPE_SET(echo, ICMP_ECHO);
		ICMPH_CODE_SET(echo, 0);
		echo->id = lwip_htons(g->id);
		echo->seqno = lwip_htons(m->inet_echo.seq);
		echo->chksum = 0;
		echo->chksum = inet_chksum(echo, (u16_t)(sizeof *echo + len));
		ip_addr_set_ip4_u32(&to, m->inet_echo.addr);
		r = raw_sendto(pcb, p, &to) == ERR_OK ? 0 : -ENETUNREACH;
	}
	pbuf_free(p);
	return r;
}

int ping_do_pong(message *m)
{
	struct pinger *g = find(m->m_source);

	if (!g)
		return -ENOENT;                  /* it has sent nothing */
	if (g->waiting)
		return -EBUSY;
	if (g->count)
		return deliver(g, m);
	if (m->inet_echo.timeout_ms == 0)
		return -EAGAIN;
	g->waiting = 1;
	g->pending = *m;
	sys_timeout(m->inet_echo.timeout_ms < TIMEOUT_MAX_MS ? m->inet_echo.timeout_ms : TIMEOUT_MAX_MS,
	            timed_out, g);
	return SERVER_SUSPEND;
}
