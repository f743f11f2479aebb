/*
 * kill [-SIGNAL | -0 | -l] [--] TARGET...: end processes. A target is a pid
 * (endpoint), a driver label or a process name; a signal is a number or a
 * name (TERM, SIGTERM; -l lists them), 15 (TERM) unless given. Every
 * signal ends the process (there are no handlers); -0 only checks that the
 * target exists. Each refusal says why.
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>

#define SIG_CHECK 0              /* -0: does it exist? */
#define SIG_DEFAULT SIGTERM

static const struct { int nr; const char *name; } signals[] = {
	{ SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" }, { SIGILL, "ILL" },
	{ SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" }, { SIGFPE, "FPE" }, { SIGKILL, "KILL" },
	{ SIGBUS, "BUS" }, { SIGSEGV, "SEGV" }, { SIGSYS, "SYS" }, { SIGPIPE, "PIPE" },
	{ SIGALRM, "ALRM" }, { SIGTERM, "TERM" }, { SIGUSR1, "USR1" }, { SIGUSR2, "USR2" },
};
#define NR_SIGNALS (sizeof signals / sizeof signals[0])
#define SIG_MAX PM_SIG_MAX
#define SIGNALS_PER_LINE 8
#define SIGNAL_NAME_WIDTH 5

static void list_signals(void)
{
	unsigned i;

	for (i = 0; i < NR_SIGNALS; i++) {
		if (i % SIGNALS_PER_LINE)
			printf("%*s", SIGNAL_NAME_WIDTH + 1 - (int)strlen(signals[i - 1].name), "");
		printf("%2d %s%s", signals[i].nr, signals[i].name, (i + 1) % SIGNALS_PER_LINE ? "" : "\n");
	}
	printf("%sAny number from 1 to %d may be given; every signal ends the process.\n",
	       NR_SIGNALS % SIGNALS_PER_LINE ? "\n" : "", SIG_MAX);
}

/* "-15", "-TERM", "-SIGTERM", "-0": the number, or -1. */
static int parse_signal(const char *s)
{
	char *end;
	long n;
	unsigned i;

	if (isdigit((unsigned char)*s)) {
		n = strtol(s, &end, 10);
		return *end || n > SIG_MAX ? -1 : (int)n;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (i = 0; i < NR_SIGNALS; i++)
		if (!strcasecmp(s, signals[i].name))
			return signals[i].nr;
	return -1;
}

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

static int alive(endpoint_t ep)
{
	struct procinfo p;

	return ep != EP_NONE && sys_procinfo(-1, ep, &p) == 0 && p.state != PSTATE_FREE &&
	       p.state != PSTATE_ZOMBIE;
}

/* Why the process manager said EPERM. */
static const char *refusal(endpoint_t ep)
{
	struct procinfo p;

	if (sys_procinfo(-1, ep, &p) == 0 && (p.priv_flags & PRIV_SYSTEM))
		return "not allowed: a system server";
	if (sys_procinfo(-1, ep, &p) == 0 && !strcmp(p.name, "init"))
		return "not allowed: init";
	return "not allowed: another user's process (uid 0 may)";
}

static int kill_one(const char *what, int sig)
{
	endpoint_t ep = resolve(what);
	int r;

	if (!alive(ep)) {
		printf("kill: %s: no such process\n", what);
		return 1;
	}
	if (sig == SIG_CHECK)
		return 0;
	r = pm_kill(ep, sig);
	if (r == 0)
		return 0;
	printf("kill: %s: %s\n", what, r == -ESRCH ? "no such process" : r == -EPERM ? refusal(ep) :
	       r == -EINVAL ? "bad signal" : strerror(-r));
	return 1;
}

static int usage(int status)
{
	printf("usage: kill [-SIGNAL] [--] PID|LABEL|NAME...   end processes (signal TERM unless given)\n"
	       "       kill -0 PID|LABEL|NAME...              does it exist? (exit status 0 if so)\n"
	       "       kill -l                                list the signals\n"
	       "Needs uid 0 or the target's uid; system processes (servers, init) cannot be killed.\n");
	return status;
}

int main(int argc, char **argv)
{
	int i = 1, sig = SIG_DEFAULT, bad = 0;

	if (argc == 2 && !strcmp(argv[1], "--help"))
		return usage(0);
	if (argc == 2 && !strcmp(argv[1], "-l")) {
		list_signals();
		return 0;
	}
	if (i < argc && argv[i][0] == '-' && strcmp(argv[i], "--")) {
		sig = parse_signal(argv[i] + 1);
		if (sig < 0) {
			printf("kill: %s: unknown signal (kill -l lists them)\n", argv[i]);
			return 2;
		}
		i++;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc)
		return usage(2);
	for (; i < argc; i++)
		bad |= kill_one(argv[i], sig);
	return bad;
}
