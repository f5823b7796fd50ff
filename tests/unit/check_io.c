// SPDX-License-Identifier: GPL-2.0-only
/*
 * io_write_file_atomic(): the file is replaced whole, with mode 0644, and
 * no temporary file stays; the temporaries a killed writer left behind
 * ("NAME.tmp.XXXXXX", unlocked, ours) are removed by the next write of
 * NAME, and nothing else is: other names, a temporary a live writer still
 * holds locked, a directory or symlink of that name, another user's file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "pinvm/io.h"

static char *dir;

static void setup(void)
{
	dir = harness_tmpdir();
	ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
	harness_rmtree(dir);
	free(dir);
}

static bool exists(const char *name)
{
	char *p = harness_path(dir, name);
	struct stat st;
	bool r = lstat(p, &st) == 0;

	free(p);
	return r;
}

static void plant(const char *name)
{
	char *p = harness_path(dir, name);

	ck_assert_int_eq(harness_write_file(p, "stale", 5), 0);
	free(p);
}

/* The names in the directory that start with @prefix. */
static unsigned int count_prefix(const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

static void assert_content(const char *name, const char *want)
{
	char *p = harness_path(dir, name);
	struct stat st;
	size_t len;
	void *buf;

	ck_assert_int_eq(harness_read_file(p, &buf, &len), 0);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_mem_eq(buf, want, len);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	free(buf);
	free(p);
}

START_TEST(test_replace)
{
	char *p = harness_path(dir, "f");

	ck_assert_int_eq(io_write_file_atomic(p, "first\n", 6), 0);
	assert_content("f", "first\n");
	ck_assert_int_eq(io_write_file_atomic(p, "second, longer\n", 15), 0);
	assert_content("f", "second, longer\n");
	ck_assert_int_eq(io_write_file_atomic(p, "", 0), 0);
	assert_content("f", "");
	ck_assert_uint_eq(count_prefix("f.tmp."), 0);
	free(p);
}
END_TEST

/* A relative name: the temporaries are looked for in the working directory. */
START_TEST(test_relative)
{
	ck_assert_int_eq(chdir(dir), 0);
	plant("f.tmp.Ab12Cd");
	ck_assert_int_eq(io_write_file_atomic("f", "x", 1), 0);
	assert_content("f", "x");
	ck_assert(!exists("f.tmp.Ab12Cd"));
}
END_TEST

START_TEST(test_failure_leaves_nothing)
{
	char *p = harness_path(dir, "sub");

	/* rename() onto a directory fails: the temporary goes again. */
	ck_assert_int_eq(mkdir(p, 0755), 0);
	ck_assert_int_eq(io_write_file_atomic(p, "x", 1), -EISDIR);
	ck_assert_uint_eq(count_prefix("sub.tmp."), 0);
	free(p);
	p = harness_path(dir, "nodir/f");
	ck_assert_int_eq(io_write_file_atomic(p, "x", 1), -ENOENT);
	free(p);
}
END_TEST

START_TEST(test_stale_removed)
{
	static const char *const stale[] = {
		"f.tmp.AbC123", "f.tmp.zzzzzz", "f.tmp.000000", "f.tmp.ZZZZZZ",
	};
	static const char *const others[] = {
		"f.tmp.AbC12",		/* five characters */
		"f.tmp.AbC1234",	/* seven */
		"f.tmp.AbC12-",		/* not mkstemp's alphabet */
		"f.tmp.AbC12.",
		"f.tmp.",
		"f.tmp.AbC123.x",
		"f.tmpAbC123",
		"f.TMP.AbC123",
		"g.tmp.AbC123",		/* another file's */
		"xf.tmp.AbC123",
		"f",			/* the old contents go by rename */
	};
	char *p = harness_path(dir, "f");

	for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++)
		plant(stale[i]);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		plant(others[i]);
	ck_assert_int_eq(io_write_file_atomic(p, "new\n", 4), 0);
	assert_content("f", "new\n");
	for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++)
		ck_assert_msg(!exists(stale[i]), "%s is still there", stale[i]);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		ck_assert_msg(exists(others[i]), "%s was removed", others[i]);
	free(p);
}
END_TEST

