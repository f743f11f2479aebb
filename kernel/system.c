/*
 * system: the kernel-call table. A call number is checked against the table
 * range, then against the caller's allowed-call bitmap; a refusal is counted
 * and logged, and the handler never runs.
 */
#include <bulkhead/errno.h>
#include "system.h"
#include "priv.h"
#include "klog.h"

typedef int (*kcall_handler)(struct proc *caller, message *m);

static const kcall_handler kcall_table[NR_KCALLS] = {
	[KC_EXIT]     = do_exit,
	[KC_BRK]      = do_brk,
	[KC_DIAG]     = do_diag,
	[KC_TIME]     = do_time,
	[KC_ALARM]    = do_alarm,
	[KC_GETDEATH] = do_getdeath,
	[KC_KILL]     = do_kill,
	[KC_PROCINFO] = do_procinfo,
	[KC_GETLOG]   = do_getlog,
	[KC_SHUTDOWN] = do_shutdown,
	[KC_SYSINFO]  = do_sysinfo,
	[KC_PRIVCTL]  = do_privctl,
	[KC_DEVIO]    = do_devio,
	[KC_VDEVIO]   = do_vdevio,
	[KC_SETGRANT] = do_setgrant,
	[KC_SAFECOPY] = do_safecopy,
	[KC_VSAFECOPY] = do_vsafecopy,
	[KC_IRQCTL]   = do_irqctl,
	[KC_MAPMEM]   = do_mapmem,
	[KC_DMAALLOC] = do_dmaalloc,
	[KC_UMAP]     = do_umap,
	[KC_TRACE]    = do_trace,
	[KC_FORK]     = do_fork,
	[KC_EXEC]     = do_exec,
	[KC_SETUID]   = do_setuid,
	[KC_DMACTL]   = do_dmactl,
	[KC_SCREEN]   = do_screen,
};

int kcall_dispatch(struct proc *caller, message *m)
{
	uint32_t nr = (uint32_t)m->m_type;

	if (nr >= NR_KCALLS || !kcall_table[nr]) {
		deny(caller, DENY_KCALL, nr, -ENOSYS);
		return -ENOSYS;
	}
	if (!priv_may_call(caller, nr)) {
		deny(caller, DENY_KCALL, nr, -EPERM);
		return -EPERM;
	}
	return kcall_table[nr](caller, m);
}
