// SPDX-License-Identifier: GPL-2.0-only
/*
 * pinvm's PSCI firmware: a machine of 1-8 vCPUs (KVM's MPIDRs, or small
 * colliding ones), a pinned version, SYSTEM_SUSPEND offered or not, then a
 * random sequence of PSCI calls (any id of both ranges, sometimes any 32
 * bits; arguments near the vCPUs' MPIDRs, with high bits, levels, types)
 * from random running vCPUs, interleaved with what the other threads do:
 * a CPU_ON target's thread taking its start, a wake-up from
 * SYSTEM_SUSPEND, a power-on reset.
 *
 * Each answer is checked against a small model of the rules written here:
 * x1..x3 zero and x0 a sign-extended 32-bit value, never ON_PENDING or
 * INVALID_ADDRESS; CPU_ON succeeds exactly for the lowest-numbered OFF
 * vCPU with that affinity and is ALREADY_ON for one that is not OFF;
 * AFFINITY_INFO's scan at levels 0-3; SYSTEM_SUSPEND only with every other
 * vCPU OFF; each action's transition and nothing else changing. And across
 * calls: a vCPU is started at most once per accepted CPU_ON, with that
 * call's entry, context and endianness; a SUSPENDED vCPU is alone.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/psci.h>

#include "pinvm/power.h"
#include "pinvm/psci_fw.h"

#define FN(n)	(0x84000000U + (n))
#define FN64(n)	(0xC4000000U + (n))
#define MAXV	8

static const uint32_t versions[] = {
	PSCI_VERSION(0, 2), PSCI_VERSION(1, 0), PSCI_VERSION(1, 1),
	PSCI_VERSION(1, 2), PSCI_VERSION(1, 3),
};

static struct power pw;
static struct psci_fw fw;
static unsigned int nr;

/* The model: what each accepted CPU_ON / SYSTEM_SUSPEND promised */
static struct {
	bool pending;
	uint64_t entry, context;
	bool be;
	bool suspended;
	uint64_t resume_entry, resume_context;
} model[MAXV];

static const uint8_t *p, *end;

static uint64_t take(int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n && p < end; i++, p++)
		v |= (uint64_t)*p << (8 * i);
	return v;
}

#define check(cond) do { if (!(cond)) abort(); } while (0)

static void model_forget(void)
{
	memset(model, 0, sizeof(model));
}

static uint64_t arg(void)
{
	uint8_t s = (uint8_t)take(1);
	unsigned int k = s >> 3;

	switch (s & 7) {
	case 0:
		return 0;
	case 1:
		return pw.mpidr[k % nr];
	case 2:
		return pw.mpidr[k % nr] | take(4) << 32 | (k & 1 ? 0x80000000ULL : 0);
	case 3:
		return k;	/* levels, reset and off types, small MPIDRs */
	case 4:
		return 0x80000000ULL | take(1);
	case 5:
		return take(8);
	case 6:
		return (k & 1 ? FN64(0) : FN(0)) + ((k >> 1) & 0x1f);
	default:
		return ~0ULL;
	}
}

static int lowest_with(uint64_t mpidr)
{
	for (unsigned int i = 0; i < nr; i++)
		if (pw.mpidr[i] == mpidr)
			return (int)i;
	return -1;
}

