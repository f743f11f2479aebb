/*
 * Unit tests for lib/text: the line editor (editing, cursor keys, history,
 * beeps for Tab and non-ASCII, refusing an over-long line), the shell's word
 * splitter (quotes, $?, &, and every error), and path resolution.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <bulkhead/errno.h>
#include <bulkhead/text.h>

static struct lineedit le;
static char echo[LE_ECHO_MAX];
static uint32_t echo_len;
static char echoed[8 * LE_ECHO_MAX];    /* everything echoed since type() began */
static int beeps;

/* Type the bytes of s; the result of the last key. */
static enum le_result type(const char *s)
{
	enum le_result r = LE_MORE;
	size_t at = 0;
	uint32_t i;

	beeps = 0;
	for (; *s; s++) {
		r = le_key(&le, (unsigned char)*s, echo, &echo_len);
		assert_true(echo_len <= LE_ECHO_MAX);
		for (i = 0; i < echo_len; i++) {
			beeps += echo[i] == '\a';
			if (at < sizeof echoed - 1)
				echoed[at++] = echo[i];
		}
	}
	echoed[at] = '\0';
	return r;
}

static void done_is(const char *want)
{
	assert_string_equal(le.done, want);
	assert_int_equal(le.done_len, strlen(want));
}

static void edit_plain_line(void **state)
{
	le_init(&le);
	assert_int_equal(type("ls /"), LE_MORE);
	assert_string_equal(echoed, "ls /");
	assert_int_equal(type("\r"), LE_DONE);
	done_is("ls /");
}

static void edit_backspace(void **state)
{
	le_init(&le);
	type("lsxy\x7f\b\r");
	done_is("ls");
	assert_int_equal(type("\x7f"), LE_MORE);      /* nothing to delete */
	assert_int_equal(beeps, 1);
}

static void edit_left_right_insert(void **state)
{
	le_init(&le);
	type("cat /tsts");
	type("\x1b[D\x1b[D\x1b[D");                     /* cursor before 's','t','s' */
	assert_string_equal(echoed, "\b\b\b");
	type("e");
	assert_string_equal(echoed, "ests\b\b\b");       /* the rest redrawn, cursor back */
	type("\x1b[C\x1b[C\x1b[C\x1b[C");               /* the last one is past the end */
	assert_int_equal(beeps, 1);
	assert_int_equal(type("\r"), LE_DONE);
	done_is("cat /tests");
}

static void edit_home_end_delete(void **state)
{
	le_init(&le);
	type("xecho hi\x01\x1b[3~\x05!\r");            /* Ctrl-A, Delete, Ctrl-E */
	done_is("echo hi!");
	type("abc\x1b[H\x1b[3~\x1b[F\r");
	done_is("bc");
	type("abc\x02\x02\x04\r");                      /* Ctrl-B twice, Ctrl-D deletes under the cursor */
	done_is("ac");
}

static void edit_history(void **state)
{
	le_init(&le);
	type("one\r");
	type("two\r");
	type("two\r");                                  /* a repeat is kept once */
	type("thr");
	type("\x1b[A");
	assert_string_equal(le.line, "two");
	type("\x1b[A");
	assert_string_equal(echoed, "\b\b\bone");
	type("\x1b[A");                                 /* no older line */
	assert_int_equal(beeps, 1);
	type("\x1b[B\x1b[B");                           /* back to what was being typed */
	assert_int_equal(le.len, 3);
	assert_memory_equal(le.line, "thr", 3);
	type("\x1b[A\x1b[A\r");
	done_is("one");
	assert_int_equal(type("\x1b[B"), LE_MORE);      /* nothing newer than the new line */
	assert_int_equal(beeps, 1);
}

static void edit_history_keeps_newest(void **state)
{
	char line[16];
	int i;

	le_init(&le);
	for (i = 0; i < LE_HISTORY + 5; i++) {
		snprintf(line, sizeof line, "c%d\r", i);
		type(line);
	}
	for (i = 0; i < LE_HISTORY; i++)
		type("\x1b[A");
	type("\x1b[A");
	assert_int_equal(beeps, 1);
	type("\r");
	done_is("c5");
}

static void edit_tab_and_non_ascii_beep(void **state)
{
	le_init(&le);
	type("a\tb");
	assert_int_equal(beeps, 1);
	type("\xc3\xa9");                                /* é: one character, one beep */
	assert_int_equal(beeps, 1);
	type("\xe2\x82\xac" "c");                        /* € then c */
	assert_int_equal(beeps, 1);
	type("\r");
	done_is("abc");
	type("\x1b[Zx\r");                               /* an unknown sequence (Shift-Tab) */
	done_is("x");
}

static void edit_too_long_refused(void **state)
{
	char big[LE_LINE_MAX + 20];

	le_init(&le);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	type(big);
	assert_int_equal(beeps, 1);
	assert_int_equal(le.len, LE_LINE_MAX - 1);
	assert_int_equal(type("\r"), LE_TOO_LONG);
	assert_int_equal(type("ok\r"), LE_DONE);
	done_is("ok");
	big[LE_LINE_MAX - 1] = '\0';                      /* exactly the longest line */
	assert_int_equal(type(big), LE_MORE);
	assert_int_equal(type("\r"), LE_DONE);
	assert_int_equal(le.done_len, LE_LINE_MAX - 1);
}

