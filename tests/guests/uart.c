/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Console UART driver, polled, no interrupts, no line setup (pinvm's and
 * QEMU's models need none).
 *
 * 16550 (register index << reg-shift): 0 RBR (read) / THR (write),
 * 5 LSR: bit 0 DR data ready, bit 5 THRE transmit holding register empty.
 * PL011 (Arm PrimeCell UART TRM): 0x00 DR, 0x18 FR: bit 4 RXFE receive
 * FIFO empty, bit 5 TXFF transmit FIFO full.
 */
#include "uart.h"

#include <stdint.h>

#include "cpu.h"
#include "dt.h"
#include "lib.h"
#include "print.h"

#define NS16550_RBR	0
#define NS16550_THR	0
#define NS16550_LSR	5
#define NS16550_LSR_DR		0x01
#define NS16550_LSR_THRE	0x20

#define PL011_DR	0x00
#define PL011_FR	0x18
#define PL011_FR_RXFE		0x10
#define PL011_FR_TXFF		0x20

enum uart_kind {
	UART_NS16550,
	UART_PL011,
};

/* pinvm's console (include/pinvm/layout.h: LAYOUT_UART_BASE) until the DT says otherwise */
static struct {
	uintptr_t base;
	enum uart_kind kind;
	unsigned int shift;	/* 16550 reg-shift */
	char name[48];
} uart = { 0x01000000, UART_NS16550, 0, "ns16550a@0x1000000" };

static uintptr_t ns16550_reg(unsigned int index)
{
	return uart.base + ((uintptr_t)index << uart.shift);
}

/* Copy the path part of a stdout-path value ("path:options") into @buf. */
static void copy_path(char *buf, size_t size, const char *s)
{
	size_t n = 0;

	while (s[n] && s[n] != ':' && n + 1 < size) {
		buf[n] = s[n];
		n++;
	}
	buf[n] = '\0';
}

void uart_init(void)
{
	const char *s = dt_prop_str(dt_path("/chosen"), "stdout-path");
	char path[64];
	uint64_t base, size;
	int node;

	if (!s)
		s = dt_prop_str(dt_path("/chosen"), "linux,stdout-path");
	if (!s)
		return;
	copy_path(path, sizeof(path), s);
	/* Not a path: an alias ("serial0:115200n8"). */
	if (path[0] != '/') {
		s = dt_prop_str(dt_path("/aliases"), path);
		if (!s)
			return;
		copy_path(path, sizeof(path), s);
	}
	node = dt_path(path);
	if (!dt_reg(node, 0, &base, &size))
		return;
	if (dt_is_compatible(node, "arm,pl011")) {
		uart.kind = UART_PL011;
		uart.shift = 0;
		print_format(uart.name, sizeof(uart.name), "pl011@0x%lx", base);
	} else if (dt_is_compatible(node, "ns16550a") || dt_is_compatible(node, "ns16550")) {
		uart.kind = UART_NS16550;
		uart.shift = dt_prop_u32(node, "reg-shift", 0);
		print_format(uart.name, sizeof(uart.name), "ns16550a@0x%lx", base);
	} else {
		return;		/* unknown model: keep the default */
	}
	uart.base = (uintptr_t)base;
}

const char *uart_describe(void)
{
	return uart.name;
}

void uart_putc(char c)
{
	if (uart.kind == UART_PL011) {
		while (mmio_read32(uart.base + PL011_FR) & PL011_FR_TXFF)
			cpu_relax();
		mmio_write32(uart.base + PL011_DR, (uint8_t)c);
	} else {
		while (!(mmio_read8(ns16550_reg(NS16550_LSR)) & NS16550_LSR_THRE))
			cpu_relax();
		mmio_write8(ns16550_reg(NS16550_THR), (uint8_t)c);
	}
}

void uart_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s);
	}
}

bool uart_rx_ready(void)
{
	if (uart.kind == UART_PL011)
		return !(mmio_read32(uart.base + PL011_FR) & PL011_FR_RXFE);
	return mmio_read8(ns16550_reg(NS16550_LSR)) & NS16550_LSR_DR;
}

char uart_getc(void)
{
	while (!uart_rx_ready())
		cpu_relax();
	if (uart.kind == UART_PL011)
		return (char)(mmio_read32(uart.base + PL011_DR) & 0xff);
	return (char)mmio_read8(ns16550_reg(NS16550_RBR));
}
