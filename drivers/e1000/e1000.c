/*
 * e1000: the Intel 82540EM PRO/1000 (QEMU's default "e1000") as an
 * unprivileged process. Its device (memory, ports, IRQ) comes from the PCI
 * bus server; it reaches the chip only through its memory-mapped registers
 * (KC_MAPMEM of the BAR the policy's device has), its IRQ hook and DMA
 * buffers. Written from Intel's PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual (8254x).
 *
 * Start: a full reset (CTRL.RST), interrupts masked; the MAC from the
 * EEPROM through EERD (its checksum checked), else from receive address 0
 * as the reset left it; link set up (CTRL.SLU with speed detection).
 * Receive: a ring of RX_DESCS legacy descriptors, each with a 2 KiB buffer
 * (RCTL.BSIZE), long frames off, so the chip writes at most a buffer per
 * descriptor; a descriptor's length and status are still checked before
 * use (a length beyond the buffer, a frame without end-of-packet or with
 * errors is dropped and counted). A good frame goes to the client from
 * its buffer (netdriver_received_in_place: no copy), and the descriptor
 * goes back to the chip when the client has it (rx_release); the chip
 * writes each frame RX_ROOM bytes into its buffer, leaving room for the
 * record header the client gets with it. Transmit: a ring of TX_DESCS legacy
 * descriptors, each with its own buffer, handed to the chip a batch at a
 * time (one TDT write, the kick, after the last); a frame of a batch the
 * library put into its transmit area (netdriver_tx_area) is read from
 * there instead, no copy; a completion (DD) is taken only from a
 * descriptor we handed over.
 * Interrupts: receive timer, overrun, descriptors low and link change,
 * through the chip's interrupt throttle (ITR) so that a stream of frames
 * costs one interrupt per ITR interval, not one each; the packet timers
 * (RDTR/RADV, TIDV/TADV) stay 0, since the throttle already batches and
 * they would only add latency. Transmit done (TXDW) only while the ring is
 * full: sent descriptors are taken back at each kick and send and poll, and
 * an interrupt for them would open a throttle interval (QEMU holds every
 * interrupt at least 128 us after the last) that the answer to a frame
 * just sent then waits out.
 * Restart: QEMU 7.2's model holds received frames back for one second
 * after any write of RCTL (hw/net/e1000.c arms a 1 s "flush queue" timer in
 * its RCTL handler and refuses frames while it runs), and its CTRL.RST
 * resets nothing, so RCTL keeps the last incarnation's value. A chip whose
 * RCTL already holds exactly ours after the reset is not written again: its
 * receiver is first starved (RDT = RDH: no descriptor is the chip's, so it
 * writes nowhere), then given our ring, and the new incarnation receives at
 * once instead of a second later. A real 8254x clears RCTL on reset, so
 * there RCTL is written as the manual says, last. (The link is not the
 * cause: the driver never touches the PHY, so QEMU's autonegotiation timer
 * never runs, and STATUS.LU stays up through a restart.)
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/chksum.h>
#include <bulkhead/errno.h>
#include <bulkhead/netdriver.h>

#define INTEL_VENDOR 0x8086
#define E1000_82540EM 0x100e

/* Registers (byte offsets in the memory BAR). */
#define CTRL    0x0000
#define STATUS  0x0008
#define EERD    0x0014
#define ICR     0x00c0            /* read clears */
#define ITR     0x00c4
#define IMS     0x00d0
#define IMC     0x00d8
#define RCTL    0x0100
#define TCTL    0x0400
#define TIPG    0x0410
#define RDBAL   0x2800
#define RDBAH   0x2804
#define RDLEN   0x2808
#define RDH     0x2810
#define RDT     0x2818
#define RDTR    0x2820
#define RADV    0x282c
#define TDBAL   0x3800
#define TDBAH   0x3804
#define TDLEN   0x3808
#define TDH     0x3810
#define TDT     0x3818
#define TIDV    0x3820
#define TADV    0x382c
#define MTA     0x5200            /* 128 words of multicast hash */
#define MTA_WORDS 128
#define RAL0    0x5400
#define RAH0    0x5404
#define REG_SPAN 0x20000          /* the register BAR's size */

