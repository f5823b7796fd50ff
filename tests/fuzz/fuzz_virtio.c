// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk on virtio-mmio over fake guest memory: the transport
 * (virtio_mmio.c), the split queue (virtq.c) and the block device
 * (virtio_blk.c), driven as disk.c drives them but on one thread. The input
 * is the guest: 16 KiB of its RAM (rings, descriptors, headers, buffers at
 * any address), then a program of register writes and reads (any offset,
 * width and value), RAM pokes and "serve the queue" steps.
 * Invariants: no access outside the 16 KiB of RAM (ASan: it is a heap block
 * of exactly that size) or the image; the image (a memfd of 32 sectors)
 * never changes size, and a read-only one never changes; serving the queue
 * ends after at most queue-size chains; a used length never exceeds the
 * device-writable bytes of its chain; after a reset every register reads
 * back its reset value.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/virtio_mmio.h>

#include "pinvm/virtio_blk.h"
#include "pinvm/virtio_mmio.h"
#include "pinvm/virtq.h"

#define RAM_GPA		0x80000000ULL
#define RAM_SIZE	0x4000
#define IMG_SIZE	(32 * 512)

struct dev {
	struct virtio_mmio t;
	struct virtio_blk blk;
	struct virtq_chain chain;
	unsigned int irqs, kicks;
};

static void op_config(void *o, uint64_t off, uint8_t *data, unsigned int len)
{
	struct dev *d = o;

	virtio_blk_config_read(&d->blk, off, data, len);
}

static void op_quiesce(void *o)
{
	(void)o;	/* one thread: nothing is ever in flight here */
}

static void op_kick(void *o)
{
	((struct dev *)o)->kicks++;
}

static void op_irq(void *o)
{
	((struct dev *)o)->irqs++;
}

static const struct virtio_mmio_ops ops = {
	.config_read = op_config, .quiesce = op_quiesce, .kick = op_kick, .interrupt = op_irq,
};

static uint64_t take(const uint8_t **p, const uint8_t *end, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n && *p < end; i++, (*p)++)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

/* disk_serve_locked() without the threads. */
static void serve(struct dev *d)
{
	unsigned int n = 0;

	while (virtio_mmio_live(&d->t)) {
		int r = virtq_pop(&d->t.vq, &d->chain);
		uint32_t len = 0;

		if (r == 0)
			break;
		if (r == -EPROTO) {
			virtio_mmio_fail(&d->t);
			break;
		}
		if (r == 1) {
			len = virtio_blk_request(&d->blk, &d->chain);
			assert(len <= d->chain.in_len);
		}
		virtq_push(&d->t.vq, d->chain.head, len);
		virtio_mmio_used(&d->t, virtq_want_interrupt(&d->t.vq));
		/* the avail index cannot run more than a queue ahead */
		assert(++n <= d->t.vq.size);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	static uint8_t img0[IMG_SIZE], img1[IMG_SIZE];
	uint8_t *ram = malloc(RAM_SIZE);
	struct virtq_mem mem = { .hva = ram, .gpa = RAM_GPA, .size = RAM_SIZE };
	struct dev *d = calloc(1, sizeof(*d));
	struct stat st;
	bool ro;
	int fd;

	assert(ram && d);
	memset(ram, 0, RAM_SIZE);
	memcpy(ram, p, (size_t)(end - p) < RAM_SIZE ? (size_t)(end - p) : RAM_SIZE);
	p += (size_t)(end - p) < RAM_SIZE ? (size_t)(end - p) : RAM_SIZE;
	ro = take(&p, end, 1) & 1;
	fd = memfd_create("fuzz-image", MFD_CLOEXEC);
	assert(fd >= 0);
	for (size_t i = 0; i < sizeof(img0); i++)
		img0[i] = (uint8_t)(i * 7);
	assert(write(fd, img0, sizeof(img0)) == (ssize_t)sizeof(img0));
	virtio_blk_init(&d->blk, fd, IMG_SIZE, ro, "fuzz");
	virtio_mmio_init(&d->t, 2, virtio_blk_features(&d->blk), &mem, &ops, d);

	while (p < end) {
		unsigned int op = (unsigned int)take(&p, end, 1);
		uint64_t off = take(&p, end, 2) & 0x1ff;
		uint8_t buf[8];
		uint32_t v;

		switch (op % 6) {
		case 0:	/* a 32-bit register write, often to a register that matters */
		case 1:
			v = (uint32_t)take(&p, end, 4);
			/* small values and the RAM's addresses are the interesting ones */
			if (op & 0x40)
				v = (uint32_t)(RAM_GPA + (v & (RAM_SIZE - 1)));
			else if (op & 0x80)
				v &= 0x1ff;
			virtio_mmio_access(&d->t, off & ~3ULL, (uint8_t *)&v, 4, true);
			if ((off & ~3ULL) == VIRTIO_MMIO_STATUS && v == 0) {
				assert(d->t.status == 0 && d->t.isr == 0 && !d->t.vq.ready);
				assert(d->t.driver_features == 0);
			}
			break;
		case 2:	/* any read, any width */
			virtio_mmio_access(&d->t, off, buf, 1u << (op >> 3 & 3), false);
			break;
		case 3:	/* an odd write */
			memcpy(buf, &off, sizeof(buf) < 8 ? sizeof(buf) : 8);
			virtio_mmio_access(&d->t, off, buf, 1u << (op >> 3 & 3), true);
			break;
		case 4:	/* the guest changes its RAM */
			ram[take(&p, end, 2) % RAM_SIZE] = (uint8_t)take(&p, end, 1);
			break;
		default:
			serve(d);
			break;
		}
	}
	serve(d);

	assert(fstat(fd, &st) == 0 && st.st_size == IMG_SIZE);
	if (ro) {
		assert(pread(fd, img1, sizeof(img1), 0) == (ssize_t)sizeof(img1));
		assert(memcmp(img0, img1, sizeof(img0)) == 0);
	}
	virtio_mmio_reset(&d->t);
	assert(d->t.status == 0 && d->t.isr == 0 && !d->t.vq.ready && d->t.vq.size == 0);
	close(fd);
	free(d);
	free(ram);
	return 0;
}
