/*
 * ne2000: NE2000-compatible Ethernet (the National DP8390), on the ISA bus
 * (started with the arguments "isa BASE IRQ", which its policy must grant)
 * or on PCI (RTL8029, 10ec:8029, claimed from the PCI bus server).
 *
 * There is no bus-master DMA: frames move between the card's own 16 KiB of
 * packet memory and the driver through the data port, with the chip's
 * "remote DMA" (programmed I/O straight from the driver: rep insl/outsl on
 * the PCI card, whose data port is 32 bits wide, as Linux's ne2k-pci does;
 * rep insw/outsw on ISA).
 * Card memory: a transmit buffer at page 0x40, the receive ring at pages
 * 0x46-0x7f; each received frame starts on a page with a 4-byte header
 * (status, next page, count). Everything read from the card is checked
 * before it is used, because a frame longer than the free part of the ring
 * overwrites frames not yet read (the chip checks only for one full-size
 * frame of room) and a frame longer than the ring leaves the chip's own
 * pointers wrong: the receive status must say OK, the count must be a
 * frame's, the next page must be where the count says the frame ends, and
 * the frame must end at or before the chip's current page; the current and
 * boundary pages must lie in the ring; a remote DMA must complete. Anything
 * else resets the card (what was being sent is reported lost). Frames of a
 * length we do not deliver are skipped and counted. A ring overflow is
 * recovered with the datasheet's procedure (stop, loopback, drain,
 * restart). The card is also serviced every NET_POLL_MS without an
 * interrupt: on ISA the line is edge-triggered, and a line left asserted
 * raises no new edge. Transmit done raises no interrupt while nothing
 * waits for it: the next send reads it from the ISR (QEMU's card has long
 * finished by then), as does the next service; only a send that finds the
 * card still sending unmasks it, until it comes (one interrupt a frame
 * saved, with its kernel entries).
 *
 * Before using a card the driver checks that it is there: the command
 * register must read back what was written and the address PROM must carry
 * the NE2000 signature; otherwise it refuses to start, saying why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/netdriver.h>

#define NE_VENDOR 0x10ec
#define NE_DEVICE 0x8029

/* Registers, page 0 unless noted. */
#define CMD    0x00
#define PSTART 0x01
#define PSTOP  0x02
#define BNRY   0x03
#define TPSR   0x04
#define TBCR0  0x05
#define TBCR1  0x06
#define ISR    0x07
#define RSAR0  0x08
#define RSAR1  0x09
#define RBCR0  0x0a
#define RBCR1  0x0b
#define RCR    0x0c
#define TCR    0x0d
#define DCR    0x0e
#define IMR    0x0f
#define CNTR0  0x0d     /* read: the tally counters (frame alignment, CRC, missed), where TCR, DCR, IMR are written */
#define CNTR1  0x0e
#define CNTR2  0x0f
#define PAR0   0x01     /* page 1 */
#define CURR   0x07     /* page 1 */
#define MAR0   0x08     /* page 1 */
#define DATA   0x10
#define RESET  0x1f

#define CMD_STOP   0x01
#define CMD_START  0x02
#define CMD_TX     0x04
#define CMD_READ   0x08
#define CMD_WRITE  0x10
#define CMD_NODMA  0x20
#define CMD_PAGE1  0x40

#define ISR_RX     0x01
#define ISR_TX     0x02
#define ISR_RXERR  0x04
#define ISR_TXERR  0x08
#define ISR_OVW    0x10
#define ISR_CNT    0x20
#define ISR_RDC    0x40
#define ISR_RESET  0x80
#define ISR_EVENTS 0x3f     /* RX .. CNT: what service() handles (RDC is remote_read's, RESET reset's) */
#define ISR_TX_DONE (ISR_TX | ISR_TXERR)
#define IMR_SERVED (ISR_RX | ISR_RXERR | ISR_OVW | ISR_CNT)   /* + ISR_TX_DONE as tx_interrupt says */
#define ISR_ALL    0xff

