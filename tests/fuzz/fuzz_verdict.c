// SPDX-License-Identifier: GPL-2.0-only
/*
 * The console verdict on any output, fed in random chunks. The first two
 * input bytes seed the chunk sizes (1 to 1+255 bytes); the rest is the
 * console. Invariants: the chunking changes nothing (the same decision,
 * panic state, counts and kept lines as when fed in one piece); every
 * event reported is reflected in the state and nothing is reported
 * twice that can happen once (the panic per boot, the decision); nothing
 * is reported after a decision; the line buffer and kept lines stay in
 * bounds and terminated; verdict_strip_timestamp() stays within the line.
 * The patterns are compiled once (verdict_reset() between inputs).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pinvm/verdict.h"

static struct verdict whole, chunked;

/* The patterns are compiled once; every input starts from verdict_reset(). */
static void setup(struct verdict *v)
{
	static const char *const pass[] = { "^PASS$", "# Totals: pass:[0-9]+ fail:0", "(a|b)+c{2}" };
	static const char *const fail[] = { "FAIL", "^not ok [0-9]", "^\\[ *[0-9]+\\.[0-9]+\\] x$" };

	if (v->npat) {
		verdict_reset(v);
		return;
	}
	verdict_init(v);
	for (unsigned int i = 0; i < 3; i++) {
		if (verdict_add_pattern(v, VERDICT_PASS, pass[i], NULL, 0) ||
		    verdict_add_pattern(v, VERDICT_FAIL, fail[i], NULL, 0))
			abort();
	}
}

static void check_bounds(const struct verdict *v)
{
	if (v->len > VERDICT_LINE_MAX)
		abort();
	if (strnlen(v->panic_line, VERDICT_SAVED_MAX) >= VERDICT_SAVED_MAX ||
	    strnlen(v->oops_line, VERDICT_SAVED_MAX) >= VERDICT_SAVED_MAX ||
	    strnlen(v->oops_last_line, VERDICT_SAVED_MAX) >= VERDICT_SAVED_MAX ||
	    strnlen(v->match_line, VERDICT_SAVED_MAX) >= VERDICT_SAVED_MAX)
		abort();
	if ((v->result == VERDICT_NONE) != (v->match_index < 0))
		abort();
	if (v->panic_pending && v->panic_ended)
		abort();
	if (v->result != VERDICT_NONE && v->match_lineno > v->lines)
		abort();
}

/* Event bits against the state they must have changed. */
static void check_events(const struct verdict *v, unsigned int ev, unsigned int panics_before,
			 unsigned int oops_before, enum verdict_result result_before)
{
	if (ev & ~(VERDICT_EV_PANIC | VERDICT_EV_PANIC_END | VERDICT_EV_OOPS | VERDICT_EV_PASS |
		   VERDICT_EV_FAIL))
		abort();
	if (!!(ev & VERDICT_EV_PANIC) != (v->panics != panics_before))
		abort();
	if (!!(ev & VERDICT_EV_OOPS) != (v->oops_count != oops_before))
		abort();
	if ((ev & VERDICT_EV_PANIC_END) && (v->panic_pending || !v->panic_ended))
		abort();
	if ((ev & (VERDICT_EV_PASS | VERDICT_EV_FAIL)) == (VERDICT_EV_PASS | VERDICT_EV_FAIL))
		abort();
	if (result_before != VERDICT_NONE && ev)
		abort();	/* nothing after a decision */
	if ((ev & VERDICT_EV_PASS) && v->result != VERDICT_PASS)
		abort();
	if ((ev & VERDICT_EV_FAIL) && v->result != VERDICT_FAIL)
		abort();
	if (!(ev & (VERDICT_EV_PASS | VERDICT_EV_FAIL)) && v->result != result_before)
		abort();
	/* once per boot: this run has one boot */
	if (v->panics > 1)
		abort();
}

static void feed_checked(struct verdict *v, const uint8_t *buf, size_t len, bool flush)
{
	unsigned int panics = v->panics, oops = v->oops_count;
	enum verdict_result result = v->result;
	unsigned int ev = flush ? verdict_flush(v) : verdict_feed(v, buf, len);

	check_events(v, ev, panics, oops, result);
	check_bounds(v);
}

static void check_same(const struct verdict *a, const struct verdict *b)
{
	if (a->result != b->result || a->match_index != b->match_index ||
	    a->match_lineno != b->match_lineno || strcmp(a->match_line, b->match_line))
		abort();
	if (a->panics != b->panics || a->panic_pending != b->panic_pending ||
	    a->panic_ended != b->panic_ended || strcmp(a->panic_line, b->panic_line))
		abort();
	if (a->oops_count != b->oops_count || strcmp(a->oops_line, b->oops_line) ||
	    strcmp(a->oops_last_line, b->oops_last_line))
		abort();
	if (a->lines != b->lines)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t rnd;
	size_t off = 0;

	if (size < 2)
		return 0;
	rnd = (uint32_t)data[0] << 8 | data[1];
	data += 2;
	size -= 2;

	setup(&whole);
	setup(&chunked);
	feed_checked(&whole, data, size, false);
	feed_checked(&whole, NULL, 0, true);

	while (off < size) {
		size_t n;

		rnd = rnd * 1103515245u + 12345u;
		n = 1 + ((rnd >> 16) & 0xff);
		if (n > size - off)
			n = size - off;
		feed_checked(&chunked, data + off, n, false);
		off += n;
	}
	feed_checked(&chunked, NULL, 0, true);
	check_same(&whole, &chunked);

	if (verdict_strip_timestamp((const char *)data, size) > size)
		abort();
	return 0;
}
