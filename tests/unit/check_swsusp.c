// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hibernation detection on real swap header pages that Debian's 6.1, 6.12
 * and 7.x guest kernels wrote (tests/unit/data/swsusp/, README.md there):
 * a whole-disk image, the same disk after the resume (plain swap again),
 * images on a GPT and an MBR partition (the tables real too, as Linux read
 * them); the "hibernated during this run" rule; and hostile tables: bogus
 * entry sizes and counts, partitions past the end, truncated images.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "pinvm/swsusp.h"

#define DATA TOP_SRCDIR "/tests/unit/data/swsusp/"

static char *tmp;

static void setup(void)
{
	tmp = harness_tmpdir();
	ck_assert_ptr_nonnull(tmp);
}

static void teardown(void)
{
	harness_rmtree(tmp);
	free(tmp);
}

static void *load(const char *name, size_t *ret_len)
{
	void *buf;
	int r = harness_read_file(name, &buf, ret_len);

	ck_assert_msg(r == 0, "%s: %s", name, strerror(-r));
	return buf;
}

/* A disk of @size bytes in the temp dir with @name's bytes at each offset. */
static int make_disk(uint64_t size, const char *n1, uint64_t o1, const char *n2, uint64_t o2)
{
	char *path = harness_path(tmp, "disk.img");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	free(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	if (n1) {
		size_t len;
		void *b = load(n1, &len);

		ck_assert_int_eq(pwrite(fd, b, len, (off_t)o1), (ssize_t)len);
		free(b);
	}
	if (n2) {
		size_t len;
		void *b = load(n2, &len);

		ck_assert_int_eq(pwrite(fd, b, len, (off_t)o2), (ssize_t)len);
		free(b);
	}
	return fd;
}

static struct swsusp_scan scan(int fd, uint64_t size)
{
	struct swsusp_scan s;

	ck_assert_int_eq(swsusp_scan(fd, size, &s), 0);
	return s;
}

START_TEST(test_whole_disk_images)
{
	static const char *const gens[] = { "6.1", "6.12" };
	char name[256], where[64];

	for (unsigned int i = 0; i < 2; i++) {
		struct swsusp_scan img, swp;
		int fd;

		snprintf(name, sizeof(name), DATA "image-%s.page", gens[i]);
		fd = make_disk(1 << 30, name, 0, NULL, 0);
		img = scan(fd, 1 << 30);
		ck_assert_int_eq(img.state, SWSUSP_IMAGE);
		ck_assert_uint_eq(img.part, 0);
		ck_assert_uint_eq(img.offset, 0);
		ck_assert_uint_eq(img.page_size, 4096);
		/* the image starts on a later swap page, in sectors */
		ck_assert_uint_gt(img.image_sector, 0);
		ck_assert_str_eq(swsusp_where(&img, where, sizeof(where)), "whole disk");
		close(fd);

		snprintf(name, sizeof(name), DATA "swap-%s.page", gens[i]);
		fd = make_disk(1 << 30, name, 0, NULL, 0);
		swp = scan(fd, 1 << 30);
		ck_assert_int_eq(swp.state, SWSUSP_SWAP);
		ck_assert_uint_eq(swp.image_sector, 0);
		close(fd);

		/* hibernated during the run: swap at launch, image after */
		ck_assert(swsusp_hibernated(&swp, &img));
		/* an image at launch, unchanged: not this run's */
		ck_assert(!swsusp_hibernated(&img, &img));
		/* resumed and powered off normally: no image */
		ck_assert(!swsusp_hibernated(&img, &swp));
		ck_assert(!swsusp_hibernated(&swp, &swp));
	}
}
END_TEST

START_TEST(test_gpt_partition)
{
	struct swsusp_scan s;
	char where[64];
	int fd;

	/* partition 2 starts at LBA 34816 (tests/unit/data/swsusp/README.md) */
	fd = make_disk(700 << 20, DATA "gpt-table.bin", 0, DATA "gpt-image.page", 34816 * 512ULL);
	s = scan(fd, 700 << 20);
	ck_assert_int_eq(s.state, SWSUSP_IMAGE);
	ck_assert_uint_eq(s.part, 2);
	ck_assert_uint_eq(s.offset, 34816 * 512ULL);
	ck_assert_str_eq(swsusp_where(&s, where, sizeof(where)), "partition 2 (GPT)");
	/* a disk that ends inside the partition's header page */
	s = scan(fd, 34816 * 512ULL + 4000);
	ck_assert_int_eq(s.state, SWSUSP_NONE);
	close(fd);
	/* the table alone: partitions, no swap signature */
	fd = make_disk(700 << 20, DATA "gpt-table.bin", 0, NULL, 0);
	ck_assert_int_eq(scan(fd, 700 << 20).state, SWSUSP_NONE);
	close(fd);
}
END_TEST

START_TEST(test_mbr_partition)
{
	struct swsusp_scan s;
	char where[64];
	int fd;

	fd = make_disk(700 << 20, DATA "mbr-table.bin", 0, DATA "mbr-image.page", 2048 * 512ULL);
	s = scan(fd, 700 << 20);
	ck_assert_int_eq(s.state, SWSUSP_IMAGE);
	ck_assert_uint_eq(s.part, 1);
	ck_assert_uint_eq(s.offset, 2048 * 512ULL);
	ck_assert_str_eq(swsusp_where(&s, where, sizeof(where)), "partition 1 (MBR)");
	close(fd);
}
END_TEST

/* A GPT whose entries say anything: the scan stays inside the image and answers. */
START_TEST(test_hostile_gpt)
{
	static const struct {
		uint64_t lba;
		uint32_t count, esize;
	} bad[] = {
		{ 2, 0xffffffff, 128 },		/* huge count: capped */
		{ 2, 128, 0 },			/* entry size 0 */
		{ 2, 128, 0xffffffff },		/* entry size huge */
		{ 2, 128, 129 },		/* not a multiple of 8 */
		{ UINT64_MAX / 512 + 1, 4, 128 },	/* entries LBA overflowing */
		{ UINT64_MAX / 512, 4, 128 },	/* entries past the end */
	};
	uint8_t ent[128];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct swsusp_scan s;
		uint8_t hdr[12 + 8 + 4 + 4];
		int fd = make_disk(1 << 20, DATA "gpt-table.bin", 0, NULL, 0);

		memcpy(hdr, &bad[i].lba, 8);
		memcpy(hdr + 8, &bad[i].count, 4);
		memcpy(hdr + 12, &bad[i].esize, 4);
		ck_assert_int_eq(pwrite(fd, hdr, 16, 512 + 72), 16);
		ck_assert_int_eq(swsusp_scan(fd, 1 << 20, &s), 0);
		ck_assert_int_eq(s.state, SWSUSP_NONE);
		close(fd);
	}

	/* an entry whose first LBA is past the end, one wrapping, one at LBA 0 */
	{
		static const uint64_t lbas[][2] = {
			{ 1ULL << 40, (1ULL << 40) + 100 }, { UINT64_MAX - 1, UINT64_MAX },
			{ 0, 100 }, { 100, 50 },
		};
		int fd = make_disk(1 << 20, DATA "gpt-table.bin", 0, NULL, 0);

		for (unsigned int i = 0; i < 4; i++) {
			struct swsusp_scan s;

			ck_assert_int_eq(pread(fd, ent, sizeof(ent), 1024 + 128), (ssize_t)sizeof(ent));
			memcpy(ent + 32, lbas[i], 16);
			ck_assert_int_eq(pwrite(fd, ent, sizeof(ent), 1024 + 128), (ssize_t)sizeof(ent));
			ck_assert_int_eq(swsusp_scan(fd, 1 << 20, &s), 0);
			ck_assert_int_eq(s.state, SWSUSP_NONE);
		}
		close(fd);
	}
}
END_TEST

