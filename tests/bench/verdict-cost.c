// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the console watch costs per line of guest output, natively (no KVM,
 * no TCG): conwatch_output() as uartio's out callback calls it on a vCPU
 * thread, one line a call, and conwatch_drain() as the event loop calls it
 * (here after every line: the dearest case), over real console text, with
 * no pattern and with three patterns that never match (so every line is
 * tried against all three), without and with a console log; and with the
 * event loop draining once a round of the text (batched, as it does when
 * the guest prints faster than it wakes). docs/benchmarks.md has the
 * figures.
 *
 *   cc -O2 -D_GNU_SOURCE -Iinclude -o /tmp/verdict-cost tests/bench/verdict-cost.c \
 *      src/conwatch.c src/verdict.c src/conlog.c src/evlog.c src/io.c -lpthread
 *   /tmp/verdict-cost tests/unit/data/oops-arm64-6.12-syzbot.txt tests/unit/data/panic-*.txt
 *
 * Lines with a panic marker are left out: after a panic line the patterns
 * are not tried (the dump is the kernel's), which would flatter them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pinvm/conwatch.h"

#define ROUNDS	2000

static char *text;
static size_t text_len, nlines;

static void load(const char *path)
{
	char line[8192];
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);

		if (strstr(line, "Kernel panic") || strstr(line, "end trace"))
			continue;
		text = realloc(text, text_len + n);
		if (!text)
			exit(1);
		memcpy(text + text_len, line, n);
		text_len += n;
		nlines++;
	}
	fclose(f);
}

static void stop(void *ctx __attribute__((unused)), const struct stop *s)
{
	fprintf(stderr, "unexpected stop %d: %s\n", s->kind, s->line);
	exit(1);
}

static double run(unsigned int npat, const char *log_path, bool drain)
{
	static const char *const pats[] = {
		"^# Totals: pass:[0-9]+ fail:[1-9]", "BUG: KASAN: [a-z-]+ in", "^TESTS (PASSED|OK)$",
	};
	struct conwatch_config cfg = { .on_panic = CONWATCH_PANIC_EXIT, .log_path = log_path };
	struct timespec t0, t1, now;
	struct conwatch w;
	struct evlog ev;
	char why[256];

	evlog_init(&ev);
	for (unsigned int i = 0; i < npat; i++) {
		cfg.pat[i].kind = i == 2 ? VERDICT_PASS : VERDICT_FAIL;
		cfg.pat[i].regex = pats[i];
	}
	cfg.npat = npat;
	conwatch_init(&w, &ev, CONWATCH_PANIC_EXIT, stop, NULL);
	if (conwatch_setup(&w, &cfg, why, sizeof(why))) {
		fprintf(stderr, "%s\n", why);
		exit(1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int r = 0; r < ROUNDS; r++) {
		const char *p = text, *end = text + text_len;

		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

			clock_gettime(CLOCK_MONOTONIC, &now);	/* machine_console_out() does */
			conwatch_output(&w, p, n, &now);
			if (drain)
				conwatch_drain(&w);
			p += n;
		}
		conwatch_drain(&w);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	conwatch_destroy(&w);
	return ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
	       ((double)ROUNDS * (double)nlines);
}

int main(int argc, char **argv)
{
	char log_path[] = "/tmp/verdict-cost-XXXXXX";
	int fd;

	for (int i = 1; i < argc; i++)
		load(argv[i]);
	if (!nlines) {
		fprintf(stderr, "usage: verdict-cost CONSOLE-TEXT...\n");
		return 2;
	}
	fd = mkstemp(log_path);
	if (fd < 0)
		return 1;
	close(fd);
	printf("%zu lines, %zu bytes (%.1f bytes a line), %d rounds\n", nlines, text_len,
	       (double)text_len / (double)nlines, ROUNDS);
	printf("three patterns, drained once a round:     %6.0f ns a line\n", run(3, NULL, false));
	printf("no pattern, no log:                       %6.0f ns a line\n", run(0, NULL, true));
	printf("three patterns, no log:                   %6.0f ns a line\n", run(3, NULL, true));
	printf("no pattern, console log:                  %6.0f ns a line\n", run(0, log_path, true));
	printf("three patterns, console log:              %6.0f ns a line\n", run(3, log_path, true));
	unlink(log_path);
	return 0;
}
