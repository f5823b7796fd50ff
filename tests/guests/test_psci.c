/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI conformance transcript (issue 4): the guest's view of the pinned
 * PSCI version, printed as lines that depend only on the version pin, the
 * CPU count and the VMM, never on timing or load addresses, so the whole
 * transcript can be compared with a golden file. Lines whose answer
 * depends on the host CPU start with "hostdep ".
 *
 * Beyond the DT's conduit (HVC), the same calls go through "smc #0" (lines
 * "smc ...": KVM before Linux 6.4 answers every SMC -1 and leaves x1-x3
 * alone, so those lines are the one place the transcript depends on the
 * host kernel's generation), and SMC32 calls carry garbage in the upper
 * halves of x1-x3 (lines "narrow ...": SMC32 arguments are 32 bits).
 *
 * Every result is printed as "= <signed decimal> <64-bit hex> [NAME]";
 * the full 64 bits show whether error codes were sign-extended.
 * Only one CPU prints at a time: the boot CPU waits for a secondary's
 * flag before it prints again.
 */
#include <stdarg.h>

#include "cpu.h"
#include "entry.h"
#include "lib.h"
#include "print.h"
#include "psci.h"
#include "smp.h"
#include "tests.h"
#include "timer.h"

/* Long enough for a nested, emulated host; only reached when something is broken. */
#define WAIT_MS			30000
#define NO_SUCH_MPIDR		0xFF00ULL
#define UNKNOWN_FUNCTION	PSCI_FN(0x1F)
/* What an SMC32 call must ignore: the upper halves of x1-x3 */
#define GARBAGE			0xdeadbeef00000000UL
/* Inputs in x1-x3 that a PSCI call must leave zero (SMCCC: results) */
#define X1_IN			0x1111ULL
#define X2_IN			0x2222ULL
#define X3_IN			0x3333ULL

enum ret_kind {
	RET_STATUS,	/* name negative codes */
	RET_VERSION,	/* also major.minor */
	RET_AFFINITY,	/* ON / OFF / ON_PENDING */
};

/*
 * Hand-shake with the secondary under test, reset before each CPU_ON. The
 * boot CPU prints the CPU_ON result, then sets may_report; the secondary
 * prints its arrival, then sets arrived; and so on: one printer at a time.
 */
static volatile uint32_t may_report, arrived, go_off, off_announced, off_returned;
static volatile int64_t off_ret;

/*
 * How the calls of one section go: the conduit, the line prefix ("",
 * "smc ", "narrow "; set at run time: a pointer initialiser would be a
 * link-time address) and, for "narrow", CPU_ON as SMC32 with garbage in
 * the upper halves of its arguments.
 */
static enum psci_conduit conduit;
static const char *prefix;
static bool narrow;

static int64_t call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return psci_call_raw(conduit, fid, a1, a2, a3, NULL);
}

static int64_t affinity_info(uint64_t mpidr)
{
	return call(PSCI_FN64(PSCI_AFFINITY_INFO), mpidr, 0, 0);
}

