/* SPDX-License-Identifier: GPL-2.0-only */
/* Exception handling: the frame start.S builds, and its C handler. */
#ifndef PVGUEST_EXCEPTION_H
#define PVGUEST_EXCEPTION_H

#include <stdint.h>

/* Layout fixed by start.S (exception_entry); GUEST_FRAME_SIZE bytes. */
struct exc_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

/**
 * exception_handler() - called by start.S for vector @vector (0-15, the
 * 128-byte slot). A PSCI call that hit an Undefined Instruction exception
 * is completed with -1 (see psci_trapped()); anything else prints
 * "PVGUEST: EXCEPTION esr=... elr=..." and powers off.
 */
void exception_handler(struct exc_frame *frame, uint64_t vector);

#endif
