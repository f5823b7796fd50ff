/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "counter": the load of the snapshot tests (docs/snapshot.md). Prints
 * "counter N psci M.m secondary S step G" about every 100 ms of the virtual
 * counter, N from 1 to count=N (default 100), then SYSTEM_OFF. With more
 * than one CPU, CPU 1 is started and counts in memory (S: its count,
 * which must grow too). Every line asks PSCI_VERSION again, so a restored
 * guest shows the version its new host gives. G is the step of the virtual
 * counter since the line before, in ms: a restore that let the counter
 * jump by the time spent stopped shows here. "counter BAD" lines report a
 * counter that went backwards. With an initrd, "initrd 0xSTART-0xEND sum 0xS"
 * first: where the device tree says it is and a sum of its bytes there,
 * so that a restart after a restore shows the initrd read to its place.
 */
#include <stdint.h>

#include "args.h"
#include "cpu.h"
#include "dt.h"
#include "lib.h"
#include "print.h"
#include "psci.h"
#include "smp.h"
#include "tests.h"
#include "timer.h"

static volatile uint64_t counter_secondary;

static void counter_secondary_main(const struct smp_arrival *arrival)
{
	(void)arrival;
	for (;;) {
		uint64_t until = timer_deadline(10);

		while (!timer_expired(until))
			cpu_relax();
		counter_secondary = counter_secondary + 1;
	}
}

static void counter_initrd(void)
{
	int chosen = dt_path("/chosen");
	uint32_t slen = 0, elen = 0;
	const void *s = dt_prop(chosen, "linux,initrd-start", &slen);
	const void *e = dt_prop(chosen, "linux,initrd-end", &elen);
	uint64_t start, end, sum = 0;

	/* One cell or two (pinvm gives two, QEMU one). */
	if (!s || !e || (slen != 4 && slen != 8) || (elen != 4 && elen != 8))
		return;
	start = dt_cells(s, slen / 4);
	end = dt_cells(e, elen / 4);
	for (uint64_t a = start; a < end; a++)
		sum = sum * 31 + *(const volatile uint8_t *)(uintptr_t)a;
	say("initrd 0x%lx-0x%lx sum 0x%lx", start, end, sum);
}

void test_counter(void)
{
	uint64_t count = args_u64("count", 100), freq = timer_freq(), prev;

	counter_initrd();
	if (smp_count() > 1 && smp_cpu_on(1, counter_secondary_main) != 0)
		say("counter BAD: CPU_ON of CPU 1 failed");
	prev = timer_now();
	for (uint64_t n = 1; n <= count; n++) {
		uint64_t until = timer_deadline(100), now, gap;
		int64_t v;

		while (!timer_expired(until))
			cpu_relax();
		now = timer_now();
		if (now < prev)
			say("counter BAD: the virtual counter went back from 0x%lx to 0x%lx", prev, now);
		gap = (now - prev) * 1000 / freq;
		prev = now;
		v = psci_call(PSCI_FN(PSCI_VERSION), 0, 0, 0);
		say("counter %lu psci %ld.%ld secondary %lu step %lu", n, (v >> 16) & 0xffff,
		    v & 0xffff, counter_secondary, gap);
	}
	if (args_u64("reset", 0))
		(void)psci_call(PSCI_FN(PSCI_SYSTEM_RESET), 0, 0, 0);
	psci_system_off();
}
