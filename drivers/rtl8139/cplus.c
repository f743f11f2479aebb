/*
 * rtl8139 C+ mode: descriptor rings, as the RTL8139C+ datasheet describes
 * them and as QEMU's chip (an RTL8139C+) is meant to be driven.
 *
 * Both rings are arrays of 16-byte descriptors (command/status with OWN,
 * EOR, FS, LS and a length; a VLAN word; the buffer's 64-bit address), 256-
 * byte aligned, the last one marked EOR. A descriptor whose OWN bit is set
 * is the chip's; it clears OWN when it is done with it.
 *
 * Receive: RX_DESCS descriptors, each with its own BUF_BYTES buffer, handed
 * to the chip with the buffer's size. The chip writes a frame and its CRC
 * into one buffer; one that does not fit it drops (QEMU) or spreads over
 * several descriptors (the datasheet): only a whole frame (FS and LS in one
 * descriptor), without error bits, of a length the buffer holds is
 * delivered, from its buffer (netdriver_received_in_place: no copy; the
 * chip writes RX_ROOM bytes in, leaving room for the record header the
 * client gets with it); the rest are counted. A descriptor goes back to
 * the chip when the client has its frame (rx_release), in ring order,
 * rewritten from our own table (address, size, EOR) first, so nothing the
 * chip wrote is used twice. (QEMU's chip drops a frame that finds its next
 * descriptor not its own, so the ring is as large as the library's queue
 * of received frames was.) No port access per frame.
 * Transmit: TX_DESCS descriptors with their own buffers; a frame costs a
 * copy and a descriptor, and a batch of them one write of TPPOLL (the
 * kick, after the last). A frame of a batch the library put into its
 * transmit area (TX_AREA, netdriver_tx_area) costs only the descriptor:
 * the chip reads it from there. Finished descriptors are reaped at the
 * next send, service or poll; the transmit interrupts are unmasked only
 * while a send finds the ring full (the library's tx_interrupt). (QEMU's
 * chip transmits everything the ring holds during the TPPOLL write itself,
 * so an interrupt for it would only cost a kernel round trip a batch.)
 * Restart: the chip's reset forgets the rings and turns C+ off; start()
 * builds fresh rings (every receive descriptor the chip's, no transmit
 * descriptor) before giving them to the chip.
 */
#include <string.h>
#include <bulkhead/errno.h>
#include "rtl8139.h"

#define TNPDS   0x20              /* transmit normal-priority descriptors: 64-bit address */
#define TPPOLL  0xd9              /* transmit priority polling */
#define CPCMD   0xe0              /* C+ command */
#define RDSAR   0xe4              /* receive descriptors: 64-bit address */

#define TPPOLL_NPQ  0x40          /* look at the normal-priority ring */
#define CPCMD_RX    0x0002        /* C+ receive enable */
#define CPCMD_TX    0x0001        /* C+ transmit enable */
#define RCR_VALUE   (RCR_FIFO_NONE | RCR_DMA_UNLIM | RCR_BROADCAST | RCR_MY_MAC)
#define IMR_SERVED  (INT_HANDLED & ~INT_TX_ANY)   /* + INT_TX_ANY as cp_tx_interrupt says */

#define DESC_OWN    0x80000000u   /* the chip's */
#define DESC_EOR    0x40000000u   /* the ring's last */
#define DESC_FS     0x20000000u   /* a frame's first segment */
#define DESC_LS     0x10000000u   /* a frame's last segment */
#define RXD_ERRORS  0x00fc0000u   /* buffer overflow, FIFO overflow, watchdog, error summary, runt, CRC */
#define RXD_LEN     0x00001fffu   /* receive: the frame and its CRC; given: the buffer's size */
#define TXD_LEN     0x0000ffffu
#define TXD_IPCS    0x00040000u   /* the chip fills in the IPv4 header checksum */
#define TXD_TCPCS   0x00010000u   /* ... and a TCP segment's */
#define TXD_ERROR   0x00800000u   /* transmit error summary, with OWN clear */

struct desc {
	volatile uint32_t cmd;        /* OWN, EOR, FS, LS, status, length */
	volatile uint32_t vlan;
	volatile uint32_t addr_lo, addr_hi;
};

