/*
 * The console driver's protocol.
 *
 *   CON_WRITE  write len bytes from a grant; the reply says how many
 *   CON_READ   read one line (or up to len bytes of it) into a grant; the
 *              reply comes when a line has been typed; 0 is end of input
 *              (Ctrl-D on an empty line)
 */
#ifndef BULKHEAD_CONSOLE_H
#define BULKHEAD_CONSOLE_H

#include <bulkhead/types.h>

enum {
	CON_WRITE = 0x500,
	CON_READ,
};

struct con_req { grant_id_t grant; uint32_t len; };
MSG_PAYLOAD(con_req);

#endif
