// SPDX-License-Identifier: GPL-2.0-only
/* stderr logging: one write per line so lines from vCPU threads never mix. */
#include "pinvm/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum log_level log_level = LOG_LEVEL_WARN;
static volatile bool log_raw;

void log_set_raw_tty(bool raw)
{
	log_raw = raw;
}

void log_msg(enum log_level level, const char *prefix, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n, m;

	if (level > log_level)
		return;
	n = snprintf(line, sizeof(line), "pinvm: %s", prefix);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n = (int)strlen(line);
	if (n > (int)sizeof(line) - 3)
		n = (int)sizeof(line) - 3;
	if (log_raw)
		line[n++] = '\r';
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

void say(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!why || !size)
		return;
	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
}
