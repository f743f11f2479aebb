/*
 * term: what a stream of terminal output leaves on a grid of text cells.
 * Printable ASCII goes at the cursor (wrapping at the right edge, scrolling
 * at the bottom); \n starts a new line (the kernel's text has no \r), \r,
 * \b and \t move the cursor; of the escape sequences, ESC [ n A/B/C/D
 * (cursor moves), ESC [ K (erase to the end of the line), ESC [ J (erase
 * to the end of the screen) and ESC [ H (home) are done, others skipped.
 */
#include <string.h>
#include "screen.h"

#define TAB 8
#define ESC 0x1b

void term_init(struct term *t, uint32_t cols, uint32_t rows)
{
	memset(t, 0, sizeof *t);
	t->cols = cols < TERM_MAX_COLS ? cols : TERM_MAX_COLS;
	t->rows = rows < TERM_MAX_ROWS ? rows : TERM_MAX_ROWS;
	memset(t->cells, ' ', sizeof t->cells);
}

static void new_line(struct term *t)
{
	t->col = 0;
	if (t->row + 1 < t->rows) {
		t->row++;
		return;
	}
	memmove(t->cells[0], t->cells[1], (t->rows - 1) * sizeof t->cells[0]);
	memset(t->cells[t->rows - 1], ' ', sizeof t->cells[0]);
}

static void put(struct term *t, char c)
{
	if (t->col >= t->cols)
		new_line(t);
	t->cells[t->row][t->col++] = c;
}

static uint32_t clamp_sub(uint32_t v, uint32_t n) { return v > n ? v - n : 0; }

/* The final byte of ESC [ params. */
static void csi(struct term *t, char c)
{
	uint32_t n = t->nparam && t->param[0] ? t->param[0] : 1, r;

	if (c == 'A')
		t->row = clamp_sub(t->row, n);
	else if (c == 'B')
		t->row = t->row + n < t->rows ? t->row + n : t->rows - 1;
	else if (c == 'C')
		t->col = t->col + n < t->cols ? t->col + n : t->cols - 1;
	else if (c == 'D')
		t->col = clamp_sub(t->col, n);
	else if (c == 'H')
		t->row = t->col = 0;
	if (c == 'K' || c == 'J')
		memset(&t->cells[t->row][t->col], ' ', t->col < t->cols ? t->cols - t->col : 0);
	if (c == 'J')
		for (r = t->row + 1; r < t->rows; r++)
			memset(t->cells[r], ' ', sizeof t->cells[r]);
}

static void escape(struct term *t, char c)
{
	if (t->esc == 1) {
		t->esc = c == '[' ? 2 : 0;
		t->nparam = 0;
		t->param[0] = t->param[1] = 0;
		return;
	}
	if (c >= '0' && c <= '9') {
		if (t->nparam == 0)
			t->nparam = 1;
		if (t->nparam <= 2 && t->param[t->nparam - 1] < 1000)
			t->param[t->nparam - 1] = t->param[t->nparam - 1] * 10 + (uint32_t)(c - '0');
	} else if (c == ';') {
		t->nparam++;
	} else if (c >= 0x40 && c <= 0x7e) {
		csi(t, c);
		t->esc = 0;
	} else if (c != '?') {
		t->esc = 0;                   /* not a sequence we know: dropped */
	}
}

void term_write(struct term *t, const char *s, uint32_t n)
{
	uint32_t i;
	char c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (t->esc)
			escape(t, c);
		else if (c == ESC)
			t->esc = 1;
		else if (c == '\n')
			new_line(t);
		else if (c == '\r')
			t->col = 0;
		else if (c == '\b')
			t->col = clamp_sub(t->col, 1);
		else if (c == '\t')
			while (t->col < t->cols && (++t->col) % TAB)
				;
		else if (c >= 0x20 && c < 0x7f)
			put(t, c);
	}
}
