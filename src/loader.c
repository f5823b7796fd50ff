// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel loading: arm64 Image header checks, gzip inflation with an output
 * cap, flat binaries, and the placement of kernel, initrd and DTB in guest
 * RAM. Pure apart from the file reads (loader_open_file(), loader_read_fd(),
 * loader_gunzip_fd()); never logs.
 *
 * Rules from the kernel's Documentation/arch/arm64/booting.rst.
 */
#include "pinvm/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "pinvm/layout.h"

#define SZ_4K	0x1000ULL
#define SZ_2M	0x200000ULL
#define SZ_1G	0x40000000ULL
#define SZ_32G	(32 * SZ_1G)

/* Image header field offsets (all little endian). */
#define HDR_TEXT_OFFSET	8
#define HDR_IMAGE_SIZE	16
#define HDR_FLAGS	24
#define HDR_MAGIC	56

/* booting.rst: "Where image_size is zero, text_offset can be assumed to be 0x80000." */
#define LOADER_LEGACY_TEXT_OFFSET	0x80000ULL

#define ALIGN_DOWN(x, a)	((x) & ~((a) - 1))
#define ALIGN_UP(x, a)		ALIGN_DOWN((x) + (a) - 1, (a))

static uint64_t get_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

static int has_magic(const uint8_t *p, size_t len)
{
	return len >= HDR_MAGIC + 4 && get_le(p + HDR_MAGIC, 4) == LOADER_IMAGE_MAGIC;
}

int loader_parse_image(const void *buf, size_t len, struct loader_image *ret,
		       const char **ret_why)
{
	const uint8_t *p = buf;
	struct loader_image img = { 0 };

	if (!buf || len == 0) {
		*ret_why = "kernel file is empty";
		return -EINVAL;
	}
	if (len > LOADER_MAX_KERNEL) {
		*ret_why = "kernel is larger than 512 MiB";
		return -EFBIG;
	}

	/*
	 * EFI zboot (CONFIG_EFI_ZBOOT, "vmlinuz.efi"): a PE stub with "zimg" at
	 * offset 4 around a compressed Image. It needs EFI firmware to unpack,
	 * and has no arm64 magic, so it would otherwise pass as a flat binary.
	 */
	if (len >= 8 && p[0] == 'M' && p[1] == 'Z' && memcmp(p + 4, "zimg", 4) == 0) {
		*ret_why = "EFI zboot kernel (vmlinuz.efi) is not supported: use Image or Image.gz";
		return -EINVAL;
	}

	if (!has_magic(p, len)) {
		img.kind = LOADER_KIND_FLAT;
		img.text_offset = LAYOUT_FLAT_TEXT_OFFSET;
		img.image_size = len;
		*ret = img;
		return 0;
	}

	if (len < LOADER_HEADER_SIZE) {
		*ret_why = "truncated arm64 Image header";
		return -EINVAL;
	}

	img.kind = LOADER_KIND_IMAGE;
	img.image_size = get_le(p + HDR_IMAGE_SIZE, 8);

	if (img.image_size == 0) {
		/*
		 * Kernels before v3.17 leave image_size zero; their text_offset
		 * is in kernel byte order and the flags field did not exist,
		 * so neither is read. The BSS size is unknown: reserve the file.
		 */
		img.text_offset = LOADER_LEGACY_TEXT_OFFSET;
		img.image_size = len;
		img.flags = 0;
		*ret = img;
		return 0;
	}

	img.text_offset = get_le(p + HDR_TEXT_OFFSET, 8);
	img.flags = get_le(p + HDR_FLAGS, 8);

	/* Bits 1-2 (page size, all four values defined), bit 3 (placement)
	 * and the reserved bits 4-63 are accepted as they are. */
	if (img.flags & LOADER_FLAG_BE) {
		*ret_why = "big-endian arm64 kernel (Image flags bit 0) is not supported";
		return -EINVAL;
	}
	if (img.text_offset & (SZ_4K - 1)) {
		*ret_why = "Image text_offset is not 4 KiB aligned";
		return -EINVAL;
	}
	if (img.text_offset >= SZ_2M) {
		*ret_why = "Image text_offset is not below 2 MiB";
		return -EINVAL;
	}
	if (img.image_size > LOADER_MAX_KERNEL) {
		*ret_why = "Image image_size is larger than 512 MiB";
		return -EFBIG;
	}
	if (img.image_size < len) {
		*ret_why = "Image image_size is smaller than the file";
		return -EINVAL;
	}

	*ret = img;
	return 0;
}

