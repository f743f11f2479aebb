/*
 * ping [-c COUNT] [-i INTERVAL] [-s SIZE] [-W TIMEOUT] ADDRESS: ICMP echo
 * through the network server inet (INET_PING, INET_PONG), reported as
 * iputils' ping does: one line per reply, then the loss and the round-trip
 * times (min/avg/max/mdev). Times come from the processor's cycle counter,
 * at the rate the kernel measured at boot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/inet.h>

#define DEFAULT_COUNT  4        /* no signal handlers here: Ctrl-C would lose the summary */
#define MAX_COUNT      100000
#define DEFAULT_SIZE   56
#define MAX_SIZE       65499    /* 65,535 less the IPv4 and ICMP headers */
#define DEFAULT_INTERVAL_MS 1000
#define MIN_INTERVAL_MS 10
#define MAX_INTERVAL_MS 60000
#define DEFAULT_TIMEOUT_MS 2000
#define MAX_TIMEOUT_MS  60000
#define HISTORY        1024     /* requests remembered, for late replies */
#define IP_ICMP_HEADERS 28

struct sent { uint32_t seq; uint64_t at; int answered; };

static struct sent history[HISTORY];
static uint64_t cycles_per_ms;
static uint8_t out_data[MAX_SIZE], in_data[MAX_SIZE];
static uint32_t received, duplicates;
static uint64_t sum_us, sum_sq_us, min_us = UINT64_MAX, max_us;

static uint64_t cycles(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* The kernel's rate for the cycle counter. */
static void calibrate(void)
{
	struct kc_time t;

	cycles_per_ms = sys_time(&t) == 0 && t.tsc_khz ? t.tsc_khz : 1;
}

static uint64_t elapsed_us(uint64_t since)
{
	return (cycles() - since) * 1000 / cycles_per_ms;
}

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: ping [-c COUNT] [-i INTERVAL] [-s SIZE] [-W TIMEOUT] ADDRESS\n"
	        "\n"
	        "Send ICMP echo requests to ADDRESS (an IPv4 address, A.B.C.D) through the\n"
	        "network server and report each reply, then the packet loss and the round\n"
	        "trip times (min/avg/max/mdev), as iputils' ping does.\n"
	        "  -c COUNT     requests to send (default %d; 1 to %d)\n"
	        "  -i INTERVAL  seconds between requests (default 1; 0.01 to 60)\n"
	        "  -s SIZE      data bytes in each request (default %d; 0 to %d)\n"
	        "  -W TIMEOUT   seconds to wait for the last replies (default 2; up to 60)\n"
	        "Exit status: 0 if any reply came, 1 if none, 2 on a usage error.\n",
	        DEFAULT_COUNT, MAX_COUNT, DEFAULT_SIZE, MAX_SIZE);
}

/* "1.5" seconds into ms within [lo, hi]; 0, or -1 (said). */
static int parse_seconds(const char *opt, const char *text, uint32_t lo, uint32_t hi, uint32_t *ms)
{
	char *end;
	double s = strtod(text, &end);

	if (end == text || *end || s * 1000 < lo || s * 1000 > hi) {
		fprintf(stderr, "ping: %s %s: give seconds from %u.%03u to %u\n", opt, text, (unsigned)lo / 1000,
		        (unsigned)lo % 1000, (unsigned)hi / 1000);
		return -1;
	}
	*ms = (uint32_t)(s * 1000 + 0.5);
	return 0;
}

static int parse_count(const char *opt, const char *text, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long n = strtoul(text, &end, 10);

	if (end == text || *end || *text == '-' || n < lo || n > hi) {
		fprintf(stderr, "ping: %s %s: give a number from %u to %u\n", opt, text, (unsigned)lo, (unsigned)hi);
		return -1;
	}
	*out = (uint32_t)n;
	return 0;
}

static int send_echo(uint32_t addr, uint32_t seq, uint32_t size)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = INET_PING;
	m.inet_echo.addr = addr;
	m.inet_echo.seq = (uint16_t)seq;
	m.inet_echo.len = size;
	return server_call_granted("inet", &m, &m.inet_echo.grant, out_data, size, GRANT_READ);
}

/* The next reply, waiting up to ms: its data length, or -errno (-ETIMEDOUT). */
static int take_reply(uint32_t size, uint32_t ms, message *m)
{
	memset(m, 0, sizeof *m);
	m->m_type = INET_PONG;
	m->inet_echo.len = size;
	m->inet_echo.timeout_ms = ms ? ms : 1;
	return server_call_granted("inet", m, &m->inet_echo.grant, in_data, size, GRANT_WRITE);
}

static void record(const message *m, int len, uint32_t size)
{
	struct sent *s = &history[m->inet_echo.seq % HISTORY];
	char from[INET_ADDRSTRLEN];
	struct in_addr a = { m->inet_echo.addr };
	uint64_t us;

	inet_ntop(AF_INET, &a, from, sizeof from);
	if ((uint16_t)s->seq != m->inet_echo.seq || s->at == 0) {
		printf("%d bytes from %s: icmp_seq=%u ttl=%u (no such request)\n", len + 8, from,
		       (unsigned)m->inet_echo.seq, (unsigned)m->inet_echo.ttl);
		return;
	}
	us = elapsed_us(s->at);
	printf("%d bytes from %s: icmp_seq=%u ttl=%u time=%lu.%03lu ms%s%s\n", len + 8, from, (unsigned)s->seq,
	       (unsigned)m->inet_echo.ttl, (unsigned long)(us / 1000), (unsigned long)(us % 1000),
	       s->answered ? " (DUP!)" : "",
	       (uint32_t)len != size || memcmp(in_data, out_data, size) ? " (wrong data)" : "");
	if (s->answered++) {
		duplicates++;
		return;
	}
	received++;
	sum_us += us;
	sum_sq_us += us * us;
	min_us = us < min_us ? us : min_us;
	max_us = us > max_us ? us : max_us;
}

