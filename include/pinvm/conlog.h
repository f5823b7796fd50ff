/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The console log (--console-log FILE): the guest's console output written
 * to a file as it arrives, byte for byte, optionally with pinvm's own
 * monotonic timestamp at the start of every line
 * (--console-log-timestamps): "[    1.234567] ", seconds since the start
 * @t0 the caller gives (the event log's clock, so lines and events can be
 * lined up), taken when the line's first byte arrives.
 *
 * The file is created or truncated in place (O_CREAT | O_TRUNC; no
 * temporary file and rename) and every conlog_write() goes straight to
 * write(2), nothing is held back in pinvm: whatever happens to pinvm or the
 * machine, the file has all the output up to that point that the kernel
 * got. It must be a regular file: the writer runs on the console output
 * path (a vCPU thread handling the UART, under the uartio lock), where a
 * write to a pipe, FIFO, socket or terminal could block the vCPU; a
 * regular file's write goes to the page cache.
 *
 * The first write error (ENOSPC, EIO, EFBIG...) stops the log; it is kept
 * for the caller to report (conlog_error()), and the guest runs on.
 * Not thread-safe: the caller serialises (the uartio lock does).
 */
#ifndef PINVM_CONLOG_H
#define PINVM_CONLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CONLOG_STAMP_MAX	32	/* bytes of one "[ secs.usecs] " prefix, NUL included */

struct conlog {
	int fd;			/* -1: no log */
	bool timestamps;
	bool line_start;	/* the next byte starts a line */
	struct timespec t0;	/* timestamps count from here */
	int error;		/* the first write error (-errno); 0: none */
	uint64_t bytes;		/* guest bytes written */
};

/** conlog_init() - no log (every conlog_write() a no-op). */
void conlog_init(struct conlog *c);

/**
 * conlog_open() - create or truncate @path (mode 0644) and log to it;
 * with @timestamps, each line gets a prefix counting from @t0.
 * Returns: 0; -EINVAL (@path exists and is not a regular file, or is one
 * by the time it is opened); -errno of open(2) or fstat(2).
 */
int conlog_open(struct conlog *c, const char *path, bool timestamps, const struct timespec *t0);

/**
 * conlog_stamp() - the prefix for a line starting @now into @buf
 * (CONLOG_STAMP_MAX bytes): "[%5llu.%06lu] " of the time since @t0
 * (0 when @now is before @t0). Returns its length.
 */
size_t conlog_stamp(const struct timespec *t0, const struct timespec *now, char *buf);

/**
 * conlog_write_at() - log @len bytes of output that arrived at @now (the
 * time of every line starting in them). A no-op without a log or after an
 * error.
 */
void conlog_write_at(struct conlog *c, const void *buf, size_t len, const struct timespec *now);

/** conlog_write() - conlog_write_at() with the time now (CLOCK_MONOTONIC). */
void conlog_write(struct conlog *c, const void *buf, size_t len);

/** conlog_error() - the first write error (-errno), or 0. */
int conlog_error(const struct conlog *c);

/** conlog_close() - fsync and close; the error, if any, stays readable. */
void conlog_close(struct conlog *c);

#endif
