/*
 * t_hwcheck: PCI device ownership survives the PCI bus server's restart
 * (boot configuration test-hardware: an RTL8139, whose driver /etc/rc
 * started).
 *
 * Run by init, it starts itself again through the driver manager ("run",
 * policy /tests/hwcheck.conf), because only a driver whose policy names the
 * RTL8139 can try to claim it. Then it kills the PCI server, and once the
 * server is back: lspci still shows the RTL8139 driver as the holder, a
 * claim of the same device by this second driver is refused, and the
 * holder still sends and receives frames (its interrupts still arrive).
 * Then, holding a port range of its own, it tries the holder's ports and
 * the PCI configuration ports with in/out directly: each is refused, reads
 * all ones, is logged with its port, and the holder still works. Last it
 * kills the holder: the next incarnation claims the device again and
 * works.
 */
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <bulkhead/clients.h>
#include <bulkhead/net.h>
#include <bulkhead/netdriver.h>
#include <bulkhead/policy.h>
#include <bulkhead/posix.h>
#include "lib/testlib.h"

#define NIC_VENDOR 0x10ec
#define NIC_DEVICE 0x8139
#define CMD_MASTER 0x4
#define WAIT_MS    10000

static int find_nic(struct pci_device *d)
{
	uint32_t i;

	for (i = 0; pci_list(i, d) == 0; i++)
		if (d->vendor == NIC_VENDOR && d->device == NIC_DEVICE)
			return 0;
	return -ENODEV;
}

static int nic_call(endpoint_t nic, int type, void *buf, uint32_t len, uint32_t rights)
{
	grant_id_t g = grant_direct(nic, buf, len, rights);
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.m_type = type;
	m.net_req.version = NET_VERSION;
	m.net_req.grant = g;
	m.net_req.len = len;
	r = ipc_sendrec(nic, &m);
	grant_revoke(g);
	return r < 0 ? r : m.m_type;
}

/*
 * An ARP request from 10.0.2.15 for QEMU's gateway 10.0.2.2 into f, from the
 * NIC's own address (NET_INIT's: this test becomes the driver's client,
 * which on this boot has no other), so that QEMU's answer passes the NIC's
 * filter. 0 or -1.
 */
