/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seam between start.S and C: the asm entry points C needs the address
 * of, and the C functions the asm calls.
 */
#ifndef PVGUEST_ENTRY_H
#define PVGUEST_ENTRY_H

#include <stdint.h>

/* start.S. Take addresses as arrays: "adrp/add", so position independent. */
extern char secondary_entry[];	/* CPU_ON entry point: x0 = context id */
extern char resume_entry[];	/* SYSTEM_SUSPEND entry point: x0 = context id */
extern char smp_stacks[];	/* GUEST_MAX_CPUS * GUEST_STACK_SIZE bytes */
extern char _image_start[], _etext[];	/* link.ld */

/* smp.c: the stack pointer secondary_entry loads (set before each CPU_ON). */
extern uint64_t smp_boot_sp;

/** cpu_halt() - mask interrupts and WFI forever (start.S). */
void cpu_halt(void) __attribute__((noreturn));

/*
 * Called by start.S. primary_main() gets x0 as _start found it, and
 * GUEST_ENTRY_MARK as @mark if the first instruction of _start ran. The
 * entry-state arguments are SCTLR_EL1, DAIF and CurrentEL as read by the
 * first instructions, before anything changed them.
 */
void primary_main(uint64_t dtb, uint64_t mark);
void secondary_main(uint64_t context, uint64_t sctlr, uint64_t daif, uint64_t el);
void resume_main(uint64_t context, uint64_t sctlr, uint64_t daif, uint64_t el);

#endif
