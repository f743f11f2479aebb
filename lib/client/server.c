/* server: finding system servers and calling them (interface in clients.h). */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>

#define CACHE 8

static struct { char label[DS_KEY_MAX]; endpoint_t ep; } cache[CACHE];

endpoint_t find_boot_server(const char *name)
{
	struct procinfo info;
	int slot;

	for (slot = 0; slot < NR_PROCS; slot++)
		if (sys_procinfo(slot, EP_NONE, &info) == 0 && (info.priv_flags & PRIV_SYSTEM) &&
		    info.state != PSTATE_FREE && info.state != PSTATE_ZOMBIE && !strcmp(info.name, name))
			return info.endpoint;
	return EP_NONE;
}

endpoint_t server_endpoint(const char *label, endpoint_t stale)
{
	uint32_t value;
	int i, free_slot = -1;

	for (i = 0; i < CACHE; i++) {
		if (!strcmp(cache[i].label, label)) {
			if (cache[i].ep != stale)
				return cache[i].ep;
			free_slot = i;
			break;
		}
		if (!cache[i].label[0] && free_slot < 0)
			free_slot = i;
	}
	if (!strcmp(label, "ds")) {
		static int absent;       /* a boot process: if it is not there, it never will be */
		value = absent ? (uint32_t)EP_NONE : (uint32_t)find_boot_server("ds");
		absent = (endpoint_t)value == EP_NONE;
	} else if (ds_lookup(label, &value) < 0) {
		/* Not published (yet): a boot server is known before it publishes
		   itself, and the boot order of pm, ds and dm is not fixed. */
		value = (uint32_t)find_boot_server(label);
		if ((endpoint_t)value == EP_NONE)
			return EP_NONE;
	}
	if (free_slot >= 0 && (endpoint_t)value != EP_NONE) {
		strncpy(cache[free_slot].label, label, DS_KEY_MAX - 1);
		cache[free_slot].ep = (endpoint_t)value;
	}
	return (endpoint_t)value;
}

static int call(endpoint_t ep, message *m, grant_id_t *field, void *buf, uint32_t len, uint32_t rights)
{
	int r;

	if (field)
		return ipc_call_granted(ep, m, field, buf, len, rights);
	r = ipc_sendrec(ep, m);
	return r < 0 ? r : m->m_type;
}

int server_call_granted(const char *label, message *m, grant_id_t *field,
                        void *buf, uint32_t len, uint32_t rights)
{
	message copy = *m;
	endpoint_t ep = server_endpoint(label, EP_NONE);
	int r;

	if (ep == EP_NONE)
		return -ESRCH;
	r = call(ep, m, field, buf, len, rights);
	if (r == -ESRCH) {                  /* it was restarted: try its successor once */
		ep = server_endpoint(label, ep);
		if (ep == EP_NONE)
			return -ESRCH;
		*m = copy;
		r = call(ep, m, field, buf, len, rights);
	}
	return r;
}

int server_call(const char *label, message *m)
{
	return server_call_granted(label, m, NULL, NULL, 0, 0);
}