START_TEST(test_small_and_empty)
{
	struct swsusp_scan s;
	int fd = make_disk(0, NULL, 0, NULL, 0);

	ck_assert_int_eq(swsusp_scan(fd, 0, &s), 0);
	ck_assert_int_eq(s.state, SWSUSP_NONE);
	close(fd);
	/* a 4 KiB disk that is exactly one image header page */
	fd = make_disk(4096, DATA "image-6.1.page", 0, NULL, 0);
	ck_assert_int_eq(scan(fd, 4096).state, SWSUSP_IMAGE);
	/* told the disk is smaller than the page: nothing read past it */
	ck_assert_int_eq(scan(fd, 4095).state, SWSUSP_NONE);
	close(fd);
	/* told it is larger than the file: a short read is an error */
	fd = make_disk(100, NULL, 0, NULL, 0);
	ck_assert_int_eq(swsusp_scan(fd, 1 << 20, &s), -EIO);
	close(fd);
	ck_assert_int_eq(swsusp_scan(-1, 1 << 20, &s), -EBADF);
}
END_TEST

START_TEST(test_rewritten_header)
{
	struct swsusp_scan a, b;
	uint8_t byte = 0x5a;
	int fd = make_disk(1 << 30, DATA "image-6.12.page", 0, NULL, 0);

	a = scan(fd, 1 << 30);
	/* the same signature, another image: the header page changed */
	ck_assert_int_eq(pwrite(fd, &byte, 1, 4064), 1);
	b = scan(fd, 1 << 30);
	ck_assert_int_eq(b.state, SWSUSP_IMAGE);
	ck_assert(swsusp_hibernated(&a, &b));
	close(fd);
	ck_assert_str_eq(swsusp_state_name(SWSUSP_IMAGE), "image");
	ck_assert_str_eq(swsusp_state_name(SWSUSP_SWAP), "swap");
	ck_assert_str_eq(swsusp_state_name(SWSUSP_NONE), "none");
}
END_TEST

static Suite *swsusp_suite(void)
{
	Suite *s = suite_create("swsusp");
	TCase *tc = tcase_create("scan");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_whole_disk_images);
	tcase_add_test(tc, test_gpt_partition);
	tcase_add_test(tc, test_mbr_partition);
	tcase_add_test(tc, test_hostile_gpt);
	tcase_add_test(tc, test_small_and_empty);
	tcase_add_test(tc, test_rewritten_header);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(swsusp_suite());
}
