/*
 * The console driver's protocol.
 *
 *   CON_WRITE  write up to CON_WRITE_MAX of len bytes from a grant; the
 *              reply says how many (fewer than len: send the rest again;
 *              the posix layer does). Anyone may write.
 *   CON_READ   read one line (or up to len bytes of it) into a grant; the
 *              reply comes when a line has been typed; 0 is end of input
 *              (Ctrl-D on an empty line). Only the foreground process may
 *              read: anyone else gets -EIO at once, and a waiting read ends
 *              with -EIO when its caller loses the foreground.
 *   CON_POLL   would the caller's CON_READ be answered at once? 1 if so (a
 *              whole line or an end of input is waiting, or the caller is
 *              not the foreground, whose read fails at once), 0 if it would
 *              wait. Never waits itself (poll and select in lib/posix).
 *   CON_SETFG  a holder of the foreground gives it to pid (see below);
 *              -EPERM if the caller holds none, -ESRCH if pid is not alive,
 *              -ENOSPC after FG_DEPTH hand-overs in a row
 *   CON_GETFG  the reply's pid is the foreground process (EP_NONE: none)
 *   CON_KEYS   from the keyboard driver only (the running driver of
 *              CON_KEYBOARD_BINARY, by the driver manager's record; anyone
 *              else: -EPERM): bytes typed, taken as if they came from the
 *              serial line
 *   CON_MIRROR from the screen driver only (CON_SCREEN_BINARY, likewise):
 *              copy what the console has written (its output and echo),
 *              from byte position `from` on, up to len bytes, into a grant;
 *              the reply says how many, `from` says where they start (the
 *              oldest kept, if `from` is older than CON_MIRROR_KEEP bytes)
 *              and `next` where to go on
 *
 * The session owner is the process on the console (the shell), named by
 * init in the data store under CON_SESSION_KEY; init publishes that key
 * first at boot, and the data store lets only a key's publisher change it.
 * The owner holds the foreground first. A holder may give it to another
 * process (the shell, to the command it waits for; a shell run from it, to
 * its own command), which is then the foreground; any holder may take it
 * back or give it back down. A holder that ends drops out, so the
 * foreground returns to whoever gave it. Background processes never hold
 * it. Ctrl-C sends SIGINT to the foreground unless that is the owner, and
 * throws away what was typed but not yet read.
 */
#ifndef BULKHEAD_CONSOLE_H
#define BULKHEAD_CONSOLE_H

#include <bulkhead/types.h>

enum {
	CON_WRITE = 0x500,
	CON_READ,
	CON_SETFG,
	CON_GETFG,
	CON_KEYS,
	CON_MIRROR,
	CON_POLL,
};

#define CON_WRITE_MAX   4096               /* bytes one CON_WRITE writes at most */
#define CON_SESSION_KEY "console_session"  /* data store key: the session owner's pid */

struct con_req { grant_id_t grant; uint32_t len; endpoint_t pid; };
MSG_PAYLOAD(con_req);

#define CON_KEYS_MAX        40                    /* bytes one CON_KEYS carries */
#define CON_MIRROR_KEEP     16384                 /* bytes of output kept for the screen */
#define CON_KEYBOARD_BINARY "/drivers/keyboard"
#define CON_SCREEN_BINARY   "/drivers/screen"
struct con_keys   { uint32_t len; char bytes[CON_KEYS_MAX]; };
struct con_mirror { grant_id_t grant; uint32_t len; uint32_t from; uint32_t next; };
MSG_PAYLOAD(con_keys);
MSG_PAYLOAD(con_mirror);

#endif
