/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Formatted output. print_vformat() knows %d %i %u %x %s %c %% with the
 * flags '0' and '-', a field width and the l / ll / z length modifiers;
 * that is all pvguest prints.
 */
#ifndef PVGUEST_PRINT_H
#define PVGUEST_PRINT_H

#include <stdarg.h>
#include <stddef.h>

/* Every line pvguest prints starts with this; the host tests grep for it. */
#define PRINT_PREFIX	"PVGUEST: "

/**
 * print_vformat() - format into @buf (@size bytes, always NUL-terminated
 * when @size > 0).
 * Returns: the length the full output would have had.
 */
size_t print_vformat(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

size_t print_format(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * say() - print one console line: PRINT_PREFIX, the formatted text, CR LF.
 * Lines longer than 255 characters are cut.
 */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
