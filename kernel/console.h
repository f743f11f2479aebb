/* console: kernel output on the serial port (see console.c). */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

void console_init(void);
void console_write(const char *s, size_t n);
/* Copy up to len kept bytes from position from; how many, and the position after them. */
uint32_t console_text(uint32_t from, char *buf, uint32_t len, uint32_t *next);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