int loader_is_gzip(const void *buf, size_t len)
{
	const uint8_t *p = buf;

	return buf && len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* One pread(2) of the whole request, EINTR retried; 0 at end of file. */
static ssize_t loader_pread(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	do
		n = pread(fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

int loader_open_file(const char *path, uint64_t max, int *ret_fd, uint64_t *ret_size)
{
	struct stat st;
	int fd, r;

	/* O_NONBLOCK: a FIFO must not block the open; regular files ignore it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (S_ISDIR(st.st_mode))
		r = -EISDIR;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else if ((uint64_t)st.st_size > max)
		r = -EFBIG;
	else
		r = 0;
	if (r) {
		(void)close(fd);
		return r;
	}
	*ret_fd = fd;
	*ret_size = (uint64_t)st.st_size;
	return 0;
}

int loader_read_fd(int fd, void *dst, uint64_t len, struct sha256 *hash)
{
	uint8_t *p = dst, extra;
	uint64_t done = 0;
	ssize_t n;

	while (done < len) {
		size_t want = len - done < LOADER_CHUNK ? (size_t)(len - done) : LOADER_CHUNK;

		n = loader_pread(fd, p + done, want, done);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -ESTALE;		/* shorter than @len now */
		sha256_update(hash, p + done, (size_t)n);
		done += (uint64_t)n;
	}
	n = loader_pread(fd, &extra, 1, len);
	if (n < 0)
		return (int)n;
	return n ? -ESTALE : 0;			/* longer than @len now */
}

int loader_gunzip_fd(int fd, uint64_t max, loader_place_fn place, void *ctx,
		     struct sha256 *hash, uint64_t *ret_len, const char **ret_why)
{
	uint8_t head[LOADER_HEADER_SIZE], sink[16384];
	uint8_t *in, *out = NULL;
	z_stream zs = { 0 };
	uint64_t off = 0, total = 0, room = 0;
	size_t head_len = 0;
	bool placed = false;
	int r, zr = Z_OK;

	in = malloc(LOADER_GZ_CHUNK);
	if (!in) {
		*ret_why = "out of memory inflating the kernel";
		return -ENOMEM;
	}
	/* 16 + MAX_WBITS: gzip wrapper only, with its CRC32 and length checked */
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		free(in);
		*ret_why = "cannot initialise zlib";
		return -ENOMEM;
	}

	while (zr != Z_STREAM_END) {
		ssize_t n;

		if (zs.avail_in == 0) {
			n = loader_pread(fd, in, LOADER_GZ_CHUNK, off);
			if (n < 0) {
				*ret_why = strerror((int)-n);
				r = (int)n;
				goto out;
			}
			if (n == 0) {
				*ret_why = off ? "truncated gzip stream" : "gzip stream is empty";
				r = -EINVAL;
				goto out;
			}
			sha256_update(hash, in, (size_t)n);
			off += (uint64_t)n;
			zs.next_in = in;
			zs.avail_in = (uInt)n;
		}

		/* The header first, then where place() said, then counted only. */
		if (!placed) {
			zs.next_out = head + head_len;
			zs.avail_out = (uInt)(sizeof(head) - head_len);
		} else if (total < room) {
			uint64_t left = room - total;

			zs.next_out = out + total;
			zs.avail_out = left > UINT_MAX ? UINT_MAX : (uInt)left;
		} else {
			zs.next_out = sink;
			zs.avail_out = sizeof(sink);
		}
		{
			uInt before = zs.avail_out;

			zr = inflate(&zs, Z_NO_FLUSH);
			if (!placed)
				head_len += before - zs.avail_out;
			else
				total += before - zs.avail_out;
		}
		if (zr == Z_MEM_ERROR) {
			*ret_why = "out of memory inflating the kernel";
			r = -ENOMEM;
			goto out;
		}
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			*ret_why = "corrupt gzip stream";
			r = -EINVAL;
			goto out;
		}
		if (!placed && (head_len == sizeof(head) || zr == Z_STREAM_END)) {
			out = place(ctx, head, head_len, &room);
			if (!out)
				room = 0;
			/* An empty payload places nothing: no memcpy from or to nothing. */
			if (out && head_len)
				memcpy(out, head, room >= head_len ? head_len : (size_t)room);
			total = head_len;
			placed = true;
		}
		if (total > max) {
			*ret_why = "decompressed kernel exceeds the size limit";
			r = -EFBIG;
			goto out;
		}
	}

	/* Bytes after the first gzip member (padding, appended data) are hashed, not inflated. */
	for (;;) {
		ssize_t n = loader_pread(fd, in, LOADER_GZ_CHUNK, off);

		if (n < 0) {
			*ret_why = strerror((int)-n);
			r = (int)n;
			goto out;
		}
		if (n == 0)
			break;
		sha256_update(hash, in, (size_t)n);
		off += (uint64_t)n;
	}
	*ret_len = total;
	r = 0;
out:
	inflateEnd(&zs);
	free(in);
	return r;
}

