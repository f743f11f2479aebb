/*
 * t_dmaevil: hostile RTL8139 drivers and their bystanders (boots test-dma,
 * run by t_dma), under /tests/dmaevil.conf: the rtl8139's device and DMA
 * right, plus UMAP. An attacker claims the NIC like the real driver, aims
 * the device at memory that is not its DMA buffers, and asks the host peer
 * (tests/dmapeer.py) for frames, which the device then writes there:
 *   kernel      receive buffer start (RBSTART) at a page of the kernel's code
 *   other PHYS  receive buffer at another process's page (the victim's)
 *   freed       receive buffer at a page of its own heap it has just freed
 *   txkernel    transmit from a kernel code page (a DMA read; the peer looks
 *               at what arrives)
 *   (with the argument "many": 150 transmissions from the kernel page: every
 *   one of them faults, and it keeps faulting)
 * The attacker publishes where it aimed ("dma_target") and how many frames
 * it asked for or sent ("dma_sent"), then serves heartbeats like any driver.
 *
 *   midrx       a driver killed in the middle of DMA. First incarnation:
 *               receives a long flood into its own 64 KiB ring, keeping the
 *               ring drained, publishes the ring ("dma_rx", "dma_rx_pages")
 *               and waits to be killed; its device goes on writing there.
 *               Next incarnation (restarted by the manager; t_dma has
 *               published the old ring as "dma_rx_old"): waits until the
 *               old ring's pages have been given to someone else
 *               ("dma_reused"), claims the device and, before resetting it,
 *               lets it go on writing at the old ring (RX_LATE_MS); then
 *               starts it on its own ring and reports whether frames land
 *               there ("dma_rx2": 2 yes, 1 no).
 *   reuser PHYS PAGES  once told ("dma_reuse_go"), takes DMA buffers until one
 *               overlaps the freed ring at PHYS, fills it with a pattern,
 *               publishes it ("dma_reused"; 0: never got it),
 *               and on "dma_check2" says whether the pattern is intact
 *               ("dma_reused_ok": 2 intact, 1 changed).
 *   live        receives the peer's frames into its own ring for as long as
 *               it runs, publishing the bytes received ("dma_live_rx"); on
 *               "dma_end" it tells the peer the script is over.
 *   end         tells the peer the script is over.
 *   victim      not an attacker: one page DMA buffer with a pattern, whose
 *               physical address it publishes ("dma_victim"); it reports
 *               whether the pattern is intact when asked through the data
 *               store ("dma_check" -> "dma_victim_ok")
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
#define CAPR    0x38
#define CBR     0x3a
#define IMR     0x3c
#define TCR     0x40
#define RCR     0x44
#define RCR_ALL 0x8fu               /* accept everything, no wrap past the end; 8 KiB ring */
#define RCR_64K (3u << 11)          /* RBLEN: a 64 KiB ring */
#define CONFIG1 0x52
#define FRAME_LEN 200               /* tests/dmapeer.py DMAEVIL_FRAME */
#define OWN_PAGES 4                 /* a transmit page, then room for an 8 KiB ring and a frame */
#define OWN_RING(pa) ((pa) + PAGE_SIZE)
#define RING_PAGES 17               /* 64 KiB and room for a frame past its end */
#define VICTIM_SEED 0x5eed0000u
#define REUSE_SEED  0xfeed0000u
#define WORD(seed, i) ((seed) ^ (i) * 2654435761u)
#define POLL_MS 20
#define WAIT_MS 5000
#define RX_LATE_MS 100              /* the device left writing at the old ring, after the claim */
#define REUSE_TRIES 40

/* The peer's protocol (tests/netpeer.py, dmapeer.py). */
#define ETHERTYPE 0x88b5
#define MAGIC 0x42484e54u
#define K_END   7
#define K_FLOOD 12
#define FLOOD_FRAME 60
#define FLOOD_GAP_MS 2

static uint32_t io;
static uint8_t *tx;
static phys_bytes tx_pa;
static uint8_t *ring;
static volatile uint32_t *victim;
static uint32_t reused_words;
static uint32_t live_bytes, last_cbr;
static uint32_t tx_slot;                    /* the descriptor the chip sends next */
static enum { ROLE_IDLE, ROLE_VICTIM, ROLE_REUSER, ROLE_LIVE } role;

static void out8(uint32_t r, uint32_t v)  { sys_outb(io + r, v); }
static void out32(uint32_t r, uint32_t v) { sys_outl(io + r, v); }
static uint32_t in16(uint32_t r) { uint32_t v = 0; sys_inw(io + r, &v); return v; }

static int wait_key(const char *key, uint32_t *v)
{
	uint32_t t;

	for (t = 0; t < WAIT_MS; t += POLL_MS) {
		if (ds_lookup(key, v) == 0)
			return 0;
		sys_sleep_ms(POLL_MS);
	}
	return -1;
}

static void words_fill(volatile uint32_t *w, uint32_t n, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		w[i] = WORD(seed, i);
}

static int words_ok(volatile uint32_t *w, uint32_t n, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (w[i] != WORD(seed, i))
			return 0;
	return 1;
}

