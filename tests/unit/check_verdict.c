// SPDX-License-Identifier: GPL-2.0-only
/*
 * verdict: the console matcher against the real consoles of Debian's
 * 6.1, 6.12 and 7.x arm64 kernels panicking under pinvm (`echo c >
 * /proc/sysrq-trigger`, captured by nested case 210; tests/unit/data/),
 * a published arm64 oops, and the edges: chunks split anywhere, CR LF,
 * printk prefixes, lines past VERDICT_LINE_MAX, the first pattern match
 * deciding, nothing matched after a decision or inside a panic dump.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pinvm/verdict.h"

#define DATA TOP_SRCDIR "/tests/unit/data"
#define SYSRQ_PANIC "Kernel panic - not syncing: sysrq triggered crash"

static struct verdict v;

static void setup(void)
{
	verdict_init(&v);
}

static void teardown(void)
{
	verdict_destroy(&v);
}

/* Event bits seen, and how often each bit was reported. */
struct seen {
	unsigned int bits;
	unsigned int count[5];
};

static void seen_add(struct seen *s, unsigned int ev)
{
	s->bits |= ev;
	for (unsigned int i = 0; i < 5; i++)
		if (ev & (1u << i))
			s->count[i]++;
}

/*
 * Feed @len bytes in chunks: @mode 0 all at once, 1 byte by byte, else
 * chunk sizes from a PRNG seeded with @mode (1-200 bytes).
 */
static struct seen feed_chunks(const char *buf, size_t len, unsigned int mode)
{
	struct seen s = { 0 };
	unsigned int rnd = mode;
	size_t off = 0;

	while (off < len) {
		size_t n = len - off;

		if (mode == 1) {
			n = 1;
		} else if (mode > 1) {
			rnd = rnd * 1103515245u + 12345u;
			n = 1 + (rnd >> 16) % 200;
			if (n > len - off)
				n = len - off;
		}
		seen_add(&s, verdict_feed(&v, buf + off, n));
		off += n;
	}
	return s;
}

static struct seen feed_str(const char *s)
{
	return feed_chunks(s, strlen(s), 0);
}

static char *load(const char *name, size_t *ret_len)
{
	char *path = harness_path(DATA, name), *buf;

	ck_assert_msg(harness_read_file(path, (void **)&buf, ret_len) == 0, "cannot read %s", path);
	free(path);
	return buf;
}

/* Every line of @in with @prefix before it and @eol after it (malloc'd). */
static char *relines(const char *in, const char *prefix, const char *eol, size_t *ret_len)
{
	size_t cap = strlen(in) * 2 + 4096, n = 0;
	char *out = malloc(cap);
	const char *p = in;

	ck_assert_ptr_nonnull(out);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		ck_assert(n + strlen(prefix) + l + strlen(eol) < cap);
		n += (size_t)sprintf(out + n, "%s%.*s%s", prefix, (int)l, p, eol);
		p += l + (nl ? 1 : 0);
	}
	*ret_len = n;
	return out;
}

static void add(enum verdict_result kind, const char *re)
{
	char err[128];

	ck_assert_msg(verdict_add_pattern(&v, kind, re, err, sizeof(err)) == 0, "%s: %s", re, err);
}