#define DCR_WTS    0x01     /* word-wide transfers */
#define DCR_LS     0x08     /* normal operation, not loopback */
#define DCR_FT_8   0x40     /* FIFO threshold: 8 bytes */
#define RCR_AB     0x04     /* accept broadcasts */
#define RCR_MON    0x20     /* monitor: check frames, put none in the ring */
#define TCR_NORMAL 0x00
#define TCR_LOOP   0x02     /* internal loopback (LB0) */

#define TX_PAGE    0x40
#define RX_START   0x46
#define RX_STOP    0x80
#define RX_PAGES   (RX_STOP - RX_START)
#define RSR_OK     0x01
#define RX_HEADER  4
#define RX_CRC     4
#define RX_COUNT_MIN (NET_MIN_FRAME + RX_CRC)   /* the chip pads short frames */
#define PAGE_BYTES 256
#define FRAME_PAGES ((RX_HEADER + NET_MAX_FRAME + RX_CRC + PAGE_BYTES - 1) / PAGE_BYTES)
/*
 * The ring holds RX_HOLD largest frames until we take them (9). A peer's
 * burst beyond that overflows it (the chip drops it; QEMU's holds it back
 * and delivers it after later frames, out of order, so TCP stalls for its
 * retransmission timeout): inet keeps TCP's window within it
 * (net_init_reply's rx_hold).
 */
#define RX_HOLD    (RX_PAGES / FRAME_PAGES)
#define PROM_BYTES 32
#define PROM_SIG_AT 28                          /* 0x57 0x57 ('W'), each byte doubled in word mode */
#define PROM_SIG   0x57
#define RESET_REPORTS 3                         /* card resets reported on the console */

#define TEST_PAUSE_MS 50                        /* NET_TEST_RESET: pause right after the start */

static uint32_t io, irq;
static int tx_busy;
static int tx_hold;                             /* NET_TEST_TX_HOLD: a frame is written but not started */
static uint32_t tx_held_len;                    /* ... that frame's length, if one waits (else 0) */
static int wide;                                /* card memory moves in dwords (the PCI card), else words */
static uint32_t start_pause_ms;                 /* only for NET_TEST_RESET */

static uint32_t in8(uint32_t reg) { uint32_t v = 0; sys_inb(io + reg, &v); return v; }
static void out8(uint32_t reg, uint32_t v) { sys_outb(io + reg, v); }

static int wait_isr(uint32_t bit)
{
	int spins;

	for (spins = 0; spins < 100000; spins++)
		if (in8(ISR) & bit)
			return 0;
	return -EIO;
}

static void remote_setup(uint32_t addr, uint32_t len, uint32_t dir)
{
	out8(RBCR0, len & 0xff);
	out8(RBCR1, len >> 8);
	out8(RSAR0, addr & 0xff);
	out8(RSAR1, addr >> 8);
	out8(CMD, dir | CMD_START);
}

/*
 * Copy len bytes of card memory at addr into buf: in dwords (rep insl) on
 * the PCI card, whose data port takes 32-bit reads, in words (rep insw) on
 * ISA; the tail in words. The card moves an even count. 0, or -EIO if the
 * DMA did not complete.
 */
static int remote_read(uint32_t addr, uint8_t *buf, uint32_t len)
{
	uint32_t done = wide ? len / 4 * 4 : 0, word = 0;
	int r;

	remote_setup(addr, (len + 1) / 2 * 2, CMD_READ);
	if (done)
		port_insl(io + DATA, (uint32_t *)buf, done / 4);
	port_insw(io + DATA, (uint16_t *)(buf + done), (len - done) / 2);
	if (len % 2) {
		sys_inw(io + DATA, &word);
		buf[len - 1] = (uint8_t)word;
	}
	r = wait_isr(ISR_RDC);
	out8(ISR, ISR_RDC);
	return r;
}

/* Copy buf into card memory at addr, as wide as remote_read reads. */
static void remote_write(uint32_t addr, const uint8_t *buf, uint32_t len)
{
	uint32_t done = wide ? len / 4 * 4 : 0;

	remote_setup(addr, (len + 1) / 2 * 2, CMD_WRITE);
	if (done)
		port_outsl(io + DATA, (const uint32_t *)buf, done / 4);
	port_outsw(io + DATA, (const uint16_t *)(buf + done), (len - done) / 2);
	if (len % 2)
		sys_outw(io + DATA, buf[len - 1]);
	wait_isr(ISR_RDC);
	out8(ISR, ISR_RDC);
}

