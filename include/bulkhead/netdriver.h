/*
 * The network driver library (lib/netdriver), on top of the driver library:
 * it runs the network driver protocol (include/bulkhead/net.h), keeps the
 * queue of received frames for the client, and counts. A NIC driver fills in
 * struct netdriver_ops and calls netdriver_main(); from its interrupt hook it
 * hands over each good frame with netdriver_received() (a copy) or
 * netdriver_received_in_place() (none: it stays in the NIC's memory until
 * the client has it) and reports finished
 * transmissions with netdriver_transmitted(). A NIC driver that gives a
 * poll op has it called every NET_POLL_MS too, so that a device state that
 * raises no interrupt (a line left asserted, an edge lost) cannot deafen it.
 */
#ifndef BULKHEAD_NETDRIVER_H
#define BULKHEAD_NETDRIVER_H

#include <bulkhead/driver.h>
#include <bulkhead/net.h>
#include <bulkhead/pci.h>

struct netdriver_ops {
	const char *name;
	int  (*init)(int argc, char **argv, uint8_t mac[6]);   /* reset and start the device */
	int  (*send)(uint8_t *frame, phys_bytes at, uint32_t len, uint32_t flags);
	                                /* 0, or -EAGAIN: ring full. frame: the library's copy (the
	                                   driver may write it); at: its physical address if it lies
	                                   in the driver's transmit area (netdriver_tx_area), where
	                                   the NIC is to read it, else 0 (the driver copies it);
	                                   flags: NET_FRAME_CSUM only if offload has it */
	void (*interrupt)(uint32_t irqs);
	int  (*link_up)(void);
	void (*poll)(void);             /* every NET_POLL_MS: service the device as if it had interrupted */
	int  (*test_reset)(void);       /* optional, NET_TEST_RESET: reset as on a fault, with a pause */
	int  (*test_hold_tx)(int hold); /* optional, NET_TEST_TX_HOLD (1) and _RUN (0): stop or start the
	                                   transmitter, so that the ring fills (the tests' only way to
	                                   fill it on QEMU, whose chips send within the kick) */
	void (*kick)(void);             /* optional: with it, send only queues a frame and kick lets
	                                   every queued one go (the transmit doorbell, rung once per
	                                   NET_SEND or NET_SEND_BATCH, not once a frame) */
	uint32_t offload;               /* NET_FRAME_CSUM if the NIC fills in what that flag leaves to
	                                   the driver (send gets the flag); else the library does */
	uint32_t rx_hold;               /* net_init_reply's: largest frames its receive memory holds,
	                                   if few (0: not a limit) */
	void (*rx_release)(uint32_t n); /* with netdriver_received_in_place: the n oldest frames
	                                   handed over in place have gone to the client */
	void (*tx_interrupt)(int on);   /* optional: unmask (1) or mask (0) the device's "transmit
	                                   done" interrupt, masked at every start. The library asks
	                                   for it only while a send waits for room (send said
	                                   -EAGAIN) and masks it at the next transmission reported:
	                                   a driver that reaps at each send and service pays no
	                                   interrupt a frame (QEMU's chips send within the kick) */
};

#define NET_POLL_MS 100                 /* an interrupt lost (or never raised) costs at most this */
#define NET_SERVICE_ROUNDS 16           /* times a driver's service rereads the interrupt causes, at most (a chip
                                           that keeps raising them waits for the next interrupt or poll) */

extern struct net_stats netdriver_stats;

int  netdriver_main(const struct netdriver_ops *ops, int argc, char **argv) __attribute__((noreturn));
void netdriver_received(const uint8_t *frame, uint32_t len);
/*
 * A good frame left where the NIC put it, with no copy: the client gets it
 * from there, and the 4 bytes before it (the driver must leave them free)
 * hold its record header meanwhile; the driver must not reuse that memory
 * until rx_release says the frame has gone. 0; -EINVAL: a bad length
 * (counted; the frame is the driver's again at once); -ENOSPC: the queue
 * is full, leave it in the NIC until a release.
 */
int  netdriver_received_in_place(uint8_t *frame, uint32_t len);
/*
 * For rx_release, in a ring of `ring` descriptors whose held[] flags say
 * which ones' frames the library holds in place: the n oldest of them among
 * the `span` descriptors from `first` on are held no longer.
 */
void netdriver_unhold(uint8_t *held, uint32_t ring, uint32_t first, uint32_t span, uint32_t n);
/* The NIC's receive memory was reset (a chip reset): every frame queued is dropped (counted), none released. */
void netdriver_rx_forget(void);
void netdriver_transmitted(int ok);
/*
 * Optional, once: NET_BATCH_BYTES of the driver's DMA memory (inside the
 * range its device may reach) at phys, where batches are copied when the
 * NIC has reported sent (netdriver_transmitted, in order) every frame it
 * was told to read from there before; send then gets each frame's address
 * there, and the NIC reads it in place.
 */
void netdriver_tx_area(uint8_t *area, phys_bytes phys);

/* Claim a PCI device through the PCI bus server (vendor 0: any my policy names). */
int pci_claim(uint32_t index, uint16_t vendor, uint16_t device, struct pci_device *out);
int pci_list(uint32_t index, struct pci_device *out);
int pci_io_bar(const struct pci_device *d, uint32_t *base);

#endif
