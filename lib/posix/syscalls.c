/*
 * syscalls: the operating-system hooks newlib calls (write, sbrk, ...; this
 * newlib configuration uses the plain POSIX names).
 *
 * Standard output and error go to the kernel console (KC_DIAG); the heap
 * grows with KC_BRK. Calls with nothing behind them yet fail with ENOSYS.
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <sys/time.h>
#include <bulkhead/syslib.h>

#define DIAG_CHUNK 4096

void _exit(int status)
{
	sys_exit(status);
}

int write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t left = len, n;

	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	for (; left; left -= n, p += n) {
		n = left < DIAG_CHUNK ? left : DIAG_CHUNK;
		if (sys_diag(p, n) < 0) {
			errno = EIO;
			return -1;
		}
	}
	return (int)len;
}

int read(int fd, void *buf, size_t len)
{
	(void)fd; (void)buf; (void)len;
	errno = ENOSYS;
	return -1;
}

void *sbrk(ptrdiff_t incr)
{
	static vir_bytes end;
	vir_bytes old;

	if (!end && sys_brk(0, &end) < 0)
		goto nomem;
	old = end;
	if (incr && sys_brk(end + (vir_bytes)incr, &end) < 0)
		goto nomem;
	return (void *)old;
nomem:
	errno = ENOMEM;
	return (void *)-1;
}

int close(int fd)
{
	(void)fd;
	return 0;
}

int fstat(int fd, struct stat *st)
{
	(void)fd;
	st->st_mode = S_IFCHR;
	return 0;
}

int isatty(int fd)
{
	return fd >= 0 && fd <= 2;
}

off_t lseek(int fd, off_t off, int whence)
{
	(void)fd; (void)off; (void)whence;
	errno = ESPIPE;
	return -1;
}

int open(const char *path, int flags, int mode)
{
	(void)path; (void)flags; (void)mode;
	errno = ENOSYS;
	return -1;
}

int getpid(void)
{
	return sys_self();
}

int kill(int pid, int sig)
{
	if (sys_kill(pid, 128 + sig) < 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

clock_t times(struct tms *t)
{
	clock_t now = (clock_t)sys_uptime_ms();

	t->tms_utime = now;
	t->tms_stime = t->tms_cutime = t->tms_cstime = 0;
	return now;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	uint32_t ms = sys_uptime_ms();

	(void)tz;
	tv->tv_sec = ms / 1000;
	tv->tv_usec = (ms % 1000) * 1000;
	return 0;
}

int link(const char *a, const char *b)   { (void)a; (void)b; errno = ENOSYS; return -1; }
int unlink(const char *path)             { (void)path; errno = ENOSYS; return -1; }
int fork(void)                           { errno = ENOSYS; return -1; }
int wait(int *status)                    { (void)status; errno = ECHILD; return -1; }
int execve(const char *p, char *const a[], char *const e[]) { (void)p; (void)a; (void)e; errno = ENOSYS; return -1; }
