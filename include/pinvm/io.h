/* SPDX-License-Identifier: GPL-2.0-only */
/* Whole writes to a file descriptor. */
#ifndef PINVM_IO_H
#define PINVM_IO_H

#include <stddef.h>

/**
 * io_write_all() - write all @len bytes of @buf to @fd, retrying after
 * EINTR and short writes.
 * Returns: 0; -errno of write(2); -EIO if write(2) wrote nothing.
 */
int io_write_all(int fd, const void *buf, size_t len);

#endif
