/*
 * dm: the driver manager. Protocol in include/bulkhead/dm.h; the life of a
 * driver (start, heartbeats, failure, backoff, restart) is in lifecycle.c.
 *
 * It starts drivers from policy files, installs exactly the privileges a
 * policy names, and restarts a driver that fails. The process manager tells
 * it (a notification, then PM_REAP) when one of its drivers dies; drivers
 * tell it when they are initialised, answer its heartbeats, and say why
 * when they panic. Replies never block.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/posix.h>
#include <bulkhead/server.h>
#include "dm.h"

#define MAX_POLICIES 8
#define TRACERS_TEXT_MAX 1024    /* DM_TRACERS_FILE's size limit */

struct driver drivers[MAX_DRIVERS];
static endpoint_t pm;

struct driver *driver_by_label(const char *label)
{
	struct driver *d;

	for (d = drivers; d < drivers + MAX_DRIVERS; d++)
		if (d->used && !strcmp(d->label, label))
			return d;
	return NULL;
}

struct driver *driver_by_endpoint(endpoint_t ep)
{
	struct driver *d;

	for (d = drivers; d < drivers + MAX_DRIVERS; d++)
		if (d->used && d->ep == ep && ep != EP_NONE)
			return d;
	return NULL;
}

static int copy_out(const message *m, const void *buf, uint32_t len)
{
	if (len > m->dm_req.len)
		len = m->dm_req.len;
	return sys_safecopy(m->m_source, m->dm_req.grant, 0, (void *)buf, len, SAFECOPY_TO);
}

