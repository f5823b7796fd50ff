/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The console: pinvm's stdin feeds the UART's receive FIFO (raw mode when
 * stdin is a terminal, restored on every exit path), and Ctrl-A x quits.
 * Ctrl-A Ctrl-A sends one Ctrl-A to the guest. Output goes out through the
 * UART's transmit callback (uartio.c), line-buffered.
 */
#ifndef PINVM_CONSOLE_H
#define PINVM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <termios.h>

struct uartio;

#define CONSOLE_ESCAPE_CHAR	0x01	/* Ctrl-A */

struct console {
	int in_fd;		/* -1: no input */
	bool tty, raw, eof;
	struct termios saved;
	bool escape_seen;
	uint8_t pend[256];	/* read from stdin, not yet taken by the UART */
	size_t pend_off, pend_len;
};

/** console_open() - take @fd (or -1) as guest input; raw mode if it is a terminal. */
void console_open(struct console *con, int fd);

/** console_close() - restore the terminal. Safe to call twice. */
void console_close(struct console *con);

/**
 * console_restore_now() - put the terminal of the open console back as
 * console_open() found it. Async-signal-safe, for a handler that is about
 * to _exit() (the seccomp report); console_close() is the normal path.
 */
void console_restore_now(void);

/** console_wants_input() - poll stdin now? (open, not at EOF, nothing pending) */
bool console_wants_input(const struct console *con);

/** console_pending() - bytes waiting for room in the UART FIFO? */
bool console_pending(const struct console *con);

/**
 * console_filter() - the escape sequence taken out of @buf (@len bytes just
 * read from a terminal), in place: Ctrl-A Ctrl-A becomes one Ctrl-A, Ctrl-A
 * and any other byte is swallowed, Ctrl-A x (or X) quits. A Ctrl-A at the
 * end of @buf waits in @con for the next read's first byte. Pure.
 * Returns: the bytes left for the guest; -1 on Ctrl-A x (the rest of @buf
 * is dropped: pinvm stops).
 */
ssize_t console_filter(struct console *con, uint8_t *buf, size_t len);

/**
 * console_service() - read stdin if @revents says so, push what fits into
 * the UART (through console_filter() when stdin is a terminal).
 * Returns: true when the user typed the escape sequence.
 */
bool console_service(struct console *con, struct uartio *u, short revents);

#endif
