// SPDX-License-Identifier: GPL-2.0-only
/*
 * Native stress of the console path under a sanitizer (ASan+UBSan, or TSan
 * in a build of its own: scripts/sanitize), the code issue 12's SIGSEGV
 * loads have in common (docs/testing.md, "Sanitizers and fuzzing").
 *
 * Part 1, the output ring (conout.c): producers hammer conout_put() on a
 * small ring (sizes around the wrap) while its writer drains into a pipe
 * whose reader is fast, slow, stalled (the writer is left behind by
 * conout_stop()) or gone (EPIPE), and the stop arrives mid-stream. Checks:
 * with one producer the bytes read are the bytes taken, in order; nothing
 * read that was not put; taken + dropped = put once the writer drained.
 *
 * Part 2, the UART wired as in pinvm (machine.c): "vCPU" threads dispatch
 * MMIO on the bus (THR writes of lines, long lines, panic dumps; LSR, IIR,
 * RX, MSR reads; IER, LCR, MCR loopback, FCR writes; unmapped reads at
 * fresh addresses, the warning path; bad lengths; the flush of a stop) into
 * uartio, with KVM's coalesced THR ring faked (below), whose output
 * goes to a conout ring and to the console watch (stamped console log,
 * verdict, event log); an "event loop" thread flushes, drains, ticks and
 * feeds input; every boot ends with the threads joined, then settle,
 * reset and a new boot, as runloop_run() does.
 *
 * Seconds: STRESS_SECONDS (default 10), shared by the two parts. The
 * modules that call into KVM or arm64-only code (crash.c, sandbox.c, the
 * vGIC line) are stubbed (native_stubs.c): they play no part in the memory
 * here.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "pinvm/conout.h"
#include "pinvm/conwatch.h"
#include "pinvm/evlog.h"
#include "pinvm/log.h"
#include "pinvm/mmio.h"
#include "pinvm/uartio.h"

/*
 * KVM's coalesced MMIO, faked: uartio.c is built here with
 * -Dioctl=stress_ioctl, so registering the THR zone on FAKE_VM_FD
 * succeeds, and a "vCPU" THR write inside the zone is queued in the shared
 * ring as KVM does it (coalesced_mmio_write(): under the ring's lock, full
 * at last + 1 == first, the entry written before last moves on), or exits
 * as MMIO when the ring is full. A read-write lock stands for KVM's bus
 * SRCU: once UNREGISTER returned, nothing more is queued.
 */
#define FAKE_VM_FD	1000

static pthread_rwlock_t fake_zone_rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t fake_ring_lock = PTHREAD_MUTEX_INITIALIZER;
static bool fake_zone_on;
static uint64_t fake_zone_addr;
static unsigned long fake_zone_changes;

int stress_ioctl(int fd, unsigned long req, ...)
{
	struct kvm_coalesced_mmio_zone *zone;
	va_list ap;

	va_start(ap, req);
	zone = va_arg(ap, struct kvm_coalesced_mmio_zone *);
	va_end(ap);
	if (fd != FAKE_VM_FD) {
		errno = EBADF;
		return -1;
	}
	if (req != KVM_REGISTER_COALESCED_MMIO && req != KVM_UNREGISTER_COALESCED_MMIO) {
		errno = ENOTTY;
		return -1;
	}
	pthread_rwlock_wrlock(&fake_zone_rw);
	fake_zone_on = req == KVM_REGISTER_COALESCED_MMIO;
	fake_zone_addr = zone->addr;
	fake_zone_changes++;
	pthread_rwlock_unlock(&fake_zone_rw);
	return 0;
}

/* A guest write KVM would queue: true when it went into the ring. */
static bool fake_kvm_coalesce(struct kvm_coalesced_mmio_ring *ring, unsigned int max,
			      uint64_t addr, unsigned int len, uint8_t val)
{
	bool queued = false;

	pthread_rwlock_rdlock(&fake_zone_rw);
	if (ring && fake_zone_on && addr == fake_zone_addr && len == 1) {
		uint32_t insert;

		pthread_mutex_lock(&fake_ring_lock);
		insert = __atomic_load_n(&ring->last, __ATOMIC_RELAXED);
		if (insert < max &&
		    (insert + 1) % max != __atomic_load_n(&ring->first, __ATOMIC_ACQUIRE)) {
			struct kvm_coalesced_mmio *e = &ring->coalesced_mmio[insert];

			e->phys_addr = addr;
			e->len = len;
			e->pio = 0;
			memset(e->data, 0, sizeof(e->data));
			e->data[0] = val;
			__atomic_store_n(&ring->last, (insert + 1) % max, __ATOMIC_RELEASE);
			queued = true;
		}
		pthread_mutex_unlock(&fake_ring_lock);
	}
	pthread_rwlock_unlock(&fake_zone_rw);
	return queued;
}