int loader_plan(const struct loader_image *img, uint64_t initrd_size,
		uint64_t ram_base, uint64_t ram_size, struct loader_plan *ret,
		const char **ret_why)
{
	struct loader_plan plan = { 0 };
	uint64_t ram_end, top;

	if (ram_base & (SZ_2M - 1)) {
		*ret_why = "RAM base is not 2 MiB aligned";
		return -EINVAL;
	}
	if (ram_size == 0 || ram_base + ram_size < ram_base) {
		*ret_why = "RAM range is empty or wraps";
		return -EINVAL;
	}
	ram_end = ram_base + ram_size;

	/* The DTB gets the last 2 MiB aligned region that holds it (booting.rst:
	 * 8-byte aligned, must not share a 2 MiB block with special mappings). */
	if (ram_size < LAYOUT_DTB_MAX_SIZE) {
		*ret_why = "RAM is too small for the device tree";
		return -ENOSPC;
	}
	plan.dtb_addr = ALIGN_DOWN(ram_end - LAYOUT_DTB_MAX_SIZE, SZ_2M);
	if (plan.dtb_addr < ram_base) {
		*ret_why = "RAM is too small for the device tree";
		return -ENOSPC;
	}

	/* Kernel at the 2 MiB aligned RAM base + text_offset. */
	plan.kernel_addr = ram_base + img->text_offset;
	if (img->text_offset >= ram_size || img->image_size > ram_size - img->text_offset) {
		*ret_why = "kernel does not fit in RAM";
		return -ENOSPC;
	}
	plan.kernel_end = plan.kernel_addr + img->image_size;
	if (plan.kernel_end > plan.dtb_addr) {
		*ret_why = "kernel does not fit in RAM below the device tree";
		return -ENOSPC;
	}

	if (initrd_size) {
		/*
		 * booting.rst: the initrd must lie in a 1 GiB aligned window of
		 * at most 32 GiB that also covers the kernel Image.
		 */
		top = ALIGN_DOWN(plan.kernel_addr, SZ_1G) + SZ_32G;
		if (top > plan.dtb_addr)
			top = plan.dtb_addr;
		if (initrd_size > top - plan.kernel_end ||
		    ALIGN_DOWN(top - initrd_size, SZ_4K) < plan.kernel_end) {
			*ret_why = "initrd does not fit between the kernel and the device tree";
			return -ENOSPC;
		}
		plan.initrd_addr = ALIGN_DOWN(top - initrd_size, SZ_4K);
		plan.initrd_size = initrd_size;
	}

	*ret = plan;
	return 0;
}
