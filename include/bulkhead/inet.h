/*
 * The network server's protocol (servers/inet), version 1: for now only
 * what an administrator or a test asks about interfaces. Requests are
 * sendrec; the reply's m_type is the result.
 *
 *   INET_IFINFO  interface number `index` (0, 1, ...) as a struct
 *                inet_ifinfo into the grant (len bytes at most are copied);
 *                -ENOENT past the last interface
 *
 * Sockets (struct inet_sock; addresses and ports in network byte order).
 * A socket belongs to the process that made it; others get -EBADF.
 *   INET_SOCKET    make one of `type` (INET_UDP, INET_TCP); its number
 *   INET_BIND      to addr:port (0: any address / a free port)
 *   INET_SENDTO    len bytes from the grant to addr:port (TCP: to the
 *                  peer, and perhaps only the first part); the count taken
 *   INET_RECVFROM  UDP: the next datagram into the grant (cut to len);
 *                  TCP: what has arrived, at most len bytes (0: the peer
 *                  has finished); the count, and the sender in addr:port
 *   INET_LISTEN    TCP: accept connections, len of them waiting at most
 *   INET_ACCEPT    TCP: the next connection's socket number, its peer in
 *                  addr:port
 *   INET_CONNECT   TCP: connect to addr:port
 *   INET_SHUTDOWN  TCP: stop receiving (flags INET_SHUT_RD), sending
 *                  (INET_SHUT_WR: the peer reads the end), or both
 *   INET_CLOSE     the socket is gone
 *   INET_GETNAME   the socket's own address (flags INET_NAME_PEER: its
 *                  peer's; -ENOTCONN if it has none) in addr:port
 *   INET_SETOPT    option `type` (INET_OPT_*) to the value in len;
 *                  -ENOPROTOOPT for an option the socket does not have
 *   INET_GETOPT    option `type`'s value (>= 0) as the result;
 *                  INET_OPT_ERROR gives the socket's pending error (an
 *                  errno, 0 for none) and clears it
 *   INET_POLL      (struct inet_poll) count struct inet_pollfd from the
 *                  grant: each socket's revents (INET_POLL* of its events,
 *                  and ERR, HUP and NVAL always) written back, and the count
 *                  of sockets with any; if none is ready, answered when one
 *                  is or timeout_ms have passed (INET_POLL_FOREVER: never)
 * A call that has to wait for the network (receive, accept, connect, send
 * into a full buffer) is answered when it can be, unless flags has
 * INET_NONBLOCK: then -EAGAIN (connect: -EINPROGRESS); with a receive (send)
 * timeout set, a receive or accept (send or connect) that waited that long
 * gets -EAGAIN (connect: -EINPROGRESS).
 *
 * Administration and diagnostics (numbered apart from the socket calls):
 *   INET_IFCONFIG  interface `index` set from the struct inet_ifconf in the
 *                  grant (len bytes); only uid 0 may (-EPERM): a static
 *                  address, DHCP, up or down
 *   INET_SOCKINFO  socket slot `index` (0, 1, ...) as a struct inet_sockinfo
 *                  into the grant; type 0 for a free slot, -ENOENT past the
 *                  last slot
 *   INET_PING      (struct inet_echo) an ICMP echo request to addr with
 *                  sequence number seq and len bytes of data from the grant;
 *                  its identifier is the caller's own
 *   INET_PONG      the next echo reply to the caller's requests: its data
 *                  into the grant (cut to len), the count; seq, ttl and addr
 *                  say which and from where; -ETIMEDOUT after timeout_ms
 *   INET_SHARE     (struct inet_sock) the owner of socket `sock` lets the
 *                  process `addr` (an endpoint) use it too, until it closes
 *                  it; that process's calls never wait (as INET_NONBLOCK),
 *                  and its INET_CLOSE ends only its own use
 */
#ifndef BULKHEAD_INET_H
#define BULKHEAD_INET_H

#include <bulkhead/types.h>

enum {
	INET_IFINFO = 0xb00,
	INET_SOCKET,
	INET_BIND,
	INET_SENDTO,
	INET_RECVFROM,
	INET_CLOSE,
	INET_LISTEN,
	INET_ACCEPT,
	INET_CONNECT,
	INET_SHUTDOWN,
	INET_GETNAME = INET_IFINFO + 0x10,     /* (room left above for other requests) */
	INET_SETOPT,
	INET_GETOPT,
	INET_POLL,
};

/* Administration and diagnostics (see above). */
enum {
	INET_IFCONFIG = 0xb20,
	INET_SOCKINFO,
	INET_PING,
	INET_PONG,
	INET_SHARE,
};

#define INET_TCP      1           /* = SOCK_STREAM */
#define INET_UDP      2           /* = SOCK_DGRAM */
#define INET_NONBLOCK 0x1
#define INET_SHUT_RD  0x2
#define INET_SHUT_WR  0x4
#define INET_NAME_PEER 0x8

