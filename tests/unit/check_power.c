// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vCPU power-state table: reset, SYSTEM_SUSPEND's rule, wake-up, and the
 * transitions pinvm's PSCI firmware makes (CPU_ON -> ON_PENDING -> ON,
 * CPU_OFF, AFFINITY_INFO's scan, MPIDRs).
 */
#include <errno.h>

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
	/* Another SUSPENDED or ON_PENDING vCPU also refuses. */
	power_set(&p, 0, POWER_OFF);
	power_set(&p, 1, POWER_SUSPENDED);
	ck_assert(!power_suspend(&p, 2, 0, 0));
	ck_assert(!power_suspend(&p, 7, 0, 0));
	power_set(&p, 1, POWER_ON_PENDING);
	ck_assert(!power_suspend(&p, 2, 0, 0));
	power_set(&p, 1, POWER_OFF);
	ck_assert(power_suspend(&p, 2, 0, 0));
}
END_TEST

START_TEST(test_default_mpidr)
{
	struct power big;

	/* KVM's reset_mpidr(): Aff0 = id[3:0], Aff1 = id[11:4], Aff2 = id[19:12] */
	power_init(&big, 300);
	ck_assert_uint_eq(power_get_mpidr(&big, 0), 0);
	ck_assert_uint_eq(power_get_mpidr(&big, 15), 0xf);
	ck_assert_uint_eq(power_get_mpidr(&big, 16), 0x100);
	ck_assert_uint_eq(power_get_mpidr(&big, 299), 0x120b);
	ck_assert_uint_eq(power_get_mpidr(&big, 300), 0);
	power_destroy(&big);
	/* Only the affinity bits are kept: bit 31 (RES1), U, MT go. */
	power_set_mpidr(&p, 1, 0x80000000ULL | 0x41000000ULL | 0x1200000305ULL);
	ck_assert_uint_eq(power_get_mpidr(&p, 1), 0x1200000305ULL);
	power_set_mpidr(&p, 9, 7);	/* beyond the table: ignored */
}
END_TEST

START_TEST(test_start)
{
	uint64_t entry = 0, ctx = 0;
	unsigned int cpu = 99;
	bool be = false;

	/* OFF -> ON_PENDING with the start recorded, then ON by its thread. */
	ck_assert_int_eq(power_start(&p, 2, 0x80080000, 0xc0ffee, true, &cpu), 0);
	ck_assert_uint_eq(cpu, 2);
	ck_assert_int_eq(power_get(&p, 2), POWER_ON_PENDING);
	/* Not OFF any more: refused, the first start kept. */
	ck_assert_int_eq(power_start(&p, 2, 1, 2, false, &cpu), -EALREADY);
	ck_assert(power_started(&p, 2, &entry, &ctx, &be));
	ck_assert_uint_eq(entry, 0x80080000);
	ck_assert_uint_eq(ctx, 0xc0ffee);
	ck_assert(be);
	ck_assert_int_eq(power_get(&p, 2), POWER_ON);
	ck_assert(!power_started(&p, 2, &entry, &ctx, &be));
	ck_assert_int_eq(power_start(&p, 2, 1, 2, false, &cpu), -EALREADY);
	ck_assert_int_eq(power_start(&p, 0, 1, 2, false, &cpu), -EALREADY);
	/* No such affinity; bits outside the affinity fields never match. */
	ck_assert_int_eq(power_start(&p, 4, 1, 2, false, &cpu), -ENOENT);
	ck_assert_int_eq(power_start(&p, 0x80000003ULL, 1, 2, false, &cpu), -ENOENT);
	ck_assert_int_eq(power_get(&p, 3), POWER_OFF);
	/* Two vCPUs with one affinity: the lower-numbered one (kvm_mpidr_to_vcpu()). */
	power_set_mpidr(&p, 1, 0x30);
	power_set_mpidr(&p, 3, 0x30);
	ck_assert_int_eq(power_start(&p, 0x30, 1, 2, false, &cpu), 0);
	ck_assert_uint_eq(cpu, 1);
	/* A reset forgets pending starts. */
	power_reset(&p);
	ck_assert(!power_started(&p, 1, &entry, &ctx, &be));
	ck_assert_int_eq(power_get(&p, 1), POWER_OFF);
}
END_TEST

START_TEST(test_off)
{
	unsigned int cpu;

	ck_assert_int_eq(power_start(&p, 1, 0, 0, false, &cpu), 0);
	ck_assert_uint_eq(power_off(&p, 0), 1);	/* vCPU 1 is ON_PENDING: not the last */
	ck_assert_int_eq(power_get(&p, 0), POWER_OFF);
	ck_assert_uint_eq(power_off(&p, 1), 0);	/* now nobody is left */
	ck_assert_uint_eq(power_off(&p, 7), 0);	/* beyond the table: nothing changes */
	power_set(&p, 2, POWER_SUSPENDED);
	power_set(&p, 3, POWER_ON);
	power_all_off(&p);
	ck_assert_uint_eq(power_count(&p, POWER_OFF), 4);
}
END_TEST

