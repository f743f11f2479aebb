/*
 * Unit tests for inet's transmit ring (servers/inet/txring.c): records
 * placed back to back in the batch layout, a wrap when the end has no
 * room (for a batch's first, no room for a whole batch), and, over long
 * random runs of frames placed and let go in order, never a byte of a
 * record still needed overwritten (with more needed than fit too) and
 * never "no room" while fewer than TXRING_RECORDS are (with the new one,
 * at most that many).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "txring.h"

static struct txring ring;

static void reset(void)
{
	memset(&ring, 0xa5, sizeof ring);
	ring.end = 0;
}

static void records_lie_back_to_back(void **state)
{
	uint8_t *a, *b;
	uint32_t off = 0, len;

	reset();
	a = txring_put(&ring, NULL, 61, NET_FRAME_CSUM, 0);
	b = txring_put(&ring, a, 1514, 0, 0);
	assert_ptr_equal(a, ring.bytes + sizeof(struct net_frame_hdr));
	assert_ptr_equal(b, txring_after(a, 61));
	memset(a, 1, 61);
	memset(b, 2, 1514);
	assert_int_equal(net_batch_check(txring_record(a), NET_RECORD_BYTES(61) + NET_RECORD_BYTES(1514), 2), 0);
	assert_ptr_equal(net_batch_next(txring_record(a), &off, &len), a);
	assert_int_equal(len, 61);
	assert_int_equal(net_batch_flags(txring_record(a), 0), NET_FRAME_CSUM);
	assert_int_equal(a[61] | a[62] | a[63], 0);      /* padding zeroed: nothing of inet's leaks */
}

static void nothing_needed_starts_over(void **state)
{
	uint8_t *a;

	reset();
	a = txring_put(&ring, NULL, 1000, 0, 0);
	txring_put(&ring, a, 1000, 0, 0);
	assert_ptr_equal(txring_put(&ring, NULL, 100, 0, 0), a);
}

static void bad_frames_are_refused(void **state)
{
	reset();
	assert_null(txring_put(&ring, NULL, NET_HEADER_BYTES - 1, 0, 0));
	assert_null(txring_put(&ring, NULL, NET_MAX_FRAME + 1, 0, 0));
	assert_null(txring_put(&ring, NULL, 100, 0x8000, 0));
	assert_int_equal(ring.end, 0);
}

static void a_record_that_does_not_fit_at_the_end_wraps(void **state)
{
	uint8_t *first, *p = NULL, *second;
	uint32_t k;

	reset();
	first = txring_put(&ring, NULL, NET_MAX_FRAME, 0, 0);
	second = txring_put(&ring, first, NET_MAX_FRAME, 0, 0);
	for (k = 2, p = second; k < TXRING_BYTES / NET_BATCH_MIN; k++)
		p = txring_put(&ring, second, NET_MAX_FRAME, 0, 0);   /* the first is let go */
	assert_non_null(p);
	assert_int_equal(ring.end, TXRING_BYTES);
	assert_null(txring_put(&ring, first, 100, 0, 0));    /* the first still needed: no room */
	p = txring_put(&ring, second, 100, 0, 0);
	assert_ptr_equal(p, first);                  /* where the first was: free again */
	assert_null(txring_put(&ring, second, NET_MAX_FRAME, 0, 0));   /* the second is still needed */
	assert_true(txring_holds(&ring, p));
	assert_false(txring_holds(&ring, (uint8_t *)&ring));
}

static void a_batch_that_the_wrap_would_split_starts_at_the_start(void **state)
{
	uint8_t *first, *p, *last;

	reset();
	first = p = txring_put(&ring, NULL, NET_MAX_FRAME, 0, 1);
	while (TXRING_BYTES - ring.end >= NET_BATCH_BYTES)
		p = txring_put(&ring, p, NET_MAX_FRAME, 0, 0);      /* only the newest needed */
	last = txring_put(&ring, p, 60, 0, 0);
	assert_ptr_equal(last, txring_after(p, NET_MAX_FRAME));   /* not a batch's first: at the end */
	p = last;
	assert_ptr_equal(txring_put(&ring, p, 60, 0, 1), first);
	reset();
	p = txring_put(&ring, NULL, NET_MAX_FRAME, 0, 1);
	while (TXRING_BYTES - ring.end >= NET_BATCH_BYTES)
		txring_put(&ring, p, NET_MAX_FRAME, 0, 0);          /* all of them needed: the start is not free */
	assert_ptr_equal(txring_put(&ring, p, 60, 0, 1), ring.bytes + ring.end + sizeof(struct net_frame_hdr));
}

/* A model: the records still needed, oldest first, and what each holds. */
#define LIVE_MAX (2 * TXRING_RECORDS)        /* more than fit: the ring must say "no room" */
static struct { uint8_t *data; uint32_t len; uint8_t fill; } live[LIVE_MAX];
static uint32_t live_head, live_n;
static uint32_t seed = 12345;

static uint32_t next_random(void)
{
	seed = seed * 1103515245 + 12345;
	return seed >> 8;
}

static void check_live(void)
{
	uint32_t k, b;

	for (k = 0; k < live_n; k++) {
		uint32_t j = (live_head + k) % LIVE_MAX;
		for (b = 0; b < live[j].len; b++)
			if (live[j].data[b] != live[j].fill)
				fail_msg("record %u (of %u needed) overwritten at byte %u", k, live_n, b);
	}
}

static void place_one(uint32_t step)
{
	uint32_t span = NET_MAX_FRAME - NET_HEADER_BYTES + 1;
	uint32_t len = next_random() % 4 ? NET_HEADER_BYTES + next_random() % span : NET_MAX_FRAME;
	uint8_t *p = txring_put(&ring, live_n ? live[live_head].data : NULL, len, 0, next_random() % 4 == 0);
	uint32_t j = (live_head + live_n) % LIVE_MAX;

	if (!p && live_n < TXRING_RECORDS)
		fail_msg("no room at step %u with %u records needed", step, live_n);
	if (!p)
		return;
	live[j].data = p;
	live[j].len = len;
	live[j].fill = (uint8_t)step;
	memset(p, live[j].fill, len);
	live_n++;
}

static void nothing_needed_is_ever_overwritten(void **state)
{
	uint32_t step, go;

	reset();
	live_head = live_n = 0;
	for (step = 0; step < 200000; step++) {
		uint32_t rarely = (step / 1000) % 2 ? 3 : 100;    /* phases: few needed, then the ring full */

		if (live_n < LIVE_MAX && next_random() % 3)
			place_one(step);
		go = next_random() % rarely == 0 ? next_random() % (live_n + 1) : 0;
		live_head = (live_head + go) % LIVE_MAX;
		live_n -= go;
		if (step % 64 == 0)
			check_live();
	}
	check_live();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records_lie_back_to_back),
		cmocka_unit_test(nothing_needed_starts_over),
		cmocka_unit_test(bad_frames_are_refused),
		cmocka_unit_test(a_record_that_does_not_fit_at_the_end_wraps),
		cmocka_unit_test(a_batch_that_the_wrap_would_split_starts_at_the_start),
		cmocka_unit_test(nothing_needed_is_ever_overwritten),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