static void one_call(void)
{
	enum power_state pre[MAXV];
	struct psci_fw_call c;
	struct psci_fw_result r;
	uint8_t f = (uint8_t)take(1), flags;
	unsigned int caller = (unsigned int)take(1) % nr, i;
	uint64_t a1, a2, a3;
	int minor = fw.cfg.version >= PSCI_VERSION(1, 0) ? (int)(fw.cfg.version & 0xffff) : -1;
	bool smc64, allowed;
	int64_t x0;

	/* Only a running vCPU calls */
	for (i = 0; i < nr && pw.state[(caller + i) % nr] != POWER_ON; i++)
		;
	if (i == nr)
		return;
	caller = (caller + i) % nr;

	memset(&c, 0, sizeof(c));
	c.vcpu = caller;
	c.fid = f == 0xff ? (uint32_t)take(4) : (f & 0x20 ? FN64(f & 0x1f) : FN(f & 0x1f));
	c.x1 = arg();
	c.x2 = arg();
	c.x3 = arg();
	flags = (uint8_t)take(1);
	c.smc = flags & 1;
	c.big_endian = flags & 2;
	c.aarch32 = (flags & 0xf0) == 0xf0;

	smc64 = (c.fid & 0x40000000U) != 0;
	allowed = !(smc64 && c.aarch32);
	a1 = smc64 ? c.x1 : (uint32_t)c.x1;
	a2 = smc64 ? c.x2 : (uint32_t)c.x2;
	a3 = smc64 ? c.x3 : (uint32_t)c.x3;
	memcpy(pre, pw.state, sizeof(pre));

	memset(&r, 0x5a, sizeof(r));
	psci_fw_call(&fw, &c, &r);

	/* The shape of every answer */
	x0 = (int64_t)r.x0;
	check(r.x1 == 0 && r.x2 == 0 && r.x3 == 0);
	check(x0 == (int32_t)x0);
	check(x0 != PSCI_RET_ON_PENDING && x0 != PSCI_RET_INVALID_ADDRESS);
	check(allowed || (x0 == PSCI_RET_NOT_SUPPORTED && r.action == PSCI_FW_RESUME));

	switch (r.action) {
	case PSCI_FW_RESUME:
	case PSCI_FW_STANDBY:
		check(!memcmp(pre, pw.state, sizeof(pre)));
		if (r.action == PSCI_FW_STANDBY)
			check((c.fid == FN(1) || c.fid == FN64(1)) && x0 == 0);
		break;
	case PSCI_FW_CPU_ON:
		check(c.fid == FN(3) || c.fid == FN64(3));
		check(x0 == 0 && r.target < nr && pre[r.target] == POWER_OFF);
		check(pw.state[r.target] == POWER_ON_PENDING);
		check(pw.mpidr[r.target] == a1 && lowest_with(a1) == (int)r.target);
		check(r.entry == a2 && r.context == a3 && r.big_endian == c.big_endian);
		for (i = 0; i < nr; i++)
			check(i == r.target || pw.state[i] == pre[i]);
		check(!model[r.target].pending);
		model[r.target].pending = true;
		model[r.target].entry = a2;
		model[r.target].context = a3;
		model[r.target].be = c.big_endian;
		break;
	case PSCI_FW_CPU_OFF: {
		unsigned int on = 0;

		check(c.fid == FN(2) && x0 == 0 && pw.state[caller] == POWER_OFF);
		for (i = 0; i < nr; i++) {
			check(i == caller || pw.state[i] == pre[i]);
			on += pw.state[i] != POWER_OFF;
		}
		check(r.last == (on == 0));
		break;
	}
	case PSCI_FW_SYSTEM_SUSPEND:
		check(c.fid == FN(0x0e) || c.fid == FN64(0x0e));
		check(minor >= 0 && fw.cfg.system_suspend);
		for (i = 0; i < nr; i++)
			check(i == caller ? pw.state[i] == POWER_SUSPENDED : pre[i] == POWER_OFF &&
			      pw.state[i] == POWER_OFF);
		check(r.entry == a1 && r.context == a2);
		model[caller].suspended = true;
		model[caller].resume_entry = a1;
		model[caller].resume_context = a2;
		break;
	case PSCI_FW_STOP:
		check(x0 == PSCI_RET_INTERNAL_FAILURE && r.stop.vcpu == caller);
		for (i = 0; i < nr; i++)
			check(pw.state[i] == POWER_OFF);
		switch (r.stop.kind) {
		case STOP_SYSTEM_OFF:
			check(c.fid == FN(8));
			break;
		case STOP_RESET:
			check(c.fid == FN(9));
			break;
		case STOP_RESET2:
			check((c.fid == FN(0x12) || c.fid == FN64(0x12)) && minor >= 1);
			check(r.stop.reset_type == (uint32_t)a1 && r.stop.cookie == a2);
			check(r.stop.reset_type == 0 || r.stop.reset_type >= 0x80000000U);
			break;
		case STOP_SYSTEM_OFF2:
			check((c.fid == FN(0x15) || c.fid == FN64(0x15)) && minor >= 3);
			check((uint32_t)a1 <= 1 && a2 == 0);
			break;
		default:
			abort();
		}
		model_forget();
		break;
	default:
		abort();
	}

	if (!allowed)
		return;
	/* The answers the model can tell in advance */
	if (c.fid == FN(0)) {
		check(r.x0 == fw.cfg.version);
	} else if (c.fid == FN(3) || c.fid == FN64(3)) {
		int j = (a1 & ~POWER_MPIDR_HWID_MASK) ? -1 : lowest_with(a1);

		check(j < 0 ? x0 == PSCI_RET_INVALID_PARAMS :
		      pre[j] != POWER_OFF ? x0 == PSCI_RET_ALREADY_ON : r.action == PSCI_FW_CPU_ON);
	} else if (c.fid == FN(4) || c.fid == FN64(4)) {
		int64_t want = PSCI_RET_INVALID_PARAMS;

		if (!(a1 & ~POWER_MPIDR_HWID_MASK) && a2 <= 3) {
			uint64_t mask = POWER_MPIDR_HWID_MASK & ~((1ULL << (a2 * 8)) - 1);

			for (i = 0; i < nr; i++) {
				if ((pw.mpidr[i] & mask) != (a1 & mask))
					continue;
				if (pre[i] != POWER_OFF) {
					want = PSCI_0_2_AFFINITY_LEVEL_ON;
					break;
				}
				want = PSCI_0_2_AFFINITY_LEVEL_OFF;
			}
		}
		check(x0 == want);
	} else if ((c.fid == FN(0x0e) || c.fid == FN64(0x0e)) && minor >= 0 && fw.cfg.system_suspend) {
		bool others_off = true;

		for (i = 0; i < nr; i++)
			others_off &= i == caller || pre[i] == POWER_OFF;
		check(others_off ? r.action == PSCI_FW_SYSTEM_SUSPEND : x0 == PSCI_RET_DENIED);
	} else if (c.fid == FN(0x0a)) {
		/* PSCI_FEATURES: 0.2 has none; SMCCC_VERSION is advertised from 1.0 */
		if (minor < 0)
			check(x0 == PSCI_RET_NOT_SUPPORTED);
		else if ((uint32_t)a1 == 0x80000000U)
			check(x0 == 0);
	} else if (psci_fw_fn_name(c.fid) == NULL) {
		check(x0 == PSCI_RET_NOT_SUPPORTED);
	}
}