static void report_error(const message *m, const char *text)
{
	uint32_t n = (uint32_t)strlen(text) + 1;

	if (m->dm_req.err < 0 || m->dm_req.err_len == 0)
		return;
	if (n > m->dm_req.err_len)
		n = m->dm_req.err_len;
	sys_safecopy(m->m_source, m->dm_req.err, 0, (void *)text, n, SAFECOPY_TO);
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Read and parse the policy for d (its config file, its label's block). */
static int load_policy(struct driver *d, char *err, size_t errlen)
{
	struct policy pols[MAX_POLICIES];
	uint32_t ino, size, mode;
	int n, i, r;

	r = fs_lookup(d->config, &ino, &size, &mode);
	if (r < 0) {
		snprintf(err, errlen, "%s: cannot open the policy file (%d)", d->config, r);
		return r;
	}
	if (size >= POLICY_TEXT_MAX) {
		snprintf(err, errlen, "%s: policy file larger than %d bytes", d->config, POLICY_TEXT_MAX - 1);
		return -E2BIG;
	}
	r = fs_read(ino, 0, d->policy_text, size);
	if (r != (int)size) {
		snprintf(err, errlen, "%s: cannot read the policy file (%d)", d->config, r);
		return r < 0 ? r : -EIO;
	}
	d->policy_text[size] = '\0';
	n = policy_parse(d->policy_text, size, d->config, pols, MAX_POLICIES, err, errlen);
	if (n < 0)
		return -EINVAL;
	for (i = 0; i < n && strcmp(pols[i].name, d->label); i++)
		;
	if (i == n && n > 1) {
		snprintf(err, errlen, "%s: no 'driver %s' block in the file", d->config, d->label);
		return -ENOENT;
	}
	d->pol = pols[i == n ? 0 : i];
	return 0;
}

/* Starting, stopping and restarting drivers is for the administrator's programs. */
static int from_admin(const message *m)
{
	struct procinfo info;

	return sys_procinfo(-1, m->m_source, &info) == 0 && info.uid == 0 && (info.priv_flags & PRIV_USER);
}

/* Labels that name a boot process cannot be a driver's. */
static int label_reserved(const char *label)
{
	return find_boot_server(label) != EP_NONE || !strcmp(label, "init") || !strcmp(label, "kernel");
}

/*
 * An entry for label: its old one (history kept), a free one, or, with the
 * table full, the one stopped longest ago (said in the log). NULL if every
 * entry belongs to a live driver.
 */
static struct driver *entry_for(const char *label)
{
	struct driver *d, *oldest = NULL;

	if ((d = driver_by_label(label)))
		return d;
	for (d = drivers; d < drivers + MAX_DRIVERS; d++) {
		if (!d->used)
			return d;
		if ((d->state == DRV_DOWN || d->state == DRV_GAVE_UP) &&
		    (!oldest || (int32_t)(d->stopped_ms - oldest->stopped_ms) < 0))
			oldest = d;
	}
	if (oldest) {
		printf("dm: driver table full: forgetting stopped driver %s (%u restarts, %u failures)\n",
		       oldest->label, oldest->restarts, oldest->n_failures);
		memset(oldest, 0, sizeof *oldest);
	}
	return oldest;
}

/* A new start for d: what describes the driver is replaced, its history kept. */
static void reset_for_start(struct driver *d, const struct dm_up_request *req)
{
	memset(d->binary, 0, sizeof d->binary);
	memset(d->config, 0, sizeof d->config);
	strcpy(d->label, req->label);
	strcpy(d->binary, req->binary);
	if (req->config[0])
		strcpy(d->config, req->config);
	else
		snprintf(d->config, sizeof d->config, "/etc/drivers/%s.conf", d->label);
	/* argv[0] is the label, then the given arguments */
	d->argc = 1 + (req->argc < 30 ? req->argc : 30);
	strcpy(d->args, d->label);
	d->args_len = (uint32_t)strlen(d->label) + 1;
	memcpy(d->args + d->args_len, req->args, DM_ARGS_MAX - d->args_len);
	d->ep = EP_NONE;
	d->failures_in_row = 0;
	d->pending_cause = CAUSE_NONE;
	d->next_delay_ms = 0;
}

/* The binary exists and is a program: said before anything about its policy. */
static int binary_exists(const char *binary, char *err, size_t errlen)
{
	uint32_t ino, size, mode;

	if (fs_lookup(binary, &ino, &size, &mode) == 0 && (mode & FS_MODE_EXEC) && !(mode & FS_MODE_DIR))
		return 0;
	snprintf(err, errlen, "no such program");
	return -ENOENT;
}

static int up_refused(message *m, struct driver *d, const char *label, const char *err, int r)
{
	report_error(m, err);                 /* the requester prints it: said once */
	if (d && !d->incarnation)
		d->used = 0;                     /* never started: nothing to keep */
	return r;
}

static int do_up(message *m)
{
	struct dm_up_request req;
	struct driver *d;
	char err[POLICY_ERR_MAX];
	int r;

	if (!from_admin(m))
		return -EPERM;
	if (m->dm_req.len != sizeof req)
		return -EINVAL;
	r = sys_safecopy(m->m_source, m->dm_req.grant, 0, &req, sizeof req, SAFECOPY_FROM);
	if (r < 0)
		return r;
	req.binary[DM_PATH_MAX - 1] = req.config[DM_PATH_MAX - 1] = req.label[DM_LABEL_MAX - 1] = '\0';
	req.args[DM_ARGS_MAX - 1] = '\0';
	if (!req.label[0])
		strncpy(req.label, basename_of(req.binary), DM_LABEL_MAX - 1);
	if (label_reserved(req.label)) {
		snprintf(err, sizeof err, "the label '%s' belongs to a system process", req.label);
		return up_refused(m, NULL, req.label, err, -EPERM);
	}
	if (binary_exists(req.binary, err, sizeof err) < 0)
		return up_refused(m, NULL, req.label, err, -ENOENT);
	d = driver_by_label(req.label);
	if (d && d->state != DRV_DOWN && d->state != DRV_GAVE_UP) {
		snprintf(err, sizeof err, "a driver labelled '%s' is already running", req.label);
		return up_refused(m, NULL, req.label, err, -EEXIST);
	}
	d = entry_for(req.label);
	if (!d)
		return up_refused(m, NULL, req.label, "too many drivers running", -ENOSPC);
	reset_for_start(d, &req);
	d->used = 1;
	r = load_policy(d, err, sizeof err);
	if (r == 0)
		r = hardware_admit(d, err, sizeof err);
	if (r == 0)
		r = driver_start(d, err, sizeof err);
	if (r < 0)
		return up_refused(m, d, d->label, err, r);
	d->up_request = *m;                  /* answered once it is serving, or has failed */
	d->up_waiting = 1;
	return SERVER_SUSPEND;
}

static int do_down(message *m)
{
	struct driver *d = driver_by_label(m->dm_req.label);

	if (!from_admin(m))
		return -EPERM;
	if (!d)
		return -ENOENT;
	if (d->state == DRV_DOWN)
		return 0;
	if (d->state == DRV_RESTARTING || d->state == DRV_GAVE_UP || d->ep == EP_NONE)
		ds_delete(d->label);
	d->state = DRV_DOWN;
	d->stopped_ms = now_ms();
	driver_kill(d, CAUSE_NONE, "stopped by service down");
	return 0;
}

static int do_refresh(message *m)
{
	struct driver *d = driver_by_label(m->dm_req.label);

	if (!from_admin(m))
		return -EPERM;
	if (!d)
		return -ENOENT;
	if (d->ep == EP_NONE)
		return -ESRCH;
	driver_kill(d, CAUSE_REFRESH, "restarted by service refresh");
	return 0;
}

static struct driver *driver_of(const message *m)
{
	uint32_t n = m->dm_req.index;
	struct driver *d;

	if (m->dm_req.label[0])
		return driver_by_label(m->dm_req.label);
	for (d = drivers; d < drivers + MAX_DRIVERS; d++)
		if (d->used && n-- == 0)
			return d;
	return NULL;
}

static int do_info(message *m)
{
	struct driver *d = driver_of(m);
	struct dm_driver_info info;

	if (!d)
		return -ENOENT;
	memset(&info, 0, sizeof info);
	strcpy(info.label, d->label);
	strcpy(info.binary, d->binary);
	info.endpoint = d->ep;
	info.state = d->state;
	info.incarnation = d->incarnation;
	info.restarts = d->restarts;
	info.failures_in_row = d->failures_in_row;
	info.heartbeat_ms = d->pol.heartbeat_ms;
	info.last_cause = d->last_cause;
	info.last_recovery_ms = d->last_recovery_ms;
	info.next_delay_ms = d->next_delay_ms;
	strcpy(info.last_detail, d->last_detail);
	info.cpu_ms = d->pol.cpu_ms;
	info.liveness_ms = d->pol.liveness_ms;
	info.reports_progress = d->ep != EP_NONE && d->progress_grant != GRANT_INVALID;
	info.progress = d->progress;
	info.dma = hardware_dma(d);
	return copy_out(m, &info, sizeof info);
}

static int do_history(message *m)
{
	struct driver *d = driver_by_label(m->dm_req.label);
	uint32_t i = m->dm_req.index;

	if (!d)
		return -ENOENT;
	if (i >= d->n_failures || i >= HISTORY)
		return -ENOENT;
	return copy_out(m, &d->history[(d->n_failures - 1 - i) % HISTORY], sizeof(struct dm_failure));
}

static int do_policy(message *m)
{
	struct driver *d = driver_by_label(m->dm_req.label);

	if (!d)
		return -ENOENT;
	return copy_out(m, d->policy_text, (uint32_t)strlen(d->policy_text) + 1);
}

static int do_init_done(message *m)
{
	struct driver *d = driver_by_endpoint(m->m_source);

	if (!d)
		return -EPERM;
	driver_serving(d);
	liveness_serving(d, m);
	return 0;
}

static int do_panic(message *m)
{
	struct driver *d = driver_by_endpoint(m->m_source);
	char text[DM_DETAIL_MAX] = "panic: ";
	uint32_t n = m->dm_req.len;

	if (!d)
		return -EPERM;
	if (n > sizeof text - 8)
		n = sizeof text - 8;
	if (sys_safecopy(m->m_source, m->dm_req.grant, 0, text + 7, n, SAFECOPY_FROM) < 0)
		strcpy(text + 7, "(message unreadable)");
	text[7 + n] = '\0';
	d->pending_cause = CAUSE_PANIC;
	strcpy(d->pending_detail, text);
	return 0;
}

/* The PCI bus server is the driver labelled "pci" running its binary; it alone may ask these. */
static struct driver *pci_server(const message *m)
{
	struct driver *d = driver_by_endpoint(m->m_source);

	return d && !strcmp(d->label, "pci") && !strcmp(d->binary, POLICY_PCI_SERVER) ? d : NULL;
}

static int do_pci_acl(message *m)
{
	struct driver *d = driver_by_endpoint((endpoint_t)m->dm_req.index);
	struct dm_pci_acl acl;
	uint32_t i;

	if (!pci_server(m))
		return -EPERM;
	if (!d)
		return -ESRCH;
	memset(&acl, 0, sizeof acl);
	strcpy(acl.label, d->label);
	acl.n_ids = d->pol.n_pci;
	for (i = 0; i < d->pol.n_pci; i++) {
		acl.vendor[i] = d->pol.pci[i].vendor;
		acl.device[i] = d->pol.pci[i].device;
	}
	acl.dma = (d->pol.flags & POLICY_DMA) != 0;
	return copy_out(m, &acl, sizeof acl);
}

static int do_pci_grant(message *m)
{
	struct dm_pci_grant g;
	struct driver *d;
	struct priv p;
	uint32_t i;
	int r;

	if (!pci_server(m))
		return -EPERM;
	if (m->dm_req.len != sizeof g)
		return -EINVAL;
	r = sys_safecopy(m->m_source, m->dm_req.grant, 0, &g, sizeof g, SAFECOPY_FROM);
	if (r < 0)
		return r;
	d = driver_by_endpoint(g.driver);
	if (!d)
		return -ESRCH;
	for (i = 0; i < d->pol.n_pci; i++)
		if (d->pol.pci[i].vendor == g.vendor && d->pol.pci[i].device == g.device)
			break;
	if (i == d->pol.n_pci || g.irq > 15)
		return -EPERM;
	if (g.n_io > PRIV_MAX_IO || g.n_mem > PRIV_MAX_MEM) {
		printf("dm: %s: %04x:%04x has %u port and %u memory ranges; a process holds at most %d and %d\n",
		       d->label, g.vendor, g.device, g.n_io, g.n_mem, PRIV_MAX_IO, PRIV_MAX_MEM);
		return -E2BIG;
	}
	r = hardware_check_grant(d, &g);
	if (r < 0)
		return r;
	memset(&p, 0, sizeof p);
	p.n_io = g.n_io;
	memcpy(p.io, g.io, g.n_io * sizeof g.io[0]);
	p.n_mem = g.n_mem;
	memcpy(p.mem, g.mem, g.n_mem * sizeof g.mem[0]);
	p.irqs = g.irq ? 1u << g.irq : 0;
	r = sys_privctl(g.driver, PRIVCTL_EXTEND, &p);
	if (r == 0)
		hardware_record(d, &g);
	return r;
}

static int do_pci_held(message *m)
{
	struct dm_pci_held held;
	int r;

	if (!pci_server(m))
		return -EPERM;
	r = hardware_held(m->dm_req.index, &held);
	return r < 0 ? r : copy_out(m, &held, sizeof held);
}

/* Is label among the words of DM_TRACERS_FILE ('#' starts a comment)? */
static int trace_listed(const char *label)
{
	static char text[TRACERS_TEXT_MAX];
	uint32_t ino, size, mode;
	char *line, *word, *save_line, *save_word;

	if (fs_lookup(DM_TRACERS_FILE, &ino, &size, &mode) < 0 || size >= sizeof text ||
	    fs_read(ino, 0, text, size) != (int)size)
		return 0;
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save_line); line; line = strtok_r(NULL, "\n", &save_line)) {
		if (strchr(line, '#'))
			*strchr(line, '#') = '\0';
		for (word = strtok_r(line, " \t", &save_word); word; word = strtok_r(NULL, " \t", &save_word))
			if (!strcmp(word, label))
				return 1;
	}
	return 0;
}

