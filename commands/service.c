/*
 * service: control drivers through the driver manager.
 *
 *   service up BINARY [-config FILE] [-label NAME] [-args ARG...]
 *   service down LABEL
 *   service refresh LABEL
 *   service list
 *   service status LABEL
 *
 * `service down console` is refused: the console is the only way to talk to
 * the system, and stopping it from the console cuts the user off (refresh
 * restarts it). init starts the console again if it goes down all the same.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/policy.h>

static const char *const states[] = {
	[DRV_STARTING] = "starting", [DRV_RUNNING] = "running", [DRV_RESTARTING] = "restarting",
	[DRV_DOWN] = "down", [DRV_GAVE_UP] = "gave up",
};
static const char *const causes[] = {
	[CAUSE_NONE] = "-", [CAUSE_EXIT] = "exit", [CAUSE_EXCEPTION] = "exception",
	[CAUSE_KILLED] = "killed", [CAUSE_PANIC] = "panic", [CAUSE_HEARTBEAT] = "heartbeat",
	[CAUSE_REFRESH] = "refresh", [CAUSE_CPU] = "cpu", [CAUSE_STALLED] = "stalled",
	[CAUSE_CLIENT] = "client",
};

static const char *state_name(uint32_t s) { return s < 6 && states[s] ? states[s] : "?"; }
static const char *cause_name(uint32_t c) { return c < sizeof causes / sizeof causes[0] && causes[c] ? causes[c] : "?"; }

static int usage(void)
{
	printf("usage: service up BINARY [-config FILE] [-label NAME] [-args ARG...]\n"
	       "       service down LABEL       stop a driver for good\n"
	       "       service refresh LABEL    restart a driver now\n"
	       "       service list             every driver: endpoint, state, restarts, last failure\n"
	       "       service status LABEL     a driver's policy and failure history\n"
	       "Without -config, the policy is /etc/drivers/LABEL.conf; LABEL defaults to the\n"
	       "binary's name.\n");
	return 2;
}

static int stopped(uint32_t state)
{
	return state == DRV_DOWN || state == DRV_GAVE_UP;
}

/* "-" for a driver with no process (stopped, or between restarts). */
static const char *endpoint_text(const struct dm_driver_info *info, char *buf, size_t len)
{
	if (info->endpoint < 0 || info->endpoint == EP_NONE)
		return "-";
	snprintf(buf, len, "%d", (int)info->endpoint);
	return buf;
}

static int fail(const char *what, int r)
{
	struct dm_driver_info info;
	const char *why = r == -ENOENT ? "no such driver" : r == -EEXIST ? "already running" :
	                  r == -EPERM ? "not allowed (uid 0 only)" : strerror(-r);

	if (r == -ESRCH && dm_info(what, 0, &info) == 0)
		why = stopped(info.state) ? "the driver is stopped (service up starts it)" :
		      "the driver is between restarts (try again)";
	else if (r == -ESRCH && server_endpoint("dm", EP_NONE) == EP_NONE)
		why = "the driver manager is not running";
	printf("service: %s: %s\n", what, why);
	return 1;
}

/* Drivers without which the user cannot reach the system: never stopped from here. */
static const char *const essential[] = { "console" };

static int refuse_essential(const char *label)
{
	unsigned i;

	for (i = 0; i < sizeof essential / sizeof essential[0]; i++) {
		if (!strcmp(label, essential[i])) {
			printf("service: %s is essential: stopping it would leave no way to use the system; "
			       "not stopped (service refresh %s restarts it)\n", label, label);
			return 1;
		}
	}
	return 0;
}

/* The driver manager's reason, without a "cannot start BINARY: " we print ourselves. */
static const char *error_text(const char *err, const char *binary, int r)
{
	char prefix[DM_PATH_MAX + 16];
	size_t n = (size_t)snprintf(prefix, sizeof prefix, "cannot start %s: ", binary);

	if (!err[0])
		return strerror(-r);
	return strncmp(err, prefix, n) ? err : err + n;
}

static int up(int argc, char **argv)
{
	struct dm_up_request req;
	char err[POLICY_ERR_MAX];
	uint32_t off = 0;
	int i, r;

	memset(&req, 0, sizeof req);
	if (argc < 1)
		return usage();
	snprintf(req.binary, sizeof req.binary, "%s", argv[0]);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-config") && i + 1 < argc) {
			snprintf(req.config, sizeof req.config, "%s", argv[++i]);
		} else if (!strcmp(argv[i], "-label") && i + 1 < argc) {
			snprintf(req.label, sizeof req.label, "%s", argv[++i]);
		} else if (!strcmp(argv[i], "-args")) {
			for (i++; i < argc && off + strlen(argv[i]) + 1 < sizeof req.args; i++, req.argc++) {
				strcpy(req.args + off, argv[i]);
				off += (uint32_t)strlen(argv[i]) + 1;
			}
		} else {
			return usage();
		}
	}
	r = dm_up(&req, err, sizeof err);
	if (r < 0) {
		printf("service: cannot start %s: %s\n", req.binary, error_text(err, req.binary, r));
		return 1;
	}
	return 0;
}


