// SPDX-License-Identifier: GPL-2.0-only
/*
 * Console output ring and writer thread, through real pipes: everything
 * arrives in order when the pipe is read; conout_put() never blocks when the
 * pipe is full and nobody reads, and counts exactly what it refused;
 * conout_stop() returns by its deadline with a stalled reader and reports
 * what was not delivered; a closed reader (EPIPE) ends the output quietly
 * without SIGPIPE; a descriptor someone made non-blocking still gets
 * everything.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "pinvm/conout.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Fill the pipe until a write would block; the write end stays blocking. Returns the bytes. */
static size_t fill_pipe(int wfd)
{
	static const char junk[4096];
	int fl = fcntl(wfd, F_GETFL);
	size_t total = 0;
	ssize_t n;

	ck_assert_int_eq(fcntl(wfd, F_SETFL, fl | O_NONBLOCK), 0);
	while ((n = write(wfd, junk, sizeof(junk))) > 0)
		total += (size_t)n;
	while ((n = write(wfd, junk, 1)) > 0)
		total += (size_t)n;
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(fcntl(wfd, F_SETFL, fl), 0);
	return total;
}

/* A reader thread: everything from fd until EOF, read in pieces of at most `piece`. */
struct reader {
	int fd;
	size_t piece;
	unsigned int delay_ms;	/* before each read */
	uint8_t *buf;
	size_t len, cap;
	pthread_t thread;
};

static void *reader_main(void *arg)
{
	struct reader *rd = arg;

	for (;;) {
		ssize_t n;

		if (rd->len + rd->piece > rd->cap) {
			rd->cap = rd->cap * 2 + rd->piece;
			rd->buf = realloc(rd->buf, rd->cap);
			ck_assert_ptr_nonnull(rd->buf);
		}
		if (rd->delay_ms)
			sleep_ms(rd->delay_ms);
		n = read(rd->fd, rd->buf + rd->len, rd->piece);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rd->len += (size_t)n;
	}
	return NULL;
}

static void reader_start(struct reader *rd, int fd, size_t piece, unsigned int delay_ms)
{
	memset(rd, 0, sizeof(*rd));
	rd->fd = fd;
	rd->piece = piece;
	rd->delay_ms = delay_ms;
	ck_assert_int_eq(pthread_create(&rd->thread, NULL, reader_main, rd), 0);
}

static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Random-sized puts through a small ring (4093 bytes, so the ring wraps and
 * may refuse) while a reader takes small pieces: the reader gets exactly
 * the prefixes conout_put() took, in order, and the refused rest is the
 * dropped count.
 */
START_TEST(test_order_small_ring)
{
	const size_t total = 2u << 20;
	uint8_t *src = malloc(total), *want = malloc(total);
	size_t off = 0, want_len = 0;
	uint64_t refused = 0;
	uint32_t seed = 0x12345678;
	struct conout *out;
	struct reader rd;
	int p[2];

	ck_assert_ptr_nonnull(src);
	ck_assert_ptr_nonnull(want);
	for (size_t i = 0; i < total; i++)
		src[i] = (uint8_t)(i * 7 + (i >> 8) + (i >> 16));
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	reader_start(&rd, p[0], 701, 0);
	ck_assert_int_eq(conout_new(p[1], 4093, &out), 0);
	ck_assert_int_eq(conout_start(out), 0);
	while (off < total) {
		size_t len = 1 + rng_next(&seed) % 3000, took;

		if (len > total - off)
			len = total - off;
		took = conout_put(out, src + off, len);
		ck_assert_uint_le(took, len);
		memcpy(want + want_len, src + off, took);
		want_len += took;
		refused += len - took;
		off += len;
		if (!took)
			sched_yield();
	}
	ck_assert_uint_eq(conout_stop(out, 20000, 0), 0);
	ck_assert_uint_eq(conout_dropped(out), refused);
	conout_free(out);
	close(p[1]);
	pthread_join(rd.thread, NULL);
	ck_assert_uint_eq(rd.len, want_len);
	ck_assert(memcmp(rd.buf, want, want_len) == 0);
	close(p[0]);
	free(rd.buf);
	free(src);
	free(want);
}
END_TEST

