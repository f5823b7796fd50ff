// SPDX-License-Identifier: GPL-2.0-only
/* The vCPU power-state table: reset, SYSTEM_SUSPEND's rule, wake-up. */
#include "harness.h"
#include "pinvm/power.h"

static struct power p;

static void setup(void)
{
	power_init(&p, 4);
}

static void teardown(void)
{
	power_destroy(&p);
}

START_TEST(test_reset)
{
	ck_assert_int_eq(power_get(&p, 0), POWER_ON);
	for (unsigned int i = 1; i < 4; i++)
		ck_assert_int_eq(power_get(&p, i), POWER_OFF);
	ck_assert_uint_eq(power_count(&p, POWER_ON), 1);
	power_set(&p, 2, POWER_ON);
	power_set(&p, 0, POWER_SUSPENDED);
	power_reset(&p);
	ck_assert_int_eq(power_get(&p, 0), POWER_ON);
	ck_assert_int_eq(power_get(&p, 2), POWER_OFF);
	/* Beyond the table: OFF, and a set changes nothing. */
	power_set(&p, 4, POWER_ON);
	ck_assert_int_eq(power_get(&p, 4), POWER_OFF);
	ck_assert_uint_eq(power_count(&p, POWER_ON), 1);
}
END_TEST

START_TEST(test_suspend_rule)
{
	uint64_t entry = 0, ctx = 0;

	/* Another vCPU on: refused, nothing changes. */
	power_set(&p, 3, POWER_ON);
	ck_assert(!power_suspend(&p, 0, 0x80001000, 7));
	ck_assert_int_eq(power_get(&p, 0), POWER_ON);
	/* Every other vCPU off: suspended, resumes where it said. */
	power_set(&p, 3, POWER_OFF);
	ck_assert(power_suspend(&p, 0, 0x80001000, 7));
	ck_assert_int_eq(power_get(&p, 0), POWER_SUSPENDED);
	ck_assert(power_wake(&p, 0, &entry, &ctx));
	ck_assert_uint_eq(entry, 0x80001000);
	ck_assert_uint_eq(ctx, 7);
	ck_assert_int_eq(power_get(&p, 0), POWER_ON);
	/* A wake-up of a vCPU that is not SUSPENDED is not ours. */
	ck_assert(!power_wake(&p, 0, &entry, &ctx));
	ck_assert(!power_wake(&p, 9, &entry, &ctx));
	/* Another SUSPENDED vCPU also refuses. */
	power_set(&p, 0, POWER_OFF);
	power_set(&p, 1, POWER_SUSPENDED);
	ck_assert(!power_suspend(&p, 2, 0, 0));
	ck_assert(!power_suspend(&p, 7, 0, 0));
}
END_TEST

static Suite *power_suite(void)
{
	Suite *s = suite_create("power");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_suspend_rule);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(power_suite());
}