static int be_victim(void)
{
	phys_bytes pa;
	void *va;
	int r = sys_dmaalloc(PAGE_SIZE, &va, &pa);

	if (r < 0)
		return r;
	victim = va;
	words_fill(victim, PAGE_SIZE / 4, VICTIM_SEED);
	ds_publish("dma_victim", pa);
	role = ROLE_VICTIM;
	sys_alarm(50);
	return 0;
}

static phys_bytes reuse_old;
static uint32_t reuse_pages, reuse_tries;

static int be_reuser(phys_bytes old, uint32_t pages)
{
	reuse_old = old;
	reuse_pages = pages;
	role = ROLE_REUSER;
	sys_alarm(POLL_MS);
	return 0;
}

/*
 * Once told the ring's driver is dead ("dma_reuse_go"): take one buffer of
 * the ring's size per alarm until one overlaps the ring (first fit gives it
 * back once freed; a lower hole is kept and the next try made).
 */
static void reuse_try(void)
{
	phys_bytes pa;
	uint32_t v;
	void *va;

	if (ds_lookup("dma_reuse_go", &v) < 0)
		return;
	if (++reuse_tries > REUSE_TRIES || sys_dmaalloc(reuse_pages * PAGE_SIZE, &va, &pa) < 0) {
		printf("t_dmaevil: reuser: the ring at %x never came back\n", reuse_old);
		ds_publish("dma_reused", 0);
		reuse_tries = REUSE_TRIES + 1;
		return;
	}
	if (pa + reuse_pages * PAGE_SIZE <= reuse_old || reuse_old + reuse_pages * PAGE_SIZE <= pa)
		return;
	victim = va;
	reused_words = reuse_pages * PAGE_SIZE / 4;
	words_fill(victim, reused_words, REUSE_SEED);
	printf("t_dmaevil: reuser: the old ring's pages are mine now, at %x (try %u)\n", pa, reuse_tries);
	ds_publish("dma_reused", pa);
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

/*
 * Claim the NIC; a receive ring of RING_PAGES first if ring_pa (so a killed
 * driver's ring is the lowest of the runs it frees: first fit gives it to
 * the reuser whole), then a buffer of our own: a page to transmit from, then
 * a small receive ring.
 */
static int claim(phys_bytes *ring_pa)
{
	struct pci_device dev;
	void *va = NULL;
	int r = pci_claim(0, RTL_VENDOR, RTL_DEVICE, &dev);

	if (r == 0)
		r = pci_io_bar(&dev, &io);
	if (r == 0 && ring_pa)
		r = driver_dmaalloc(RING_PAGES * PAGE_SIZE, &va, ring_pa);
	ring = va;
	if (r == 0)
		r = driver_dmaalloc(OWN_PAGES * PAGE_SIZE, &va, &tx_pa);
	if (r < 0)
		printf("t_dmaevil: cannot claim the NIC: %d\n", r);
	tx = va;
	return r;
}

static void start_card(phys_bytes rbstart, uint32_t rcr)
{
	out8(CONFIG1, 0);
	out8(CR, CR_RST);
	sys_sleep_ms(10);
	out8(CR, CR_RE | CR_TE);           /* first: the chip takes TCR and RCR only when enabled */
	out32(TCR, 0);
	out32(RCR, rcr);
	out32(RBSTART, rbstart);
	sys_outw(io + IMR, 0);
	sys_outw(io + CAPR, 0xfff0);
	last_cbr = tx_slot = 0;
}

/* The chip sends its four descriptors in turn: each transmission takes the next. */
static void transmit(phys_bytes from, uint32_t len)
{
	out32(TSAD0 + 4 * tx_slot, from);
	out32(TSD0 + 4 * tx_slot, len);
	tx_slot = (tx_slot + 1) % 4;
	sys_sleep_ms(5);
}

/* A frame of the peer's protocol from our own buffer: kind, seq, size, flags. */
static void tell_peer(uint32_t kind, uint32_t seq, uint32_t size, uint32_t flags)
{
	uint32_t i, w[4] = { __builtin_bswap32(MAGIC), __builtin_bswap32(kind << 16 | flags),
	                     __builtin_bswap32(seq), __builtin_bswap32(size) };

	memset(tx, 0xff, 6);                /* to everyone, from a made-up local address */
	memset(tx + 6, 0x02, 6);
	tx[12] = ETHERTYPE >> 8;
	tx[13] = ETHERTYPE & 0xff;
	memcpy(tx + 14, w, sizeof w);
	memset(tx + 30, 0, FLOOD_FRAME - 30);
	for (i = 0; i < 3; i++)            /* the wire is UDP on the host: say it thrice */
		transmit(tx_pa, FLOOD_FRAME);
}

static int attack(const char *mode, const char *arg)
{
	phys_bytes target;
	int i, r, txkernel = !strcmp(mode, "txkernel"), many = !strcmp(arg, "many"), frames;

	r = claim(NULL);
	if (r < 0)
		return r;
	target = !strcmp(mode, "kernel") || txkernel ? kernel_page() : !strcmp(mode, "freed") ? freed_page() :
	         (phys_bytes)strtoul(arg, NULL, 16);
	start_card(txkernel ? OWN_RING(tx_pa) : target, RCR_ALL);
	if (txkernel || many) {
		for (i = 0, frames = many ? 150 : 8; i < frames; i++)
			transmit(target, FRAME_LEN);
	} else {
		frames = strcmp(mode, "other") ? 8 : 3;   /* at most 3 * 68 bytes into the victim's page */
		tell_peer(K_FLOOD, (uint32_t)frames, FLOOD_FRAME, 5);
		sys_sleep_ms(300);
	}
	printf("t_dmaevil: %s: aimed the device at %x, %d frames\n", mode, target, frames);
	ds_publish("dma_target", target);
	ds_publish("dma_sent", (uint32_t)frames);
	return 0;
}

/* Everything the device wrote since the last look counts as received; the ring is drained. */
static void drain(void)
{
	uint32_t cbr = in16(CBR);

	live_bytes += (cbr - last_cbr) & 0xffff;
	last_cbr = cbr;
	sys_outw(io + CAPR, (cbr - 16) & 0xffff);
}

/* Did a frame of the peer's land at the start of our ring (after its 4-byte header)? */
static int peer_frame_in_ring(void)
{
	return ring[4 + 12] == (ETHERTYPE >> 8) && ring[4 + 13] == (ETHERTYPE & 0xff);
}

static int be_live(int publish_ring)
{
	phys_bytes pa;
	uint32_t t;
	int r = claim(&pa);

	if (r < 0)
		return r;
	start_card(pa, RCR_ALL | RCR_64K);
	tell_peer(K_FLOOD, 100000, FLOOD_FRAME, FLOOD_GAP_MS);
	role = ROLE_LIVE;
	if (publish_ring) {
		for (t = 0; !in16(CBR) && t < WAIT_MS; t += POLL_MS)
			sys_sleep_ms(POLL_MS);         /* until the peer's frames are arriving */
		ds_publish("dma_rx_pages", RING_PAGES);
		ds_publish("dma_rx", pa);
	}
	sys_alarm(POLL_MS);
	return 0;
}

/* The next incarnation of a driver killed mid-DMA: claim, leave the device alone a while, then reset it. */
static int midrx_again(void)
{
	phys_bytes pa;
	uint32_t v;
	int r;

	if (wait_key("dma_reused", &v) < 0 || !v)
		printf("t_dmaevil: midrx: nobody took the old ring; going on\n");
	r = claim(&pa);
	if (r < 0)
		return r;
	sys_sleep_ms(RX_LATE_MS);                  /* the device is still at the old ring */
	start_card(pa, RCR_ALL | RCR_64K);
	sys_sleep_ms(300);
	printf("t_dmaevil: midrx: new incarnation's ring at %x: %x bytes written\n", pa, in16(CBR));
	ds_publish("dma_rx2", peer_frame_in_ring() ? 2 : 1);
	return 0;
}

static void alarm(void)
{
	uint32_t v;

	if (role == ROLE_LIVE) {
		drain();
		ds_publish("dma_live_rx", live_bytes);
		if (ds_lookup("dma_end", &v) == 0) {
			tell_peer(K_END, 0, FLOOD_FRAME, 0);
			return;
		}
	} else if (role == ROLE_VICTIM && ds_lookup("dma_check", &v) == 0) {
		ds_publish("dma_victim_ok", (uint32_t)words_ok(victim, PAGE_SIZE / 4, VICTIM_SEED) + 1);
		return;
	} else if (role == ROLE_REUSER && reused_words && ds_lookup("dma_check2", &v) == 0) {
		ds_publish("dma_reused_ok", (uint32_t)words_ok(victim, reused_words, REUSE_SEED) + 1);
		return;
	} else if (role == ROLE_REUSER && !reused_words && reuse_tries <= REUSE_TRIES) {
		reuse_try();
	}
	sys_alarm(role == ROLE_LIVE ? POLL_MS : 50);
}

static int init(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "kernel", *arg = argc > 2 ? argv[2] : "0";
	uint32_t v;

	if (!strcmp(mode, "victim"))
		return be_victim();
	if (!strcmp(mode, "reuser"))
		return be_reuser((phys_bytes)strtoul(arg, NULL, 16), argc > 3 ? (uint32_t)atoi(argv[3]) : 1);
	if (!strcmp(mode, "live"))
		return be_live(0);
	if (!strcmp(mode, "midrx"))
		return ds_lookup("dma_rx_old", &v) == 0 ? midrx_again() : be_live(1);
	if (!strcmp(mode, "end")) {
		if (claim(NULL) == 0) {
			start_card(OWN_RING(tx_pa), RCR_ALL);
			tell_peer(K_END, 0, FLOOD_FRAME, 0);
		}
		return 0;
	}
	return attack(mode, arg);
}

static const struct driver_ops ops = { .name = "dmaevil", .init = init, .alarm = alarm };

int main(int argc, char **argv)
{
	driver_main(&ops, argc, argv);
}