/* ---- helpers ---- */

static int failures;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "stress_console: %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			failures++;					\
		}							\
	} while (0)

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_us(unsigned int us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* xorshift: each thread its own state. */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* ---- part 1: the output ring ---- */

enum reader_mode { READ_FAST, READ_SLOW, READ_STALL, READ_GONE, READ_MODES };

static const char *const reader_names[] = { "fast", "slow", "stall", "gone" };

struct ring_round {
	struct conout *out;
	int rfd;
	enum reader_mode mode;
	bool ordered;			/* one producer: check the order */
	uint32_t seed;
	bool producers_stop;		/* atomics */
	bool reader_stop;
	uint64_t put, taken;		/* producers' totals (atomic adds) */
	uint64_t got;			/* bytes read */
	uint8_t next;			/* ordered: the byte expected next */
	bool order_broken;
};

static void *ring_producer(void *arg)
{
	struct ring_round *rr = arg;
	uint32_t seed = rr->seed ^ (uint32_t)(uintptr_t)&seed;
	static const size_t sizes[] = { 1, 2, 63, 4095, 4096, 4097, 12000 };
	uint8_t buf[12000];
	uint8_t c = 0;

	while (!__atomic_load_n(&rr->producers_stop, __ATOMIC_ACQUIRE)) {
		size_t len = sizes[rnd(&seed) % (sizeof(sizes) / sizeof(sizes[0]))];
		size_t took;

		len = 1 + rnd(&seed) % len;
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)(c + i);
		took = conout_put(rr->out, buf, len);
		if (took > len)
			__atomic_store_n(&rr->order_broken, true, __ATOMIC_RELAXED);
		c = (uint8_t)(c + took);	/* what was refused is put again next time */
		__atomic_add_fetch(&rr->put, len, __ATOMIC_RELAXED);
		__atomic_add_fetch(&rr->taken, took, __ATOMIC_RELAXED);
		if (!(rnd(&seed) % 64))
			sched_yield();
	}
	return NULL;
}

static void *ring_reader(void *arg)
{
	struct ring_round *rr = arg;
	uint32_t seed = rr->seed * 7 + 1;
	uint8_t buf[8192];
	uint64_t until = now_ms() + 40;

	for (;;) {
		struct pollfd pfd = { .fd = rr->rfd, .events = POLLIN };
		size_t want = sizeof(buf);
		ssize_t n;

		if (__atomic_load_n(&rr->reader_stop, __ATOMIC_ACQUIRE))
			break;
		if ((rr->mode == READ_STALL || rr->mode == READ_GONE) && now_ms() >= until) {
			if (rr->mode == READ_GONE) {
				/* The reader goes: the writer meets EPIPE. */
				(void)close(rr->rfd);
				rr->rfd = -1;
				break;
			}
			sleep_us(1000);		/* stalled: reads nothing */
			continue;
		}
		if (poll(&pfd, 1, 5) <= 0)
			continue;
		if (rr->mode == READ_SLOW) {
			want = 1 + rnd(&seed) % 700;
			sleep_us(200);
		}
		n = read(rr->rfd, buf, want);
		if (n <= 0)
			break;
		if (rr->ordered) {
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] != rr->next++)
					__atomic_store_n(&rr->order_broken, true, __ATOMIC_RELAXED);
		}
		rr->got += (uint64_t)n;
	}
	return NULL;
}

