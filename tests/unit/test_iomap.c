/*
 * Unit tests for the I/O permission bitmap built from a privilege record's
 * port ranges, and for the decoding of refused port instructions
 * (kernel/iomap.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <bulkhead/errno.h>
#include "iomap.h"

static uint8_t map[IOMAP_BYTES];

static int port_allowed(uint32_t port) { return !((map[port / 8] >> (port % 8)) & 1); }

/* Exactly the ports of the record's ranges are allowed; count them. */
static uint32_t allowed_ports(void)
{
	uint32_t port, n = 0;

	for (port = 0; port < IO_PORTS; port++)
		n += port_allowed(port);
	return n;
}

static void build(const struct priv *p)
{
	memset(map, 0xff, sizeof map);
	iomap_mark(map, p->io, p->n_io, 1);
}

static void test_empty_record_allows_nothing(void **state)
{
	struct priv p = { 0 };

	(void)state;
	build(&p);
	assert_int_equal(allowed_ports(), 0);
}

static void test_ranges_allow_exactly_their_ports(void **state)
{
	struct priv p = { .n_io = 3, .io = { { 0x70, 2 }, { 0x2f8, 8 }, { 0xc000, 0x100 } } };

	(void)state;
	build(&p);
	assert_int_equal(allowed_ports(), 2 + 8 + 0x100);
	assert_true(port_allowed(0x70) && port_allowed(0x71));
	assert_false(port_allowed(0x6f) || port_allowed(0x72));
	assert_true(port_allowed(0x2f8) && port_allowed(0x2ff));
	assert_false(port_allowed(0x2f7) || port_allowed(0x300));
	assert_true(port_allowed(0xc000) && port_allowed(0xc0ff));
	assert_false(port_allowed(0xbfff) || port_allowed(0xc100));
	assert_false(port_allowed(0xcf8) || port_allowed(0xcfc) || port_allowed(0x20) || port_allowed(0x21));
}

static void test_odd_edges_and_top_port(void **state)
{
	struct priv p = { .n_io = 2, .io = { { 0x303, 0x0b }, { 0xfff0, 0x10 } } };
	uint32_t port;

	(void)state;
	build(&p);
	for (port = 0x300; port < 0x310; port++)
		assert_int_equal(port_allowed(port), port >= 0x303 && port < 0x30e);
	assert_true(port_allowed(0xffff) && port_allowed(0xfff0));
	assert_false(port_allowed(0xffef));
	assert_int_equal(allowed_ports(), 0x0b + 0x10);
}

static void test_unmark_restores_refusal(void **state)
{
	struct priv a = { .n_io = 2, .io = { { 0x70, 2 }, { 0x2f8, 8 } } };
	struct priv b = { .n_io = 1, .io = { { 0x300, 0x20 } } };

	(void)state;
	build(&a);
	iomap_mark(map, a.io, a.n_io, 0);          /* the switch from a to b */
	iomap_mark(map, b.io, b.n_io, 1);
	assert_int_equal(allowed_ports(), 0x20);
	assert_false(port_allowed(0x70) || port_allowed(0x2f8));
	iomap_mark(map, b.io, b.n_io, 0);
	assert_int_equal(allowed_ports(), 0);
}

static void test_invalid_range_is_ignored(void **state)
{
	struct priv p = { .n_io = 2, .io = { { 0xfff0, 0x20 }, { 0x10000, 4 } } };   /* priv_validate refuses these */

	(void)state;
	build(&p);
	assert_int_equal(allowed_ports(), 0);
}

static struct portio decode_ok(const uint8_t *code, uint32_t len, uint16_t dx)
{
	struct portio io;

	assert_int_equal(portio_decode(code, len, dx, &io), 0);
	return io;
}

static void test_decode_in_out_forms(void **state)
{
	static const uint8_t inb_imm[] = { 0xe4, 0x64 }, outl_imm[] = { 0xe7, 0x80 };
	static const uint8_t inw_dx[] = { 0x66, 0xed }, outb_dx[] = { 0xee };
	struct portio io;

	(void)state;
	io = decode_ok(inb_imm, sizeof inb_imm, 0x1234);
	assert_true(io.port == 0x64 && io.size == 1 && !io.out && !io.string && io.len == 2);
	io = decode_ok(outl_imm, sizeof outl_imm, 0);
	assert_true(io.port == 0x80 && io.size == 4 && io.out && io.len == 2);
	io = decode_ok(inw_dx, sizeof inw_dx, 0xcfc);
	assert_true(io.port == 0xcfc && io.size == 2 && !io.out && io.len == 2);
	io = decode_ok(outb_dx, sizeof outb_dx, 0xc037);
	assert_true(io.port == 0xc037 && io.size == 1 && io.out && io.len == 1);
}

static void test_decode_string_forms(void **state)
{
	static const uint8_t rep_insw[] = { 0xf3, 0x66, 0x6d }, outsb[] = { 0x2e, 0x6e };
	static const uint8_t rep_outsd[] = { 0xf2, 0x6f }, rep_in[] = { 0xf3, 0xec };
	struct portio io;

	(void)state;
	io = decode_ok(rep_insw, sizeof rep_insw, 0x310);
	assert_true(io.port == 0x310 && io.size == 2 && !io.out && io.string && io.rep && io.len == 3);
	io = decode_ok(outsb, sizeof outsb, 0x72);
	assert_true(io.size == 1 && io.out && io.string && !io.rep && io.len == 2);
	io = decode_ok(rep_outsd, sizeof rep_outsd, 0x72);
	assert_true(io.size == 4 && io.out && io.rep && io.len == 2);
	io = decode_ok(rep_in, sizeof rep_in, 0x72);
	assert_true(!io.string && !io.rep && io.len == 2);         /* rep means nothing on in */
}

static void test_decode_refuses_others(void **state)
{
	static const uint8_t nop[] = { 0x90 }, addr16[] = { 0x67, 0x6c }, cut[] = { 0xe4 };
	static const uint8_t only_prefixes[] = { 0x66, 0x66, 0xf3 };
	static const uint8_t too_long[16] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	                                      0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0xec };
	struct portio io;

	(void)state;
	assert_int_equal(portio_decode(nop, sizeof nop, 0, &io), -EINVAL);
	assert_int_equal(portio_decode(addr16, sizeof addr16, 0, &io), -EINVAL);
	assert_int_equal(portio_decode(cut, sizeof cut, 0, &io), -EINVAL);
	assert_int_equal(portio_decode(only_prefixes, sizeof only_prefixes, 0, &io), -EINVAL);
	assert_int_equal(portio_decode(too_long, sizeof too_long, 0, &io), -EINVAL);
	assert_int_equal(portio_decode(nop, 0, 0, &io), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_record_allows_nothing),
		cmocka_unit_test(test_ranges_allow_exactly_their_ports),
		cmocka_unit_test(test_odd_edges_and_top_port),
		cmocka_unit_test(test_unmark_restores_refusal),
		cmocka_unit_test(test_invalid_range_is_ignored),
		cmocka_unit_test(test_decode_in_out_forms),
		cmocka_unit_test(test_decode_string_forms),
		cmocka_unit_test(test_decode_refuses_others),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
