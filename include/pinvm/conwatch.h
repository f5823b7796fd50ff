/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The console watch: what pinvm does with the guest's console output
 * besides showing it. Every piece of output (uartio's out callback: a line,
 * or 4 KiB of one) is written to the console log (conlog.h) at once and
 * queued for the verdict (verdict.h); the event loop's thread takes the
 * queue through the verdict (conwatch_drain()) and turns what it finds
 * into event-log records and stops:
 *
 *  - a --pass-on / --fail-on line: a `pattern` record and STOP_PASS /
 *    STOP_FAIL;
 *  - an oops: an `oops` record (count so far, the line);
 *  - a kernel panic: once its dump is complete, a `panic` record and, under
 *    --on-panic exit or restart, STOP_PANIC. The dump is complete at its
 *    end line, at a guest reset (conwatch_reset(), called by the run loop
 *    with the reset stop in hand) or after CONWATCH_QUIET_MS without output
 *    (conwatch_tick(), called by the event loop, which sleeps at most
 *    conwatch_timeout() ms). --on-panic ignore writes the record and stops
 *    nothing.
 *
 * Why two threads: the output callback runs on whichever thread touches
 * the UART, mostly vCPU threads, whose seccomp filter allows no memory
 * allocation, and regexec(3) allocates (glibc builds its DFA states as it
 * matches). So a vCPU thread only writes the log and copies the bytes into
 * a ring (CONWATCH_RING_SIZE; what does not fit is counted, not matched),
 * waking the event loop through its eventfd when the ring was empty.
 *
 * Stops found while the boot runs go out through the callback given to
 * conwatch_init() (runloop_request_stop(): the first one wins). When a
 * vCPU stops the boot itself (a power event, a failure), the output still
 * queued is judged after the vCPUs parked, by conwatch_settle(), and a
 * stop the console gave in this boot, before or then, replaces the
 * guest's: the line a guest prints just before it powers off may reach
 * the verdict after the power-off reached the run loop.
 *
 * Locking. The watch's lock guards the ring, the log and the time of the
 * last output; it is taken inside uartio's lock (the output callback) and
 * by the event loop, and nothing is called under it but write(2). The
 * verdict's state belongs to the event loop's thread (every function here
 * but conwatch_output() and conwatch_set_wake_fd() runs there), which
 * requests stops and writes records holding no watch lock. So the order
 * is uartio lock -> watch lock, and the run loop's and event log's locks
 * are taken without either.
 *
 * Time is passed in (CLOCK_MONOTONIC), so the quiet period can be tested
 * without waiting.
 */
#ifndef PINVM_CONWATCH_H
#define PINVM_CONWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <time.h>

#include "pinvm/conlog.h"
#include "pinvm/evlog.h"
#include "pinvm/stop.h"
#include "pinvm/verdict.h"

#define CONWATCH_QUIET_MS	VERDICT_PANIC_QUIET_MS
#define CONWATCH_RING_SIZE	(1u << 20)	/* output queued for the verdict */

/* --on-panic */
enum conwatch_on_panic {
	CONWATCH_PANIC_EXIT,		/* STOP_PANIC ends the run (default) */
	CONWATCH_PANIC_RESTART,		/* STOP_PANIC, and the run loop restarts */
	CONWATCH_PANIC_IGNORE,		/* the record only: resets and hangs as before */
};

struct conwatch_pattern {
	enum verdict_result kind;	/* VERDICT_PASS or VERDICT_FAIL */
	const char *regex;		/* as given (argv) */
};

/* What the command line asks of the watch (main.c fills it). */
struct conwatch_config {
	const char *log_path;		/* --console-log FILE; NULL: none */
	bool log_timestamps;		/* --console-log-timestamps */
	enum conwatch_on_panic on_panic;
	struct conwatch_pattern pat[VERDICT_PATTERNS_MAX];
	unsigned int npat;
};

typedef void (*conwatch_stop_fn)(void *ctx, const struct stop *stop);

struct conwatch {
	pthread_mutex_t lock;		/* the ring, the log, last, wake_fd */
	struct conlog log;
	char *ring;			/* CONWATCH_RING_SIZE bytes (conwatch_setup()); NULL: none */
	size_t head, len;		/* queued: len bytes from head */
	uint64_t dropped;		/* bytes that did not fit */
	int wake_fd;			/* eventfd of the event loop; -1: none */
	struct timespec last;		/* the latest output arrived */

