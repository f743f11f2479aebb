/*
 * syslib: the user-space interface to the kernel (lib/sys).
 *
 * IPC primitives return 0 or a negated errno. Kernel-call wrappers return the
 * call's result the same way.
 */
#ifndef BULKHEAD_SYSLIB_H
#define BULKHEAD_SYSLIB_H

#include <bulkhead/ipc.h>
#include <bulkhead/procinfo.h>
#include <bulkhead/klog.h>
#include <bulkhead/priv.h>
#include <bulkhead/grant.h>
#include <bulkhead/devio.h>
#include <bulkhead/portio.h>

int ipc_send(endpoint_t dst, message *m);
int ipc_sendnb(endpoint_t dst, message *m);
int ipc_receive(endpoint_t src, message *m);
int ipc_sendrec(endpoint_t dst, message *m);
int ipc_notify(endpoint_t dst);

/* Make kernel call nr with m (m->m_type is set); the result is also in m->m_type. */
int kernel_call(int nr, message *m);

void sys_exit(int status) __attribute__((noreturn));
int sys_brk(vir_bytes want, vir_bytes *now);
int sys_diag(const char *s, size_t len);
int sys_time(struct kc_time *out);
uint32_t sys_uptime_ms(void);
int sys_alarm(uint32_t ms);
int sys_alarm_or_idle(uint32_t ms); /* the same alarm, or sooner: once the CPU has nothing else to run */
void sys_sleep_ms(uint32_t ms);       /* wait for the clock only; other senders wait too */
int sys_getdeath(struct kc_getdeath *out);
int sys_kill(endpoint_t target, int status);
int sys_procinfo(int slot, endpoint_t target, struct procinfo *out);
endpoint_t sys_self(void);
int sys_getlog(uint32_t from_seq, struct klog_entry *buf, uint32_t max,
               uint32_t *count, uint32_t *next_seq);
void sys_shutdown(int status) __attribute__((noreturn));
int sys_sysinfo(struct kc_sysinfo *out);

/* Isolation mechanisms (see kcall.h for the rules of each). */
int sys_privctl(endpoint_t target, uint32_t op, const struct priv *priv);
int sys_devio(uint32_t port, uint8_t size, uint8_t dir, uint32_t *value);
int sys_vdevio(struct devio_req *vec, uint32_t count, int *bad_index);
int sys_setgrant(struct grant *table, uint32_t count);
int sys_safecopy(endpoint_t granter, grant_id_t grant, uint32_t offset,
                 void *buf, uint32_t len, uint32_t dir);
int sys_vsafecopy(struct safecopy_req *vec, uint32_t count, int *bad_index);
int sys_irqctl(uint32_t op, uint32_t irq);
int sys_mapmem(phys_bytes base, uint32_t len, void **addr);
int sys_dmaalloc(uint32_t len, void **addr, phys_bytes *phys);
int sys_umap(const void *addr, uint32_t len, phys_bytes *phys, uint32_t *contig);
int sys_dmactl(uint32_t op, endpoint_t target, uint32_t index, struct kc_dmactl *io);   /* IOMMU driver */
int sys_trace(uint32_t op, endpoint_t target, vir_bytes addr, void *buf, uint32_t len);

/* One port access, made directly (bulkhead/portio.h): the same results as sys_devio. */
static inline int sys_inb(uint32_t port, uint32_t *v)  { return port_in(port, 1, v); }
static inline int sys_outb(uint32_t port, uint32_t v)  { return port_out(port, 1, v); }
static inline int sys_inw(uint32_t port, uint32_t *v)  { return port_in(port, 2, v); }
static inline int sys_outw(uint32_t port, uint32_t v)  { return port_out(port, 2, v); }
static inline int sys_inl(uint32_t port, uint32_t *v)  { return port_in(port, 4, v); }
static inline int sys_outl(uint32_t port, uint32_t v)  { return port_out(port, 4, v); }

/*
 * Grants (lib/sys/grant.c): the library keeps the caller's grant table and
 * registers it on first use. IDs are >= 0; a negative result is -errno.
 */
grant_id_t grant_direct(endpoint_t grantee, const void *addr, uint32_t len, uint32_t rights);
grant_id_t grant_indirect(endpoint_t grantee, endpoint_t granter, grant_id_t id,
                          uint32_t offset, uint32_t len, uint32_t rights);
int grant_revoke(grant_id_t id);
/*
 * sendrec m to ep with a grant to ep over buf stored in *field (a field of
 * m); the grant is revoked afterwards. The call's result (m_type), or -errno.
 */
int ipc_call_granted(endpoint_t ep, message *m, grant_id_t *field,
                     void *buf, uint32_t len, uint32_t rights);

/* KC_SCREEN (lib/sys/screen.c): the boot screen's geometry; map its memory;
   the kernel's console text from position from (count and next: out). */
int sys_screen_info(struct screen_info *out);
int sys_screen_map(void **addr);
int sys_screen_text(uint32_t from, char *buf, uint32_t len, uint32_t *count, uint32_t *next);

#endif
