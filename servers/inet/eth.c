/*
 * eth: inet's Ethernet interfaces. Each is an lwIP netif whose frames go to
 * and come from one NIC driver through the network driver protocol
 * (include/bulkhead/net.h): frames only through grants, made for one call
 * and revoked after it, except the interface's receive area while posted.
 *
 * Drivers are found by their data-store labels: inet subscribes to each
 * label it is told to watch, and the first driver to appear becomes eth0,
 * the next eth1, and so on. When a driver dies, its next incarnation is
 * published under the same label: the interface re-attaches to it
 * (NET_INIT again) and keeps its lwIP state, addresses and connections.
 *
 * Frames come from the driver in the receive area the last NET_SEND_BATCH
 * of each flush lends it: what arrived while the batch went out, or, if
 * nothing had, the next frames to arrive (the area stays posted; the
 * driver fills it, then notifies). That batch goes without waiting
 * (NET_SEND_ASYNC, send_async): the driver answers in the area's header,
 * read when it matters (async_settle: before the next batch, or when the
 * driver is lost). Frames the area did not hold come a
 * NET_RECV_BATCH at a time, until the driver says no more are queued. A
 * posted area is taken back (its grant revoked) before its header is read,
 * and whenever a NET_RECV_BATCH might otherwise overtake its frames; what
 * a dead driver left there is not taken. Transmission:
 * frames wait in the interface's queue (their bytes already batch records,
 * txring.c: a batch goes from there) and go to the driver in order, a
 * NET_SEND_BATCH at a time, at the end of the request or notification that
 * made them (eth_flush); what the driver cannot take at once (ring full,
 * or the driver dead or restarting) goes when it has room again or to the
 * next incarnation. A batch counts as taken only
 * when its reply (or answer) arrives: the frames of one the driver died in wait for the
 * next incarnation (except a TCP SYN, as below: the dead driver may have
 * sent them). Version 1 of the driver protocol does not confirm
 * transmission, so the frames the driver accepted in its last IN_FLIGHT_MS
 * (at most RECENT of them: more than a NIC's transmit ring holds) may have
 * died with it: they are sent again to the next incarnation, except TCP
 * segments with SYN (resend.c says why). A duplicate is harmless to TCP and
 * UDP and shows as such to ping; a loss would cost TCP a retransmission
 * timeout.
 * After a restart inet also acknowledges every TCP connection again (see
 * sock_driver_restarted), so that senders resend what the dead driver had
 * received but not delivered without waiting for their timeout, and has
 * TCP send the SYN (or SYN-ACK) of each connection still opening again.
 *
 * A driver that answers everyone but delivers no frame is deaf: after a
 * silence inet probes the gateway with ARP, and when not even that is
 * answered it asks the driver manager to restart the driver (quiet.c; the
 * driver's policy must name inet among its `clients`).
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/chksum.h>
#include <bulkhead/clients.h>
#include "lwip/etharp.h"
#include "lwip/dhcp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"
#include "inet.h"
#include "resend.h"
#include "coalesce.h"
#include "quiet.h"
#include "txring.h"

#define QUEUE_SLOTS 64            /* the transmit queue's ring (a power of two: % is a mask) */
#define RX_BURST 32               /* frames taken between two runs of lwIP's timers */

/* NET_SEND_BATCH's receive area (net.h): the driver puts frames here, at once or when they come. */
struct rx_area {
	struct net_rx_area_hdr h;
	uint8_t batch[NET_BATCH_BYTES];
};
BH_STATIC_ASSERT(sizeof(struct rx_area) == NET_RX_AREA_MAX, "a receive area of the largest size");
#define RECENT   8                /* frames kept after the driver took them */
/*
 * At most TX_QUEUE frames wait, so the transmit ring has room for them and
 * the last RECENT frames the driver took (those stay where they were in
 * it, and `recent` points at them instead of copying each), unless frames
 * dropped in between (refused, or SYNs a dead driver took) leave holes;
 * a kept frame stops holding its place after IN_FLIGHT_MS (oldest_needed).
 */
#define TX_QUEUE (QUEUE_SLOTS - RECENT)   /* frames waiting for the driver, per interface */
BH_STATIC_ASSERT((QUEUE_SLOTS & (QUEUE_SLOTS - 1)) == 0, "the queue's ring is a power of two");
BH_STATIC_ASSERT(TX_QUEUE + RECENT <= TXRING_RECORDS, "the transmit ring holds what waits and what is kept");
#define IN_FLIGHT_MS 100          /* ... for this long: they may still be in its ring */
#define ATTACH_RETRY_MS 10        /* a new incarnation we may not send to yet: try again this soon */
#define ATTACH_TRIES 100          /* ... at most this many times */
#define SYN_AGAIN_MAX 2           /* SYNs sent again to connections we answered ... */
#define SYN_AGAIN_WINDOW_MS 30000 /* ... each this close to the last: our frames go nowhere */

/* A frame waiting in the queue; its bytes are a record in the interface's transmit ring. */
struct frame {
	uint8_t *data;                /* in the ring (txring_put) */
	uint32_t len;
	uint32_t flags;               /* NET_FRAME_CSUM: lwIP left the IPv4 and TCP checksums to the NIC */
	int restart;                  /* it waited for the driver's next incarnation */
	int waited;                   /* the driver could not take it at once (counted in tx_queued) */
};

/* A frame copied out of the ring: one sent again, or kept after being sent again. */
struct frame_copy {
	uint32_t len;
	uint32_t flags;
	uint8_t data[NET_MAX_FRAME];
};

struct kept {
	const uint8_t *data;          /* NULL: none; in the transmit ring, or in resent[] */
	uint32_t len, flags;
	uint32_t sent_at;             /* when the driver took it */
};