static void ring_round(unsigned int round, unsigned int ms)
{
	static const size_t caps[] = { 1, 7, 4095, 4096, 4097, 65539 };
	struct ring_round rr;
	pthread_t prod[3], reader;
	unsigned int nprod;
	int pfd[2];
	size_t left;
	uint64_t dropped;
	int r;

	memset(&rr, 0, sizeof(rr));
	rr.seed = 0x9e3779b9u * (round + 1);
	rr.mode = (enum reader_mode)(round % READ_MODES);
	rr.ordered = (round / READ_MODES) % 2 == 0;
	nprod = rr.ordered ? 1 : 3;
	if (pipe2(pfd, O_CLOEXEC)) {
		CHECK(0, "pipe: %s", strerror(errno));
		return;
	}
	/* A small pipe: the writer blocks in write(2) soon after a stall. */
	(void)fcntl(pfd[1], F_SETPIPE_SZ, 4096);
	rr.rfd = pfd[0];
	r = conout_new(pfd[1], caps[round % (sizeof(caps) / sizeof(caps[0]))], &rr.out);
	CHECK(!r, "conout_new: %d", r);
	if (r)
		return;
	r = conout_start(rr.out);
	CHECK(!r, "conout_start: %d", r);
	pthread_create(&reader, NULL, ring_reader, &rr);
	for (unsigned int i = 0; i < nprod; i++)
		pthread_create(&prod[i], NULL, ring_producer, &rr);
	sleep_us(ms * 1000);
	/* The stop arrives while the producers still put. */
	left = conout_stop(rr.out, 100, 20);
	__atomic_store_n(&rr.producers_stop, true, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < nprod; i++)
		pthread_join(prod[i], NULL);
	dropped = conout_dropped(rr.out);
	conout_free(rr.out);
	if (!left && rr.mode != READ_STALL) {
		/* The writer has ended: the reader reads the rest, to the end. */
		(void)close(pfd[1]);
		pthread_join(reader, NULL);
	} else {
		/*
		 * A stalled reader, or a writer left behind: the reader goes,
		 * and the writer's write(2) fails with EPIPE; pfd[1] stays
		 * open then (it may still be written to).
		 */
		__atomic_store_n(&rr.reader_stop, true, __ATOMIC_RELEASE);
		pthread_join(reader, NULL);
		if (!left)
			(void)close(pfd[1]);
	}
	if (rr.rfd >= 0)
		(void)close(rr.rfd);

	CHECK(!rr.order_broken, "round %u (%s, cap %zu): bytes out of order", round,
	      reader_names[rr.mode], caps[round % (sizeof(caps) / sizeof(caps[0]))]);
	CHECK(rr.got <= rr.taken, "round %u: read %" PRIu64 " > taken %" PRIu64, round,
	      rr.got, rr.taken);
	CHECK(rr.taken + dropped >= rr.put, "round %u: taken %" PRIu64 " + dropped %" PRIu64
	      " < put %" PRIu64, round, rr.taken, dropped, rr.put);
	/* Drained: every byte taken was read, the others were counted. */
	if (!left && (rr.mode == READ_FAST || rr.mode == READ_SLOW))
		CHECK(rr.got == rr.taken && rr.taken + dropped == rr.put,
		      "round %u (%s): read %" PRIu64 ", taken %" PRIu64 ", put %" PRIu64
		      ", dropped %" PRIu64, round, reader_names[rr.mode], rr.got, rr.taken,
		      rr.put, dropped);
}

/* ---- part 2: the UART on the MMIO bus, as machine.c wires it ---- */

#define UART_BASE	0x09000000ULL
#define NR_VCPUS	3

struct rig {
	struct mmio_bus bus;
	struct uartio uartio;
	struct conout *conout;
	struct conwatch watch;
	struct evlog evlog;
	int out_r;			/* the conout pipe's read end */
	bool boot_stop;			/* atomics */
	bool loop_stop;
	bool reader_stop;
	unsigned int stops;		/* the watch's stop callback */
	uint64_t unmapped_base;		/* a fresh unmapped range each boot */
	struct kvm_coalesced_mmio_ring *ring;	/* the fake KVM's page */
	unsigned int ring_max;
	unsigned long coalesced;	/* THR writes queued in it (atomic) */
};

struct vcpu_arg {
	struct rig *rig;
	unsigned int id;
	uint32_t seed;
};

