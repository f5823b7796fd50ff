// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO dispatch: a small fixed table of guest physical ranges, searched
 * linearly (a handful of devices), and the unmapped-access policy: reads
 * are zero, writes are dropped, each distinct address is reported once.
 */
#include "pinvm/mmio.h"

#include <errno.h>
#include <string.h>

void mmio_init(struct mmio_bus *bus, mmio_unmapped_fn unmapped, void *opaque)
{
	memset(bus, 0, sizeof(*bus));
	bus->unmapped = unmapped;
	bus->unmapped_opaque = opaque;
	pthread_mutex_init(&bus->lock, NULL);
}

void mmio_destroy(struct mmio_bus *bus)
{
	if (!bus)
		return;
	pthread_mutex_destroy(&bus->lock);
	bus->nr_regions = 0;
}

/* Inclusive last byte: a range may end at 2^64 - 1 without wrapping. */
static uint64_t mmio_last(uint64_t base, uint64_t size)
{
	return base + (size - 1);
}

int mmio_register(struct mmio_bus *bus, uint64_t base, uint64_t size, mmio_fn fn, void *opaque)
{
	struct mmio_region *r;
	uint64_t last;
	unsigned int i;
	int ret = 0;

	if (size == 0 || !fn)
		return -EINVAL;
	last = mmio_last(base, size);
	if (last < base)
		return -EINVAL;

	pthread_mutex_lock(&bus->lock);
	for (i = 0; i < bus->nr_regions; i++) {
		r = &bus->regions[i];
		if (base <= mmio_last(r->base, r->size) && r->base <= last) {
			ret = -EEXIST;
			goto out;
		}
	}
	if (bus->nr_regions == MMIO_MAX_REGIONS) {
		ret = -ENOSPC;
		goto out;
	}
	r = &bus->regions[bus->nr_regions++];
	r->base = base;
	r->size = size;
	r->fn = fn;
	r->opaque = opaque;
out:
	pthread_mutex_unlock(&bus->lock);
	return ret;
}

/* The region holding every byte of [addr, addr + len), or NULL. */
static struct mmio_region *mmio_find(struct mmio_bus *bus, uint64_t addr, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < bus->nr_regions; i++) {
		struct mmio_region *r = &bus->regions[i];

		if (addr >= r->base && addr - r->base < r->size &&
		    len - 1 <= mmio_last(r->base, r->size) - addr)
			return r;
	}
	return NULL;
}

/* Called with bus->lock held. */
static void mmio_note_unmapped(struct mmio_bus *bus, uint64_t addr, unsigned int len,
			       bool is_write)
{
	unsigned int i;

	for (i = 0; i < bus->nr_logged; i++)
		if (bus->logged[i] == addr)
			return;

	if (bus->nr_logged < MMIO_UNMAPPED_LOG_MAX) {
		bus->logged[bus->nr_logged++] = addr;
		if (bus->unmapped)
			bus->unmapped(bus->unmapped_opaque, addr, len, is_write, false);
		return;
	}

	if (!bus->log_full) {
		bus->log_full = true;
		if (bus->unmapped)
			bus->unmapped(bus->unmapped_opaque, 0, len, is_write, true);
	}
}

bool mmio_dispatch(struct mmio_bus *bus, uint64_t addr, uint8_t *data,
		   unsigned int len, bool is_write)
{
	struct mmio_region *r;
	bool handled = false;

	/* kvm_run.mmio carries at most 8 data bytes */
	if (len == 0 || len > 8) {
		pthread_mutex_lock(&bus->lock);
		mmio_note_unmapped(bus, addr, len, is_write);
		pthread_mutex_unlock(&bus->lock);
		return false;
	}

	if (!is_write)
		memset(data, 0, len);

	pthread_mutex_lock(&bus->lock);
	r = mmio_find(bus, addr, len);
	if (r) {
		r->fn(r->opaque, addr - r->base, data, len, is_write);
		handled = true;
	} else {
		mmio_note_unmapped(bus, addr, len, is_write);
	}
	pthread_mutex_unlock(&bus->lock);

	return handled;
}
