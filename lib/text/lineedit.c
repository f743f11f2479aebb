/*
 * lineedit: the console's line editor (include/bulkhead/text.h). Pure: keys
 * in, echo bytes and finished lines out. The terminal is driven with
 * backspaces and reprinting only (no cursor-addressing sequences), so it
 * works on any serial terminal.
 */
#include <string.h>
#include <bulkhead/text.h>

#define BEL   0x07
#define ESC   0x1b
#define CTRL(c) ((c) & 0x1f)

enum { ESC_NONE, ESC_GOT, ESC_CSI, ESC_SS3, ESC_SKIP };

struct out {
	char *buf;
	uint32_t len;
};

static void put(struct out *o, char c)
{
	if (o->len < LE_ECHO_MAX)
		o->buf[o->len++] = c;
}

static void put_n(struct out *o, const char *s, uint32_t n)
{
	while (n--)
		put(o, *s++);
}

static void repeat(struct out *o, char c, uint32_t n)
{
	while (n--)
		put(o, c);
}

void le_clear(struct lineedit *le)
{
	le->len = le->cursor = 0;
	le->overflow = 0;
	le->esc = ESC_NONE;
	le->utf8_left = 0;
	le->browse = 0;
}

void le_init(struct lineedit *le)
{
	memset(le, 0, sizeof *le);
}

/* Reprint from the cursor to the end, blank `erase` old cells, and go back to the cursor. */
static void redraw_tail(struct lineedit *le, struct out *o, uint32_t erase)
{
	uint32_t tail = le->len - le->cursor;

	put_n(o, le->line + le->cursor, tail);
	repeat(o, ' ', erase);
	repeat(o, '\b', tail + erase);
}

static void insert(struct lineedit *le, struct out *o, char c)
{
	if (le->len >= LE_LINE_MAX - 1) {
		if (!le->overflow)
			put(o, BEL);
		le->overflow = 1;
		return;
	}
	memmove(le->line + le->cursor + 1, le->line + le->cursor, le->len - le->cursor);
	le->line[le->cursor++] = c;
	le->len++;
	put(o, c);
	redraw_tail(le, o, 0);
}

static void delete_at_cursor(struct lineedit *le, struct out *o)
{
	if (le->cursor == le->len) {
		put(o, BEL);
		return;
	}
	memmove(le->line + le->cursor, le->line + le->cursor + 1, le->len - le->cursor - 1);
	le->len--;
	redraw_tail(le, o, 1);
}

static void backspace(struct lineedit *le, struct out *o)
{
	if (le->cursor == 0) {
		put(o, BEL);
		return;
	}
	le->cursor--;
	put(o, '\b');
	delete_at_cursor(le, o);
}

static void move_to(struct lineedit *le, struct out *o, uint32_t to)
{
	if (to < le->cursor)
		repeat(o, '\b', le->cursor - to);
	else
		put_n(o, le->line + le->cursor, to - le->cursor);
	le->cursor = to;
}

/* Show `text` in place of the line being edited, cursor at its end. */
static void replace_line(struct lineedit *le, struct out *o, const char *text)
{
	uint32_t old = le->len, n = (uint32_t)strlen(text);

	move_to(le, o, 0);
	memcpy(le->line, text, n);
	le->len = le->cursor = n;
	le->overflow = 0;
	put_n(o, text, n);
	if (old > n) {
		repeat(o, ' ', old - n);
		repeat(o, '\b', old - n);
	}
}

/* The k-th newest history entry (k >= 1). */
static const char *history_entry(const struct lineedit *le, uint32_t k)
{
	return le->history[(le->hist_next + LE_HISTORY - k) % LE_HISTORY];
}

static void history_walk(struct lineedit *le, struct out *o, int older)
{
	uint32_t to = older ? le->browse + 1 : le->browse - 1;

	if ((older && le->browse >= le->hist_count) || (!older && le->browse == 0)) {
		put(o, BEL);
		return;
	}
	if (le->browse == 0) {
		memcpy(le->saved, le->line, le->len);
		le->saved[le->len] = '\0';
	}
	le->browse = to;
	replace_line(le, o, to ? history_entry(le, to) : le->saved);
}

