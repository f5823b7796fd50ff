// SPDX-License-Identifier: GPL-2.0-only
/*
 * disk: opening (every refusal with its message: missing, directory, empty,
 * not whole sectors, read-only file for a writable disk, an image another
 * open file has locked); the whole device with its I/O thread over a fake
 * guest RAM and no VM: requests served in order from a kick with an
 * interrupt, a reset while requests keep coming, a stop that syncs a
 * writable image (and not a read-only one), a restart that serves again;
 * snapshots: a frozen disk takes no request, its state saved and loaded
 * into a fresh device on the same image goes on with the guest's queue
 * (the request queued at the snapshot is served after it), a changed size
 * or mode is refused (the parser's refusals: check_diskstate).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#include "harness.h"
#include "pinvm/disk.h"
#include "virtio_fake.h"

static char *dir, *img;
static char why[512];
static struct disk d, d2;
static struct fake *f;

static void setup(void)
{
	uint8_t buf[64 * 512];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i / 512 + 1);
	dir = harness_tmpdir();
	img = harness_path(dir, "disk.img");
	ck_assert_int_eq(harness_write_file(img, buf, sizeof(buf)), 0);
	f = aligned_alloc(4096, sizeof(*f));
	ck_assert_ptr_nonnull(f);
	fake_init(f);
	why[0] = '\0';
}

static void teardown(void)
{
	harness_rmtree(dir);
	free(img);
	free(dir);
	free(f);
}

static int open_one(struct disk *x, const char *path, bool ro)
{
	disk_init(x, path, ro, 0);
	return disk_open(x, why, sizeof(why));
}

START_TEST(test_open_refusals)
{
	char *p = harness_path(dir, "missing.img");

	ck_assert_int_eq(open_one(&d, p, false), -ENOENT);
	ck_assert_ptr_nonnull(strstr(why, "cannot open it: No such file"));
	disk_close(&d);
	ck_assert_int_eq(open_one(&d, dir, true), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "not a regular file"));
	disk_close(&d);
	free(p);
	p = harness_path(dir, "odd.img");
	ck_assert_int_eq(harness_write_file(p, "x", 1), 0);
	ck_assert_int_eq(open_one(&d, p, false), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "(1 bytes) is not a positive multiple of 512"));
	disk_close(&d);
	ck_assert_int_eq(harness_write_file(p, "", 0), 0);
	ck_assert_int_eq(open_one(&d, p, false), -EINVAL);
	disk_close(&d);
	free(p);
	/* a read-only file for a writable disk (root may write it anyway) */
	if (geteuid() != 0) {
		ck_assert_int_eq(chmod(img, 0444), 0);
		ck_assert_int_eq(open_one(&d, img, false), -EACCES);
		ck_assert_ptr_nonnull(strstr(why, "',ro' attaches it read-only"));
		disk_close(&d);
		ck_assert_int_eq(open_one(&d, img, true), 0);
		disk_close(&d);
	}
}
END_TEST

START_TEST(test_locks)
{
	/* rw + rw, rw + ro, ro + rw: in use; ro + ro: shared */
	static const bool pairs[][2] = { { false, false }, { false, true }, { true, false } };

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		ck_assert_int_eq(open_one(&d, img, pairs[i][0]), 0);
		ck_assert_int_eq(open_one(&d2, img, pairs[i][1]), -EAGAIN);
		ck_assert_ptr_nonnull(strstr(why, "the image is in use"));
		ck_assert_ptr_nonnull(strstr(why, "do not name their holder"));
		disk_close(&d2);
		disk_close(&d);
	}
	ck_assert_int_eq(open_one(&d, img, true), 0);
	ck_assert_int_eq(open_one(&d2, img, true), 0);
	disk_close(&d2);
	disk_close(&d);
	/* closed: free again */
	ck_assert_int_eq(open_one(&d, img, false), 0);
	disk_close(&d);
}
END_TEST

static uint32_t rd(uint64_t off)
{
	uint32_t v;

	disk_mmio(&d, off, (uint8_t *)&v, 4, false);
	return v;
}

/* d.busy as the I/O thread leaves it: read under the disk's lock. */
static bool disk_busy(void)
{
	bool b;

	pthread_mutex_lock(&d.lock);
	b = d.busy;
	pthread_mutex_unlock(&d.lock);
	return b;
}

