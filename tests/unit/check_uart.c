// SPDX-License-Identifier: GPL-2.0-only
/*
 * uart: the 16550A register model as a guest driver sees it: reset values,
 * DLAB banking, transmit, the receive FIFO (refusal when full), IIR
 * priorities, interrupt level changes, FCR, loopback wiring and reset.
 */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "pinvm/uart.h"

struct host {
	uint8_t out[256];
	size_t nout;
	int irq_calls;
	int level;
};

static void host_tx(void *opaque, uint8_t byte)
{
	struct host *h = opaque;

	ck_assert_uint_lt(h->nout, sizeof(h->out));
	h->out[h->nout++] = byte;
}

static void host_irq(void *opaque, int level)
{
	struct host *h = opaque;

	/* the callback reports changes only */
	ck_assert_int_ne(level, h->level);
	h->level = level;
	h->irq_calls++;
}

static struct uart u;
static struct host h;

static void setup(void)
{
	memset(&h, 0, sizeof(h));
	uart_init(&u, host_tx, host_irq, &h);
}

static void push_str(const char *s)
{
	ck_assert_uint_eq(uart_rx_push(&u, (const uint8_t *)s, strlen(s)), strlen(s));
}

START_TEST(test_reset_values)
{
	ck_assert_uint_eq(uart_read(&u, UART_IER), 0x00);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x01);
	ck_assert_uint_eq(uart_read(&u, UART_LCR), 0x00);
	ck_assert_uint_eq(uart_read(&u, UART_MCR), 0x00);
	ck_assert_uint_eq(uart_read(&u, UART_LSR), 0x60);	/* THRE | TEMT */
	ck_assert_uint_eq(uart_read(&u, UART_MSR), 0xb0);	/* DCD | DSR | CTS */
	ck_assert_uint_eq(uart_read(&u, UART_SCR), 0x00);
	ck_assert_uint_eq(uart_read(&u, UART_RX), 0x00);
	ck_assert_uint_eq(u.rx_count, 0);
	ck_assert_int_eq(h.irq_calls, 0);
	ck_assert_int_eq(u.irq_level, 0);
}
END_TEST

START_TEST(test_bit_values)
{
	/* the values the 16550A data sheet and Linux's serial_reg.h give */
	ck_assert_uint_eq(UART_LSR_DR, 0x01);
	ck_assert_uint_eq(UART_LSR_THRE, 0x20);
	ck_assert_uint_eq(UART_LSR_TEMT, 0x40);
	ck_assert_uint_eq(UART_IIR_RLSI, 0x06);
	ck_assert_uint_eq(UART_IIR_RDI, 0x04);
	ck_assert_uint_eq(UART_IIR_THRI, 0x02);
	ck_assert_uint_eq(UART_IIR_NO_INT, 0x01);
	ck_assert_uint_eq(UART_IIR_FIFO_ENABLED_16550A, 0xc0);
	ck_assert_uint_eq(UART_LCR_DLAB, 0x80);
	ck_assert_uint_eq(UART_MCR_LOOP, 0x10);
}
END_TEST

START_TEST(test_tx)
{
	const char *msg = "Hello\r\n";
	size_t i;

	for (i = 0; msg[i]; i++) {
		ck_assert_uint_eq(uart_read(&u, UART_LSR) & UART_LSR_THRE, UART_LSR_THRE);
		uart_write(&u, UART_TX, (uint8_t)msg[i]);
	}
	ck_assert_uint_eq(h.nout, strlen(msg));
	ck_assert_int_eq(memcmp(h.out, msg, h.nout), 0);
	/* transmit is instantaneous */
	ck_assert_uint_eq(uart_read(&u, UART_LSR), 0x60);
}
END_TEST

START_TEST(test_tx_without_callback)
{
	struct uart v;

	uart_init(&v, NULL, NULL, NULL);
	uart_write(&v, UART_IER, UART_IER_THRI);
	uart_write(&v, UART_TX, 'x');
	ck_assert_int_eq(v.irq_level, 1);
	ck_assert_uint_eq(uart_read(&v, UART_IIR), 0x02);
	ck_assert_int_eq(v.irq_level, 0);
}
END_TEST

