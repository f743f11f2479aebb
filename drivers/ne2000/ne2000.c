/*
 * ne2000: NE2000-compatible Ethernet (the National DP8390), on the ISA bus
 * (started with the arguments "isa BASE IRQ", which its policy must grant)
 * or on PCI (RTL8029, 10ec:8029, claimed from the PCI bus server).
 *
 * There is no bus-master DMA: frames move between the card's own 16 KiB of
 * packet memory and the driver through the data port, with the chip's
 * "remote DMA" (programmed I/O, in words, a DEVIO vector at a time).
 * Card memory: a transmit buffer at page 0x40, the receive ring at pages
 * 0x46-0x7f; each received frame starts on a page with a 4-byte header
 * (status, next page, length). Frames with errors or of a bad length are
 * skipped and counted. A ring overflow is recovered with the datasheet's
 * procedure (stop, loopback, drain, restart); a header that makes no sense
 * (a next page outside the ring) resets the card.
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

#define TX_PAGE    0x40
#define RX_START   0x46
#define RX_STOP    0x80
#define RSR_OK     0x01

static uint32_t io, irq;
static int tx_busy;

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

/* Copy len bytes of card memory at addr into buf, in words. */
static void remote_read(uint32_t addr, uint8_t *buf, uint32_t len)
{
	struct devio_req v[VDEVIO_MAX];
	uint32_t words = (len + 1) / 2, done, n, i;

	remote_setup(addr, words * 2, CMD_READ);
	for (done = 0; done < words; done += n) {
		n = words - done < VDEVIO_MAX ? words - done : VDEVIO_MAX;
		for (i = 0; i < n; i++)
			v[i] = (struct devio_req){ (uint16_t)(io + DATA), 2, DEVIO_IN, 0 };
		sys_vdevio(v, n, NULL);
		for (i = 0; i < n; i++) {
			uint32_t at = (done + i) * 2;
			buf[at] = (uint8_t)v[i].value;
			if (at + 1 < len)
				buf[at + 1] = (uint8_t)(v[i].value >> 8);
		}
	}
	wait_isr(ISR_RDC);
	out8(ISR, ISR_RDC);
}

static void remote_write(uint32_t addr, const uint8_t *buf, uint32_t len)
{
	struct devio_req v[VDEVIO_MAX];
	uint32_t words = (len + 1) / 2, done, n, i;

	remote_setup(addr, words * 2, CMD_WRITE);
	for (done = 0; done < words; done += n) {
		n = words - done < VDEVIO_MAX ? words - done : VDEVIO_MAX;
		for (i = 0; i < n; i++) {
			uint32_t at = (done + i) * 2;
			uint32_t w = buf[at] | (at + 1 < len ? (uint32_t)buf[at + 1] << 8 : 0);
			v[i] = (struct devio_req){ (uint16_t)(io + DATA), 2, DEVIO_OUT, w };
		}
		sys_vdevio(v, n, NULL);
	}
	wait_isr(ISR_RDC);
	out8(ISR, ISR_RDC);
}

/* Reset the card and start it; the MAC comes from its address PROM. */
static int start_card(uint8_t mac[6])
{
	uint8_t prom[32];
	int i;

	out8(RESET, in8(RESET));
	if (wait_isr(ISR_RESET) < 0)
		return -EIO;
	out8(ISR, 0xff);
	out8(CMD, CMD_STOP | CMD_NODMA);
	out8(DCR, 0x49);                    /* word transfers, normal operation, FIFO at 8 bytes */
	out8(RBCR0, 0);
	out8(RBCR1, 0);
	out8(RCR, 0x20);                    /* monitor while setting up */
	out8(TCR, 0x02);                    /* internal loopback */
	out8(PSTART, RX_START);
	out8(PSTOP, RX_STOP);
	out8(BNRY, RX_START);
	out8(IMR, 0);
	out8(ISR, 0xff);
	remote_read(0, prom, sizeof prom);
	for (i = 0; i < 6; i++)
		mac[i] = prom[2 * i];           /* each PROM byte is doubled in word mode */
	out8(CMD, CMD_STOP | CMD_NODMA | CMD_PAGE1);
	for (i = 0; i < 6; i++)
		out8(PAR0 + (uint32_t)i, mac[i]);
	for (i = 0; i < 8; i++)
		out8(MAR0 + (uint32_t)i, 0);
	out8(CURR, RX_START + 1);
	out8(CMD, CMD_START | CMD_NODMA);
	out8(ISR, 0xff);
	out8(IMR, ISR_RX | ISR_TX | ISR_RXERR | ISR_TXERR | ISR_OVW | ISR_CNT);
	out8(TCR, 0x00);
	out8(RCR, 0x04);                    /* broadcasts, and frames for our address */
	tx_busy = 0;
	return 0;
}