static void wr(uint64_t off, uint32_t v)
{
	disk_mmio(&d, off, (uint8_t *)&v, 4, true);
}

static void driver_up(void)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1U << VIRTIO_BLK_F_FLUSH);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_FEATURES_OK);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)FAKE_DESC);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(FAKE_DESC >> 32));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)FAKE_AVAIL);
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)FAKE_USED);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_DRIVER_OK);
}

/* Request @slot (descriptors 3*slot..+2): @type at @sector, 512 bytes at buffer @slot. */
static void request(uint16_t slot, uint32_t type, uint64_t sector)
{
	uint64_t h = FAKE_BUF + 0x40 * slot, data = FAKE_BUF + 0x1000 + 512 * slot;
	uint64_t st = FAKE_BUF + 0x800 + slot;
	uint8_t *hp = fake_ptr(f, h);
	uint16_t i = (uint16_t)(3 * slot);

	memset(hp, 0, 16);
	memcpy(hp, &type, 4);
	memcpy(hp + 8, &sector, 8);
	*(uint8_t *)fake_ptr(f, st) = 0xee;
	fake_desc(f, i, h, 16, VRING_DESC_F_NEXT, i + 1);
	fake_desc(f, i + 1, data, 512,
		  VRING_DESC_F_NEXT | (type == VIRTIO_BLK_T_IN ? VRING_DESC_F_WRITE : 0), i + 2);
	fake_desc(f, i + 2, st, 1, VRING_DESC_F_WRITE, 0);
	fake_avail(f, 8, i);
}

static void kick(void)
{
	uint64_t one = 1;

	ck_assert_int_eq(write(d.kick_fd, &one, 8), 8);
}

/* Wait (at most 10 s) until the used index is @n and an interrupt came. */
static void wait_used(uint16_t n)
{
	for (int i = 0; i < 10000 && fake_used_idx(f) != n; i++)
		usleep(1000);
	ck_assert_uint_eq(fake_used_idx(f), n);
}

static void attach_and_start(bool ro)
{
	ck_assert_int_eq(open_one(&d, img, ro), 0);
	ck_assert_int_eq(disk_attach(&d, -1, 0x3000000, 1, &f->mem, why, sizeof(why)), 0);
	ck_assert_int_eq(disk_start(&d), 0);
}

START_TEST(test_io_thread)
{
	struct pollfd pfd;
	uint64_t n;

	attach_and_start(false);
	driver_up();
	request(0, VIRTIO_BLK_T_IN, 5);
	request(1, VIRTIO_BLK_T_OUT, 7);
	kick();
	wait_used(2);
	ck_assert_uint_eq(*(uint8_t *)fake_ptr(f, FAKE_BUF + 0x800), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(*(uint8_t *)fake_ptr(f, FAKE_BUF + 0x1000), 6);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & 1, 1);
	pfd = (struct pollfd){ .fd = d.irq_fd, .events = POLLIN };
	ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
	ck_assert_int_eq(read(d.irq_fd, &n, 8), 8);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, 1);

	/* a reset with requests coming: each is complete or never started */
	for (int round = 0; round < 50; round++) {
		/* nothing in flight, and the thread off the rings, before they are wiped */
		wr(VIRTIO_MMIO_STATUS, 0);
		fake_init(f);
		driver_up();
		for (uint16_t s = 0; s < 2; s++)
			request(s, VIRTIO_BLK_T_OUT, s);
		kick();
		wr(VIRTIO_MMIO_STATUS, 0);	/* returns once nothing is in flight */
		ck_assert(!disk_busy());
		ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
		ck_assert_uint_le(fake_used_idx(f), 2);
	}

	/* a stop: nothing more is served until the reset of a restart; the image is synced */
	fake_init(f);
	driver_up();
	ck_assert_int_eq(disk_stop(&d, DISK_WAIT_MS), 0);
	ck_assert_uint_eq(d.syncs, 1);
	request(0, VIRTIO_BLK_T_IN, 1);
	kick();
	usleep(100000);
	ck_assert_uint_eq(fake_used_idx(f), 0);
	disk_reset(&d);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	fake_init(f);
	driver_up();
	request(0, VIRTIO_BLK_T_IN, 1);
	kick();
	wait_used(1);
	disk_close(&d);
}
END_TEST

