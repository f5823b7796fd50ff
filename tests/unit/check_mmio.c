// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmio: registration rules (size, wrap, overlap, table size), dispatch to
 * the right handler with the right offset, the unmapped policy (reads zero,
 * writes dropped, each address reported once, one final "table full").
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "pinvm/mmio.h"

struct dev {
	int calls;
	uint64_t offset;
	unsigned int len;
	bool is_write;
	uint8_t last_write[8];
	uint8_t fill;
};

static void dev_fn(void *opaque, uint64_t offset, uint8_t *data, unsigned int len, bool is_write)
{
	struct dev *d = opaque;

	d->calls++;
	d->offset = offset;
	d->len = len;
	d->is_write = is_write;
	if (is_write)
		memcpy(d->last_write, data, len);
	else
		memset(data, d->fill, len);
}

#define MAX_REPORTS	256

struct reports {
	int n;
	uint64_t addr[MAX_REPORTS];
	unsigned int len[MAX_REPORTS];
	bool is_write[MAX_REPORTS];
	bool last[MAX_REPORTS];
};

static void report_fn(void *opaque, uint64_t addr, unsigned int len, bool is_write, bool last)
{
	struct reports *r = opaque;

	ck_assert_int_lt(r->n, MAX_REPORTS);
	r->addr[r->n] = addr;
	r->len[r->n] = len;
	r->is_write[r->n] = is_write;
	r->last[r->n] = last;
	r->n++;
}

static struct mmio_bus bus;
static struct reports reps;

static void setup(void)
{
	memset(&reps, 0, sizeof(reps));
	mmio_init(&bus, report_fn, &reps);
}

static void teardown(void)
{
	mmio_destroy(&bus);
}

START_TEST(test_register_errors)
{
	struct dev d = { 0 };

	ck_assert_int_eq(mmio_register(&bus, 0x1000, 0, dev_fn, &d), -EINVAL);
	ck_assert_int_eq(mmio_register(&bus, UINT64_MAX, 2, dev_fn, &d), -EINVAL);
	ck_assert_int_eq(mmio_register(&bus, 0x1000, 0x100, NULL, &d), -EINVAL);
	ck_assert_uint_eq(bus.nr_regions, 0);

	/* ending exactly at the top of the address space is fine */
	ck_assert_int_eq(mmio_register(&bus, UINT64_MAX - 0xff, 0x100, dev_fn, &d), 0);
	ck_assert_int_eq(mmio_register(&bus, UINT64_MAX, 1, dev_fn, &d), -EEXIST);
}
END_TEST

/* [0x1000, 0x1100) against ranges that touch it or overlap by one byte. */
START_TEST(test_register_overlap)
{
	struct dev d = { 0 };

	ck_assert_int_eq(mmio_register(&bus, 0x1000, 0x100, dev_fn, &d), 0);
	ck_assert_int_eq(mmio_register(&bus, 0x1000, 0x100, dev_fn, &d), -EEXIST);
	ck_assert_int_eq(mmio_register(&bus, 0x10ff, 1, dev_fn, &d), -EEXIST);
	ck_assert_int_eq(mmio_register(&bus, 0xf00, 0x101, dev_fn, &d), -EEXIST);
	ck_assert_int_eq(mmio_register(&bus, 0x0, 0x10000, dev_fn, &d), -EEXIST);
	ck_assert_int_eq(mmio_register(&bus, 0x1080, 0x10, dev_fn, &d), -EEXIST);
	ck_assert_uint_eq(bus.nr_regions, 1);
	/* adjacent on both sides */
	ck_assert_int_eq(mmio_register(&bus, 0xf00, 0x100, dev_fn, &d), 0);
	ck_assert_int_eq(mmio_register(&bus, 0x1100, 0x100, dev_fn, &d), 0);
	ck_assert_uint_eq(bus.nr_regions, 3);
}
END_TEST

START_TEST(test_register_full)
{
	struct dev d = { 0 };
	unsigned int i;

	for (i = 0; i < MMIO_MAX_REGIONS; i++)
		ck_assert_int_eq(mmio_register(&bus, 0x10000 * (i + 1), 0x100, dev_fn, &d), 0);
	ck_assert_int_eq(mmio_register(&bus, 0x10000000, 0x100, dev_fn, &d), -ENOSPC);
	ck_assert_uint_eq(bus.nr_regions, MMIO_MAX_REGIONS);
}
END_TEST

