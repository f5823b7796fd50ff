/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SYSTEM_SUSPEND and its wakeup source. The virtual timer is set to fire
 * in 50 ms with its PPI enabled in the GIC at a priority the PMR lets
 * through; PSTATE.I stays masked the whole time. That is what KVM needs to
 * see the vCPU as woken (pending, enabled, priority below PMR), and the
 * pinvm then restarts us at resume_entry with x0 = the context id.
 *
 * "timer" runs the same setup with a plain WFI instead, to check the GIC
 * and timer half on its own (also under QEMU, whose PSCI has no
 * SYSTEM_SUSPEND).
 */
#include "cpu.h"
#include "entry.h"
#include "gic.h"
#include "print.h"
#include "psci.h"
#include "smp.h"
#include "tests.h"
#include "timer.h"

#define SUSPEND_CONTEXT		0x5A5A1234ULL
#define SUSPEND_WAKE_MS		50

/*
 * In .data, not .bss: _start zeroes .bss, so only this way can a stray
 * entry at _start see that a suspend was outstanding. A restart reloads
 * the image and with it SUSPEND_IDLE.
 */
#define SUSPEND_IDLE		0x1d1e1d1eU
#define SUSPEND_PENDING		0x5005e5e5U
static volatile uint32_t suspend_state = SUSPEND_IDLE;
/* suspend_try()'s caller, after a resume (set at run time: PIC) */
static void (*volatile resume_hook)(void);

/* The timer's PPI enabled in the GIC; false (after saying why) if there is no usable GIC. */
static bool enable_timer_irq(void)
{
	if (!gic_init()) {
		say("no usable GIC (%s)", gic_describe());
		return false;
	}
	gic_enable_ppi(TIMER_VIRT_INTID);
	return true;
}

void test_suspend(void)
{
	int64_t r;

	if (!enable_timer_irq())
		psci_system_off();
	/* What the firmware advertises, to compare with what the call does. */
	say("suspend features %ld",
	    psci_call(PSCI_FN(PSCI_FEATURES), PSCI_FN64(PSCI_SYSTEM_SUSPEND), 0, 0));
	say("suspending");
	timer_arm(SUSPEND_WAKE_MS);
	suspend_state = SUSPEND_PENDING;
	dsb_sy();
	r = psci_call(PSCI_FN64(PSCI_SYSTEM_SUSPEND), (uint64_t)(uintptr_t)resume_entry,
		      SUSPEND_CONTEXT, 0);
	suspend_state = SUSPEND_IDLE;
	timer_stop();
	say("suspend returned %ld%s", r, psci_trapped() ? " (trapped)" : "");
	psci_system_off();
}

void resume_main(uint64_t context, uint64_t sctlr, uint64_t daif, uint64_t el)
{
	bool was_pending = suspend_state == SUSPEND_PENDING;

	suspend_state = SUSPEND_IDLE;
	timer_stop();
	if (context == SUSPEND_CONTEXT && was_pending)
		say("resumed context ok");
	else
		say("resumed context BAD x0=0x%lx expected=0x%llx suspended=%d",
		    context, SUSPEND_CONTEXT, was_pending);
	/* PSCI: the resume entry is entered like CPU_ON's, MMU off, at EL1. */
	if ((sctlr & SCTLR_M) || el != CURRENT_EL1 || (daif & DAIF_ALL) != DAIF_ALL)
		say("resumed entry state BAD sctlr=0x%lx daif=0x%lx el=%lu",
		    sctlr, daif, el >> 2);
	if (resume_hook && was_pending)
		resume_hook();
	psci_system_off();
}

int64_t suspend_try(void (*on_resume)(void))
{
	int64_t r;

	timer_arm(SUSPEND_WAKE_MS);
	resume_hook = on_resume;
	suspend_state = SUSPEND_PENDING;
	dsb_sy();
	r = psci_call(PSCI_FN64(PSCI_SYSTEM_SUSPEND), (uint64_t)(uintptr_t)resume_entry,
		      SUSPEND_CONTEXT, 0);
	suspend_state = SUSPEND_IDLE;
	timer_stop();
	return r;
}

bool suspend_wake_setup(void)
{
	return enable_timer_irq();
}

void suspend_check_stray_entry(uint64_t x0)
{
	if (suspend_state != SUSPEND_PENDING)
		return;
	suspend_state = SUSPEND_IDLE;
	say("resumed at the wrong entry point (_start) x0=0x%lx", x0);
	psci_system_off();
}

void test_timer(void)
{
	uint64_t deadline;
	unsigned int intid;

	if (!enable_timer_irq())
		psci_system_off();
	timer_arm(SUSPEND_WAKE_MS);
	deadline = timer_deadline(10000);
	while (!timer_fired() && !timer_expired(deadline))
		cpu_relax();
	if (!timer_fired()) {
		say("timer did not fire");
		psci_system_off();
	}
	if (!gic_pending(TIMER_VIRT_INTID)) {
		say("timer fired but intid %u is not pending (%s)", TIMER_VIRT_INTID, gic_describe());
		psci_system_off();
	}
	/*
	 * Returns at once only if the CPU interface signals the interrupt
	 * (enabled, group on, priority below PMR), PSTATE.I notwithstanding:
	 * the same condition that ends a SYSTEM_SUSPEND. A hang here means
	 * it does not.
	 */
	asm volatile("wfi" : : : "memory");
	intid = gic_ack();
	timer_stop();
	gic_eoi(intid);
	say("timer fired intid %u", intid);
	psci_system_off();
}

/* The secondary of suspend-busy: stays on, waiting with interrupts masked. */
static volatile uint32_t busy_arrived;

static void busy_secondary(const struct smp_arrival *arrival)
{
	(void)arrival;
	smp_flag_set(&busy_arrived);
	for (;;)
		asm volatile("wfe");
}

/*
 * PSCI: SYSTEM_SUSPEND while another core is on must be DENIED. Start CPU 1,
 * leave it running, then ask to suspend.
 */
void test_suspend_busy(void)
{
	int64_t r;

	if (smp_count() < 2) {
		say("suspend-busy needs 2 cpus");
		psci_system_off();
	}
	r = smp_cpu_on(1, busy_secondary);
	if (r != PSCI_RET_SUCCESS || !smp_flag_wait(&busy_arrived, 2000)) {
		say("suspend-busy: cpu1 did not come up (%ld)", r);
		psci_system_off();
	}
	if (!enable_timer_irq())
		psci_system_off();
	say("suspending with cpu1 on");
	timer_arm(SUSPEND_WAKE_MS);
	r = psci_call(PSCI_FN64(PSCI_SYSTEM_SUSPEND), (uint64_t)(uintptr_t)resume_entry,
		      SUSPEND_CONTEXT, 0);
	timer_stop();
	say("suspend returned %ld", r);
	psci_system_off();
}
