/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small vsnprintf and the line printer say(). A line is formatted into a
 * buffer first and then written in one go, which keeps it in one piece as
 * long as only one CPU prints at a time (the tests arrange that).
 */
#include "print.h"

#include <stdbool.h>
#include <stdint.h>

#include "lib.h"
#include "uart.h"

struct out {
	char *buf;
	size_t size, len;
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

/* @neg: print a '-' before the digits of @v; zero padding goes after it. */
static void out_number(struct out *o, uint64_t v, unsigned int base, bool neg,
		       int width, bool zero, bool left)
{
	char digits[24];
	int n = 0, len;

	do {
		unsigned int d = (unsigned int)(v % base);

		digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	len = n + (neg ? 1 : 0);

	if (!left && !zero)
		out_pad(o, ' ', width - len);
	if (neg)
		out_char(o, '-');
	if (!left && zero)
		out_pad(o, '0', width - len);
	while (n)
		out_char(o, digits[--n]);
	if (left)
		out_pad(o, ' ', width - len);
}

static void out_string(struct out *o, const char *s, int width, bool left)
{
	int len;

	if (!s)
		s = "(null)";
	len = (int)strlen(s);
	if (!left)
		out_pad(o, ' ', width - len);
	while (*s)
		out_char(o, *s++);
	if (left)
		out_pad(o, ' ', width - len);
}

size_t print_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };

	for (; *fmt; fmt++) {
		bool zero = false, left = false;
		int width = 0, longs = 0;
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = true;
			else if (*fmt == '-')
				left = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			longs++;
			fmt++;
		}

		switch (*fmt) {
		case 'd':
		case 'i':
			s = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
			u = s < 0 ? -(uint64_t)s : (uint64_t)s;
			out_number(&o, u, 10, s < 0, width, zero, left);
			break;
		case 'u':
		case 'x':
			u = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
			out_number(&o, u, *fmt == 'x' ? 16 : 10, false, width, zero, left);
			break;
		case 's':
			out_string(&o, va_arg(ap, const char *), width, left);
			break;
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			fmt--;	/* lone '%' at the end: stop at the NUL */
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

size_t print_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = print_vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void say(const char *fmt, ...)
{
	char line[256];
	size_t n = sizeof(PRINT_PREFIX) - 1;
	va_list ap;

	memcpy(line, PRINT_PREFIX, n);
	va_start(ap, fmt);
	print_vformat(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	uart_puts(line);
	uart_puts("\n");
}
