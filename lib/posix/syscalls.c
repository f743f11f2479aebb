/*
 * syscalls: the operating-system hooks newlib calls (write, sbrk, ...; this
 * newlib configuration uses the plain POSIX names).
 *
 * Descriptors 0-2 are the console (the console driver; the kernel console
 * for boot servers and before the driver is up); open() gives read-only
 * files from the boot file system; socket() gives sockets (socket.c, through
 * the network server); fcntl sets O_NONBLOCK on sockets and the console
 * (poll and select are in poll.c). Paths are taken relative to the current directory
 * (chdir), which the environment's PWD carries across exec. fork, execve,
 * wait and kill go to the process manager; exit and the heap are kernel
 * calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <sys/time.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <bulkhead/clients.h>
#include <bulkhead/posix.h>
#include <bulkhead/text.h>

#define NR_FDS 16
#define DIAG_CHUNK 4096

enum fd_kind { FD_FREE, FD_CONSOLE, FD_FILE, FD_SOCKET };

struct fd {
	enum fd_kind kind;
	uint32_t ino, size, pos;          /* FD_SOCKET: ino is inet's socket number */
	int flags;                        /* O_NONBLOCK, or 0 */
};

static struct fd fds[NR_FDS] = {
	[0] = { FD_CONSOLE, 0, 0, 0 }, [1] = { FD_CONSOLE, 0, 0, 0 }, [2] = { FD_CONSOLE, 0, 0, 0 },
};
static int kernel_console_only;
static char cwd[FS_PATH_MAX];            /* empty until first asked: then PWD, or "/" */

