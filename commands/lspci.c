/*
 * lspci: the devices on the PCI bus, their resources, and which driver
 * holds each (from the PCI bus server).
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/clients.h>
#include <bulkhead/netdriver.h>

static const char *class_name(const struct pci_device *d)
{
	static const char *const names[] = {
		"old", "storage", "network", "display", "multimedia", "memory", "bridge",
		"communication", "system", "input", "docking", "processor", "serial bus",
	};

	return d->class < sizeof names / sizeof names[0] ? names[d->class] : "other";
}

int main(int argc, char **argv)
{
	struct pci_device d;
	uint32_t i;
	int b, r;

	if (argc > 1) {
		printf("usage: lspci\nLists the PCI devices: bus:device.function, vendor:device, class,\n"
		       "IRQ, I/O and memory BARs, and the driver that holds each.\n");
		return strcmp(argv[1], "--help") ? 2 : 0;
	}
	for (i = 0; (r = pci_list(i, &d)) == 0; i++) {
		printf("%02x:%02x.%u %04x:%04x %-10s irq %-2u", d.bus, d.dev, d.func, d.vendor, d.device,
		       class_name(&d), d.irq);
		for (b = 0; b < PCI_BARS; b++)
			if (d.bar_size[b])
				printf(" %s %x+%x", d.bar_kind[b] == PCI_BAR_IO ? "io" : "mem", d.bar[b], d.bar_size[b]);
		if (d.owner != EP_NONE)
			printf("  [%s, endpoint %d]", d.owner_label, (int)d.owner);
		if (d.denied)
			printf("  (%u refused claims)", d.denied);
		printf("\n");
	}
	if (i == 0)
		printf("lspci: the PCI bus server does not answer (%d)\n", r);
	return i == 0;
}
