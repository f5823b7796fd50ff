/* SPDX-License-Identifier: GPL-2.0-only */
/* Pure parsers for command-line values. All return 0 or -EINVAL / -ERANGE. */
#ifndef PINVM_PARSE_H
#define PINVM_PARSE_H

#include <stdint.h>

/**
 * parse_size() - "256", "256M", "1G", "512K", "2g" (suffixes K M G T,
 * case-insensitive, powers of 1024; an optional trailing "B"/"iB" is not
 * accepted). A bare number is bytes.
 * Returns: 0; -EINVAL malformed (empty, sign, junk); -ERANGE overflow.
 */
int parse_size(const char *s, uint64_t *ret);

/**
 * parse_uint() - decimal (or 0x hex) unsigned integer in [min, max].
 * Returns: 0; -EINVAL malformed (empty, sign, junk); -ERANGE outside [min,max].
 */
int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *ret);

#endif
