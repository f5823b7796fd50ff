/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guests that use PSCI hard or wrongly (issue 13, point 7), and the PSCI
 * benchmark. KVM's answers are the reference: the same lines come out
 * under KVM's PSCI and under pinvm's firmware.
 *
 *   cpu-cycles count=N   N CPU_ON/CPU_OFF cycles of the secondaries in turn;
 *                        prints the mean cycle and CPU_ON-to-arrival times
 *   bringup              CPU_ON of every secondary, each waited for (as
 *                        Linux brings CPUs up): the time until the last
 *                        has arrived (benchmark)
 *   cpu-on-race rounds=N every CPU but the last calls CPU_ON of the last at
 *                        once: exactly one SUCCESS a round, ALREADY_ON else
 *   bad-entry kind=K     CPU_ON at an entry point outside RAM (K = outside)
 *                        or not 4-byte aligned (K = unaligned)
 *   off-race count=N     SYSTEM_OFF while cpu1 keeps CPU_ON/CPU_OFF-ing cpu2
 *   suspend-race count=N SYSTEM_SUSPEND over and over while cpu1 cycles cpu2
 *                        N times and then turns itself off
 *   all-off              every CPU turns itself off, cpu0 last, no SYSTEM_OFF
 *
 * The MMU stays off, so there are no atomics: every shared variable has one
 * writer at a time, and flags are set with smp_flag_set().
 */
#include "args.h"
#include "cpu.h"
#include "entry.h"
#include "lib.h"
#include "print.h"
#include "psci.h"
#include "smp.h"
#include "tests.h"
#include "timer.h"

#define ABUSE_WAIT_MS		10000
#define ABUSE_CTX_BASE		0xC7C1E00000000000UL
#define ABUSE_MAX_CPUS		8
#define ABUSE_BAD_ENTRY_OUTSIDE	0x1000UL	/* below RAM, no device there */

static uint64_t us_of(uint64_t ticks)
{
	return ticks * 1000000 / timer_freq();
}

/* Poll AFFINITY_INFO until @mpidr is OFF. Returns: false on a timeout. */
static bool wait_off(uint64_t mpidr)
{
	uint64_t deadline = timer_deadline(ABUSE_WAIT_MS);

	while (psci_affinity_info(mpidr) != PSCI_AFF_OFF)
		if (timer_expired(deadline))
			return false;
	return true;
}

/* ---- cycles: a secondary that arrives, checks its context id, turns off ---- */

static volatile uint64_t cycle_ctx;
static volatile uint32_t cycle_arrivals, cycle_bad_ctx, cycle_off_returned;
static volatile uint64_t cycle_arrived_at;

static void cycle_secondary(const struct smp_arrival *a)
{
	cycle_arrived_at = timer_now();
	if (a->context != cycle_ctx)
		cycle_bad_ctx++;
	dsb_sy();
	cycle_arrivals++;
	dsb_sy();
	asm volatile("sev" : : : "memory");
	(void)psci_cpu_off();
	cycle_off_returned++;
}

struct cycle_stats {
	uint64_t done, on_errors, timeouts, cycle_ticks, arrive_ticks;
};

/* One CPU_ON/CPU_OFF cycle of cpu @idx with context id @ctx. */
static void cycle_one(unsigned int idx, uint64_t ctx, struct cycle_stats *st)
{
	uint64_t mpidr = smp_mpidr(idx), t0, deadline;
	uint32_t before = cycle_arrivals;
	int64_t r;

	cycle_ctx = ctx;
	smp_cpu_on_prepare(idx, cycle_secondary);
	t0 = timer_now();
	r = psci_cpu_on(mpidr, (uint64_t)(uintptr_t)secondary_entry, ctx);
	if (r != PSCI_RET_SUCCESS) {
		if (st->on_errors++ < 3)
			say("cycle %lu: cpu%u CPU_ON = %ld", st->done, idx, r);
		return;
	}
	deadline = timer_deadline(ABUSE_WAIT_MS);
	while (cycle_arrivals == before)
		if (timer_expired(deadline)) {
			if (st->timeouts++ < 3)
				say("cycle %lu: cpu%u did not arrive", st->done, idx);
			return;
		}
	dsb_sy();
	if (!wait_off(mpidr)) {
		if (st->timeouts++ < 3)
			say("cycle %lu: cpu%u did not turn off", st->done, idx);
		return;
	}
	st->arrive_ticks += cycle_arrived_at - t0;
	st->cycle_ticks += timer_now() - t0;
	st->done++;
}

