// SPDX-License-Identifier: GPL-2.0-only
/* The verdict read from the guest's console (include/pinvm/verdict.h). */
#include "pinvm/verdict.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* kernel/panic.c: pr_emerg("Kernel panic - not syncing: %s\n", buf) */
#define PANIC_MARK	"Kernel panic - not syncing: "
/* kernel/panic.c: pr_emerg("---[ end Kernel panic - not syncing: %s ]---\n", buf) */
#define PANIC_END_MARK	"---[ end " PANIC_MARK
#define PANIC_END_TAIL	" ]---"
/* arch/arm64/kernel/traps.c, __die(): "Internal error: %s: %016lx [#%d] ", str "Oops"... */
#define ARM64_OOPS_MARK	"Internal error: Oops"
/* the generic and x86 oops header ("Oops: 0002 [#1] SMP", "Oops: general protection fault") */
#define OOPS_MARK	"Oops:"
#define BUG_MARK	"BUG: "

#define STARTS(s, n, lit) ((n) >= sizeof(lit) - 1 && memcmp((s), (lit), sizeof(lit) - 1) == 0)

void verdict_init(struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->match_index = -1;
}

int verdict_add_pattern(struct verdict *v, enum verdict_result kind, const char *regex,
			char *errbuf, size_t errsize)
{
	struct verdict_pattern *p;
	int rc;

	if (errsize)
		errbuf[0] = '\0';
	if (kind != VERDICT_PASS && kind != VERDICT_FAIL) {
		if (errsize)
			snprintf(errbuf, errsize, "not a pass or fail pattern");
		return -EINVAL;
	}
	if (!regex || !regex[0]) {
		/* POSIX leaves an empty ERE undefined; glibc would match every line */
		if (errsize)
			snprintf(errbuf, errsize, "empty regular expression");
		return -EINVAL;
	}
	if (v->npat >= VERDICT_PATTERNS_MAX)
		return -E2BIG;
	p = &v->pat[v->npat];
	rc = regcomp(&p->re, regex, REG_EXTENDED | REG_NOSUB);
	if (rc == REG_ESPACE)
		return -ENOMEM;
	if (rc) {
		if (errsize)
			(void)regerror(rc, &p->re, errbuf, errsize);
		return -EINVAL;
	}
	p->kind = kind;
	p->text = regex;
	v->npat++;
	return 0;
}

/* Keep @n bytes of @s as a summary line (truncated, always terminated). */
static void verdict_save(char *dst, const char *s, size_t n)
{
	if (n > VERDICT_SAVED_MAX - 1)
		n = VERDICT_SAVED_MAX - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* "[ <digits>.<digits>]" at @at: the index after ']', or 0. */
static size_t verdict_ts_time(const char *s, size_t len, size_t at)
{
	size_t i = at, d;

	if (i >= len || s[i] != '[')
		return 0;
	for (i++; i < len && s[i] == ' '; i++)
		;
	for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d || i >= len || s[i] != '.')
		return 0;
	for (d = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d || i >= len || s[i] != ']')
		return 0;
	return i + 1;
}

/* CONFIG_PRINTK_CALLER's "[ T<pid>]" or "[ C<cpu>]" at @at: the index after ']', or 0. */
static size_t verdict_ts_caller(const char *s, size_t len, size_t at)
{
	size_t i = at, d;

	if (i >= len || s[i] != '[')
		return 0;
	for (i++; i < len && s[i] == ' '; i++)
		;
	if (i >= len || (s[i] != 'T' && s[i] != 'C'))
		return 0;
	for (d = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d || i >= len || s[i] != ']')
		return 0;
	return i + 1;
}

/* A printk prefix at @at: the offset of its message, or 0. */
static size_t verdict_ts_at(const char *s, size_t len, size_t at)
{
	size_t i = verdict_ts_time(s, len, at), j;

	if (!i)
		return 0;
	j = verdict_ts_caller(s, len, i);
	if (j)
		i = j;
	if (i < len && s[i] == ' ')
		return i + 1;
	return i == len ? i : 0;	/* an empty message */
}

size_t verdict_strip_timestamp(const char *line, size_t len)
{
	return verdict_ts_at(line, len, 0);
}

/* An oops report starts with message @m. */
static void verdict_oops(struct verdict *v, const char *m, size_t n)
{
	if (!v->oops_count)
		verdict_save(v->oops_line, m, n);
	verdict_save(v->oops_last_line, m, n);
	v->oops_count++;
}

