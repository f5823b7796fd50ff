// SPDX-License-Identifier: GPL-2.0-only
/* stdin → UART, terminal raw mode, the Ctrl-A x escape. */
#include "pinvm/console.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pinvm/log.h"
#include "pinvm/uartio.h"

/* The terminal to restore if pinvm leaves by a path that skips console_close(). */
static struct console *console_active;

static void console_restore_at_exit(void)
{
	if (console_active)
		console_close(console_active);
}

void console_open(struct console *con, int fd)
{
	struct termios raw;

	memset(con, 0, sizeof(*con));
	con->in_fd = fd;
	if (fd < 0)
		return;
	con->tty = isatty(fd);
	if (con->tty && tcgetattr(fd, &con->saved) == 0) {
		raw = con->saved;
		cfmakeraw(&raw);
		if (tcsetattr(fd, TCSANOW, &raw) == 0) {
			con->raw = true;
			log_set_raw_tty(true);
			if (!console_active)
				atexit(console_restore_at_exit);
			console_active = con;
		}
	}
}

void console_close(struct console *con)
{
	if (con->raw) {
		(void)tcsetattr(con->in_fd, TCSANOW, &con->saved);
		con->raw = false;
		log_set_raw_tty(false);
	}
	if (console_active == con)
		console_active = NULL;
}

void console_restore_now(void)
{
	struct console *con = console_active;

	/* tcsetattr() is async-signal-safe; nothing else is touched. */
	if (con && con->raw)
		(void)tcsetattr(con->in_fd, TCSANOW, &con->saved);
}

bool console_wants_input(const struct console *con)
{
	return con->in_fd >= 0 && !con->eof && con->pend_len == 0;
}

bool console_pending(const struct console *con)
{
	return con->pend_len > 0;
}

ssize_t console_filter(struct console *con, uint8_t *buf, size_t len)
{
	size_t out = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = buf[i];

		if (con->escape_seen) {
			con->escape_seen = false;
			if (c == 'x' || c == 'X')
				return -1;
			if (c != CONSOLE_ESCAPE_CHAR)
				continue;	/* unknown command: swallowed */
		} else if (c == CONSOLE_ESCAPE_CHAR) {
			con->escape_seen = true;
			continue;
		}
		buf[out++] = c;
	}
	return (ssize_t)out;
}

bool console_service(struct console *con, struct uartio *u, short revents)
{
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		ssize_t n = read(con->in_fd, con->pend, sizeof(con->pend));

		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
			con->eof = true;	/* the guest keeps running without input */
		} else if (n > 0) {
			if (con->tty) {
				n = console_filter(con, con->pend, (size_t)n);
				if (n < 0)
					return true;
			}
			con->pend_off = 0;
			con->pend_len = (size_t)n;
		}
	}
	if (con->pend_len) {
		size_t took = uartio_feed(u, con->pend + con->pend_off, con->pend_len);

		con->pend_off += took;
		con->pend_len -= took;
	}
	return false;
}