START_TEST(test_strip_timestamp)
{
	static const struct {
		const char *line;
		size_t off;
	} cases[] = {
		{ "[    1.234567] Kernel panic", 15 },
		{ "[12345.000001] x", 15 },
		{ "[    1.234567][    T1] msg", 23 },
		{ "[    0.000000][     C0] msg", 24 },
		{ "[    1.234567]", 14 },		/* an empty message */
		{ "[    1.234567] ", 15 },
		{ "[    1.234567]msg", 0 },
		{ "[    1.234567][    T1]msg", 0 },
		{ "[    1.] x", 0 },
		{ "[.5] x", 0 },
		{ "[    1.5 x", 0 },
		{ "[    T1] x", 0 },
		{ "[0000000000000000] pgd=0000000000000000", 0 },
		{ " [    1.234567] x", 0 },
		{ "", 0 },
		{ "[", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(verdict_strip_timestamp(cases[i].line, strlen(cases[i].line)) ==
			      cases[i].off, "'%s'", cases[i].line);
	/* the length bounds the parse: a prefix cut short is none */
	ck_assert_uint_eq(verdict_strip_timestamp("[    1.234567] x", 13), 0);
}
END_TEST

/*
 * A real panic=0 console (tests/unit/data/panic-GEN.txt): the panic line
 * once, the dump pending until its end line, no oops, no pattern matched
 * inside the dump; the same in every chunking.
 */
static void check_panic_file(const char *name)
{
	size_t len, end_off;
	char *buf = load(name, &len);
	const char *end = strstr(buf, "---[ end Kernel panic");
	const char *panic = strstr(buf, SYSRQ_PANIC);

	ck_assert_msg(panic && end && panic < end, "%s: no panic and end lines", name);
	/* the guest's own lines and the kernel's end in CR LF (8250 console, tty ONLCR) */
	ck_assert_ptr_nonnull(strstr(buf, "PINVM-GUEST: panic: now\r\n"));
	ck_assert_ptr_nonnull(strstr(panic, "crash\r\n"));
	end_off = (size_t)(end - buf);

	for (unsigned int mode = 0; mode < 12; mode++) {
		struct seen s;

		verdict_destroy(&v);
		verdict_init(&v);
		add(VERDICT_FAIL, "Call trace");	/* inside the dump only */
		add(VERDICT_PASS, "^never$");
		/* up to the end line: pending */
		s = feed_chunks(buf, end_off, mode);
		ck_assert_uint_eq(s.bits, VERDICT_EV_PANIC);
		ck_assert_uint_eq(s.count[0], 1);
		ck_assert(verdict_panic_pending(&v));
		ck_assert_str_eq(v.panic_line, SYSRQ_PANIC);
		/* the rest: the end line */
		s = feed_chunks(buf + end_off, len - end_off, mode);
		ck_assert_msg(s.bits == VERDICT_EV_PANIC_END, "%s mode %u: bits %#x", name, mode,
			      s.bits);
		ck_assert(!verdict_panic_pending(&v));
		ck_assert(v.panic_ended);
		ck_assert_uint_eq(v.panics, 1);
		ck_assert_uint_eq(v.oops_count, 0);
		ck_assert_int_eq(v.result, VERDICT_NONE);
		ck_assert_uint_eq(verdict_flush(&v), 0);
	}
	free(buf);
}

START_TEST(test_panic_6_1)
{
	check_panic_file("panic-6.1.txt");
}
END_TEST

START_TEST(test_panic_6_12)
{
	check_panic_file("panic-6.12.txt");
}
END_TEST

START_TEST(test_panic_7)
{
	check_panic_file("panic-7.txt");
}
END_TEST

/* A real panic=-1 console: the dump ends in a reset, the panic stays pending. */
static void check_panic_reset_file(const char *name)
{
	size_t len;
	char *buf = load(name, &len);

	ck_assert_ptr_null(strstr(buf, "end Kernel panic"));
	for (unsigned int mode = 0; mode < 6; mode++) {
		struct seen s;

		verdict_destroy(&v);
		verdict_init(&v);
		s = feed_chunks(buf, len, mode);
		ck_assert_uint_eq(s.bits, VERDICT_EV_PANIC);
		ck_assert_uint_eq(s.count[0], 1);
		ck_assert(verdict_panic_pending(&v));
		ck_assert_str_eq(v.panic_line, SYSRQ_PANIC);
		ck_assert_uint_eq(v.oops_count, 0);
		/* the reset: the next boot starts clean */
		verdict_new_boot(&v);
		ck_assert(!verdict_panic_pending(&v));
		s = feed_str("[    0.000000] Booting Linux on physical CPU 0x0000000000\r\n");
		ck_assert_uint_eq(s.bits, 0);
		ck_assert_uint_eq(v.panics, 1);
	}
	free(buf);
}

START_TEST(test_panic_reset_6_1)
{
	check_panic_reset_file("panic-reset-6.1.txt");
}
END_TEST

START_TEST(test_panic_reset_6_12)
{
	check_panic_reset_file("panic-reset-6.12.txt");
}
END_TEST

START_TEST(test_panic_reset_7)
{
	check_panic_reset_file("panic-reset-7.txt");
}
END_TEST

/*
 * A published arm64 oops without panic (syzbot, 6.12; data/README.md): one
 * report, its die() line kept; as published (LF, no timestamps), with
 * printk timestamps and CR LF, and with CONFIG_PRINTK_CALLER's prefix.
 */
START_TEST(test_oops_published)
{
	static const char *const prefixes[] = { "", "[   42.123456] ", "[   42.123456][ T6614] " };
	static const char *const eols[] = { "\n", "\r\n", "\n" };
	size_t len;
	char *raw = load("oops-arm64-6.12-syzbot.txt", &len);

	for (unsigned int i = 0; i < 3; i++) {
		size_t n;
		char *buf = relines(raw, prefixes[i], eols[i], &n);

		for (unsigned int mode = 0; mode < 4; mode++) {
			struct seen s;

			verdict_destroy(&v);
			verdict_init(&v);
			add(VERDICT_PASS, "^ok$");
			s = feed_chunks(buf, n, mode);
			ck_assert_uint_eq(s.bits, VERDICT_EV_OOPS);
			ck_assert_uint_eq(v.oops_count, 1);
			ck_assert_str_eq(v.oops_line,
					 "Internal error: Oops: 0000000096000004 [#1] PREEMPT SMP");
			ck_assert(!verdict_panic_pending(&v));
			ck_assert_uint_eq(v.panics, 0);
			/* the guest goes on: later lines are still matched */
			s = feed_str("ok\r\n");
			ck_assert_uint_eq(s.bits, VERDICT_EV_PASS);
		}
		free(buf);
	}
	free(raw);
}
END_TEST

/* Oops headers as Linux prints them; a "BUG: " report and its "Oops:" header count once. */
START_TEST(test_oops_kinds)
{
	struct seen s;

	/* arm64 BUG(): "kernel BUG at" is not counted, its die() line is */
	s = feed_str("[   10.1] kernel BUG at mm/slub.c:435!\n"
		     "[   10.1] Internal error: Oops - BUG: 00000000f2000800 [#1] SMP\n");
	ck_assert_uint_eq(s.count[2], 1);
	ck_assert_uint_eq(v.oops_count, 1);
	ck_assert_str_eq(v.oops_line, "Internal error: Oops - BUG: 00000000f2000800 [#1] SMP");
	/* an arm64 splat without die() (published: 5.18-rt on a Qualcomm SA8295P) */
	s = feed_str("[    2.994433] BUG: scheduling while atomic: swapper/6/0/0x00000002\n"
		     "[    2.994439] Modules linked in:\n"
		     "[    2.994461] CPU: 6 PID: 0 Comm: swapper/6 Not tainted 5.18.0-rt11+ #1\n"
		     "[    2.994466] Call trace:\n"
		     "[    2.994467]  dump_backtrace+0xb0/0x120\n");
	ck_assert_uint_eq(v.oops_count, 2);
	ck_assert_str_eq(v.oops_last_line, "BUG: scheduling while atomic: swapper/6/0/0x00000002");
	/* x86's NULL dereference: "BUG:", "#PF:" lines, then "Oops:": one report */
	s = feed_str("BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
		     "#PF: supervisor write access in kernel mode\n"
		     "#PF: error_code(0x0002) - not-present page\n"
		     "PGD 0 P4D 0 \n"
		     "Oops: 0002 [#1] PREEMPT SMP NOPTI\n");
	ck_assert_uint_eq(v.oops_count, 3);
	/* more than VERDICT_OOPS_MERGE_LINES after a "BUG: " line, an "Oops:" is a report of its own */
	s = feed_str("BUG: soft lockup - CPU#0 stuck for 22s! [sh:1]\n");
	ck_assert_uint_eq(v.oops_count, 4);
	for (int i = 0; i < VERDICT_OOPS_MERGE_LINES; i++)
		feed_str("x\n");
	s = feed_str("Oops: general protection fault, probably for non-canonical address\n");
	ck_assert_uint_eq(v.oops_count, 5);
	/* not oopses: the words elsewhere in a line, or a WARNING */
	s = feed_str("PINVM-GUEST: grep BUG: done\n"
		     "[    3.0] WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 bar+0x0/0x4\n"
		     "[    3.0] oops: lowercase\n"
		     "Internal error: ptrace BRK handler: 00000000f2000100 [#2] SMP\n");
	ck_assert_uint_eq(s.bits, 0);
	ck_assert_uint_eq(v.oops_count, 5);
	ck_assert_str_eq(v.oops_line, "Internal error: Oops - BUG: 00000000f2000800 [#1] SMP");
	ck_assert_str_eq(v.oops_last_line,
			 "Oops: general protection fault, probably for non-canonical address");
}
END_TEST

/* An oops that ends in a panic: the oops counts, "Oops" in the panic reason does not. */
START_TEST(test_oops_then_panic)
{
	struct seen s = feed_str("[    5.1] Internal error: Oops: 0000000096000045 [#1] SMP\n"
				 "[    5.2] ---[ end trace 0000000000000000 ]---\n"
				 "[    5.3] Kernel panic - not syncing: Oops: Fatal exception\r\n"
				 "[    5.4] SMP: stopping secondary CPUs\r\n"
				 "[    5.5] ---[ end Kernel panic - not syncing: Oops: Fatal exception ]---\r\n");

	ck_assert_uint_eq(s.bits, VERDICT_EV_OOPS | VERDICT_EV_PANIC | VERDICT_EV_PANIC_END);
	ck_assert_uint_eq(v.oops_count, 1);
	ck_assert_str_eq(v.panic_line, "Kernel panic - not syncing: Oops: Fatal exception");
}
END_TEST

/* Where the panic line may stand, and where not. */
START_TEST(test_panic_placement)
{
	struct seen s;

	/* behind a partial line of user space output, with its timestamp */
	s = feed_str("/ # [   12.345678] Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b\n");
	ck_assert_uint_eq(s.bits, VERDICT_EV_PANIC);
	ck_assert_str_eq(v.panic_line,
			 "Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b");
	/* a second panic line in the same boot is the same panic */
	s = feed_str("Kernel panic - not syncing: again\n");
	ck_assert_uint_eq(s.bits, 0);
	ck_assert_uint_eq(v.panics, 1);

	verdict_new_boot(&v);
	/* without a timestamp, only at the start of a line */
	s = feed_str("echo Kernel panic - not syncing: no\n"
		     "/ # [xx] Kernel panic - not syncing: no\n"
		     " Kernel panic - not syncing: no\n");
	ck_assert_uint_eq(s.bits, 0);
	s = feed_str("Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\r\n");
	ck_assert_uint_eq(s.bits, VERDICT_EV_PANIC);
	ck_assert_uint_eq(v.panics, 2);
	/* an end line of a different dump is still the end */
	s = feed_str("---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on "
		     "unknown-block(0,0) ]---\r\n");
	ck_assert_uint_eq(s.bits, VERDICT_EV_PANIC_END);

	/* an end line whose panic line was lost: both, the reason from it */
	verdict_new_boot(&v);
	s = feed_str("[    9.9] ---[ end Kernel panic - not syncing: sysrq triggered crash ]---\r\n");
	ck_assert_uint_eq(s.bits, VERDICT_EV_PANIC | VERDICT_EV_PANIC_END);
	ck_assert_str_eq(v.panic_line, SYSRQ_PANIC);
	ck_assert(!verdict_panic_pending(&v));
	ck_assert_uint_eq(v.panics, 3);
	/* after the end, nothing more this boot */
	s = feed_str("[    9.9] ---[ end Kernel panic - not syncing: sysrq triggered crash ]---\r\n"
		     "[    9.9] Kernel panic - not syncing: sysrq triggered crash\r\n");
	ck_assert_uint_eq(s.bits, 0);
}
END_TEST

START_TEST(test_patterns)
{
	struct seen s;

	add(VERDICT_FAIL, "^# Totals: pass:[0-9]+ fail:[1-9]");
	add(VERDICT_PASS, "^# Totals: pass:[0-9]+ fail:0 ");
	add(VERDICT_PASS, "^ok [0-9]+ all$");
	ck_assert_uint_eq(v.npat, 3);

	s = feed_str("TAP version 13\r\n1..3\r\nok 1 selftests: a\r\n# Totals: pass:1 fail:0");
	ck_assert_uint_eq(s.bits, 0);	/* the last line is not complete yet */
	ck_assert_int_eq(v.result, VERDICT_NONE);
	s = feed_str(" xfail:0 xpass:0 skip:0 error:0\r\n");
	ck_assert_uint_eq(s.bits, VERDICT_EV_PASS);
	ck_assert_int_eq(v.result, VERDICT_PASS);
	ck_assert_int_eq(v.match_index, 1);
	ck_assert_uint_eq(v.match_lineno, 4);
	ck_assert_str_eq(v.match_line, "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0");
	ck_assert_str_eq(v.pat[v.match_index].text, "^# Totals: pass:[0-9]+ fail:0 ");
	/* decided: the rest is not looked at */
	s = feed_str("# Totals: pass:0 fail:1\n[ 1.0] Kernel panic - not syncing: x\n");
	ck_assert_uint_eq(s.bits, 0);
	ck_assert_int_eq(v.result, VERDICT_PASS);
	ck_assert_uint_eq(v.panics, 0);
	ck_assert_uint_eq(verdict_flush(&v), 0);
}
END_TEST

/* Several lines in one chunk: the first matching line decides, later ones are not looked at. */
START_TEST(test_first_match)
{
	struct seen s;

	add(VERDICT_PASS, "PASS");
	add(VERDICT_FAIL, "FAIL");
	s = feed_str("x\nFAIL here\nPASS here\nBUG: later\n");
	ck_assert_uint_eq(s.bits, VERDICT_EV_FAIL);
	ck_assert_str_eq(v.match_line, "FAIL here");
	ck_assert_uint_eq(v.match_lineno, 2);
	ck_assert_uint_eq(v.oops_count, 0);

	/* on one line, the first pattern added wins */
	verdict_destroy(&v);
	verdict_init(&v);
	add(VERDICT_PASS, "PASS");
	add(VERDICT_FAIL, "FAIL");
	s = feed_str("FAIL and PASS\n");
	ck_assert_uint_eq(s.bits, VERDICT_EV_PASS);
	ck_assert_int_eq(v.match_index, 0);
}
END_TEST

/* The panic line itself is matched; the dump after it is not. */
START_TEST(test_patterns_and_panic)
{
	struct seen s;

	add(VERDICT_FAIL, "Kernel panic");
	s = feed_str("[    1.0] Kernel panic - not syncing: sysrq triggered crash\r\n");
	ck_assert_uint_eq(s.bits, VERDICT_EV_FAIL | VERDICT_EV_PANIC);
	ck_assert_int_eq(v.result, VERDICT_FAIL);
	ck_assert_str_eq(v.match_line, "[    1.0] " SYSRQ_PANIC);

	verdict_destroy(&v);
	verdict_init(&v);
	add(VERDICT_PASS, "^done$");
	s = feed_str("Kernel panic - not syncing: x\ndone\n");
	ck_assert_uint_eq(s.bits, VERDICT_EV_PANIC);
	ck_assert_int_eq(v.result, VERDICT_NONE);
	/* nor after the end of the dump, in the same boot */
	s = feed_str("---[ end Kernel panic - not syncing: x ]---\ndone\n");
	ck_assert_uint_eq(s.bits, VERDICT_EV_PANIC_END);
	ck_assert_int_eq(v.result, VERDICT_NONE);
	/* the next boot is the guest's again */
	verdict_new_boot(&v);
	s = feed_str("done\n");
	ck_assert_uint_eq(s.bits, VERDICT_EV_PASS);
}
END_TEST

/* Anchors see the line without its ending; only LF ends a line. */
START_TEST(test_line_endings)
{
	struct seen s;

	add(VERDICT_PASS, "^a$");
	add(VERDICT_FAIL, "^100%$");
	s = feed_str("50%\r100%\r\n");	/* a progress line: one line "50%\r100%" */
	ck_assert_uint_eq(s.bits, 0);
	s = feed_str("\n\r\n\r\r\n");	/* empty lines */
	ck_assert_uint_eq(s.bits, 0);
	ck_assert_uint_eq(v.lines, 4);
	s = feed_str("a\r\r\n");	/* CR CR LF (ONLCR over CR LF) */
	ck_assert_uint_eq(s.bits, VERDICT_EV_PASS);
	ck_assert_str_eq(v.match_line, "a");
}
END_TEST

/* A partial line is matched by verdict_flush() only; new_boot drops it. */
START_TEST(test_flush)
{
	struct seen s;

	add(VERDICT_PASS, "^TEST PASSED$");
	s = feed_str("TEST PASS");
	ck_assert_uint_eq(s.bits, 0);
	verdict_new_boot(&v);
	s = feed_str("ED\r\n");
	ck_assert_uint_eq(s.bits, 0);
	ck_assert_uint_eq(verdict_flush(&v), 0);	/* nothing pending */
	s = feed_str("TEST PASSED\r");
	ck_assert_uint_eq(s.bits, 0);
	ck_assert_uint_eq(verdict_flush(&v), VERDICT_EV_PASS);
	ck_assert_str_eq(v.match_line, "TEST PASSED");
}
END_TEST

/* Lines longer than VERDICT_LINE_MAX: matched on their first part, the rest skipped. */
START_TEST(test_long_lines)
{
	size_t big = 3 * VERDICT_LINE_MAX;
	char *line = malloc(big + 3);
	struct seen s;

	ck_assert_ptr_nonnull(line);
	add(VERDICT_PASS, "NEEDLE");
	add(VERDICT_FAIL, "^x+$");

	/* the pattern past the bound is not seen */
	memset(line, 'y', big);
	memcpy(line + VERDICT_LINE_MAX + 10, "NEEDLE", 6);
	memcpy(line + big, "\r\n", 2);
	s = feed_chunks(line, big + 2, 7);
	ck_assert_uint_eq(s.bits, 0);
	ck_assert_uint_eq(v.lines, 1);
	/* within the bound it is, on the first part only */
	memset(line, 'y', big);
	memcpy(line + VERDICT_LINE_MAX - 6, "NEEDLE", 6);
	s = feed_chunks(line, big + 2, 3);
	ck_assert_uint_eq(s.bits, VERDICT_EV_PASS);
	ck_assert_uint_eq(v.lines, 2);
	ck_assert_uint_eq(strlen(v.match_line), VERDICT_SAVED_MAX - 1);

	/* exactly VERDICT_LINE_MAX bytes and CR CR LF: the whole line, '$' matches */
	verdict_destroy(&v);
	verdict_init(&v);
	add(VERDICT_FAIL, "^x+$");
	memset(line, 'x', VERDICT_LINE_MAX);
	memcpy(line + VERDICT_LINE_MAX, "\r\r\n", 3);
	s = feed_chunks(line, VERDICT_LINE_MAX + 3, 1);
	ck_assert_uint_eq(s.bits, VERDICT_EV_FAIL);

	/* one byte more: the 'y' past the bound is not seen */
	verdict_destroy(&v);
	verdict_init(&v);
	add(VERDICT_PASS, "^z$");
	add(VERDICT_FAIL, "y$");
	memset(line, 'x', VERDICT_LINE_MAX);
	memcpy(line + VERDICT_LINE_MAX, "y\n", 2);
	s = feed_chunks(line, VERDICT_LINE_MAX + 2, 0);
	ck_assert_uint_eq(s.bits, 0);	/* the 'y' was skipped */
	s = feed_str("z\n");		/* the next line is whole again */
	ck_assert_uint_eq(s.bits, VERDICT_EV_PASS);
	free(line);
}
END_TEST

/* A NUL ends what the patterns see. */
START_TEST(test_nul)
{
	static const char in[] = "abc\0NEEDLE\n";
	struct seen s;

	add(VERDICT_PASS, "NEEDLE");
	s = feed_chunks(in, sizeof(in) - 1, 0);
	ck_assert_uint_eq(s.bits, 0);
	ck_assert_uint_eq(v.lines, 1);
}
END_TEST

/* verdict_reset(): a fresh run with the same patterns. */
START_TEST(test_reset)
{
	struct seen s;

	add(VERDICT_PASS, "^PASS$");
	s = feed_str("BUG: x\nKernel panic - not syncing: y\npartial");
	ck_assert_uint_eq(s.bits, VERDICT_EV_OOPS | VERDICT_EV_PANIC);
	verdict_reset(&v);
	ck_assert_uint_eq(v.npat, 1);
	ck_assert(!verdict_panic_pending(&v));
	ck_assert_uint_eq(v.panics + v.oops_count + v.lines + v.len, 0);
	ck_assert_int_eq(v.match_index, -1);
	ck_assert_str_eq(v.panic_line, "");
	s = feed_str("PASS\n");
	ck_assert_uint_eq(s.bits, VERDICT_EV_PASS);
	ck_assert_uint_eq(v.match_lineno, 1);
	verdict_reset(&v);
	ck_assert_int_eq(v.result, VERDICT_NONE);
	s = feed_str("PASS\n");
	ck_assert_uint_eq(s.bits, VERDICT_EV_PASS);
}
END_TEST

START_TEST(test_bad_patterns)
{
	char err[128];

	ck_assert_int_eq(verdict_add_pattern(&v, VERDICT_FAIL, "(", err, sizeof(err)), -EINVAL);
	ck_assert(err[0] != '\0');
	ck_assert_int_eq(verdict_add_pattern(&v, VERDICT_FAIL, "a{2,1}", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(verdict_add_pattern(&v, VERDICT_PASS, "", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "empty regular expression");
	ck_assert_int_eq(verdict_add_pattern(&v, VERDICT_NONE, "a", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(verdict_add_pattern(&v, VERDICT_PASS, "(", NULL, 0), -EINVAL);
	ck_assert_uint_eq(v.npat, 0);
	for (int i = 0; i < VERDICT_PATTERNS_MAX; i++)
		ck_assert_int_eq(verdict_add_pattern(&v, VERDICT_PASS, "a", err, sizeof(err)), 0);
	ck_assert_int_eq(verdict_add_pattern(&v, VERDICT_PASS, "a", err, sizeof(err)), -E2BIG);
	ck_assert_uint_eq(v.npat, VERDICT_PATTERNS_MAX);
}
END_TEST

static Suite *verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("verdict");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_strip_timestamp);
	tcase_add_test(tc, test_panic_6_1);
	tcase_add_test(tc, test_panic_6_12);
	tcase_add_test(tc, test_panic_7);
	tcase_add_test(tc, test_panic_reset_6_1);
	tcase_add_test(tc, test_panic_reset_6_12);
	tcase_add_test(tc, test_panic_reset_7);
	tcase_add_test(tc, test_oops_published);
	tcase_add_test(tc, test_oops_kinds);
	tcase_add_test(tc, test_oops_then_panic);
	tcase_add_test(tc, test_panic_placement);
	tcase_add_test(tc, test_patterns);
	tcase_add_test(tc, test_first_match);
	tcase_add_test(tc, test_patterns_and_panic);
	tcase_add_test(tc, test_line_endings);
	tcase_add_test(tc, test_flush);
	tcase_add_test(tc, test_long_lines);
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_bad_patterns);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(verdict_suite());
}
