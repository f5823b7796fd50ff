// SPDX-License-Identifier: GPL-2.0-only
/*
 * pinvm's PSCI firmware (include/pinvm/psci_fw.h): the dispatcher, one
 * function per PSCI call, answering as KVM's arch/arm64/kvm/psci.c does
 * (kvm_psci_call(), kvm_psci_0_2_call(), kvm_psci_1_x_call()).
 */
#include "pinvm/psci_fw.h"

#include <errno.h>
#include <string.h>

#include <linux/psci.h>

#include "pinvm/kvm-compat.h"
#include "pinvm/power.h"

/* SMCCC_VERSION (DEN0028), which PSCI_FEATURES reports for SMCCC 1.1 discovery */
#define PSCI_FW_SMCCC_VERSION	0x80000000U

int psci_fw_init(struct psci_fw *fw, const struct psci_fw_config *cfg, struct power *power)
{
	switch (cfg->version) {
	case PINVM_PSCI_0_2:
	case PINVM_PSCI_1_0:
	case PINVM_PSCI_1_1:
	case PINVM_PSCI_1_2:
	case PINVM_PSCI_1_3:
		break;
	default:
		return -EINVAL;
	}
	fw->cfg = *cfg;
	fw->power = power;
	return 0;
}

/* PSCI 1.x minor version, or -1 for 0.2 (which has no PSCI_FEATURES) */
static int psci_fw_minor(const struct psci_fw *fw)
{
	uint32_t v = fw->cfg.version;

	return PSCI_VERSION_MAJOR(v) >= 1 ? (int)PSCI_VERSION_MINOR(v) : -1;
}

static void psci_fw_ret(struct psci_fw_result *r, int32_t val)
{
	/* KVM: an int return code in an unsigned long, so sign-extended */
	r->x0 = (uint64_t)(int64_t)val;
}

static void psci_fw_stop(struct psci_fw_result *r, const struct psci_fw *fw,
			 unsigned int vcpu, enum stop_kind kind)
{
	/*
	 * kvm_prepare_system_event(): every vCPU STOPPED, x0 preloaded with
	 * INTERNAL_FAILURE should the caller ever be resumed.
	 */
	power_all_off(fw->power);
	psci_fw_ret(r, PSCI_RET_INTERNAL_FAILURE);
	r->action = PSCI_FW_STOP;
	r->stop.kind = kind;
	r->stop.vcpu = vcpu;
}

/* kvm_psci_valid_affinity(): MT, U and bit 31 are not affinity */
static bool psci_fw_valid_affinity(uint64_t mpidr)
{
	return !(mpidr & ~POWER_MPIDR_HWID_MASK);
}

/* kvm_psci_vcpu_on(): no ON_PENDING, no entry-point check */
static void psci_fw_cpu_on(const struct psci_fw *fw, const struct psci_fw_call *c,
			   uint64_t target, uint64_t entry, uint64_t context,
			   struct psci_fw_result *r)
{
	unsigned int cpu = 0;
	int e;

	if (!psci_fw_valid_affinity(target)) {
		psci_fw_ret(r, PSCI_RET_INVALID_PARAMS);
		return;
	}
	e = power_start(fw->power, target, entry, context, c->big_endian, &cpu);
	if (e == -ENOENT) {
		psci_fw_ret(r, PSCI_RET_INVALID_PARAMS);
	} else if (e) {
		/* ON, SUSPENDED or ON_PENDING: KVM's target is not STOPPED */
		psci_fw_ret(r, PSCI_RET_ALREADY_ON);
	} else {
		psci_fw_ret(r, PSCI_RET_SUCCESS);
		r->action = PSCI_FW_CPU_ON;
		r->target = cpu;
		r->entry = entry;
		r->context = context;
		r->big_endian = c->big_endian;
	}
}

/* kvm_psci_vcpu_affinity_info(): levels 0-3, ON or OFF, never ON_PENDING */
static void psci_fw_affinity_info(const struct psci_fw *fw, uint64_t target, uint64_t level,
				  struct psci_fw_result *r)
{
	uint64_t mask;
	int a;

	if (!psci_fw_valid_affinity(target) || level > 3) {
		psci_fw_ret(r, PSCI_RET_INVALID_PARAMS);
		return;
	}
	/* The affinity fields below the lowest level are ignored. */
	mask = POWER_MPIDR_HWID_MASK & ~((1ULL << (level * 8)) - 1);
	a = power_affinity(fw->power, target & mask, mask);
	if (a < 0)
		psci_fw_ret(r, PSCI_RET_INVALID_PARAMS);
	else
		psci_fw_ret(r, a == POWER_AFFINITY_ON ? PSCI_0_2_AFFINITY_LEVEL_ON :
						       PSCI_0_2_AFFINITY_LEVEL_OFF);
}

