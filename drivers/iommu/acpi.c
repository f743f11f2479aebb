/*
 * acpi: find the VT-d remapping unit from the firmware's ACPI tables.
 *
 * The root pointer ("RSD PTR ", 16-byte aligned) lies in the BIOS area
 * e0000-fffff (the policy names it); it points at the RSDT (32-bit table
 * addresses) and, from ACPI 2.0 on, the XSDT (64-bit). One of those tables
 * is the DMAR: after its 48-byte header come remapping structures, each
 * starting with a 16-bit type and a 16-bit length; type 0, a DRHD, holds
 * a remapping unit's register base at offset 8. Tables outside the BIOS
 * area are in firmware memory, which the kernel lets this driver map
 * read-only (kernel/calls/do_mapmem.c). Every length is checked against
 * what was mapped before it is followed.
 */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/syslib.h>
#include <bulkhead/layout.h>
#include "iommu.h"

#define BIOS_AREA      0xe0000u
#define BIOS_AREA_LEN  0x20000u
#define RSDP_LEN       20          /* the ACPI 1.0 part, covered by its checksum */
#define RSDP_REVISION  15
#define RSDP_RSDT      16
#define RSDP_XSDT      24
#define HEADER_LEN     36          /* every system description table's */
#define HEADER_LENGTH  4           /* offset of its 32-bit total length */
#define TABLE_MAX      0x10000u    /* no table we read is longer */
#define DMAR_STRUCTS   48          /* first remapping structure */
#define DRHD_TYPE      0
#define DRHD_REGS      8           /* register base, 64-bit */
#define DRHD_MIN_LEN   16

static const uint8_t *bios;

static int sum_ok(const uint8_t *p, uint32_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s == 0;
}

/* Map len bytes of firmware memory at pa (read-only); NULL if refused. */
static const uint8_t *map(uint64_t pa, uint32_t len)
{
	phys_bytes base = (phys_bytes)pa & ~(phys_bytes)(PAGE_SIZE - 1);
	void *va;

	if (pa >= 0x100000000ull || len > TABLE_MAX)
		return NULL;
	if (pa >= BIOS_AREA && pa + len <= BIOS_AREA + BIOS_AREA_LEN)
		return bios + (pa - BIOS_AREA);
	len = (uint32_t)((pa + len - base + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1));
	if (sys_mapmem(base, len, &va) < 0)
		return NULL;
	return (const uint8_t *)va + (pa - base);
}

/* The table at pa, whole and with a good checksum, or NULL. */
static const uint8_t *table(uint64_t pa, uint32_t *len)
{
	const uint8_t *t = map(pa, HEADER_LEN);

	if (!t)
		return NULL;
	memcpy(len, t + HEADER_LENGTH, 4);
	if (*len < HEADER_LEN || *len > TABLE_MAX || !(t = map(pa, *len)))
		return NULL;
	return sum_ok(t, *len) ? t : NULL;
}

static const uint8_t *find_rsdp(void)
{
	uint32_t off;

	for (off = 0; off + RSDP_LEN <= BIOS_AREA_LEN; off += 16)
		if (!memcmp(bios + off, "RSD PTR ", 8) && sum_ok(bios + off, RSDP_LEN))
			return bios + off;
	return NULL;
}

/* The DMAR among the tables the RSDT (entry 4 bytes) or XSDT (8) lists. */
static const uint8_t *find_dmar(const uint8_t *sdt, uint32_t len, uint32_t entry, uint32_t *dmar_len)
{
	const uint8_t *t;
	uint64_t pa;
	uint32_t off;

	for (off = HEADER_LEN; off + entry <= len; off += entry) {
		pa = 0;
		memcpy(&pa, sdt + off, entry);
		t = table(pa, dmar_len);
		if (t && !memcmp(t, "DMAR", 4))
			return t;
	}
	return NULL;
}

int acpi_find_remapping_unit(phys_bytes *regs)
{
	const uint8_t *rsdp, *sdt, *dmar = NULL;
	uint32_t len, dmar_len, off, type, slen;
	uint64_t pa = 0, base;
	void *va;

	if (sys_mapmem(BIOS_AREA, BIOS_AREA_LEN, &va) < 0)
		return -EPERM;
	bios = va;
	rsdp = find_rsdp();
	if (!rsdp)
		return -ENODEV;
	if (rsdp[RSDP_REVISION] >= 2)
		memcpy(&pa, rsdp + RSDP_XSDT, 8);
	if (pa && (sdt = table(pa, &len)) && !memcmp(sdt, "XSDT", 4))
		dmar = find_dmar(sdt, len, 8, &dmar_len);
	pa = 0;
	memcpy(&pa, rsdp + RSDP_RSDT, 4);
	if (!dmar && (sdt = table(pa, &len)) && !memcmp(sdt, "RSDT", 4))
		dmar = find_dmar(sdt, len, 4, &dmar_len);
	if (!dmar)
		return -ENODEV;
	for (off = DMAR_STRUCTS; off + 4 <= dmar_len; off += slen) {
		type = dmar[off] | (uint32_t)dmar[off + 1] << 8;
		slen = dmar[off + 2] | (uint32_t)dmar[off + 3] << 8;
		if (slen < 4 || slen > dmar_len - off)
			return -EINVAL;
		if (type == DRHD_TYPE && slen >= DRHD_MIN_LEN) {
			memcpy(&base, dmar + off + DRHD_REGS, 8);
			if (base >= 0x100000000ull || base % PAGE_SIZE)
				return -EINVAL;
			*regs = (phys_bytes)base;
			return 0;
		}
	}
	return -ENODEV;
}
