// SPDX-License-Identifier: GPL-2.0-only
/*
 * pinvm's PSCI firmware (psci_fw.c) against KVM's answers: every function
 * of both widths for every version, PSCI_FEATURES, SMC32 narrowing,
 * CPU_ON / CPU_OFF / AFFINITY_INFO (levels 0-3) and the power-state
 * transitions, CPU_SUSPEND, SYSTEM_SUSPEND's rule, the stops with their
 * data (SYSTEM_RESET2's 32-bit type), and the guests' conformance
 * transcripts (tests/nested/data/psci-*.txt, recorded under KVM) replayed.
 *
 * The expected answers are written out here from KVM's
 * arch/arm64/kvm/psci.c, not derived from the implementation.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/psci.h>

#include "harness.h"
#include "pinvm/power.h"
#include "pinvm/psci_fw.h"

#define V0_2	PSCI_VERSION(0, 2)
#define V1_0	PSCI_VERSION(1, 0)
#define V1_1	PSCI_VERSION(1, 1)
#define V1_2	PSCI_VERSION(1, 2)
#define V1_3	PSCI_VERSION(1, 3)

#define FN(n)	(0x84000000U + (n))
#define FN64(n)	(0xC4000000U + (n))

#define NS		((uint64_t)-1)	/* NOT_SUPPORTED, sign-extended */
#define INVAL		((uint64_t)-2)
#define DENIED		((uint64_t)-3)
#define ALREADY_ON	((uint64_t)-4)
#define INTERNAL	((uint64_t)-6)

static const uint32_t versions[] = { V0_2, V1_0, V1_1, V1_2, V1_3 };
#define NR_VERSIONS	(sizeof(versions) / sizeof(versions[0]))

static struct power pw;
static struct psci_fw fw;
static struct psci_fw_result r;

static void setup(void)
{
	power_init(&pw, 4);
}

static void teardown(void)
{
	power_destroy(&pw);
}

static void use(uint32_t version, bool suspend)
{
	struct psci_fw_config cfg = { .version = version, .system_suspend = suspend };

	ck_assert_int_eq(psci_fw_init(&fw, &cfg, &pw), 0);
}

/* One call from @vcpu; @r must come back whole, with x1..x3 zero. */
static uint64_t call_ex(unsigned int vcpu, uint32_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
			bool aarch32, bool be)
{
	struct psci_fw_call c = {
		.vcpu = vcpu, .fid = fid, .x1 = x1, .x2 = x2, .x3 = x3,
		.aarch32 = aarch32, .big_endian = be,
	};

	memset(&r, 0xa5, sizeof(r));
	psci_fw_call(&fw, &c, &r);
	ck_assert_uint_eq(r.x1, 0);
	ck_assert_uint_eq(r.x2, 0);
	ck_assert_uint_eq(r.x3, 0);
	/* x0 is always a sign-extended 32-bit value */
	ck_assert_uint_eq(r.x0, (uint64_t)(int64_t)(int32_t)r.x0);
	return r.x0;
}

static uint64_t call(unsigned int vcpu, uint32_t fid, uint64_t x1, uint64_t x2, uint64_t x3)
{
	return call_ex(vcpu, fid, x1, x2, x3, false, false);
}

static void assert_states(enum power_state s0, enum power_state s1, enum power_state s2,
			  enum power_state s3)
{
	ck_assert_int_eq(power_get(&pw, 0), s0);
	ck_assert_int_eq(power_get(&pw, 1), s1);
	ck_assert_int_eq(power_get(&pw, 2), s2);
	ck_assert_int_eq(power_get(&pw, 3), s3);
}

START_TEST(test_init)
{
	struct psci_fw_config cfg = { 0 };
	const uint32_t bad[] = { 0, PSCI_VERSION(0, 1), PSCI_VERSION(1, 4), PSCI_VERSION(2, 0),
				 PSCI_VERSION(0, 3), 0xffffffff };

	for (unsigned int i = 0; i < NR_VERSIONS; i++) {
		cfg.version = versions[i];
		ck_assert_int_eq(psci_fw_init(&fw, &cfg, &pw), 0);
	}
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg.version = bad[i];
		ck_assert_int_eq(psci_fw_init(&fw, &cfg, &pw), -EINVAL);
	}
}
END_TEST

START_TEST(test_version)
{
	for (unsigned int i = 0; i < NR_VERSIONS; i++) {
		use(versions[i], true);
		ck_assert_uint_eq(call(0, FN(0), 0, 0, 0), versions[i]);
		ck_assert_int_eq(r.action, PSCI_FW_RESUME);
		/* SMC32 only */
		ck_assert_uint_eq(call(0, FN64(0), 0, 0, 0), NS);
	}
	use(V0_2, true);
	ck_assert_uint_eq(call(0, FN(0), 0, 0, 0), 2);
	use(V1_3, true);
	ck_assert_uint_eq(call(0, FN(0), 0, 0, 0), 0x10003);
}
END_TEST

/*
 * KVM's PSCI_FEATURES (kvm_psci_1_x_call()): each id that answers, from
 * which minor version of 1.x, and with what. Everything else: NOT_SUPPORTED.
 */
static const struct {
	uint32_t fid;
	int since;		/* minor version */
	uint64_t val;
	bool suspend;		/* only when SYSTEM_SUSPEND is offered */
} features_ok[] = {
	{ FN(0x00), 0, 0, false },	/* PSCI_VERSION */
	{ FN(0x01), 0, 0, false },	/* CPU_SUSPEND */
	{ FN64(0x01), 0, 0, false },
	{ FN(0x02), 0, 0, false },	/* CPU_OFF */
	{ FN(0x03), 0, 0, false },	/* CPU_ON */
	{ FN64(0x03), 0, 0, false },
	{ FN(0x04), 0, 0, false },	/* AFFINITY_INFO */
	{ FN64(0x04), 0, 0, false },
	{ FN(0x06), 0, 0, false },	/* MIGRATE_INFO_TYPE */
	{ FN(0x08), 0, 0, false },	/* SYSTEM_OFF */
	{ FN(0x09), 0, 0, false },	/* SYSTEM_RESET */
	{ FN(0x0a), 0, 0, false },	/* PSCI_FEATURES */
	{ 0x80000000, 0, 0, false },	/* SMCCC_VERSION */
	{ FN(0x0e), 0, 0, true },	/* SYSTEM_SUSPEND */
	{ FN64(0x0e), 0, 0, true },
	{ FN(0x12), 1, 0, false },	/* SYSTEM_RESET2 */
	{ FN64(0x12), 1, 0, false },
	{ FN(0x15), 3, 1, false },	/* SYSTEM_OFF2: HIBERNATE_OFF */
	{ FN64(0x15), 3, 1, false },
};

