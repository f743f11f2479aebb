/* keymap: PS/2 scancodes (set 1) to the bytes a terminal sends (keymap.c). */
#ifndef DRIVERS_KEYMAP_H
#define DRIVERS_KEYMAP_H

#include <stdint.h>

#define KEYMAP_SEQ_MAX 5             /* the longest a key makes ("\x1b[3~"), with its NUL */

struct keymap { int shift, ctrl, caps, prefix; };

/* Take one scancode byte: the bytes it makes go to out (NUL-terminated); how many. */
uint32_t keymap_scancode(struct keymap *k, uint8_t sc, char out[KEYMAP_SEQ_MAX]);

#endif