/* Spin for ms (only NET_TEST_RESET asks): sleeping would take over the poll's alarm. */
static void pause(uint32_t ms)
{
	uint32_t until = sys_uptime_ms() + ms;

	while (ms && (int32_t)(sys_uptime_ms() - until) < 0)
		;
}

/* Reset the card and start it; the MAC comes from its address PROM. -ENODEV: no card. */
static int start_card(uint8_t mac[6])
{
	uint8_t prom[PROM_BYTES];
	int i;

	out8(CMD, CMD_STOP | CMD_NODMA);
	if (in8(CMD) != (CMD_STOP | CMD_NODMA))
		return -ENODEV;                 /* nothing answers at these ports */
	out8(RESET, in8(RESET));
	if (wait_isr(ISR_RESET) < 0)
		return -EIO;
	out8(ISR, ISR_ALL);
	out8(CMD, CMD_STOP | CMD_NODMA);
	out8(DCR, DCR_WTS | DCR_LS | DCR_FT_8);
	out8(RBCR0, 0);
	out8(RBCR1, 0);
	out8(RCR, RCR_MON);                 /* while setting up */
	out8(TCR, TCR_LOOP);
	out8(PSTART, RX_START);
	out8(PSTOP, RX_STOP);
	out8(BNRY, RX_START);
	out8(IMR, 0);
	out8(ISR, ISR_ALL);
	if (remote_read(0, prom, sizeof prom) < 0)
		return -EIO;
	if (prom[PROM_SIG_AT] != PROM_SIG || prom[PROM_SIG_AT + 2] != PROM_SIG)
		return -ENODEV;                 /* something, but not an NE2000 */
	for (i = 0; i < 6; i++)
		mac[i] = prom[2 * i];           /* each PROM byte is doubled in word mode */
	out8(CMD, CMD_STOP | CMD_NODMA | CMD_PAGE1);
	for (i = 0; i < 6; i++)
		out8(PAR0 + (uint32_t)i, mac[i]);
	for (i = 0; i < 8; i++)
		out8(MAR0 + (uint32_t)i, 0);
	out8(CURR, RX_START + 1);
	out8(CMD, CMD_STOP | CMD_NODMA);
	out8(ISR, ISR_ALL);                    /* while stopped: clearing it later could lose a frame's RX */
	out8(IMR, IMR_SERVED);
	out8(CMD, CMD_START | CMD_NODMA);   /* frames may arrive from here on */
	pause(start_pause_ms);
	out8(TCR, TCR_NORMAL);
	out8(RCR, RCR_AB);                  /* broadcasts, and frames for our address */
	tx_busy = 0;
	tx_held_len = 0;
	return 0;
}

/* Send the len bytes at the card's transmit page. */
static void start_tx(uint32_t len)
{
	out8(TPSR, TX_PAGE);
	out8(TBCR0, len & 0xff);
	out8(TBCR1, len >> 8);
	out8(CMD, CMD_START | CMD_NODMA | CMD_TX);
}

/* The frame being sent is done, if isr (acknowledged) says so: 1 if it was. */
static int tx_done(uint32_t isr)
{
	if (!tx_busy || !(isr & ISR_TX_DONE))
		return 0;
	tx_busy = 0;
	netdriver_transmitted((isr & ISR_TX) != 0);
	return 1;
}

/* Is the card free to send (its last frame done, taken from the ISR)? */
static int tx_free(void)
{
	uint32_t isr;

	if (!tx_busy)
		return 1;
	isr = in8(ISR) & ISR_TX_DONE;
	if (isr)
		out8(ISR, isr);
	return tx_done(isr);
}

/* The library's: transmit done interrupts on while a send waits for the card. */
static void tx_interrupt(int on)
{
	out8(IMR, on ? IMR_SERVED | ISR_TX_DONE : IMR_SERVED);
}

static int nic_send(uint8_t *frame, phys_bytes at, uint32_t len, uint32_t flags)
{
	(void)at;                                  /* (no transmit area, no DMA: always 0) */
	if (!tx_free())
		return -EAGAIN;
	remote_write(TX_PAGE * PAGE_BYTES, frame, len);
	tx_busy = 1;
	if (tx_hold)
		tx_held_len = len;
	else
		start_tx(len);
	return 0;
}

