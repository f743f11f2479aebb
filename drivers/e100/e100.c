/*
 * e100: the Intel 8255x PRO/100 family (82557/8/9, 82559ER, the 82801's
 * built-in one) as an unprivileged process. Its device (ports, memory, IRQ)
 * comes from the PCI bus server; it reaches the chip only through DEVIO on
 * the I/O-mapped control/status registers, its IRQ hook and DMA buffers.
 * Written from Intel's 8255x Open Source Software Developer Manual.
 *
 * The chip has two DMA engines driven through the System Control Block
 * (SCB): the command unit (CU) walks a linked list of command blocks, the
 * receive unit (RU) a linked list of receive frame descriptors (RFDs).
 * Both use simplified mode (the frame lives in the block itself) and base
 * address 0, so every link is a physical address inside our one DMA buffer.
 *
 * Start: selective reset then software reset through the PORT register, so
 * a restart after a crash mid-DMA begins from a known state; the MAC from
 * the serial EEPROM (its checksum checked); then a Configure and an
 * Individual Address Setup command, and the RU started on the RFD ring.
 *
 * Receive: a ring of RX_SLOTS RFDs; the last one we have handed back carries
 * the end-of-list bit, so the RU never runs onto a frame not yet read (it
 * stops with "no resources" and is started again once an RFD is free). A
 * good frame goes to the client from its RFD (netdriver_received_in_place:
 * no copy; the RFD's count and size words, read by then, hold the record
 * header meanwhile), and the RFD goes back to the chip, in ring order,
 * when the client has it (rx_release).
 * Each RFD tells the chip its buffer size, and the chip writes at most that
 * much; the byte count it reports is still checked against the buffer
 * before it is used, and a frame is read only after a port access that
 * followed its complete bit (completed() says why). Transmit: a ring of
 * TX_SLOTS transmit command blocks, each with the suspend bit, so the CU
 * stops after the newest and is resumed for the next batch (one SCB
 * command, the library's kick, after its last block). A completion is
 * taken only from a block we handed over, at the next send, service or
 * poll: the CU's "left the active state" interrupt (CNA) is masked except
 * while a send finds the ring full (QEMU's CU runs the whole batch within
 * the kick, so the interrupt after each would only cost a kernel round
 * trip). The per-cause masks are the 82558's and later ones' (the 82557
 * has only M); QEMU's model honours them on every variant. Anything the
 * device says that makes no sense resets the chip.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/netdriver.h>

#define INTEL_VENDOR 0x8086
#define E100_82557  0x1229         /* also 82558, 82559 */
#define E100_82559ER 0x1209
#define E100_82801  0x2449         /* the ICH's built-in one */

/* The SCB and the other control/status registers (I/O BAR). */
#define SCB_STATUS  0x00          /* 8 bits: CU and RU state */
#define SCB_ACK     0x01          /* 8 bits: interrupt causes; write 1s to acknowledge */
#define SCB_CMD     0x02          /* 8 bits: CU and RU commands; reads 0 once accepted */
#define SCB_MASK    0x03          /* 8 bits: interrupt mask */
#define SCB_POINTER 0x04          /* 32 bits: the general pointer for a command */
#define PORT        0x08          /* 32 bits: reset, self test */
#define EEPROM_CTL  0x0e          /* 16 bits: the serial EEPROM's lines */
#define MDI_CTL     0x10          /* 32 bits: PHY management */

#define CU_STATE(s)   (((s) >> 6) & 3)
#define CU_IDLE       0
#define CU_SUSPENDED  1
#define RU_STATE(s)   (((s) >> 2) & 0xf)
#define RU_READY      4

#define ACK_CX   0x80             /* a command with the I bit completed */
#define ACK_FR   0x40             /* a frame was received */
#define ACK_CNA  0x20             /* the CU left the active state */
#define ACK_RNR  0x10             /* the RU left the ready state */
#define ACK_MDI  0x08
#define ACK_SWI  0x04
#define ACK_ALL  0xfc

