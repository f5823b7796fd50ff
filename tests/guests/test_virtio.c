/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test=virtio: a driver of pinvm's virtio-blk device (vda, virtio-mmio at
 * 0x3000000) that misbehaves on purpose, polling the used ring (no
 * interrupts): good requests, then every kind of bad chain and bad queue
 * the device must survive (docs/guests.md lists the lines). Each bad chain
 * must come back (used.len 0 or an error status); a broken queue must set
 * NEEDS_RESET, and a reset must bring the device back. The MMU is off: the
 * rings are plain RAM at their link addresses.
 */
#include "args.h"
#include "cpu.h"
#include "lib.h"
#include "print.h"
#include "psci.h"
#include "tests.h"
#include "timer.h"

#define VB		0x03000000UL
#define R_MAGIC		0x000
#define R_VERSION	0x004
#define R_DEVICE	0x008
#define R_DEVFEAT	0x010
#define R_DEVFEATSEL	0x014
#define R_DRVFEAT	0x020
#define R_DRVFEATSEL	0x024
#define R_QSEL		0x030
#define R_QMAX		0x034
#define R_QNUM		0x038
#define R_QREADY	0x044
#define R_NOTIFY	0x050
#define R_ISR		0x060
#define R_ACK		0x064
#define R_STATUS	0x070
#define R_DESC		0x080
#define R_AVAIL		0x090
#define R_USED		0x0a0
#define R_CONFIG	0x100

#define S_ACK		1
#define S_DRIVER	2
#define S_DRIVER_OK	4
#define S_FEATURES_OK	8
#define S_NEEDS_RESET	0x40

#define D_NEXT		1
#define D_WRITE		2
#define D_INDIRECT	4

#define QSIZE		8

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static struct {
	struct desc desc[QSIZE] __attribute__((aligned(4096)));
	uint16_t avail[2 + QSIZE + 1] __attribute__((aligned(4096)));
	uint32_t used[1 + 2 * QSIZE + 1] __attribute__((aligned(4096)));
	uint8_t hdr[16] __attribute__((aligned(16)));
	uint8_t data[4096] __attribute__((aligned(512)));
	uint8_t status[8];
} vq __attribute__((aligned(4096)));

static uint16_t avail_idx, used_seen;
static unsigned int failures;

static uint32_t rd(unsigned int off)
{
	return mmio_read32(VB + off);
}

static void wr(unsigned int off, uint32_t v)
{
	mmio_write32(VB + off, v);
}

static void check(bool ok, const char *what)
{
	say("virtio: %s %s", what, ok ? "ok" : "FAILED");
	failures += !ok;
}

static void set_ring(unsigned int off, uint64_t gpa)
{
	wr(off, (uint32_t)gpa);
	wr(off + 4, (uint32_t)(gpa >> 32));
}

/* Reset, handshake, queue of @size at @desc/@avail/@used; true when live. */
static bool up_at(uint32_t size, uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(R_STATUS, 0);
	if (rd(R_STATUS) != 0)
		return false;
	memset(&vq, 0, sizeof(vq));
	avail_idx = used_seen = 0;
	wr(R_STATUS, S_ACK | S_DRIVER);
	wr(R_DRVFEATSEL, 1);
	wr(R_DRVFEAT, 1);		/* VERSION_1 */
	wr(R_DRVFEATSEL, 0);
	wr(R_DRVFEAT, 0);
	wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(rd(R_STATUS) & S_FEATURES_OK))
		return false;
	wr(R_QSEL, 0);
	wr(R_QNUM, size);
	set_ring(R_DESC, desc);
	set_ring(R_AVAIL, avail);
	set_ring(R_USED, used);
	wr(R_QREADY, 1);
	wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	return rd(R_QREADY) == 1 && !(rd(R_STATUS) & S_NEEDS_RESET);
}

static bool up(void)
{
	return up_at(QSIZE, (uintptr_t)vq.desc, (uintptr_t)vq.avail, (uintptr_t)vq.used);
}

static void set_desc(unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	vq.desc[i] = (struct desc){ addr, len, flags, next };
}

static void publish(uint16_t head)
{
	vq.avail[2 + avail_idx % QSIZE] = head;
	dsb_sy();
	avail_idx++;
	vq.avail[1] = avail_idx;
	dsb_sy();
	wr(R_NOTIFY, 0);
}