#define CTRL_FD     (1u << 0)
#define CTRL_ASDE   (1u << 5)
#define CTRL_SLU    (1u << 6)
#define CTRL_RST    (1u << 26)
#define CTRL_PHY_RST (1u << 31)
#define STATUS_LU   (1u << 1)

#define EERD_START  (1u << 0)
#define EERD_DONE   (1u << 4)
#define EERD_ADDR(a) ((uint32_t)(a) << 8)
#define EERD_DATA(v) ((v) >> 16)
#define EEPROM_WORDS 64
#define EEPROM_SUM   0xbaba       /* words 0-63 sum to this */

#define INT_TXDW    (1u << 0)     /* transmit descriptor written back */
#define INT_LSC     (1u << 2)     /* link status change */
#define INT_RXSEQ   (1u << 3)
#define INT_RXDMT0  (1u << 4)     /* receive descriptors running low */
#define INT_RXO     (1u << 6)     /* receiver overrun */
#define INT_RXT0    (1u << 7)     /* receive timer */
#define INT_WANTED  (INT_LSC | INT_RXSEQ | INT_RXDMT0 | INT_RXO | INT_RXT0)   /* TXDW: only as tx_interrupt says */
#define INT_SERVED  (INT_WANTED | INT_TXDW)
#define INT_ALL     0xffffffffu

#define RCTL_EN     (1u << 1)
#define RCTL_BAM    (1u << 15)    /* broadcasts accepted */
#define RCTL_BSIZE_2048 (0u << 16)
#define RCTL_SECRC  (1u << 26)    /* strip the CRC */
#define RCTL_VALUE  (RCTL_EN | RCTL_BAM | RCTL_BSIZE_2048 | RCTL_SECRC)   /* no long frames, no promiscuity */
#define TCTL_EN     (1u << 1)
#define TCTL_PSP    (1u << 3)     /* pad short frames */
#define TCTL_CT(n)  ((uint32_t)(n) << 4)
#define TCTL_COLD(n) ((uint32_t)(n) << 12)
#define TCTL_VALUE  (TCTL_EN | TCTL_PSP | TCTL_CT(0x0f) | TCTL_COLD(0x40))
#define TIPG_VALUE  (10u | 8u << 10 | 6u << 20)   /* the manual's values for copper */
#define RAH_AV      (1u << 31)

/*
 * ITR counts 256 ns units: at most one interrupt per 500 * 256 ns = 128 us
 * (7,812 a second), the rate the manual gives as the chip's observable
 * maximum and QEMU's floor for a non-zero ITR.
 */
#define ITR_VALUE   500

struct rx_desc {
	volatile uint64_t addr;
	volatile uint16_t length, checksum;
	volatile uint8_t  status, errors;
	volatile uint16_t special;
};

struct tx_desc {
	volatile uint64_t addr;
	volatile uint16_t length;
	volatile uint8_t  cso, cmd, status, css;
	volatile uint16_t special;
};

#define RXD_DD   0x01
#define RXD_EOP  0x02
#define RXE_ANY  0xff             /* CRC, symbol, sequence, carrier, checksum, RX data errors */
#define TXD_EOP  0x01
#define TXD_IFCS 0x02
#define TXD_RS   0x08
#define TXD_DEXT 0x20             /* cmd: an extended descriptor (a context or a data one) */
#define TXD_DD   0x01
#define TXD_DTYP_DATA 0x10        /* cso byte of an extended data descriptor: DTYP 1 (its length dword's bits 20-23) */
#define POPTS_IXSM 0x01           /* css byte of a data descriptor: insert the IPv4 header checksum ... */
#define POPTS_TXSM 0x02           /* ... and the TCP checksum, as the context says */
#define TUCMD_TCP  0x01           /* a context descriptor's command: TCP, */
#define TUCMD_IP   0x02           /* ... IPv4 */

/*
 * A transmit context descriptor (8254x manual, 3.3.6): where the checksums
 * of the data descriptors after it (with POPTS set) start, go and end. One
 * is loaded after each start of the chip: an IPv4 header of 20 bytes after
 * the Ethernet header, a TCP segment after it to the frame's end.
 */
