/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-blk, the device model (virtio 1.x 5.2): the features and config
 * space it offers, and one request executed against a raw image's fd.
 * Pure but for the preadv/pwritev/fdatasync on that fd; no threads, no KVM.
 *
 * Offered: VERSION_1, FLUSH (fdatasync), SEG_MAX (VIRTQ_MAX_SIZE - 2),
 * BLK_SIZE (512), RO for a read-only image. Not offered: INDIRECT_DESC and
 * EVENT_IDX (one in-order request at a time per disk: a deeper queue would
 * not be served sooner, and every extra format is one more thing a guest can
 * get wrong; docs/architecture.md), DISCARD, WRITE_ZEROES, MQ, CONFIG_WCE,
 * TOPOLOGY.
 *
 * A request: a 16-byte header {le32 type, le32 ioprio, le64 sector} in
 * the device-readable bytes, data, and the status in the last
 * device-writable byte; both streams are parsed as streams (ANY_LAYOUT).
 * Every request ends with a status and a used length:
 *   OK      IN (data + 1), OUT (1), FLUSH (1), GET_ID (bytes + 1)
 *   IOERR   a short or failed transfer, a sector range past the end of the
 *           image (checked for overflow: the image never grows), data not
 *           a multiple of 512, data in the wrong direction, OUT or no
 *           header on a read-only image, a header shorter than 16 bytes
 *   UNSUPP  any other type
 *   none    no device-writable byte for the status: used.len 0.
 */
#ifndef PINVM_VIRTIO_BLK_H
#define PINVM_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "pinvm/virtq.h"

#define VIRTIO_BLK_SECTOR	512
#define VIRTIO_BLK_SEG_MAX	(VIRTQ_MAX_SIZE - 2)
#define VIRTIO_BLK_CONFIG_SIZE	0x48	/* struct virtio_blk_config with write-zeroes fields */
#define VIRTIO_BLK_SERIAL_LEN	20	/* VIRTIO_BLK_ID_BYTES */

struct virtio_blk {
	int fd;				/* the image */
	uint64_t capacity;		/* sectors */
	bool ro;
	char serial[VIRTIO_BLK_SERIAL_LEN];	/* GET_ID, NUL-padded */
	/* counters (the I/O thread's) */
	uint64_t nr_requests, nr_errors, nr_flushes;
};

/** virtio_blk_init() - a device on @fd of @size bytes (a multiple of 512); @serial is cut to 20 bytes. */
void virtio_blk_init(struct virtio_blk *b, int fd, uint64_t size, bool ro, const char *serial);

/** virtio_blk_features() - the feature bits offered. */
uint64_t virtio_blk_features(const struct virtio_blk *b);

/**
 * virtio_blk_config_read() - @len bytes (1, 2, 4 or 8) of the config space at
 * @offset into @data, little-endian; bytes past the end read 0.
 */
void virtio_blk_config_read(const struct virtio_blk *b, uint64_t offset, uint8_t *data,
			    unsigned int len);

/**
 * virtio_blk_request() - execute the request in @c (a chain virtq_pop()
 * accepted), write its status. Returns: the used length for virtq_push().
 */
uint32_t virtio_blk_request(struct virtio_blk *b, const struct virtq_chain *c);

#endif