/* The driver's process now: CPU time in ms and refusals by kind ("-" if none), into out. */
static const char *process_figures(endpoint_t ep, char *cpu, size_t cpu_len, char *out, size_t len)
{
	struct procinfo p;
	size_t at = 0;
	unsigned k;

	strcpy(cpu, "-");
	strcpy(out, "-");
	if (ep < 0 || ep == EP_NONE || sys_procinfo(-1, ep, &p) < 0)
		return out;
	snprintf(cpu, cpu_len, "%u", p.cpu_ticks);
	for (k = 0; k < NR_DENY_KINDS && at < len; k++)
		if (p.denied[k])
			at += (size_t)snprintf(out + at, len - at, "%s%s %u", at ? ", " : "", deny_kind_name(k), p.denied[k]);
	return out;
}

static int list(void)
{
	struct dm_driver_info info;
	char ep[12], cpu[12], denied[128];
	uint32_t i;

	printf("%-12s %6s %-10s %5s %8s %-10s %8s %7s %s\n", "LABEL", "EP", "STATE", "INC", "RESTARTS",
	       "LAST FAIL", "RECOVERY", "CPU ms", "REFUSED");
	for (i = 0; dm_info("", i, &info) == 0; i++) {
		process_figures(info.endpoint, cpu, sizeof cpu, denied, sizeof denied);
		printf("%-12s %6s %-10s %5u %8u %-10s %5u ms %7s %s\n", info.label,
		       endpoint_text(&info, ep, sizeof ep), state_name(info.state), info.incarnation,
		       info.restarts, cause_name(info.last_cause), info.last_recovery_ms, cpu, denied);
	}
	if (i == 0)
		printf("(no drivers)\n");
	return 0;
}

static int status(const char *label)
{
	struct dm_driver_info info;
	struct dm_failure f;
	char policy[2048], ep[12], cpu[12], denied[128];
	uint32_t i;
	int r = dm_info(label, 0, &info);

	if (r < 0)
		return fail(label, r);
	printf("%s: %s, endpoint %s, incarnation %u, %u restarts, %u failures in a row\n",
	       info.label, state_name(info.state), endpoint_text(&info, ep, sizeof ep), info.incarnation,
	       info.restarts, info.failures_in_row);
	process_figures(info.endpoint, cpu, sizeof cpu, denied, sizeof denied);
	printf("this incarnation: %s ms of CPU; refused attempts: %s\n", cpu, denied);
	printf("binary %s, heartbeat %u ms, next restart after %u ms\n", info.binary,
	       info.heartbeat_ms, info.next_delay_ms);
	if (info.dma != DMA_NONE)
		printf("DMA: %s\n", info.dma == DMA_CONFINED ? "confined by the IOMMU to its own DMA buffers" :
		       info.dma == DMA_WAITING ? "waiting for the IOMMU driver (down): no new DMA domain until it is back" :
		       "unconfined (no IOMMU): its device can reach all of memory");
	printf("restarted after %u ms of CPU without blocking%s", info.cpu_ms, info.cpu_ms ? "" : " (no limit)");
	if (info.reports_progress)
		printf(", or %u ms with work pending and none done; so far %u done, %u pending, %u received\n",
		       info.liveness_ms, info.progress.done, info.progress.pending, info.progress.received);
	else
		printf("; it reports no progress\n");
	if (dm_policy(label, policy, sizeof policy) >= 0)
		printf("policy in force:\n%s", policy);
	printf("failures (newest first):\n");
	for (i = 0; dm_history(label, i, &f) == 0; i++)
		printf("  incarnation %u: %s at %u ms (%s); waited %u ms; serving again at %u ms%s\n",
		       f.incarnation, cause_name(f.cause), f.failed_ms, f.detail, f.delay_ms, f.serving_ms,
		       f.serving_ms ? "" : " (not yet)");
	if (i == 0)
		printf("  none\n");
	return 0;
}

int main(int argc, char **argv)
{
	int r;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage();
	if (!strcmp(argv[1], "up"))
		return up(argc - 2, argv + 2);
	if (!strcmp(argv[1], "list"))
		return list();
	if (argc != 3)
		return usage();
	if (!strcmp(argv[1], "status"))
		return status(argv[2]);
	if (!strcmp(argv[1], "down") && refuse_essential(argv[2]))
		return 1;
	if (!strcmp(argv[1], "down"))
		r = dm_down(argv[2]);
	else if (!strcmp(argv[1], "refresh"))
		r = dm_refresh(argv[2]);
	else
		return usage();
	return r < 0 ? fail(argv[2], r) : 0;
}
