/*
 * nc [-u] ADDRESS PORT | nc [-u] -l [-p] PORT: netcat. Connects to (or
 * listens for one connection on) a TCP or UDP port, then copies what is
 * typed to the socket and what arrives to the console, until the peer
 * closes the connection (TCP) or nc is interrupted.
 *
 * Without poll over the console, nc is two processes: the parent owns the
 * socket and copies it to standard output; a forked child reads the console
 * (the parent hands it the foreground) and sends through the same socket,
 * which the parent shares with it (INET_SHARE: the child's calls never
 * wait, so it retries while the send buffer is full). At the end of input
 * (Ctrl-D) the child closes the sending half of a TCP connection. The parent
 * polls the socket and the child; Ctrl-C ends the child, and then nc.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <bulkhead/clients.h>
#include <bulkhead/inet.h>
#include <bulkhead/posix.h>

#define BUF_SIZE      32768
#define LINE_SIZE     256
#define POLL_MS       5         /* between looks at the socket and the child */
#define RETRY_MS      10        /* the child, while the send buffer is full */
#define FOREGROUND_MS 2000      /* the child waits this long for the console */

struct opts {
	int udp, listen, verbose;
	struct sockaddr_in peer;    /* connect: the address; listen: who came */
	uint16_t port;
};

static char buf[BUF_SIZE];

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: nc [-u] [-v] ADDRESS PORT\n"
	        "       nc [-u] [-v] -l [-p] PORT\n"
	        "\n"
	        "Connect to ADDRESS (A.B.C.D) port PORT over TCP (UDP with -u), or with -l\n"
	        "wait for one connection (UDP: the first datagram) on PORT; then send each\n"
	        "line typed and show what arrives, until the peer closes the connection or\n"
	        "Ctrl-C. Ctrl-D (end of input) closes the sending half of a TCP connection.\n"
	        "  -u        UDP instead of TCP\n"
	        "  -l        listen instead of connecting\n"
	        "  -p PORT   the port to listen on (also given alone after -l)\n"
	        "  -v        say when the connection is made (on standard error)\n"
	        "In the background nc reads nothing (the console is the foreground's) and only\n"
	        "shows what arrives.\n");
}

static int bad_usage(const char *what, const char *arg)
{
	fprintf(stderr, "nc: %s%s%s\n", arg ? arg : "", arg ? ": " : "", what);
	usage(stderr);
	return -1;
}

static int parse_port(const char *text, uint16_t *port)
{
	char *end;
	unsigned long n = strtoul(text, &end, 10);

	if (end == text || *end || *text == '-' || n == 0 || n > 65535)
		return bad_usage("not a port (1 to 65535)", text);
	*port = (uint16_t)n;
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	int k, have_port = 0;

	memset(o, 0, sizeof *o);
	for (k = 1; k < argc && argv[k][0] == '-'; k++) {
		if (!strcmp(argv[k], "-u")) {
			o->udp = 1;
		} else if (!strcmp(argv[k], "-l")) {
			o->listen = 1;
		} else if (!strcmp(argv[k], "-v")) {
			o->verbose = 1;
		} else if (!strcmp(argv[k], "-p") && k + 1 < argc) {
			if (parse_port(argv[++k], &o->port) < 0)
				return -1;
			have_port = 1;
		} else {
			return bad_usage(!strcmp(argv[k], "-p") ? "needs a port" : "unknown option", argv[k]);
		}
	}
	if (o->listen) {
		if (k < argc && !have_port && parse_port(argv[k++], &o->port) == 0)
			have_port = 1;
		else if (k < argc && !have_port)
			return -1;
		if (!have_port || k != argc)
			return bad_usage(have_port ? "too many arguments" : "-l needs a port", NULL);
		return 0;
	}
	if (have_port || argc - k != 2)
		return bad_usage("give ADDRESS PORT, or -l PORT", NULL);
	if (inet_pton(AF_INET, argv[k], &o->peer.sin_addr) != 1)
		return bad_usage("not an IPv4 address (A.B.C.D; there is no name resolution)", argv[k]);
	if (parse_port(argv[k + 1], &o->port) < 0)
		return -1;
	o->peer.sin_family = AF_INET;
	o->peer.sin_port = htons(o->port);
	return 0;
}

static int fail(const char *what)
{
	fprintf(stderr, "nc: %s: %s\n", what, errno == ENETDOWN ? "the network server inet is not running"
	                                                       : strerror(errno));
	return -1;
}

