/*
 * pci: the PCI bus server. It owns the configuration ports (cf8-cff) and
 * nothing else (policy: pci.conf). Protocol in include/bulkhead/pci.h.
 *
 * At start it walks configuration space (every bus reachable through
 * bridges, every function of multi-function devices) and sizes each BAR.
 * A driver claims a device: the driver manager says which devices the
 * driver's policy names; if this one is among them and no live driver holds
 * it, the driver manager extends the driver's privileges with exactly the
 * device's ports, memory and IRQ, and the device is enabled, with bus
 * mastering only for a policy that says dma. The driver manager keeps who
 * holds what (it refuses a device another live driver holds); this server
 * keeps a copy for lspci and learns it again from the manager when it is
 * restarted. When the holder dies, its next incarnation claims the device
 * again; once it is stopped or given up, anyone may.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/driver.h>
#include <bulkhead/pci.h>
#include <bulkhead/iommu.h>

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA    0xcfc
#define MAX_DEVICES    32
#define CMD_IO         0x1
#define CMD_MEMORY     0x2
#define CMD_MASTER     0x4

static struct pci_device devices[MAX_DEVICES];
static int n_devices;

static uint32_t config_read(int bus, int dev, int func, int reg)
{
	uint32_t v = 0xffffffffu;

	sys_outl(CONFIG_ADDRESS, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 |
	         (uint32_t)func << 8 | (uint32_t)(reg & 0xfc));
	sys_inl(CONFIG_DATA, &v);
	return v;
}

static void config_write(int bus, int dev, int func, int reg, uint32_t v)
{
	sys_outl(CONFIG_ADDRESS, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 |
	         (uint32_t)func << 8 | (uint32_t)(reg & 0xfc));
	sys_outl(CONFIG_DATA, v);
}

/* Base and size of each BAR; decoding is off while sizing. */
static void size_bars(struct pci_device *d)
{
	uint32_t cmd = config_read(d->bus, d->dev, d->func, 0x04), orig, probe;
	int i;

	config_write(d->bus, d->dev, d->func, 0x04, cmd & ~(uint32_t)(CMD_IO | CMD_MEMORY));
	for (i = 0; i < PCI_BARS; i++) {
		int reg = 0x10 + 4 * i;
		orig = config_read(d->bus, d->dev, d->func, reg);
		config_write(d->bus, d->dev, d->func, reg, 0xffffffffu);
		probe = config_read(d->bus, d->dev, d->func, reg);
		config_write(d->bus, d->dev, d->func, reg, orig);
		if (!probe || probe == 0xffffffffu)
			continue;
		if (orig & 1) {
			d->bar_kind[i] = PCI_BAR_IO;
			d->bar[i] = orig & ~3u;
			d->bar_size[i] = (~(probe & ~3u) + 1) & 0xffff;
		} else {
			d->bar_kind[i] = PCI_BAR_MEM;
			d->bar[i] = orig & ~15u;
			d->bar_size[i] = ~(probe & ~15u) + 1;
			if ((orig & 6) == 4)
				i++;                    /* a 64-bit BAR takes two registers */
		}
	}
	config_write(d->bus, d->dev, d->func, 0x04, cmd);
}

static void scan_bus(int bus, int depth)
{
	int dev, func, nfunc;
	uint32_t id, class, hdr;

	for (dev = 0; dev < 32; dev++) {
		hdr = config_read(bus, dev, 0, 0x0c) >> 16 & 0xff;
		nfunc = hdr & 0x80 ? 8 : 1;
		for (func = 0; func < nfunc; func++) {
			struct pci_device *d;
			id = config_read(bus, dev, func, 0x00);
			if ((id & 0xffff) == 0xffff || n_devices == MAX_DEVICES)
				continue;
			class = config_read(bus, dev, func, 0x08);
			hdr = config_read(bus, dev, func, 0x0c) >> 16 & 0x7f;
			d = &devices[n_devices++];
			memset(d, 0, sizeof *d);
			*d = (struct pci_device){ .bus = (uint8_t)bus, .dev = (uint8_t)dev, .func = (uint8_t)func,
			                          .vendor = (uint16_t)id, .device = (uint16_t)(id >> 16),
			                          .class = (uint8_t)(class >> 24), .subclass = (uint8_t)(class >> 16),
			                          .progif = (uint8_t)(class >> 8), .header = (uint8_t)hdr,
			                          .owner = EP_NONE };
			if (hdr == 0) {
				uint8_t irq = (uint8_t)config_read(bus, dev, func, 0x3c);
				d->irq = irq > 0 && irq < 16 ? irq : 0;
				size_bars(d);
			} else if (hdr == 1 && depth < 8) {
				scan_bus(config_read(bus, dev, func, 0x18) >> 8 & 0xff, depth + 1);
			}
		}
	}
}

