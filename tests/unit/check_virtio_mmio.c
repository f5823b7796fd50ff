// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_mmio: the version-2 register file as Linux's driver drives it (the
 * handshake of virtio-hibernate.md §1.2), feature negotiation (FEATURES_OK
 * refused without VERSION_1 or with bits not offered), queue setup and its
 * checks (NEEDS_RESET and a config interrupt), queue registers frozen while
 * ready, resets (quiesce first, everything back to zero, any number of
 * times), interrupt status and ACK, odd accesses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#include "harness.h"
#include "pinvm/virtio_mmio.h"
#include "virtio_fake.h"

static struct fake *f;
static struct virtio_mmio t;
static int quiesces, kicks, irqs, cfg_reads;
static uint64_t cfg_off;

static void op_config(void *o, uint64_t off, uint8_t *data, unsigned int len)
{
	cfg_reads++;
	cfg_off = off;
	memset(data, 0xab, len);
}

static void op_quiesce(void *o)
{
	quiesces++;
}

static void op_kick(void *o)
{
	kicks++;
}

static void op_irq(void *o)
{
	irqs++;
}

static const struct virtio_mmio_ops ops = {
	.config_read = op_config, .quiesce = op_quiesce, .kick = op_kick, .interrupt = op_irq,
};

#define FEATURES (1ULL << VIRTIO_F_VERSION_1 | 1ULL << 9)

static void setup(void)
{
	f = aligned_alloc(4096, sizeof(*f));
	ck_assert_ptr_nonnull(f);
	fake_init(f);
	quiesces = kicks = irqs = cfg_reads = 0;
	virtio_mmio_init(&t, 2, FEATURES, &f->mem, &ops, NULL);
}

static void teardown(void)
{
	free(f);
}

static uint32_t rd(uint64_t off)
{
	uint32_t v;

	virtio_mmio_access(&t, off, (uint8_t *)&v, 4, false);
	return v;
}

static void wr(uint64_t off, uint32_t v)
{
	virtio_mmio_access(&t, off, (uint8_t *)&v, 4, true);
}

/* Linux's virtio_mmio + virtio_blk probe up to DRIVER_OK. */
static void handshake(uint32_t feat_lo, uint32_t feat_hi, bool expect_ok)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_DRIVER);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), FEATURES >> 32);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), (uint32_t)FEATURES);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, feat_hi);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, feat_lo);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_FEATURES_OK);
	ck_assert_uint_eq(!!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK), expect_ok);
	if (!expect_ok)
		return;
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTQ_MAX_SIZE);
	wr(VIRTIO_MMIO_QUEUE_NUM, 128);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)FAKE_DESC);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(FAKE_DESC >> 32));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)FAKE_AVAIL);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)FAKE_USED);
	wr(VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_DRIVER_OK);
}

START_TEST(test_ids)
{
	uint8_t b[8];

	ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_VERSION), 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
	/* not 32-bit, or misaligned: reads 0 */
	memset(b, 0xff, sizeof(b));
	virtio_mmio_access(&t, VIRTIO_MMIO_MAGIC_VALUE, b, 2, false);
	ck_assert_uint_eq(b[0] | b[1], 0);
	virtio_mmio_access(&t, 1, b, 4, false);
	ck_assert_uint_eq(b[0] | b[1] | b[2] | b[3], 0);
	virtio_mmio_access(&t, VIRTIO_MMIO_STATUS, b, 1, true);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	/* config space */
	virtio_mmio_access(&t, 0x108, b, 1, false);
	ck_assert_uint_eq(cfg_reads, 1);
	ck_assert_uint_eq(cfg_off, 8);
	ck_assert_uint_eq(b[0], 0xab);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
}
END_TEST

START_TEST(test_handshake)
{
	handshake((uint32_t)FEATURES, 1, true);
	ck_assert(virtio_mmio_live(&t));
	ck_assert_int_eq(kicks, 1);
	ck_assert_uint_eq(t.driver_features, FEATURES);
	ck_assert_uint_eq(t.vq.size, 128);
	/* queue layout is frozen while ready */
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0);
	ck_assert_uint_eq(t.vq.size, 128);
	ck_assert_uint_eq(t.vq.desc_gpa, FAKE_DESC);
	/* a notify of queue 0 kicks, of another queue does not */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	ck_assert_int_eq(kicks, 2);
	/* features stay once FEATURES_OK is set */
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	ck_assert_uint_eq(t.driver_features, FEATURES);
}
END_TEST

START_TEST(test_features_refused)
{
	handshake((uint32_t)FEATURES, 0, false);	/* no VERSION_1 */
	handshake((uint32_t)FEATURES | 1U << 28, 1, false);	/* INDIRECT_DESC was not offered */
	handshake(0, 1 | 1U << 3, false);	/* nor a high bit */
	handshake(0, 1, true);
}
END_TEST

START_TEST(test_bad_queue_needs_reset)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 100);	/* not a power of two */
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)FAKE_DESC);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(FAKE_DESC >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	ck_assert_int_eq(irqs, 1);
	/* the driver ORs bits in: NEEDS_RESET stays, the device is not live */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_DRIVER_OK);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	ck_assert(!virtio_mmio_live(&t));
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	handshake(0, 1, true);
	ck_assert(virtio_mmio_live(&t));
}
END_TEST

START_TEST(test_reset_many_times)
{
	for (int i = 1; i <= 20; i++) {
		handshake(0, 1, true);
		virtio_mmio_used(&t, true);
		ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
		/* freeze: Status = 0 first, then QueueReady = 0 reads back 0 */
		wr(VIRTIO_MMIO_STATUS, 0);
		ck_assert_int_eq(quiesces, 2 * i);	/* handshake's own reset, then this one */
		ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
		ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
		ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
		wr(VIRTIO_MMIO_QUEUE_READY, 0);
		ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
		ck_assert(!virtio_mmio_live(&t));
		ck_assert_uint_eq(t.vq.size, 0);
		ck_assert_uint_eq(t.driver_features, 0);
	}
	ck_assert_uint_eq(t.resets, 40);
}
END_TEST

START_TEST(test_queue_ready_zero_quiesces)
{
	handshake(0, 1, true);
	quiesces = 0;
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	ck_assert_int_eq(quiesces, 1);
	ck_assert(!virtio_mmio_live(&t));
	/* ready again: the rings are checked again and the queue starts over */
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert(virtio_mmio_live(&t));
}
END_TEST

START_TEST(test_interrupt_ack)
{
	virtio_mmio_used(&t, false);
	ck_assert_int_eq(irqs, 0);
	virtio_mmio_fail(&t);
	ck_assert_int_eq(irqs, 1);
	virtio_mmio_fail(&t);	/* once */
	ck_assert_int_eq(irqs, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 3);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 2);
}
END_TEST

static Suite *virtio_mmio_suite(void)
{
	Suite *s = suite_create("virtio_mmio");
	TCase *tc = tcase_create("registers");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ids);
	tcase_add_test(tc, test_handshake);
	tcase_add_test(tc, test_features_refused);
	tcase_add_test(tc, test_bad_queue_needs_reset);
	tcase_add_test(tc, test_reset_many_times);
	tcase_add_test(tc, test_queue_ready_zero_quiesces);
	tcase_add_test(tc, test_interrupt_ack);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(virtio_mmio_suite());
}