struct iface {
	struct netif netif;
	char name[INET_IFNAME_MAX];
	char label[INET_LABEL_MAX];
	endpoint_t driver;               /* EP_NONE: dead or restarting */
	uint32_t offload;                /* NET_FRAME_CSUM: its NIC fills in IPv4 and TCP checksums */
	uint32_t rx_hold;                /* largest frames its NIC holds (0: no limit): see eth_window_cap */
	struct inet_ifinfo info;         /* counters and what the driver said */
	struct frame queue[QUEUE_SLOTS];
	uint32_t head, count;
	struct txring ring;              /* the queue's frames and the kept ones, as batch records */
	int waiting;                     /* the driver's ring was full: it notifies us when there is room */
	struct kept recent[RECENT];      /* the last frames the driver took, a ring */
	struct frame_copy resent[RECENT];  /* copies of those sent from outside the ring (resend_in_flight) */
	uint32_t recent_next;
	uint32_t lost_at;                /* when we saw the driver gone (0: we did not) */
	endpoint_t retry_ep;             /* NET_INIT to it was refused (EPERM): try again */
	uint32_t retry_at, tries;
	struct quiet quiet;              /* is the driver deaf? */
	uint32_t refused;                /* batches the driver refused in a row */
	uint32_t syns_again, syn_again_at, syn_last_at;   /* SYNs peers sent again: how many, since
	                                    when, the last one when (syn_again) */
	int syn_again_spent;             /* a restart for them was asked, with no calm since */
	int heard;                       /* a frame arrived since the timers last ran */
	struct rx_area area;             /* lent with the last NET_SEND_BATCH of a flush */
	grant_id_t area_grant;           /* ... and posted with this grant, */
	int posted;                      /* ... if nothing came back at once */
	uint32_t async_n;                /* the first async_n waiting frames went as a NET_SEND_ASYNC batch
	                                    whose `sent` (in the area's header) is not read yet, */
	grant_id_t async_grant;          /* ... granted to the driver until then */
};

static struct iface ifaces[MAX_IFACES];
static int n_ifaces;
static const char *watched[MAX_DRIVERS];
static int n_watched;

static int deliver_batch(struct iface *i, const uint8_t *batch, struct net_batch_reply got);
static void receive(struct iface *i);
static void lost(struct iface *i);
static int async_known(struct iface *i);
static int async_settle(struct iface *i);
static uint32_t async_end(struct iface *i);
static void dead_batch(struct iface *i, uint32_t n);

/* The interface's receive area, its header zeroed, granted to the driver for it to write. */
static grant_id_t lend_area(struct iface *i)
{
	i->area.h = (struct net_rx_area_hdr){ 0, 0, 0, 0 };
	return grant_direct(i->driver, &i->area, sizeof i->area, GRANT_WRITE);
}

/* A request of the driver protocol (rx_grant: a receive area, or GRANT_INVALID). */
static void net_req(message *m, int type, grant_id_t g, uint32_t len, uint32_t count, grant_id_t rx_grant,
                    uint32_t flags)
{
	m->m_type = type;
	m->net_req = (struct net_req){ NET_VERSION, g, len, count, rx_grant,
	                               rx_grant == GRANT_INVALID ? 0 : sizeof(struct rx_area), flags };
}

/*
 * One protocol call with buf granted to the driver for its duration (count:
 * NET_SEND_BATCH's frames); with_area: the interface's receive area lent as
 * NET_SEND_BATCH's (posted, if nothing came back at once: the grant then
 * stays until end_post).
 */
static int net_call_rx(struct iface *i, int type, void *buf, uint32_t len, uint32_t count, uint32_t rights,
                       int with_area, message *m)
{
	grant_id_t g = GRANT_INVALID, rg = GRANT_INVALID;
	int r;

	memset(m, 0, sizeof *m);                   /* a call that fails here has no reply to read */
	if (buf) {
		g = grant_direct(i->driver, buf, len, rights);
		if (g < 0)
			return g;
	}
	if (with_area) {
		rg = lend_area(i);
		if (rg < 0) {
			r = rg;
			goto revoke;
		}
	}
	net_req(m, type, g, len, count, rg, with_area ? NET_RX_POST : 0);
	r = ipc_sendrec(i->driver, m);
	r = r < 0 ? r : m->m_type;
	if (with_area && r != -ESRCH && i->area.h.frames == 0) {
		i->area_grant = rg;                   /* posted: the driver fills it when frames come */
		i->posted = 1;
	} else if (with_area) {
		grant_revoke(rg);
	}
revoke:
	if (buf)
		grant_revoke(g);
	return r;
}

/* The posted receive area, if any, back from the driver: it can no longer write there. */
static void end_post(struct iface *i)
{
	if (!i->posted)
		return;
	grant_revoke(i->area_grant);
	i->posted = 0;
}

/* The driver is gone or replaced: its posted area back, and what it put there not taken. */
static void drop_post(struct iface *i)
{
	end_post(i);
	i->area.h = (struct net_rx_area_hdr){ 0, 0, 0, 0 };
}

static int net_call(struct iface *i, int type, void *buf, uint32_t len, uint32_t rights, message *m)
{
	return net_call_rx(i, type, buf, len, 0, rights, 0, m);
}

/* The driver is gone: its asynchronous batch done as it answered, or, unanswered, as one it died in. */
static void async_gone(struct iface *i)
{
	if (async_known(i) == -EAGAIN)
		dead_batch(i, async_end(i));
}

/* The driver is gone: what waits goes to its successor, once the data store names it. */
static void lost(struct iface *i)
{
	uint32_t k;

	async_gone(i);
	for (k = 0; k < i->count; k++)
		i->queue[(i->head + k) % QUEUE_SLOTS].restart = 1;
	if (i->driver != EP_NONE) {
		printf("inet: %s: driver %s (endpoint %d) is gone; waiting for its next incarnation\n",
		       i->name, i->label, (int)i->driver);
		i->lost_at = sys_uptime_ms();
	}
	drop_post(i);
	i->driver = EP_NONE;
}

