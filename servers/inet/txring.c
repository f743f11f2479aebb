/*
 * txring: room in an interface's transmit ring for one more batch record
 * (txring.h). What is still needed runs, wrapping around, from the oldest
 * record still needed to the newest; a new record goes right after the
 * newest, or at the start when the end has no room for it, never into
 * what is needed. A batch goes to the driver from one piece of the ring,
 * so one that would be split by the wrap starts at the start instead.
 */
#include <string.h>
#include "txring.h"

/*
 * Where a record of rec bytes (first: a batch's first) goes outside
 * [lo, end) (wrapping; not empty), or -1.
 */
static int32_t room_after(uint32_t end, uint32_t lo, uint32_t rec, int first)
{
	if (end > lo) {
		if (first && TXRING_BYTES - end < NET_BATCH_BYTES && lo >= NET_BATCH_BYTES)
			return 0;
		if (TXRING_BYTES - end >= rec)
			return (int32_t)end;
		return lo >= rec ? 0 : -1;
	}
	return lo - end >= rec ? (int32_t)end : -1;              /* (end == lo: all of it is needed) */
}

uint8_t *txring_put(struct txring *r, const uint8_t *oldest, uint32_t len, uint32_t flags, int first)
{
	struct net_frame_hdr h = { (uint16_t)len, (uint16_t)flags };
	uint32_t rec = NET_RECORD_BYTES(len);
	int32_t at;

	if (len < NET_HEADER_BYTES || len > NET_MAX_FRAME || (flags & ~(uint32_t)NET_FRAME_FLAGS))
		return NULL;
	at = oldest ? room_after(r->end, (uint32_t)(txring_record((uint8_t *)oldest) - r->bytes), rec, first) : 0;
	if (at < 0)
		return NULL;
	memcpy(r->bytes + at, &h, sizeof h);
	memset(r->bytes + at + sizeof h + len, 0, rec - sizeof h - len);
	r->end = (uint32_t)at + rec;
	return r->bytes + at + sizeof h;
}

int txring_holds(const struct txring *r, const uint8_t *p)
{
	return p >= r->bytes + sizeof(struct net_frame_hdr) && p < r->bytes + TXRING_BYTES;
}
