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
 *   DS_OWNER_DIED from the process manager only: a process ended; its keys
 *                 are deleted and its subscriptions dropped
 *   DS_TABLES     how full the tables are (struct ds_tables)
 *
 * Who may: publishing needs uid 0 or a system server; a key can then be
 * changed or deleted only by the process that published it, so the labels
 * of system servers and of running drivers (published by the driver
 * manager) cannot be taken. A process holds at most DS_SUBS_PER_PROC
 * subscriptions. Nothing outlives its holder.
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
	DS_OWNER_DIED,
	DS_TABLES,
};

#define DS_KEY_MAX 32
#define DS_MAX_KEYS 128
#define DS_MAX_SUBS 32
#define DS_SUBS_PER_PROC 8

struct ds_req {
	char     key[DS_KEY_MAX];    /* NUL-terminated */
	uint32_t value;
	uint32_t deleted;            /* DS_CHECK: the key was removed */
};
MSG_PAYLOAD(ds_req);

struct ds_owner { endpoint_t who; };
struct ds_tables {
	uint32_t keys, keys_max;         /* keys in use (deleted ones still announced count) */
	uint32_t subs, subs_max;
};
MSG_PAYLOAD(ds_owner);
MSG_PAYLOAD(ds_tables);

#endif
