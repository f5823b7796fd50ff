// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_blk: features and config space; every request type against a
 * real temporary image: IN, OUT, FLUSH, GET_ID, unknown (UNSUPP), and every
 * refusal (read-only, past the end, overflowing sector, partial sectors,
 * wrong direction, short header, no status byte): the status, the used
 * length, and an image that neither changes nor grows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>

#include "harness.h"
#include "pinvm/virtio_blk.h"

#define IMG_SECTORS	64

static char *dir, *img;
static int fd;
static struct virtio_blk b;
static struct virtq_chain c;
static uint8_t hdr[16], data[8192], status[4];

static void setup(void)
{
	uint8_t buf[IMG_SECTORS * 512];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i / 512 + 1);
	dir = harness_tmpdir();
	img = harness_path(dir, "disk.img");
	ck_assert_int_eq(harness_write_file(img, buf, sizeof(buf)), 0);
	fd = open(img, O_RDWR);
	ck_assert_int_ge(fd, 0);
	virtio_blk_init(&b, fd, sizeof(buf), false, "serial-of-this-disk-is-long");
	memset(&c, 0, sizeof(c));
	memset(data, 0xee, sizeof(data));
	memset(status, 0xee, sizeof(status));
}

static void teardown(void)
{
	close(fd);
	harness_rmtree(dir);
	free(img);
	free(dir);
}

static void set_hdr(uint32_t type, uint64_t sector)
{
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, &type, 4);
	memcpy(hdr + 8, &sector, 8);
}

static void add_out(void *p, size_t len)
{
	c.out[c.nr_out++] = (struct iovec){ p, len };
	c.out_len += len;
}

static void add_in(void *p, size_t len)
{
	c.in[c.nr_in++] = (struct iovec){ p, len };
	c.in_len += len;
}

static uint8_t image_byte(off_t off)
{
	uint8_t v = 0;

	ck_assert_int_eq(pread(fd, &v, 1, off), 1);
	return v;
}

static off_t image_size(void)
{
	struct stat st;

	ck_assert_int_eq(fstat(fd, &st), 0);
	return st.st_size;
}

START_TEST(test_features_config)
{
	uint8_t cfg[8];
	uint64_t cap;
	uint32_t v;

	ck_assert_uint_eq(virtio_blk_features(&b),
			  1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_BLK_F_FLUSH |
			  1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE);
	virtio_blk_config_read(&b, 0, cfg, 8);
	memcpy(&cap, cfg, 8);
	ck_assert_uint_eq(cap, IMG_SECTORS);
	virtio_blk_config_read(&b, 4, cfg, 4);
	memcpy(&v, cfg, 4);
	ck_assert_uint_eq(v, 0);
	virtio_blk_config_read(&b, 0x0c, cfg, 4);
	memcpy(&v, cfg, 4);
	ck_assert_uint_eq(v, VIRTIO_BLK_SEG_MAX);
	virtio_blk_config_read(&b, 0x14, cfg, 4);
	memcpy(&v, cfg, 4);
	ck_assert_uint_eq(v, 512);
	memset(cfg, 0xff, sizeof(cfg));
	virtio_blk_config_read(&b, 0x46, cfg, 4);	/* runs past the end */
	memcpy(&v, cfg, 4);
	ck_assert_uint_eq(v, 0);
	virtio_blk_config_read(&b, 0x1000, cfg, 2);
	ck_assert_uint_eq(cfg[0] | cfg[1], 0);
	b.ro = true;
	ck_assert(virtio_blk_features(&b) & (1ULL << VIRTIO_BLK_F_RO));
}
END_TEST

