/*
 * The data store's protocol: labels -> values (usually endpoints).
 *
 *   DS_PUBLISH    set key to value; everyone subscribed to a matching pattern
 *                 is notified
 *   DS_LOOKUP     the value of key, or -ENOENT
 *   DS_DELETE     remove key (its publisher, or the driver manager)
 *   DS_SUBSCRIBE  be notified of changes to keys matching a pattern (a
 *                 trailing '*' matches any rest)
 *   DS_CHECK      after a notification: the next changed key and its value,
 *                 or -EAGAIN when there are no more
 */
#ifndef BULKHEAD_DS_H
#define BULKHEAD_DS_H

#include <bulkhead/types.h>

enum {
	DS_PUBLISH = 0x300,
	DS_LOOKUP,
	DS_DELETE,
	DS_SUBSCRIBE,
	DS_CHECK,
};

#define DS_KEY_MAX 32

struct ds_req {
	char     key[DS_KEY_MAX];    /* NUL-terminated */
	uint32_t value;
	uint32_t deleted;            /* DS_CHECK: the key was removed */
};
MSG_PAYLOAD(ds_req);

#endif