/* Wait (2 s) for the next used element: its len, or -1 when none came. */
static int64_t wait_used(void)
{
	uint64_t deadline = timer_deadline(2000);

	while (*(volatile uint16_t *)((uint8_t *)vq.used + 2) == used_seen) {
		if (timer_expired(deadline))
			return -1;
		cpu_relax();
	}
	dsb_sy();
	used_seen++;
	wr(R_ACK, rd(R_ISR));
	return ((volatile uint32_t *)vq.used)[1 + 2 * ((used_seen - 1) % QSIZE) + 1];
}

static void set_hdr(uint32_t type, uint64_t sector)
{
	memset(vq.hdr, 0, sizeof(vq.hdr));
	memcpy(vq.hdr, &type, 4);
	memcpy(vq.hdr + 8, &sector, 8);
}

/* A well-formed request: header, @len bytes of data (device-writable for @in), status. */
static int64_t request(uint32_t type, uint64_t sector, uint32_t len, bool in)
{
	set_hdr(type, sector);
	vq.status[0] = 0xee;
	set_desc(0, (uintptr_t)vq.hdr, 16, D_NEXT, 1);
	if (len) {
		set_desc(1, (uintptr_t)vq.data, len, D_NEXT | (in ? D_WRITE : 0), 2);
		set_desc(2, (uintptr_t)vq.status, 1, D_WRITE, 0);
	} else {
		set_desc(1, (uintptr_t)vq.status, 1, D_WRITE, 0);
	}
	publish(0);
	return wait_used();
}

/* A bad chain at head 0: it must come back (any used.len), the queue still live. */
static void bad_chain(const char *what)
{
	int64_t len;

	publish(0);
	len = wait_used();
	say("virtio: %s: used len %ld", what, len);
	check(len >= 0 && !(rd(R_STATUS) & S_NEEDS_RESET), what);
}

/* A broken queue: NEEDS_RESET and a config interrupt, then a reset brings it back. */
static void needs_reset(const char *what)
{
	uint64_t deadline = timer_deadline(2000);

	while (!(rd(R_STATUS) & S_NEEDS_RESET) && !timer_expired(deadline))
		cpu_relax();
	check((rd(R_STATUS) & S_NEEDS_RESET) && (rd(R_ISR) & 2), what);
	check(up() && request(0, 0, 512, true) == 513 && vq.status[0] == 0, "reset heals it");
}

