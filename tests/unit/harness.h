/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared helpers for the Check unit suites: temporary directories, whole
 * file I/O, golden-file comparison and the common main(). Plain libc; no
 * pinvm module is needed to link it.
 */
#ifndef PINVM_TESTS_HARNESS_H
#define PINVM_TESTS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#include <check.h>

/* Set by tests/meson.build; the fallbacks only help ad-hoc builds. */
#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif
#ifndef TOP_BUILDDIR
#define TOP_BUILDDIR "."
#endif

/**
 * harness_tmpdir() - create a fresh directory under $TMPDIR (or /tmp).
 * Returns: its malloc'd path; NULL on failure (errno set).
 */
char *harness_tmpdir(void);

/** harness_rmtree() - remove @dir and everything below it; accepts NULL. */
void harness_rmtree(const char *dir);

/** harness_path() - malloc'd "dir/name"; aborts on ENOMEM (tests only). */
char *harness_path(const char *dir, const char *name);

/**
 * harness_write_file() - create or truncate @path and write @len bytes.
 * Returns: 0; -errno.
 */
int harness_write_file(const char *path, const void *buf, size_t len);

/**
 * harness_read_file() - read all of @path into a malloc'd buffer (one spare
 * NUL byte after the data, so text can be used as a string).
 * Returns: 0; -errno.
 */
int harness_read_file(const char *path, void **ret_buf, size_t *ret_len);

/** harness_update_golden() - true when PINVM_UPDATE_GOLDEN=1 is set. */
bool harness_update_golden(void);

/**
 * harness_golden_compare() - compare @buf with the golden file @golden.
 * With PINVM_UPDATE_GOLDEN=1 the golden file is rewritten instead and the
 * result is a match. On a mismatch the actual bytes are saved to
 * TOP_BUILDDIR/golden-actual/<basename of golden> and both paths are
 * printed on stderr.
 * Returns: 0 match (or rewritten); 1 mismatch; -errno reading or writing.
 */
int harness_golden_compare(const char *golden, const void *buf, size_t len);

/**
 * harness_run() - run @s in Check's default (fork) mode, print the result.
 * Returns: EXIT_SUCCESS when every test passed, else EXIT_FAILURE.
 */
int harness_run(Suite *s);

#endif
