/*
 * socket: BSD sockets for newlib programs, through the network server inet
 * (protocol in include/bulkhead/inet.h). A socket is a descriptor in the
 * table of syscalls.c; data moves only through grants made for one call.
 * UDP and TCP over IPv4: socket, bind, listen, accept, connect, send,
 * sendto, recv, recvfrom, shutdown, getsockname, getpeername, setsockopt,
 * getsockopt, and read, write and close on socket descriptors; and IPv4
 * addresses as text. A descriptor with O_NONBLOCK (fcntl) never waits, as
 * if every call had MSG_DONTWAIT. A blocking send returns when all
 * of it has been taken (inet takes it piece by piece as there is room). Errors are POSIX's, in errno; if inet
 * is not running (or was restarted and has forgotten the socket), calls fail
 * with ENETDOWN or EBADF, never hang.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <bulkhead/clients.h>
#include <bulkhead/inet.h>
#include <bulkhead/posix.h>

static int fail(int err)
{
	errno = err;
	return -1;
}

/* One request to inet, with buf granted for it if there is one; m_type or -errno. */
static int call(message *m, void *buf, uint32_t len, uint32_t rights)
{
	int r;

	if (buf || len)
		r = server_call_granted("inet", m, &m->inet_sock.grant, buf, len, rights);
	else
		r = server_call("inet", m);
	return r == -ESRCH ? -ENETDOWN : r;
}

/* INET_NONBLOCK if the call must not wait: MSG_DONTWAIT, or O_NONBLOCK on fd. */
static uint16_t nonblock(int fd, int flags)
{
	return (flags & MSG_DONTWAIT) || posix_fd_nonblock(fd) ? INET_NONBLOCK : 0;
}

static void request(message *m, int type, int sock)
{
	memset(m, 0, sizeof *m);
	m->m_type = type;
	m->inet_sock.sock = sock;
}

/* addr as an IPv4 socket address: 0, or -1 with errno. */
static int check_addr(const struct sockaddr *addr, socklen_t len, int missing)
{
	if (!addr)
		return fail(missing);
	if (len < sizeof(struct sockaddr_in))
		return fail(EINVAL);
	if (addr->sa_family != AF_INET)
		return fail(EAFNOSUPPORT);
	return 0;
}

int socket(int domain, int type, int protocol)
{
	message m;
	int r, fd;

	if (domain != AF_INET)
		return fail(EAFNOSUPPORT);
	if ((type != SOCK_DGRAM && type != SOCK_STREAM) ||
	    (protocol != 0 && protocol != (type == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP)))
		return fail(EPROTONOSUPPORT);
	request(&m, INET_SOCKET, 0);
	m.inet_sock.type = type == SOCK_DGRAM ? INET_UDP : INET_TCP;
	r = call(&m, NULL, 0, 0);
	if (r < 0)
		return fail(-r);
	fd = posix_fd_socket_new(r);
	if (fd < 0)
		posix_socket_close(r);
	return fd;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
	int sock = posix_fd_socket(fd), r;
	message m;

	if (sock < 0 || check_addr(addr, len, EINVAL) < 0)
		return -1;
	request(&m, INET_BIND, sock);
	m.inet_sock.addr = in->sin_addr.s_addr;
	m.inet_sock.port = in->sin_port;
	r = call(&m, NULL, 0, 0);
	return r < 0 ? fail(-r) : 0;
}

