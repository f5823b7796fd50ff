/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command line (/chosen bootargs) as space-separated key=value words:
 * "test=reset2 type=0x80000001 cookie=0x1234".
 */
#ifndef PVGUEST_ARGS_H
#define PVGUEST_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** args_init() - use @bootargs (NULL = empty); the string must stay valid. */
void args_init(const char *bootargs);

/**
 * args_get() - copy the value of the first "@key=value" word into @buf.
 * Returns: true; false when there is no such word (@buf untouched).
 */
bool args_get(const char *key, char *buf, size_t size);

/**
 * args_u64() - the value of @key as a number ("0x" hex or decimal).
 * Returns: the number; @def when the word is missing or not a number.
 */
uint64_t args_u64(const char *key, uint64_t def);

#endif