void test_cpu_cycles(void)
{
	uint64_t count = args_u64("count", 300);
	unsigned int n = smp_count();
	struct cycle_stats st = { 0 };

	if (n < 2 || smp_self() != 0) {
		say("cpu-cycles needs 2 cpus and to run on cpu0");
		psci_system_off();
	}
	say("cpu-cycles count %lu cpus %u", count, n);
	for (uint64_t i = 0; i < count; i++)
		cycle_one(1 + (unsigned int)(i % (n - 1)), ABUSE_CTX_BASE + i, &st);
	say("cpu-cycles done %lu arrivals %u bad-context %u off-returned %u on-errors %lu timeouts %lu",
	    st.done, cycle_arrivals, cycle_bad_ctx, cycle_off_returned, st.on_errors, st.timeouts);
	if (st.done)
		say("cpu-cycles us cycle %lu cpu_on-to-arrival %lu", us_of(st.cycle_ticks) / st.done,
		    us_of(st.arrive_ticks) / st.done);
	psci_system_off();
}

/* ---- bring-up: every secondary, one after the other (as Linux does) ---- */

static volatile uint32_t up_flags[ABUSE_MAX_CPUS];

/* Parks; SYSTEM_OFF stops it. Its own stack: the slot is read before anything else. */
static void up_secondary(const struct smp_arrival *a)
{
	smp_flag_set(&up_flags[a->idx]);
}

void test_bringup(void)
{
	unsigned int n = smp_count(), up = 1;
	uint64_t t0, ticks;

	if (n > ABUSE_MAX_CPUS || smp_self() != 0) {
		say("bringup needs at most %u cpus and to run on cpu0", ABUSE_MAX_CPUS);
		psci_system_off();
	}
	t0 = timer_now();
	for (unsigned int i = 1; i < n; i++) {
		int64_t r;

		/* The hand-off slot is single: the previous CPU must have taken it. */
		smp_cpu_on_prepare(i, up_secondary);
		r = psci_cpu_on(smp_mpidr(i), (uint64_t)(uintptr_t)secondary_entry, smp_context(i));
		if (r != PSCI_RET_SUCCESS) {
			say("bringup: cpu%u CPU_ON = %ld", i, r);
			psci_system_off();
		}
		if (!smp_flag_wait(&up_flags[i], ABUSE_WAIT_MS)) {
			say("bringup: cpu%u did not arrive", i);
			psci_system_off();
		}
		up++;
	}
	ticks = timer_now() - t0;
	say("bringup cpus %u us %lu", up, us_of(ticks));
	psci_system_off();
}

/* ---- every CPU calls CPU_ON of one target at once ---- */

static volatile uint32_t race_go, race_quit, race_arrived, race_off_ok, race_bad_ctx;
static volatile uint32_t race_ready[ABUSE_MAX_CPUS], race_done[ABUSE_MAX_CPUS];
static volatile int64_t race_res[ABUSE_MAX_CPUS];
static unsigned int race_target;

static uint64_t race_ctx(uint32_t round)
{
	return ABUSE_CTX_BASE + round;
}

static void race_call(unsigned int self, uint32_t round)
{
	race_res[self] = psci_cpu_on(smp_mpidr(race_target), (uint64_t)(uintptr_t)secondary_entry,
				     race_ctx(round));
	dsb_sy();
	race_done[self] = round;
	dsb_sy();
}

static void race_caller(const struct smp_arrival *a)
{
	uint32_t round = 0;

	smp_flag_set(&race_ready[a->idx]);
	for (;;) {
		while (race_go == round && !race_quit)
			cpu_relax();
		if (race_quit)
			break;
		round = race_go;
		race_call(a->idx, round);
	}
	(void)psci_cpu_off();
}