static uint64_t features_want(uint32_t version, bool suspend, uint32_t fid)
{
	int minor = (int)(version & 0xffff);

	if (version == V0_2)
		return NS;	/* no PSCI_FEATURES at all */
	for (unsigned int i = 0; i < sizeof(features_ok) / sizeof(features_ok[0]); i++)
		if (features_ok[i].fid == fid)
			return minor >= features_ok[i].since &&
			       (!features_ok[i].suspend || suspend) ? features_ok[i].val : NS;
	return NS;
}

START_TEST(test_features)
{
	const uint32_t extra[] = { 0x80000001, 0x80008000, 0x95c1ba5e, 0x84000020, 0xC4000020,
				   0x04000000, 0, 0xffffffff, 0x8400001f, 0xC400001f };

	for (unsigned int v = 0; v < NR_VERSIONS; v++) {
		for (int s = 0; s <= 1; s++) {
			use(versions[v], s);
			for (uint32_t n = 0; n < 0x20; n++) {
				ck_assert_msg(call(0, FN(0x0a), FN(n), 0, 0) ==
					      features_want(versions[v], s, FN(n)),
					      "v%x suspend %d FEATURES(0x%x)", versions[v], s, FN(n));
				ck_assert_msg(call(0, FN(0x0a), FN64(n), 0, 0) ==
					      features_want(versions[v], s, FN64(n)),
					      "v%x suspend %d FEATURES(0x%x)", versions[v], s, FN64(n));
				ck_assert_int_eq(r.action, PSCI_FW_RESUME);
			}
			for (unsigned int i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
				ck_assert_uint_eq(call(0, FN(0x0a), extra[i], 0, 0),
						  features_want(versions[v], s, extra[i]));
			/* KVM reads the feature id as a u32: bits 63:32 of x1 are ignored */
			ck_assert_uint_eq(call(0, FN(0x0a), 0xffffffff00000000ULL | FN(3), 0, 0),
					  features_want(versions[v], s, FN(3)));
			/* PSCI_FEATURES itself is SMC32 only */
			ck_assert_uint_eq(call(0, FN64(0x0a), FN(0), 0, 0), NS);
		}
	}
	/* The SMCCC 1.1 discovery bit and the HIBERNATE_OFF bitmask, spelled out */
	use(V1_0, true);
	ck_assert_uint_eq(call(0, FN(0x0a), 0x80000000, 0, 0), 0);
	use(V1_3, true);
	ck_assert_uint_eq(call(0, FN(0x0a), FN64(0x15), 0, 0), 1);
}
END_TEST

/*
 * Every function id of both ranges, for every version, with harmless
 * arguments from vCPU 0 on a fresh table (vCPU 0 ON, 1-3 OFF).
 */
static void function_want(uint32_t version, uint32_t fid, uint64_t *ret_x0,
			  enum psci_fw_action *ret_action)
{
	bool smc64 = fid >= 0xC4000000U;
	uint32_t n = fid & 0x1f;
	int minor = version == V0_2 ? -1 : (int)(version & 0xffff);

	*ret_x0 = NS;
	*ret_action = PSCI_FW_RESUME;
	switch (n) {
	case 0x00:
		if (!smc64)
			*ret_x0 = version;
		break;
	case 0x01:
		*ret_x0 = 0;
		*ret_action = PSCI_FW_STANDBY;
		break;
	case 0x02:
		if (!smc64) {
			*ret_x0 = 0;
			*ret_action = PSCI_FW_CPU_OFF;
		}
		break;
	case 0x03:
		*ret_x0 = 0;
		*ret_action = PSCI_FW_CPU_ON;
		break;
	case 0x04:
		*ret_x0 = 0;	/* ON */
		break;
	case 0x06:
		if (!smc64)
			*ret_x0 = 2;	/* TOS_MP */
		break;
	case 0x08:
	case 0x09:
		if (!smc64) {
			*ret_x0 = INTERNAL;
			*ret_action = PSCI_FW_STOP;
		}
		break;
	case 0x0a:
		if (!smc64 && minor >= 0)
			*ret_x0 = 0;
		break;
	case 0x0e:
		if (minor >= 0) {
			*ret_x0 = INTERNAL;
			*ret_action = PSCI_FW_SYSTEM_SUSPEND;
		}
		break;
	case 0x12:
		if (minor >= 1) {
			*ret_x0 = INTERNAL;
			*ret_action = PSCI_FW_STOP;
		}
		break;
	case 0x15:
		if (minor >= 3) {
			*ret_x0 = INTERNAL;
			*ret_action = PSCI_FW_STOP;
		}
		break;
	default:
		break;	/* MIGRATE, MIGRATE_INFO_UP_CPU, CPU_FREEZE, ... , 0x16-0x1f */
	}
}

START_TEST(test_every_function)
{
	for (unsigned int v = 0; v < NR_VERSIONS; v++) {
		use(versions[v], true);
		for (uint32_t i = 0; i < 0x40; i++) {
			uint32_t fid = i < 0x20 ? FN(i) : FN64(i - 0x20);
			enum psci_fw_action action;
			uint64_t x0;

			power_reset(&pw);
			function_want(versions[v], fid, &x0, &action);
			/* x1 = 1: CPU_ON's target, PSCI_FEATURES' id 0x1 (NS) is not used */
			if ((fid & 0x1f) == 0x0a)
				call(0, fid, FN(0), 0, 0);
			else if ((fid & 0x1f) == 0x03)
				call(0, fid, 1, 0x80000000, 7);
			else
				call(0, fid, 0, 0, 0);
			ck_assert_msg(r.x0 == x0 && r.action == action,
				      "v%x fid 0x%08x: x0 0x%" PRIx64 " action %s, want 0x%" PRIx64 " %s",
				      versions[v], fid, r.x0, psci_fw_action_name(r.action), x0,
				      psci_fw_action_name(action));
			if (action == PSCI_FW_RESUME || action == PSCI_FW_STANDBY)
				assert_states(POWER_ON, POWER_OFF, POWER_OFF, POWER_OFF);
		}
		/* Not PSCI ids at all (the filter forwards none of these) */
		power_reset(&pw);
		ck_assert_uint_eq(call(0, 0x80000000, 0, 0, 0), NS);
		ck_assert_uint_eq(call(0, 0x95c1ba60, 1, 0, 0), NS);	/* 0.1's CPU_ON */
		ck_assert_uint_eq(call(0, 0x84000020, 0, 0, 0), NS);
		ck_assert_uint_eq(call(0, 0x04000003, 1, 0, 0), NS);
		ck_assert_uint_eq(call(0, 0xC5000003, 1, 0, 0), NS);
		assert_states(POWER_ON, POWER_OFF, POWER_OFF, POWER_OFF);
	}
}
END_TEST

START_TEST(test_not_supported)
{
	/* Optional functions KVM does not implement, in every version */
	const uint32_t ns[] = {
		FN(0x05), FN64(0x05), FN(0x07), FN64(0x07), FN(0x0b), FN(0x0c), FN64(0x0c),
		FN(0x0d), FN64(0x0d), FN(0x0f), FN(0x10), FN64(0x10), FN(0x11), FN64(0x11),
		FN(0x13), FN(0x14), FN64(0x14), FN(0x1f), FN64(0x1f),
	};

	for (unsigned int v = 0; v < NR_VERSIONS; v++) {
		use(versions[v], true);
		for (unsigned int i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
			ck_assert_uint_eq(call(0, ns[i], 1, 2, 3), NS);
			ck_assert_int_eq(r.action, PSCI_FW_RESUME);
		}
	}
	/* Newer than the version: not even looked at */
	use(V0_2, true);
	ck_assert_uint_eq(call(0, FN(0x0a), FN(0), 0, 0), NS);
	ck_assert_uint_eq(call(0, FN64(0x0e), 0x80000000, 0, 0), NS);
	use(V1_0, true);
	ck_assert_uint_eq(call(0, FN(0x12), 0, 0, 0), NS);
	ck_assert_uint_eq(call(0, FN64(0x12), 0x80000000, 0, 0), NS);
	use(V1_2, true);
	ck_assert_uint_eq(call(0, FN(0x15), 0, 0, 0), NS);
	ck_assert_uint_eq(call(0, FN64(0x15), 1, 0, 0), NS);
	assert_states(POWER_ON, POWER_OFF, POWER_OFF, POWER_OFF);
}
END_TEST

START_TEST(test_migrate_info_type)
{
	for (unsigned int v = 0; v < NR_VERSIONS; v++) {
		use(versions[v], true);
		ck_assert_uint_eq(call(0, FN(6), 0, 0, 0), 2);	/* TOS_MP: no migration */
		ck_assert_uint_eq(call(0, FN64(6), 0, 0, 0), NS);
		ck_assert_uint_eq(call(0, FN(7), 0, 0, 0), NS);	/* MIGRATE_INFO_UP_CPU */
		ck_assert_uint_eq(call(0, FN(5), 1, 0, 0), NS);	/* MIGRATE */
	}
}
END_TEST

START_TEST(test_cpu_on)
{
	uint64_t entry, ctx;
	bool be;

	use(V1_1, true);
	/* OFF -> ON_PENDING: SUCCESS, and the caller must wake vCPU 1 */
	ck_assert_uint_eq(call_ex(0, FN64(3), 1, 0x80080000, 0xc0ffee01, false, true), 0);
	ck_assert_int_eq(r.action, PSCI_FW_CPU_ON);
	ck_assert_uint_eq(r.target, 1);
	ck_assert_uint_eq(r.entry, 0x80080000);
	ck_assert_uint_eq(r.context, 0xc0ffee01);
	ck_assert(r.big_endian);	/* the caller's endianness */
	assert_states(POWER_ON, POWER_ON_PENDING, POWER_OFF, POWER_OFF);
	/* KVM never answers ON_PENDING: the target counts as on at once */
	ck_assert_uint_eq(call(0, FN64(3), 1, 0x90000000, 5), ALREADY_ON);
	ck_assert_int_eq(r.action, PSCI_FW_RESUME);
	ck_assert_uint_eq(call(0, FN64(4), 1, 0, 0), 0);	/* AFFINITY_INFO: ON */
	/* Its thread takes the first start, not the refused one */
	ck_assert(power_started(&pw, 1, &entry, &ctx, &be));
	ck_assert_uint_eq(entry, 0x80080000);
	ck_assert_uint_eq(ctx, 0xc0ffee01);
	ck_assert(be);
	assert_states(POWER_ON, POWER_ON, POWER_OFF, POWER_OFF);
	ck_assert_uint_eq(call(0, FN(3), 1, 0x80080000, 1), ALREADY_ON);
	/* The caller itself is on */
	ck_assert_uint_eq(call(0, FN(3), 0, 0x80080000, 1), ALREADY_ON);
	/* A SUSPENDED target is not STOPPED under KVM either */
	power_set(&pw, 3, POWER_SUSPENDED);
	ck_assert_uint_eq(call(0, FN64(3), 3, 0x80080000, 1), ALREADY_ON);
	power_set(&pw, 3, POWER_OFF);

	/* No such CPU: INVALID_PARAMETERS */
	ck_assert_uint_eq(call(0, FN64(3), 0xff00, 0x80080000, 1), INVAL);
	ck_assert_uint_eq(call(0, FN64(3), 4, 0x80080000, 1), INVAL);
	ck_assert_uint_eq(call(0, FN64(3), 0x100000000ULL, 0x80080000, 1), INVAL);	/* Aff3 = 1 */
	/* Bits that are not affinity (bit 31 RES1, U, MT, above Aff3): INVALID_PARAMETERS */
	ck_assert_uint_eq(call(0, FN64(3), 0x80000002ULL, 0x80080000, 1), INVAL);
	ck_assert_uint_eq(call(0, FN64(3), 0x40000002ULL, 0x80080000, 1), INVAL);
	ck_assert_uint_eq(call(0, FN64(3), 0x01000002ULL, 0x80080000, 1), INVAL);
	ck_assert_uint_eq(call(0, FN64(3), 0x10000000002ULL, 0x80080000, 1), INVAL);
	assert_states(POWER_ON, POWER_ON, POWER_OFF, POWER_OFF);

	/* Bad entry points are not checked (KVM: no INVALID_ADDRESS) */
	ck_assert_uint_eq(call(0, FN64(3), 2, 0x80080001, 0), 0);
	ck_assert_uint_eq(r.entry, 0x80080001);
	ck_assert(!r.big_endian);
	ck_assert_uint_eq(call(0, FN64(3), 3, 0xffffffffffffffffULL, 0xffffffffffffffffULL), 0);
	ck_assert_uint_eq(r.entry, 0xffffffffffffffffULL);
	ck_assert_uint_eq(r.context, 0xffffffffffffffffULL);
	assert_states(POWER_ON, POWER_ON, POWER_ON_PENDING, POWER_ON_PENDING);

	/* Real MPIDRs, not vCPU numbers, address vCPUs */
	power_reset(&pw);
	power_set_mpidr(&pw, 2, 0x80000000ULL | 0x0102);
	ck_assert_uint_eq(call(0, FN64(3), 2, 0x80080000, 1), INVAL);
	ck_assert_uint_eq(call(0, FN64(3), 0x102, 0x80080000, 1), 0);
	ck_assert_uint_eq(r.target, 2);
}
END_TEST

START_TEST(test_cpu_off)
{
	use(V1_0, true);
	ck_assert_uint_eq(call(0, FN(3), 1, 0x80080000, 0), 0);
	power_set(&pw, 1, POWER_ON);
	ck_assert_uint_eq(call(1, FN(2), 0, 0, 0), 0);
	ck_assert_int_eq(r.action, PSCI_FW_CPU_OFF);
	ck_assert(!r.last);
	assert_states(POWER_ON, POWER_OFF, POWER_OFF, POWER_OFF);
	ck_assert_uint_eq(call(0, FN64(4), 1, 0, 0), 1);	/* OFF at once */
	/* And can be started again */
	ck_assert_uint_eq(call(0, FN(3), 1, 0x80080000, 0), 0);
	/* CPU_OFF is SMC32 only */
	ck_assert_uint_eq(call(0, FN64(2), 0, 0, 0), NS);
	ck_assert_int_eq(r.action, PSCI_FW_RESUME);
	/* vCPU 1 is ON_PENDING: vCPU 0 is not the last one */
	ck_assert_uint_eq(call(0, FN(2), 0, 0, 0), 0);
	ck_assert(!r.last);
	power_set(&pw, 1, POWER_ON);
	ck_assert_uint_eq(call(1, FN(2), 0, 0, 0), 0);
	ck_assert_int_eq(r.action, PSCI_FW_CPU_OFF);
	ck_assert(r.last);	/* nobody left: pinvm ends the run */
	assert_states(POWER_OFF, POWER_OFF, POWER_OFF, POWER_OFF);
	/* 0.2 has it too */
	use(V0_2, true);
	power_reset(&pw);
	ck_assert_uint_eq(call(0, FN(2), 0, 0, 0), 0);
	ck_assert(r.last);
}
END_TEST

START_TEST(test_affinity_levels)
{
	use(V1_3, true);
	/*
	 * vCPU 0 0x0 and 1 0x1 in cluster 0x0; vCPU 2 0x100 in cluster 0x1;
	 * vCPU 3 Aff3 1, Aff2 2 (0x1_0002_0000).
	 */
	power_set_mpidr(&pw, 2, 0x100);
	power_set_mpidr(&pw, 3, 0x100020000ULL);

	/* Level 0: exactly one CPU */
	ck_assert_uint_eq(call(0, FN64(4), 0, 0, 0), 0);
	ck_assert_uint_eq(call(0, FN64(4), 1, 0, 0), 1);
	ck_assert_uint_eq(call(0, FN64(4), 0x100, 0, 0), 1);
	ck_assert_uint_eq(call(0, FN64(4), 0x101, 0, 0), INVAL);
	ck_assert_uint_eq(call(0, FN64(4), 0x100020000ULL, 0, 0), 1);
	/* Level 1: the cluster, Aff0 ignored */
	ck_assert_uint_eq(call(0, FN64(4), 0x1, 1, 0), 0);	/* vCPU 0 is on */
	ck_assert_uint_eq(call(0, FN64(4), 0x1ff, 1, 0), 1);	/* only vCPU 2, off */
	ck_assert_uint_eq(call(0, FN64(4), 0x200, 1, 0), INVAL);
	/* Level 2: Aff1 and Aff0 ignored */
	ck_assert_uint_eq(call(0, FN64(4), 0xffff, 2, 0), 0);	/* 0, 1, 2 */
	ck_assert_uint_eq(call(0, FN64(4), 0x10002ffffULL, 2, 0), 1);	/* vCPU 3 */
	ck_assert_uint_eq(call(0, FN64(4), 0x10001ffffULL, 2, 0), INVAL);
	/* Level 3: only Aff3 counts */
	ck_assert_uint_eq(call(0, FN64(4), 0xffffff, 3, 0), 0);	/* Aff3 0: 0, 1, 2 */
	ck_assert_uint_eq(call(0, FN64(4), 0x100ffffffULL, 3, 0), 1);	/* Aff3 1: vCPU 3 */
	ck_assert_uint_eq(call(0, FN64(4), 0x2000000000ULL, 3, 0), INVAL);
	/* Level 4 and above, any target */
	ck_assert_uint_eq(call(0, FN64(4), 0, 4, 0), INVAL);
	ck_assert_uint_eq(call(0, FN64(4), 0, 0xffffffffffffffffULL, 0), INVAL);
	/* Bits outside the affinity fields, whatever the level */
	ck_assert_uint_eq(call(0, FN64(4), 0x80000000ULL, 3, 0), INVAL);
	ck_assert_uint_eq(call(0, FN64(4), 0x01000000ULL, 0, 0), INVAL);

	/* States: ON_PENDING and SUSPENDED answer ON, never ON_PENDING (2) */
	ck_assert_uint_eq(call(0, FN64(3), 0x100020000ULL, 0x80080000, 0), 0);
	ck_assert_uint_eq(call(0, FN64(4), 0x100020000ULL, 0, 0), 0);
	ck_assert_uint_eq(call(0, FN64(4), 0x100ffffffULL, 3, 0), 0);
	power_set(&pw, 2, POWER_SUSPENDED);
	ck_assert_uint_eq(call(0, FN(4), 0x100, 0, 0), 0);
	/* Everything off: OFF at every level */
	power_all_off(&pw);
	ck_assert_uint_eq(call(0, FN64(4), 0, 0, 0), 1);
	ck_assert_uint_eq(call(0, FN64(4), 0xffff, 2, 0), 1);
	ck_assert_uint_eq(call(0, FN64(4), 0xffffff, 3, 0), 1);
}
END_TEST

START_TEST(test_smc32_narrowing)
{
	use(V1_3, true);
	/* CPU_ON: target, entry and context are the low 32 bits */
	ck_assert_uint_eq(call(0, FN(3), 0xffffffff00000002ULL, 0xdeadbeef80080000ULL,
			       0x12345678c0ffee02ULL), 0);
	ck_assert_uint_eq(r.target, 2);
	ck_assert_uint_eq(r.entry, 0x80080000);
	ck_assert_uint_eq(r.context, 0xc0ffee02);
	/* SMC64 keeps them: the same target is not an affinity */
	ck_assert_uint_eq(call(0, FN64(3), 0xffffffff00000003ULL, 0x80080000, 0), INVAL);
	ck_assert_uint_eq(call(0, FN64(3), 3, 0xdeadbeef80080000ULL, 0x12345678c0ffee03ULL), 0);
	ck_assert_uint_eq(r.entry, 0xdeadbeef80080000ULL);
	ck_assert_uint_eq(r.context, 0x12345678c0ffee03ULL);
	/* AFFINITY_INFO: target and level narrowed */
	ck_assert_uint_eq(call(0, FN(4), 0x100000001ULL, 0x100000000ULL, 0), 1);
	ck_assert_uint_eq(call(0, FN64(4), 0x100000001ULL, 0, 0), INVAL);
	ck_assert_uint_eq(call(0, FN64(4), 1, 0x100000000ULL, 0), INVAL);
	/* SYSTEM_OFF2: the cookie is checked after narrowing */
	ck_assert_uint_eq(call(0, FN64(0x15), 0, 0x100000000ULL, 0), INVAL);
	ck_assert_uint_eq(call(0, FN(0x15), 0, 0x100000000ULL, 0), INTERNAL);
	ck_assert_int_eq(r.action, PSCI_FW_STOP);
	ck_assert_int_eq(r.stop.kind, STOP_SYSTEM_OFF2);
	/* SYSTEM_RESET2: the SMC32 cookie is 32 bits, the SMC64 one 64 */
	power_reset(&pw);
	ck_assert_uint_eq(call(0, FN(0x12), 0x180000001ULL, 0xaaaaaaaabbbbbbbbULL, 0), INTERNAL);
	ck_assert_uint_eq(r.stop.reset_type, 0x80000001);
	ck_assert_uint_eq(r.stop.cookie, 0xbbbbbbbb);
	power_reset(&pw);
	ck_assert_uint_eq(call(0, FN64(0x12), 0x80000001, 0xaaaaaaaabbbbbbbbULL, 0), INTERNAL);
	ck_assert_uint_eq(r.stop.cookie, 0xaaaaaaaabbbbbbbbULL);
	/* SYSTEM_SUSPEND: entry and context narrowed */
	power_reset(&pw);
	ck_assert_uint_eq(call(0, FN(0x0e), 0xffffffff80001000ULL, 0x1000000007ULL, 0), INTERNAL);
	ck_assert_int_eq(r.action, PSCI_FW_SYSTEM_SUSPEND);
	ck_assert_uint_eq(r.entry, 0x80001000);
	ck_assert_uint_eq(r.context, 7);
}
END_TEST

START_TEST(test_cpu_suspend)
{
	const uint64_t states[] = { 0, 0x10000, 0x1010000, 0xffffffff, 0xffffffffffffffffULL };

	for (unsigned int v = 0; v < NR_VERSIONS; v++) {
		use(versions[v], true);
		for (unsigned int i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
			/* Any power_state, even a malformed one: a standby, SUCCESS */
			ck_assert_uint_eq(call(0, FN(1), states[i], 0x80080000, 1), 0);
			ck_assert_int_eq(r.action, PSCI_FW_STANDBY);
			ck_assert_uint_eq(call(0, FN64(1), states[i], 1, 1), 0);
			ck_assert_int_eq(r.action, PSCI_FW_STANDBY);
		}
		/* The caller stays ON: AFFINITY_INFO of a CPU in WFI says ON */
		assert_states(POWER_ON, POWER_OFF, POWER_OFF, POWER_OFF);
	}
}
END_TEST

START_TEST(test_system_suspend)
{
	uint64_t entry = 0, ctx = 0;

	use(V1_0, true);
	/* Another vCPU ON, or ON_PENDING: DENIED, nothing changes */
	ck_assert_uint_eq(call(0, FN(3), 2, 0x80080000, 0), 0);
	ck_assert_uint_eq(call(0, FN64(0x0e), 0x80001000, 7, 0), DENIED);
	ck_assert_int_eq(r.action, PSCI_FW_RESUME);
	assert_states(POWER_ON, POWER_OFF, POWER_ON_PENDING, POWER_OFF);
	power_set(&pw, 2, POWER_ON);
	ck_assert_uint_eq(call(0, FN(0x0e), 0x80001000, 7, 0), DENIED);
	ck_assert_uint_eq(call(2, FN(2), 0, 0, 0), 0);
	/* Every other vCPU OFF: suspended; the bad entry is not checked */
	ck_assert_uint_eq(call(0, FN64(0x0e), 0x80001001, 7, 0), INTERNAL);
	ck_assert_int_eq(r.action, PSCI_FW_SYSTEM_SUSPEND);
	ck_assert_uint_eq(r.entry, 0x80001001);
	ck_assert_uint_eq(r.context, 7);
	assert_states(POWER_SUSPENDED, POWER_OFF, POWER_OFF, POWER_OFF);
	/* The wake-up gives the resume point back */
	ck_assert(power_wake(&pw, 0, &entry, &ctx));
	ck_assert_uint_eq(entry, 0x80001001);
	ck_assert_uint_eq(ctx, 7);
	assert_states(POWER_ON, POWER_OFF, POWER_OFF, POWER_OFF);

	/* Not offered (--no-suspend): NOT_SUPPORTED, as KVM without the capability */
	use(V1_3, false);
	ck_assert_uint_eq(call(0, FN64(0x0e), 0x80001000, 7, 0), NS);
	ck_assert_uint_eq(call(0, FN(0x0e), 0x80001000, 7, 0), NS);
	ck_assert_int_eq(r.action, PSCI_FW_RESUME);
	assert_states(POWER_ON, POWER_OFF, POWER_OFF, POWER_OFF);
	/* 0.2 has no SYSTEM_SUSPEND */
	use(V0_2, true);
	ck_assert_uint_eq(call(0, FN64(0x0e), 0x80001000, 7, 0), NS);
	assert_states(POWER_ON, POWER_OFF, POWER_OFF, POWER_OFF);
}
END_TEST

START_TEST(test_system_off_reset)
{
	for (unsigned int v = 0; v < NR_VERSIONS; v++) {
		use(versions[v], true);
		power_reset(&pw);
		power_set(&pw, 2, POWER_ON);
		ck_assert_uint_eq(call(2, FN(8), 0, 0, 0), 0xfffffffffffffffaULL);
		ck_assert_int_eq(r.action, PSCI_FW_STOP);
		ck_assert_int_eq(r.stop.kind, STOP_SYSTEM_OFF);
		ck_assert_uint_eq(r.stop.vcpu, 2);
		/* kvm_prepare_system_event(): every vCPU stopped */
		assert_states(POWER_OFF, POWER_OFF, POWER_OFF, POWER_OFF);
		power_reset(&pw);
		ck_assert_uint_eq(call(0, FN(9), 0, 0, 0), INTERNAL);
		ck_assert_int_eq(r.stop.kind, STOP_RESET);
		ck_assert_uint_eq(r.stop.vcpu, 0);
		assert_states(POWER_OFF, POWER_OFF, POWER_OFF, POWER_OFF);
		/* SMC32 only */
		power_reset(&pw);
		ck_assert_uint_eq(call(0, FN64(8), 0, 0, 0), NS);
		ck_assert_uint_eq(call(0, FN64(9), 0, 0, 0), NS);
		assert_states(POWER_ON, POWER_OFF, POWER_OFF, POWER_OFF);
	}
}
END_TEST

START_TEST(test_reset2)
{
	static const struct {
		uint32_t fid;
		uint64_t x1, x2;
		bool ok;
		uint32_t type;
		uint64_t cookie;
	} cases[] = {
		{ FN(0x12), 0, 0, true, 0, 0 },			/* warm reset */
		{ FN64(0x12), 0, 0x1234, true, 0, 0x1234 },
		{ FN64(0x12), 0x80000000, 0xfeedfacecafef00dULL, true, 0x80000000, 0xfeedfacecafef00dULL },
		{ FN64(0x12), 0xffffffff, 1, true, 0xffffffff, 1 },	/* any vendor type */
		{ FN(0x12), 1, 0, false, 0, 0 },			/* reserved architectural types */
		{ FN64(0x12), 0x7fffffff, 0, false, 0, 0 },
		/* SMC64: the type is x1's low 32 bits (a u32 in KVM) */
		{ FN64(0x12), 0xffffffff80000001ULL, 9, true, 0x80000001, 9 },
		{ FN64(0x12), 0x100000000ULL, 0, true, 0, 0 },
		{ FN64(0x12), 0x100000001ULL, 0, false, 0, 0 },
	};

	for (unsigned int v = 2; v < NR_VERSIONS; v++) {	/* 1.1 and later */
		use(versions[v], true);
		for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			power_reset(&pw);
			call(0, cases[i].fid, cases[i].x1, cases[i].x2, 0);
			if (!cases[i].ok) {
				ck_assert_msg(r.x0 == INVAL, "case %u", i);
				ck_assert_int_eq(r.action, PSCI_FW_RESUME);
				assert_states(POWER_ON, POWER_OFF, POWER_OFF, POWER_OFF);
				continue;
			}
			ck_assert_msg(r.x0 == INTERNAL && r.action == PSCI_FW_STOP, "case %u", i);
			ck_assert_int_eq(r.stop.kind, STOP_RESET2);
			ck_assert_uint_eq(r.stop.reset_type, cases[i].type);
			ck_assert_uint_eq(r.stop.cookie, cases[i].cookie);
			assert_states(POWER_OFF, POWER_OFF, POWER_OFF, POWER_OFF);
		}
	}
}
END_TEST

