/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPUs' power states, one locked table for the whole machine: OFF, ON
 * (runs or may run), SUSPENDED (SYSTEM_SUSPEND: waits in KVM for a wake-up).
 * A boot starts with vCPU 0 ON and every other OFF (power_reset()).
 *
 * With KVM's PSCI, CPU_ON and CPU_OFF happen inside KVM and pinvm does not
 * see them: the table learns the other vCPUs' states when it needs them
 * (SYSTEM_SUSPEND reads their MP state, runloop.c). A userspace PSCI
 * firmware keeps it exact itself: a CPU_ON caller marks its target (with
 * the entry point and context to start it at) and the target's own thread
 * performs the reset and runs it.
 */
#ifndef PINVM_POWER_H
#define PINVM_POWER_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

#include "pinvm/layout.h"

enum power_state {
	POWER_OFF,
	POWER_ON,
	POWER_SUSPENDED,
};

struct power {
	pthread_mutex_t lock;
	unsigned int nr;
	enum power_state state[LAYOUT_MAX_VCPUS];
	/* SYSTEM_SUSPEND: where the vCPU resumes on its wake-up */
	uint64_t entry[LAYOUT_MAX_VCPUS], context[LAYOUT_MAX_VCPUS];
};

/** power_init() - an empty table for @nr vCPUs (at most LAYOUT_MAX_VCPUS), then power_reset(). */
void power_init(struct power *p, unsigned int nr);

/** power_destroy() - release the lock. */
void power_destroy(struct power *p);

/** power_reset() - the power-on state: vCPU 0 ON, every other OFF. */
void power_reset(struct power *p);

/** power_get() - @cpu's state (POWER_OFF for a @cpu beyond the table). */
enum power_state power_get(struct power *p, unsigned int cpu);

/** power_set() - set @cpu's state; a @cpu beyond the table is ignored. */
void power_set(struct power *p, unsigned int cpu, enum power_state state);

/**
 * power_suspend() - mark @cpu SUSPENDED with where it resumes, if every
 * other vCPU is OFF (PSCI SYSTEM_SUSPEND's rule).
 * Returns: true when marked; false (nothing changed) when another vCPU is
 * ON or SUSPENDED.
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

#endif
