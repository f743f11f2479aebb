/* netdriver: the network driver library (interface in include/bulkhead/netdriver.h). */
#include <stddef.h>
#include <string.h>
#include <bulkhead/chksum.h>
#include <bulkhead/errno.h>
#include <bulkhead/netdriver.h>
#include <bulkhead/nettest.h>
#include <bulkhead/policy.h>
#include "nettest.h"

#define QUEUE 64                        /* received frames waiting for the client */

/* A NIC's completions may be taken only at the next poll: a policy's shortest liveness outlasts two. */
BH_STATIC_ASSERT(POLICY_LIVENESS_MIN_MS > 2 * NET_POLL_MS, "a driver a poll late is not stalled");

/*
 * A received frame, kept as the record a NET_RECV_BATCH carries it in (its
 * header, then the frame): a batch is one vectored copy from the queue,
 * with no copy into a staging buffer first. The record is in the NIC's own
 * memory when the driver handed the frame over in place (its header in the
 * 4 bytes before the frame, the driver's to lend), else a copy in copies[].
 */
struct frame {
	struct net_frame_hdr h;
	uint8_t data[NET_BATCH_MIN - sizeof(struct net_frame_hdr)];
};
struct slot {
	struct net_frame_hdr *rec;
	int in_place;                       /* the driver's: given back through rx_release */
};
BH_STATIC_ASSERT(1 + NET_BATCH_FRAMES <= VSAFECOPY_MAX, "a batch and a receive area's header are one vectored copy");

struct net_stats netdriver_stats;
static const struct netdriver_ops *nic;
static struct slot queue[QUEUE];
static struct frame copies[QUEUE];      /* copies[k]: the record of queue[k], if copied */
static uint32_t head, count;            /* oldest frame, and how many */
static uint32_t to_release;             /* frames the client took from the NIC's memory: the driver's again */
static endpoint_t client = EP_NONE;
static int client_waits_for_room;
static int tx_interrupt_on;             /* nic->tx_interrupt(1) asked, not yet taken back */
static int client_told;                 /* the client knows of the queued frames: notified, or a reply said so */
static struct net_req post;             /* the client's posted receive area (rx_len 0: none) */
static struct net_req async_req;        /* a NET_SEND_ASYNC batch being served (count 0: none): answered in `sent` */
static struct net_req filled;           /* the post filled last, until the client takes it back (rx_len 0: none) */
static uint8_t mac[6];
static uint32_t in_device;              /* frames handed to the NIC, not yet reported sent */
static uint32_t unkicked;               /* frames queued by a send that only queues, not yet kicked */
static uint8_t *tx_area;                /* netdriver_tx_area's DMA memory (NULL: none) */
static phys_bytes tx_area_phys;
static uint32_t tx_area_until;          /* frames handed to the NIC (netdriver_stats.tx_frames)
                                           once the last it reads from tx_area was */
static struct dm_progress progress;     /* read by the driver manager */

static void update_progress(void)
{
	progress.pending = in_device + (uint32_t)client_waits_for_room;
	progress.received = netdriver_stats.rx_frames;
}

/* A received frame's length is one a record may carry; else counted. */
static int len_ok(uint32_t len)
{
	if (len >= NET_HEADER_BYTES && len <= NET_MAX_FRAME)
		return 1;
	netdriver_stats.rx_bad_length++;
	return 0;
}

/* Frame (len bytes, checked) queued for the client, its record at rec. */
static void queued(struct net_frame_hdr *rec, uint32_t len, int in_place)
{
	queue[(head + count++) % QUEUE] = (struct slot){ rec, in_place };
	*rec = (struct net_frame_hdr){ (uint16_t)len, 0 };
	netdriver_stats.rx_frames++;
	netdriver_stats.rx_bytes += len;
	update_progress();
}

/*
 * A good frame for the client's queue (a copy; netdriver_received_in_place
 * keeps it where it is); the client hears of it when the event that
 * brought it has been served (tell_client).
 */
void netdriver_received(const uint8_t *frame, uint32_t len)
{
	struct frame *f = &copies[(head + count) % QUEUE];

	if (!len_ok(len))
		return;
	if (count == QUEUE) {
		netdriver_stats.rx_dropped++;
		return;
	}
	memcpy(f->data, frame, len);
	queued(&f->h, len, 0);
}

