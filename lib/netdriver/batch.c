/*
 * The network driver protocol's batch layout (include/bulkhead/net.h):
 * building a batch record by record, checking a whole batch received from
 * the other side, and walking a checked one. No system calls: drivers,
 * clients and the host unit tests share it.
 */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/net.h>

static int frame_len_ok(uint32_t len)
{
	return len >= NET_HEADER_BYTES && len <= NET_MAX_FRAME;
}

/* Append a frame with these flags to the batch (size bytes, *used of them taken): -EINVAL, -ENOSPC, or 0. */
int net_batch_put_flags(uint8_t *batch, uint32_t size, uint32_t *used, const void *frame, uint32_t len,
                        uint32_t flags)
{
	struct net_frame_hdr h = { (uint16_t)len, (uint16_t)flags };
	uint32_t rec;

	if (!frame_len_ok(len) || (flags & ~(uint32_t)NET_FRAME_FLAGS))
		return -EINVAL;
	rec = NET_RECORD_BYTES(len);
	if (*used > size || size - *used < rec)
		return -ENOSPC;
	memcpy(batch + *used, &h, sizeof h);
	memcpy(batch + *used + sizeof h, frame, len);
	memset(batch + *used + sizeof h + len, 0, rec - sizeof h - len);
	*used += rec;
	return 0;
}

int net_batch_put(uint8_t *batch, uint32_t size, uint32_t *used, const void *frame, uint32_t len)
{
	return net_batch_put_flags(batch, size, used, frame, len, 0);
}

/*
 * Do `bytes` bytes hold exactly `count` well-formed records? 0; -E2BIG for
 * more than NET_BATCH_FRAMES frames or NET_BATCH_BYTES bytes; -EINVAL for
 * no frame, a frame length out of range, an unknown flag, a record running past
 * the end, or bytes left after the last record.
 */
int net_batch_check(const uint8_t *batch, uint32_t bytes, uint32_t count)
{
	struct net_frame_hdr h;
	uint32_t off = 0, k;

	if (count > NET_BATCH_FRAMES || bytes > NET_BATCH_BYTES)
		return -E2BIG;
	if (count == 0)
		return -EINVAL;
	for (k = 0; k < count; k++) {
		if (bytes - off < sizeof h)
			return -EINVAL;
		memcpy(&h, batch + off, sizeof h);
		if (!frame_len_ok(h.len) || (h.flags & ~NET_FRAME_FLAGS) || bytes - off < NET_RECORD_BYTES(h.len))
			return -EINVAL;
		off += NET_RECORD_BYTES(h.len);
	}
	return off == bytes ? 0 : -EINVAL;
}

/* The frame of a checked batch at *offset (its length in *len); *offset moves past it. */
const uint8_t *net_batch_next(const uint8_t *batch, uint32_t *offset, uint32_t *len)
{
	struct net_frame_hdr h;
	const uint8_t *frame;

	memcpy(&h, batch + *offset, sizeof h);
	frame = batch + *offset + sizeof h;
	*len = h.len;
	*offset += NET_RECORD_BYTES(h.len);
	return frame;
}

uint32_t net_batch_flags(const uint8_t *batch, uint32_t offset)
{
	struct net_frame_hdr h;

	memcpy(&h, batch + offset, sizeof h);
	return h.flags;
}
