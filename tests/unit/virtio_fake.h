/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake guest for the virtio unit tests: 64 KiB of "RAM" at guest physical
 * FAKE_GPA and a driver's side of one split virtqueue in it (descriptors at
 * +0x1000, avail at +0x2000, used at +0x3000, buffers from +0x4000).
 */
#ifndef PINVM_TEST_VIRTIO_FAKE_H
#define PINVM_TEST_VIRTIO_FAKE_H

#include <stdint.h>
#include <string.h>

#include <linux/virtio_ring.h>

#include "pinvm/virtq.h"

#define FAKE_GPA	0x80000000ULL
#define FAKE_SIZE	0x10000ULL
#define FAKE_DESC	(FAKE_GPA + 0x1000)
#define FAKE_AVAIL	(FAKE_GPA + 0x2000)
#define FAKE_USED	(FAKE_GPA + 0x3000)
#define FAKE_BUF	(FAKE_GPA + 0x4000)

struct fake {
	uint8_t ram[FAKE_SIZE] __attribute__((aligned(4096)));
	struct virtq_mem mem;
	uint16_t avail_idx;
};

static inline void *fake_ptr(struct fake *f, uint64_t gpa)
{
	return f->ram + (gpa - FAKE_GPA);
}

static inline void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->mem = (struct virtq_mem){ .hva = f->ram, .gpa = FAKE_GPA, .size = FAKE_SIZE };
}

static inline void fake_desc(struct fake *f, uint16_t i, uint64_t addr, uint32_t len,
			     uint16_t flags, uint16_t next)
{
	uint8_t *p = fake_ptr(f, FAKE_DESC) + 16 * i;

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

/* The avail index: a release store, as a driver publishes (the device's thread reads it). */
static inline void fake_set_avail_idx(struct fake *f, uint16_t idx)
{
	f->avail_idx = idx;
	__atomic_store_n((uint16_t *)fake_ptr(f, FAKE_AVAIL + 2), idx, __ATOMIC_RELEASE);
}

/* Publish @head in the avail ring of a queue of @size. */
static inline void fake_avail(struct fake *f, uint16_t size, uint16_t head)
{
	memcpy(fake_ptr(f, FAKE_AVAIL) + 4 + 2 * (f->avail_idx % size), &head, 2);
	/* the entry before the index */
	fake_set_avail_idx(f, (uint16_t)(f->avail_idx + 1));
}

static inline uint16_t fake_used_idx(struct fake *f)
{
	/* Then the elements it covers (fake_used()). */
	return __atomic_load_n((uint16_t *)fake_ptr(f, FAKE_USED + 2), __ATOMIC_ACQUIRE);
}

/* The used element @n: its id and len. */
static inline void fake_used(struct fake *f, uint16_t size, uint16_t n, uint32_t *id, uint32_t *len)
{
	uint8_t *e = fake_ptr(f, FAKE_USED) + 4 + 8 * (n % size);

	memcpy(id, e, 4);
	memcpy(len, e + 4, 4);
}

/* A queue of @size on the fake's rings, set up. */
static inline int fake_queue(struct fake *f, struct virtq *q, uint16_t size)
{
	virtq_reset(q);
	q->size = size;
	q->desc_gpa = FAKE_DESC;
	q->avail_gpa = FAKE_AVAIL;
	q->used_gpa = FAKE_USED;
	return virtq_setup(q, &f->mem, VIRTQ_MAX_SIZE);
}

#endif
