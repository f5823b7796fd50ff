/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The benchmark's 4 KiB bare-metal guest (tests/bench, docs/benchmarks.md).
 *
 * tiny-off.bin:    PSCI_VERSION, then SYSTEM_OFF: the whole guest life of
 *                  "launch -> power off", with no device access, so a runner
 *                  without any device model (floor.c) can run it too.
 * tiny-reset.bin:  SYSTEM_RESET at once (built with -DTINY_RESET): every
 *                  start after a reset is again this first instruction.
 *
 * Flat binary, position independent, entered at EL1 with the MMU off
 * (Documentation/arch/arm64/booting.rst); padded to exactly 4096 bytes.
 * Calls use HVC, the conduit KVM offers (SMCCC: function id in w0).
 */

#define PSCI_VERSION		0x84000000
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009

/* w0 = function id without a load from memory, then the call */
.macro psci fn
	movz	w0, #((\fn) & 0xffff)
	movk	w0, #((\fn) >> 16), lsl #16
	hvc	#0
.endm

	.section .text, "ax"
	.globl	_start
_start:
#ifdef TINY_RESET
	psci	PSCI_SYSTEM_RESET
#else
	psci	PSCI_VERSION
	psci	PSCI_SYSTEM_OFF
#endif
	/* Not reached under PSCI 0.2+: wait for the VMM to give up. */
1:	wfi
	b	1b

	.org	4096
