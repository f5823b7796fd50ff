/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest-wide constants, shared by the C files and start.S (so: #defines
 * only, nothing that the assembler cannot read).
 */
#ifndef PVGUEST_GUEST_H
#define PVGUEST_GUEST_H

/* As many CPUs as pinvm can create (LAYOUT_MAX_VCPUS). */
#define GUEST_MAX_CPUS		512
/* Secondary CPUs only print a line or two: 4 KiB each is plenty. */
#define GUEST_STACK_SIZE	4096
/* The boot CPU's stack, also used again after a SYSTEM_SUSPEND resume. */
#define GUEST_BOOT_STACK_SIZE	16384
/* sizeof(struct exc_frame): x0-x30, ELR, SPSR, padding to 16 bytes */
#define GUEST_FRAME_SIZE	272

/* _start's first instruction puts this in x20 (primary_main() checks it). */
#define GUEST_ENTRY_MARK	0x600d

#endif