START_TEST(test_dlab)
{
	uart_write(&u, UART_IER, 0x05);
	uart_write(&u, UART_LCR, UART_LCR_DLAB | 0x03);
	uart_write(&u, UART_DLL, 0x0c);
	uart_write(&u, UART_DLM, 0x01);
	ck_assert_uint_eq(uart_read(&u, UART_DLL), 0x0c);
	ck_assert_uint_eq(uart_read(&u, UART_DLM), 0x01);
	ck_assert_uint_eq(uart_read(&u, UART_LCR), 0x83);
	/* with DLAB set, offset 0 is not THR: nothing is sent */
	ck_assert_uint_eq(h.nout, 0);

	/* bytes received meanwhile stay in the FIFO, not in DLL */
	push_str("z");
	ck_assert_uint_eq(uart_read(&u, UART_DLL), 0x0c);
	ck_assert_uint_eq(u.rx_count, 1);

	uart_write(&u, UART_LCR, 0x03);
	ck_assert_uint_eq(uart_read(&u, UART_IER), 0x05);	/* DLM write left IER alone */
	ck_assert_uint_eq(uart_read(&u, UART_RX), 'z');
	uart_write(&u, UART_TX, 'a');
	ck_assert_uint_eq(h.nout, 1);

	/* divisor latch survives leaving DLAB */
	uart_write(&u, UART_LCR, UART_LCR_DLAB);
	ck_assert_uint_eq(uart_read(&u, UART_DLL), 0x0c);
	ck_assert_uint_eq(uart_read(&u, UART_DLM), 0x01);
}
END_TEST

START_TEST(test_scr_and_masks)
{
	uart_write(&u, UART_SCR, 0xa5);
	ck_assert_uint_eq(uart_read(&u, UART_SCR), 0xa5);
	/* IER bits 4-7 and MCR bits 5-7 do not exist */
	uart_write(&u, UART_IER, 0xf0);
	ck_assert_uint_eq(uart_read(&u, UART_IER), 0x00);
	uart_write(&u, UART_MCR, 0xe3);
	ck_assert_uint_eq(uart_read(&u, UART_MCR), 0x03);
	/* LSR and MSR are read-only; offsets past 7 do nothing */
	uart_write(&u, UART_LSR, 0x00);
	ck_assert_uint_eq(uart_read(&u, UART_LSR), 0x60);
	uart_write(&u, UART_MSR, 0x00);
	ck_assert_uint_eq(uart_read(&u, UART_MSR), 0xb0);
	uart_write(&u, 8, 0xff);
	ck_assert_uint_eq(uart_read(&u, 8), 0);
	ck_assert_uint_eq(uart_read(&u, 0x100), 0);
	ck_assert_uint_eq(h.nout, 0);
}
END_TEST

START_TEST(test_rx)
{
	push_str("abc");
	ck_assert_uint_eq(uart_read(&u, UART_LSR), 0x61);
	ck_assert_uint_eq(uart_read(&u, UART_RX), 'a');
	ck_assert_uint_eq(uart_read(&u, UART_RX), 'b');
	ck_assert_uint_eq(uart_read(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	ck_assert_uint_eq(uart_read(&u, UART_RX), 'c');
	ck_assert_uint_eq(uart_read(&u, UART_LSR), 0x60);
	ck_assert_uint_eq(uart_read(&u, UART_RX), 0);
	ck_assert_uint_eq(u.rx_count, 0);
}
END_TEST

START_TEST(test_rx_fifo_full)
{
	uint8_t in[40];
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)('A' + i);

	/* 16 taken, the rest refused (the host keeps them) */
	ck_assert_uint_eq(uart_rx_push(&u, in, 20), UART_FIFO_SIZE);
	ck_assert_uint_eq(u.rx_count, UART_FIFO_SIZE);
	ck_assert_uint_eq(uart_rx_push(&u, in + 16, 4), 0);
	/* refusal is not an overrun */
	ck_assert_uint_eq(uart_read(&u, UART_LSR), 0x61);

	/* one out, one in: order survives the wrap of the ring */
	ck_assert_uint_eq(uart_read(&u, UART_RX), 'A');
	ck_assert_uint_eq(u.rx_count, UART_FIFO_SIZE - 1);
	ck_assert_uint_eq(uart_rx_push(&u, in + 16, 4), 1);
	for (i = 1; i <= 16; i++)
		ck_assert_uint_eq(uart_read(&u, UART_RX), in[i]);
	ck_assert_uint_eq(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);

	ck_assert_uint_eq(uart_rx_push(&u, in, 0), 0);
}
END_TEST

START_TEST(test_rx_irq)
{
	uart_write(&u, UART_IER, UART_IER_RDI);
	ck_assert_int_eq(h.irq_calls, 0);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x01);

	push_str("hi");
	ck_assert_int_eq(h.level, 1);
	ck_assert_int_eq(h.irq_calls, 1);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x04);
	/* more data while already raised: no new callback */
	push_str("!");
	ck_assert_int_eq(h.irq_calls, 1);

	ck_assert_uint_eq(uart_read(&u, UART_RX), 'h');
	ck_assert_uint_eq(uart_read(&u, UART_RX), 'i');
	ck_assert_int_eq(h.level, 1);
	ck_assert_uint_eq(uart_read(&u, UART_RX), '!');
	ck_assert_int_eq(h.level, 0);
	ck_assert_int_eq(h.irq_calls, 2);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x01);

	/* masking the source lowers the line */
	push_str("x");
	ck_assert_int_eq(h.level, 1);
	uart_write(&u, UART_IER, 0);
	ck_assert_int_eq(h.level, 0);
	ck_assert_int_eq(h.irq_calls, 4);
}
END_TEST

