// SPDX-License-Identifier: GPL-2.0-only
/*
 * 16550A UART register model (the part of the chip a guest driver can see).
 * No timing: transmit completes at once, so THR and the transmitter are
 * always empty; received bytes wait in a 16-byte FIFO until the guest reads
 * them. Every register access ends with uart_update_irq().
 */
#include "pinvm/uart.h"

#include <errno.h>
#include <string.h>

/* FCR bits that persist; 1 and 2 (FIFO clears) self-clear. */
#define UART_FCR_KEEP		0xc9
#define UART_IER_MASK		0x0f
#define UART_MCR_MASK		0x1f
#define UART_LSR_ERRORS		(UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)
#define UART_MSR_LINES		0xf0
#define UART_MSR_DELTAS		0x0f
/* Outside loopback the host side of the line is always "ready". */
#define UART_MSR_IDLE		(UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD)

static int uart_loopback(const struct uart *u)
{
	return !!(u->mcr & UART_MCR_LOOP);
}

/* The highest-priority pending interrupt, as IIR reports it. */
static uint8_t uart_iir(const struct uart *u)
{
	uint8_t iir;

	if ((u->ier & UART_IER_RLSI) && (u->lsr & UART_LSR_ERRORS))
		iir = UART_IIR_RLSI;
	else if ((u->ier & UART_IER_RDI) && u->rx_count)
		iir = UART_IIR_RDI;
	else if ((u->ier & UART_IER_THRI) && u->thr_ipending)
		iir = UART_IIR_THRI;
	else if ((u->ier & UART_IER_MSI) && (u->msr & UART_MSR_DELTAS))
		iir = UART_IIR_MSI;
	else
		iir = UART_IIR_NO_INT;

	if (u->fcr & UART_FCR_ENABLE_FIFO)
		iir |= UART_IIR_FIFO_ENABLED_16550A;
	return iir;
}

static void uart_update_irq(struct uart *u)
{
	int level = !(uart_iir(u) & UART_IIR_NO_INT);

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	if (u->irq)
		u->irq(u->opaque, level);
}

/* Recompute the modem input lines and latch the delta bits for changes. */
static void uart_update_msr(struct uart *u)
{
	uint8_t old = u->msr & UART_MSR_LINES, lines;

	if (uart_loopback(u)) {
		/* 16550A loopback wiring: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD */
		lines = 0;
		if (u->mcr & UART_MCR_DTR)
			lines |= UART_MSR_DSR;
		if (u->mcr & UART_MCR_RTS)
			lines |= UART_MSR_CTS;
		if (u->mcr & UART_MCR_OUT1)
			lines |= UART_MSR_RI;
		if (u->mcr & UART_MCR_OUT2)
			lines |= UART_MSR_DCD;
	} else {
		lines = UART_MSR_IDLE;
	}

	u->msr = (u->msr & UART_MSR_DELTAS) | lines;
	if ((old ^ lines) & UART_MSR_CTS)
		u->msr |= UART_MSR_DCTS;
	if ((old ^ lines) & UART_MSR_DSR)
		u->msr |= UART_MSR_DDSR;
	if ((old ^ lines) & UART_MSR_DCD)
		u->msr |= UART_MSR_DDCD;
	/* TERI: trailing edge of RI only */
	if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI))
		u->msr |= UART_MSR_TERI;
}