static void edit_ctrl_c_and_eof(void **state)
{
	le_init(&le);
	assert_int_equal(type("abc\x03"), LE_INTERRUPT);
	assert_int_equal(le.len, 0);
	assert_int_equal(type("\x04"), LE_EOF);
	type("x\x15y\r");                                /* Ctrl-U clears */
	done_is("y");
}

/* --- words --- */

static struct words w;
static const char *why;

static void split_ok(const char *line, int status)
{
	int r = words_split(line, status, &w, &why);

	assert_int_equal(r, 0);
	assert_null(why);
	assert_null(w.argv[w.argc]);
}

static void split_fails(const char *line, int err, const char *msg)
{
	assert_int_equal(words_split(line, 0, &w, &why), err);
	assert_non_null(why);
	assert_non_null(strstr(why, msg));
	assert_int_equal(w.argc, 0);
}

static void words_plain(void **state)
{
	split_ok("  ls   -l\t/bin \n", 0);
	assert_int_equal(w.argc, 3);
	assert_string_equal(w.argv[0], "ls");
	assert_string_equal(w.argv[1], "-l");
	assert_string_equal(w.argv[2], "/bin");
	assert_int_equal(w.background, 0);
	split_ok("   ", 0);
	assert_int_equal(w.argc, 0);
}

static void words_quotes(void **state)
{
	split_ok("echo \"a  b\" 'c \"d\"' e\"f\"g \"\" x\\ y \"q\\\"\"", 0);
	assert_int_equal(w.argc, 7);
	assert_string_equal(w.argv[1], "a  b");
	assert_string_equal(w.argv[2], "c \"d\"");
	assert_string_equal(w.argv[3], "efg");
	assert_string_equal(w.argv[4], "");
	assert_string_equal(w.argv[5], "x y");
	split_ok("echo \"q\\\"\"", 0);
	assert_string_equal(w.argv[1], "q\"");
}

static void words_status(void **state)
{
	split_ok("echo $? \"[$?]\" '$?' \\$?", 127);
	assert_string_equal(w.argv[1], "127");
	assert_string_equal(w.argv[2], "[127]");
	assert_string_equal(w.argv[3], "$?");
	assert_string_equal(w.argv[4], "$?");
	split_ok("echo $ $x", 0);
	assert_string_equal(w.argv[1], "$");
	assert_string_equal(w.argv[2], "$x");
}

static void words_background(void **state)
{
	split_ok("sleep 5 &", 0);
	assert_int_equal(w.argc, 2);
	assert_int_equal(w.background, 1);
	split_ok("sleep 5&  ", 0);
	assert_int_equal(w.argc, 2);
	assert_int_equal(w.background, 1);
	split_ok("echo '&' \"a&b\"", 0);
	assert_int_equal(w.background, 0);
	assert_string_equal(w.argv[1], "&");
	split_fails("a & b", -EINVAL, "'&' may only end a line");
	split_fails("a&b", -EINVAL, "'&' may only end a line");
}

static void words_errors(void **state)
{
	char many[200] = "";
	char big[WORDS_BUF_MAX + 10];
	int i;

	split_fails("echo \"abc", -EINVAL, "unclosed \" quote");
	split_fails("echo 'abc", -EINVAL, "unclosed ' quote");
	split_fails("echo abc\\", -EINVAL, "a \\ at the end");
	for (i = 0; i < WORDS_MAX - 1; i++)
		strcat(many, "w ");
	split_ok(many, 0);
	assert_int_equal(w.argc, WORDS_MAX - 1);
	strcat(many, "w");
	split_fails(many, -E2BIG, "too many words");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	split_fails(big, -E2BIG, "too long");
}

/* --- paths --- */

static void resolves(const char *cwd, const char *path, const char *want)
{
	char out[64];

	assert_int_equal(path_resolve(cwd, path, out, sizeof out), 0);
	assert_string_equal(out, want);
}

static void path_cases(void **state)
{
	char out[8];

	resolves("/", "bin", "/bin");
	resolves("/tests", "hello.txt", "/tests/hello.txt");
	resolves("/tests", "../bin/ls", "/bin/ls");
	resolves("/tests", "..", "/");
	resolves("/", "../../..", "/");
	resolves("/a/b", "./c/./../d/", "/a/b/d");
	resolves("/a/b", "/x//y/", "/x/y");
	resolves("/a", ".", "/a");
	resolves("/", "/", "/");
	resolves("/a/b/", "..", "/a");
	assert_int_equal(path_resolve("/", "", out, sizeof out), -EINVAL);
	assert_int_equal(path_resolve("rel", "x", out, sizeof out), -EINVAL);
	assert_int_equal(path_resolve("/", "abcdefgh", out, sizeof out), -ENAMETOOLONG);
	assert_int_equal(path_resolve("/", "abcdef", out, sizeof out), 0);
	assert_string_equal(out, "/abcdef");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edit_plain_line),
		cmocka_unit_test(edit_backspace),
		cmocka_unit_test(edit_left_right_insert),
		cmocka_unit_test(edit_home_end_delete),
		cmocka_unit_test(edit_history),
		cmocka_unit_test(edit_history_keeps_newest),
		cmocka_unit_test(edit_tab_and_non_ascii_beep),
		cmocka_unit_test(edit_too_long_refused),
		cmocka_unit_test(edit_ctrl_c_and_eof),
		cmocka_unit_test(words_plain),
		cmocka_unit_test(words_quotes),
		cmocka_unit_test(words_status),
		cmocka_unit_test(words_background),
		cmocka_unit_test(words_errors),
		cmocka_unit_test(path_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
