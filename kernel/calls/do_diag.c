/*
 * KC_DIAG: print the caller's text on the kernel console.
 *
 * A byte that is not printable ASCII, a newline or a tab is shown as \xNN,
 * so no process can send terminal controls or binary to the console. An
 * ordinary process (drivers and programs; not the boot servers, whose
 * messages are the system's log) may put DIAG_RATE bytes a second on the
 * console, in bursts of up to DIAG_BURST; beyond that its output is dropped
 * and counted, and once its budget has refilled to DIAG_RESUME one line says
 * how much was lost.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../console.h"
#include "../clock.h"

#define DIAG_MAX    4096             /* bytes one call may pass */
#define DIAG_RATE   2048             /* console bytes a second, per process */
#define DIAG_BURST  8192             /* ... saved up at most */
#define DIAG_RESUME (DIAG_BURST / 2) /* after a drop, silent until this much is saved */
#define DIAG_ESCAPE 4                /* "\xNN" */
#define DIAG_CHUNK  128

/* A process's budget, by slot; a new endpoint in the slot starts afresh. */
struct diag_budget {
	endpoint_t ep;
	uint32_t bytes;          /* console bytes it may still print */
	uint32_t at_ms;          /* when bytes was last topped up */
	uint32_t dropped;        /* bytes dropped since the last report */
	char last;               /* the last byte it printed */
};

static struct diag_budget budgets[NR_PROCS];

static struct diag_budget *budget_of(struct proc *p)
{
	struct diag_budget *b = &budgets[p->slot];
	uint32_t now = clock_uptime_ms(), elapsed;

	if (b->ep != p->endpoint)
		*b = (struct diag_budget){ p->endpoint, DIAG_BURST, now, 0, '\n' };
	elapsed = now - b->at_ms;
	if (elapsed > DIAG_BURST * 1000u / DIAG_RATE)
		elapsed = DIAG_BURST * 1000u / DIAG_RATE;
	b->bytes += elapsed * DIAG_RATE / 1000u;
	if (b->bytes > DIAG_BURST)
		b->bytes = DIAG_BURST;
	b->at_ms = now;
	return b;
}

static int shown_as_is(char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t';
}

/* Print s escaped, as far as *budget (if any) allows; the bytes of s printed. */
static uint32_t print_escaped(const char *s, uint32_t n, uint32_t *budget)
{
	static const char hex[] = "0123456789abcdef";
	char out[DIAG_CHUNK * DIAG_ESCAPE];
	uint32_t i, k = 0, w;

	for (i = 0; i < n; i++) {
		w = shown_as_is(s[i]) ? 1 : DIAG_ESCAPE;
		if (budget && *budget < w)
			break;
		if (budget)
			*budget -= w;
		if (w == 1) {
			out[k++] = s[i];
		} else {
			out[k++] = '\\';
			out[k++] = 'x';
			out[k++] = hex[(uint8_t)s[i] >> 4];
			out[k++] = hex[(uint8_t)s[i] & 0xf];
		}
	}
	console_write(out, k);
	return i;
}

/* Whether b's owner may print now; says how much was dropped when it may again. */
static int may_print(struct proc *p, struct diag_budget *b, uint32_t len)
{
	if (!b->dropped)
		return 1;
	if (b->bytes < DIAG_RESUME) {
		b->dropped += len;
		return 0;
	}
	kprintf("kernel: %s (ep %d): dropped %u bytes of diagnostic output\n", p->name,
	        (int)p->endpoint, (unsigned)b->dropped);
	b->dropped = 0;
	return 1;
}

int do_diag(struct proc *caller, message *m)
{
	vir_bytes buf = m->kc_diag.buf;
	uint32_t len = m->kc_diag.len, n, done;
	struct diag_budget *b = NULL;
	char chunk[DIAG_CHUNK];

	if (len > DIAG_MAX)
		return -E2BIG;
	if (vm_check(&caller->vm, buf, len, 0) < 0)
		return -EFAULT;
	if (!(caller->priv.flags & PRIV_SYSTEM))
		b = budget_of(caller);
	if (b && !may_print(caller, b, len))
		return 0;
	for (; len; len -= n, buf += n) {
		n = len < sizeof chunk ? len : sizeof chunk;
		vm_read(&caller->vm, buf, chunk, n);
		done = print_escaped(chunk, n, b ? &b->bytes : NULL);
		if (b && done)
			b->last = chunk[done - 1];
		if (done < n) {
			b->dropped = len - done;
			if (b->last != '\n')
				console_write("\n", 1);     /* the report will start a line of its own */
			break;
		}
	}
	return 0;
}