/* Across calls: at most one SUSPENDED vCPU, alone; ON_PENDING exactly where promised */
static void invariants(void)
{
	unsigned int suspended = 0, not_off = 0;

	for (unsigned int i = 0; i < nr; i++) {
		suspended += pw.state[i] == POWER_SUSPENDED;
		not_off += pw.state[i] != POWER_OFF;
		check((pw.state[i] == POWER_ON_PENDING) == model[i].pending);
		check((pw.state[i] == POWER_SUSPENDED) == model[i].suspended);
	}
	check(!suspended || (suspended == 1 && not_off == 1));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct psci_fw_config cfg;
	uint8_t b, mode;

	p = data;
	end = data + size;
	b = (uint8_t)take(1);
	nr = 1 + ((b >> 4) & 7);
	cfg.version = versions[(b & 7) % 5];
	cfg.system_suspend = b & 8;
	power_init(&pw, nr);
	if (psci_fw_init(&fw, &cfg, &pw))
		abort();
	model_forget();
	mode = (uint8_t)take(1);
	if (mode & 1)
		for (unsigned int i = 0; i < nr; i++) {
			/* a few bits in each affinity level, so that they collide */
			uint8_t m = (uint8_t)take(1);

			power_set_mpidr(&pw, i, (m & 3) | (uint64_t)((m >> 2) & 3) << 8 |
					(uint64_t)((m >> 4) & 1) << 16 | (uint64_t)((m >> 5) & 1) << 32 |
					(m & 0x40 ? 0x80000000ULL : 0));
		}

	while (p < end) {
		uint8_t op = (uint8_t)take(1);
		unsigned int cpu = (op >> 3) % nr;
		uint64_t entry = 0, ctx = 0;
		bool be = false;

		switch (op & 7) {
		case 5:
			/* the target's thread takes its start */
			check(power_started(&pw, cpu, &entry, &ctx, &be) == model[cpu].pending);
			if (model[cpu].pending)
				check(entry == model[cpu].entry && ctx == model[cpu].context &&
				      be == model[cpu].be);
			model[cpu].pending = false;
			break;
		case 6:
			/* a wake-up from SYSTEM_SUSPEND */
			check(power_wake(&pw, cpu, &entry, &ctx) == model[cpu].suspended);
			if (model[cpu].suspended)
				check(entry == model[cpu].resume_entry &&
				      ctx == model[cpu].resume_context);
			model[cpu].suspended = false;
			break;
		case 7:
			if (op & 0x80) {
				/* a power-on reset (after a stop, an in-place restart) */
				power_reset(&pw);
				model_forget();
				break;
			}
			one_call();
			break;
		default:
			one_call();
			break;
		}
		invariants();
	}
	power_destroy(&pw);
	return 0;
}
