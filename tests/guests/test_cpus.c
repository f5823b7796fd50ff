/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * count-cpus (benchmark): start every CPU the DT lists, one after the
 * other, and count those that reach C code. Quiet unless something fails.
 */
#include "entry.h"
#include "guest.h"
#include "print.h"
#include "psci.h"
#include "smp.h"
#include "tests.h"

#define WAIT_MS		30000

static volatile uint32_t reported[GUEST_MAX_CPUS];

static void secondary(const struct smp_arrival *a)
{
	smp_flag_set(&reported[a->idx]);
	/* park; SYSTEM_OFF from the boot CPU stops everything */
}

void test_count_cpus(void)
{
	unsigned int online = 1;

	for (unsigned int i = 0; i < smp_count(); i++) {
		int64_t r;

		if (i == smp_self())
			continue;
		r = smp_cpu_on(i, secondary);
		if (r != PSCI_RET_SUCCESS) {
			say("cpu%u CPU_ON returned %ld", i, r);
			continue;
		}
		if (!smp_flag_wait(&reported[i], WAIT_MS)) {
			say("cpu%u did not arrive", i);
			continue;
		}
		online++;
	}
	say("cpus online %u", online);
	psci_system_off();
}