static void copy_frame(struct frame_copy *c, const uint8_t *data, uint32_t len, uint32_t flags)
{
	c->len = len;
	c->flags = flags;
	memcpy(c->data, data, len);
}

/* Remember a frame the driver took, for a while (see resend_in_flight): copied only if not in the ring. */
static void keep(struct iface *i, const uint8_t *data, uint32_t len, uint32_t flags)
{
	uint32_t k = i->recent_next++ % RECENT;

	if (!txring_holds(&i->ring, data)) {
		copy_frame(&i->resent[k], data, len, flags);
		data = i->resent[k].data;
	}
	i->recent[k] = (struct kept){ data, len, flags, sys_uptime_ms() };
}

/* Would resend_in_flight send kept frame r again: taken in the last IN_FLIGHT_MS before the driver was lost (or now)? */
static int in_flight(const struct iface *i, const struct kept *r)
{
	uint32_t since = (i->lost_at ? i->lost_at : sys_uptime_ms()) - IN_FLIGHT_MS;

	return r->data && (int32_t)(r->sent_at - since) >= 0;
}

/*
 * The frame data of the oldest record in the transmit ring still needed (a
 * kept frame's that may still be sent again, else the first waiting
 * frame's), or NULL: the ring's records are placed, taken and kept in the
 * same order. (A kept frame past IN_FLIGHT_MS holds nothing: frames the
 * driver refused after it would otherwise keep the ring full for good.)
 */
static const uint8_t *oldest_needed(const struct iface *i)
{
	const struct kept *r;
	uint32_t k;

	for (k = 0; k < RECENT; k++) {
		r = &i->recent[(i->recent_next + k) % RECENT];
		if (in_flight(i, r) && txring_holds(&i->ring, r->data))
			return r->data;
	}
	return i->count ? i->queue[i->head].data : NULL;
}

/* Send one frame now: 0, -EAGAIN (no room: the driver notifies us), or another error. */
static int transmit(struct iface *i, struct frame_copy *f)
{
	message m;
	int r;

	if (i->driver == EP_NONE)
		return -EAGAIN;
	if (f->flags & NET_FRAME_CSUM)
		net_fill_checksums(f->data, f->len);     /* (NET_SEND carries no flags) */
	r = net_call(i, NET_SEND, f->data, f->len, GRANT_READ, &m);
	if (r == -ESRCH) {
		lost(i);
		return -EAGAIN;
	}
	if (r == 0) {
		i->info.tx_frames++;
		i->info.tx_bytes += f->len;
		keep(i, f->data, f->len, f->flags);
	}
	return r;
}

/* The frames the dead driver took in its last IN_FLIGHT_MS, once more, oldest first. */
static void resend_in_flight(struct iface *i)
{
	static struct frame_copy again[RECENT];
	uint32_t n = 0, k;

	for (k = 0; k < RECENT; k++) {
		struct kept *r = &i->recent[(i->recent_next + k) % RECENT];

		if (in_flight(i, r) && frame_resendable(r->data, r->len))
			copy_frame(&again[n++], r->data, r->len, r->flags);
		r->data = NULL;
	}
	for (k = 0; k < n && transmit(i, &again[k]) == 0; k++)
		i->info.tx_resent++;
}

/* The first n waiting frames went to the driver (taken: it took them; else it refused them). */
static void sent(struct iface *i, uint32_t n, int taken)
{
	struct frame *f;

	while (n--) {
		f = &i->queue[i->head];
		if (!taken) {
			i->info.tx_dropped++;         /* the driver refused it: no point retrying */
		} else {
			i->info.tx_frames++;
			i->info.tx_bytes += f->len;
			keep(i, f->data, f->len, f->flags);
			i->info.tx_resent += f->restart != 0;
		}
		i->head = (i->head + 1) % QUEUE_SLOTS;
		i->count--;
	}
}

/*
 * The driver died in a NET_SEND_BATCH of the first n waiting frames: it may
 * have sent some. They wait for its next incarnation, as frames in flight
 * do, except a TCP SYN, which is left to TCP's own retransmission (resend.c).
 */
static void dead_batch(struct iface *i, uint32_t n)
{
	uint32_t k, kept = 0;
	struct frame *f;

	for (k = 0; k < i->count; k++) {
		f = &i->queue[(i->head + k) % QUEUE_SLOTS];
		if (k < n && !frame_resendable(f->data, f->len)) {
			i->info.tx_dropped++;
			continue;
		}
		if (kept != k)
			i->queue[(i->head + kept) % QUEUE_SLOTS] = *f;
		kept++;
	}
	i->count = kept;
}

/* The frames still waiting could not go at once: counted (once each) in tx_queued. */
static void left_waiting(struct iface *i)
{
	uint32_t k;
	struct frame *f;

	i->waiting = i->count > i->async_n && i->driver != EP_NONE;
	for (k = i->async_n; k < i->count; k++) {
		f = &i->queue[(i->head + k) % QUEUE_SLOTS];
		i->info.tx_queued += !f->waited;
		f->waited = 1;
	}
}

/* Have i's driver restarted (a broken one that answers everyone: the driver manager cannot tell). */
static void ask_restart(struct iface *i)
{
	int r = dm_restart(i->label);

	if (r < 0)
		printf("inet: %s: the driver manager refused to restart %s: %d (is inet among the clients "
		       "its policy names?)\n", i->name, i->label, r);
}

/*
 * The driver refused a batch of inet's own (well-formed: a correct driver
 * takes it, or says its ring is full) or answered nonsense: its first frame
 * is dropped. A driver that does this REFUSED_MAX times in a row, taking
 * nothing in between, is broken though it answers everyone (a fault in its
 * send path): inet asks the driver manager to restart it.
 */
