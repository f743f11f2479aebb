/*
 * t_dmaevil: a hostile RTL8139 driver (boot test-dma, run by t_dma), under
 * /tests/dmaevil.conf: the rtl8139's device and DMA right, plus UMAP. It
 * claims the NIC like the real driver, then aims the device at memory that
 * is not its DMA buffers and makes it move frames there, in the NIC's
 * loopback mode (every frame it sends, it receives):
 *   kernel      receive buffer start (RBSTART) at a page of the kernel's code
 *   other PHYS  receive buffer at another process's page (the victim's)
 *   freed       receive buffer at a page of its own heap it has just freed
 *   txkernel    transmit from a kernel code page (a DMA read)
 *   (an attacker sends 8 frames; with the argument "many", 150, from the target
 *   too: every one of them faults, and it keeps faulting)
 *   victim      not an attacker: one page DMA buffer with a pattern, whose
 *               physical address it publishes ("dma_victim"); it reports
 *               whether the pattern is intact when asked through the data
 *               store ("dma_check" -> "dma_victim_ok")
 * The attacker publishes where it aimed ("dma_target") and how many frames
 * it sent ("dma_sent"), then serves heartbeats like any driver.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <bulkhead/clients.h>
#include <bulkhead/driver.h>
#include <bulkhead/netdriver.h>
#include <bulkhead/layout.h>
#include <bulkhead/syslib.h>

#define RTL_VENDOR 0x10ec
#define RTL_DEVICE 0x8139
#define TSD0    0x10
#define TSAD0   0x20
#define RBSTART 0x30
#define CR      0x37
#define CR_RST  0x10
#define CR_RE   0x08
#define CR_TE   0x04
#define IMR     0x3c
#define TCR     0x40
#define TCR_LOOPBACK (3u << 17)
#define RCR     0x44
#define RCR_ALL 0x8fu               /* accept everything, no wrap past the end */
#define CONFIG1 0x52
#define FRAME_LEN 200
#define VICTIM_WORD(i) (0x5eed0000u ^ (i) * 2654435761u)

static uint32_t io;
static volatile uint32_t *victim;

static void out8(uint32_t r, uint32_t v)  { sys_outb(io + r, v); }
static void out32(uint32_t r, uint32_t v) { sys_outl(io + r, v); }

static int victim_ok(void)
{
	uint32_t i;

	for (i = 0; i < PAGE_SIZE / 4; i++)
		if (victim[i] != VICTIM_WORD(i))
			return 0;
	return 1;
}

static int be_victim(void)
{
	phys_bytes pa;
	void *va;
	uint32_t i;
	int r = sys_dmaalloc(PAGE_SIZE, &va, &pa);

	if (r < 0)
		return r;
	victim = va;
	for (i = 0; i < PAGE_SIZE / 4; i++)
		victim[i] = VICTIM_WORD(i);
	ds_publish("dma_victim", pa);
	sys_alarm(50);
	return 0;
}

static phys_bytes kernel_page(void)
{
	struct kc_sysinfo si;

	sys_sysinfo(&si);
	return (si.text_start + 2 * PAGE_SIZE) & ~(PAGE_SIZE - 1);
}

/* A heap page it owned, written and then given back: its physical address. */
static phys_bytes freed_page(void)
{
	vir_bytes end, page;
	phys_bytes pa = 0;

	sys_brk(0, &end);
	page = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (sys_brk(page + PAGE_SIZE, &end) < 0)
		return 0;
	memset((void *)page, 0xab, PAGE_SIZE);
	sys_umap((void *)page, PAGE_SIZE, &pa, NULL);
	sys_brk(page, &end);
	return pa;
}

static int attack(const char *mode, const char *arg)
{
	struct pci_device dev;
	phys_bytes tx_pa, rx_pa, target;
	uint8_t *tx;
	void *va, *rx;
	int i, r, txkernel = !strcmp(mode, "txkernel"), many = !strcmp(arg, "many");

	r = pci_claim(0, RTL_VENDOR, RTL_DEVICE, &dev);
	if (r == 0)
		r = pci_io_bar(&dev, &io);
	if (r == 0)
		r = driver_dmaalloc(PAGE_SIZE, &va, &tx_pa);
	if (r == 0)
		r = driver_dmaalloc(16 * PAGE_SIZE, &rx, &rx_pa);   /* its own receive buffer */
	if (r < 0)
		return r;
	tx = va;
	target = !strcmp(mode, "kernel") || txkernel ? kernel_page() : !strcmp(mode, "freed") ? freed_page() :
	         (phys_bytes)strtoul(arg, NULL, 16);
	out8(CONFIG1, 0);
	out8(CR, CR_RST);
	sys_sleep_ms(10);
	out8(CR, CR_RE | CR_TE);           /* first: the chip takes TCR and RCR only when enabled */
	out32(TCR, TCR_LOOPBACK);
	out32(RCR, RCR_ALL);
	out32(RBSTART, txkernel ? rx_pa : target);
	sys_outw(io + IMR, 0);
	memset(tx, 0xff, 6);                /* broadcast, then junk */
	memset(tx + 6, 0x66, FRAME_LEN - 6);
	for (i = 0; i < (many ? 150 : 8); i++) {
		out32(TSAD0 + 4 * (i % 4), txkernel || many ? target : tx_pa);
		out32(TSD0 + 4 * (i % 4), FRAME_LEN);
		sys_sleep_ms(5);
	}
	printf("t_dmaevil: %s: aimed the device at %x, sent %d frames\n", mode, target, i);
	ds_publish("dma_target", target);
	ds_publish("dma_sent", (uint32_t)i);
	return 0;
}

static void alarm(void)
{
	uint32_t v;

	if (ds_lookup("dma_check", &v) == 0) {
		ds_publish("dma_victim_ok", (uint32_t)victim_ok() + 1);
		return;
	}
	sys_alarm(50);
}

static int init(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "victim"))
		return be_victim();
	return attack(argc > 1 ? argv[1] : "kernel", argc > 2 ? argv[2] : "0");
}

static const struct driver_ops ops = { .name = "dmaevil", .init = init, .alarm = alarm };

int main(int argc, char **argv)
{
	driver_main(&ops, argc, argv);
}
