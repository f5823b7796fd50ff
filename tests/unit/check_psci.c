// SPDX-License-Identifier: GPL-2.0-only
/*
 * psci_parse_version() accepts exactly the pinnable spellings; the version
 * strings and minimum kernels; psci_decode_event() reads flags only with
 * ndata > 0 and always together with the type (both flags are bit 0).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <linux/kvm.h>

#include "harness.h"
#include "pinvm/kvm-compat.h"
#include "pinvm/psci.h"

static const struct {
	const char *in;
	int ret;
	uint32_t val;
} version_cases[] = {
	{ "0.1", 0, 0x1 },
	{ "0.2", 0, 0x2 },
	{ "1.0", 0, 0x10000 },
	{ "1.1", 0, 0x10001 },
	{ "1.2", 0, 0x10002 },
	{ "1.3", 0, 0x10003 },
	{ "host", 0, PSCI_PIN_HOST },
	{ "", -EINVAL, 0 },
	{ "1.10", -EINVAL, 0 },
	{ "01.0", -EINVAL, 0 },
	{ "1", -EINVAL, 0 },
	{ "2", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "1.4", -EINVAL, 0 },
	{ "0.0", -EINVAL, 0 },
	{ "1.0 ", -EINVAL, 0 },
	{ "Host", -EINVAL, 0 },
	{ "v1.0", -EINVAL, 0 },
};

START_TEST(test_parse_version)
{
	uint32_t v = 0xdeadbeef;
	int r = psci_parse_version(version_cases[_i].in, &v);

	ck_assert_msg(r == version_cases[_i].ret, "'%s': got %d want %d",
		      version_cases[_i].in, r, version_cases[_i].ret);
	if (!r)
		ck_assert_uint_eq(v, version_cases[_i].val);
	else
		ck_assert_uint_eq(v, 0xdeadbeef);
}
END_TEST

START_TEST(test_parse_null)
{
	uint32_t v;

	ck_assert_int_eq(psci_parse_version(NULL, &v), -EINVAL);
}
END_TEST

START_TEST(test_version_str_roundtrip)
{
	char buf[16];

	for (size_t i = 0; i < psci_nr_known_versions; i++) {
		uint32_t v;

		psci_version_str(psci_known_versions[i], buf, sizeof(buf));
		ck_assert_int_eq(psci_parse_version(buf, &v), 0);
		ck_assert_uint_eq(v, psci_known_versions[i]);
	}
	ck_assert_str_eq(psci_version_str(0x10003, buf, sizeof(buf)), "1.3");
	ck_assert_str_eq(psci_version_str(0x2, buf, sizeof(buf)), "0.2");
}
END_TEST

/* "M.m" as a number that orders releases: 4.17 -> 417, 6.13 -> 613. */
static unsigned int release_order(const char *s)
{
	unsigned int major, minor;
	char end;

	ck_assert_msg(s && sscanf(s, "%u.%u%c", &major, &minor, &end) == 2,
		      "'%s' is not a release M.m", s ? s : "(null)");
	return major * 100 + minor;
}

/*
 * The minimum kernels: one for every version pinvm can pin and none for
 * anything else (a version no kernel takes must not get "needs Linux X");
 * newer versions never need an older kernel; none is older than 4.17,
 * which added KVM_REG_ARM_PSCI_VERSION; and the releases of
 * kvm-psci-uapi.md §3 (1.1 in 5.18, 1.2 and 1.3 in 6.13).
 */
START_TEST(test_min_kernel)
{
	unsigned int prev = 0;

	for (size_t i = 0; i < psci_nr_known_versions; i++) {
		uint32_t v = psci_known_versions[i];
		unsigned int order = release_order(psci_version_min_kernel(v));

		ck_assert_msg(order >= 417, "PSCI 0x%x: Linux %s, before the register existed", v,
			      psci_version_min_kernel(v));
		ck_assert_msg(order >= prev, "PSCI 0x%x needs an older kernel than the version before", v);
		prev = order;
	}
	/* Every 16-bit major.minor below 2.0 that is not pinnable, and some beyond. */
	for (uint32_t v = 0; v < 0x20010; v = (v & 0xffff) == 0x10 ? (v & ~0xffffU) + 0x10000 : v + 1) {
		bool known = false;

		for (size_t i = 0; i < psci_nr_known_versions; i++)
			known |= psci_known_versions[i] == v;
		if (!known)
			ck_assert_msg(!psci_version_min_kernel(v), "0x%x: not pinnable, yet 'needs Linux %s'",
				      v, psci_version_min_kernel(v));
	}
	ck_assert_ptr_null(psci_version_min_kernel(PSCI_PIN_HOST));
	ck_assert_ptr_null(psci_version_min_kernel(UINT32_MAX));
	ck_assert_str_eq(psci_version_min_kernel(PINVM_PSCI_0_2), "4.17");
	ck_assert_str_eq(psci_version_min_kernel(PINVM_PSCI_1_1), "5.18");
	ck_assert_str_eq(psci_version_min_kernel(PINVM_PSCI_1_2), "6.13");
	ck_assert_str_eq(psci_version_min_kernel(PINVM_PSCI_1_3), "6.13");
}
END_TEST