START_TEST(test_thre_irq)
{
	/* enabling THRI with THR empty raises it at once */
	uart_write(&u, UART_IER, UART_IER_THRI);
	ck_assert_int_eq(h.level, 1);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x02);
	/* that IIR read acknowledged it */
	ck_assert_int_eq(h.level, 0);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x01);

	/* each transmitted byte empties THR again */
	uart_write(&u, UART_TX, 'x');
	ck_assert_int_eq(h.level, 1);
	uart_write(&u, UART_TX, 'y');
	ck_assert_int_eq(h.irq_calls, 3);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x02);
	ck_assert_int_eq(h.level, 0);

	/* re-enabling raises it again; disabling drops it */
	uart_write(&u, UART_IER, 0);
	uart_write(&u, UART_IER, UART_IER_THRI);
	ck_assert_int_eq(h.level, 1);
	uart_write(&u, UART_IER, 0);
	ck_assert_int_eq(h.level, 0);
	ck_assert_int_eq(h.irq_calls, 6);
}
END_TEST

/* A deferrable THR write changes no interrupt and no register a read shows. */
START_TEST(test_thr_deferrable)
{
	uint8_t before[8];

	ck_assert(uart_thr_write_deferrable(&u));
	/* interrupt-driven receive (Linux with its tty open) still qualifies */
	uart_write(&u, UART_IER, UART_IER_RDI | UART_IER_RLSI);
	uart_write(&u, UART_FCR, UART_FCR_ENABLE_FIFO);
	ck_assert(uart_thr_write_deferrable(&u));
	for (unsigned int off = 0; off < 8; off++)
		before[off] = off == UART_RX ? 0 : uart_read(&u, off);
	uart_write(&u, UART_TX, 'x');
	ck_assert_int_eq(h.irq_calls, 0);
	for (unsigned int off = 1; off < 8; off++)
		ck_assert_uint_eq(uart_read(&u, off), before[off]);
	ck_assert_uint_eq(h.nout, 1);

	/* the THRE interrupt: each write raises it */
	uart_write(&u, UART_IER, UART_IER_THRI);
	ck_assert(!uart_thr_write_deferrable(&u));
	/* DLAB: the write goes to DLL */
	uart_write(&u, UART_LCR, UART_LCR_DLAB);
	ck_assert(uart_thr_write_deferrable(&u));
	uart_write(&u, UART_LCR, 0);
	uart_write(&u, UART_IER, 0);
	ck_assert(uart_thr_write_deferrable(&u));
	/* loopback: the byte goes to the receive FIFO */
	uart_write(&u, UART_MCR, UART_MCR_LOOP);
	ck_assert(!uart_thr_write_deferrable(&u));
}
END_TEST

/* Line status > received data > THR empty > modem status > none. */
START_TEST(test_iir_priorities)
{
	unsigned int i;

	uart_write(&u, UART_FCR, UART_FCR_ENABLE_FIFO);
	uart_write(&u, UART_IER, 0x0f);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0xc2);	/* THRE, acknowledged */
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0xc1);

	/* entering loopback drops CTS/DSR/DCD: modem status deltas */
	uart_write(&u, UART_MCR, UART_MCR_LOOP);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0xc0);
	ck_assert_int_eq(h.level, 1);
	ck_assert_uint_eq(uart_read(&u, UART_MSR), 0x0b);	/* DDCD | DDSR | DCTS */
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0xc1);
	ck_assert_int_eq(h.level, 0);

	/* 17 bytes into a 16-byte FIFO: overrun */
	for (i = 0; i < UART_FIFO_SIZE + 1; i++)
		uart_write(&u, UART_TX, (uint8_t)('a' + i));
	ck_assert_int_eq(h.level, 1);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0xc6);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0xc6);	/* IIR read does not clear it */
	ck_assert_uint_eq(uart_read(&u, UART_LSR), 0x63);	/* OE | DR | THRE | TEMT */
	ck_assert_uint_eq(uart_read(&u, UART_LSR), 0x61);	/* OE cleared by the read */
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0xc4);

	for (i = 0; i < UART_FIFO_SIZE; i++)
		ck_assert_uint_eq(uart_read(&u, UART_RX), 'a' + i);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0xc2);	/* THRE from the writes */
	ck_assert_int_eq(h.level, 0);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0xc1);
	ck_assert_int_eq(h.level, 0);
	ck_assert_uint_eq(h.nout, 0);	/* loopback: nothing left the chip */
}
END_TEST

