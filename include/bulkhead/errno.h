/*
 * Error numbers shared by the kernel, servers and drivers.
 *
 * Kernel calls and IPC primitives return 0 or a negated value from this list.
 * The numbers are newlib's, so a user program may include both this header and
 * <errno.h>: the macros are then identical redefinitions, which C allows, and a
 * mismatch would be a compile error under -Werror.
 */
#ifndef BULKHEAD_ERRNO_H
#define BULKHEAD_ERRNO_H

#define EPERM    1   /* the caller's privilege record forbids it */
#define ENOENT   2
#define ESRCH    3   /* no such endpoint, or it died (stale generation) */
#define EINTR    4
#define EIO      5
#define ENXIO    6
#define E2BIG    7
#define ENOEXEC  8   /* malformed executable */
#define EBADF    9
#define ECHILD  10
#define EAGAIN  11   /* would block (non-blocking send) */
#define ENOMEM  12
#define EACCES  13
#define EFAULT  14   /* bad user address */
#define EBUSY   16
#define EEXIST  17
#define ENODEV  19
#define ENOTDIR 20
#define EISDIR  21
#define EINVAL  22
#define ENFILE  23
#define EMFILE  24
#define ENOSPC  28
#define ESPIPE  29
#define EROFS   30
#define EPIPE   32
#define EDOM    33
#define ERANGE  34
#define EDEADLK 45   /* the operation would close a cycle of blocked processes */
#define ENOSYS  88   /* no such call */
#define ENAMETOOLONG 91
#define ELOOP   92   /* grant chain deeper than GRANT_MAX_DEPTH, or a cycle */
#define EOPNOTSUPP 95
#define ECONNRESET 104
#define ENOBUFS 105
#define EAFNOSUPPORT 106
#define ENOTSOCK 108
#define ENOPROTOOPT 109
#define ECONNREFUSED 111
#define EADDRINUSE 112
#define ECONNABORTED 113
#define ENETUNREACH 114
#define ENETDOWN 115
#define ETIMEDOUT 116
#define EINPROGRESS 119
#define EALREADY 120
#define EDESTADDRREQ 121
#define EMSGSIZE 122
#define EPROTONOSUPPORT 123
#define EADDRNOTAVAIL 125
#define EISCONN 127
#define ENOTCONN 128

#endif
