/*
 * lifecycle: a driver's life under the driver manager.
 *
 * Start: the process manager spawns an empty, stopped process; its privilege
 * record is installed exactly as the policy says (plus the basic calls and
 * IPC to the driver manager); its label is published in the data store with
 * the new endpoint; then the binary is exec'd from the boot file system.
 *
 * Watch: every heartbeat period P the driver is pinged twice (a
 * notification it answers with one). A driver that has answered nothing for
 * 1.5 P is hung: it is killed, so a hang is caught within 2 P.
 *
 * Fail: every failure is recorded (cause, when detected, when restarted,
 * when serving again). The first restart after a stable run, or after an
 * incarnation that got work done (see worked), is immediate;
 * each further failure in a row doubles the wait from the policy's backoff
 * base up to its maximum; more failures in a row than the policy's restart
 * limit and the driver is given up.
 */
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <bulkhead/errno.h>
#include <bulkhead/iommu.h>
#include "dm.h"

#define PANIC_DETAIL "panic: "

uint32_t now_ms(void)
{
	return sys_uptime_ms();
}

static uint64_t tsc_now(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Microseconds since a cycle-counter reading (the kernel measured its rate at boot). */
uint32_t us_since(uint64_t tsc)
{
	static uint32_t khz;
	struct kc_time t;

	if (!khz && sys_time(&t) == 0)
		khz = t.tsc_khz ? t.tsc_khz : 1;
	return (uint32_t)((tsc_now() - tsc) * 1000 / (khz ? khz : 1));
}

/*
 * Resolve a policy's ipc label to the slot it may send to. A label that is
 * not running yet is skipped; when it starts, driver_refresh_peers() adds it.
 */
static void allow_ipc(struct priv *p, const char *label)
{
	endpoint_t ep = find_boot_server(label);
	uint32_t value;

	if (ep == EP_NONE && ds_lookup(label, &value) == 0)
		ep = (endpoint_t)value;
	if (ep != EP_NONE)
		bit_set(p->ipc_to, (unsigned)endpoint_slot(ep));
}

static void build_ipc(const struct policy *pol, struct priv *p)
{
	uint32_t i;

	memset(p->ipc_to, 0, sizeof p->ipc_to);
	bit_set(p->ipc_to, (unsigned)endpoint_slot(sys_self()));
	for (i = 0; i < pol->n_ipc; i++)
		allow_ipc(p, pol->ipc[i]);
	if (pol->flags & POLICY_DMA)
		allow_ipc(p, IOMMU_LABEL);        /* implicit: "map my new DMA buffers" (iommu.h) */
}

static void build_priv(const struct policy *pol, struct priv *p)
{
	memset(p, 0, sizeof *p);
	p->flags = (pol->flags & POLICY_PUBLIC ? PRIV_PUBLIC : 0) | (pol->flags & POLICY_DMA ? PRIV_DMA : 0);
	memcpy(p->kcalls, pol->kcalls, sizeof p->kcalls);
	p->irqs = pol->irqs;
	p->n_io = pol->n_io;
	memcpy(p->io, pol->io, sizeof p->io);
	p->n_mem = pol->n_mem;
	memcpy(p->mem, pol->mem, sizeof p->mem);
	build_ipc(pol, p);
}

/*
 * `label` has a new endpoint (in a new process-table slot): every running
 * driver whose policy names it gets its IPC rights worked out again.
 */
void driver_refresh_peers(const char *label)
{
	struct driver *d;
	struct priv p;
	uint32_t i;

	for (d = drivers; d < drivers + MAX_DRIVERS; d++) {
		if (!d->used || d->ep == EP_NONE || !strcmp(d->label, label))
			continue;
		for (i = 0; i < d->pol.n_ipc && strcmp(d->pol.ipc[i], label); i++)
			;
		if (i == d->pol.n_ipc && !((d->pol.flags & POLICY_DMA) && !strcmp(label, IOMMU_LABEL)))
			continue;
		build_ipc(&d->pol, &p);
		sys_privctl(d->ep, PRIVCTL_SET_IPC, &p);
	}
}

/* Start a new incarnation. 0, or -errno with the reason in why. */
int driver_start(struct driver *d, char *why, size_t why_len)
{
	char *argv[32], exec_why[PM_WHY_MAX];
	struct priv priv;
	endpoint_t ep;
	uint32_t i, off;
	int r, label_refused = 0;

	exec_why[0] = '\0';
	r = hardware_dma_check(d, why, why_len);
	if (r < 0)
		return r;
	for (i = 0, off = 0; i < d->argc && i < 32; i++) {
		argv[i] = d->args + off;
		off += (uint32_t)strlen(d->args + off) + 1;
	}
	ep = pm_spawn();
	if (ep < 0) {
		snprintf(why, why_len, "cannot create a process (%d)", (int)ep);
		return ep;
	}
	build_priv(&d->pol, &priv);
	r = sys_privctl(ep, PRIVCTL_SET, &priv);
	if (r == 0)
		label_refused = (r = ds_publish(d->label, (uint32_t)ep)) < 0;
	if (r == 0)
		r = pm_exec(ep, d->binary, (int)i, argv, PM_EXEC_START, exec_why);
	if (r < 0) {
		snprintf(why, why_len, "cannot start %s: %s (%d)", d->binary, r == -ENOEXEC || exec_why[0] ?
		         exec_why : label_refused ? "its label is held by another process" :
		         "privileges refused", r);
		pm_kill(ep, SIGKILL);
		return r;
	}
	d->ep = ep;
	driver_refresh_peers(d->label);
	d->state = DRV_STARTING;
	d->incarnation++;
	d->pending_cause = CAUSE_NONE;
	d->progress_grant = GRANT_INVALID;
	d->next_check_ms = now_ms();
	if (d->n_failures)
		d->history[(d->n_failures - 1) % HISTORY].restarted_ms = now_ms();
	return 0;
}

/* Answer the `service up` that is waiting for d's first start. */
void driver_up_answer(struct driver *d, int result, const char *why)
{
	message *m = &d->up_request;
	uint32_t n = (uint32_t)strlen(why) + 1;

	if (!d->up_waiting)
		return;
	d->up_waiting = 0;
	if (result < 0 && m->dm_req.err >= 0 && m->dm_req.err_len)
		sys_safecopy(m->m_source, m->dm_req.err, 0, (void *)why,
		             n < m->dm_req.err_len ? n : m->dm_req.err_len, SAFECOPY_TO);
	m->dm_req.index = (uint32_t)d->ep;
	m->m_type = result;
	ipc_sendnb(m->m_source, m);
}

void driver_serving(struct driver *d)
{
	struct dm_failure *last = d->n_failures ? &d->history[(d->n_failures - 1) % HISTORY] : NULL;
	uint32_t now = now_ms();

	driver_up_answer(d, 0, "");
	d->state = DRV_RUNNING;
	hardware_serving(d);
	d->serving_ms = d->last_answer_ms = now;
	d->next_ping_ms = now + d->pol.heartbeat_ms / 2;
	if (last && !last->serving_ms && last->restarted_ms) {
		last->serving_ms = now;
		last->recovery_us = us_since(d->failed_tsc);
		d->last_recovery_ms = now - last->failed_ms;
	}
}

void driver_heartbeat_answer(struct driver *d)
{
	d->last_answer_ms = now_ms();
	liveness_answer(d);
}

/* Kill the current incarnation on purpose; its death is then put down to `cause`. */
void driver_kill(struct driver *d, uint32_t cause, const char *detail)
{
	d->pending_cause = cause;
	strncpy(d->pending_detail, detail, DM_DETAIL_MAX - 1);
	if (d->ep != EP_NONE)
		pm_kill(d->ep, SIGKILL);
}

/*
 * Did this incarnation get work done (its progress report counts frames
 * moved) before it failed? A driver that fails while working is not failing
 * to start, so its restart is immediate, as after a stable run: a NIC
 * driver killed every second under load comes back at once every time
 * instead of waiting ever longer (up to its backoff maximum) while the
 * connections through it stall.
 */
static int worked(const struct driver *d)
{
	return d->progress.done != 0 || d->progress.received != 0;
}

static uint32_t backoff(const struct driver *d)
{
	uint32_t n = d->failures_in_row, delay = d->pol.backoff_base_ms;

	if (n <= 1 || !delay)
		return 0;
	while (--n > 1 && delay < d->pol.backoff_max_ms)
		delay *= 2;
	return delay < d->pol.backoff_max_ms ? delay : d->pol.backoff_max_ms;
}

static void describe(const struct kc_getdeath *death, struct dm_failure *f)
{
	static const char *const causes[] = { "", "exited", "CPU exception", "killed" };

	f->status = death->cause == DEATH_EXCEPTION ? (int32_t)death->vector : death->status;
	f->addr = death->addr;
	if (death->cause == DEATH_EXCEPTION)
		snprintf(f->detail, sizeof f->detail, "vector %u at eip %x, address %x",
		         death->vector, death->eip, death->addr);
	else
		snprintf(f->detail, sizeof f->detail, "%s, status %d",
		         death->cause < 4 ? causes[death->cause] : "ended", (int)death->status);
}

static uint32_t cause_of(const struct driver *d, const struct kc_getdeath *death)
{
	if (d->pending_cause)
		return d->pending_cause;
	return death->cause == DEATH_EXIT ? CAUSE_EXIT : death->cause == DEATH_EXCEPTION ?
	       CAUSE_EXCEPTION : CAUSE_KILLED;
}

void driver_failed(struct driver *d, const struct kc_getdeath *death)
{
	struct dm_failure *f;
	uint32_t cause = cause_of(d, death), now = now_ms();
	char why[96];

	d->failed_tsc = tsc_now();
	d->ep = EP_NONE;
	if (d->state == DRV_DOWN) {                /* `service down`: not a failure */
		ds_delete(d->label);
		return;
	}
	if (d->up_waiting) {                       /* it never started: nothing to restart */
		struct dm_failure first;

		memset(&first, 0, sizeof first);
		describe(death, &first);
		if (d->pending_cause == CAUSE_PANIC)
			strcpy(first.detail, d->pending_detail);
		snprintf(why, sizeof why, "failed to start: %s", first.detail);
		d->state = DRV_GAVE_UP;
		d->stopped_ms = now;
		d->last_cause = cause;
		strcpy(d->last_detail, first.detail);
		ds_delete(d->label);
		driver_up_answer(d, -EIO, why);
		return;
	}
	f = &d->history[d->n_failures++ % HISTORY];
	memset(f, 0, sizeof *f);
	f->incarnation = d->incarnation;
	f->cause = cause;
	f->failed_ms = now;
	describe(death, f);
	if (d->pending_cause)
		strncpy(f->detail, d->pending_detail, sizeof f->detail - 1);
	d->last_cause = cause;
	strcpy(d->last_detail, f->detail);
	if (d->state == DRV_RUNNING && (now - d->serving_ms >= STABLE_MS || worked(d)))
		d->failures_in_row = 0;
	if (cause != CAUSE_REFRESH)
		d->failures_in_row++;
	printf("dm: %s (incarnation %u) failed: %s\n", d->label, d->incarnation, f->detail);
	if (d->pol.restart_limit && d->failures_in_row > d->pol.restart_limit) {
		printf("dm: %s failed %u times in a row; giving up\n", d->label, d->failures_in_row);
		d->state = DRV_GAVE_UP;
		d->stopped_ms = now;
		ds_delete(d->label);
		return;
	}
	d->next_delay_ms = f->delay_ms = backoff(d);
	d->restarts++;
	d->state = DRV_RESTARTING;
	d->restart_at_ms = now + f->delay_ms;
	if (f->delay_ms == 0 && driver_start(d, why, sizeof why) < 0) {
		printf("dm: %s: %s; retrying\n", d->label, why);
		d->state = DRV_RESTARTING;
		d->restart_at_ms = now + 100;
	}
}

/*
 * The first multiple of `every` ms after now: drivers with the same period
 * are pinged and checked at the same moments, so the driver manager wakes
 * once for all of them instead of once for each.
 */
uint32_t next_tick(uint32_t now, uint32_t every)
{
	return every ? now - now % every + every : now + 1;
}

/* Ping or check one running driver. */
static void heartbeat(struct driver *d, uint32_t now)
{
	uint32_t period = d->pol.heartbeat_ms;

	if (now - d->last_answer_ms >= period + period / 2) {
		driver_kill(d, CAUSE_HEARTBEAT, "missed heartbeats: no answer for 1.5 periods");
		d->next_ping_ms = now + period;           /* while its death is on the way */
		return;
	}
	ipc_notify(d->ep);
	d->next_ping_ms = next_tick(now, period / 2);
}

uint32_t driver_timers(void)
{
	uint32_t now = now_ms(), next = 0, due;
	struct driver *d;
	char why[96];

	for (d = drivers; d < drivers + MAX_DRIVERS; d++) {
		if (!d->used)
			continue;
		if (d->state == DRV_RESTARTING && (int32_t)(now - d->restart_at_ms) >= 0 &&
		    driver_start(d, why, sizeof why) < 0) {
			printf("dm: %s: %s; retrying\n", d->label, why);
			d->restart_at_ms = now + 100;
		}
		if (d->state == DRV_RUNNING && d->pol.heartbeat_ms && !d->pending_cause &&
		    (int32_t)(now - d->next_ping_ms) >= 0)
			heartbeat(d, now);
		due = d->state == DRV_RESTARTING ? d->restart_at_ms :
		      d->state == DRV_RUNNING && d->pol.heartbeat_ms ? d->next_ping_ms : 0;
		if (due && (!next || (int32_t)(due - now) < (int32_t)(next - now)))
			next = due;
		due = liveness_timer(d, now);
		if (due && (!next || (int32_t)(due - now) < (int32_t)(next - now)))
			next = due;
	}
	if (!next)
		return 0;
	return (int32_t)(next - now) > 0 ? next - now : 1;
}