void posix_use_kernel_console(void)
{
	kernel_console_only = 1;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

static struct fd *get_fd(int fd)
{
	return fd >= 0 && fd < NR_FDS && fds[fd].kind != FD_FREE ? &fds[fd] : NULL;
}

/* A descriptor for inet's socket number sock; -1 (EMFILE) if none is free. */
int posix_fd_socket_new(int sock)
{
	int fd;

	for (fd = 3; fd < NR_FDS; fd++) {
		if (fds[fd].kind == FD_FREE) {
			fds[fd] = (struct fd){ FD_SOCKET, (uint32_t)sock, 0, 0, 0 };
			return fd;
		}
	}
	return fail(EMFILE);
}

/* inet's socket number behind fd; -1 (EBADF, ENOTSOCK) if it is not a socket. */
int posix_fd_socket(int fd)
{
	struct fd *f = get_fd(fd);

	if (!f)
		return fail(EBADF);
	return f->kind == FD_SOCKET ? (int)f->ino : fail(ENOTSOCK);
}

int posix_fd_kind(int fd)
{
	static const int kinds[] = {
		[FD_FREE] = POSIX_FD_NONE, [FD_CONSOLE] = POSIX_FD_CONSOLE,
		[FD_FILE] = POSIX_FD_FILE, [FD_SOCKET] = POSIX_FD_SOCKET,
	};
	struct fd *f = get_fd(fd);

	return f ? kinds[f->kind] : POSIX_FD_NONE;
}

int posix_fd_nonblock(int fd)
{
	struct fd *f = get_fd(fd);

	return f && (f->flags & O_NONBLOCK);
}

int posix_console_ready(void)
{
	return kernel_console_only || con_poll() != 0;   /* no console: a read ends at once */
}

int fcntl(int fd, int cmd, ...)
{
	struct fd *f = get_fd(fd);
	va_list ap;
	int arg;

	if (!f)
		return fail(EBADF);
	va_start(ap, cmd);
	arg = cmd == F_SETFL || cmd == F_SETFD ? va_arg(ap, int) : 0;
	va_end(ap);
	if (cmd == F_GETFL)
		return (f->kind == FD_FILE ? O_RDONLY : O_RDWR) | f->flags;
	if (cmd == F_SETFL) {
		f->flags = arg & O_NONBLOCK;         /* the other status flags are fixed here */
		return 0;
	}
	if (cmd == F_GETFD || cmd == F_SETFD)
		return 0;                            /* no exec closes a descriptor here */
	return fail(EINVAL);
}

void _exit(int status)
{
	sys_exit(status);
}

static int diag_write(const char *p, size_t len)
{
	size_t left, n;

	for (left = len; left; left -= n, p += n) {
		n = left < DIAG_CHUNK ? left : DIAG_CHUNK;
		if (sys_diag(p, n) < 0)
			return fail(EIO);
	}
	return (int)len;
}

/* The console writes CON_WRITE_MAX bytes a request at most: ask until all is out. */
static int con_write_all(const char *p, size_t len)
{
	size_t done = 0;
	int r = 0;

	while (done < len) {
		r = con_write(p + done, (uint32_t)(len - done < CON_WRITE_MAX ? len - done : CON_WRITE_MAX));
		if (r <= 0)
			break;
		done += (size_t)r;
	}
	return done ? (int)done : r < 0 ? r : -EIO;
}

int write(int fd, const void *buf, size_t len)
{
	struct fd *f = get_fd(fd);
	int r;

	if (!f)
		return fail(EBADF);
	if (f->kind == FD_SOCKET)
		return send(fd, buf, len, 0);
	if (f->kind != FD_CONSOLE)
		return fail(EBADF);           /* the boot file system is read-only */
	if (kernel_console_only || len == 0)
		return diag_write(buf, len);
	r = con_write_all(buf, len);
	if (r < 0)                /* no console driver (yet, any more, or not ours to use) */
		return diag_write(buf, len);
	return r;
}

int read(int fd, void *buf, size_t len)
{
	struct fd *f = get_fd(fd);
	int r;

	if (!f)
		return fail(EBADF);
	if (f->kind == FD_SOCKET)
		return recv(fd, buf, len, 0);
	if (f->kind == FD_CONSOLE) {
		if ((f->flags & O_NONBLOCK) && !posix_console_ready())
			return fail(EAGAIN);
		r = kernel_console_only ? 0 : con_read(buf, (uint32_t)len);
		if (r == -ESRCH)
			return 0;                /* no console: end of input */
		return r < 0 ? fail(-r) : r;
	}
	if (f->pos >= f->size)
		return 0;
	if (len > f->size - f->pos)
		len = f->size - f->pos;
	r = fs_read(f->ino, f->pos, buf, (uint32_t)len);
	if (r < 0)
		return fail(-r);
	f->pos += (uint32_t)r;
	return r;
}

static const char *current_dir(void)
{
	const char *pwd;

	if (!cwd[0]) {
		pwd = getenv("PWD");
		if (!pwd || path_resolve("/", pwd, cwd, sizeof cwd) < 0 || pwd[0] != '/')
			strcpy(cwd, "/");
	}
	return cwd;
}

int posix_path(const char *path, char *out)
{
	return path_resolve(current_dir(), path, out, FS_PATH_MAX);
}

/* fs_lookup of a path relative to the current directory. */
static int lookup(const char *path, uint32_t *ino, uint32_t *size, uint32_t *mode)
{
	char abs[FS_PATH_MAX];
	int r = posix_path(path, abs);

	return r < 0 ? r : fs_lookup(abs, ino, size, mode);
}

char *getcwd(char *buf, size_t len)
{
	const char *dir = current_dir();

	if (!buf || len <= strlen(dir)) {
		errno = buf ? ERANGE : EINVAL;
		return NULL;
	}
	strcpy(buf, dir);
	return buf;
}

int chdir(const char *path)
{
	char abs[FS_PATH_MAX];
	uint32_t ino, size, mode;
	int r = posix_path(path, abs);

	if (r == 0)
		r = fs_lookup(abs, &ino, &size, &mode);
	if (r < 0)
		return fail(-r);
	if (!(mode & FS_MODE_DIR))
		return fail(ENOTDIR);
	if (setenv("PWD", abs, 1) < 0)
		return -1;
	strcpy(cwd, abs);
	return 0;
}

int open(const char *path, int flags, ...)
{
	uint32_t ino, size, mode;
	int fd, r;

	if ((flags & O_ACCMODE) != O_RDONLY)
		return fail(EROFS);
	r = lookup(path, &ino, &size, &mode);
	if (r < 0)
		return fail(-r);
	if (mode & FS_MODE_DIR)
		return fail(EISDIR);
	for (fd = 3; fd < NR_FDS; fd++) {
		if (fds[fd].kind == FD_FREE) {
			fds[fd] = (struct fd){ FD_FILE, ino, size, 0, 0 };
			return fd;
		}
	}
	return fail(EMFILE);
}

int close(int fd)
{
	struct fd *f = get_fd(fd);

	if (!f)
		return fail(EBADF);
	if (f->kind == FD_SOCKET)
		posix_socket_close((int)f->ino);   /* gone here whatever inet says */
	f->kind = FD_FREE;
	f->flags = 0;
	return 0;
}

off_t lseek(int fd, off_t off, int whence)
{
	struct fd *f = get_fd(fd);
	off_t at;

	if (!f)
		return fail(EBADF);
	if (f->kind != FD_FILE)
		return fail(ESPIPE);
	at = whence == SEEK_SET ? off : whence == SEEK_CUR ? (off_t)f->pos + off :
	     whence == SEEK_END ? (off_t)f->size + off : -1;
	if (at < 0)
		return fail(EINVAL);
	f->pos = (uint32_t)at;
	return at;
}

int fstat(int fd, struct stat *st)
{
	struct fd *f = get_fd(fd);

	if (!f)
		return fail(EBADF);
	memset(st, 0, sizeof *st);
	st->st_mode = f->kind == FD_CONSOLE ? S_IFCHR : f->kind == FD_SOCKET ? S_IFSOCK | 0666 : S_IFREG | 0444;
	st->st_size = f->kind == FD_FILE ? (off_t)f->size : 0;
	st->st_ino = f->ino;
	return 0;
}

int stat(const char *path, struct stat *st)
{
	uint32_t ino, size, mode;
	int r = lookup(path, &ino, &size, &mode);

	if (r < 0)
		return fail(-r);
	memset(st, 0, sizeof *st);
	st->st_mode = (mode & FS_MODE_DIR ? S_IFDIR | 0555 : S_IFREG | 0444) | (mode & FS_MODE_EXEC ? 0111 : 0);
	st->st_size = (off_t)size;
	st->st_ino = ino;
	return 0;
}

int isatty(int fd)
{
	struct fd *f = get_fd(fd);

	return f && f->kind == FD_CONSOLE;
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

int getpid(void)
{
	return sys_self();
}

int kill(int pid, int sig)
{
	int r = pm_kill(pid, sig);

	return r < 0 ? fail(-r) : 0;
}

int fork(void)
{
	int r = pm_fork();

	return r < 0 ? fail(-r) : r;
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	char abs[FS_PATH_MAX], **kept = environ;
	int argc = 0, r;

	while (argv[argc])
		argc++;
	environ = (char **)envp;              /* pm_exec passes environ on */
	r = posix_path(path, abs);
	if (r == 0)
		r = pm_exec(EP_SELF, abs, argc, argv, 0, NULL);
	environ = kept;
	return fail(r < 0 ? -r : ENOEXEC);
}

int waitpid(int pid, int *status, int options)
{
	int r = pm_wait(pid, status, options & 1 ? PM_WNOHANG : 0);

	return r < 0 ? fail(-r) : r;
}

int wait(int *status)
{
	return waitpid(-1, status, 0);
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

int link(const char *a, const char *b)   { (void)a; (void)b; return fail(EROFS); }
int unlink(const char *path)             { (void)path; return fail(EROFS); }