struct tx_context {
	volatile uint8_t  ipcss, ipcso;
	volatile uint16_t ipcse;
	volatile uint8_t  tucss, tucso;
	volatile uint16_t tucse;      /* 0: to the frame's end */
	volatile uint32_t cmd_len;    /* payload length (TSO only), DTYP 0, TUCMD in bits 24-31 */
	volatile uint8_t  status, hdrlen;
	volatile uint16_t mss;
};
_Static_assert(sizeof(struct tx_context) == 16, "a context descriptor is a descriptor");

#define ETH_HLEN      14
#define IP_HLEN       20           /* the only IPv4 header length the context fits */
#define IP_CSUM_AT    (ETH_HLEN + 10)
#define TCP_AT        (ETH_HLEN + IP_HLEN)
#define TCP_CSUM_AT   (TCP_AT + 16)

#define RX_DESCS   128            /* multiples of 8: a ring is a multiple of 128 bytes */
#define TX_DESCS   64
#define BUF_BYTES  2048           /* RCTL.BSIZE: the most the chip writes into one buffer */
#define RX_ROOM    4              /* a receive buffer's first bytes, before where the chip writes: the
                                     frame's record header while the client takes it in place */
#define LONGEST_WRITE 1522        /* long frames off (RCTL.LPE): the chip drops longer ones */
#define RX_RING_OFFSET 0
#define TX_RING_OFFSET (RX_RING_OFFSET + RX_DESCS * sizeof(struct rx_desc))
#define RX_BUF_OFFSET  4096
#define TX_BUF_OFFSET  (RX_BUF_OFFSET + RX_DESCS * BUF_BYTES)
#define TX_AREA_OFFSET (TX_BUF_OFFSET + TX_DESCS * BUF_BYTES)   /* netdriver_tx_area's */
#define DMA_BYTES      (TX_AREA_OFFSET + NET_BATCH_BYTES)
#define SPIN_MAX   100000
#define RESET_US   10             /* CTRL.RST: wait at least 1 us before touching the chip */

_Static_assert(TX_RING_OFFSET + TX_DESCS * sizeof(struct tx_desc) <= RX_BUF_OFFSET, "rings fit before the buffers");
_Static_assert((RX_DESCS * sizeof(struct rx_desc)) % 128 == 0 && (TX_DESCS * sizeof(struct tx_desc)) % 128 == 0,
               "ring lengths are multiples of 128 bytes");
_Static_assert(BUF_BYTES - RX_ROOM >= LONGEST_WRITE && LONGEST_WRITE >= NET_MAX_FRAME,
               "a buffer holds a whole frame after the room for its record header");
_Static_assert(RX_ROOM == sizeof(struct net_frame_hdr), "room for a record header (netdriver_received_in_place)");

static volatile uint8_t *regs;
static uint32_t irq;
static uint8_t *dma;
static phys_bytes dma_phys;
static struct rx_desc *rxd;
static struct tx_desc *txd;
static uint32_t rx_next, rx_dropping;             /* rx_dropping: inside a frame without EOP */
static uint32_t rx_give;                          /* the oldest descriptor read, not given back yet */
static uint8_t rx_held[RX_DESCS];                 /* its frame is with the library, in place */
static uint32_t tx_next, tx_done, tx_in_flight;
static uint8_t tx_frame[TX_DESCS];                /* the descriptor carries a frame (not a context) */
static int tx_context_loaded;                     /* since the chip's start */
static int link_was;
static int rx_kept;                               /* the reset left our receiver on (QEMU) */

static uint32_t rd(uint32_t reg) { return *(volatile uint32_t *)(regs + reg); }
static void wr(uint32_t reg, uint32_t v) { *(volatile uint32_t *)(regs + reg) = v; }

static void pause_us(uint32_t n)
{
	while (n--)
		rd(STATUS);               /* a register read takes about a microsecond on the bus */
}

/* One EEPROM word through EERD; 0 or -EIO. */
static int eeprom_word(uint32_t addr, uint16_t *word)
{
	uint32_t v = 0;
	int spins;

	wr(EERD, EERD_ADDR(addr) | EERD_START);
	for (spins = 0; spins < SPIN_MAX && !((v = rd(EERD)) & EERD_DONE); spins++)
		;
	wr(EERD, 0);
	if (!(v & EERD_DONE))
		return -EIO;
	*word = (uint16_t)EERD_DATA(v);
	return 0;
}

