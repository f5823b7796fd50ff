// SPDX-License-Identifier: GPL-2.0-only
/* virtio-mmio version 2: the register file of a one-queue device (virtio_mmio.h). */
#include "pinvm/virtio_mmio.h"

#include <string.h>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */
#define VIRTIO_MMIO_VERSION_2	2

void virtio_mmio_init(struct virtio_mmio *t, uint32_t device_id, uint64_t features,
		      const struct virtq_mem *mem, const struct virtio_mmio_ops *ops, void *opaque)
{
	memset(t, 0, sizeof(*t));
	t->device_id = device_id;
	t->features = features;
	t->mem = mem;
	t->ops = ops;
	t->opaque = opaque;
}

void virtio_mmio_reset(struct virtio_mmio *t)
{
	/* Nothing in flight may touch the rings we forget. */
	if (t->ops && t->ops->quiesce)
		t->ops->quiesce(t->opaque);
	t->dev_feat_sel = t->drv_feat_sel = 0;
	t->driver_features = 0;
	t->queue_sel = 0;
	t->status = 0;
	t->isr = 0;
	virtq_reset(&t->vq);
	t->resets++;
}

bool virtio_mmio_live(const struct virtio_mmio *t)
{
	return (t->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	       !(t->status & (VIRTIO_CONFIG_S_FAILED | VIRTIO_CONFIG_S_NEEDS_RESET)) &&
	       t->vq.ready && !t->vq.broken;
}

void virtio_mmio_used(struct virtio_mmio *t, bool notify)
{
	t->isr |= VIRTIO_MMIO_INT_VRING;
	if (notify && t->ops && t->ops->interrupt)
		t->ops->interrupt(t->opaque);
}

void virtio_mmio_fail(struct virtio_mmio *t)
{
	/* 2.1.2: NEEDS_RESET, and a configuration change notification (mmio: bit 1). */
	if (t->status & VIRTIO_CONFIG_S_NEEDS_RESET)
		return;
	t->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	t->isr |= VIRTIO_MMIO_INT_CONFIG;
	if (t->ops && t->ops->interrupt)
		t->ops->interrupt(t->opaque);
}

static void virtio_mmio_kick(struct virtio_mmio *t)
{
	/* A kick written before the queue was live must not be lost. */
	if (virtio_mmio_live(t) && t->ops && t->ops->kick)
		t->ops->kick(t->opaque);
}

static uint32_t virtio_mmio_read32(struct virtio_mmio *t, uint64_t off)
{
	struct virtq *q = &t->vq;
	bool q0 = t->queue_sel == 0;

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_2;
	case VIRTIO_MMIO_DEVICE_ID:
		return t->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (t->dev_feat_sel > 1)
			return 0;
		return (uint32_t)(t->features >> (32 * t->dev_feat_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q0 ? VIRTQ_MAX_SIZE : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q0 && q->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return t->isr;
	case VIRTIO_MMIO_STATUS:
		return t->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
		return ~0U;	/* no shared memory region */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return 0;	/* the config never changes */
	default:
		return 0;
	}
}

static void virtio_mmio_set_addr(uint64_t *a, bool high, uint32_t v)
{
	if (high)
		*a = (*a & 0xffffffffULL) | (uint64_t)v << 32;
	else
		*a = (*a & ~0xffffffffULL) | v;
}

static void virtio_mmio_features_ok(struct virtio_mmio *t, uint32_t v)
{
	/* Not latched (the driver reads it back and gives up) for a set we cannot honour. */
	if (!(t->driver_features & (1ULL << VIRTIO_F_VERSION_1)) ||
	    (t->driver_features & ~t->features))
		v &= ~(uint32_t)VIRTIO_CONFIG_S_FEATURES_OK;
	t->status = v;
}

static void virtio_mmio_status(struct virtio_mmio *t, uint32_t v)
{
	uint32_t old = t->status;

	if (v == 0) {
		virtio_mmio_reset(t);
		return;
	}
	/* FEATURES_OK is set once; after that the features stay as they are. */
	if ((v & VIRTIO_CONFIG_S_FEATURES_OK) && !(old & VIRTIO_CONFIG_S_FEATURES_OK))
		virtio_mmio_features_ok(t, v);
	else
		t->status = v | (old & VIRTIO_CONFIG_S_NEEDS_RESET);
	if ((t->status & VIRTIO_CONFIG_S_DRIVER_OK) && !(old & VIRTIO_CONFIG_S_DRIVER_OK))
		virtio_mmio_kick(t);
}

static void virtio_mmio_queue_ready(struct virtio_mmio *t, uint32_t v)
{
	struct virtq *q = &t->vq;

	if (t->queue_sel != 0)
		return;
	if (!v) {
		if (q->ready && t->ops && t->ops->quiesce)
			t->ops->quiesce(t->opaque);
		q->ready = false;
		return;
	}
	if (q->ready)
		return;
	if (virtq_setup(q, t->mem, VIRTQ_MAX_SIZE)) {
		virtio_mmio_fail(t);
		return;
	}
	virtio_mmio_kick(t);
}

static void virtio_mmio_write32(struct virtio_mmio *t, uint64_t off, uint32_t v)
{
	struct virtq *q = &t->vq;
	/* Queue layout only while queue 0 is selected and not ready (4.2.2.3). */
	bool qw = t->queue_sel == 0 && !q->ready;

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->dev_feat_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* Until FEATURES_OK: the features are fixed after it. */
		if (t->drv_feat_sel <= 1 && !(t->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
			unsigned int sh = 32 * t->drv_feat_sel;

			t->driver_features = (t->driver_features & ~(0xffffffffULL << sh)) |
					     (uint64_t)v << sh;
		}
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->drv_feat_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (qw)
			q->size = v > 0xffff ? 0 : (uint16_t)v;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		virtio_mmio_queue_ready(t, v);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (v == 0)
			virtio_mmio_kick(t);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->isr &= ~v;
		break;
	case VIRTIO_MMIO_STATUS:
		virtio_mmio_status(t, v);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (qw)
			virtio_mmio_set_addr(&q->desc_gpa, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		if (qw)
			virtio_mmio_set_addr(&q->avail_gpa, off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (qw)
			virtio_mmio_set_addr(&q->used_gpa, off == VIRTIO_MMIO_QUEUE_USED_HIGH, v);
		break;
	default:
		break;	/* read-only, legacy (GuestPageSize, QueueAlign, QueuePFN), SHM: ignored */
	}
}

void virtio_mmio_access(struct virtio_mmio *t, uint64_t offset, uint8_t *data, unsigned int len,
			bool is_write)
{
	uint32_t v;

	if (offset >= VIRTIO_MMIO_CONFIG) {
		if (!is_write && t->ops && t->ops->config_read)
			t->ops->config_read(t->opaque, offset - VIRTIO_MMIO_CONFIG, data, len);
		return;
	}
	if (len != 4 || (offset & 3)) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	if (is_write) {
		memcpy(&v, data, 4);
		virtio_mmio_write32(t, offset, le32toh(v));
	} else {
		v = htole32(virtio_mmio_read32(t, offset));
		memcpy(data, &v, 4);
	}
}
