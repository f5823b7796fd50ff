// SPDX-License-Identifier: GPL-2.0-only
/*
 * conwatch: the console output's records and stops. The real 6.1, 6.12 and
 * 7.x panic consoles (tests/unit/data/) end with STOP_PANIC at their end
 * line, or at the reset that follows (panic=-1); a dump that goes quiet
 * ends after CONWATCH_QUIET_MS (time is passed in); --on-panic ignore only
 * records; --pass-on / --fail-on stop at once with the line; a last line
 * without its line end decides at a flush; oopses are recorded with their
 * count; the console log gets the bytes; the event log's records are JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "pinvm/conwatch.h"

#define DATA TOP_SRCDIR "/tests/unit/data"
#define SYSRQ_PANIC "Kernel panic - not syncing: sysrq triggered crash"

static char *dir, *evpath, *logpath;
static struct evlog ev;
static struct conwatch w;
static struct conwatch_config cfg;
static struct stop stops[8];
static unsigned int nstops;

static void on_stop(void *ctx, const struct stop *s)
{
	ck_assert_ptr_eq(ctx, &w);
	ck_assert_uint_lt(nstops, 8);
	stops[nstops++] = *s;
}

static void setup(void)
{
	dir = harness_tmpdir();
	ck_assert_ptr_nonnull(dir);
	evpath = harness_path(dir, "events.jsonl");
	logpath = harness_path(dir, "console.log");
	evlog_init(&ev);
	ck_assert_int_eq(evlog_open(&ev, evpath), 0);
	memset(&cfg, 0, sizeof(cfg));
	memset(stops, 0, sizeof(stops));
	nstops = 0;
}

static void teardown(void)
{
	conwatch_destroy(&w);
	evlog_close(&ev);
	pthread_mutex_destroy(&ev.lock);
	harness_rmtree(dir);
	free(dir);
	free(evpath);
	free(logpath);
}

/* A watch for cfg (patterns added by the test first). */
static void start(enum conwatch_on_panic on_panic)
{
	char why[256];

	cfg.on_panic = on_panic;
	conwatch_init(&w, &ev, on_panic, on_stop, &w);
	ck_assert_int_eq(conwatch_setup(&w, &cfg, why, sizeof(why)), 0);
}

static void pattern(enum verdict_result kind, const char *re)
{
	cfg.pat[cfg.npat].kind = kind;
	cfg.pat[cfg.npat].regex = re;
	cfg.npat++;
}

