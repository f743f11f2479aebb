/*
 * The driver library (lib/driver): the main loop every driver runs.
 *
 * A driver fills in a struct driver_ops and calls driver_main(). The library
 * calls init, tells the driver manager the driver is serving, answers the
 * manager's heartbeats, and hands each interrupt, alarm and client request
 * to the driver's hooks. Any hook may be NULL. A driver that keeps a struct
 * dm_progress (see dm.h) names it with driver_report_progress() before
 * driver_main(); the manager then reads it with every heartbeat answer and
 * restarts a driver that holds work and does none. driver_panic() reports a
 * message to the manager and ends the driver (it is then restarted). A
 * driver's printf goes to the kernel console, never through another driver.
 */
#ifndef BULKHEAD_DRIVER_H
#define BULKHEAD_DRIVER_H

#include <bulkhead/clients.h>

struct driver_ops {
	const char *name;
	int  (*init)(int argc, char **argv);     /* 0, or -errno: the driver panics */
	void (*request)(message *m);             /* from a client; answer with driver_reply() */
	void (*interrupt)(uint32_t irqs);        /* bit n: IRQ line n fired */
	void (*alarm)(void);                     /* its KC_ALARM went off */
	void (*notify)(endpoint_t from);         /* a notification from another process, or a kernel notice (EP_KERNEL) */
};

#define DRIVER_PANIC_STATUS 99

int  driver_main(const struct driver_ops *ops, int argc, char **argv) __attribute__((noreturn));
void driver_reply(const message *request, message *m, int result);
void driver_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
endpoint_t driver_manager(void);
/* A DMA buffer (sys_dmaalloc), then mapped by the IOMMU for the devices the driver holds, if there
   is one: call it rather than sys_dmaalloc, so the device may reach the buffer at once. */
int driver_dmaalloc(uint32_t len, void **addr, phys_bytes *phys);
void driver_report_progress(const struct dm_progress *p);

#endif
