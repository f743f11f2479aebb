/*
 * t_netclient LABEL PORT1 PORT2 VENDOR DEVICE [bench|wire]: the raw-Ethernet
 * test client (with "bench", the benchmark client: see bench() below; with
 * "wire", the hostile-wire test client: see wire() below).
 * Started by t_net through the driver manager (policy /tests/netclient.conf:
 * it may talk to the NIC driver LABEL, the data store and the process
 * manager), it talks to the driver only through the network driver
 * protocol, and to a peer on the host (tests/netpeer.py) through the wire.
 * The script (the peer follows the same one; frame format in netpeer.py):
 *
 *   1. say hello (broadcast) until the peer answers;
 *   2. receive frames of every size 60..1514 from the peer, then broadcasts,
 *      then frames for another address (which the NIC must filter);
 *   3. send frames of every size to the peer; fill the driver's transmit
 *      ring (its transmitter held, if it can be) and see it report room;
 *   4. survive garbage from the peer, then answer its probe frame; ask for
 *      a burst of small frames and read them only once they all wait in the
 *      driver: batches of at most NET_BATCH_FRAMES, none lost;
 *   5. receive a stream during which the driver is killed, then one during
 *      which it is made to crash: re-attach to each new incarnation;
 *   6. ask the driver (in --test mode) to read PORT1, PORT2 and claim the PCI
 *      device VENDOR:DEVICE: none of them its own, all must be refused;
 *   7. as the client its policy names, ask the driver manager to restart it;
 *   8. have the fault injector (t_inject) make the driver's transmit routine
 *      return at once, so frames are taken and never sent while heartbeats
 *      are still answered; send a stream: the driver manager must restart
 *      the stalled driver within its liveness time, and the stream get through.
 * Every frame is acknowledged with the next sequence number expected.
 *
 * With "swifi" instead it is the workload of a fault-injection campaign
 * (tests/os/t_swifi.c, host side tools/swifi.py): it serves TEST_SLICE
 * requests, each one slice of traffic through whatever faults the driver
 * carries; see swifi_slice() below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/clients.h>
#include <bulkhead/net.h>
#include <bulkhead/posix.h>
#include <bulkhead/netdriver.h>
#include <bulkhead/testproto.h>
#include "lib/testlib.h"

#define ETHERTYPE 0x88b5
#define MAGIC 0x42484e54u
#define WINDOW 8
#define ALL_SIZES (NET_MAX_FRAME - NET_MIN_FRAME + 1)
#define STREAM 600
#define STALL_STREAM 100            /* frames sent while the driver stalls (netpeer.py too) */
#define STALL_FRAME 200
#define FAIL_AT 200
#define BURST (NET_BATCH_FRAMES + 16)  /* small frames the peer sends at once (netpeer.py too) */
#define BURST_WAIT_MS 500           /* ... while we do not read: they wait in the driver's queue */
#define BURST_TRIES 5
#define BURST_DONE_SENDS 3          /* "done" is sent this often: the peer must hear it to move on */
/*
 * A killed driver's next incarnation hears the wire again within this: about
 * 100 ms here (the peer resends after 100 ms of silence). QEMU's e1000 model
 * refuses frames for 1 s after any RCTL write, so an e1000 driver that
 * rewrites RCTL on restart takes over a second.
 */
#define RESUME_MAX_MS 500

enum kind { K_HELLO = 1, K_HELLO_ACK, K_DATA, K_ACK, K_BCAST, K_FOREIGN, K_END, K_PROBE, K_SLICE, K_SLICE_ACK,
            K_RESET, K_BURST, K_RING };

struct wire {                 /* after the 14-byte Ethernet header, big-endian on the wire */
	uint32_t magic;
	uint16_t kind, flags;
	uint32_t seq, size;
};

static const char *label;
static endpoint_t driver = EP_NONE;
static uint8_t my_mac[6], peer_mac[6];
static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static uint32_t reattached;
static endpoint_t stale = EP_NONE;    /* an incarnation whose NET_INIT failed */
static int swifi_mode;                /* the campaign's workload: complain about a broken driver */
static uint32_t complaints;
#define COMPLAIN_MS 2000              /* no progress for this long: the driver is broken */

/*
 * The batch calls (NET_SEND_BATCH, NET_RECV_BATCH) in the test script and
 * the benchmark; the wire and swifi modes keep the one-frame calls, so both
 * stay in use. Received frames wait in rx_batch until taken one by one;
 * frames to send gather in tx_batch until tx_flush (or until it is full).
 */
static int batching;
static uint8_t rx_batch[NET_BATCH_BYTES], tx_batch[NET_BATCH_BYTES];
static const uint8_t *rx_from = rx_batch;   /* what the frames being taken came in: rx_batch or area.batch */
static uint32_t rx_off, rx_left;      /* the next frame in rx_from, and how many are left */
static uint32_t rx_driver_left;       /* the last NET_RECV_BATCH reply: frames left in the driver */
static uint32_t tx_used, tx_count;
static uint32_t bad_batches;          /* batches from the driver that did not check out */

/* NET_SEND_BATCH's receive area (include/bulkhead/net.h). */
static struct {
	struct net_rx_area_hdr h;
	uint8_t batch[NET_BATCH_BYTES];
} area;

/*
 * The benchmark's receiving, as inet's: each NET_SEND_BATCH lends `area`
 * (when no frame of the last one waits to be taken) and leaves it posted
 * if nothing came back at once; the driver fills it when frames come and
 * notifies, so a round trip is one call, not a send and a NET_RECV_BATCH
 * before and after the wait. The test script keeps NET_RECV_BATCH, except
 * in two of its streams through a driver's failure.
 */
static int posting;
static uint32_t areas_taken;          /* areas that came back with frames */
static grant_id_t post_grant;
static int posted;                    /* area is the driver's, with post_grant */
static int just_posted;               /* ... since the last NET_SEND_BATCH: wait for news before asking */
static uint32_t recv_batch_deaths, send_batch_deaths;   /* batch calls that found the driver dead */

static uint32_t be32(uint32_t v) { return __builtin_bswap32(v); }
static uint16_t be16(uint16_t v) { return __builtin_bswap16(v); }

static uint8_t pattern(uint32_t seq, uint32_t size, uint32_t i)
{
	return (uint8_t)(seq + i * 31 + size * 7);
}

/*
 * One protocol call with buf granted (`grant_len` bytes of it) and `len` and
 * `count` in the request; rx (rx_len bytes), if not NULL, granted for
 * writing as NET_SEND_BATCH's receive area, with flags; its grant is
 * revoked after the call, or left to the caller in *keep.
 */
static int net_call_rx(int type, void *buf, uint32_t grant_len, uint32_t len, uint32_t count, uint32_t rights,
                       void *rx, uint32_t rx_len, uint32_t flags, grant_id_t *keep, message *m)
{
	grant_id_t g = buf ? grant_direct(driver, buf, grant_len, rights) : GRANT_INVALID;
	grant_id_t rg = rx ? grant_direct(driver, rx, rx_len, GRANT_WRITE) : GRANT_INVALID;
	int r;

	memset(m, 0, sizeof *m);
	m->m_type = type;
	m->net_req.version = NET_VERSION;
	m->net_req.grant = g;
	m->net_req.len = len;
	m->net_req.count = count;
	m->net_req.rx_grant = rg;
	m->net_req.rx_len = rx ? rx_len : 0;
	m->net_req.flags = flags;
	r = ipc_sendrec(driver, m);
	if (keep)
		*keep = rg;
	else
		grant_revoke(rg);
	grant_revoke(g);
	return r < 0 ? r : m->m_type;
}

static int net_call_n(int type, void *buf, uint32_t grant_len, uint32_t len, uint32_t count, uint32_t rights,
                      message *m)
{
	return net_call_rx(type, buf, grant_len, len, count, rights, NULL, 0, 0, NULL, m);
}

static int net_call(int type, void *buf, uint32_t len, uint32_t rights, message *m)
{
	return net_call_n(type, buf, len, len, 0, rights, m);
}

/* Find the driver (a new incarnation, after a restart) and attach to it. */
static int attach(void)
{
	uint32_t value, until = sys_uptime_ms() + 10000, since = sys_uptime_ms();
	endpoint_t old = driver;
	message m;
	int r;

	do {
		if (ds_lookup(label, &value) == 0 && (endpoint_t)value != old) {
			driver = (endpoint_t)value;      /* (asked again until it answers) */
			r = net_call(NET_INIT, NULL, 0, 0, &m);
			if (r != 0 && swifi_mode && sys_uptime_ms() - since >= COMPLAIN_MS &&
			    dm_restart(label) == 0) {
				complaints++;             /* it runs and refuses to start: broken */
				old = driver;
				since = sys_uptime_ms();
			}
			if (r == 0) {
				memcpy(my_mac, m.net_init_reply.mac, 6);
				stale = EP_NONE;
				return 0;
			}
			if (stale != driver)             /* say so once; try it again */
				printf("t_netclient: NET_INIT to %s (endpoint %d): %d\n", label, (int)driver, r);
			stale = driver;
		}
		t_sleep(5);
	} while ((int32_t)(sys_uptime_ms() - until) < 0);
	return -ETIMEDOUT;
}

/* The driver is gone: wait for its next incarnation. */
static void complain(void);

/* The posted area back from the driver (its grant revoked): it can no longer write there. */
static void end_post(void)
{
	if (posted)
		grant_revoke(post_grant);
	posted = just_posted = 0;
}

static void reattach(void)
{
	struct dm_driver_info info;

	reattached++;
	end_post();                      /* what the dead driver put there is not taken */
	if (swifi_mode && dm_info(label, 0, &info) == 0 && info.endpoint == driver && info.state == DRV_RUNNING)
		complain();                  /* it said ESRCH, yet it runs: it is broken (attaches anew) */
	else
		attach();
}