static void show(int64_t r, enum ret_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void show(int64_t r, enum ret_kind kind, const char *fmt, ...)
{
	char what[128], extra[24] = "";
	const char *name = psci_ret_name(r);
	va_list ap;

	va_start(ap, fmt);
	print_vformat(what, sizeof(what), fmt, ap);
	va_end(ap);

	if (psci_trapped()) {
		say("%s%s = UNDEFINED (the call trapped)", prefix, what);
		return;
	}
	if (!name && kind == RET_VERSION)
		print_format(extra, sizeof(extra), " v%lu.%lu", (uint64_t)r >> 16, (uint64_t)r & 0xffff);
	else if (!name && kind == RET_AFFINITY)
		print_format(extra, sizeof(extra), " %s", r == PSCI_AFF_ON ? "ON" :
			     r == PSCI_AFF_OFF ? "OFF" : r == PSCI_AFF_ON_PENDING ? "ON_PENDING" : "?");
	else if (name)
		print_format(extra, sizeof(extra), " %s", name);
	say("%s%s = %ld 0x%016lx%s", prefix, what, r, (uint64_t)r, extra);
}

static const char *binding_name(enum psci_binding b)
{
	return b == PSCI_BINDING_0_1 ? "0.1" : b == PSCI_BINDING_0_2 ? "0.2" :
	       b == PSCI_BINDING_1_0 ? "1.0" : "none";
}

static void describe(void)
{
	const struct psci_info *p = psci_get_info();

	say("psci dt binding %s compatible \"%s\" method %s", binding_name(p->binding),
	    p->compatible, p->smc ? "smc" : "hvc");
	say("psci ids cpu_on 0x%08x cpu_off 0x%08x", p->fn_cpu_on, p->fn_cpu_off);
}

static void features(void)
{
	for (unsigned int n = 0; n < PSCI_NR_FUNCTIONS; n++) {
		uint32_t fid32 = PSCI_FN(n), fid64 = PSCI_FN64(n);

		show(psci_call(PSCI_FN(PSCI_FEATURES), fid32, 0, 0), RET_STATUS,
		     "PSCI_FEATURES(0x%08x %s SMC32)", fid32, psci_fn_name(n));
		show(psci_call(PSCI_FN(PSCI_FEATURES), fid64, 0, 0), RET_STATUS,
		     "PSCI_FEATURES(0x%08x %s SMC64)", fid64, psci_fn_name(n));
	}
}

/* SMCCC v1.1+ discovery, gated the way DEN0028 (and Linux) do it. */
static void smccc(void)
{
	int64_t r;

	r = psci_call(PSCI_FN(PSCI_FEATURES), SMCCC_VERSION, 0, 0);
	show(r, RET_STATUS, "PSCI_FEATURES(0x%08x SMCCC_VERSION)", SMCCC_VERSION);
	if (r < 0 || psci_trapped()) {
		say("SMCCC_VERSION skipped: not advertised");
		return;
	}
	r = psci_call(SMCCC_VERSION, 0, 0, 0);
	show(r, RET_VERSION, "SMCCC_VERSION");
	if (r < 0x10001 || psci_trapped()) {
		say("SMCCC_ARCH_FEATURES skipped: needs SMCCC 1.1");
		return;
	}
	show(psci_call(SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0, 0), RET_STATUS,
	     "SMCCC_ARCH_FEATURES(0x%08x SMCCC_VERSION)", SMCCC_VERSION);
	show(psci_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, 0, 0), RET_STATUS,
	     "SMCCC_ARCH_FEATURES(0x%08x SMCCC_ARCH_FEATURES)", SMCCC_ARCH_FEATURES);
	/* Spectre mitigation state: KVM reports the host's. */
	show(psci_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0, 0), RET_STATUS,
	     "hostdep SMCCC_ARCH_FEATURES(0x%08x ARCH_WORKAROUND_1)", SMCCC_ARCH_WORKAROUND_1);
	show(psci_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_2, 0, 0), RET_STATUS,
	     "hostdep SMCCC_ARCH_FEATURES(0x%08x ARCH_WORKAROUND_2)", SMCCC_ARCH_WORKAROUND_2);
	show(psci_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_3, 0, 0), RET_STATUS,
	     "hostdep SMCCC_ARCH_FEATURES(0x%08x ARCH_WORKAROUND_3)", SMCCC_ARCH_WORKAROUND_3);
}

/* Runs on the secondary: report, wait to be told, CPU_OFF. */
static void secondary(const struct smp_arrival *a)
{
	while (!may_report)
		cpu_relax();
	if (a->context == a->expected)
		say("%scpu%u arrived context ok", prefix, a->idx);
	else
		say("%scpu%u arrived context BAD x0=0x%lx expected=0x%lx", prefix, a->idx,
		    a->context, a->expected);
	if (a->mpidr != smp_mpidr(a->idx))
		say("%scpu%u arrived on the wrong CPU: mpidr 0x%lx", prefix, a->idx, a->mpidr);
	if (!smp_entry_ok(a))
		say("%scpu%u entry state BAD sctlr=0x%lx daif=0x%lx el=%lu", prefix, a->idx,
		    a->sctlr, a->daif, a->el >> 2);
	smp_flag_set(&arrived);

	while (!go_off)
		cpu_relax();
	say("%scpu%u calling CPU_OFF", prefix, a->idx);
	smp_flag_set(&off_announced);
	off_ret = call(psci_get_info()->fn_cpu_off, 0, 0, 0);
	smp_flag_set(&off_returned);	/* CPU_OFF must not return */
}

