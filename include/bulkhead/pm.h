/*
 * The process manager's protocol. Requests are sendrec(pm, m); the reply's
 * m_type is 0 or -errno.
 *
 *   PM_FORK   copy the caller; the parent gets the child's pid, the child 0
 *   PM_SPAWN  an empty, stopped process supervised by the caller (the driver
 *             manager), to install privileges for and exec into
 *   PM_EXEC   run the program at a path (read from the boot file system) in
 *             the caller (no reply on success) or in a stopped process the
 *             caller spawned; a bad program is refused with a reason
 *   PM_WAIT   collect an ended child (pid -1: any), blocking unless WNOHANG
 *   PM_KILL   end a process with a signal number (not system servers)
 *   PM_REAP   a supervisor collects how one of its processes ended
 * Pids are endpoints.
 */
#ifndef BULKHEAD_PM_H
#define BULKHEAD_PM_H

#include <bulkhead/types.h>

enum {
	PM_FORK = 0x200,
	PM_SPAWN,
	PM_EXEC,
	PM_WAIT,
	PM_KILL,
	PM_REAP,
};

#define PM_EXEC_START 0x1      /* PM_EXEC into a spawned process: start it */
#define PM_WNOHANG    0x1
#define PM_WHY_MAX    40

struct pm_exec {
	endpoint_t target;          /* EP_SELF: the caller */
	grant_id_t path;            /* grant over the path (read) */
	uint32_t   path_len;
	grant_id_t args;            /* grant over argc NUL-terminated strings (read) */
	uint32_t   args_len;
	uint32_t   argc;
	uint32_t   flags;
};

struct pm_wait  { endpoint_t pid; uint32_t options; };
struct pm_kill  { endpoint_t pid; int32_t sig; };
struct pm_reply { endpoint_t pid; int32_t status; char why[PM_WHY_MAX]; };

MSG_PAYLOAD(pm_exec);
MSG_PAYLOAD(pm_wait);
MSG_PAYLOAD(pm_kill);
MSG_PAYLOAD(pm_reply);

#endif
