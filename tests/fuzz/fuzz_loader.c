// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel loader as machine_load() drives it: gzip detection and
 * inflation (with a small limit, so bombs are cheap to find), Image header
 * parsing, then placement in RAM sizes and initrd sizes taken from the
 * input. Invariants: no failure leaves an output buffer behind, inflation
 * never returns more than the limit, a parsed image obeys the header rules
 * (loader.h), and a placement keeps kernel, initrd and DTB inside RAM and
 * apart.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "pinvm/layout.h"
#include "pinvm/loader.h"

#define FUZZ_MAX_INFLATE	(4u << 20)

/* The inflated kernel's place: a FUZZ_MAX_INFLATE buffer, whatever its header. */
static uint8_t *fuzz_place(void *ctx, const uint8_t *head, size_t head_len, uint64_t *ret_room)
{
	(void)head;
	(void)head_len;
	*ret_room = FUZZ_MAX_INFLATE;
	return ctx;
}

/* loader_gunzip_fd() reads a file: the input as a memfd. -1: none to be had. */
static int fuzz_memfd(const void *data, size_t len)
{
	int fd = memfd_create("fuzz_loader", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint64_t take_u64(const uint8_t **p, size_t *len)
{
	uint64_t v = 0;

	for (int i = 0; i < 8 && *len; i++, (*p)++, (*len)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

static void check_plan(const struct loader_image *img, uint64_t initrd_size, uint64_t ram_size)
{
	const char *why = NULL;
	struct loader_plan plan;

	if (loader_plan(img, initrd_size, LAYOUT_RAM_BASE, ram_size, &plan, &why)) {
		if (!why)
			abort();
		return;
	}
	uint64_t ram_end = LAYOUT_RAM_BASE + ram_size;

	if (plan.kernel_addr < LAYOUT_RAM_BASE || plan.kernel_end > ram_end ||
	    plan.kernel_end - plan.kernel_addr != img->image_size)
		abort();
	if ((plan.kernel_addr - img->text_offset) % (2u << 20))
		abort();
	if (plan.dtb_addr % 8 || plan.dtb_addr < plan.kernel_end ||
	    plan.dtb_addr + LAYOUT_DTB_MAX_SIZE > ram_end)
		abort();
	if (initrd_size) {
		if (plan.initrd_size != initrd_size || plan.initrd_addr % 4096 ||
		    plan.initrd_addr < plan.kernel_end ||
		    plan.initrd_addr + initrd_size > plan.dtb_addr)
			abort();
	} else if (plan.initrd_addr || plan.initrd_size) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t len = size;
	uint64_t ram_size, initrd_size;
	const char *why = NULL;
	struct loader_image img;
	void *buf = NULL;
	size_t buf_len = 0;
	const void *kernel = data;
	size_t kernel_len = size;

	/* 16 bytes of placement parameters when there is room, the rest is the file. */
	if (len > 16 + 64) {
		ram_size = take_u64(&p, &len);
		initrd_size = take_u64(&p, &len);
		kernel = p;
		kernel_len = len;
	} else {
		ram_size = 256u << 20;
		initrd_size = 0;
	}

	if (loader_is_gzip(kernel, kernel_len)) {
		uint64_t out_len = 0;
		struct sha256 hash;
		int fd = fuzz_memfd(kernel, kernel_len), r;

		if (fd < 0)
			return 0;
		buf = malloc(FUZZ_MAX_INFLATE);
		if (!buf)
			abort();
		sha256_init(&hash);
		r = loader_gunzip_fd(fd, FUZZ_MAX_INFLATE, fuzz_place, buf, &hash, &out_len, &why);
		close(fd);
		if (r) {
			free(buf);
			if (!why)
				abort();
			return 0;
		}
		if (out_len > FUZZ_MAX_INFLATE)
			abort();
		buf_len = (size_t)out_len;
		kernel = buf;
		kernel_len = buf_len;
	}

	why = NULL;
	memset(&img, 0xa5, sizeof(img));
	if (loader_parse_image(kernel, kernel_len, &img, &why) == 0) {
		if (img.kind == LOADER_KIND_IMAGE) {
			if (img.text_offset % 4096 || img.text_offset >= (2u << 20) ||
			    img.image_size < kernel_len || img.image_size > LOADER_MAX_KERNEL ||
			    (img.flags & LOADER_FLAG_BE))
				abort();
		} else if (img.image_size != kernel_len) {
			abort();
		}
		/* RAM from 0 to 64 GiB (and the odd absurd value), initrd up to 1 GiB. */
		check_plan(&img, initrd_size & ((1u << 30) - 1), ram_size & ((64ULL << 30) - 1));
		check_plan(&img, initrd_size, ram_size);
	} else if (!why) {
		abort();
	}
	free(buf);
	return 0;
}