/* CPU_ON of cpu @i at secondary_entry, the way this section calls. */
static int64_t cpu_on(unsigned int i)
{
	if (!narrow) {
		smp_cpu_on_prepare(i, secondary);
		return call(psci_get_info()->fn_cpu_on, smp_mpidr(i),
			    (uint64_t)(uintptr_t)secondary_entry, smp_context(i));
	}
	/* SMC32: only the low halves count; the target starts with x0 = the low half. */
	smp_cpu_on_prepare(i, secondary);
	return call(PSCI_FN(PSCI_CPU_ON), GARBAGE | smp_mpidr(i),
		    GARBAGE | (uint64_t)(uintptr_t)secondary_entry, GARBAGE | smp_context(i));
}

static void one_cpu(unsigned int i)
{
	uint64_t mpidr = smp_mpidr(i), deadline;
	int64_t r;

	say("%scpu%u mpidr 0x%lx", prefix, i, mpidr);
	show(affinity_info(mpidr), RET_AFFINITY, "cpu%u AFFINITY_INFO before CPU_ON", i);

	may_report = arrived = go_off = off_announced = off_returned = 0;
	r = cpu_on(i);
	show(r, RET_STATUS, "cpu%u CPU_ON context 0x%lx", i, smp_context(i));
	if (r != PSCI_RET_SUCCESS || psci_trapped())
		return;
	smp_flag_set(&may_report);
	if (!smp_flag_wait(&arrived, WAIT_MS)) {
		say("%scpu%u did not arrive", prefix, i);
		return;
	}
	show(affinity_info(mpidr), RET_AFFINITY, "cpu%u AFFINITY_INFO while on", i);
	/* Same arguments again: the CPU must not be restarted (ALREADY_ON; 0.1: INVALID_PARAMS). */
	show(cpu_on(i), RET_STATUS, "cpu%u CPU_ON while on", i);
	/* Another core is on: DENIED (before 1.0: NOT_SUPPORTED). */
	show(call(PSCI_FN64(PSCI_SYSTEM_SUSPEND), (uint64_t)(uintptr_t)resume_entry, 0, 0),
	     RET_STATUS, "SYSTEM_SUSPEND while cpu%u is on", i);

	smp_flag_set(&go_off);
	if (!smp_flag_wait(&off_announced, WAIT_MS)) {
		say("%scpu%u did not get to CPU_OFF", prefix, i);
		return;
	}
	/* Poll until it reports OFF (or an error: PSCI 0.1 has no AFFINITY_INFO). */
	deadline = timer_deadline(WAIT_MS);
	do {
		r = affinity_info(mpidr);
	} while ((r == PSCI_AFF_ON || r == PSCI_AFF_ON_PENDING) && !off_returned &&
		 !psci_trapped() && !timer_expired(deadline));
	if (off_returned)
		show(off_ret, RET_STATUS, "cpu%u CPU_OFF returned", i);
	show(r, RET_AFFINITY, "cpu%u AFFINITY_INFO after CPU_OFF", i);
}

static void cpus(void)
{
	unsigned int n = smp_count();

	say("cpus %u boot cpu%u", n, smp_self());
	for (unsigned int i = 0; i < n; i++)
		if (i != smp_self())
			one_cpu(i);
}

static void errors(void)
{
	show(psci_cpu_on(NO_SUCH_MPIDR, (uint64_t)(uintptr_t)secondary_entry, SMP_CONTEXT_BASE + 0xff),
	     RET_STATUS, "CPU_ON mpidr 0x%llx (no such CPU)", NO_SUCH_MPIDR);
	show(psci_affinity_info(NO_SUCH_MPIDR), RET_AFFINITY,
	     "AFFINITY_INFO mpidr 0x%llx (no such CPU)", NO_SUCH_MPIDR);
	show(psci_call(UNKNOWN_FUNCTION, 0, 0, 0), RET_STATUS,
	     "unknown function 0x%08x", UNKNOWN_FUNCTION);
}

/* x1-x3 after a call that had X1_IN..X3_IN in them: SMCCC results, 0 from PSCI. */
static void regs_after(uint32_t fid, const char *what)
{
	struct psci_regs regs;

	(void)psci_call_raw(conduit, fid, X1_IN, X2_IN, X3_IN, &regs);
	say("%sx1-x3 after %s = 0x%lx 0x%lx 0x%lx", prefix, what, regs.x[1], regs.x[2],
	    regs.x[3]);
}

