/*
 * poll and select for newlib programs, over sockets, the console and files.
 *
 * Sockets are asked in one INET_POLL to the network server, which also does
 * the waiting: the program sleeps in inet until a socket is ready or the
 * time is up. The console is asked with CON_POLL, which never waits. A
 * process can wait on one server at a time (and the kernel lets a server
 * notify a process only while that process waits for it), so while the
 * console is watched and not ready, the wait goes in slices of
 * CONSOLE_SLICE_MS, each in inet (or asleep, with no sockets), the console
 * asked again between them: a line typed shows within a slice, and a
 * waiting poll costs a few messages per slice, not a busy loop. A regular
 * file is always ready, the console always writable.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <bulkhead/clients.h>
#include <bulkhead/inet.h>
#include <bulkhead/posix.h>

#define CONSOLE_SLICE_MS 20       /* how often a waiting poll asks the console again */
#define SLEEP_MAX_MS     3600000   /* one sleep of a poll with nothing to watch */
#define MS_PER_S         1000
#define US_PER_MS        1000

_Static_assert(POLL_FDS_MAX <= INET_POLL_MAX, "inet polls every socket one poll names");
_Static_assert(POLLIN == INET_POLLIN && POLLOUT == INET_POLLOUT && POLLERR == INET_POLLERR &&
               POLLHUP == INET_POLLHUP && POLLNVAL == INET_POLLNVAL, "poll's bits are inet's");

static int fail(int err)
{
	errno = err;
	return -1;
}

/* One poll's sockets, as inet is asked about them. */
struct sockset {
	struct inet_pollfd q[POLL_FDS_MAX];
	uint32_t at[POLL_FDS_MAX];           /* the pollfd each one came from */
	uint32_t n;
};

static short wanted(short events)
{
	return (short)(events | (events & POLLRDNORM ? POLLIN : 0) | (events & POLLWRNORM ? POLLOUT : 0));
}

/* revents of a descriptor that is not a socket; *console set if it waits for a console line. */
static short local_ready(const struct pollfd *p, int *console)
{
	short ev = wanted(p->events), r = 0;

	switch (posix_fd_kind(p->fd)) {
	case POSIX_FD_NONE:
		return POLLNVAL;
	case POSIX_FD_FILE:
		r = POLLIN | POLLOUT;
		break;
	case POSIX_FD_CONSOLE:
		r = POLLOUT;
		if (ev & POLLIN) {
			if (posix_console_ready())
				r |= POLLIN;
			else
				*console = 1;
		}
		break;
	}
	r &= ev;
	return (short)(r | (r & POLLIN && p->events & POLLRDNORM ? POLLRDNORM : 0) |
	               (r & POLLOUT && p->events & POLLWRNORM ? POLLWRNORM : 0));
}

/* INET_POLL for set, waiting at most ms: the count ready, or -errno. */
static int inet_poll(struct sockset *set, uint32_t ms)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.m_type = INET_POLL;
	m.inet_poll.count = set->n;
	m.inet_poll.timeout_ms = ms;
	r = server_call_granted("inet", &m, &m.inet_poll.grant, set->q, set->n * sizeof set->q[0],
	                        GRANT_READ | GRANT_WRITE);
	return r == -ESRCH ? -ENETDOWN : r;
}

/* One look at every descriptor, waiting up to ms (a slice if the console is
   watched, *console then set) for a socket if none is ready: the count ready. */
