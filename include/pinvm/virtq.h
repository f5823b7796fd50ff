/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The split virtqueue (virtio 1.x, "Split Virtqueues"), device side, over
 * guest RAM that pinvm has mapped: pure, no KVM, no threads. Every index and
 * address the guest gives is checked before use (virtio-hibernate.md §2.3):
 *
 *  - the rings must lie wholly in RAM, be aligned (16/2/4) and have a
 *    power-of-two size up to the maximum (virtq_setup());
 *  - an avail index more than the queue size ahead, or a head index out of
 *    range, breaks the queue (-EPROTO: the device sets NEEDS_RESET);
 *  - a bad chain (a next index out of range, more descriptors than the
 *    queue holds, a loop, a buffer outside RAM or wrapping, a readable
 *    buffer after a writable one, an indirect descriptor: INDIRECT_DESC is
 *    not offered) is still consumed and completed, with used.len 0
 *    (-EBADMSG): a head is never dropped, the queue never stalls;
 *  - each descriptor is copied once; zero-length buffers are skipped.
 * The guest may change its memory at any time: nothing read from it is
 * read twice.
 */
#ifndef PINVM_VIRTQ_H
#define PINVM_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* The largest queue pinvm offers (QueueNumMax). */
#define VIRTQ_MAX_SIZE		256
/* Buffers of one chain at most (a chain of VIRTQ_MAX_SIZE descriptors). */
#define VIRTQ_MAX_SEGS		VIRTQ_MAX_SIZE

/* Guest RAM as pinvm sees it: guest physical [gpa, gpa + size) at @hva. */
struct virtq_mem {
	uint8_t *hva;
	uint64_t gpa;
	uint64_t size;
};

struct virtq {
	/* set by the driver through the transport while the queue is not ready */
	uint16_t size;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	/* after virtq_setup() */
	bool ready;
	bool broken;			/* -EPROTO seen: nothing more until a reset */
	const struct virtq_mem *mem;
	uint8_t *desc, *avail, *used;	/* host views of the rings */
	uint16_t last_avail;		/* the next avail entry to take */
	uint16_t used_idx;		/* the next used entry to fill */
};

/* One chain, taken apart: the device-readable and device-writable buffers, in order. */
struct virtq_chain {
	uint16_t head;
	unsigned int nr_in, nr_out;	/* out: device-readable; in: device-writable */
	struct iovec out[VIRTQ_MAX_SEGS];
	struct iovec in[VIRTQ_MAX_SEGS];
	uint64_t out_len, in_len;	/* bytes */
};

/** virtq_reset() - forget everything: size 0, addresses 0, not ready. */
void virtq_reset(struct virtq *q);

/**
 * virtq_gpa_to_hva() - the host address of guest physical [@gpa, @gpa + @len)
 * when every byte lies in @mem (no wrap); NULL otherwise. @len 0 is NULL.
 */
void *virtq_gpa_to_hva(const struct virtq_mem *mem, uint64_t gpa, uint64_t len);

/**
 * virtq_setup() - the driver set QueueReady = 1: check what it wrote and
 * map the rings; the queue starts at avail/used index 0.
 * Returns: 0; -EINVAL size 0, above @max or not a power of two, a ring
 * misaligned, outside @mem or wrapping (the queue stays not ready).
 */
int virtq_setup(struct virtq *q, const struct virtq_mem *mem, uint16_t max);

/**
 * virtq_pop() - take the next available chain into @c.
 * Returns: 1 a good chain; 0 nothing available; -EBADMSG a bad chain, taken
 * (complete it with virtq_push(q, c->head, 0)); -EPROTO the queue is broken
 * (an avail index jump, a head out of range; it stays broken until reset).
 */
int virtq_pop(struct virtq *q, struct virtq_chain *c);

/**
 * virtq_push() - return @head to the driver with @len bytes written into
 * its buffers: the used element, then (release) the used index.
 */
void virtq_push(struct virtq *q, uint16_t head, uint32_t len);

/**
 * virtq_want_interrupt() - after virtq_push(): false when the driver asked
 * for no interrupt (VRING_AVAIL_F_NO_INTERRUPT; EVENT_IDX is not offered).
 */
bool virtq_want_interrupt(const struct virtq *q);

#endif
