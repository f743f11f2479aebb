/*
 * Unit tests for the network driver protocol's batch layout
 * (lib/netdriver/batch.c): records built by net_batch_put are what
 * net_batch_check accepts and net_batch_next walks, byte for byte; every
 * malformed batch a hostile peer could hand over is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <bulkhead/errno.h>
#include <bulkhead/net.h>

static uint8_t batch[NET_BATCH_BYTES + 64];
static uint8_t frame[NET_MAX_FRAME];

static void fill(uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < sizeof frame; i++)
		frame[i] = (uint8_t)(seed + i * 7);
}

static void put_hdr(uint32_t off, uint16_t len, uint16_t flags)
{
	struct net_frame_hdr h = { len, flags };

	memcpy(batch + off, &h, sizeof h);
}

static void test_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct net_frame_hdr), 4);
	assert_int_equal(NET_RECORD_BYTES(14), 4 + 16);
	assert_int_equal(NET_RECORD_BYTES(60), 4 + 60);
	assert_int_equal(NET_RECORD_BYTES(61), 4 + 64);
	assert_int_equal(NET_RECORD_BYTES(NET_MAX_FRAME), NET_BATCH_MIN);
	assert_true(sizeof(struct net_req) <= MSG_PAYLOAD_MAX);
	assert_true(sizeof(struct net_batch_reply) <= MSG_PAYLOAD_MAX);
}

/* Every size 14..1514, a batch at a time: put, check, walk back byte-exact. */
static void test_every_size_round_trips(void **state)
{
	uint32_t len = NET_HEADER_BYTES, used, n, off, got, k;
	const uint8_t *p;

	(void)state;
	while (len <= NET_MAX_FRAME) {
		uint32_t first = len;

		used = n = 0;
		memset(batch, 0xee, sizeof batch);
		while (len <= NET_MAX_FRAME && n < NET_BATCH_FRAMES) {
			fill(len);
			if (net_batch_put(batch, NET_BATCH_BYTES, &used, frame, len) == -ENOSPC)
				break;
			len++, n++;
		}
		assert_true(n > 0);
		assert_int_equal(used % NET_BATCH_ALIGN, 0);
		assert_int_equal(net_batch_check(batch, used, n), 0);
		for (off = 0, k = 0; k < n; k++) {
			p = net_batch_next(batch, &off, &got);
			assert_int_equal(got, first + k);
			fill(first + k);
			assert_memory_equal(p, frame, got);
		}
		assert_int_equal(off, used);
	}
}

static void test_put_refuses(void **state)
{
	uint32_t used = 0;

	(void)state;
	assert_int_equal(net_batch_put(batch, sizeof batch, &used, frame, 13), -EINVAL);
	assert_int_equal(net_batch_put(batch, sizeof batch, &used, frame, NET_MAX_FRAME + 1), -EINVAL);
	assert_int_equal(used, 0);
	assert_int_equal(net_batch_put(batch, NET_BATCH_MIN - 1, &used, frame, NET_MAX_FRAME), -ENOSPC);
	assert_int_equal(used, 0);
	assert_int_equal(net_batch_put(batch, NET_BATCH_MIN, &used, frame, NET_MAX_FRAME), 0);
	assert_int_equal(used, NET_BATCH_MIN);
	used = NET_BATCH_MIN + 1;             /* beyond the size: never wraps */
	assert_int_equal(net_batch_put(batch, NET_BATCH_MIN, &used, frame, 14), -ENOSPC);
}

/* Three good frames (60, 61, 1514 bytes): the base the malformed ones are made from. */
static uint32_t good(void)
{
	uint32_t used = 0;

	net_batch_put(batch, sizeof batch, &used, frame, 60);
	net_batch_put(batch, sizeof batch, &used, frame, 61);
	net_batch_put(batch, sizeof batch, &used, frame, NET_MAX_FRAME);
	return used;
}

