/*
 * Unit tests for the keyboard driver's keymap (drivers/keyboard/keymap.c):
 * scancodes as QEMU's and a PC's i8042 deliver them (set 1) become what a
 * terminal sends: letters, shift, caps lock, ctrl, Enter, Backspace, the
 * arrows and Home/End/Delete as the escape sequences the shell's line
 * editing reads; releases and unknown codes make nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "../../drivers/keyboard/keymap.h"

/* Feed the scancodes; what they made, all together. */
static const char *typed(struct keymap *k, const uint8_t *codes, size_t n)
{
	static char all[64];
	char seq[KEYMAP_SEQ_MAX];
	size_t i;

	all[0] = '\0';
	for (i = 0; i < n; i++)
		if (keymap_scancode(k, codes[i], seq))
			strcat(all, seq);
	return all;
}

#define TYPED(k, ...) typed(k, (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void test_letters_and_shift(void **state)
{
	struct keymap k = { 0 };

	/* l s Enter, each pressed and released */
	assert_string_equal(TYPED(&k, 0x26, 0xa6, 0x1f, 0x9f, 0x1c, 0x9c), "ls\r");
	/* shift down, a, 1, shift up, a */
	assert_string_equal(TYPED(&k, 0x2a, 0x1e, 0x9e, 0x02, 0x82, 0xaa, 0x1e), "A!a");
	/* caps lock: letters upper, digits not; shift inverts it */
	assert_string_equal(TYPED(&k, 0x3a, 0xba, 0x1e, 0x02, 0x36, 0x1e, 0xb6), "A1a");
}

static void test_ctrl_and_edit_keys(void **state)
{
	struct keymap k = { 0 };

	/* ctrl c, ctrl d, ctrl up, backspace, tab, escape */
	assert_string_equal(TYPED(&k, 0x1d, 0x2e, 0x20, 0x9d, 0x0e, 0x0f, 0x01), "\x03\x04\x7f\t\x1b");
}

static void test_extended_keys(void **state)
{
	struct keymap k = { 0 };

	/* up, down, right, left (pressed and released), home, end, delete, keypad enter */
	assert_string_equal(TYPED(&k, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x50, 0xe0, 0x4d, 0xe0, 0x4b),
	                    "\x1b[A\x1b[B\x1b[C\x1b[D");
	assert_string_equal(TYPED(&k, 0xe0, 0x47, 0xe0, 0x4f, 0xe0, 0x53, 0xe0, 0x1c), "\x1b[H\x1b[F\x1b[3~\r");
	/* a fake shift (E0 2A) around an arrow changes nothing */
	assert_string_equal(TYPED(&k, 0xe0, 0x2a, 0xe0, 0x48, 0xe0, 0xaa, 0xe0, 0xc8, 0x1e), "\x1b[Aa");
}

static void test_every_code_is_safe(void **state)
{
	struct keymap k = { 0 };
	char seq[KEYMAP_SEQ_MAX];
	int sc, ext;

	for (ext = 0; ext < 2; ext++)
		for (sc = 0; sc < 256; sc++) {
			if (ext)
				keymap_scancode(&k, 0xe0, seq);
			assert_true(keymap_scancode(&k, (uint8_t)sc, seq) < KEYMAP_SEQ_MAX);
			assert_true(strlen(seq) < KEYMAP_SEQ_MAX);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_letters_and_shift),
		cmocka_unit_test(test_ctrl_and_edit_keys),
		cmocka_unit_test(test_extended_keys),
		cmocka_unit_test(test_every_code_is_safe),
	};
	return cmocka_run_group_tests_name("keymap", tests, NULL, NULL);
}
