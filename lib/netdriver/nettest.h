/* nettest: the network driver library's side of NET_TEST (nettest.c), for netdriver.c only. */
#ifndef LIB_NETDRIVER_NETTEST_H
#define LIB_NETDRIVER_NETTEST_H

#include <bulkhead/netdriver.h>

/* Serve NET_TEST requests from here on if the arguments hold --test (else they get -EPERM). */
void nettest_init(int argc, char **argv);

/* A NET_TEST request (m: its message, the reply's too) to a driver whose device ops are nic. */
int nettest_request(message *m, const struct netdriver_ops *nic);

/* Inside a batch call of kind NET_TEST_CRASH_IN_RECV or _SEND: crash if a test armed that. */
void nettest_crash_point(uint32_t kind);

#endif
