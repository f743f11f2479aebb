/* driver: the main loop of every driver (interface in include/bulkhead/driver.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/driver.h>
#include <bulkhead/posix.h>

static endpoint_t dm = EP_NONE;
static const char *name = "driver";
static const struct dm_progress *progress;

void driver_report_progress(const struct dm_progress *p)
{
	progress = p;
}

/* Found without IPC: a driver's policy need not allow it to ask the data store. */
endpoint_t driver_manager(void)
{
	if (dm == EP_NONE)
		dm = find_boot_server("dm");
	return dm;
}

void driver_reply(const message *request, message *m, int result)
{
	m->m_type = result;
	ipc_sendnb(request->m_source, m);
}

void driver_panic(const char *fmt, ...)
{
	char text[DM_DETAIL_MAX];
	message m;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	printf("%s: panic: %s\n", name, text);
	memset(&m, 0, sizeof m);
	m.m_type = DM_PANIC;
	m.dm_req.grant = grant_direct(driver_manager(), text, (uint32_t)strlen(text), GRANT_READ);   /* we exit: no revoke */
	m.dm_req.len = (uint32_t)strlen(text);
	ipc_sendrec(driver_manager(), &m);
	sys_exit(DRIVER_PANIC_STATUS);
}

static void tell_serving(void)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = DM_INIT_DONE;
	m.dm_req.grant = progress ? grant_direct(driver_manager(), progress, sizeof *progress, GRANT_READ) :
	                 GRANT_INVALID;                      /* kept for the driver's life */
	m.dm_req.len = progress ? sizeof *progress : 0;
	ipc_sendrec(driver_manager(), &m);
}

int driver_main(const struct driver_ops *ops, int argc, char **argv)
{
	message m;
	int r;

	name = ops->name;
	posix_use_kernel_console();          /* a driver's own messages never wait on a driver */
	if (ops->init && (r = ops->init(argc, argv)) < 0)
		driver_panic("initialisation failed (%d)", r);
	tell_serving();
	for (;;) {
		if (ipc_receive(EP_ANY, &m) < 0)
			continue;
		if (m.m_type != NOTIFY_MESSAGE) {
			if (ops->request)
				ops->request(&m);
			else
				driver_reply(&m, &m, -ENOSYS);
		} else if (m.m_source == driver_manager()) {
			ipc_notify(dm);                      /* heartbeat */
		} else if (m.m_source == EP_HARDWARE) {
			if (ops->interrupt)
				ops->interrupt(m.notify.irq_pending);
		} else if (m.m_source == EP_CLOCK) {
			if (ops->alarm)
				ops->alarm();
		} else if (ops->notify) {
			ops->notify(m.m_source);
		}
	}
}

int driver_dmaalloc(uint32_t len, void **addr, phys_bytes *phys)
{
	uint32_t ep;
	message m;
	int r = sys_dmaalloc(len, addr, phys);

	if (r < 0 || ds_lookup(IOMMU_LABEL, &ep) < 0)
		return r;                       /* no IOMMU: the device reaches everything anyway */
	memset(&m, 0, sizeof m);
	m.m_type = IOMMU_SYNC;
	r = ipc_sendrec((endpoint_t)ep, &m);    /* no domain yet (device not claimed): mapped when it is */
	return 0;
}
