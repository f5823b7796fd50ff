// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command-line value parsers (sizes, bounded integers). Pure: no I/O, no
 * logging. strtoull() alone is too lenient (it skips blanks, takes a sign
 * and wraps "-1" to UINT64_MAX), so the first character is checked here.
 */
#include "pinvm/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

/*
 * Digits only, in @base; no blanks, no sign. *ret_end is where the digits
 * stopped; it is set for -ERANGE too, so callers can report junk (-EINVAL)
 * ahead of overflow.
 */
static int parse_digits(const char *s, int base, uint64_t *ret, const char **ret_end)
{
	unsigned long long v;
	char *end;

	if (base == 16 ? !isxdigit((unsigned char)*s) : !isdigit((unsigned char)*s))
		return -EINVAL;
	/* strtoull() would skip a second "0x" in base 16 */
	if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return -EINVAL;

	errno = 0;
	v = strtoull(s, &end, base);
	*ret_end = end;
	if (errno == ERANGE)
		return -ERANGE;
	if (errno)
		return -EINVAL;

	*ret = v;
	return 0;
}

int parse_size(const char *s, uint64_t *ret)
{
	const char *end = s;
	unsigned int shift;
	uint64_t v;
	int r;

	if (!s)
		return -EINVAL;

	r = parse_digits(s, 10, &v, &end);
	if (r == -EINVAL)
		return r;

	switch (*end) {
	case '\0':
		shift = 0;
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case 't': case 'T':
		shift = 40;
		break;
	default:
		return -EINVAL;
	}
	if (shift && end[1] != '\0')
		return -EINVAL;
	if (r < 0)
		return r;

	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;

	*ret = v << shift;
	return 0;
}

int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *ret)
{
	const char *end = s;
	uint64_t v;
	int r;

	if (!s)
		return -EINVAL;

	/* "0x"/"0X" means hex; a leading 0 alone is still decimal, not octal. */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		r = parse_digits(s + 2, 16, &v, &end);
	else
		r = parse_digits(s, 10, &v, &end);
	if (r == -EINVAL || *end != '\0')
		return -EINVAL;
	if (r < 0)
		return r;

	if (v < min || v > max)
		return -ERANGE;

	*ret = v;
	return 0;
}
