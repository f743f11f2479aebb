/*
 * ifconfig: show the network interfaces, or change one (uid 0 only), through
 * the network server inet (INET_IFINFO, INET_IFCONFIG).
 *
 *   ifconfig [IFACE]                         every interface, or one
 *   ifconfig IFACE ADDRESS[/PREFIX] [netmask MASK] [gateway GW]
 *   ifconfig IFACE dhcp | up | down
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/inet.h>

#define MAX_IFACES_SHOWN 16
#define MAX_PREFIX 32

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: ifconfig [IFACE]\n"
	        "       ifconfig IFACE ADDRESS[/PREFIX] [netmask MASK] [gateway GATEWAY]\n"
	        "       ifconfig IFACE dhcp|up|down\n"
	        "\n"
	        "Without a setting, show each interface (or IFACE): its address, netmask and\n"
	        "gateway (and whether DHCP gave them), MAC address, the driver it runs on\n"
	        "(label, endpoint and incarnation: 1 + the driver restarts it has seen),\n"
	        "link state, and packet, byte and error counters.\n"
	        "With one, change IFACE (uid 0 only): a static address (netmask from /PREFIX\n"
	        "or 'netmask', default /24; gateway optional), an address by DHCP, or take\n"
	        "the interface up or down. The network server checks who asks.\n");
}

static const char *ip(uint32_t a, char *buf)
{
	struct in_addr in = { a };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN) ? buf : "?";
}

static void show(const struct inet_ifinfo *i)
{
	char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];

	printf("%s: %s  link %s\n", i->name, i->configured ? "configured" : "no address",
	       i->link ? "up" : "down");
	printf("    inet %s  netmask %s  gateway %s  (%s)\n", ip(i->addr, a), ip(i->netmask, m),
	       i->gateway ? ip(i->gateway, g) : "none", i->dhcp ? "dhcp" : "static");
	printf("    ether %02x:%02x:%02x:%02x:%02x:%02x\n", i->mac[0], i->mac[1], i->mac[2], i->mac[3],
	       i->mac[4], i->mac[5]);
	if (i->driver == EP_NONE)
		printf("    driver %s (restarting)  incarnation %u  restarts seen %u\n", i->label,
		       (unsigned)i->attaches, i->attaches ? (unsigned)i->attaches - 1 : 0);
	else
		printf("    driver %s (endpoint %d)  incarnation %u  restarts seen %u\n", i->label, (int)i->driver,
		       (unsigned)i->attaches, i->attaches ? (unsigned)i->attaches - 1 : 0);
	printf("    RX packets %u  bytes %u  batches %u  dropped %u  coalesced %u\n", (unsigned)i->rx_frames,
	       (unsigned)i->rx_bytes, (unsigned)i->rx_batches, (unsigned)i->rx_dropped, (unsigned)i->rx_coalesced);
	printf("    TX packets %u  bytes %u  batches %u (%u async)  queued %u  resent %u  dropped %u\n",
	       (unsigned)i->tx_frames, (unsigned)i->tx_bytes, (unsigned)i->tx_batches,
	       (unsigned)i->tx_async_batches, (unsigned)i->tx_queued, (unsigned)i->tx_resent,
	       (unsigned)i->tx_dropped);
}

static const char *why(int r)
{
	return r == -ESRCH || r == -ENETDOWN ? "the network server inet is not running" : strerror(-r);
}

/* The index of interface `name`, or -1 (said). */
static int find(const char *name, struct inet_ifinfo *out)
{
	uint32_t n;
	int r;

	for (n = 0; n < MAX_IFACES_SHOWN; n++) {
		r = inet_info(INET_IFINFO, n, out, sizeof *out);
		if (r == -ENOENT)
			break;
		if (r < 0) {
			fprintf(stderr, "ifconfig: %s\n", why(r));
			return -1;
		}
		if (!strcmp(out->name, name))
			return (int)n;
	}
	fprintf(stderr, "ifconfig: %s: no such interface\n", name);
	return -1;
}