static int pass(struct pollfd *fds, nfds_t n, uint32_t ms, int *console)
{
	struct sockset set;
	uint32_t k;
	int ready = 0, r, sock;

	set.n = 0;
	*console = 0;
	for (k = 0; k < n; k++) {
		fds[k].revents = 0;
		if (fds[k].fd < 0)
			continue;
		sock = posix_fd_kind(fds[k].fd) == POSIX_FD_SOCKET ? posix_fd_socket(fds[k].fd) : -1;
		if (sock < 0) {
			fds[k].revents = local_ready(&fds[k], console);
			ready += fds[k].revents != 0;
			continue;
		}
		set.q[set.n] = (struct inet_pollfd){ sock, (uint16_t)wanted(fds[k].events), 0 };
		set.at[set.n++] = k;
	}
	if (*console && ms > CONSOLE_SLICE_MS)
		ms = CONSOLE_SLICE_MS;
	if (set.n == 0) {
		if (!ready && ms)
			sys_sleep_ms(ms < SLEEP_MAX_MS ? ms : SLEEP_MAX_MS);
		return ready;
	}
	r = inet_poll(&set, ready ? 0 : ms);
	for (k = 0; k < set.n; k++) {
		if (r < 0)                           /* no inet (any more): its sockets are gone */
			set.q[k].revents = POLLNVAL;
		fds[set.at[k]].revents = (short)(set.q[k].revents |
		    (set.q[k].revents & POLLIN && fds[set.at[k]].events & POLLRDNORM ? POLLRDNORM : 0) |
		    (set.q[k].revents & POLLOUT && fds[set.at[k]].events & POLLWRNORM ? POLLWRNORM : 0));
		ready += fds[set.at[k]].revents != 0;
	}
	return ready;
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	uint32_t start = sys_uptime_ms(), waited, ms;
	int ready, console;

	if (n > POLL_FDS_MAX)
		return fail(EINVAL);
	if (n && !fds)
		return fail(EFAULT);
	for (;;) {
		waited = sys_uptime_ms() - start;
		ms = timeout_ms < 0 ? INET_POLL_FOREVER : waited >= (uint32_t)timeout_ms ? 0 : (uint32_t)timeout_ms - waited;
		ready = pass(fds, n, ms, &console);
		if (ready || ms == 0 || (!console && ms != INET_POLL_FOREVER))
			return ready;                /* else only a slice (or a long sleep) has passed */
	}
}

/* select's sets as poll entries: how many, or -1 (EBADF, EINVAL). */
static int to_pollfds(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct pollfd *p)
{
	int fd, n = 0;
	short ev;

	if (nfds < 0 || nfds > FD_SETSIZE)
		return fail(EINVAL);
	for (fd = 0; fd < nfds; fd++) {
		ev = (short)((rd && FD_ISSET(fd, rd) ? POLLIN : 0) | (wr && FD_ISSET(fd, wr) ? POLLOUT : 0) |
		             (ex && FD_ISSET(fd, ex) ? POLLPRI : 0));
		if (!ev)
			continue;
		if (posix_fd_kind(fd) == POSIX_FD_NONE)
			return fail(EBADF);
		if (n == POLL_FDS_MAX)
			return fail(EINVAL);
		p[n++] = (struct pollfd){ fd, ev, 0 };
	}
	return n;
}

/* Put p's descriptor in set if it asked for `asked` and got one of `ready`: 1 if so. */
static int mark(fd_set *set, const struct pollfd *p, short asked, short ready)
{
	if (!set || !(p->events & asked) || !(p->revents & ready))
		return 0;
	FD_SET(p->fd, set);
	return 1;
}

int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	struct pollfd p[POLL_FDS_MAX];
	int n = to_pollfds(nfds, rd, wr, ex, p), k, r, count = 0;
	long long ms;

	if (n < 0)
		return -1;
	if (tv && (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= MS_PER_S * US_PER_MS))
		return fail(EINVAL);
	ms = tv ? (long long)tv->tv_sec * MS_PER_S + (tv->tv_usec + US_PER_MS - 1) / US_PER_MS : -1;
	r = poll(p, (nfds_t)n, ms > INT32_MAX ? -1 : (int)ms);
	if (r < 0)
		return -1;
	if (rd)
		FD_ZERO(rd);
	if (wr)
		FD_ZERO(wr);
	if (ex)
		FD_ZERO(ex);
	for (k = 0; k < n; k++) {            /* an error or hang-up makes a read or write answer at once */
		count += mark(rd, &p[k], POLLIN, POLLIN | POLLHUP | POLLERR);
		count += mark(wr, &p[k], POLLOUT, POLLOUT | POLLHUP | POLLERR);
	}
	return count;
}