START_TEST(test_ro_no_sync)
{
	attach_and_start(true);
	driver_up();
	request(0, VIRTIO_BLK_T_OUT, 0);
	kick();
	wait_used(1);
	ck_assert_uint_eq(*(uint8_t *)fake_ptr(f, FAKE_BUF + 0x800), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(disk_stop(&d, DISK_WAIT_MS), 0);
	ck_assert_uint_eq(d.syncs, 0);
	disk_close(&d);
}
END_TEST

START_TEST(test_broken_queue)
{
	attach_and_start(false);
	driver_up();
	fake_set_avail_idx(f, 100);	/* a jump: the queue breaks, NEEDS_RESET */
	kick();
	for (int i = 0; i < 10000 && !(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET); i++)
		usleep(1000);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & 2, 2);
	ck_assert_uint_eq(fake_used_idx(f), 0);
	/* a reset heals it */
	fake_init(f);
	driver_up();
	request(0, VIRTIO_BLK_T_IN, 1);
	kick();
	wait_used(1);
	disk_close(&d);
}
END_TEST

/*
 * A reset while the I/O thread is inside a request (a 16 MiB read): the
 * Status = 0 write returns only once that request is complete (its used
 * element is there) and the thread is idle.
 */
START_TEST(test_reset_waits_for_request)
{
	const uint64_t big = 16ULL << 20, gpa = 0x80000000ULL;
	uint8_t *ram = aligned_alloc(4096, big + 0x10000);
	struct virtq_mem mem = { .hva = ram, .gpa = gpa, .size = big + 0x10000 };
	struct { uint64_t addr; uint32_t len; uint16_t flags, next; } *desc;
	uint16_t *avail, *used_idx;
	uint8_t *hdr;
	char *bigimg = harness_path(dir, "big.img");
	int fd;

	ck_assert_ptr_nonnull(ram);
	memset(ram, 0, 0x10000);
	fd = open(bigimg, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)big), 0);
	close(fd);
	ck_assert_int_eq(open_one(&d, bigimg, false), 0);
	ck_assert_int_eq(disk_attach(&d, -1, 0x3000000, 1, &mem, why, sizeof(why)), 0);
	ck_assert_int_eq(disk_start(&d), 0);
	/* rings at +0x1000, +0x2000, +0x3000; header +0x4000, status +0x4100, data from +0x10000 */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_FEATURES_OK);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(gpa + 0x1000));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)(gpa + 0x2000));
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)(gpa + 0x3000));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_DRIVER_OK);
	ck_assert(virtio_mmio_live(&d.t));
	desc = (void *)(ram + 0x1000);
	avail = (uint16_t *)(ram + 0x2000);
	used_idx = (uint16_t *)(ram + 0x3002);
	hdr = ram + 0x4000;
	memset(hdr, 0, 16);	/* IN, sector 0 */
	desc[0].addr = gpa + 0x4000;
	desc[0].len = 16;
	desc[0].flags = VRING_DESC_F_NEXT;
	desc[0].next = 1;
	desc[1].addr = gpa + 0x10000;
	desc[1].len = (uint32_t)big;
	desc[1].flags = VRING_DESC_F_NEXT | VRING_DESC_F_WRITE;
	desc[1].next = 2;
	desc[2].addr = gpa + 0x4100;
	desc[2].len = 1;
	desc[2].flags = VRING_DESC_F_WRITE;
	avail[2] = 0;
	__atomic_store_n(&avail[1], 1, __ATOMIC_RELEASE);
	kick();
	/* the I/O thread took it (busy is read under the lock, as disk.c writes it) */
	for (int i = 0; i < 100000 && !disk_busy() && !__atomic_load_n(used_idx, __ATOMIC_RELAXED); i++)
		usleep(10);
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(__atomic_load_n(used_idx, __ATOMIC_ACQUIRE), 1);
	ck_assert(!disk_busy());
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	disk_close(&d);
	free(bigimg);
	free(ram);
}
END_TEST

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A request "in flight" (busy, as the I/O thread sets it) that ends after 100 ms. */
static void *end_request_later(void *arg)
{
	struct disk *x = arg;

	usleep(100000);
	pthread_mutex_lock(&x->lock);
	x->busy = false;
	pthread_cond_broadcast(&x->idle);
	pthread_mutex_unlock(&x->lock);
	return NULL;
}

