/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel, initrd and DTB placement. Pure: parses buffers and computes guest
 * addresses; copying into guest RAM is a memcpy done by the caller.
 *
 * Documentation/arch/arm64/booting.rst: the Image header is 64 bytes, little
 * endian: code0, code1, text_offset, image_size, flags, res2..res4, magic
 * "ARM\x64" at offset 56, res5. The Image must sit at a 2 MiB aligned base +
 * text_offset; image_size bytes from there must be free (BSS included). The
 * DTB must be 8-byte aligned, within one 2 MiB region, at most 2 MiB.
 */
#ifndef PINVM_LOADER_H
#define PINVM_LOADER_H

#include <stddef.h>
#include <stdint.h>

#define LOADER_IMAGE_MAGIC	0x644d5241U	/* "ARM\x64" */
#define LOADER_HEADER_SIZE	64
/* Largest kernel we accept after decompression. */
#define LOADER_MAX_KERNEL	(512ULL << 20)

/* Image header flags (booting.rst, kernels >= v3.17) */
#define LOADER_FLAG_BE			(1ULL << 0)	/* big-endian kernel: rejected */
#define LOADER_FLAG_PAGE_SIZE_MASK	(3ULL << 1)	/* 0 unspecified, 1 4K, 2 16K, 3 64K */
#define LOADER_FLAG_PHYS_ANYWHERE	(1ULL << 3)	/* 0: place near the start of RAM */

enum loader_kind {
	LOADER_KIND_IMAGE,	/* arm64 Image with a valid header */
	LOADER_KIND_FLAT,	/* no Image header: flat binary */
};

struct loader_image {
	enum loader_kind kind;
	uint64_t text_offset;	/* offset from a 2 MiB aligned base */
	uint64_t image_size;	/* bytes to reserve, >= file size */
	uint64_t flags;
};

/**
 * loader_parse_image() - classify a (decompressed) kernel buffer.
 * @buf: the kernel file contents, already inflated if it was gzip
 * @len: bytes in @buf
 * @ret: filled in on success only
 * @ret_why: on failure, a static message naming the problem
 *
 * A buffer without the magic "ARM\x64" at offset 56 is a flat binary
 * (text_offset = LAYOUT_FLAT_TEXT_OFFSET, image_size = len, flags 0). A
 * buffer with the magic must have a sane header. image_size 0 marks a
 * kernel older than v3.17: text_offset is then taken as 0x80000, flags as
 * 0, and image_size as len (booting.rst). Page-size, placement and the
 * reserved flag bits are accepted as they are.
 *
 * Returns: 0; -EINVAL empty buffer, EFI zboot image ("MZ" and "zimg" at
 * offset 4), magic present but header shorter than 64 bytes, big-endian flag, text_offset not 4 KiB aligned or >= 2 MiB,
 * image_size smaller than the file; -EFBIG len or image_size beyond
 * LOADER_MAX_KERNEL.
 */
int loader_parse_image(const void *buf, size_t len, struct loader_image *ret,
		       const char **ret_why);

/** loader_is_gzip() - true if the buffer starts with the gzip magic 1f 8b. */
int loader_is_gzip(const void *buf, size_t len);

/**
 * loader_gunzip() - inflate a gzip buffer into a malloc'd buffer.
 * Never holds more than @max + 1 output bytes (gzip bombs stop there).
 * The gzip CRC32 and length trailer are checked; bytes after the first
 * gzip member are ignored. On success the caller frees *ret_buf.
 * Returns: 0; -EINVAL empty, corrupt or truncated stream; -EFBIG output
 * exceeds @max (or input beyond 4 GiB); -ENOMEM. *ret_why is set on failure.
 */
int loader_gunzip(const void *buf, size_t len, size_t max, void **ret_buf,
		  size_t *ret_len, const char **ret_why);

/**
 * loader_read_file() - read a whole regular file into a malloc'd buffer.
 * An empty file gives *ret_len 0 and a buffer that must still be freed.
 * Returns: 0; -errno from open/fstat/read; -EISDIR a directory; -EINVAL
 * not a regular file; -EFBIG larger than @max; -ENOMEM.
 */
int loader_read_file(const char *path, size_t max, void **ret_buf, size_t *ret_len);

struct loader_plan {
	uint64_t kernel_addr;	/* guest PA of the first kernel byte = entry */
	uint64_t kernel_end;	/* kernel_addr + image_size */
	uint64_t initrd_addr;	/* 0 when no initrd */
	uint64_t initrd_size;
	uint64_t dtb_addr;	/* 8-byte aligned, LAYOUT_DTB_MAX_SIZE reserved */
};

/**
 * loader_plan() - place kernel, initrd and DTB in RAM [ram_base, ram_base+ram_size).
 * @initrd_size: 0 for no initrd
 *
 * Kernel at ram_base + text_offset (ram_base must be 2 MiB aligned). DTB at
 * the start of the last 2 MiB aligned region that holds
 * LAYOUT_DTB_MAX_SIZE bytes below the top of RAM; initrd right below the
 * DTB's 2 MiB region, 4 KiB aligned, above the kernel's image_size, and
 * inside the 1 GiB aligned 32 GiB window that starts below the kernel
 * (booting.rst).
 * Returns: 0; -ENOSPC when the pieces do not fit; -EINVAL ram_base not
 * 2 MiB aligned, ram_size 0 or the range wraps. *ret_why is set on failure.
 */
int loader_plan(const struct loader_image *img, uint64_t initrd_size,
		uint64_t ram_base, uint64_t ram_size, struct loader_plan *ret,
		const char **ret_why);

#endif