int netdriver_received_in_place(uint8_t *frame, uint32_t len)
{
	if (!len_ok(len))
		return -EINVAL;
	if (count == QUEUE)
		return -ENOSPC;
	queued((struct net_frame_hdr *)(void *)(frame - sizeof(struct net_frame_hdr)), len, 1);
	return 0;
}

void netdriver_unhold(uint8_t *held, uint32_t ring, uint32_t first, uint32_t span, uint32_t n)
{
	uint32_t i, k;

	for (i = first, k = 0; n > 0 && k < span; i = (i + 1) % ring, k++)
		if (held[i]) {
			held[i] = 0;
			n--;
		}
}

void netdriver_rx_forget(void)
{
	netdriver_stats.rx_dropped += count;
	head = count = to_release = 0;
	update_progress();
}

/* The device's transmit-done interrupt on (a send waits for room) or off again (nic->tx_interrupt). */
static void tx_interrupt(int on)
{
	if (nic->tx_interrupt && tx_interrupt_on != on)
		nic->tx_interrupt(on);
	tx_interrupt_on = on;
}

void netdriver_transmitted(int ok)
{
	tx_interrupt(0);
	if (!ok)
		netdriver_stats.tx_errors++;
	if (in_device)
		in_device--;
	progress.done++;
	if (client_waits_for_room && client != EP_NONE) {
		client_waits_for_room = 0;
		ipc_notify(client);
	}
	update_progress();
}

static int do_init(message *m)
{
	struct net_init_reply r;

	if (m->net_req.version != NET_VERSION)
		return -EINVAL;
	client = m->m_source;
	client_told = 0;
	post.rx_len = filled.rx_len = 0;
	memset(&r, 0, sizeof r);
	r.version = NET_VERSION;
	memcpy(r.mac, mac, sizeof mac);
	r.link = (uint8_t)(nic->link_up ? nic->link_up() : 1);
	r.mtu = 1500;
	r.offload = nic->offload & NET_FRAME_CSUM;
	r.rx_hold = nic->rx_hold;
	m->net_init_reply = r;
	return 0;                           /* (what waits is notified at the end of the request) */
}

/* Let the frames queued since the last kick go (drivers with a kick op: one doorbell for all of them). */
static void kick(void)
{
	if (!unkicked || !nic->kick)
		return;
	nic->kick();
	netdriver_stats.tx_kicks++;
	unkicked = 0;
}

/*
 * What NET_FRAME_CSUM leaves to the driver, for a NIC that cannot: filled
 * in here, in the library's own copy (headers that do not hold together go
 * as they are). The flags the NIC's send is to act on.
 */
static uint32_t offload(uint8_t *data, uint32_t len, uint32_t flags)
{
	if ((flags & NET_FRAME_CSUM) && !(nic->offload & NET_FRAME_CSUM)) {
		net_fill_checksums(data, len);
		flags &= ~(uint32_t)NET_FRAME_CSUM;
	}
	return flags;
}

void netdriver_tx_area(uint8_t *area, phys_bytes phys)
{
	tx_area = area;
	tx_area_phys = phys;
}

/*
 * May the next batch land in tx_area: has the NIC reported every frame it
 * read from there sent? (Frames are reported in the order handed:
 * progress.done counts them, netdriver_stats.tx_frames those handed.)
 */
static int tx_area_free(void)
{
	return tx_area && (int32_t)(progress.done - tx_area_until) >= 0;
}

/*
 * Hand one checked frame to the NIC (short ones padded, in a copy): 0,
 * -EAGAIN (ring full) or an error. phys: where the frame lies in tx_area
 * (0: not there).
 */
static int send_one(uint8_t *data, phys_bytes phys, uint32_t len, uint32_t flags)
{
	static uint8_t padded[NET_MIN_FRAME];
	int r;

	if (len < NET_MIN_FRAME) {
		memcpy(padded, data, len);
		memset(padded + len, 0, NET_MIN_FRAME - len);
		data = padded;
		len = NET_MIN_FRAME;
		phys = 0;
	}
	flags = offload(data, len, flags);
	r = nic->send(data, phys, len, flags);
	if (r == -EAGAIN && nic->poll) {        /* a transmission may have finished unreported: reap, once */
		kick();                             /* (what is queued must be on its way to finish) */
		nic->poll();
		r = nic->send(data, phys, len, flags);
	}
	if (r == -EAGAIN) {
		netdriver_stats.tx_full++;
		client_waits_for_room = 1;
		tx_interrupt(1);                    /* (one already done interrupts at once) */
		update_progress();
		return r;
	}
	if (r == 0) {
		netdriver_stats.tx_frames++;
		netdriver_stats.tx_bytes += len;
		in_device++;
		if (phys)
			tx_area_until = netdriver_stats.tx_frames;
		unkicked++;
		update_progress();
	}
	return r;
}

