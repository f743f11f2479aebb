/*
 * Memory grants: capabilities a process creates over its own memory.
 *
 * A process keeps a table of struct grant in its own memory and registers it
 * with KC_SETGRANT. Entry i lets `grantee` copy from (GRANT_READ) and/or to
 * (GRANT_WRITE) a range with KC_SAFECOPY. An indirect entry re-grants (part
 * of) a grant the process itself received, to a further grantee; every level
 * of the chain is checked, so it never gives more than the original.
 *
 * A grant ID is (sequence << GRANT_INDEX_BITS) | index. The entry's seq must
 * match: revoking bumps it, so a revoked or reused slot's old ID fails.
 * The kernel reads entries when a copy is made and never trusts them beyond
 * the granter's own memory.
 */
#ifndef BULKHEAD_GRANT_H
#define BULKHEAD_GRANT_H

#include <bulkhead/types.h>

#define GRANT_INDEX_BITS 12
#define GRANT_MAX_ENTRIES (1 << GRANT_INDEX_BITS)
#define GRANT_SEQ_MAX    ((1u << (31 - GRANT_INDEX_BITS)) - 1)
#define GRANT_MAX_DEPTH  4          /* entries a copy may pass through: a grant and 3 re-grants */
#define GRANT_INVALID    (-1)

#define grant_make_id(seq, index) ((grant_id_t)(((seq) << GRANT_INDEX_BITS) | (index)))
#define grant_index(id)  ((uint32_t)(id) & (GRANT_MAX_ENTRIES - 1))
#define grant_seq(id)    ((uint32_t)(id) >> GRANT_INDEX_BITS)

/* flags */
#define GRANT_READ     0x1     /* the grantee may copy from the memory */
#define GRANT_WRITE    0x2     /* the grantee may copy to the memory */
#define GRANT_VALID    0x4
#define GRANT_INDIRECT 0x8

struct grant {
	uint32_t   flags;
	uint32_t   seq;
	endpoint_t grantee;
	uint32_t   len;
	union {
		vir_bytes addr;                     /* direct: start in the granter */
		struct {
			endpoint_t granter;         /* indirect: whose grant ... */
			grant_id_t id;              /* ... which one */
			uint32_t   offset;          /* ... from where in it */
		} indirect;
	};
};
BH_STATIC_ASSERT(sizeof(struct grant) == 28, "grant entry layout");

/* KC_SAFECOPY directions, seen from the caller. */
#define SAFECOPY_FROM 0     /* granter's memory -> caller's */
#define SAFECOPY_TO   1     /* caller's memory -> granter's */

struct safecopy_req {
	endpoint_t granter;
	grant_id_t grant;
	uint32_t   offset;      /* into the granted range */
	vir_bytes  addr;        /* the caller's buffer */
	uint32_t   len;
	uint32_t   dir;         /* SAFECOPY_FROM or SAFECOPY_TO */
};
BH_STATIC_ASSERT(sizeof(struct safecopy_req) == 24, "safecopy request layout");
#define VSAFECOPY_MAX 64

#endif
