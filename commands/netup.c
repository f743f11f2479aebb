/*
 * netup [-q] [-w SECONDS] [-i IFACE] [-p udp/PORT | -p tcp/PORT]... [PROGRAM...]:
 * the benchmark boots' start-up contract (boot/fs/etc/rc.netbench). Waits
 * until IFACE (eth0) has an address and its link is up and prints
 * "NET-UP <uptime-seconds>"; then starts each PROGRAM in the background and
 * waits until every port given with -p has a listening socket, and prints
 * "SRV-READY". The same lines a Linux guest prints for tools/bench.py.
 * If inet has no such interface (no NIC driver runs) it gives up at once,
 * after NO_IFACE_MS. -q: wait, but print no NET-UP (the default boot's
 * /etc/rc.net, so that the shell starts with the network up and inet's
 * messages said).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/inet.h>

#define DEFAULT_WAIT_S 60
#define MAX_WAIT_S     600
#define POLL_MS        20
#define MAX_PORTS      8
#define MAX_SLOTS      1024
#define MAX_IFACES     16
#define NO_IFACE_MS    3000     /* inet attaches to running drivers as it starts: this is ample */

struct port { uint32_t type; uint16_t number; };

static struct port ports[MAX_PORTS];
static int n_ports;

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: netup [-q] [-w SECONDS] [-i IFACE] [-p udp/PORT | -p tcp/PORT]... [PROGRAM...]\n"
	        "\n"
	        "Wait until IFACE (default eth0) has an address and its link is up, then print\n"
	        "'NET-UP <uptime in seconds>'. Then start each PROGRAM in the background, wait\n"
	        "until each port given with -p has a socket listening on it (UDP: bound), and\n"
	        "print 'SRV-READY'. Gives up after SECONDS (default %d), saying what is missing,\n"
	        "and at once if inet has no interface IFACE. -q: print no NET-UP line.\n",
	        DEFAULT_WAIT_S);
}

static uint32_t started;
static int no_iface;

static int iface_up(const char *name)
{
	struct inet_ifinfo i;
	uint32_t n;

	for (n = 0; n < MAX_IFACES && inet_info(INET_IFINFO, n, &i, sizeof i) == 0; n++)
		if (!strcmp(i.name, name))
			return i.configured && i.link;
	no_iface = sys_uptime_ms() - started >= NO_IFACE_MS;
	return 0;
}

static int listening(const struct port *p)
{
	struct inet_sockinfo s;
	uint32_t n;

	for (n = 0; n < MAX_SLOTS && inet_info(INET_SOCKINFO, n, &s, sizeof s) == 0; n++)
		if (s.type == p->type && s.local_port == p->number &&
		    (s.type == INET_UDP || s.state == INET_TCP_LISTEN))
			return 1;
	return 0;
}

static int all_listening(void)
{
	int k;

	for (k = 0; k < n_ports; k++)
		if (!listening(&ports[k]))
			return 0;
	return 1;
}

static int parse_port(const char *text)
{
	unsigned long n;
	char *end;

	if (n_ports == MAX_PORTS) {
		fprintf(stderr, "netup: at most %d ports\n", MAX_PORTS);
		return -1;
	}
	if (strncmp(text, "udp/", 4) && strncmp(text, "tcp/", 4))
		goto bad;
	n = strtoul(text + 4, &end, 10);
	if (!text[4] || *end || n == 0 || n > 65535)
		goto bad;
	ports[n_ports++] = (struct port){ text[0] == 'u' ? INET_UDP : INET_TCP, (uint16_t)n };
	return 0;
bad:
	fprintf(stderr, "netup: -p %s: give udp/PORT or tcp/PORT (1 to 65535)\n", text);
	return -1;
}

static int start(char *path)
{
	char *argv[] = { path, NULL };
	int pid = fork();

	if (pid == 0) {
		execve(path, argv, NULL);
		fprintf(stderr, "netup: cannot run %s\n", path);
		_exit(127);
	}
	return pid;
}

/* Poll cond until it holds or the deadline passes; 0 if it held. */
static int wait_for(int (*cond)(const void *), const void *arg, uint32_t deadline)
{
	while (!cond(arg)) {
		if ((int32_t)(sys_uptime_ms() - deadline) >= 0 || no_iface)
			return -ETIMEDOUT;
		sys_sleep_ms(POLL_MS);
	}
	return 0;
}

static int iface_cond(const void *name) { return iface_up(name); }
static int ports_cond(const void *unused) { (void)unused; return all_listening(); }

int main(int argc, char **argv)
{
	const char *iface = "eth0";
	unsigned long wait_s = DEFAULT_WAIT_S;
	uint32_t deadline, now;
	char *end;
	int k, quiet = 0;

	started = sys_uptime_ms();
	for (k = 1; k < argc && argv[k][0] == '-'; k += 2) {
		if (!strcmp(argv[k], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[k], "-q")) {
			quiet = 1;
			k--;
			continue;
		}
		if (strlen(argv[k]) != 2 || !strchr("wip", argv[k][1]) || k + 1 == argc) {
			fprintf(stderr, "netup: %s: %s\n", argv[k], k + 1 == argc ? "needs a value" : "unknown option");
			usage(stderr);
			return 2;
		}
		if (argv[k][1] == 'i') {
			iface = argv[k + 1];
		} else if (argv[k][1] == 'p') {
			if (parse_port(argv[k + 1]) < 0)
				return 2;
		} else {
			wait_s = strtoul(argv[k + 1], &end, 10);
			if (*end || wait_s == 0 || wait_s > MAX_WAIT_S) {
				fprintf(stderr, "netup: -w %s: give seconds from 1 to %d\n", argv[k + 1], MAX_WAIT_S);
				return 2;
			}
		}
	}
	deadline = sys_uptime_ms() + (uint32_t)wait_s * 1000;
	if (wait_for(iface_cond, iface, deadline) < 0) {
		if (no_iface)
			fprintf(stderr, "netup: no interface %s (no network driver is running)\n", iface);
		else
			fprintf(stderr, "netup: %s has no address or no link after %lu s\n", iface, wait_s);
		return 1;
	}
	now = sys_uptime_ms();
	if (!quiet)
		printf("NET-UP %u.%02u\n", (unsigned)(now / 1000), (unsigned)(now % 1000 / 10));
	fflush(stdout);
	if (k == argc && n_ports == 0)
		return 0;
	for (; k < argc; k++)
		if (start(argv[k]) < 0)
			fprintf(stderr, "netup: cannot start %s\n", argv[k]);
	if (wait_for(ports_cond, NULL, deadline) < 0) {
		fprintf(stderr, "netup: not every port listens after %lu s\n", wait_s);
		return 1;
	}
	printf("SRV-READY\n");
	fflush(stdout);
	return 0;
}