START_TEST(test_off2)
{
	use(V1_3, true);
	for (uint64_t type = 0; type <= 1; type++) {
		power_reset(&pw);
		ck_assert_uint_eq(call(0, FN64(0x15), type, 0, 0), INTERNAL);
		ck_assert_int_eq(r.action, PSCI_FW_STOP);
		ck_assert_int_eq(r.stop.kind, STOP_SYSTEM_OFF2);
		assert_states(POWER_OFF, POWER_OFF, POWER_OFF, POWER_OFF);
		power_reset(&pw);
		ck_assert_uint_eq(call(0, FN(0x15), type, 0, 0), INTERNAL);
		ck_assert_int_eq(r.stop.kind, STOP_SYSTEM_OFF2);
	}
	power_reset(&pw);
	/* The kernel selftest's pairs: (1,1) and (0,1) are refused */
	ck_assert_uint_eq(call(0, FN64(0x15), 1, 1, 0), INVAL);
	ck_assert_uint_eq(call(0, FN64(0x15), 0, 1, 0), INVAL);
	ck_assert_uint_eq(call(0, FN64(0x15), 2, 0, 0), INVAL);
	ck_assert_uint_eq(call(0, FN64(0x15), 0x80000000, 0, 0), INVAL);
	assert_states(POWER_ON, POWER_OFF, POWER_OFF, POWER_OFF);
	/* SMC64: the type is a u32, the cookie all of x2 */
	ck_assert_uint_eq(call(0, FN64(0x15), 0x100000001ULL, 0, 0), INTERNAL);
	ck_assert_int_eq(r.stop.kind, STOP_SYSTEM_OFF2);
	power_reset(&pw);
	ck_assert_uint_eq(call(0, FN64(0x15), 1, 0x100000000ULL, 0), INVAL);
}
END_TEST

