/*
 * rtl8139: what the chip's two ways of moving frames share (rtl8139.c):
 * the registers both use, port access, and the operations a mode gives.
 * The modes: C+ (cplus.c, descriptor rings, the RTL8139C+ and QEMU's chip)
 * and classic (classic.c, a receive ring buffer and four transmit slots,
 * every RTL8139).
 */
#ifndef RTL8139_H
#define RTL8139_H

#include <bulkhead/netdriver.h>

/* Registers both modes use (byte offsets in the I/O BAR). */
#define IDR0    0x00              /* the MAC, 6 bytes */
#define CR      0x37              /* command */
#define IMR     0x3c              /* interrupt mask */
#define ISR     0x3e              /* interrupt status, write 1 to clear */
#define TCR     0x40              /* transmit configuration */
#define RCR     0x44              /* receive configuration */
#define CONFIG1 0x52
#define MSR     0x58              /* media status */

#define CR_RESET 0x10
#define CR_RX    0x08
#define CR_TX    0x04
#define CR_EMPTY 0x01             /* classic: the receive ring holds nothing */

#define INT_RX_OK    0x0001
#define INT_RX_ERR   0x0002
#define INT_TX_OK    0x0004
#define INT_TX_ERR   0x0008
#define INT_RX_OVW   0x0010       /* classic: ring full; C+: no receive descriptor is the chip's */
#define INT_LINK     0x0020
#define INT_FIFO_OVW 0x0040
#define INT_RX_ANY   (INT_RX_OK | INT_RX_ERR | INT_RX_OVW | INT_FIFO_OVW)
#define INT_TX_ANY   (INT_TX_OK | INT_TX_ERR)
#define INT_HANDLED  (INT_RX_ANY | INT_TX_ANY | INT_LINK)   /* what the interrupt loop acknowledges */

#define RCR_FIFO_NONE   0xe000    /* no receive threshold: whole frames */
#define RCR_DMA_UNLIM   0x0700    /* unlimited DMA bursts */
#define RCR_WRAP        0x0080    /* classic: a frame past the ring's end runs on after it */
#define RCR_BROADCAST   0x0008
#define RCR_MY_MAC      0x0002
#define TCR_VALUE       0x03000600   /* normal gap, 1 KiB DMA bursts */
#define TCR_HWVER_MASK  0x7cc00000u  /* hardware version: bits 30-26 and 23-22 */
#define TCR_HWVER_CPLUS 0x74800000u  /* the RTL8139C+ */
#define MSR_LINK_DOWN   0x04

#define RX_CRC     4              /* the chip leaves the CRC after each frame */
#define RX_LEN_MIN (NET_MIN_FRAME + RX_CRC)   /* the chip pads short frames */

/* One way of driving the chip. */
struct rtl_mode {
	const char *name;
	int  (*alloc)(void);                  /* its DMA buffers, once; 0 or -errno */
	uint32_t (*start)(void);              /* after a reset: fresh rings, registers; returns the
	                                         transmissions that were in flight, now lost */
	int  (*send)(uint8_t *frame, phys_bytes at, uint32_t len, uint32_t flags);   /* netdriver_ops' */
	uint32_t offload;                     /* what send's flags may ask of the chip (NET_FRAME_CSUM) */
	void (*kick)(void);                   /* NULL: send sends; else send queues and kick sends */
	void (*receive)(void);                /* deliver the frames the chip wrote */
	void (*rx_release)(uint32_t n);       /* NULL: none delivered in place; else netdriver_ops' */
	void (*reap)(void);                   /* report finished transmissions */
	void (*dma_range)(phys_bytes *first, phys_bytes *last);
	int  (*test_hold_tx)(int hold);       /* NULL: cannot; else netdriver_ops' */
	void (*tx_interrupt)(int on);         /* NULL: not maskable; else netdriver_ops' */
};

extern const struct rtl_mode rtl_classic, rtl_cplus;

uint32_t in8(uint32_t reg);
uint32_t in16(uint32_t reg);
uint32_t in32(uint32_t reg);
void out8(uint32_t reg, uint32_t v);
void out16(uint32_t reg, uint32_t v);
void out32(uint32_t reg, uint32_t v);

/* Reset the chip and start the mode afresh; what was in flight is reported lost. 0 or -EIO. */
int rtl_restart(void);

#endif
