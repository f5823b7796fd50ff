/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPUs' power states, one locked table for the whole machine: OFF, ON
 * (runs or may run), SUSPENDED (SYSTEM_SUSPEND: waits in KVM for a wake-up),
 * ON_PENDING (a CPU_ON was accepted; the vCPU's own thread has not started
 * it yet). A boot starts with vCPU 0 ON and every other OFF (power_reset()).
 *
 * With KVM's PSCI, CPU_ON and CPU_OFF happen inside KVM and pinvm does not
 * see them: the table learns the other vCPUs' states when it needs them
 * (SYSTEM_SUSPEND reads their MP state, runloop.c). pinvm's own PSCI
 * firmware (psci_fw.c) keeps it exact itself: a CPU_ON caller marks its
 * target ON_PENDING with the entry point, context and endianness to start
 * it with (power_start()), and the target's own thread performs the reset,
 * takes them (power_started()) and runs it.
 *
 * Each vCPU also has its MPIDR affinity (MPIDR_EL1 & POWER_MPIDR_HWID_MASK),
 * which PSCI's CPU_ON and AFFINITY_INFO address vCPUs by. power_init() sets
 * KVM's default (reset_mpidr(), arch/arm64/kvm/sys_regs.c); the machine
 * stores the value it reads from each vCPU (power_set_mpidr()).
 */
#ifndef PINVM_POWER_H
#define PINVM_POWER_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

#include "pinvm/layout.h"

/* MPIDR_EL1 affinity fields Aff3 [39:32], Aff2-Aff0 [23:0] (MPIDR_HWID_BITMASK) */
#define POWER_MPIDR_HWID_MASK	0xff00ffffffULL

enum power_state {
	POWER_OFF,
	POWER_ON,
	POWER_SUSPENDED,
	POWER_ON_PENDING,
};

struct power {
	pthread_mutex_t lock;
	unsigned int nr;
	enum power_state state[LAYOUT_MAX_VCPUS];
	uint64_t mpidr[LAYOUT_MAX_VCPUS];	/* affinity bits only */
	/*
	 * Where the vCPU starts (ON_PENDING: CPU_ON's entry point, context
	 * id and the caller's endianness) or resumes (SUSPENDED).
	 */
	uint64_t entry[LAYOUT_MAX_VCPUS], context[LAYOUT_MAX_VCPUS];
	bool big_endian[LAYOUT_MAX_VCPUS];
};

/**
 * power_init() - an empty table for @nr vCPUs (at most LAYOUT_MAX_VCPUS),
 * KVM's default MPIDRs, then power_reset().
 */
void power_init(struct power *p, unsigned int nr);

/** power_destroy() - release the lock. */
void power_destroy(struct power *p);

/** power_reset() - the power-on state: vCPU 0 ON, every other OFF, nothing pending. */
void power_reset(struct power *p);

/** power_get() - @cpu's state (POWER_OFF for a @cpu beyond the table). */
enum power_state power_get(struct power *p, unsigned int cpu);

/** power_set() - set @cpu's state; a @cpu beyond the table is ignored. */
void power_set(struct power *p, unsigned int cpu, enum power_state state);

/**
 * power_set_mpidr() - @cpu's MPIDR_EL1 as read from KVM; only the affinity
 * bits are kept. A @cpu beyond the table is ignored.
 */
void power_set_mpidr(struct power *p, unsigned int cpu, uint64_t mpidr);

/** power_get_mpidr() - @cpu's affinity bits (0 for a @cpu beyond the table). */
uint64_t power_get_mpidr(struct power *p, unsigned int cpu);

/**
 * power_suspend() - mark @cpu SUSPENDED with where it resumes, if every
 * other vCPU is OFF (PSCI SYSTEM_SUSPEND's rule; ON_PENDING is not OFF).
 * Returns: true when marked; false (nothing changed) when another vCPU is
 * not OFF, or @cpu is beyond the table.
 */
bool power_suspend(struct power *p, unsigned int cpu, uint64_t entry, uint64_t context);

/**
 * power_wake() - a SUSPENDED @cpu becomes ON; *ret_entry and *ret_context
 * get where it resumes.
 * Returns: true; false when @cpu was not SUSPENDED (nothing changed).
 */
bool power_wake(struct power *p, unsigned int cpu, uint64_t *ret_entry, uint64_t *ret_context);

/** power_count() - how many vCPUs are in @state. */
unsigned int power_count(struct power *p, enum power_state state);

/**
 * power_start() - CPU_ON's transition: the vCPU whose affinity is @mpidr
 * (the lowest-numbered one, as kvm_mpidr_to_vcpu() picks) goes from OFF to
 * ON_PENDING, to start at @entry with @context in x0 and the data
 * endianness @big_endian. *ret_cpu is set on success.
 * Returns: 0; -ENOENT when no vCPU has that affinity (bits outside
 * POWER_MPIDR_HWID_MASK never match); -EALREADY (nothing changed) when it
 * is not OFF.
 */
int power_start(struct power *p, uint64_t mpidr, uint64_t entry, uint64_t context,
		bool big_endian, unsigned int *ret_cpu);

/**
 * power_started() - the target's own thread takes its pending start: an
 * ON_PENDING @cpu becomes ON; the ret_* get what power_start() recorded.
 * Returns: true; false when @cpu was not ON_PENDING (nothing changed).
 */
bool power_started(struct power *p, unsigned int cpu, uint64_t *ret_entry,
		   uint64_t *ret_context, bool *ret_big_endian);

/**
 * power_off() - CPU_OFF's transition: @cpu becomes OFF, whatever it was.
 * Returns: how many vCPUs are not OFF afterwards (0: the last one went off).
 */
unsigned int power_off(struct power *p, unsigned int cpu);

/** power_all_off() - every vCPU OFF (SYSTEM_OFF, SYSTEM_RESET and the like). */
void power_all_off(struct power *p);

/* power_affinity()'s answers */
#define POWER_AFFINITY_ON	1
#define POWER_AFFINITY_OFF	0

/**
 * power_affinity() - AFFINITY_INFO's scan: the vCPUs with
 * (affinity & @mask) == @target.
 * Returns: POWER_AFFINITY_ON when one of them is not OFF (ON_PENDING and
 * SUSPENDED count as on); POWER_AFFINITY_OFF when all are OFF; -ENOENT
 * when none matches.
 */
int power_affinity(struct power *p, uint64_t target, uint64_t mask);

#endif
