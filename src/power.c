// SPDX-License-Identifier: GPL-2.0-only
/* The vCPU power-state table (include/pinvm/power.h). */
#include "pinvm/power.h"

#include <string.h>

void power_init(struct power *p, unsigned int nr)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->nr = nr < LAYOUT_MAX_VCPUS ? nr : LAYOUT_MAX_VCPUS;
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