START_TEST(test_in)
{
	set_hdr(VIRTIO_BLK_T_IN, 3);
	/* the header in two pieces, the data in two, the status right after the data */
	add_out(hdr, 8);
	add_out(hdr + 8, 8);
	add_in(data, 512);
	add_in(data + 512, 513);
	ck_assert_uint_eq(virtio_blk_request(&b, &c), 1025);
	ck_assert_uint_eq(data[0], 4);
	ck_assert_uint_eq(data[511], 4);
	ck_assert_uint_eq(data[512], 5);
	ck_assert_uint_eq(data[1023], 5);
	ck_assert_uint_eq(data[1024], VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(test_out)
{
	memset(data, 0x5a, 1024);
	set_hdr(VIRTIO_BLK_T_OUT, IMG_SECTORS - 2);	/* the last two sectors */
	add_out(hdr, 16);
	add_out(data, 1024);
	add_in(status, 1);
	ck_assert_uint_eq(virtio_blk_request(&b, &c), 1);
	ck_assert_uint_eq(status[0], VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(image_byte((IMG_SECTORS - 2) * 512), 0x5a);
	ck_assert_uint_eq(image_byte(IMG_SECTORS * 512 - 1), 0x5a);
	ck_assert_uint_eq(image_byte((IMG_SECTORS - 2) * 512 - 1), IMG_SECTORS - 2);
	ck_assert_int_eq(image_size(), IMG_SECTORS * 512);
}
END_TEST

static void expect_status(uint8_t want, uint32_t used)
{
	ck_assert_uint_eq(virtio_blk_request(&b, &c), used);
	ck_assert_uint_eq(status[0], want);
}

START_TEST(test_out_refused)
{
	static const struct {
		uint64_t sector;
		size_t len;
	} bad[] = {
		{ IMG_SECTORS - 1, 1024 },	/* one sector past the end */
		{ IMG_SECTORS, 512 },
		{ UINT64_MAX, 512 },		/* sector * 512 overflows */
		{ UINT64_MAX / 512 + 1, 512 },
		{ 0, 100 },			/* not whole sectors */
	};

	memset(data, 0x77, sizeof(data));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0, sizeof(c));
		set_hdr(VIRTIO_BLK_T_OUT, bad[i].sector);
		add_out(hdr, 16);
		add_out(data, bad[i].len);
		add_in(status, 1);
		expect_status(VIRTIO_BLK_S_IOERR, 1);
	}
	/* read-only */
	b.ro = true;
	memset(&c, 0, sizeof(c));
	set_hdr(VIRTIO_BLK_T_OUT, 0);
	add_out(hdr, 16);
	add_out(data, 512);
	add_in(status, 1);
	expect_status(VIRTIO_BLK_S_IOERR, 1);
	/* data in the wrong direction: writable bytes besides the status */
	b.ro = false;
	memset(&c, 0, sizeof(c));
	add_out(hdr, 16);
	add_in(data, 512);
	add_in(status, 1);
	expect_status(VIRTIO_BLK_S_IOERR, 1);
	for (off_t off = 0; off < IMG_SECTORS * 512; off += 509)
		ck_assert_uint_ne(image_byte(off), 0x77);
	ck_assert_int_eq(image_size(), IMG_SECTORS * 512);
	ck_assert_uint_eq(b.nr_errors, 7);
}
END_TEST

START_TEST(test_in_refused)
{
	set_hdr(VIRTIO_BLK_T_IN, IMG_SECTORS);
	add_out(hdr, 16);
	add_in(data, 512);
	add_in(status, 1);
	expect_status(VIRTIO_BLK_S_IOERR, 1);
	ck_assert_uint_eq(data[0], 0xee);
	/* readable data after the header: wrong direction */
	memset(&c, 0, sizeof(c));
	set_hdr(VIRTIO_BLK_T_IN, 0);
	add_out(hdr, 16);
	add_out(data + 4096, 512);
	add_in(data, 512);
	add_in(status, 1);
	expect_status(VIRTIO_BLK_S_IOERR, 1);
	ck_assert_uint_eq(data[0], 0xee);
	/* a short header */
	memset(&c, 0, sizeof(c));
	add_out(hdr, 15);
	add_in(status, 1);
	expect_status(VIRTIO_BLK_S_IOERR, 1);
	/* no header at all */
	memset(&c, 0, sizeof(c));
	add_in(status, 1);
	expect_status(VIRTIO_BLK_S_IOERR, 1);
	ck_assert_int_eq(image_size(), IMG_SECTORS * 512);
}
END_TEST

START_TEST(test_no_status_byte)
{
	set_hdr(VIRTIO_BLK_T_OUT, 0);
	add_out(hdr, 16);
	add_out(data, 512);
	ck_assert_uint_eq(virtio_blk_request(&b, &c), 0);
	ck_assert_uint_eq(image_byte(0), 1);
}
END_TEST

START_TEST(test_flush_getid_unsupp)
{
	uint8_t id[21];

	set_hdr(VIRTIO_BLK_T_FLUSH, 0);
	add_out(hdr, 16);
	add_in(status, 1);
	expect_status(VIRTIO_BLK_S_OK, 1);
	ck_assert_uint_eq(b.nr_flushes, 1);

	memset(&c, 0, sizeof(c));
	memset(id, 0xee, sizeof(id));
	set_hdr(VIRTIO_BLK_T_GET_ID, 0);
	add_out(hdr, 16);
	add_in(id, 10);
	add_in(id + 10, 11);
	ck_assert_uint_eq(virtio_blk_request(&b, &c), 21);
	ck_assert_int_eq(memcmp(id, "serial-of-this-disk-", 20), 0);
	ck_assert_uint_eq(id[20], VIRTIO_BLK_S_OK);

	/* a short buffer gets what fits */
	memset(&c, 0, sizeof(c));
	memset(id, 0xee, sizeof(id));
	add_out(hdr, 16);
	add_in(id, 5);
	ck_assert_uint_eq(virtio_blk_request(&b, &c), 5);
	ck_assert_int_eq(memcmp(id, "seri", 4), 0);
	ck_assert_uint_eq(id[4], VIRTIO_BLK_S_OK);

	static const uint32_t unknown[] = { 2, 3, 11, 13, 14, 0x80000000, 0xffffffff };

	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		memset(&c, 0, sizeof(c));
		set_hdr(unknown[i], 0);
		add_out(hdr, 16);
		add_in(status, 1);
		expect_status(VIRTIO_BLK_S_UNSUPP, 1);
	}
}
END_TEST

START_TEST(test_short_serial)
{
	uint8_t id[21];

	virtio_blk_init(&b, fd, IMG_SECTORS * 512, false, "vda");
	set_hdr(VIRTIO_BLK_T_GET_ID, 0);
	add_out(hdr, 16);
	add_in(id, 21);
	ck_assert_uint_eq(virtio_blk_request(&b, &c), 21);
	ck_assert_str_eq((char *)id, "vda");
	for (int i = 3; i < 20; i++)
		ck_assert_uint_eq(id[i], 0);
}
END_TEST

static Suite *virtio_blk_suite(void)
{
	Suite *s = suite_create("virtio_blk");
	TCase *tc = tcase_create("requests");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_features_config);
	tcase_add_test(tc, test_in);
	tcase_add_test(tc, test_out);
	tcase_add_test(tc, test_out_refused);
	tcase_add_test(tc, test_in_refused);
	tcase_add_test(tc, test_no_status_byte);
	tcase_add_test(tc, test_flush_getid_unsupp);
	tcase_add_test(tc, test_short_serial);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(virtio_blk_suite());
}
