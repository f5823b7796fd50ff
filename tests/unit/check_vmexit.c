// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmexit_decide() with synthetic kvm_run contents: every exit the vCPU loop
 * can meet, KVM_RUN's errors, and the stop each one carries.
 */
#include <errno.h>
#include <string.h>

#include <linux/kvm.h>

#include "harness.h"
#include "pinvm/kvm-compat.h"
#include "pinvm/vmexit.h"

static struct kvm_run run;
static struct vmexit_action act;
static bool forwarded;

static void setup(void)
{
	memset(&run, 0, sizeof(run));
	memset(&act, 0xa5, sizeof(act));	/* decide must fill it whole */
	forwarded = false;
}

static void decide(int err)
{
	vmexit_decide(&run, err, forwarded, 3, &act);
}

static void system_event(uint32_t type, uint32_t ndata, uint64_t data0)
{
	run.exit_reason = KVM_EXIT_SYSTEM_EVENT;
	run.system_event.type = type;
	run.system_event.ndata = ndata;
	run.system_event.data[0] = data0;
	decide(0);
}

START_TEST(test_kick)
{
	/* A kick: EINTR (signal or immediate_exit), EAGAIN, or KVM_EXIT_INTR. */
	decide(EINTR);
	ck_assert_int_eq(act.kind, VMEXIT_RESUME);
	ck_assert_int_eq(act.stop.kind, STOP_NONE);
	decide(EAGAIN);
	ck_assert_int_eq(act.kind, VMEXIT_RESUME);
	run.exit_reason = KVM_EXIT_INTR;
	decide(0);
	ck_assert_int_eq(act.kind, VMEXIT_RESUME);
}
END_TEST

START_TEST(test_run_errors)
{
	decide(ENOSYS);
	ck_assert_int_eq(act.kind, VMEXIT_STOP);
	ck_assert_int_eq(act.stop.kind, STOP_FAILURE);
	ck_assert_uint_eq(act.stop.vcpu, 3);
	ck_assert_ptr_nonnull(strstr(act.stop.reason, "cannot emulate"));
	decide(EFAULT);
	ck_assert_int_eq(act.stop.kind, STOP_FAILURE);
	ck_assert_str_eq(act.stop.reason, "KVM_RUN: Bad address");
}
END_TEST

START_TEST(test_mmio)
{
	run.exit_reason = KVM_EXIT_MMIO;
	run.mmio.phys_addr = 0x1000005;
	run.mmio.len = 1;
	decide(0);
	ck_assert_int_eq(act.kind, VMEXIT_MMIO);
	/* An errno wins over a stale exit_reason. */
	decide(EINTR);
	ck_assert_int_eq(act.kind, VMEXIT_RESUME);
}
END_TEST

START_TEST(test_power_events)
{
	system_event(KVM_SYSTEM_EVENT_SHUTDOWN, 0, 0);
	ck_assert_int_eq(act.kind, VMEXIT_STOP);
	ck_assert_int_eq(act.stop.kind, STOP_SYSTEM_OFF);
	ck_assert_uint_eq(act.stop.vcpu, 3);
	system_event(KVM_SYSTEM_EVENT_SHUTDOWN, 1, KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2);
	ck_assert_int_eq(act.stop.kind, STOP_SYSTEM_OFF2);
	/* Flags count only with ndata > 0. */
	system_event(KVM_SYSTEM_EVENT_SHUTDOWN, 0, KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2);
	ck_assert_int_eq(act.stop.kind, STOP_SYSTEM_OFF);
	system_event(KVM_SYSTEM_EVENT_RESET, 0, 0);
	ck_assert_int_eq(act.stop.kind, STOP_RESET);
	system_event(KVM_SYSTEM_EVENT_RESET, 1, KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2);
	ck_assert_int_eq(act.kind, VMEXIT_STOP);
	ck_assert_int_eq(act.stop.kind, STOP_RESET2);
	/* The registers are the performer's to read. */
	ck_assert_uint_eq(act.stop.reset_type, 0);
	ck_assert_uint_eq(act.stop.cookie, 0);
}
END_TEST

