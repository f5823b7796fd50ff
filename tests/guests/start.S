/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest entry points, stacks and exception vectors.
 *
 *   _start           boot, and every restart after SYSTEM_RESET: x0 = DTB
 *                    (Documentation/arch/arm64/booting.rst)
 *   secondary_entry  PSCI CPU_ON entry point: x0 = context_id
 *   resume_entry     PSCI SYSTEM_SUSPEND entry point: x0 = context_id
 *
 * All three are entered at EL1 with the MMU off and DAIF masked. Only
 * PC-relative addressing (adr, adrp + :lo12:) is used, so the same bytes
 * run wherever they are loaded: pinvm's 0x80080000, QEMU virt's 0x40080000.
 * The MMU stays off for the guest's whole life: every data access is then
 * Device memory, hence -mstrict-align and no exclusives anywhere.
 */
#include "guest.h"

/* x1 = SCTLR_EL1, x2 = DAIF, x3 = CurrentEL: the state we were entered with */
.macro entry_state
	mrs	x1, sctlr_el1
	mrs	x2, daif
	mrs	x3, CurrentEL
.endm

	.section .text.start, "ax"
	.globl	_start
	.type	_start, %function
_start:
	/* First: a restart that skips it (a stale MMIO completion) shows. */
	mov	x20, #GUEST_ENTRY_MARK
	msr	daifset, #0xf
	mov	x19, x0				/* DTB */
	adrp	x1, boot_stack_top
	add	x1, x1, :lo12:boot_stack_top
	mov	sp, x1
	/* Zero .bss: a restart reloads the image, not the RAM behind it. */
	adrp	x1, _bss_start
	add	x1, x1, :lo12:_bss_start
	adrp	x2, _bss_end
	add	x2, x2, :lo12:_bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	bl	install_vectors
	mov	x0, x19
	mov	x1, x20
	bl	primary_main			/* (dtb, mark) */
	b	cpu_halt

	.globl	secondary_entry
	.type	secondary_entry, %function
secondary_entry:
	entry_state
	msr	daifset, #0xf
	/* The boot CPU wrote our stack pointer before it called CPU_ON. */
	adrp	x4, smp_boot_sp
	ldr	x4, [x4, :lo12:smp_boot_sp]
	mov	sp, x4
	bl	install_vectors
	bl	secondary_main			/* (context, sctlr, daif, el) */
	b	cpu_halt

	.globl	resume_entry
	.type	resume_entry, %function
resume_entry:
	entry_state
	msr	daifset, #0xf
	/* Only the boot CPU suspends (all others are off): reuse its stack. */
	adrp	x4, boot_stack_top
	add	x4, x4, :lo12:boot_stack_top
	mov	sp, x4
	bl	install_vectors
	bl	resume_main			/* (context, sctlr, daif, el) */
	b	cpu_halt

/* VBAR_EL1 is reset by CPU_ON and by the resume, so every entry sets it. */
install_vectors:
	adr	x9, vectors
	msr	vbar_el1, x9
	isb
	ret

	.globl	cpu_halt
	.type	cpu_halt, %function
cpu_halt:
	msr	daifset, #0xf
1:	wfi
	b	1b

/*
 * Exception vectors: 16 entries of 128 bytes (ARM ARM D1.10.2). Each saves
 * x0/x1, puts its number (0-15) in x0 and joins exception_entry, which
 * builds a struct exc_frame and calls exception_handler(frame, number).
 * If the handler returns, the (possibly edited) frame is restored.
 */
.macro ventry num
	.balign	128
	sub	sp, sp, #GUEST_FRAME_SIZE
	stp	x0, x1, [sp]
	mov	x0, #\num
	b	exception_entry
.endm

	.section .text.vectors, "ax"
	.balign	2048
vectors:
	ventry	0
	ventry	1
	ventry	2
	ventry	3
	ventry	4
	ventry	5
	ventry	6
	ventry	7
	ventry	8
	ventry	9
	ventry	10
	ventry	11
	ventry	12
	ventry	13
	ventry	14
	ventry	15

exception_entry:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x1, elr_el1
	stp	x30, x1, [sp, #240]
	mrs	x2, spsr_el1
	str	x2, [sp, #256]
	mov	x1, x0				/* vector number */
	mov	x0, sp				/* struct exc_frame * */
	bl	exception_handler
	ldp	x30, x1, [sp, #240]
	msr	elr_el1, x1
	ldr	x2, [sp, #256]
	msr	spsr_el1, x2
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldp	x0, x1, [sp]
	add	sp, sp, #GUEST_FRAME_SIZE
	eret

/*
 * Stacks live in their own NOBITS section after .bss: counted in the Image
 * header's image_size, but neither stored in the file nor zeroed at boot.
 */
	.section .stacks, "aw", %nobits
	.balign	16
	.space	GUEST_BOOT_STACK_SIZE
boot_stack_top:
	.globl	smp_stacks
smp_stacks:
	.space	GUEST_MAX_CPUS * GUEST_STACK_SIZE
