/* kcalls: one wrapper per kernel call (numbers and payloads in bulkhead/kcall.h). */
#include <string.h>
#include <bulkhead/layout.h>
#include <bulkhead/syslib.h>

void sys_exit(int status)
{
	message m;

	memset(&m, 0, sizeof m);
	m.kc_exit.status = status;
	kernel_call(KC_EXIT, &m);
	for (;;)       /* not reached: the kernel does not answer an exit */
		__asm__ volatile("ud2");
}

int sys_brk(vir_bytes want, vir_bytes *now)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.kc_brk.addr = want;
	r = kernel_call(KC_BRK, &m);
	if (r == 0 && now)
		*now = m.kc_brk.addr;
	return r;
}

int sys_diag(const char *s, size_t len)
{
	message m;

	memset(&m, 0, sizeof m);
	m.kc_diag.buf = (vir_bytes)s;
	m.kc_diag.len = len;
	return kernel_call(KC_DIAG, &m);
}

int sys_time(struct kc_time *out)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	r = kernel_call(KC_TIME, &m);
	if (r == 0)
		*out = m.kc_time;
	return r;
}

/* The uptime from the clock page the kernel maps into every process: no kernel call. */
uint32_t sys_uptime_ms(void)
{
	return ((const struct clock_page *)USER_CLOCK_PAGE)->uptime_ms;
}

static int alarm_call(uint32_t ms, uint32_t flags)
{
	message m;

	memset(&m, 0, sizeof m);
	m.kc_alarm.ms = ms;
	m.kc_alarm.flags = flags;
	return kernel_call(KC_ALARM, &m);
}

int sys_alarm(uint32_t ms)
{
	return alarm_call(ms, 0);
}

int sys_alarm_or_idle(uint32_t ms)
{
	return alarm_call(ms, ALARM_OR_IDLE);
}

void sys_sleep_ms(uint32_t ms)
{
	uint32_t until = sys_uptime_ms() + ms;
	message m;

	sys_alarm(ms);
	while ((int32_t)(sys_uptime_ms() - until) < 0)
		ipc_receive(EP_CLOCK, &m);
}

int sys_getdeath(struct kc_getdeath *out)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	r = kernel_call(KC_GETDEATH, &m);
	if (r == 0)
		*out = m.kc_getdeath;
	return r;
}

int sys_kill(endpoint_t target, int status)
{
	message m;

	memset(&m, 0, sizeof m);
	m.kc_kill.target = target;
	m.kc_kill.status = status;
	return kernel_call(KC_KILL, &m);
}

int sys_procinfo(int slot, endpoint_t target, struct procinfo *out)
{
	message m;

	memset(&m, 0, sizeof m);
	m.kc_procinfo.slot = slot;
	m.kc_procinfo.target = target;
	m.kc_procinfo.buf = (vir_bytes)out;
	return kernel_call(KC_PROCINFO, &m);
}

endpoint_t sys_self(void)
{
	struct procinfo info;
	int r = sys_procinfo(-1, EP_SELF, &info);

	return r < 0 ? r : info.endpoint;
}

int sys_getlog(uint32_t from_seq, struct klog_entry *buf, uint32_t max,
               uint32_t *count, uint32_t *next_seq)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.kc_getlog.from_seq = from_seq;
	m.kc_getlog.buf = (vir_bytes)buf;
	m.kc_getlog.max = max;
	r = kernel_call(KC_GETLOG, &m);
	if (r == 0) {
		*count = m.kc_getlog.count;
		*next_seq = m.kc_getlog.next_seq;
	}
	return r;
}

void sys_shutdown(int status)
{
	message m;

	memset(&m, 0, sizeof m);
	m.kc_shutdown.status = status;
	kernel_call(KC_SHUTDOWN, &m);
	sys_exit(status);     /* not allowed to shut down: at least stop */
}

int sys_sysinfo(struct kc_sysinfo *out)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	r = kernel_call(KC_SYSINFO, &m);
	if (r == 0)
		*out = m.kc_sysinfo;
	return r;
}

int sys_privctl(endpoint_t target, uint32_t op, const struct priv *priv)
{
	message m;

	memset(&m, 0, sizeof m);
	m.kc_privctl.target = target;
	m.kc_privctl.op = op;
	m.kc_privctl.priv = (vir_bytes)priv;
	return kernel_call(KC_PRIVCTL, &m);
}

