// SPDX-License-Identifier: GPL-2.0-only
/*
 * The event log: one complete JSON object per line, in order, with a
 * monotonic "ts"; strings escaped; no file means nothing written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "pinvm/evlog.h"

START_TEST(test_lines)
{
	char *dir = harness_tmpdir(), *path;
	struct evlog log;
	char *buf, *line, *save = NULL;
	size_t len;
	double prev = -1;
	int n = 0;

	ck_assert_ptr_nonnull(dir);
	path = harness_path(dir, "events.jsonl");
	evlog_init(&log);
	ck_assert_int_eq(evlog_open(&log, path), 0);
	ck_assert_int_eq(evlog_emit(&log, "start", "\"psci\":\"%s\",\"vcpus\":%u", "1.1", 2u), 0);
	ck_assert_int_eq(evlog_emit(&log, "wakeup", NULL), 0);
	ck_assert_int_eq(evlog_emit(&log, "exit", "\"status\":%d", 3), 0);
	evlog_close(&log);

	ck_assert_int_eq(harness_read_file(path, (void **)&buf, &len), 0);
	ck_assert(len > 0 && buf[len - 1] == '\n');
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		double ts;

		ck_assert_msg(sscanf(line, "{\"ts\":%lf,", &ts) == 1, "bad line '%s'", line);
		ck_assert(ts >= prev);
		prev = ts;
		ck_assert(line[strlen(line) - 1] == '}');
		switch (n++) {
		case 0:
			ck_assert_ptr_nonnull(strstr(line, "\"type\":\"start\",\"psci\":\"1.1\",\"vcpus\":2}"));
			break;
		case 1:
			ck_assert_ptr_nonnull(strstr(line, "\"type\":\"wakeup\"}"));
			break;
		case 2:
			ck_assert_ptr_nonnull(strstr(line, "\"type\":\"exit\",\"status\":3}"));
			break;
		}
	}
	ck_assert_int_eq(n, 3);
	free(buf);
	free(path);
	harness_rmtree(dir);
	free(dir);
}
END_TEST

/*
 * A long record stays whole: the start record of 16 disks with long paths
 * (main.c: up to LAYOUT_MAX_DISKS * 600 bytes of "disks") is one line of
 * valid JSON, not cut at a fixed 1 KiB.
 */
START_TEST(test_long_record)
{
	char *dir = harness_tmpdir(), *path, *buf;
	static char field[16 * 600];
	struct evlog log;
	size_t len, n = 0;

	ck_assert_ptr_nonnull(dir);
	path = harness_path(dir, "events.jsonl");
	for (unsigned int i = 0; i < 16; i++) {
		n += (size_t)snprintf(field + n, sizeof(field) - n, "%s{\"name\":\"vd%c\",\"path\":\"/%0200u\"}",
				      i ? "," : ",\"disks\":[", 'a' + i, i);
	}
	n += (size_t)snprintf(field + n, sizeof(field) - n, "]");
	evlog_init(&log);
	ck_assert_int_eq(evlog_open(&log, path), 0);
	ck_assert_int_eq(evlog_emit(&log, "start", "\"vcpus\":%u%s", 2u, field), 0);
	evlog_close(&log);
	ck_assert_int_eq(harness_read_file(path, (void **)&buf, &len), 0);
	ck_assert_uint_gt(len, n);
	ck_assert(buf[len - 1] == '\n');
	ck_assert_ptr_nonnull(strstr(buf, field));
	ck_assert(!memcmp(buf + len - 4, "}]}\n", 4));
	free(buf);
	free(path);
	harness_rmtree(dir);
	free(dir);
}
END_TEST

/* The exit record: restarts once the guest ran, the error when there was one. */
START_TEST(test_exit_record)
{
	char *dir = harness_tmpdir(), *path, *buf;
	char long_why[2000];
	struct evlog log;
	size_t len;

	ck_assert_ptr_nonnull(dir);
	path = harness_path(dir, "events.jsonl");
	memset(long_why, 'x', sizeof(long_why) - 1);
	long_why[sizeof(long_why) - 1] = '\0';
	evlog_init(&log);
	ck_assert_int_eq(evlog_open(&log, path), 0);
	ck_assert_int_eq(evlog_exit(&log, 0, -1, NULL), 0);
	ck_assert_int_eq(evlog_exit(&log, 4, 2, NULL), 0);
	ck_assert_int_eq(evlog_exit(&log, 2, -1, "--user: no user \"x\""), 0);
	ck_assert_int_eq(evlog_exit(&log, 1, 3, "restart: cannot map the UART"), 0);
	ck_assert_int_eq(evlog_exit(&log, 1, -1, long_why), 0);
	evlog_close(&log);

	ck_assert_int_eq(harness_read_file(path, (void **)&buf, &len), 0);
	ck_assert_ptr_nonnull(strstr(buf, "\"type\":\"exit\",\"status\":0}\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\"type\":\"exit\",\"status\":4,\"restarts\":2}\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\"type\":\"exit\",\"status\":2,"
					  "\"error\":\"--user: no user \\\"x\\\"\"}\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\"type\":\"exit\",\"status\":1,\"restarts\":3,"
					  "\"error\":\"restart: cannot map the UART\"}\n"));
	/* A message too long for one record is cut, the record stays whole. */
	ck_assert_ptr_nonnull(strstr(buf, "\"status\":1,\"error\":\"xxxx"));
	ck_assert(buf[len - 1] == '\n' && buf[len - 2] == '}' && buf[len - 3] == '"');
	free(buf);
	free(path);
	harness_rmtree(dir);
	free(dir);
}
END_TEST