START_TEST(test_line_status_needs_ier)
{
	unsigned int i;

	uart_write(&u, UART_MCR, UART_MCR_LOOP);
	for (i = 0; i < UART_FIFO_SIZE + 1; i++)
		uart_write(&u, UART_TX, 'x');
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x01);
	ck_assert_int_eq(h.irq_calls, 0);
	uart_write(&u, UART_IER, UART_IER_RLSI);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x06);
	ck_assert_int_eq(h.level, 1);
	ck_assert_uint_eq(uart_read(&u, UART_LSR) & UART_LSR_OE, UART_LSR_OE);
	ck_assert_int_eq(h.level, 0);
}
END_TEST

START_TEST(test_fcr)
{
	/* 16450 mode: no FIFO bits in IIR */
	ck_assert_uint_eq(uart_read(&u, UART_IIR) & 0xc0, 0);
	uart_write(&u, UART_FCR, UART_FCR_ENABLE_FIFO | 0xc0);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0xc1);
	ck_assert_uint_eq(u.fcr, 0xc1);

	push_str("abcd");
	uart_write(&u, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT);
	ck_assert_uint_eq(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
	ck_assert_uint_eq(u.rx_count, 0);
	ck_assert_uint_eq(u.fcr & (UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT), 0);

	/* disabling the FIFOs empties them; so does enabling */
	push_str("ef");
	uart_write(&u, UART_FCR, 0);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x01);
	ck_assert_uint_eq(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
	push_str("gh");
	uart_write(&u, UART_FCR, UART_FCR_ENABLE_FIFO);
	ck_assert_uint_eq(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);

	/* rewriting the same enable keeps the data */
	push_str("ij");
	uart_write(&u, UART_FCR, UART_FCR_ENABLE_FIFO | 0x40);
	ck_assert_uint_eq(uart_read(&u, UART_RX), 'i');

	/* without bit 0 the other bits are not written */
	uart_write(&u, UART_FCR, 0);
	uart_write(&u, UART_FCR, 0xc0);
	ck_assert_uint_eq(u.fcr, 0);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x01);
}
END_TEST

START_TEST(test_fifo_clear_lowers_irq)
{
	uart_write(&u, UART_FCR, UART_FCR_ENABLE_FIFO);
	uart_write(&u, UART_IER, UART_IER_RDI);
	push_str("q");
	ck_assert_int_eq(h.level, 1);
	uart_write(&u, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR);
	ck_assert_int_eq(h.level, 0);
	ck_assert_int_eq(h.irq_calls, 2);
}
END_TEST

START_TEST(test_loopback)
{
	uart_write(&u, UART_MCR, UART_MCR_LOOP);
	ck_assert_uint_eq(uart_rx_push(&u, (const uint8_t *)"no", 2), 0);

	uart_write(&u, UART_TX, 0x55);
	uart_write(&u, UART_TX, 0xaa);
	ck_assert_uint_eq(h.nout, 0);
	ck_assert_uint_eq(uart_read(&u, UART_LSR), 0x61);
	ck_assert_uint_eq(uart_read(&u, UART_RX), 0x55);
	ck_assert_uint_eq(uart_read(&u, UART_RX), 0xaa);

	/* leaving loopback reconnects the host */
	uart_write(&u, UART_MCR, 0);
	ck_assert_uint_eq(u.rx_count, 0);
	uart_write(&u, UART_TX, 'k');
	ck_assert_uint_eq(h.nout, 1);
	ck_assert_uint_eq(h.out[0], 'k');
	ck_assert_uint_eq(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
}
END_TEST

/* Loopback wiring: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
START_TEST(test_loopback_modem_lines)
{
	/* Linux 8250 autoconfig: LOOP | RTS | OUT2 must read 0x90 in MSR[7:4] */
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_OUT2);
	ck_assert_uint_eq(uart_read(&u, UART_MSR) & 0xf0, 0x90);

	uart_write(&u, UART_MCR, UART_MCR_LOOP);
	(void)uart_read(&u, UART_MSR);
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
	ck_assert_uint_eq(uart_read(&u, UART_MSR), UART_MSR_DSR | UART_MSR_DDSR);
	ck_assert_uint_eq(uart_read(&u, UART_MSR), UART_MSR_DSR);	/* deltas cleared */

	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1);
	/* RI rising: no TERI; DSR fell: DDSR */
	ck_assert_uint_eq(uart_read(&u, UART_MSR), UART_MSR_RI | UART_MSR_DDSR);
	uart_write(&u, UART_MCR, UART_MCR_LOOP);
	/* RI falling: TERI */
	ck_assert_uint_eq(uart_read(&u, UART_MSR), UART_MSR_TERI);

	uart_write(&u, UART_MCR, UART_MCR_LOOP | 0x0f);
	ck_assert_uint_eq(uart_read(&u, UART_MSR) & 0xf0, 0xf0);

	/* out of loopback: CTS, DSR, DCD asserted again */
	uart_write(&u, UART_MCR, 0);
	ck_assert_uint_eq(uart_read(&u, UART_MSR), 0xb4);	/* lines + TERI */
	ck_assert_uint_eq(uart_read(&u, UART_MSR), 0xb0);
}
END_TEST