#define RX_DESCS    128
#define RX_ROOM     4             /* a receive buffer's first bytes: the record header, not the chip's */
#define TX_DESCS    64            /* QEMU's chip wraps its transmit ring after 64, EOR or not */
#define BUF_BYTES   2048          /* a buffer: a whole frame and its CRC */
#define RING_ALIGN  256
#define RX_RING_OFFSET 0
#define TX_RING_OFFSET (RING_ALIGN * ((RX_DESCS * sizeof(struct desc) + RING_ALIGN - 1) / RING_ALIGN))
#define BUF_OFFSET  4096
#define RX_BUF(i)   (BUF_OFFSET + (i) * BUF_BYTES)
#define TX_BUF(i)   (BUF_OFFSET + (RX_DESCS + (i)) * BUF_BYTES)
#define TX_AREA     (BUF_OFFSET + (RX_DESCS + TX_DESCS) * BUF_BYTES)   /* netdriver_tx_area's */
#define DMA_BYTES   (TX_AREA + NET_BATCH_BYTES)

_Static_assert(TX_RING_OFFSET + TX_DESCS * sizeof(struct desc) <= BUF_OFFSET, "rings fit before the buffers");
_Static_assert(BUF_BYTES - RX_ROOM >= NET_MAX_FRAME + RX_CRC && BUF_BYTES <= RXD_LEN, "a buffer holds a frame and its CRC");
_Static_assert(RX_ROOM == sizeof(struct net_frame_hdr), "room for a record header (netdriver_received_in_place)");
_Static_assert(TX_DESCS <= 64, "QEMU's transmit ring has at most 64 descriptors");

static uint8_t *dma;
static phys_bytes dma_phys;
static struct desc *rxd, *txd;
static uint32_t rx_next, rx_give, rx_out;  /* next descriptor to read; oldest read, not given back yet; how many */
static uint8_t rx_held[RX_DESCS];           /* its frame is with the library, in place */
static uint32_t tx_next, tx_done, tx_in_flight;
static int tx_hold;                         /* NET_TEST_TX_HOLD: no TPPOLL until the run */

static uint32_t eor(uint32_t i, uint32_t n)
{
	return i == n - 1 ? DESC_EOR : 0;
}

/* Descriptor i of the receive ring back to the chip, from our own table. */
static void give_rx(uint32_t i)
{
	struct desc *d = &rxd[i];

	d->addr_lo = (uint32_t)(dma_phys + RX_BUF(i) + RX_ROOM);
	d->addr_hi = 0;
	d->vlan = 0;
	d->cmd = DESC_OWN | eor(i, RX_DESCS) | (BUF_BYTES - RX_ROOM);   /* OWN last: the chip may take it at once */
}

static uint32_t cp_start(void)
{
	uint32_t lost = tx_in_flight, i;

	for (i = 0; i < RX_DESCS; i++) {
		give_rx(i);
		rx_held[i] = 0;
	}
	for (i = 0; i < TX_DESCS; i++) {
		txd[i].cmd = eor(i, TX_DESCS);
		txd[i].vlan = 0;
		txd[i].addr_lo = (uint32_t)(dma_phys + TX_BUF(i));
		txd[i].addr_hi = 0;
	}
	rx_next = rx_give = rx_out = tx_next = tx_done = tx_in_flight = 0;
	out16(CPCMD, CPCMD_RX | CPCMD_TX);
	out32(RDSAR, (uint32_t)(dma_phys + RX_RING_OFFSET));
	out32(RDSAR + 4, 0);
	out32(TNPDS, (uint32_t)(dma_phys + TX_RING_OFFSET));
	out32(TNPDS + 4, 0);
	out8(CR, CR_RX | CR_TX);                   /* the chip starts both rings at descriptor 0 */
	out32(RCR, RCR_VALUE);
	out32(TCR, TCR_VALUE);
	out16(IMR, IMR_SERVED);
	return lost;
}

static void cp_reap(void)
{
	uint32_t cmd;

	while (tx_in_flight && !((cmd = txd[tx_done].cmd) & DESC_OWN)) {
		tx_done = (tx_done + 1) % TX_DESCS;
		tx_in_flight--;
		netdriver_transmitted(!(cmd & TXD_ERROR));
	}
}

/* The library's: transmit interrupts on while a send waits for room. */
static void cp_tx_interrupt(int on)
{
	out16(IMR, on ? INT_HANDLED : IMR_SERVED);
}

