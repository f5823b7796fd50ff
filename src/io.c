// SPDX-License-Identifier: GPL-2.0-only
/* Whole writes to a file descriptor, files replaced atomically, and deadlines of timed waits. */
#include "pinvm/io.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* "NAME" + ".tmp." + mkstemp(3)'s six characters, [A-Za-z0-9]. */
#define IO_TMP_INFIX	".tmp."
#define IO_TMP_RANDOM	6

struct timespec io_deadline(unsigned int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

unsigned int io_ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (unsigned int)ms : 0;
}

int io_write_all(int fd, const void *buf, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, (const char *)buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		off += (size_t)n;
	}
	return 0;
}

/* @entry is "@base.tmp.XXXXXX", a temporary file of io_write_file_atomic(). */
static bool io_is_temp_of(const char *entry, const char *base, size_t base_len)
{
	const char *x = entry + base_len + strlen(IO_TMP_INFIX);

	if (strncmp(entry, base, base_len) || strncmp(entry + base_len, IO_TMP_INFIX,
						      strlen(IO_TMP_INFIX)))
		return false;
	for (int i = 0; i < IO_TMP_RANDOM; i++)
		if (!((x[i] >= 'A' && x[i] <= 'Z') || (x[i] >= 'a' && x[i] <= 'z') ||
		      (x[i] >= '0' && x[i] <= '9')))
			return false;
	return x[IO_TMP_RANDOM] == '\0';
}

/*
 * Remove what writers of @base killed before their rename left in @dir:
 * regular files of ours with exactly that name pattern that nobody holds
 * locked (a writer keeps an flock on its temporary until the rename, and
 * the kernel drops it with the process). Best effort: anything else stays.
 * The name is checked to still be the file that was locked, so a live
 * writer's file is never the one removed.
 */
static void io_remove_stale_temps(DIR *dir, const char *base)
{
	size_t base_len = strlen(base);
	int dfd = dirfd(dir);
	struct dirent *de;

	while ((de = readdir(dir))) {
		struct stat st, now;
		int fd;

		if (!io_is_temp_of(de->d_name, base, base_len))
			continue;
		fd = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0 &&
		    fstatat(dfd, de->d_name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now.st_dev == st.st_dev && now.st_ino == st.st_ino)
			(void)unlinkat(dfd, de->d_name, 0);
		(void)close(fd);
	}
}

/*
 * mkstemp() @tmp and lock it. A cleaner that locked it between the two
 * (it cannot tell a new file from a stale one) has removed it: another name.
 */
static int io_create_temp(char *tmp, size_t tmp_len)
{
	for (int attempt = 0; attempt < 4; attempt++) {
		struct stat st;
		int fd;

		memcpy(tmp + tmp_len - IO_TMP_RANDOM, "XXXXXX", IO_TMP_RANDOM);
		fd = mkstemp(tmp);
		if (fd < 0)
			return -errno;
		/* Without flock (some network file systems) the file is only not cleaned. */
		if (flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0 || st.st_nlink > 0)
			return fd;
		(void)close(fd);
	}
	return -EEXIST;
}

int io_write_file_atomic(const char *path, const void *buf, size_t len)
{
	char tmp[4096], dirpath[4096];
	const char *slash = strrchr(path, '/');
	DIR *dir;
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s" IO_TMP_INFIX "XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	if (!slash)
		snprintf(dirpath, sizeof(dirpath), ".");
	else if (slash == path)
		snprintf(dirpath, sizeof(dirpath), "/");
	else
		snprintf(dirpath, sizeof(dirpath), "%.*s", (int)(slash - path), path);
	/* The directory: cleaned of stale temporaries now, fsync'ed after the rename. */
	dir = opendir(dirpath);
	if (dir)
		io_remove_stale_temps(dir, slash ? slash + 1 : path);

	fd = io_create_temp(tmp, strlen(tmp));
	if (fd < 0) {
		r = fd;
		goto out;
	}
	r = io_write_all(fd, buf, len);
	if (!r && fchmod(fd, 0644) < 0)
		r = -errno;
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		(void)unlink(tmp);
	/* After the rename, so the lock covers it; fsync() reported any write error. */
	(void)close(fd);
	/* The rename itself must survive a crash too. */
	if (!r && dir)
		(void)fsync(dirfd(dir));
out:
	if (dir)
		(void)closedir(dir);
	return r;
}
