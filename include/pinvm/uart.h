/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 16550A UART register model. Pure state machine: the owner supplies an
 * output callback and an interrupt-level callback, and feeds received bytes.
 * Not thread-safe: callers serialise access (one mutex per UART).
 *
 * Registers (byte offsets, reg-shift 0): 0 RBR/THR/DLL, 1 IER/DLM, 2 IIR/FCR,
 * 3 LCR, 4 MCR, 5 LSR, 6 MSR, 7 SCR. Transmit is instantaneous (THRE always
 * set), receive has a 16-byte FIFO (further bytes are refused, not dropped:
 * uart_rx_push returns how many it took). Loopback (MCR bit 4) routes THR to
 * the receive FIFO.
 */
#ifndef PINVM_UART_H
#define PINVM_UART_H

#include <stddef.h>
#include <stdint.h>

#define UART_FIFO_SIZE	16

typedef void (*uart_tx_fn)(void *opaque, uint8_t byte);
typedef void (*uart_irq_fn)(void *opaque, int level);

struct uart {
	uint8_t ier, iir_fcr, lcr, mcr, lsr, msr, scr, dll, dlm;
	uint8_t fcr;
	uint8_t rx[UART_FIFO_SIZE];
	unsigned int rx_head, rx_count;
	int thr_ipending;	/* THRE interrupt pending (cleared by IIR read / THR write) */
	int irq_level;		/* last level reported */
	uart_tx_fn tx;
	uart_irq_fn irq;
	void *opaque;
};

/** uart_init() - reset state (as at power-on) and set callbacks. */
void uart_init(struct uart *u, uart_tx_fn tx, uart_irq_fn irq, void *opaque);

/** uart_reset() - back to power-on state, callbacks kept; irq lowered. */
void uart_reset(struct uart *u);

/** uart_read() - guest read of register @off (0..7); other offsets read 0. */
uint8_t uart_read(struct uart *u, unsigned int off);

/** uart_write() - guest write of @val to register @off; others ignored. */
void uart_write(struct uart *u, unsigned int off, uint8_t val);

/**
 * uart_rx_push() - host side: offer @len received bytes.
 * Returns: how many were taken (0 when the FIFO is full).
 */
size_t uart_rx_push(struct uart *u, const uint8_t *buf, size_t len);

/** uart_rx_space() - free bytes in the receive FIFO. */
size_t uart_rx_space(const struct uart *u);

#endif
