/* Basic types shared by the kernel and user space. */
#ifndef BULKHEAD_TYPES_H
#define BULKHEAD_TYPES_H

#include <stdint.h>
#include <stddef.h>

typedef int32_t  endpoint_t;   /* process identity: slot + generation, see endpoint.h */
typedef uint32_t vir_bytes;    /* a virtual address in some process */
typedef uint32_t phys_bytes;   /* a physical address */
typedef int32_t  grant_id_t;   /* index + sequence number, see grant.h */

#define BH_STATIC_ASSERT(cond, what) _Static_assert(cond, what)

/* Every message payload struct is checked to fit in a message. */
#define MSG_PAYLOAD_MAX 56
#define MSG_PAYLOAD(type) \
	BH_STATIC_ASSERT(sizeof(struct type) <= MSG_PAYLOAD_MAX, #type " does not fit in a message")

#endif
