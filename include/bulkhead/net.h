/*
 * The network driver protocol, version 1: an Ethernet driver and its client
 * (the network server, or a test client). Frames move only through grants;
 * the two never share memory. Requests are sendrec; the reply's m_type is
 * the result. The driver notifies its client when frames have arrived
 * (once after each of the client's requests, at the end of the event that
 * brought them: one notification per burst, the rest being found with it;
 * a reply or receive area that says how many are left stands for their
 * notification, and so does the header of a filled posted area that the
 * client has not taken back) and when a full transmit ring has room again,
 * so nothing is ever left pending inside the driver: after a restart there
 * is nothing half-done to lose.
 *
 *   NET_INIT   attach (the driver notifies this client from now on); the
 *              reply carries the protocol version, the MAC address, link,
 *              and which checksums its NIC fills in (offload)
 *   NET_SEND   send one frame (len 14..1514 bytes, header included; the
 *              driver pads short frames to 60); -EAGAIN: ring full, retry
 *              when notified
 *   NET_RECV   the oldest received frame into the grant; its length, or
 *              -EAGAIN when there is none
 *   NET_STATS  a struct net_stats into the grant
 *   NET_SEND_BATCH  send `count` frames (1..NET_BATCH_FRAMES) laid out as a
 *              batch (below) in the first `len` bytes of the grant (at most
 *              NET_BATCH_BYTES). The driver checks the whole batch before
 *              sending any of it (-EINVAL: malformed, -E2BIG: too many
 *              frames or bytes; nothing sent; a record's NET_FRAME_CSUM
 *              leaves that frame's checksums to the driver), then sends the frames in
 *              order until its ring is full: the reply is how many it took
 *              (1..count; the first that many), or -EAGAIN if none. If it
 *              took fewer than count it notifies when it has room again.
 *              With rx_len set (the attached client only; rx_len
 *              NET_RX_AREA_MIN..NET_RX_AREA_MAX, else -EINVAL or -E2BIG
 *              before anything is sent), rx_grant is a receive area (its
 *              layout below): the driver then looks at the device once
 *              more and fills the area with what has arrived, without
 *              notifying the client of those frames. On QEMU a peer's
 *              answer to what was just sent (TCP's acknowledgements, the
 *              next segments) is often there already. If nothing has
 *              arrived and flags has NET_RX_POST, the area stays posted:
 *              the driver fills it with the next frames to arrive, then
 *              notifies. A post ends when it is filled, when the client
 *              posts another or attaches again, or when the driver dies;
 *              a client ends it by revoking the grant (a fill then fails,
 *              and the frames wait in the queue, notified as usual).
 *              Until the client revokes a filled area or lends another,
 *              the driver keeps its header's `left` up to date instead of
 *              notifying again.
 *              Either way the frames come without a NET_RECV_BATCH: two
 *              address-space switches less.
 *              With NET_SEND_ASYNC as well (the attached client only, and
 *              only with a receive area: else -EINVAL, replied), the
 *              driver sends no reply: it writes what the reply would have
 *              been into the area header's `sent` (the client zeroes it
 *              before it lends the area), before it puts any frame there,
 *              and notifies the client only if that is not `count`. The
 *              client sends it with ipc_sendnb, so it goes on without
 *              waiting for the driver: the address-space switch back that
 *              a reply costs is saved. Until it has read `sent` the client
 *              keeps the batch's grant and the area, and sends nothing
 *              else but synchronous calls (which the driver serves after
 *              the batch): so frames still go out in order.
 *   NET_RECV_BATCH  the oldest received frames, as many as fit into the
 *              grant's first `len` bytes (NET_BATCH_MIN..NET_BATCH_BYTES,
 *              else -EINVAL or -E2BIG) and at most NET_BATCH_FRAMES (as
 *              in every batch), laid out as a batch: the reply is how
 *              many (and net_batch_reply says how many bytes, and how many
 *              frames are still queued after these), or -EAGAIN.
 *              Frames leave the driver's queue only when the copy into the
 *              grant succeeded, just before the reply. A reply (or a
 *              receive area's header) that says frames are left stands for
 *              their notification: the client asks again.
 *   NET_TEST   only for a driver started with --test, for the tests:
 *              include/bulkhead/nettest.h
 *
 * A receive area: a struct net_rx_area_hdr (frames 0: nothing put there),
 * then a batch of `bytes` bytes. The driver writes both in one vectored
 * copy; the client zeroes the header before it lends the area, and reads
 * it only after it got the reply or revoked the grant.
 *
 * The batch layout (both directions): records back to back, each a struct
 * net_frame_hdr followed by the frame, padded with unspecified bytes to a
 * multiple of NET_BATCH_ALIGN; nothing after the last. lib/netdriver/batch.c
 * builds and checks batches (the driver checks every batch a client sends,
 * a client every batch a driver returns: neither trusts the other).
 *
 * Restart safety: a batch is done only when its reply arrives (or its
 * `sent` is written). A client whose call fails (-ESRCH: the driver died
 * during it), or whose driver died with an asynchronous batch's `sent`
 * unwritten, takes nothing from the grant as received and nothing it sent
 * as taken; a new incarnation starts with an empty queue.
 */
