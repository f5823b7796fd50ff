/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pinvm's own PSCI firmware: what the guest's PSCI calls answer when KVM's
 * SMCCC filter forwards the PSCI function range (0x84000000 and 0xC4000000,
 * 0x20 ids each) to pinvm as KVM_EXIT_HYPERCALL.
 *
 * A pure dispatcher: a call (function id, x1..x3 and a few facts about the
 * caller) in, x0 and an action for the caller's vCPU thread out. No KVM in
 * it: it reads and changes only the power-state table (power.c), whose
 * transitions are atomic under that table's lock, so psci_fw_call() may be
 * called from every vCPU thread at once.
 *
 * The answers are KVM's (arch/arm64/kvm/psci.c) for every version KVM
 * offers, deviations from the PSCI specification included; each of those
 * is listed in docs/psci-firmware.md with the kernel function it comes from.
 */
#ifndef PINVM_PSCI_FW_H
#define PINVM_PSCI_FW_H

#include <stdbool.h>
#include <stdint.h>

#include "pinvm/stop.h"

struct power;

/* The forwarded ranges: [base, base + PSCI_FW_NR_FUNCTIONS) for SMC32 and SMC64 */
#define PSCI_FW_SMC32_BASE	0x84000000U
#define PSCI_FW_SMC64_BASE	0xC4000000U
#define PSCI_FW_NR_FUNCTIONS	0x20U

struct psci_fw_config {
	/* PSCI_VERSION(0, 2), (1, 0), (1, 1), (1, 2) or (1, 3); 0.1 stays KVM's */
	uint32_t version;
	/*
	 * SYSTEM_SUSPEND is offered (PSCI >= 1.0). false answers it, and
	 * PSCI_FEATURES of it, NOT_SUPPORTED, as KVM does without
	 * KVM_CAP_ARM_SYSTEM_SUSPEND (pinvm's --no-suspend).
	 */
	bool system_suspend;
};

struct psci_fw {
	struct psci_fw_config cfg;
	struct power *power;	/* vCPU count, MPIDRs, power states */
};

/* One guest call, as KVM_EXIT_HYPERCALL and the caller's registers give it. */
struct psci_fw_call {
	unsigned int vcpu;	/* the caller */
	uint32_t fid;		/* x0's low 32 bits (kvm_run.hypercall.nr) */
	uint64_t x1, x2, x3;	/* as read; SMC32 ids use the low 32 bits */
	/* SMC #0 rather than HVC #0 (KVM_HYPERCALL_EXIT_SMC): for the call log only */
	bool smc;
	/* the caller runs AArch32 (PSTATE.nRW): every SMC64 id is NOT_SUPPORTED */
	bool aarch32;
	/*
	 * The caller's data endianness (SCTLR_EL1.EE, CPSR.E in AArch32):
	 * CPU_ON starts its target with it (kvm_psci_vcpu_on()). Only CPU_ON
	 * reads it.
	 */
	bool big_endian;
};

enum psci_fw_action {
	/* x0..x3 into the caller, which runs on. */
	PSCI_FW_RESUME,
	/* The machine stops with .stop (x0 holds INTERNAL_FAILURE, as KVM preloads). */
	PSCI_FW_STOP,
	/*
	 * CPU_OFF: the caller is OFF; its thread leaves KVM_RUN and waits in
	 * pinvm until a CPU_ON makes it ON_PENDING. .last: no vCPU is left
	 * that is not OFF.
	 */
	PSCI_FW_CPU_OFF,
	/*
	 * CPU_ON accepted: x0 (SUCCESS) into the caller, which runs on; vCPU
	 * .target is ON_PENDING and its thread must be woken: it resets the
	 * vCPU and starts it at .entry with .context in x0 and the data
	 * endianness .big_endian (power_started() hands it the same values).
	 */
	PSCI_FW_CPU_ON,
	/*
	 * CPU_SUSPEND: x0 (SUCCESS) into the caller, which then waits for an
	 * interrupt (KVM_MP_STATE_SUSPENDED) and runs on; a standby, so
	 * nothing is lost. The table keeps it ON, as KVM's WFI does.
	 */
	PSCI_FW_STANDBY,
	/*
	 * SYSTEM_SUSPEND accepted: the caller is SUSPENDED; on its wake-up it
	 * is reset and resumes at .entry with .context in x0 (power_wake()).
	 * x0 is never seen by the guest (INTERNAL_FAILURE if it were).
	 */
	PSCI_FW_SYSTEM_SUSPEND,
};

struct psci_fw_result {
	uint64_t x0;		/* the PSCI return value, sign-extended as KVM does */
	uint64_t x1, x2, x3;	/* always 0 (smccc_set_retval(val, 0, 0, 0)) */
	enum psci_fw_action action;
	unsigned int target;	/* PSCI_FW_CPU_ON */
	uint64_t entry, context;	/* PSCI_FW_CPU_ON, PSCI_FW_SYSTEM_SUSPEND */
	bool big_endian;	/* PSCI_FW_CPU_ON */
	bool last;		/* PSCI_FW_CPU_OFF */
	struct stop stop;	/* PSCI_FW_STOP: kind, vcpu; RESET2's type and cookie */
};

/**
 * psci_fw_init() - a firmware answering as PSCI @cfg->version over @power
 * (which must outlive it).
 * Returns: 0; -EINVAL for a version it does not implement (0.1, 1.4, ...).
 */
int psci_fw_init(struct psci_fw *fw, const struct psci_fw_config *cfg, struct power *power);

/**
 * psci_fw_call() - answer one call and apply its power-state transition.
 * Any function id is accepted: ids outside the two PSCI ranges, unknown
 * or newer than the version answer NOT_SUPPORTED. @ret is filled whole.
 */
void psci_fw_call(const struct psci_fw *fw, const struct psci_fw_call *call,
		  struct psci_fw_result *ret);

/**
 * psci_fw_fn_name() - "CPU_ON", "SYSTEM_OFF2", ... for a PSCI id of either
 * width (the names DEN0022 gives); NULL for an id outside the two ranges
 * or without a function.
 */
const char *psci_fw_fn_name(uint32_t fid);

/** psci_fw_ret_name() - "SUCCESS", "NOT_SUPPORTED", ... for a PSCI return code; NULL otherwise. */
const char *psci_fw_ret_name(int64_t ret);

/** psci_fw_action_name() - "resume", "stop", "cpu_off", "cpu_on", "standby", "system_suspend". */
const char *psci_fw_action_name(enum psci_fw_action action);

#endif
