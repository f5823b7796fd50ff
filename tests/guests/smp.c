/* SPDX-License-Identifier: GPL-2.0-only */
/* Secondary CPU discovery and bring-up; see smp.h. */
#include "smp.h"

#include "cpu.h"
#include "dt.h"
#include "entry.h"
#include "guest.h"
#include "lib.h"
#include "psci.h"
#include "timer.h"

static uint64_t mpidrs[GUEST_MAX_CPUS];
static unsigned int nr_cpus = 1, self;

/* The hand-off slot; start.S reads smp_boot_sp before it has a stack. */
uint64_t smp_boot_sp;
static volatile unsigned int boot_idx;
static volatile smp_fn boot_fn;

unsigned int smp_init(void)
{
	int cpus = dt_path("/cpus");
	unsigned int ac = dt_address_cells(cpus);
	uint64_t me = sysreg_read(mpidr_el1) & MPIDR_HWID_MASK;
	unsigned int n = 0;

	for (int c = dt_first_child(cpus); c >= 0 && n < GUEST_MAX_CPUS; c = dt_next_sibling(c)) {
		const char *type = dt_prop_str(c, "device_type");
		uint32_t len;
		const void *reg = dt_prop(c, "reg", &len);

		/* skips cpu-map and other helper nodes */
		if (!type || strcmp(type, "cpu") != 0)
			continue;
		if (!reg || len < 4 * ac || ac < 1 || ac > 2)
			continue;
		mpidrs[n] = dt_cells(reg, ac) & MPIDR_HWID_MASK;
		if (mpidrs[n] == me)
			self = n;
		n++;
	}
	if (!n) {
		mpidrs[0] = me;
		n = 1;
	}
	nr_cpus = n;
	return n;
}

unsigned int smp_count(void)
{
	return nr_cpus;
}

unsigned int smp_self(void)
{
	return self;
}

uint64_t smp_mpidr(unsigned int idx)
{
	return idx < nr_cpus ? mpidrs[idx] : 0;
}

void smp_cpu_on_prepare(unsigned int idx, smp_fn fn)
{
	/* Stacks grow down: CPU idx uses the top of slot idx. */
	smp_boot_sp = (uint64_t)(uintptr_t)(smp_stacks + (uint64_t)(idx + 1) * GUEST_STACK_SIZE);
	boot_idx = idx;
	boot_fn = fn;
	dsb_sy();
}

int64_t smp_cpu_on(unsigned int idx, smp_fn fn)
{
	smp_cpu_on_prepare(idx, fn);
	return psci_cpu_on(smp_mpidr(idx), (uint64_t)(uintptr_t)secondary_entry, smp_context(idx));
}

bool smp_entry_ok(const struct smp_arrival *a)
{
	return !(a->sctlr & SCTLR_M) && a->el == CURRENT_EL1 && (a->daif & DAIF_ALL) == DAIF_ALL;
}

void secondary_main(uint64_t context, uint64_t sctlr, uint64_t daif, uint64_t el)
{
	struct smp_arrival a = {
		.idx = boot_idx,
		.context = context,
		.expected = smp_context(boot_idx),
		.mpidr = sysreg_read(mpidr_el1) & MPIDR_HWID_MASK,
		.sctlr = sctlr,
		.daif = daif,
		.el = el,
	};
	smp_fn fn = boot_fn;

	if (fn)
		fn(&a);
	cpu_halt();
}

void smp_flag_set(volatile uint32_t *flag)
{
	dsb_sy();
	*flag = 1;
	dsb_sy();
	asm volatile("sev" : : : "memory");
}

bool smp_flag_wait(volatile uint32_t *flag, unsigned int ms)
{
	uint64_t deadline = timer_deadline(ms);

	while (!*flag) {
		if (timer_expired(deadline))
			return false;
		cpu_relax();
	}
	dsb_sy();
	return true;
}