static void refused(struct iface *i, int r)
{
	sent(i, 1, 0);
	if (++i->refused < REFUSED_MAX)
		return;
	i->refused = 0;
	printf("inet: %s: %s (endpoint %d) refused %d batches in a row (the last: %d); asking the driver "
	       "manager to restart it\n", i->name, i->label, (int)i->driver, REFUSED_MAX, r);
	ask_restart(i);
}

/*
 * What the driver put into the receive area goes up into lwIP (only where
 * lwIP may be entered: not from its own output, link_output), and if it
 * said more wait, those too (receive). 1 if it held frames.
 */
static int take_area(struct iface *i)
{
	struct net_rx_area_hdr h = i->area.h;

	i->area.h = (struct net_rx_area_hdr){ 0, 0, 0, 0 };
	if (h.frames == 0)
		return 0;
	if (deliver_batch(i, i->area.batch, (struct net_batch_reply){ h.frames, h.bytes, h.left }) == 0 && h.left)
		receive(i);
	return 1;
}

/*
 * The posted area, if the driver has put frames there: back (revoked) and
 * its frames up; 1 if it had. An empty one stays posted. (The first look
 * at its header is only a peek: it is read again once the grant is gone.)
 */
static int take_post(struct iface *i)
{
	if (!i->posted || !*(volatile uint32_t *)&i->area.h.frames)
		return 0;
	async_settle(i);                      /* (the driver wrote `sent` before the frames) */
	end_post(i);
	return take_area(i);
}

/*
 * The driver answered r to a NET_SEND_BATCH of the first n waiting frames
 * (its reply, or an asynchronous batch's `sent`). 1 if the next batch may
 * go; 0 if not (the driver died, or its ring is full: it notifies us when
 * there is room).
 */
static int batch_done(struct iface *i, uint32_t n, int r)
{
	if (r == -ESRCH) {
		dead_batch(i, n);                 /* nothing of the batch counts as taken */
		lost(i);
	}
	if (r == -ESRCH || r == -EAGAIN)
		return 0;
	if (r <= 0 || (uint32_t)r > n) {
		refused(i, r);
		return 1;
	}
	i->refused = 0;
	i->info.tx_batches++;
	sent(i, (uint32_t)r, 1);
	return (uint32_t)r == n;
}

/*
 * The flush's last batch (the n waiting frames, len bytes at buf), the
 * receive area lent with it, sent without waiting for the driver
 * (NET_SEND_ASYNC): the switch back that a reply costs is saved, and inet
 * answers the programs meanwhile. 0; else nothing was sent (-EAGAIN: the
 * driver is not waiting for a request; the batch then goes as a call).
 * The batch's grant and the area stay the driver's until async_settle.
 */
static int send_async(struct iface *i, void *buf, uint32_t len, uint32_t n)
{
	grant_id_t g, rg;
	message m;
	int r;

	g = grant_direct(i->driver, buf, len, GRANT_READ);
	if (g < 0)
		return g;
	rg = lend_area(i);
	r = rg;
	if (rg < 0)
		goto revoke;
	net_req(&m, NET_SEND_BATCH, g, len, n, rg, NET_RX_POST | NET_SEND_ASYNC);
	r = ipc_sendnb(i->driver, &m);
	if (r < 0)
		goto revoke_area;
	i->async_n = n;
	i->async_grant = g;
	i->area_grant = rg;
	i->posted = 1;
	i->info.tx_async_batches++;
	return 0;
revoke_area:
	grant_revoke(rg);
revoke:
	grant_revoke(g);
	return r;
}

/* The asynchronous batch is the driver's no longer (its grant revoked): how many frames it held. */
static uint32_t async_end(struct iface *i)
{
	uint32_t n = i->async_n;

	grant_revoke(i->async_grant);
	i->async_n = 0;
	return n;
}

/*
 * The asynchronous batch, if the driver has written its `sent`: done as
 * its reply would have been. batch_done's answer (1 also if none is
 * outstanding); -EAGAIN if it has not written `sent` yet (the batch and
 * the area stay the driver's).
 */
static int async_known(struct iface *i)
{
	int32_t r = *(volatile int32_t *)&i->area.h.sent;

	if (!i->async_n)
		return 1;
	if (!r)
		return -EAGAIN;
	return batch_done(i, async_end(i), r == -ESRCH ? -EINVAL : r);   /* (-ESRCH would say it died) */
}

/*
 * The asynchronous batch settled now: if the driver has not served it yet,
 * a call first (NET_STATS, for 4 bytes), which it serves after the batch.
 * A driver that served it without writing `sent` refused it; one that died
 * first took nothing of it (lost). 1 if the next batch may go.
 */
static int async_settle(struct iface *i)
{
	static uint32_t word;
	message m;
	int r = async_known(i);

	if (r != -EAGAIN)
		return r;
	if (net_call(i, NET_STATS, &word, sizeof word, GRANT_WRITE, &m) == -ESRCH) {
		lost(i);
		return 0;
	}
	r = async_known(i);
	return r != -EAGAIN ? r : batch_done(i, async_end(i), -EINVAL);
}

/*
 * How many waiting frames, from the first, make the next batch: those that
 * lie back to back in the transmit ring (a wrap, or frames dropped from
 * the middle, end a batch), at most NET_BATCH_FRAMES; *bytes: its size.
 */
static uint32_t next_batch(const struct iface *i, uint32_t *bytes)
{
	const struct frame *f = &i->queue[i->head], *next;
	uint32_t n;

	*bytes = NET_RECORD_BYTES(f->len);
	for (n = 1; n < i->count && n < NET_BATCH_FRAMES; n++, f = next) {
		next = &i->queue[(i->head + n) % QUEUE_SLOTS];
		if (next->data != txring_after(f->data, f->len))
			break;
		*bytes += NET_RECORD_BYTES(next->len);
	}
	return n;
}

/*
 * Send what waits, in order, a batch (NET_SEND_BATCH) at a time, while the
 * driver takes it, once the asynchronous batch before is settled. With up
 * (where lwIP may be entered, see take_area), the posted area's frames go
 * up first, and the last batch lends the area again and goes
 * asynchronously (send_async): what arrives later comes in the area, which
 * stays posted. 1 if frames went up.
 */
