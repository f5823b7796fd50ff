// SPDX-License-Identifier: GPL-2.0-only
/* The console watch: log, verdict, records and stops (include/pinvm/conwatch.h). */
#include "pinvm/conwatch.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* JSON string buffers: a record stays well inside evlog_emit()'s 1024 bytes. */
#define CONWATCH_JSON_LINE	480
#define CONWATCH_JSON_PATTERN	200

void conwatch_init(struct conwatch *w, struct evlog *evlog, enum conwatch_on_panic on_panic,
		   conwatch_stop_fn stop, void *ctx)
{
	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	verdict_init(&w->verdict);
	conlog_init(&w->log);
	w->wake_fd = -1;
	w->evlog = evlog;
	w->on_panic = on_panic;
	w->stop = stop;
	w->stop_ctx = ctx;
}

/*
 * No transparent huge page for the ring: glibc maps a 1 MiB malloc() of
 * its own, which merges with a neighbouring one (the console writer's ring)
 * into a VMA that holds a whole 2 MiB block; the first write there (the
 * chunk header) then costs 2 MiB of host memory. Best effort (a kernel
 * without THP refuses the advice).
 */
static void conwatch_no_huge_pages(void *buf, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)buf + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)buf + len) & ~(page - 1);

	if (end > start)
		(void)madvise((void *)start, end - start, MADV_NOHUGEPAGE);
}

