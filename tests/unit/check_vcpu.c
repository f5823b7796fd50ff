// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu: the register ids pinvm hands to KVM_GET/SET_ONE_REG, built from
 * <asm/kvm.h>'s KVM_REG_ARM_CORE_REG() and ARM64_SYS_REG(), are the ids
 * api.rst and kvm-psci-uapi.md §2 list (arm64 only: runs under qemu-user).
 */
#include <stdint.h>

#include "harness.h"
#include "pinvm/kvm-compat.h"

START_TEST(test_core_reg_ids)
{
	ck_assert_uint_eq(PINVM_REG_X(0), 0x6030000000100000ULL);
	ck_assert_uint_eq(PINVM_REG_X(1), 0x6030000000100002ULL);
	ck_assert_uint_eq(PINVM_REG_X(2), 0x6030000000100004ULL);
	ck_assert_uint_eq(PINVM_REG_X(3), 0x6030000000100006ULL);
	ck_assert_uint_eq(PINVM_REG_X(30), 0x603000000010003cULL);
	ck_assert_uint_eq(PINVM_REG_PC, 0x6030000000100040ULL);
	ck_assert_uint_eq(PINVM_REG_PSTATE, 0x6030000000100042ULL);
	/* a register number known only at run time */
	for (volatile unsigned int n = 0; n < 31; n++)
		ck_assert_uint_eq(PINVM_REG_X(n), 0x6030000000100000ULL + 2 * n);
}
END_TEST

START_TEST(test_sys_reg_ids)
{
	ck_assert_uint_eq(PINVM_REG_MPIDR, 0x603000000013c005ULL);
	/* the firmware register group, for comparison (§3) */
	ck_assert_uint_eq(KVM_REG_ARM_PSCI_VERSION, 0x6030000000140000ULL);
}
END_TEST

static Suite *vcpu_suite(void)
{
	Suite *s = suite_create("vcpu");
	TCase *tc = tcase_create("regs");

	tcase_add_test(tc, test_core_reg_ids);
	tcase_add_test(tc, test_sys_reg_ids);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(vcpu_suite());
}