/* Wait for a notification (from the driver: frames or room) or until ms pass. */
static void wait_news(uint32_t ms)
{
	message m;

	t_receive(driver, &m, ms);
	just_posted = 0;
}

/* The posted area back, and its frames (checked) the next to take: how many (0: none), or -EIO. */
static int take_area(void)
{
	struct net_rx_area_hdr h;

	end_post();
	h = area.h;
	if (h.frames == 0)
		return 0;
	if (h.frames > NET_BATCH_FRAMES || net_batch_check(area.batch, h.bytes, h.frames) < 0) {
		bad_batches++;
		return -EIO;
	}
	areas_taken++;
	rx_from = area.batch;
	rx_off = 0;
	rx_left = h.frames;
	rx_driver_left = h.left;
	return (int)h.frames;
}

/*
 * A NET_SEND_BATCH that lent the area returned r: what came back at once
 * is taken (also with -EAGAIN: the driver fills the area even when its
 * ring took no frame), else the area stays posted. If the driver died in
 * the call, the area is taken back with nothing taken from it.
 */
static void lent(int r)
{
	posted = 1;
	if (r == -ESRCH)
		end_post();
	else if (*(volatile uint32_t *)&area.h.frames)
		take_area();
	else
		just_posted = 1;
}

static void build(uint8_t *f, const uint8_t *dst, uint16_t kind, uint32_t seq, uint32_t size)
{
	struct wire w = { be32(MAGIC), be16(kind), 0, be32(seq), be32(size) };
	uint32_t i;

	memcpy(f, dst, 6);
	memcpy(f + 6, my_mac, 6);
	f[12] = ETHERTYPE >> 8;
	f[13] = ETHERTYPE & 0xff;
	memcpy(f + 14, &w, sizeof w);
	for (i = 14 + sizeof w; i < size; i++)
		f[i] = pattern(seq, size, i);
}

/* The first n frames of tx_batch were taken: move the rest to its start. */
static void tx_taken(uint32_t n)
{
	uint32_t off = 0, len, k;

	for (k = 0; k < n && k < tx_count; k++)
		net_batch_next(tx_batch, &off, &len);
	memmove(tx_batch, tx_batch + off, tx_used - off);
	tx_used -= off;
	tx_count -= k;
}

/* Send every gathered frame (0), waiting for room as the driver asks. */
static int tx_flush(void)
{
	message m;
	int r = 0, tries;

	for (tries = 0; tx_count && tries < 1000; tries++) {
		int lend = posting && !posted && !rx_left;

		if (lend)
			memset(&area.h, 0, sizeof area.h);
		r = net_call_rx(NET_SEND_BATCH, tx_batch, tx_used, tx_used, tx_count, GRANT_READ, lend ? &area : NULL,
		                sizeof area, NET_RX_POST, lend ? &post_grant : NULL, &m);
		if (lend)
			lent(r);
		if (r > 0 && (uint32_t)r <= tx_count) {
			tx_taken((uint32_t)r);
			if (tx_count)
				wait_news(20);        /* its ring is full: it notifies when there is room */
			tries = 0;
		} else if (r == -ESRCH) {
			send_batch_deaths++;
			reattach();                   /* the whole batch again: nothing of it counts as taken */
		} else if (r == -EAGAIN) {
			wait_news(20);
		} else {
			tx_taken(tx_count);           /* refused: a bug of ours, or a broken driver */
			return r < 0 ? r : -EIO;
		}
	}
	return tx_count ? -ETIMEDOUT : 0;
}

/* Gather a frame with these record flags for the next NET_SEND_BATCH (sending the batch first if it is full). */
static int tx_add_flags(const uint8_t *f, uint32_t len, uint32_t flags)
{
	int r;

	if (tx_count == NET_BATCH_FRAMES || NET_BATCH_BYTES - tx_used < NET_RECORD_BYTES(len)) {
		r = tx_flush();
		if (r < 0)
			return r;
	}
	r = net_batch_put_flags(tx_batch, sizeof tx_batch, &tx_used, f, len, flags);
	tx_count += r == 0;
	return r;
}

static int tx_add(const uint8_t *f, uint32_t len)
{
	return tx_add_flags(f, len, 0);
}

static int send_frame(uint8_t *f, uint32_t len)
{
	message m;
	int r, tries;

	if (batching) {
		r = tx_add(f, len);
		return r < 0 ? r : tx_flush();
	}
	for (tries = 0; tries < 1000; tries++) {
		r = net_call(NET_SEND, f, len, GRANT_READ, &m);
		if (r == 0)
			return 0;
		if (r == -ESRCH)
			reattach();
		else if (r == -EAGAIN)
			wait_news(20);
		else
			return r;
	}
	return -ETIMEDOUT;
}

static void send_kind(uint16_t kind, uint32_t seq)
{
	uint8_t f[NET_MIN_FRAME];

	build(f, peer_mac, kind, seq, sizeof f);
	send_frame(f, sizeof f);
}

/* As send_kind, but when batching it goes with the next batch (before we next wait for frames). */
static void queue_kind(uint16_t kind, uint32_t seq)
{
	uint8_t f[NET_MIN_FRAME];

	build(f, peer_mac, kind, seq, sizeof f);
	if (batching)
		tx_add(f, sizeof f);
	else
		send_frame(f, sizeof f);
}

/* The next received frame into f: its length, or -EAGAIN, -ESRCH, ... (NET_RECV's results). */
static int next_frame(uint8_t *f)
{
	const uint8_t *p;
	uint32_t len;
	message m;
	int r;

	if (!batching)
		return net_call(NET_RECV, f, NET_MAX_FRAME, GRANT_WRITE, &m);
	if (!rx_left)
		tx_flush();                       /* what we gathered goes out before we wait for answers */
	if (!rx_left && posted && just_posted && !*(volatile uint32_t *)&area.h.frames)
		return -EAGAIN;                   /* the driver notifies when it has filled the area */
	if (!rx_left && posted && (r = take_area()) < 0)
		return r;
	if (!rx_left) {                       /* (an area still empty after news: asked as without one) */
		r = net_call(NET_RECV_BATCH, rx_batch, sizeof rx_batch, GRANT_WRITE, &m);
		recv_batch_deaths += r == -ESRCH;   /* what it copied before it died is not taken */
		if (r <= 0)
			return r;
		if (m.net_batch_reply.frames != (uint32_t)r ||
		    net_batch_check(rx_batch, m.net_batch_reply.bytes, (uint32_t)r) < 0) {
			bad_batches++;
			return -EIO;
		}
		rx_from = rx_batch;
		rx_off = 0;
		rx_left = (uint32_t)r;
		rx_driver_left = m.net_batch_reply.left;
	}
	p = net_batch_next(rx_from, &rx_off, &len);
	rx_left--;
	memcpy(f, p, len);
	return (int)len;
}

/* Is the frame f of length r (a NET_RECV result) one of ours (EtherType, magic)? Its header into w. */
static int ours(const uint8_t *f, int r, struct wire *w)
{
	if (r < (int)(14 + sizeof *w) || f[12] != (ETHERTYPE >> 8) || f[13] != (ETHERTYPE & 0xff))
		return 0;
	memcpy(w, f + 14, sizeof *w);
	w->magic = be32(w->magic);
	w->kind = be16(w->kind);
	w->seq = be32(w->seq);
	w->size = be32(w->size);
	return w->magic == MAGIC;
}

/* The next frame of ours, or -ETIMEDOUT. Others are counted. */
static int recv_frame(uint8_t *f, struct wire *w, uint32_t timeout_ms, uint32_t *others)
{
	uint32_t until = sys_uptime_ms() + timeout_ms;
	int r;

	for (;;) {
		r = next_frame(f);
		if (ours(f, r, w))
			return r;
		if (r > 0 && others)
			(*others)++;
		if (r == -ESRCH)
			reattach();
		else if (r <= 0 && (int32_t)(sys_uptime_ms() - until) >= 0)
			return -ETIMEDOUT;
		else if (r < 0)
			wait_news(50);           /* -EAGAIN, or an error: do not spin on the driver */
	}
}

static int intact(const uint8_t *f, int len, const struct wire *w)
{
	uint32_t i;

	if ((uint32_t)len != w->size || memcmp(f, my_mac, 6) != 0)
		return 0;
	for (i = 14 + sizeof *w; i < w->size; i++)
		if (f[i] != pattern(w->seq, w->size, i))
			return 0;
	return 1;
}

static int hello(void)
{
	static uint8_t f[NET_MAX_FRAME];
	struct wire w;
	int i;

	for (i = 0; i < 100; i++) {
		uint8_t h[NET_MIN_FRAME];
		build(h, broadcast, K_HELLO, 0, sizeof h);
		send_frame(h, sizeof h);
		if (recv_frame(f, &w, 200, NULL) > 0 && w.kind == K_HELLO_ACK) {
			memcpy(peer_mac, f + 6, 6);
			return 0;
		}
	}
	return -ETIMEDOUT;
}

/* Phase 2: frames of every size from the peer, then broadcasts and foreign frames. */
static void receive_all_sizes(void)
{
	static uint8_t f[NET_MAX_FRAME];
	uint32_t next = 0, bad = 0, bcast = 0, foreign = 0, others = 0;
	struct wire w;
	int len;

	while ((len = recv_frame(f, &w, 30000, &others)) > 0 && w.kind != K_END) {
		if (w.kind == K_DATA && w.seq == next) {
			bad += !intact(f, len, &w);
			next++;
		} else if (w.kind == K_BCAST) {
			bcast += !memcmp(f, broadcast, 6);
			continue;
		} else if (w.kind == K_FOREIGN) {
			foreign++;
			continue;
		} else if (w.kind != K_DATA) {
			continue;
		}
		send_kind(K_ACK, next);
	}
	send_kind(K_ACK, w.seq + 1);
	t_check("host_to_guest_all_sizes", len > 0 && next == ALL_SIZES && bad == 0,
	        "%u frames of sizes 60-1514 in order, %u not byte-exact", next, bad);
	t_check("broadcast_received", bcast == 20, "%u of 20 broadcast frames", bcast);
	t_check("other_unicast_filtered", foreign == 0, "%u of 20 frames for another address got through", foreign);
}