static int arp_request(endpoint_t nic, uint8_t f[NET_MIN_FRAME])
{
	static const uint8_t arp[8] = { 0, 1, 8, 0, 6, 4, 0, 1 };   /* Ethernet, IPv4, a request */
	static const uint8_t me[4] = { 10, 0, 2, 15 }, gateway[4] = { 10, 0, 2, 2 };
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = NET_INIT;
	m.net_req.version = NET_VERSION;
	if (ipc_sendrec(nic, &m) < 0 || m.m_type != 0)
		return -1;
	memset(f, 0, NET_MIN_FRAME);
	memset(f, 0xff, 6);
	memcpy(f + 6, m.net_init_reply.mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	memcpy(f + 14, arp, sizeof arp);
	memcpy(f + 22, m.net_init_reply.mac, 6);
	memcpy(f + 28, me, sizeof me);
	memcpy(f + 38, gateway, sizeof gateway);
	return 0;
}

/*
 * Does the driver at nic work both ways: it sends an ARP request, and QEMU's
 * answer comes back with an interrupt? (A transmission alone raises none: the
 * driver unmasks its transmit interrupts only while its ring is full.)
 */
static int nic_works(endpoint_t nic, struct net_stats *after)
{
	static uint8_t frame[NET_MIN_FRAME];
	struct net_stats before;
	uint32_t until;

	if (arp_request(nic, frame) < 0 || nic_call(nic, NET_STATS, &before, sizeof before, GRANT_WRITE) < 0 ||
	    nic_call(nic, NET_SEND, frame, sizeof frame, GRANT_READ) < 0)
		return 0;
	until = sys_uptime_ms() + 2000;
	do {
		t_sleep(20);
		if (nic_call(nic, NET_STATS, after, sizeof *after, GRANT_WRITE) < 0)
			return 0;
	} while ((after->interrupts == before.interrupts || after->rx_frames == before.rx_frames) &&
	         (int32_t)(sys_uptime_ms() - until) < 0);
	return after->tx_frames > before.tx_frames && after->interrupts > before.interrupts &&
	       after->rx_frames > before.rx_frames && after->tx_errors == before.tx_errors;
}

static void test_pci_restart(void)
{
	struct dm_driver_info pci, pci2, nic;
	struct pci_device d, mine;
	struct net_stats st;
	int r, claim;

	dm_info("rtl8139", 0, &nic);
	r = dm_info("pci", 0, &pci);
	if (r == 0)
		r = pm_kill(pci.endpoint, SIGKILL);
	if (r == 0)
		r = t_wait_driver("pci", pci.incarnation, &pci2, WAIT_MS);
	if (r == 0)
		r = find_nic(&d);
	t_check("pci_restart_keeps_holder", r == 0 && d.owner == nic.endpoint && !strcmp(d.owner_label, "rtl8139"),
	        "PCI server incarnation %u -> %u (%d); lspci: %02x:%02x.%u held by %s, endpoint %d "
	        "(the driver is endpoint %d)", pci.incarnation, pci2.incarnation, r, d.bus, d.dev, d.func,
	        d.owner_label, (int)d.owner, (int)nic.endpoint);

	claim = pci_claim(0, NIC_VENDOR, NIC_DEVICE, &mine);
	r = find_nic(&d);
	t_check("pci_restart_second_claim_refused", claim < 0 && r == 0 && d.owner == nic.endpoint &&
	        (d.command & CMD_MASTER), "a second driver naming %04x:%04x claims it: %d; holder still "
	        "endpoint %d, bus mastering %s", NIC_VENDOR, NIC_DEVICE, claim, (int)d.owner,
	        d.command & CMD_MASTER ? "on" : "off");

	r = nic_works(nic.endpoint, &st);
	dm_info("rtl8139", 0, &pci2);
	t_check("pci_restart_holder_still_works", r && pci2.incarnation == nic.incarnation,
	        "the RTL8139 driver (incarnation %u) sent an ARP request and got the answer: tx %u, rx %u, "
	        "interrupts %u, tx errors %u", pci2.incarnation, st.tx_frames, st.rx_frames, st.interrupts,
	        st.tx_errors);
}

#define RTL_ID0     0x00        /* the MAC address */
#define RTL_COMMAND 0x37        /* writing 0x10 would reset the chip */
#define RTL_RESET   0x10
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define OWN_PORT    0x2e8       /* COM4: ours by the policy */

/* In/out straight at the holder's registers and the PCI configuration ports. */
static void test_direct_ports_refused(void)
{
	struct dm_driver_info nic;
	struct pci_device d;
	struct net_stats st;
	uint32_t seq = t_log_next(), io, id = 0, cfg = 0, own = 0;
	int refused = 0, logged, works;

	if (find_nic(&d) < 0 || d.bar_kind[0] != PCI_BAR_IO) {
		t_fail("direct_ports_refused", "no RTL8139 with I/O registers on the bus");
		return;
	}
	io = d.bar[0];
	dm_info("rtl8139", 0, &nic);
	nic_works(nic.endpoint, &st);                  /* the holder ran last: its ports were allowed */
	t_pio_in(OWN_PORT, 1, 0, &own);
	refused += t_pio_in((uint16_t)(io + RTL_ID0), 4, 0, &id);
	refused += t_pio_out((uint16_t)(io + RTL_COMMAND), 1, RTL_RESET);
	refused += t_pio_out(PCI_CONFIG_ADDRESS, 4, 0x80000000u);
	refused += t_pio_in(PCI_CONFIG_DATA, 4, 0, &cfg);
	logged = t_denied_port_logged(seq, io + RTL_ID0) + t_denied_port_logged(seq, io + RTL_COMMAND) +
	         t_denied_port_logged(seq, PCI_CONFIG_ADDRESS) + t_denied_port_logged(seq, PCI_CONFIG_DATA);
	works = nic_works(nic.endpoint, &st);
	t_check("direct_ports_refused", refused == 4 && logged == 4 && id == 0xffffffffu && cfg == 0xffffffffu &&
	        works, "in/out on the RTL8139's ports (%x) and cf8/cfc: %d of 4 refused, %d logged with their "
	        "port, reads %x %x; the holder %s", io, refused, logged, id, cfg,
	        works ? "still sends and receives" : "NO LONGER sends and receives");
}

static void test_holder_reclaims(void)
{
	struct dm_driver_info before, after;
	struct pci_device d;
	struct net_stats st;
	int r, works = 0;

	dm_info("rtl8139", 0, &before);
	r = pm_kill(before.endpoint, SIGKILL);
	if (r == 0)
		r = t_wait_driver("rtl8139", before.incarnation, &after, WAIT_MS);
	if (r == 0)
		r = find_nic(&d);
	if (r == 0)
		works = nic_works(after.endpoint, &st);
	t_check("holder_restarted_reclaims", r == 0 && d.owner == after.endpoint && after.endpoint != before.endpoint &&
	        (d.command & CMD_MASTER) && works, "restarted: endpoint %d -> %d; lspci: held by %s, endpoint %d; "
	        "sends and receives: %s", (int)before.endpoint, (int)after.endpoint, d.owner_label, (int)d.owner,
	        works ? "yes" : "no");
}

/* Run by init: start ourselves under the driver manager with our policy. */
static int launch(void)
{
	struct dm_up_request req;
	char err[POLICY_ERR_MAX];
	int r;

	memset(&req, 0, sizeof req);
	strcpy(req.binary, "/tests/t_hwcheck");
	strcpy(req.config, "/tests/hwcheck.conf");
	strcpy(req.label, "hwcheck");
	strcpy(req.args, "run");
	req.argc = 1;
	r = dm_up(&req, err, sizeof err);
	if (r < 0) {
		t_fail("pci_restart_keeps_holder", "cannot start the test under its policy: %s", err);
		t_summary();
	}
	return r < 0;
}

int main(int argc, char **argv)
{
	message m;

	if (argc < 2 || strcmp(argv[1], "run"))
		return launch();
	posix_use_kernel_console();              /* our policy does not include the console */
	memset(&m, 0, sizeof m);
	m.m_type = DM_INIT_DONE;                 /* the driver manager started us: say we are up */
	ipc_sendrec(find_boot_server("dm"), &m);
	test_pci_restart();
	test_direct_ports_refused();
	test_holder_reclaims();
	t_summary();
	for (;;)                                 /* exiting would count as a failure and restart us */
		t_sleep(60000);
}