static int mac_valid(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6) != 0;
}

/* The MAC from the EEPROM if its checksum holds, else from RAL0/RAH0; 0 or -EINVAL. */
static int read_mac(uint8_t mac[6], const char **from)
{
	uint16_t word = 0;
	uint32_t i, sum = 0, ral, rah;
	int r = 0;

	for (i = 0; i < EEPROM_WORDS && r == 0; i++) {
		r = eeprom_word(i, &word);
		sum += word;
		if (i < 3) {
			mac[2 * i] = (uint8_t)word;
			mac[2 * i + 1] = (uint8_t)(word >> 8);
		}
	}
	*from = "EEPROM";
	if (r == 0 && (sum & 0xffff) == EEPROM_SUM && mac_valid(mac))
		return 0;
	ral = rd(RAL0);
	rah = rd(RAH0);
	for (i = 0; i < 4; i++)
		mac[i] = (uint8_t)(ral >> (8 * i));
	mac[4] = (uint8_t)rah;
	mac[5] = (uint8_t)(rah >> 8);
	*from = "RAL0/RAH0";
	return (rah & RAH_AV) && mac_valid(mac) ? 0 : -EINVAL;
}

/* Full reset; interrupts masked and cleared after. 0 or -EIO. */
static int reset_chip(void)
{
	int spins;

	wr(IMC, INT_ALL);
	wr(RDT, rd(RDH));                         /* starve the receiver: the reset may leave it on */
	wr(TCTL, 0);
	wr(CTRL, rd(CTRL) | CTRL_RST);
	pause_us(RESET_US);
	for (spins = 0; spins < SPIN_MAX && (rd(CTRL) & CTRL_RST); spins++)
		;
	wr(IMC, INT_ALL);
	rd(ICR);
	return rd(CTRL) & CTRL_RST ? -EIO : 0;
}

/*
 * Our ring to the receiver; RCTL written only if the reset did not leave it
 * holding our value (see the top of the file). Returns 1 if it did.
 */
static int init_rx(void)
{
	int kept = rd(RCTL) == RCTL_VALUE;
	uint32_t i;

	for (i = 0; i < RX_DESCS; i++) {
		rxd[i].addr = dma_phys + RX_BUF_OFFSET + (phys_bytes)i * BUF_BYTES + RX_ROOM;
		rxd[i].status = 0;
		rxd[i].length = 0;
		rx_held[i] = 0;
	}
	rx_next = rx_give = rx_dropping = 0;
	wr(RDBAL, (uint32_t)(dma_phys + RX_RING_OFFSET));
	wr(RDBAH, 0);
	wr(RDLEN, RX_DESCS * sizeof(struct rx_desc));
	wr(RDH, 0);
	wr(RDT, RX_DESCS - 1);                    /* all but one descriptor are the chip's */
	wr(RDTR, 0);
	wr(RADV, 0);
	if (!kept)
		wr(RCTL, RCTL_VALUE);
	return kept;
}

static void init_tx(void)
{
	uint32_t i;

	for (i = 0; i < TX_DESCS; i++) {
		txd[i].addr = dma_phys + TX_BUF_OFFSET + (phys_bytes)i * BUF_BYTES;
		txd[i].cmd = 0;
		txd[i].status = 0;
	}
	tx_next = tx_done = tx_in_flight = 0;
	tx_context_loaded = 0;
	wr(TDBAL, (uint32_t)(dma_phys + TX_RING_OFFSET));
	wr(TDBAH, 0);
	wr(TDLEN, TX_DESCS * sizeof(struct tx_desc));
	wr(TDH, 0);
	wr(TDT, 0);
	wr(TIDV, 0);
	wr(TADV, 0);
	wr(TIPG, TIPG_VALUE);
	wr(TCTL, TCTL_VALUE);
}

static uint8_t our_mac[6];

