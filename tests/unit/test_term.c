/*
 * Unit tests for the screen driver's terminal (drivers/screen/term.c): what
 * a stream of console output leaves in the cells: lines, wrapping at the
 * right edge, scrolling at the bottom, \r \b \t, the escape sequences the
 * shell's line editing sends, and garbage that must never write outside
 * the grid.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../../drivers/screen/screen.h"

#define COLS 10
#define ROWS 3

static struct term t;

static void feed(const char *s) { term_write(&t, s, (uint32_t)strlen(s)); }

static void assert_row(uint32_t row, const char *text)
{
	char want[COLS + 1];

	memset(want, ' ', COLS);
	memcpy(want, text, strlen(text));
	want[COLS] = '\0';
	assert_memory_equal(t.cells[row], want, COLS);
}

static void test_lines_and_controls(void **state)
{
	term_init(&t, COLS, ROWS);
	feed("ab\ncd\r\nxy\rZ");
	assert_row(0, "ab");
	assert_row(1, "cd");
	assert_row(2, "Zy");
	feed("\b\bq\tw");
	assert_row(2, "qy      w");
	assert_int_equal(t.col, 9);
}

static void test_wrap_and_scroll(void **state)
{
	term_init(&t, COLS, ROWS);
	feed("0123456789abc\nline2\nline3");
	assert_row(0, "abc");             /* the first row scrolled away */
	assert_row(1, "line2");
	assert_row(2, "line3");
	assert_int_equal(t.row, 2);
	assert_int_equal(t.col, 5);
}

static void test_escapes(void **state)
{
	term_init(&t, COLS, ROWS);
	feed("hello\x1b[3DXY\x1b[K");      /* back 3, overwrite, erase the rest */
	assert_row(0, "heXY");
	feed("\x1b[2Cz\x1b[1;5m!\x1b[A^");       /* colours are skipped; up from the top stays */
	assert_row(0, "heXY  z!^");
	feed("\x1b[H\x1b[J");
	assert_row(0, "");
	assert_int_equal(t.row, 0);
	assert_int_equal(t.col, 0);
}

static void test_garbage_stays_inside(void **state)
{
	static const char pick[] = "\x1b[;0123456789ABCDHJK\b\r\n\tx";
	char buf[4096];
	int round, i;

	srand(7);
	for (round = 0; round < 200; round++) {
		term_init(&t, COLS, ROWS);
		for (i = 0; i < (int)sizeof buf; i++)
			buf[i] = (char)(rand() % 4 ? pick[rand() % (sizeof pick - 1)] : rand());
		term_write(&t, buf, sizeof buf);
		assert_true(t.row < ROWS);
		assert_true(t.col <= COLS);
		for (i = 0; i < ROWS; i++)
			assert_true(memchr(t.cells[i] + COLS, 'x', TERM_MAX_COLS - COLS) == NULL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_and_controls),
		cmocka_unit_test(test_wrap_and_scroll),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_garbage_stays_inside),
	};
	return cmocka_run_group_tests_name("term", tests, NULL, NULL);
}
