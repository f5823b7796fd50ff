// SPDX-License-Identifier: GPL-2.0-only
/* Console output: a bounded ring and the writer thread that empties it. */
#include "pinvm/conout.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "pinvm/crash.h"
#include "pinvm/sandbox.h"

/*
 * At most this much per write(2) (PIPE_BUF on Linux: atomic on a pipe). A
 * blocking write returns once all of it is taken, so a reader that reads
 * keeps completing writes, and a writer stuck in one for long has a reader
 * that does not read; and at most this much of the ring is in flight, of
 * unknown fate, when the writer is left behind.
 */
#define CONOUT_WRITE_MAX	4096

struct conout {
	int fd;
	pthread_mutex_t lock;
	pthread_cond_t data;		/* the writer waits for bytes or the stop */
	pthread_cond_t done_cond;	/* conout_stop() waits for the writer's end (CLOCK_MONOTONIC) */
	pthread_t thread;
	uint8_t *buf;
	size_t cap;
	size_t start;			/* oldest byte; 0 whenever the ring is empty */
	size_t len;			/* bytes in the ring, those being written included */
	uint64_t dropped;
	uint64_t since_ms;		/* CLOCK_MONOTONIC: the writer's current write(2) began */
	bool writing;			/* the writer is in write(2) (or waiting in poll for room) */
	bool started;
	bool stopping;			/* conout_stop() called: nothing more is taken */
	bool failed;			/* a write error: output is over */
	bool done;			/* the writer has ended: drained or failed */
	bool abandoned;			/* left behind, blocked in write(2) */
};

static uint64_t conout_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * No transparent huge page for the ring: glibc maps a 1 MiB malloc() of
 * its own, which merges with a neighbouring one (the other console ring)
 * into a VMA that holds a whole 2 MiB block; the first write there (the
 * chunk header) then costs 2 MiB of host memory. Best effort (a kernel
 * without THP refuses the advice).
 */
static void conout_no_huge_pages(void *buf, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)buf + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)buf + len) & ~(page - 1);

	if (end > start)
		(void)madvise((void *)start, end - start, MADV_NOHUGEPAGE);
}

int conout_new(int fd, size_t capacity, struct conout **ret_out)
{
	pthread_condattr_t attr;
	struct conout *out;

	if (fd < 0 || !capacity)
		return -EINVAL;
	out = calloc(1, sizeof(*out));
	if (!out)
		return -ENOMEM;
	/* Not touched until used: the pages of a ring that stays small never become resident. */
	out->buf = malloc(capacity);
	if (!out->buf) {
		free(out);
		return -ENOMEM;
	}
	conout_no_huge_pages(out->buf, capacity);
	out->fd = fd;
	out->cap = capacity;
	pthread_mutex_init(&out->lock, NULL);
	pthread_cond_init(&out->data, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&out->done_cond, &attr);
	pthread_condattr_destroy(&attr);
	*ret_out = out;
	return 0;
}

/*
 * One write(2) of what it can take. A descriptor someone else made
 * non-blocking (the flag belongs to the open file description, which pinvm
 * may share) is waited for in poll(2) rather than spun on.
 * Returns: bytes written (> 0); -errno.
 */
static ssize_t conout_write_some(int fd, const void *buf, size_t len)
{
	for (;;) {
		ssize_t n = write(fd, buf, len);

		if (n > 0)
			return n;
		if (n == 0)
			return -EIO;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			(void)poll(&pfd, 1, -1);
			continue;
		}
		return -errno;
	}
}

static void *conout_writer(void *arg)
{
	struct conout *out = arg;
	int r;

	/* Named in a crash report, on its own signal stack (reserved by conout_start()). */
	(void)crash_thread_enter("console writer", NULL, -1);
	/* Its own, narrower seccomp filter (a no-op without the process one). */
	r = sandbox_install_thread(SANDBOX_CONOUT);

	pthread_mutex_lock(&out->lock);
	for (;;) {
		size_t start, chunk;
		ssize_t n;

		while (!out->len && !out->stopping)
			pthread_cond_wait(&out->data, &out->lock);
		if (!out->len)
			break;		/* stopping, and everything is out */
		/*
		 * The oldest contiguous stretch, written without the lock:
		 * conout_put() only fills the free part of the ring.
		 */
		start = out->start;
		chunk = out->cap - start < out->len ? out->cap - start : out->len;
		if (chunk > CONOUT_WRITE_MAX)
			chunk = CONOUT_WRITE_MAX;
		out->writing = true;
		out->since_ms = conout_now_ms();
		pthread_mutex_unlock(&out->lock);
		/* Without its filter: no output rather than output under a wider one. */
		n = r ? r : conout_write_some(out->fd, out->buf + start, chunk);
		pthread_mutex_lock(&out->lock);
		out->writing = false;
		if (out->abandoned) {
			/* conout_stop() gave up on us; the process is ending. */
			pthread_mutex_unlock(&out->lock);
			return NULL;
		}
		if (n < 0) {
			/* EPIPE (reader gone), EBADF, EIO...: the output is over. */
			out->failed = true;
			out->dropped += out->len;
			out->len = 0;
			out->start = 0;
			break;
		}
		out->len -= (size_t)n;
		out->start = out->len ? (start + (size_t)n) % out->cap : 0;
	}
	out->done = true;
	pthread_cond_broadcast(&out->done_cond);
	pthread_mutex_unlock(&out->lock);
	crash_thread_leave();
	return NULL;
}