#define CUC_START    0x10
#define CUC_RESUME   0x20
#define CUC_LOAD_BASE 0x60
#define RUC_START    0x01
#define RUC_ABORT    0x04
#define RUC_LOAD_BASE 0x06

#define MASK_ALL  0x01            /* M: no interrupts at all */
#define MASK_NONE 0x00
#define MASK_CX   0x80            /* per-cause masks: the same bits as the causes' */
#define MASK_CNA  0x20
#define MASK_SERVED (MASK_CX | MASK_CNA)   /* MASK_NONE as tx_interrupt says */

#define PORT_SOFTWARE_RESET  0
#define PORT_SELECTIVE_RESET 2

#define EE_SK 0x01                /* clock */
#define EE_CS 0x02                /* chip select */
#define EE_DI 0x04                /* data to the EEPROM */
#define EE_DO 0x08                /* data from the EEPROM */
#define EE_READ_OPCODE 0x6        /* start bit, then 10 */
#define EE_ADDR_BITS_MAX 8
#define EE_WORDS_MAX (1u << EE_ADDR_BITS_MAX)
#define EE_CHECKSUM  0xbaba       /* all words of the EEPROM sum to this */
#define EE_PHY_WORD  6            /* bits 4:0: the PHY's MDI address */
#define EE_PHY_ADDR  0x1f
#define EE_WORD_BITS 16

#define MDI_READ     (2u << 26)
#define MDI_READY    (1u << 28)
#define MDI_PHY(a)   ((uint32_t)(a) << 21)
#define MDI_REG(r)   ((uint32_t)(r) << 16)
#define PHY_STATUS   1
#define PHY_LINK     0x0004

/* Command blocks and RFDs: status, command, link; then their own fields. */
#define CB_C        0x8000        /* status: complete */
#define CB_OK       0x2000        /* status: no error */
#define CB_EL       0x8000        /* command: end of list */
#define CB_S        0x4000        /* command: suspend after this one */
#define CB_I        0x2000        /* command: interrupt when done */
#define CMD_IA_SETUP  1
#define CMD_CONFIGURE 2
#define CMD_TRANSMIT  4
#define NO_TBD      0xffffffffu   /* simplified mode: the data follow the block */
#define TCB_EOF     0x8000        /* byte count: the whole frame is in the block */
#define TX_THRESHOLD 0xe0         /* start sending once this many 8-byte units are in */
#define RFD_COUNT_MASK 0x3fff     /* actual count; bits 15, 14 (EOF, F) vary by chip */

struct cb {                       /* a command block (Configure, IA Setup, Transmit) */
	volatile uint16_t status, command;
	volatile uint32_t link;
	volatile uint32_t tbd;        /* Transmit; the Configure/IA bytes start here */
	volatile uint16_t count;
	volatile uint8_t  threshold, tbd_number;
	uint8_t data[NET_MAX_FRAME];
};

struct rfd {                      /* a receive frame descriptor, simplified mode */
	volatile uint16_t status, command;
	volatile uint32_t link;
	volatile uint32_t rbd;        /* unused in simplified mode */
	volatile uint16_t count, size;
	uint8_t data[];
};

/*
 * Configure bytes (manual, "Configure"): 22 bytes; MII PHY; no discarding
 * of short frames (QEMU hands frames without their CRC, so a minimum frame
 * is 60 bytes); transmit padding on; no CRC transfer, no long frames,
 * broadcasts taken, no promiscuous mode, multicast only by the hash.
 */
static const uint8_t config_bytes[] = {
	22, 0x08, 0x00, 0x00, 0x00, 0x00, 0x32, 0x02, 0x01, 0x00, 0x2e, 0x00,
	0x60, 0x00, 0xf2, 0x48, 0x00, 0x40, 0xf2, 0x80, 0x3f, 0x05,
};

