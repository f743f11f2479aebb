/*
 * sys/socket.h: BSD sockets for Bulkhead programs (lib/posix/socket.c; the
 * network server inet does the work). Newlib has no socket headers of its
 * own; these follow POSIX. For now: UDP and TCP over IPv4.
 */
#ifndef _SYS_SOCKET_H
#define _SYS_SOCKET_H

#include <stdint.h>
#include <sys/types.h>

typedef uint32_t socklen_t;
typedef uint16_t sa_family_t;

struct sockaddr {
	sa_family_t sa_family;
	char        sa_data[14];
};

struct sockaddr_storage {
	sa_family_t ss_family;
	char        ss_data[126];
};

#define AF_UNSPEC   0
#define AF_INET     2
#define PF_UNSPEC   AF_UNSPEC
#define PF_INET     AF_INET

#define SOCK_STREAM 1
#define SOCK_DGRAM  2

#define MSG_DONTWAIT 0x40

/* setsockopt and getsockopt (Linux's numbers) */
#define SOL_SOCKET   1
#define SO_REUSEADDR 2
#define SO_TYPE      3
#define SO_ERROR     4
#define SO_RCVTIMEO  20             /* struct timeval; 0: wait for ever */
#define SO_SNDTIMEO  21

#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2
#define SOMAXCONN 8

int     socket(int domain, int type, int protocol);
int     bind(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t send(int fd, const void *buf, size_t len, int flags);
int     listen(int fd, int backlog);
int     accept(int fd, struct sockaddr *addr, socklen_t *len);
int     connect(int fd, const struct sockaddr *addr, socklen_t len);
int     shutdown(int fd, int how);
int     getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int     getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int     setsockopt(int fd, int level, int name, const void *value, socklen_t len);
int     getsockopt(int fd, int level, int name, void *value, socklen_t *len);

#endif
