/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verdict read from the guest's console (pure: no KVM, no threads, no
 * I/O). It is fed the console output as it arrives, in chunks of any size
 * with lines split anywhere, and looks at every complete line:
 *
 *  - a Linux kernel panic: the line "Kernel panic - not syncing: <reason>"
 *    (kernel/panic.c). The dump that follows ends with
 *    "---[ end Kernel panic - not syncing: <reason> ]---", printed only when
 *    the kernel then waits (panic=0, or panic=N > 0 after its "Rebooting in
 *    N seconds.."); with panic=-1 it resets at once instead, and it may
 *    also hang silently. So the dump is complete at the end line, at a
 *    reset, or after a quiet period (VERDICT_PANIC_QUIET_MS suggested):
 *    the caller watches the last two, verdict_panic_pending() tells it
 *    whether to;
 *  - a kernel oops without panic, counted: a line starting "Internal
 *    error: Oops" (arm64's die(), "Internal error: Oops: 0000000096000004
 *    [#1] PREEMPT SMP", "Internal error: Oops - BUG: ..."), "Oops:" (the
 *    generic and x86 header) or "BUG: " ("BUG: scheduling while atomic",
 *    "BUG: KASAN: ...", x86's "BUG: kernel NULL pointer dereference"). An
 *    "Oops" header within VERDICT_OOPS_MERGE_LINES lines after a counted
 *    "BUG: " line belongs to that report and is not counted again;
 *  - the user's --pass-on / --fail-on patterns: POSIX extended regular
 *    expressions, compiled once (REG_EXTENDED | REG_NOSUB), matched in the
 *    order they were added against the line without its line ending. The
 *    first line that matches any pattern decides: VERDICT_PASS or
 *    VERDICT_FAIL, and nothing is matched after that.
 *
 * The kernel markers are looked for at the start of the message, after the
 * printk prefix "[    1.234567] " (and "[     T1] " of CONFIG_PRINTK_CALLER)
 * if there is one (verdict_strip_timestamp()), or after such a timestamp
 * later in the line: a kernel record glued behind a partial line of user
 * space output ("/ # [   12.3] Kernel panic ..."). Without printk
 * timestamps only the start of a line counts. The patterns see the whole
 * line, timestamp included.
 *
 * Lines: a line ends at LF; carriage returns before it are dropped (the
 * console sends CR LF). A line is matched on its first VERDICT_LINE_MAX
 * bytes; the rest of a longer line is skipped (not matched, not buffered),
 * which bounds the work and memory per line. A NUL byte ends the text the
 * patterns see. A partial line at the end of the output is matched only
 * through verdict_flush().
 *
 * Order on one line: the patterns first (so --fail-on 'Kernel panic' decides
 * on the panic line itself), then the panic and oops markers. After the
 * panic line, and until verdict_new_boot(), the patterns are not matched:
 * the dump is the kernel's, not the guest's test output.
 */
#ifndef PINVM_VERDICT_H
#define PINVM_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <regex.h>

#define VERDICT_LINE_MAX	4096	/* bytes of a line that are matched */
#define VERDICT_SAVED_MAX	256	/* bytes of a line kept for the summary (NUL included) */
#define VERDICT_PATTERNS_MAX	32	/* --pass-on and --fail-on together */
#define VERDICT_OOPS_MERGE_LINES 16	/* a "BUG: " line and its "Oops" header: one report */
/*
 * Suggested quiet period: no output this long after the panic line ends the
 * dump. The dumps of tests/unit/data came at up to 0.3 s a line (nested
 * TCG on a loaded machine); panic=N > 0 prints "Rebooting in N seconds.."
 * and waits N s before its reset.
 */
#define VERDICT_PANIC_QUIET_MS	2000

/* Bits of verdict_feed()'s and verdict_flush()'s result. */
#define VERDICT_EV_PANIC	(1u << 0)	/* the panic line (panic_line) */
#define VERDICT_EV_PANIC_END	(1u << 1)	/* the end line of its dump */
#define VERDICT_EV_OOPS		(1u << 2)	/* one or more oopses (oops_count, oops_last_line) */
#define VERDICT_EV_PASS		(1u << 3)	/* a --pass-on pattern matched (match_line) */
#define VERDICT_EV_FAIL		(1u << 4)	/* a --fail-on pattern matched (match_line) */

enum verdict_result {
	VERDICT_NONE,		/* no pattern matched (yet) */
	VERDICT_PASS,
	VERDICT_FAIL,
};

struct verdict_pattern {
	regex_t re;
	enum verdict_result kind;	/* VERDICT_PASS or VERDICT_FAIL */
	const char *text;		/* as given (not copied: the caller keeps it) */
};

struct verdict {
	struct verdict_pattern pat[VERDICT_PATTERNS_MAX];
	unsigned int npat;

	/* Output state from here to the end (verdict_reset() clears it). */

	/* the line being assembled */
	char line[VERDICT_LINE_MAX + 1];	/* + the NUL regexec() needs */
	size_t len;			/* at most VERDICT_LINE_MAX: the rest of a line is skipped */
	uint64_t lines;			/* complete lines seen */

	/* the patterns' decision */
	enum verdict_result result;
	int match_index;		/* pat[] index of the pattern that matched; -1: none */
	uint64_t match_lineno;		/* its line number (1-based) */
	char match_line[VERDICT_SAVED_MAX];

	/* panics: at most one per boot */
	unsigned int panics;		/* panic lines seen, all boots */
	bool panic_pending;		/* this boot panicked, its dump has not ended */
	bool panic_ended;		/* this boot's dump ended with its end line */
	char panic_line[VERDICT_SAVED_MAX];	/* the message, timestamp stripped */

	/* oopses without panic */
	unsigned int oops_count;	/* reports counted, all boots */
	char oops_line[VERDICT_SAVED_MAX];	/* the first one's line, timestamp stripped */
	char oops_last_line[VERDICT_SAVED_MAX];	/* the latest one's */
	uint64_t bug_lineno;		/* line of the last counted "BUG: " (0: none) */
};

/** verdict_init() - no patterns, nothing seen. */
void verdict_init(struct verdict *v);

/**
 * verdict_add_pattern() - compile @regex (POSIX ERE) as a pass
 * (@kind VERDICT_PASS) or fail (VERDICT_FAIL) pattern. @regex is kept by
 * reference for messages: it must outlive @v (argv strings do). On -EINVAL
 * a message saying why is written to @errbuf (@errsize bytes, may be 0).
 * Returns: 0; -EINVAL (empty or malformed expression, or a bad @kind);
 * -E2BIG (more than VERDICT_PATTERNS_MAX); -ENOMEM.
 */
int verdict_add_pattern(struct verdict *v, enum verdict_result kind, const char *regex,
			char *errbuf, size_t errsize);

/**
 * verdict_feed() - @len bytes of console output. Cheap when nothing
 * matches: bytes are copied into the line buffer, complete lines are
 * looked at once. A no-op after the patterns decided.
 * Returns: the VERDICT_EV_* bits of what the complete lines in it showed.
 */
unsigned int verdict_feed(struct verdict *v, const void *buf, size_t len);

/**
 * verdict_flush() - treat a partial line as complete (the output ended, or
 * the guest reset or went quiet): it is looked at like a line ending in LF.
 * Returns: VERDICT_EV_* bits, as verdict_feed().
 */
unsigned int verdict_flush(struct verdict *v);

/**
 * verdict_panic_pending() - this boot printed a panic line and its dump has
 * not ended with the end line: a reset, or VERDICT_PANIC_QUIET_MS without
 * output, now ends it.
 */
bool verdict_panic_pending(const struct verdict *v);

/**
 * verdict_new_boot() - the guest restarts (in-place reset): a partial line
 * is dropped (verdict_flush() first to keep it), the panic state goes; the
 * counts, the first oops and the patterns' decision stay.
 */
void verdict_new_boot(struct verdict *v);

/**
 * verdict_strip_timestamp() - offset of the message in a console line of
 * @len bytes: past a leading printk prefix "[ <sec>.<usec>] " or
 * "[ <sec>.<usec>][ <caller>] " (CONFIG_PRINTK_CALLER: "T<pid>" or
 * "C<cpu>"); 0 when the line does not start with one.
 */
size_t verdict_strip_timestamp(const char *line, size_t len);

/**
 * verdict_reset() - forget all output seen (counts, decision, panic, the
 * partial line), keep the compiled patterns: a fresh run.
 */
void verdict_reset(struct verdict *v);

/** verdict_destroy() - free the compiled patterns; @v may be re-initialised. */
void verdict_destroy(struct verdict *v);

#endif