START_TEST(test_aarch32_caller)
{
	use(V1_1, true);
	/* An AArch32 caller gets no SMC64 function, and no change */
	ck_assert_uint_eq(call_ex(0, FN64(3), 1, 0x8000, 0, true, false), NS);
	ck_assert_int_eq(r.action, PSCI_FW_RESUME);
	ck_assert_uint_eq(call_ex(0, FN64(1), 0, 0, 0, true, false), NS);
	ck_assert_int_eq(r.action, PSCI_FW_RESUME);
	ck_assert_uint_eq(call_ex(0, FN64(0x12), 0, 0, 0, true, false), NS);
	assert_states(POWER_ON, POWER_OFF, POWER_OFF, POWER_OFF);
	/* nor is one advertised to it */
	ck_assert_uint_eq(call_ex(0, FN(0x0a), FN64(3), 0, 0, true, false), NS);
	ck_assert_uint_eq(call_ex(0, FN(0x0a), FN(3), 0, 0, true, false), 0);
	ck_assert_uint_eq(call_ex(0, FN(0x0a), FN64(3), 0, 0, false, false), 0);
	/* SMC32 works */
	ck_assert_uint_eq(call_ex(0, FN(3), 1, 0x8001, 0, true, true), 0);
	ck_assert_int_eq(r.action, PSCI_FW_CPU_ON);
	ck_assert(r.big_endian);
}
END_TEST