int sys_devio(uint32_t port, uint8_t size, uint8_t dir, uint32_t *value)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.kc_devio.port = port;
	m.kc_devio.size = size;
	m.kc_devio.dir = dir;
	m.kc_devio.value = *value;
	r = kernel_call(KC_DEVIO, &m);
	if (r == 0)
		*value = m.kc_devio.value;
	return r;
}

int sys_vdevio(struct devio_req *vec, uint32_t count, int *bad_index)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.kc_vdevio.vec = (vir_bytes)vec;
	m.kc_vdevio.count = count;
	r = kernel_call(KC_VDEVIO, &m);
	if (bad_index)
		*bad_index = m.kc_vdevio.bad_index;
	return r;
}

int sys_setgrant(struct grant *table, uint32_t count)
{
	message m;

	memset(&m, 0, sizeof m);
	m.kc_setgrant.table = (vir_bytes)table;
	m.kc_setgrant.count = count;
	return kernel_call(KC_SETGRANT, &m);
}

int sys_safecopy(endpoint_t granter, grant_id_t grant, uint32_t offset,
                 void *buf, uint32_t len, uint32_t dir)
{
	message m;

	memset(&m, 0, sizeof m);
	m.kc_safecopy.granter = granter;
	m.kc_safecopy.grant = grant;
	m.kc_safecopy.offset = offset;
	m.kc_safecopy.addr = (vir_bytes)buf;
	m.kc_safecopy.len = len;
	m.kc_safecopy.dir = dir;
	return kernel_call(KC_SAFECOPY, &m);
}

int sys_vsafecopy(struct safecopy_req *vec, uint32_t count, int *bad_index)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.kc_vsafecopy.vec = (vir_bytes)vec;
	m.kc_vsafecopy.count = count;
	r = kernel_call(KC_VSAFECOPY, &m);
	if (bad_index)
		*bad_index = m.kc_vsafecopy.bad_index;
	return r;
}

int sys_irqctl(uint32_t op, uint32_t irq)
{
	message m;

	memset(&m, 0, sizeof m);
	m.kc_irqctl.op = op;
	m.kc_irqctl.irq = irq;
	return kernel_call(KC_IRQCTL, &m);
}

int sys_mapmem(phys_bytes base, uint32_t len, void **addr)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.kc_mapmem.base = base;
	m.kc_mapmem.len = len;
	r = kernel_call(KC_MAPMEM, &m);
	if (r == 0)
		*addr = (void *)m.kc_mapmem.addr;
	return r;
}

int sys_dmaalloc(uint32_t len, void **addr, phys_bytes *phys)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.kc_dmaalloc.len = len;
	r = kernel_call(KC_DMAALLOC, &m);
	if (r == 0) {
		*addr = (void *)m.kc_dmaalloc.addr;
		*phys = m.kc_dmaalloc.phys;
	}
	return r;
}

int sys_umap(const void *addr, uint32_t len, phys_bytes *phys, uint32_t *contig)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.kc_umap.addr = (vir_bytes)addr;
	m.kc_umap.len = len;
	r = kernel_call(KC_UMAP, &m);
	if (r == 0) {
		*phys = m.kc_umap.phys;
		if (contig)
			*contig = m.kc_umap.contig;
	}
	return r;
}

int sys_trace(uint32_t op, endpoint_t target, vir_bytes addr, void *buf, uint32_t len)
{
	message m;

	memset(&m, 0, sizeof m);
	m.kc_trace.op = op;
	m.kc_trace.target = target;
	m.kc_trace.addr = addr;
	m.kc_trace.buf = (vir_bytes)buf;
	m.kc_trace.len = len;
	return kernel_call(KC_TRACE, &m);
}

/* io: in, phys and info as the operation needs them; out, the whole answer. */
int sys_dmactl(uint32_t op, endpoint_t target, uint32_t index, struct kc_dmactl *io)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.kc_dmactl = *io;
	m.kc_dmactl.op = op;
	m.kc_dmactl.target = target;
	m.kc_dmactl.index = index;
	r = kernel_call(KC_DMACTL, &m);
	*io = m.kc_dmactl;
	return r;
}