START_TEST(test_decode)
{
	/* Plain events */
	ck_assert_int_eq(psci_decode_event(KVM_SYSTEM_EVENT_SHUTDOWN, 1, 0), PSCI_EV_SYSTEM_OFF);
	ck_assert_int_eq(psci_decode_event(KVM_SYSTEM_EVENT_RESET, 1, 0), PSCI_EV_RESET);
	/* Flags with their own type */
	ck_assert_int_eq(psci_decode_event(KVM_SYSTEM_EVENT_SHUTDOWN, 1,
					   KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2),
			 PSCI_EV_SYSTEM_OFF2);
	ck_assert_int_eq(psci_decode_event(KVM_SYSTEM_EVENT_RESET, 1,
					   KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2),
			 PSCI_EV_RESET2);
	/* ndata == 0: data[0] is not meaningful, even if bit 0 happens to be set */
	ck_assert_int_eq(psci_decode_event(KVM_SYSTEM_EVENT_SHUTDOWN, 0, 1), PSCI_EV_SYSTEM_OFF);
	ck_assert_int_eq(psci_decode_event(KVM_SYSTEM_EVENT_RESET, 0, 1), PSCI_EV_RESET);
	/* Other bits do not make a RESET2/OFF2 */
	ck_assert_int_eq(psci_decode_event(KVM_SYSTEM_EVENT_RESET, 1, 2), PSCI_EV_RESET);
	ck_assert_int_eq(psci_decode_event(KVM_SYSTEM_EVENT_SUSPEND, 0, 0), PSCI_EV_SUSPEND);
	ck_assert_int_eq(psci_decode_event(KVM_SYSTEM_EVENT_WAKEUP, 0, 0), PSCI_EV_WAKEUP);
	ck_assert_int_eq(psci_decode_event(KVM_SYSTEM_EVENT_CRASH, 0, 0), PSCI_EV_CRASH);
	ck_assert_int_eq(psci_decode_event(99, 0, 0), PSCI_EV_UNKNOWN);
}
END_TEST

START_TEST(test_reset2_vendor)
{
	ck_assert(!psci_reset2_is_vendor(0));
	ck_assert(psci_reset2_is_vendor(0x80000000ULL));
	ck_assert(psci_reset2_is_vendor(0x80000001ULL));
	ck_assert(!psci_reset2_is_vendor(0x7fffffffULL));
}
END_TEST

/*
 * SYSTEM_RESET2 through the SMC64 id with bits 63:32 of x1 set: KVM reads
 * reset_type as a u32 (0x100000000 is a warm reset to it) and leaves x1 as
 * it was, so pinvm must report the low 32 bits only.
 */
START_TEST(test_reset2_type_32bit)
{
	ck_assert_uint_eq(psci_reset2_type(0), 0);
	ck_assert_uint_eq(psci_reset2_type(0x80000001ULL), 0x80000001U);
	ck_assert_uint_eq(psci_reset2_type(0x100000000ULL), 0);
	ck_assert_uint_eq(psci_reset2_type(0x180000001ULL), 0x80000001U);
	ck_assert_uint_eq(psci_reset2_type(0xffffffff00000000ULL), 0);
	ck_assert(!psci_reset2_is_vendor(psci_reset2_type(0x100000000ULL)));
	ck_assert(!psci_reset2_is_vendor(psci_reset2_type(0xffffffff7fffffffULL)));
	ck_assert(psci_reset2_is_vendor(psci_reset2_type(0x180000001ULL)));
}
END_TEST

static Suite *psci_suite(void)
{
	Suite *s = suite_create("psci");
	TCase *tc = tcase_create("psci");

	tcase_add_loop_test(tc, test_parse_version, 0,
			    (int)(sizeof(version_cases) / sizeof(version_cases[0])));
	tcase_add_test(tc, test_parse_null);
	tcase_add_test(tc, test_version_str_roundtrip);
	tcase_add_test(tc, test_min_kernel);
	tcase_add_test(tc, test_decode);
	tcase_add_test(tc, test_reset2_vendor);
	tcase_add_test(tc, test_reset2_type_32bit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(psci_suite());
}