/* ---- the conformance transcripts, replayed ---- */

struct transcript {
	char lines[256][160];
	unsigned int n;
};

static void tx_show(struct transcript *t, uint64_t x0, int kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* tests/guests/test_psci.c's show(): kind 0 status, 1 version, 2 affinity */
static void tx_show(struct transcript *t, uint64_t x0, int kind, const char *fmt, ...)
{
	char what[128], extra[24] = "";
	int64_t v = (int64_t)x0;
	const char *name = v < 0 ? psci_fw_ret_name(v) : NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!name && kind == 1)
		snprintf(extra, sizeof(extra), " v%" PRIu64 ".%" PRIu64, x0 >> 16, x0 & 0xffff);
	else if (!name && kind == 2)
		snprintf(extra, sizeof(extra), " %s", v == 0 ? "ON" : v == 1 ? "OFF" : "?");
	else if (name)
		snprintf(extra, sizeof(extra), " %s", name);
	ck_assert_uint_lt(t->n, 256);
	snprintf(t->lines[t->n++], sizeof(t->lines[0]), "PVGUEST: %s = %" PRId64 " 0x%016" PRIx64 "%s",
		 what, v, x0, extra);
}

#define TX_GARBAGE	0xdeadbeef00000000ULL
#define TX_ENTRY	0x80000000ULL
#define TX_CONTEXT	0xc0ffee01ULL