static int flush(struct iface *i, int up)
{
	uint32_t used, n;
	message m;
	int r, lend, lent = 0, took = up ? take_post(i) : 0;

	r = i->count > i->async_n ? async_settle(i) : async_known(i);
	if (r <= 0 || i->async_n) {           /* the driver's ring is full (it notifies us when it has */
		left_waiting(i);                  /* room), or the asynchronous batch is all that waits */
		return took;
	}
	if (up && i->count && i->posted) {
		end_post(i);                      /* (the area goes with the last batch) */
		took |= take_area(i);             /* (what the driver put there since take_post looked) */
	}
	i->waiting = 0;
	while (i->count && i->driver != EP_NONE) {
		n = next_batch(i, &used);
		lend = up && n == i->count && !i->posted && !lent;
		lent |= lend;
		if (lend && send_async(i, txring_record(i->queue[i->head].data), used, n) == 0)
			break;                        /* (its outcome is read when it matters: async_settle) */
		r = net_call_rx(i, NET_SEND_BATCH, txring_record(i->queue[i->head].data), used, n, GRANT_READ, lend, &m);
		if (!batch_done(i, n, r))
			break;
	}
	left_waiting(i);
	return (lent && !i->posted ? take_area(i) : 0) | took;
}

/*
 * The end of a request or notification: what lwIP sent meanwhile goes to
 * the drivers, and what came back with it goes up. What that made in turn
 * (ACKs for the data that came back, the next segment the ACKs let go)
 * waits until the programs inet answered have had their turn: their next
 * requests add to it, and it all goes in one batch, not one batch for
 * what came back and another for what they asked (each batch is a round
 * trip to the driver: two address-space switches). 1 if frames wait so
 * (inet then runs again as soon as the CPU is otherwise idle, at most
 * 2 ms later: SERVER_WHEN_IDLE).
 */
int eth_flush(void)
{
	int n, later = 0;
	struct iface *i;

	for (n = 0; n < n_ifaces; n++) {
		i = &ifaces[n];
		if (!i->waiting)
			flush(i, 1);
		later |= i->count > i->async_n && !i->waiting && i->driver != EP_NONE;
	}
	return later;
}

/*
 * lwIP's output: one complete Ethernet frame in p. It waits in the queue
 * until the end of the request or notification that produced it
 * (eth_flush), so that what one event makes (a window of TCP segments, the
 * ACKs for a burst received) goes to the driver in one NET_SEND_BATCH, not a
 * call a frame; a full batch goes at once.
 */
static err_t link_output(struct netif *netif, struct pbuf *p)
{
	struct iface *i = netif->state;
	struct frame *f;
	uint32_t flags;
	uint8_t *data;

	if (p->tot_len > NET_MAX_FRAME || p->tot_len < NET_HEADER_BYTES) {
		i->info.tx_dropped++;
		return ERR_VAL;
	}
	flags = i->offload && pbuf_get_at(p, 12) == 0x08 && pbuf_get_at(p, 13) == 0x00 ?
	        NET_FRAME_CSUM : 0;         /* IPv4: lwIP left its checksums to the NIC (use_offload) */
	data = i->count == TX_QUEUE ? NULL :
	       txring_put(&i->ring, oldest_needed(i), p->tot_len, flags, i->count == 0);   /* (first of a batch) */
	if (!data) {
		i->info.tx_dropped++;            /* TCP will send it again */
		return ERR_OK;
	}
	f = &i->queue[(i->head + i->count) % QUEUE_SLOTS];
	f->data = data;
	f->len = pbuf_copy_partial(p, data, p->tot_len, 0);
	f->flags = flags;
	f->restart = i->driver == EP_NONE;
	f->waited = 0;
	i->count++;
	if (i->count >= NET_BATCH_FRAMES && !i->waiting)
		flush(i, 0);                     /* (inside lwIP's output: nothing goes up from here) */
	return ERR_OK;
}

/*
 * p up into lwIP; with tcp_checked, a TCP segment whose checksum was
 * checked already (coalesce.c), which lwIP then does not check again.
 */
static void up(struct iface *i, struct pbuf *p, int tcp_checked)
{
	u16_t flags = i->netif.chksum_flags;

	i->heard = 1;
	if (tcp_checked)
		NETIF_SET_CHECKSUM_CTRL(&i->netif, flags & ~NETIF_CHECKSUM_CHECK_TCP);
	if (i->netif.input(p, &i->netif) != ERR_OK)
		pbuf_free(p);
	NETIF_SET_CHECKSUM_CTRL(&i->netif, flags);
}

/* A pbuf for len bytes of frames received, or NULL: those frames (n of them) dropped. */
static struct pbuf *rx_pbuf(struct iface *i, uint32_t len, uint32_t n)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);

	if (!p)
		i->info.rx_dropped += n;
	return p;
}

/*
 * A peer sent its SYN again to a connection we had answered: our SYN-ACK
 * never reached it. On QEMU's wire nothing is lost but what a driver loses,
 * and a driver that restarted has it sent again at once (tcp.c); SYN_AGAIN_MAX
 * of them, each within SYN_AGAIN_WINDOW_MS of the last, say the driver's
 * frames go nowhere (a driver that takes every batch and garbles what it
 * sends: the peers' retransmissions keep the deaf-driver watch quiet), so
 * have it restarted.
 * A peer can repeat its SYN on purpose, too: once a restart was asked for,
 * repeats that go on are not the driver's, and no other restart is asked
 * until SYN_AGAIN_WINDOW_MS pass without one (a peer playing this game gets
 * at most one restart, a few frames, per half minute).
 */
