/*
 * inet's sockets, shared by sock.c (the table, the calls, UDP) and tcp.c
 * (TCP). A socket belongs to one process; that process is single-threaded,
 * so at most one of its requests waits in inet at a time, in `pending`.
 */
#ifndef INET_SOCK_H
#define INET_SOCK_H

#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "inet.h"

#define MAX_SOCKETS  32
#define RX_QUEUE     32           /* UDP: datagrams waiting per socket */
#define ACCEPT_QUEUE 8            /* TCP: connections waiting for accept, per listener */
#define MAX_POLLERS  16           /* INET_POLLs waiting at once (one per process) */

struct dgram {
	struct pbuf *p;
	ip_addr_t from;
	u16_t port;
};

struct sock {
	endpoint_t owner;             /* EP_NONE: free */
	endpoint_t guest;             /* another process the owner lets use it (INET_SHARE), or EP_NONE */
	int32_t number;               /* what its owner calls it */
	uint32_t type;                /* INET_UDP, INET_TCP */
	int waiting;                  /* `pending` is a request to answer later */
	message pending;
	uint32_t rcvtimeo, sndtimeo;  /* ms a receive (send) waits at most; 0: for ever */
	int udp_connected;            /* UDP: the pcb has a default peer */

	struct udp_pcb *udp;
	struct dgram queue[RX_QUEUE];
	uint32_t head, count, dropped;

	struct tcp_pcb *tcp;          /* NULL once lwIP has dropped the connection */
	int listening, connecting, connected;
	int shut_rd, shut_wr;
	struct pbuf *rx;              /* received, not yet read */
	int eof;                      /* the peer will send no more */
	int error;                    /* -errno: the connection failed */
	int error_told;               /* SO_ERROR has reported it */
	int32_t backlog[ACCEPT_QUEUE]; /* a listener's accepted sockets, oldest first */
	uint32_t n_backlog;
	uint32_t recover_until;       /* after a driver restart: watch for a stalled sender until then */
	uint32_t seen_nxt;            /* ... the next byte expected when we last looked */
	uint32_t rx_at;               /* when data last arrived (ms of uptime) */
	uint32_t quickacks;           /* segments still to acknowledge at once (tcp.c, ack_quickly) */
};

struct sock *sock_new(endpoint_t owner, uint32_t type);
void sock_free(struct sock *s);
void sock_answer(struct sock *s, int result);   /* answer `pending` */
struct sock *sock_by_number(int32_t number);
/* Suspend m on s until it can be answered, or for at most ms (0: no limit). */
int sock_wait(struct sock *s, const message *m, uint32_t ms);
/* Something about a socket changed: answer the polls it makes ready. */
void sock_event(void);
int sock_copy_chain(struct pbuf *q, uint32_t len, const message *m);   /* first len bytes into m's grant */
const struct sock *sock_slot(uint32_t k);        /* NULL past the last slot */

int tcp_sock_open(struct sock *s);
int tcp_sock_bind(struct sock *s, const ip_addr_t *a, u16_t port);
int tcp_sock_listen(struct sock *s, message *m);
int tcp_sock_accept(struct sock *s, message *m);
int tcp_sock_connect(struct sock *s, message *m);
int tcp_sock_send(struct sock *s, message *m);
int tcp_sock_recv(struct sock *s, message *m);
int tcp_sock_shutdown(struct sock *s, message *m);
void tcp_sock_close(struct sock *s);
void tcp_sock_nudge(struct sock *s);
uint32_t tcp_opening_nudge(void);
uint16_t tcp_sock_ready(struct sock *s);
int tcp_sock_setopt(struct sock *s, uint32_t opt, uint32_t value);
int tcp_sock_getopt(struct sock *s, uint32_t opt);
int sock_from_err(err_t e);

BH_STATIC_ASSERT(SOCK_TIMERS >= 2 * MAX_SOCKETS + MAX_POLLERS, "lwIP has the timers of every socket and poll");

#endif