START_TEST(test_affinity)
{
	const uint64_t l0 = POWER_MPIDR_HWID_MASK, l1 = 0xff00ffff00ULL;
	unsigned int cpu;

	/* vCPU 0 ON at 0x0, the rest OFF at 0x1, 0x2, 0x3 */
	ck_assert_int_eq(power_affinity(&p, 0, l0), POWER_AFFINITY_ON);
	ck_assert_int_eq(power_affinity(&p, 1, l0), POWER_AFFINITY_OFF);
	ck_assert_int_eq(power_affinity(&p, 4, l0), -ENOENT);
	/* Level 1 matches all four: one is on. */
	ck_assert_int_eq(power_affinity(&p, 0, l1), POWER_AFFINITY_ON);
	power_set(&p, 0, POWER_OFF);
	ck_assert_int_eq(power_affinity(&p, 0, l1), POWER_AFFINITY_OFF);
	/* ON_PENDING and SUSPENDED count as on. */
	ck_assert_int_eq(power_start(&p, 3, 0, 0, false, &cpu), 0);
	ck_assert_int_eq(power_affinity(&p, 3, l0), POWER_AFFINITY_ON);
	ck_assert_int_eq(power_affinity(&p, 0, l1), POWER_AFFINITY_ON);
	power_set(&p, 3, POWER_OFF);
	power_set(&p, 2, POWER_SUSPENDED);
	ck_assert_int_eq(power_affinity(&p, 2, l0), POWER_AFFINITY_ON);
	ck_assert_int_eq(power_affinity(&p, 0x100, l1), -ENOENT);
}
END_TEST

/* Put vCPU 1 in @st (vCPU 0 ON, 2 and 3 OFF), ON_PENDING through power_start(). */
static void put(enum power_state st)
{
	unsigned int cpu;

	power_reset(&p);
	if (st == POWER_ON_PENDING)
		ck_assert_int_eq(power_start(&p, 1, 0x80001000, 5, false, &cpu), 0);
	else
		power_set(&p, 1, st);
	ck_assert_int_eq(power_get(&p, 1), st);
}

/*
 * Every operation from every state of vCPU 1: what it returns and the state
 * it leaves (PSCI's transitions as psci_fw.c makes them: CPU_ON is
 * power_start() then power_started(), CPU_OFF power_off(), SYSTEM_SUSPEND
 * power_suspend() and power_wake(), SYSTEM_OFF/RESET power_all_off()).
 */
START_TEST(test_transition_matrix)
{
	static const enum power_state states[] = { POWER_OFF, POWER_ON, POWER_SUSPENDED,
						   POWER_ON_PENDING };

	for (unsigned int i = 0; i < 4; i++) {
		enum power_state st = states[i];
		uint64_t entry = 0, ctx = 0;
		unsigned int cpu = 99;
		bool be = true;
		int r;

		/* power_start: only from OFF, to ON_PENDING */
		put(st);
		r = power_start(&p, 1, 0x80002000, 6, true, &cpu);
		ck_assert_int_eq(r, (st == POWER_OFF ? 0 : -EALREADY));
		ck_assert_int_eq(power_get(&p, 1), st == POWER_OFF ? POWER_ON_PENDING : st);
		ck_assert_uint_eq(cpu, st == POWER_OFF ? 1 : 99);

		/* power_started: only from ON_PENDING, to ON */
		put(st);
		ck_assert(power_started(&p, 1, &entry, &ctx, &be) == (st == POWER_ON_PENDING));
		ck_assert_int_eq(power_get(&p, 1), st == POWER_ON_PENDING ? POWER_ON : st);
		if (st == POWER_ON_PENDING) {
			ck_assert_uint_eq(entry, 0x80001000);
			ck_assert_uint_eq(ctx, 5);
			ck_assert(!be);
		}

		/* power_off: from anything to OFF; vCPU 0 is still on */
		put(st);
		ck_assert_uint_eq(power_off(&p, 1), 1);
		ck_assert_int_eq(power_get(&p, 1), POWER_OFF);

		/* power_suspend of vCPU 0: refused unless vCPU 1 is OFF */
		put(st);
		ck_assert(power_suspend(&p, 0, 0x80003000, 7) == (st == POWER_OFF));
		ck_assert_int_eq(power_get(&p, 0), st == POWER_OFF ? POWER_SUSPENDED : POWER_ON);
		ck_assert_int_eq(power_get(&p, 1), st);

		/* power_wake: only from SUSPENDED, to ON */
		put(st);
		ck_assert(power_wake(&p, 1, &entry, &ctx) == (st == POWER_SUSPENDED));
		ck_assert_int_eq(power_get(&p, 1), st == POWER_SUSPENDED ? POWER_ON : st);

		/* AFFINITY_INFO: anything but OFF is on */
		put(st);
		ck_assert_int_eq(power_affinity(&p, 1, POWER_MPIDR_HWID_MASK),
				 st == POWER_OFF ? POWER_AFFINITY_OFF : POWER_AFFINITY_ON);

		/* power_all_off and power_reset: OFF whatever it was */
		put(st);
		power_all_off(&p);
		ck_assert_uint_eq(power_count(&p, POWER_OFF), 4);
		put(st);
		power_reset(&p);
		ck_assert_int_eq(power_get(&p, 1), POWER_OFF);
		ck_assert_int_eq(power_get(&p, 0), POWER_ON);
	}
}
END_TEST

static Suite *power_suite(void)
{
	Suite *s = suite_create("power");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_suspend_rule);
	tcase_add_test(tc, test_default_mpidr);
	tcase_add_test(tc, test_start);
	tcase_add_test(tc, test_off);
	tcase_add_test(tc, test_affinity);
	tcase_add_test(tc, test_transition_matrix);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(power_suite());
}