static void test_check_refuses_counts_and_sizes(void **state)
{
	uint32_t used = good();

	(void)state;
	assert_int_equal(net_batch_check(batch, used, 3), 0);
	assert_int_equal(net_batch_check(batch, used, 0), -EINVAL);
	assert_int_equal(net_batch_check(batch, used, 2), -EINVAL);      /* bytes left over */
	assert_int_equal(net_batch_check(batch, used, 4), -EINVAL);      /* a record missing */
	assert_int_equal(net_batch_check(batch, used - 1, 3), -EINVAL);  /* the last one cut short */
	assert_int_equal(net_batch_check(batch, used + 4, 3), -EINVAL);
	assert_int_equal(net_batch_check(batch, 0, 1), -EINVAL);
	assert_int_equal(net_batch_check(batch, 3, 1), -EINVAL);         /* not even a header */
	assert_int_equal(net_batch_check(batch, used, NET_BATCH_FRAMES + 1), -E2BIG);
	assert_int_equal(net_batch_check(batch, used, 0xffffffffu), -E2BIG);
	assert_int_equal(net_batch_check(batch, NET_BATCH_BYTES + 1, 3), -E2BIG);
	assert_int_equal(net_batch_check(batch, 0xffffffffu, 3), -E2BIG);
}

static void test_check_refuses_bad_records(void **state)
{
	uint32_t used, second = NET_RECORD_BYTES(60);

	(void)state;
	used = good();
	put_hdr(second, 13, 0);
	assert_int_equal(net_batch_check(batch, used, 3), -EINVAL);
	put_hdr(second, 0, 0);
	assert_int_equal(net_batch_check(batch, used, 3), -EINVAL);
	put_hdr(second, NET_MAX_FRAME + 1, 0);
	assert_int_equal(net_batch_check(batch, used, 3), -EINVAL);
	put_hdr(second, 0xffff, 0);
	assert_int_equal(net_batch_check(batch, used, 3), -EINVAL);
	put_hdr(second, 61, 0x2);                                        /* a flag nobody defined */
	assert_int_equal(net_batch_check(batch, used, 3), -EINVAL);
	put_hdr(second, 61, 0x8000);
	assert_int_equal(net_batch_check(batch, used, 3), -EINVAL);
	put_hdr(second, 61, NET_FRAME_CSUM);                             /* the one defined */
	assert_int_equal(net_batch_check(batch, used, 3), 0);
	put_hdr(second, 64, 0);        /* longer, but within its padding: still well-formed */
	assert_int_equal(net_batch_check(batch, used, 3), 0);
	put_hdr(second, 65, 0);        /* past its padding: the next record moves, the end does not fit */
	assert_int_equal(net_batch_check(batch, used, 3), -EINVAL);
	put_hdr(second, 61, 0);
	assert_int_equal(net_batch_check(batch, used, 3), 0);
}

/* A record's flags go in with net_batch_put_flags and come back with net_batch_flags; unknown ones do not go in. */
static void test_flags(void **state)
{
	uint32_t used = 0, off = 0, len;

	(void)state;
	assert_int_equal(net_batch_put_flags(batch, sizeof batch, &used, frame, 60, NET_FRAME_CSUM), 0);
	assert_int_equal(net_batch_put(batch, sizeof batch, &used, frame, 61), 0);
	assert_int_equal(net_batch_put_flags(batch, sizeof batch, &used, frame, 62, 0x2), -EINVAL);
	assert_int_equal(used, NET_RECORD_BYTES(60) + NET_RECORD_BYTES(61));
	assert_int_equal(net_batch_check(batch, used, 2), 0);
	assert_int_equal(net_batch_flags(batch, off), NET_FRAME_CSUM);
	net_batch_next(batch, &off, &len);
	assert_int_equal(net_batch_flags(batch, off), 0);
}

/* The largest batches: NET_BATCH_FRAMES shortest frames; as many largest as fit. */
static void test_limits(void **state)
{
	uint32_t used = 0, n = 0;

	(void)state;
	while (n < NET_BATCH_FRAMES && net_batch_put(batch, NET_BATCH_BYTES, &used, frame, 14) == 0)
		n++;
	assert_int_equal(n, NET_BATCH_FRAMES);
	assert_int_equal(net_batch_check(batch, used, n), 0);
	assert_int_equal(net_batch_put(batch, sizeof batch, &used, frame, 14), 0);
	assert_int_equal(net_batch_check(batch, used, n + 1), -E2BIG);
	used = n = 0;
	while (net_batch_put(batch, NET_BATCH_BYTES, &used, frame, NET_MAX_FRAME) == 0)
		n++;
	assert_int_equal(n, NET_BATCH_BYTES / NET_BATCH_MIN);
	assert_int_equal(net_batch_check(batch, used, n), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_every_size_round_trips),
		cmocka_unit_test(test_put_refuses),
		cmocka_unit_test(test_check_refuses_counts_and_sizes),
		cmocka_unit_test(test_check_refuses_bad_records),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