static void syn_again(struct iface *i)
{
	uint32_t now = sys_uptime_ms();

	if (now - i->syn_last_at > SYN_AGAIN_WINDOW_MS)
		i->syns_again = i->syn_again_spent = 0;   /* calm since the last repeat: count afresh */
	i->syn_last_at = now;
	if (!i->syns_again)
		i->syn_again_at = now;
	if (++i->syns_again < SYN_AGAIN_MAX || i->syn_again_spent)
		return;                           /* (repeats that outlive a restart are not the driver's) */
	i->syns_again = 0;
	i->syn_again_spent = 1;
	printf("inet: %s: peers sent their SYN again %u times in %u ms: our answers do not get out; "
	       "asking the driver manager to restart %s (endpoint %d)\n", i->name, SYN_AGAIN_MAX,
	       now - i->syn_again_at, i->label, (int)i->driver);
	ask_restart(i);
}

/* Hand one received frame to lwIP (tcp_checked: as up's). */
static void deliver(struct iface *i, const uint8_t *data, uint32_t len, int tcp_checked)
{
	struct pbuf *p;

	i->info.rx_frames++;
	i->info.rx_bytes += len;
	if (!(p = rx_pbuf(i, len, 1)))
		return;
	pbuf_take(p, data, (u16_t)len);
	if (tcp_bare_syn(data, len))
		syn_again(i);
	up(i, p, tcp_checked);
}

/*
 * segs[0..n-1] (n >= 2, checked and in order: coalesce.h) up as one
 * segment, then its ACK. In one piece from lwIP's heap, if it has room
 * (else a chain from the pool): a chain of 22 pool buffers cost a walk from
 * its head for every segment put in, and the program's read a copy per
 * buffer, about 1,000 instructions per segment.
 */
static void deliver_merged(struct iface *i, const struct rx_seg *segs, uint32_t n)
{
	uint8_t hdrs[RX_HDRS_MAX];
	uint32_t k, at = segs[0].hdrs;
	struct pbuf *p;

	for (k = 0; k < n; k++) {
		i->info.rx_frames++;
		i->info.rx_bytes += segs[k].len;
	}
	p = pbuf_alloc(PBUF_RAW, (u16_t)rx_merged_len(segs, n), PBUF_RAM);
	if (!p && !(p = rx_pbuf(i, rx_merged_len(segs, n), n)))
		return;
	i->info.rx_coalesced += n;
	rx_merged_headers(segs, n, hdrs);
	pbuf_take(p, hdrs, (u16_t)segs[0].hdrs);
	for (k = 0; k < n; at += segs[k].payload, k++)
		pbuf_take_at(p, segs[k].frame + segs[k].hdrs, (u16_t)segs[k].payload, (u16_t)at);
	up(i, p, 1);
	tcp_ack_coalesced(&segs[0].ends);
}

/* The run of segments gathered so far (*n of them) up: merged if more than one and TCP lets it. */
static void run_up(struct iface *i, const struct rx_seg *segs, uint32_t *n)
{
	uint32_t k;

	if (*n > 1 && tcp_may_merge(&segs[0].ends))
		deliver_merged(i, segs, *n);
	else
		for (k = 0; k < *n; k++)
			deliver(i, segs[k].frame, segs[k].len, 1);
	*n = 0;
}

/* May s join the run segs[0..n-1] (n >= 1)? */
static int joins(const struct rx_seg *segs, uint32_t n, const struct rx_seg *s)
{
	return n < NET_BATCH_FRAMES && rx_follows(&segs[n - 1], s) &&
	       rx_merged_len(segs, n) + s->payload <= RX_MERGE_MAX;
}

/* The driver returned a batch that does not check out: counted, and said once. */
static void bad_batch(struct iface *i, const struct net_batch_reply *got)
{
	if (i->info.rx_bad_batches++ == 0)
		printf("inet: %s: driver %s returned a batch that does not check out (%u frames, %u bytes); "
		       "its frames are lost (further ones only counted)\n", i->name, i->label, got->frames, got->bytes);
}

/*
 * The frames of a batch the driver returned (got: how many, their bytes) up
 * into lwIP, whose timers run now and then; -EINVAL, taking none, if the
 * batch does not check out (the driver has dropped them). A run of one
 * connection's data segments in order goes up as one (coalesce.h).
 */
static int deliver_batch(struct iface *i, const uint8_t *batch, struct net_batch_reply got)
{
	static uint32_t delivered;
	struct rx_seg run[NET_BATCH_FRAMES], seg;
	uint32_t off = 0, len, k, n = 0;
	const uint8_t *frame;

	if (net_batch_check(batch, got.bytes, got.frames) < 0) {
		bad_batch(i, &got);
		return -EINVAL;
	}
	i->info.rx_batches++;
	for (k = 0; k < got.frames; k++) {
		frame = net_batch_next(batch, &off, &len);
		if (!rx_segment(frame, len, &seg)) {
			run_up(i, run, &n);           /* (what came before it goes up first) */
			deliver(i, frame, len, 0);
		} else {
			if (n && !joins(run, n, &seg))
				run_up(i, run, &n);
			run[n++] = seg;
		}
		if (++delivered % RX_BURST == 0)
			sys_check_timeouts();
	}
	run_up(i, run, &n);
	return 0;
}

/* Take every frame the driver holds for us, a batch (NET_RECV_BATCH) at a time, until it says none is left. */
static void receive(struct iface *i)
{
	static uint8_t batch[NET_BATCH_BYTES];
	message m;
	int r;

	take_post(i);                         /* (older than what the driver still holds) */
	while (i->driver != EP_NONE) {
		r = net_call(i, NET_RECV_BATCH, batch, sizeof batch, GRANT_WRITE, &m);
		if (r == -ESRCH)
			lost(i);                      /* what it copied before it died is not taken */
		if (r <= 0)
			return;
		if (m.net_batch_reply.frames != (uint32_t)r) {
			m.net_batch_reply.frames = (uint32_t)r;
			bad_batch(i, &m.net_batch_reply);
			return;
		}
		if (deliver_batch(i, batch, m.net_batch_reply) < 0 || m.net_batch_reply.left == 0)
			return;                       /* the next frame to arrive is notified */
	}
}