START_TEST(test_suspend_wakeup)
{
	system_event(KVM_SYSTEM_EVENT_SUSPEND, 0, 0);
	ck_assert_int_eq(act.kind, VMEXIT_SUSPEND);
	ck_assert_int_eq(act.stop.kind, STOP_NONE);
	system_event(KVM_SYSTEM_EVENT_WAKEUP, 0, 0);
	ck_assert_int_eq(act.kind, VMEXIT_WAKEUP);
}
END_TEST

START_TEST(test_failures)
{
	system_event(KVM_SYSTEM_EVENT_CRASH, 0, 0);
	ck_assert_int_eq(act.kind, VMEXIT_STOP);
	ck_assert_int_eq(act.stop.kind, STOP_FAILURE);
	ck_assert_ptr_nonnull(strstr(act.stop.reason, "KVM_SYSTEM_EVENT_CRASH"));
	system_event(77, 1, 0x1234);
	ck_assert_int_eq(act.stop.kind, STOP_FAILURE);
	ck_assert_str_eq(act.stop.reason, "unknown system event type 77 (ndata 1, data[0] 0x1234)");

	memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_FAIL_ENTRY;
	run.fail_entry.hardware_entry_failure_reason = 0x2a;
	run.fail_entry.cpu = 1;
	decide(0);
	ck_assert_str_eq(act.stop.reason,
			 "KVM_EXIT_FAIL_ENTRY (hardware_entry_failure_reason 0x2a, cpu 1)");
	run.exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run.internal.suberror = 2;
	decide(0);
	ck_assert_str_eq(act.stop.reason, "KVM_EXIT_INTERNAL_ERROR (suberror 2)");
	memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_ARM_NISV;
	run.arm_nisv.fault_ipa = 0x9000000;
	decide(0);
	ck_assert_str_eq(act.stop.reason,
			 "KVM_EXIT_ARM_NISV: MMIO access without a valid syndrome at 0x9000000");
	run.exit_reason = KVM_EXIT_DEBUG;
	decide(0);
	ck_assert_int_eq(act.kind, VMEXIT_STOP);
	ck_assert_str_eq(act.stop.reason, "unhandled KVM exit reason 4");
}
END_TEST

START_TEST(test_hypercall)
{
	run.exit_reason = KVM_EXIT_HYPERCALL;
	run.hypercall.nr = 0xffffffff84000003ULL;	/* CPU_ON, x0 with junk above */
	run.hypercall.longmode = KVM_HYPERCALL_EXIT_SMC;
	/* Not forwarded by pinvm's filter: KVM should never have sent it. */
	decide(0);
	ck_assert_int_eq(act.kind, VMEXIT_STOP);
	ck_assert_int_eq(act.stop.kind, STOP_FAILURE);
	ck_assert_str_eq(act.stop.reason,
			 "KVM_EXIT_HYPERCALL 0xffffffff84000003 without pinvm's PSCI firmware");
	forwarded = true;
	decide(0);
	ck_assert_int_eq(act.kind, VMEXIT_HYPERCALL);
	ck_assert_uint_eq(act.fid, 0x84000003);
	ck_assert(act.smc);
	run.hypercall.longmode = 0;
	decide(0);
	ck_assert(!act.smc);
	/* A kick wins over the stale exit. */
	decide(EINTR);
	ck_assert_int_eq(act.kind, VMEXIT_RESUME);
}
END_TEST

static Suite *vmexit_suite(void)
{
	Suite *s = suite_create("vmexit");
	TCase *tc = tcase_create("decide");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_kick);
	tcase_add_test(tc, test_run_errors);
	tcase_add_test(tc, test_mmio);
	tcase_add_test(tc, test_power_events);
	tcase_add_test(tc, test_suspend_wakeup);
	tcase_add_test(tc, test_failures);
	tcase_add_test(tc, test_hypercall);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(vmexit_suite());
}