/* Send frames first..first+n-1 of `size` (0: every size), windowed by the peer's acks. */
#define CSUM_FRAMES 6

/*
 * CSUM_FRAMES IPv4 frames holding TCP segments (sizes 54 to 1514, payload
 * the usual pattern) with garbage where the checksums go, sent with
 * NET_FRAME_CSUM: the driver's NIC, or the driver library for a NIC that
 * cannot, fills them in. The peer checks them (checksums_filled).
 */
static void send_csum_frames(void)
{
	static const uint32_t sizes[CSUM_FRAMES] = { 54, 60, 61, 577, 1000, NET_MAX_FRAME };
	static uint8_t f[NET_MAX_FRAME];
	uint32_t k, i, ip_len;

	for (k = 0; k < CSUM_FRAMES; k++) {
		for (i = 0; i < sizes[k]; i++)
			f[i] = pattern(k, sizes[k], i);
		memcpy(f, peer_mac, 6);
		memcpy(f + 6, my_mac, 6);
		f[12] = 0x08, f[13] = 0x00;
		ip_len = sizes[k] - 14;
		f[14] = 0x45, f[15] = 0;
		f[16] = (uint8_t)(ip_len >> 8), f[17] = (uint8_t)ip_len;
		f[20] = 0x40, f[21] = 0;              /* don't fragment */
		f[22] = 64, f[23] = 6;                /* TTL, TCP */
		f[24] = 0xde, f[25] = 0xad;           /* garbage: the driver's to fill */
		f[34 + 12] = 0x50;                    /* a 20-byte TCP header */
		f[34 + 16] = 0xbe, f[34 + 17] = 0xef;
		tx_add_flags(f, sizes[k], NET_FRAME_CSUM);
	}
	tx_flush();
}

static int send_stream(uint32_t n, uint32_t size)
{
	static uint8_t f[NET_MAX_FRAME];
	uint32_t acked = 0, sent = 0, resends = 0, s;
	uint32_t deadline = sys_uptime_ms() + 60000;
	struct wire w;

	while (acked < n && (int32_t)(sys_uptime_ms() - deadline) < 0) {
		while (sent < n && sent < acked + WINDOW) {
			s = size ? size : NET_MIN_FRAME + sent;
			build(f, peer_mac, K_DATA, sent, s);
			if (batching)                 /* the window goes as one batch, before we wait; flagged: */
				tx_add_flags(f, s, NET_FRAME_CSUM);   /* not IPv4, so the driver must leave it be */
			else
				send_frame(f, s);
			sent++;
		}
		if (recv_frame(f, &w, 1000, NULL) > 0 && w.kind == K_ACK) {
			if (w.seq > acked && w.seq <= n)   /* beyond n: a late ACK of an earlier stream */
				acked = w.seq;
		} else if (acked < sent) {
			resends += sent - acked;       /* nothing acknowledged for a second: resend */
			sent = acked;
		}
	}
	send_kind(K_END, n);
	return acked == n ? (int)resends : -1;
}

static int get_stats(struct net_stats *st)
{
	message m;

	memset(st, 0, sizeof *st);
	return net_call(NET_STATS, st, sizeof *st, GRANT_WRITE, &m);
}

#define HOSTILE_WAIT_MS 5000        /* for a frame to wait in the driver's queue */
#define BAD_ETHERTYPE 0x88b6        /* not the peer's: if a frame of ours got out, the peer ignores it */

static uint8_t hostile[NET_BATCH_BYTES + NET_BATCH_MIN];

/* One malformed call: did it fail with `want` (any error other than -EAGAIN if want is 1)? */
static int refused(int type, uint32_t grant_len, uint32_t len, uint32_t count, uint32_t rights, int want,
                   const char *what)
{
	message m;
	int r = net_call_n(type, hostile, grant_len, len, count, rights, &m);
	int ok = want == 1 ? r < 0 && r != -EAGAIN : r == want;

	if (!ok)
		printf("t_netclient: %s: %d, not %d\n", what, r, want);
	return ok;
}

/* A broadcast header with an EtherType the peer ignores, into f. */
static void ignored_broadcast(uint8_t *f)
{
	memcpy(f, broadcast, 6);
	memcpy(f + 6, my_mac, 6);
	f[12] = BAD_ETHERTYPE >> 8;
	f[13] = BAD_ETHERTYPE & 0xff;
}

/* Three good frames (60, 61, 1514 bytes) as a batch in `hostile`: its length. */
static uint32_t good_batch(void)
{
	static uint8_t f[NET_MAX_FRAME];
	uint32_t used = 0, len[3] = { 60, 61, NET_MAX_FRAME }, k;

	ignored_broadcast(f);
	for (k = 0; k < 3; k++)
		net_batch_put(hostile, sizeof hostile, &used, f, len[k]);
	return used;
}

static void set_hdr(uint32_t off, uint16_t len, uint16_t flags)
{
	struct net_frame_hdr h = { len, flags };

	memcpy(hostile + off, &h, sizeof h);
}

/*
 * A hostile client's batch calls, while frames wait in the driver's queue:
 * every malformed one refused with its error; no frame sent, none taken.
 */
static void malformed_batches(void)
{
	uint32_t until = sys_uptime_ms() + HOSTILE_WAIT_MS, used, second = NET_RECORD_BYTES(60), ok = 1;
	struct net_stats st0, st1;

	while ((get_stats(&st0) < 0 || st0.rx_queued == 0) && (int32_t)(sys_uptime_ms() - until) < 0)
		t_sleep(10);
	used = good_batch();
	ok &= refused(NET_SEND_BATCH, used, used, 0, GRANT_READ, -EINVAL, "send: no frame");
	ok &= refused(NET_SEND_BATCH, used, used, NET_BATCH_FRAMES + 1, GRANT_READ, -E2BIG, "send: too many frames");
	ok &= refused(NET_SEND_BATCH, sizeof hostile, NET_BATCH_BYTES + 4, 3, GRANT_READ, -E2BIG, "send: too many bytes");
	ok &= refused(NET_SEND_BATCH, used, 0, 3, GRANT_READ, -EINVAL, "send: no bytes");
	ok &= refused(NET_SEND_BATCH, used, used, 2, GRANT_READ, -EINVAL, "send: bytes after the last frame");
	ok &= refused(NET_SEND_BATCH, used, used, 4, GRANT_READ, -EINVAL, "send: a frame missing");
	ok &= refused(NET_SEND_BATCH, used, used - 1, 3, GRANT_READ, -EINVAL, "send: the last frame cut short");
	ok &= refused(NET_SEND_BATCH, 100, used, 3, GRANT_READ, -ERANGE, "send: grant smaller than the batch");
	ok &= refused(NET_SEND_BATCH, used, used, 3, GRANT_WRITE, -EACCES, "send: grant not readable");
	set_hdr(second, 13, 0);
	ok &= refused(NET_SEND_BATCH, used, used, 3, GRANT_READ, -EINVAL, "send: a 13-byte frame");
	set_hdr(second, NET_MAX_FRAME + 1, 0);
	ok &= refused(NET_SEND_BATCH, used, used, 3, GRANT_READ, -EINVAL, "send: a 1515-byte frame");
	set_hdr(second, 61, NET_FRAME_CSUM << 1);
	ok &= refused(NET_SEND_BATCH, used, used, 3, GRANT_READ, -EINVAL, "send: a flag nobody defined");
	set_hdr(second, 61, 0x8000 | NET_FRAME_CSUM);
	ok &= refused(NET_SEND_BATCH, used, used, 3, GRANT_READ, -EINVAL, "send: a defined flag with one that is not");
	set_hdr(second, 65, 0);
	ok &= refused(NET_SEND_BATCH, used, used, 3, GRANT_READ, -EINVAL, "send: a frame past its record");
	ok &= refused(NET_RECV_BATCH, NET_BATCH_MIN - 1, NET_BATCH_MIN - 1, 0, GRANT_WRITE, -EINVAL,
	              "recv: grant smaller than a largest frame");
	ok &= refused(NET_RECV_BATCH, sizeof hostile, NET_BATCH_BYTES + 4, 0, GRANT_WRITE, -E2BIG, "recv: too many bytes");
	ok &= refused(NET_RECV_BATCH, 2, NET_BATCH_BYTES, 0, GRANT_WRITE, 1, "recv: grant smaller than claimed");
	ok &= refused(NET_RECV_BATCH, NET_BATCH_BYTES, NET_BATCH_BYTES, 0, GRANT_READ, -EACCES, "recv: grant not writable");
	get_stats(&st1);
	t_check("malformed_batch_refused", ok && st0.rx_queued > 0 && st1.rx_queued >= st0.rx_queued &&
	        st1.tx_frames == st0.tx_frames && st1.tx_bytes == st0.tx_bytes,
	        "18 malformed batch calls each refused with its error: %s; frames sent %u -> %u; "
	        "frames waiting in the driver %u -> %u (none taken)", ok ? "yes" : "no", st0.tx_frames,
	        st1.tx_frames, st0.rx_queued, st1.rx_queued);
}

/* Phase 4: garbage from the peer, then a probe frame that must still arrive. */
static void survive_garbage(void)
{
	static uint8_t f[NET_MAX_FRAME];
	struct dm_driver_info before, after;
	uint32_t others = 0;
	struct wire w;
	int len;

	dm_info(label, 0, &before);
	malformed_batches();
	while ((len = recv_frame(f, &w, 30000, &others)) > 0 && w.kind != K_PROBE)
		;
	dm_info(label, 0, &after);
	if (len > 0)
		send_kind(K_ACK, w.seq + 1);
	t_check("survives_garbage", len > 0 && after.incarnation == before.incarnation,
	        "after runts, oversize and random frames (%u of them delivered as frames) the probe arrived; "
	        "still incarnation %u", others, after.incarnation);
}