static void rig_unmapped(void *opaque, uint64_t addr, unsigned int len, bool is_write, bool last)
{
	/* As machine_unmapped(): a warning line. */
	if (last)
		pr_warn("guest touched more than %d distinct unmapped MMIO addresses", MMIO_UNMAPPED_LOG_MAX);
	else
		pr_warn("guest %s unmapped MMIO 0x%" PRIx64 " (%u bytes)", is_write ? "write to" :
			"read from", addr, len);
	(void)opaque;
}

static void rig_out(void *opaque, const void *buf, size_t len)
{
	struct rig *rig = opaque;
	struct timespec now;

	(void)conout_put(rig->conout, buf, len);
	clock_gettime(CLOCK_MONOTONIC, &now);
	conwatch_output(&rig->watch, buf, len, &now);
}

static void rig_watch_stop(void *ctx, const struct stop *stop)
{
	struct rig *rig = ctx;

	(void)stop;
	__atomic_add_fetch(&rig->stops, 1, __ATOMIC_RELAXED);
}

static void vcpu_mmio(struct rig *rig, uint64_t addr, unsigned int len, bool is_write, uint8_t val)
{
	uint8_t data[16];

	if (is_write && fake_kvm_coalesce(rig->ring, rig->ring_max, addr, len, val)) {
		__atomic_add_fetch(&rig->coalesced, 1, __ATOMIC_RELAXED);
		return;
	}
	memset(data, 0, sizeof(data));
	data[0] = val;
	(void)mmio_dispatch(&rig->bus, addr, data, len, is_write);
}

static void vcpu_print(struct rig *rig, const char *s)
{
	for (; *s; s++) {
		vcpu_mmio(rig, UART_BASE + 5, 1, false, 0);	/* LSR, as the 8250 console */
		vcpu_mmio(rig, UART_BASE, 1, true, (uint8_t)*s);
	}
}

static void *vcpu_main(void *arg)
{
	struct vcpu_arg *va = arg;
	struct rig *rig = va->rig;
	char line[256];
	unsigned int n = 0;

	while (!__atomic_load_n(&rig->boot_stop, __ATOMIC_ACQUIRE)) {
		uint32_t op = rnd(&va->seed) % 100;

		if (op < 40) {
			snprintf(line, sizeof(line), "[%5u.%06u] cpu%u line %u\r\n", n / 1000,
				 n % 1000, va->id, n);
			vcpu_print(rig, line);
		} else if (op < 43) {
			vcpu_print(rig, "[    1.000000] Kernel panic - not syncing: sysrq triggered crash\n");
		} else if (op < 45) {
			vcpu_print(rig, "[    1.000001] ---[ end Kernel panic - not syncing: sysrq triggered crash ]---\n");
		} else if (op < 47) {
			vcpu_print(rig, "[    1.000002] Internal error: Oops: 96000045 [#1] SMP\n");
		} else if (op < 49) {
			/* A long line without its end: past the verdict's and uartio's buffers. */
			for (unsigned int i = 0; i < 5000; i++)
				vcpu_mmio(rig, UART_BASE, 1, true, (uint8_t)('a' + i % 26));
		} else if (op < 60) {
			static const unsigned int regs[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };

			vcpu_mmio(rig, UART_BASE + regs[rnd(&va->seed) % 9], 1, false, 0);
		} else if (op < 70) {
			/* IER, LCR (DLAB), MCR (loopback), FCR, SCR writes */
			static const unsigned int regs[] = { 1, 2, 3, 4, 7 };
			unsigned int reg = regs[rnd(&va->seed) % 5];
			uint8_t val = (uint8_t)rnd(&va->seed);

			vcpu_mmio(rig, UART_BASE + reg, 1, true, val);
			/* back to a plain console most of the time */
			vcpu_mmio(rig, UART_BASE + 3, 1, true, 0x03);
			vcpu_mmio(rig, UART_BASE + 4, 1, true, 0x0b);
		} else if (op < 90) {
			/* The unmapped-read warning path: fresh addresses, then the full log. */
			uint64_t addr = rig->unmapped_base + (uint64_t)(rnd(&va->seed) % 200) * 8;

			vcpu_mmio(rig, addr, 1u << (rnd(&va->seed) % 4), rnd(&va->seed) & 1, 0);
		} else if (op < 91) {
			/* a power event's stop: runloop_op_stop() flushes on the vCPU's thread */
			uartio_flush(&rig->uartio);
		} else if (op < 92) {
			/* lengths KVM never gives: 0 and more than 8 */
			vcpu_mmio(rig, UART_BASE, rnd(&va->seed) & 1 ? 0 : 9 + rnd(&va->seed) % 8,
				  false, 0);
		} else {
			/* wider accesses on the UART: 2, 4, 8 bytes, and across its end */
			vcpu_mmio(rig, UART_BASE + rnd(&va->seed) % 0x1000, 1u << (rnd(&va->seed) % 4),
				  rnd(&va->seed) & 1, (uint8_t)rnd(&va->seed));
		}
		n++;
	}
	return NULL;
}

