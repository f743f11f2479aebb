/*
 * rtl8139 classic mode: what every RTL8139 has (the chips before the C+;
 * on a C+ chip only when asked for with the "classic" argument).
 *
 * Receive: one DMA ring of 8 KiB. With the WRAP bit the chip writes a frame
 * that runs past the end on into room after it, so every frame is
 * contiguous. How much room: the datasheet says a frame's worth (1.5 KiB),
 * but the chip does not bound a frame's length by the ring. QEMU's RTL8139
 * writes any frame it is handed, up to the 68 KiB its network layer carries,
 * linearly from where the last one ended whenever the ring is empty (it
 * checks free space only when the ring holds something). So the buffer is
 * the ring plus the largest frame the device can be handed (RX_OVERRUN):
 * whatever arrives from the wire, the chip writes only into our buffer.
 *
 * Each frame has a 4-byte header (status, length with CRC) and starts 4-byte
 * aligned; CAPR is kept 16 bytes behind the read offset. A frame with a good
 * header but a length we do not deliver (runt, oversize) is skipped and
 * counted. A header that makes no sense (status not OK, error bits, a length
 * the ring could not hold) means the ring is out of step, or was written
 * with a frame longer than the ring: the chip is reset and restarted (what
 * was being sent is reported lost, so a client waiting for room hears of it).
 * Transmit: four descriptors used in turn, each with its own DMA buffer;
 * every frame costs two port writes and a transmit interrupt.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include "rtl8139.h"

#define TSD0    0x10              /* transmit status of slot 0 (four, 4 bytes apart) */
#define TSAD0   0x20              /* transmit buffer address of slot 0 */
#define RBSTART 0x30              /* receive ring address */
#define CAPR    0x38              /* read offset, minus 16 */

#define RCR_VALUE (RCR_FIFO_NONE | RCR_DMA_UNLIM | RCR_WRAP | RCR_BROADCAST | RCR_MY_MAC)
#define TSD_TOK  0x8000
#define TSD_TUN  0x4000
#define TSD_TABT 0x40000000u
#define RX_OK    0x0001
#define RX_BAD   0x003e           /* bad symbol, runt, too long, CRC, alignment */
#define CAPR_LAG 16

#define RING         8192
#define RX_HEADER    4
#define RX_FRAME_MAX (4096 + 65536)   /* the largest frame QEMU's network layer hands a NIC */
#define RX_OVERRUN   (RX_HEADER + RX_FRAME_MAX + RX_CRC + 16)   /* written past the ring's end, at most */
#define RX_BYTES     (RING + RX_OVERRUN)
#define RX_BATCH     256          /* frames taken per call */
#define RESET_REPORTS 3           /* receiver resets reported on the console */
#define TX_SLOTS  4
#define TX_BYTES  2048

static uint8_t *rx;                       /* the receive ring, DMA */
static phys_bytes rx_phys, tx_base;
static uint8_t *tx[TX_SLOTS];
static phys_bytes tx_phys[TX_SLOTS];
static uint32_t rx_at;                    /* read offset in the ring */
static uint32_t tx_next, tx_done, tx_in_flight;

static uint32_t ring_start(void)
{
	uint32_t lost = tx_in_flight;

	out32(RBSTART, rx_phys);
	out16(IMR, INT_HANDLED);
	out32(RCR, RCR_VALUE);
	out32(TCR, TCR_VALUE);
	out8(CR, CR_RX | CR_TX);
	out32(RCR, RCR_VALUE);                     /* some chips want it after enabling */
	rx_at = 0;
	out16(CAPR, (uint16_t)(rx_at - CAPR_LAG));
	tx_next = tx_done = tx_in_flight = 0;
	return lost;
}

static int ring_send(uint8_t *frame, phys_bytes at, uint32_t len, uint32_t flags)
{
	(void)at;                                  /* (no transmit area: always 0) */
	if (tx_in_flight == TX_SLOTS)
		return -EAGAIN;
	memcpy(tx[tx_next], frame, len);
	out32(TSAD0 + 4 * tx_next, tx_phys[tx_next]);
	out32(TSD0 + 4 * tx_next, len);            /* clearing OWN starts the transmission */
	tx_next = (tx_next + 1) % TX_SLOTS;
	tx_in_flight++;
	return 0;
}

static void ring_reap(void)
{
	uint32_t tsd;

	while (tx_in_flight) {
		tsd = in32(TSD0 + 4 * tx_done);
		if (!(tsd & (TSD_TOK | TSD_TUN | TSD_TABT)))
			break;
		tx_done = (tx_done + 1) % TX_SLOTS;
		tx_in_flight--;
		netdriver_transmitted((tsd & TSD_TOK) != 0);
	}
}

/* The ring made no sense: reset the chip; what was in flight is lost. */
static void ring_lost(uint32_t header)
{
	netdriver_stats.rx_errors++;
	if (++netdriver_stats.rx_resets <= RESET_REPORTS)
		printf("rtl8139: bad receive header %x at %u; resetting the chip%s\n", header, rx_at,
		       netdriver_stats.rx_resets == RESET_REPORTS ? " (further resets only counted)" : "");
	rtl_restart();
}

static int header_sane(uint32_t status, uint32_t len)
{
	return (status & RX_OK) && !(status & RX_BAD) && len >= RX_LEN_MIN && len <= RING;
}

static void ring_receive(void)
{
	uint32_t header, status, len, n;

	for (n = 0; n < RX_BATCH && !(in8(CR) & CR_EMPTY); n++) {
		header = *(volatile uint32_t *)(rx + rx_at);
		status = header & 0xffff;
		len = header >> 16;                        /* the frame and its CRC */
		if (!header_sane(status, len)) {
			ring_lost(header);
			return;
		}
		netdriver_received(rx + rx_at + RX_HEADER, len - RX_CRC);   /* it counts bad lengths */
		rx_at = (rx_at + RX_HEADER + len + 3) & ~3u;
		if (rx_at >= RING)
			rx_at -= RING;
		out16(CAPR, (uint16_t)(rx_at - CAPR_LAG));
	}
}

static int ring_alloc(void)
{
	void *addr;
	int r, i;

	r = driver_dmaalloc(RX_BYTES, &addr, &rx_phys);
	if (r < 0)
		return r;
	rx = addr;
	r = driver_dmaalloc(TX_SLOTS * TX_BYTES, &addr, &tx_base);
	if (r < 0)
		return r;
	for (i = 0; i < TX_SLOTS; i++) {
		tx[i] = (uint8_t *)addr + i * TX_BYTES;
		tx_phys[i] = tx_base + (phys_bytes)(i * TX_BYTES);
	}
	return 0;
}

static void ring_dma_range(phys_bytes *first, phys_bytes *last)
{
	*first = rx_phys;
	*last = rx_phys + RX_BYTES - 1;
}

const struct rtl_mode rtl_classic = {
	.name = "classic",
	.alloc = ring_alloc,
	.start = ring_start,
	.send = ring_send,
	.receive = ring_receive,
	.reap = ring_reap,
	.dma_range = ring_dma_range,
};