/*
 * test_psci.c's one_cpu() for cpu1 with line prefix @pfx: its CPU_ON as
 * SMC64 (0xc4000003, from the DT), or with @narrow as SMC32 with garbage in
 * the upper halves of x1-x3; vCPU 1 doing its own part (arrival, CPU_OFF).
 */
static void tx_one_cpu(struct transcript *t, const char *pfx, bool narrow)
{
	const uint32_t cpu_on = narrow ? FN(3) : FN64(3), cpu_off = FN(2);
	const uint64_t g = narrow ? TX_GARBAGE : 0;
	uint64_t entry, ctx;
	bool be;

	tx_show(t, call(0, FN64(4), 1, 0, 0), 2, "%scpu1 AFFINITY_INFO before CPU_ON", pfx);
	tx_show(t, call(0, cpu_on, g | 1, g | TX_ENTRY, g | TX_CONTEXT), 0,
		"%scpu1 CPU_ON context 0x%llx", pfx, TX_CONTEXT);
	ck_assert_int_eq(r.action, PSCI_FW_CPU_ON);
	/* SMC32: the target starts with the low halves */
	ck_assert_uint_eq(r.entry, TX_ENTRY);
	ck_assert_uint_eq(r.context, TX_CONTEXT);
	/* vCPU 1's thread starts it: it arrives */
	ck_assert(power_started(&pw, 1, &entry, &ctx, &be));
	ck_assert_uint_eq(ctx, TX_CONTEXT);
	tx_show(t, call(0, FN64(4), 1, 0, 0), 2, "%scpu1 AFFINITY_INFO while on", pfx);
	tx_show(t, call(0, cpu_on, g | 1, g | TX_ENTRY, g | TX_CONTEXT), 0,
		"%scpu1 CPU_ON while on", pfx);
	tx_show(t, call(0, FN64(0x0e), TX_ENTRY, 0, 0), 0, "%sSYSTEM_SUSPEND while cpu1 is on", pfx);
	ck_assert_uint_eq(call(1, cpu_off, 0, 0, 0), 0);
	ck_assert_int_eq(r.action, PSCI_FW_CPU_OFF);
	tx_show(t, call(0, FN64(4), 1, 0, 0), 2, "%scpu1 AFFINITY_INFO after CPU_OFF", pfx);
}

