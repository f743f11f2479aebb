/* poll.h: waiting for several descriptors at once (lib/posix/poll.c). */
#ifndef _POLL_H
#define _POLL_H

typedef unsigned int nfds_t;

struct pollfd {
	int   fd;                  /* < 0: ignored */
	short events, revents;
};

#define POLLIN     0x1
#define POLLPRI    0x2             /* never reported: no urgent data here */
#define POLLOUT    0x4
#define POLLERR    0x8
#define POLLHUP    0x10
#define POLLNVAL   0x20
#define POLLRDNORM 0x40            /* = POLLIN here */
#define POLLWRNORM 0x100           /* = POLLOUT here */
#define POLL_FDS_MAX 32            /* entries one poll takes at most (more: EINVAL) */

int poll(struct pollfd *fds, nfds_t n, int timeout_ms);

#endif
