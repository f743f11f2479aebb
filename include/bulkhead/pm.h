/*
 * The process manager's protocol. Requests are sendrec(pm, m); the reply's
 * m_type is 0 or -errno.
 *
 *   PM_FORK   copy the caller; the parent gets the child's pid, the child 0
 *   PM_SPAWN  an empty, stopped process supervised by the caller (the driver
 *             manager), to install privileges for and exec into
 *   PM_EXEC   run the program at a path (read from the boot file system) in
 *             the caller (no reply on success) or in a stopped process the
 *             caller spawned; a bad program is refused with a reason. The
 *             argument block is argc strings, optionally followed by the
 *             environment (NAME=VALUE strings, then an empty string): all of
 *             it is copied onto the new program's stack (lib/posix/start.c)
 *   PM_WAIT   collect an ended child (pid -1: any), blocking unless WNOHANG
 *   PM_KILL   end a process with a signal number (not system servers)
 *   PM_REAP   a supervisor collects how one of its processes ended
 *   PM_SETUID run the caller as another user from now on (uid 0 may pick
 *             any; others only their own)
 *   PM_TABLES how full the manager's tables are (struct pm_tables)
 *   PM_SHUTDOWN power the machine off, or reset it (how: PM_SHUTDOWN_RESET);
 *             no reply on success. Only an ordinary program running as
 *             uid 0 may (not a driver): `shutdown` and `reboot` stop the
 *             drivers through the driver manager first
 * Pids are endpoints.
 *
 * Who may: PM_SPAWN only an installer (the driver manager); PM_KILL needs
 * uid 0 or the target's uid, and never reaches the boot processes (the
 * servers, init). Ordinary users (uid != 0) may have at most PM_UID_PROCS
 * processes, their unreaped children included; forks leave PM_SLOTS_KEPT
 * process slots free for restarting drivers.
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
	PM_SETUID,
	PM_TABLES,
	PM_SHUTDOWN,
};

#define PM_EXEC_START 0x1      /* PM_EXEC into a spawned process: start it */
#define PM_WNOHANG    0x1
#define PM_WHY_MAX    40
#define PM_SIG_MAX    31     /* PM_KILL takes signals 1 to this */
#define PM_UID_PROCS  16     /* processes per ordinary user, zombies included */
#define PM_SLOTS_KEPT 4      /* process slots a fork may not take: kept for driver restarts */

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
struct pm_setuid { uint32_t uid; };
#define PM_SHUTDOWN_RESET 0x1
struct pm_shutdown { uint32_t how; };
struct pm_tables {
	uint32_t procs, procs_max;       /* processes it manages */
	uint32_t zombies, zombies_max;   /* ended children not yet waited for */
	uint32_t reports, reports_max;   /* deaths not yet collected by a supervisor */
	uint32_t caller_uid_procs;       /* the caller's user's processes, zombies included */
};

MSG_PAYLOAD(pm_exec);
MSG_PAYLOAD(pm_wait);
MSG_PAYLOAD(pm_kill);
MSG_PAYLOAD(pm_reply);
MSG_PAYLOAD(pm_setuid);
MSG_PAYLOAD(pm_tables);
MSG_PAYLOAD(pm_shutdown);

#endif