static void *rig_event_loop(void *arg)
{
	struct rig *rig = arg;
	uint32_t seed = 12345;

	while (!__atomic_load_n(&rig->loop_stop, __ATOMIC_ACQUIRE)) {
		struct timespec now;
		uint8_t in[32];
		int timeout = uartio_loop_timeout(&rig->uartio);

		clock_gettime(CLOCK_MONOTONIC, &now);
		(void)conwatch_timeout(&rig->watch, &now);
		sleep_us(timeout < 0 || timeout > 2 ? 2000 : (unsigned int)timeout * 1000);
		uartio_flush(&rig->uartio);
		conwatch_drain(&rig->watch);
		clock_gettime(CLOCK_MONOTONIC, &now);
		conwatch_tick(&rig->watch, &now);
		for (size_t i = 0; i < sizeof(in); i++)
			in[i] = (uint8_t)rnd(&seed);
		(void)uartio_feed(&rig->uartio, in, 1 + rnd(&seed) % sizeof(in));
	}
	return NULL;
}

static void *rig_reader(void *arg)
{
	struct rig *rig = arg;
	char buf[4096];

	for (;;) {
		struct pollfd pfd = { .fd = rig->out_r, .events = POLLIN };

		if (__atomic_load_n(&rig->reader_stop, __ATOMIC_ACQUIRE))
			break;
		if (poll(&pfd, 1, 5) <= 0)
			continue;
		if (read(rig->out_r, buf, sizeof(buf)) <= 0)
			break;
	}
	return NULL;
}

