/* Port I/O requests for KC_DEVIO and KC_VDEVIO. */
#ifndef BULKHEAD_DEVIO_H
#define BULKHEAD_DEVIO_H

#include <bulkhead/types.h>

#define DEVIO_IN  0
#define DEVIO_OUT 1

struct devio_req {
	uint16_t port;
	uint8_t  size;       /* 1, 2 or 4 bytes; the port must be aligned to it */
	uint8_t  dir;        /* DEVIO_IN or DEVIO_OUT */
	uint32_t value;      /* OUT: written; IN: filled in */
};
BH_STATIC_ASSERT(sizeof(struct devio_req) == 8, "devio request layout");
#define VDEVIO_MAX 64

#endif
