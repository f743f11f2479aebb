/*
 * The IOMMU driver's protocol (drivers/iommu, Intel VT-d).
 *
 *   IOMMU_DOMAIN  from the PCI bus server only, before it lets a device
 *                 master the bus: give device bus:dev.func its own DMA
 *                 domain, mapping exactly the DMA buffers of `driver` (its
 *                 holder); a domain it had before is emptied first. 0, or
 *                 -errno: then the device must not master the bus.
 *   IOMMU_SYNC    from a driver, after it allocated DMA buffers: map them
 *                 for the devices it holds (lib/driver: driver_dmaalloc()).
 *                 Only the asker's own buffers are ever mapped.
 *
 * DMA faults are counted against the device's driver in the kernel (deny
 * kind DENY_DMA; the log's detail is IOMMU_FAULT_INFO), and a driver whose
 * device faults IOMMU_FAULTS_RESTART times is restarted.
 */
#ifndef BULKHEAD_IOMMU_H
#define BULKHEAD_IOMMU_H

#include <bulkhead/types.h>

enum {
	IOMMU_DOMAIN = 0xb00,
	IOMMU_SYNC,
};

#define IOMMU_LABEL "iommu"
#define IOMMU_FAULTS_RESTART 10   /* faults recorded (QEMU records about one per poll) */

struct iommu_req {
	endpoint_t driver;
	uint8_t    bus, dev, func, pad;
	char       label[16];                /* the driver's, for messages */
};
MSG_PAYLOAD(iommu_req);

/* A DMA refusal's detail in the kernel log: source device, direction, VT-d fault reason. */
#define IOMMU_FAULT_INFO(bus, devfn, write, reason) \
	((uint32_t)(bus) << 24 | (uint32_t)(devfn) << 16 | (uint32_t)(write) << 8 | (uint32_t)(reason))
#define IOMMU_FAULT_BUS(info)    ((info) >> 24)
#define IOMMU_FAULT_DEVFN(info)  (((info) >> 16) & 0xff)
#define IOMMU_FAULT_WRITE(info)  (((info) >> 8) & 1)
#define IOMMU_FAULT_REASON(info) ((info) & 0xff)

#endif
