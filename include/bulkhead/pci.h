/*
 * The PCI bus server's protocol (drivers/pci).
 *
 *   PCI_CLAIM  give me the index-th device my policy names (of the vendor
 *              and device given, if they are not 0) that no live driver
 *              holds: my privileges are extended with exactly its ports,
 *              memory and IRQ, it is enabled (bus mastering only if my policy
 *              says dma), and its description comes back through the grant.
 *              Asking for a device my policy does not name is refused (EPERM)
 *              and logged.
 *   PCI_LIST   the index-th device on the bus, and who holds it (for lspci)
 */
#ifndef BULKHEAD_PCI_H
#define BULKHEAD_PCI_H

#include <bulkhead/types.h>

enum {
	PCI_CLAIM = 0x900,
	PCI_LIST,
};

#define PCI_BARS 6
#define PCI_BAR_IO   0x1
#define PCI_BAR_MEM  0x2

struct pci_req { uint32_t index; grant_id_t grant; uint32_t len; uint16_t vendor, device; };
MSG_PAYLOAD(pci_req);

struct pci_device {
	uint8_t  bus, dev, func, irq;       /* irq 0: none */
	uint16_t vendor, device;
	uint8_t  class, subclass, progif, header;
	uint32_t bar[PCI_BARS];             /* base address, flags stripped */
	uint32_t bar_size[PCI_BARS];        /* 0: not present */
	uint8_t  bar_kind[PCI_BARS];        /* PCI_BAR_IO or PCI_BAR_MEM */
	uint16_t command;                   /* its command register (bit 2: bus master) */
	endpoint_t owner;                   /* EP_NONE: unclaimed */
	char     owner_label[16];
	uint32_t denied;                    /* claims of it refused: not in the asker's policy */
};

#endif
