/*
 * netstat [-t] [-u] [-l]: the network server's sockets (INET_SOCKINFO): for
 * each, its protocol, receive and send queues, local and remote address,
 * TCP state and the process that owns it.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/inet.h>

#define MAX_SLOTS 1024          /* asked until inet says there are no more */
#define ADDR_TEXT (INET_ADDRSTRLEN + 6)

static const char *const states[] = {
	[INET_TCP_CLOSED] = "CLOSED", [INET_TCP_LISTEN] = "LISTEN", [INET_TCP_SYN_SENT] = "SYN_SENT",
	[INET_TCP_SYN_RCVD] = "SYN_RECV", [INET_TCP_ESTABLISHED] = "ESTABLISHED",
	[INET_TCP_FIN_WAIT_1] = "FIN_WAIT1", [INET_TCP_FIN_WAIT_2] = "FIN_WAIT2",
	[INET_TCP_CLOSE_WAIT] = "CLOSE_WAIT", [INET_TCP_CLOSING] = "CLOSING",
	[INET_TCP_LAST_ACK] = "LAST_ACK", [INET_TCP_TIME_WAIT] = "TIME_WAIT",
};

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: netstat [-t] [-u] [-l]\n"
	        "\n"
	        "List the network server's sockets: protocol, bytes received but not yet\n"
	        "read (Recv-Q), bytes sent but not yet acknowledged (Send-Q), local and\n"
	        "foreign address and port (* for any), TCP state, and the owner's pid.\n"
	        "  -t  TCP sockets only     -u  UDP sockets only     -l  listening only\n");
}

static const char *endpoint(uint32_t addr, uint16_t port, char *buf)
{
	char a[INET_ADDRSTRLEN] = "*";
	struct in_addr in = { addr };

	if (addr)
		inet_ntop(AF_INET, &in, a, sizeof a);
	if (port)
		snprintf(buf, ADDR_TEXT, "%s:%u", a, (unsigned)port);
	else
		snprintf(buf, ADDR_TEXT, "%s:*", a);
	return buf;
}

static int wanted(const struct inet_sockinfo *s, int tcp, int udp, int listening)
{
	if (s->type == 0 || (tcp && !udp && s->type != INET_TCP) || (udp && !tcp && s->type != INET_UDP))
		return 0;
	if (listening)
		return s->type == INET_UDP || s->state == INET_TCP_LISTEN;
	return 1;
}

int main(int argc, char **argv)
{
	int k, tcp = 0, udp = 0, listening = 0, r = 0;
	char local[ADDR_TEXT], remote[ADDR_TEXT];
	struct inet_sockinfo s;
	uint32_t n;

	for (k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[k], "-t")) {
			tcp = 1;
		} else if (!strcmp(argv[k], "-u")) {
			udp = 1;
		} else if (!strcmp(argv[k], "-l")) {
			listening = 1;
		} else {
			fprintf(stderr, "netstat: %s: unknown option\n", argv[k]);
			usage(stderr);
			return 2;
		}
	}
	printf("Proto Recv-Q Send-Q Local Address          Foreign Address        State        PID\n");
	for (n = 0; n < MAX_SLOTS; n++) {
		r = inet_info(INET_SOCKINFO, n, &s, sizeof s);
		if (r < 0)
			break;
		if (!wanted(&s, tcp, udp, listening))
			continue;
		printf("%-5s %6u %6u %-22s %-22s %-12s %d\n", s.type == INET_TCP ? "tcp" : "udp",
		       (unsigned)s.recv_queue, (unsigned)s.send_queue, endpoint(s.local_addr, s.local_port, local),
		       s.type == INET_TCP && s.state != INET_TCP_LISTEN ? endpoint(s.remote_addr, s.remote_port, remote)
		                                                       : "*:*",
		       s.type == INET_UDP ? "" : s.state < sizeof states / sizeof states[0] ? states[s.state] : "?",
		       (int)s.owner);
	}
	if (r < 0 && r != -ENOENT) {
		fprintf(stderr, "netstat: %s\n", r == -ESRCH || r == -ENETDOWN ? "the network server inet is not running"
		                                                                : strerror(-r));
		return 1;
	}
	return 0;
}
