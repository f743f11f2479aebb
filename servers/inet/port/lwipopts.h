/*
 * lwipopts.h: how inet builds lwIP. One process, no threads, no operating
 * system layer (NO_SYS): inet calls into lwIP from its request loop only, so
 * no locking is needed. The raw (callback) API only; BSD sockets for programs
 * are inet's own protocol, not lwIP's socket layer. IPv4 with ARP, ICMP,
 * UDP, TCP and a DHCP client.
 */
#ifndef INET_LWIPOPTS_H
#define INET_LWIPOPTS_H

#define NO_SYS                  1
#define SYS_LIGHTWEIGHT_PROT    0
#define LWIP_NETCONN            0
#define LWIP_SOCKET             0
#define LWIP_TIMERS             1

#define LWIP_IPV4               1
#define LWIP_IPV6               0
#define LWIP_ARP                1
#define LWIP_ETHERNET           1
#define LWIP_ICMP               1
#define LWIP_RAW                1           /* ICMP echo for programs (ping.c) */
#define LWIP_UDP                1
#define LWIP_TCP                1
#define LWIP_DHCP               1
#define LWIP_AUTOIP             0
#define LWIP_IGMP               0
#define LWIP_DNS                0
#define IP_REASSEMBLY           1
#define IP_FRAG                 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK   1
#define LWIP_STATS              0
#define LWIP_DEBUG              0

/*
 * For programs' sockets (sock.c): SO_REUSEADDR; datagrams and connections
 * to the machine's own addresses and to 127.0.0.1 go through lwIP's loopback
 * queue (inet drains it in its loop, sock_loopback); and two timers per
 * socket (a receive or send timeout; the watch for a stalled sender after a
 * driver restart, tcp.c) and one per waiting poll besides lwIP's own.
 */
#define SO_REUSE                1
/* A SYN flood holds at most a listener's backlog of half-open connections
   (each freed after TCP_SYN_RCVD_TIMEOUT), not every pcb every program needs. */
#define TCP_LISTEN_BACKLOG      1
#define LWIP_NETIF_LOOPBACK     1
#define LWIP_LOOPBACK_MAX_PBUFS 64
#define SOCK_TIMERS             (2 * 32 + 16) /* 2 x MAX_SOCKETS + MAX_POLLERS (sock.h) */
#define MEMP_NUM_SYS_TIMEOUT    (LWIP_NUM_SYS_TIMEOUT_INTERNAL + SOCK_TIMERS)

/*
 * Memory: lwIP's own heap and fixed pools. The heap holds outgoing data
 * (256 KB) and as much again for received runs of segments merged into one
 * piece (eth.c's deliver_merged; the pool takes them when the heap is full).
 */
#define MEM_ALIGNMENT           4
#define MEM_SIZE                (512 * 1024)

/*
 * Window and buffer sizes, chosen for throughput. The path is QEMU's
 * emulated NIC under TCG: round trips of roughly a millisecond, and a rate
 * the emulation (not the wire) limits to some tens of MB/s. Bandwidth x
 * delay is therefore well under 64 KB, so the largest window that needs no
 * window scaling (44 full segments, 64,240 bytes) keeps the pipe full in
 * both directions; the send buffer is as large, so the sender never stalls
 * waiting for the application while acknowledgements are in flight.
 *
 * Every received frame takes one pool buffer until lwIP or the application
 * is done with it: the pool holds a full receive window of out-of-order
 * segments twice over, plus room for ARP, ICMP and UDP at the same time.
 */
#define TCP_MSS                 1460
#define TCP_WND                 (44 * TCP_MSS)
#define TCP_SND_BUF             (44 * TCP_MSS)
#define TCP_SND_QUEUELEN        (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_SNDLOWAT            (TCP_SND_BUF / 2)
#define TCP_QUEUE_OOSEQ         1
#define MEMP_NUM_TCP_SEG        (2 * TCP_SND_QUEUELEN)
#define MEMP_NUM_TCP_PCB        32
#define MEMP_NUM_TCP_PCB_LISTEN 16
#define MEMP_NUM_UDP_PCB        16
#define MEMP_NUM_PBUF           64
#define MEMP_NUM_REASSDATA      8
#define MEMP_NUM_FRAG_PBUF      16
#define PBUF_POOL_SIZE          128
#define PBUF_POOL_BUFSIZE       LWIP_MEM_ALIGN_SIZE(TCP_MSS + 40 + PBUF_LINK_HLEN)
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1   /* a NIC that fills in IPv4 and TCP checksums does (eth.c) */
#define ARP_TABLE_SIZE          16
#define ARP_QUEUEING            1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0

/* lwIP's calls into inet (tcp.c): every TCP header it sends, before its
   checksum; and each new connection's initial sequence number. */
#define LWIP_TCP_PCB_NUM_EXT_ARGS 1    /* tcp.c: a listener's hook before its SYN-ACK (the window's cap) */
#define LWIP_HOOK_FILENAME      "hooks.h"
#define LWIP_HOOK_TCP_OUT_ADD_TCPOPTS(p, hdr, pcb, opts) inet_tcp_out_hook(p, hdr, pcb, opts)
#define LWIP_HOOK_TCP_ISN(local, lport, remote, rport) inet_tcp_isn(local, lport, remote, rport)

#endif