static int nic_send(const uint8_t *frame, uint32_t len)
{
	if (tx_busy)
		return -EAGAIN;
	remote_write(TX_PAGE * 256, frame, len);
	out8(TPSR, TX_PAGE);
	out8(TBCR0, len & 0xff);
	out8(TBCR1, len >> 8);
	out8(CMD, CMD_START | CMD_NODMA | CMD_TX);
	tx_busy = 1;
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
static void read_frame(uint32_t addr, uint8_t *buf, uint32_t len)
{
	uint32_t first = RX_STOP * 256 - addr;

	if (len <= first) {
		remote_read(addr, buf, len);
		return;
	}
	remote_read(addr, buf, first);
	remote_read(RX_START * 256, buf + first, len - first);
}

static void receive(void)
{
	static uint8_t frame[NET_MAX_FRAME + 1];
	uint8_t header[4];
	uint32_t page, next, len, n;
	uint8_t mac[6];

	for (n = 0; n < 64; n++) {
		page = in8(BNRY) + 1;
		if (page >= RX_STOP)
			page = RX_START;
		if (page == current_page())
			return;
		remote_read(page * 256, header, 4);
		next = header[1];
		len = (header[2] | (uint32_t)header[3] << 8) - 4;
		if (next < RX_START || next >= RX_STOP || len > (RX_STOP - RX_START) * 256) {
			netdriver_stats.rx_errors++;
			printf("ne2000: bad receive header %02x %02x %02x %02x at page %x; resetting the card\n",
			       header[0], header[1], header[2], header[3], page);
			start_card(mac);
			return;
		}
		if (!(header[0] & RSR_OK)) {
			netdriver_stats.rx_errors++;
		} else if (len < 14 || len > NET_MAX_FRAME) {
			netdriver_stats.rx_bad_length++;            /* runt or oversize: skipped */
		} else {
			read_frame(page * 256 + 4, frame, len);
			netdriver_received(frame, len);
		}
		out8(BNRY, next == RX_START ? RX_STOP - 1 : next - 1);
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
	out8(TCR, 0x02);
	out8(CMD, CMD_START | CMD_NODMA);
	receive();
	out8(ISR, ISR_OVW);
	out8(TCR, 0x00);
	if (resend)
		out8(CMD, CMD_START | CMD_NODMA | CMD_TX);
}

static void interrupt(uint32_t irqs)
{
	uint32_t isr;
	int rounds;

	(void)irqs;
	for (rounds = 0; rounds < 16 && (isr = in8(ISR) & 0x3f); rounds++) {
		if (isr & ISR_OVW) {
			recover_overflow();
			isr &= ~(uint32_t)ISR_OVW;
		}
		out8(ISR, isr);
		if (isr & ISR_RXERR)
			netdriver_stats.rx_errors++;
		if (isr & (ISR_RX | ISR_RXERR))
			receive();
		if (isr & (ISR_TX | ISR_TXERR)) {
			tx_busy = 0;
			netdriver_transmitted((isr & ISR_TX) != 0);
		}
		if (isr & ISR_CNT) {                       /* reading the tally counters clears them */
			in8(0x0d);
			in8(0x0e);
			in8(0x0f);
		}
	}
	sys_irqctl(IRQ_ENABLE, irq);
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
	if (r < 0) {
		printf("ne2000: no NE2000 for us on PCI (%d)\n", r);
		return r;
	}
	irq = dev.irq;
	return pci_io_bar(&dev, &io);
}

static int init(int argc, char **argv, uint8_t mac[6])
{
	int r = find_card(argc, argv);

	if (r == 0)
		r = start_card(mac);
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
};

int main(int argc, char **argv)
{
	netdriver_main(&ops, argc, argv);
}