/* A ring larger than the output: nothing refused, everything arrives in order. */
START_TEST(test_complete_big_ring)
{
	const size_t total = 300 * 1024;
	uint8_t *src = malloc(total);
	uint32_t seed = 42;
	struct conout *out;
	struct reader rd;
	size_t off = 0;
	int p[2];

	ck_assert_ptr_nonnull(src);
	for (size_t i = 0; i < total; i++)
		src[i] = (uint8_t)(i % 251);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	reader_start(&rd, p[0], 65536, 0);
	ck_assert_int_eq(conout_new(p[1], CONOUT_RING_SIZE, &out), 0);
	ck_assert_int_eq(conout_start(out), 0);
	while (off < total) {
		size_t len = 1 + rng_next(&seed) % 200;

		if (len > total - off)
			len = total - off;
		ck_assert_uint_eq(conout_put(out, src + off, len), len);
		off += len;
	}
	ck_assert_uint_eq(conout_stop(out, 20000, 0), 0);
	ck_assert_uint_eq(conout_dropped(out), 0);
	conout_free(out);
	close(p[1]);
	pthread_join(rd.thread, NULL);
	ck_assert_uint_eq(rd.len, total);
	ck_assert(memcmp(rd.buf, src, total) == 0);
	close(p[0]);
	free(rd.buf);
	free(src);
}
END_TEST

/*
 * The pipe is full and nobody reads: the writer is blocked in write(2),
 * yet 1 MiB of puts returns at once; the ring (64 KiB) takes exactly its
 * size, the rest is counted; stop gives up by its deadline and reports the
 * ring as undelivered.
 */
START_TEST(test_put_never_blocks)
{
	static uint8_t chunk[1000];
	const unsigned int puts = 1048;
	struct conout *out;
	size_t took = 0;
	double t0, t;
	int p[2];

	memset(chunk, 'x', sizeof(chunk));
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	fill_pipe(p[1]);
	ck_assert_int_eq(conout_new(p[1], 65536, &out), 0);
	ck_assert_int_eq(conout_start(out), 0);
	t0 = now_s();
	for (unsigned int i = 0; i < puts; i++)
		took += conout_put(out, chunk, sizeof(chunk));
	t = now_s() - t0;
	ck_assert_msg(t < 2.0, "1 MiB of puts took %.3f s", t);
	ck_assert_uint_eq(took, 65536);
	ck_assert_uint_eq(conout_dropped(out), (uint64_t)puts * sizeof(chunk) - 65536);

	t0 = now_s();
	ck_assert_uint_eq(conout_stop(out, 100, 0), 65536);
	t = now_s() - t0;
	ck_assert_msg(t >= 0.09 && t < 1.0, "stop took %.3f s for a 100 ms deadline", t);
	ck_assert_uint_eq(conout_dropped(out), (uint64_t)puts * sizeof(chunk));
	conout_free(out);	/* left behind: not freed, the writer still reads its ring */
}
END_TEST

/* A stalled reader: stop returns by its deadline, not before, and reports the ring. */
START_TEST(test_stop_deadline)
{
	static uint8_t bytes[3000];
	struct conout *out;
	double t0, t;
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	fill_pipe(p[1]);
	ck_assert_int_eq(conout_new(p[1], 4096, &out), 0);
	ck_assert_int_eq(conout_start(out), 0);
	ck_assert_uint_eq(conout_put(out, bytes, sizeof(bytes)), sizeof(bytes));
	ck_assert_uint_eq(conout_dropped(out), 0);
	t0 = now_s();
	ck_assert_uint_eq(conout_stop(out, 300, 0), sizeof(bytes));
	t = now_s() - t0;
	ck_assert_msg(t >= 0.29 && t < 1.0, "stop took %.3f s for a 300 ms deadline", t);
	ck_assert_uint_eq(conout_dropped(out), sizeof(bytes));
	/* After the stop nothing is taken; it is counted. */
	ck_assert_uint_eq(conout_put(out, bytes, 10), 0);
	ck_assert_uint_eq(conout_dropped(out), sizeof(bytes) + 10);
	conout_free(out);
}
END_TEST

/*
 * A stalled reader and a stall limit: stop does not wait for its deadline
 * but gives up once the writer has sat in one write(2) for the limit.
 */
START_TEST(test_stop_stall)
{
	static uint8_t bytes[3000];
	struct conout *out;
	double t0, t;
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	fill_pipe(p[1]);
	ck_assert_int_eq(conout_new(p[1], 4096, &out), 0);
	ck_assert_int_eq(conout_start(out), 0);
	ck_assert_uint_eq(conout_put(out, bytes, sizeof(bytes)), sizeof(bytes));
	t0 = now_s();
	ck_assert_uint_eq(conout_stop(out, 20000, 100), sizeof(bytes));
	t = now_s() - t0;
	ck_assert_msg(t < 1.0, "stop took %.3f s with a 100 ms stall limit", t);
	ck_assert_uint_eq(conout_dropped(out), sizeof(bytes));
	conout_free(out);
}
END_TEST

/*
 * A slow reader is not a stalled one: 4 KiB every 20 ms keeps completing
 * the writer's writes, so a 200 ms stall limit lets the ring drain (about
 * 0.6 s here) and everything arrives.
 */
