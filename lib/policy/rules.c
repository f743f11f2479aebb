/*
 * rules: what hardware a policy may name, and when two policies clash
 * (interface in include/bulkhead/policy.h). The one list of the kernel's own
 * devices, used by the parser (so by the driver manager and policycheck) and
 * by the driver manager when it hands out a PCI device's resources.
 *
 * Kernel devices: the interrupt controllers, the timer and its gate, the DMA
 * controllers (they reach all of memory), the ports that reset or power off
 * the machine, and the PCI configuration ports cf8-cff (0xcf9 is also the
 * reset register), which only the PCI bus server's policy may name; IRQs 0
 * and 2; the I/O and local APICs' registers; the IOMMU's registers (where
 * QEMU's q35 puts them) and the kernel call DMACTL, which only the IOMMU
 * driver's policy may name: with them a driver could open all of memory to
 * every device.
 *
 * Device memory: a policy may name only the legacy device window a0000-fffff
 * and the top GiB c0000000-ffffffff (where PCI devices and the APICs live).
 * Anything lower is, or may be, RAM: conventional memory below a0000, the
 * kernel's pages, the rest of installed memory. The kernel itself refuses
 * any range inside the memory it manages.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/policy.h>
#include <bulkhead/kcall.h>

#define LEGACY_DEVICE_START 0xa0000u      /* VGA, option ROMs, BIOS */
#define LEGACY_DEVICE_END   0x100000u
#define HIGH_DEVICE_START   0xc0000000u   /* the PCI hole and the APICs */
#define IRQS_KERNEL         ((1u << 0) | (1u << 2))   /* the clock, the cascade */

/* who_may: 1 the PCI bus server, 2 the IOMMU driver may name it; 0 nobody. */
struct kernel_range { uint32_t base, len; const char *what; int pci_server_may; };

static const struct kernel_range kernel_ports[] = {
	{ 0x000, 0x20, "the DMA controller, which reaches all memory", 0 },
	{ 0x020, 0x02, "the interrupt controller", 0 },
	{ 0x040, 0x04, "the timer (PIT)", 0 },
	{ 0x061, 0x01, "the timer gate (port B)", 0 },
	{ 0x081, 0x0f, "the DMA page registers", 0 },
	{ 0x092, 0x01, "system control port A, which resets the machine", 0 },
	{ 0x0a0, 0x02, "the second interrupt controller", 0 },
	{ 0x0c0, 0x20, "the second DMA controller, which reaches all memory", 0 },
	{ 0x0f4, 0x04, "the shutdown port (debug exit)", 0 },
	{ 0x4d0, 0x02, "the interrupt controllers' trigger modes", 0 },
	{ 0x604, 0x02, "the ACPI power-off register", 0 },
	{ 0xcf8, 0x08, "the PCI configuration ports (cf9 resets the machine)", 1 },
};

static const struct kernel_range kernel_memory[] = {
	{ 0xfec00000u, 0x1000, "the I/O APIC (an interrupt controller)", 0 },
	{ 0xfee00000u, 0x1000, "the local APIC (an interrupt controller)", 0 },
	{ 0xfed90000u, 0x1000, "the IOMMU's registers (VT-d remapping unit)", 2 },
};

/* Labels a policy may name in `ipc` without a policy for them. */
const char policy_system_labels[] = "pm ds bootfs dm init inet";

static int overlap(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	return (uint64_t)a < (uint64_t)b + blen && (uint64_t)b < (uint64_t)a + alen;
}

static const char *find(const struct kernel_range *t, size_t n, uint32_t base, uint32_t len, int pci_server)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (overlap(base, len, t[i].base, t[i].len) && !(pci_server && t[i].pci_server_may == pci_server))
			return t[i].what;
	return NULL;
}

const char *policy_kernel_ports(uint32_t base, uint32_t len, int pci_server)
{
	return find(kernel_ports, sizeof kernel_ports / sizeof kernel_ports[0], base, len, pci_server);
}

const char *policy_kernel_memory(uint32_t base, uint32_t len)
{
	return find(kernel_memory, sizeof kernel_memory / sizeof kernel_memory[0], base, len, 0);
}

int policy_kernel_irq(uint32_t irq)
{
	return irq < 32 && (IRQS_KERNEL >> irq & 1);
}

