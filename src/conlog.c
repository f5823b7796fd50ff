// SPDX-License-Identifier: GPL-2.0-only
/* The console log (include/pinvm/conlog.h). */
#include "pinvm/conlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pinvm/io.h"

#define CONLOG_BATCH	8192	/* stamped output is written in pieces this big */

void conlog_init(struct conlog *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->line_start = true;
}

int conlog_open(struct conlog *c, const char *path, bool timestamps, const struct timespec *t0)
{
	struct stat st;
	int fd;

	/* Refuse before open(2): opening a FIFO for writing waits for a reader. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return -EINVAL;
	/* O_NONBLOCK: should it have become a FIFO since, open fails instead of waiting. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0644);
	if (fd < 0)
		return errno == ENXIO ? -EINVAL : -errno;
	if (fstat(fd, &st) < 0) {
		int err = errno;

		(void)close(fd);
		return -err;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)close(fd);
		return -EINVAL;
	}
	conlog_init(c);
	c->fd = fd;
	c->timestamps = timestamps;
	c->t0 = *t0;
	return 0;
}

size_t conlog_stamp(const struct timespec *t0, const struct timespec *now, char *buf)
{
	long long sec = (long long)now->tv_sec - (long long)t0->tv_sec;
	long nsec = now->tv_nsec - t0->tv_nsec;
	int n;

	if (nsec < 0) {
		nsec += 1000000000L;
		sec--;
	}
	if (sec < 0)
		sec = nsec = 0;
	n = snprintf(buf, CONLOG_STAMP_MAX, "[%5llu.%06ld] ", (unsigned long long)sec,
		     nsec / 1000);
	return n < 0 ? 0 : (size_t)n;
}

static void conlog_out(struct conlog *c, const void *buf, size_t len)
{
	int rc;

	if (!len || c->error)
		return;
	rc = io_write_all(c->fd, buf, len);
	if (rc < 0)
		c->error = rc;
}

void conlog_write_at(struct conlog *c, const void *buf, size_t len, const struct timespec *now)
{
	const char *p = buf, *end = p + len;
	char out[CONLOG_BATCH];
	size_t n = 0;

	if (c->fd < 0 || c->error || !len)
		return;
	c->bytes += len;
	if (!c->timestamps) {
		conlog_out(c, buf, len);
		return;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t seg = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (c->line_start) {
			if (n + CONLOG_STAMP_MAX > sizeof(out)) {
				conlog_out(c, out, n);
				n = 0;
			}
			n += conlog_stamp(&c->t0, now, out + n);
		}
		if (n + seg > sizeof(out)) {
			conlog_out(c, out, n);
			n = 0;
		}
		if (seg > sizeof(out)) {
			conlog_out(c, p, seg);	/* a very long line: as it is */
		} else {
			memcpy(out + n, p, seg);
			n += seg;
		}
		c->line_start = nl != NULL;
		p += seg;
	}
	conlog_out(c, out, n);
}

void conlog_write(struct conlog *c, const void *buf, size_t len)
{
	struct timespec now;

	if (c->fd < 0 || c->error || !len)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	conlog_write_at(c, buf, len, &now);
}

int conlog_error(const struct conlog *c)
{
	return c->error;
}

void conlog_close(struct conlog *c)
{
	if (c->fd >= 0) {
		(void)fsync(c->fd);
		(void)close(c->fd);
	}
	c->fd = -1;
}