static int do_send(message *m)
{
	static uint8_t frame[NET_MAX_FRAME];
	uint32_t len = m->net_req.len;
	int r;

	if (len < NET_HEADER_BYTES || len > NET_MAX_FRAME)
		return -EINVAL;
	r = sys_safecopy(m->m_source, m->net_req.grant, 0, frame, len, SAFECOPY_FROM);
	if (r == 0)
		r = send_one(frame, 0, len, 0);
	kick();
	return r;
}

/* The size rule for a batch grant (lo: NET_BATCH_MIN) or a receive area (lo: NET_RX_AREA_MIN). */
static int size_ok(uint32_t size, uint32_t lo, uint32_t hi)
{
	if (size > hi)
		return -E2BIG;
	return size < lo ? -EINVAL : 0;
}

/*
 * The oldest frames that fit into `size` bytes of who's grant g from byte
 * `at` on, at most NET_BATCH_FRAMES (the client checks a batch against
 * that limit and takes none of a longer one: with small frames a full
 * queue fits in the grant), their records side by side: one copy request
 * each into vec. How many; *bytes their bytes.
 */
static uint32_t gather(endpoint_t who, grant_id_t g, uint32_t at, uint32_t size, struct safecopy_req *vec,
                       uint32_t *bytes)
{
	uint32_t off = 0, n, rec;
	struct net_frame_hdr *h;

	for (n = 0; n < count && n < NET_BATCH_FRAMES; n++, off += rec) {
		h = queue[(head + n) % QUEUE].rec;
		rec = NET_RECORD_BYTES(h->len);
		if (size - off < rec)
			break;
		/* (the record's padding, at most 3 bytes, is not copied: the client skips it) */
		vec[n] = (struct safecopy_req){ who, g, at + off, (vir_bytes)h, sizeof *h + h->len, SAFECOPY_TO };
	}
	*bytes = off;
	return n;
}

/* The copy of n gathered frames succeeded: they leave the queue (those in place go back at the event's end). */
static void taken(uint32_t n)
{
	uint32_t k;

	for (k = 0; k < n; k++)
		to_release += (uint32_t)queue[(head + k) % QUEUE].in_place;
	head = (head + n) % QUEUE;
	count -= n;
}

/* NET_RECV_BATCH: the oldest frames, in one vectored copy; they leave the queue only after it. */
static int do_recv_batch(message *m)
{
	static struct safecopy_req vec[NET_BATCH_FRAMES];
	uint32_t n, bytes;
	int r = size_ok(m->net_req.len, NET_BATCH_MIN, NET_BATCH_BYTES), bad;

	if (r < 0)
		return r;
	n = gather(m->m_source, m->net_req.grant, 0, m->net_req.len, vec, &bytes);
	if (n == 0)
		return -EAGAIN;
	r = sys_vsafecopy(vec, n, &bad);
	if (r < 0)
		return r;
	nettest_crash_point(NET_TEST_CRASH_IN_RECV);
	taken(n);
	m->net_batch_reply = (struct net_batch_reply){ n, bytes, count };
	if (m->m_source == client)
		client_told = count > 0;        /* the reply said they wait: the client asks again */
	return (int)n;
}

/* A fill writes the area header up to `sent`, which only answer_async writes. */
#define AREA_HDR_FILLED offsetof(struct net_rx_area_hdr, sent)

/*
 * The oldest frames into the client's receive area `a` (checked), its
 * header first, all in one vectored copy. The number of frames, -EAGAIN
 * if none waits, or the copy's error (the frames stay queued).
 */
static int fill_area(endpoint_t who, const struct net_req *a, uint32_t *stat)
{
	static struct safecopy_req vec[1 + NET_BATCH_FRAMES];
	static struct net_rx_area_hdr h;
	uint32_t n, bytes;
	int r, bad;

	n = gather(who, a->rx_grant, sizeof h, a->rx_len - sizeof h, vec + 1, &bytes);
	if (n == 0)
		return -EAGAIN;
	h = (struct net_rx_area_hdr){ n, bytes, count - n, 0 };
	vec[0] = (struct safecopy_req){ who, a->rx_grant, 0, (vir_bytes)&h, AREA_HDR_FILLED, SAFECOPY_TO };
	r = sys_vsafecopy(vec, 1 + n, &bad);
	if (r < 0)
		return r;
	taken(n);
	(*stat)++;
	return (int)n;
}

