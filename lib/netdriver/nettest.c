/*
 * nettest: NET_TEST (include/bulkhead/nettest.h) for a driver started with
 * --test: fail on purpose, now or in the middle of the next batch call of
 * a kind; reset the device; hold its transmitter; or show that ports and
 * a PCI device that are not the driver's are refused. Kept out of
 * netdriver.c, whose only traces of it are the --test check at start, the
 * request's dispatch and the two crash points.
 */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/nettest.h>
#include "nettest.h"

static int test_mode;
static uint32_t crash_in;               /* NET_TEST_CRASH_IN_RECV or _SEND armed: in that batch call */

void nettest_init(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		test_mode |= !strcmp(argv[i], "--test");
}

static void crash(void)
{
	*(volatile uint32_t *)0 = 1;
}

void nettest_crash_point(uint32_t kind)
{
	if (crash_in == kind)
		crash();
}

/* What this driver may not touch, touched: each result (-EPERM, if the policy holds) into the reply. */
static int probe(message *m)
{
	struct net_test_req q = m->net_test_req;
	struct net_probe_reply r;
	struct pci_device dev;
	uint32_t v, i;

	for (i = 0; i < 2; i++)
		r.port[i] = sys_inb(q.port[i], &v);
	r.pci = pci_claim(0, q.vendor, q.device, &dev);
	m->net_probe_reply = r;
	return 0;
}

int nettest_request(message *m, const struct netdriver_ops *nic)
{
	uint32_t op = m->net_test_req.op;

	if (!test_mode)
		return -EPERM;
	switch (op) {
	case NET_TEST_CRASH:
		crash();
		return 0;
	case NET_TEST_CRASH_IN_RECV:
	case NET_TEST_CRASH_IN_SEND:
		crash_in = op;
		return 0;
	case NET_TEST_RESET:
		return nic->test_reset ? nic->test_reset() : -EINVAL;
	case NET_TEST_PROBE:
		return probe(m);
	case NET_TEST_TX_HOLD:
	case NET_TEST_TX_RUN:
		return nic->test_hold_tx ? nic->test_hold_tx(op == NET_TEST_TX_HOLD) : -EINVAL;
	default:
		return -EINVAL;
	}
}
