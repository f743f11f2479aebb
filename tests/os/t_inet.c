/*
 * t_inet NIC: the network server test (boot configurations test-inet-*).
 * Starts the NIC's driver (unless /etc/rc already did) and inet under their
 * usual policies, inet with eth0 at 10.0.2.15/24 (gateway 10.0.2.2), and
 * watches inet through INET_IFINFO while the host peer (tests/ippeer.py)
 * resolves the guest with ARP and pings it: first a sweep of sizes, then a
 * steady stream, during which this program kills the driver. inet must
 * re-attach to the next incarnation by itself, and pings must be answered
 * again (the peer counts them; here, the frames inet sends afterwards).
 *
 * t_inet NIC dhcp (boot test-inet-dhcp): inet configures eth0 by DHCP from
 * QEMU's user network instead, which must give it 10.0.2.15/24 (and, with
 * restrict=on, no gateway: QEMU then offers no router).
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/clients.h>
#include <bulkhead/inet.h>
#include <bulkhead/policy.h>
#include "lib/testlib.h"

#define SWEEP_PINGS   230           /* the peer's sweep (tests/ippeer.py), at least */
#define KILL_AFTER    150           /* frames of the steady stream seen before the kill */
#define AFTER_KILL    200           /* frames inet must send after the restart */
#define WAIT_MS       60000

struct setup { const char *nic, *binary, *args; };

static const struct setup setups[] = {
	{ "rtl8139", "/drivers/rtl8139", "" },
	{ "ne2000",  "/drivers/ne2000",  "" },
};

/* Start binary under label with its usual policy, unless /etc/rc already did. */
static int up(const char *binary, const char *label, const char *args)
{
	struct dm_up_request req;
	struct dm_driver_info info;
	char err[POLICY_ERR_MAX], text[DM_ARGS_MAX], *w;
	uint32_t off = 0;
	int r;

	if (dm_info(label, 0, &info) == 0 && info.endpoint != EP_NONE)
		return 0;
	memset(&req, 0, sizeof req);
	strcpy(req.binary, binary);
	strcpy(req.label, label);
	snprintf(text, sizeof text, "%s", args);
	for (w = strtok(text, " "); w; w = strtok(NULL, " ")) {
		strcpy(req.args + off, w);
		off += (uint32_t)strlen(w) + 1;
		req.argc++;
	}
	r = dm_up(&req, err, sizeof err);
	if (r < 0)
		printf("t_inet: cannot start %s: %s (%d)\n", label, err, r);
	return r;
}

static int ifinfo(struct inet_ifinfo *out)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = INET_IFINFO;
	m.inet_req.index = 0;
	m.inet_req.len = sizeof *out;
	return server_call_granted("inet", &m, &m.inet_req.grant, out, sizeof *out, GRANT_WRITE);
}

/* Poll inet until cond(info) holds or ms pass; 0 if it held. */
static int wait_until(int (*cond)(const struct inet_ifinfo *, uint32_t), uint32_t arg,
                      struct inet_ifinfo *info, uint32_t ms)
{
	uint32_t until = sys_uptime_ms() + ms;

	do {
		if (ifinfo(info) == 0 && cond(info, arg))
			return 0;
		t_sleep(20);
	} while ((int32_t)(sys_uptime_ms() - until) < 0);
	return -ETIMEDOUT;
}

static int configured(const struct inet_ifinfo *i, uint32_t arg) { return i->driver != EP_NONE && i->configured; }
static int received(const struct inet_ifinfo *i, uint32_t n) { return i->rx_frames >= n; }
static int reattached(const struct inet_ifinfo *i, uint32_t n) { return i->attaches >= n && i->driver != EP_NONE; }
static int sent(const struct inet_ifinfo *i, uint32_t n) { return i->tx_frames >= n; }

