// SPDX-License-Identifier: GPL-2.0-only
/* JSON-lines event log, one write(2) per event. */
#include "pinvm/evlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void evlog_init(struct evlog *log)
{
	log->fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &log->t0);
	pthread_mutex_init(&log->lock, NULL);
}

int evlog_open(struct evlog *log, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	log->fd = fd;
	return 0;
}

void evlog_close(struct evlog *log)
{
	if (log->fd >= 0) {
		(void)fsync(log->fd);
		(void)close(log->fd);
	}
	log->fd = -1;
}

double evlog_elapsed(const struct evlog *log)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - log->t0.tv_sec) +
	       (double)(now.tv_nsec - log->t0.tv_nsec) / 1e9;
}

char *evlog_json_str(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	if (size < 3) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	buf[n++] = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		size_t len;

		if (c == '"' || c == '\\')
			len = (size_t)snprintf(esc, sizeof(esc), "\\%c", c);
		else if (c < 0x20)
			len = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", c);
		else
			len = (size_t)snprintf(esc, sizeof(esc), "%c", c);
		if (n + len + 2 > size)
			break;
		memcpy(buf + n, esc, len);
		n += len;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}

int evlog_emit(struct evlog *log, const char *type, const char *fields, ...)
{
	char line[EVLOG_LINE_MAX];
	int n, r = 0;

	if (log->fd < 0)
		return 0;
	n = snprintf(line, sizeof(line), "{\"ts\":%.6f,\"type\":\"%s\"",
		     evlog_elapsed(log), type);
	if (fields && n < (int)sizeof(line)) {
		va_list ap;

		line[n++] = ',';
		va_start(ap, fields);
		n += vsnprintf(line + n, sizeof(line) - (size_t)n, fields, ap);
		va_end(ap);
	}
	if (n > (int)sizeof(line) - 3)
		n = (int)sizeof(line) - 3;	/* cannot happen with our fields */
	line[n++] = '}';
	line[n++] = '\n';
	pthread_mutex_lock(&log->lock);
	if (write(log->fd, line, (size_t)n) != n)
		r = -errno;
	pthread_mutex_unlock(&log->lock);
	return r;
}

int evlog_exit(struct evlog *log, int status, int restarts, const char *error)
{
	char esc[EVLOG_ERROR_MAX];
	char num[32] = "";

	if (restarts >= 0)
		snprintf(num, sizeof(num), ",\"restarts\":%d", restarts);
	if (!error)
		return evlog_emit(log, "exit", "\"status\":%d%s", status, num);
	return evlog_emit(log, "exit", "\"status\":%d%s,\"error\":%s", status, num,
			  evlog_json_str(error, esc, sizeof(esc)));
}
