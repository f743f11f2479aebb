/* posix: Bulkhead extensions to the C library glue (lib/posix). */
#ifndef BULKHEAD_POSIX_H
#define BULKHEAD_POSIX_H

/*
 * Send standard output and error to the kernel console, never to the console
 * driver: for the servers the console driver itself depends on.
 */
void posix_use_kernel_console(void);

/*
 * The current directory: every process has one (chdir, getcwd), "/" to
 * begin with, inherited by fork and kept across exec through the
 * environment (PWD). open, stat and exec take paths relative to it;
 * posix_path gives the absolute path (0 or -errno, out holds FS_PATH_MAX).
 */
int posix_path(const char *path, char *out);

/*
 * The environment travels with exec: the argument block handed to PM_EXEC
 * holds argc strings, then NAME=VALUE strings, then an empty string
 * (include/bulkhead/pm.h); the start code makes `environ` from them.
 */
#define POSIX_ENV_MAX 16        /* environment strings a program starts with */

/* Between the descriptor table (syscalls.c) and sockets (socket.c). */
int  posix_fd_socket_new(int sock);
int  posix_fd_socket(int fd);
void posix_socket_close(int sock);

/* Between the descriptor table and poll.c: what fd is, O_NONBLOCK, and
   whether a read of the console would be answered at once. */
enum { POSIX_FD_NONE, POSIX_FD_CONSOLE, POSIX_FD_FILE, POSIX_FD_SOCKET };
int  posix_fd_kind(int fd);
int  posix_fd_nonblock(int fd);
int  posix_console_ready(void);

#endif
