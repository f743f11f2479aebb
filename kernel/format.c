/*
 * format: a small vsnprintf for kernel messages.
 *
 * Understands %d %i %u %x %X %p %s %c %% with an optional '-' flag, '0' flag,
 * field width and 'l' length (ignored: long is 32 bits here). Always
 * terminates the buffer; returns the length the full output would have had.
 */
#include "format.h"

struct sink {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void put_padded(struct sink *s, const char *str, size_t n, int width, int left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left)
		while (fill-- > 0)
			put(s, pad);
	while (n--)
		put(s, *str++);
	if (left)
		while (fill-- > 0)
			put(s, ' ');
}

static size_t number(char *out, uint32_t v, unsigned base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[12];
	size_t n = 0, i;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

int kformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { buf, size, 0 };
	char num[13];

	for (; *fmt; fmt++) {
		int left = 0, width = 0;
		char pad = ' ';
		const char *str;
		size_t n;

		if (*fmt != '%') {
			put(&s, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '-') { left = 1; fmt++; }
		if (*fmt == '0') { pad = '0'; fmt++; }
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			fmt++;
		switch (*fmt) {
		case 'd': case 'i': {
			int32_t v = va_arg(ap, int32_t);
			if (v < 0) {
				put(&s, '-');   /* the sign goes before any zero padding */
				width--;
			}
			n = number(num, v < 0 ? -(uint32_t)v : (uint32_t)v, 10, 0);
			put_padded(&s, num, n, width, left, pad);
			break;
		}
		case 'u': case 'x': case 'X':
			n = number(num, va_arg(ap, uint32_t), *fmt == 'u' ? 10 : 16, *fmt == 'X');
			put_padded(&s, num, n, width, left, pad);
			break;
		case 'p':
			num[0] = '0';
			num[1] = 'x';
			n = 2 + number(num + 2, (uint32_t)(uintptr_t)va_arg(ap, void *), 16, 0);
			put_padded(&s, num, n, width, left, pad);
			break;
		case 's':
			str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			for (n = 0; str[n]; n++)
				;
			put_padded(&s, str, n, width, left, ' ');
			break;
		case 'c':
			num[0] = (char)va_arg(ap, int);
			put_padded(&s, num, 1, width, left, ' ');
			break;
		case '%':
			put(&s, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&s, '%');
			put(&s, *fmt);
			break;
		}
	}
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
