/*
 * Pure text helpers shared by the console driver, the shell and the C
 * library (lib/text): a line editor, the shell's word splitter, and path
 * normalisation. No I/O: each takes input and fills caller buffers, so the
 * host unit tests (tests/unit/test_text.c) exercise them directly.
 */
#ifndef BULKHEAD_TEXT_H
#define BULKHEAD_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* --- line editor ------------------------------------------------------------
 *
 * Keys in, terminal output (echo) and finished lines out. Keys: printable
 * ASCII inserts at the cursor; Backspace/DEL deletes before it; ESC [ D / C
 * (left/right) and Ctrl-B / Ctrl-F move; ESC [ H / F, Ctrl-A / Ctrl-E go to
 * the start / end; ESC [ 3 ~ deletes under the cursor; ESC [ A / B (up/down)
 * and Ctrl-P / Ctrl-N walk the history; Ctrl-U clears the line. Tab, other
 * control keys, unknown escape sequences and non-ASCII characters (one beep
 * per UTF-8 character) are not inserted: they beep (BEL), so nothing vanishes
 * silently. A line that would be longer than LE_LINE_MAX - 1 characters
 * beeps and, when Enter is pressed, is refused whole (LE_TOO_LONG).
 */
#define LE_LINE_MAX 256                /* a line, with its terminating NUL */
#define LE_HISTORY  32                 /* lines remembered */
#define LE_ECHO_MAX (4 * LE_LINE_MAX)  /* the most one key can print */

enum le_result {
	LE_MORE,         /* keep typing */
	LE_DONE,         /* Enter: the line is in le->done (no newline), done_len bytes */
	LE_TOO_LONG,     /* Enter on a line that overflowed: dropped */
	LE_INTERRUPT,    /* Ctrl-C: the line is dropped */
	LE_EOF,          /* Ctrl-D on an empty line */
};

struct lineedit {
	char line[LE_LINE_MAX];
	uint32_t len, cursor;
	int overflow;                          /* characters were refused: too long */
	int esc;                               /* 0, or where in an escape sequence */
	char esc_param;                        /* the first parameter byte of ESC [ */
	int utf8_left;                         /* continuation bytes still to swallow */
	char done[LE_LINE_MAX];
	uint32_t done_len;
	char history[LE_HISTORY][LE_LINE_MAX];
	uint32_t hist_count, hist_next;        /* entries; where the next one goes */
	uint32_t browse;                       /* 0: editing the new line; k: k-th newest */
	char saved[LE_LINE_MAX];               /* the new line while browsing */
};

void le_init(struct lineedit *le);
/* Feed one byte; echo gets what to print (at most LE_ECHO_MAX bytes, *echo_len set). */
enum le_result le_key(struct lineedit *le, unsigned char c, char *echo, uint32_t *echo_len);
/* Drop the line being typed (the history stays). */
void le_clear(struct lineedit *le);

/* --- words ----------------------------------------------------------------
 *
 * The shell's word splitter. Words are separated by blanks; '...' quotes
 * everything literally; "..." quotes everything except $? (the last exit
 * status) and \" \\ \$; outside quotes, \ takes the next character
 * literally and $? expands. An unquoted & ending the line means "in the
 * background"; an unquoted & anywhere else, an unclosed quote, a trailing
 * \, more than WORDS_MAX - 1 words or more than WORDS_BUF_MAX bytes of words
 * are errors with a message, and no words.
 */
#define WORDS_MAX     32          /* argv entries, the closing NULL included */
#define WORDS_BUF_MAX 512         /* bytes of words after expansion, NULs included */

struct words {
	int argc;
	char *argv[WORDS_MAX];
	int background;               /* the line ended in an unquoted & */
	char buf[WORDS_BUF_MAX];
};

/* 0 and the words, or -errno and *why (a constant string). */
int words_split(const char *line, int last_status, struct words *w, const char **why);

/* --- paths -----------------------------------------------------------------
 *
 * path_resolve: PATH taken relative to the absolute directory CWD (unless it
 * starts with '/'), with empty, "." and ".." components resolved (".." at
 * the root stays there) and no trailing '/', into out (len bytes).
 * -EINVAL for an empty path or a CWD that is not absolute, -ENAMETOOLONG if
 * the result does not fit.
 */
int path_resolve(const char *cwd, const char *path, char *out, size_t len);

#endif
