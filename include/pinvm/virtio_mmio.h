/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtio-mmio transport, version 2 (modern only; virtio 1.x 4.2.2):
 * the register file of one device with one queue, pure. The caller
 * serialises every call (disk.c holds its lock) and supplies the device
 * (virtio_mmio_ops): its features, config space, what a reset must wait
 * for, and the interrupt.
 *
 * Rules (virtio-hibernate.md §1): 32-bit aligned accesses below 0x100 only
 * (others: reads 0, writes ignored); the config space from 0x100 in 1, 2,
 * 4 (and 8) byte reads, writes ignored. Status reads back what was written;
 * FEATURES_OK is kept only when the driver took VERSION_1 and nothing that
 * was not offered. Queue registers are writable only while the queue is not
 * ready. QueueReady = 1 checks the queue (virtq_setup()); a bad one sets
 * NEEDS_RESET and raises a config interrupt. Status = 0 resets the device:
 * ops->quiesce() returns once no request is in flight, then every register
 * goes back to its reset value, before the trapping write returns.
 */
#ifndef PINVM_VIRTIO_MMIO_H
#define PINVM_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "pinvm/virtq.h"

#define VIRTIO_MMIO_WINDOW	0x200	/* kvmtool's per-device window */
#define VIRTIO_MMIO_VENDOR	0x4d564e50	/* "PNVM" */

struct virtio_mmio_ops {
	/* config space read (offset from 0x100) */
	void (*config_read)(void *opaque, uint64_t offset, uint8_t *data, unsigned int len);
	/* no request may be in flight when it returns (called with the caller's lock held) */
	void (*quiesce)(void *opaque);
	/* the queue has work, or may have: look (after DRIVER_OK and QueueReady = 1) */
	void (*kick)(void *opaque);
	/* raise the interrupt (InterruptStatus already updated) */
	void (*interrupt)(void *opaque);
};

struct virtio_mmio {
	uint32_t device_id;
	uint64_t features;		/* offered */
	const struct virtio_mmio_ops *ops;
	void *opaque;
	const struct virtq_mem *mem;
	/* registers */
	uint32_t dev_feat_sel, drv_feat_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	uint32_t status;
	uint32_t isr;			/* InterruptStatus */
	struct virtq vq;		/* queue 0, the only one */
	unsigned int resets;		/* Status = 0 writes (a counter for tests and logs) */
};

/** virtio_mmio_init() - a device in its reset state. */
void virtio_mmio_init(struct virtio_mmio *t, uint32_t device_id, uint64_t features,
		      const struct virtq_mem *mem, const struct virtio_mmio_ops *ops, void *opaque);

/** virtio_mmio_reset() - the device reset (Status = 0): ops->quiesce(), then reset values. */
void virtio_mmio_reset(struct virtio_mmio *t);

/** virtio_mmio_access() - one guest access at @offset in the window (an mmio_fn body). */
void virtio_mmio_access(struct virtio_mmio *t, uint64_t offset, uint8_t *data, unsigned int len,
			bool is_write);

/** virtio_mmio_live() - may the device take requests from its queue now (DRIVER_OK, ready, not failed)? */
bool virtio_mmio_live(const struct virtio_mmio *t);

/**
 * virtio_mmio_used() - the device used buffers: InterruptStatus bit 0, and
 * the interrupt when @notify.
 */
void virtio_mmio_used(struct virtio_mmio *t, bool notify);

/** virtio_mmio_fail() - the queue broke: NEEDS_RESET and a config interrupt. */
void virtio_mmio_fail(struct virtio_mmio *t);

#endif