static void uart_rx_clear(struct uart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

static int uart_rx_put(struct uart *u, uint8_t byte)
{
	if (u->rx_count == UART_FIFO_SIZE)
		return 0;
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
	u->rx_count++;
	return 1;
}

void uart_reset(struct uart *u)
{
	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->scr = 0;
	u->dll = 0;
	u->dlm = 0;
	u->lsr = 0;
	u->fcr = 0;
	u->msr = UART_MSR_IDLE;
	u->thr_ipending = 0;
	memset(u->rx, 0, sizeof(u->rx));
	uart_rx_clear(u);
	uart_update_irq(u);
}

void uart_init(struct uart *u, uart_tx_fn tx, uart_irq_fn irq, void *opaque)
{
	memset(u, 0, sizeof(*u));
	u->tx = tx;
	u->irq = irq;
	u->opaque = opaque;
	uart_reset(u);
}

uint8_t uart_read(struct uart *u, unsigned int off)
{
	uint8_t val = 0;

	switch (off) {
	case UART_RX:
		if (u->lcr & UART_LCR_DLAB) {
			val = u->dll;
		} else if (u->rx_count) {
			val = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
			u->rx_count--;
		}
		break;
	case UART_IER:
		val = (u->lcr & UART_LCR_DLAB) ? u->dlm : u->ier;
		break;
	case UART_IIR:
		val = uart_iir(u);
		/* Reading IIR acknowledges THRE when THRE is what it reports. */
		if ((val & UART_IIR_ID) == UART_IIR_THRI)
			u->thr_ipending = 0;
		break;
	case UART_LCR:
		val = u->lcr;
		break;
	case UART_MCR:
		val = u->mcr;
		break;
	case UART_LSR:
		val = u->lsr | UART_LSR_THRE | UART_LSR_TEMT;
		if (u->rx_count)
			val |= UART_LSR_DR;
		u->lsr &= ~UART_LSR_ERRORS;
		break;
	case UART_MSR:
		val = u->msr;
		u->msr &= ~UART_MSR_DELTAS;
		break;
	case UART_SCR:
		val = u->scr;
		break;
	default:
		return 0;
	}

	uart_update_irq(u);
	return val;
}

static void uart_write_fcr(struct uart *u, uint8_t val)
{
	/* Enabling or disabling the FIFOs empties them. */
	if ((val ^ u->fcr) & UART_FCR_ENABLE_FIFO)
		uart_rx_clear(u);

	if (!(val & UART_FCR_ENABLE_FIFO)) {
		/* 16550A: the other bits are only written together with bit 0 */
		u->fcr = 0;
		return;
	}
	if (val & UART_FCR_CLEAR_RCVR)
		uart_rx_clear(u);
	/* UART_FCR_CLEAR_XMIT: the transmitter never holds anything */
	u->fcr = val & UART_FCR_KEEP;
}

static void uart_write_thr(struct uart *u, uint8_t val)
{
	if (uart_loopback(u)) {
		if (!uart_rx_put(u, val))
			u->lsr |= UART_LSR_OE;
	} else if (u->tx) {
		u->tx(u->opaque, val);
	}
	/* Sent at once: THR is empty again, so THRE is pending again. */
	u->thr_ipending = 1;
}

void uart_write(struct uart *u, unsigned int off, uint8_t val)
{
	uint8_t old;

	switch (off) {
	case UART_TX:
		if (u->lcr & UART_LCR_DLAB)
			u->dll = val;
		else
			uart_write_thr(u, val);
		break;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB) {
			u->dlm = val;
			break;
		}
		old = u->ier;
		u->ier = val & UART_IER_MASK;
		/* Enabling the THRE interrupt with THR empty raises it at once. */
		if ((u->ier & UART_IER_THRI) && !(old & UART_IER_THRI))
			u->thr_ipending = 1;
		break;
	case UART_FCR:
		uart_write_fcr(u, val);
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val & UART_MCR_MASK;
		uart_update_msr(u);
		break;
	case UART_SCR:
		u->scr = val;
		break;
	default:
		/* LSR and MSR are read-only (factory test writes are ignored) */
		return;
	}

	uart_update_irq(u);
}

size_t uart_rx_push(struct uart *u, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	if (uart_loopback(u))
		return 0;

	while (n < len && uart_rx_put(u, buf[n]))
		n++;

	uart_update_irq(u);
	return n;
}

bool uart_thr_write_deferrable(const struct uart *u)
{
	if (u->lcr & UART_LCR_DLAB)
		return true;
	return !uart_loopback(u) && !(u->ier & UART_IER_THRI);
}

void uart_save(const struct uart *u, uint8_t out[UART_STATE_SIZE])
{
	uint8_t *p = out;

	*p++ = u->ier;
	*p++ = u->lcr;
	*p++ = u->mcr;
	*p++ = u->scr;
	*p++ = u->dll;
	*p++ = u->dlm;
	*p++ = u->lsr;
	*p++ = u->msr;
	*p++ = u->fcr;
	/* The FIFO in order, oldest first: the head is not part of the state. */
	for (unsigned int i = 0; i < UART_FIFO_SIZE; i++)
		*p++ = i < u->rx_count ? u->rx[(u->rx_head + i) % UART_FIFO_SIZE] : 0;
	*p++ = (uint8_t)u->rx_count;
	*p++ = (uint8_t)!!u->thr_ipending;
	*p = 0;
}

int uart_load(struct uart *u, const uint8_t *in, size_t len)
{
	if (len != UART_STATE_SIZE || in[9 + UART_FIFO_SIZE] > UART_FIFO_SIZE ||
	    in[10 + UART_FIFO_SIZE] > 1 || in[11 + UART_FIFO_SIZE] ||
	    (in[0] & ~UART_IER_MASK) || (in[2] & ~UART_MCR_MASK) || (in[8] & ~UART_FCR_KEEP))
		return -EINVAL;
	u->ier = in[0];
	u->lcr = in[1];
	u->mcr = in[2];
	u->scr = in[3];
	u->dll = in[4];
	u->dlm = in[5];
	u->lsr = in[6];
	u->msr = in[7];
	u->fcr = in[8];
	memcpy(u->rx, in + 9, UART_FIFO_SIZE);
	u->rx_head = 0;
	u->rx_count = in[9 + UART_FIFO_SIZE];
	u->thr_ipending = in[10 + UART_FIFO_SIZE];
	/* Report the level even if unchanged: KVM's line starts low. */
	u->irq_level = -1;
	uart_update_irq(u);
	return 0;
}
