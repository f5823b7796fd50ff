/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exceptions. pvguest runs with interrupts masked and never expects one,
 * with a single exception to the rule: under QEMU's TCG PSCI an HVC/SMC
 * with a function id QEMU does not implement is UNDEFINED, and the
 * transcript should say so rather than end there.
 */
#include "exception.h"

#include <stdbool.h>

#include "cpu.h"
#include "entry.h"
#include "guest.h"
#include "print.h"
#include "psci.h"

_Static_assert(sizeof(struct exc_frame) == GUEST_FRAME_SIZE, "start.S frame layout");

#define ESR_EC(esr)		((esr) >> 26 & 0x3f)
#define ESR_EC_UNKNOWN		0x00
#define INSN_HVC_0		0xd4000002U
#define INSN_SMC_0		0xd4000003U
#define INSN_SMC_1		0xd4000023U	/* the transcript's "smc #1" */

/* Vector slots in order: {Sync, IRQ, FIQ, SError} x {EL1t, EL1h, EL0 64, EL0 32} */
static const char vector_names[16][16] = {
	"sync-el1t", "irq-el1t", "fiq-el1t", "serror-el1t",
	"sync-el1h", "irq-el1h", "fiq-el1h", "serror-el1h",
	"sync-el0", "irq-el0", "fiq-el0", "serror-el0",
	"sync-el0-32", "irq-el0-32", "fiq-el0-32", "serror-el0-32",
};

/* An HVC #0, SMC #0 or SMC #1 of ours that the platform treats as UNDEFINED? */
static bool is_trapped_call(const struct exc_frame *f, uint64_t esr)
{
	uint32_t insn;

	if (ESR_EC(esr) != ESR_EC_UNKNOWN)
		return false;
	if (f->elr < (uintptr_t)_image_start || f->elr + 4 > (uintptr_t)_etext || f->elr & 3)
		return false;
	insn = *(const volatile uint32_t *)(uintptr_t)f->elr;
	return insn == INSN_HVC_0 || insn == INSN_SMC_0 || insn == INSN_SMC_1;
}

void exception_handler(struct exc_frame *f, uint64_t vector)
{
	uint64_t esr = sysreg_read(esr_el1);
	uint64_t far = sysreg_read(far_el1);

	if ((vector & 3) == 0 && is_trapped_call(f, esr)) {
		f->x[0] = (uint64_t)(int64_t)PSCI_RET_NOT_SUPPORTED;
		f->elr += 4;
		psci_note_trap();
		return;
	}
	say("EXCEPTION esr=0x%08lx elr=0x%016lx far=0x%016lx vector=%s",
	    esr, f->elr, far, vector < 16 ? vector_names[vector] : "?");
	psci_system_off();
}
