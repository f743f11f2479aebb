/*
 * inet: the network server. TCP/IP is lwIP (fetched from Debian's source
 * package by the build, see tools/fetch-lwip.sh), run in this one process
 * with no threads: lwIP is called only from the request loop below, and its
 * timers run before each receive. The Ethernet interfaces and their drivers
 * are in eth.c. inet is an ordinary unprivileged process, started by the
 * driver manager under its policy (servers/inet/inet.conf). Programs use
 * UDP and TCP sockets through it (sock.c, tcp.c; lib/posix makes them BSD
 * sockets).
 *
 * Command line (words, in any order):
 *   drivers=LABEL,LABEL,...       driver labels to watch (default: every NIC
 *                                 driver this system has)
 *   ethN=ADDRESS/PREFIX,GATEWAY   a static address for interface ethN
 *   ethN=dhcp                     DHCP for ethN (the default)
 *   config=FILE                   settings from FILE (config.c; its bad lines
 *                                 are reported and skipped, the rest apply)
 * A bad word is refused with a message, and inet exits with status 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/posix.h>
#include <bulkhead/server.h>
#include "lwip/init.h"
#include "lwip/timeouts.h"
#include "inet.h"

#define MAX_PREFIX 32
#define LABELS_MAX 96             /* the drivers= list, as given */

static const char *const default_drivers[] = { "rtl8139", "ne2000", "ne2000_isa" };
static struct if_config configs[MAX_IFACES] = {
	{ .dhcp = 1 }, { .dhcp = 1 }, { .dhcp = 1 }, { .dhcp = 1 },
};
static char label_text[LABELS_MAX];
static const char *labels[MAX_DRIVERS];
static int n_labels;
static endpoint_t ds;

const struct if_config *inet_config(int n)
{
	return &configs[n];
}

/* "A.B.C.D/P,G.H.I.J" into c; -EINVAL if it is not that. */
static int parse_static(const char *text, struct if_config *c)
{
	char addr[16], gw[16];
	unsigned prefix;
	int used = 0;

	if (sscanf(text, "%15[0-9.]/%u,%15[0-9.]%n", addr, &prefix, gw, &used) != 3 || text[used] ||
	    prefix > MAX_PREFIX || !ip4addr_aton(addr, &c->addr) || !ip4addr_aton(gw, &c->gateway))
		return -EINVAL;
	ip4_addr_set_u32(&c->netmask, prefix ? lwip_htonl(~0u << (MAX_PREFIX - prefix)) : 0);
	c->dhcp = 0;
	return 0;
}

static int parse_drivers(const char *text)
{
	char *w;

	if (strlen(text) >= sizeof label_text)
		return -ENAMETOOLONG;
	strcpy(label_text, text);
	n_labels = 0;
	for (w = strtok(label_text, ","); w; w = strtok(NULL, ",")) {
		if (n_labels == MAX_DRIVERS || strlen(w) >= INET_LABEL_MAX)
			return -EINVAL;
		labels[n_labels++] = w;
	}
	return n_labels ? 0 : -EINVAL;
}

static int parse_word(const char *w)
{
	struct if_config c = { 0 };
	unsigned n;
	int used = 0;

	if (!strncmp(w, "drivers=", 8))
		return parse_drivers(w + 8);
	if (!strncmp(w, "config=", 7)) {
		config_read(w + 7, configs, MAX_IFACES);
		return 0;
	}
	if (sscanf(w, "eth%u=%n", &n, &used) != 1 || !used || n >= MAX_IFACES)
		return -EINVAL;
	if (!strcmp(w + used, "dhcp"))
		c.dhcp = 1;
	else if (parse_static(w + used, &c) < 0)
		return -EINVAL;
	configs[n] = c;
	return 0;
}