/* A writer that is alive holds its temporary locked: it stays. */
START_TEST(test_locked_kept)
{
	char *p = harness_path(dir, "f");
	char *held = harness_path(dir, "f.tmp.Held00");
	int fd;

	plant("f.tmp.Held00");
	/* Another open file description: flock() conflicts as between processes. */
	fd = open(held, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	ck_assert_int_eq(io_write_file_atomic(p, "a", 1), 0);
	ck_assert(exists("f.tmp.Held00"));
	/* Once the writer is gone (its lock with it), the next write cleans up. */
	close(fd);
	ck_assert_int_eq(io_write_file_atomic(p, "b", 1), 0);
	ck_assert(!exists("f.tmp.Held00"));
	assert_content("f", "b");
	free(held);
	free(p);
}
END_TEST

/* The name pattern alone is not enough: a directory, a symlink, a fifo stay. */
START_TEST(test_not_regular_kept)
{
	char *p = harness_path(dir, "f");
	char *d = harness_path(dir, "f.tmp.Dir000");
	char *l = harness_path(dir, "f.tmp.Link00");
	char *q = harness_path(dir, "f.tmp.Fifo00");

	plant("target");
	ck_assert_int_eq(mkdir(d, 0755), 0);
	ck_assert_int_eq(symlink("target", l), 0);
	ck_assert_int_eq(mkfifo(q, 0600), 0);
	ck_assert_int_eq(io_write_file_atomic(p, "x", 1), 0);
	ck_assert(exists("f.tmp.Dir000"));
	ck_assert(exists("f.tmp.Link00"));
	ck_assert(exists("f.tmp.Fifo00"));
	ck_assert(exists("target"));
	free(q);
	free(l);
	free(d);
	free(p);
}
END_TEST

/* As root: a file of that name owned by someone else is not ours to remove. */
START_TEST(test_foreign_kept)
{
	char *p = harness_path(dir, "f");
	char *o = harness_path(dir, "f.tmp.Other0");

	if (geteuid() != 0)
		return;
	plant("f.tmp.Other0");
	ck_assert_int_eq(chown(o, 65534, 65534), 0);
	ck_assert_int_eq(io_write_file_atomic(p, "x", 1), 0);
	ck_assert(exists("f.tmp.Other0"));
	free(o);
	free(p);
}
END_TEST

/*
 * A writer killed with SIGKILL before its rename: the child makes its
 * temporary as io_write_file_atomic() does (mkstemp, flock), writes part of
 * it and waits to be killed. Its lock goes with it; the next write removes
 * the file.
 */
START_TEST(test_killed_writer)
{
	char *p = harness_path(dir, "f");
	char *t = harness_path(dir, "f.tmp.XXXXXX");
	int ready[2], status;
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = mkstemp(t);

		if (fd < 0 || flock(fd, LOCK_EX) < 0 || write(fd, "partial", 7) != 7)
			_exit(1);
		(void)write(ready[1], "r", 1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	/* While it lives, its file stays. */
	ck_assert_int_eq(io_write_file_atomic(p, "a", 1), 0);
	ck_assert_uint_eq(count_prefix("f.tmp."), 1);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_uint_eq(count_prefix("f.tmp."), 1);
	ck_assert_int_eq(io_write_file_atomic(p, "b", 1), 0);
	ck_assert_uint_eq(count_prefix("f.tmp."), 0);
	assert_content("f", "b");
	close(ready[0]);
	free(t);
	free(p);
}
END_TEST

/* A deadline and what is left of it: carried across the second, then 0 once passed. */
START_TEST(test_deadline)
{
	struct timespec now, d;
	unsigned int left;

	clock_gettime(CLOCK_MONOTONIC, &now);
	d = io_deadline(1999);
	ck_assert_int_ge(d.tv_nsec, 0);
	ck_assert_int_lt(d.tv_nsec, 1000000000L);
	ck_assert_int_ge(d.tv_sec, now.tv_sec + 1);
	ck_assert_int_le(d.tv_sec, now.tv_sec + 3);
	left = io_ms_left(&d);
	ck_assert_uint_gt(left, 1000);
	ck_assert_uint_le(left, 1999);
	d = io_deadline(20);
	usleep(60000);
	ck_assert_uint_eq(io_ms_left(&d), 0);
}
END_TEST

static Suite *io_suite(void)
{
	Suite *s = suite_create("io");
	TCase *tc = tcase_create("atomic");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_relative);
	tcase_add_test(tc, test_failure_leaves_nothing);
	tcase_add_test(tc, test_stale_removed);
	tcase_add_test(tc, test_locked_kept);
	tcase_add_test(tc, test_not_regular_kept);
	tcase_add_test(tc, test_foreign_kept);
	tcase_add_test(tc, test_killed_writer);
	suite_add_tcase(s, tc);

	tc = tcase_create("deadline");
	tcase_add_test(tc, test_deadline);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(io_suite());
}