START_TEST(test_modem_status_irq)
{
	uart_write(&u, UART_IER, UART_IER_MSI);
	ck_assert_int_eq(h.irq_calls, 0);
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	/* DCD, DSR, CTS stay asserted through the switch: no delta */
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x01);
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_RTS);
	ck_assert_int_eq(h.level, 1);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x00);
	ck_assert_uint_eq(uart_read(&u, UART_MSR), 0x38);	/* DSR | CTS | DDCD */
	ck_assert_int_eq(h.level, 0);
}
END_TEST

START_TEST(test_reset)
{
	uart_write(&u, UART_LCR, UART_LCR_DLAB);
	uart_write(&u, UART_DLL, 3);
	uart_write(&u, UART_LCR, 0x1b);
	uart_write(&u, UART_FCR, 0xc1);
	uart_write(&u, UART_SCR, 0x42);
	uart_write(&u, UART_IER, UART_IER_RDI | UART_IER_THRI);
	push_str("data");
	ck_assert_int_eq(h.level, 1);
	ck_assert_int_eq(h.irq_calls, 1);

	uart_reset(&u);
	ck_assert_int_eq(h.level, 0);
	ck_assert_int_eq(h.irq_calls, 2);
	ck_assert_uint_eq(uart_read(&u, UART_IER), 0);
	ck_assert_uint_eq(uart_read(&u, UART_IIR), 0x01);
	ck_assert_uint_eq(uart_read(&u, UART_LCR), 0);
	ck_assert_uint_eq(uart_read(&u, UART_LSR), 0x60);
	ck_assert_uint_eq(uart_read(&u, UART_MSR), 0xb0);
	ck_assert_uint_eq(uart_read(&u, UART_SCR), 0);
	ck_assert_uint_eq(u.rx_count, 0);

	/* callbacks kept */
	uart_write(&u, UART_TX, '!');
	ck_assert_uint_eq(h.nout, 1);
	uart_write(&u, UART_IER, UART_IER_THRI);
	ck_assert_int_eq(h.level, 1);

	/* a reset with the line low makes no callback */
	uart_write(&u, UART_IER, 0);
	ck_assert_int_eq(h.irq_calls, 4);
	uart_reset(&u);
	ck_assert_int_eq(h.irq_calls, 4);
}
END_TEST

static Suite *uart_suite(void)
{
	Suite *s = suite_create("uart");
	TCase *tc;

	tc = tcase_create("registers");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_reset_values);
	tcase_add_test(tc, test_bit_values);
	tcase_add_test(tc, test_tx);
	tcase_add_test(tc, test_tx_without_callback);
	tcase_add_test(tc, test_dlab);
	tcase_add_test(tc, test_scr_and_masks);
	tcase_add_test(tc, test_fcr);
	tcase_add_test(tc, test_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("receive");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_rx);
	tcase_add_test(tc, test_rx_fifo_full);
	suite_add_tcase(s, tc);

	tc = tcase_create("interrupts");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_rx_irq);
	tcase_add_test(tc, test_thre_irq);
	tcase_add_test(tc, test_thr_deferrable);
	tcase_add_test(tc, test_iir_priorities);
	tcase_add_test(tc, test_line_status_needs_ier);
	tcase_add_test(tc, test_fifo_clear_lowers_irq);
	tcase_add_test(tc, test_modem_status_irq);
	suite_add_tcase(s, tc);

	tc = tcase_create("loopback");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_loopback);
	tcase_add_test(tc, test_loopback_modem_lines);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	return harness_run(uart_suite());
}