/* Reset the chip and start it with our rings and address; 0 or -errno. */
static int start_chip(void)
{
	uint32_t i;
	int r;

	r = reset_chip();
	if (r < 0)
		return r;
	wr(CTRL, (rd(CTRL) & ~CTRL_PHY_RST) | CTRL_SLU | CTRL_ASDE);
	wr(RAL0, (uint32_t)our_mac[0] | (uint32_t)our_mac[1] << 8 | (uint32_t)our_mac[2] << 16 |
	         (uint32_t)our_mac[3] << 24);
	wr(RAH0, (uint32_t)our_mac[4] | (uint32_t)our_mac[5] << 8 | RAH_AV);
	for (i = 0; i < MTA_WORDS; i++)
		wr(MTA + 4 * i, 0);
	rx_kept = init_rx();
	init_tx();
	wr(ITR, ITR_VALUE);
	wr(IMS, INT_WANTED);
	return 0;
}

/* Room in the ring for descs more descriptors (one always stays free: a full ring would look empty)? */
static int tx_has_room(uint32_t descs)
{
	return tx_in_flight + descs < TX_DESCS;
}

/* Every descriptor the chip is done with back to us. */
static void reap_transmissions(void)
{
	while (tx_in_flight && (txd[tx_done].status & TXD_DD)) {
		if (tx_frame[tx_done])
			netdriver_transmitted(1);
		tx_done = (tx_done + 1) % TX_DESCS;
		tx_in_flight--;
	}
}

/* The library's: TXDW on while a send waits for room. */
static void tx_interrupt(int on)
{
	wr(on ? IMS : IMC, INT_TXDW);
}