static int show_all(void)
{
	struct inet_ifinfo info;
	uint32_t n;
	int r = 0;

	for (n = 0; n < MAX_IFACES_SHOWN; n++) {
		r = inet_info(INET_IFINFO, n, &info, sizeof info);
		if (r < 0)
			break;
		show(&info);
	}
	if (r < 0 && r != -ENOENT) {
		fprintf(stderr, "ifconfig: %s\n", why(r));
		return 1;
	}
	if (n == 0)
		printf("ifconfig: no interfaces (no network driver has appeared yet)\n");
	return 0;
}

/* "A.B.C.D" or "A.B.C.D/P" into c; 0, or -1 (said). */
static int parse_address(const char *text, struct inet_ifconf *c)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	unsigned long prefix = 24;
	char *end;

	if (len >= sizeof addr)
		goto bad;
	memcpy(addr, text, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, &c->addr) != 1)
		goto bad;
	if (slash) {
		prefix = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || prefix == 0 || prefix > MAX_PREFIX)
			goto bad;
	}
	c->netmask = htonl(~0u << (MAX_PREFIX - prefix));
	return 0;
bad:
	fprintf(stderr, "ifconfig: %s: not an IPv4 address (A.B.C.D or A.B.C.D/PREFIX, PREFIX 1-32)\n", text);
	return -1;
}

/* The words after IFACE into c; 0, or -1 (said). */
static int parse_setting(int argc, char **argv, struct inet_ifconf *c)
{
	uint32_t *to;
	int k;

	memset(c, 0, sizeof *c);
	if (argc == 1 && !strcmp(argv[0], "dhcp"))
		return c->op = INET_IF_DHCP, 0;
	if (argc == 1 && !strcmp(argv[0], "up"))
		return c->op = INET_IF_UP, 0;
	if (argc == 1 && !strcmp(argv[0], "down"))
		return c->op = INET_IF_DOWN, 0;
	c->op = INET_IF_STATIC;
	if (parse_address(argv[0], c) < 0)
		return -1;
	for (k = 1; k < argc; k += 2) {
		to = !strcmp(argv[k], "netmask") ? &c->netmask : !strcmp(argv[k], "gateway") ? &c->gateway : NULL;
		if (!to) {
			fprintf(stderr, "ifconfig: %s: unknown setting (want netmask MASK or gateway GATEWAY)\n", argv[k]);
			return -1;
		}
		if (k + 1 == argc || inet_pton(AF_INET, argv[k + 1], to) != 1) {
			fprintf(stderr, "ifconfig: %s needs an IPv4 address after it\n", argv[k]);
			return -1;
		}
	}
	return 0;
}

static int configure(int n, struct inet_ifconf *c, const char *name)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.m_type = INET_IFCONFIG;
	m.inet_req.index = (uint32_t)n;
	m.inet_req.len = sizeof *c;
	r = server_call_granted("inet", &m, &m.inet_req.grant, c, sizeof *c, GRANT_READ);
	if (r == -EPERM)
		fprintf(stderr, "ifconfig: %s: only uid 0 may change an interface\n", name);
	else if (r == -EINVAL)
		fprintf(stderr, "ifconfig: %s: the network server refused that setting (bad address or netmask)\n", name);
	else if (r == -ENETUNREACH)
		fprintf(stderr, "ifconfig: %s: the gateway is not on the interface's network\n", name);
	else if (r < 0)
		fprintf(stderr, "ifconfig: %s: %s\n", name, why(r));
	return r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct inet_ifinfo info;
	struct inet_ifconf c;
	int n;

	if (argc > 1 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && argv[1][0] == '-') {
		fprintf(stderr, "ifconfig: %s: unknown option\n", argv[1]);
		usage(stderr);
		return 2;
	}
	if (argc == 1)
		return show_all();
	n = find(argv[1], &info);
	if (n < 0)
		return 1;
	if (argc == 2) {
		show(&info);
		return 0;
	}
	if (parse_setting(argc - 2, argv + 2, &c) < 0)
		return 2;
	return configure(n, &c, argv[1]);
}