static struct timespec at_ms(long ms)
{
	struct timespec ts = { .tv_sec = 1000 + ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	return ts;
}

static int timeout_at(long ms)
{
	struct timespec now = at_ms(ms);

	return conwatch_timeout(&w, &now);
}

static void tick_at(long ms)
{
	struct timespec now = at_ms(ms);

	conwatch_tick(&w, &now);
}

/* Output as a vCPU thread hands it over, then the event loop's look at it. */
static void out_at(const char *s, long ms)
{
	struct timespec now = at_ms(ms);

	conwatch_output(&w, s, strlen(s), &now);
	conwatch_drain(&w);
}

static char *load(const char *name, size_t *len)
{
	char *path = harness_path(DATA, name), *buf;

	ck_assert_int_eq(harness_read_file(path, (void **)&buf, len), 0);
	free(path);
	return buf;
}

/* The event log so far, as one string. */
static char *events(void)
{
	size_t len;
	char *buf;

	ck_assert_int_eq(harness_read_file(evpath, (void **)&buf, &len), 0);
	return buf;
}

static unsigned int count_str(const char *hay, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Feed @buf line by line (uartio's out callback's pieces), @step ms apart. */
static void feed_lines(const char *buf, size_t len, long t0, long step)
{
	const char *p = buf, *end = buf + len;
	long t = t0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		struct timespec now = at_ms(t);

		conwatch_output(&w, p, n, &now);
		/* the event loop comes by now and then */
		if (t % 7 == 0)
			conwatch_drain(&w);
		p += n;
		t += step;
	}
	conwatch_drain(&w);
}

static void check_panic_end_line(const char *name)
{
	size_t len;
	char *buf = load(name, &len), *log;

	start(CONWATCH_PANIC_EXIT);
	feed_lines(buf, len, 0, 10);
	ck_assert_uint_eq(nstops, 1);
	ck_assert_int_eq(stops[0].kind, STOP_PANIC);
	ck_assert_int_eq(stops[0].panic_end, STOP_PANIC_END_LINE);
	ck_assert_str_eq(stops[0].line, SYSRQ_PANIC);
	/* done: nothing more to wait for */
	ck_assert_int_eq(timeout_at(100000), -1);
	log = events();
	ck_assert_msg(strstr(log, "\"type\":\"panic\",\"line\":\"" SYSRQ_PANIC
			     "\",\"end\":\"end_line\",\"action\":\"exit\"}\n"), "%s", log);
	ck_assert_uint_eq(count_str(log, "\"type\":"), 1);
	free(log);
	free(buf);
}

START_TEST(test_panic_end_line)
{
	static const char *const files[] = { "panic-6.1.txt", "panic-6.12.txt", "panic-7.txt" };

	check_panic_end_line(files[_i]);
}
END_TEST

/* panic=-1: the dump, then the reset; the run loop hands the reset in. */
static void check_panic_reset(const char *name, enum conwatch_on_panic policy)
{
	struct stop s = { .kind = STOP_RESET, .vcpu = 0 };
	size_t len;
	char *buf = load(name, &len), *log;

	start(policy);
	feed_lines(buf, len, 0, 10);
	ck_assert_uint_eq(nstops, 0);
	/* the event loop wakes for the quiet period */
	ck_assert_int_ge(timeout_at(0), 0);
	ck_assert_int_eq(conwatch_reset(&w, &s), policy != CONWATCH_PANIC_IGNORE);
	if (policy == CONWATCH_PANIC_IGNORE) {
		ck_assert_int_eq(s.kind, STOP_RESET);
	} else {
		ck_assert_int_eq(s.kind, STOP_PANIC);
		ck_assert_int_eq(s.panic_end, STOP_PANIC_END_RESET);
		ck_assert_str_eq(s.line, SYSRQ_PANIC);
	}
	ck_assert_uint_eq(nstops, 0);
	/* once only */
	s.kind = STOP_RESET;
	ck_assert(!conwatch_reset(&w, &s));
	ck_assert_int_eq(timeout_at(0), -1);
	log = events();
	ck_assert_msg(strstr(log, "\"end\":\"reset\",\"action\":\"") != NULL, "%s", log);
	ck_assert_uint_eq(count_str(log, "\"type\":\"panic\""), 1);
	free(log);
	free(buf);
}

START_TEST(test_panic_reset)
{
	static const char *const files[] = {
		"panic-reset-6.1.txt", "panic-reset-6.12.txt", "panic-reset-7.txt",
	};

	check_panic_reset(files[_i], CONWATCH_PANIC_EXIT);
}
END_TEST

START_TEST(test_panic_reset_ignore)
{
	check_panic_reset("panic-reset-7.txt", CONWATCH_PANIC_IGNORE);
}
END_TEST

/* A dump that just stops: complete after CONWATCH_QUIET_MS without output. */
START_TEST(test_panic_quiet)
{
	char *log;

	start(CONWATCH_PANIC_RESTART);
	ck_assert_int_eq(timeout_at(0), -1);
	out_at("[   12.000001] Kernel panic - not syncing: Attempted to kill init!\r\n", 0);
	ck_assert_int_eq(timeout_at(0), CONWATCH_QUIET_MS);
	out_at("[   12.000002] CPU: 0 PID: 1 Comm: init\r\n", 500);
	ck_assert_int_eq(timeout_at(1000), CONWATCH_QUIET_MS - 500);
	tick_at(500 + CONWATCH_QUIET_MS - 1);
	ck_assert_uint_eq(nstops, 0);
	ck_assert_int_eq(timeout_at(500 + CONWATCH_QUIET_MS + 7), 0);
	tick_at(500 + CONWATCH_QUIET_MS);
	ck_assert_uint_eq(nstops, 1);
	ck_assert_int_eq(stops[0].kind, STOP_PANIC);
	ck_assert_int_eq(stops[0].panic_end, STOP_PANIC_END_QUIET);
	ck_assert_str_eq(stops[0].line, "Kernel panic - not syncing: Attempted to kill init!");
	tick_at(99999);
	ck_assert_uint_eq(nstops, 1);
	ck_assert_int_eq(timeout_at(99999), -1);

	/* restarted (--on-panic restart): the next boot may panic again */
	conwatch_new_boot(&w);
	out_at("[    1.000000] Kernel panic - not syncing: VFS: Unable to mount root fs\r\n",
	       100000);
	tick_at(100000 + CONWATCH_QUIET_MS);
	ck_assert_uint_eq(nstops, 2);
	ck_assert_str_eq(stops[1].line, "Kernel panic - not syncing: VFS: Unable to mount root fs");
	log = events();
	ck_assert_uint_eq(count_str(log, "\"end\":\"quiet\",\"action\":\"restart\""), 2);
	free(log);
}
END_TEST

/* A quiet dump whose end line came without its line end: the end line decides. */
START_TEST(test_panic_quiet_partial_end)
{
	start(CONWATCH_PANIC_EXIT);
	out_at("Kernel panic - not syncing: x\r\n", 0);
	out_at("---[ end Kernel panic - not syncing: x ]---", 10);
	ck_assert_uint_eq(nstops, 0);
	tick_at(10 + CONWATCH_QUIET_MS);
	ck_assert_uint_eq(nstops, 1);
	ck_assert_int_eq(stops[0].panic_end, STOP_PANIC_END_LINE);
}
END_TEST

START_TEST(test_panic_ignore)
{
	char *log;

	start(CONWATCH_PANIC_IGNORE);
	out_at("Kernel panic - not syncing: x\n", 0);
	out_at("---[ end Kernel panic - not syncing: x ]---\n", 10);
	ck_assert_uint_eq(nstops, 0);
	log = events();
	ck_assert_ptr_nonnull(strstr(log, "\"type\":\"panic\",\"line\":\"Kernel panic - not syncing: x\","
				      "\"end\":\"end_line\",\"action\":\"ignore\"}"));
	free(log);
}
END_TEST

START_TEST(test_patterns)
{
	char *log;

	pattern(VERDICT_FAIL, "^# Totals: pass:[0-9]+ fail:[1-9]");
	pattern(VERDICT_PASS, "^# Totals: pass:[0-9]+ fail:0");
	start(CONWATCH_PANIC_EXIT);
	out_at("TAP version 13\r\n", 0);
	out_at("ok 1 selftests: \"quoted\" \\ back\r\n", 1);
	ck_assert_uint_eq(nstops, 0);
	/* split anywhere */
	out_at("# Totals: pa", 2);
	out_at("ss:3 fail:0 xfail:0\r", 3);
	ck_assert_uint_eq(nstops, 0);
	out_at("\n", 4);
	ck_assert_uint_eq(nstops, 1);
	ck_assert_int_eq(stops[0].kind, STOP_PASS);
	ck_assert_str_eq(stops[0].line, "# Totals: pass:3 fail:0 xfail:0");
	ck_assert_str_eq(stops[0].pattern, "^# Totals: pass:[0-9]+ fail:0");
	ck_assert_uint_eq(stops[0].lineno, 3);
	/* decided: nothing after it counts */
	out_at("# Totals: pass:0 fail:9\n", 5);
	ck_assert_uint_eq(nstops, 1);
	log = events();
	ck_assert_msg(strstr(log, "\"type\":\"pattern\",\"result\":\"pass\",\"pattern\":"
			     "\"^# Totals: pass:[0-9]+ fail:0\",\"line\":\"# Totals: pass:3 fail:0 xfail:0\","
			     "\"lineno\":3}\n"), "%s", log);
	ck_assert_uint_eq(count_str(log, "\"type\":"), 1);
	free(log);
}
END_TEST

/*
 * Output still queued when the guest stops itself: a line in it, even one
 * without its line end, came first and replaces the guest's stop; a stop of
 * ours (a signal) stays, the line is recorded.
 */
START_TEST(test_settle)
{
	struct stop s = { .kind = STOP_SYSTEM_OFF };
	struct timespec now = at_ms(0);
	char *log;

	pattern(VERDICT_FAIL, "FAILED");
	start(CONWATCH_PANIC_EXIT);
	conwatch_output(&w, "tests: 3 FAILED", 15, &now);
	ck_assert(conwatch_settle(&w, &s, true));
	ck_assert_uint_eq(nstops, 0);
	ck_assert_int_eq(s.kind, STOP_FAIL);
	ck_assert_str_eq(s.line, "tests: 3 FAILED");
	ck_assert_str_eq(s.pattern, "FAILED");
	/* the boot's console verdict stands, whatever the guest did next */
	s.kind = STOP_RESET;
	ck_assert(conwatch_settle(&w, &s, true));
	ck_assert_int_eq(s.kind, STOP_FAIL);
	/* a new boot starts without one */
	conwatch_new_boot(&w);
	s.kind = STOP_RESET;
	ck_assert(!conwatch_settle(&w, &s, true));
	ck_assert_int_eq(s.kind, STOP_RESET);
	log = events();
	ck_assert_uint_eq(count_str(log, "\"type\":\"pattern\",\"result\":\"fail\""), 1);
	free(log);
}
END_TEST

/*
 * The race of a line printed just before SYSTEM_OFF: the event loop judged
 * the line (its stop request lost to the power-off, which the vCPU made
 * meanwhile); settling puts the line's verdict first.
 */
START_TEST(test_settle_after_drain)
{
	struct stop s = { .kind = STOP_SYSTEM_OFF };

	pattern(VERDICT_FAIL, "^FAIL$");
	start(CONWATCH_PANIC_EXIT);
	out_at("FAIL\r\n", 0);
	ck_assert_uint_eq(nstops, 1);
	ck_assert(conwatch_settle(&w, &s, true));
	ck_assert_int_eq(s.kind, STOP_FAIL);
	ck_assert_str_eq(s.line, "FAIL");
}
END_TEST

START_TEST(test_settle_ours)
{
	struct stop s = { .kind = STOP_SIGNAL, .signo = 15 };
	struct timespec now = at_ms(0);
	char *log;

	pattern(VERDICT_PASS, "^ok$");
	start(CONWATCH_PANIC_EXIT);
	conwatch_output(&w, "ok\r\n", 4, &now);
	ck_assert(!conwatch_settle(&w, &s, false));
	ck_assert_int_eq(s.kind, STOP_SIGNAL);
	ck_assert_uint_eq(nstops, 0);
	log = events();
	ck_assert_ptr_nonnull(strstr(log, "\"result\":\"pass\""));
	free(log);
}
END_TEST

/* A panic's end line queued before a reset: the end line decides. */
START_TEST(test_settle_panic_end)
{
	struct stop s = { .kind = STOP_RESET };
	struct timespec now = at_ms(0);

	start(CONWATCH_PANIC_EXIT);
	out_at("Kernel panic - not syncing: z\n", 0);
	conwatch_output(&w, "---[ end Kernel panic - not syncing: z ]---\n", 44, &now);
	ck_assert(conwatch_settle(&w, &s, true));
	ck_assert_int_eq(s.kind, STOP_PANIC);
	ck_assert_int_eq(s.panic_end, STOP_PANIC_END_LINE);
	ck_assert(!conwatch_reset(&w, &s));
	ck_assert_uint_eq(nstops, 0);
}
END_TEST

/*
 * The vCPU side: the log gets every byte at once, the queue what fits (the
 * rest is counted), the event loop is woken when the queue was empty.
 */
START_TEST(test_queue)
{
	static char big[CONWATCH_RING_SIZE / 4];
	struct conwatch_info info;
	struct timespec now = at_ms(0);
	uint64_t wakes;
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	cfg.log_path = logpath;
	pattern(VERDICT_FAIL, "^last$");
	start(CONWATCH_PANIC_EXIT);
	conwatch_set_wake_fd(&w, fds[1]);
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	for (unsigned int i = 0; i < 5; i++)
		conwatch_output(&w, big, sizeof(big), &now);
	/* one wake (the queue was empty once), 8 bytes in the pipe */
	ck_assert_int_eq(read(fds[0], &wakes, sizeof(wakes)), 8);
	conwatch_get_info(&w, &info);
	ck_assert_uint_eq(info.log_bytes, 5 * sizeof(big));
	ck_assert_uint_eq(info.dropped, sizeof(big));
	conwatch_drain(&w);
	/* drained: the next output wakes again, and is judged */
	conwatch_output(&w, "last\n", 5, &now);
	ck_assert_int_eq(read(fds[0], &wakes, sizeof(wakes)), 8);
	ck_assert_uint_eq(nstops, 0);
	conwatch_drain(&w);
	ck_assert_uint_eq(nstops, 1);
	ck_assert_int_eq(stops[0].kind, STOP_FAIL);
	ck_assert_uint_eq(stops[0].lineno, 4 + 1);
	conwatch_set_wake_fd(&w, -1);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/* The end of the run: records only, and a pending dump is recorded as such. */
START_TEST(test_finish)
{
	char *log;

	pattern(VERDICT_FAIL, "^late$");
	start(CONWATCH_PANIC_EXIT);
	out_at("late", 0);
	conwatch_finish(&w);
	ck_assert_uint_eq(nstops, 0);
	log = events();
	ck_assert_ptr_nonnull(strstr(log, "\"type\":\"pattern\",\"result\":\"fail\""));
	free(log);
}
END_TEST

START_TEST(test_finish_pending_panic)
{
	char *log;

	start(CONWATCH_PANIC_EXIT);
	out_at("Kernel panic - not syncing: y\n", 1);
	conwatch_finish(&w);
	ck_assert_uint_eq(nstops, 0);
	log = events();
	ck_assert_ptr_nonnull(strstr(log, "\"line\":\"Kernel panic - not syncing: y\",\"end\":\"stop\""));
	free(log);
}
END_TEST

START_TEST(test_oops)
{
	struct conwatch_info info;
	size_t len;
	char *buf = load("oops-arm64-6.12-syzbot.txt", &len), *log;

	start(CONWATCH_PANIC_EXIT);
	feed_lines(buf, len, 0, 1);
	ck_assert_uint_eq(nstops, 0);
	conwatch_get_info(&w, &info);
	ck_assert_uint_eq(info.oops_count, 1);
	ck_assert_uint_eq(info.panics, 0);
	log = events();
	ck_assert_msg(strstr(log, "\"type\":\"oops\",\"count\":1,\"line\":\"Internal error: Oops: ") != NULL,
		      "%s", log);
	free(log);
	free(buf);
	out_at("[   99.0] BUG: scheduling while atomic: x/1/0x00000002\n", 5000);
	conwatch_get_info(&w, &info);
	ck_assert_uint_eq(info.oops_count, 2);
	log = events();
	ck_assert_ptr_nonnull(strstr(log, "\"type\":\"oops\",\"count\":2,\"line\":\"BUG: scheduling"));
	ck_assert_uint_eq(count_str(log, "\"type\":\"oops\""), 2);
	free(log);
}
END_TEST

/* Control characters and long lines stay valid JSON in the records. */
START_TEST(test_json_escaping)
{
	char line[600], *log;

	pattern(VERDICT_FAIL, "X");
	start(CONWATCH_PANIC_EXIT);
	memset(line, '\x1b', sizeof(line));
	line[0] = 'X';
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	out_at(line, 0);
	ck_assert_uint_eq(nstops, 1);
	log = events();
	ck_assert_ptr_nonnull(strstr(log, "\"line\":\"X\\u001b\\u001b"));
	/* one complete object, not cut */
	ck_assert_msg(strstr(log, "\",\"lineno\":1}\n") != NULL, "%s", log);
	free(log);
}
END_TEST

START_TEST(test_console_log)
{
	struct conwatch_info info;
	size_t len;
	char *buf;

	cfg.log_path = logpath;
	start(CONWATCH_PANIC_EXIT);
	out_at("one\r\n", 0);
	out_at("two", 1);
	ck_assert_int_eq(harness_read_file(logpath, (void **)&buf, &len), 0);
	ck_assert_uint_eq(len, 8);
	ck_assert(memcmp(buf, "one\r\ntwo", 8) == 0);
	free(buf);
	conwatch_get_info(&w, &info);
	ck_assert_uint_eq(info.log_bytes, 8);
	ck_assert_int_eq(info.log_error, 0);
}
END_TEST

START_TEST(test_setup_errors)
{
	char why[256];

	conwatch_init(&w, &ev, CONWATCH_PANIC_EXIT, on_stop, &w);
	pattern(VERDICT_PASS, "ok");
	pattern(VERDICT_FAIL, "(unclosed");
	ck_assert_int_eq(conwatch_setup(&w, &cfg, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strncmp(why, "--fail-on '(unclosed': ", 23) == 0, "%s", why);
	conwatch_destroy(&w);

	conwatch_init(&w, &ev, CONWATCH_PANIC_EXIT, on_stop, &w);
	memset(&cfg, 0, sizeof(cfg));
	cfg.log_path = dir;
	ck_assert_int_eq(conwatch_setup(&w, &cfg, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "cannot write console log ") && strstr(why, ": not a regular file"),
		      "%s", why);
}
END_TEST

START_TEST(test_strings)
{
	ck_assert_str_eq(conwatch_panic_end_str(STOP_PANIC_END_LINE), "end_line");
	ck_assert_str_eq(conwatch_panic_end_str(STOP_PANIC_END_RESET), "reset");
	ck_assert_str_eq(conwatch_panic_end_str(STOP_PANIC_END_QUIET), "quiet");
	ck_assert_str_eq(conwatch_panic_end_str(STOP_PANIC_END_STOP), "stop");
	ck_assert_str_eq(conwatch_on_panic_str(CONWATCH_PANIC_EXIT), "exit");
	ck_assert_str_eq(conwatch_on_panic_str(CONWATCH_PANIC_RESTART), "restart");
	ck_assert_str_eq(conwatch_on_panic_str(CONWATCH_PANIC_IGNORE), "ignore");
	/* conwatch_destroy() in teardown needs an initialised watch */
	conwatch_init(&w, &ev, CONWATCH_PANIC_EXIT, NULL, NULL);
}
END_TEST

static Suite *conwatch_suite(void)
{
	Suite *s = suite_create("conwatch");
	TCase *tc = tcase_create("conwatch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_panic_end_line, 0, 3);
	tcase_add_loop_test(tc, test_panic_reset, 0, 3);
	tcase_add_test(tc, test_panic_reset_ignore);
	tcase_add_test(tc, test_panic_quiet);
	tcase_add_test(tc, test_panic_quiet_partial_end);
	tcase_add_test(tc, test_panic_ignore);
	tcase_add_test(tc, test_patterns);
	tcase_add_test(tc, test_settle);
	tcase_add_test(tc, test_settle_after_drain);
	tcase_add_test(tc, test_settle_ours);
	tcase_add_test(tc, test_settle_panic_end);
	tcase_add_test(tc, test_queue);
	tcase_add_test(tc, test_finish);
	tcase_add_test(tc, test_finish_pending_panic);
	tcase_add_test(tc, test_oops);
	tcase_add_test(tc, test_json_escaping);
	tcase_add_test(tc, test_console_log);
	tcase_add_test(tc, test_setup_errors);
	tcase_add_test(tc, test_strings);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(conwatch_suite());
}