static void race_target_main(const struct smp_arrival *a)
{
	uint32_t round = race_go;

	if (a->context != race_ctx(round))
		race_bad_ctx++;
	dsb_sy();
	race_arrived = round;
	dsb_sy();
	while (race_off_ok != round)
		cpu_relax();
	(void)psci_cpu_off();
}

void test_cpu_on_race(void)
{
	uint64_t rounds = args_u64("rounds", 50), success = 0, already = 0, other = 0, arrivals = 0;
	unsigned int n = smp_count(), callers;

	if (n < 3 || n > ABUSE_MAX_CPUS || smp_self() != 0) {
		say("cpu-on-race needs 3 to %u cpus and to run on cpu0", ABUSE_MAX_CPUS);
		psci_system_off();
	}
	race_target = n - 1;
	callers = n - 1;
	for (unsigned int c = 1; c < callers; c++) {
		int64_t r = smp_cpu_on(c, race_caller);

		if (r != PSCI_RET_SUCCESS || !smp_flag_wait(&race_ready[c], ABUSE_WAIT_MS)) {
			say("cpu-on-race: caller cpu%u did not come up (%ld)", c, r);
			psci_system_off();
		}
	}
	say("cpu-on-race rounds %lu callers %u target cpu%u", rounds, callers, race_target);
	for (uint32_t round = 1; round <= rounds; round++) {
		uint64_t deadline = timer_deadline(ABUSE_WAIT_MS);

		smp_cpu_on_prepare(race_target, race_target_main);
		race_go = round;
		dsb_sy();
		asm volatile("sev" : : : "memory");
		race_call(0, round);
		for (unsigned int c = 0; c < callers; c++) {
			while (race_done[c] != round && !timer_expired(deadline))
				cpu_relax();
			dsb_sy();
			if (race_done[c] != round)
				other++;
			else if (race_res[c] == PSCI_RET_SUCCESS)
				success++;
			else if (race_res[c] == PSCI_RET_ALREADY_ON)
				already++;
			else
				other++;
		}
		while (race_arrived != round && !timer_expired(deadline))
			cpu_relax();
		if (race_arrived == round)
			arrivals++;
		race_off_ok = round;
		dsb_sy();
		if (!wait_off(smp_mpidr(race_target))) {
			say("cpu-on-race: round %u: the target did not turn off", round);
			break;
		}
	}
	race_quit = 1;
	dsb_sy();
	asm volatile("sev" : : : "memory");
	say("cpu-on-race done success %lu already-on %lu other %lu arrivals %lu bad-context %u",
	    success, already, other, arrivals, race_bad_ctx);
	psci_system_off();
}

/* ---- bad entry points ---- */

static volatile uint32_t bad_arrived;

static void bad_secondary(const struct smp_arrival *a)
{
	(void)a;
	smp_flag_set(&bad_arrived);
}

void test_bad_entry(void)
{
	char kind[16] = "outside";
	uint64_t entry, mpidr = smp_mpidr(1);
	int64_t r;

	if (smp_count() < 2 || smp_self() != 0) {
		say("bad-entry needs 2 cpus and to run on cpu0");
		psci_system_off();
	}
	args_get("kind", kind, sizeof(kind));
	if (strcmp(kind, "unaligned") == 0)
		entry = (uint64_t)(uintptr_t)secondary_entry + 2;
	else
		entry = ABUSE_BAD_ENTRY_OUTSIDE;
	smp_cpu_on_prepare(1, bad_secondary);
	r = psci_cpu_on(mpidr, entry, 0);
	say("bad-entry %s CPU_ON = %ld", kind, r);
	say("bad-entry %s AFFINITY_INFO = %ld", kind, psci_affinity_info(mpidr));
	say("bad-entry %s arrived %s", kind, smp_flag_wait(&bad_arrived, 500) ? "yes" : "no");
	say("bad-entry %s CPU_ON again = %ld", kind,
	    psci_cpu_on(mpidr, (uint64_t)(uintptr_t)secondary_entry, 0));
	say("bad-entry %s AFFINITY_INFO = %ld", kind, psci_affinity_info(mpidr));
	say("bad-entry done");
	psci_system_off();
}

/* ---- SYSTEM_OFF and SYSTEM_SUSPEND racing CPU_ON ---- */

static volatile uint64_t churn_cycles, churn_limit;
static volatile uint32_t churn_ready, churn_failed;