/* One INET_SENDTO of buf: the count inet took, or -errno. */
static int send_once(int sock, const char *buf, size_t len, uint16_t flags, const struct sockaddr_in *to)
{
	message m;

	request(&m, INET_SENDTO, sock);
	if (to) {
		m.inet_sock.addr = to->sin_addr.s_addr;
		m.inet_sock.port = to->sin_port;
	}
	m.inet_sock.len = (uint32_t)len;
	m.inet_sock.flags = flags;
	return call(&m, (void *)buf, (uint32_t)len, GRANT_READ);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
	int sock = posix_fd_socket(fd), r;
	uint16_t nb = nonblock(fd, flags);
	size_t done = 0;

	if (sock < 0 || (to && check_addr(to, tolen, EDESTADDRREQ) < 0))
		return -1;
	if (len > INT32_MAX)
		return fail(EMSGSIZE);
	do {                                 /* TCP takes it piece by piece; UDP at once */
		r = send_once(sock, (const char *)buf + done, len - done, nb, (const struct sockaddr_in *)to);
		if (r > 0)
			done += (size_t)r;
	} while (r > 0 && done < len && !nb);
	if (r < 0 && done == 0)
		return fail(-r);
	return (ssize_t)(done ? done : (size_t)r);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

/* A request with no data: 0 or -1 with errno. */
static int simple(int fd, int type, uint32_t addr, uint16_t port, uint32_t flags, uint32_t len)
{
	int sock = posix_fd_socket(fd), r;
	message m;

	if (sock < 0)
		return -1;
	request(&m, type, sock);
	m.inet_sock.addr = addr;
	m.inet_sock.port = port;
	m.inet_sock.flags = (uint16_t)flags;
	m.inet_sock.len = len;
	r = call(&m, NULL, 0, 0);
	return r < 0 ? fail(-r) : 0;
}

int listen(int fd, int backlog)
{
	return simple(fd, INET_LISTEN, 0, 0, 0, backlog > 0 ? (uint32_t)backlog : 1);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)addr;

	if (posix_fd_socket(fd) < 0 || check_addr(addr, len, EINVAL) < 0)
		return -1;
	return simple(fd, INET_CONNECT, in->sin_addr.s_addr, in->sin_port, nonblock(fd, 0), 0);
}

int shutdown(int fd, int how)
{
	static const uint32_t flags[] = {
		[SHUT_RD] = INET_SHUT_RD, [SHUT_WR] = INET_SHUT_WR, [SHUT_RDWR] = INET_SHUT_RD | INET_SHUT_WR,
	};

	if (how < SHUT_RD || how > SHUT_RDWR)
		return fail(EINVAL);
	return simple(fd, INET_SHUTDOWN, 0, 0, flags[how], 0);
}

/* A peer's address into a caller's sockaddr, as POSIX says (cut to *len). */
static void give_addr(struct sockaddr *to, socklen_t *len, uint32_t addr, uint16_t port)
{
	struct sockaddr_in in;

	memset(&in, 0, sizeof in);
	in.sin_family = AF_INET;
	in.sin_addr.s_addr = addr;
	in.sin_port = port;
	memcpy(to, &in, *len < sizeof in ? *len : sizeof in);
	*len = sizeof in;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	int sock = posix_fd_socket(fd), r, nfd;
	message m;

	if (sock < 0)
		return -1;
	if (addr && !len)
		return fail(EINVAL);
	request(&m, INET_ACCEPT, sock);
	m.inet_sock.flags = nonblock(fd, 0);
	r = call(&m, NULL, 0, 0);
	if (r < 0)
		return fail(-r);
	nfd = posix_fd_socket_new(r);
	if (nfd < 0) {
		posix_socket_close(r);
		return -1;
	}
	if (addr)
		give_addr(addr, len, m.inet_sock.addr, m.inet_sock.port);
	return nfd;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
	int sock = posix_fd_socket(fd), r;
	message m;

	if (sock < 0)
		return -1;
	if (from && !fromlen)
		return fail(EINVAL);
	if (len > INT32_MAX)
		len = INT32_MAX;
	request(&m, INET_RECVFROM, sock);
	m.inet_sock.len = (uint32_t)len;
	m.inet_sock.flags = nonblock(fd, flags);
	r = call(&m, buf, (uint32_t)len, GRANT_WRITE);
	if (r < 0)
		return fail(-r);
	if (from)
		give_addr(from, fromlen, m.inet_sock.addr, m.inet_sock.port);
	return r;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

/* The socket's own address, or its peer's. */
static int get_name(int fd, struct sockaddr *addr, socklen_t *len, uint16_t which)
{
	int sock = posix_fd_socket(fd), r;
	message m;

	if (sock < 0)
		return -1;
	if (!addr || !len)
		return fail(EFAULT);
	request(&m, INET_GETNAME, sock);
	m.inet_sock.flags = which;
	r = call(&m, NULL, 0, 0);
	if (r < 0)
		return fail(-r);
	give_addr(addr, len, m.inet_sock.addr, m.inet_sock.port);
	return 0;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return get_name(fd, addr, len, 0);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return get_name(fd, addr, len, INET_NAME_PEER);
}

#define MAX_TIMEO_MS INT32_MAX  /* the longest timeout an option holds (0 is none): 24 days */
#define US_PER_S     1000000
#define US_PER_MS    1000

/* inet's option number for (level, name), and whether its value is a struct timeval; 0 if none. */
static int option(int level, int name, int *is_time)
{
	*is_time = level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO);
	if (level == IPPROTO_TCP)
		return name == TCP_NODELAY ? INET_OPT_NODELAY : 0;
	if (level != SOL_SOCKET)
		return 0;
	switch (name) {
	case SO_REUSEADDR: return INET_OPT_REUSEADDR;
	case SO_RCVTIMEO:  return INET_OPT_RCVTIMEO;
	case SO_SNDTIMEO:  return INET_OPT_SNDTIMEO;
	case SO_ERROR:     return INET_OPT_ERROR;
	case SO_TYPE:      return INET_OPT_TYPE;
	default:           return 0;
	}
}

