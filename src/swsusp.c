// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hibernation detection on a disk image: Linux's swap signature at the end
 * of a swap area's first page, on the whole disk or on an MBR or GPT
 * partition (swsusp.h).
 *
 * Layout facts (kernel/power/swap.c struct swsusp_header, include/linux/swap.h
 * union swap_header; both end the page): the last 10 bytes are the
 * signature, "SWAPSPACE2" for swap space and "S1SUSPEND\0" once an image is
 * written; before it orig_sig[10] (the swap signature to restore), flags
 * (u32), image (sector_t, u64 on arm64) and crc32 (u32), little endian.
 * MBR: 0x55aa at 510, four 16-byte entries from 446 (type at 4, first LBA at
 * 8, sectors at 12, 512-byte sectors). GPT (UEFI 2.10 §5.3): "EFI PART" at
 * LBA 1; entries' LBA at 72 (u64), count at 80, entry size at 84; an entry
 * has its type GUID at 0 (all zero: unused), first LBA at 32, last LBA at 40.
 */
#include "pinvm/swsusp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>

#define SECTOR		512ULL
#define SIG_LEN		10
#define CHUNK		4096U
#define MBR_TABLE	446
#define MBR_ENTRY	16
#define MBR_PROTECTIVE	0xee
#define GPT_ENTRY_MIN	128U
#define GPT_ENTRY_MAX	4096U

static const char sig_swap[SIG_LEN] = "SWAPSPACE2";
static const char sig_image[SIG_LEN] = "S1SUSPEND";	/* with its NUL */
static const char sig_uswsusp[SIG_LEN] = "ULSUSPEND";

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/*
 * read_at() - exactly @len bytes at @off, all inside [0, @size).
 * Returns: 1 read; 0 the range is not inside the image; -errno.
 */
