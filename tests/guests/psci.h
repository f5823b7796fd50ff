/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI and SMCCC calls (Arm DEN0022 PSCI, DEN0028 SMCCC): function ids,
 * return codes, the conduit (HVC or SMC, from the DT /psci node) and the
 * call itself: x0 = function id, x1..x3 = arguments, result in x0.
 */
#ifndef PVGUEST_PSCI_H
#define PVGUEST_PSCI_H

#include <stdbool.h>
#include <stdint.h>

/* PSCI 0.2+ ids: SMC32 0x84000000 + n, SMC64 0xC4000000 + n */
#define PSCI_FN(n)		(0x84000000U + (n))
#define PSCI_FN64(n)		(0xC4000000U + (n))
#define PSCI_NR_FUNCTIONS	22	/* 0 PSCI_VERSION .. 21 SYSTEM_OFF2 */

#define PSCI_VERSION		0
#define PSCI_CPU_SUSPEND	1
#define PSCI_CPU_OFF		2
#define PSCI_CPU_ON		3
#define PSCI_AFFINITY_INFO	4
#define PSCI_MIGRATE		5
#define PSCI_MIGRATE_INFO_TYPE	6
#define PSCI_MIGRATE_INFO_UP_CPU	7
#define PSCI_SYSTEM_OFF		8
#define PSCI_SYSTEM_RESET	9
#define PSCI_FEATURES		10
#define PSCI_SYSTEM_SUSPEND	14
#define PSCI_SYSTEM_RESET2	18
#define PSCI_SYSTEM_OFF2	21

/* SMCCC Arm Architecture Calls */
#define SMCCC_VERSION		0x80000000U
#define SMCCC_ARCH_FEATURES	0x80000001U
#define SMCCC_ARCH_WORKAROUND_1	0x80008000U
#define SMCCC_ARCH_WORKAROUND_2	0x80007FFFU
#define SMCCC_ARCH_WORKAROUND_3	0x80003FFFU

/* Return codes (x0, sign-extended to 64 bits) */
#define PSCI_RET_SUCCESS		0
#define PSCI_RET_NOT_SUPPORTED		(-1)
#define PSCI_RET_INVALID_PARAMS		(-2)
#define PSCI_RET_DENIED			(-3)
#define PSCI_RET_ALREADY_ON		(-4)

/* AFFINITY_INFO results */
#define PSCI_AFF_ON		0
#define PSCI_AFF_OFF		1
#define PSCI_AFF_ON_PENDING	2

/* Which /psci binding the DT uses (Documentation/devicetree/bindings/arm/psci.yaml) */
enum psci_binding {
	PSCI_BINDING_NONE,	/* no /psci node: assume 0.2 ids over HVC */
	PSCI_BINDING_0_1,	/* "arm,psci" only: ids from the cpu_on/cpu_off properties */
	PSCI_BINDING_0_2,	/* "arm,psci-0.2" */
	PSCI_BINDING_1_0,	/* "arm,psci-1.0" */
};

struct psci_info {
	enum psci_binding binding;
	bool smc;			/* method "smc" rather than "hvc" */
	uint32_t fn_cpu_on, fn_cpu_off;	/* from the DT for 0.1, else standard */
	char compatible[64];		/* the node's compatible list, space separated */
};

/** psci_init() - read /psci from the DT (after dt_init()). */
void psci_init(void);

const struct psci_info *psci_get_info(void);

/**
 * psci_call() - one SMCCC call through the DT's conduit.
 * Returns: x0 as the firmware left it (negative = error code).
 */
int64_t psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/* How psci_call_raw() calls: the DT's conduit, or forced. */
enum psci_conduit {
	PSCI_CONDUIT_DT,	/* what /psci says (psci_call()) */
	PSCI_CONDUIT_HVC,	/* hvc #0 */
	PSCI_CONDUIT_SMC,	/* smc #0: SMCCC's SMC conduit */
	PSCI_CONDUIT_SMC_IMM1,	/* smc #1: not an SMCCC call (imm16 must be 0) */
};

/* x0..x3 after a call */
struct psci_regs {
	uint64_t x[4];
};

/**
 * psci_call_raw() - one call through @conduit; @ret gets x0..x3 as the
 * firmware left them (SMCCC: x1..x3 are results too; PSCI leaves them 0).
 * Returns: x0.
 */
int64_t psci_call_raw(enum psci_conduit conduit, uint32_t fid, uint64_t a1, uint64_t a2,
		      uint64_t a3, struct psci_regs *ret);

/**
 * psci_trapped() - the last psci_call() raised an Undefined Instruction
 * exception instead of reaching firmware (QEMU's TCG PSCI does this for
 * ids it does not know); it then returned -1. Never happens under KVM.
 */
bool psci_trapped(void);

/** psci_note_trap() - for the exception handler: mark the call trapped. */
void psci_note_trap(void);

int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
int64_t psci_cpu_off(void);
int64_t psci_affinity_info(uint64_t mpidr);

/**
 * psci_system_off() - SYSTEM_OFF. Should it return (PSCI 0.1 has no
 * SYSTEM_OFF), print "system_off returned N" and "halted", then halt.
 */
void psci_system_off(void) __attribute__((noreturn));

/** psci_fn_name() - "CPU_ON" etc. for function number @n, "?" if unknown. */
const char *psci_fn_name(unsigned int n);

/** psci_ret_name() - "NOT_SUPPORTED" etc. for a negative code, else NULL. */
const char *psci_ret_name(int64_t ret);

#endif