/* The other functions' answers, CPU_ON's argument checks, AFFINITY_INFO's levels. */
static void more(void)
{
	uint64_t m1 = smp_mpidr(1);
	static const uint64_t targets[4] = { 0x1, 0x100, 0x10000, 0x100000000UL };

	regs_after(PSCI_FN(PSCI_VERSION), "PSCI_VERSION");
	regs_after(UNKNOWN_FUNCTION, "an unknown function");
	show(call(PSCI_FN(PSCI_MIGRATE_INFO_TYPE), 0, 0, 0), RET_STATUS, "MIGRATE_INFO_TYPE");
	show(call(PSCI_FN(PSCI_MIGRATE), m1, 0, 0), RET_STATUS, "MIGRATE SMC32");
	show(call(PSCI_FN64(PSCI_MIGRATE), m1, 0, 0), RET_STATUS, "MIGRATE SMC64");
	show(call(PSCI_FN(PSCI_MIGRATE_INFO_UP_CPU), 0, 0, 0), RET_STATUS, "MIGRATE_INFO_UP_CPU SMC32");
	show(call(PSCI_FN64(PSCI_MIGRATE_INFO_UP_CPU), 0, 0, 0), RET_STATUS,
	     "MIGRATE_INFO_UP_CPU SMC64");

	/* CPU_ON: the caller itself; bits outside Aff3-Aff0; an Aff3 no CPU has */
	show(call(PSCI_FN64(PSCI_CPU_ON), smp_mpidr(smp_self()), (uint64_t)(uintptr_t)secondary_entry,
		  0), RET_STATUS, "CPU_ON of the calling cpu%u", smp_self());
	show(call(PSCI_FN64(PSCI_CPU_ON), m1 | 0x80000000UL, (uint64_t)(uintptr_t)secondary_entry,
		  0), RET_STATUS, "CPU_ON mpidr 0x%lx (bit 31)", m1 | 0x80000000UL);
	show(call(PSCI_FN64(PSCI_CPU_ON), m1 | 0x1000000UL, (uint64_t)(uintptr_t)secondary_entry,
		  0), RET_STATUS, "CPU_ON mpidr 0x%lx (MT, bit 24)", m1 | 0x1000000UL);
	show(call(PSCI_FN64(PSCI_CPU_ON), m1 | 0x100000000UL, (uint64_t)(uintptr_t)secondary_entry,
		  0), RET_STATUS, "CPU_ON mpidr 0x%lx (Aff3 1)", m1 | 0x100000000UL);
	show(call(PSCI_FN64(PSCI_CPU_ON), m1 | 0x10000000000UL,
		  (uint64_t)(uintptr_t)secondary_entry, 0), RET_STATUS,
	     "CPU_ON mpidr 0x%lx (bit 40)", m1 | 0x10000000000UL);

	/* AFFINITY_INFO at every lowest level: cpu0 is on, cpu1 off */
	for (unsigned int t = 0; t < ARRAY_SIZE(targets); t++)
		for (uint64_t level = 0; level <= 4; level++)
			show(call(PSCI_FN64(PSCI_AFFINITY_INFO), targets[t], level, 0), RET_AFFINITY,
			     "AFFINITY_INFO 0x%lx level %lu", targets[t], level);
}

