/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 16550A UART register model. Pure state machine: the owner supplies an
 * output callback and an interrupt-level callback, and feeds received bytes.
 * Not thread-safe: callers serialise access (one mutex per UART).
 *
 * Registers (byte offsets, reg-shift 0): 0 RBR/THR/DLL, 1 IER/DLM, 2 IIR/FCR,
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

#define UART_FIFO_SIZE	16

/* Register offsets (DLAB = LCR bit 7 banks DLL/DLM over RBR/THR and IER) */
#define UART_RBR	0	/* read, DLAB 0 */
#define UART_THR	0	/* write, DLAB 0 */
#define UART_DLL	0	/* DLAB 1 */
#define UART_IER	1	/* DLAB 0 */
#define UART_DLM	1	/* DLAB 1 */
#define UART_IIR	2	/* read */
#define UART_FCR	2	/* write */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

/* Bit values as in the 16550A data sheet (and Linux's serial_reg.h). */
#define UART_IER_RDI		0x01	/* received data available */
#define UART_IER_THRI		0x02	/* THR empty */
#define UART_IER_RLSI		0x04	/* receiver line status */
#define UART_IER_MSI		0x08	/* modem status */

#define UART_IIR_NO_INT		0x01
#define UART_IIR_ID		0x0e
#define UART_IIR_MSI		0x00
#define UART_IIR_THRI		0x02
#define UART_IIR_RDI		0x04
#define UART_IIR_RLSI		0x06
#define UART_IIR_FIFO_ENABLED	0xc0	/* FCR bit 0 set */

#define UART_FCR_ENABLE_FIFO	0x01
#define UART_FCR_CLEAR_RCVR	0x02
#define UART_FCR_CLEAR_XMIT	0x04

#define UART_LCR_DLAB		0x80

#define UART_MCR_DTR		0x01
#define UART_MCR_RTS		0x02
#define UART_MCR_OUT1		0x04
#define UART_MCR_OUT2		0x08
#define UART_MCR_LOOP		0x10

#define UART_LSR_DR		0x01
#define UART_LSR_OE		0x02
#define UART_LSR_PE		0x04
#define UART_LSR_FE		0x08
#define UART_LSR_BI		0x10
#define UART_LSR_THRE		0x20
#define UART_LSR_TEMT		0x40

#define UART_MSR_DCTS		0x01
#define UART_MSR_DDSR		0x02
#define UART_MSR_TERI		0x04
#define UART_MSR_DDCD		0x08
#define UART_MSR_CTS		0x10
#define UART_MSR_DSR		0x20
#define UART_MSR_RI		0x40
#define UART_MSR_DCD		0x80

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

/** uart_init() - reset state (as at power-on) and set callbacks. */
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

#endif