#ifndef BULKHEAD_NET_H
#define BULKHEAD_NET_H

#include <bulkhead/types.h>

enum {
	NET_INIT = 0xa00,
	NET_SEND,
	NET_RECV,
	NET_STATS,
	NET_TEST,
	NET_SEND_BATCH,
	NET_RECV_BATCH,
};

#define NET_VERSION   1
#define NET_MIN_FRAME 60
#define NET_HEADER_BYTES 14              /* the shortest frame a client may send: an Ethernet header */
#define NET_MAX_FRAME 1514

struct net_req {
	uint32_t   version;
	grant_id_t grant;
	uint32_t   len;
	uint32_t   count;              /* NET_SEND_BATCH: frames in the batch */
	grant_id_t rx_grant;           /* NET_SEND_BATCH with rx_len: a receive area */
	uint32_t   rx_len;             /* ... its size (0: none) */
	uint32_t   flags;              /* NET_SEND_BATCH: NET_RX_POST, NET_SEND_ASYNC */
};

#define NET_RX_POST    0x1              /* nothing arrived yet: keep the receive area for the next frames */
#define NET_SEND_ASYNC 0x2              /* no reply: its value goes into the area header's `sent` */

struct net_init_reply {
	uint32_t version;
	uint8_t  mac[6];
	uint8_t  link;                 /* 1: up */
	uint8_t  pad;
	uint32_t mtu;
	uint32_t offload;              /* NET_FRAME_CSUM: the NIC fills those checksums in (else the driver does) */
	uint32_t rx_hold;              /* largest frames the NIC holds until its driver takes them, if that
	                                  is few (0: as many as any peer sends at once): a client keeps what
	                                  a peer may send at once (TCP's window) within it */
};

struct net_batch_reply {        /* NET_RECV_BATCH: what the grant now holds */
	uint32_t frames, bytes;
	uint32_t left;                 /* frames still queued in the driver */
};

/* One record of a batch: this header, then `len` bytes of frame, then padding. */
struct net_frame_hdr {
	uint16_t len;                  /* 14..NET_MAX_FRAME */
	uint16_t flags;                /* NET_FRAME_CSUM, or 0 */
};
BH_STATIC_ASSERT(sizeof(struct net_frame_hdr) == 4, "batch record header layout");

/*
 * A frame NET_SEND_BATCH carries with NET_FRAME_CSUM leaves its checksums
 * to the driver: an IPv4 frame's header checksum and, if it is a TCP
 * segment and not a fragment, the segment's checksum (the fields may hold
 * anything). The NIC fills them in where it can (NET_INIT's reply says so
 * in `offload`), else the driver library does (net_fill_checksums). In a
 * batch from the driver the flag means nothing.
 */
#define NET_FRAME_CSUM   0x0001
#define NET_FRAME_FLAGS  NET_FRAME_CSUM /* every flag defined */