/* The listening end: bound to PORT; TCP: the accepted connection. The socket, or -1. */
static int open_listening(struct opts *o)
{
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(o->port) };
	socklen_t len = sizeof o->peer;
	int fd = socket(AF_INET, o->udp ? SOCK_DGRAM : SOCK_STREAM, 0), c;

	if (fd < 0)
		return fail("socket");
	if (bind(fd, (struct sockaddr *)&me, sizeof me) < 0)
		return fail("bind");
	if (o->udp)
		return fd;
	if (listen(fd, 1) < 0)
		return fail("listen");
	c = accept(fd, (struct sockaddr *)&o->peer, &len);
	if (c < 0)
		return fail("accept");
	close(fd);
	return c;
}

static int open_socket(struct opts *o)
{
	int fd;

	if (o->listen)
		return open_listening(o);
	fd = socket(AF_INET, o->udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0)
		return fail("socket");
	if (!o->udp && connect(fd, (struct sockaddr *)&o->peer, sizeof o->peer) < 0)
		return fail("connect");
	return fd;
}

/* UDP, listening: wait for the first datagram, show it; its sender is the peer. */
static int first_datagram(int fd, struct opts *o)
{
	socklen_t len = sizeof o->peer;
	ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&o->peer, &len);

	if (n < 0)
		return fail("recvfrom");
	write(1, buf, (size_t)n);
	return 0;
}

static int send_all(int fd, const struct opts *o, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = o->udp ? sendto(fd, p, len, 0, (const struct sockaddr *)&o->peer, sizeof o->peer)
		           : send(fd, p, len, 0);
		if (n < 0 && errno == EAGAIN) {
			sys_sleep_ms(RETRY_MS);
			continue;
		}
		if (n < 0)
			return fail("send");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The child: what is typed goes to the socket; at the end, TCP's sending half closes. */
static void __attribute__((noreturn)) typist(int fd, const struct opts *o)
{
	char line[LINE_SIZE];
	ssize_t n;

	con_wait_foreground(FOREGROUND_MS);
	while ((n = read(0, line, sizeof line)) > 0)
		if (send_all(fd, o, line, (size_t)n) < 0)
			_exit(1);
	if (n == 0 && !o->udp)
		shutdown(fd, SHUT_WR);               /* the end of input; not a console we may not read */
	_exit(n == 0 ? 0 : 1);
}

/* INET_SHARE: let pid use our socket fd too. */
static int share(int fd, int pid)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = INET_SHARE;
	m.inet_sock.sock = posix_fd_socket(fd);
	m.inet_sock.addr = (uint32_t)pid;
	return server_call("inet", &m);
}

static void say_connected(const struct opts *o)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &o->peer.sin_addr, a, sizeof a);
	fprintf(stderr, "nc: %s %s port %u\n", o->listen ? "connection from" : "connected to", a,
	        (unsigned)ntohs(o->peer.sin_port));
}

/* The socket to standard output until the peer closes or the child is interrupted: the status. */
static int copy_out(int fd, const struct opts *o, int child)
{
	int status, typing = 1;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n > 0) {
			write(1, buf, (size_t)n);
			continue;
		}
		if (n == 0 && !o->udp)
			return 0;
		if (n < 0 && errno != EAGAIN) {
			fprintf(stderr, "nc: %s\n", errno == ECONNRESET ? "the peer reset the connection" :
			        errno == ENETDOWN || errno == EBADF ? "the network server inet was restarted" :
			        strerror(errno));
			return 1;
		}
		if (typing && waitpid(child, &status, WNOHANG) == child) {
			typing = 0;
			if (WIFSIGNALED(status))
				return 128 + WTERMSIG(status);      /* Ctrl-C: it was the foreground */
		}
		sys_sleep_ms(POLL_MS);
	}
}

int main(int argc, char **argv)
{
	struct opts o;
	int fd, child, r;

	if (argc > 1 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (parse(argc, argv, &o) < 0)
		return 2;
	fd = open_socket(&o);
	if (fd < 0 || (o.listen && o.udp && first_datagram(fd, &o) < 0))
		return 1;
	child = fork();
	if (child < 0)
		return fail("fork"), 1;
	if (child == 0)
		typist(fd, &o);
	r = share(fd, child);
	if (r < 0)
		fprintf(stderr, "nc: cannot share the socket with the typing process: %s\n", strerror(-r));
	con_set_foreground(child);
	if (o.verbose)
		say_connected(&o);
	r = copy_out(fd, &o, child);
	kill(child, SIGTERM);
	waitpid(child, NULL, 0);
	close(fd);
	if (r > 128)
		kill(getpid(), r - 128);                /* end as the child did */
	return r;
}
