/*
 * kill [-SIGNAL] TARGET...: end processes. A target is a pid (endpoint), a
 * driver label or a process name. The default signal is 15 (SIGTERM).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>

static endpoint_t resolve(const char *what)
{
	struct procinfo p;
	uint32_t value;
	char *end;
	long n = strtol(what, &end, 10);
	int slot;

	if (*what && !*end)
		return (endpoint_t)n;
	if (ds_lookup(what, &value) == 0)
		return (endpoint_t)value;
	for (slot = 0; slot < NR_PROCS; slot++)
		if (sys_procinfo(slot, EP_NONE, &p) == 0 && p.state != PSTATE_FREE && !strcmp(p.name, what))
			return p.endpoint;
	return EP_NONE;
}

int main(int argc, char **argv)
{
	int i = 1, sig = 15, bad = 0, r;
	endpoint_t ep;

	if (argc > 1 && argv[1][0] == '-' && strcmp(argv[1], "--help")) {
		sig = atoi(argv[1] + 1);
		i = 2;
	}
	if (i >= argc || !strcmp(argv[1], "--help")) {
		printf("usage: kill [-SIGNAL] PID|LABEL|NAME...\nEnds processes (signal 15 unless given). "
		       "Needs uid 0 or the target's uid; system processes (servers, init) cannot be killed.\n");
		return 2;
	}
	for (; i < argc; i++) {
		ep = resolve(argv[i]);
		r = ep == EP_NONE ? -ESRCH : pm_kill(ep, sig);
		if (r < 0) {
			printf("kill: %s: %s\n", argv[i], r == -ESRCH ? "no such process" :
			       r == -EPERM ? "not allowed (a system process, or another user's)" : "failed");
			bad = 1;
		}
	}
	return bad;
}
