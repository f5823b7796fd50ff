// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test harness for the Check suites: temp dirs, file helpers, golden files.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *harness_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (!base || !base[0])
		base = "/tmp";
	if (asprintf(&path, "%s/pinvm-test.XXXXXX", base) < 0)
		return NULL;
	if (!mkdtemp(path)) {
		int e = errno;

		free(path);
		errno = e;
		return NULL;
	}
	return path;
}

static int harness_rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) < 0 ? -1 : 0;
	return unlink(path) < 0 ? -1 : 0;
}

void harness_rmtree(const char *dir)
{
	if (!dir)
		return;
	(void)nftw(dir, harness_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *harness_path(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	return p;
}

int harness_write_file(const char *path, const void *buf, size_t len)
{
	const char *p = buf;
	int fd, r = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int harness_read_file(const char *path, void **ret_buf, size_t *ret_len)
{
	char *buf = NULL, *n;
	size_t len = 0, cap = 0;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t got;

		if (cap - len < 4096 + 1) {
			cap = cap ? cap * 2 : 8192;
			n = realloc(buf, cap);
			if (!n) {
				r = -ENOMEM;
				break;
			}
			buf = n;
		}
		got = read(fd, buf + len, cap - len - 1);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	(void)close(fd);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

bool harness_update_golden(void)
{
	const char *e = getenv("PINVM_UPDATE_GOLDEN");

	return e && strcmp(e, "1") == 0;
}

int harness_golden_compare(const char *golden, const void *buf, size_t len)
{
	const char *base = strrchr(golden, '/');
	char *dir, *actual;
	void *want;
	size_t want_len;
	int r;

	if (harness_update_golden()) {
		r = harness_write_file(golden, buf, len);
		if (r == 0)
			fprintf(stderr, "golden: rewrote %s\n", golden);
		return r;
	}

	r = harness_read_file(golden, &want, &want_len);
	if (r < 0) {
		fprintf(stderr, "golden: cannot read %s: %s\n", golden, strerror(-r));
		return r;
	}
	r = want_len != len || memcmp(want, buf, len) != 0;
	free(want);
	if (!r)
		return 0;

	dir = harness_path(TOP_BUILDDIR, "golden-actual");
	(void)mkdir(dir, 0755);
	actual = harness_path(dir, base ? base + 1 : golden);
	if (harness_write_file(actual, buf, len) == 0)
		fprintf(stderr, "golden: %s differs (%zu bytes expected, %zu produced); "
			"actual output saved as %s\n", golden, want_len, len, actual);
	else
		fprintf(stderr, "golden: %s differs (%zu bytes expected, %zu produced)\n",
			golden, want_len, len);
	free(actual);
	free(dir);
	return 1;
}

int harness_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