void test_virtio(void)
{
	uint64_t cap, rounds = args_u64("resets", 20);
	int64_t len;

	say("virtio: magic 0x%x version %u device %u", rd(R_MAGIC), rd(R_VERSION), rd(R_DEVICE));
	cap = rd(R_CONFIG) | (uint64_t)rd(R_CONFIG + 4) << 32;
	wr(R_DEVFEATSEL, 1);
	say("virtio: capacity %lu features-hi 0x%x qmax %u", cap, rd(R_DEVFEAT), rd(R_QMAX));
	check(up(), "handshake");

	/* good requests */
	len = request(0, 0, 512, true);
	check(len == 513 && vq.status[0] == 0 && strncmp((const char *)vq.data, "PVDISK", 6) == 0, "read sector 0");
	for (unsigned int i = 0; i < 512; i++)
		vq.data[i] = (uint8_t)('a' + i % 26);
	check(request(1, 1, 512, false) == 1 && vq.status[0] == 0, "write sector 1");
	check(request(4, 0, 0, false) == 1 && vq.status[0] == 0, "flush");

	/* refused requests: a status, never I/O outside the image */
	check(request(0, cap, 512, true) == 1 && vq.status[0] == 1, "read past the end: IOERR");
	check(request(1, cap - 1, 1024, false) == 1 && vq.status[0] == 1, "write past the end: IOERR");
	check(request(1, ~0ULL, 512, false) == 1 && vq.status[0] == 1, "write at sector 2^64-1: IOERR");
	check(request(0x55, 0, 0, false) == 1 && vq.status[0] == 2, "unknown type: UNSUPP");
	check(request(0, 0, 100, true) == 1 && vq.status[0] == 1, "partial sector: IOERR");
	check(request(0, 0, 512, false) == 1 && vq.status[0] == 1, "read into a readable buffer: IOERR");

	/* bad chains: each comes back */
	set_desc(0, (uintptr_t)vq.hdr, 16, D_NEXT, 1);
	set_desc(1, (uintptr_t)vq.data, 512, D_NEXT, 0);
	bad_chain("descriptor loop");
	set_desc(0, (uintptr_t)vq.hdr, 0, D_NEXT, 0);
	bad_chain("zero-length self loop");
	set_desc(0, (uintptr_t)vq.hdr, 16, D_NEXT, 200);
	bad_chain("next out of range");
	set_desc(0, 0x10000000, 16, 0, 0);
	bad_chain("buffer below RAM");
	set_desc(0, 0xfffffffffffff000ULL, 0x2000, 0, 0);
	bad_chain("buffer wrapping the address space");
	set_desc(0, (uintptr_t)vq.hdr, 0xfffffff0, 0, 0);
	bad_chain("buffer past the end of RAM");
	set_desc(0, (uintptr_t)vq.hdr, 16, D_INDIRECT, 0);
	bad_chain("indirect (not negotiated)");
	set_desc(0, (uintptr_t)vq.status, 1, D_WRITE | D_NEXT, 1);
	set_desc(1, (uintptr_t)vq.hdr, 16, 0, 0);
	bad_chain("readable after writable");
	set_hdr(1, 0);
	set_desc(0, (uintptr_t)vq.hdr, 16, D_NEXT, 1);
	set_desc(1, (uintptr_t)vq.data, 512, 0, 0);
	bad_chain("write without a status byte");
	for (unsigned int i = 0; i < QSIZE; i++)
		set_desc(i, (uintptr_t)vq.hdr, 16, D_NEXT, (uint16_t)((i + 1) % QSIZE));
	bad_chain("chain longer than the queue");

	/* broken queues */
	vq.avail[2 + avail_idx % QSIZE] = 200;
	avail_idx++;
	vq.avail[1] = avail_idx;
	dsb_sy();
	wr(R_NOTIFY, 0);
	needs_reset("head out of range: NEEDS_RESET");
	vq.avail[1] = (uint16_t)(avail_idx + 100);
	dsb_sy();
	wr(R_NOTIFY, 0);
	needs_reset("avail index jump: NEEDS_RESET");
	check(!up_at(3, (uintptr_t)vq.desc, (uintptr_t)vq.avail, (uintptr_t)vq.used) &&
	      (rd(R_STATUS) & S_NEEDS_RESET), "queue size 3: NEEDS_RESET");
	check(!up_at(QSIZE, 0x10000000, (uintptr_t)vq.avail, (uintptr_t)vq.used),
	      "rings outside RAM: NEEDS_RESET");
	check(!up_at(QSIZE, (uintptr_t)vq.desc + 8, (uintptr_t)vq.avail, (uintptr_t)vq.used),
	      "misaligned descriptor table: NEEDS_RESET");
	check(up(), "handshake after them");

	/* a kick before DRIVER_OK is not lost */
	wr(R_STATUS, 0);
	memset(&vq, 0, sizeof(vq));
	avail_idx = used_seen = 0;
	wr(R_STATUS, S_ACK | S_DRIVER);
	wr(R_DRVFEATSEL, 1);
	wr(R_DRVFEAT, 1);
	wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	wr(R_QNUM, QSIZE);
	set_ring(R_DESC, (uintptr_t)vq.desc);
	set_ring(R_AVAIL, (uintptr_t)vq.avail);
	set_ring(R_USED, (uintptr_t)vq.used);
	wr(R_QREADY, 1);
	set_hdr(4, 0);
	set_desc(0, (uintptr_t)vq.hdr, 16, D_NEXT, 1);
	set_desc(1, (uintptr_t)vq.status, 1, D_WRITE, 0);
	publish(0);
	wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	check(wait_used() == 1, "kick before DRIVER_OK served");

	/* resets, many times, a request between them */
	for (uint64_t i = 0; i < rounds; i++) {
		if (!up() || request(0, i % cap, 512, true) != 513) {
			check(false, "reset round");
			break;
		}
	}
	say("virtio: %lu resets done", rounds);
	say("virtio: done, %u failures", failures);
	psci_system_off();
}