	/* the event loop's thread alone */
	struct verdict verdict;
	enum conwatch_on_panic on_panic;
	struct evlog *evlog;
	conwatch_stop_fn stop;
	void *stop_ctx;
	unsigned int oops_logged;	/* oopses already in the event log */
	struct stop found;		/* this boot's first stop from the console; kind NONE: none */
	bool panic_done;		/* this boot's panic has its record */
	unsigned int panics_done;	/* panic records, all boots */
	enum stop_panic_end last_end;	/* how the latest recorded dump ended */
};

/* What main.c reports at the end of a run. */
struct conwatch_info {
	unsigned int oops_count;
	const char *oops_line;		/* the first oops ("" when none) */
	unsigned int panics;		/* panics recorded */
	int log_error;			/* the console log's first write error, or 0 */
	uint64_t log_bytes;
	uint64_t dropped;		/* output the verdict never saw (the ring was full) */
};

/**
 * conwatch_init() - an idle watch (no log, no patterns) reporting to
 * @evlog and stopping through @stop(@ctx, ...); panics per @on_panic.
 */
void conwatch_init(struct conwatch *w, struct evlog *evlog, enum conwatch_on_panic on_panic,
		   conwatch_stop_fn stop, void *ctx);

/**
 * conwatch_setup() - compile @cfg's patterns, open its console log
 * (timestamps count from the event log's start), allocate the ring. On
 * failure a message is written to @why.
 * Returns: 0; -EINVAL (a pattern does not compile; the log path is not a
 * regular file); -E2BIG; -ENOMEM; -errno of conlog_open().
 */
int conwatch_setup(struct conwatch *w, const struct conwatch_config *cfg,
		   char *why, size_t why_size);

/** conwatch_set_wake_fd() - the eventfd that wakes the event loop for queued output (-1: none). */
void conwatch_set_wake_fd(struct conwatch *w, int fd);

/**
 * conwatch_output() - @len bytes of guest console output that arrived at
 * @now: written to the log and queued for the verdict. Called with uartio's
 * lock held, on any thread; allocates nothing, calls write(2) only.
 */
void conwatch_output(struct conwatch *w, const void *buf, size_t len, const struct timespec *now);

/**
 * conwatch_drain() - the queued output through the verdict: records, and
 * stops through the callback.
 */
void conwatch_drain(struct conwatch *w);

/**
 * conwatch_settle() - the boot ended in *@stop and the vCPUs are parked:
 * the output still queued is judged, and with @guest_stop (the guest
 * stopped on its own: a power event, a failure) a last line without its
 * line end too. With @guest_stop, the console's first stop of this boot
 * (a pattern line, a panic's end), found now or before, replaces *@stop.
 * Without it (a signal, the timeout, the escape) findings are recorded
 * only.
 * Returns: true when *@stop was replaced.
 */
bool conwatch_settle(struct conwatch *w, struct stop *stop, bool guest_stop);

/**
 * conwatch_timeout() - how long the event loop may sleep: the milliseconds
 * (0 or more) until a panic's quiet period ends at @now, or -1 when no
 * dump is pending.
 */
int conwatch_timeout(struct conwatch *w, const struct timespec *now);

/**
 * conwatch_tick() - the event loop's look: the queued output is drained; a
 * pending dump that has been quiet CONWATCH_QUIET_MS by @now is complete
 * (record; STOP_PANIC unless ignored).
 */
void conwatch_tick(struct conwatch *w, const struct timespec *now);

/**
 * conwatch_reset() - the boot ended in *@stop, a guest reset (the vCPUs are
 * parked). A pending panic dump is complete with it: its record is written
 * and, unless --on-panic ignore, *@stop becomes STOP_PANIC.
 * Returns: true when *@stop was changed.
 */
bool conwatch_reset(struct conwatch *w, struct stop *stop);

/**
 * conwatch_new_boot() - the guest restarts in place: the output of the
 * boot before is judged (records only), then the partial line goes, so
 * does the panic state; counts and the patterns' decision stay.
 */
void conwatch_new_boot(struct conwatch *w);

/**
 * conwatch_finish() - the run is over: the queued output and a partial last
 * line are looked at (records only: the run's stop is decided) and a dump
 * still pending gets its record (end "stop").
 */
void conwatch_finish(struct conwatch *w);

/** conwatch_get_info() - counts for the summary; strings live as long as @w. */
void conwatch_get_info(struct conwatch *w, struct conwatch_info *ret);

/** conwatch_panic_end_str() - "end_line", "reset", "quiet" or "stop". */
const char *conwatch_panic_end_str(enum stop_panic_end end);

/** conwatch_on_panic_str() - "exit", "restart" or "ignore". */
const char *conwatch_on_panic_str(enum conwatch_on_panic p);

/** conwatch_destroy() - close the log (fsync'ed), free the patterns and the ring. */
void conwatch_destroy(struct conwatch *w);

#endif
