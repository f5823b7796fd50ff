/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel, initrd and DTB placement: parses headers, computes guest
 * addresses, reads files (a gzip'd one inflated) into memory the caller
 * gives, guest RAM.
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

#include "pinvm/sha256.h"

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
 * Reads only the first LOADER_HEADER_SIZE bytes of @buf: with @len the
 * length of the whole kernel, @buf may hold just its first bytes.
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

/* Bytes read (and hashed) at a time: a whole file into RAM, a gzip stream. */
#define LOADER_CHUNK		(1U << 20)
#define LOADER_GZ_CHUNK		(64U << 10)

/**
 * loader_open_file() - open a kernel or initrd for reading (O_CLOEXEC; a
 * FIFO does not block the open) and check it.
 * Returns: 0 with the fd and the file's size; -errno from open/fstat;
 * -EISDIR a directory; -EINVAL not a regular file; -EFBIG larger than @max.
 */
int loader_open_file(const char *path, uint64_t max, int *ret_fd, uint64_t *ret_size);

/**
 * loader_read_fd() - read exactly @len bytes from offset 0 of @fd into
 * @dst (pread: the fd's offset does not move), adding them to @hash.
 * Returns: 0; -ESTALE the file is shorter or longer than @len now; -errno
 * from pread.
 */
int loader_read_fd(int fd, void *dst, uint64_t len, struct sha256 *hash);

/**
 * typedef loader_place_fn - where an inflated kernel goes, decided from its
 * first bytes (@head_len is LOADER_HEADER_SIZE, or less for a shorter
 * output). Returns the destination and its size in *ret_room; NULL: keep
 * nothing (the output is only counted).
 */
typedef uint8_t *(*loader_place_fn)(void *ctx, const uint8_t *head, size_t head_len,
				    uint64_t *ret_room);

/**
 * loader_gunzip_fd() - inflate the gzip file @fd (pread from offset 0)
 * straight into the memory @place picks, every byte of the file read into
 * @hash (bytes after the first gzip member too: they are not inflated).
 * Output beyond the room @place gave is counted, not kept, up to @max + 1
 * bytes (gzip bombs stop there): *ret_len larger than the room means it
 * did not fit. The gzip CRC32 and length trailer are checked. Reads
 * LOADER_GZ_CHUNK bytes at a time into a buffer it allocates and frees.
 * Returns: 0 with the inflated length; -EINVAL empty, corrupt or truncated
 * stream; -EFBIG more than @max bytes; -ENOMEM; -errno from pread.
 * *ret_why is set on failure.
 */
int loader_gunzip_fd(int fd, uint64_t max, loader_place_fn place, void *ctx,
		     struct sha256 *hash, uint64_t *ret_len, const char **ret_why);

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