#define TX_SLOTS      16
#define RX_SLOTS      128                          /* as many as the ring and the library's queue held */
#define RX_DATA       1520                         /* buffer per RFD: a frame, rounded up */
#define SLOT          2048                         /* bytes per block in the DMA buffer */
#define SETUP_OFFSET  0
#define TX_OFFSET     SLOT
#define RX_OFFSET     (TX_OFFSET + TX_SLOTS * SLOT)
#define DMA_BYTES     (RX_OFFSET + RX_SLOTS * SLOT)
#define SPIN_MAX      100000                       /* polls of a register before giving up */
#define RX_ROUND_MAX  RX_SLOTS                     /* frames taken per service round */
#define RESET_REPORTS 3
#define RESET_US      20                           /* the manual asks 10 after a PORT reset */

_Static_assert(sizeof(struct cb) <= SLOT, "a transmit block fits its slot");
_Static_assert(sizeof(struct rfd) + RX_DATA <= SLOT, "an RFD and its buffer fit their slot");
_Static_assert(RX_DATA >= NET_MAX_FRAME, "an RFD holds a whole frame");

static uint32_t io, irq, phy;
static uint8_t *dma;
static phys_bytes dma_phys;
static uint32_t rx_next, rx_end;                   /* next RFD to read; the one with EL */
static uint32_t rx_give, rx_out;                   /* oldest RFD read, not handed back yet; how many */
static uint8_t rx_held[RX_SLOTS];                  /* its frame is with the library, in place */
static int ru_starved;                             /* the RU stopped: start it once an RFD is free */
static uint32_t tx_next, tx_done, tx_in_flight;
static int tx_hold;                          /* NET_TEST_TX_HOLD: no kick until the run */
static uint32_t kick_from;                     /* the first block queued since the last kick */

static uint32_t in8(uint32_t reg)  { uint32_t v = 0; sys_inb(io + reg, &v); return v; }
static uint32_t in16(uint32_t reg) { uint32_t v = 0; sys_inw(io + reg, &v); return v; }
static uint32_t in32(uint32_t reg) { uint32_t v = 0; sys_inl(io + reg, &v); return v; }
static void out8(uint32_t reg, uint32_t v)  { sys_outb(io + reg, v); }
static void out16(uint32_t reg, uint32_t v) { sys_outw(io + reg, v); }
static void out32(uint32_t reg, uint32_t v) { sys_outl(io + reg, v); }

static struct cb *setup_cb(void) { return (struct cb *)(dma + SETUP_OFFSET); }
static struct cb *tcb(uint32_t i) { return (struct cb *)(dma + TX_OFFSET + i * SLOT); }
static struct rfd *rfd(uint32_t i) { return (struct rfd *)(dma + RX_OFFSET + i * SLOT); }
static uint32_t phys_of(const void *p) { return (uint32_t)(dma_phys + (phys_bytes)((const uint8_t *)p - dma)); }

/* Wait until the chip has taken the last SCB command; 0 or -EIO. */
static int wait_cmd(void)
{
	int spins;

	for (spins = 0; spins < SPIN_MAX; spins++)
		if (in8(SCB_CMD) == 0)
			return 0;
	return -EIO;
}

static int scb_command(uint32_t cmd, uint32_t pointer)
{
	int r = wait_cmd();

	if (r < 0)
		return r;
	out32(SCB_POINTER, pointer);
	out8(SCB_CMD, cmd);
	return 0;
}

/* A short pause for the EEPROM's timing (its clock may run at most at 1 MHz). */
static void ee_pause(void)
{
	in16(EEPROM_CTL);
}

static void ee_out(uint32_t v)
{
	out16(EEPROM_CTL, v);
	ee_pause();
}

/* Clock one bit out to the EEPROM; the bit it drives on DO then. */
static uint32_t ee_bit(uint32_t bit)
{
	uint32_t di = bit ? EE_DI : 0, v;

	ee_out(EE_CS | di);
	ee_out(EE_CS | di | EE_SK);
	v = in16(EEPROM_CTL);
	ee_out(EE_CS | di);
	return (v & EE_DO) != 0;
}

