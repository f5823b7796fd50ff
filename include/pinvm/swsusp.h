/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hibernation detection: Linux's swap header page on a disk image, read
 * from a file descriptor (docs/hibernation.md). Linux hibernates
 * into a swap area and marks it by replacing the swap signature at the end
 * of the area's first page, "SWAPSPACE2", with "S1SUSPEND" (the swsusp
 * header, kernel/power/swap.c: ... hw_sig, crc32, image sector, flags,
 * orig_sig[10], sig[10] at the very end of the page). The swap area is the
 * whole disk or a partition of an MBR or GPT table.
 *
 * Pure: preadv(2) only (pinvm's seccomp filter allows it), every read
 * bounded (at most 4 KiB each, never past
 * the image's size; per area 3 signature reads and the header page, so at
 * most about 2,600 reads for a full GPT), no allocation, and any image
 * bytes, hostile ones included, give an answer, never a fault. Never logs.
 */
#ifndef PINVM_SWSUSP_H
#define PINVM_SWSUSP_H

#include <stdbool.h>
#include <stdint.h>

/* Swap header page sizes tried (the guest's page size; Debian arm64: 4 KiB). */
#define SWSUSP_PAGE_SIZES	{ 4096, 16384, 65536 }
/* Partitions looked at: the 4 primary MBR entries, or the first 128 GPT ones. */
#define SWSUSP_MAX_GPT_PARTS	128

enum swsusp_state {
	SWSUSP_NONE,		/* no swap signature found */
	SWSUSP_SWAP,		/* a swap area, no hibernation image ("SWAPSPACE2") */
	SWSUSP_IMAGE,		/* a hibernation image ("S1SUSPEND", or "ULSUSPEND" from uswsusp) */
};

/* What one scan of a disk found (the most telling area: an image wins over plain swap). */
struct swsusp_scan {
	enum swsusp_state state;
	unsigned int part;		/* 0: the whole disk; N: partition N (1-based) */
	char table;			/* 0 whole disk, 'M' MBR, 'G' GPT */
	uint64_t offset;		/* byte offset of the swap area in the image */
	unsigned int page_size;		/* header page size the signature was found with */
	uint64_t image_sector;		/* swsusp_header.image (SWSUSP_IMAGE only) */
	uint32_t flags;			/* swsusp_header.flags (SWSUSP_IMAGE only) */
	uint64_t hash;			/* FNV-1a 64 of the whole header page */
};

/**
 * swsusp_scan() - look for a swap area and a hibernation image on a disk.
 * @fd: the disk image, readable (preadv; the file offset is not used)
 * @size: its size in bytes (nothing at or past it is read)
 * @ret: the result; state SWSUSP_NONE when no area was found
 *
 * The whole disk first (swap made on /dev/vda), then the primary partitions
 * of an MBR table, or of a GPT table when the MBR is a protective one
 * (type 0xee). Every partition is looked at whatever its type (swapon does
 * not check types); extended partitions are not followed.
 * Returns: 0; -EIO when the file ends before @size; -errno of preadv (-EBADF...).
 */
int swsusp_scan(int fd, uint64_t size, struct swsusp_scan *ret);

/**
 * swsusp_hibernated() - the guest hibernated during this run: the scan
 * after the run shows an image, and the scan at launch showed none, or a
 * different header page (another image, or the same area rewritten).
 */
bool swsusp_hibernated(const struct swsusp_scan *at_launch, const struct swsusp_scan *after);

/** swsusp_state_name() - "none", "swap", "image". */
const char *swsusp_state_name(enum swsusp_state state);

/**
 * swsusp_where() - where the area is, for messages: "whole disk",
 * "partition 2 (GPT)", "partition 1 (MBR)". @buf gets at most @len bytes.
 * Returns: @buf.
 */
const char *swsusp_where(const struct swsusp_scan *scan, char *buf, unsigned int len);

#endif