/* The next transmit descriptor for len bytes at phys, for the next kick (NET_FRAME_CSUM: the chip fills in the checksums). */
static void tx_queue(phys_bytes phys, uint32_t len, uint32_t flags)
{
	uint32_t offload = flags & NET_FRAME_CSUM ? TXD_IPCS | TXD_TCPCS : 0;
	struct desc *d = &txd[tx_next];

	d->addr_lo = (uint32_t)phys;
	d->addr_hi = 0;
	d->vlan = 0;
	d->cmd = DESC_OWN | eor(tx_next, TX_DESCS) | DESC_FS | DESC_LS | offload | (len & TXD_LEN);
	tx_next = (tx_next + 1) % TX_DESCS;
	tx_in_flight++;
}

/*
 * Queue a frame for the next kick: read from the library's transmit area
 * (at: its address there), else from a copy in its descriptor's buffer.
 * 0 or -EAGAIN.
 */
static int cp_send(uint8_t *frame, phys_bytes at, uint32_t len, uint32_t flags)
{
	cp_reap();
	if (tx_in_flight == TX_DESCS)
		return -EAGAIN;
	if (!at) {
		memcpy(dma + TX_BUF(tx_next), frame, len);
		at = dma_phys + TX_BUF(tx_next);
	}
	tx_queue(at, len, flags);
	return 0;                                  /* it goes with the next kick */
}

/* The chip looks at the transmit ring: every descriptor queued since the last kick goes. */
static void cp_kick(void)
{
	if (!tx_hold)
		out8(TPPOLL, TPPOLL_NPQ);
}

/* NET_TEST_TX_HOLD and _RUN (--test only): no kick until the run, which kicks. */
static int cp_test_hold_tx(int hold)
{
	tx_hold = hold;
	cp_kick();
	return 0;
}

/*
 * One descriptor the chip gave back: its frame, if whole and sound, to the
 * library in place (the descriptor held until rx_release), else dropped. 0
 * if the library has no room for it: it stays until it has.
 */
static int take(uint32_t status, uint32_t i)
{
	uint32_t len = status & RXD_LEN;
	int r;

	if (!(status & DESC_FS) || !(status & DESC_LS)) {
		netdriver_stats.rx_bad_length += (status & DESC_LS) != 0;   /* once, at a split frame's end */
		return 1;
	}
	if (status & RXD_ERRORS) {
		netdriver_stats.rx_errors++;
		return 1;
	}
	if (len < RX_LEN_MIN || len > BUF_BYTES - RX_ROOM) {
		netdriver_stats.rx_bad_length++;
		return 1;
	}
	r = netdriver_received_in_place(dma + RX_BUF(i) + RX_ROOM, len - RX_CRC);
	rx_held[i] = r == 0;                       /* (it counts lengths it does not take) */
	return r != -ENOSPC;
}

/* Every descriptor read whose frame is not held goes back to the chip, oldest first. */
static void give_back(void)
{
	while (rx_out && !rx_held[rx_give]) {
		give_rx(rx_give);
		rx_give = (rx_give + 1) % RX_DESCS;
		rx_out--;
	}
}

static void cp_receive(void)
{
	uint32_t status;

	while (rx_out < RX_DESCS) {
		status = rxd[rx_next].cmd;
		if ((status & DESC_OWN) || !take(status, rx_next))
			break;
		rx_next = (rx_next + 1) % RX_DESCS;
		rx_out++;
	}
	give_back();
}

/* The n oldest frames held have gone to the client: their descriptors back to the chip, and what waited taken. */
static void cp_rx_release(uint32_t n)
{
	netdriver_unhold(rx_held, RX_DESCS, rx_give, rx_out, n);
	cp_receive();
}

static int cp_alloc(void)
{
	int r = driver_dmaalloc(DMA_BYTES, (void **)&dma, &dma_phys);

	if (r < 0)
		return r;
	rxd = (struct desc *)(dma + RX_RING_OFFSET);
	txd = (struct desc *)(dma + TX_RING_OFFSET);
	netdriver_tx_area(dma + TX_AREA, dma_phys + TX_AREA);
	return 0;
}

static void cp_dma_range(phys_bytes *first, phys_bytes *last)
{
	*first = dma_phys;
	*last = dma_phys + DMA_BYTES - 1;
}

const struct rtl_mode rtl_cplus = {
	.name = "C+",
	.alloc = cp_alloc,
	.start = cp_start,
	.send = cp_send,
	.offload = NET_FRAME_CSUM,
	.kick = cp_kick,
	.receive = cp_receive,
	.rx_release = cp_rx_release,
	.reap = cp_reap,
	.dma_range = cp_dma_range,
	.test_hold_tx = cp_test_hold_tx,
	.tx_interrupt = cp_tx_interrupt,
};
