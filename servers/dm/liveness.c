/*
 * liveness: the driver manager's watch on drivers that are up but not
 * working (heartbeats, in lifecycle.c, only catch drivers that stop
 * answering).
 *
 * CPU: every LIVENESS_CHECK_MS the kernel is asked how long each driver has
 * run since it last blocked or took a message (struct procinfo run_ms); one
 * that ran longer than its policy's `cpu` limit is spinning, and is killed
 * and restarted. A driver busy with a flood of requests is not.
 * (The scheduler already keeps a spinner from starving anyone.)
 *
 * Progress: a driver that reports progress (struct dm_progress, granted to
 * us at DM_INIT_DONE) has it read with every heartbeat answer. One that has
 * held work (pending > 0) and completed none of it for its policy's
 * `liveness` time is stalled, and is restarted like a hung one. So is one
 * that has kept a process waiting (blocked sending to it, or for its
 * answer) that long, which the kernel tells us (procinfo's waiter).
 *
 * Clients: a service named in a driver's `clients` may ask for the driver to
 * be restarted (DM_RESTART); the caller must be the endpoint that service
 * runs as now. Anyone else is refused and the attempt is logged.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/iommu.h>
#include "dm.h"

#define LIVENESS_CHECK_MS 100
#define REFUSALS_LOGGED   5        /* refused restart requests said per second; the rest counted */

/* The new incarnation said it is serving: take its progress grant, if any. */
void liveness_serving(struct driver *d, const message *m)
{
	d->progress_grant = m->dm_req.len == sizeof(struct dm_progress) ? m->dm_req.grant : GRANT_INVALID;
	memset(&d->progress, 0, sizeof d->progress);
	d->progress_ms = d->next_check_ms = now_ms();
}

/* A heartbeat answer: read what it has done since the last one. */
void liveness_answer(struct driver *d)
{
	struct dm_progress p;
	if (d->progress_grant == GRANT_INVALID ||
	    sys_safecopy(d->ep, d->progress_grant, 0, &p, sizeof p, SAFECOPY_FROM) < 0)
		return;
	if (p.done != d->progress.done || p.pending == 0)
		d->progress_ms = now_ms();
	d->progress = p;
}

static void check_cpu(struct driver *d, const struct procinfo *info)
{
	char detail[DM_DETAIL_MAX];

	if (!d->pol.cpu_ms || info->run_ms < d->pol.cpu_ms)
		return;
	snprintf(detail, sizeof detail, "ran for %u ms without blocking", info->run_ms);
	printf("dm: %s (incarnation %u): %s (its limit is %u ms); restarting it\n", d->label,
	       d->incarnation, detail, d->pol.cpu_ms);
	driver_kill(d, CAUSE_CPU, detail);
}

static int reports_progress(const struct driver *d)
{
	return d->pol.liveness_ms && d->state == DRV_RUNNING && d->progress_grant != GRANT_INVALID;
}

static void check_progress(struct driver *d, uint32_t now)
{
	char detail[DM_DETAIL_MAX];

	if (!reports_progress(d) || d->progress.pending == 0 || now - d->progress_ms < d->pol.liveness_ms)
		return;
	snprintf(detail, sizeof detail, "stalled: %u pending, none done for %u ms",
	         d->progress.pending, now - d->progress_ms);
	printf("dm: %s (incarnation %u) %s; restarting it\n", d->label, d->incarnation, detail);
	driver_kill(d, CAUSE_STALLED, detail);
}

/*
 * The kernel's word, which the driver cannot bend: a process has been
 * blocked sending to it, or waiting for its answer, for `liveness` ms.
 * (Its own progress report may say all is well: a fault can make it
 * answer heartbeats and swallow a client's request.)
 */
