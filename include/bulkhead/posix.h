/* posix: Bulkhead extensions to the C library glue (lib/posix). */
#ifndef BULKHEAD_POSIX_H
#define BULKHEAD_POSIX_H

/*
 * Send standard output and error to the kernel console, never to the console
 * driver: for the servers the console driver itself depends on.
 */
void posix_use_kernel_console(void);

/* Between the descriptor table (syscalls.c) and sockets (socket.c). */
int  posix_fd_socket_new(int sock);
int  posix_fd_socket(int fd);
void posix_socket_close(int sock);

#endif