/*
 * A request stuck in the kernel (a hung NFS server, a FUSE daemon that does
 * not answer) holds a stop or a snapshot only until the wait's end: the
 * stop says -ETIMEDOUT and marks the disk stuck, without an fdatasync. The
 * stuck preadv is simulated: busy set as the I/O thread sets it around one.
 */
START_TEST(test_stuck_request_bounded)
{
	pthread_t t;
	long long t0, took;

	/* No I/O thread and no live queue: nothing but the test sets or clears busy. */
	ck_assert_int_eq(open_one(&d, img, false), 0);
	ck_assert_int_eq(disk_attach(&d, -1, 0x3000000, 1, &f->mem, why, sizeof(why)), 0);
	pthread_mutex_lock(&d.lock);
	d.busy = true;
	pthread_mutex_unlock(&d.lock);

	t0 = mono_ms();
	ck_assert_int_eq(disk_freeze(&d, 200), -ETIMEDOUT);
	took = mono_ms() - t0;
	ck_assert_int_ge(took, 200);
	ck_assert_int_lt(took, 2000);
	disk_thaw(&d);

	t0 = mono_ms();
	ck_assert_int_eq(disk_stop(&d, 300), -ETIMEDOUT);
	took = mono_ms() - t0;
	ck_assert_int_ge(took, 300);
	ck_assert_int_lt(took, 2000);
	ck_assert(d.stuck);
	ck_assert_uint_eq(d.syncs, 0);

	/* the request comes back at last (a reset waits for it, unbounded) */
	pthread_mutex_lock(&d.lock);
	d.busy = false;
	pthread_mutex_unlock(&d.lock);
	disk_reset(&d);
	d.stuck = false;
	/* a request that does come back within the wait: the stop waits for it, then syncs */
	pthread_mutex_lock(&d.lock);
	d.busy = true;
	pthread_mutex_unlock(&d.lock);
	t0 = mono_ms();
	ck_assert_int_eq(pthread_create(&t, NULL, end_request_later, &d), 0);
	ck_assert_int_eq(disk_stop(&d, DISK_WAIT_MS), 0);
	took = mono_ms() - t0;
	ck_assert_int_ge(took, 100);
	ck_assert_int_lt(took, DISK_WAIT_MS);
	ck_assert(!d.stuck);
	ck_assert_uint_eq(d.syncs, 1);
	pthread_join(t, NULL);
	disk_close(&d);
}
END_TEST

static uint8_t *save_state(size_t *len)
{
	uint8_t *buf;

	*len = disk_state_size(&d);
	buf = malloc(*len);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(disk_state_save(&d, buf, *len), 0);
	return buf;
}

