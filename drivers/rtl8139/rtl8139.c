/*
 * rtl8139: the Realtek RTL8139 PCI Ethernet controller, as an unprivileged
 * process. Its device (ports, memory, IRQ) comes from the PCI bus server;
 * it reaches the chip only through DEVIO, its IRQ hook and DMA buffers.
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
 * Transmit: four descriptors used in turn, each with its own DMA buffer.
 * The chip is reset at start, so a restart after a crash in the middle of
 * a DMA begins from a known state.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/netdriver.h>

#define RTL_VENDOR 0x10ec
#define RTL_DEVICE 0x8139

#define IDR0    0x00
#define TSD0    0x10
#define TSAD0   0x20
#define RBSTART 0x30
#define CR      0x37
#define CAPR    0x38
#define IMR     0x3c
#define ISR     0x3e
#define TCR     0x40
#define RCR     0x44
#define MPC     0x4c
#define CONFIG1 0x52
#define MSR     0x58

#define CR_RESET 0x10
#define CR_RX    0x08
#define CR_TX    0x04
#define CR_EMPTY 0x01

#define INT_RX_OK    0x0001
#define INT_RX_ERR   0x0002
#define INT_TX_OK    0x0004
#define INT_TX_ERR   0x0008
#define INT_RX_OVW   0x0010
#define INT_LINK     0x0020
#define INT_FIFO_OVW 0x0040
#define INT_WANTED   (INT_RX_OK | INT_RX_ERR | INT_TX_OK | INT_TX_ERR | INT_RX_OVW | INT_LINK | INT_FIFO_OVW)

#define RCR_VALUE (0xe000 | 0x0700 | 0x80 | 0x08 | 0x02)  /* no rx threshold, unlimited DMA, WRAP, broadcast, my MAC */
#define TCR_VALUE 0x03000600                                /* normal gap, 1 KiB DMA bursts */
#define TSD_OWN  0x2000
#define TSD_TOK  0x8000
#define TSD_TUN  0x4000
#define TSD_TABT 0x40000000u
#define RX_OK    0x0001
#define RX_BAD   0x003e       /* bad symbol, runt, too long, CRC, alignment */

#define RING         8192
#define RX_HEADER    4
#define RX_CRC       4
#define RX_FRAME_MAX (4096 + 65536)   /* the largest frame QEMU's network layer hands a NIC */
#define RX_OVERRUN   (RX_HEADER + RX_FRAME_MAX + RX_CRC + 16)   /* written past the ring's end, at most */
#define RX_BYTES     (RING + RX_OVERRUN)
#define RX_LEN_MIN   (NET_MIN_FRAME + RX_CRC)   /* the chip pads short frames */
#define RESET_REPORTS 3                          /* receiver resets reported on the console */
#define TX_DESCS  4
#define TX_BYTES  2048

static uint32_t io, irq;
static uint8_t *rx;                       /* the receive ring, DMA */
static phys_bytes rx_phys;
static uint8_t *tx[TX_DESCS];
static phys_bytes tx_phys[TX_DESCS];
static uint32_t rx_at;                    /* read offset in the ring */
static uint32_t tx_next, tx_done, tx_in_flight;

static uint32_t in8(uint32_t reg)  { uint32_t v = 0; sys_inb(io + reg, &v); return v; }
static uint32_t in16(uint32_t reg) { uint32_t v = 0; sys_inw(io + reg, &v); return v; }
static uint32_t in32(uint32_t reg) { uint32_t v = 0; sys_inl(io + reg, &v); return v; }
static void out8(uint32_t reg, uint32_t v)  { sys_outb(io + reg, v); }
static void out16(uint32_t reg, uint32_t v) { sys_outw(io + reg, v); }
static void out32(uint32_t reg, uint32_t v) { sys_outl(io + reg, v); }

/* Reset the chip and start it with our rings; 0 or -errno. */
static int start_chip(void)
{
	int spins;

	out8(CONFIG1, 0);                          /* wake it up */
	out8(CR, CR_RESET);
	for (spins = 0; (in8(CR) & CR_RESET) && spins < 100000; spins++)
		;
	if (in8(CR) & CR_RESET)
		return -EIO;
	out32(RBSTART, rx_phys);
	out16(IMR, INT_WANTED);
	out32(RCR, RCR_VALUE);
	out32(TCR, TCR_VALUE);
	out8(CR, CR_RX | CR_TX);
	out32(RCR, RCR_VALUE);                     /* some chips want it after enabling */
	rx_at = 0;
	out16(CAPR, (uint16_t)(rx_at - 16));
	tx_next = tx_done = tx_in_flight = 0;
	return 0;
}

static int nic_send(const uint8_t *frame, uint32_t len)
{
	if (tx_in_flight == TX_DESCS)
		return -EAGAIN;
	memcpy(tx[tx_next], frame, len);
	out32(TSAD0 + 4 * tx_next, tx_phys[tx_next]);
	out32(TSD0 + 4 * tx_next, len);            /* clearing OWN starts the transmission */
	tx_next = (tx_next + 1) % TX_DESCS;
	tx_in_flight++;
	return 0;
}

