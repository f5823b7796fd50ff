// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtq: the split ring's checks over a fake guest RAM: setup (size, alignment,
 * rings inside RAM), good chains, every bad chain completed with the head
 * returned (loops, next out of range, buffers outside RAM or wrapping,
 * readable after writable, indirect), a broken queue on an avail index jump
 * or a head out of range, used ring updates and NO_INTERRUPT.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pinvm/virtq.h"
#include "virtio_fake.h"

static struct fake *f;
static struct virtq q;
static struct virtq_chain c;

static void setup(void)
{
	f = aligned_alloc(4096, sizeof(*f));
	ck_assert_ptr_nonnull(f);
	fake_init(f);
}

static void teardown(void)
{
	free(f);
}

START_TEST(test_gpa_to_hva)
{
	ck_assert_ptr_eq(virtq_gpa_to_hva(&f->mem, FAKE_GPA, 1), f->ram);
	ck_assert_ptr_eq(virtq_gpa_to_hva(&f->mem, FAKE_GPA + FAKE_SIZE - 4, 4),
			 f->ram + FAKE_SIZE - 4);
	ck_assert_ptr_null(virtq_gpa_to_hva(&f->mem, FAKE_GPA + FAKE_SIZE - 4, 5));
	ck_assert_ptr_null(virtq_gpa_to_hva(&f->mem, FAKE_GPA - 1, 2));
	ck_assert_ptr_null(virtq_gpa_to_hva(&f->mem, FAKE_GPA, 0));
	ck_assert_ptr_null(virtq_gpa_to_hva(&f->mem, FAKE_GPA + 8, UINT64_MAX));
	ck_assert_ptr_null(virtq_gpa_to_hva(&f->mem, UINT64_MAX - 3, 8));
}
END_TEST

START_TEST(test_setup_checks)
{
	static const uint16_t bad_sizes[] = { 0, 3, 6, 255 };

	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		ck_assert_int_eq(fake_queue(f, &q, bad_sizes[i]), -EINVAL);
		ck_assert(!q.ready);
	}
	/* above the maximum */
	virtq_reset(&q);
	q.size = 512;
	q.desc_gpa = FAKE_DESC;
	q.avail_gpa = FAKE_AVAIL;
	q.used_gpa = FAKE_USED;
	ck_assert_int_eq(virtq_setup(&q, &f->mem, VIRTQ_MAX_SIZE), -EINVAL);
	/* misaligned rings */
	q.size = 8;
	q.desc_gpa = FAKE_DESC + 8;
	ck_assert_int_eq(virtq_setup(&q, &f->mem, VIRTQ_MAX_SIZE), -EINVAL);
	q.desc_gpa = FAKE_DESC;
	q.avail_gpa = FAKE_AVAIL + 1;
	ck_assert_int_eq(virtq_setup(&q, &f->mem, VIRTQ_MAX_SIZE), -EINVAL);
	q.avail_gpa = FAKE_AVAIL;
	q.used_gpa = FAKE_USED + 2;
	ck_assert_int_eq(virtq_setup(&q, &f->mem, VIRTQ_MAX_SIZE), -EINVAL);
	/* a ring that runs past RAM, one outside, one that wraps */
	q.used_gpa = FAKE_GPA + FAKE_SIZE - 16;
	ck_assert_int_eq(virtq_setup(&q, &f->mem, VIRTQ_MAX_SIZE), -EINVAL);
	q.used_gpa = 0x1000;
	ck_assert_int_eq(virtq_setup(&q, &f->mem, VIRTQ_MAX_SIZE), -EINVAL);
	q.used_gpa = 0xfffffffffffffff0ULL;
	ck_assert_int_eq(virtq_setup(&q, &f->mem, VIRTQ_MAX_SIZE), -EINVAL);
	ck_assert(!q.ready);
	q.used_gpa = FAKE_USED;
	ck_assert_int_eq(virtq_setup(&q, &f->mem, VIRTQ_MAX_SIZE), 0);
	ck_assert(q.ready);
	ck_assert_int_eq(fake_queue(f, &q, 256), 0);
}
END_TEST