/* Take replies until ms have passed since `since` (or, after the last request, all are answered). */
static int wait_replies(uint64_t since, uint32_t ms, uint32_t size, uint32_t sent, int last)
{
	uint64_t spent;
	message m;
	int r;

	while ((spent = elapsed_us(since) / 1000) < ms && !(last && received >= sent)) {
		r = take_reply(size, ms - (uint32_t)spent, &m);
		if (r == -ETIMEDOUT)
			break;
		if (r < 0)
			return r;
		record(&m, r, size);
	}
	return 0;
}

static uint64_t isqrt(uint64_t v)
{
	uint64_t r = 0, bit = (uint64_t)1 << 62;

	while (bit > v)
		bit >>= 2;
	for (; bit; bit >>= 2) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

static void summary(const char *target, uint32_t sent, uint32_t ms)
{
	uint64_t avg, mdev;

	printf("\n--- %s ping statistics ---\n", target);
	printf("%u packets transmitted, %u received, ", (unsigned)sent, (unsigned)received);
	if (duplicates)
		printf("+%u duplicates, ", (unsigned)duplicates);
	printf("%u%% packet loss, time %ums\n", sent ? (unsigned)((sent - received) * 100 / sent) : 0, (unsigned)ms);
	if (!received)
		return;
	avg = sum_us / received;
	mdev = isqrt(sum_sq_us / received - avg * avg);
	printf("rtt min/avg/max/mdev = %lu.%03lu/%lu.%03lu/%lu.%03lu/%lu.%03lu ms\n",
	       (unsigned long)(min_us / 1000), (unsigned long)(min_us % 1000), (unsigned long)(avg / 1000),
	       (unsigned long)(avg % 1000), (unsigned long)(max_us / 1000), (unsigned long)(max_us % 1000),
	       (unsigned long)(mdev / 1000), (unsigned long)(mdev % 1000));
}

static const char *why(int r)
{
	return r == -ESRCH || r == -ENETDOWN ? "the network server inet is not running" :
	       r == -ENETUNREACH ? "network is unreachable (no route to it)" : strerror(-r);
}

static int run(const char *target, uint32_t addr, uint32_t count, uint32_t interval, uint32_t size,
               uint32_t timeout)
{
	uint32_t seq, started = sys_uptime_ms();
	uint64_t at;
	int r = 0;

	for (seq = 0; seq < size; seq++)
		out_data[seq] = (uint8_t)(seq + 8);     /* as iputils fills it, after its timestamp */
	printf("PING %s (%s) %u(%u) bytes of data.\n", target, target, (unsigned)size,
	       (unsigned)size + IP_ICMP_HEADERS);
	for (seq = 1; seq <= count && r == 0; seq++) {
		at = cycles();
		history[seq % HISTORY] = (struct sent){ seq, at, 0 };
		r = send_echo(addr, seq, size);
		if (r < 0) {
			fprintf(stderr, "ping: sending icmp_seq=%u: %s\n", (unsigned)seq, why(r));
			if (r != -ENETUNREACH)
				return 2;
			r = 0;
		}
		r = wait_replies(at, seq == count ? timeout : interval, size, seq, seq == count);
	}
	if (r < 0) {
		fprintf(stderr, "ping: %s\n", why(r));
		return 2;
	}
	summary(target, count, sys_uptime_ms() - started);
	return received ? 0 : 1;
}

int main(int argc, char **argv)
{
	uint32_t count = DEFAULT_COUNT, interval = DEFAULT_INTERVAL_MS, size = DEFAULT_SIZE;
	uint32_t timeout = DEFAULT_TIMEOUT_MS, addr;
	int k, bad = 0;

	if (argc > 1 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	for (k = 1; k < argc && argv[k][0] == '-' && !bad; k += 2) {
		const char *o = argv[k];

		if (strlen(o) != 2 || !strchr("ciWs", o[1])) {
			fprintf(stderr, "ping: %s: unknown option\n", o);
			bad = 1;
		} else if (k + 1 == argc) {
			fprintf(stderr, "ping: %s needs a value\n", o);
			bad = 1;
		} else if (o[1] == 'c') {
			bad = parse_count(o, argv[k + 1], 1, MAX_COUNT, &count) < 0;
		} else if (o[1] == 's') {
			bad = parse_count(o, argv[k + 1], 0, MAX_SIZE, &size) < 0;
		} else if (o[1] == 'i') {
			bad = parse_seconds(o, argv[k + 1], MIN_INTERVAL_MS, MAX_INTERVAL_MS, &interval) < 0;
		} else {
			bad = parse_seconds(o, argv[k + 1], 1, MAX_TIMEOUT_MS, &timeout) < 0;
		}
	}
	if (!bad && k != argc - 1)
		fprintf(stderr, "ping: %s\n", k == argc ? "give one address" : "give one address, after the options");
	if (bad || k != argc - 1) {
		usage(stderr);
		return 2;
	}
	if (inet_pton(AF_INET, argv[k], &addr) != 1) {
		fprintf(stderr, "ping: %s: not an IPv4 address (A.B.C.D; there is no name resolution)\n", argv[k]);
		return 2;
	}
	calibrate();
	return run(argv[k], addr, count, interval, size, timeout);
}
