/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI conformance transcript (issue 4): the guest's view of the pinned
 * PSCI version, printed as lines that depend only on the version pin, the
 * CPU count and the VMM, never on timing or load addresses, so the whole
 * transcript can be compared with a golden file. Lines whose answer
 * depends on the host CPU start with "hostdep ".
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
		say("%s = UNDEFINED (the call trapped)", what);
		return;
	}
	if (!name && kind == RET_VERSION)
		print_format(extra, sizeof(extra), " v%lu.%lu", (uint64_t)r >> 16, (uint64_t)r & 0xffff);
	else if (!name && kind == RET_AFFINITY)
		print_format(extra, sizeof(extra), " %s", r == PSCI_AFF_ON ? "ON" :
			     r == PSCI_AFF_OFF ? "OFF" : r == PSCI_AFF_ON_PENDING ? "ON_PENDING" : "?");
	else if (name)
		print_format(extra, sizeof(extra), " %s", name);
	say("%s = %ld 0x%016lx%s", what, r, (uint64_t)r, extra);
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
		say("cpu%u arrived context ok", a->idx);
	else
		say("cpu%u arrived context BAD x0=0x%lx expected=0x%lx", a->idx, a->context,
		    a->expected);
	if (a->mpidr != smp_mpidr(a->idx))
		say("cpu%u arrived on the wrong CPU: mpidr 0x%lx", a->idx, a->mpidr);
	if (!smp_entry_ok(a))
		say("cpu%u entry state BAD sctlr=0x%lx daif=0x%lx el=%lu", a->idx, a->sctlr,
		    a->daif, a->el >> 2);
	smp_flag_set(&arrived);

	while (!go_off)
		cpu_relax();
	say("cpu%u calling CPU_OFF", a->idx);
	smp_flag_set(&off_announced);
	off_ret = psci_cpu_off();
	smp_flag_set(&off_returned);	/* CPU_OFF must not return */
}

static void one_cpu(unsigned int i)
{
	uint64_t mpidr = smp_mpidr(i), deadline;
	int64_t r;

	say("cpu%u mpidr 0x%lx", i, mpidr);
	show(psci_affinity_info(mpidr), RET_AFFINITY, "cpu%u AFFINITY_INFO before CPU_ON", i);

	may_report = arrived = go_off = off_announced = off_returned = 0;
	r = smp_cpu_on(i, secondary);
	show(r, RET_STATUS, "cpu%u CPU_ON context 0x%lx", i, smp_context(i));
	if (r != PSCI_RET_SUCCESS || psci_trapped())
		return;
	smp_flag_set(&may_report);
	if (!smp_flag_wait(&arrived, WAIT_MS)) {
		say("cpu%u did not arrive", i);
		return;
	}
	show(psci_affinity_info(mpidr), RET_AFFINITY, "cpu%u AFFINITY_INFO while on", i);
	/* Same arguments again: the CPU must not be restarted (ALREADY_ON; 0.1: INVALID_PARAMS). */
	show(smp_cpu_on(i, secondary), RET_STATUS, "cpu%u CPU_ON while on", i);

	smp_flag_set(&go_off);
	if (!smp_flag_wait(&off_announced, WAIT_MS)) {
		say("cpu%u did not get to CPU_OFF", i);
		return;
	}
	/* Poll until it reports OFF (or an error: PSCI 0.1 has no AFFINITY_INFO). */
	deadline = timer_deadline(WAIT_MS);
	do {
		r = psci_affinity_info(mpidr);
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

void test_psci(void)
{
	say("psci transcript begin");
	describe();
	show(psci_call(PSCI_FN(PSCI_VERSION), 0, 0, 0), RET_VERSION, "PSCI_VERSION");
	features();
	smccc();
	cpus();
	errors();
	say("psci transcript end");
	psci_system_off();
}
