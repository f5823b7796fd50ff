/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `pinvm matrix`: the same guest run once per PSCI version (and PSCI
 * implementation) the host can give, one `pinvm run` process per cell, a
 * table and a JUnit XML report. This file holds the pure parts: the option
 * values, the cell list, each cell's command line, its verdict, the table
 * and the JUnit document (XML-escaped); and matrix_run(), which forks and
 * execs the runs, at most N at once, and waits for them. main.c probes the
 * host, prints and writes the report files.
 *
 * A cell is a PSCI version and an implementation: "kvm" (KVM's PSCI),
 * "pinvm" (pinvm's own firmware, src/psci_fw.c) or "" (auto: `pinvm run
 * --psci-impl auto` picks, KVM's when it can give the version). --psci-impl
 * auto makes one auto cell per version either implementation can give, kvm
 * and pinvm the cells that implementation can give, both a cell per
 * version and implementation that can give it.
 */
#ifndef PINVM_MATRIX_H
#define PINVM_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pinvm/probe.h"

#define MATRIX_MAX_VERSIONS	8	/* 0.1 0.2 1.0 1.1 1.2 1.3 */
#define MATRIX_MAX_CELLS	(2 * MATRIX_MAX_VERSIONS)
#define MATRIX_MAX_JOBS		64
#define MATRIX_DEFAULT_OUT	"pinvm-matrix"
#define MATRIX_EXTRA_ARGS	12	/* what matrix_run_argv() adds to RUN-OPTIONS */
#define MATRIX_IMPL_MAX		8	/* "kvm", "pinvm" and the NUL */

enum matrix_impl {
	MATRIX_IMPL_AUTO,
	MATRIX_IMPL_KVM,
	MATRIX_IMPL_PINVM,
	MATRIX_IMPL_BOTH,
};

/* What the host can give (matrix_host_from_probe()). */
struct matrix_host {
	uint32_t kvm[MATRIX_MAX_VERSIONS];	/* versions KVM accepts, oldest first */
	unsigned int nr_kvm;
	uint32_t pinvm[MATRIX_MAX_VERSIONS];	/* versions pinvm's firmware gives here */
	unsigned int nr_pinvm;
};

struct matrix_cell {
	uint32_t psci;			/* PSCI_VERSION(maj, min) */
	const char *impl;		/* "kvm", "pinvm"; "" = auto */
	char name[32];			/* "psci-1.1", "psci-1.1-kvm": directory and JUnit name */

	/* the result (main.c fills it) */
	bool ran;
	int status;			/* exit status; 128 + N when killed by signal N */
	bool pass_matched;		/* a --pass-on line (the cell's event log) */
	double seconds;			/* wall time */
	char ran_impl[MATRIX_IMPL_MAX];	/* who answered PSCI (the start record's psci_impl); "": unknown */
	char summary[256];		/* the run's last stderr line (its summary) */
	bool passed;			/* matrix_verdict() */
	const char *verdict;		/* "pass", or why not */
};

/* Everything the JUnit report says besides the cells. */
struct matrix_report {
	const char *timestamp;		/* "2025-01-31T12:00:00" (UTC) */
	const char *hostname;
	const char *host_kernel;	/* uname -r */
	const char *run_options;	/* RUN-OPTIONS as one string */
	const char *out_dir;
	double seconds;			/* the whole matrix */
	const char *not_run;		/* why unrun cells did not run ("interrupted by SIGTERM") */
};

/* A growing string; an allocation failure sticks (err) and later appends do nothing. */
struct matrix_buf {
	char *p;
	size_t len, cap;
	int err;			/* 0 or -ENOMEM */
};

/**
 * matrix_parse_psci() - --psci's value: "all", or versions separated by
 * commas ("0.2,1.1"; each as psci_parse_version(), not "host", none twice).
 * Returns: 0 with *@ret_all or @ret[0..*@ret_nr); -EINVAL.
 */
int matrix_parse_psci(const char *arg, uint32_t *ret, unsigned int *ret_nr, bool *ret_all);

/** matrix_parse_impl() - "auto", "kvm", "pinvm", "both". Returns: 0; -EINVAL. */
int matrix_parse_impl(const char *arg, enum matrix_impl *ret);

/** matrix_impl_str() - the keyword of @impl. */
const char *matrix_impl_str(enum matrix_impl impl);

/**
 * matrix_host_from_probe() - the versions each implementation gives on the
 * host @res describes: KVM's are those it accepted (0.1 included when it
 * did); pinvm's firmware gives 0.2 to 1.3 where KVM has its SMCCC filter
 * (as `pinvm probe` says).
 */
void matrix_host_from_probe(const struct probe_result *res, struct matrix_host *ret);

/**
 * matrix_cells() - the cells, by version (oldest first), then kvm before
 * pinvm: @all takes every version from 0.2 up that an implementation of
 * @impl gives on @host; otherwise the @nr_want versions listed, each of which
 * must be given. On -ENOTSUP a message naming what the host gives is
 * written to @why.
 * Returns: 0 with @cells[0..*@ret_nr) (at most MATRIX_MAX_CELLS); -ENOTSUP (a
 * listed version is not given, or nothing is).
 */
int matrix_cells(const uint32_t *want, unsigned int nr_want, bool all, enum matrix_impl impl,
		 const struct matrix_host *host, struct matrix_cell *cells, unsigned int *ret_nr,
		 char *why, size_t why_size);

/**
 * matrix_run_argv() - the command line of @cell's run: @exe "run", the
 * @nr_opts RUN-OPTIONS, then "--psci" V (and "--psci-impl" I for a cell
 * with an implementation), "--console" "none", "--console-log" @console_log,
 * "--event-log" @event_log. Options given later win, so these are the
 * cell's. @ret must hold @nr_opts + MATRIX_EXTRA_ARGS + 1 pointers;
 * @version is a buffer of 16 bytes for the version string. NULL-terminated.
 */
void matrix_run_argv(const struct matrix_cell *cell, const char *exe, char *const *opts,
		     unsigned int nr_opts, const char *console_log, const char *event_log,
		     char *version, const char **ret);

/**
 * matrix_evlog_pass() - an event log (@len bytes of JSON lines) has a
 * `pattern` record with result "pass".
 */
bool matrix_evlog_pass(const char *buf, size_t len);

/**
 * matrix_evlog_impl() - the implementation that answered PSCI, from the
 * `start` record's "psci_impl" ("kvm" or "pinvm") into @buf
 * (MATRIX_IMPL_MAX bytes); "" when there is none.
 */
void matrix_evlog_impl(const char *buf, size_t len, char *ret);

/**
 * matrix_verdict() - does a cell pass: exit status 0 and, when --pass-on
 * was given (@want_pass), a pass line matched. Sets @cell->passed and
 * @cell->verdict ("pass", "no --pass-on match", "kernel panic", ...).
 */
void matrix_verdict(struct matrix_cell *cell, bool want_pass);

/**
 * matrix_table() - the table: one line per cell with its version,
 * implementation (the one that answered; an auto cell that did not say:
 * "auto"), exit status, verdict and wall time, under a header. Cells that
 * did not run show "-".
 */
void matrix_table(const struct matrix_cell *cells, unsigned int nr, struct matrix_buf *out);

/**
 * matrix_xml_escape() - @len bytes of @s as XML character data or an
 * attribute value: & < > " ' as entities, TAB LF CR as character references
 * (so attribute values keep them), other control characters and bytes
 * that are not UTF-8 (or code points XML 1.0 forbids) as U+FFFD.
 */
void matrix_xml_escape(struct matrix_buf *out, const char *s, size_t len);

/**
 * matrix_junit() - the JUnit XML document: one <testsuites> with one
 * <testsuite> ("pinvm-matrix"), a <testcase> per cell (<failure> for a
 * cell that ran and did not pass, <error> for one that did not run), the
 * report's facts as <properties>. Valid against tests/junit/junit.xsd.
 */
void matrix_junit(const struct matrix_cell *cells, unsigned int nr,
		  const struct matrix_report *rep, struct matrix_buf *out);

/* How matrix_run() runs the cells. */
struct matrix_job {
	const char *exe;		/* the pinvm binary: "/proc/self/exe" */
	const char *exe_fallback;	/* when @exe cannot be executed: argv[0] (PATH searched) */
	char *const *opts;		/* RUN-OPTIONS */
	unsigned int nr_opts;
	const char *out_dir;		/* exists; a directory per cell is made in it */
	unsigned int jobs;		/* cells run at once, 1 to MATRIX_MAX_JOBS */
	bool want_pass;			/* --pass-on is among the options */
	/* called as each cell ends (its result filled in) */
	void (*done)(const struct matrix_cell *cell, void *ctx);
	void *ctx;
};

/**
 * matrix_run() - run every cell: `pinvm run` with matrix_run_argv()'s
 * command line, stdin /dev/null, stdout and stderr into
 * OUT/NAME/pinvm.log, next to its console.log and events.jsonl; at most
 * @job->jobs at once, in the cells' order. Each cell's result is filled in
 * (matrix_verdict()) as it ends. SIGINT, SIGTERM and SIGHUP (blocked in the
 * caller for the duration, unblocked in the runs) are passed on to the
 * running cells, no cell starts after one, and the signal is returned in
 * *@ret_signal once every running cell has ended (0 otherwise).
 * Returns: 0; -errno with a message in @why (no signalfd, a cell
 * directory or log that cannot be made, fork failing); cells that ran
 * keep their results.
 */
int matrix_run(const struct matrix_job *job, struct matrix_cell *cells, unsigned int nr,
	       int *ret_signal, char *why, size_t why_size);

/** matrix_buf_add() - append @len bytes. */
void matrix_buf_add(struct matrix_buf *b, const char *s, size_t len);

/** matrix_buf_printf() - append formatted text. */
void matrix_buf_printf(struct matrix_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** matrix_buf_free() - free the text; @b is empty again. */
void matrix_buf_free(struct matrix_buf *b);

#endif