/* The kernel markers at the start of message @m (@n bytes). */
static unsigned int verdict_marker(struct verdict *v, const char *m, size_t n)
{
	if (STARTS(m, n, PANIC_MARK)) {
		if (v->panic_pending || v->panic_ended)
			return 0;	/* one panic per boot; the dump may repeat it */
		v->panics++;
		v->panic_pending = true;
		verdict_save(v->panic_line, m, n);
		return VERDICT_EV_PANIC;
	}
	if (STARTS(m, n, PANIC_END_MARK)) {
		unsigned int ev = VERDICT_EV_PANIC_END;

		if (v->panic_ended)
			return 0;
		if (!v->panic_pending) {
			/* its panic line was lost (cut, glued without a timestamp):
			 * the end line names the same reason */
			size_t k = sizeof("---[ end ") - 1, r = n - k;

			if (r >= sizeof(PANIC_END_TAIL) - 1 &&
			    !memcmp(m + n - (sizeof(PANIC_END_TAIL) - 1), PANIC_END_TAIL,
				    sizeof(PANIC_END_TAIL) - 1))
				r -= sizeof(PANIC_END_TAIL) - 1;
			v->panics++;
			verdict_save(v->panic_line, m + k, r);
			ev |= VERDICT_EV_PANIC;
		}
		v->panic_pending = false;
		v->panic_ended = true;
		return ev;
	}
	if (STARTS(m, n, BUG_MARK)) {
		verdict_oops(v, m, n);
		v->bug_lineno = v->lines;
		return VERDICT_EV_OOPS;
	}
	if (STARTS(m, n, ARM64_OOPS_MARK) || STARTS(m, n, OOPS_MARK)) {
		/* x86: "BUG: kernel NULL pointer dereference", "#PF: ...", then "Oops: ..." */
		if (v->bug_lineno && v->lines - v->bug_lineno <= VERDICT_OOPS_MERGE_LINES) {
			v->bug_lineno = 0;
			return 0;
		}
		verdict_oops(v, m, n);
		return VERDICT_EV_OOPS;
	}
	return 0;
}

/* The kernel's view of a line: its message, or a record glued behind other text. */
static unsigned int verdict_kernel(struct verdict *v, const char *s, size_t len)
{
	size_t off = verdict_strip_timestamp(s, len);
	unsigned int ev = verdict_marker(v, s + off, len - off);
	const char *p;

	if (ev)
		return ev;
	for (p = memchr(s + 1, '[', len > 1 ? len - 1 : 0); p;
	     p = memchr(p + 1, '[', (size_t)(s + len - p - 1))) {
		off = verdict_ts_at(s, len, (size_t)(p - s));
		if (off)
			return verdict_marker(v, s + off, len - off);
	}
	return 0;
}

/* A complete line is in v->line: look at it, start the next. */
static unsigned int verdict_line(struct verdict *v)
{
	size_t len = v->len;
	unsigned int ev = 0;

	while (len && v->line[len - 1] == '\r')
		len--;
	v->line[len] = '\0';
	v->lines++;
	v->len = 0;

	/* after this boot's panic line the output is the kernel's dump */
	if (!v->panic_pending && !v->panic_ended) {
		for (unsigned int i = 0; i < v->npat; i++) {
			if (regexec(&v->pat[i].re, v->line, 0, NULL, 0) != 0)
				continue;
			v->result = v->pat[i].kind;
			v->match_index = (int)i;
			v->match_lineno = v->lines;
			verdict_save(v->match_line, v->line, len);
			ev |= v->result == VERDICT_PASS ? VERDICT_EV_PASS : VERDICT_EV_FAIL;
			break;
		}
	}
	return ev | verdict_kernel(v, v->line, len);
}

/* Append @n bytes without a line end; past VERDICT_LINE_MAX they are skipped. */
static void verdict_append(struct verdict *v, const char *s, size_t n)
{
	size_t room = VERDICT_LINE_MAX - v->len;

	if (n > room)
		n = room;
	memcpy(v->line + v->len, s, n);
	v->len += n;
}

unsigned int verdict_feed(struct verdict *v, const void *buf, size_t len)
{
	const char *p = buf, *end = p + len;
	unsigned int ev = 0;

	while (p < end && v->result == VERDICT_NONE) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl) {
			verdict_append(v, p, (size_t)(end - p));
			break;
		}
		verdict_append(v, p, (size_t)(nl - p));
		ev |= verdict_line(v);
		p = nl + 1;
	}
	return ev;
}

unsigned int verdict_flush(struct verdict *v)
{
	if (!v->len || v->result != VERDICT_NONE)
		return 0;
	return verdict_line(v);
}

bool verdict_panic_pending(const struct verdict *v)
{
	return v->panic_pending;
}

void verdict_new_boot(struct verdict *v)
{
	v->len = 0;
	v->panic_pending = false;
	v->panic_ended = false;
	v->bug_lineno = 0;
}

void verdict_reset(struct verdict *v)
{
	size_t state = offsetof(struct verdict, line);

	memset((char *)v + state, 0, sizeof(*v) - state);
	v->match_index = -1;
}

void verdict_destroy(struct verdict *v)
{
	for (unsigned int i = 0; i < v->npat; i++)
		regfree(&v->pat[i].re);
	v->npat = 0;
}