/* A DATA frame of the burst: is it the next one (*next moves on), and is it intact (else *bad counts)? */
static void burst_frame(const uint8_t *f, int len, const struct wire *w, uint32_t *next, uint32_t *bad)
{
	if (w->kind != K_DATA || w->seq != *next)
		return;
	*bad += !intact(f, len, w);
	(*next)++;
}

/* A batch of one short frame the peer ignores, into out: its bytes. */
static uint32_t ignored_batch(uint8_t out[NET_BATCH_MIN])
{
	static uint8_t f[NET_MAX_FRAME];
	uint32_t used = 0;

	ignored_broadcast(f);
	net_batch_put(out, NET_BATCH_MIN, &used, f, NET_MIN_FRAME);
	return used;
}

/*
 * One NET_SEND_BATCH of one frame the peer ignores, lending `area` (rx_len
 * of it) with flags; its grant is left in *keep (if not NULL) for the
 * caller to revoke.
 */
static int send_lending_area(uint32_t rx_len, uint32_t flags, grant_id_t *keep)
{
	static uint8_t out[NET_BATCH_MIN];
	uint32_t used = ignored_batch(out);
	message m;

	memset(&area.h, 0, sizeof area.h);
	return net_call_rx(NET_SEND_BATCH, out, used, used, 1, GRANT_READ, &area, rx_len, flags, keep, &m);
}

/* The frames of the area's batch (its header checked) that continue the burst at *next; *bad counts the rest. */
static void burst_area(const struct net_rx_area_hdr *h, uint32_t *next, uint32_t *bad)
{
	uint32_t off = 0, len, k;
	const uint8_t *p;
	struct wire w;

	if (h->frames > NET_BATCH_FRAMES || net_batch_check(area.batch, h->bytes, h->frames) < 0) {
		(*bad)++;
		return;
	}
	for (k = 0; k < h->frames; k++) {
		p = net_batch_next(area.batch, &off, &len);
		if (ours(p, (int)len, &w) && w.kind == K_DATA && w.seq == *next && intact(p, (int)len, &w))
			(*next)++;
		else
			(*bad)++;
	}
}

/* The rest of a burst (from *next on), a NET_RECV_BATCH at a time. */
static void burst_rest(uint32_t *next, uint32_t *bad)
{
	static uint8_t f[NET_MAX_FRAME];
	struct wire w;
	int len;

	while (*next < BURST && (len = recv_frame(f, &w, 1000, NULL)) > 0)
		burst_frame(f, len, &w, next, bad);
}

/* Nothing older waits, in the driver or in rx_batch; then the peer's burst, which we do not read yet. */
static void fresh_burst(uint32_t wait_ms)
{
	static uint8_t f[NET_MAX_FRAME];

	while (next_frame(f) > 0)
		;
	send_kind(K_BURST, BURST);
	t_sleep(wait_ms);
}

/*
 * With a burst waiting in the driver's queue, one frame sent lending a
 * receive area brings back the burst's oldest NET_BATCH_FRAMES in it, in
 * order and intact, and its header says how many are left; the next
 * NET_RECV_BATCH has the rest. An area smaller than its header and a
 * largest frame's record is refused before anything is sent.
 */
static void area_takes_arrivals(void)
{
	uint32_t next = 0, bad = 0;
	struct net_rx_area_hdr h;
	struct net_stats st0, st1;
	int r, small, st_ok;

	fresh_burst(BURST_WAIT_MS);
	st_ok = get_stats(&st0) == 0;
	small = send_lending_area(NET_RX_AREA_MIN - 1, 0, NULL);
	st_ok &= get_stats(&st1) == 0;
	t_check("send_batch_small_receive_area_refused", st_ok && small == -EINVAL && st1.tx_frames == st0.tx_frames,
	        "a receive area of %u bytes: %d (want %d), %u frames sent (want 0)", (unsigned)NET_RX_AREA_MIN - 1,
	        small, -EINVAL, st1.tx_frames - st0.tx_frames);
	r = send_lending_area(sizeof area, 0, NULL);
	h = area.h;
	burst_area(&h, &next, &bad);
	burst_rest(&next, &bad);
	t_check("send_batch_brings_back_arrivals", r == 1 && h.frames == NET_BATCH_FRAMES &&
	        h.frames + h.left == BURST && next == BURST && bad == 0,
	        "one frame sent (result %d) lending a receive area brought back %u of %u waiting frames (want %u), "
	        "said %u were left; %u of the burst arrived in order in all, %u not as expected", r, h.frames, BURST,
	        NET_BATCH_FRAMES, h.left, next, bad);
}

/* Our frames received until none comes for a while (drops the rest); how many. */
static uint32_t drain_ours(void)
{
	static uint8_t f[NET_MAX_FRAME];
	struct wire w;
	uint32_t n = 0;

	while (recv_frame(f, &w, 1000, NULL) > 0)
		n++;
	return n;
}

/*
 * A posted area filled and notified, then a request of the client's
 * before it took the area back, then more frames: the driver says so in
 * the area's header (what waits now), not with a second notification,
 * which would merge with the first and be lost, leaving the frames in the
 * driver until the client next asked for something (a stall that cost TCP
 * its retransmission timeouts). The header read after the revocation says
 * what the driver holds. A driver that hands frames over in place (no copy)
 * leaves those its queue has no room for in the NIC's ring, and takes them
 * as the client takes the queued ones: they come after, counted as
 * received by the driver only then.
 */
static void posted_area_after_a_request(void)
{
	struct net_rx_area_hdr h;
	struct net_stats st0, st1, st2, st3;
	uint32_t got, news, later;
	grant_id_t g;
	message m;
	int r, st_ok;

	(void)drain_ours();
	st_ok = get_stats(&st0) == 0;
	r = send_lending_area(sizeof area, NET_RX_POST, &g);
	send_kind(K_BURST, BURST);
	news = t_receive(driver, &m, 2000) == 0;
	t_sleep(BURST_WAIT_MS);
	st_ok &= get_stats(&st1) == 0;           /* the request */
	send_kind(K_BURST, BURST);               /* (another) and more frames */
	t_sleep(BURST_WAIT_MS);
	grant_revoke(g);
	h = area.h;
	st_ok &= get_stats(&st2) == 0;
	got = drain_ours();
	st_ok &= get_stats(&st3) == 0;
	later = st3.rx_frames - st2.rx_frames;   /* taken from the NIC's ring since (in place) */
	t_check("posted_area_says_frames_after_a_request", r == 1 && news && st_ok && h.frames > 0 &&
	        h.left == st2.rx_queued && got == h.left + later && st2.rx_notifies - st0.rx_notifies == 1,
	        "a posted area filled (%u frames, result %d, notified %s); after two requests and a second burst its "
	        "header said %u wait (the driver held %u; want the same), %u then received (want those and the %u "
	        "the driver took from the NIC's ring since); %u notifications (want 1)", h.frames, r,
	        news ? "yes" : "no", h.left, st2.rx_queued, got, later, st2.rx_notifies - st0.rx_notifies);
}

/*
 * A posted receive area: lent with nothing waiting, it comes back empty
 * and stays the driver's; the burst that comes next is put into it and
 * notified (one notification), its header saying how many more wait (also
 * of frames that came after it was filled); the rest come with
 * NET_RECV_BATCH. Taken back (revoked) before anything arrives, it stays
 * empty and the burst is notified and received as usual: nothing lost.
 */
static void posted_area(void)
{
	static uint8_t f[NET_MAX_FRAME];
	uint32_t next = 0, bad = 0, empty, news;
	struct net_rx_area_hdr h;
	struct net_stats st0, st1;
	grant_id_t g;
	message m;
	int r, st_ok;

	while (next_frame(f) > 0)
		;                                    /* nothing older waits */
	st_ok = get_stats(&st0) == 0;
	r = send_lending_area(sizeof area, NET_RX_POST, &g);
	empty = area.h.frames == 0;
	send_kind(K_BURST, BURST);               /* (a request without an area: the post stays) */
	news = t_receive(driver, &m, 2000) == 0;
	t_sleep(BURST_WAIT_MS);
	grant_revoke(g);
	h = area.h;
	st_ok &= get_stats(&st1) == 0;
	burst_area(&h, &next, &bad);
	burst_rest(&next, &bad);
	t_check("posted_area_filled_when_frames_come", r == 1 && empty && news && st_ok &&
	        st1.rx_post_batches - st0.rx_post_batches == 1 && h.frames > 0 && h.frames + h.left == BURST &&
	        next == BURST && bad == 0,
	        "lent with nothing waiting (result %d): came back %s; notified %s; %u posted batches (want 1) held "
	        "%u frames and said %u more waited (want %u in all); %u of the burst arrived in order, %u not as "
	        "expected", r, empty ? "empty" : "with frames", news ? "yes" : "no",
	        st1.rx_post_batches - st0.rx_post_batches, h.frames, h.left, BURST, next, bad);
	posted_area_after_a_request();
	next = bad = 0;
	st_ok = get_stats(&st0) == 0;
	r = send_lending_area(sizeof area, NET_RX_POST, &g);
	grant_revoke(g);
	send_kind(K_BURST, BURST);
	t_sleep(BURST_WAIT_MS);
	h = area.h;
	burst_rest(&next, &bad);
	st_ok &= get_stats(&st1) == 0;
	t_check("revoked_post_frames_received_as_usual", r == 1 && st_ok && h.frames == 0 &&
	        st1.rx_post_batches == st0.rx_post_batches && next == BURST && bad == 0,
	        "an area posted (result %d) and revoked: %u frames put there (want 0), %u posted batches (want 0); "
	        "%u of %u burst frames received in order, %u not as expected", r, h.frames,
	        st1.rx_post_batches - st0.rx_post_batches, next, BURST, bad);
}

