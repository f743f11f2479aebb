/* iommu: the IOMMU driver's parts (acpi.c finds the unit, vtd.c programs it, iommu.c serves). */
#ifndef IOMMU_PRIVATE_H
#define IOMMU_PRIVATE_H

#include <bulkhead/types.h>

int acpi_find_remapping_unit(phys_bytes *regs);   /* the first DRHD's register base */

#endif