/*
 * Frames arrived after a posted area was filled and notified: while the
 * client has not taken the area back (it revokes the grant before it reads
 * the header), the header says how many wait now, and that is all the
 * client needs to hear of them: 0. -1 if it has taken it back.
 */
static int say_left(void)
{
	uint32_t left = count;

	return sys_safecopy(client, filled.rx_grant, offsetof(struct net_rx_area_hdr, left), &left, sizeof left,
	                    SAFECOPY_TO) == 0 ? 0 : -1;
}

/*
 * At the end of every event (a request, an interrupt, the poll alarm) the
 * client hears of frames that arrived, once until it asks again (one
 * notification per burst, found together; not "only when the queue was
 * empty": a client that waits before it has taken everything must still
 * hear of what comes next). Through the header of the area it has not
 * taken back yet; else into its posted area first, if it left one (then it
 * needs no NET_RECV_BATCH for them), with a notification.
 */
static void tell_once(void)
{
	if (!count || client == EP_NONE)
		return;
	if (filled.rx_len) {
		if (say_left() == 0)
			return;
		filled.rx_len = 0;
		client_told = 0;                /* what it knew came from that header, and it has read it */
	}
	if (client_told)
		return;
	if (post.rx_len && fill_area(client, &post, &netdriver_stats.rx_post_batches) > 0)
		filled = post;
	post.rx_len = 0;
	client_told = 1;
	netdriver_stats.rx_notifies++;
	ipc_notify(client);
}

/*
 * The end of every event. Frames the client took from the NIC's memory go
 * back to the driver first, which gives their buffers to the NIC and takes
 * what waited for room (not sooner: a reply or an area's header must count
 * what the queue held when it was made). If telling the client took more,
 * those go back too, and what that brought is said through the area's header.
 */
static void tell_client(void)
{
	do {
		if (to_release) {
			uint32_t n = to_release;

			to_release = 0;
			nic->rx_release(n);
		}
		tell_once();
	} while (to_release);
}

/*
 * NET_SEND_BATCH's receive area (rx_len set, checked): what arrived while
 * the batch went out (QEMU's NICs hand a frame to the peer as the doorbell
 * is rung, and the peer's answer may be in the ring already), at once; or,
 * if nothing has and the client asked, the area stays posted for the next
 * frames (tell_client). The client hears nothing else of those frames.
 * An asynchronous batch's area has no reply to announce what it holds: it
 * is only posted (filled at the end of the request, and notified).
 */
static void take_arrived(endpoint_t who, const struct net_req *req)
{
	int r;

	post.rx_len = 0;                    /* a new area replaces the one posted before, */
	filled.rx_len = 0;                  /* ... and ends the filled one's updates (the client took it back) */
	if (req->flags & NET_SEND_ASYNC) {
		if (req->flags & NET_RX_POST)
			post = *req;
		return;
	}
	if (nic->poll)
		nic->poll();
	r = fill_area(who, req, &netdriver_stats.rx_area_batches);
	if (r == -EAGAIN && (req->flags & NET_RX_POST))
		post = *req;
	client_told = r > 0 && count > 0;   /* the area's header said they wait: the client asks again */
}

/*
 * NET_SEND_ASYNC: the batch's reply r goes into its area's `sent` instead,
 * before any frame can (the area is filled only after: tell_client), and
 * the client hears of it only if not every frame went.
 */
static void answer_async(int r)
{
	int32_t sent = r;

	sys_safecopy(client, async_req.rx_grant, offsetof(struct net_rx_area_hdr, sent), &sent, sizeof sent,
	             SAFECOPY_TO);
	netdriver_stats.tx_async_batches++;
	if (r != (int)async_req.count)
		ipc_notify(client);
}

/*
 * The whole batch is copied and checked before the first frame goes out.
 * It is copied into tx_area, from where the NIC reads its frames (no
 * second copy into the ring's buffers), if the driver gave one and the
 * NIC has reported sent every frame of the batch before that it read
 * from there; else into memory of the library's own, and the driver's
 * send copies each frame.
 */