static int parse_args(int argc, char **argv)
{
	int k;

	for (k = 0; k < (int)(sizeof default_drivers / sizeof default_drivers[0]); k++)
		labels[n_labels++] = default_drivers[k];
	for (k = 1; k < argc; k++) {
		if (parse_word(argv[k]) < 0) {
			printf("inet: bad argument '%s' (want drivers=LABEL,... or ethN=A.B.C.D/P,GATEWAY "
			       "or ethN=dhcp or config=FILE, N < %d)\n", argv[k], MAX_IFACES);
			return -EINVAL;
		}
	}
	return 0;
}

static int do_ifinfo(message *m)
{
	struct inet_ifinfo info;
	uint32_t len = m->inet_req.len < sizeof info ? m->inet_req.len : sizeof info;
	int r;

	r = eth_info(m->inet_req.index, &info);
	if (r < 0)
		return r;
	return sys_safecopy(m->m_source, m->inet_req.grant, 0, &info, len, SAFECOPY_TO);
}

static const server_handler handlers[] = {
	[INET_IFINFO - INET_IFINFO]   = do_ifinfo,
	[INET_SOCKET - INET_IFINFO]   = sock_do_socket,
	[INET_BIND - INET_IFINFO]     = sock_do_bind,
	[INET_SENDTO - INET_IFINFO]   = sock_do_sendto,
	[INET_RECVFROM - INET_IFINFO] = sock_do_recvfrom,
	[INET_CLOSE - INET_IFINFO]    = sock_do_close,
	[INET_LISTEN - INET_IFINFO]   = sock_do_listen,
	[INET_ACCEPT - INET_IFINFO]   = sock_do_accept,
	[INET_CONNECT - INET_IFINFO]  = sock_do_connect,
	[INET_SHUTDOWN - INET_IFINFO] = sock_do_shutdown,
	[INET_GETNAME - INET_IFINFO]  = sock_do_getname,
	[INET_SETOPT - INET_IFINFO]   = sock_do_setopt,
	[INET_GETOPT - INET_IFINFO]   = sock_do_getopt,
	[INET_POLL - INET_IFINFO]     = sock_do_poll,
	[INET_IFCONFIG - INET_IFINFO] = config_do_ifconfig,
	[INET_SOCKINFO - INET_IFINFO] = info_do_sockinfo,
	[INET_PING - INET_IFINFO]     = ping_do_ping,
	[INET_PONG - INET_IFINFO]     = ping_do_pong,
	[INET_SHARE - INET_IFINFO]    = sock_do_share,
};

static void notified(const message *m)
{
	if (m->m_source == ds)
		eth_ds_news();
	else if (m->m_source != EP_CLOCK)
		eth_notified(m->m_source);
}

/* lwIP's timers that are due, and the frames waiting to go; then the time until the next timer (0: none). */
static uint32_t timers(void)
{
	uint32_t eth = eth_timers();
	u32_t next;
	int busy, later;

	sys_check_timeouts();
	busy = sock_loopback();
	later = eth_flush();             /* what this event and the timers made, in batches */
	if (later)
		return SERVER_WHEN_IDLE;     /* (the timers run then, too) */
	next = sys_timeouts_sleeptime();
	if (busy)
		return 1;
	if (next == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
		return eth;
	next = next ? next : 1;
	return eth && eth < next ? eth : next;
}

static const struct server inet = { INET_IFINFO, SERVER_TABLE(handlers), notified, NULL, timers };

/* The driver manager started us: say we are up. */
static void tell_dm_ready(void)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = DM_INIT_DONE;
	ipc_sendrec(find_boot_server("dm"), &m);
}

int main(int argc, char **argv)
{
	int r;

	posix_use_kernel_console();
	if (parse_args(argc, argv) < 0)
		return 2;
	ds = server_endpoint("ds", EP_NONE);
	lwip_init();
	sock_init();
	ping_init();
	tell_dm_ready();
	r = eth_watch(labels, n_labels);
	if (r < 0) {
		printf("inet: cannot watch the drivers' labels: %d\n", r);
		return 1;
	}
	printf("inet: network server ready (endpoint %d), watching %d driver labels\n", (int)sys_self(), n_labels);
	server_loop(&inet);
}