int conout_start(struct conout *out)
{
	sigset_t all, old;
	int r;

	if (out->started)
		return -EALREADY;
	/*
	 * Every signal blocked in the writer (it inherits the mask): stop
	 * signals belong to the event loop's signalfd, and a write to a
	 * closed pipe must fail with EPIPE, whatever SIGPIPE's disposition.
	 */
	sigfillset(&all);
	/* Its crash report's stack (without one, the report uses the thread's stack). */
	(void)crash_reserve(1);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&out->thread, NULL, conout_writer, out);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r)
		return -r;
	out->started = true;
	return 0;
}

size_t conout_put(struct conout *out, const void *buf, size_t len)
{
	size_t take = 0;

	pthread_mutex_lock(&out->lock);
	if (!out->stopping && !out->failed) {
		size_t end = (out->start + out->len) % out->cap;
		size_t first;

		take = out->cap - out->len < len ? out->cap - out->len : len;
		first = out->cap - end < take ? out->cap - end : take;
		memcpy(out->buf + end, buf, first);
		memcpy(out->buf, (const uint8_t *)buf + first, take - first);
		if (take && !out->len)
			pthread_cond_signal(&out->data);	/* the writer waits only when empty */
		out->len += take;
	}
	out->dropped += len - take;
	pthread_mutex_unlock(&out->lock);
	return take;
}

/* Absolute CLOCK_MONOTONIC time of @ms, for pthread_cond_timedwait(). */
static struct timespec conout_abs(uint64_t ms)
{
	return (struct timespec){ .tv_sec = (time_t)(ms / 1000),
				  .tv_nsec = (long)(ms % 1000) * 1000000L };
}

size_t conout_stop(struct conout *out, unsigned int deadline_ms, unsigned int stall_ms)
{
	uint64_t deadline;
	size_t left;

	pthread_mutex_lock(&out->lock);
	out->stopping = true;
	if (!out->started) {
		left = out->len;
		out->dropped += left;
		out->len = 0;
		out->start = 0;
		out->done = true;
		pthread_mutex_unlock(&out->lock);
		return left;
	}
	pthread_cond_signal(&out->data);
	deadline = conout_now_ms() + deadline_ms;
	while (!out->done) {
		uint64_t now = conout_now_ms(), wake = deadline;
		struct timespec until;

		if (now >= deadline)
			break;
		if (stall_ms) {
			/* One write(2) that long: its reader does not read. */
			if (out->writing && now - out->since_ms >= stall_ms)
				break;
			/* Look again when it would be (a write may be about to begin). */
			if ((out->writing ? out->since_ms : now) + stall_ms < wake)
				wake = (out->writing ? out->since_ms : now) + stall_ms;
		}
		until = conout_abs(wake);
		(void)pthread_cond_timedwait(&out->done_cond, &out->lock, &until);
	}
	if (out->done) {
		pthread_mutex_unlock(&out->lock);
		pthread_join(out->thread, NULL);
		out->started = false;
		return 0;
	}
	/* The reader stalls: leave the writer in its write(2), with the ring it reads. */
	left = out->len;
	out->dropped += left;
	out->abandoned = true;
	pthread_mutex_unlock(&out->lock);
	pthread_detach(out->thread);
	return left;
}

uint64_t conout_dropped(struct conout *out)
{
	uint64_t n;

	pthread_mutex_lock(&out->lock);
	n = out->dropped;
	pthread_mutex_unlock(&out->lock);
	return n;
}

void conout_free(struct conout *out)
{
	if (!out)
		return;
	if (out->started && !out->stopping)
		(void)conout_stop(out, 0, 0);
	if (out->abandoned)
		return;		/* its writer may still read the ring: the process's exit frees it */
	pthread_cond_destroy(&out->done_cond);
	pthread_cond_destroy(&out->data);
	pthread_mutex_destroy(&out->lock);
	free(out->buf);
	free(out);
}