START_TEST(test_dispatch)
{
	struct dev uart = { .fill = 0xaa }, gic = { .fill = 0x55 };
	uint8_t data[8];

	ck_assert_int_eq(mmio_register(&bus, 0x1000000, 0x100, dev_fn, &uart), 0);
	ck_assert_int_eq(mmio_register(&bus, 0x3fff0000, 0x10000, dev_fn, &gic), 0);

	memset(data, 0xff, sizeof(data));
	ck_assert(mmio_dispatch(&bus, 0x1000005, data, 1, false));
	ck_assert_int_eq(uart.calls, 1);
	ck_assert_uint_eq(uart.offset, 5);
	ck_assert_uint_eq(uart.len, 1);
	ck_assert(!uart.is_write);
	ck_assert_uint_eq(data[0], 0xaa);
	ck_assert_uint_eq(data[1], 0xff);	/* only len bytes */
	ck_assert_int_eq(gic.calls, 0);

	memcpy(data, "\x01\x02\x03\x04", 4);
	ck_assert(mmio_dispatch(&bus, 0x3fff0104, data, 4, true));
	ck_assert_int_eq(gic.calls, 1);
	ck_assert_uint_eq(gic.offset, 0x104);
	ck_assert_uint_eq(gic.len, 4);
	ck_assert(gic.is_write);
	ck_assert_int_eq(memcmp(gic.last_write, "\x01\x02\x03\x04", 4), 0);

	/* first and last byte of a region */
	ck_assert(mmio_dispatch(&bus, 0x1000000, data, 1, false));
	ck_assert_uint_eq(uart.offset, 0);
	ck_assert(mmio_dispatch(&bus, 0x10000ff, data, 1, false));
	ck_assert_uint_eq(uart.offset, 0xff);
	ck_assert(mmio_dispatch(&bus, 0x3fff0000 + 0xfff8, data, 8, false));
	ck_assert_uint_eq(gic.offset, 0xfff8);
	ck_assert_uint_eq(gic.len, 8);

	ck_assert_int_eq(reps.n, 0);
}
END_TEST

START_TEST(test_unmapped_read_zero_write_ignored)
{
	struct dev d = { .fill = 0xaa };
	uint8_t data[8];

	ck_assert_int_eq(mmio_register(&bus, 0x1000, 0x100, dev_fn, &d), 0);

	memset(data, 0xff, sizeof(data));
	ck_assert(!mmio_dispatch(&bus, 0x2000, data, 4, false));
	ck_assert_int_eq(memcmp(data, "\0\0\0\0\xff", 5), 0);

	memset(data, 0x77, sizeof(data));
	ck_assert(!mmio_dispatch(&bus, 0x2000, data, 8, true));
	/* a write keeps the guest's data and reaches no handler */
	ck_assert_uint_eq(data[0], 0x77);
	ck_assert_int_eq(d.calls, 0);

	/* just outside the region on both sides */
	ck_assert(!mmio_dispatch(&bus, 0xfff, data, 1, false));
	ck_assert(!mmio_dispatch(&bus, 0x1100, data, 1, false));
	ck_assert_int_eq(d.calls, 0);
}
END_TEST

/* An access that runs past the end of a region is not the region's. */
START_TEST(test_straddle)
{
	struct dev d = { .fill = 0xaa };
	uint8_t data[8];

	ck_assert_int_eq(mmio_register(&bus, 0x1000, 0x100, dev_fn, &d), 0);
	memset(data, 0xff, sizeof(data));
	ck_assert(!mmio_dispatch(&bus, 0x10fe, data, 4, false));
	ck_assert_int_eq(d.calls, 0);
	ck_assert_int_eq(memcmp(data, "\0\0\0\0", 4), 0);
	ck_assert_int_eq(reps.n, 1);
	ck_assert_uint_eq(reps.addr[0], 0x10fe);
}
END_TEST

START_TEST(test_bad_len)
{
	struct dev d = { .fill = 0xaa };
	uint8_t data[16];

	ck_assert_int_eq(mmio_register(&bus, 0x1000, 0x100, dev_fn, &d), 0);
	memset(data, 0xee, sizeof(data));
	ck_assert(!mmio_dispatch(&bus, 0x1000, data, 0, false));
	ck_assert(!mmio_dispatch(&bus, 0x1004, data, 16, false));
	ck_assert_int_eq(d.calls, 0);
	ck_assert_uint_eq(data[0], 0xee);	/* not touched */
}
END_TEST

