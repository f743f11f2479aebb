/*
 * rtl8139: the Realtek RTL8139 PCI Ethernet controller, as an unprivileged
 * process. Its device (ports, memory, IRQ) comes from the PCI bus server;
 * it reaches the chip only through DEVIO, its IRQ hook and DMA buffers.
 *
 * This file: claiming the device, the reset, the interrupt loop and the
 * choice of mode. C+ mode (cplus.c: descriptor rings, how QEMU's chip, an
 * RTL8139C+, is meant to be driven) when the chip's hardware version says
 * it has it; classic mode (classic.c: a receive ring buffer and four
 * transmit slots) on the older chips, or when the driver's argument is
 * "classic". C+ costs fewer port accesses per frame (see
 * cplus.c and README's figures).
 *
 * Every start, first or after a restart, resets the chip and gives it
 * fresh rings: nothing a dead incarnation, or the chip, half-did is taken
 * as done.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include "rtl8139.h"

#define RTL_VENDOR 0x10ec
#define RTL_DEVICE 0x8139
#define RESET_SPINS 100000

static uint32_t io, irq;
static const struct rtl_mode *mode;
static struct netdriver_ops ops;          /* (below) */

uint32_t in8(uint32_t reg)  { uint32_t v = 0; sys_inb(io + reg, &v); return v; }
uint32_t in16(uint32_t reg) { uint32_t v = 0; sys_inw(io + reg, &v); return v; }
uint32_t in32(uint32_t reg) { uint32_t v = 0; sys_inl(io + reg, &v); return v; }
void out8(uint32_t reg, uint32_t v)  { sys_outb(io + reg, v); }
void out16(uint32_t reg, uint32_t v) { sys_outw(io + reg, v); }
void out32(uint32_t reg, uint32_t v) { sys_outl(io + reg, v); }

/* Software reset: every register to its default, C+ off, no ring known. 0 or -EIO. */
static int reset_chip(void)
{
	int spins;

	out8(CONFIG1, 0);                          /* wake it up */
	out8(CR, CR_RESET);
	for (spins = 0; (in8(CR) & CR_RESET) && spins < RESET_SPINS; spins++)
		;
	return in8(CR) & CR_RESET ? -EIO : 0;
}

int rtl_restart(void)
{
	uint32_t lost;
	int r;

	r = reset_chip();
	if (r < 0)
		return r;
	lost = mode->start();
	while (lost--)
		netdriver_transmitted(0);
	return 0;
}

static int nic_send(uint8_t *frame, phys_bytes at, uint32_t len, uint32_t flags)
{
	return mode->send(frame, at, len, flags);
}

static void rx_release(uint32_t n)
{
	mode->rx_release(n);                       /* (only a mode that delivers in place is asked) */
}

/*
 * Frames the chip has written, through the mode. One named function on
 * every receive path of both modes, kept out of line: fault injection
 * (t_inject) finds a NIC driver's receive path by this name.
 */
static __attribute__((noinline)) void receive(void)
{
	mode->receive();
}

static void service(void)
{
	uint32_t isr;
	int rounds;

	for (rounds = 0; rounds < NET_SERVICE_ROUNDS && (isr = in16(ISR) & INT_HANDLED); rounds++) {
		out16(ISR, isr);                           /* acknowledge what we are about to handle */
		if (isr & (INT_RX_OVW | INT_FIFO_OVW))
			netdriver_stats.rx_overflows++;
		if (isr & INT_RX_ERR)
			netdriver_stats.rx_errors++;
		if (isr & INT_RX_ANY)
			receive();
		if (isr & INT_TX_ANY)
			mode->reap();
	}
}

static void interrupt(uint32_t irqs)
{
	(void)irqs;
	service();
	sys_irqctl(IRQ_ENABLE, irq);
}

/* Every NET_POLL_MS, and when the transmit ring is full: what the chip did unreported. */
static void poll(void)
{
	service();
	receive();
	mode->reap();
}

static int link_up(void)
{
	return !(in8(MSR) & MSR_LINK_DOWN);
}

/* The mode the arguments ask for ("classic" or "cplus"), else the best the chip has. */
static int choose_mode(int argc, char **argv)
{
	int has_cplus = (in32(TCR) & TCR_HWVER_MASK) == TCR_HWVER_CPLUS, i;

	mode = has_cplus ? &rtl_cplus : &rtl_classic;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "classic"))
			mode = &rtl_classic;
		else if (!strcmp(argv[i], "cplus") && !has_cplus)
			return -ENODEV;
		else if (!strcmp(argv[i], "cplus"))
			mode = &rtl_cplus;
	}
	ops.kick = mode->kick;
	ops.offload = mode->offload;
	ops.test_hold_tx = mode->test_hold_tx;
	ops.tx_interrupt = mode->tx_interrupt;
	return 0;
}

static void say_hello(const struct pci_device *dev, const uint8_t mac[6])
{
	phys_bytes first, last;

	mode->dma_range(&first, &last);
	printf("rtl8139: %02x:%02x.%u at ports %x, IRQ %u, MAC %02x:%02x:%02x:%02x:%02x:%02x, "
	       "%s mode, DMA at physical %x-%x\n", dev->bus, dev->dev, dev->func, io, irq,
	       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], mode->name, first, last);
}

static int init(int argc, char **argv, uint8_t mac[6])
{
	struct pci_device dev;
	int r, i;

	r = pci_claim(0, RTL_VENDOR, RTL_DEVICE, &dev);
	if (r < 0)
		driver_panic("no RTL8139 for us on the PCI bus (%d)", r);
	r = pci_io_bar(&dev, &io);
	if (r < 0)
		return r;
	irq = dev.irq;
	r = reset_chip();
	if (r == 0 && choose_mode(argc, argv) < 0)
		driver_panic("cplus asked for, and this RTL8139 (version %x) has no C+ mode", in32(TCR) & TCR_HWVER_MASK);
	if (r == 0)
		r = mode->alloc();
	if (r == 0)
		r = rtl_restart();
	if (r == 0)
		r = sys_irqctl(IRQ_SETPOLICY, irq);
	if (r < 0)
		return r;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)in8(IDR0 + (uint32_t)i);
	say_hello(&dev, mac);
	return 0;
}

static struct netdriver_ops ops = {       /* .kick, .offload, .test_hold_tx, .tx_interrupt: the mode's */
	.name = "rtl8139",
	.init = init,
	.send = nic_send,
	.rx_release = rx_release,
	.interrupt = interrupt,
	.link_up = link_up,
	.poll = poll,
};

int main(int argc, char **argv)
{
	netdriver_main(&ops, argc, argv);
}