/* SMC32 arguments are the low halves of x1-x3; SMC64 ones are not narrowed. */
static void narrowing(void)
{
	uint64_t m1 = smp_mpidr(1);

	prefix = "narrow ";
	show(call(PSCI_FN(PSCI_AFFINITY_INFO), GARBAGE | m1, GARBAGE, 0), RET_AFFINITY,
	     "AFFINITY_INFO SMC32 0x%lx level 0x%lx", GARBAGE | m1, GARBAGE);
	show(call(PSCI_FN64(PSCI_AFFINITY_INFO), GARBAGE | m1, 0, 0), RET_AFFINITY,
	     "AFFINITY_INFO SMC64 0x%lx level 0", GARBAGE | m1);
	show(call(PSCI_FN64(PSCI_AFFINITY_INFO), m1, GARBAGE, 0), RET_AFFINITY,
	     "AFFINITY_INFO SMC64 0x%lx level 0x%lx", m1, GARBAGE);
	show(call(PSCI_FN(PSCI_AFFINITY_INFO), m1 | 0x80000000UL, 0, 0), RET_AFFINITY,
	     "AFFINITY_INFO SMC32 0x%lx (bit 31) level 0", m1 | 0x80000000UL);
	show(call(PSCI_FN(PSCI_FEATURES), GARBAGE | PSCI_FN64(PSCI_CPU_ON), 0, 0), RET_STATUS,
	     "PSCI_FEATURES(0x%lx)", GARBAGE | PSCI_FN64(PSCI_CPU_ON));
	/* Invalid types and cookies only: a valid one would end the run. */
	show(call(PSCI_FN(PSCI_SYSTEM_RESET2), GARBAGE | 1, 0, 0), RET_STATUS,
	     "SYSTEM_RESET2 SMC32 type 0x%lx", GARBAGE | 1);
	show(call(PSCI_FN64(PSCI_SYSTEM_RESET2), 0x100000001UL, 0, 0), RET_STATUS,
	     "SYSTEM_RESET2 SMC64 type 0x100000001");
	show(call(PSCI_FN(PSCI_SYSTEM_OFF2), GARBAGE | 2, 0, 0), RET_STATUS,
	     "SYSTEM_OFF2 SMC32 type 0x%lx", GARBAGE | 2);
	show(call(PSCI_FN64(PSCI_SYSTEM_OFF2), 1, 0x100000000UL, 0), RET_STATUS,
	     "SYSTEM_OFF2 SMC64 type 1 cookie 0x100000000");
	show(call(PSCI_FN64(PSCI_CPU_ON), GARBAGE | m1, (uint64_t)(uintptr_t)secondary_entry, 0),
	     RET_STATUS, "CPU_ON SMC64 mpidr 0x%lx", GARBAGE | m1);
	narrow = true;
	one_cpu(1);
	narrow = false;
	prefix = "";
}

/*
 * The SMC conduit (smc #0) though the DT says hvc: the same firmware
 * (Linux 6.4+); "smc #1" is no SMCCC call.
 */
static void smc_conduit(void)
{
	int64_t r;

	conduit = PSCI_CONDUIT_SMC;
	prefix = "smc ";
	show(call(PSCI_FN(PSCI_VERSION), 0, 0, 0), RET_VERSION, "PSCI_VERSION");
	regs_after(PSCI_FN(PSCI_VERSION), "PSCI_VERSION");
	show(call(PSCI_FN(PSCI_FEATURES), PSCI_FN64(PSCI_CPU_ON), 0, 0), RET_STATUS,
	     "PSCI_FEATURES(0x%08x CPU_ON SMC64)", PSCI_FN64(PSCI_CPU_ON));
	show(call(PSCI_FN(PSCI_MIGRATE_INFO_TYPE), 0, 0, 0), RET_STATUS, "MIGRATE_INFO_TYPE");
	show(affinity_info(smp_mpidr(smp_self())), RET_AFFINITY, "AFFINITY_INFO of cpu%u",
	     smp_self());
	show(call(UNKNOWN_FUNCTION, 0, 0, 0), RET_STATUS, "unknown function 0x%08x", UNKNOWN_FUNCTION);
	r = call(SMCCC_VERSION, 0, 0, 0);
	show(r, RET_VERSION, "SMCCC_VERSION");
	show(psci_call_raw(PSCI_CONDUIT_SMC_IMM1, PSCI_FN(PSCI_VERSION), 0, 0, 0, NULL), RET_VERSION,
	     "smc #1 PSCI_VERSION");
	one_cpu(1);
	conduit = PSCI_CONDUIT_DT;
	prefix = "";
}

void test_psci(void)
{
	conduit = PSCI_CONDUIT_DT;
	prefix = "";
	narrow = false;
	say("psci transcript begin");
	describe();
	show(psci_call(PSCI_FN(PSCI_VERSION), 0, 0, 0), RET_VERSION, "PSCI_VERSION");
	features();
	smccc();
	cpus();
	errors();
	if (smp_count() >= 2 && smp_self() == 0) {
		more();
		narrowing();
		smc_conduit();
	} else {
		say("more, narrow and smc sections skipped: need 2 cpus, booted on cpu0");
	}
	say("psci transcript end");
	psci_system_off();
}