static int all_zero(const uint8_t *p, uint32_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* The next descriptor is ours to fill: the slot of a frame, or of a context descriptor. */
static uint32_t take_slot(int frame)
{
	uint32_t i = tx_next;

	tx_frame[i] = (uint8_t)frame;
	tx_next = (tx_next + 1) % TX_DESCS;
	tx_in_flight++;
	return i;
}

/* The context descriptor for the checksums (struct tx_context), into the ring. */
static void load_context(void)
{
	struct tx_context *c = (struct tx_context *)&txd[take_slot(0)];

	c->ipcss = ETH_HLEN;
	c->ipcso = IP_CSUM_AT;
	c->ipcse = TCP_AT - 1;
	c->tucss = TCP_AT;
	c->tucso = TCP_CSUM_AT;
	c->tucse = 0;
	c->status = 0;
	c->hdrlen = 0;
	c->mss = 0;
	c->cmd_len = (uint32_t)(TXD_DEXT | TXD_RS | TUCMD_IP | TUCMD_TCP) << 24;
	tx_context_loaded = 1;
}

/*
 * The checksum options for a frame sent with NET_FRAME_CSUM, copied to b
 * (len bytes): the chip's (POPTS) where the context fits, the IPv4 header
 * checksum zeroed and a TCP segment's checksum holding its pseudo-header's
 * sum, as the chip wants them; else 0, the library's software filling
 * them in. The chip sums to the frame's end: a segment only if nothing but
 * zeros (the padding of a short frame) follows the datagram.
 */
static uint8_t prepare_offload(uint8_t *b, uint32_t len)
{
	struct net_ipv4_layout l;
	uint16_t sum;

	if (net_ipv4_layout(b, len, &l) <= 0 || l.hlen != IP_HLEN)
		return 0;
	b[IP_CSUM_AT] = b[IP_CSUM_AT + 1] = 0;
	if (!l.tcp)
		return POPTS_IXSM;                        /* not TCP, or a fragment: the header alone */
	if (!all_zero(b + ETH_HLEN + l.total, len - ETH_HLEN - l.total))
		return 0;
	sum = net_tcp_pseudo_sum(b + ETH_HLEN, l.total - IP_HLEN);
	memcpy(b + TCP_CSUM_AT, &sum, sizeof sum);
	return POPTS_IXSM | POPTS_TXSM;
}

/* Room for a frame (and the checksum context it may need first)? Loads that context. */
static int tx_room(int offload)
{
	reap_transmissions();
	if (!tx_has_room(1u + (offload && !tx_context_loaded)))
		return 0;
	if (offload && !tx_context_loaded)
		load_context();
	return 1;
}

/* Descriptor i for the len bytes at b (physical phys), checksums as NET_FRAME_CSUM in offload asks. */
static void tx_queue(uint32_t i, uint8_t *b, phys_bytes phys, uint32_t len, int offload)
{
	struct tx_desc *d = &txd[i];
	uint8_t popts = 0;

	if (offload && !(popts = prepare_offload(b, len)))
		net_fill_checksums(b, len);
	d->addr = phys;
	d->length = (uint16_t)len;
	d->cso = popts ? TXD_DTYP_DATA : 0;
	d->css = popts;                               /* (a data descriptor's POPTS) */
	d->special = 0;
	d->status = 0;
	d->cmd = TXD_EOP | TXD_IFCS | TXD_RS | (popts ? TXD_DEXT : 0);
}

/*
 * A frame for the next kick: read from the library's transmit area (at:
 * its address there), else copied into its descriptor's buffer first.
 * 0 or -EAGAIN.
 */
static int nic_send(uint8_t *frame, phys_bytes at, uint32_t len, uint32_t flags)
{
	int offload = (flags & NET_FRAME_CSUM) != 0;
	uint32_t i, buf;

	if (!tx_room(offload))
		return -EAGAIN;
	i = take_slot(1);
	if (!at) {
		buf = TX_BUF_OFFSET + i * BUF_BYTES;
		frame = memcpy(dma + buf, frame, len);
		at = dma_phys + buf;
	}
	tx_queue(i, frame, at, len, offload);
	return 0;                                 /* it goes with the next kick */
}

/*
 * The tail moves past every descriptor queued since the last kick: the
 * chip sends them all. QEMU's sends them within the write, so what it is
 * done with is taken back at once; a real chip's, at the next send or poll.
 */
static void kick(void)
{
	wr(TDT, tx_next);
	reap_transmissions();
}

/*
 * Take one completed descriptor's frame, if it is sound: to the library in
 * place (the descriptor is held until rx_release), or dropped. 0 if the
 * library has no room for it: it stays in the ring until it has.
 */
static int take(const struct rx_desc *d, uint32_t index)
{
	uint8_t status = d->status, errors = d->errors;
	uint32_t len = d->length;
	int r;

	if (rx_dropping || !(status & RXD_EOP)) {
		rx_dropping = !(status & RXD_EOP);       /* the rest of a frame we do not take */
		netdriver_stats.rx_bad_length += !rx_dropping;
		return 1;
	}
	if (errors & RXE_ANY) {
		netdriver_stats.rx_errors++;
		return 1;
	}
	if (len > BUF_BYTES - RX_ROOM) {
		netdriver_stats.rx_bad_length++;
		return 1;
	}
	r = netdriver_received_in_place(dma + RX_BUF_OFFSET + index * BUF_BYTES + RX_ROOM, len);
	rx_held[index] = r == 0;                     /* (it counts runts) */
	return r != -ENOSPC;
}

/* Every descriptor read whose frame is not held goes back to the chip, oldest first. */
static void give_back(void)
{
	uint32_t last = RX_DESCS;

	while (rx_give != rx_next && !rx_held[rx_give]) {
		rxd[rx_give].status = 0;
		rxd[rx_give].length = 0;
		last = rx_give;
		rx_give = (rx_give + 1) % RX_DESCS;
	}
	if (last != RX_DESCS)
		wr(RDT, last);                            /* the chip's now: everything before the last one */
}

static void receive(void)
{
	uint32_t n;

	for (n = 0; n < RX_DESCS && (rxd[rx_next].status & RXD_DD); n++) {
		if (!take(&rxd[rx_next], rx_next))
			break;
		rx_next = (rx_next + 1) % RX_DESCS;
	}
	give_back();
}

/* The n oldest frames held have gone to the client: their buffers back to the chip, and what waited taken. */
static void rx_release(uint32_t n)
{
	netdriver_unhold(rx_held, RX_DESCS, rx_give, (rx_next + RX_DESCS - rx_give) % RX_DESCS, n);
	receive();
}

static int link_up(void)
{
	return (rd(STATUS) & STATUS_LU) != 0;
}

static void link_changed(void)
{
	int up = link_up();

	if (up != link_was)
		printf("e1000: link %s\n", up ? "up" : "down");
	link_was = up;
	wr(CTRL, rd(CTRL) | CTRL_SLU);
}

static void service(void)
{
	uint32_t icr;
	int rounds;

	for (rounds = 0; rounds < NET_SERVICE_ROUNDS && (icr = rd(ICR) & INT_SERVED); rounds++) {
		if (icr & INT_RXO)
			netdriver_stats.rx_overflows++;
		if (icr & INT_RXSEQ)
			netdriver_stats.rx_errors++;
		if (icr & (INT_RXT0 | INT_RXO | INT_RXDMT0))
			receive();
		if (icr & INT_TXDW)
			reap_transmissions();
		if (icr & INT_LSC)
			link_changed();
	}
}

static void interrupt(uint32_t irqs)
{
	(void)irqs;
	service();
	sys_irqctl(IRQ_ENABLE, irq);
}

/* Every NET_POLL_MS: whatever the chip did without an interrupt saying so. */
static void poll(void)
{
	service();
	receive();
	reap_transmissions();
}

/*
 * NET_TEST_TX_HOLD and _RUN (--test only): the transmitter off, so that
 * queued frames fill the ring (QEMU's chip sends within the kick), or on
 * again: it resumes at its head (QEMU's, within this write).
 */
static int test_hold_tx(int hold)
{
	wr(TCTL, hold ? TCTL_VALUE & ~TCTL_EN : TCTL_VALUE);
	return 0;
}

/* The claimed device's register BAR: the first memory BAR, of the chip's size. */
static int map_registers(const struct pci_device *dev)
{
	int i;

	for (i = 0; i < PCI_BARS; i++)
		if (dev->bar_kind[i] == PCI_BAR_MEM && dev->bar_size[i] >= REG_SPAN && dev->irq)
			return sys_mapmem(dev->bar[i], REG_SPAN, (void **)&regs);
	return -ENODEV;
}

static int init(int argc, char **argv, uint8_t mac[6])
{
	struct pci_device dev;
	const char *from;
	int r;

	(void)argc; (void)argv;
	r = pci_claim(0, INTEL_VENDOR, E1000_82540EM, &dev);
	if (r < 0)
		driver_panic("no Intel 82540EM on the PCI bus for us (%d)", r);
	r = map_registers(&dev);
	if (r < 0)
		driver_panic("the 82540EM at %02x:%02x.%u: no register memory or no IRQ (%d)", dev.bus, dev.dev,
		             dev.func, r);
	irq = dev.irq;
	r = reset_chip();
	if (r < 0)
		driver_panic("the 82540EM does not come out of reset");
	r = read_mac(mac, &from);
	if (r < 0)
		driver_panic("the 82540EM has no valid MAC address (EEPROM or receive address 0)");
	memcpy(our_mac, mac, 6);
	r = driver_dmaalloc(DMA_BYTES, (void **)&dma, &dma_phys);
	if (r < 0)
		return r;
	rxd = (struct rx_desc *)(dma + RX_RING_OFFSET);
	txd = (struct tx_desc *)(dma + TX_RING_OFFSET);
	netdriver_tx_area(dma + TX_AREA_OFFSET, dma_phys + TX_AREA_OFFSET);
	r = start_chip();
	if (r == 0)
		r = sys_irqctl(IRQ_SETPOLICY, irq);
	if (r < 0)
		return r;
	link_was = link_up();
	printf("e1000: %02x:%02x.%u at memory %x, IRQ %u, MAC %02x:%02x:%02x:%02x:%02x:%02x (from the %s), "
	       "link %s, receiver %s, DMA at physical %x-%x\n", dev.bus, dev.dev, dev.func, dev.bar[0], irq, mac[0],
	       mac[1], mac[2], mac[3], mac[4], mac[5], from, link_was ? "up" : "down",
	       rx_kept ? "kept on" : "enabled", dma_phys, dma_phys + DMA_BYTES - 1);
	return 0;
}

static const struct netdriver_ops ops = {
	.name = "e1000",
	.init = init,
	.send = nic_send,
	.kick = kick,
	.rx_release = rx_release,
	.offload = NET_FRAME_CSUM,
	.interrupt = interrupt,
	.link_up = link_up,
	.poll = poll,
	.test_hold_tx = test_hold_tx,
	.tx_interrupt = tx_interrupt,
};

int main(int argc, char **argv)
{
	netdriver_main(&ops, argc, argv);
}
