/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Secondary CPUs: the CPU list from the DT /cpus node, and bringing one
 * CPU at a time up through PSCI CPU_ON into a C function of the test.
 *
 * One at a time because there is a single hand-off slot (stack pointer,
 * function, expected context id): the caller waits for the new CPU to
 * report (smp_flag_wait) before it starts the next one.
 */
#ifndef PVGUEST_SMP_H
#define PVGUEST_SMP_H

#include <stdbool.h>
#include <stdint.h>

/* CPU_ON context id for DT cpu index i: CONTEXT_BASE + i */
#define SMP_CONTEXT_BASE	0xC0FFEE00ULL

/* What a secondary CPU found when it arrived. */
struct smp_arrival {
	unsigned int idx;		/* DT cpu index it was started as */
	uint64_t context;		/* x0 at secondary_entry */
	uint64_t expected;		/* the context id passed to CPU_ON */
	uint64_t mpidr;			/* its MPIDR_EL1 & MPIDR_HWID_MASK */
	uint64_t sctlr, daif, el;	/* entry state */
};

typedef void (*smp_fn)(const struct smp_arrival *arrival);

/**
 * smp_init() - read /cpus (after dt_init()): every child with device_type
 * "cpu", in DT order, and which of them we are (by MPIDR_EL1).
 * Returns: the number of CPUs (at least 1, at most GUEST_MAX_CPUS).
 */
unsigned int smp_init(void);

unsigned int smp_count(void);
unsigned int smp_self(void);
uint64_t smp_mpidr(unsigned int idx);

static inline uint64_t smp_context(unsigned int idx)
{
	return SMP_CONTEXT_BASE + idx;
}

/**
 * smp_cpu_on() - CPU_ON of DT cpu @idx at secondary_entry with context id
 * smp_context(@idx); once there it calls @fn on its own stack.
 * Returns: the PSCI result.
 */
int64_t smp_cpu_on(unsigned int idx, smp_fn fn);

/**
 * smp_cpu_on_prepare() - fill the hand-off slot for DT cpu @idx and @fn,
 * for a test that makes the CPU_ON call itself (any id, any conduit, any
 * CPU) with entry secondary_entry.
 */
void smp_cpu_on_prepare(unsigned int idx, smp_fn fn);

/** smp_entry_ok() - arrived at EL1, MMU off, DAIF all masked (PSCI CPU_ON). */
bool smp_entry_ok(const struct smp_arrival *arrival);

/*
 * Cross-CPU flags. With the MMU off all memory is Device memory, hence
 * uncached and coherent; the barriers order the flag against the data and
 * console output before it.
 */
void smp_flag_set(volatile uint32_t *flag);
/** smp_flag_wait() - wait until *@flag != 0, at most @ms ms. Returns: it was set. */
bool smp_flag_wait(volatile uint32_t *flag, unsigned int ms);

#endif
