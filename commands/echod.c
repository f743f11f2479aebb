/*
 * echod [PORT]: UDP echo (RFC 862) on PORT (default 7): every datagram goes
 * back to its sender unchanged. Runs until killed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define ECHO_PORT 7
#define MAX_DATAGRAM 65507

static char buf[MAX_DATAGRAM];

/* One line on standard error in one write, so that it is not cut by other output. */
static void say_error(const char *fmt, const char *what)
{
	char line[128];
	int n = snprintf(line, sizeof line, fmt, what);

	write(2, line, n < (int)sizeof line ? (size_t)n : sizeof line - 1);
}

int main(int argc, char **argv)
{
	struct sockaddr_in me, peer;
	socklen_t peer_len;
	int fd, port = argc > 1 ? atoi(argv[1]) : ECHO_PORT;
	ssize_t n;

	if (port <= 0 || port > 65535) {
		fprintf(stderr, "usage: echod [PORT]\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&me, 0, sizeof me);
	me.sin_family = AF_INET;
	me.sin_port = htons((uint16_t)port);
	me.sin_addr.s_addr = htonl(INADDR_ANY);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof me) < 0) {
		fprintf(stderr, "echod: cannot listen on UDP port %d: %s\n", port, strerror(errno));
		return 1;
	}
	printf("echod: UDP echo on port %d\n", port);
	for (;;) {
		peer_len = sizeof peer;
		n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &peer_len);
		if (n < 0) {
			say_error("echod: %s (the network server was restarted?)\n", strerror(errno));
			return 1;
		}
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, peer_len);
	}
}
