// SPDX-License-Identifier: GPL-2.0-only
/* `pinvm matrix`, the pure parts: cells, verdicts, table, JUnit (include/pinvm/matrix.h). */
#include "pinvm/matrix.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pinvm/kvm-compat.h"
#include "pinvm/psci.h"

/* ---- strings ---- */

void matrix_buf_add(struct matrix_buf *b, const char *s, size_t len)
{
	if (b->err)
		return;
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *p;

		while (cap < b->len + len + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->err = -ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void matrix_buf_str(struct matrix_buf *b, const char *s)
{
	matrix_buf_add(b, s, strlen(s));
}

void matrix_buf_printf(struct matrix_buf *b, const char *fmt, ...)
{
	char small[256], *big;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		matrix_buf_add(b, small, (size_t)n);
		return;
	}
	big = malloc((size_t)n + 1);
	if (!big) {
		b->err = -ENOMEM;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	matrix_buf_add(b, big, (size_t)n);
	free(big);
}

void matrix_buf_free(struct matrix_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---- options and cells ---- */

int matrix_parse_psci(const char *arg, uint32_t *ret, unsigned int *ret_nr, bool *ret_all)
{
	unsigned int nr = 0;
	const char *p = arg;

	*ret_all = false;
	*ret_nr = 0;
	if (!strcmp(arg, "all")) {
		*ret_all = true;
		return 0;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char word[8];
		uint32_t v;

		if (!n || n >= sizeof(word))
			return -EINVAL;
		memcpy(word, p, n);
		word[n] = '\0';
		if (psci_parse_version(word, &v) || v == PSCI_PIN_HOST)
			return -EINVAL;
		for (unsigned int i = 0; i < nr; i++)
			if (ret[i] == v)
				return -EINVAL;
		if (nr >= MATRIX_MAX_VERSIONS)
			return -EINVAL;
		ret[nr++] = v;
		if (!comma)
			break;
		p = comma + 1;
	}
	*ret_nr = nr;
	return 0;
}

static const char *const matrix_impl_names[] = {
	[MATRIX_IMPL_AUTO] = "auto",
	[MATRIX_IMPL_KVM] = "kvm",
	[MATRIX_IMPL_PINVM] = "pinvm",
	[MATRIX_IMPL_BOTH] = "both",
};

int matrix_parse_impl(const char *arg, enum matrix_impl *ret)
{
	for (size_t i = 0; i < sizeof(matrix_impl_names) / sizeof(matrix_impl_names[0]); i++) {
		if (!strcmp(arg, matrix_impl_names[i])) {
			*ret = (enum matrix_impl)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *matrix_impl_str(enum matrix_impl impl)
{
	return matrix_impl_names[impl];
}

void matrix_host_from_probe(const struct probe_result *res, struct matrix_host *ret)
{
	memset(ret, 0, sizeof(*ret));
	for (unsigned int i = 0; i < res->nr_psci_accepted && ret->nr_kvm < MATRIX_MAX_VERSIONS; i++)
		ret->kvm[ret->nr_kvm++] = res->psci_accepted[i];
	/* pinvm's firmware (src/psci_fw.c) answers the calls KVM's SMCCC filter forwards */
	if (res->smccc_filter) {
		for (size_t i = 0; i < psci_nr_known_versions; i++)
			if (psci_known_versions[i] != PINVM_PSCI_0_1)
				ret->pinvm[ret->nr_pinvm++] = psci_known_versions[i];
	}
}

static bool matrix_has(const uint32_t *list, unsigned int nr, uint32_t v)
{
	for (unsigned int i = 0; i < nr; i++)
		if (list[i] == v)
			return true;
	return false;
}

static void matrix_add_cell(struct matrix_cell *cells, unsigned int *nr, uint32_t v,
			    const char *impl)
{
	struct matrix_cell *c = &cells[(*nr)++];
	char ver[16];

	memset(c, 0, sizeof(*c));
	c->psci = v;
	c->impl = impl;
	psci_version_str(v, ver, sizeof(ver));
	snprintf(c->name, sizeof(c->name), "psci-%s%s%s", ver, impl[0] ? "-" : "", impl);
	c->verdict = "not run";
}

/* What @host gives of @v under @impl: cells added; false when none. */
static bool matrix_cells_for(uint32_t v, enum matrix_impl impl, const struct matrix_host *host,
			     struct matrix_cell *cells, unsigned int *nr)
{
	bool kvm = matrix_has(host->kvm, host->nr_kvm, v);
	bool pinvm = matrix_has(host->pinvm, host->nr_pinvm, v);
	unsigned int before = *nr;

	switch (impl) {
	case MATRIX_IMPL_AUTO:
		if (kvm || pinvm)
			matrix_add_cell(cells, nr, v, "");
		break;
	case MATRIX_IMPL_KVM:
		if (kvm)
			matrix_add_cell(cells, nr, v, "kvm");
		break;
	case MATRIX_IMPL_PINVM:
		if (pinvm)
			matrix_add_cell(cells, nr, v, "pinvm");
		break;
	case MATRIX_IMPL_BOTH:
		if (kvm)
			matrix_add_cell(cells, nr, v, "kvm");
		if (pinvm)
			matrix_add_cell(cells, nr, v, "pinvm");
		break;
	}
	return *nr > before;
}

/* "0.2 1.0 1.1" into @buf, or "none". */
static void matrix_list_str(const uint32_t *list, unsigned int nr, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < nr && n < size; i++) {
		char ver[16];

		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " " : "",
				      psci_version_str(list[i], ver, sizeof(ver)));
	}
	if (!nr)
		snprintf(buf, size, "none");
}

int matrix_cells(const uint32_t *want, unsigned int nr_want, bool all, enum matrix_impl impl,
		 const struct matrix_host *host, struct matrix_cell *cells, unsigned int *ret_nr,
		 char *why, size_t why_size)
{
	char kvm[64], pinvm[64], ver[16];
	unsigned int nr = 0;

	*ret_nr = 0;
	matrix_list_str(host->kvm, host->nr_kvm, kvm, sizeof(kvm));
	matrix_list_str(host->pinvm, host->nr_pinvm, pinvm, sizeof(pinvm));
	if (all) {
		for (size_t i = 0; i < psci_nr_known_versions; i++)
			if (psci_known_versions[i] != PINVM_PSCI_0_1)
				matrix_cells_for(psci_known_versions[i], impl, host, cells, &nr);
		if (!nr) {
			snprintf(why, why_size, "this host gives no PSCI version from 0.2 up with --psci-impl %s (KVM: %s; pinvm's firmware: %s)",
				 matrix_impl_str(impl), kvm, pinvm);
			return -ENOTSUP;
		}
	} else {
		/* oldest first, whatever the order listed */
		for (size_t i = 0; i < psci_nr_known_versions; i++) {
			uint32_t v = psci_known_versions[i];

			if (!matrix_has(want, nr_want, v) || matrix_cells_for(v, impl, host, cells, &nr))
				continue;
			snprintf(why, why_size, "this host cannot give PSCI %s with --psci-impl %s (KVM gives %s; pinvm's firmware: %s)",
				 psci_version_str(v, ver, sizeof(ver)), matrix_impl_str(impl), kvm, pinvm);
			return -ENOTSUP;
		}
	}
	*ret_nr = nr;
	return 0;
}

void matrix_run_argv(const struct matrix_cell *cell, const char *exe, char *const *opts,
		     unsigned int nr_opts, const char *console_log, const char *event_log,
		     char *version, const char **ret)
{
	unsigned int n = 0;

	ret[n++] = exe;
	ret[n++] = "run";
	for (unsigned int i = 0; i < nr_opts; i++)
		ret[n++] = opts[i];
	psci_version_str(cell->psci, version, 16);
	ret[n++] = "--psci";
	ret[n++] = version;
	if (cell->impl[0]) {
		ret[n++] = "--psci-impl";
		ret[n++] = cell->impl;
	}
	ret[n++] = "--console";
	ret[n++] = "none";
	ret[n++] = "--console-log";
	ret[n++] = console_log;
	ret[n++] = "--event-log";
	ret[n++] = event_log;
	ret[n] = NULL;
}

/* ---- verdicts ---- */

/*
 * Where @needle (@nlen bytes) starts in the @n bytes at @hay, or NULL.
 * (memmem() itself trips gcc's -Wnonnull under -fsanitize=address.)
 */
static const char *matrix_find(const char *hay, size_t n, const char *needle, size_t nlen)
{
	for (size_t i = 0; nlen <= n && i <= n - nlen; i++)
		if (!memcmp(hay + i, needle, nlen))
			return hay + i;
	return NULL;
}

bool matrix_evlog_pass(const char *buf, size_t len)
{
	static const char rec[] = "\"type\":\"pattern\",\"result\":\"pass\"";
	const char *p = buf, *end = buf + len;

	if (!buf)
		return false;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		/* each record: {"ts":N,"type":... (evlog.c); only complete lines count */
		if (nl && matrix_find(p, n, rec, sizeof(rec) - 1))
			return true;
		p += n + 1;
	}
	return false;
}

void matrix_evlog_impl(const char *buf, size_t len, char *ret)
{
	static const char key[] = "\"type\":\"start\",";
	static const char field[] = "\"psci_impl\":\"";
	const char *p = buf, *end = buf + len;

	ret[0] = '\0';
	if (!buf)
		return;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *f;

		if (nl && matrix_find(p, n, key, sizeof(key) - 1) &&
		    (f = matrix_find(p, n, field, sizeof(field) - 1))) {
			const char *v = f + sizeof(field) - 1;
			const char *q = memchr(v, '"', (size_t)(p + n - v));

			if (q && q > v && (size_t)(q - v) < MATRIX_IMPL_MAX) {
				memcpy(ret, v, (size_t)(q - v));
				ret[q - v] = '\0';
			}
			return;
		}
		p += n + 1;
	}
}

void matrix_verdict(struct matrix_cell *cell, bool want_pass)
{
	static const struct {
		int status;
		const char *what;
	} why[] = {
		{ 1, "could not start" },
		{ 2, "usage error" },
		{ 3, "hibernated" },
		{ 4, "reset" },
		{ 5, "vendor reset" },
		{ 6, "guest failure" },
		{ 7, "kernel panic" },
		{ 8, "--fail-on matched" },
		{ 9, "every vCPU off" },
		{ 124, "timeout" },
		{ 159, "seccomp" },
	};

	cell->passed = false;
	if (!cell->ran) {
		cell->verdict = "not run";
		return;
	}
	if (cell->status == 0) {
		cell->passed = !want_pass || cell->pass_matched;
		cell->verdict = cell->passed ? "pass" : "no --pass-on match";
		return;
	}
	for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++) {
		if (why[i].status == cell->status) {
			cell->verdict = why[i].what;
			return;
		}
	}
	cell->verdict = cell->status > 128 ? "killed by a signal" : "failed";
}

/* ---- the table ---- */

void matrix_table(const struct matrix_cell *cells, unsigned int nr, struct matrix_buf *out)
{
	matrix_buf_printf(out, "%-6s %-6s %-5s %-8s %-24s %s\n", "PSCI", "IMPL", "EXIT", "RESULT",
			  "VERDICT", "TIME");
	for (unsigned int i = 0; i < nr; i++) {
		const struct matrix_cell *c = &cells[i];
		char ver[16], status[12], secs[24];

		psci_version_str(c->psci, ver, sizeof(ver));
		if (c->ran) {
			snprintf(status, sizeof(status), "%d", c->status);
			snprintf(secs, sizeof(secs), "%.2fs", c->seconds);
		} else {
			snprintf(status, sizeof(status), "-");
			snprintf(secs, sizeof(secs), "-");
		}
		matrix_buf_printf(out, "%-6s %-6s %-5s %-8s %-24s %s\n", ver,
				  c->ran_impl[0] ? c->ran_impl : c->impl[0] ? c->impl : "auto", status,
				  c->passed ? "pass" : "FAIL",
				  c->verdict, secs);
	}
}

/* ---- JUnit XML ---- */

/* The UTF-8 sequence at @s (@len bytes left): its length and code point, or 0. */
static size_t matrix_utf8(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* XML 1.0's Char production. */
static bool matrix_xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
	       (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

void matrix_xml_escape(struct matrix_buf *out, const char *s, size_t len)
{
	static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while (i < len) {
		const char *esc = NULL;
		uint32_t cp = 0;
		size_t n = matrix_utf8(p + i, len - i, &cp);

		if (n == 1) {
			switch (cp) {
			case '&': esc = "&amp;"; break;
			case '<': esc = "&lt;"; break;
			case '>': esc = "&gt;"; break;
			case '"': esc = "&quot;"; break;
			case '\'': esc = "&apos;"; break;
			case '\t': esc = "&#9;"; break;
			case '\n': esc = "&#10;"; break;
			case '\r': esc = "&#13;"; break;
			default:
				if (!matrix_xml_char(cp))
					esc = replacement;
				break;
			}
		} else if (!n || !matrix_xml_char(cp)) {
			esc = replacement;
			n = n ? n : 1;
		}
		if (esc) {
			matrix_buf_add(out, s + i - run, run);
			matrix_buf_add(out, esc, strlen(esc));
			run = 0;
		} else {
			run += n;
		}
		i += n;
	}
	matrix_buf_add(out, s + i - run, run);
}

static void matrix_xml_str(struct matrix_buf *out, const char *s)
{
	matrix_xml_escape(out, s, strlen(s));
}

/* name="value" with the value escaped, a space before. */
static void matrix_xml_attr(struct matrix_buf *out, const char *name, const char *value)
{
	matrix_buf_printf(out, " %s=\"", name);
	matrix_xml_str(out, value);
	matrix_buf_str(out, "\"");
}

static void matrix_xml_property(struct matrix_buf *out, const char *name, const char *value)
{
	matrix_buf_str(out, "      <property");
	matrix_xml_attr(out, "name", name);
	matrix_xml_attr(out, "value", value ? value : "");
	matrix_buf_str(out, "/>\n");
}

static void matrix_junit_case(struct matrix_buf *out, const struct matrix_cell *c,
			      const struct matrix_report *rep)
{
	char ver[16], msg[384];

	psci_version_str(c->psci, ver, sizeof(ver));
	matrix_buf_str(out, "    <testcase");
	matrix_xml_attr(out, "name", c->name);
	matrix_xml_attr(out, "classname", "pinvm.matrix");
	matrix_buf_printf(out, " time=\"%.3f\">\n", c->ran ? c->seconds : 0.0);
	if (!c->ran) {
		snprintf(msg, sizeof(msg), "not run: %s", rep->not_run ? rep->not_run : "stopped");
		matrix_buf_str(out, "      <error");
		matrix_xml_attr(out, "message", msg);
		matrix_xml_attr(out, "type", "not-run");
		matrix_buf_str(out, "/>\n");
	} else if (!c->passed) {
		char type[24];

		snprintf(msg, sizeof(msg), "exit %d: %s", c->status, c->verdict);
		snprintf(type, sizeof(type), "exit-%d", c->status);
		matrix_buf_str(out, "      <failure");
		matrix_xml_attr(out, "message", msg);
		matrix_xml_attr(out, "type", type);
		matrix_buf_str(out, ">");
		matrix_xml_str(out, c->summary);
		matrix_buf_str(out, "</failure>\n");
	}
	matrix_buf_str(out, "      <system-out>");
	if (c->ran)
		snprintf(msg, sizeof(msg), "PSCI %s, implementation %s%s, exit %d\n", ver,
			 c->impl[0] ? c->impl : "auto",
			 !c->impl[0] && c->ran_impl[0] ? (strcmp(c->ran_impl, "pinvm") ?
							 " (KVM's)" : " (pinvm's firmware)") : "",
			 c->status);
	else
		snprintf(msg, sizeof(msg), "PSCI %s, implementation %s, not run\n", ver,
			 c->impl[0] ? c->impl : "auto");
	matrix_xml_str(out, msg);
	if (c->summary[0]) {
		matrix_xml_str(out, c->summary);
		matrix_xml_str(out, "\n");
	}
	snprintf(msg, sizeof(msg), "logs: %s/%s/ (console.log, events.jsonl, pinvm.log)",
		 rep->out_dir ? rep->out_dir : ".", c->name);
	matrix_xml_str(out, msg);
	matrix_buf_str(out, "</system-out>\n    </testcase>\n");
}

void matrix_junit(const struct matrix_cell *cells, unsigned int nr,
		  const struct matrix_report *rep, struct matrix_buf *out)
{
	unsigned int failures = 0, errors = 0;

	for (unsigned int i = 0; i < nr; i++) {
		if (!cells[i].ran)
			errors++;
		else if (!cells[i].passed)
			failures++;
	}
	matrix_buf_str(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	matrix_buf_printf(out, "<testsuites name=\"pinvm matrix\" tests=\"%u\" failures=\"%u\" errors=\"%u\" time=\"%.3f\">\n",
			  nr, failures, errors, rep->seconds);
	matrix_buf_str(out, "  <testsuite name=\"pinvm-matrix\"");
	matrix_buf_printf(out, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"0\" time=\"%.3f\"",
			  nr, failures, errors, rep->seconds);
	matrix_xml_attr(out, "timestamp", rep->timestamp ? rep->timestamp : "1970-01-01T00:00:00");
	matrix_xml_attr(out, "hostname", rep->hostname && rep->hostname[0] ? rep->hostname : "localhost");
	matrix_buf_str(out, ">\n    <properties>\n");
	matrix_xml_property(out, "host_kernel", rep->host_kernel);
	matrix_xml_property(out, "run_options", rep->run_options);
	matrix_xml_property(out, "out_dir", rep->out_dir);
	matrix_buf_str(out, "    </properties>\n");
	for (unsigned int i = 0; i < nr; i++)
		matrix_junit_case(out, &cells[i], rep);
	matrix_buf_str(out, "  </testsuite>\n</testsuites>\n");
}

/* ---- running the cells ---- */

struct matrix_slot {
	pid_t pid;
	unsigned int cell;
	struct timespec t0;
};

static double matrix_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* OUT/NAME/FILE into @buf (PATH_MAX). Returns: 0; -ENAMETOOLONG. */
static int matrix_path(char *buf, const char *out, const char *name, const char *file)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s%s%s", out, name, file ? "/" : "", file ? file : "");

	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* Up to @max bytes of @path's end into a malloc'd, NUL-terminated buffer. */
static char *matrix_read_tail(const char *path, size_t max, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	off_t from = 0;
	char *buf;
	ssize_t n;
	size_t len = 0;

	*ret_len = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && (size_t)st.st_size > max)
		from = st.st_size - (off_t)max;
	buf = malloc(max + 1);
	if (!buf) {
		(void)close(fd);
		return NULL;
	}
	while (len < max && (n = pread(fd, buf + len, max - len, from + (off_t)len)) > 0)
		len += (size_t)n;
	(void)close(fd);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

/* The cell's run ended with wait status @ws: its result. */
static void matrix_cell_ended(const struct matrix_job *job, struct matrix_cell *c, int ws,
			      const struct timespec *t0)
{
	char path[PATH_MAX];
	size_t len;
	char *buf;

	c->ran = true;
	c->seconds = matrix_since(t0);
	c->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 1;
	c->pass_matched = false;
	c->ran_impl[0] = '\0';
	if (!matrix_path(path, job->out_dir, c->name, "events.jsonl")) {
		buf = matrix_read_tail(path, 8u << 20, &len);
		if (buf) {
			c->pass_matched = matrix_evlog_pass(buf, len);
			matrix_evlog_impl(buf, len, c->ran_impl);
		}
		free(buf);
	}
	c->summary[0] = '\0';
	if (!matrix_path(path, job->out_dir, c->name, "pinvm.log")) {
		buf = matrix_read_tail(path, 4096, &len);
		if (buf) {
			char *end = buf + len, *line;

			while (end > buf && (end[-1] == '\n' || end[-1] == '\r'))
				*--end = '\0';
			line = memrchr(buf, '\n', (size_t)(end - buf));
			snprintf(c->summary, sizeof(c->summary), "%s", line ? line + 1 : buf);
		}
		free(buf);
	}
	matrix_verdict(c, job->want_pass);
}

/* Start cell @c: its directory, log, and `pinvm run`. Returns: its pid; -errno. */
static pid_t matrix_start(const struct matrix_job *job, const struct matrix_cell *c,
			  const sigset_t *child_mask, char *why, size_t why_size)
{
	char dir[PATH_MAX], console[PATH_MAX], events[PATH_MAX], log[PATH_MAX], version[16];
	const char **argv;
	int fd, r;
	pid_t pid;

	r = matrix_path(dir, job->out_dir, c->name, NULL);
	if (!r)
		r = matrix_path(console, job->out_dir, c->name, "console.log");
	if (!r)
		r = matrix_path(events, job->out_dir, c->name, "events.jsonl");
	if (!r)
		r = matrix_path(log, job->out_dir, c->name, "pinvm.log");
	if (r) {
		snprintf(why, why_size, "%s/%s: path too long", job->out_dir, c->name);
		return r;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		r = -errno;
		snprintf(why, why_size, "cannot create %s: %s", dir, strerror(-r));
		return r;
	}
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0) {
		r = -errno;
		snprintf(why, why_size, "cannot write %s: %s", log, strerror(-r));
		return r;
	}
	argv = calloc(job->nr_opts + MATRIX_EXTRA_ARGS + 1, sizeof(*argv));
	if (!argv) {
		(void)close(fd);
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	matrix_run_argv(c, job->exe, job->opts, job->nr_opts, console, events, version, argv);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		/* the child: only async-signal-safe calls until exec */
		if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
		    dup2(fd, STDERR_FILENO) < 0)
			_exit(127);
		sigprocmask(SIG_SETMASK, child_mask, NULL);
		execv(job->exe, (char *const *)argv);
		if (job->exe_fallback) {
			argv[0] = job->exe_fallback;
			execvp(job->exe_fallback, (char *const *)argv);
		}
		{
			static const char msg[] = "pinvm: error: matrix: cannot execute pinvm\n";

			(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
		}
		_exit(127);
	}
	r = pid < 0 ? -errno : 0;
	free(argv);
	(void)close(fd);
	if (r) {
		snprintf(why, why_size, "cannot start a run: fork: %s", strerror(-r));
		return r;
	}
	return pid;
}

int matrix_run(const struct matrix_job *job, struct matrix_cell *cells, unsigned int nr,
	       int *ret_signal, char *why, size_t why_size)
{
	struct matrix_slot slots[MATRIX_MAX_JOBS];
	sigset_t mask, old, child;
	unsigned int next = 0, running = 0, jobs = job->jobs;
	int sfd, r = 0, stopsig = 0;

	*ret_signal = 0;
	if (jobs < 1)
		jobs = 1;
	if (jobs > MATRIX_MAX_JOBS)
		jobs = MATRIX_MAX_JOBS;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, &old) < 0) {
		r = -errno;
		snprintf(why, why_size, "cannot block signals: %s", strerror(-r));
		return r;
	}
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		r = -errno;
		snprintf(why, why_size, "cannot create a signalfd: %s", strerror(-r));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return r;
	}
	/* The runs get the caller's mask without these: their own signal handling starts clean. */
	child = old;
	sigdelset(&child, SIGCHLD);
	sigdelset(&child, SIGINT);
	sigdelset(&child, SIGTERM);
	sigdelset(&child, SIGHUP);

	for (;;) {
		struct signalfd_siginfo si;

		while (!r && !stopsig && next < nr && running < jobs) {
			pid_t pid = matrix_start(job, &cells[next], &child, why, why_size);

			if (pid < 0) {
				r = pid;
				break;
			}
			slots[running].pid = pid;
			slots[running].cell = next;
			clock_gettime(CLOCK_MONOTONIC, &slots[running].t0);
			running++;
			next++;
		}
		if (!running)
			break;
		if (read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si)) {
			if (errno == EINTR)
				continue;
			r = r ? r : -errno;
			snprintf(why, why_size, "cannot read the signalfd: %s", strerror(errno));
			break;	/* the runs go on unwatched; cannot happen */
		}
		if (si.ssi_signo != SIGCHLD) {
			if (!stopsig)
				stopsig = (int)si.ssi_signo;
			for (unsigned int i = 0; i < running; i++)
				(void)kill(slots[i].pid, (int)si.ssi_signo);
			continue;
		}
		/* SIGCHLDs merge: reap every run that ended */
		for (unsigned int i = 0; i < running;) {
			int ws;
			pid_t pid = waitpid(slots[i].pid, &ws, WNOHANG);

			if (pid != slots[i].pid) {
				i++;
				continue;
			}
			matrix_cell_ended(job, &cells[slots[i].cell], ws, &slots[i].t0);
			if (job->done)
				job->done(&cells[slots[i].cell], job->ctx);
			slots[i] = slots[--running];
		}
	}
	(void)close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	*ret_signal = stopsig;
	return r;
}
