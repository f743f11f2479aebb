/*
 * The network driver protocol's test request (NET_TEST, numbered with the
 * others in include/bulkhead/net.h), kept apart from the protocol clients
 * use: a driver serves it only if it was started with --test (else
 * -EPERM), for the in-OS tests (tests/os/t_netclient.c), and
 * lib/netdriver/nettest.c is the one place that handles it.
 *
 *   NET_TEST_CRASH          crash now
 *   NET_TEST_PROBE          try reading the two ports and claiming the PCI
 *                           device given (to prove they are refused): the
 *                           reply (net_probe_reply) holds each result
 *   NET_TEST_RESET          reset the device as on a fault, pausing just
 *                           after it starts (-EINVAL if the driver cannot)
 *   NET_TEST_CRASH_IN_RECV  crash in the next NET_RECV_BATCH: after the
 *                           copy, before the reply
 *   NET_TEST_CRASH_IN_SEND  crash in the next NET_SEND_BATCH: after its
 *                           first frame went out
 *   NET_TEST_TX_HOLD        stop the device's transmitter: frames sent are
 *                           taken into its ring but not sent, until the ring
 *                           is full (-EINVAL if the driver cannot)
 *   NET_TEST_TX_RUN         start it again: what the ring holds goes out
 */
#ifndef BULKHEAD_NETTEST_H
#define BULKHEAD_NETTEST_H

#include <bulkhead/types.h>

#define NET_TEST_CRASH 1
#define NET_TEST_PROBE 2
#define NET_TEST_RESET 3
#define NET_TEST_CRASH_IN_RECV 4
#define NET_TEST_CRASH_IN_SEND 5
#define NET_TEST_TX_HOLD 6
#define NET_TEST_TX_RUN 7

struct net_test_req {
	uint32_t op;                   /* what to do */
	uint32_t port[2];              /* NET_TEST_PROBE: ports to try reading */
	uint16_t vendor, device;       /* NET_TEST_PROBE: a PCI device to try claiming */
};

struct net_probe_reply { int32_t port[2]; int32_t pci; };

MSG_PAYLOAD(net_test_req);
MSG_PAYLOAD(net_probe_reply);

#endif