/* Bytes waiting in the pipe whose read end is @fd (non-blocking). */
static ssize_t pending(int fd)
{
	char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf));

	return n < 0 && errno == EAGAIN ? 0 : n;
}

/*
 * No --event-log: nothing is written anywhere, and closing closes nothing.
 * fd 0 is made a pipe, and the struct starts zeroed, so a log that took
 * fd 0 for its file (an init that leaves fd at 0) would be caught writing
 * there or closing it.
 */
START_TEST(test_no_file)
{
	struct evlog log;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(dup2(p[1], 0), 0);
	memset(&log, 0, sizeof(log));
	evlog_init(&log);
	ck_assert_int_eq(evlog_emit(&log, "start", NULL), 0);
	ck_assert_int_eq(evlog_exit(&log, 1, -1, "no kernel"), 0);
	ck_assert(evlog_elapsed(&log) >= 0.0);
	evlog_close(&log);
	evlog_close(&log);
	ck_assert_int_eq(pending(p[0]), 0);
	ck_assert_int_ge(fcntl(0, F_GETFD), 0);
	(void)close(p[0]);
	(void)close(p[1]);
}
END_TEST

/*
 * After evlog_close() the log writes nothing, even when its old descriptor
 * number now belongs to another file.
 */
START_TEST(test_closed)
{
	char *dir = harness_tmpdir(), *path, *other, *buf;
	struct evlog log;
	size_t len;
	int fd;

	ck_assert_ptr_nonnull(dir);
	path = harness_path(dir, "events.jsonl");
	other = harness_path(dir, "other");
	evlog_init(&log);
	ck_assert_int_eq(evlog_open(&log, path), 0);
	ck_assert_int_eq(evlog_emit(&log, "start", NULL), 0);
	fd = log.fd;
	evlog_close(&log);
	ck_assert_int_eq(open(other, O_WRONLY | O_CREAT | O_TRUNC, 0644), fd);
	ck_assert_int_eq(evlog_emit(&log, "late", NULL), 0);
	ck_assert_int_eq(evlog_exit(&log, 0, 0, NULL), 0);
	evlog_close(&log);
	ck_assert_int_ge(fcntl(fd, F_GETFD), 0);	/* not closed a second time */
	(void)close(fd);
	ck_assert_int_eq(harness_read_file(other, (void **)&buf, &len), 0);
	ck_assert_uint_eq(len, 0);
	free(buf);
	ck_assert_int_eq(harness_read_file(path, (void **)&buf, &len), 0);
	ck_assert_ptr_null(strstr(buf, "late"));
	free(buf);
	free(path);
	free(other);
	harness_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_open_fails)
{
	struct evlog log;

	evlog_init(&log);
	ck_assert_int_eq(evlog_open(&log, "/nonexistent-dir/x/events"), -ENOENT);
}
END_TEST

START_TEST(test_json_str)
{
	char buf[64];

	ck_assert_str_eq(evlog_json_str("6.1.0-37-cloud-arm64", buf, sizeof(buf)),
			 "\"6.1.0-37-cloud-arm64\"");
	ck_assert_str_eq(evlog_json_str("a\"b\\c\n", buf, sizeof(buf)), "\"a\\\"b\\\\c\\u000a\"");
	/* Truncation keeps the quotes and never splits an escape */
	ck_assert_str_eq(evlog_json_str("abcdefgh", buf, 6), "\"abc\"");
	ck_assert_str_eq(evlog_json_str("\"\"\"", buf, 6), "\"\\\"\"");
}
END_TEST

static Suite *evlog_suite(void)
{
	Suite *s = suite_create("evlog");
	TCase *tc = tcase_create("evlog");

	tcase_add_test(tc, test_lines);
	tcase_add_test(tc, test_long_record);
	tcase_add_test(tc, test_exit_record);
	tcase_add_test(tc, test_no_file);
	tcase_add_test(tc, test_closed);
	tcase_add_test(tc, test_open_fails);
	tcase_add_test(tc, test_json_str);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(evlog_suite());
}
