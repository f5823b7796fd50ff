/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI conduit and calls. Name tables are 2-D char arrays, not arrays of
 * pointers: a pointer table would hold link-time addresses and break
 * position independence.
 */
#include "psci.h"

#include "cpu.h"
#include "dt.h"
#include "entry.h"
#include "lib.h"
#include "print.h"

static struct psci_info info = {
	.binding = PSCI_BINDING_NONE,
	.smc = false,
	.fn_cpu_on = PSCI_FN64(PSCI_CPU_ON),
	.fn_cpu_off = PSCI_FN(PSCI_CPU_OFF),
	.compatible = "",
};

static volatile bool trapped;

/* DEN0022 "Function IDs", numbers 0-21 */
static const char fn_names[PSCI_NR_FUNCTIONS][24] = {
	"PSCI_VERSION", "CPU_SUSPEND", "CPU_OFF", "CPU_ON", "AFFINITY_INFO",
	"MIGRATE", "MIGRATE_INFO_TYPE", "MIGRATE_INFO_UP_CPU", "SYSTEM_OFF",
	"SYSTEM_RESET", "PSCI_FEATURES", "CPU_FREEZE", "CPU_DEFAULT_SUSPEND",
	"NODE_HW_STATE", "SYSTEM_SUSPEND", "PSCI_SET_SUSPEND_MODE",
	"PSCI_STAT_RESIDENCY", "PSCI_STAT_COUNT", "SYSTEM_RESET2",
	"MEM_PROTECT", "MEM_PROTECT_CHECK_RANGE", "SYSTEM_OFF2",
};

/* Indexed by -ret */
static const char ret_names[10][20] = {
	"SUCCESS", "NOT_SUPPORTED", "INVALID_PARAMETERS", "DENIED", "ALREADY_ON",
	"ON_PENDING", "INTERNAL_FAILURE", "NOT_PRESENT", "DISABLED",
	"INVALID_ADDRESS",
};

/* The compatible string list, NULs turned into spaces. */
static void copy_compatible(int node)
{
	uint32_t len, i;
	const char *list = dt_prop(node, "compatible", &len);

	if (!list || !len)
		return;
	if (len > sizeof(info.compatible))
		len = sizeof(info.compatible);
	for (i = 0; i + 1 < len; i++)
		info.compatible[i] = list[i] ? list[i] : ' ';
	info.compatible[i] = '\0';
}

void psci_init(void)
{
	int node = dt_path("/psci");
	const char *method;

	if (node < 0)
		return;
	copy_compatible(node);
	method = dt_prop_str(node, "method");
	info.smc = method && strcmp(method, "smc") == 0;

	if (dt_is_compatible(node, "arm,psci-1.0")) {
		info.binding = PSCI_BINDING_1_0;
	} else if (dt_is_compatible(node, "arm,psci-0.2")) {
		info.binding = PSCI_BINDING_0_2;
	} else if (dt_is_compatible(node, "arm,psci")) {
		/* PSCI 0.1: the ids are whatever the firmware says (KVM: 0x95c1ba5e + n). */
		info.binding = PSCI_BINDING_0_1;
		info.fn_cpu_on = dt_prop_u32(node, "cpu_on", 0);
		info.fn_cpu_off = dt_prop_u32(node, "cpu_off", 0);
	}
}

const struct psci_info *psci_get_info(void)
{
	return &info;
}

/* SMCCC 1.0 lets the callee clobber x4-x17 too. */
#define PSCI_CLOBBERS	"x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", \
			"x12", "x13", "x14", "x15", "x16", "x17", "memory"

int64_t psci_call_raw(enum psci_conduit conduit, uint32_t fid, uint64_t a1, uint64_t a2,
		      uint64_t a3, struct psci_regs *ret)
{
	register uint64_t x0 asm("x0") = fid;
	register uint64_t x1 asm("x1") = a1;
	register uint64_t x2 asm("x2") = a2;
	register uint64_t x3 asm("x3") = a3;

	trapped = false;
	if (conduit == PSCI_CONDUIT_DT)
		conduit = info.smc ? PSCI_CONDUIT_SMC : PSCI_CONDUIT_HVC;
	if (conduit == PSCI_CONDUIT_SMC)
		asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : PSCI_CLOBBERS);
	else if (conduit == PSCI_CONDUIT_SMC_IMM1)
		asm volatile("smc #1" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : PSCI_CLOBBERS);
	else
		asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : PSCI_CLOBBERS);
	if (ret) {
		ret->x[0] = x0;
		ret->x[1] = x1;
		ret->x[2] = x2;
		ret->x[3] = x3;
	}
	return (int64_t)x0;
}

int64_t psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return psci_call_raw(PSCI_CONDUIT_DT, fid, a1, a2, a3, NULL);
}

bool psci_trapped(void)
{
	return trapped;
}

void psci_note_trap(void)
{
	trapped = true;
}

int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	return psci_call(info.fn_cpu_on, mpidr, entry, context);
}

int64_t psci_cpu_off(void)
{
	return psci_call(info.fn_cpu_off, 0, 0, 0);
}

/* Lowest affinity level 0: the one CPU whose MPIDR is @mpidr. */
int64_t psci_affinity_info(uint64_t mpidr)
{
	return psci_call(PSCI_FN64(PSCI_AFFINITY_INFO), mpidr, 0, 0);
}

void psci_system_off(void)
{
	int64_t r = psci_call(PSCI_FN(PSCI_SYSTEM_OFF), 0, 0, 0);

	say("system_off returned %ld", r);
	say("halted");
	cpu_halt();
}

const char *psci_fn_name(unsigned int n)
{
	return n < PSCI_NR_FUNCTIONS ? fn_names[n] : "?";
}

const char *psci_ret_name(int64_t ret)
{
	if (ret >= 0 || ret < -(int64_t)(ARRAY_SIZE(ret_names) - 1))
		return NULL;
	return ret_names[-ret];
}
