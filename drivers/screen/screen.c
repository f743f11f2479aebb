/*
 * screen: the screen console, as a user-level driver (policy screen.conf).
 * It shows the kernel's console text (KC_SCREEN) and the console driver's
 * output (CON_MIRROR), both copied from rings their owners keep, so neither
 * ever waits for the screen: every POLL_MS it takes what is new, runs it
 * through the terminal (term.c) and draws the cells that changed. The
 * screen is what GRUB left (the multiboot information, through the kernel):
 * VGA text cells, or a linear framebuffer, drawn with the built-in font
 * (font.c, from tools/mkfont.py). A restarted screen driver starts with a
 * clear screen and shows what the rings still hold.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/driver.h>
#include "screen.h"

#define POLL_MS     20
#define CHUNK       2048          /* bytes taken from a ring at a time */
#define VGA_ATTR    0x0700        /* light grey on black */
#define VGA_CRTC    0x3d4         /* index; data at +1 */
#define CRTC_CURSOR_HIGH 0x0e
#define CRTC_CURSOR_LOW  0x0f
#define FG_LEVEL    0xaa          /* each colour's share of the text's grey */

static struct screen_info info;
static uint8_t *vram;
static struct term term;
static char shown[TERM_MAX_ROWS][TERM_MAX_COLS];   /* what is drawn */
static uint32_t fg_pixel;
static uint32_t ktext_at, mirror_at;
static endpoint_t console = EP_NONE;

static uint32_t colour(uint32_t level, uint32_t pos, uint32_t size)
{
	return size ? (level >> (8 - (size < 8 ? size : 8))) << pos : 0;
}

static void put_pixel(uint8_t *p, uint32_t v)
{
	uint32_t i;

	if (info.bpp == 32) {
		*(volatile uint32_t *)p = v;
		return;
	}
	for (i = 0; i < info.bpp / 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void draw_cell(uint32_t row, uint32_t col, char c, int inverse)
{
	const uint8_t *glyph = c >= FONT_FIRST && c < FONT_FIRST + FONT_CHARS ? font[c - FONT_FIRST] : font_unknown;
	uint32_t y, x, bytes = info.bpp / 8;
	uint8_t *line;

	if (info.type == SCREEN_EGA_TEXT) {
		((volatile uint16_t *)vram)[row * info.width + col] = (uint16_t)(VGA_ATTR | (uint8_t)c);
		return;
	}
	for (y = 0; y < FONT_H; y++) {
		line = vram + (row * FONT_H + y) * info.pitch + col * FONT_W * bytes;
		for (x = 0; x < FONT_W; x++)
			put_pixel(line + x * bytes, ((glyph[y] >> (7 - x) & 1) ^ inverse) ? fg_pixel : 0);
	}
}

/* The cursor: VGA's own, or on a framebuffer the cell drawn inverted. */
static void place_cursor(void)
{
	static uint32_t drawn_row, drawn_col;
	uint32_t col = term.col < term.cols ? term.col : term.cols - 1;
	uint32_t at = term.row * info.width + col;

	if (info.type != SCREEN_EGA_TEXT) {
		draw_cell(drawn_row, drawn_col, term.cells[drawn_row][drawn_col], 0);
		draw_cell(term.row, col, term.cells[term.row][col], 1);
		drawn_row = term.row;
		drawn_col = col;
		return;
	}
	sys_outb(VGA_CRTC, CRTC_CURSOR_HIGH);
	sys_outb(VGA_CRTC + 1, at >> 8);
	sys_outb(VGA_CRTC, CRTC_CURSOR_LOW);
	sys_outb(VGA_CRTC + 1, at & 0xff);
}

/* Draw the cells that differ from what is shown. */
static void render(void)
{
	uint32_t r, c;

	for (r = 0; r < term.rows; r++)
		for (c = 0; c < term.cols; c++)
			if (shown[r][c] != term.cells[r][c]) {
				draw_cell(r, c, term.cells[r][c], 0);
				shown[r][c] = term.cells[r][c];
			}
	place_cursor();
}

/* What the console driver wrote since mirror_at; 0 when there is nothing new, or no console. */
static int take_mirror(char *buf)
{
	message m;
	int r;

	if (console == EP_NONE && ds_lookup("console", (uint32_t *)&console) < 0)
		return 0;
	memset(&m, 0, sizeof m);
	m.m_type = CON_MIRROR;
	m.con_mirror.len = CHUNK;
	m.con_mirror.from = mirror_at;
	r = ipc_call_granted(console, &m, &m.con_mirror.grant, buf, CHUNK, GRANT_WRITE);
	if (r < 0) {
		console = EP_NONE;           /* restarting: look it up again next time */
		mirror_at = 0;               /* a new console driver's output starts at 0 */
		return 0;
	}
	mirror_at = m.con_mirror.next;
	return r;
}

static int take_ktext(char *buf)
{
	uint32_t count = 0;

	if (sys_screen_text(ktext_at, buf, CHUNK, &count, &ktext_at) < 0)
		return 0;
	return (int)count;
}

static void poll(void)
{
	static char buf[CHUNK];
	int n, busy = 1;

	while (busy) {
		busy = 0;
		if ((n = take_ktext(buf)) > 0) {
			term_write(&term, buf, (uint32_t)n);
			busy = 1;
		}
		if ((n = take_mirror(buf)) > 0) {
			term_write(&term, buf, (uint32_t)n);
			busy = 1;
		}
	}
	render();
}

static void alarm_went_off(void)
{
	poll();
	sys_alarm(POLL_MS);
}

static int init(int argc, char **argv)
{
	uint32_t r, cols, rows;

	(void)argc; (void)argv;
	if ((r = sys_screen_info(&info)) != 0)
		return (int)r;
	if (info.type == SCREEN_NONE)
		return -ENODEV;
	if (info.type == SCREEN_RGB && info.bpp != 32 && info.bpp != 24 && info.bpp != 16)
		return -EINVAL;
	if ((r = sys_screen_map((void **)&vram)) != 0)
		return (int)r;
	cols = info.type == SCREEN_EGA_TEXT ? info.width : info.width / FONT_W;
	rows = info.type == SCREEN_EGA_TEXT ? info.height : info.height / FONT_H;
	term_init(&term, cols, rows);
	memset(shown, 0, sizeof shown);       /* nothing shown is a space: all is drawn once */
	fg_pixel = colour(FG_LEVEL, info.red_pos, info.red_size) | colour(FG_LEVEL, info.green_pos, info.green_size) |
	           colour(FG_LEVEL, info.blue_pos, info.blue_size);
	return sys_alarm(POLL_MS);
}

static const struct driver_ops ops = {
	.name = "screen",
	.init = init,
	.alarm = alarm_went_off,
};

int main(int argc, char **argv)
{
	driver_main(&ops, argc, argv);
}