static void report(const struct inet_ifinfo *i)
{
	printf("[inet] %s (%s, endpoint %d, %u attaches): rx %u frames %u bytes, tx %u frames %u bytes, "
	       "rx dropped %u, tx queued %u, resent after restart %u, dropped %u\n", i->name, i->label,
	       (int)i->driver, i->attaches, i->rx_frames, i->rx_bytes, i->tx_frames, i->tx_bytes,
	       i->rx_dropped, i->tx_queued, i->tx_resent, i->tx_dropped);
}

static void kill_mid_ping(const char *nic)
{
	struct inet_ifinfo before, after;
	struct dm_driver_info d;
	uint32_t killed_at;
	int r;

	r = wait_until(received, SWEEP_PINGS + KILL_AFTER, &before, WAIT_MS);
	if (!t_check("pings_reach_inet", r == 0, "%u frames received by inet (want %u: the sweep and the stream)",
	             before.rx_frames, SWEEP_PINGS + KILL_AFTER))
		return;
	dm_info(nic, 0, &d);
	killed_at = sys_uptime_ms();
	r = pm_kill(d.endpoint, 9);
	t_check("driver_killed_mid_ping", r == 0, "killed %s (endpoint %d, incarnation %u) with %u frames received",
	        nic, (int)d.endpoint, d.incarnation, before.rx_frames);
	r = wait_until(reattached, before.attaches + 1, &after, WAIT_MS);
	t_check("inet_reattached", r == 0 && after.driver != d.endpoint,
	        "inet re-attached to %s at endpoint %d (was %d) %u ms after the kill", nic, (int)after.driver,
	        (int)d.endpoint, sys_uptime_ms() - killed_at);
	r = wait_until(sent, after.tx_frames + AFTER_KILL, &after, WAIT_MS);
	t_check("answers_after_restart", r == 0, "inet sent %u more frames through the new incarnation",
	        after.tx_frames - before.tx_frames);
	report(&after);
}

int main(int argc, char **argv)
{
	const struct setup *s = NULL;
	struct inet_ifinfo info;
	char args[DM_ARGS_MAX];
	unsigned k;
	int r, dhcp;

	for (k = 0; argc > 1 && k < sizeof setups / sizeof setups[0]; k++)
		if (!strcmp(argv[1], setups[k].nic))
			s = &setups[k];
	if (!s) {
		printf("usage: t_inet rtl8139|ne2000 [dhcp]\n");
		return 2;
	}
	dhcp = argc > 2 && !strcmp(argv[2], "dhcp");
	snprintf(args, sizeof args, "drivers=%s eth0=%s", s->nic, dhcp ? "dhcp" : "10.0.2.15/24,10.0.2.2");
	r = up(s->binary, s->nic, s->args);
	if (r == 0)
		r = up("/servers/inet", "inet", args);
	t_check("inet_started", r == 0, "%s and inet started by the driver manager", s->nic);
	r = wait_until(configured, 0, &info, WAIT_MS);
	t_check("inet_attached", r == 0 && !strcmp(info.name, "eth0") && !strcmp(info.label, s->nic),
	        "%s on %s (endpoint %d), MAC %02x:%02x:%02x:%02x:%02x:%02x, address %08x, link %u",
	        info.name, info.label, (int)info.driver, info.mac[0], info.mac[1], info.mac[2], info.mac[3],
	        info.mac[4], info.mac[5], __builtin_bswap32(info.addr), info.link);
	if (dhcp)                  /* restricted, QEMU's DHCP server names no router */
		t_check("dhcp_configured", r == 0 && info.dhcp && info.addr == 0x0f02000a &&
		        info.netmask == 0x00ffffff && info.gateway == 0,
		        "address %08x netmask %08x gateway %08x, from DHCP: %u", __builtin_bswap32(info.addr),
		        __builtin_bswap32(info.netmask), __builtin_bswap32(info.gateway), info.dhcp);
	else if (r == 0)
		kill_mid_ping(s->nic);
	t_summary();
	for (;;)                   /* the harness stops the machine once the peer is done */
		t_sleep(60000);
}