/* Socket options (INET_SETOPT, INET_GETOPT); times in milliseconds, 0: none. */
enum {
	INET_OPT_REUSEADDR = 1,      /* bind to a port still held by a closed connection */
	INET_OPT_NODELAY,            /* TCP: no Nagle delay for small segments */
	INET_OPT_RCVTIMEO,
	INET_OPT_SNDTIMEO,
	INET_OPT_ERROR,              /* read only */
	INET_OPT_TYPE,               /* read only: INET_TCP or INET_UDP */
};

/* INET_POLL: events and revents (the values POSIX's poll.h uses too). */
#define INET_POLLIN   0x1
#define INET_POLLOUT  0x4
#define INET_POLLERR  0x8
#define INET_POLLHUP  0x10
#define INET_POLLNVAL 0x20
#define INET_POLL_MAX 32             /* sockets one INET_POLL names at most */
#define INET_POLL_FOREVER 0xffffffffu

#define INET_IFNAME_MAX 8
#define INET_LABEL_MAX  16

struct inet_req {
	uint32_t   index;
	grant_id_t grant;
	uint32_t   len;
};

struct inet_ifinfo {
	char       name[INET_IFNAME_MAX];      /* eth0, eth1, ... */
	char       label[INET_LABEL_MAX];      /* its driver's data-store label */
	endpoint_t driver;                     /* EP_NONE while it restarts */
	uint32_t   attaches;                   /* NET_INITs answered: 1 + restarts seen */
	uint8_t    mac[6];
	uint8_t    link;                       /* as the driver last reported it */
	uint8_t    configured;                 /* 1: it has an address */
	uint8_t    dhcp;                       /* 1: the address came from a DHCP server */
	uint8_t    pad[3];
	uint32_t   addr, netmask, gateway;     /* network byte order */
	uint32_t   rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint32_t   rx_dropped;                 /* no buffer in inet for a received frame */
	uint32_t   tx_queued;                  /* frames the driver could not take at once */
	uint32_t   tx_resent;                  /* ... sent later, some to a new incarnation */
	uint32_t   tx_dropped;                 /* the queue was full, or the driver refused */
	uint32_t   rx_bad_batches;             /* NET_RECV_BATCH answers that did not check out */
	uint32_t   rx_coalesced;               /* received frames that went up merged with others */
	uint32_t   rx_batches, tx_batches;     /* batches of frames from and to the driver */
	uint32_t   tx_syn_again;               /* opening TCP connections' SYNs sent again after restarts */
	uint32_t   tx_async_batches;           /* ... of tx_batches, sent without waiting (NET_SEND_ASYNC) */
};

struct inet_sock {
	int32_t    sock;
	uint32_t   type;                       /* INET_SOCKET */
	uint32_t   addr;
	uint16_t   port;
	uint16_t   flags;
	grant_id_t grant;
	uint32_t   len;
};

struct inet_pollfd {
	int32_t    sock;                       /* < 0: ignored */
	uint16_t   events, revents;
};

struct inet_poll {
	grant_id_t grant;                      /* count struct inet_pollfd, read and written */
	uint32_t   count;
	uint32_t   timeout_ms;
};

/* INET_IFCONFIG: what to do to an interface. */
enum { INET_IF_STATIC = 1, INET_IF_DHCP, INET_IF_UP, INET_IF_DOWN };

struct inet_ifconf {
	uint32_t   op;                         /* INET_IF_* */
	uint32_t   addr, netmask, gateway;     /* INET_IF_STATIC; network byte order */
};

/* INET_SOCKINFO: TCP states, numbered as RFC 793 lists them (lwIP does too). */
enum {
	INET_TCP_CLOSED, INET_TCP_LISTEN, INET_TCP_SYN_SENT, INET_TCP_SYN_RCVD, INET_TCP_ESTABLISHED,
	INET_TCP_FIN_WAIT_1, INET_TCP_FIN_WAIT_2, INET_TCP_CLOSE_WAIT, INET_TCP_CLOSING,
	INET_TCP_LAST_ACK, INET_TCP_TIME_WAIT,
};

struct inet_sockinfo {
	int32_t    number;                     /* as its owner names it */
	endpoint_t owner;
	uint32_t   type;                       /* INET_TCP, INET_UDP; 0: a free slot */
	uint32_t   state;                      /* TCP: INET_TCP_*; UDP: 0 */
	uint32_t   local_addr, remote_addr;    /* network byte order */
	uint16_t   local_port, remote_port;    /* host byte order */
	uint32_t   recv_queue;                 /* bytes received, not yet read */
	uint32_t   send_queue;                 /* bytes sent, not yet acknowledged */
};

struct inet_echo {
	uint32_t   addr;                       /* network byte order */
	uint16_t   seq;
	uint16_t   ttl;                        /* INET_PONG: the reply's */
	grant_id_t grant;
	uint32_t   len;
	uint32_t   timeout_ms;                 /* INET_PONG */
};

MSG_PAYLOAD(inet_req);
MSG_PAYLOAD(inet_echo);
MSG_PAYLOAD(inet_sock);
MSG_PAYLOAD(inet_poll);

#endif
