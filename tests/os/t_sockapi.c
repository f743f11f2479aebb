/*
 * t_sockapi: the BSD socket API of lib/posix against the network server, every
 * call with its error cases (boot test-sockapi: the rtl8139 driver and inet
 * with eth0 at 10.0.2.15/24, QEMU's restricted user network behind it).
 * TCP and UDP go over loopback (127.0.0.1 and 10.0.2.15 to ourselves), so no
 * host peer is needed: getaddrinfo, inet_pton/ntop, connect/accept,
 * getsockname/getpeername, shutdown, the socket options, O_NONBLOCK, poll and
 * select, then garbage sent to inet directly (bad grants, sizes, sockets of
 * other processes, waiting callers killed): each refused with POSIX's error,
 * and inet goes on serving.
 *
 * t_sockapi console (run from the shell in the default boot): poll and select
 * on standard input with and without a socket beside it; the harness types a
 * line while it waits.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <bulkhead/clients.h>
#include <bulkhead/inet.h>
#include <bulkhead/policy.h>
#include <bulkhead/posix.h>
#include "lib/testlib.h"

#define WAIT_MS     60000
#define PORT        6000           /* and a few above */
#define CLOSED_PORT 6999           /* nobody listens here */
#define TIMEO_MS    200
#define SLACK_MS    2000           /* a loaded machine's lateness we accept */
#define LOG_MAX     600
#define BULK        (1024 * 1024)  /* more than a connection buffers */
#define POLLERS     (16 + 4)       /* more waiting polls than inet keeps at once (MAX_POLLERS) */
#define UNREACHABLE 0x0a00024d     /* 10.0.2.77: nobody answers its ARP */

static char log_text[LOG_MAX];
static size_t log_at;
static char bulk[BULK];

/* Note what a call that must fail did: 1 if it failed with errno want. */
static int refused(long r, int want, const char *what)
{
	int ok = r == -1 && errno == want;

	if (!ok)
		log_at += (size_t)snprintf(log_text + log_at, log_at < LOG_MAX ? LOG_MAX - log_at : 0, "%s%s: %s%s",
		                           log_at ? "; " : "", what, r == -1 ? strerror(errno) : "succeeded",
		                           ok ? "" : " (WRONG)");
	return ok;
}

/* Note a check that is not a refusal. */
static int holds(int cond, const char *what)
{
	if (!cond)
		log_at += (size_t)snprintf(log_text + log_at, log_at < LOG_MAX ? LOG_MAX - log_at : 0, "%sNOT %s",
		                           log_at ? "; " : "", what);
	return cond;
}

/* Report a case from what was noted, and start a new note. */
static void report(const char *name, int ok, const char *what)
{
	t_check(name, ok, "%s: %s", what, log_at ? log_text : "all as expected");
	log_at = 0;
	log_text[0] = 0;
}

static struct sockaddr_in in4(uint32_t host_order, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	a.sin_addr.s_addr = htonl(host_order);
	return a;
}

#define SA(a) ((struct sockaddr *)&(a))
#define LOOP  0x7f000001u
#define SELF  0x0a00020fu