/*
 * Phase 4b: the peer sends BURST small frames at once while we do not read,
 * so more than NET_BATCH_FRAMES wait in the driver's queue (all fit in one
 * NET_BATCH_BYTES grant). The first NET_RECV_BATCH must hold at most
 * NET_BATCH_FRAMES of them, every batch must check out, and the rest must
 * come in the next calls: none lost. (A driver that put the whole queue in
 * one batch made its client refuse the batch, and the frames were gone.)
 */
static void receive_burst(void)
{
	static uint8_t f[NET_MAX_FRAME];
	uint32_t next = 0, bad = 0, first = 0, left = 0, bad0 = bad_batches, tries, asks;
	struct net_stats st0, st1;
	struct wire w;
	int len, st_ok = 0;

	for (asks = 0; asks < BURST_TRIES && next < BURST; asks++) {
		while (next_frame(f) > 0)
			;                                    /* nothing older waits, in the driver or in rx_batch */
		st_ok = get_stats(&st0) == 0;
		send_kind(K_BURST, BURST);
		t_sleep(BURST_WAIT_MS);
		st_ok &= get_stats(&st1) == 0;
		next = bad = 0;
		len = next_frame(f);                     /* the first batch: its size is the point */
		first = len > 0 ? rx_left + 1 : 0;
		left = rx_driver_left;
		if (ours(f, len, &w))
			burst_frame(f, len, &w, &next, &bad);
		while (next < BURST && (len = recv_frame(f, &w, 1000, NULL)) > 0)
			burst_frame(f, len, &w, &next, &bad);
	}
	area_takes_arrivals();
	posted_area();
	for (tries = 0; tries < BURST_DONE_SENDS; tries++)
		send_kind(K_BURST, 0);                   /* done (not an ACK: the next phase counts ACKs) */
	t_check("recv_batch_at_most_batch_frames", next == BURST && bad == 0 &&
	        first <= NET_BATCH_FRAMES && bad_batches == bad0,
	        "%u of %u small frames sent at once arrived in order (%u not byte-exact, %u asks); the first "
	        "NET_RECV_BATCH held %u (at most %u); %u batches did not check out", next, BURST, bad, asks, first,
	        NET_BATCH_FRAMES, bad_batches - bad0);
	t_check("one_notification_per_burst", st_ok && next == BURST && st1.rx_queued == BURST &&
	        st1.rx_notifies - st0.rx_notifies == 1,
	        "%u frames arrived while we did not read (stats %s); the driver notified us %u times (want 1)",
	        st1.rx_queued, st_ok ? "read" : "failed", st1.rx_notifies - st0.rx_notifies);
	t_check("recv_batch_says_what_is_left", next == BURST && first + left == BURST,
	        "the first NET_RECV_BATCH of %u queued frames held %u and said %u were left", BURST, first, left);
}

/*
 * A driver whose send only queues (rtl8139 in C+ mode, e1000, e100) rings
 * its transmit doorbell once per batch, not once a frame: over the stream
 * of all sizes (batches of several frames) far fewer kicks than frames. A
 * driver without a kick op counts none; the Intel ones must have one.
 */
/* The drivers that must ring a doorbell (the Intel ones: their send only queues). */
static int must_kick(void)
{
	return !strcmp(label, "e1000") || !strcmp(label, "e100");
}

static void check_kicks(const struct net_stats *a, const struct net_stats *b, int read)
{
	uint32_t frames = b->tx_frames - a->tx_frames, kicks = b->tx_kicks - a->tx_kicks;

	t_check("send_batch_one_kick", read && frames >= ALL_SIZES && (kicks > 0 || !must_kick()) &&
	        kicks * 2 <= frames, "%u frames sent with %u transmit kicks (stats %s)", frames, kicks,
	        read ? "read" : "failed");
}

/*
 * The e1000, and the rtl8139 in C+ mode, give the library a transmit area
 * (netdriver_tx_area): a batch lands there and the NIC reads its frames
 * from it, no copy into the ring's buffers, whenever the NIC has reported
 * the area's last frames sent. Over the stream of all sizes most batches
 * must have gone so on the e1000; a driver without an area counts none.
 * The rtl8139's boots check the count on the console (C+: some; classic:
 * none).
 */
static void check_tx_area(const struct net_stats *a, const struct net_stats *b, int read)
{
	uint32_t n = b->tx_area_batches - a->tx_area_batches;
	int ok = !strcmp(label, "e1000") ? n > 0 : !strcmp(label, "rtl8139") || n == 0;

	t_check("send_batch_from_tx_area", read && ok, "%u of the stream's batches sent from the driver's "
	        "transmit area (stats %s)", n, read ? "read" : "failed");
}

#define KICK_BATCH     WINDOW      /* frames in the one batch whose doorbells are counted */
#define KICK_BATCH_MAX 2           /* its kicks: one, or two if the ring filled (a kick before reaping) */

/*
 * One NET_SEND_BATCH of KICK_BATCH small frames (broadcasts of an
 * ethertype the peer ignores) rings the doorbell of a driver with a kick
 * op once (twice if its ring filled on the way), of one without none: the
 * Intel drivers must ring it, the NE2000s have none, the rtl8139 has one
 * in C+ mode only (its boots check the count on the console).
 */
static void one_batch_kicks(void)
{
	static uint8_t f[NET_MIN_FRAME];
	struct net_stats a, b;
	uint32_t k, frames, kicks, lo = 0, hi = KICK_BATCH_MAX;
	int ok;

	if (must_kick())
		lo = 1;
	else if (strcmp(label, "rtl8139"))
		hi = 0;
	ignored_broadcast(f);
	ok = tx_flush() == 0 && get_stats(&a) == 0;
	for (k = 0; k < KICK_BATCH; k++)
		ok &= tx_add(f, sizeof f) == 0;
	ok &= tx_flush() == 0 && get_stats(&b) == 0;
	frames = b.tx_frames - a.tx_frames;
	kicks = b.tx_kicks - a.tx_kicks;
	t_check("send_batch_kicked_once", ok && frames == KICK_BATCH && kicks >= lo && kicks <= hi,
	        "one batch of %u frames: %u sent with %u transmit kicks (want %u to %u)", KICK_BATCH, frames,
	        kicks, lo, hi);
}

/* Ask a driver started with --test to crash (it does not answer). */
static void crash_driver(void)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = NET_TEST;
	m.net_test_req.op = NET_TEST_CRASH;
	ipc_send(driver, &m);
}

/*
 * A NET_TEST request (nettest.h) to a driver started with --test: arm a
 * crash in its next batch call of one kind, or reset its device as on a
 * fault, pausing just after the start; or hold or run its transmitter.
 * Its reply, or the call's error.
 */
static int test_request(uint32_t op)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.m_type = NET_TEST;
	m.net_test_req.op = op;
	r = ipc_sendrec(driver, &m);
	return r < 0 ? r : m.m_type;
}

#define ASYNC_WAIT_MS 1000         /* for a driver to serve a NET_SEND_ASYNC batch */

/*
 * One frame the peer ignores in a NET_SEND_ASYNC batch (with ipc_sendnb),
 * `area` lent (not posted) for its answer: the batch's `sent` once the
 * driver wrote it (0: not within ASYNC_WAIT_MS), or the send's error.
 * *notified: the driver notified us within ASYNC_WAIT_MS after (it must
 * when not every frame went); *replied: it replied (it must not, but a
 * reply to a client that is not receiving is lost: a driver served first,
 * as it usually is, cannot be caught replying here).
 */
static int send_async(int *notified, int *replied)
{
	static uint8_t out[NET_BATCH_MIN];
	uint32_t used = ignored_batch(out), t;
	grant_id_t g, rg;
	message m;
	int r;

	end_post();
	memset(&area.h, 0, sizeof area.h);
	g = grant_direct(driver, out, used, GRANT_READ);
	rg = grant_direct(driver, &area, sizeof area, GRANT_WRITE);
	memset(&m, 0, sizeof m);
	m.m_type = NET_SEND_BATCH;
	m.net_req = (struct net_req){ NET_VERSION, g, used, 1, rg, sizeof area, NET_SEND_ASYNC };
	for (t = 0; (r = ipc_sendnb(driver, &m)) == -EAGAIN && t < ASYNC_WAIT_MS; t += 10)
		t_sleep(10);                      /* (it takes a request only while it waits for one) */
	*notified = *replied = 0;
	for (t = 0; r == 0 && t < ASYNC_WAIT_MS && !(*notified && area.h.sent); t += 10)
		if (t_receive(driver, &m, 10) == 0) {
			*notified |= m.m_type == NOTIFY_MESSAGE;
			*replied |= m.m_type != NOTIFY_MESSAGE;
		}
	grant_revoke(rg);
	grant_revoke(g);
	return r < 0 ? r : *(volatile int32_t *)&area.h.sent;
}

/*
 * NET_SEND_ASYNC: its reply's value comes in the area's `sent` (1: the
 * frame went), with no notification and no reply, and the driver counts
 * it; without an area the flag is refused, with a reply.
 */