static void status_changed(struct netif *netif)
{
	struct iface *i = netif->state;
	char a[16], m[16], g[16];

	if (!netif_is_up(netif) || ip4_addr_isany_val(*netif_ip4_addr(netif)))
		return;
	printf("inet: %s: address %s netmask %s gateway %s%s\n", i->name,
	       ip4addr_ntoa_r(netif_ip4_addr(netif), a, sizeof a),
	       ip4addr_ntoa_r(netif_ip4_netmask(netif), m, sizeof m),
	       ip4addr_ntoa_r(netif_ip4_gw(netif), g, sizeof g),
	       dhcp_supplied_address(netif) ? " (DHCP)" : "");
}

static err_t netif_setup(struct netif *netif)
{
	struct iface *i = netif->state;

	netif->name[0] = 'e';
	netif->name[1] = 't';
	netif->output = etharp_output;
	netif->linkoutput = link_output;
	netif->mtu = 1500;
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, i->info.mac, ETH_HWADDR_LEN);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	return ERR_OK;
}

/* First attach: the interface joins lwIP with its configuration. */
static void bring_up(struct iface *i, int n)
{
	const struct if_config *c = inet_config(n);

	netif_add(&i->netif, c->dhcp ? IP4_ADDR_ANY4 : &c->addr, c->dhcp ? IP4_ADDR_ANY4 : &c->netmask,
	          c->dhcp ? IP4_ADDR_ANY4 : &c->gateway, i, netif_setup, ethernet_input);
	netif_set_status_callback(&i->netif, status_changed);
	if (n == 0)
		netif_set_default(&i->netif);
	netif_set_up(&i->netif);
	if (c->dhcp)
		dhcp_start(&i->netif);
}

/*
 * What the driver's NIC fills in, lwIP leaves to it: the IPv4 header and
 * TCP checksums (NET_FRAME_CSUM; every IPv4 frame then goes with the flag).
 * lwIP still checks every checksum it receives, and makes UDP's and ICMP's.
 */
static void use_offload(struct iface *i, uint32_t offload)
{
	i->offload = offload & NET_FRAME_CSUM;
	NETIF_SET_CHECKSUM_CTRL(&i->netif, i->offload ? NETIF_CHECKSUM_ENABLE_ALL &
	                        ~(NETIF_CHECKSUM_GEN_IP | NETIF_CHECKSUM_GEN_TCP) : NETIF_CHECKSUM_ENABLE_ALL);
}

/* NET_INIT to a (new) driver endpoint; then what waited goes out. */
static void attach(struct iface *i, endpoint_t ep)
{
	int first = i->info.attaches == 0;
	message m;
	int r;

	async_gone(i);                       /* (sent to the incarnation before, if it was not seen to go) */
	drop_post(i);                        /* (lent to it) */
	i->driver = ep;
	r = net_call(i, NET_INIT, NULL, 0, 0, &m);
	i->retry_ep = EP_NONE;
	if (r == -EPERM && i->tries++ < ATTACH_TRIES) {
		/* the data store named it before the driver manager let us send to it */
		i->driver = EP_NONE;
		i->retry_ep = ep;
		i->retry_at = sys_uptime_ms() + ATTACH_RETRY_MS;
		return;
	}
	if (r < 0) {
		printf("inet: %s: NET_INIT to %s (endpoint %d) failed: %d\n", i->name, i->label, (int)ep, r);
		i->driver = EP_NONE;
		return;
	}
	i->tries = 0;
	i->info.attaches++;
	quiet_attached(&i->quiet, sys_uptime_ms());
	i->refused = 0;
	i->info.link = m.net_init_reply.link;
	if (!first && memcmp(i->info.mac, m.net_init_reply.mac, 6)) {
		memcpy(i->info.mac, m.net_init_reply.mac, 6);
		memcpy(i->netif.hwaddr, i->info.mac, 6);
		etharp_gratuitous(&i->netif);    /* tell the neighbours our new address */
	}
	memcpy(i->info.mac, m.net_init_reply.mac, 6);
	i->rx_hold = m.net_init_reply.rx_hold;
	printf("inet: %s %s %s (endpoint %d), MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s%s\n", i->name,
	       first ? "attached to" : "re-attached to", i->label, (int)ep, i->info.mac[0], i->info.mac[1],
	       i->info.mac[2], i->info.mac[3], i->info.mac[4], i->info.mac[5], i->info.link ? "up" : "down",
	       m.net_init_reply.offload & NET_FRAME_CSUM ? ", IPv4 and TCP checksums by the NIC" : "");
	if (first && i->rx_hold)
		printf("inet: %s: its NIC holds %u frames until the driver takes them: TCP windows kept to %u bytes\n",
		       i->name, i->rx_hold, eth_window_cap(&i->netif));
	if (first)
		bring_up(i, (int)(i - ifaces));
	use_offload(i, m.net_init_reply.offload);
	if (i->info.link)
		netif_set_link_up(&i->netif);
	else
		netif_set_link_down(&i->netif);
	if (!first)
		resend_in_flight(i);
	i->lost_at = 0;
	i->syns_again = 0;                    /* (what the last incarnation lost is its own) */
	flush(i, 1);
	if (!first)
		i->info.tx_syn_again += sock_driver_restarted();
	receive(i);
}

static struct iface *by_label(const char *label)
{
	int n;

	for (n = 0; n < n_ifaces; n++)
		if (!strcmp(ifaces[n].label, label))
			return &ifaces[n];
	return NULL;
}

static int is_watched(const char *label)
{
	int n;

	for (n = 0; n < n_watched; n++)
		if (!strcmp(watched[n], label))
			return 1;
	return 0;
}

