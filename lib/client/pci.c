/* pci: claiming a device from the PCI bus server (protocol in include/bulkhead/pci.h). */
#include <string.h>
#include <bulkhead/clients.h>
#include <bulkhead/netdriver.h>

int pci_claim(uint32_t index, uint16_t vendor, uint16_t device, struct pci_device *out)
{
	endpoint_t pci = server_endpoint("pci", EP_NONE);
	grant_id_t g;
	message m;
	int r;

	if (pci == EP_NONE)
		return -ESRCH;
	g = grant_direct(pci, out, sizeof *out, GRANT_WRITE);
	if (g < 0)
		return g;
	memset(&m, 0, sizeof m);
	m.m_type = PCI_CLAIM;
	m.pci_req.index = index;
	m.pci_req.vendor = vendor;
	m.pci_req.device = device;
	m.pci_req.grant = g;
	m.pci_req.len = sizeof *out;
	r = ipc_sendrec(pci, &m);
	grant_revoke(g);
	return r < 0 ? r : m.m_type;
}