/* A timeout as inet keeps it (ms, 0: none); -1 (EDOM) if it does not fit, or is not a time. */
static int64_t timeo_ms(const struct timeval *tv)
{
	int64_t ms;

	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= US_PER_S)
		return fail(EDOM);
	ms = (int64_t)tv->tv_sec * 1000 + (tv->tv_usec + US_PER_MS - 1) / US_PER_MS;
	return ms > MAX_TIMEO_MS ? fail(EDOM) : ms;
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
	int sock = posix_fd_socket(fd), opt, is_time, r;
	int64_t v;
	message m;

	if (sock < 0)
		return -1;
	opt = option(level, name, &is_time);
	if (!opt)
		return fail(ENOPROTOOPT);
	if (!value)
		return fail(EFAULT);
	if (len < (is_time ? sizeof(struct timeval) : sizeof(int)))
		return fail(EINVAL);
	v = is_time ? timeo_ms(value) : *(const int *)value != 0;
	if (v < 0)
		return -1;
	request(&m, INET_SETOPT, sock);
	m.inet_sock.type = (uint32_t)opt;
	m.inet_sock.len = (uint32_t)v;
	r = call(&m, NULL, 0, 0);
	return r < 0 ? fail(-r) : 0;
}

int getsockopt(int fd, int level, int name, void *value, socklen_t *len)
{
	int sock = posix_fd_socket(fd), opt, is_time, r;
	struct timeval tv;
	message m;

	if (sock < 0)
		return -1;
	opt = option(level, name, &is_time);
	if (!opt)
		return fail(ENOPROTOOPT);
	if (!value || !len)
		return fail(EFAULT);
	request(&m, INET_GETOPT, sock);
	m.inet_sock.type = (uint32_t)opt;
	r = call(&m, NULL, 0, 0);
	if (r < 0)
		return fail(-r);
	tv.tv_sec = r / 1000;
	tv.tv_usec = (r % 1000) * US_PER_MS;
	if (*len > (is_time ? sizeof tv : sizeof r))
		*len = is_time ? sizeof tv : sizeof r;
	memcpy(value, is_time ? (void *)&tv : (void *)&r, *len);   /* cut to *len, as POSIX says */
	return 0;
}

void posix_socket_close(int sock)
{
	message m;

	request(&m, INET_CLOSE, sock);
	call(&m, NULL, 0, 0);
}

int inet_pton(int af, const char *src, void *dst)
{
	unsigned a, b, c, d;
	int used = 0;
	uint32_t v;

	if (af != AF_INET)
		return fail(EAFNOSUPPORT);
	if (sscanf(src, "%3u.%3u.%3u.%3u%n", &a, &b, &c, &d, &used) != 4 || src[used] ||
	    a > 255 || b > 255 || c > 255 || d > 255 || strspn(src, "0123456789.") != strlen(src))
		return 0;
	v = htonl(a << 24 | b << 16 | c << 8 | d);
	memcpy(dst, &v, sizeof v);
	return 1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	const uint8_t *p = src;
	char text[INET_ADDRSTRLEN];

	if (af != AF_INET)
		return fail(EAFNOSUPPORT), NULL;
	snprintf(text, sizeof text, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
	if (strlen(text) >= size)
		return fail(ENOSPC), NULL;
	strcpy(dst, text);
	return dst;
}

in_addr_t inet_addr(const char *cp)
{
	in_addr_t a;

	return inet_pton(AF_INET, cp, &a) == 1 ? a : INADDR_BROADCAST;
}