int conwatch_setup(struct conwatch *w, const struct conwatch_config *cfg,
		   char *why, size_t why_size)
{
	char err[256];
	int r;

	w->on_panic = cfg->on_panic;
	for (unsigned int i = 0; i < cfg->npat; i++) {
		const struct conwatch_pattern *p = &cfg->pat[i];

		r = verdict_add_pattern(&w->verdict, p->kind, p->regex, err, sizeof(err));
		if (r) {
			snprintf(why, why_size, "%s '%s': %s",
				 p->kind == VERDICT_PASS ? "--pass-on" : "--fail-on", p->regex,
				 r == -EINVAL ? err : strerror(-r));
			return r;
		}
	}
	w->ring = malloc(CONWATCH_RING_SIZE);
	if (!w->ring) {
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	conwatch_no_huge_pages(w->ring, CONWATCH_RING_SIZE);
	if (cfg->log_path) {
		r = conlog_open(&w->log, cfg->log_path, cfg->log_timestamps, &w->evlog->t0);
		if (r) {
			snprintf(why, why_size, "cannot write console log %s: %s", cfg->log_path,
				 r == -EINVAL ? "not a regular file" : strerror(-r));
			return r;
		}
	}
	return 0;
}

static int64_t conwatch_ms_between(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

const char *conwatch_panic_end_str(enum stop_panic_end end)
{
	switch (end) {
	case STOP_PANIC_END_LINE:
		return "end_line";
	case STOP_PANIC_END_RESET:
		return "reset";
	case STOP_PANIC_END_QUIET:
		return "quiet";
	case STOP_PANIC_END_STOP:
		break;
	}
	return "stop";
}

const char *conwatch_on_panic_str(enum conwatch_on_panic p)
{
	switch (p) {
	case CONWATCH_PANIC_EXIT:
		return "exit";
	case CONWATCH_PANIC_RESTART:
		return "restart";
	case CONWATCH_PANIC_IGNORE:
		break;
	}
	return "ignore";
}

/* This boot printed a panic line whose dump has no record yet. */
static bool conwatch_dump_pending(const struct conwatch *w)
{
	return verdict_panic_pending(&w->verdict) && !w->panic_done;
}

/*
 * This boot's panic dump is complete: its record, and the stop
 * unless ignored, @may_stop is false (the run is over) or @end is the run's
 * own stop. With @ret_stop the stop is handed back instead of requested.
 * Returns: true when there is a stop.
 */
static bool conwatch_panic_complete(struct conwatch *w, enum stop_panic_end end,
				    bool may_stop, struct stop *ret_stop)
{
	char line[CONWATCH_JSON_LINE];
	struct stop s;

	if (w->panic_done)
		return false;
	w->panic_done = true;
	w->panics_done++;
	w->last_end = end;
	evlog_emit(w->evlog, "panic", "\"line\":%s,\"end\":\"%s\",\"action\":\"%s\"",
		   evlog_json_str(w->verdict.panic_line, line, sizeof(line)),
		   conwatch_panic_end_str(end), conwatch_on_panic_str(w->on_panic));
	if (w->on_panic == CONWATCH_PANIC_IGNORE || end == STOP_PANIC_END_STOP || !may_stop)
		return false;
	memset(&s, 0, sizeof(s));
	s.kind = STOP_PANIC;
	s.panic_end = end;
	snprintf(s.line, sizeof(s.line), "%s", w->verdict.panic_line);
	if (w->found.kind == STOP_NONE)
		w->found = s;
	if (ret_stop)
		*ret_stop = s;
	else if (w->stop)
		w->stop(w->stop_ctx, &s);
	return true;
}

/*
 * What the verdict saw (@ev bits): records, and stops when @may_stop:
 * through the callback, or into *@ret_stop (the first one) when given.
 */
static void conwatch_handle(struct conwatch *w, unsigned int ev, bool may_stop,
			    struct stop *ret_stop)
{
	char line[CONWATCH_JSON_LINE], pat[CONWATCH_JSON_PATTERN];
	const struct verdict *v = &w->verdict;

	if (ev & (VERDICT_EV_PASS | VERDICT_EV_FAIL)) {
		const char *text = v->pat[v->match_index].text;
		bool pass = v->result == VERDICT_PASS;

		evlog_emit(w->evlog, "pattern", "\"result\":\"%s\",\"pattern\":%s,\"line\":%s,"
			   "\"lineno\":%" PRIu64, pass ? "pass" : "fail",
			   evlog_json_str(text, pat, sizeof(pat)),
			   evlog_json_str(v->match_line, line, sizeof(line)), v->match_lineno);
		if (may_stop) {
			struct stop s;

			memset(&s, 0, sizeof(s));
			s.kind = pass ? STOP_PASS : STOP_FAIL;
			snprintf(s.line, sizeof(s.line), "%s", v->match_line);
			s.pattern = text;
			s.lineno = v->match_lineno;
			if (w->found.kind == STOP_NONE)
				w->found = s;
			if (!ret_stop && w->stop)
				w->stop(w->stop_ctx, &s);
			else if (ret_stop && ret_stop->kind == STOP_NONE)
				*ret_stop = s;
		}
	}
	if ((ev & VERDICT_EV_OOPS) && v->oops_count > w->oops_logged) {
		w->oops_logged = v->oops_count;
		evlog_emit(w->evlog, "oops", "\"count\":%u,\"line\":%s", v->oops_count,
			   evlog_json_str(v->oops_last_line, line, sizeof(line)));
	}
	if (ev & VERDICT_EV_PANIC_END) {
		struct stop s = { .kind = STOP_NONE };

		conwatch_panic_complete(w, STOP_PANIC_END_LINE, may_stop, ret_stop ? &s : NULL);
		if (ret_stop && ret_stop->kind == STOP_NONE)
			*ret_stop = s;
	}
}

void conwatch_set_wake_fd(struct conwatch *w, int fd)
{
	pthread_mutex_lock(&w->lock);
	w->wake_fd = fd;
	pthread_mutex_unlock(&w->lock);
}

void conwatch_output(struct conwatch *w, const void *buf, size_t len, const struct timespec *now)
{
	const char *p = buf;
	bool was_empty;
	size_t n, tail;

	pthread_mutex_lock(&w->lock);
	conlog_write_at(&w->log, buf, len, now);
	w->last = *now;
	was_empty = !w->len;
	n = w->ring ? CONWATCH_RING_SIZE - w->len : 0;
	if (n > len)
		n = len;
	w->dropped += len - n;
	/* at most two pieces: up to the ring's end, then from its start */
	tail = (w->head + w->len) % CONWATCH_RING_SIZE;
	if (n) {
		size_t first = CONWATCH_RING_SIZE - tail < n ? CONWATCH_RING_SIZE - tail : n;

		memcpy(w->ring + tail, p, first);
		memcpy(w->ring, p + first, n - first);
		w->len += n;
	}
	if (was_empty && n && w->wake_fd >= 0) {
		uint64_t one = 1;

		(void)!write(w->wake_fd, &one, sizeof(one));
	}
	pthread_mutex_unlock(&w->lock);
}

/*
 * Take the queued output through the verdict, a piece at a time (copied out
 * under the lock, judged without it). Findings as conwatch_handle().
 */
static void conwatch_take(struct conwatch *w, bool may_stop, struct stop *ret_stop)
{
	char piece[4096];

	for (;;) {
		size_t n;
		unsigned int ev;

		pthread_mutex_lock(&w->lock);
		n = w->len < sizeof(piece) ? w->len : sizeof(piece);
		if (n > CONWATCH_RING_SIZE - w->head)
			n = CONWATCH_RING_SIZE - w->head;
		if (n)
			memcpy(piece, w->ring + w->head, n);
		w->head = (w->head + n) % CONWATCH_RING_SIZE;
		w->len -= n;
		pthread_mutex_unlock(&w->lock);
		if (!n)
			return;
		ev = verdict_feed(&w->verdict, piece, n);
		if (ev)
			conwatch_handle(w, ev, may_stop, ret_stop);
	}
}

void conwatch_drain(struct conwatch *w)
{
	conwatch_take(w, true, NULL);
}

bool conwatch_settle(struct conwatch *w, struct stop *stop, bool guest_stop)
{
	struct stop unused = { .kind = STOP_NONE };
	unsigned int ev;

	/* findings land in w->found; the boot's stop is decided here, not requested */
	conwatch_take(w, guest_stop, &unused);
	if (!guest_stop)
		return false;
	/* the guest stopped: a last line without its line end is complete */
	ev = verdict_flush(&w->verdict);
	if (ev)
		conwatch_handle(w, ev, true, &unused);
	if (w->found.kind == STOP_NONE)
		return false;
	*stop = w->found;
	return true;
}

/* When the latest output arrived. */
static struct timespec conwatch_last(struct conwatch *w)
{
	struct timespec last;

	pthread_mutex_lock(&w->lock);
	last = w->last;
	pthread_mutex_unlock(&w->lock);
	return last;
}

int conwatch_timeout(struct conwatch *w, const struct timespec *now)
{
	struct timespec last;
	int64_t left;

	if (!conwatch_dump_pending(w))
		return -1;
	last = conwatch_last(w);
	left = CONWATCH_QUIET_MS - conwatch_ms_between(&last, now);
	return left < 0 ? 0 : left > CONWATCH_QUIET_MS ? CONWATCH_QUIET_MS : (int)left;
}

void conwatch_tick(struct conwatch *w, const struct timespec *now)
{
	struct timespec last;

	conwatch_drain(w);
	if (!conwatch_dump_pending(w))
		return;
	last = conwatch_last(w);
	if (conwatch_ms_between(&last, now) >= CONWATCH_QUIET_MS) {
		/* a last line without its line end may be the end line */
		unsigned int ev = verdict_flush(&w->verdict);

		if (ev)
			conwatch_handle(w, ev, true, NULL);
		if (conwatch_dump_pending(w))
			conwatch_panic_complete(w, STOP_PANIC_END_QUIET, true, NULL);
	}
}

bool conwatch_reset(struct conwatch *w, struct stop *stop)
{
	if (!conwatch_dump_pending(w))
		return false;
	return conwatch_panic_complete(w, STOP_PANIC_END_RESET, true, stop);
}

void conwatch_new_boot(struct conwatch *w)
{
	conwatch_take(w, false, NULL);
	verdict_new_boot(&w->verdict);
	w->panic_done = false;
	memset(&w->found, 0, sizeof(w->found));
}

void conwatch_finish(struct conwatch *w)
{
	unsigned int ev;

	conwatch_take(w, false, NULL);
	ev = verdict_flush(&w->verdict);
	if (ev)
		conwatch_handle(w, ev, false, NULL);
	if (conwatch_dump_pending(w))
		conwatch_panic_complete(w, STOP_PANIC_END_STOP, false, NULL);
}

void conwatch_get_info(struct conwatch *w, struct conwatch_info *ret)
{
	ret->oops_count = w->verdict.oops_count;
	ret->oops_line = w->verdict.oops_line;
	ret->panics = w->panics_done;
	pthread_mutex_lock(&w->lock);
	ret->log_error = conlog_error(&w->log);
	ret->log_bytes = w->log.bytes;
	ret->dropped = w->dropped;
	pthread_mutex_unlock(&w->lock);
}

void conwatch_destroy(struct conwatch *w)
{
	conlog_close(&w->log);
	verdict_destroy(&w->verdict);
	free(w->ring);
	w->ring = NULL;
	pthread_mutex_destroy(&w->lock);
}
