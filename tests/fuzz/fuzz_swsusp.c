// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hibernation detection (swsusp.h) on any disk image. The input describes a
 * sparse disk: a little-endian u32 size (capped at 64 MiB), then chunks of
 * u32 offset, u16 length and that many bytes written there (so a GPT with a
 * partition at 1 MiB fits in a small input). The disk is a memfd. The scan
 * runs with the true size, a smaller one and a larger one (short reads).
 * Invariants: the scan answers (0, or -EIO when told a larger size); an
 * area found lies inside the size it was given, its page size is one of
 * SWSUSP_PAGE_SIZES and its signature bytes are there; a scan is stable
 * (the same answer twice) and an unchanged disk is never "hibernated".
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pinvm/swsusp.h"

#define MAX_DISK (64U << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void check_scan(int fd, uint64_t size)
{
	static const unsigned int page_sizes[] = SWSUSP_PAGE_SIZES;
	struct swsusp_scan a, b;
	char sig[10];
	bool ok = false;

	if (swsusp_scan(fd, size, &a) < 0)
		return;
	if (a.state == SWSUSP_NONE)
		return;
	for (unsigned int i = 0; i < sizeof(page_sizes) / sizeof(page_sizes[0]); i++)
		ok |= a.page_size == page_sizes[i];
	if (!ok || a.offset > size || a.page_size > size - a.offset)
		abort();
	if (pread(fd, sig, sizeof(sig), (off_t)(a.offset + a.page_size - sizeof(sig))) != sizeof(sig))
		abort();
	if (a.state == SWSUSP_SWAP && memcmp(sig, "SWAPSPACE2", 10))
		abort();
	if (a.state == SWSUSP_IMAGE && memcmp(sig, "S1SUSPEND", 10) && memcmp(sig, "ULSUSPEND", 10))
		abort();
	if (swsusp_scan(fd, size, &b) < 0 || memcmp(&a, &b, sizeof(a)))
		abort();
	if (swsusp_hibernated(&a, &b))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t disk;
	int fd;

	if (size < 4)
		return 0;
	disk = le32(data) % (MAX_DISK + 1);
	data += 4;
	size -= 4;
	fd = memfd_create("disk", 0);
	if (fd < 0 || ftruncate(fd, disk) < 0)
		abort();
	while (size >= 6) {
		uint32_t off = le32(data);
		size_t len = (size_t)data[4] | (size_t)data[5] << 8;

		data += 6;
		size -= 6;
		if (len > size)
			len = size;
		if (off < disk) {
			size_t n = len < disk - off ? len : disk - off;

			if (pwrite(fd, data, n, off) != (ssize_t)n)
				abort();
		}
		data += len;
		size -= len;
	}
	check_scan(fd, disk);
	check_scan(fd, disk / 2);
	{
		struct swsusp_scan s;
		int r = swsusp_scan(fd, (uint64_t)disk + 65536, &s);

		if (r != 0 && r != -EIO)
			abort();
	}
	close(fd);
	return 0;
}
