/*
 * inet's internals: its configuration (inet.c) and its Ethernet interfaces
 * (eth.c), each attached to one NIC driver through the network driver
 * protocol (include/bulkhead/net.h).
 */
#ifndef INET_INET_H
#define INET_INET_H

#include <bulkhead/syslib.h>
#include <bulkhead/inet.h>
#include <bulkhead/net.h>
#include "lwip/ip4_addr.h"

#define MAX_IFACES  4           /* Ethernet interfaces, eth0..eth3 */
#define MAX_DRIVERS 8           /* driver labels watched */

/* How an interface gets its address. */
struct if_config {
	int dhcp;
	ip4_addr_t addr, netmask, gateway;
};

/* The configuration for interface ethN (DHCP if none was given). */
const struct if_config *inet_config(int n);

/* Watch these driver labels in the data store and attach to each that appears. */
int  eth_watch(const char *const labels[], int n);
/* The data store said something changed: attach, re-attach or forget. */
void eth_ds_news(void);
/* A notification from `who`: if it is one of our drivers, move frames. */
int  eth_notified(endpoint_t who);
uint32_t eth_window_cap(const struct netif *netif);   /* TCP receive window, at most, over it */
int eth_flush(void);                   /* frames lwIP queued go to the drivers; 1 if some wait for idle */
/* Attaches to retry that are due; the ms until the next (0: none). */
uint32_t eth_timers(void);
/* Interface n's state, for INET_IFINFO; -ENOENT past the last. */
int  eth_info(uint32_t n, struct inet_ifinfo *out);

/* Interface n's lwIP netif, or NULL past the last (eth.c). */
struct netif *eth_netif(uint32_t n);

/* Configuration (config.c): the file's settings into configs[]; INET_IFCONFIG. */
int  config_read(const char *path, struct if_config configs[], int n_configs);
int  config_do_ifconfig(message *m);
/* Sockets as netstat sees them (info.c): INET_SOCKINFO. */
int  info_do_sockinfo(message *m);
/* ICMP echo for programs (ping.c): INET_PING, INET_PONG. */
void ping_init(void);
int  ping_do_ping(message *m);
int  ping_do_pong(message *m);

/* Sockets for programs (sock.c): the INET_SOCKET..INET_SHUTDOWN handlers. */
void sock_init(void);
int  sock_do_socket(message *m);
int  sock_do_bind(message *m);
int  sock_do_sendto(message *m);
int  sock_do_recvfrom(message *m);
int  sock_do_close(message *m);
int  sock_do_listen(message *m);
int  sock_do_accept(message *m);
int  sock_do_connect(message *m);
int  sock_do_shutdown(message *m);
int  sock_do_getname(message *m);
int  sock_do_setopt(message *m);
int  sock_do_getopt(message *m);
int  sock_do_poll(message *m);
/* Deliver what lwIP looped back to our own addresses (before each receive);
   1 if some is still queued (then come back at once). */
int  sock_loopback(void);
int  sock_do_share(message *m);
/* A driver came back: acknowledge every TCP connection again, and send the
   SYN of each one still opening again (see tcp.c); how many SYNs. */
uint32_t sock_driver_restarted(void);
/* A received frame, before lwIP sees it, if a bare SYN: one that may reopen a connection in
   TIME-WAIT does (tcp.c); 1 if it is the SYN again for a connection we answered (SYN-RECEIVED,
   the same sequence number: our SYN-ACK did not reach the peer), else 0. */
int  tcp_bare_syn(const uint8_t *frame, uint32_t len);
/* Received segments merged (coalesce.h): whether their connection takes them so, and its ACK for them (tcp.c). */
struct tcp_ends;
int  tcp_may_merge(const struct tcp_ends *e);
void tcp_ack_coalesced(const struct tcp_ends *e);

#endif