/*
 * Read one EEPROM word. With *bits 0, the address width is found as the
 * manual describes: address zeros are shifted in until the EEPROM answers
 * with its dummy zero bit. 0 or -EIO (no dummy zero: no EEPROM that answers).
 */
static int ee_read(uint32_t addr, uint32_t *bits, uint32_t *word)
{
	uint32_t i, v = 0, n = 0;

	ee_out(EE_CS);
	for (i = 0; i < 3; i++)
		ee_bit(EE_READ_OPCODE >> (2 - i) & 1);
	if (*bits == 0) {
		while (n < EE_ADDR_BITS_MAX && ee_bit(0))
			n++;
		n++;
		if (n > EE_ADDR_BITS_MAX) {
			ee_out(0);
			return -EIO;
		}
		*bits = n;
	} else {
		for (i = *bits; i-- > 0;)
			if (ee_bit(addr >> i & 1) && i == 0) {
				ee_out(0);
				return -EIO;            /* the dummy zero did not come */
			}
	}
	for (i = 0; i < EE_WORD_BITS; i++)
		v = v << 1 | ee_bit(0);
	ee_out(0);
	*word = v;
	return 0;
}

/* The MAC (words 0-2) and PHY address from the EEPROM, whose checksum must hold; 0 or -errno. */
static int read_eeprom(uint8_t mac[6])
{
	uint32_t bits = 0, word, sum = 0, n, i;
	int r;

	r = ee_read(0, &bits, &word);
	if (r < 0)
		return r;
	n = 1u << bits;
	for (i = 0; i < n && r == 0; i++) {
		r = ee_read(i, &bits, &word);
		sum += word;
		if (i < 3) {
			mac[2 * i] = (uint8_t)word;
			mac[2 * i + 1] = (uint8_t)(word >> 8);
		}
		if (i == EE_PHY_WORD)
			phy = word & EE_PHY_ADDR;
	}
	if (r < 0)
		return r;
	if ((sum & 0xffff) != EE_CHECKSUM || (mac[0] & 1))
		return -EINVAL;
	return 0;
}

/* About n microseconds: a register read takes at least one. */
static void pause_us(uint32_t n)
{
	while (n--)
		in8(SCB_STATUS);
}

/* Selective reset (stops DMA), then software reset; all interrupts masked after. */
static void reset_chip(void)
{
	out32(PORT, PORT_SELECTIVE_RESET);
	pause_us(RESET_US);
	out32(PORT, PORT_SOFTWARE_RESET);
	pause_us(RESET_US);
	out8(SCB_MASK, MASK_ALL);
}

/* Run one action command from the setup block to completion; 0 or -EIO. */
static int run_setup(uint16_t cmd, const void *bytes, uint32_t len)
{
	struct cb *cb = setup_cb();
	int spins, r;

	memset(cb, 0, sizeof *cb);
	cb->command = (uint16_t)(cmd | CB_EL);
	cb->link = phys_of(cb);
	memcpy((uint8_t *)cb + 8, bytes, len);
	r = scb_command(CUC_START, phys_of(cb));
	for (spins = 0; r == 0 && !(cb->status & CB_C) && spins < SPIN_MAX; spins++)
		in8(SCB_STATUS);
	if (r == 0 && (cb->status & (CB_C | CB_OK)) != (CB_C | CB_OK))
		r = -EIO;
	return r;
}

static void init_rx_ring(void)
{
	uint32_t i;

	for (i = 0; i < RX_SLOTS; i++) {
		struct rfd *d = rfd(i);
		d->status = 0;
		d->command = i == RX_SLOTS - 1 ? CB_EL : 0;
		d->link = phys_of(rfd((i + 1) % RX_SLOTS));
		d->rbd = NO_TBD;
		d->count = 0;
		d->size = RX_DATA;
		rx_held[i] = 0;
	}
	rx_next = rx_give = rx_out = 0;
	rx_end = RX_SLOTS - 1;
	ru_starved = 0;
}

