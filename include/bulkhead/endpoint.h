/*
 * Endpoints: how processes name each other.
 *
 * An endpoint packs a process-table slot and a generation number that grows
 * every time the slot is reused, so a message addressed to a process that has
 * died fails with ESRCH instead of reaching whoever took its slot.
 * Negative values are pseudo-endpoints that are not processes.
 */
#ifndef BULKHEAD_ENDPOINT_H
#define BULKHEAD_ENDPOINT_H

#include <bulkhead/types.h>

#define NR_PROCS          64          /* process-table slots */
#define ENDPOINT_SLOT_BITS 8          /* room for up to 256 slots */
#define ENDPOINT_SLOT_MASK ((1 << ENDPOINT_SLOT_BITS) - 1)
#define ENDPOINT_GEN_MAX  ((int32_t)(0x7fffffff >> ENDPOINT_SLOT_BITS))

#define make_endpoint(gen, slot) ((endpoint_t)(((gen) << ENDPOINT_SLOT_BITS) | (slot)))
#define endpoint_slot(ep)        ((int)((ep) & ENDPOINT_SLOT_MASK))
#define endpoint_gen(ep)         ((int)((ep) >> ENDPOINT_SLOT_BITS))

/* Pseudo-endpoints. */
#define EP_ANY      (-1)   /* receive from anyone */
#define EP_NONE     (-2)
#define EP_KERNEL   (-3)   /* kernel calls go here; kernel notices come from here */
#define EP_HARDWARE (-4)   /* source of interrupt notifications */
#define EP_CLOCK    (-5)   /* source of alarm notifications */
#define EP_SELF     (-6)   /* in kernel calls: the caller itself */

#endif