static void async_batch(void)
{
	struct net_stats a, b;
	int r, ok, notified, replied;
	message m;

	drain_ours();                         /* (the peer's last answers, and news of them) */
	while (t_receive(driver, &m, 20) == 0)
		;
	ok = tx_flush() == 0 && get_stats(&a) == 0;
	r = send_async(&notified, &replied);
	ok &= get_stats(&b) == 0;
	t_check("send_async_answers_in_area", ok && r == 1 && !notified && !replied &&
	        b.tx_async_batches - a.tx_async_batches == 1 && b.tx_frames - a.tx_frames == 1,
	        "a batch of one frame sent without waiting: `sent` %d (want 1), %s, %s; the driver counted %u such "
	        "batches and %u frames sent (want 1, 1)", r, notified ? "notified" : "no notification",
	        replied ? "replied" : "no reply", b.tx_async_batches - a.tx_async_batches, b.tx_frames - a.tx_frames);
	r = send_lending_area(0, NET_SEND_ASYNC, NULL);   /* (rx_len 0: no area) */
	t_check("send_async_needs_area", r == -EINVAL, "NET_SEND_ASYNC with no receive area: %d (want %d, replied)",
	        r, -EINVAL);
}

#define FILL_BATCHES 16            /* full batches offered to a held transmitter, at most (e1000's ring: 64) */
#define ROOM_WAIT_MS 2000          /* for the driver's word that it has room, once its transmitter runs */
#define RING_DONE_SENDS 3          /* K_RING is sent this often: the peer waits for it, silent */

/* One full batch of ignored frames offered to the driver: how many it took (-EAGAIN: none). */
static int offer_batch(const uint8_t *f, uint32_t len)
{
	message m;
	int r;

	while (tx_count < NET_BATCH_FRAMES && tx_add(f, len) == 0)
		;
	r = net_call_n(NET_SEND_BATCH, tx_batch, tx_used, tx_used, tx_count, GRANT_READ, &m);
	if (r > 0 && (uint32_t)r <= tx_count)
		tx_taken((uint32_t)r);
	return r;
}

/* Tell the peer the ring is done with (it waits, silent, for that). */
static void ring_done(void)
{
	uint32_t k;

	for (k = 0; k < RING_DONE_SENDS; k++)
		send_kind(K_RING, 0);
}

/*
 * An asynchronous batch offered to the full ring (the driver said full
 * `full` times): `sent` -EAGAIN, and the driver must notify, as that is
 * not every frame.
 */
static void async_short(uint32_t full)
{
	struct net_stats st;
	int r, notified, replied;

	r = send_async(&notified, &replied);
	t_check("send_async_full_ring_answers_short", r == -EAGAIN && notified && !replied && get_stats(&st) == 0 &&
	        st.tx_full > full, "a batch sent without waiting to the held, full ring: `sent` %d (want %d), %s",
	        r, -EAGAIN, notified ? "notified" : "no notification (want one)");
}

/*
 * The full transmit ring, on a driver that can hold its transmitter
 * (NET_TEST_TX_HOLD): QEMU's chips send within the kick, so
 * nothing else fills it. Held, batches of frames the peer ignores go in
 * until the driver takes fewer than offered (its "full" counted). Once
 * the transmitter runs again, the driver must say it has room without
 * being asked, woken by the chip's "transmit done" interrupt (the e1000's
 * TXDW, the NE2000's PTX, the RTL8139's TOK, the e100's CNA, each
 * unmasked only while a send waits for room): at least one interrupt between the run and its word, from a
 * silent peer, so not the poll's reaping, which would find the ring sent
 * too. Then the rest of the frames go.
 */
static void ring_full(void)
{
	static uint8_t f[NET_MIN_FRAME];
	struct net_stats a, b, c;
	uint32_t k, offered = 0, taken = 0;
	int r = 0, held, told = 0, ok;
	message m;

	drain_ours();                         /* the stream's last acknowledgements: then the peer is silent */
	while (t_receive(driver, &m, 20) == 0)
		;
	ignored_broadcast(f);
	ok = tx_flush() == 0 && get_stats(&a) == 0;
	held = test_request(NET_TEST_TX_HOLD);
	if (held == -EINVAL) {                /* (tests/os/manifest.py says which must hold) */
		printf("t_netclient: %s cannot hold its transmitter: its full ring is not tested\n", label);
		ring_done();
		return;
	}
	for (k = 0; ok && held == 0 && k < FILL_BATCHES && r >= 0 && (uint32_t)r == offered; k++) {
		offered = NET_BATCH_FRAMES;
		r = offer_batch(f, sizeof f);
		taken += r > 0 ? (uint32_t)r : 0;
	}
	ok &= get_stats(&b) == 0;
	if (held == 0)
		async_short(b.tx_full);
	held = held == 0 && test_request(NET_TEST_TX_RUN) == 0;
	if (held && t_receive(driver, &m, ROOM_WAIT_MS) == 0)
		told = m.m_type == NOTIFY_MESSAGE;
	ok &= tx_flush() == 0 && get_stats(&c) == 0;
	ring_done();
	t_check("send_ring_full_then_room", ok && held && told && b.tx_full > a.tx_full && c.interrupts > b.interrupts &&
	        c.tx_frames - a.tx_frames == k * NET_BATCH_FRAMES && c.tx_errors == a.tx_errors,
	        "transmitter held: %u batches of %u frames offered, %u taken before the driver said full (%u "
	        "times); running again: %s within %u ms, after %u interrupts; then all %u sent (%u errors)",
	        k, NET_BATCH_FRAMES, taken, b.tx_full - a.tx_full, told ? "it said it had room" : "no word of room",
	        ROOM_WAIT_MS, c.interrupts - b.interrupts, c.tx_frames - a.tx_frames, c.tx_errors - a.tx_errors);
}

enum failure { KILLED, CRASHED, CRASHED_MID_RECV_BATCH };

/*
 * Phase 5: a stream from the peer while the driver is killed (or crashes,
 * maybe inside a batch call). Returns the ms from the failure to the next
 * frame in order (or UINT32_MAX if none came). Unless the crash is to come
 * inside a NET_RECV_BATCH, the frames come in posted areas (as in the
 * benchmark), and some must: a dead driver's post is dropped, not waited on.
 */
static uint32_t stream_through_failure(const char *name, enum failure crash)
{
	static const char *const how[] = { "was killed", "crashed", "crashed inside a NET_RECV_BATCH" };
	static uint8_t f[NET_MAX_FRAME];
	struct dm_driver_info before, after;
	uint32_t next = 0, bad = 0, before_re = reattached, failed_at = 0, back_at = 0, deaths = recv_batch_deaths;
	uint32_t areas = areas_taken;
	int was_posting = posting;
	struct wire w;
	int len;

	posting = crash != CRASHED_MID_RECV_BATCH;
	dm_info(label, 0, &before);
	while ((len = recv_frame(f, &w, 30000, NULL)) > 0 && w.kind != K_END) {
		if (w.kind != K_DATA)
			continue;
		if (w.seq == next) {
			bad += !intact(f, len, &w);
			next++;
			if (next == FAIL_AT + 1 && back_at == 0 && failed_at)
				back_at = sys_uptime_ms();
		}
		send_kind(K_ACK, next);
		if (next == FAIL_AT && !failed_at) {
			failed_at = sys_uptime_ms();
			if (crash == CRASHED_MID_RECV_BATCH)
				test_request(NET_TEST_CRASH_IN_RECV);
			else if (crash == CRASHED)
				crash_driver();
			else
				pm_kill(driver, 9);
		}
	}
	send_kind(K_ACK, w.seq + 1);
	dm_info(label, 0, &after);
	t_check(name, len > 0 && next == STREAM && bad == 0 && after.incarnation == before.incarnation + 1 &&
	        reattached > before_re && (crash != CRASHED_MID_RECV_BATCH || recv_batch_deaths > deaths) &&
	        (areas_taken > areas) == posting,
	        "%u of %u frames in order, byte-exact, after the driver %s at frame %u; frames flowing again "
	        "%u ms later; incarnation %u; %u calls found it dead; %u posted areas filled",
	        next, STREAM, how[crash], FAIL_AT, back_at - failed_at, after.incarnation,
	        recv_batch_deaths - deaths, areas_taken - areas);
	if (posted)
		take_area();                         /* (what it holds is taken next, as the rest) */
	posting = was_posting;
	return back_at ? back_at - failed_at : UINT32_MAX;
}

/* The drivers whose policies say dma (bus-master NICs). */
static int uses_dma(const char *nic)
{
	return !strcmp(nic, "rtl8139") || !strcmp(nic, "e100") || !strcmp(nic, "e1000");
}

/* Bus mastering is on for a device only if its driver's policy says dma. */
static void check_bus_master(void)
{
	struct pci_device d;
	uint32_t i;
	int want = uses_dma(label);

	for (i = 0; pci_list(i, &d) == 0; i++) {
		if (d.owner != driver)
			continue;
		t_check("bus_master_only_with_dma", ((d.command & 4) != 0) == want,
		        "%04x:%04x held by %s: command register %x, bus mastering %s (its policy %s dma)",
		        d.vendor, d.device, label, d.command, d.command & 4 ? "on" : "off", want ? "says" : "does not say");
		return;
	}
	t_check("bus_master_only_with_dma", !strcmp(label, "ne2000_isa"), "%s holds no PCI device%s", label,
	        !strcmp(label, "ne2000_isa") ? " (an ISA card)" : "");
}

static void probe_isolation(uint32_t port1, uint32_t port2, uint16_t vendor, uint16_t device)
{
	struct klog_entry log[64];
	uint32_t seq, n, next, i, logged = 0;
	message m;
	int r;

	sys_getlog(~0u, log, 1, &n, &seq);
	memset(&m, 0, sizeof m);
	m.m_type = NET_TEST;
	m.net_test_req.op = NET_TEST_PROBE;
	m.net_test_req.port[0] = port1;
	m.net_test_req.port[1] = port2;
	m.net_test_req.vendor = vendor;
	m.net_test_req.device = device;
	r = ipc_sendrec(driver, &m);
	sys_getlog(seq, log, 64, &n, &next);
	for (i = 0; i < n; i++)
		logged += log[i].kind == KLOG_DENIED && log[i].who == driver && log[i].code == DENY_IO;
	t_check("driver_has_only_its_device", r == 0 && m.m_type == 0 && m.net_probe_reply.port[0] == -EPERM &&
	        m.net_probe_reply.port[1] == -EPERM && m.net_probe_reply.pci == -EPERM && logged == 2,
	        "reading ports %x and %x: %d %d (both logged: %u); claiming %04x:%04x: %d",
	        port1, port2, m.net_probe_reply.port[0], m.net_probe_reply.port[1], logged, vendor, device,
	        m.net_probe_reply.pci);
}