/* NET_TEST_TX_HOLD and _RUN (--test only): frames written but not started, or the one waiting started. */
static int test_hold_tx(int hold)
{
	tx_hold = hold;
	if (!hold && tx_held_len) {
		start_tx(tx_held_len);
		tx_held_len = 0;
	}
	return 0;
}

static uint32_t current_page(void)
{
	uint32_t curr;

	out8(CMD, CMD_START | CMD_NODMA | CMD_PAGE1);
	curr = in8(CURR);
	out8(CMD, CMD_START | CMD_NODMA);
	return curr;
}

/* Read a frame that may wrap from the end of the ring to its start. */
static int read_frame(uint32_t addr, uint8_t *buf, uint32_t len)
{
	uint32_t first = RX_STOP * PAGE_BYTES - addr;

	if (len <= first)
		return remote_read(addr, buf, len);
	if (remote_read(addr, buf, first) < 0)
		return -EIO;
	return remote_read(RX_START * PAGE_BYTES, buf + first, len - first);
}

static int in_ring(uint32_t page) { return page >= RX_START && page < RX_STOP; }

/* Pages from `from` forward to `to`, around the ring. */
static uint32_t ahead(uint32_t from, uint32_t to) { return (to + RX_PAGES - from) % RX_PAGES; }

/* The card made no sense: reset it; what was being sent is lost. */
static void reset_card(const char *why, const uint8_t h[RX_HEADER], uint32_t page)
{
	uint8_t mac[6];
	int lost = tx_busy;

	netdriver_stats.rx_errors++;
	if (++netdriver_stats.rx_resets <= RESET_REPORTS)
		printf("ne2000: %s (header %02x %02x %02x %02x at page %x); resetting the card%s\n", why,
		       h[0], h[1], h[2], h[3], page,
		       netdriver_stats.rx_resets == RESET_REPORTS ? " (further resets only counted)" : "");
	start_card(mac);
	if (lost)
		netdriver_transmitted(0);
}

/* NET_TEST_RESET (--test only): reset as on a fault, pausing just after the card starts. */
static int test_reset(void)
{
	uint8_t h[RX_HEADER] = { 0 };

	start_pause_ms = TEST_PAUSE_MS;
	reset_card("test reset", h, 0);
	start_pause_ms = 0;
	return 0;
}

/* Why the header of the frame at page is nonsense, or NULL; curr: the chip's current page. */
static const char *header_fault(const uint8_t h[RX_HEADER], uint32_t page, uint32_t curr)
{
	uint32_t next = h[1], count = h[2] | (uint32_t)h[3] << 8;
	uint32_t pages = (count + RX_HEADER + PAGE_BYTES - 1) / PAGE_BYTES;

	if (!(h[0] & RSR_OK))
		return "receive status not OK";
	if (count < RX_COUNT_MIN || pages >= RX_PAGES)
		return "impossible length";
	if (!in_ring(next) || ahead(page, next) != pages)
		return "next page not where the frame ends";
	if (ahead(page, next) > ahead(page, curr))
		return "frame runs past the current page";
	return NULL;
}

static void receive(void)
{
	static uint8_t frame[NET_MAX_FRAME + 1];
	uint8_t header[RX_HEADER] = { 0 };
	uint32_t page, curr, len, n;
	const char *fault;

	for (n = 0; n < 64; n++) {
		page = in8(BNRY) + 1;
		if (page >= RX_STOP)
			page = RX_START;
		curr = current_page();
		if (!in_ring(curr) || !in_ring(page)) {
			reset_card("current or boundary page outside the ring", header, curr);
			return;
		}
		if (page == curr)
			return;
		fault = remote_read(page * PAGE_BYTES, header, RX_HEADER) < 0 ? "remote DMA stuck" :
		        header_fault(header, page, curr);
		if (fault) {
			reset_card(fault, header, page);
			return;
		}
		len = (header[2] | (uint32_t)header[3] << 8) - RX_CRC;
		if (len < 14 || len > NET_MAX_FRAME) {
			netdriver_stats.rx_bad_length++;            /* runt or oversize: skipped */
		} else if (read_frame(page * PAGE_BYTES + RX_HEADER, frame, len) < 0) {
			reset_card("remote DMA stuck", header, page);
			return;
		} else {
			netdriver_received(frame, len);
		}
		out8(BNRY, header[1] == RX_START ? RX_STOP - 1 : header[1] - 1u);
	}
}

