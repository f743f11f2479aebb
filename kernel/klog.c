/*
 * klog: a ring buffer of struct klog_entry (include/bulkhead/klog.h).
 *
 * Sequence numbers start at 1 and never repeat; a reader asks for entries
 * from a sequence number on and learns where to continue. When the ring
 * wraps, the oldest entries are lost and a reader skips ahead to the oldest
 * one still held.
 */
#include "klog.h"
#include "proc.h"
#include "clock.h"
#include "string.h"

static struct klog_entry ring[KLOG_ENTRIES];
static uint32_t next_seq = 1;

void klog_add(const struct proc *p, enum klog_kind kind, uint16_t code,
              uint32_t target, uint32_t detail)
{
	klog_add_as(p->endpoint, p->name, kind, code, target, detail);
}

void klog_add_as(endpoint_t who, const char *name, enum klog_kind kind, uint16_t code,
                 uint32_t target, uint32_t detail)
{
	struct klog_entry *e = &ring[next_seq % KLOG_ENTRIES];

	e->seq = next_seq++;
	e->time_ms = clock_uptime_ms();
	e->who = who;
	e->kind = (uint16_t)kind;
	e->code = code;
	e->target = target;
	e->detail = detail;
	memset(e->name, 0, sizeof e->name);
	strlcpy(e->name, name, sizeof e->name);
}

/* Count a denied attempt against p and log it; err is the errno returned. */
void deny(struct proc *p, enum deny_kind kind, uint32_t target, int err)
{
	p->denied[kind]++;
	klog_add(p, KLOG_DENIED, (uint16_t)kind, target, (uint32_t)err);
}

uint32_t klog_read(uint32_t from_seq, struct klog_entry *out, uint32_t max, uint32_t *next)
{
	uint32_t oldest = next_seq > KLOG_ENTRIES ? next_seq - KLOG_ENTRIES : 1;
	uint32_t n = 0;

	if (from_seq < oldest)
		from_seq = oldest;
	if (from_seq > next_seq)
		from_seq = next_seq;
	for (; from_seq < next_seq && n < max; from_seq++)
		out[n++] = ring[from_seq % KLOG_ENTRIES];
	*next = from_seq;
	return n;
}
