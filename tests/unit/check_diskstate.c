// SPDX-License-Identifier: GPL-2.0-only
/*
 * diskstate: a disk's snapshot state encoded and parsed back field for
 * field (every field a value of its own); the parser's refusals: too short,
 * another version, a path whose length or NUL is wrong, reserved bytes or
 * flags out of range, a size that is not whole sectors.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "pinvm/diskstate.h"

static const struct diskstate sample = {
	.ro = true,
	.size = 7 * 512,
	.status = 0x0f,
	.isr = 3,
	.dev_feat_sel = 1,
	.drv_feat_sel = 2,
	.queue_sel = 5,
	.driver_features = 0x100000240ULL,
	.ready = true,
	.broken = true,
	.qsize = 128,
	.last_avail = 0xfffe,
	.used_idx = 0x1234,
	.desc = 0x40001000,
	.avail = 0x40002000,
	.used = 0x40003000,
	.path = "/srv/images/a b.img",
};

static char why[256];

START_TEST(test_roundtrip)
{
	uint8_t buf[256];
	size_t len = diskstate_size(&sample);
	struct diskstate s;

	ck_assert_uint_eq(len, DISKSTATE_FIXED + strlen(sample.path) + 1);
	ck_assert_int_eq(diskstate_encode(&sample, buf, len + 1), -EINVAL);
	ck_assert_int_eq(diskstate_encode(&sample, buf, len), 0);
	ck_assert_int_eq(diskstate_parse(buf, len, &s, why, sizeof(why)), 0);
	ck_assert(s.ro && s.ready && s.broken);
	ck_assert_uint_eq(s.size, sample.size);
	ck_assert_uint_eq(s.status, sample.status);
	ck_assert_uint_eq(s.isr, sample.isr);
	ck_assert_uint_eq(s.dev_feat_sel, sample.dev_feat_sel);
	ck_assert_uint_eq(s.drv_feat_sel, sample.drv_feat_sel);
	ck_assert_uint_eq(s.queue_sel, sample.queue_sel);
	ck_assert_uint_eq(s.driver_features, sample.driver_features);
	ck_assert_uint_eq(s.qsize, sample.qsize);
	ck_assert_uint_eq(s.last_avail, sample.last_avail);
	ck_assert_uint_eq(s.used_idx, sample.used_idx);
	ck_assert_uint_eq(s.desc, sample.desc);
	ck_assert_uint_eq(s.avail, sample.avail);
	ck_assert_uint_eq(s.used, sample.used);
	ck_assert_str_eq(s.path, sample.path);
	ck_assert_ptr_eq(s.path, (const char *)buf + DISKSTATE_FIXED);
}
END_TEST

/* @buf's copy with byte @at set to @v must be refused, with @msg in the reason. */
static void refused(const uint8_t *buf, size_t len, size_t at, uint8_t v, const char *msg)
{
	uint8_t bad[256];
	struct diskstate s;

	memcpy(bad, buf, len);
	bad[at] = v;
	why[0] = '\0';
	ck_assert_int_eq(diskstate_parse(bad, len, &s, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, msg), "byte %zu = %u: '%s' lacks '%s'", at, v, why, msg);
}

START_TEST(test_refusals)
{
	uint8_t buf[256];
	size_t len = diskstate_size(&sample);
	struct diskstate s;

	ck_assert_int_eq(diskstate_encode(&sample, buf, len), 0);
	ck_assert_int_eq(diskstate_parse(buf, DISKSTATE_FIXED - 1, &s, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "at least 96"));
	ck_assert_int_eq(diskstate_parse(buf, len - 1, &s, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "bad image path"));
	refused(buf, len, 0, 2, "version 2; this pinvm reads version 1");
	refused(buf, len, 4, 3, "out of range");		/* flags: bit 1 */
	refused(buf, len, 8, 1, "out of range");		/* size: not whole sectors */
	refused(buf, len, 17, 1, "out of range");		/* status above 0xff */
	refused(buf, len, 20, 4, "out of range");		/* InterruptStatus bit 2 */
	refused(buf, len, 36, 1, "out of range");		/* reserved */
	refused(buf, len, 48, 4, "out of range");		/* queue flags bit 2 */
	refused(buf, len, 58, 1, "out of range");		/* reserved */
	refused(buf, len, 60, 1, "out of range");		/* reserved */
	refused(buf, len, 92, 1, "out of range");		/* reserved */
	refused(buf, len, 88, (uint8_t)(len - DISKSTATE_FIXED + 1), "bad image path");
	refused(buf, len, len - 1, 'x', "bad image path");	/* no NUL at its end */
	refused(buf, len, DISKSTATE_FIXED, '\0', "bad image path");	/* a NUL inside */
	/* a size of 0 */
	{
		struct diskstate z = sample;
		uint8_t zb[256];

		z.size = 0;
		ck_assert_int_eq(diskstate_encode(&z, zb, len), 0);
		ck_assert_int_eq(diskstate_parse(zb, len, &s, why, sizeof(why)), -EINVAL);
	}
}
END_TEST

static Suite *diskstate_suite(void)
{
	Suite *s = suite_create("diskstate");
	TCase *tc = tcase_create("diskstate");

	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_refusals);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(diskstate_suite());
}