/* The DP8390 datasheet's recovery from a receive ring overflow. */
static void recover_overflow(void)
{
	int resend = (in8(CMD) & CMD_TX) != 0;
	int spins;

	netdriver_stats.rx_overflows++;
	out8(CMD, CMD_STOP | CMD_NODMA);
	for (spins = 0; spins < 1000 && !(in8(ISR) & ISR_RESET); spins++)
		;
	out8(RBCR0, 0);
	out8(RBCR1, 0);
	if (resend && (in8(ISR) & (ISR_TX | ISR_TXERR)))
		resend = 0;
	out8(TCR, TCR_LOOP);
	out8(CMD, CMD_START | CMD_NODMA);
	receive();
	out8(ISR, ISR_OVW);
	out8(TCR, TCR_NORMAL);
	if (resend)
		out8(CMD, CMD_START | CMD_NODMA | CMD_TX);
}

static void service(void)
{
	uint32_t isr;
	int rounds;

	for (rounds = 0; rounds < NET_SERVICE_ROUNDS && (isr = in8(ISR) & ISR_EVENTS); rounds++) {
		if (isr & ISR_OVW) {
			recover_overflow();
			isr &= ~(uint32_t)ISR_OVW;
		}
		out8(ISR, isr);
		if (isr & ISR_RXERR)
			netdriver_stats.rx_errors++;
		if (isr & (ISR_RX | ISR_RXERR))
			receive();
		tx_done(isr);
		if (isr & ISR_CNT) {                       /* reading the tally counters clears them */
			in8(CNTR0);
			in8(CNTR1);
			in8(CNTR2);
		}
	}
}

static void interrupt(uint32_t irqs)
{
	(void)irqs;
	service();
	sys_irqctl(IRQ_ENABLE, irq);
}

/* Every NET_POLL_MS: whatever the card holds or says, interrupt or not. */
static void poll(void)
{
	service();
	receive();
}

/* "isa BASE IRQ" from the arguments, or the device from the PCI bus server. */
static int find_card(int argc, char **argv)
{
	struct pci_device dev;
	int r;

	if (argc >= 4 && !strcmp(argv[1], "isa")) {
		io = (uint32_t)strtoul(argv[2], NULL, 16);
		irq = (uint32_t)strtoul(argv[3], NULL, 10);
		return 0;
	}
	r = pci_claim(0, NE_VENDOR, NE_DEVICE, &dev);
	if (r < 0)
		driver_panic("no RTL8029 (NE2000 on PCI) for us on the PCI bus (%d)", r);
	irq = dev.irq;
	wide = 1;                          /* the RTL8029's data port takes 32-bit accesses (ISA: 16) */
	return pci_io_bar(&dev, &io);
}

static int init(int argc, char **argv, uint8_t mac[6])
{
	int r = find_card(argc, argv);

	if (r == 0)
		r = start_card(mac);
	if (r == -ENODEV)
		driver_panic("no NE2000 card at ports %x (nothing answers like a DP8390 with an NE2000 PROM)", io);
	if (r == 0)
		r = sys_irqctl(IRQ_SETPOLICY, irq);
	if (r < 0)
		return r;
	printf("ne2000: ports %x, IRQ %u, MAC %02x:%02x:%02x:%02x:%02x:%02x\n", io, irq,
	       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return 0;
}

static const struct netdriver_ops ops = {
	.name = "ne2000",
	.init = init,
	.send = nic_send,
	.interrupt = interrupt,
	.poll = poll,
	.test_reset = test_reset,
	.test_hold_tx = test_hold_tx,
	.tx_interrupt = tx_interrupt,
	.rx_hold = RX_HOLD,
};

int main(int argc, char **argv)
{
	netdriver_main(&ops, argc, argv);
}