#define NET_BATCH_ALIGN  4
#define NET_BATCH_FRAMES 32            /* frames in one NET_SEND_BATCH, at most */
#define NET_RECORD_BYTES(len) \
	((uint32_t)sizeof(struct net_frame_hdr) + (((len) + NET_BATCH_ALIGN - 1) & ~(uint32_t)(NET_BATCH_ALIGN - 1)))
#define NET_BATCH_MIN    NET_RECORD_BYTES(NET_MAX_FRAME)   /* a NET_RECV_BATCH grant holds a largest frame */
/*
 * Bytes of one batch, at most: NET_BATCH_FRAMES largest frames (48,640).
 * At 32 KB, 21 of them, a program's 32 KB send (22.4 segments) took two
 * NET_SEND_BATCH round trips, 21 frames and 1.
 */
#define NET_BATCH_BYTES  (NET_BATCH_FRAMES * NET_BATCH_MIN)
BH_STATIC_ASSERT(NET_BATCH_MIN == 1520, "batch record of a largest frame");
BH_STATIC_ASSERT(NET_BATCH_BYTES >= 8 * NET_BATCH_MIN, "a batch holds a window of largest frames");
BH_STATIC_ASSERT(NET_BATCH_BYTES % NET_BATCH_ALIGN == 0, "batch size aligned");

/* The head of a receive area (NET_SEND_BATCH's rx_grant); a batch follows it. */
struct net_rx_area_hdr {
	uint32_t frames, bytes;        /* the batch after this header */
	uint32_t left;                 /* frames still queued in the driver */
	int32_t  sent;                 /* NET_SEND_ASYNC: the batch's reply (0: not served yet); frames
	                                  put there later leave it as it is */
};
BH_STATIC_ASSERT(sizeof(struct net_rx_area_hdr) % NET_BATCH_ALIGN == 0, "the batch after it is aligned");
#define NET_RX_AREA_MIN (sizeof(struct net_rx_area_hdr) + NET_BATCH_MIN)
#define NET_RX_AREA_MAX (sizeof(struct net_rx_area_hdr) + NET_BATCH_BYTES)

/* lib/netdriver/batch.c: building and checking batches (0 or -errno, as above). */
int net_batch_put(uint8_t *batch, uint32_t size, uint32_t *used, const void *frame, uint32_t len);
int net_batch_put_flags(uint8_t *batch, uint32_t size, uint32_t *used, const void *frame, uint32_t len,
                        uint32_t flags);
int net_batch_check(const uint8_t *batch, uint32_t bytes, uint32_t count);
const uint8_t *net_batch_next(const uint8_t *batch, uint32_t *offset, uint32_t *len);
uint32_t net_batch_flags(const uint8_t *batch, uint32_t offset);   /* the flags of the record at offset */

struct net_stats {
	uint32_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint32_t rx_errors;            /* bad frames the device reported */
	uint32_t rx_overflows;         /* the device's receive ring overflowed */
	uint32_t rx_dropped;           /* received, but the client's queue was full */
	uint32_t rx_bad_length;        /* runts and oversize frames thrown away */
	uint32_t tx_errors, tx_full, interrupts;
	uint32_t rx_resets;            /* the receiver was reset: the device's ring made no sense */
	uint32_t rx_queued;            /* received frames waiting for the client now */
	uint32_t rx_notifies;          /* notifications that frames had arrived (one per burst) */
	uint32_t tx_kicks;             /* transmit doorbells rung (drivers whose send only queues) */
	uint32_t rx_area_batches;      /* batches put into a receive area (NET_SEND_BATCH's) at once */
	uint32_t rx_post_batches;      /* ... into a posted one, when frames arrived later */
	uint32_t tx_area_batches;      /* batches the NIC read from the driver's transmit area (no copy) */
	uint32_t tx_async_batches;     /* NET_SEND_ASYNC batches, answered in their area's `sent` */
};

MSG_PAYLOAD(net_req);
MSG_PAYLOAD(net_init_reply);
MSG_PAYLOAD(net_batch_reply);

#endif
