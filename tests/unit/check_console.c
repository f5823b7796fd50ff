// SPDX-License-Identifier: GPL-2.0-only
/*
 * console: the Ctrl-A escape filter of a terminal's input. What reaches
 * the guest, what quits, and an escape split across two reads.
 */
#include <string.h>

#include "harness.h"
#include "pinvm/console.h"

#define CTRL_A	"\x01"

/* Filter @in (one read) with @con; the guest's bytes in @out. Returns the length or -1. */
static ssize_t filter(struct console *con, const char *in, char *out)
{
	uint8_t buf[64];
	size_t len = strlen(in);
	ssize_t n;

	ck_assert_uint_le(len, sizeof(buf));
	memcpy(buf, in, len);
	n = console_filter(con, buf, len);
	if (n >= 0) {
		memcpy(out, buf, (size_t)n);
		out[n] = '\0';
	}
	return n;
}

static struct console fresh(void)
{
	struct console con;

	console_open(&con, -1);
	return con;
}

static const struct {
	const char *in, *out;	/* out NULL: quits */
} cases[] = {
	{ "hello\r", "hello\r" },
	{ "", "" },
	{ CTRL_A CTRL_A, CTRL_A },				/* a literal Ctrl-A */
	{ "a" CTRL_A CTRL_A "b", "a" CTRL_A "b" },
	{ CTRL_A CTRL_A CTRL_A CTRL_A, CTRL_A CTRL_A },
	{ "a" CTRL_A "zb", "ab" },				/* unknown command: swallowed */
	{ CTRL_A "c" CTRL_A "\r", "" },
	{ "x" CTRL_A "y", "x" },
	{ CTRL_A "x", NULL },
	{ CTRL_A "X", NULL },
	{ "ls -l" CTRL_A "x", NULL },
	{ "a" CTRL_A "xmore", NULL },
	{ CTRL_A CTRL_A "x", CTRL_A "x" },			/* the Ctrl-A was sent: x is x */
	{ "x\x02\x1b[A\x7f", "x\x02\x1b[A\x7f" },		/* other control bytes pass */
};

START_TEST(test_filter)
{
	struct console con = fresh();
	char out[64];
	ssize_t n = filter(&con, cases[_i].in, out);

	if (!cases[_i].out) {
		ck_assert_msg(n == -1, "case %d: did not quit (%zd bytes)", _i, n);
		return;
	}
	ck_assert_msg(n == (ssize_t)strlen(cases[_i].out) && !memcmp(out, cases[_i].out, (size_t)n),
		      "case %d: %zd bytes '%s', want '%s'", _i, n, n >= 0 ? out : "", cases[_i].out);
	ck_assert(!con.escape_seen);
}
END_TEST

/* Ctrl-A as the last byte of one read, its command the first of the next. */
START_TEST(test_split)
{
	struct console con = fresh();
	char out[64];

	ck_assert_int_eq(filter(&con, "ab" CTRL_A, out), 2);
	ck_assert_str_eq(out, "ab");
	ck_assert(con.escape_seen);
	ck_assert_int_eq(filter(&con, "x", out), -1);

	con = fresh();
	ck_assert_int_eq(filter(&con, CTRL_A, out), 0);
	ck_assert_int_eq(filter(&con, CTRL_A "c", out), 2);
	ck_assert_str_eq(out, CTRL_A "c");
	ck_assert(!con.escape_seen);

	con = fresh();
	ck_assert_int_eq(filter(&con, CTRL_A, out), 0);
	ck_assert_int_eq(filter(&con, "qd", out), 1);
	ck_assert_str_eq(out, "d");
}
END_TEST

/* Without a terminal there is no escape: console_service() does not filter. */
START_TEST(test_not_a_terminal)
{
	struct console con;

	console_open(&con, -1);
	ck_assert(!con.tty);
	ck_assert(!console_wants_input(&con));
	ck_assert(!console_pending(&con));
	console_close(&con);
}
END_TEST

static Suite *console_suite(void)
{
	Suite *s = suite_create("console");
	TCase *tc = tcase_create("filter");

	tcase_add_loop_test(tc, test_filter, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_not_a_terminal);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(console_suite());
}
