/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Machine-readable event log: JSON lines, one object per event, each written
 * with a single write(2) so the file is a valid sequence of complete lines
 * even if pinvm is killed at any moment (the log is written in place rather
 * than through a temp file for exactly that reason). Schema: docs/event-log.md.
 */
#ifndef PINVM_EVLOG_H
#define PINVM_EVLOG_H

#include <stddef.h>
#include <pthread.h>
#include <time.h>

struct evlog {
	int fd;			/* -1: events only counted, not written */
	struct timespec t0;	/* CLOCK_MONOTONIC at pinvm start */
	pthread_mutex_t lock;
};

/** evlog_init() - start the clock; no file yet (fd = -1). */
void evlog_init(struct evlog *log);

/** evlog_open() - create/truncate @path. Returns 0 or -errno. */
int evlog_open(struct evlog *log, const char *path);

void evlog_close(struct evlog *log);

/** evlog_elapsed() - seconds since evlog_init(). */
double evlog_elapsed(const struct evlog *log);

/**
 * evlog_emit() - write {"ts":<elapsed>,"type":"<type>"[,<fields>]}\n.
 * @fields is a printf format for the rest of the object's members (already
 * JSON: use evlog_json_str() for strings that may need escaping), or NULL.
 * A record is at most EVLOG_LINE_MAX bytes (the longest, the start record
 * of 16 disks with long paths, is about 10 KiB); on the caller's stack.
 * Returns: 0; -errno from write (the event is lost, pinvm goes on).
 */
#define EVLOG_LINE_MAX	16384
int evlog_emit(struct evlog *log, const char *type, const char *fields, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * evlog_json_str() - @s as a JSON string literal (quotes included) into
 * @buf; control characters, quotes and backslashes escaped, truncated to
 * fit. Returns @buf.
 */
char *evlog_json_str(const char *s, char *buf, size_t size);

/* The longest "error" of an exit record, escaped and quoted (the rest is cut). */
#define EVLOG_ERROR_MAX	768

/**
 * evlog_exit() - the last record: {"type":"exit","status":@status} with
 * "restarts":@restarts when @restarts >= 0 (the guest ran) and
 * "error":@error when @error is not NULL (why pinvm could not start or go
 * on running the guest, the message it printed).
 * Returns: as evlog_emit().
 */
int evlog_exit(struct evlog *log, int status, int restarts, const char *error);

#endif
