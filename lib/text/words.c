/*
 * words: the shell's word splitter (rules in include/bulkhead/text.h).
 * Words are copied into w->buf as they are scanned, so expansion never
 * writes over input not yet read.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/text.h>

struct scan {
	const char *s;
	struct words *w;
	uint32_t used;                    /* bytes of w->buf taken */
	int last_status;
	const char *why;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int emit(struct scan *sc, char c)
{
	if (sc->used >= WORDS_BUF_MAX) {
		sc->why = "the line is too long once expanded";
		return -E2BIG;
	}
	sc->w->buf[sc->used++] = c;
	return 0;
}

/* $? at sc->s: the last status, as text. */
static int expand_status(struct scan *sc)
{
	char num[12];
	int i, r = 0;

	snprintf(num, sizeof num, "%d", sc->last_status);
	for (i = 0; num[i] && r == 0; i++)
		r = emit(sc, num[i]);
	sc->s += 2;
	return r;
}

static int single_quoted(struct scan *sc)
{
	int r = 0;

	for (sc->s++; *sc->s && *sc->s != '\'' && r == 0; sc->s++)
		r = emit(sc, *sc->s);
	if (r == 0 && !*sc->s) {
		sc->why = "unclosed ' quote";
		return -EINVAL;
	}
	sc->s++;
	return r;
}

static int double_quoted(struct scan *sc)
{
	int r = 0;

	for (sc->s++; *sc->s && *sc->s != '"' && r == 0; ) {
		if (sc->s[0] == '$' && sc->s[1] == '?') {
			r = expand_status(sc);
		} else if (sc->s[0] == '\\' && sc->s[1] && strchr("\"\\$", sc->s[1])) {
			r = emit(sc, sc->s[1]);
			sc->s += 2;
		} else {
			r = emit(sc, *sc->s++);
		}
	}
	if (r == 0 && !*sc->s) {
		sc->why = "unclosed \" quote";
		return -EINVAL;
	}
	sc->s++;
	return r;
}

/* One piece of a word at sc->s (a quoted part, an escape, $? or a character). */
static int piece(struct scan *sc)
{
	const char *s = sc->s;

	if (*s == '\'')
		return single_quoted(sc);
	if (*s == '"')
		return double_quoted(sc);
	if (s[0] == '$' && s[1] == '?')
		return expand_status(sc);
	if (*s == '\\') {
		if (!s[1] || s[1] == '\n') {
			sc->why = "a \\ at the end of the line";
			return -EINVAL;
		}
		sc->s += 2;
		return emit(sc, s[1]);
	}
	sc->s++;
	return emit(sc, *s);
}

/* An unquoted &: only as the last thing on the line. */
static int ampersand(struct scan *sc)
{
	const char *s = sc->s + 1;

	while (is_blank(*s))
		s++;
	if (*s) {
		sc->why = "'&' may only end a line (quote it to pass it on)";
		return -EINVAL;
	}
	sc->w->background = 1;
	sc->s = s;
	return 0;
}

static int word(struct scan *sc)
{
	static char too_many[40];
	struct words *w = sc->w;
	int r = 0;

	if (w->argc >= WORDS_MAX - 1) {
		snprintf(too_many, sizeof too_many, "too many words (at most %d)", WORDS_MAX - 1);
		sc->why = too_many;
		return -E2BIG;
	}
	w->argv[w->argc++] = w->buf + sc->used;
	while (r == 0 && *sc->s && !is_blank(*sc->s) && *sc->s != '&')
		r = piece(sc);
	return r ? r : emit(sc, '\0');
}

int words_split(const char *line, int last_status, struct words *w, const char **why)
{
	struct scan sc = { line, w, 0, last_status, NULL };
	int r = 0;

	memset(w, 0, sizeof *w);
	while (r == 0) {
		while (is_blank(*sc.s))
			sc.s++;
		if (!*sc.s)
			break;
		r = *sc.s == '&' ? ampersand(&sc) : word(&sc);
	}
	if (r < 0) {
		memset(w, 0, sizeof *w);
		*why = sc.why;
		return r;
	}
	*why = NULL;
	w->argv[w->argc] = NULL;
	return 0;
}