static void remember(struct lineedit *le)
{
	if (le->len == 0 || (le->hist_count && !strcmp(history_entry(le, 1), le->done)))
		return;
	memcpy(le->history[le->hist_next], le->done, le->len + 1);
	le->hist_next = (le->hist_next + 1) % LE_HISTORY;
	if (le->hist_count < LE_HISTORY)
		le->hist_count++;
}

static enum le_result enter(struct lineedit *le, struct out *o)
{
	enum le_result r = le->overflow ? LE_TOO_LONG : LE_DONE;

	put_n(o, "\r\n", 2);
	if (r == LE_DONE) {
		memcpy(le->done, le->line, le->len);
		le->done[le->len] = '\0';
		le->done_len = le->len;
		remember(le);
	}
	le_clear(le);
	return r;
}

/* The final byte of ESC [ ... or ESC O ... */
static void escape_final(struct lineedit *le, struct out *o, unsigned char c)
{
	if (c == 'A')
		history_walk(le, o, 1);
	else if (c == 'B')
		history_walk(le, o, 0);
	else if (c == 'C')
		le->cursor < le->len ? move_to(le, o, le->cursor + 1) : put(o, BEL);
	else if (c == 'D')
		le->cursor > 0 ? move_to(le, o, le->cursor - 1) : put(o, BEL);
	else if (c == 'H' || (c == '~' && (le->esc_param == '1' || le->esc_param == '7')))
		move_to(le, o, 0);
	else if (c == 'F' || (c == '~' && (le->esc_param == '4' || le->esc_param == '8')))
		move_to(le, o, le->len);
	else if (c == '~' && le->esc_param == '3')
		delete_at_cursor(le, o);
	else
		put(o, BEL);
}

/* Inside an escape sequence: 1 if c was part of it. */
static int escape(struct lineedit *le, struct out *o, unsigned char c)
{
	if (le->esc == ESC_GOT) {
		le->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		le->esc_param = 0;
		if (le->esc == ESC_NONE)
			put(o, BEL);                 /* ESC and something else: not ours */
		return 1;
	}
	if (c >= 0x20 && c <= 0x3f) {            /* parameters and intermediates */
		if (!le->esc_param)
			le->esc_param = (char)c;
		return 1;
	}
	le->esc = ESC_NONE;
	if (c >= 0x40 && c <= 0x7e) {
		escape_final(le, o, c);
		return 1;
	}
	put(o, BEL);                             /* a broken sequence: the byte is looked at anew */
	return 0;
}

/* Bytes >= 0x80: one beep per UTF-8 character, its continuation bytes swallowed. */
static void non_ascii(struct lineedit *le, struct out *o, unsigned char c)
{
	if (c >= 0x80 && c < 0xc0 && le->utf8_left) {
		le->utf8_left--;
		return;
	}
	le->utf8_left = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
	put(o, BEL);
}

static enum le_result control(struct lineedit *le, struct out *o, unsigned char c)
{
	switch (c) {
	case '\r': case '\n':     return enter(le, o);
	case CTRL('C'):           le_clear(le); return LE_INTERRUPT;
	case CTRL('D'):
		if (le->len == 0)
			return LE_EOF;
		delete_at_cursor(le, o);
		break;
	case 0x7f: case '\b':     backspace(le, o); break;
	case CTRL('A'):           move_to(le, o, 0); break;
	case CTRL('E'):           move_to(le, o, le->len); break;
	case CTRL('B'):           escape_final(le, o, 'D'); break;
	case CTRL('F'):           escape_final(le, o, 'C'); break;
	case CTRL('P'):           history_walk(le, o, 1); break;
	case CTRL('N'):           history_walk(le, o, 0); break;
	case CTRL('U'):           replace_line(le, o, ""); break;
	case ESC:                 le->esc = ESC_GOT; break;
	default:                  put(o, BEL); break;          /* Tab and the rest */
	}
	return LE_MORE;
}

enum le_result le_key(struct lineedit *le, unsigned char c, char *echo, uint32_t *echo_len)
{
	struct out o = { echo, 0 };
	enum le_result r = LE_MORE;

	if (le->esc != ESC_NONE && escape(le, &o, c)) {
		*echo_len = o.len;
		return LE_MORE;
	}
	if (c >= 0x80)
		non_ascii(le, &o, c);
	else if (c >= 0x20 && c < 0x7f)
		insert(le, &o, (char)c);
	else
		r = control(le, &o, c);
	if (c < 0x80)
		le->utf8_left = 0;
	*echo_len = o.len;
	return r;
}