/*
 * What test_psci.c asks with 2 CPUs (cpu_on 0xc4000003, cpu_off 0x84000002
 * from the DT), in its order; only the lines the firmware answers (not
 * SMCCC_*, not "smc #1", which stay KVM's).
 */
static void tx_run(struct transcript *t, uint32_t version)
{
	static const uint64_t targets[] = { 0x1, 0x100, 0x10000, 0x100000000ULL };
	const uint64_t g = TX_GARBAGE;

	power_destroy(&pw);
	power_init(&pw, 2);
	use(version, true);
	t->n = 0;
	tx_show(t, call(0, FN(0), 0, 0, 0), 1, "PSCI_VERSION");
	for (uint32_t n = 0; n < 22; n++) {
		tx_show(t, call(0, FN(0x0a), FN(n), 0, 0), 0, "PSCI_FEATURES(0x%08x %s SMC32)",
			FN(n), psci_fw_fn_name(FN(n)));
		tx_show(t, call(0, FN(0x0a), FN64(n), 0, 0), 0, "PSCI_FEATURES(0x%08x %s SMC64)",
			FN64(n), psci_fw_fn_name(FN64(n)));
	}
	tx_show(t, call(0, FN(0x0a), 0x80000000, 0, 0), 0, "PSCI_FEATURES(0x80000000 SMCCC_VERSION)");

	tx_one_cpu(t, "", false);
	tx_show(t, call(0, FN64(3), 0xff00, 0x80000000, 0xc0ffeeff), 0,
		"CPU_ON mpidr 0xff00 (no such CPU)");
	tx_show(t, call(0, FN64(4), 0xff00, 0, 0), 2, "AFFINITY_INFO mpidr 0xff00 (no such CPU)");
	tx_show(t, call(0, FN(0x1f), 0, 0, 0), 0, "unknown function 0x%08x", FN(0x1f));

	/* more(): the other functions, CPU_ON's checks, AFFINITY_INFO's levels */
	tx_show(t, call(0, FN(6), 0, 0, 0), 0, "MIGRATE_INFO_TYPE");
	tx_show(t, call(0, FN(5), 1, 0, 0), 0, "MIGRATE SMC32");
	tx_show(t, call(0, FN64(5), 1, 0, 0), 0, "MIGRATE SMC64");
	tx_show(t, call(0, FN(7), 0, 0, 0), 0, "MIGRATE_INFO_UP_CPU SMC32");
	tx_show(t, call(0, FN64(7), 0, 0, 0), 0, "MIGRATE_INFO_UP_CPU SMC64");
	tx_show(t, call(0, FN64(3), 0, TX_ENTRY, 0), 0, "CPU_ON of the calling cpu0");
	tx_show(t, call(0, FN64(3), 0x80000001, TX_ENTRY, 0), 0, "CPU_ON mpidr 0x80000001 (bit 31)");
	tx_show(t, call(0, FN64(3), 0x1000001, TX_ENTRY, 0), 0, "CPU_ON mpidr 0x1000001 (MT, bit 24)");
	tx_show(t, call(0, FN64(3), 0x100000001ULL, TX_ENTRY, 0), 0,
		"CPU_ON mpidr 0x100000001 (Aff3 1)");
	tx_show(t, call(0, FN64(3), 0x10000000001ULL, TX_ENTRY, 0), 0,
		"CPU_ON mpidr 0x10000000001 (bit 40)");
	for (unsigned int i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		for (uint64_t level = 0; level <= 4; level++)
			tx_show(t, call(0, FN64(4), targets[i], level, 0), 2,
				"AFFINITY_INFO 0x%" PRIx64 " level %" PRIu64, targets[i], level);

	/* narrowing(): SMC32 arguments are the low halves of x1-x3 */
	tx_show(t, call(0, FN(4), g | 1, g, 0), 2,
		"narrow AFFINITY_INFO SMC32 0xdeadbeef00000001 level 0xdeadbeef00000000");
	tx_show(t, call(0, FN64(4), g | 1, 0, 0), 2, "narrow AFFINITY_INFO SMC64 0xdeadbeef00000001 level 0");
	tx_show(t, call(0, FN64(4), 1, g, 0), 2, "narrow AFFINITY_INFO SMC64 0x1 level 0xdeadbeef00000000");
	tx_show(t, call(0, FN(4), 0x80000001, 0, 0), 2,
		"narrow AFFINITY_INFO SMC32 0x80000001 (bit 31) level 0");
	tx_show(t, call(0, FN(0x0a), g | FN64(3), 0, 0), 0, "narrow PSCI_FEATURES(0xdeadbeefc4000003)");
	tx_show(t, call(0, FN(0x12), g | 1, 0, 0), 0, "narrow SYSTEM_RESET2 SMC32 type 0xdeadbeef00000001");
	tx_show(t, call(0, FN64(0x12), 0x100000001ULL, 0, 0), 0,
		"narrow SYSTEM_RESET2 SMC64 type 0x100000001");
	tx_show(t, call(0, FN(0x15), g | 2, 0, 0), 0, "narrow SYSTEM_OFF2 SMC32 type 0xdeadbeef00000002");
	tx_show(t, call(0, FN64(0x15), 1, 0x100000000ULL, 0), 0,
		"narrow SYSTEM_OFF2 SMC64 type 1 cookie 0x100000000");
	tx_show(t, call(0, FN64(3), g | 1, TX_ENTRY, 0), 0, "narrow CPU_ON SMC64 mpidr 0xdeadbeef00000001");
	tx_one_cpu(t, "narrow ", true);

	/* smc_conduit(): the same firmware behind smc #0 */
	tx_show(t, call(0, FN(0), 0, 0, 0), 1, "smc PSCI_VERSION");
	tx_show(t, call(0, FN(0x0a), FN64(3), 0, 0), 0, "smc PSCI_FEATURES(0xc4000003 CPU_ON SMC64)");
	tx_show(t, call(0, FN(6), 0, 0, 0), 0, "smc MIGRATE_INFO_TYPE");
	tx_show(t, call(0, FN64(4), 0, 0, 0), 2, "smc AFFINITY_INFO of cpu0");
	tx_show(t, call(0, FN(0x1f), 0, 0, 0), 0, "smc unknown function 0x%08x", FN(0x1f));
	tx_one_cpu(t, "smc ", false);
}

START_TEST(test_transcripts)
{
	static const char *const names[] = { "0.2", "1.0", "1.1", "1.2", "1.3" };
	static struct transcript t;

	for (unsigned int v = 0; v < NR_VERSIONS; v++) {
		char *path, *golden, *at;
		size_t len;

		tx_run(&t, versions[v]);
		/* header, features, cpu1, errors, more, narrow, smc */
		ck_assert_uint_eq(t.n, 1 + 44 + 1 + 6 + 3 + 10 + 20 + 10 + 6 + 5 + 6);
		if (asprintf(&path, TOP_SRCDIR "/tests/nested/data/psci-%s.txt", names[v]) < 0)
			abort();
		ck_assert_int_eq(harness_read_file(path, (void **)&golden, &len), 0);
		ck_assert_ptr_nonnull(strstr(golden, "psci ids cpu_on 0xc4000003 cpu_off 0x84000002"));
		/* Every line, whole, in the recorded order */
		at = golden;
		for (unsigned int i = 0; i < t.n; i++) {
			char want[200];
			char *hit;

			snprintf(want, sizeof(want), "\n%s\n", t.lines[i]);
			hit = strstr(at, want);
			ck_assert_msg(hit, "%s: not (in order) in the KVM transcript: %s", path,
				      t.lines[i]);
			at = hit + 1;
		}
		free(golden);
		free(path);
	}
}
END_TEST

/* ---- every vCPU calling CPU_ON of the same target at once ---- */

#define RACE_THREADS	7
#define RACE_ROUNDS	200

static pthread_barrier_t race_barrier;
static uint64_t race_x0[RACE_THREADS];

static void *race_thread(void *arg)
{
	unsigned int me = (unsigned int)(uintptr_t)arg;
	struct psci_fw_call c = { .vcpu = me + 1, .fid = FN64(3), .x1 = 0, .x2 = 0x80080000,
				  .x3 = me };
	struct psci_fw_result res;

	pthread_barrier_wait(&race_barrier);
	psci_fw_call(&fw, &c, &res);
	race_x0[me] = res.x0;
	if (res.action == PSCI_FW_CPU_ON && res.context != me)
		race_x0[me] = 0xbad;
	return NULL;
}

START_TEST(test_cpu_on_race)
{
	pthread_t th[RACE_THREADS];

	power_destroy(&pw);
	power_init(&pw, RACE_THREADS + 1);
	use(V1_1, true);
	for (unsigned int round = 0; round < RACE_ROUNDS; round++) {
		unsigned int wins = 0, already = 0, winner = 0;
		uint64_t entry, ctx;
		bool be;

		for (unsigned int i = 1; i <= RACE_THREADS; i++)
			power_set(&pw, i, POWER_ON);
		power_set(&pw, 0, POWER_OFF);
		pthread_barrier_init(&race_barrier, NULL, RACE_THREADS);
		for (unsigned int i = 0; i < RACE_THREADS; i++)
			ck_assert_int_eq(pthread_create(&th[i], NULL, race_thread, (void *)(uintptr_t)i), 0);
		for (unsigned int i = 0; i < RACE_THREADS; i++)
			pthread_join(th[i], NULL);
		pthread_barrier_destroy(&race_barrier);
		for (unsigned int i = 0; i < RACE_THREADS; i++) {
			if (race_x0[i] == 0) {
				wins++;
				winner = i;
			} else if (race_x0[i] == ALREADY_ON) {
				already++;
			}
		}
		/* Exactly one start, and vCPU 0 starts with the winner's context */
		ck_assert_uint_eq(wins, 1);
		ck_assert_uint_eq(already, RACE_THREADS - 1);
		ck_assert(power_started(&pw, 0, &entry, &ctx, &be));
		ck_assert_uint_eq(ctx, winner);
	}
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(psci_fw_fn_name(FN(0)), "PSCI_VERSION");
	ck_assert_str_eq(psci_fw_fn_name(FN64(3)), "CPU_ON");
	ck_assert_str_eq(psci_fw_fn_name(FN(0x15)), "SYSTEM_OFF2");
	ck_assert_str_eq(psci_fw_fn_name(FN64(0x12)), "SYSTEM_RESET2");
	ck_assert_ptr_null(psci_fw_fn_name(FN(0x16)));
	ck_assert_ptr_null(psci_fw_fn_name(FN64(0x1f)));
	ck_assert_ptr_null(psci_fw_fn_name(0x84000020));
	ck_assert_ptr_null(psci_fw_fn_name(0x80000000));
	ck_assert_ptr_null(psci_fw_fn_name(0x95c1ba5e));
	ck_assert_str_eq(psci_fw_ret_name(0), "SUCCESS");
	ck_assert_str_eq(psci_fw_ret_name(-2), "INVALID_PARAMETERS");
	ck_assert_str_eq(psci_fw_ret_name(-9), "INVALID_ADDRESS");
	ck_assert_ptr_null(psci_fw_ret_name(-10));
	ck_assert_ptr_null(psci_fw_ret_name(1));
	ck_assert_str_eq(psci_fw_action_name(PSCI_FW_RESUME), "resume");
	ck_assert_str_eq(psci_fw_action_name(PSCI_FW_SYSTEM_SUSPEND), "system_suspend");
}
END_TEST

static Suite *psci_fw_suite(void)
{
	Suite *s = suite_create("psci_fw");
	TCase *tc = tcase_create("firmware");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_init);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_features);
	tcase_add_test(tc, test_every_function);
	tcase_add_test(tc, test_not_supported);
	tcase_add_test(tc, test_migrate_info_type);
	tcase_add_test(tc, test_cpu_on);
	tcase_add_test(tc, test_cpu_off);
	tcase_add_test(tc, test_affinity_levels);
	tcase_add_test(tc, test_smc32_narrowing);
	tcase_add_test(tc, test_cpu_suspend);
	tcase_add_test(tc, test_system_suspend);
	tcase_add_test(tc, test_system_off_reset);
	tcase_add_test(tc, test_reset2);
	tcase_add_test(tc, test_off2);
	tcase_add_test(tc, test_aarch32_caller);
	tcase_add_test(tc, test_transcripts);
	tcase_add_test(tc, test_cpu_on_race);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(psci_fw_suite());
}