/* Is the holder of d still alive? If not, d is free again. */
static void check_owner(struct pci_device *d)
{
	struct procinfo info;

	if (d->owner != EP_NONE && sys_procinfo(-1, d->owner, &info) < 0) {
		d->owner = EP_NONE;
		d->owner_label[0] = '\0';
	}
}

static int ask_dm(int type, uint32_t index, void *buf, uint32_t len, uint32_t rights)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = type;
	m.dm_req.index = index;
	m.dm_req.len = len;
	return ipc_call_granted(driver_manager(), &m, &m.dm_req.grant, buf, len, rights);
}

static int allowed(const struct dm_pci_acl *acl, const struct pci_device *d)
{
	uint32_t i;

	for (i = 0; i < acl->n_ids; i++)
		if (acl->vendor[i] == d->vendor && acl->device[i] == d->device)
			return 1;
	return 0;
}

/* Have the driver manager give `driver` exactly d's resources. */
static int grant_resources(endpoint_t driver, const struct pci_device *d)
{
	struct dm_pci_grant g;
	int i;

	memset(&g, 0, sizeof g);
	g.driver = driver;
	g.vendor = d->vendor;
	g.device = d->device;
	g.irq = d->irq;
	g.bus = d->bus;
	g.dev = d->dev;
	g.func = d->func;
	for (i = 0; i < PCI_BARS; i++) {
		if (d->bar_kind[i] == PCI_BAR_IO && d->bar_size[i]) {
			g.io[g.n_io].base = d->bar[i];
			g.io[g.n_io++].len = d->bar_size[i];
		} else if (d->bar_kind[i] == PCI_BAR_MEM && d->bar_size[i]) {
			g.mem[g.n_mem].base = d->bar[i];
			g.mem[g.n_mem++].len = (d->bar_size[i] + 4095) & ~4095u;
		}
	}
	return ask_dm(DM_PCI_GRANT, 0, &g, sizeof g, GRANT_READ);
}

/*
 * A device whose driver may use DMA gets its own IOMMU domain (mapping only
 * that driver's DMA buffers) before it may master the bus. With no IOMMU
 * driver published the device is let on the bus unconfined, as the message
 * says; with one that is down or refuses, it stays off the bus.
 */
static int confine_dma(const struct pci_device *d, endpoint_t driver, const char *label, const char **how)
{
	uint32_t ep;
	message m;
	int r;

	*how = " (DMA unconfined: no IOMMU)";
	if (ds_lookup(IOMMU_LABEL, &ep) < 0)
		return 0;
	memset(&m, 0, sizeof m);
	m.m_type = IOMMU_DOMAIN;
	m.iommu_req.driver = driver;
	m.iommu_req.bus = d->bus;
	m.iommu_req.dev = d->dev;
	m.iommu_req.func = d->func;
	strncpy(m.iommu_req.label, label, sizeof m.iommu_req.label - 1);
	r = ipc_sendrec((endpoint_t)ep, &m);
	if (r == 0)
		r = m.m_type;
	if (r < 0)
		printf("pci: %02x:%02x.%u: the IOMMU gave %s no DMA domain (%d): bus mastering stays off\n",
		       d->bus, d->dev, d->func, label, r);
	*how = " (DMA confined by the IOMMU)";
	return r;
}

static int wanted(const message *m, const struct pci_device *d)
{
	return !m->pci_req.vendor || (d->vendor == m->pci_req.vendor && d->device == m->pci_req.device);
}

/* Refuse, and say so, a claim of a device the asker's policy does not name. */
static int refuse(const message *m, const struct dm_pci_acl *acl)
{
	int i;

	for (i = 0; i < n_devices; i++)
		if (wanted(m, &devices[i]) && !allowed(acl, &devices[i]))
			devices[i].denied++;
	printf("pci: denied: %s (endpoint %d) asked for %04x:%04x, which its policy does not name\n",
	       acl->label, (int)m->m_source, m->pci_req.vendor, m->pci_req.device);
	return -EPERM;
}

