/* SPDX-License-Identifier: GPL-2.0-only */
/* Whole writes to a file descriptor, files replaced atomically, and deadlines of timed waits. */
#ifndef PINVM_IO_H
#define PINVM_IO_H

#include <stddef.h>
#include <time.h>

/**
 * io_write_all() - write all @len bytes of @buf to @fd, retrying after
 * EINTR and short writes.
 * Returns: 0; -errno of write(2); -EIO if write(2) wrote nothing.
 */
int io_write_all(int fd, const void *buf, size_t len);

/**
 * io_write_file_atomic() - replace @path by @len bytes of @buf, all or
 * nothing: they go to a temporary file "@path.tmp.XXXXXX" (mkstemp(3)) in
 * the same directory, which is written, fsync'ed, given mode 0644 and
 * renamed over @path, and the directory is fsync'ed. The writer holds an
 * flock() on its temporary file until the rename. A writer killed before
 * the rename leaves its temporary file behind: each call first removes
 * those of @path (exactly that name pattern, regular files owned by the
 * caller's euid, not locked by anyone), so at most the last killed
 * write's is ever left.
 * Returns: 0; -ENAMETOOLONG @path too long; -errno of creating, writing,
 * syncing or renaming (the temporary file is removed again).
 */
int io_write_file_atomic(const char *path, const void *buf, size_t len);

/**
 * io_deadline() - the CLOCK_MONOTONIC time @ms milliseconds from now, for
 * pthread_cond_timedwait() on a condition variable of that clock
 * (pthread_condattr_setclock()).
 */
struct timespec io_deadline(unsigned int ms);

/**
 * io_ms_left() - milliseconds from now to @deadline (an io_deadline()), 0
 * once it has passed: one deadline shared by several bounded waits.
 */
unsigned int io_ms_left(const struct timespec *deadline);

#endif