START_TEST(test_stop_slow_reader)
{
	static uint8_t bytes[65536];
	struct conout *out;
	struct reader rd;
	size_t filler;
	int p[2];

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i % 253);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	filler = fill_pipe(p[1]);
	ck_assert_int_eq(conout_new(p[1], sizeof(bytes), &out), 0);
	ck_assert_int_eq(conout_start(out), 0);
	ck_assert_uint_eq(conout_put(out, bytes, sizeof(bytes)), sizeof(bytes));
	reader_start(&rd, p[0], 4096, 20);
	ck_assert_uint_eq(conout_stop(out, 20000, 200), 0);
	ck_assert_uint_eq(conout_dropped(out), 0);
	conout_free(out);
	close(p[1]);
	pthread_join(rd.thread, NULL);
	ck_assert_uint_eq(rd.len, filler + sizeof(bytes));
	ck_assert(memcmp(rd.buf + filler, bytes, sizeof(bytes)) == 0);
	close(p[0]);
	free(rd.buf);
}
END_TEST

/*
 * The reader closes its end: the writer gets EPIPE (no SIGPIPE: its
 * disposition here is the default, which would kill this test), drops what
 * it holds and everything put later, and stop returns at once.
 */
START_TEST(test_epipe)
{
	static uint8_t bytes[100];
	struct conout *out;
	double t0, t;
	int p[2];

	signal(SIGPIPE, SIG_DFL);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	ck_assert_int_eq(conout_new(p[1], 4096, &out), 0);
	ck_assert_int_eq(conout_start(out), 0);
	ck_assert_uint_eq(conout_put(out, bytes, sizeof(bytes)), sizeof(bytes));
	for (int i = 0; i < 500 && conout_dropped(out) < sizeof(bytes); i++)
		sleep_ms(10);
	ck_assert_uint_eq(conout_dropped(out), sizeof(bytes));
	ck_assert_uint_eq(conout_put(out, bytes, 50), 0);
	ck_assert_uint_eq(conout_dropped(out), sizeof(bytes) + 50);
	t0 = now_s();
	ck_assert_uint_eq(conout_stop(out, 5000, 100), 0);
	t = now_s() - t0;
	ck_assert_msg(t < 1.0, "stop after EPIPE took %.3f s", t);
	ck_assert_uint_eq(conout_dropped(out), sizeof(bytes) + 50);
	conout_free(out);
	close(p[1]);
}
END_TEST

/*
 * Someone set O_NONBLOCK on the shared descriptor: a full pipe gives
 * EAGAIN, the writer waits for room and everything still arrives, in order,
 * once a reader comes.
 */
START_TEST(test_nonblocking_fd)
{
	static uint8_t bytes[5000];
	struct conout *out;
	struct reader rd;
	size_t filler;
	int p[2];

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)('a' + i % 26);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	filler = fill_pipe(p[1]);
	ck_assert_int_eq(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(conout_new(p[1], 8192, &out), 0);
	ck_assert_int_eq(conout_start(out), 0);
	ck_assert_uint_eq(conout_put(out, bytes, sizeof(bytes)), sizeof(bytes));
	sleep_ms(100);		/* the writer meets EAGAIN and waits */
	reader_start(&rd, p[0], 4096, 0);
	ck_assert_uint_eq(conout_stop(out, 20000, 0), 0);
	ck_assert_uint_eq(conout_dropped(out), 0);
	conout_free(out);
	close(p[1]);
	pthread_join(rd.thread, NULL);
	ck_assert_uint_eq(rd.len, filler + sizeof(bytes));
	ck_assert(memcmp(rd.buf + filler, bytes, sizeof(bytes)) == 0);
	close(p[0]);
	free(rd.buf);
}
END_TEST

/* Bad arguments; a conout never started drops its ring at stop. */
START_TEST(test_not_started)
{
	struct conout *out;

	ck_assert_int_eq(conout_new(-1, 16, &out), -EINVAL);
	ck_assert_int_eq(conout_new(1, 0, &out), -EINVAL);
	ck_assert_int_eq(conout_new(1, 16, &out), 0);
	ck_assert_uint_eq(conout_put(out, "0123456789abcdefXYZ", 19), 16);
	ck_assert_uint_eq(conout_dropped(out), 3);
	ck_assert_uint_eq(conout_stop(out, 0, 0), 16);
	ck_assert_uint_eq(conout_dropped(out), 19);
	conout_free(out);
	conout_free(NULL);
}
END_TEST

static Suite *conout_suite(void)
{
	Suite *s = suite_create("conout");
	TCase *tc = tcase_create("conout");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_order_small_ring);
	tcase_add_test(tc, test_complete_big_ring);
	tcase_add_test(tc, test_put_never_blocks);
	tcase_add_test(tc, test_stop_deadline);
	tcase_add_test(tc, test_stop_stall);
	tcase_add_test(tc, test_stop_slow_reader);
	tcase_add_test(tc, test_epipe);
	tcase_add_test(tc, test_nonblocking_fd);
	tcase_add_test(tc, test_not_started);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(conout_suite());
}