/* DM_TRACE: the fault injector may read and patch this incarnation's text. */
static int do_trace(message *m)
{
	struct driver *d = driver_by_label(m->dm_req.label);
	struct priv p;
	int r;

	if (!from_admin(m))
		return -EPERM;
	if (!d || label_reserved(d->label) || policy_system_label(d->label))
		return -ENOENT;
	if (!trace_listed(d->label)) {
		printf("dm: trace of %s refused: not listed in %s\n", d->label, DM_TRACERS_FILE);
		return -EPERM;
	}
	if (d->ep == EP_NONE)
		return -ESRCH;
	memset(&p, 0, sizeof p);
	bit_set(p.kcalls, KC_TRACE);
	bit_set(p.trace_to, (unsigned)endpoint_slot(d->ep));
	r = sys_privctl(m->m_source, PRIVCTL_EXTEND, &p);
	return r < 0 ? r : (int)d->ep;
}

static const server_handler handlers[] = {
	[DM_UP - DM_UP]        = do_up,
	[DM_DOWN - DM_UP]      = do_down,
	[DM_REFRESH - DM_UP]   = do_refresh,
	[DM_INFO - DM_UP]      = do_info,
	[DM_HISTORY - DM_UP]   = do_history,
	[DM_POLICY - DM_UP]    = do_policy,
	[DM_INIT_DONE - DM_UP] = do_init_done,
	[DM_PANIC - DM_UP]     = do_panic,
	[DM_PCI_ACL - DM_UP]   = do_pci_acl,
	[DM_PCI_GRANT - DM_UP] = do_pci_grant,
	[DM_PCI_HELD - DM_UP]  = do_pci_held,
	[DM_RESTART - DM_UP]   = do_restart,
	[DM_TRACE - DM_UP]     = do_trace,
};

static void collect_deaths(void)
{
	struct kc_getdeath death;
	struct driver *d;

	while (pm_reap(&death) == 0) {
		d = driver_by_endpoint(death.who);
		if (d)
			driver_failed(d, &death);
	}
}

static void notified(const message *m)
{
	struct driver *d;

	if (m->m_source == pm)
		collect_deaths();
	else if ((d = driver_by_endpoint(m->m_source)))
		driver_heartbeat_answer(d);
}

/* Every request names a label: terminate it before any handler reads it. */
static void clean(message *m)
{
	m->dm_req.label[DM_LABEL_MAX - 1] = '\0';
}

static const struct server dm = { DM_UP, SERVER_TABLE(handlers), notified, clean, driver_timers };

int main(void)
{
	posix_use_kernel_console();
	pm = server_endpoint("pm", EP_NONE);        /* deaths are reported by it alone (notified) */
	if (pm == EP_NONE) {
		printf("dm: no process manager among the boot processes: nobody would report deaths\n");
		return 1;
	}
	ds_publish("dm", (uint32_t)sys_self());
	printf("dm: driver manager ready (endpoint %d)\n", (int)sys_self());
	server_loop(&dm);
}