static void init_tx_ring(void)
{
	uint32_t i;

	for (i = 0; i < TX_SLOTS; i++) {
		struct cb *c = tcb(i);
		c->status = 0;
		c->command = 0;
		c->link = phys_of(tcb((i + 1) % TX_SLOTS));
		c->tbd = NO_TBD;
	}
	tx_next = tx_done = tx_in_flight = kick_from = 0;
}

/* Reset the chip and start it with our rings; 0 or -errno. */
static int start_chip(const uint8_t mac[6])
{
	int r;

	reset_chip();
	r = scb_command(CUC_LOAD_BASE, 0);
	if (r == 0)
		r = scb_command(RUC_LOAD_BASE, 0);
	if (r == 0)
		r = run_setup(CMD_CONFIGURE, config_bytes, sizeof config_bytes);
	if (r == 0)
		r = run_setup(CMD_IA_SETUP, mac, 6);
	if (r < 0)
		return r;
	init_rx_ring();
	init_tx_ring();
	r = scb_command(RUC_START, phys_of(rfd(0)));
	if (r == 0)
		r = wait_cmd();
	out8(SCB_ACK, ACK_ALL);
	out8(SCB_MASK, MASK_SERVED);
	return r;
}

static uint8_t our_mac[6];

/* The device made no sense: reset it; what was in flight is lost. */
static void restart_chip(const char *why, uint32_t value)
{
	uint32_t lost = tx_in_flight;

	netdriver_stats.rx_errors++;
	if (++netdriver_stats.rx_resets <= RESET_REPORTS)
		printf("e100: %s (%x); resetting the chip%s\n", why, value,
		       netdriver_stats.rx_resets == RESET_REPORTS ? " (further resets only counted)" : "");
	netdriver_rx_forget();                       /* frames it held in place: the reset reuses their RFDs */
	if (start_chip(our_mac) < 0)
		driver_panic("the chip does not come back after a reset");
	while (lost--)
		netdriver_transmitted(0);
}

static void reap_transmissions(void)
{
	uint16_t status;

	while (tx_in_flight) {
		status = tcb(tx_done)->status;
		if (!(status & CB_C))
			break;
		tx_done = (tx_done + 1) % TX_SLOTS;
		tx_in_flight--;
		netdriver_transmitted((status & CB_OK) != 0);
	}
}

/* The library's: the CU's CNA interrupt on while a send waits for room. */
static void tx_interrupt(int on)
{
	out8(SCB_MASK, on ? MASK_NONE : MASK_SERVED);
}

static int nic_send(uint8_t *frame, phys_bytes at, uint32_t len, uint32_t flags)
{
	struct cb *c;

	(void)at;                                  /* (no transmit area: always 0) */

	reap_transmissions();
	if (tx_in_flight == TX_SLOTS - 1)            /* one block stays between the CU and us */
		return -EAGAIN;
	c = tcb(tx_next);
	memcpy(c->data, frame, len);
	c->status = 0;
	c->tbd = NO_TBD;
	c->count = (uint16_t)(len | TCB_EOF);
	c->threshold = TX_THRESHOLD;
	c->tbd_number = 0;
	c->command = CMD_TRANSMIT | CB_S;
	tcb((tx_next + TX_SLOTS - 1) % TX_SLOTS)->command &= (uint16_t)~CB_S;
	tx_next = (tx_next + 1) % TX_SLOTS;
	tx_in_flight++;
	return 0;                                    /* it goes with the next kick */
}

/*
 * The CU goes on to the blocks queued since the last kick (started at the
 * first of them if it has never run since the reset): one command for a
 * batch. None queued, no command: a resumed CU would run on into the
 * ring's old blocks and send them again. A CU that takes no command gets
 * the chip reset, as on receive.
 */