/* cpu1: CPU_ON/CPU_OFF cycles of cpu2, churn_limit of them (0: for ever), then off. */
static void churn_main(const struct smp_arrival *a)
{
	struct cycle_stats st = { 0 };

	(void)a;
	smp_flag_set(&churn_ready);
	while (!churn_limit || st.done < churn_limit) {
		cycle_one(2, ABUSE_CTX_BASE + st.done, &st);
		churn_cycles = st.done;
		if (st.on_errors || st.timeouts) {
			churn_failed = 1;
			break;
		}
	}
	(void)psci_cpu_off();
}

static void churn_start(uint64_t limit)
{
	int64_t r;

	churn_limit = limit;
	r = smp_cpu_on(1, churn_main);
	if (r != PSCI_RET_SUCCESS || !smp_flag_wait(&churn_ready, ABUSE_WAIT_MS)) {
		say("cpu1 did not come up (%ld)", r);
		psci_system_off();
	}
}

void test_off_race(void)
{
	uint64_t count = args_u64("count", 20), deadline;

	if (smp_count() < 3 || smp_self() != 0) {
		say("off-race needs 3 cpus and to run on cpu0");
		psci_system_off();
	}
	churn_start(0);
	deadline = timer_deadline(ABUSE_WAIT_MS * 3);
	while (churn_cycles < count && !churn_failed && !timer_expired(deadline))
		cpu_relax();
	say("off-race SYSTEM_OFF after %s%lu cycles", churn_failed ? "FAILED " : "", churn_cycles);
	psci_system_off();
}

static volatile uint64_t suspend_denied;

static void suspend_race_resumed(void)
{
	say("suspend-race resumed after %lu denied, %lu cycles%s", suspend_denied, churn_cycles,
	    churn_failed ? " FAILED" : "");
	say("suspend-race cpu1 %s cpu2 %s",
	    psci_affinity_info(smp_mpidr(1)) == PSCI_AFF_OFF ? "off" : "ON",
	    psci_affinity_info(smp_mpidr(2)) == PSCI_AFF_OFF ? "off" : "ON");
	psci_system_off();
}

void test_suspend_race(void)
{
	uint64_t count = args_u64("count", 20), deadline;

	if (smp_count() < 3 || smp_self() != 0) {
		say("suspend-race needs 3 cpus and to run on cpu0");
		psci_system_off();
	}
	if (!suspend_wake_setup())
		psci_system_off();
	churn_start(count);
	deadline = timer_deadline(ABUSE_WAIT_MS * 6);
	while (!timer_expired(deadline)) {
		int64_t r = suspend_try(suspend_race_resumed);

		if (r != PSCI_RET_DENIED) {
			say("suspend-race: SYSTEM_SUSPEND = %ld", r);
			psci_system_off();
		}
		suspend_denied++;
	}
	say("suspend-race: never suspended (%lu denied, %lu cycles)", suspend_denied, churn_cycles);
	psci_system_off();
}

/* ---- every CPU off, no SYSTEM_OFF ---- */

static volatile uint32_t alloff_arrived[ABUSE_MAX_CPUS];

static void alloff_secondary(const struct smp_arrival *a)
{
	smp_flag_set(&alloff_arrived[a->idx]);
	(void)psci_cpu_off();
}

void test_all_off(void)
{
	unsigned int n = smp_count();
	int64_t r;

	if (n > ABUSE_MAX_CPUS || smp_self() != 0) {
		say("all-off needs at most %u cpus and to run on cpu0", ABUSE_MAX_CPUS);
		psci_system_off();
	}
	for (unsigned int i = 1; i < n; i++) {
		r = smp_cpu_on(i, alloff_secondary);
		if (r != PSCI_RET_SUCCESS || !smp_flag_wait(&alloff_arrived[i], ABUSE_WAIT_MS) ||
		    !wait_off(smp_mpidr(i))) {
			say("all-off: cpu%u did not come and go (%ld)", i, r);
			psci_system_off();
		}
	}
	say("all-off cpu0 calling CPU_OFF, %u cpus off", n - 1);
	r = psci_cpu_off();
	say("all-off CPU_OFF returned %ld", r);
	psci_system_off();
}