START_TEST(test_snapshot_roundtrip)
{
	uint8_t sector[512], *buf;
	struct diskstate s;
	struct pollfd pfd;
	size_t len;
	uint64_t n;
	int fd;

	attach_and_start(false);
	driver_up();
	request(0, VIRTIO_BLK_T_IN, 5);
	kick();
	wait_used(1);
	/* frozen: the request the guest queues now stays in the ring */
	ck_assert_int_eq(disk_freeze(&d, DISK_WAIT_MS), 0);
	request(1, VIRTIO_BLK_T_OUT, 9);
	memset(fake_ptr(f, FAKE_BUF + 0x1000 + 512), 0xa5, 512);
	kick();
	usleep(100000);
	ck_assert_uint_eq(fake_used_idx(f), 1);
	buf = save_state(&len);
	ck_assert_int_eq(diskstate_parse(buf, len, &s, why, sizeof(why)), 0);
	ck_assert(!s.ro);
	ck_assert_uint_eq(s.size, 64 * 512);
	ck_assert_uint_eq(s.status & VIRTIO_CONFIG_S_DRIVER_OK, VIRTIO_CONFIG_S_DRIVER_OK);
	ck_assert(s.ready && !s.broken);
	ck_assert_uint_eq(s.qsize, 8);
	ck_assert_uint_eq(s.last_avail, 1);
	ck_assert_uint_eq(s.used_idx, 1);
	ck_assert_uint_eq(s.desc, FAKE_DESC);
	ck_assert_uint_eq(s.used, FAKE_USED);
	ck_assert_uint_eq(s.driver_features, 1ULL << 32 | 1U << VIRTIO_BLK_F_FLUSH);
	ck_assert_str_eq(s.path, img);
	disk_close(&d);

	/* restored: a new device on the same image, the guest's queue goes on */
	ck_assert_int_eq(open_one(&d, s.path, s.ro), 0);
	ck_assert_int_eq(disk_attach(&d, -1, 0x3000000, 1, &f->mem, why, sizeof(why)), 0);
	/* an interrupt the guest had not acknowledged (the saved vGIC may not show it) */
	s.isr = VIRTIO_MMIO_INT_VRING;
	ck_assert_int_eq(disk_state_load(&d, &s, why, sizeof(why)), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), s.status);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	pfd = (struct pollfd){ .fd = d.irq_fd, .events = POLLIN };
	ck_assert_int_eq(poll(&pfd, 1, 0), 1);	/* raised again at the load */
	ck_assert_int_eq(read(d.irq_fd, &n, 8), 8);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	ck_assert_int_eq(disk_start(&d), 0);
	wait_used(2);
	ck_assert_uint_eq(*(uint8_t *)fake_ptr(f, FAKE_BUF + 0x801), VIRTIO_BLK_S_OK);
	fd = open(img, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, sector, 512, 9 * 512), 512);
	close(fd);
	ck_assert_uint_eq(sector[0], 0xa5);
	ck_assert_uint_eq(sector[511], 0xa5);

	/* frozen and thawed: what was queued meanwhile is served */
	ck_assert_int_eq(disk_freeze(&d, DISK_WAIT_MS), 0);
	request(2, VIRTIO_BLK_T_IN, 3);
	kick();
	usleep(100000);
	ck_assert_uint_eq(fake_used_idx(f), 2);
	disk_thaw(&d);
	wait_used(3);
	disk_close(&d);
	free(buf);
}
END_TEST

START_TEST(test_snapshot_refusals)
{
	uint8_t *buf;
	struct diskstate s;
	size_t len;

	attach_and_start(false);
	driver_up();
	buf = save_state(&len);
	disk_close(&d);
	ck_assert_int_eq(diskstate_parse(buf, len, &s, why, sizeof(why)), 0);

	/* the image grew by a sector */
	ck_assert_int_eq(truncate(img, 65 * 512), 0);
	ck_assert_int_eq(open_one(&d, s.path, s.ro), 0);
	ck_assert_int_eq(disk_attach(&d, -1, 0x3000000, 1, &f->mem, why, sizeof(why)), 0);
	why[0] = '\0';
	ck_assert_int_eq(disk_state_load(&d, &s, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "is 33280 bytes, the snapshot's guest had 32768 (its size changed)"));
	disk_close(&d);
	ck_assert_int_eq(truncate(img, 64 * 512), 0);

	/* attached read-only, saved writable */
	ck_assert_int_eq(open_one(&d, s.path, true), 0);
	ck_assert_int_eq(disk_attach(&d, -1, 0x3000000, 1, &f->mem, why, sizeof(why)), 0);
	ck_assert_int_eq(disk_state_load(&d, &s, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "attached read-only, the snapshot's was writable"));
	disk_close(&d);

	free(buf);
}
END_TEST

static Suite *disk_suite(void)
{
	Suite *s = suite_create("disk");
	TCase *tc = tcase_create("open");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_refusals);
	tcase_add_test(tc, test_locks);
	suite_add_tcase(s, tc);

	tc = tcase_create("device");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_io_thread);
	tcase_add_test(tc, test_ro_no_sync);
	tcase_add_test(tc, test_broken_queue);
	tcase_add_test(tc, test_reset_waits_for_request);
	tcase_add_test(tc, test_stuck_request_bounded);
	tcase_add_test(tc, test_snapshot_roundtrip);
	tcase_add_test(tc, test_snapshot_refusals);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(disk_suite());
}