static void kick(void)
{
	uint32_t state;

	if (kick_from == tx_next || tx_hold)
		return;
	state = CU_STATE(in8(SCB_STATUS));
	if (scb_command(state == CU_IDLE ? CUC_START : CUC_RESUME, phys_of(tcb(kick_from))) < 0)
		restart_chip("the command unit takes no commands", in8(SCB_CMD));
	kick_from = tx_next;
}

/* NET_TEST_TX_HOLD and _RUN (--test only): no kick until the run, which kicks. */
static int test_hold_tx(int hold)
{
	tx_hold = hold;
	kick();
	return 0;
}

/* Hand the oldest RFD read back to the chip: it becomes the end of the list. */
static void recycle(void)
{
	struct rfd *d = rfd(rx_give);

	d->status = 0;
	d->count = 0;                                /* (and size: the record header lay there) */
	d->size = RX_DATA;
	d->command = CB_EL;
	rfd(rx_end)->command = 0;
	rx_end = rx_give;
	rx_give = (rx_give + 1) % RX_SLOTS;
	rx_out--;
}

/* The RU, stopped, starts again at the next RFD to read once that one is free (recycled, not written). */
static void start_ru_if_free(void)
{
	if (!ru_starved || rx_out == RX_SLOTS || (rfd(rx_next)->status & CB_C))
		return;
	ru_starved = 0;
	if (scb_command(RUC_START, phys_of(rfd(rx_next))) < 0)
		restart_chip("the command unit takes no commands", in8(SCB_CMD));
}

/* Every RFD read whose frame is not held goes back to the chip, oldest first. */
static void give_back(void)
{
	while (rx_out && !rx_held[rx_give])
		recycle();
	start_ru_if_free();
}

/*
 * How many RFDs from rx_next on the chip has completed. QEMU's 8255x writes
 * an RFD's status before its count and frame (a real chip writes it last),
 * all under its one big lock, while our vCPU runs without that lock: a C
 * bit can be seen before the count and frame are there. Every port access
 * takes the lock, so one made after counting waits for an RFD still being
 * written: the frames counted are whole once it returns (receive()).
 */
static uint32_t completed(void)
{
	uint32_t n = 0;

	while (n < RX_SLOTS - rx_out && (rfd((rx_next + n) % RX_SLOTS)->status & CB_C))
		n++;                                     /* (not on into those read and held) */
	return n;
}

/*
 * The n RFDs from rx_next that completed() counted before a port access
 * since. One named function on every receive path, kept out of line: fault
 * injection (t_inject) finds a NIC driver's receive path by this name.
 */
static __attribute__((noinline)) void receive(uint32_t n)
{
	uint32_t count;
	uint16_t status;
	int r, held;

	for (; n; n--) {
		struct rfd *d = rfd(rx_next);
		status = d->status;
		count = d->count & RFD_COUNT_MASK;
		held = 0;
		if (!(status & CB_OK))
			netdriver_stats.rx_errors++;
		else if (count > RX_DATA)
			netdriver_stats.rx_bad_length++;
		else if ((r = netdriver_received_in_place(d->data, count)) == -ENOSPC)
			break;                               /* it waits in the ring until the library has room */
		else
			held = r == 0;                       /* (it counts runts) */
		rx_held[rx_next] = (uint8_t)held;
		rx_next = (rx_next + 1) % RX_SLOTS;
		rx_out++;
	}
	give_back();
}

/* Whatever the chip has written by now (outside service()). */
static void receive_written(void)
{
	uint32_t n = completed();

	if (n) {
		in8(SCB_STATUS);                        /* the access completed() wants */
		receive(n);
	}
}

/*
 * The RU stopped (it ran into the end of the list): take what it wrote since
 * our last look (a stopped RU writes nothing more), then start it at the
 * next free RFD.
 */
