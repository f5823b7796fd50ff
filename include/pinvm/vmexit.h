/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a vCPU does about one return from KVM_RUN, decided by a pure
 * function: the kvm_run exit (or the ioctl's errno) in, an action out. The
 * vCPU loop (vcpu.c) only performs the action, so every exit the loop can
 * meet is unit-tested with synthetic kvm_run contents (check_vmexit.c).
 */
#ifndef PINVM_VMEXIT_H
#define PINVM_VMEXIT_H

#include <stdbool.h>
#include <stdint.h>

#include "pinvm/stop.h"

struct kvm_run;

enum vmexit_kind {
	VMEXIT_RESUME,		/* nothing to do: KVM_RUN again (a kick, a signal) */
	VMEXIT_MMIO,		/* perform run->mmio on the bus, then KVM_RUN completes it */
	VMEXIT_STOP,		/* the boot ends: .stop */
	VMEXIT_SUSPEND,		/* PSCI SYSTEM_SUSPEND: entry in x1, context in x2 */
	VMEXIT_WAKEUP,		/* a vCPU in KVM_MP_STATE_SUSPENDED has a wake-up event */
	VMEXIT_HYPERCALL,	/* a PSCI call the SMCCC filter forwarded: .fid, .smc */
};

struct vmexit_action {
	enum vmexit_kind kind;
	/*
	 * VMEXIT_STOP. Registers are the performer's to read: for STOP_RESET2
	 * reset_type (x1, low 32 bits) and cookie (x2); for STOP_FAILURE pc
	 * and pstate.
	 */
	struct stop stop;
	uint32_t fid;		/* VMEXIT_HYPERCALL: the function id (x0's low 32 bits) */
	bool smc;		/* VMEXIT_HYPERCALL: SMC #0, not HVC #0 */
};

/**
 * vmexit_decide() - the action for vCPU @vcpu after KVM_RUN returned.
 * @run: its kvm_run (read only when @run_errno is 0).
 * @run_errno: 0 when KVM_RUN returned 0, else its errno.
 * @forwarded: the SMCCC filter forwards PSCI to pinvm (its own firmware
 *	answers); without it a KVM_EXIT_HYPERCALL is a failure.
 * @ret: filled whole.
 */
void vmexit_decide(const struct kvm_run *run, int run_errno, bool forwarded, unsigned int vcpu,
		   struct vmexit_action *ret);

#endif
