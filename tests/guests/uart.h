/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Polled console UART: a 16550 (pinvm, kvmtool) or a PL011 (QEMU virt),
 * whichever the device tree's /chosen stdout-path names. Until
 * uart_init() runs, output goes to pinvm's 16550 at 0x1000000.
 */
#ifndef PVGUEST_UART_H
#define PVGUEST_UART_H

#include <stdbool.h>

/** uart_init() - pick the console from the DT (after dt_init()). */
void uart_init(void);

/** uart_describe() - "ns16550a@0x1000000" style name of the console in use. */
const char *uart_describe(void);

/** uart_putc() - send one byte as is (no newline translation). */
void uart_putc(char c);

/** uart_puts() - send a string; "\n" goes out as CR LF. */
void uart_puts(const char *s);

/** uart_rx_ready() - a received byte is waiting. */
bool uart_rx_ready(void);

/** uart_getc() - wait for a received byte and return it. */
char uart_getc(void);

#endif
