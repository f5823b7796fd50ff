// SPDX-License-Identifier: GPL-2.0-only
/*
 * The console device's glue: when THR becomes a coalesced zone and when it
 * stops being one (uartio_tx_decide()), line-buffered output, input, the
 * flush tick, and the reset.
 */
#include <string.h>

#include "harness.h"
#include "pinvm/uartio.h"

START_TEST(test_decide_zone_on)
{
	unsigned int credit = 0;

	/* UARTIO_COALESCE_AFTER deferrable THR writes in a row, then the zone. */
	for (unsigned int i = 1; i < UARTIO_COALESCE_AFTER; i++) {
		ck_assert_int_eq(uartio_tx_decide(true, false, UART_TX, true, &credit),
				 UARTIO_TX_KEEP);
		ck_assert_uint_eq(credit, i);
	}
	ck_assert_int_eq(uartio_tx_decide(true, false, UART_TX, true, &credit),
			 UARTIO_TX_ZONE_ON);
	/* Already a zone: nothing more. */
	ck_assert_int_eq(uartio_tx_decide(true, true, UART_TX, true, &credit), UARTIO_TX_KEEP);
}
END_TEST

START_TEST(test_decide_other_accesses)
{
	unsigned int credit = 5;

	/* LSR polls and RBR reads between the writes neither count nor reset. */
	ck_assert_int_eq(uartio_tx_decide(true, false, UART_LSR, false, &credit), UARTIO_TX_KEEP);
	ck_assert_int_eq(uartio_tx_decide(true, false, UART_RX, false, &credit), UARTIO_TX_KEEP);
	ck_assert_int_eq(uartio_tx_decide(true, false, UART_SCR, true, &credit), UARTIO_TX_KEEP);
	ck_assert_uint_eq(credit, 5);
}
END_TEST

START_TEST(test_decide_zone_off)
{
	unsigned int credit = 40;

	/* A THR write could interrupt now (THRE interrupt on, loopback): no zone. */
	ck_assert_int_eq(uartio_tx_decide(false, true, UART_IER, true, &credit),
			 UARTIO_TX_ZONE_OFF);
	ck_assert_uint_eq(credit, 0);
	credit = 40;
	ck_assert_int_eq(uartio_tx_decide(false, false, UART_TX, true, &credit), UARTIO_TX_KEEP);
	ck_assert_uint_eq(credit, 0);
}
END_TEST

static char out[8192];
static size_t out_len, out_calls;

static void capture(void *opaque, const void *buf, size_t len)
{
	(void)opaque;
	ck_assert_uint_le(out_len + len, sizeof(out));
	memcpy(out + out_len, buf, len);
	out_len += len;
	out_calls++;
}

static struct uartio u;

static void setup(void)
{
	out_len = out_calls = 0;
	uartio_init(&u, -1, 0x1000000, 0, capture, NULL);
}

static void teardown(void)
{
	uartio_destroy(&u);
}

static void put(const char *s)
{
	for (; *s; s++) {
		uint8_t b = (uint8_t)*s;

		uartio_mmio(&u, UART_TX, &b, 1, true);
	}
}

START_TEST(test_line_buffered)
{
	put("hello\nwor");
	ck_assert_uint_eq(out_calls, 1);
	ck_assert_uint_eq(out_len, 6);
	ck_assert(!memcmp(out, "hello\n", 6));
	/* A partial line keeps the loop ticking, and goes out at the tick. */
	ck_assert_int_eq(uartio_loop_timeout(&u), UARTIO_TICK_MS);
	uartio_flush(&u);
	ck_assert_uint_eq(out_len, 9);
	ck_assert(!memcmp(out, "hello\nwor", 9));
	/* Nothing pending: the loop may sleep. */
	ck_assert_int_eq(uartio_loop_timeout(&u), -1);
}
END_TEST

START_TEST(test_long_line)
{
	/* 4 KiB without a newline go out as one write. */
	for (int i = 0; i < 4096; i++)
		put("x");
	ck_assert_uint_eq(out_calls, 1);
	ck_assert_uint_eq(out_len, 4096);
}
END_TEST

START_TEST(test_input_and_reset)
{
	const uint8_t in[] = "ab";
	uint8_t v = 0, ier = UART_IER_RDI;

	ck_assert_uint_eq(uartio_feed(&u, in, 2), 2);
	uartio_mmio(&u, UART_IER, &ier, 1, true);
	ck_assert_int_eq(u.uart.irq_level, 1);
	uartio_mmio(&u, UART_RX, &v, 1, false);
	ck_assert_uint_eq(v, 'a');
	put("partial");
	/* Reset: pending output goes out first, the FIFO empties, the line drops. */
	uartio_reset(&u);
	ck_assert_uint_eq(out_len, 7);
	ck_assert_int_eq(u.uart.irq_level, 0);
	uartio_mmio(&u, UART_LSR, &v, 1, false);
	ck_assert_uint_eq(v & UART_LSR_DR, 0);
	uartio_mmio(&u, UART_IER, &v, 1, false);
	ck_assert_uint_eq(v, 0);
}
END_TEST

START_TEST(test_discard)
{
	struct uartio d;

	uartio_init(&d, -1, 0x1000000, 0, NULL, NULL);
	for (int i = 0; i < 5000; i++) {
		uint8_t b = 'z';

		uartio_mmio(&d, UART_TX, &b, 1, true);
	}
	ck_assert_int_eq(uartio_loop_timeout(&d), -1);
	uartio_destroy(&d);
}
END_TEST

static Suite *uartio_suite(void)
{
	Suite *s = suite_create("uartio");
	TCase *tc;

	tc = tcase_create("decide");
	tcase_add_test(tc, test_decide_zone_on);
	tcase_add_test(tc, test_decide_other_accesses);
	tcase_add_test(tc, test_decide_zone_off);
	suite_add_tcase(s, tc);

	tc = tcase_create("device");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_line_buffered);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_input_and_reset);
	tcase_add_test(tc, test_discard);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(uartio_suite());
}
