/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 16550A UART register model. Pure state machine: the owner supplies an
 * output callback and an interrupt-level callback, and feeds received bytes.
 * Not thread-safe: callers serialise access (one mutex per UART).
 *
 * Registers (byte offsets, reg-shift 0): 0 RX/TX/DLL, 1 IER/DLM, 2 IIR/FCR,
 * 3 LCR, 4 MCR, 5 LSR, 6 MSR, 7 SCR. Transmit is instantaneous (THRE always
 * set), receive has a 16-byte FIFO (further bytes are refused, not dropped:
 * uart_rx_push returns how many it took). The FIFO is kept with FCR bit 0
 * clear too, so no byte is ever lost to a slow guest.
 *
 * Interrupts, highest priority first (IIR bits 1-3): receiver line status
 * 0x6 (overrun, IER bit 2), received data 0x4 (IER bit 0), THR empty 0x2
 * (IER bit 1), modem status 0x0 (IER bit 3); 0x1 = none. IIR bits 6-7 are
 * set while the FIFOs are enabled. The output level is "an interrupt is
 * pending" and the irq callback runs only when it changes.
 *
 * Modem lines: CTS, DSR and DCD are always asserted. Loopback (MCR bit 4)
 * routes THR to the receive FIFO (a full FIFO sets LSR overrun), drives
 * CTS/DSR/RI/DCD from RTS/DTR/OUT1/OUT2, and disconnects the host: nothing
 * reaches the tx callback and uart_rx_push() takes nothing.
 */
#ifndef PINVM_UART_H
#define PINVM_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Register offsets and bits: Linux's uapi, the 16550A data sheet's values
 * (UART_RX/UART_TX, UART_IER_RDI, UART_LSR_THRE, ...). DLAB (LCR bit 7)
 * banks UART_DLL/UART_DLM over RX/TX and IER.
 */
#include <linux/serial_reg.h>

#define UART_FIFO_SIZE	16

/* Linux 6.2: IIR bits 6-7, both set while the FIFOs are enabled (16550A). */
#ifndef UART_IIR_FIFO_ENABLED_16550A
#define UART_IIR_FIFO_ENABLED_16550A	0xc0
#endif

typedef void (*uart_tx_fn)(void *opaque, uint8_t byte);
typedef void (*uart_irq_fn)(void *opaque, int level);

struct uart {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uint8_t lsr;		/* sticky error bits only (OE); DR/THRE/TEMT are computed */
	uint8_t msr;		/* modem lines (bits 4-7) and their deltas (bits 0-3) */
	uint8_t fcr;		/* FCR bits that persist: 0 (FIFO enable), 3, 6-7 */
	uint8_t rx[UART_FIFO_SIZE];
	unsigned int rx_head, rx_count;
	int thr_ipending;	/* THRE interrupt pending (cleared by IIR read, set again
				 * by THR write: transmit is instantaneous) */
	int irq_level;		/* last level reported */
	uart_tx_fn tx;		/* may be NULL */
	uart_irq_fn irq;	/* may be NULL; called only when the level changes */
	void *opaque;
};

/**
 * uart_init() - a new model: power-on state and callbacks. The line is taken
 * as low (no irq callback): reset a model in use with uart_reset().
 */
void uart_init(struct uart *u, uart_tx_fn tx, uart_irq_fn irq, void *opaque);

/** uart_reset() - back to power-on state, callbacks kept; irq lowered. */
void uart_reset(struct uart *u);

/**
 * uart_read() - guest read of register @off (0..7); other offsets read 0.
 * Side effects as on the chip: RBR pops the FIFO (0 when empty), IIR
 * clears a reported THRE interrupt, LSR clears overrun, MSR clears deltas.
 */
uint8_t uart_read(struct uart *u, unsigned int off);

/** uart_write() - guest write of @val to register @off; others ignored. */
void uart_write(struct uart *u, unsigned int off, uint8_t val);

/**
 * uart_rx_push() - host side: offer @len received bytes.
 * Returns: how many were taken (0 when the FIFO is full or in loopback).
 */
size_t uart_rx_push(struct uart *u, const uint8_t *buf, size_t len);

/**
 * uart_thr_write_deferrable() - can a guest write to offset 0 be handled
 * later, in order, before the next access to any register? True when that
 * write cannot change the interrupt output: DLAB set (it is DLL), or
 * neither the THRE interrupt (IER bit 1) nor loopback is on. The byte then
 * only reaches the tx callback, and what a register read shows does not
 * depend on it. (pinvm then lets KVM queue such writes in its coalesced
 * MMIO ring instead of exiting for each byte.)
 */
bool uart_thr_write_deferrable(const struct uart *u);

/* The model's state in a snapshot: the registers, the FIFO and the two flags (docs/snapshot.md). */
#define UART_STATE_SIZE	(9 + UART_FIFO_SIZE + 3)

/** uart_save() - the state of @u in UART_STATE_SIZE bytes (no callbacks). */
void uart_save(const struct uart *u, uint8_t out[UART_STATE_SIZE]);

/**
 * uart_load() - put @u in the state @in describes; the callbacks stay.
 * The interrupt level is recomputed and reported through the irq callback
 * whatever its last value (the line outside may not know it).
 * Returns: 0; -EINVAL @len is not UART_STATE_SIZE or a field is out of
 * range (@u unchanged).
 */
int uart_load(struct uart *u, const uint8_t *in, size_t len);

#endif
