// SPDX-License-Identifier: GPL-2.0-only
/*
 * parse_size() and parse_uint(): accepted forms, every rejected form, range
 * and overflow edges, and that the out-parameter is left alone on failure.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "pinvm/parse.h"

#define UNTOUCHED	0x5a5a5a5a5a5a5a5aULL

struct size_case {
	const char *in;
	int ret;
	uint64_t val;
};

static const struct size_case size_cases[] = {
	{ "0", 0, 0 },
	{ "1", 0, 1 },
	{ "256", 0, 256 },
	{ "007", 0, 7 },
	{ "1k", 0, 1024 },
	{ "1K", 0, 1024 },
	{ "512K", 0, 512ULL << 10 },
	{ "256M", 0, 256ULL << 20 },
	{ "256m", 0, 256ULL << 20 },
	{ "1G", 0, 1ULL << 30 },
	{ "2g", 0, 2ULL << 30 },
	{ "3T", 0, 3ULL << 40 },
	{ "0M", 0, 0 },
	{ "18446744073709551615", 0, UINT64_MAX },
	{ "16777215T", 0, 16777215ULL << 40 },
	{ "17179869183G", 0, 17179869183ULL << 30 },
	/* overflow */
	{ "18446744073709551616", -ERANGE, 0 },
	{ "99999999999999999999999", -ERANGE, 0 },
	{ "16777216T", -ERANGE, 0 },
	{ "17179869184G", -ERANGE, 0 },
	{ "17592186044416M", -ERANGE, 0 },
	/* malformed */
	{ "", -EINVAL, 0 },
	{ "M", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "+1", -EINVAL, 0 },
	{ "-1G", -EINVAL, 0 },
	{ " 1", -EINVAL, 0 },
	{ "1 ", -EINVAL, 0 },
	{ "1 M", -EINVAL, 0 },
	{ "1MB", -EINVAL, 0 },
	{ "1MiB", -EINVAL, 0 },
	{ "1B", -EINVAL, 0 },
	{ "1KK", -EINVAL, 0 },
	{ "1P", -EINVAL, 0 },
	{ "1.5G", -EINVAL, 0 },
	{ "0x100", -EINVAL, 0 },
	{ "1e3", -EINVAL, 0 },
	{ "abc", -EINVAL, 0 },
	/* junk wins over overflow: the text is not a size at all */
	{ "99999999999999999999999X", -EINVAL, 0 },
	{ "99999999999999999999999MB", -EINVAL, 0 },
};

START_TEST(test_size_table)
{
	const struct size_case *c = &size_cases[_i];
	uint64_t v = UNTOUCHED;
	int r;

	r = parse_size(c->in, &v);
	ck_assert_msg(r == c->ret, "parse_size(\"%s\") = %d, want %d", c->in, r, c->ret);
	if (c->ret == 0)
		ck_assert_msg(v == c->val, "parse_size(\"%s\") gave %llu, want %llu", c->in,
			      (unsigned long long)v, (unsigned long long)c->val);
	else
		ck_assert_msg(v == UNTOUCHED, "parse_size(\"%s\") wrote its result on failure",
			      c->in);
}
END_TEST

START_TEST(test_size_null)
{
	uint64_t v = UNTOUCHED;

	ck_assert_int_eq(parse_size(NULL, &v), -EINVAL);
	ck_assert(v == UNTOUCHED);
}
END_TEST

struct uint_case {
	const char *in;
	uint64_t min, max;
	int ret;
	uint64_t val;
};

static const struct uint_case uint_cases[] = {
	{ "0", 0, UINT64_MAX, 0, 0 },
	{ "42", 0, UINT64_MAX, 0, 42 },
	{ "010", 0, UINT64_MAX, 0, 10 },	/* decimal, not octal */
	{ "0x2a", 0, UINT64_MAX, 0, 42 },
	{ "0X2A", 0, UINT64_MAX, 0, 42 },
	{ "0x00", 0, UINT64_MAX, 0, 0 },
	{ "0xffffffffffffffff", 0, UINT64_MAX, 0, UINT64_MAX },
	{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX },
	{ "1", 1, 512, 0, 1 },
	{ "512", 1, 512, 0, 512 },
	{ "0x200", 1, 512, 0, 512 },
	/* range */
	{ "0", 1, 512, -ERANGE, 0 },
	{ "513", 1, 512, -ERANGE, 0 },
	{ "0x201", 1, 512, -ERANGE, 0 },
	{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0 },
	{ "0x10000000000000000", 0, UINT64_MAX, -ERANGE, 0 },
	/* malformed */
	{ "", 0, UINT64_MAX, -EINVAL, 0 },
	{ "0x", 0, UINT64_MAX, -EINVAL, 0 },
	{ "0x-1", 0, UINT64_MAX, -EINVAL, 0 },
	{ "0x 1", 0, UINT64_MAX, -EINVAL, 0 },
	{ "0xg", 0, UINT64_MAX, -EINVAL, 0 },
	{ "0x0x5", 0, UINT64_MAX, -EINVAL, 0 },
	{ "0X0X5", 0, UINT64_MAX, -EINVAL, 0 },
	{ "x10", 0, UINT64_MAX, -EINVAL, 0 },
	{ "-1", 0, UINT64_MAX, -EINVAL, 0 },
	{ "+1", 0, UINT64_MAX, -EINVAL, 0 },
	{ " 1", 0, UINT64_MAX, -EINVAL, 0 },
	{ "1 ", 0, UINT64_MAX, -EINVAL, 0 },
	{ "4M", 0, UINT64_MAX, -EINVAL, 0 },
	{ "1.0", 0, UINT64_MAX, -EINVAL, 0 },
	{ "12a", 0, UINT64_MAX, -EINVAL, 0 },
	{ "99999999999999999999999z", 0, UINT64_MAX, -EINVAL, 0 },
};

START_TEST(test_uint_table)
{
	const struct uint_case *c = &uint_cases[_i];
	uint64_t v = UNTOUCHED;
	int r;

	r = parse_uint(c->in, c->min, c->max, &v);
	ck_assert_msg(r == c->ret, "parse_uint(\"%s\", %llu, %llu) = %d, want %d", c->in,
		      (unsigned long long)c->min, (unsigned long long)c->max, r, c->ret);
	if (c->ret == 0)
		ck_assert_msg(v == c->val, "parse_uint(\"%s\") gave %llu, want %llu", c->in,
			      (unsigned long long)v, (unsigned long long)c->val);
	else
		ck_assert_msg(v == UNTOUCHED, "parse_uint(\"%s\") wrote its result on failure",
			      c->in);
}
END_TEST

START_TEST(test_uint_null)
{
	uint64_t v = UNTOUCHED;

	ck_assert_int_eq(parse_uint(NULL, 0, 10, &v), -EINVAL);
	ck_assert(v == UNTOUCHED);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc;

	tc = tcase_create("size");
	tcase_add_loop_test(tc, test_size_table, 0, N(size_cases));
	tcase_add_test(tc, test_size_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("uint");
	tcase_add_loop_test(tc, test_uint_table, 0, N(uint_cases));
	tcase_add_test(tc, test_uint_null);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	return harness_run(parse_suite());
}