/* Wait until the driver runs an incarnation after `old` (dm has recorded the old one's failure by then). */
static int await_incarnation(uint32_t old, struct dm_driver_info *info)
{
	uint32_t until = sys_uptime_ms() + 10000;

	while (dm_info(label, 0, info) < 0 || info->incarnation <= old || info->state != DRV_RUNNING) {
		if ((int32_t)(sys_uptime_ms() - until) >= 0)
			return -ETIMEDOUT;
		t_sleep(10);
	}
	return 0;
}

/* Wait until the driver runs an incarnation after `old`, then attach to it. */
static int wait_incarnation(uint32_t old, struct dm_driver_info *info)
{
	int r = await_incarnation(old, info);

	return r < 0 ? r : attach();
}

/* Step 7: we are the client the driver's test policy names. */
static void restart_as_client(void)
{
	struct dm_driver_info before, after;
	struct dm_failure f;
	int r;

	dm_info(label, 0, &before);
	r = dm_restart(label);
	if (r == 0)
		r = wait_incarnation(before.incarnation, &after);
	if (r == 0)
		r = dm_history(label, 0, &f);
	t_check("listed_client_may_restart", r == 0 && f.cause == CAUSE_CLIENT && f.incarnation == before.incarnation,
	        "restart asked: %d; incarnation %u -> %u, cause %u (%s)", r, before.incarnation,
	        r == 0 ? after.incarnation : 0, r == 0 ? f.cause : 0, r == 0 ? f.detail : "");
}

/* Have t_inject put `fault` at the start of `function` in our driver; 0 or -errno. */
static int inject(uint32_t fault, const char *function)
{
	return t_inject(driver, fault, strcmp(label, "ne2000_isa") ? label : "ne2000", function);   /* its binary */
}

/* Step 8: the driver takes frames and sends none, answering heartbeats all along. */
static void stall(void)
{
	struct dm_driver_info before, after;
	struct dm_failure f;
	uint32_t t0 = sys_uptime_ms(), bound;
	int r, sent;

	dm_info(label, 0, &before);
	bound = before.liveness_ms + before.heartbeat_ms;
	r = inject(FAULT_RETURN_ZERO, "nic_send");
	sent = r == 0 ? send_stream(STALL_STREAM, STALL_FRAME) : -1;
	dm_info(label, 0, &after);
	if (r == 0)
		r = dm_history(label, 0, &f);
	t_check("stalled_driver_restarted", r == 0 && f.cause == CAUSE_STALLED && f.incarnation == before.incarnation &&
	        f.failed_ms - t0 <= bound,
	        "transmit routine made a no-op: %s, declared %u ms after (liveness %u ms; bound liveness + "
	        "one heartbeat period = %u ms)", r == 0 ? f.detail : "not injected", r == 0 ? f.failed_ms - t0 : 0,
	        before.liveness_ms, bound);
	t_check("traffic_resumes_after_stall", sent >= 0 && after.incarnation == before.incarnation + 1,
	        "%d frames sent across the restart, all acknowledged (%d resent); now incarnation %u",
	        STALL_STREAM, sent, after.incarnation);
}

/* Our stream while the driver crashes inside a NET_SEND_BATCH, after the batch's first frame went out. */
/*
 * Step 9: the driver takes our request and never answers it, answering its
 * heartbeats all along and holding no work (its progress report says all is
 * well). The kernel tells the driver manager how long we have waited.
 */
static void swallow(void)
{
	struct dm_driver_info before, after;
	struct net_stats st;
	struct dm_failure f;
	uint32_t t0 = sys_uptime_ms(), bound;
	int r, asked = -1, again;

	dm_info(label, 0, &before);
	bound = before.liveness_ms + before.heartbeat_ms;
	r = inject(FAULT_RETURN_ZERO, "request");    /* the library's request dispatch: no answer */
	if (r == 0)
		asked = get_stats(&st);                   /* blocks until the driver is killed */
	if (r == 0)                                   /* (which we may hear before dm records why) */
		r = await_incarnation(before.incarnation, &after);
	if (r == 0)
		r = dm_history(label, 0, &f);
	t_check("swallowing_driver_restarted", r == 0 && f.cause == CAUSE_STALLED && f.incarnation == before.incarnation &&
	        strstr(f.detail, "no answer to netclient") && f.failed_ms - t0 <= bound,
	        "request dispatch made a no-op: our NET_STATS ended %d; %s, declared %u ms after (liveness %u ms; "
	        "bound liveness + one heartbeat period = %u ms)", asked, r == 0 ? f.detail : "not injected",
	        r == 0 ? f.failed_ms - t0 : 0, before.liveness_ms, bound);
	again = attach() == 0 ? get_stats(&st) : -1;
	t_check("swallowing_driver_replaced", asked < 0 && again == 0,
	        "the new incarnation attached and answered NET_STATS: %d", again);
}

static void send_through_crash(void)
{
	struct dm_driver_info before, after;
	uint32_t deaths = send_batch_deaths;
	int r, sent;

	dm_info(label, 0, &before);
	r = test_request(NET_TEST_CRASH_IN_SEND);
	sent = r == 0 ? send_stream(STALL_STREAM, STALL_FRAME) : -1;
	dm_info(label, 0, &after);
	t_check("traffic_resumes_after_crash_mid_send_batch", r == 0 && sent >= 0 &&
	        after.incarnation == before.incarnation + 1 && send_batch_deaths > deaths,
	        "armed: %d; %d frames sent in batches of up to %d, all acknowledged in order (%d resent); "
	        "%u batch calls found the driver dead; incarnation %u -> %u", r, STALL_STREAM, WINDOW, sent,
	        send_batch_deaths - deaths, before.incarnation, after.incarnation);
}

#define BENCH_FRAMES 2000

static void print_stats(void)
{
	struct net_stats st;

	if (get_stats(&st) >= 0)
		printf("[net] driver stats: rx %u frames, tx %u, rx errors %u, overflows %u, dropped %u, "
		       "bad length %u, tx full %u, interrupts %u, receiver resets %u; malformed batches from it %u\n",
		       st.rx_frames, st.tx_frames, st.rx_errors, st.rx_overflows, st.rx_dropped, st.rx_bad_length,
		       st.tx_full, st.interrupts, st.rx_resets, bad_batches);
}
#define PINGS 500

/* Acknowledge every in-order DATA frame until END; how many arrived. */
static uint32_t ack_until_end(void)
{
	static uint8_t f[NET_MAX_FRAME];
	uint32_t next = 0;
	struct wire w;

	while (recv_frame(f, &w, 60000, NULL) > 0 && w.kind != K_END) {
		if (w.kind == K_DATA && w.seq == next)
			next++;
		if (w.kind == K_DATA)
			queue_kind(K_ACK, w.kind == K_DATA && w.seq < next ? w.seq + 1 : next);
	}
	send_kind(K_ACK, w.seq + 1);
	return next;
}

/*
 * The benchmark (the host peer measures): BENCH_FRAMES frames of 1514 bytes
 * to the peer as fast as the driver takes them; the same from the peer,
 * each acknowledged; PINGS 64-byte round trips; and a stream through a
 * killed driver (the time until frames flow again).
 */
static void bench(void)
{
	static uint8_t f[NET_MAX_FRAME];
	uint32_t i, got;

	posting = 1;
	for (i = 0; i < BENCH_FRAMES; i++) {
		build(f, peer_mac, K_DATA, i, NET_MAX_FRAME);
		tx_add(f, NET_MAX_FRAME);
	}
	tx_flush();
	send_kind(K_END, BENCH_FRAMES);
	got = ack_until_end();
	printf("[netbench] received %u of %u frames from the peer\n", got, BENCH_FRAMES);
	print_stats();
	got = ack_until_end();
	printf("[netbench] answered %u pings\n", got);
	stream_through_failure("bench_recovery_after_kill", KILLED);
	printf("[netbench] done\n");
}

#define WIRE_SILENCE_MS 15000        /* the peer gives up on a deaf driver after 5 s */
#define BYSTANDER_WAIT_MS 10000

/*
 * The wire test (the host peer's run_wire): answer every probe until END,
 * through whatever hostile frames arrive in between (they are counted and
 * dropped). The driver must neither restart nor go deaf; the peer checks
 * that every probe was answered, the bystander that its memory is intact.
 */
static void wire(void)
{
	static uint8_t f[NET_MAX_FRAME];
	struct dm_driver_info before, after;
	uint32_t others = 0, probes = 0, resets = 0, value, until;
	struct wire w;
	int len;

	dm_info(label, 0, &before);
	while ((len = recv_frame(f, &w, WIRE_SILENCE_MS, &others)) > 0 && w.kind != K_END) {
		if (w.kind == K_PROBE) {
			send_kind(K_ACK, w.seq + 1);
			probes++;
		} else if (w.kind == K_RESET) {              /* the peer floods as soon as it has the ACK */
			send_kind(K_ACK, w.seq + 1);
			resets += test_request(NET_TEST_RESET) == 0;
		}
	}
	if (len > 0)
		send_kind(K_ACK, w.seq + 1);
	dm_info(label, 0, &after);
	t_check("wire_stream_ended", len > 0, "answered %u probes; %u hostile frames reached us as frames; "
	        "%u device resets; %s", probes, others, resets, len > 0 ? "the peer's END arrived" : "the wire went silent before END");
	t_check("wire_driver_not_restarted", after.incarnation == before.incarnation,
	        "%s: incarnation %u before the hostile stream, %u after", label, before.incarnation,
	        after.incarnation);
	print_stats();
	ds_publish("wire_done", 1);
	until = sys_uptime_ms() + BYSTANDER_WAIT_MS;
	while (ds_lookup("bystander_done", &value) < 0 && (int32_t)(sys_uptime_ms() - until) < 0)
		t_sleep(50);
	t_summary();
}

