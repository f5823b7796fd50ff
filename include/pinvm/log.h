/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging to stderr with a "pinvm: " prefix. Modules do not log: they return
 * -errno and a message, and main.c reports errors once (systemd's
 * logging/non-logging split). The device models may warn about guest
 * behaviour (unmapped MMIO) since that is a report, not an error path.
 * Two levels only: --quiet keeps errors, the default adds warnings and
 * notes. (There is no debug level: nothing could ever turn it on.)
 */
#ifndef PINVM_LOG_H
#define PINVM_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level {
	LOG_LEVEL_QUIET = 0,	/* errors only */
	LOG_LEVEL_ERR = 0,
	LOG_LEVEL_WARN = 1,
};

extern enum log_level log_level;

/* Set while stdin is a terminal in raw mode: lines then end in "\r\n". */
void log_set_raw_tty(bool raw);

void log_msg(enum log_level level, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * log_say() - format a message into @why (always NUL-terminated when @size > 0):
 * how modules hand main.c the one line that names a problem.
 */
void log_say(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define pr_err(...)	log_msg(LOG_LEVEL_ERR, "error: ", __VA_ARGS__)
#define pr_warn(...)	log_msg(LOG_LEVEL_WARN, "warning: ", __VA_ARGS__)
/* Always printed (exit summary), regardless of level except --quiet handling by the caller. */
#define pr_summary(...)	log_msg(LOG_LEVEL_ERR, "", __VA_ARGS__)

#endif
