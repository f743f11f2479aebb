/*
 * txring: the bytes of an interface's transmit queue, kept in the driver
 * protocol's batch layout (include/bulkhead/net.h), so that frames that
 * lie back to back go to the driver as one NET_SEND_BATCH straight from
 * where lwIP's frame was copied, not copied into a batch first. eth.c
 * keeps each frame's place, length and state; this file only finds room
 * for a record that overwrites nothing still needed. Pure functions,
 * unit-tested on the host (tests/unit/test_txring.c).
 */
#ifndef INET_TXRING_H
#define INET_TXRING_H

#include <stdint.h>
#include <bulkhead/net.h>

/*
 * Records the ring holds at once, the one being placed included: the
 * frames waiting for the driver and those it took lately (kept for
 * resending), each at most a largest record; a batch's bytes more cover
 * what a wrap leaves unused at the end (a batch starts at the start
 * rather than be split by the wrap). With no more records needed, back
 * to back from the oldest, txring_put always finds room.
 */
#define TXRING_RECORDS 64
#define TXRING_BYTES (TXRING_RECORDS * NET_BATCH_MIN + NET_BATCH_BYTES)

struct txring {
	uint32_t end;                  /* just past the newest record placed */
	uint8_t bytes[TXRING_BYTES];
};

/*
 * A record for a frame of len bytes with these flags, placed after the
 * newest one (or at the start, where the end has no room; with first, the
 * first frame of a batch, also where the end has no room for a whole
 * batch and the start has), without touching what lies from oldest (the
 * frame data of the oldest record still needed, as txring_put returned
 * it; NULL: none is) to the newest: its header written and its padding
 * zeroed. The frame's data go at the pointer returned; NULL: no room, or
 * len out of range.
 */
uint8_t *txring_put(struct txring *r, const uint8_t *oldest, uint32_t len, uint32_t flags, int first);

/* 1 if p (frame data as txring_put returned) is in the ring. */
int txring_holds(const struct txring *r, const uint8_t *p);

/* Where the frame data of the record after this one (data, len bytes) would be, were they back to back. */
static inline const uint8_t *txring_after(const uint8_t *data, uint32_t len)
{
	return data + NET_RECORD_BYTES(len);
}

/* The start of the record whose frame data is at data: what a batch of it starts with. */
static inline uint8_t *txring_record(uint8_t *data)
{
	return data - sizeof(struct net_frame_hdr);
}

#endif