/* --- the fault-injection workload (mode "swifi") --------------------------- */

#define SLICE_MS 8000               /* a slice not done by then is incomplete */
#define SLICE_RESEND_MS 200
#define SERVE_WAIT_MS   60000       /* one wait for a request (the loop waits on) */

struct slice {
	uint32_t trial, frames, deadline;
	uint32_t rx, bad_rx, tx, bad_tx;
	int ended;                       /* the peer acknowledged our END */
	uint32_t steps, seen, progress_at;   /* progress made, as last seen, and when */
};

/*
 * A driver that is alive but does not work (it answers heartbeats, yet
 * frames do not get through, or it answers with errors) is detected by its
 * client: as a client its policy names, ask the driver manager to restart it
 * (as the network server would), then attach to the new incarnation.
 */
static void complain(void)
{
	if (dm_restart(label) == 0)
		complaints++;
	attach();
}

/* Is there time left in the slice? Complain about a driver that makes no progress. */
static int slice_time_left(struct slice *s)
{
	uint32_t now = sys_uptime_ms(), steps = s->steps + s->rx + s->tx + (uint32_t)s->ended;

	if (steps != s->seen || s->progress_at == 0) {
		s->seen = steps;
		s->progress_at = now;
	} else if (now - s->progress_at >= COMPLAIN_MS) {
		complain();
		s->progress_at = sys_uptime_ms();
	}
	return (int32_t)(s->deadline - sys_uptime_ms()) > 0;
}

static uint32_t slice_size(uint32_t trial, uint32_t seq)
{
	return NET_MIN_FRAME + (seq * 389 + trial * 7) % (NET_MAX_FRAME - NET_MIN_FRAME + 1);
}

/* Send a small frame of `kind` until the peer answers with `want` (seq
   `want_seq`); the answer's flags, or -ETIMEDOUT at the slice's deadline. */
static int slice_handshake(struct slice *s, uint16_t kind, uint32_t seq, uint16_t want, uint32_t want_seq)
{
	static uint8_t f[NET_MAX_FRAME];
	struct wire w;

	while (slice_time_left(s)) {
		send_kind(kind, seq);
		if (recv_frame(f, &w, SLICE_RESEND_MS, NULL) > 0 && w.kind == want && w.seq == want_seq) {
			s->steps++;
			return w.flags;
		}
	}
	return -ETIMEDOUT;
}

/* The peer's stream to us: acknowledge each frame in order, count the damaged. */
static void slice_receive(struct slice *s)
{
	static uint8_t f[NET_MAX_FRAME];
	struct wire w;
	int len;

	while (slice_time_left(s)) {
		len = recv_frame(f, &w, SLICE_RESEND_MS, NULL);
		if (len <= 0 || len > NET_MAX_FRAME || (w.kind != K_DATA && w.kind != K_END))
			continue;                    /* (a faulty driver may claim any length) */
		if (w.kind == K_END) {
			send_kind(K_ACK, w.seq + 1);
			if (w.seq == s->rx)
				return;
			continue;
		}
		if (w.seq == s->rx) {
			if (intact(f, len, &w))
				s->rx++;
			else
				s->bad_rx++;
		}
		send_kind(K_ACK, s->rx);
	}
}

/* Our stream to the peer, windowed, going back to the last ack after a silence. */
static void slice_send(struct slice *s)
{
	static uint8_t f[NET_MAX_FRAME];
	uint32_t sent = 0, size;
	struct wire w;
	int r;

	while (s->tx < s->frames && slice_time_left(s)) {
		while (sent < s->frames && sent < s->tx + WINDOW) {
			size = slice_size(s->trial, sent);
			build(f, peer_mac, K_DATA, sent, size);
			if (send_frame(f, size) < 0)
				break;
			sent++;
		}
		if (recv_frame(f, &w, SLICE_RESEND_MS, NULL) > 0 && w.kind == K_ACK) {
			if (w.seq > s->tx && w.seq <= s->frames)
				s->tx = w.seq;
		} else {
			sent = s->tx;
		}
	}
	r = s->tx == s->frames ? slice_handshake(s, K_END, s->frames, K_ACK, s->frames + 1) : -1;
	s->ended = r >= 0;
	s->bad_tx = r > 0 ? (uint32_t)r : 0;
}

/*
 * One slice (the peer, tools/swifi.py, follows the same script): announce
 * it (K_SLICE, seq = trial) until the peer answers; receive `frames` frames
 * of varied sizes, each checked byte for byte; send as many; all within
 * SLICE_MS. The answer: result 0 if every frame got through both ways,
 * byte-exact, else -ETIMEDOUT; detail: received, damaged received, sent,
 * damaged sent (as the peer saw them), re-attachments, milliseconds,
 * complaints (restarts asked for a driver that made no progress).
 */
static void swifi_slice(message *m)
{
	struct slice s = { .trial = m->test_go.seed, .frames = m->test_go.count };
	uint32_t t0 = sys_uptime_ms(), re0 = reattached, c0 = complaints;

	s.deadline = t0 + SLICE_MS;
	if (slice_handshake(&s, K_SLICE, s.trial, K_SLICE_ACK, s.trial) >= 0) {
		slice_receive(&s);
		slice_send(&s);
	}
	memset(&m->test_done, 0, sizeof m->test_done);
	m->test_done.result = s.rx == s.frames && s.ended && s.bad_tx == 0 ? 0 : -ETIMEDOUT;
	m->test_done.work = s.frames;
	m->test_done.detail[0] = (int32_t)s.rx;
	m->test_done.detail[1] = (int32_t)s.bad_rx;
	m->test_done.detail[2] = (int32_t)s.tx;
	m->test_done.detail[3] = (int32_t)s.bad_tx;
	m->test_done.detail[4] = (int32_t)(reattached - re0);
	m->test_done.detail[5] = (int32_t)(sys_uptime_ms() - t0);
	m->test_done.detail[6] = (int32_t)(complaints - c0);
	m->m_type = TEST_DONE;
}

/*
 * Serve slices. A request that came while we waited on the driver (in
 * hello or attach, t_receive) was stashed there: t_receive, not
 * ipc_receive, or its sender would wait for our answer for ever.
 */
static void swifi_serve(void)
{
	message m;

	for (;;) {
		if (t_receive(EP_ANY, &m, SERVE_WAIT_MS) < 0 || m.m_type != TEST_SLICE)
			continue;
		swifi_slice(&m);
		ipc_send(m.m_source, &m);
	}
}

int main(int argc, char **argv)
{
	struct net_stats st0, st1;
	message m;
	uint32_t resumed_ms;
	int r, kicks_ok;

	if (argc < 6) {
		printf("usage: t_netclient LABEL PORT1 PORT2 VENDOR DEVICE\n");
		return 2;
	}
	posix_use_kernel_console();              /* our policy does not include the console */
	label = argv[1];
	memset(&m, 0, sizeof m);
	m.m_type = DM_INIT_DONE;                 /* the driver manager started us: say we are up */
	ipc_sendrec(find_boot_server("dm"), &m);
	r = attach();
	if (!t_check("attached", r == 0, "NET_INIT to %s (endpoint %d): MAC %02x:%02x:%02x:%02x:%02x:%02x",
	             label, (int)driver, my_mac[0], my_mac[1], my_mac[2], my_mac[3], my_mac[4], my_mac[5]) ||
	    !t_check("peer_answers", hello() == 0, "the host peer answered our hello")) {
		t_summary();
		for (;;)
			t_sleep(60000);
	}
	if (argc > 6 && !strcmp(argv[6], "wire")) {
		wire();
		for (;;)
			t_sleep(60000);
	}
	swifi_mode = argc > 6 && !strcmp(argv[6], "swifi");
	if (swifi_mode)
		swifi_serve();
	batching = 1;                            /* the script and the benchmark use the batch calls */
	if (argc > 6 && !strcmp(argv[6], "bench")) {
		bench();
		for (;;)
			t_sleep(60000);
	}
	receive_all_sizes();
	send_csum_frames();
	kicks_ok = get_stats(&st0) == 0;
	r = send_stream(ALL_SIZES, 0);
	t_check("guest_to_host_sent", r == 0, "%d frames of sizes 60-1514 acknowledged; %d resent", ALL_SIZES, r);
	kicks_ok &= get_stats(&st1) == 0;
	check_kicks(&st0, &st1, kicks_ok);
	check_tx_area(&st0, &st1, kicks_ok);
	one_batch_kicks();
	async_batch();
	ring_full();
	survive_garbage();
	receive_burst();
	resumed_ms = stream_through_failure("traffic_resumes_after_kill", KILLED);
	t_check("kill_resume_prompt", resumed_ms <= RESUME_MAX_MS, "after the kill frames flowed again in %u ms "
	        "(bound %u ms)", resumed_ms, RESUME_MAX_MS);
	stream_through_failure("traffic_resumes_after_crash", CRASHED);
	stream_through_failure("traffic_resumes_after_crash_mid_recv_batch", CRASHED_MID_RECV_BATCH);
	send_through_crash();
	check_bus_master();
	probe_isolation((uint32_t)strtoul(argv[2], NULL, 16), (uint32_t)strtoul(argv[3], NULL, 16),
	                (uint16_t)strtoul(argv[4], NULL, 16), (uint16_t)strtoul(argv[5], NULL, 16));
	restart_as_client();
	stall();
	swallow();
	print_stats();
	t_summary();
	for (;;)                     /* exiting would count as a failure and restart us */
		t_sleep(60000);
}