static int do_send_batch(message *m)
{
	static uint8_t copied[NET_BATCH_BYTES];
	const struct net_req req = m->net_req;        /* the reply overwrites it */
	uint32_t bytes = req.len, n = req.count, off = 0, len, flags, k;
	uint8_t *batch = tx_area_free() ? tx_area : copied, *frame;
	phys_bytes phys;
	int r;

	if (n > NET_BATCH_FRAMES || bytes > NET_BATCH_BYTES)
		return -E2BIG;
	if (n == 0 || bytes == 0)
		return -EINVAL;
	if (req.rx_len && (r = size_ok(req.rx_len, NET_RX_AREA_MIN, NET_RX_AREA_MAX)) < 0)
		return r;
	if (req.flags & NET_SEND_ASYNC) {
		if (!req.rx_len || m->m_source != client)
			return -EINVAL;             /* (no area to answer in: replied) */
		async_req = req;                /* answered in the area from here on */
	}
	r = sys_safecopy(m->m_source, req.grant, 0, batch, bytes, SAFECOPY_FROM);
	if (r == 0)
		r = net_batch_check(batch, bytes, n);
	if (r < 0)
		return r;
	netdriver_stats.tx_area_batches += batch == tx_area;
	for (k = 0; k < n; k++) {
		flags = net_batch_flags(batch, off);
		frame = batch + (net_batch_next(batch, &off, &len) - batch);   /* (our own copy: writable) */
		phys = batch == tx_area ? tx_area_phys + (phys_bytes)(frame - tx_area) : 0;
		r = send_one(frame, phys, len, flags);
		if (r < 0)
			break;
		if (k == 0)
			nettest_crash_point(NET_TEST_CRASH_IN_SEND);
	}
	kick();
	if (req.rx_len && m->m_source == client)
		take_arrived(m->m_source, &req);
	return k > 0 ? (int)k : r;           /* fewer than n: the rest when notified (send_one asked for room) */
}

static int do_recv(message *m)
{
	struct net_frame_hdr *h;
	int r;

	if (!count)
		return -EAGAIN;
	h = queue[head].rec;
	if (m->net_req.len < h->len)
		return -ENOSPC;
	r = sys_safecopy(m->m_source, m->net_req.grant, 0, h + 1, h->len, SAFECOPY_TO);
	if (r < 0)
		return r;
	r = h->len;
	taken(1);
	return r;
}

static int do_stats(message *m)
{
	uint32_t n = m->net_req.len < sizeof netdriver_stats ? m->net_req.len : sizeof netdriver_stats;

	netdriver_stats.rx_queued = count;

	return sys_safecopy(m->m_source, m->net_req.grant, 0, &netdriver_stats, n, SAFECOPY_TO);
}

static void request(message *m)
{
	int r;

	if (m->m_source == client)
		client_told = 0;
	async_req.count = 0;

	switch (m->m_type) {
	case NET_INIT:  r = do_init(m); break;
	case NET_SEND:  r = do_send(m); break;
	case NET_RECV:  r = do_recv(m); break;
	case NET_STATS: r = do_stats(m); break;
	case NET_TEST:  r = nettest_request(m, nic); break;
	case NET_SEND_BATCH: r = do_send_batch(m); break;
	case NET_RECV_BATCH: r = do_recv_batch(m); break;
	default:        r = -ENOSYS; break;
	}
	if (async_req.count)
		answer_async(r);
	else
		driver_reply(m, m, r);
	tell_client();
}

static void interrupt(uint32_t irqs)
{
	netdriver_stats.interrupts++;
	nic->interrupt(irqs);
	tell_client();
}

static void alarm(void)
{
	nic->poll();
	sys_alarm(NET_POLL_MS);
	tell_client();
}

static int init(int argc, char **argv)
{
	int r;

	nettest_init(argc, argv);
	r = nic->init(argc, argv, mac);
	if (r == 0 && nic->poll)
		r = sys_alarm(NET_POLL_MS);
	return r;
}

int netdriver_main(const struct netdriver_ops *ops, int argc, char **argv)
{
	static struct driver_ops driver;

	nic = ops;
	driver.name = ops->name;
	driver.init = init;
	driver.request = request;
	driver.interrupt = interrupt;
	driver_report_progress(&progress);
	driver.alarm = ops->poll ? alarm : NULL;
	driver_main(&driver, argc, argv);
}
