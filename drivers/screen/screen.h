/* screen: the screen driver's parts: the font, the terminal (term.c), the drawing (screen.c). */
#ifndef DRIVERS_SCREEN_H
#define DRIVERS_SCREEN_H

#include <stdint.h>

#define FONT_FIRST 0x20               /* the font has printable ASCII */
#define FONT_CHARS 95
#define FONT_W 8
#define FONT_H 16
extern const uint8_t font[FONT_CHARS][FONT_H];     /* bit 7: the leftmost pixel */
extern const uint8_t font_unknown[FONT_H];

#define TERM_MAX_COLS 256
#define TERM_MAX_ROWS 128

/* The text on the screen, and where the next character goes. */
struct term {
	uint32_t cols, rows;
	uint32_t col, row;
	char cells[TERM_MAX_ROWS][TERM_MAX_COLS];
	int esc;                          /* 0, or in an escape sequence: 1 after ESC, 2 after ESC [ */
	uint32_t param[2], nparam;
};

void term_init(struct term *t, uint32_t cols, uint32_t rows);
void term_write(struct term *t, const char *s, uint32_t n);

#endif
