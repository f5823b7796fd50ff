/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device-path tests: unmapped MMIO, console output throughput, console
 * input (echo-reset: a line, then SYSTEM_RESET).
 */
#include "args.h"
#include "cpu.h"
#include "print.h"
#include "psci.h"
#include "tests.h"
#include "uart.h"

/*
 * Nothing lives between pinvm's UART (0x1000000) and the GIC
 * (include/pinvm/layout.h), so 0x2000000 up is unmapped: writes are
 * dropped and reads return 0.
 */
#define HAMMER_BASE	0x02000000ULL
#define HAMMER_SLOTS	4096		/* distinct 8-byte slots, then repeats */

/* Access i: slot i % HAMMER_SLOTS, width 1, 2, 4, 8 bytes in turn; write, then read back. */
static uint64_t hammer_one(uintptr_t addr, uint64_t i)
{
	uint64_t pattern = 0xa5a5a5a500000000ULL | i;

	switch (i & 3) {
	case 0:
		mmio_write8(addr, (uint8_t)pattern);
		return mmio_read8(addr);
	case 1:
		mmio_write16(addr, (uint16_t)pattern);
		return mmio_read16(addr);
	case 2:
		mmio_write32(addr, (uint32_t)pattern);
		return mmio_read32(addr);
	default:
		mmio_write64(addr, pattern);
		return mmio_read64(addr);
	}
}

void test_mmio_hammer(void)
{
	uint64_t count = args_u64("count", 1024), base = args_u64("base", HAMMER_BASE);
	uint64_t nonzero = 0, seen = 0;

	say("mmio-hammer base 0x%lx count %lu", base, count);
	for (uint64_t i = 0; i < count; i++) {
		uintptr_t addr = (uintptr_t)(base + 8 * (i % HAMMER_SLOTS));
		uint64_t v = hammer_one(addr, i);

		if (v) {
			if (nonzero < 4)
				say("mmio-hammer read 0x%lx at 0x%lx", v, (uint64_t)addr);
			nonzero++;
		}
		seen |= v;
	}
	say("mmio-hammer done count %lu nonzero %lu or 0x%lx", count, nonzero, seen);
	psci_system_off();
}

/*
 * bytes=N raw bytes between the start line and the end line: lines of 63
 * letters and a LF (no CR: the count is exact), then CR LF before the end
 * line so it starts a line of its own.
 */
void test_uart_flood(void)
{
	uint64_t bytes = args_u64("bytes", 4096);

	say("flood start bytes %lu", bytes);
	for (uint64_t i = 0; i < bytes; i++)
		uart_putc(i % 64 == 63 ? '\n' : (char)('a' + i % 64 % 26));
	uart_puts("\n");
	say("flood end");
	psci_system_off();
}

/*
 * One line from the console, up to CR or LF (leading ones are skipped, so
 * "\r\n" endings and stray newlines before the text do no harm).
 * Non-printable characters are echoed as '?'.
 */
static void echo_line(void)
{
	char line[128];
	size_t n = 0;

	say("echo ready");
	for (;;) {
		char c = uart_getc();

		if (c == '\r' || c == '\n') {
			if (n)
				break;
			continue;
		}
		if (n + 1 < sizeof(line))
			line[n++] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	line[n] = '\0';
	say("echo: %s", line);
}

void test_echo(void)
{
	echo_line();
	psci_system_off();
}

/* A line, then SYSTEM_RESET: the test driver picks the moment of each restart. */
void test_echo_reset(void)
{
	int64_t r;

	echo_line();
	r = psci_call(PSCI_FN(PSCI_SYSTEM_RESET), 0, 0, 0);
	say("reset returned %ld", r);
	psci_system_off();
}
