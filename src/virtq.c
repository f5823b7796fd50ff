// SPDX-License-Identifier: GPL-2.0-only
/* The split virtqueue, device side, over guest RAM: checked walks (virtq.h). */
#include "pinvm/virtq.h"

#include <errno.h>
#include <string.h>

#include <linux/virtio_ring.h>

/* Ring layouts (virtio 1.x 2.7): desc 16 bytes each; avail flags, idx, ring[]; used flags, idx, {id, len}[] */
#define VIRTQ_DESC_SIZE		16
#define VIRTQ_AVAIL_RING	4
#define VIRTQ_USED_RING		4
#define VIRTQ_USED_ELEM		8

void virtq_reset(struct virtq *q)
{
	memset(q, 0, sizeof(*q));
}

void *virtq_gpa_to_hva(const struct virtq_mem *mem, uint64_t gpa, uint64_t len)
{
	if (!mem || !len || gpa < mem->gpa)
		return NULL;
	gpa -= mem->gpa;
	if (gpa >= mem->size || len > mem->size - gpa)
		return NULL;
	return mem->hva + gpa;
}

int virtq_setup(struct virtq *q, const struct virtq_mem *mem, uint16_t max)
{
	uint64_t n = q->size;
	uint8_t *desc, *avail, *used;

	if (!n || n > max || (n & (n - 1)))
		return -EINVAL;
	if ((q->desc_gpa & 15) || (q->avail_gpa & 1) || (q->used_gpa & 3))
		return -EINVAL;
	/* avail and used carry one more u16 (used_event / avail_event) */
	desc = virtq_gpa_to_hva(mem, q->desc_gpa, n * VIRTQ_DESC_SIZE);
	avail = virtq_gpa_to_hva(mem, q->avail_gpa, VIRTQ_AVAIL_RING + 2 * n + 2);
	used = virtq_gpa_to_hva(mem, q->used_gpa, VIRTQ_USED_RING + VIRTQ_USED_ELEM * n + 2);
	if (!desc || !avail || !used)
		return -EINVAL;
	q->mem = mem;
	q->desc = desc;
	q->avail = avail;
	q->used = used;
	q->last_avail = 0;
	q->used_idx = 0;
	__atomic_store_n(&q->broken, false, __ATOMIC_RELAXED);
	q->ready = true;
	return 0;
}

static uint16_t virtq_load16(const uint8_t *p)
{
	/* The guest writes it concurrently: one load, not torn. */
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
}

struct virtq_desc_copy {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static void virtq_read_desc(const struct virtq *q, uint16_t i, struct virtq_desc_copy *d)
{
	const uint8_t *p = q->desc + (size_t)i * VIRTQ_DESC_SIZE;

	/* One copy: later checks and uses see these values, whatever the guest does. */
	d->addr = __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
	d->len = __atomic_load_n((const uint32_t *)(p + 8), __ATOMIC_RELAXED);
	d->flags = __atomic_load_n((const uint16_t *)(p + 12), __ATOMIC_RELAXED);
	d->next = __atomic_load_n((const uint16_t *)(p + 14), __ATOMIC_RELAXED);
}

/* Walk the chain at @head into @c. Returns 1, or -EBADMSG. */
static int virtq_walk(const struct virtq *q, uint16_t head, struct virtq_chain *c)
{
	uint16_t i = head;
	unsigned int count = 0;

	for (;;) {
		struct virtq_desc_copy d;
		void *hva;

		/* At most size descriptors: a loop ends here (Firecracker's ttl). */
		if (++count > q->size)
			return -EBADMSG;
		virtq_read_desc(q, i, &d);
		if (d.flags & VRING_DESC_F_INDIRECT)
			return -EBADMSG;	/* not negotiated */
		if (d.len) {
			hva = virtq_gpa_to_hva(q->mem, d.addr, d.len);
			if (!hva)
				return -EBADMSG;
			if (d.flags & VRING_DESC_F_WRITE) {
				c->in[c->nr_in++] = (struct iovec){ hva, d.len };
				c->in_len += d.len;
			} else {
				/* Device-readable after device-writable: 2.7.4.2 forbids it. */
				if (c->nr_in)
					return -EBADMSG;
				c->out[c->nr_out++] = (struct iovec){ hva, d.len };
				c->out_len += d.len;
			}
		}
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 1;
		if (d.next >= q->size)
			return -EBADMSG;
		i = d.next;
	}
}

int virtq_pop(struct virtq *q, struct virtq_chain *c)
{
	uint16_t avail_idx, head;

	if (!q->ready)
		return 0;
	if (__atomic_load_n(&q->broken, __ATOMIC_RELAXED))
		return -EPROTO;
	/*
	 * The ring entries and descriptors the index publishes are read after
	 * it (the driver's wmb before its index store): an acquire load, which
	 * ThreadSanitizer sees, where a relaxed load and a fence would do the
	 * same on the CPU but not in its model.
	 */
	avail_idx = __atomic_load_n((const uint16_t *)(q->avail + 2), __ATOMIC_ACQUIRE);
	if (avail_idx == q->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - q->last_avail) > q->size) {
		__atomic_store_n(&q->broken, true, __ATOMIC_RELAXED);	/* vm-virtio#196: no re-reading stale slots */
		return -EPROTO;
	}
	head = virtq_load16(q->avail + VIRTQ_AVAIL_RING + 2 * (q->last_avail & (q->size - 1)));
	if (head >= q->size) {
		__atomic_store_n(&q->broken, true, __ATOMIC_RELAXED);	/* cannot be returned: no used element names it */
		return -EPROTO;
	}
	/* Taken whatever it holds: a bad chain is completed, never retried. */
	q->last_avail++;
	c->head = head;
	c->nr_in = c->nr_out = 0;
	c->in_len = c->out_len = 0;
	return virtq_walk(q, head, c);
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
	uint8_t *e = q->used + VIRTQ_USED_RING + VIRTQ_USED_ELEM * (q->used_idx & (q->size - 1));

	__atomic_store_n((uint32_t *)e, (uint32_t)head, __ATOMIC_RELAXED);
	__atomic_store_n((uint32_t *)(e + 4), len, __ATOMIC_RELAXED);
	q->used_idx++;
	/* The element before the index; the index before the flags are read (virtq_want_interrupt). */
	__atomic_store_n((uint16_t *)(q->used + 2), q->used_idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

bool virtq_want_interrupt(const struct virtq *q)
{
	return !(virtq_load16(q->avail) & VRING_AVAIL_F_NO_INTERRUPT);
}