static int read_at(int fd, uint64_t size, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;

	if (off > size || len > size - off)
		return 0;
	while (done < len) {
		/* preadv: what pinvm's seccomp filter allows the main thread */
		struct iovec iov = { .iov_base = (uint8_t *)buf + done, .iov_len = len - done };
		ssize_t n = preadv(fd, &iov, 1, (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)	/* the file shrank under us */
			return -EIO;
		done += (size_t)n;
	}
	return 1;
}

static enum swsusp_state sig_state(const uint8_t *sig)
{
	if (!memcmp(sig, sig_swap, SIG_LEN))
		return SWSUSP_SWAP;
	if (!memcmp(sig, sig_image, SIG_LEN) || !memcmp(sig, sig_uswsusp, SIG_LEN))
		return SWSUSP_IMAGE;
	return SWSUSP_NONE;
}

/*
 * probe_area() - a swap area starting at @off that ends before @end?
 * Fills @ret (state NONE when no signature). Returns: 0; -errno.
 */
static int probe_area(int fd, uint64_t size, uint64_t off, uint64_t end,
		      struct swsusp_scan *ret)
{
	static const unsigned int page_sizes[] = SWSUSP_PAGE_SIZES;
	uint8_t tail[40], chunk[CHUNK];

	memset(ret, 0, sizeof(*ret));
	if (end > size)
		end = size;
	for (unsigned int i = 0; i < sizeof(page_sizes) / sizeof(page_sizes[0]); i++) {
		unsigned int ps = page_sizes[i];
		enum swsusp_state st;
		uint64_t hash = 0xcbf29ce484222325ULL;
		int r;

		if (off > end || ps > end - off)
			break;
		r = read_at(fd, size, off + ps - sizeof(tail), tail, sizeof(tail));
		if (r <= 0)
			return r;
		st = sig_state(tail + sizeof(tail) - SIG_LEN);
		if (st == SWSUSP_NONE)
			continue;
		/* The whole header page, hashed: any rewrite of it shows. */
		for (unsigned int done = 0; done < ps; done += CHUNK) {
			r = read_at(fd, size, off + done, chunk, CHUNK);
			if (r <= 0)
				return r ? r : -EIO;
			for (unsigned int k = 0; k < CHUNK; k++)
				hash = (hash ^ chunk[k]) * 0x100000001b3ULL;
		}
		ret->state = st;
		ret->offset = off;
		ret->page_size = ps;
		ret->hash = hash;
		if (st == SWSUSP_IMAGE) {
			/* tail: hw_sig 0, crc32 4, image 8, flags 16, orig_sig 20, sig 30 */
			ret->image_sector = get_le64(tail + 8);
			ret->flags = get_le32(tail + 16);
		}
		return 0;
	}
	return 0;
}

/* Keep @cand in @best when it says more (an image beats swap beats nothing). */
static void keep_best(struct swsusp_scan *best, const struct swsusp_scan *cand)
{
	if (cand->state > best->state)
		*best = *cand;
}

static int probe_part(int fd, uint64_t size, uint64_t first_lba, uint64_t end_lba,
		      unsigned int part, char table, struct swsusp_scan *best)
{
	struct swsusp_scan s;
	int r;

	if (first_lba == 0 || end_lba <= first_lba || first_lba > UINT64_MAX / SECTOR ||
	    end_lba > UINT64_MAX / SECTOR)
		return 0;
	r = probe_area(fd, size, first_lba * SECTOR, end_lba * SECTOR, &s);
	if (r < 0)
		return r;
	s.part = part;
	s.table = table;
	keep_best(best, &s);
	return 0;
}

static int scan_gpt(int fd, uint64_t size, struct swsusp_scan *best)
{
	static const uint8_t zero_guid[16];
	uint8_t hdr[92], ent[48];
	uint64_t lba;
	uint32_t count, esize;
	int r;

	r = read_at(fd, size, SECTOR, hdr, sizeof(hdr));
	if (r <= 0 || memcmp(hdr, "EFI PART", 8))
		return r < 0 ? r : 0;
	lba = get_le64(hdr + 72);
	count = get_le32(hdr + 80);
	esize = get_le32(hdr + 84);
	if (esize < GPT_ENTRY_MIN || esize > GPT_ENTRY_MAX || esize % 8 || lba > UINT64_MAX / SECTOR)
		return 0;
	if (count > SWSUSP_MAX_GPT_PARTS)
		count = SWSUSP_MAX_GPT_PARTS;
	for (uint32_t i = 0; i < count; i++) {
		uint64_t off = lba * SECTOR + (uint64_t)i * esize;

		if (off < lba * SECTOR)
			break;
		r = read_at(fd, size, off, ent, sizeof(ent));
		if (r <= 0)
			return r;
		if (!memcmp(ent, zero_guid, sizeof(zero_guid)))
			continue;
		/* last LBA is inclusive */
		if (get_le64(ent + 40) == UINT64_MAX)
			continue;
		r = probe_part(fd, size, get_le64(ent + 32), get_le64(ent + 40) + 1, i + 1, 'G', best);
		if (r < 0)
			return r;
	}
	return 0;
}

int swsusp_scan(int fd, uint64_t size, struct swsusp_scan *ret)
{
	struct swsusp_scan best;
	uint8_t mbr[SECTOR];
	int r;

	/* The whole disk: mkswap /dev/vda. */
	r = probe_area(fd, size, 0, size, &best);
	if (r < 0)
		return r;
	if (best.state == SWSUSP_NONE) {
		r = read_at(fd, size, 0, mbr, sizeof(mbr));
		if (r < 0)
			return r;
		if (r > 0 && mbr[510] == 0x55 && mbr[511] == 0xaa) {
			bool gpt = false;

			for (unsigned int i = 0; i < 4; i++) {
				const uint8_t *e = mbr + MBR_TABLE + i * MBR_ENTRY;
				uint8_t type = e[4];
				uint64_t first = get_le32(e + 8);

				if (type == MBR_PROTECTIVE)
					gpt = true;
				/* empty, extended (DOS, Windows, Linux) and protective */
				if (type == 0 || type == 0x05 || type == 0x0f || type == 0x85 ||
				    type == MBR_PROTECTIVE)
					continue;
				r = probe_part(fd, size, first, first + get_le32(e + 12), i + 1, 'M',
					       &best);
				if (r < 0)
					return r;
			}
			if (gpt) {
				r = scan_gpt(fd, size, &best);
				if (r < 0)
					return r;
			}
		}
	}
	*ret = best;
	return 0;
}

bool swsusp_hibernated(const struct swsusp_scan *at_launch, const struct swsusp_scan *after)
{
	if (after->state != SWSUSP_IMAGE)
		return false;
	return at_launch->state != SWSUSP_IMAGE || at_launch->offset != after->offset ||
	       at_launch->hash != after->hash;
}

const char *swsusp_state_name(enum swsusp_state state)
{
	switch (state) {
	case SWSUSP_SWAP:
		return "swap";
	case SWSUSP_IMAGE:
		return "image";
	default:
		return "none";
	}
}

const char *swsusp_where(const struct swsusp_scan *scan, char *buf, unsigned int len)
{
	if (!len)
		return buf;
	if (!scan->part)
		snprintf(buf, len, "whole disk");
	else
		snprintf(buf, len, "partition %u (%s)", scan->part, scan->table == 'G' ? "GPT" : "MBR");
	return buf;
}
