// SPDX-License-Identifier: GPL-2.0-only
/*
 * conlog: the console log is the output byte for byte, or with a
 * timestamp at the start of each line (lines split across writes
 * anywhere, very long lines); created or truncated in place; anything but
 * a regular file refused without blocking; the first write error stops it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "pinvm/conlog.h"

static char *dir, *path;

static void setup(void)
{
	dir = harness_tmpdir();
	ck_assert_ptr_nonnull(dir);
	path = harness_path(dir, "console.log");
}

static void teardown(void)
{
	harness_rmtree(dir);
	free(dir);
	free(path);
}

static char *slurp(size_t *ret_len)
{
	char *buf;

	ck_assert_int_eq(harness_read_file(path, (void **)&buf, ret_len), 0);
	return buf;
}

static struct timespec at(long sec, long nsec)
{
	struct timespec ts = { .tv_sec = sec, .tv_nsec = nsec };

	return ts;
}

START_TEST(test_verbatim)
{
	static const char out[] = "[    0.000000] Booting\r\nPINVM-GUEST: x\r\npartial";
	struct timespec t0 = at(100, 0);
	struct conlog c;
	size_t len;
	char *buf;

	ck_assert_int_eq(harness_write_file(path, "old content, longer than the new\n", 33), 0);
	ck_assert_int_eq(conlog_open(&c, path, false, &t0), 0);
	/* written as it arrives: the file has each piece before the next */
	for (size_t i = 0; i < sizeof(out) - 1; i += 5) {
		size_t n = sizeof(out) - 1 - i < 5 ? sizeof(out) - 1 - i : 5;

		conlog_write(&c, out + i, n);
		buf = slurp(&len);
		ck_assert_uint_eq(len, i + n);
		ck_assert(memcmp(buf, out, len) == 0);
		free(buf);
	}
	ck_assert_int_eq(conlog_error(&c), 0);
	ck_assert_uint_eq(c.bytes, sizeof(out) - 1);
	conlog_close(&c);
	conlog_close(&c);	/* twice is fine */
}
END_TEST

START_TEST(test_timestamps)
{
	static const char want[] = "[    1.000000] abc\n"
				   "[    2.500000] d\n"
				   "[    3.000001] \n"
				   "[ 3600.999999] e\r\n"
				   "[12345678.000000] f";
	struct timespec t0 = at(100, 500000000);
	struct timespec t1 = at(101, 500000000), t2 = at(103, 0), t3 = at(103, 500001000);
	struct timespec t4 = at(3701, 499999999), t5 = at(12345778, 500000000);
	struct conlog c;
	size_t len;
	char *buf;

	ck_assert_int_eq(conlog_open(&c, path, true, &t0), 0);
	conlog_write_at(&c, "ab", 2, &t1);
	conlog_write_at(&c, "c\nd", 3, &t2);	/* the line "d" starts at t2 */
	conlog_write_at(&c, "\n", 1, &t3);	/* ends "d": no stamp */
	conlog_write_at(&c, "\n", 1, &t3);	/* an empty line */
	conlog_write_at(&c, "e\r", 2, &t4);
	conlog_write_at(&c, "\n", 1, &t5);
	conlog_write_at(&c, "", 0, &t5);
	conlog_write_at(&c, "f", 1, &t5);
	conlog_close(&c);
	buf = slurp(&len);
	ck_assert_uint_eq(len, sizeof(want) - 1);
	ck_assert_str_eq(buf, want);
	free(buf);
}
END_TEST

/* Lines longer than the writer's batch, many short lines in one write. */
START_TEST(test_timestamps_long)
{
	size_t big = 20000, lines = 3000, len;
	char *in = malloc(big + lines * 2), *buf, *p;
	struct timespec t0 = at(0, 0), t1 = at(7, 0);
	struct conlog c;

	ck_assert_ptr_nonnull(in);
	memset(in, 'x', big);
	in[big - 1] = '\n';
	for (size_t i = 0; i < lines; i++)
		memcpy(in + big + 2 * i, "y\n", 2);
	ck_assert_int_eq(conlog_open(&c, path, true, &t0), 0);
	conlog_write_at(&c, in, big + lines * 2, &t1);
	conlog_close(&c);
	buf = slurp(&len);
	ck_assert_uint_eq(len, (lines + 1) * strlen("[    7.000000] ") + big + lines * 2);
	ck_assert(strncmp(buf, "[    7.000000] xxx", 18) == 0);
	p = buf + strlen("[    7.000000] ") + big;
	for (size_t i = 0; i < lines; i++, p += 17)
		ck_assert(strncmp(p, "[    7.000000] y\n", 17) == 0);
	free(buf);
	free(in);
}
END_TEST

START_TEST(test_stamp)
{
	char buf[CONLOG_STAMP_MAX];
	struct timespec t0 = at(10, 900000000);
	struct timespec before = at(10, 0), later = at(11, 100000000);

	ck_assert_uint_eq(conlog_stamp(&t0, &before, buf), 15);
	ck_assert_str_eq(buf, "[    0.000000] ");
	ck_assert_uint_eq(conlog_stamp(&t0, &later, buf), 15);
	ck_assert_str_eq(buf, "[    0.200000] ");
}
END_TEST

/* Not a regular file: refused, without waiting for a FIFO's reader. */
START_TEST(test_refused)
{
	char *fifo = harness_path(dir, "fifo"), *missing = harness_path(dir, "no/such/file");
	struct timespec t0 = at(0, 0);
	struct conlog c;

	conlog_init(&c);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(conlog_open(&c, fifo, false, &t0), -EINVAL);
	ck_assert_int_eq(conlog_open(&c, dir, false, &t0), -EINVAL);
	ck_assert_int_eq(conlog_open(&c, "/dev/null", false, &t0), -EINVAL);
	ck_assert_int_eq(conlog_open(&c, missing, false, &t0), -ENOENT);
	ck_assert_int_eq(c.fd, -1);
	conlog_write(&c, "x", 1);	/* no log: nothing happens */
	ck_assert_uint_eq(c.bytes, 0);
	free(fifo);
	free(missing);
}
END_TEST

/* The first write error is kept and ends the log; later writes are no-ops. */
START_TEST(test_write_error)
{
	struct timespec t0 = at(0, 0);
	struct conlog c;
	int ro;

	ck_assert_int_eq(conlog_open(&c, path, true, &t0), 0);
	conlog_write(&c, "a\n", 2);
	ro = open(path, O_RDONLY);
	ck_assert_int_ge(ro, 0);
	(void)close(c.fd);
	c.fd = ro;		/* writes now fail with EBADF */
	conlog_write(&c, "b\n", 2);
	ck_assert_int_eq(conlog_error(&c), -EBADF);
	conlog_write(&c, "c\n", 2);
	ck_assert_uint_eq(c.bytes, 4);
	conlog_close(&c);
	ck_assert_int_eq(conlog_error(&c), -EBADF);
}
END_TEST

static Suite *conlog_suite(void)
{
	Suite *s = suite_create("conlog");
	TCase *tc = tcase_create("conlog");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_verbatim);
	tcase_add_test(tc, test_timestamps);
	tcase_add_test(tc, test_timestamps_long);
	tcase_add_test(tc, test_stamp);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_write_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(conlog_suite());
}