START_TEST(test_log_once_per_address)
{
	uint8_t data[8];
	int i;

	for (i = 0; i < 5; i++) {
		ck_assert(!mmio_dispatch(&bus, 0x4000, data, 4, false));
		ck_assert(!mmio_dispatch(&bus, 0x4000, data, 4, true));
	}
	ck_assert_int_eq(reps.n, 1);
	ck_assert_uint_eq(reps.addr[0], 0x4000);
	ck_assert_uint_eq(reps.len[0], 4);
	ck_assert(!reps.is_write[0]);
	ck_assert(!reps.last[0]);

	ck_assert(!mmio_dispatch(&bus, 0x4004, data, 2, true));
	ck_assert_int_eq(reps.n, 2);
	ck_assert_uint_eq(reps.addr[1], 0x4004);
	ck_assert_uint_eq(reps.len[1], 2);
	ck_assert(reps.is_write[1]);
	ck_assert_uint_eq(bus.nr_logged, 2);
}
END_TEST

START_TEST(test_log_table_full)
{
	uint8_t data[8];
	unsigned int i;

	for (i = 0; i < MMIO_UNMAPPED_LOG_MAX; i++)
		ck_assert(!mmio_dispatch(&bus, 0x100000 + 8 * i, data, 4, false));
	ck_assert_int_eq(reps.n, MMIO_UNMAPPED_LOG_MAX);
	ck_assert(!bus.log_full);
	for (i = 0; i < MMIO_UNMAPPED_LOG_MAX; i++)
		ck_assert(!reps.last[i]);

	/* remembered addresses stay quiet */
	ck_assert(!mmio_dispatch(&bus, 0x100000, data, 4, false));
	ck_assert_int_eq(reps.n, MMIO_UNMAPPED_LOG_MAX);

	/* the first address that does not fit: one "last" report, addr 0 */
	ck_assert(!mmio_dispatch(&bus, 0x900000, data, 1, true));
	ck_assert_int_eq(reps.n, MMIO_UNMAPPED_LOG_MAX + 1);
	ck_assert(reps.last[MMIO_UNMAPPED_LOG_MAX]);
	ck_assert_uint_eq(reps.addr[MMIO_UNMAPPED_LOG_MAX], 0);
	ck_assert(bus.log_full);

	/* then silence, but still unmapped and zero-filled */
	for (i = 0; i < 100; i++) {
		memset(data, 0xff, sizeof(data));
		ck_assert(!mmio_dispatch(&bus, 0xa00000 + 8 * i, data, 8, false));
		ck_assert_uint_eq(data[7], 0);
	}
	ck_assert_int_eq(reps.n, MMIO_UNMAPPED_LOG_MAX + 1);
}
END_TEST

START_TEST(test_no_callback)
{
	struct mmio_bus b;
	uint8_t data[4] = { 1, 2, 3, 4 };

	mmio_init(&b, NULL, NULL);
	ck_assert(!mmio_dispatch(&b, 0x1234, data, 4, false));
	ck_assert_int_eq(memcmp(data, "\0\0\0\0", 4), 0);
	ck_assert_uint_eq(b.nr_logged, 1);
	mmio_destroy(&b);
	mmio_destroy(NULL);
}
END_TEST

static Suite *mmio_suite(void)
{
	Suite *s = suite_create("mmio");
	TCase *tc;

	tc = tcase_create("register");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_register_errors);
	tcase_add_test(tc, test_register_overlap);
	tcase_add_test(tc, test_register_full);
	suite_add_tcase(s, tc);

	tc = tcase_create("dispatch");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dispatch);
	tcase_add_test(tc, test_unmapped_read_zero_write_ignored);
	tcase_add_test(tc, test_straddle);
	tcase_add_test(tc, test_bad_len);
	suite_add_tcase(s, tc);

	tc = tcase_create("unmapped-log");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_log_once_per_address);
	tcase_add_test(tc, test_log_table_full);
	tcase_add_test(tc, test_no_callback);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	return harness_run(mmio_suite());
}
