// SPDX-License-Identifier: GPL-2.0-only
/* The vCPU power-state table (include/pinvm/power.h). */
#include "pinvm/power.h"

#include <errno.h>
#include <string.h>

/*
 * KVM's MPIDR_EL1 at vCPU reset (reset_mpidr(), arch/arm64/kvm/sys_regs.c):
 * Aff0 = id[3:0], Aff1 = id[11:4], Aff2 = id[19:12]; bit 31 (RES1) is not an
 * affinity bit.
 */
static uint64_t power_default_mpidr(unsigned int id)
{
	return (uint64_t)(id & 0x0f) | (uint64_t)((id >> 4) & 0xff) << 8 |
	       (uint64_t)((id >> 12) & 0xff) << 16;
}

void power_init(struct power *p, unsigned int nr)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->nr = nr < LAYOUT_MAX_VCPUS ? nr : LAYOUT_MAX_VCPUS;
	for (unsigned int i = 0; i < p->nr; i++)
		p->mpidr[i] = power_default_mpidr(i);
	power_reset(p);
}

void power_destroy(struct power *p)
{
	pthread_mutex_destroy(&p->lock);
}

void power_reset(struct power *p)
{
	pthread_mutex_lock(&p->lock);
	for (unsigned int i = 0; i < p->nr; i++) {
		p->state[i] = i == 0 ? POWER_ON : POWER_OFF;
		p->entry[i] = p->context[i] = 0;
		p->big_endian[i] = false;
	}
	pthread_mutex_unlock(&p->lock);
}

enum power_state power_get(struct power *p, unsigned int cpu)
{
	enum power_state s = POWER_OFF;

	pthread_mutex_lock(&p->lock);
	if (cpu < p->nr)
		s = p->state[cpu];
	pthread_mutex_unlock(&p->lock);
	return s;
}

void power_set(struct power *p, unsigned int cpu, enum power_state state)
{
	pthread_mutex_lock(&p->lock);
	if (cpu < p->nr)
		p->state[cpu] = state;
	pthread_mutex_unlock(&p->lock);
}

void power_set_mpidr(struct power *p, unsigned int cpu, uint64_t mpidr)
{
	pthread_mutex_lock(&p->lock);
	if (cpu < p->nr)
		p->mpidr[cpu] = mpidr & POWER_MPIDR_HWID_MASK;
	pthread_mutex_unlock(&p->lock);
}

uint64_t power_get_mpidr(struct power *p, unsigned int cpu)
{
	uint64_t m = 0;

	pthread_mutex_lock(&p->lock);
	if (cpu < p->nr)
		m = p->mpidr[cpu];
	pthread_mutex_unlock(&p->lock);
	return m;
}

bool power_suspend(struct power *p, unsigned int cpu, uint64_t entry, uint64_t context)
{
	bool ok = cpu < p->nr;

	pthread_mutex_lock(&p->lock);
	for (unsigned int i = 0; ok && i < p->nr; i++)
		if (i != cpu && p->state[i] != POWER_OFF)
			ok = false;
	if (ok) {
		p->state[cpu] = POWER_SUSPENDED;
		p->entry[cpu] = entry;
		p->context[cpu] = context;
	}
	pthread_mutex_unlock(&p->lock);
	return ok;
}

bool power_wake(struct power *p, unsigned int cpu, uint64_t *ret_entry, uint64_t *ret_context)
{
	bool ok;

	pthread_mutex_lock(&p->lock);
	ok = cpu < p->nr && p->state[cpu] == POWER_SUSPENDED;
	if (ok) {
		p->state[cpu] = POWER_ON;
		*ret_entry = p->entry[cpu];
		*ret_context = p->context[cpu];
	}
	pthread_mutex_unlock(&p->lock);
	return ok;
}

unsigned int power_count(struct power *p, enum power_state state)
{
	unsigned int n = 0;

	pthread_mutex_lock(&p->lock);
	for (unsigned int i = 0; i < p->nr; i++)
		n += p->state[i] == state;
	pthread_mutex_unlock(&p->lock);
	return n;
}

int power_start(struct power *p, uint64_t mpidr, uint64_t entry, uint64_t context,
		bool big_endian, unsigned int *ret_cpu)
{
	int r = -ENOENT;
	unsigned int i;

	if (mpidr & ~POWER_MPIDR_HWID_MASK)
		return -ENOENT;
	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->nr; i++)
		if (p->mpidr[i] == mpidr)
			break;
	if (i < p->nr) {
		if (p->state[i] != POWER_OFF) {
			r = -EALREADY;
		} else {
			p->state[i] = POWER_ON_PENDING;
			p->entry[i] = entry;
			p->context[i] = context;
			p->big_endian[i] = big_endian;
			*ret_cpu = i;
			r = 0;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return r;
}

bool power_started(struct power *p, unsigned int cpu, uint64_t *ret_entry,
		   uint64_t *ret_context, bool *ret_big_endian)
{
	bool ok;

	pthread_mutex_lock(&p->lock);
	ok = cpu < p->nr && p->state[cpu] == POWER_ON_PENDING;
	if (ok) {
		p->state[cpu] = POWER_ON;
		*ret_entry = p->entry[cpu];
		*ret_context = p->context[cpu];
		*ret_big_endian = p->big_endian[cpu];
	}
	pthread_mutex_unlock(&p->lock);
	return ok;
}

unsigned int power_off(struct power *p, unsigned int cpu)
{
	unsigned int on = 0;

	pthread_mutex_lock(&p->lock);
	if (cpu < p->nr)
		p->state[cpu] = POWER_OFF;
	for (unsigned int i = 0; i < p->nr; i++)
		on += p->state[i] != POWER_OFF;
	pthread_mutex_unlock(&p->lock);
	return on;
}

void power_all_off(struct power *p)
{
	pthread_mutex_lock(&p->lock);
	for (unsigned int i = 0; i < p->nr; i++)
		p->state[i] = POWER_OFF;
	pthread_mutex_unlock(&p->lock);
}

int power_affinity(struct power *p, uint64_t target, uint64_t mask)
{
	int r = -ENOENT;

	pthread_mutex_lock(&p->lock);
	for (unsigned int i = 0; i < p->nr && r != POWER_AFFINITY_ON; i++)
		if ((p->mpidr[i] & mask) == target)
			r = p->state[i] != POWER_OFF ? POWER_AFFINITY_ON : POWER_AFFINITY_OFF;
	pthread_mutex_unlock(&p->lock);
	return r;
}