/* A new interface for a driver label seen for the first time, or NULL if all are taken. */
static struct iface *new_iface(const char *label)
{
	struct iface *i;

	if (n_ifaces == MAX_IFACES) {
		printf("inet: no interface left for %s (at most %d)\n", label, MAX_IFACES);
		return NULL;
	}
	i = &ifaces[n_ifaces];
	snprintf(i->name, sizeof i->name, "eth%d", n_ifaces);
	snprintf(i->label, sizeof i->label, "%s", label);
	i->driver = EP_NONE;
	i->retry_ep = EP_NONE;
	quiet_init(&i->quiet, sys_uptime_ms());
	n_ifaces++;
	return i;
}

void eth_ds_news(void)
{
	char key[DS_KEY_MAX];
	struct iface *i;
	uint32_t value;
	int deleted;

	while (ds_check(key, &value, &deleted) == 0) {
		if (!is_watched(key))
			continue;
		i = by_label(key);
		if (deleted) {
			if (i) {
				lost(i);
				i->retry_ep = EP_NONE;
			}
			continue;
		}
		if (!i)
			i = new_iface(key);
		if (i && (endpoint_t)value != i->driver)
			attach(i, (endpoint_t)value);
	}
}

int eth_watch(const char *const labels[], int n)
{
	int k, r;

	if (n > MAX_DRIVERS)
		return -E2BIG;
	for (k = 0; k < n; k++) {
		if (strlen(labels[k]) >= INET_LABEL_MAX)
			return -ENAMETOOLONG;
		r = ds_subscribe(labels[k]);
		if (r < 0)
			return r;
		watched[n_watched++] = labels[k];
	}
	eth_ds_news();                       /* drivers already running count as news */
	return 0;
}

int eth_notified(endpoint_t who)
{
	int n, took;

	for (n = 0; n < n_ifaces; n++) {
		if (ifaces[n].driver == who) {
			took = take_post(&ifaces[n]);  /* the notification's news, without a NET_RECV_BATCH */
			flush(&ifaces[n], 1);
			if (!took)
				receive(&ifaces[n]);
			return 1;
		}
	}
	return 0;
}

/* Nothing received for a while, not even the probe's answer: have the driver restarted. */
static void deaf(struct iface *i, uint32_t silent_ms)
{
	printf("inet: %s: nothing received for %u ms, not even an answer to an ARP probe of the gateway: "
	       "%s (endpoint %d) seems deaf; asking the driver manager to restart it\n", i->name,
	       silent_ms, i->label, (int)i->driver);
	ask_restart(i);
}

/* The deaf-driver watch (quiet.c) on one interface; ms until it wants to run again (0: never). */
static uint32_t watch_quiet(struct iface *i, uint32_t now)
{
	const ip4_addr_t *gw = netif_ip4_gw(&i->netif);
	uint32_t next, silent_ms;

	if (i->heard)
		quiet_heard(&i->quiet, now);
	i->heard = 0;
	if (i->driver == EP_NONE || !i->info.link || !netif_is_up(&i->netif) || ip4_addr_isany(gw)) {
		quiet_attached(&i->quiet, now);          /* no frame is to be expected: no silence to count */
		return 0;
	}
	silent_ms = now - i->quiet.heard_at;
	switch (quiet_check(&i->quiet, now, &next)) {
	case QUIET_PROBE: etharp_request(&i->netif, gw); break;
	case QUIET_DEAF:  deaf(i, silent_ms); break;
	case QUIET_NOTHING: break;
	}
	return next ? next : 1;
}

static uint32_t earlier(uint32_t a, uint32_t b)
{
	return !a || (b && b < a) ? b : a;
}

uint32_t eth_timers(void)
{
	uint32_t now = sys_uptime_ms(), next = 0;
	struct iface *i;
	int n;

	for (n = 0; n < n_ifaces; n++) {
		i = &ifaces[n];
		next = earlier(next, watch_quiet(i, now));
		if (i->retry_ep == EP_NONE)
			continue;
		if ((int32_t)(now - i->retry_at) >= 0)
			attach(i, i->retry_ep);
		if (i->retry_ep != EP_NONE)
			next = earlier(next, i->retry_at - now ? i->retry_at - now : 1);
	}
	return next;
}

int eth_info(uint32_t n, struct inet_ifinfo *out)
{
	struct iface *i;

	if (n >= (uint32_t)n_ifaces)
		return -ENOENT;
	i = &ifaces[n];
	async_known(i);                      /* (the counters include an asynchronous batch served since) */
	*out = i->info;
	memcpy(out->name, i->name, sizeof out->name);
	memcpy(out->label, i->label, sizeof out->label);
	out->driver = i->driver;
	out->configured = !ip4_addr_isany_val(*netif_ip4_addr(&i->netif));
	out->dhcp = dhcp_supplied_address(&i->netif);
	out->addr = ip4_addr_get_u32(netif_ip4_addr(&i->netif));
	out->netmask = ip4_addr_get_u32(netif_ip4_netmask(&i->netif));
	out->gateway = ip4_addr_get_u32(netif_ip4_gw(&i->netif));
	return 0;
}

/*
 * The receive window a TCP connection over netif may offer, at most: a NIC
 * that holds few frames (rx_hold) must not see more in one burst, so one
 * frame fewer than it holds is left for other traffic; TCP_WND otherwise.
 */
uint32_t eth_window_cap(const struct netif *netif)
{
	const struct iface *i;
	uint32_t cap;

	for (i = ifaces; i < ifaces + n_ifaces; i++) {
		if (&i->netif != netif || !i->rx_hold)
			continue;
		cap = i->rx_hold > 1 ? (i->rx_hold - 1) * TCP_MSS : TCP_MSS;
		return cap < TCP_WND ? cap : TCP_WND;
	}
	return TCP_WND;
}

struct netif *eth_netif(uint32_t n)
{
	return n < (uint32_t)n_ifaces ? &ifaces[n].netif : NULL;
}