static void restart_receiver(void)
{
	uint32_t status = in8(SCB_STATUS);

	if (RU_STATE(status) == RU_READY)
		return;
	netdriver_stats.rx_overflows += !ru_starved;
	ru_starved = 1;
	receive_written();                           /* (which starts it, if an RFD is free) */
	start_ru_if_free();
}

/* The n oldest frames held have gone to the client: their RFDs back to the chip, and what waited taken. */
static void rx_release(uint32_t n)
{
	netdriver_unhold(rx_held, RX_SLOTS, rx_give, rx_out, n);
	give_back();
	receive_written();
}

/* The causes the chip reports, and the frames it wrote (the cause read is receive()'s access). */
static void service(void)
{
	uint32_t ack, ready;
	int rounds;

	for (rounds = 0; rounds < NET_SERVICE_ROUNDS; rounds++) {
		ready = completed();
		ack = in8(SCB_ACK) & ACK_ALL;
		if (!ack && !ready)
			break;
		if (ack)
			out8(SCB_ACK, ack);
		receive(ready);
		if (ack & ACK_RNR)
			restart_receiver();
		if (ack & (ACK_CX | ACK_CNA))
			reap_transmissions();
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
	receive_written();
	restart_receiver();
	reap_transmissions();
}

/* Link status from the PHY (latched low: read twice for the current state). */
static int link_up(void)
{
	uint32_t v = 0, i, spins;

	for (i = 0; i < 2; i++) {
		out32(MDI_CTL, MDI_READ | MDI_PHY(phy) | MDI_REG(PHY_STATUS));
		for (spins = 0; spins < SPIN_MAX && !((v = in32(MDI_CTL)) & MDI_READY); spins++)
			;
	}
	return (v & MDI_READY) && (v & PHY_LINK);
}

static int is_8255x(const struct pci_device *d)
{
	return d->vendor == INTEL_VENDOR && (d->device == E100_82557 || d->device == E100_82559ER || d->device == E100_82801);
}

static int init(int argc, char **argv, uint8_t mac[6])
{
	struct pci_device dev;
	int r;

	(void)argc; (void)argv;
	r = pci_claim(0, 0, 0, &dev);
	if (r < 0 || !is_8255x(&dev))
		driver_panic("no Intel 8255x on the PCI bus for us (%d)", r);
	r = pci_io_bar(&dev, &io);
	if (r < 0)
		driver_panic("the Intel 8255x at %02x:%02x.%u has no I/O registers or no IRQ", dev.bus, dev.dev, dev.func);
	irq = dev.irq;
	reset_chip();
	r = read_eeprom(mac);
	if (r < 0)
		driver_panic("the Intel 8255x at ports %x: no valid EEPROM (%d)", io, r);
	memcpy(our_mac, mac, 6);
	r = driver_dmaalloc(DMA_BYTES, (void **)&dma, &dma_phys);
	if (r == 0)
		r = start_chip(mac);
	if (r == 0)
		r = sys_irqctl(IRQ_SETPOLICY, irq);
	if (r < 0)
		return r;
	printf("e100: %02x:%02x.%u (%04x) at ports %x, IRQ %u, MAC %02x:%02x:%02x:%02x:%02x:%02x, "
	       "PHY %u, link %s, DMA at physical %x-%x\n", dev.bus, dev.dev, dev.func, dev.device, io, irq,
	       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], phy, link_up() ? "up" : "down",
	       dma_phys, dma_phys + DMA_BYTES - 1);
	return 0;
}

static const struct netdriver_ops ops = {
	.name = "e100",
	.init = init,
	.send = nic_send,
	.kick = kick,
	.rx_release = rx_release,
	.interrupt = interrupt,
	.test_hold_tx = test_hold_tx,
	.tx_interrupt = tx_interrupt,
	.link_up = link_up,
	.poll = poll,
};

int main(int argc, char **argv)
{
	netdriver_main(&ops, argc, argv);
}
