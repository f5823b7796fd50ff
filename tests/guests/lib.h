/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few C library functions pvguest needs. memset and memcpy keep their
 * standard names because the compiler may emit calls to them.
 */
#ifndef PVGUEST_LIB_H
#define PVGUEST_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/**
 * str_to_u64() - parse the @len characters at @s as a number: "0x" hex or
 * decimal, nothing else.
 * Returns: true and *ret set; false (empty, bad digit, overflow).
 */
bool str_to_u64(const char *s, size_t len, uint64_t *ret);

#endif