/* kvm_psci_1_x_call(), PSCI_1_0_FN_PSCI_FEATURES */
static int32_t psci_fw_features(const struct psci_fw *fw, const struct psci_fw_call *c,
				uint32_t feature)
{
	int minor = psci_fw_minor(fw);

	/* kvm_psci_check_allowed_function(): no SMC64 ids for AArch32 */
	if ((feature & PSCI_0_2_64BIT) && c->aarch32)
		return PSCI_RET_NOT_SUPPORTED;
	switch (feature) {
	case PSCI_0_2_FN_PSCI_VERSION:
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
	case PSCI_0_2_FN_CPU_OFF:
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
	case PSCI_0_2_FN_SYSTEM_OFF:
	case PSCI_0_2_FN_SYSTEM_RESET:
	case PSCI_1_0_FN_PSCI_FEATURES:
	case PSCI_FW_SMCCC_VERSION:
		/* CPU_SUSPEND: 0 = original power_state format, no OS-initiated mode */
		return PSCI_RET_SUCCESS;
	case PSCI_1_0_FN_SYSTEM_SUSPEND:
	case PSCI_1_0_FN64_SYSTEM_SUSPEND:
		return fw->cfg.system_suspend ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
	case PSCI_1_1_FN_SYSTEM_RESET2:
	case PSCI_1_1_FN64_SYSTEM_RESET2:
		return minor >= 1 ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
	case PSCI_1_3_FN_SYSTEM_OFF2:
	case PSCI_1_3_FN64_SYSTEM_OFF2:
		/* a bitmask of the supported types */
		return minor >= 3 ? (int32_t)PSCI_1_3_OFF_TYPE_HIBERNATE_OFF :
				    PSCI_RET_NOT_SUPPORTED;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

/* SYSTEM_SUSPEND: KVM exits to the VMM, whose rule this is (vcpu.c does the same for KVM's PSCI) */
static void psci_fw_system_suspend(const struct psci_fw *fw, const struct psci_fw_call *c,
				   uint64_t entry, uint64_t context, struct psci_fw_result *r)
{
	if (!power_suspend(fw->power, c->vcpu, entry, context)) {
		/* another vCPU is not OFF: DENIED; the entry point is never checked */
		psci_fw_ret(r, PSCI_RET_DENIED);
		return;
	}
	psci_fw_ret(r, PSCI_RET_INTERNAL_FAILURE);
	r->action = PSCI_FW_SYSTEM_SUSPEND;
	r->entry = entry;
	r->context = context;
}

void psci_fw_call(const struct psci_fw *fw, const struct psci_fw_call *c,
		  struct psci_fw_result *r)
{
	bool smc64 = (c->fid & PSCI_0_2_64BIT) != 0;
	int minor = psci_fw_minor(fw);
	uint64_t x1 = c->x1, x2 = c->x2, x3 = c->x3;

	memset(r, 0, sizeof(*r));
	r->action = PSCI_FW_RESUME;
	psci_fw_ret(r, PSCI_RET_NOT_SUPPORTED);

	/* kvm_psci_call(): an AArch32 caller gets no SMC64 function */
	if (smc64 && c->aarch32)
		return;
	/*
	 * kvm_psci_narrow_to_32bit(): SMC32 ids use the low 32 bits of x1-x3.
	 * KVM narrows for CPU_ON, AFFINITY_INFO, SYSTEM_SUSPEND, SYSTEM_RESET2
	 * and SYSTEM_OFF2, the only SMC32 calls whose arguments it reads
	 * (PSCI_FEATURES reads a u32), so narrowing all is the same.
	 */
	if (!smc64) {
		x1 = (uint32_t)x1;
		x2 = (uint32_t)x2;
		x3 = (uint32_t)x3;
	}

	switch (c->fid) {
	case PSCI_0_2_FN_PSCI_VERSION:
		psci_fw_ret(r, (int32_t)fw->cfg.version);
		break;
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
		/*
		 * kvm_psci_vcpu_suspend(): every power_state is a standby
		 * (WFI), unchecked, and returns SUCCESS.
		 */
		psci_fw_ret(r, PSCI_RET_SUCCESS);
		r->action = PSCI_FW_STANDBY;
		break;
	case PSCI_0_2_FN_CPU_OFF:
		psci_fw_ret(r, PSCI_RET_SUCCESS);
		r->action = PSCI_FW_CPU_OFF;
		r->last = power_off(fw->power, c->vcpu) == 0;
		break;
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
		psci_fw_cpu_on(fw, c, x1, x2, x3, r);
		break;
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
		psci_fw_affinity_info(fw, x1, x2, r);
		break;
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
		/* no Trusted OS (or an MP one): no migration */
		psci_fw_ret(r, PSCI_0_2_TOS_MP);
		break;
	case PSCI_0_2_FN_SYSTEM_OFF:
		psci_fw_stop(r, fw, c->vcpu, STOP_SYSTEM_OFF);
		break;
	case PSCI_0_2_FN_SYSTEM_RESET:
		psci_fw_stop(r, fw, c->vcpu, STOP_RESET);
		break;
	case PSCI_1_0_FN_PSCI_FEATURES:
		if (minor >= 0)
			psci_fw_ret(r, psci_fw_features(fw, c, (uint32_t)x1));
		break;
	case PSCI_1_0_FN_SYSTEM_SUSPEND:
	case PSCI_1_0_FN64_SYSTEM_SUSPEND:
		if (minor >= 0 && fw->cfg.system_suspend)
			psci_fw_system_suspend(fw, c, x1, x2, r);
		break;
	case PSCI_1_1_FN_SYSTEM_RESET2:
	case PSCI_1_1_FN64_SYSTEM_RESET2: {
		/* reset_type is 32 bits for the SMC64 id too (KVM reads a u32) */
		uint32_t type = (uint32_t)x1;

		if (minor < 1)
			break;
		if (type != PSCI_1_1_RESET_TYPE_SYSTEM_WARM_RESET &&
		    type < PSCI_1_1_RESET_TYPE_VENDOR_START) {
			/* a reserved architectural type */
			psci_fw_ret(r, PSCI_RET_INVALID_PARAMS);
			break;
		}
		/* warm reset or any vendor type, with its cookie */
		psci_fw_stop(r, fw, c->vcpu, STOP_RESET2);
		r->stop.reset_type = type;
		r->stop.cookie = x2;
		break;
	}
	case PSCI_1_3_FN_SYSTEM_OFF2:
	case PSCI_1_3_FN64_SYSTEM_OFF2: {
		/* the type is a u32; the cookie all 64 bits of x2 for SMC64 */
		uint32_t type = (uint32_t)x1;

		if (minor < 3)
			break;
		/* 0 is an alias of HIBERNATE_OFF (DEN0022F.b); the cookie must be 0 */
		if ((type != 0 && type != PSCI_1_3_OFF_TYPE_HIBERNATE_OFF) || x2 != 0) {
			psci_fw_ret(r, PSCI_RET_INVALID_PARAMS);
			break;
		}
		psci_fw_stop(r, fw, c->vcpu, STOP_SYSTEM_OFF2);
		break;
	}
	default:
		/*
		 * MIGRATE, MIGRATE_INFO_UP_CPU, CPU_FREEZE, CPU_DEFAULT_SUSPEND,
		 * NODE_HW_STATE, SET_SUSPEND_MODE, STAT_*, MEM_PROTECT*, the
		 * SMC64 ids of SMC32-only functions, unassigned ids.
		 */
		break;
	}
}

static const char *const psci_fw_names[PSCI_FW_NR_FUNCTIONS] = {
	[0x00] = "PSCI_VERSION",
	[0x01] = "CPU_SUSPEND",
	[0x02] = "CPU_OFF",
	[0x03] = "CPU_ON",
	[0x04] = "AFFINITY_INFO",
	[0x05] = "MIGRATE",
	[0x06] = "MIGRATE_INFO_TYPE",
	[0x07] = "MIGRATE_INFO_UP_CPU",
	[0x08] = "SYSTEM_OFF",
	[0x09] = "SYSTEM_RESET",
	[0x0a] = "PSCI_FEATURES",
	[0x0b] = "CPU_FREEZE",
	[0x0c] = "CPU_DEFAULT_SUSPEND",
	[0x0d] = "NODE_HW_STATE",
	[0x0e] = "SYSTEM_SUSPEND",
	[0x0f] = "PSCI_SET_SUSPEND_MODE",
	[0x10] = "PSCI_STAT_RESIDENCY",
	[0x11] = "PSCI_STAT_COUNT",
	[0x12] = "SYSTEM_RESET2",
	[0x13] = "MEM_PROTECT",
	[0x14] = "MEM_PROTECT_CHECK_RANGE",
	[0x15] = "SYSTEM_OFF2",
};

const char *psci_fw_fn_name(uint32_t fid)
{
	uint32_t base = fid & ~(PSCI_FW_NR_FUNCTIONS - 1);

	if (base != PSCI_FW_SMC32_BASE && base != PSCI_FW_SMC64_BASE)
		return NULL;
	return psci_fw_names[fid - base];
}

const char *psci_fw_ret_name(int64_t ret)
{
	switch (ret) {
	case PSCI_RET_SUCCESS:		return "SUCCESS";
	case PSCI_RET_NOT_SUPPORTED:	return "NOT_SUPPORTED";
	case PSCI_RET_INVALID_PARAMS:	return "INVALID_PARAMETERS";
	case PSCI_RET_DENIED:		return "DENIED";
	case PSCI_RET_ALREADY_ON:	return "ALREADY_ON";
	case PSCI_RET_ON_PENDING:	return "ON_PENDING";
	case PSCI_RET_INTERNAL_FAILURE:	return "INTERNAL_FAILURE";
	case PSCI_RET_NOT_PRESENT:	return "NOT_PRESENT";
	case PSCI_RET_DISABLED:		return "DISABLED";
	case PSCI_RET_INVALID_ADDRESS:	return "INVALID_ADDRESS";
	default:			return NULL;
	}
}

const char *psci_fw_action_name(enum psci_fw_action action)
{
	switch (action) {
	case PSCI_FW_RESUME:		return "resume";
	case PSCI_FW_STOP:		return "stop";
	case PSCI_FW_CPU_OFF:		return "cpu_off";
	case PSCI_FW_CPU_ON:		return "cpu_on";
	case PSCI_FW_STANDBY:		return "standby";
	case PSCI_FW_SYSTEM_SUSPEND:	return "system_suspend";
	}
	return "?";
}
