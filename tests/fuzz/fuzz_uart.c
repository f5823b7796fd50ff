// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 16550A model under any sequence of guest register reads and writes
 * (offsets 0-8, the one past the end included), host receive pushes and
 * resets, three input bytes per operation. Invariants: the interrupt
 * callback fires only on a change and agrees with the model's level; the
 * FIFO stays within 16 bytes and takes exactly what fits (nothing in
 * loopback);
 * LSR.DR tells whether a byte waits; a THR write outside loopback and DLAB
 * sends exactly that byte, and loopback sends nothing to the host.
 */
#include <stdint.h>
#include <stdlib.h>

#include "pinvm/uart.h"

struct host {
	int level;
	unsigned long sent;
	uint8_t last;
};

static void host_tx(void *opaque, uint8_t byte)
{
	struct host *h = opaque;

	h->sent++;
	h->last = byte;
}

static void host_irq(void *opaque, int level)
{
	struct host *h = opaque;

	if (level == h->level || (level != 0 && level != 1))
		abort();
	h->level = level;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t pattern[32] = "0123456789abcdefghijklmnopqrstu";
	struct host h = { 0 };
	struct uart u;

	uart_init(&u, host_tx, host_irq, &h);
	for (size_t i = 0; i + 3 <= size; i += 3) {
		unsigned int off = data[i + 1] % 9;
		uint8_t val = data[i + 2];
		int loop = (u.mcr & UART_MCR_LOOP) != 0;
		int dlab = (u.lcr & UART_LCR_DLAB) != 0;

		switch (data[i] % 4) {
		case 0:
			(void)uart_read(&u, off);
			break;
		case 1: {
			unsigned long before = h.sent;

			uart_write(&u, off, val);
			if (off == UART_TX && !dlab && !loop && (h.sent != before + 1 || h.last != val))
				abort();
			if (loop && h.sent != before)
				abort();
			if (off != UART_TX && h.sent != before)
				abort();
			break;
		}
		case 2: {
			size_t want = val % 24, space = loop ? 0 : UART_FIFO_SIZE - u.rx_count;
			size_t took = uart_rx_push(&u, pattern, want);

			if (took != (want < space ? want : space))
				abort();
			if (loop && took)
				abort();
			break;
		}
		default:
			uart_reset(&u);
			break;
		}
		if (u.rx_count > UART_FIFO_SIZE || u.rx_head >= UART_FIFO_SIZE)
			abort();
		if (u.irq_level != h.level)
			abort();
		if (!(u.lcr & UART_LCR_DLAB) &&
		    ((uart_read(&u, UART_LSR) & UART_LSR_DR) != 0) != (u.rx_count != 0))
			abort();
	}
	return 0;
}