static int tcp_listener(uint32_t addr, int port, int reuse)
{
	struct sockaddr_in a = in4(addr, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd >= 0 && reuse)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd >= 0 && (bind(fd, SA(a), sizeof a) < 0 || listen(fd, 4) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int udp_bound(uint32_t addr, int port)
{
	struct sockaddr_in a = in4(addr, port);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd >= 0 && bind(fd, SA(a), sizeof a) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int tcp_connect(uint32_t addr, int port)
{
	struct sockaddr_in a = in4(addr, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd >= 0 && connect(fd, SA(a), sizeof a) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A connected pair over loopback: *c the client's end, *s the server's; l the listener. */
static int tcp_pair(int port, int *l, int *c, int *s)
{
	*l = tcp_listener(LOOP, port, 0);
	*c = *l >= 0 ? tcp_connect(LOOP, port) : -1;
	*s = *c >= 0 ? accept(*l, NULL, NULL) : -1;
	return *s >= 0 ? 0 : -1;
}

static uint32_t elapsed(uint32_t since) { return sys_uptime_ms() - since; }

/* --- starting inet ----------------------------------------------------------------- */

static int configured(void)
{
	struct inet_ifinfo info;
	uint32_t until = sys_uptime_ms() + WAIT_MS;

	do {
		if (inet_info(INET_IFINFO, 0, &info, sizeof info) == 0 && info.configured && info.driver != EP_NONE)
			return 1;
		t_sleep(20);
	} while ((int32_t)(sys_uptime_ms() - until) < 0);
	return 0;
}

/* --- addresses as text -------------------------------------------------------------- */

static int addr_of(const struct addrinfo *ai, uint32_t host, int port, int type)
{
	const struct sockaddr_in *a = (const struct sockaddr_in *)ai->ai_addr;

	return ai->ai_family == AF_INET && ai->ai_socktype == type && ai->ai_addrlen == sizeof *a &&
	       a->sin_family == AF_INET && a->sin_addr.s_addr == htonl(host) && a->sin_port == htons((uint16_t)port);
}

static void test_getaddrinfo(void)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	int ok = 1, r;

	r = getaddrinfo("10.0.2.15", "5001", &hints, &res);
	ok &= holds(r == 0 && res && addr_of(res, SELF, 5001, SOCK_STREAM) && !res->ai_next, "10.0.2.15:5001 stream");
	if (r == 0)
		freeaddrinfo(res);
	r = getaddrinfo("localhost", "7", NULL, &res);
	ok &= holds(r == 0 && addr_of(res, LOOP, 7, SOCK_STREAM) && res->ai_next &&
	            addr_of(res->ai_next, LOOP, 7, SOCK_DGRAM) && !res->ai_next->ai_next, "localhost: stream, datagram");
	if (r == 0)
		freeaddrinfo(res);
	hints.ai_flags = AI_PASSIVE;
	hints.ai_socktype = SOCK_DGRAM;
	r = getaddrinfo(NULL, "53", &hints, &res);
	ok &= holds(r == 0 && addr_of(res, 0, 53, SOCK_DGRAM), "passive: the any address");
	if (r == 0)
		freeaddrinfo(res);
	hints.ai_flags = 0;
	r = getaddrinfo(NULL, "53", &hints, &res);
	ok &= holds(r == 0 && addr_of(res, LOOP, 53, SOCK_DGRAM), "no node: loopback");
	if (r == 0)
		freeaddrinfo(res);
	report("getaddrinfo_numeric", ok, "numeric addresses, localhost and no node");

	ok = holds(getaddrinfo("example.com", "80", NULL, &res) == EAI_NONAME, "a DNS name: EAI_NONAME");
	hints = (struct addrinfo){ .ai_flags = AI_NUMERICHOST };
	ok &= holds(getaddrinfo("localhost", NULL, &hints, &res) == EAI_NONAME, "localhost, numeric only: EAI_NONAME");
	ok &= holds(getaddrinfo("1.2.3.4", "http", NULL, &res) == EAI_SERVICE, "service http: EAI_SERVICE");
	ok &= holds(getaddrinfo("1.2.3.4", "70000", NULL, &res) == EAI_SERVICE, "port 70000: EAI_SERVICE");
	ok &= holds(getaddrinfo("1.2.3.4", "-1", NULL, &res) == EAI_SERVICE, "port -1: EAI_SERVICE");
	ok &= holds(getaddrinfo(NULL, NULL, NULL, &res) == EAI_NONAME, "neither: EAI_NONAME");
	hints = (struct addrinfo){ .ai_family = 10 };
	ok &= holds(getaddrinfo("1.2.3.4", NULL, &hints, &res) == EAI_FAMILY, "family 10: EAI_FAMILY");
	hints = (struct addrinfo){ .ai_socktype = 99 };
	ok &= holds(getaddrinfo("1.2.3.4", NULL, &hints, &res) == EAI_SOCKTYPE, "type 99: EAI_SOCKTYPE");
	hints = (struct addrinfo){ .ai_socktype = SOCK_STREAM, .ai_protocol = IPPROTO_UDP };
	ok &= holds(getaddrinfo("1.2.3.4", NULL, &hints, &res) == EAI_SOCKTYPE, "stream over UDP: EAI_SOCKTYPE");
	hints = (struct addrinfo){ .ai_flags = 0x8000 };
	ok &= holds(getaddrinfo("1.2.3.4", NULL, &hints, &res) == EAI_BADFLAGS, "flags 0x8000: EAI_BADFLAGS");
	ok &= holds(getaddrinfo("1.2.3.4", NULL, NULL, NULL) == EAI_FAIL, "no result pointer: EAI_FAIL");
	ok &= holds(strcmp(gai_strerror(EAI_NONAME), gai_strerror(EAI_SERVICE)) && *gai_strerror(12345),
	            "gai_strerror names each");
	freeaddrinfo(NULL);
	report("getaddrinfo_errors", ok, "names needing DNS, bad services, families, types, flags");
}

static void test_text(void)
{
	static const char *const bad[] = { "1.2.3", "256.1.1.1", "1.2.3.4x", "", "1..2.3", " 1.2.3.4", "1.2.3.4.5" };
	char text[INET_ADDRSTRLEN], tiny[8];
	struct in_addr a;
	unsigned k;
	int ok;

	ok = holds(inet_pton(AF_INET, "10.0.2.15", &a) == 1 && a.s_addr == htonl(SELF), "pton 10.0.2.15");
	ok &= holds(inet_ntop(AF_INET, &a, text, sizeof text) == text && !strcmp(text, "10.0.2.15"), "ntop back");
	ok &= holds(inet_pton(AF_INET, "255.255.255.255", &a) == 1 && a.s_addr == 0xffffffff, "pton broadcast");
	for (k = 0; k < sizeof bad / sizeof bad[0]; k++)
		ok &= holds(inet_pton(AF_INET, bad[k], &a) == 0, bad[k]);
	ok &= refused(inet_pton(99, "1.2.3.4", &a), EAFNOSUPPORT, "pton family 99");
	ok &= refused(inet_ntop(99, &a, text, sizeof text) ? 0 : -1, EAFNOSUPPORT, "ntop family 99");
	ok &= refused(inet_ntop(AF_INET, &a, tiny, sizeof tiny) ? 0 : -1, ENOSPC, "ntop into 8 bytes");
	ok &= holds(htons(0x1234) == 0x3412 && ntohl(htonl(0xdeadbeef)) == 0xdeadbeef && ntohs(htons(7)) == 7,
	            "byte order");
	report("inet_pton_ntop", ok, "addresses as text both ways, and byte order");
}

/* --- connections, names, shutdown ---------------------------------------------------- */

static int same(const struct sockaddr_in *a, uint32_t host, int port)
{
	return a->sin_family == AF_INET && a->sin_addr.s_addr == htonl(host) && (port < 0 || a->sin_port == htons((uint16_t)port));
}

static void test_connect_names(void)
{
	struct sockaddr_in peer, mine, theirs, got;
	socklen_t len = sizeof peer, l1 = sizeof mine, l2 = sizeof theirs, short_len = 2;
	int l, c, s = -1, ok, u;
	char buf[16];

	l = tcp_listener(LOOP, PORT, 0);
	c = l >= 0 ? tcp_connect(LOOP, PORT) : -1;
	ok = holds(c >= 0, "connect to 127.0.0.1");
	if (c >= 0)
		s = accept(l, SA(peer), &len);
	ok &= holds(s >= 0 && len == sizeof peer && same(&peer, LOOP, -1), "accept gives the peer");
	ok &= holds(getsockname(c, SA(mine), &l1) == 0 && same(&mine, LOOP, -1) && mine.sin_port == peer.sin_port,
	            "client's name = accepted peer");
	ok &= holds(getpeername(c, SA(theirs), &l2) == 0 && same(&theirs, LOOP, PORT), "client's peer = listener");
	ok &= holds(getsockname(s, SA(got), &l1) == 0 && same(&got, LOOP, PORT), "server side's name");
	ok &= holds(send(c, "hello", 5, 0) == 5 && recv(s, buf, sizeof buf, 0) == 5 && !memcmp(buf, "hello", 5),
	            "client to server");
	ok &= holds(write(s, "back", 4) == 4 && read(c, buf, sizeof buf) == 4 && !memcmp(buf, "back", 4),
	            "server to client (write, read)");
	report("tcp_loopback_connect_accept", ok, "TCP over 127.0.0.1: connect, accept, names both ways, data");

	u = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&got, 0xff, sizeof got);
	ok = holds(getsockname(u, SA(got), &short_len) == 0 && short_len == sizeof got && got.sin_family == AF_INET &&
	           got.sin_port == 0xffff, "a 2-byte buffer gets 2 bytes, the length says 16");
	l1 = sizeof got;
	ok &= holds(getsockname(u, SA(got), &l1) == 0 && same(&got, 0, 0), "unbound UDP: 0.0.0.0:0");
	ok &= refused(getpeername(u, SA(got), &l1), ENOTCONN, "peer of unconnected UDP");
	ok &= refused(getpeername(l, SA(got), &l1), ENOTCONN, "peer of a listener");
	ok &= refused(getsockname(99, SA(got), &l1), EBADF, "name of fd 99");
	ok &= refused(getpeername(-1, SA(got), &l1), EBADF, "peer of fd -1");
	ok &= refused(getsockname(1, SA(got), &l1), ENOTSOCK, "name of stdout");
	ok &= refused(getsockname(u, SA(got), NULL), EFAULT, "no length");
	ok &= refused(getsockname(u, NULL, &l1), EFAULT, "no buffer");
	peer = in4(LOOP, PORT + 1);
	ok &= holds(connect(u, SA(peer), sizeof peer) == 0 && getpeername(u, SA(got), &l1) == 0 &&
	            same(&got, LOOP, PORT + 1), "UDP connect names a peer");
	report("getname_errors", ok, "getsockname and getpeername refusals and truncation");

	ok = holds(shutdown(c, SHUT_WR) == 0 && recv(s, buf, sizeof buf, 0) == 0, "peer reads the end after SHUT_WR");
	ok &= holds(send(s, "more", 4, 0) == 4 && recv(c, buf, sizeof buf, 0) == 4, "the other way still works");
	ok &= refused(send(c, "x", 1, 0), EPIPE, "send after SHUT_WR");
	ok &= holds(shutdown(s, SHUT_RDWR) == 0 && recv(c, buf, sizeof buf, 0) == 0, "both ways shut: end");
	ok &= refused(shutdown(c, 3), EINVAL, "how 3");
	ok &= refused(shutdown(c, -1), EINVAL, "how -1");
	ok &= refused(shutdown(77, SHUT_RD), EBADF, "fd 77");
	ok &= refused(shutdown(0, SHUT_RD), ENOTSOCK, "stdin");
	ok &= refused(shutdown(l, SHUT_RD), ENOTCONN, "a listener");
	report("shutdown_both_ways", ok, "shutdown of each direction, and its refusals");
	close(u);
	close(c);
	close(s);
	close(l);
}

/* --- options ------------------------------------------------------------------------- */

static int get_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof v;

	return getsockopt(fd, level, name, &v, &len) == 0 && len == sizeof v ? v : -1;
}

/* The server end closes first: its connection waits in TIME_WAIT on port. */
static int leave_time_wait(int port)
{
	int l, c, s;
	char buf[4];

	if (tcp_pair(port, &l, &c, &s) < 0)
		return -1;
	close(l);
	close(s);                                /* our FIN first: TIME_WAIT is on this side */
	recv(c, buf, sizeof buf, 0);
	close(c);
	t_sleep(100);
	return 0;
}

static void test_reuseaddr(void)
{
	struct sockaddr_in a = in4(LOOP, PORT + 2);
	int one = 1, zero = 0, ok, x, y;

	ok = holds(leave_time_wait(PORT + 2) == 0, "a connection left in TIME_WAIT");
	x = socket(AF_INET, SOCK_STREAM, 0);
	ok &= holds(get_int(x, SOL_SOCKET, SO_REUSEADDR) == 0, "off by default");
	ok &= refused(bind(x, SA(a), sizeof a), EADDRINUSE, "bind without SO_REUSEADDR");
	y = socket(AF_INET, SOCK_STREAM, 0);
	ok &= holds(setsockopt(y, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
	            get_int(y, SOL_SOCKET, SO_REUSEADDR) == 1, "set and read back");
	ok &= holds(bind(y, SA(a), sizeof a) == 0 && listen(y, 1) == 0, "bind with it over TIME_WAIT, listen");
	ok &= holds(setsockopt(x, SOL_SOCKET, SO_REUSEADDR, &zero, sizeof zero) == 0 &&
	            get_int(x, SOL_SOCKET, SO_REUSEADDR) == 0, "cleared");
	report("sockopt_reuseaddr", ok, "SO_REUSEADDR lets a listener take a port held in TIME_WAIT");
	close(x);
	close(y);
}

static void test_timeouts(void)
{
	struct timeval tv = { 0, TIMEO_MS * 1000 }, got;
	struct sockaddr_in far = in4(UNREACHABLE, 80);
	socklen_t len = sizeof got;
	int u = udp_bound(LOOP, PORT + 3), t = socket(AF_INET, SOCK_STREAM, 0), l, c, s, ok;
	uint32_t at, took, took2;
	ssize_t n;
	char buf[8];

	ok = holds(setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0, "SO_RCVTIMEO set");
	ok &= holds(getsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &got, &len) == 0 && len == sizeof got &&
	            got.tv_sec == 0 && got.tv_usec == TIMEO_MS * 1000, "read back");
	at = sys_uptime_ms();
	ok &= refused(recv(u, buf, sizeof buf, 0), EAGAIN, "recv with nothing coming");
	took = elapsed(at);
	ok &= holds(took + 20 >= TIMEO_MS && took < TIMEO_MS + SLACK_MS, "recv gave up after the timeout");
	ok &= holds(setsockopt(t, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0, "SO_SNDTIMEO set");
	at = sys_uptime_ms();
	ok &= refused(connect(t, SA(far), sizeof far), EINPROGRESS, "connect to 10.0.2.77 (no answer)");
	took2 = elapsed(at);
	ok &= holds(took2 + 20 >= TIMEO_MS && took2 < TIMEO_MS + SLACK_MS, "connect gave up after the timeout");
	ok &= holds(tcp_pair(PORT + 4, &l, &c, &s) == 0 &&
	            setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0, "a pair whose reader sleeps");
	at = sys_uptime_ms();
	n = send(c, bulk, BULK, 0);
	ok &= holds(n > 0 && n < BULK && elapsed(at) < TIMEO_MS + SLACK_MS, "a send too big for the buffers "
	            "returns what fitted once the timeout passes");
	tv.tv_usec = 1000000;
	ok &= refused(setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), EDOM, "usec 1000000");
	tv = (struct timeval){ -1, 0 };
	ok &= refused(setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), EDOM, "sec -1");
	tv = (struct timeval){ 0x7fffffff, 0 };
	ok &= refused(setsockopt(u, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), EDOM, "68 years");
	ok &= refused(setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, 4), EINVAL, "a 4-byte timeval");
	report("sockopt_timeouts", ok, "SO_RCVTIMEO on recv, SO_SNDTIMEO on connect and send");
	t_check("sockopt_timeout_figures", 1, "recv waited %u ms, connect %u ms (timeout %u ms)", took, took2, TIMEO_MS);
	close(u);
	close(t);
	close(l);
	close(c);
	close(s);
}