START_TEST(test_good_chain)
{
	uint32_t id, len;

	ck_assert_int_eq(fake_queue(f, &q, 8), 0);
	ck_assert_int_eq(virtq_pop(&q, &c), 0);
	fake_desc(f, 5, FAKE_BUF, 16, VRING_DESC_F_NEXT, 2);
	fake_desc(f, 2, FAKE_BUF + 0x100, 0, VRING_DESC_F_NEXT, 7);	/* zero length: skipped */
	fake_desc(f, 7, FAKE_BUF + 0x200, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 0);
	fake_desc(f, 0, FAKE_BUF + 0x400, 1, VRING_DESC_F_WRITE, 0);
	fake_avail(f, 8, 5);
	ck_assert_int_eq(virtq_pop(&q, &c), 1);
	ck_assert_uint_eq(c.head, 5);
	ck_assert_uint_eq(c.nr_out, 1);
	ck_assert_uint_eq(c.nr_in, 2);
	ck_assert_ptr_eq(c.out[0].iov_base, fake_ptr(f, FAKE_BUF));
	ck_assert_uint_eq(c.out_len, 16);
	ck_assert_uint_eq(c.in_len, 513);
	ck_assert_ptr_eq(c.in[1].iov_base, fake_ptr(f, FAKE_BUF + 0x400));
	ck_assert_int_eq(virtq_pop(&q, &c), 0);
	virtq_push(&q, 5, 513);
	ck_assert_uint_eq(fake_used_idx(f), 1);
	fake_used(f, 8, 0, &id, &len);
	ck_assert_uint_eq(id, 5);
	ck_assert_uint_eq(len, 513);
	ck_assert(virtq_want_interrupt(&q));
	*(uint16_t *)fake_ptr(f, FAKE_AVAIL) = VRING_AVAIL_F_NO_INTERRUPT;
	ck_assert(!virtq_want_interrupt(&q));
}
END_TEST

/* The chain at head 0 is bad: it is taken (the index moves on) and can be returned. */
static void expect_bad(void)
{
	uint16_t before = q.last_avail;

	fake_avail(f, 8, 0);
	ck_assert_int_eq(virtq_pop(&q, &c), -EBADMSG);
	ck_assert_uint_eq(c.head, 0);
	ck_assert_uint_eq(q.last_avail, (uint16_t)(before + 1));
	virtq_push(&q, c.head, 0);
	ck_assert(!q.broken);
	ck_assert_int_eq(virtq_pop(&q, &c), 0);
}