static void reap_transmissions(void)
{
	uint32_t tsd;

	while (tx_in_flight) {
		tsd = in32(TSD0 + 4 * tx_done);
		if (!(tsd & (TSD_TOK | TSD_TUN | TSD_TABT)))
			break;
		tx_done = (tx_done + 1) % TX_DESCS;
		tx_in_flight--;
		netdriver_transmitted((tsd & TSD_TOK) != 0);
	}
}

/* The ring made no sense: reset the chip; what was in flight is lost. */
static void reset_chip(uint32_t header)
{
	uint32_t lost = tx_in_flight;

	netdriver_stats.rx_errors++;
	if (++netdriver_stats.rx_resets <= RESET_REPORTS)
		printf("rtl8139: bad receive header %x at %u; resetting the chip%s\n", header, rx_at,
		       netdriver_stats.rx_resets == RESET_REPORTS ? " (further resets only counted)" : "");
	start_chip();
	while (lost--)
		netdriver_transmitted(0);
}

static int header_sane(uint32_t status, uint32_t len)
{
	return (status & RX_OK) && !(status & RX_BAD) && len >= RX_LEN_MIN && len <= RING;
}

static void receive(void)
{
	uint32_t header, status, len, n;

	for (n = 0; n < 256 && !(in8(CR) & CR_EMPTY); n++) {
		header = *(volatile uint32_t *)(rx + rx_at);
		status = header & 0xffff;
		len = header >> 16;                        /* the frame and its CRC */
		if (!header_sane(status, len)) {
			reset_chip(header);
			return;
		}
		netdriver_received(rx + rx_at + RX_HEADER, len - RX_CRC);   /* it counts bad lengths */
		rx_at = (rx_at + RX_HEADER + len + 3) & ~3u;
		if (rx_at >= RING)
			rx_at -= RING;
		out16(CAPR, (uint16_t)(rx_at - 16));
	}
}

static void service(void)
{
	uint32_t isr;
	int rounds;

	for (rounds = 0; rounds < 16 && (isr = in16(ISR) & INT_WANTED); rounds++) {
		out16(ISR, isr);                           /* acknowledge what we are about to handle */
		if (isr & (INT_RX_OVW | INT_FIFO_OVW))
			netdriver_stats.rx_overflows++;
		if (isr & INT_RX_ERR)
			netdriver_stats.rx_errors++;
		if (isr & (INT_RX_OK | INT_RX_ERR | INT_RX_OVW | INT_FIFO_OVW))
			receive();
		if (isr & (INT_TX_OK | INT_TX_ERR))
			reap_transmissions();
	}
	in32(MPC);
}

static void interrupt(uint32_t irqs)
{
	(void)irqs;
	service();
	sys_irqctl(IRQ_ENABLE, irq);
}

/* Every NET_POLL_MS: frames the chip holds without an interrupt saying so. */
static void poll(void)
{
	service();
	if (!(in8(CR) & CR_EMPTY))
		receive();
}

static int link_up(void)
{
	return !(in8(MSR) & 0x04);
}

static int alloc_dma(void)
{
	void *addr;
	phys_bytes phys;
	int r, i;

	r = driver_dmaalloc(RX_BYTES, &addr, &rx_phys);
	if (r < 0)
		return r;
	rx = addr;
	r = driver_dmaalloc(TX_DESCS * TX_BYTES, &addr, &phys);
	if (r < 0)
		return r;
	for (i = 0; i < TX_DESCS; i++) {
		tx[i] = (uint8_t *)addr + i * TX_BYTES;
		tx_phys[i] = phys + (phys_bytes)(i * TX_BYTES);
	}
	return 0;
}

static int init(int argc, char **argv, uint8_t mac[6])
{
	struct pci_device dev;
	int r, i;

	(void)argc; (void)argv;
	r = pci_claim(0, RTL_VENDOR, RTL_DEVICE, &dev);
	if (r < 0)
		driver_panic("no RTL8139 for us on the PCI bus (%d)", r);
	r = pci_io_bar(&dev, &io);
	if (r < 0)
		return r;
	irq = dev.irq;
	r = alloc_dma();
	if (r == 0)
		r = start_chip();
	if (r == 0)
		r = sys_irqctl(IRQ_SETPOLICY, irq);
	if (r < 0)
		return r;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)in8(IDR0 + (uint32_t)i);
	printf("rtl8139: %02x:%02x.%u at ports %x, IRQ %u, MAC %02x:%02x:%02x:%02x:%02x:%02x, "
	       "receive buffer at physical %x-%x\n", dev.bus, dev.dev, dev.func, io, irq,
	       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], rx_phys, rx_phys + RX_BYTES - 1);
	return 0;
}

static const struct netdriver_ops ops = {
	.name = "rtl8139",
	.init = init,
	.send = nic_send,
	.interrupt = interrupt,
	.link_up = link_up,
	.poll = poll,
};

int main(int argc, char **argv)
{
	netdriver_main(&ops, argc, argv);
}
