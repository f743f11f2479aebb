/*
 * hooks: the inet functions lwIP calls from its own code (lwipopts.h names
 * this file LWIP_HOOK_FILENAME; lwIP includes it after its own headers).
 */
#ifndef INET_HOOKS_H
#define INET_HOOKS_H

struct pbuf;
struct tcp_hdr;
struct tcp_pcb;
struct ip4_addr;                 /* ip_addr_t: inet is IPv4 only */

/* Each TCP header lwIP sends, its options written and its checksum not yet
   (LWIP_HOOK_TCP_OUT_ADD_TCPOPTS); returns opts, adding none (tcp.c). */
u32_t *inet_tcp_out_hook(struct pbuf *p, struct tcp_hdr *hdr, const struct tcp_pcb *pcb, u32_t *opts);

/* A new connection's initial sequence number (LWIP_HOOK_TCP_ISN, tcp.c). */
u32_t inet_tcp_isn(const struct ip4_addr *local, u16_t local_port, const struct ip4_addr *remote,
                   u16_t remote_port);

#endif
