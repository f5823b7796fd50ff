/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A disk's state in a snapshot (device section "disk-vdX",
 * docs/snapshot.md): version 1, little-endian, DISKSTATE_FIXED bytes then
 * the image's path with its NUL. The virtio-mmio transport and its queue
 * as the guest's driver left them, and the image's size and mode; not the
 * image's contents. Pure: encoding and a parser for any bytes (fuzzed).
 */
#ifndef PINVM_DISKSTATE_H
#define PINVM_DISKSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DISKSTATE_VERSION	1
#define DISKSTATE_FIXED		96
#define DISKSTATE_PATH_MAX	4096	/* with the NUL */

struct diskstate {
	bool ro;
	uint64_t size;			/* the image's bytes */
	uint32_t status, isr;
	uint32_t dev_feat_sel, drv_feat_sel, queue_sel;
	uint64_t driver_features;
	bool ready, broken;
	uint16_t qsize, last_avail, used_idx;
	uint64_t desc, avail, used;	/* guest physical */
	const char *path;		/* NUL-terminated (inside the parsed buffer) */
};

/** diskstate_size() - the bytes of @s encoded. */
size_t diskstate_size(const struct diskstate *s);

/** diskstate_encode() - @s into @buf (@len = diskstate_size()). Returns: 0; -EINVAL. */
int diskstate_encode(const struct diskstate *s, uint8_t *buf, size_t len);

/**
 * diskstate_parse() - check and decode @len bytes (any bytes: a snapshot
 * file's) into @s. Returns: 0; -EINVAL with the reason in @why.
 */
int diskstate_parse(const uint8_t *buf, size_t len, struct diskstate *s, char *why,
		    size_t why_size);

#endif