START_TEST(test_bad_chains)
{
	ck_assert_int_eq(fake_queue(f, &q, 8), 0);
	/* a loop 0 -> 1 -> 0 */
	fake_desc(f, 0, FAKE_BUF, 16, VRING_DESC_F_NEXT, 1);
	fake_desc(f, 1, FAKE_BUF, 16, VRING_DESC_F_NEXT, 0);
	expect_bad();
	/* a self loop of zero-length descriptors */
	fake_desc(f, 0, FAKE_BUF, 0, VRING_DESC_F_NEXT, 0);
	expect_bad();
	/* next out of range */
	fake_desc(f, 0, FAKE_BUF, 16, VRING_DESC_F_NEXT, 8);
	expect_bad();
	/* a buffer past the end of RAM, before it, wrapping */
	fake_desc(f, 0, FAKE_GPA + FAKE_SIZE - 8, 16, 0, 0);
	expect_bad();
	fake_desc(f, 0, FAKE_GPA - 512, 16, 0, 0);
	expect_bad();
	fake_desc(f, 0, 0xfffffffffffffff0ULL, 0x20, 0, 0);
	expect_bad();
	fake_desc(f, 0, FAKE_BUF, 0xffffffff, 0, 0);
	expect_bad();
	/* device-readable after device-writable */
	fake_desc(f, 0, FAKE_BUF, 16, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	fake_desc(f, 1, FAKE_BUF, 16, 0, 0);
	expect_bad();
	/* indirect: not negotiated */
	fake_desc(f, 0, FAKE_BUF, 16, VRING_DESC_F_INDIRECT, 0);
	expect_bad();
	ck_assert_uint_eq(fake_used_idx(f), 9);
}
END_TEST

START_TEST(test_longest_chain)
{
	ck_assert_int_eq(fake_queue(f, &q, 8), 0);
	/* 8 descriptors in a chain: allowed; the chain of 9 can only be a loop */
	for (uint16_t i = 0; i < 8; i++)
		fake_desc(f, i, FAKE_BUF + 16 * i, 16, i < 7 ? VRING_DESC_F_NEXT : 0, i + 1);
	fake_avail(f, 8, 0);
	ck_assert_int_eq(virtq_pop(&q, &c), 1);
	ck_assert_uint_eq(c.nr_out, 8);
	ck_assert_uint_eq(c.out_len, 128);
}
END_TEST

START_TEST(test_avail_jump)
{
	ck_assert_int_eq(fake_queue(f, &q, 8), 0);
	fake_set_avail_idx(f, 9);
	ck_assert_int_eq(virtq_pop(&q, &c), -EPROTO);
	ck_assert(q.broken);
	fake_set_avail_idx(f, 1);
	ck_assert_int_eq(virtq_pop(&q, &c), -EPROTO);	/* stays broken until a reset */
	ck_assert_uint_eq(fake_used_idx(f), 0);
	/* a reset and setup again: it works */
	fake_init(f);
	ck_assert_int_eq(fake_queue(f, &q, 8), 0);
	fake_desc(f, 0, FAKE_BUF, 16, 0, 0);
	fake_avail(f, 8, 0);
	ck_assert_int_eq(virtq_pop(&q, &c), 1);
}
END_TEST

START_TEST(test_avail_full_and_wrap)
{
	ck_assert_int_eq(fake_queue(f, &q, 4), 0);
	fake_desc(f, 0, FAKE_BUF, 16, 0, 0);
	/* index arithmetic is modulo 2^16: start just below the wrap */
	q.last_avail = 0xfffe;
	q.used_idx = 0xfffe;
	fake_set_avail_idx(f, 0xfffe);
	for (int i = 0; i < 4; i++)
		fake_avail(f, 4, 0);	/* exactly size ahead: allowed */
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(virtq_pop(&q, &c), 1);
		virtq_push(&q, c.head, 0);
	}
	ck_assert_int_eq(virtq_pop(&q, &c), 0);
	ck_assert_uint_eq(fake_used_idx(f), 2);
}
END_TEST

START_TEST(test_head_out_of_range)
{
	ck_assert_int_eq(fake_queue(f, &q, 8), 0);
	fake_avail(f, 8, 8);
	ck_assert_int_eq(virtq_pop(&q, &c), -EPROTO);
	ck_assert(q.broken);
	ck_assert_uint_eq(fake_used_idx(f), 0);
}
END_TEST

START_TEST(test_not_ready)
{
	virtq_reset(&q);
	ck_assert_int_eq(virtq_pop(&q, &c), 0);
}
END_TEST

static Suite *virtq_suite(void)
{
	Suite *s = suite_create("virtq");
	TCase *tc = tcase_create("ring");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_gpa_to_hva);
	tcase_add_test(tc, test_setup_checks);
	tcase_add_test(tc, test_good_chain);
	tcase_add_test(tc, test_bad_chains);
	tcase_add_test(tc, test_longest_chain);
	tcase_add_test(tc, test_avail_jump);
	tcase_add_test(tc, test_avail_full_and_wrap);
	tcase_add_test(tc, test_head_out_of_range);
	tcase_add_test(tc, test_not_ready);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(virtq_suite());
}
