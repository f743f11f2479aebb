/* pci: the PCI bus server's client (protocol in include/bulkhead/pci.h). */
#include <string.h>
#include <bulkhead/clients.h>
#include <bulkhead/netdriver.h>

static int pci_call(int type, uint32_t index, uint16_t vendor, uint16_t device, struct pci_device *out)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = type;
	m.pci_req.index = index;
	m.pci_req.vendor = vendor;
	m.pci_req.device = device;
	m.pci_req.len = sizeof *out;
	return server_call_granted("pci", &m, &m.pci_req.grant, out, sizeof *out, GRANT_WRITE);
}

int pci_claim(uint32_t index, uint16_t vendor, uint16_t device, struct pci_device *out)
{
	return pci_call(PCI_CLAIM, index, vendor, device, out);
}

int pci_list(uint32_t index, struct pci_device *out)
{
	return pci_call(PCI_LIST, index, 0, 0, out);
}

/* The first I/O BAR of a claimed device: 0, or -ENODEV if it has none (or no IRQ). */
int pci_io_bar(const struct pci_device *d, uint32_t *base)
{
	int i;

	for (i = 0; i < PCI_BARS; i++) {
		if (d->bar_kind[i] == PCI_BAR_IO && d->bar_size[i] && d->irq) {
			*base = d->bar[i];
			return 0;
		}
	}
	return -ENODEV;
}
