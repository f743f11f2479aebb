/*
 * keymap: a US keyboard's scancodes (set 1, which the i8042 translates the
 * keyboard's set 2 into) to what a terminal sends: letters with shift, caps
 * lock and ctrl (Ctrl-C is 0x03), Enter as \r, Backspace as DEL, the arrows
 * as ESC [ A..D, Home, End and Delete as ESC [ H, ESC [ F and ESC [ 3 ~.
 * Releases make nothing; an E0 byte says the next code is an extended key.
 */
#include <string.h>
#include "keymap.h"

#define SC_RELEASE  0x80
#define SC_EXTENDED 0xe0
#define SC_LSHIFT   0x2a
#define SC_RSHIFT   0x36
#define SC_CTRL     0x1d
#define SC_CAPS     0x3a
#define SC_KEYS     0x3a          /* codes below this are in the tables */

static const char plain[SC_KEYS] =
	"\0\x1b" "1234567890-=\x7f\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static const char shifted[SC_KEYS] =
	"\0\x1b" "!@#$%^&*()_+\x7f\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

/* Extended (E0) keys and what they send. */
static const struct { uint8_t code; const char *seq; } extended[] = {
	{ 0x48, "\x1b[A" }, { 0x50, "\x1b[B" }, { 0x4d, "\x1b[C" }, { 0x4b, "\x1b[D" },
	{ 0x47, "\x1b[H" }, { 0x4f, "\x1b[F" }, { 0x53, "\x1b[3~" }, { 0x1c, "\r" },
	{ 0x35, "/" },
};

static int is_letter(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

static uint32_t ordinary_key(const struct keymap *k, uint8_t code, char *out)
{
	char c;

	if (code >= SC_KEYS || !plain[code])
		return 0;
	c = (k->shift ^ (k->caps && is_letter(plain[code]))) ? shifted[code] : plain[code];
	if (k->ctrl && is_letter(c))
		c = (char)((c | 0x20) & 0x1f);
	out[0] = c;
	out[1] = '\0';
	return 1;
}

static uint32_t extended_key(uint8_t code, char *out)
{
	unsigned i;

	for (i = 0; i < sizeof extended / sizeof extended[0]; i++)
		if (extended[i].code == code) {
			strcpy(out, extended[i].seq);
			return (uint32_t)strlen(out);
		}
	return 0;
}

uint32_t keymap_scancode(struct keymap *k, uint8_t sc, char out[KEYMAP_SEQ_MAX])
{
	uint8_t code = sc & ~SC_RELEASE;
	int down = !(sc & SC_RELEASE), ext = k->prefix;

	out[0] = '\0';
	k->prefix = 0;
	if (sc == SC_EXTENDED)
		k->prefix = 1;
	else if (code == SC_LSHIFT || code == SC_RSHIFT)
		k->shift = ext ? k->shift : down;     /* E0 2A: a fake shift some keys send */
	else if (code == SC_CTRL)
		k->ctrl = down;
	else if (down && ext)
		return extended_key(code, out);
	else if (down && code == SC_CAPS)
		k->caps = !k->caps;
	else if (down)
		return ordinary_key(k, code, out);
	return 0;
}
