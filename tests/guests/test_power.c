/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Power-event tests: each makes one PSCI system call and, when the call
 * comes back (it should not, unless the VMM refuses it), prints what it
 * returned and powers off. SYSTEM_RESET2 and SYSTEM_OFF2 use the SMC64
 * ids, as Linux does on arm64.
 */
#include "args.h"
#include "entry.h"
#include "lib.h"
#include "print.h"
#include "psci.h"
#include "tests.h"

/* Unmapped in pinvm's (and kvmtool's) map: below the GIC, above the UART. */
#define BAD_MMIO_ADDR	0x02000000UL

void test_hello(void)
{
	say("hello");
	psci_system_off();
}

void test_off(void)
{
	psci_system_off();
}

/* SYSTEM_OFF2 (PSCI 1.3): x1 = type (1 = HIBERNATE_OFF; 0 is an alias), x2 = cookie, must be 0. */
void test_off2(void)
{
	int64_t r = psci_call(PSCI_FN64(PSCI_SYSTEM_OFF2), args_u64("type", 1), 0, 0);

	say("off2 returned %ld%s", r, psci_trapped() ? " (trapped)" : "");
	psci_system_off();
}

void test_reset(void)
{
	int64_t r = psci_call(PSCI_FN(PSCI_SYSTEM_RESET), 0, 0, 0);

	say("reset returned %ld", r);
	psci_system_off();
}

/* SYSTEM_RESET2 (PSCI 1.1): x1 = reset_type (bit 31 = vendor), x2 = cookie. */
void test_reset2(void)
{
	int64_t r = psci_call(PSCI_FN64(PSCI_SYSTEM_RESET2), args_u64("type", 0),
			      args_u64("cookie", 0), 0);

	say("reset2 returned %ld%s", r, psci_trapped() ? " (trapped)" : "");
	psci_system_off();
}

/*
 * Kernel messages for pinvm's console watch, as Linux prints them (a printk
 * timestamp, behind our "PVGUEST: " prefix), then by kind=:
 *   panic-end    the panic line, a dump line, its end line; then a halt
 *   panic-reset  the panic line, a dump line, SYSTEM_RESET (panic=-1)
 *   panic-quiet  the panic line, a dump line; then a halt, silent
 *   oops         an arm64 oops header; then SYSTEM_OFF
 */
void test_kmsg(void)
{
	char kind[16] = "panic-end";

	args_get("kind", kind, sizeof(kind));
	if (strcmp(kind, "oops") == 0) {
		say("[    1.000000] Internal error: Oops: 0000000096000004 [#1] SMP");
		say("[    1.000001] Modules linked in:");
		psci_system_off();
	}
	say("[    1.000000] Kernel panic - not syncing: pvguest %s", kind);
	say("[    1.000001] CPU: 0 PID: 1 Comm: pvguest");
	if (strcmp(kind, "panic-end") == 0) {
		say("[    1.000002] ---[ end Kernel panic - not syncing: pvguest %s ]---", kind);
	} else if (strcmp(kind, "panic-reset") == 0) {
		int64_t r = psci_call(PSCI_FN(PSCI_SYSTEM_RESET), 0, 0, 0);

		say("reset returned %ld", r);
	}
	cpu_halt();
}

/* For --timeout and signal tests: nothing to wake us, so the vCPU just sleeps. */
void test_hang(void)
{
	say("hang");
	cpu_halt();
}

/* Benchmark: one PSCI call, one line. */
void test_minimal(void)
{
	int64_t r = psci_call(PSCI_FN(PSCI_VERSION), 0, 0, 0);

	say("psci 0x%08lx", (uint64_t)r);
	psci_system_off();
}

/* Exercise the exception path: UDF #0 is permanently undefined. */
void test_undef(void)
{
	asm volatile("udf #0");
	say("undef returned");
	psci_system_off();
}

/*
 * A load pair from unmapped MMIO: the data abort has no valid syndrome
 * (ISV = 0), so KVM cannot hand it to the VMM as an MMIO exit and KVM_RUN
 * fails. The VMM must report a vCPU failure (pinvm: exit 6).
 */
void test_bad_mmio(void)
{
	uint64_t a, b;

	say("bad-mmio ldp from 0x%lx", (uint64_t)BAD_MMIO_ADDR);
	asm volatile("ldp %0, %1, [%2]" : "=r"(a), "=r"(b) : "r"((uintptr_t)BAD_MMIO_ADDR) : "memory");
	say("bad-mmio returned 0x%lx 0x%lx", a, b);
	psci_system_off();
}
