/*
 * The network driver protocol, version 1: an Ethernet driver and its client
 * (the network server, or a test client). Frames move only through grants;
 * the two never share memory. Requests are sendrec; the reply's m_type is
 * the result. The driver notifies its client when frames have arrived and
 * when a full transmit ring has room again, so nothing is ever left pending
 * inside the driver: after a restart there is nothing half-done to lose.
 *
 *   NET_INIT   attach (the driver notifies this client from now on); the
 *              reply carries the protocol version, the MAC address and link
 *   NET_SEND   send one frame (len 14..1514 bytes, header included; the
 *              driver pads short frames to 60); -EAGAIN: ring full, retry
 *              when notified
 *   NET_RECV   the oldest received frame into the grant; its length, or
 *              -EAGAIN when there is none
 *   NET_STATS  a struct net_stats into the grant
 *   NET_TEST   only for a driver started with --test: crash, or try the
 *              given ports and PCI device (to prove they are refused), or
 *              reset the device pausing just after it starts (-EINVAL if
 *              the driver cannot)
 */
#ifndef BULKHEAD_NET_H
#define BULKHEAD_NET_H

#include <bulkhead/types.h>

enum {
	NET_INIT = 0xa00,
	NET_SEND,
	NET_RECV,
	NET_STATS,
	NET_TEST,
};

#define NET_VERSION   1
#define NET_MIN_FRAME 60
#define NET_MAX_FRAME 1514
#define NET_TEST_CRASH 1
#define NET_TEST_PROBE 2
#define NET_TEST_RESET 3                /* reset the device as on a fault, pausing just after it starts */

struct net_req {
	uint32_t   version;
	grant_id_t grant;
	uint32_t   len;
	uint32_t   op;                 /* NET_TEST: what to do */
	uint32_t   port[2];            /* NET_TEST_PROBE: ports to try reading */
	uint16_t   vendor, device;     /* NET_TEST_PROBE: a PCI device to try claiming */
};

struct net_init_reply {
	uint32_t version;
	uint8_t  mac[6];
	uint8_t  link;                 /* 1: up */
	uint8_t  pad;
	uint32_t mtu;
};

struct net_probe_reply { int32_t port[2]; int32_t pci; };

struct net_stats {
	uint32_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint32_t rx_errors;            /* bad frames the device reported */
	uint32_t rx_overflows;         /* the device's receive ring overflowed */
	uint32_t rx_dropped;           /* received, but the client's queue was full */
	uint32_t rx_bad_length;        /* runts and oversize frames thrown away */
	uint32_t tx_errors, tx_full, interrupts;
	uint32_t rx_resets;            /* the receiver was reset: the device's ring made no sense */
};

MSG_PAYLOAD(net_req);
MSG_PAYLOAD(net_init_reply);
MSG_PAYLOAD(net_probe_reply);

#endif