static void rig_run(unsigned int ms, const char *dir)
{
	struct conwatch_config wcfg;
	struct rig *rig = calloc(1, sizeof(*rig));
	pthread_t vcpus[NR_VCPUS], loop, reader;
	struct vcpu_arg va[NR_VCPUS];
	char path[512], evpath[512], why[256];
	unsigned int boots = 0;
	uint64_t end = now_ms() + ms;
	int pfd[2], r;

	if (!rig || pipe2(pfd, O_CLOEXEC)) {
		CHECK(0, "setup");
		return;
	}
	snprintf(path, sizeof(path), "%s/console.log", dir);
	snprintf(evpath, sizeof(evpath), "%s/events.jsonl", dir);
	evlog_init(&rig->evlog);
	r = evlog_open(&rig->evlog, evpath);
	CHECK(!r, "evlog_open %s: %d", evpath, r);
	memset(&wcfg, 0, sizeof(wcfg));
	wcfg.log_path = path;
	wcfg.log_timestamps = true;
	wcfg.on_panic = CONWATCH_PANIC_RESTART;
	wcfg.pat[0] = (struct conwatch_pattern){ .kind = VERDICT_FAIL, .regex = "never printed: [0-9]{40}" };
	wcfg.npat = 1;
	conwatch_init(&rig->watch, &rig->evlog, wcfg.on_panic, rig_watch_stop, rig);
	r = conwatch_setup(&rig->watch, &wcfg, why, sizeof(why));
	CHECK(!r, "conwatch_setup: %s", why);
	mmio_init(&rig->bus, rig_unmapped, rig);
	r = conout_new(pfd[1], CONOUT_RING_SIZE, &rig->conout);
	CHECK(!r, "conout_new: %d", r);
	uartio_init(&rig->uartio, FAKE_VM_FD, UART_BASE, 1, rig_out, rig);
	rig->ring = aligned_alloc(4096, 4096);
	CHECK(rig->ring, "out of memory");
	memset(rig->ring, 0, 4096);
	rig->ring_max = (4096 - sizeof(*rig->ring)) / sizeof(rig->ring->coalesced_mmio[0]);
	uartio_set_ring(&rig->uartio, rig->ring, 4096);
	r = mmio_register(&rig->bus, UART_BASE, 0x1000, uartio_mmio, &rig->uartio);
	CHECK(!r, "mmio_register: %d", r);
	rig->out_r = pfd[0];
	r = conout_start(rig->conout);
	CHECK(!r, "conout_start: %d", r);
	pthread_create(&reader, NULL, rig_reader, rig);

	do {
		struct stop stop = { .kind = STOP_RESET };

		/* A boot: the vCPU threads run, then stop and are joined. */
		rig->unmapped_base = 0x40000000ULL + (uint64_t)boots * 0x10000;
		__atomic_store_n(&rig->boot_stop, false, __ATOMIC_RELEASE);
		__atomic_store_n(&rig->loop_stop, false, __ATOMIC_RELEASE);
		/* In pinvm the event loop is the main thread's: it ends with the boot. */
		pthread_create(&loop, NULL, rig_event_loop, rig);
		for (unsigned int i = 0; i < NR_VCPUS; i++) {
			va[i] = (struct vcpu_arg){ .rig = rig, .id = i, .seed = 77u * (boots + 1) + i };
			pthread_create(&vcpus[i], NULL, vcpu_main, &va[i]);
		}
		sleep_us(150 * 1000);
		__atomic_store_n(&rig->boot_stop, true, __ATOMIC_RELEASE);
		for (unsigned int i = 0; i < NR_VCPUS; i++)
			pthread_join(vcpus[i], NULL);
		__atomic_store_n(&rig->loop_stop, true, __ATOMIC_RELEASE);
		pthread_join(loop, NULL);
		/* The run loop's end of a boot: flush, settle, a reset in place, a new boot. */
		uartio_flush(&rig->uartio);
		(void)conwatch_settle(&rig->watch, &stop, true);
		(void)conwatch_reset(&rig->watch, &stop);
		uartio_reset(&rig->uartio);
		conwatch_new_boot(&rig->watch);
		boots++;
	} while (now_ms() < end);

	uartio_flush(&rig->uartio);
	conwatch_finish(&rig->watch);
	(void)conout_stop(rig->conout, 500, 100);
	__atomic_store_n(&rig->reader_stop, true, __ATOMIC_RELEASE);
	pthread_join(reader, NULL);
	uartio_destroy(&rig->uartio);
	mmio_destroy(&rig->bus);
	conwatch_destroy(&rig->watch);
	conout_free(rig->conout);
	evlog_close(&rig->evlog);
	(void)close(pfd[0]);
	(void)close(pfd[1]);
	fprintf(stderr, "stress_console: part 2: %u boots, %u watch stops, %lu THR writes coalesced, %lu zone changes\n",
		boots, rig->stops, rig->coalesced, fake_zone_changes);
	CHECK(rig->coalesced > 0, "the coalesced ring was never used");
	free(rig->ring);
	free(rig);
}

int main(void)
{
	const char *env = getenv("STRESS_SECONDS");
	unsigned int seconds = env ? (unsigned int)strtoul(env, NULL, 10) : 10;
	char dir[] = "/tmp/stress_console.XXXXXX";
	uint64_t end;
	unsigned int rounds = 0;

	if (!seconds)
		seconds = 1;
	/* As pinvm's run loop: a write to a closed pipe fails with EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	end = now_ms() + seconds * 1000ULL / 2;
	do {
		ring_round(rounds, 30 + rounds % 5 * 20);
		rounds++;
	} while (now_ms() < end);
	fprintf(stderr, "stress_console: part 1: %u rounds\n", rounds);
	rig_run(seconds * 1000 / 2, dir);
	{
		char p[600];

		snprintf(p, sizeof(p), "%s/console.log", dir);
		(void)unlink(p);
		snprintf(p, sizeof(p), "%s/events.jsonl", dir);
		(void)unlink(p);
		(void)rmdir(dir);
	}
	if (failures) {
		fprintf(stderr, "stress_console: %d failures\n", failures);
		return 1;
	}
	fprintf(stderr, "stress_console: ok\n");
	return 0;
}
