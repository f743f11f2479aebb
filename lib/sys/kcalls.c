/* kcalls: one wrapper per kernel call (numbers and payloads in bulkhead/kcall.h). */
#include <string.h>
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

uint32_t sys_uptime_ms(void)
{
	struct kc_time t;

	return sys_time(&t) == 0 ? t.uptime_ms : 0;
}

int sys_alarm(uint32_t ms)
{
	message m;

	memset(&m, 0, sizeof m);
	m.kc_alarm.ms = ms;
	return kernel_call(KC_ALARM, &m);
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
