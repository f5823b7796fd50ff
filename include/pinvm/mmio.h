/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MMIO dispatch: guest physical address ranges to device handlers.
 * Accesses outside every range: reads return 0, writes are ignored, and
 * each distinct address is reported once through the unmapped callback
 * (at most MMIO_UNMAPPED_LOG_MAX addresses are remembered; after that one
 * final "further unmapped accesses not logged" report is made).
 */
#ifndef PINVM_MMIO_H
#define PINVM_MMIO_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

#define MMIO_MAX_REGIONS	24	/* the UART and LAYOUT_MAX_DISKS disks, with room */
#define MMIO_UNMAPPED_LOG_MAX	64

/* len is 1, 2, 4 or 8; data is little-endian bytes as in kvm_run.mmio */
typedef void (*mmio_fn)(void *opaque, uint64_t offset, uint8_t *data,
			unsigned int len, bool is_write);
/*
 * Called once per distinct unmapped address, with last = false. When a new
 * address arrives and the table is full, it is called one final time with
 * addr = 0 and last = true (len and is_write are those of that access).
 * Called with bus->lock held: must not call back into the bus.
 */
typedef void (*mmio_unmapped_fn)(void *opaque, uint64_t addr, unsigned int len,
				 bool is_write, bool last);

struct mmio_region {
	uint64_t base, size;
	mmio_fn fn;
	void *opaque;
};

struct mmio_bus {
	struct mmio_region regions[MMIO_MAX_REGIONS];
	unsigned int nr_regions;
	uint64_t logged[MMIO_UNMAPPED_LOG_MAX];
	unsigned int nr_logged;
	bool log_full;
	mmio_unmapped_fn unmapped;
	void *unmapped_opaque;
	pthread_mutex_t lock;		/* serialises handlers and the log table */
};

/** mmio_init() - empty bus; @unmapped (may be NULL) gets @opaque. */
void mmio_init(struct mmio_bus *bus, mmio_unmapped_fn unmapped, void *opaque);
/** mmio_destroy() - release the lock; accepts NULL. */
void mmio_destroy(struct mmio_bus *bus);

/**
 * mmio_register() - route [base, base + size) to @fn; the handler gets the
 * offset from @base. A range may end at the top of the address space.
 * Returns: 0; -EINVAL size 0, range wraps or @fn NULL; -EEXIST overlaps a
 * registered range; -ENOSPC MMIO_MAX_REGIONS already registered.
 */
int mmio_register(struct mmio_bus *bus, uint64_t base, uint64_t size, mmio_fn fn, void *opaque);

/**
 * mmio_dispatch() - handle one access (takes bus->lock around the handler).
 * The whole access [addr, addr + len) must lie in one region; one that
 * straddles a region's end is unmapped. Reads are zero-filled before the
 * handler runs. len 0 or above 8 is treated as unmapped and @data is not
 * touched.
 * Returns: true when a region handled it, false for an unmapped access
 * (reads have already been zero-filled).
 */
bool mmio_dispatch(struct mmio_bus *bus, uint64_t addr, uint8_t *data,
		   unsigned int len, bool is_write);

#endif