static int claim(message *m)
{
	struct dm_pci_acl acl;
	struct pci_device *d, *found = NULL;
	uint32_t n = m->pci_req.index, cmd, k;
	const char *how = "";
	int i, r;

	r = ask_dm(DM_PCI_ACL, (uint32_t)m->m_source, &acl, sizeof acl, GRANT_WRITE);
	if (r < 0)
		return r == -ESRCH ? -EPERM : r;        /* not a driver the manager started */
	for (k = 0; m->pci_req.vendor && k < acl.n_ids; k++)
		if (acl.vendor[k] == m->pci_req.vendor && acl.device[k] == m->pci_req.device)
			break;
	if (m->pci_req.vendor && k == acl.n_ids)
		return refuse(m, &acl);
	for (i = 0; i < n_devices && !found; i++) {
		d = &devices[i];
		check_owner(d);
		if (allowed(&acl, d) && wanted(m, d) && d->owner == EP_NONE && n-- == 0)
			found = d;
	}
	if (!found) {
		printf("pci: %s (endpoint %d): no free device of its policy's (index %u)\n",
		       acl.label, (int)m->m_source, m->pci_req.index);
		return -ENODEV;
	}
	r = grant_resources(m->m_source, found);
	if (r == 0 && acl.dma)
		r = confine_dma(found, m->m_source, acl.label, &how);
	if (r < 0)
		return r;
	cmd = config_read(found->bus, found->dev, found->func, 0x04) & ~(uint32_t)CMD_MASTER;
	cmd |= CMD_IO | CMD_MEMORY | (acl.dma ? CMD_MASTER : 0);
	config_write(found->bus, found->dev, found->func, 0x04, cmd);
	found->owner = m->m_source;
	strncpy(found->owner_label, acl.label, sizeof found->owner_label - 1);
	printf("pci: %02x:%02x.%u %04x:%04x given to %s (endpoint %d)%s%s\n", found->bus, found->dev,
	       found->func, found->vendor, found->device, acl.label, (int)m->m_source,
	       acl.dma ? ", bus mastering on" : "", how);
	return sys_safecopy(m->m_source, m->pci_req.grant, 0, found, m->pci_req.len < sizeof *found ?
	                    m->pci_req.len : sizeof *found, SAFECOPY_TO);
}

static int list(message *m)
{
	struct pci_device *d;

	if (m->pci_req.index >= (uint32_t)n_devices)
		return -ENOENT;
	d = &devices[m->pci_req.index];
	check_owner(d);
	d->command = (uint16_t)config_read(d->bus, d->dev, d->func, 0x04);
	return sys_safecopy(m->m_source, m->pci_req.grant, 0, d, m->pci_req.len < sizeof *d ?
	                    m->pci_req.len : sizeof *d, SAFECOPY_TO);
}

static void request(message *m)
{
	int r = m->m_type == PCI_CLAIM ? claim(m) : m->m_type == PCI_LIST ? list(m) : -ENOSYS;

	driver_reply(m, m, r);
}

/* After a restart: who holds which device, from the driver manager. */
static void learn_owners(void)
{
	struct dm_pci_held held;
	uint32_t n;
	int i;

	for (n = 0; ask_dm(DM_PCI_HELD, n, &held, sizeof held, GRANT_WRITE) == 0; n++) {
		for (i = 0; i < n_devices; i++) {
			struct pci_device *d = &devices[i];
			if (d->bus != held.bus || d->dev != held.dev || d->func != held.func)
				continue;
			d->owner = held.holder;
			strncpy(d->owner_label, held.label, sizeof d->owner_label - 1);
			printf("pci: %02x:%02x.%u is held by %s (endpoint %d)\n", d->bus, d->dev, d->func,
			       held.label, (int)held.holder);
		}
	}
}

static int init(int argc, char **argv)
{
	(void)argc; (void)argv;
	scan_bus(0, 0);
	printf("pci: %d functions on the bus\n", n_devices);
	learn_owners();
	return n_devices ? 0 : -ENODEV;
}

static const struct driver_ops ops = {
	.name = "pci",
	.init = init,
	.request = request,
};

int main(int argc, char **argv)
{
	driver_main(&ops, argc, argv);
}