static void test_options(void)
{
	struct sockaddr_in closed = in4(LOOP, CLOSED_PORT);
	struct pollfd p;
	int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0), one = 1, ok, v = 0, e;
	socklen_t len = 2;
	short small = 0x7777;

	ok = holds(get_int(t, IPPROTO_TCP, TCP_NODELAY) == 0, "TCP_NODELAY off by default");
	ok &= holds(setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0 &&
	            get_int(t, IPPROTO_TCP, TCP_NODELAY) == 1, "TCP_NODELAY on");
	ok &= holds(get_int(t, SOL_SOCKET, SO_TYPE) == SOCK_STREAM && get_int(u, SOL_SOCKET, SO_TYPE) == SOCK_DGRAM,
	            "SO_TYPE");
	ok &= holds(get_int(u, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR of a fresh socket");
	ok &= holds(getsockopt(t, SOL_SOCKET, SO_TYPE, &small, &len) == 0 && len == 2, "a 2-byte buffer: cut to 2");
	fcntl(t, F_SETFL, O_NONBLOCK);
	ok &= refused(connect(t, SA(closed), sizeof closed), EINPROGRESS, "non-blocking connect to a closed port");
	p = (struct pollfd){ t, POLLOUT, 0 };
	ok &= holds(poll(&p, 1, WAIT_MS) == 1 && (p.revents & POLLERR), "poll shows the failure");
	e = get_int(t, SOL_SOCKET, SO_ERROR);
	ok &= holds(e == ECONNREFUSED, "SO_ERROR: ECONNREFUSED");
	ok &= holds(get_int(t, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR cleared once read");
	ok &= refused(setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), ENOPROTOOPT, "TCP_NODELAY on UDP");
	ok &= refused(setsockopt(u, SOL_SOCKET, SO_ERROR, &one, sizeof one), ENOPROTOOPT, "set SO_ERROR");
	ok &= refused(setsockopt(u, SOL_SOCKET, SO_TYPE, &one, sizeof one), ENOPROTOOPT, "set SO_TYPE");
	ok &= refused(setsockopt(u, SOL_SOCKET, 999, &one, sizeof one), ENOPROTOOPT, "option 999");
	ok &= refused(setsockopt(u, 77, SO_REUSEADDR, &one, sizeof one), ENOPROTOOPT, "level 77");
	ok &= refused(getsockopt(u, SOL_SOCKET, 999, &v, &len), ENOPROTOOPT, "get option 999");
	ok &= refused(setsockopt(u, SOL_SOCKET, SO_REUSEADDR, &one, 2), EINVAL, "a 2-byte int");
	ok &= refused(setsockopt(u, SOL_SOCKET, SO_REUSEADDR, NULL, sizeof one), EFAULT, "no value");
	ok &= refused(getsockopt(u, SOL_SOCKET, SO_TYPE, &v, NULL), EFAULT, "no length");
	ok &= refused(getsockopt(u, SOL_SOCKET, SO_TYPE, NULL, &len), EFAULT, "no buffer");
	ok &= refused(setsockopt(42, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), EBADF, "fd 42");
	ok &= refused(getsockopt(2, SOL_SOCKET, SO_TYPE, &v, &len), ENOTSOCK, "stderr");
	report("sockopt_nodelay_type_error", ok, "TCP_NODELAY, SO_TYPE, SO_ERROR, and bad options, lengths, descriptors");
	close(u);
	close(t);
}

/* --- O_NONBLOCK ------------------------------------------------------------------------- */

static void test_nonblock(void)
{
	struct sockaddr_in a = in4(LOOP, PORT + 5), nobody = in4(UNREACHABLE, 80);
	int l = tcp_listener(LOOP, PORT + 5, 0), t = socket(AF_INET, SOCK_STREAM, 0), u = udp_bound(LOOP, PORT + 6);
	int far = socket(AF_INET, SOCK_STREAM, 0);
	int ok, s = -1, k;
	struct pollfd p;
	ssize_t n;
	char buf[8];

	ok = holds(fcntl(u, F_GETFL) == O_RDWR, "F_GETFL: O_RDWR");
	ok &= holds(fcntl(u, F_SETFL, O_NONBLOCK) == 0 && fcntl(u, F_GETFL) == (O_RDWR | O_NONBLOCK), "O_NONBLOCK set");
	ok &= refused(recv(u, buf, sizeof buf, 0), EWOULDBLOCK, "recv, nothing there");
	ok &= refused(read(u, buf, sizeof buf), EAGAIN, "read, nothing there");
	ok &= holds(fcntl(l, F_SETFL, O_NONBLOCK) == 0, "listener non-blocking");
	ok &= refused(accept(l, NULL, NULL), EAGAIN, "accept, nobody connecting");
	ok &= holds(fcntl(t, F_SETFL, O_NONBLOCK) == 0, "client non-blocking");
	ok &= refused(connect(t, SA(a), sizeof a), EINPROGRESS, "connect");
	ok &= holds(fcntl(far, F_SETFL, O_NONBLOCK) == 0, "another, non-blocking");
	ok &= refused(connect(far, SA(nobody), sizeof nobody), EINPROGRESS, "connect to 10.0.2.77");
	ok &= refused(connect(far, SA(nobody), sizeof nobody), EALREADY, "connect to it again");
	p = (struct pollfd){ t, POLLOUT, 0 };
	ok &= holds(poll(&p, 1, WAIT_MS) == 1 && p.revents == POLLOUT, "poll: writable once connected");
	ok &= refused(connect(t, SA(a), sizeof a), EISCONN, "connect when connected");
	p = (struct pollfd){ l, POLLIN, 0 };
	ok &= holds(poll(&p, 1, WAIT_MS) == 1 && p.revents == POLLIN && (s = accept(l, NULL, NULL)) >= 0,
	            "poll: the listener readable, accept");
	for (k = 0, n = 1; k < 64 && n > 0; k++)
		n = send(t, bulk, BULK, 0);
	ok &= holds(n == -1 && errno == EAGAIN && k > 1, "send until the buffers fill: then EAGAIN");
	p = (struct pollfd){ t, POLLOUT, 0 };
	ok &= holds(poll(&p, 1, 0) == 0, "poll: not writable while full");
	ok &= holds(fcntl(u, F_SETFL, 0) == 0 && fcntl(u, F_GETFL) == O_RDWR, "O_NONBLOCK cleared");
	ok &= holds(fcntl(0, F_GETFD) == 0 && fcntl(0, F_SETFD, 1) == 0, "F_GETFD, F_SETFD");
	ok &= refused(fcntl(55, F_GETFL), EBADF, "fd 55");
	ok &= refused(fcntl(u, 999), EINVAL, "command 999");
	report("nonblock_fcntl", ok, "fcntl O_NONBLOCK: EAGAIN, EINPROGRESS, EALREADY, EISCONN");
	close(far);
	close(l);
	close(t);
	close(u);
	close(s);
}

/* --- poll and select --------------------------------------------------------------------- */

/* In a child: a datagram to 127.0.0.1:port after ms. */
static int send_later(int port, uint32_t ms)
{
	struct sockaddr_in to = in4(LOOP, port);
	int pid = fork(), fd;

	if (pid == 0) {
		t_sleep(ms);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		_exit(sendto(fd, "ping", 4, 0, SA(to), sizeof to) == 4 ? 0 : 1);
	}
	return pid;
}

static void test_poll(void)
{
	int u = udp_bound(LOOP, PORT + 7), l, c, s, pid, status, ok, closed, n;
	struct pollfd p[POLL_FDS_MAX + 1];
	uint32_t at, took, woke;
	char buf[8];

	p[0] = (struct pollfd){ u, POLLIN, 0 };
	at = sys_uptime_ms();
	ok = holds(poll(p, 1, TIMEO_MS) == 0 && p[0].revents == 0, "nothing: 0");
	took = elapsed(at);
	ok &= holds(took + 20 >= TIMEO_MS && took < TIMEO_MS + SLACK_MS, "after the timeout");
	pid = send_later(PORT + 7, TIMEO_MS);
	at = sys_uptime_ms();
	p[0] = (struct pollfd){ u, POLLIN | POLLOUT, 0 };
	p[1] = (struct pollfd){ -1, POLLIN, 0x55 };
	ok &= holds(poll(p, 2, 0) == 1 && p[0].revents == POLLOUT && p[1].revents == 0, "UDP writable; fd -1 ignored");
	p[0].events = POLLIN | POLLRDNORM;
	ok &= holds(poll(p, 2, -1) == 1 && p[0].revents == (POLLIN | POLLRDNORM), "woken by a datagram");
	woke = elapsed(at);
	ok &= holds(recv(u, buf, sizeof buf, 0) == 4 && waitpid(pid, &status, 0) == pid, "which is there");
	ok &= holds(tcp_pair(PORT + 8, &l, &c, &s) == 0, "a TCP pair");
	p[0] = (struct pollfd){ s, POLLIN, 0 };
	p[1] = (struct pollfd){ c, POLLOUT, 0 };
	ok &= holds(poll(p, 2, 0) == 1 && p[0].revents == 0 && p[1].revents == POLLOUT, "connected: writable only");
	close(c);
	ok &= holds(poll(p, 1, WAIT_MS) == 1 && (p[0].revents & POLLIN), "the peer closed: readable (end)");
	ok &= holds(recv(s, buf, sizeof buf, 0) == 0, "recv: the end");
	closed = socket(AF_INET, SOCK_DGRAM, 0);
	close(closed);
	p[0] = (struct pollfd){ closed, POLLIN, 0 };
	p[1] = (struct pollfd){ 1, POLLOUT, 0 };
	ok &= holds(poll(p, 2, 0) == 2 && p[0].revents == POLLNVAL && p[1].revents == POLLOUT,
	            "a closed descriptor: POLLNVAL; stdout writable");
	for (n = 0; n <= POLL_FDS_MAX; n++)
		p[n] = (struct pollfd){ u, POLLIN, 0 };
	ok &= refused(poll(p, POLL_FDS_MAX + 1, 0), EINVAL, "33 entries");
	ok &= refused(poll(NULL, 1, 0), EFAULT, "no entries");
	at = sys_uptime_ms();
	ok &= holds(poll(NULL, 0, 50) == 0 && elapsed(at) >= 40, "nothing to watch: a sleep");
	report("poll_sockets", ok, "poll: timeouts, wake-ups, TCP states, POLLNVAL, refusals");
	t_check("poll_figures", 1, "empty poll waited %u ms for a %u ms timeout; a datagram sent after %u ms woke "
	        "it after %u ms", took, TIMEO_MS, TIMEO_MS, woke);
	close(u);
	close(l);
	close(s);
}

static void test_select(void)
{
	int u = udp_bound(LOOP, PORT + 9), pid, status, ok, r;
	struct timeval tv = { 0, 0 };
	fd_set rd, wr;

	FD_ZERO(&rd);
	FD_SET(u, &rd);
	ok = holds(select(u + 1, &rd, NULL, NULL, &tv) == 0 && !FD_ISSET(u, &rd), "nothing yet: 0, set cleared");
	pid = send_later(PORT + 9, 50);
	FD_ZERO(&rd);
	FD_SET(u, &rd);
	FD_ZERO(&wr);
	FD_SET(u, &wr);
	r = select(u + 1, &rd, &wr, NULL, NULL);
	ok &= holds(r == 1 && !FD_ISSET(u, &rd) && FD_ISSET(u, &wr), "writable at once");
	FD_ZERO(&rd);
	FD_SET(u, &rd);
	tv = (struct timeval){ 10, 0 };
	ok &= holds(select(u + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(u, &rd), "readable once the datagram came");
	waitpid(pid, &status, 0);
	FD_ZERO(&rd);
	FD_SET(13, &rd);
	ok &= refused(select(14, &rd, NULL, NULL, &tv), EBADF, "fd 13 not open");
	ok &= refused(select(FD_SETSIZE + 1, NULL, NULL, NULL, &tv), EINVAL, "nfds past FD_SETSIZE");
	ok &= refused(select(-1, NULL, NULL, NULL, &tv), EINVAL, "nfds -1");
	tv = (struct timeval){ 0, -5 };
	ok &= refused(select(0, NULL, NULL, NULL, &tv), EINVAL, "usec -5");
	report("select_sockets", ok, "select: readable, writable, timeouts, refusals");
	close(u);
}

/* --- garbage straight to inet -------------------------------------------------------------- */

static int raw(message *m, void *buf, uint32_t len)
{
	grant_id_t *field = m->m_type == INET_POLL ? &m->inet_poll.grant : &m->inet_sock.grant;

	return buf ? server_call_granted("inet", m, field, buf, len, GRANT_READ | GRANT_WRITE) : server_call("inet", m);
}

static message req(int type, int sock)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = type;
	m.inet_sock.sock = sock;
	return m;
}

/* In a child: a socket of its own, then a wait that never ends (poll or recv). */
static int waiter(int use_poll)
{
	int pid = fork(), fd;
	struct pollfd p;
	char buf[4];

	if (pid == 0) {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		p = (struct pollfd){ fd, POLLIN, 0 };
		if (use_poll)
			poll(&p, 1, -1);
		else
			recv(fd, buf, sizeof buf, 0);
		_exit(1);
	}
	return pid;
}

/* Another process's socket, by inet's number: refused everywhere. */
static int foreign(int number)
{
	struct inet_pollfd q = { number, INET_POLLIN | INET_POLLOUT, 0 };
	message m = req(INET_GETNAME, number);
	int ok = raw(&m, NULL, 0) == -EBADF;

	m = req(INET_SETOPT, number);
	m.inet_sock.type = INET_OPT_RCVTIMEO;
	ok &= raw(&m, NULL, 0) == -EBADF;
	m = req(INET_POLL, 0);
	m.inet_poll.count = 1;
	ok &= raw(&m, &q, sizeof q) == 1 && q.revents == INET_POLLNVAL;
	return ok;
}

static void test_garbage(void)
{
	struct inet_pollfd q[INET_POLL_MAX + 1];
	int u = udp_bound(LOOP, PORT + 10), number = posix_fd_socket(u), pids[POLLERS], k, ok, status, r;
	char buf[16];
	struct pollfd p;
	message m;

	m = req(INET_POLL, 0);
	m.inet_poll.count = INET_POLL_MAX + 1;
	ok = holds(raw(&m, q, sizeof q) == -EINVAL, "INET_POLL of 33 sockets: EINVAL");
	m = req(INET_POLL, 0);
	m.inet_poll.count = 4;
	m.inet_poll.grant = 0x7654321;
	ok &= holds(server_call("inet", &m) < 0, "INET_POLL with a made-up grant refused");
	m = req(INET_POLL, 0);
	m.inet_poll.count = 8;                   /* the grant holds one entry */
	ok &= holds(raw(&m, q, sizeof q[0]) < 0, "INET_POLL counting past its grant refused");
	m = req(INET_SETOPT, number);
	m.inet_sock.type = 99;
	ok &= holds(raw(&m, NULL, 0) == -ENOPROTOOPT, "INET_SETOPT 99: ENOPROTOOPT");
	m = req(INET_GETOPT, number);
	m.inet_sock.type = 0;
	ok &= holds(raw(&m, NULL, 0) == -ENOPROTOOPT, "INET_GETOPT 0: ENOPROTOOPT");
	m = req(INET_GETNAME, -5);
	ok &= holds(raw(&m, NULL, 0) == -EBADF, "INET_GETNAME of socket -5: EBADF");
	m = req(INET_RECVFROM, number);
	m.inet_sock.len = 0xffffffff;            /* far more than the grant */
	m.inet_sock.flags = INET_NONBLOCK;
	ok &= holds(raw(&m, buf, sizeof buf) == -EAGAIN, "RECVFROM of 4 GB, nothing there: EAGAIN");
	m = req(INET_SENDTO, number);
	m.inet_sock.len = 60000;                 /* the grant holds 16 */
	m.inet_sock.addr = htonl(LOOP);
	m.inet_sock.port = htons(PORT + 11);
	ok &= holds(raw(&m, buf, sizeof buf) < 0, "SENDTO of 60000 bytes from a 16-byte grant refused");
	m = req(INET_IFINFO + 0x3f, number);
	ok &= holds(raw(&m, NULL, 0) == -ENOSYS, "an unknown request: ENOSYS");
	ok &= refused(send(u, bulk, 10, 0), EDESTADDRREQ, "UDP send with no peer");
	ok &= refused(send(u, bulk, 65508, 0), EMSGSIZE, "UDP send of 65508 bytes");
	ok &= holds(send_later(PORT + 10, 1) > 0 && wait(&status) > 0, "a datagram for us");
	ok &= refused(recv(u, (void *)0x10, 100, MSG_DONTWAIT), EFAULT, "recv into address 0x10");
	ok &= refused(sendto(u, bulk, (size_t)0x80000000u, 0, NULL, 0), EMSGSIZE, "2 GB");
	r = fork();
	if (r == 0)
		_exit(foreign(number) ? 0 : 1);
	ok &= holds(r > 0 && waitpid(r, &status, 0) == r && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	            "a child naming our socket number is refused (EBADF, POLLNVAL)");
	report("garbage_refused", ok, "bad counts, grants, lengths, options, sockets, requests straight to inet");

	for (k = 0; k < POLLERS; k++) {          /* callers that die while inet holds their wait */
		pids[k] = waiter(k % 2);
		t_sleep(30);
		kill(pids[k], SIGKILL);
		waitpid(pids[k], &status, 0);
	}
	p = (struct pollfd){ u, POLLIN, 0 };
	ok = holds(poll(&p, 1, 50) == 0, "our own poll still gets a slot");
	ok &= holds(poll(&p, 1, 0) == 0, "inet answers");
	r = udp_bound(LOOP, PORT + 12);
	if (r < 0)
		refused(r, 0, "a new socket");
	ok &= r >= 0;
	close(r);
	report("dead_waiters_reclaimed", ok, "20 processes killed while waiting in inet (poll, recv): nothing held");
	close(u);
}

/* --- the console ------------------------------------------------------------------------------ */

static int console_mode(void)
{
	struct pollfd p[2];
	struct timeval tv = { 0, 0 };
	char line[64];
	uint32_t at;
	int r, n, u, started;
	fd_set rd;

	started = t_up("/servers/inet", "inet", "drivers=none") == 0;
	u = started ? udp_bound(LOOP, PORT + 20) : -1;
	p[0] = (struct pollfd){ 0, POLLIN, 0 };
	r = poll(p, 1, 0);
	FD_ZERO(&rd);
	FD_SET(0, &rd);
	n = select(1, &rd, NULL, NULL, &tv);
	fcntl(0, F_SETFL, O_NONBLOCK);
	printf("t_sockapi: stdin not ready: poll %d (revents %x), select %d, non-blocking read %s; socket %d\n",
	       r, p[0].revents, n, read(0, line, sizeof line) < 0 && errno == EAGAIN ? "EAGAIN" : "READ", u);
	fcntl(0, F_SETFL, 0);
	if (u >= 0) {
		send_later(PORT + 20, 100);
		p[1] = (struct pollfd){ u, POLLIN, 0 };
		at = sys_uptime_ms();
		r = poll(p, 2, 10000);
		printf("t_sockapi: console and socket: poll %d after %u ms, stdin %x, socket %x\n", r, elapsed(at),
		       p[0].revents, p[1].revents);
		recv(u, line, sizeof line, 0);
	}
	printf("t_sockapi: waiting for a line\n");
	fflush(stdout);
	at = sys_uptime_ms();
	p[1] = (struct pollfd){ u, POLLIN, 0 };
	r = poll(p, u >= 0 ? 2 : 1, WAIT_MS);
	n = r == 1 && p[0].revents == POLLIN ? (int)read(0, line, sizeof line - 1) : -1;
	line[n > 0 ? n - 1 : 0] = 0;
	printf("t_sockapi: poll %d after %u ms, stdin %x; read '%s'\n", r, elapsed(at), p[0].revents, line);
	close(u);
	if (started)
		dm_down("inet");
	return r == 1 ? 0 : 1;
}

int main(int argc, char **argv)
{
	int r;

	if (argc > 1 && !strcmp(argv[1], "console"))
		return console_mode();
	r = t_up("/drivers/rtl8139", "rtl8139", "");
	if (r == 0)
		r = t_up("/servers/inet", "inet", "drivers=rtl8139 eth0=10.0.2.15/24,10.0.2.2");
	if (t_check("sockapi_inet_started", r == 0 && configured(), "rtl8139 and inet, eth0 at 10.0.2.15")) {
		test_getaddrinfo();
		test_text();
		test_connect_names();
		test_reuseaddr();
		test_timeouts();
		test_options();
		test_nonblock();
		test_poll();
		test_select();
		test_garbage();
	}
	t_summary();
	for (;;)
		t_sleep(60000);
}