int policy_device_memory(uint32_t base, uint32_t len)
{
	uint64_t end = (uint64_t)base + len;

	return (base >= LEGACY_DEVICE_START && end <= LEGACY_DEVICE_END) ||
	       (base >= HIGH_DEVICE_START && end <= 0x100000000ull);
}

int policy_check_hardware(const struct policy *pol, uint32_t *line, char *what, size_t len)
{
	int pci_server = !strcmp(pol->binary, POLICY_PCI_SERVER);
	int iommu = !strcmp(pol->binary, POLICY_IOMMU_DRIVER);
	const char *dev;
	uint32_t i;

	for (i = 0; i < pol->n_io; i++) {
		dev = policy_kernel_ports(pol->io[i].base, pol->io[i].len, pci_server);
		if (dev) {
			*line = pol->io_line[i];
			snprintf(what, len, "ports %x:%x are the kernel's: %s", pol->io[i].base, pol->io[i].len, dev);
			return -1;
		}
	}
	for (i = 0; i < pol->n_mem; i++) {
		dev = find(kernel_memory, sizeof kernel_memory / sizeof kernel_memory[0], pol->mem[i].base,
		           pol->mem[i].len, iommu ? 2 : 0);
		*line = pol->mem_line[i];
		if (dev) {
			snprintf(what, len, "memory %x:%x is the kernel's: %s", pol->mem[i].base, pol->mem[i].len, dev);
			return -1;
		}
		if (!policy_device_memory(pol->mem[i].base, pol->mem[i].len)) {
			snprintf(what, len, "memory %x:%x may be RAM: expected device memory in a0000-fffff "
			         "or c0000000-ffffffff", pol->mem[i].base, pol->mem[i].len);
			return -1;
		}
	}
	if (bit_test(pol->kcalls, KC_DMACTL) && !iommu) {
		*line = pol->line;
		snprintf(what, len, "only %s may have the kernel call DMACTL", POLICY_IOMMU_DRIVER);
		return -1;
	}
	for (i = 0; i < NR_IRQS; i++) {
		if ((pol->irqs >> i & 1) && policy_kernel_irq(i)) {
			*line = pol->irq_line[i];
			snprintf(what, len, "IRQ %u is the kernel's (clock or cascade)", i);
			return -1;
		}
	}
	return 0;
}

int policy_clash(const struct policy *a, const struct policy *b, uint32_t *line, char *what, size_t len)
{
	uint32_t i, j, irqs;

	for (i = 0; i < a->n_io; i++)
		for (j = 0; j < b->n_io; j++)
			if (overlap(a->io[i].base, a->io[i].len, b->io[j].base, b->io[j].len) &&
			    !((a->io_shared >> i) & (b->io_shared >> j) & 1)) {
				*line = a->io_line[i];
				snprintf(what, len, "ports %x:%x overlap %s's %x:%x, and not both say 'shared'",
				         a->io[i].base, a->io[i].len, b->name, b->io[j].base, b->io[j].len);
				return -1;
			}
	for (i = 0; i < a->n_mem; i++)
		for (j = 0; j < b->n_mem; j++)
			if (overlap(a->mem[i].base, a->mem[i].len, b->mem[j].base, b->mem[j].len) &&
			    !((a->mem_shared >> i) & (b->mem_shared >> j) & 1)) {
				*line = a->mem_line[i];
				snprintf(what, len, "memory %x:%x overlaps %s's %x:%x, and not both say 'shared'",
				         a->mem[i].base, a->mem[i].len, b->name, b->mem[j].base, b->mem[j].len);
				return -1;
			}
	irqs = a->irqs & b->irqs & ~(a->irqs_shared & b->irqs_shared);
	if (irqs) {
		i = (uint32_t)__builtin_ctz(irqs);
		*line = a->irq_line[i];
		snprintf(what, len, "IRQ %u is also %s's, and not both say 'shared'", i, b->name);
		return -1;
	}
	return 0;
}

int policy_system_label(const char *label)
{
	const char *s = policy_system_labels;
	size_t n = strlen(label);

	while (*s) {
		if (!strncmp(s, label, n) && (s[n] == ' ' || s[n] == '\0') && n)
			return 1;
		s = strchr(s, ' ');
		if (!s)
			break;
		s++;
	}
	return 0;
}