static void check_waiter(struct driver *d, const struct procinfo *info, uint32_t now)
{
	char detail[DM_DETAIL_MAX];
	struct procinfo w;

	if (!reports_progress(d) || info->waiter == EP_NONE || info->waiter_ms < d->pol.liveness_ms)
		return;
	if (sys_procinfo(-1, info->waiter, &w) < 0)
		strcpy(w.name, "?");
	snprintf(detail, sizeof detail, "no answer to %.*s for %u ms", PROC_NAME_LEN, w.name, info->waiter_ms);
	printf("dm: %s (incarnation %u) stalled: %s (endpoint %d) waited for its answer %u ms; restarting it\n",
	       d->label, d->incarnation, w.name, (int)info->waiter, info->waiter_ms);
	driver_kill(d, CAUSE_STALLED, detail);
}

static void check(struct driver *d, uint32_t now)
{
	struct procinfo info;

	if (sys_procinfo(-1, d->ep, &info) < 0)
		return;
	check_cpu(d, &info);
	if (!d->pending_cause)
		check_progress(d, now);
	if (!d->pending_cause)
		check_waiter(d, &info, now);
}

/* Check d if it is due; when d next wants a check (0: never). */
uint32_t liveness_timer(struct driver *d, uint32_t now)
{
	if ((d->state != DRV_RUNNING && d->state != DRV_STARTING) || d->ep == EP_NONE || d->pending_cause)
		return 0;
	if (!d->pol.cpu_ms && !d->pol.liveness_ms)
		return 0;
	if ((int32_t)(now - d->next_check_ms) >= 0) {
		d->next_check_ms = next_tick(now, LIVENESS_CHECK_MS);
		check(d, now);
	}
	return d->pending_cause ? 0 : d->next_check_ms;
}

/* The label among d's clients that `who` runs as now, or NULL. */
static const char *client_label(const struct driver *d, endpoint_t who)
{
	const struct driver *c;
	uint32_t i;

	c = driver_by_label(IOMMU_LABEL);         /* the IOMMU restarts a driver whose device keeps faulting */
	if ((d->pol.flags & POLICY_DMA) && c && c->ep == who && !strcmp(c->binary, POLICY_IOMMU_DRIVER))
		return IOMMU_LABEL;
	for (i = 0; i < d->pol.n_clients; i++) {
		c = driver_by_label(d->pol.clients[i]);
		if ((c && c->ep == who) || find_boot_server(d->pol.clients[i]) == who)
			return d->pol.clients[i];
	}
	return NULL;
}

/*
 * Say that a restart was refused, at most REFUSALS_LOGGED times a second,
 * so that a program asking again and again cannot flood the log.
 */
static void log_refusal(const struct driver *d, endpoint_t who)
{
	static uint32_t second, logged, quiet;
	uint32_t now = now_ms() / 1000;

	if (now != second) {
		if (quiet)
			printf("dm: %u more restart requests refused in the last second\n", quiet);
		second = now;
		logged = quiet = 0;
	}
	if (logged++ < REFUSALS_LOGGED)
		printf("dm: restart of %s asked by endpoint %d refused: not a client its policy names\n",
		       d->label, (int)who);
	else if (quiet++ == 0)
		printf("dm: more restart requests refused this second; counting them, not showing them\n");
}

int do_restart(message *m)
{
	struct driver *d = driver_by_label(m->dm_req.label);
	char detail[DM_DETAIL_MAX];
	const char *client;

	if (!d)
		return -ENOENT;
	client = client_label(d, m->m_source);
	if (!client) {
		log_refusal(d, m->m_source);
		return -EPERM;
	}
	if (d->ep == EP_NONE || d->state == DRV_DOWN)
		return -ESRCH;
	if (d->pending_cause)
		return 0;                    /* already on its way out */
	snprintf(detail, sizeof detail, "restart asked by its client %s", client);
	printf("dm: %s (incarnation %u): %s\n", d->label, d->incarnation, detail);
	driver_kill(d, CAUSE_CLIENT, detail);
	return 0;
}
