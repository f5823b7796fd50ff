/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Why a boot ended, as a value: a kind and the data that kind carries. vCPU
 * threads and the event loop hand one to the run loop (runloop_request_stop();
 * the first one wins), and main.c turns the final one into an exit status,
 * a summary and the event log's records.
 */
#ifndef PINVM_STOP_H
#define PINVM_STOP_H

#include <stdint.h>

enum stop_kind {
	STOP_NONE,
	STOP_SYSTEM_OFF,
	STOP_SYSTEM_OFF2,
	STOP_RESET,
	STOP_RESET2,		/* reset_type (32 bits, as KVM compares it), cookie */
	STOP_FAILURE,		/* reason, pc, pstate */
	STOP_TIMEOUT,
	STOP_SIGNAL,		/* signo */
	STOP_ESCAPE,		/* Ctrl-A x on the console */
	STOP_RESET_LIMIT,	/* a reset beyond --max-resets; reason: "reset" or "reset2" */
	STOP_ALL_OFF,		/* every vCPU turned itself off (CPU_OFF) without SYSTEM_OFF; vcpu: the last, or STOP_VCPU_UNKNOWN */
	STOP_PANIC,		/* a guest kernel panic, its dump complete: line, panic_end */
	STOP_PASS,		/* a --pass-on pattern matched: line, pattern */
	STOP_FAIL,		/* a --fail-on pattern matched: line, pattern */
	STOP_SNAPSHOT,		/* snapshot-stop: the snapshot is written (control socket) */
};

/* How a panic's dump was seen to end (conwatch.h). */
enum stop_panic_end {
	STOP_PANIC_END_LINE,	/* its "---[ end Kernel panic" line */
	STOP_PANIC_END_RESET,	/* the guest reset (panic=-1, or panic=N after N s) */
	STOP_PANIC_END_QUIET,	/* no output for CONWATCH_QUIET_MS */
	STOP_PANIC_END_STOP,	/* the run stopped first (event log only, never a stop) */
};

/* STOP_ALL_OFF's vcpu under KVM's PSCI: KVM does not say which vCPU was the last */
#define STOP_VCPU_UNKNOWN	0xffffffffU

#define STOP_LINE_MAX	256	/* a console line kept with a stop (NUL included) */

struct stop {
	enum stop_kind kind;
	unsigned int vcpu;
	uint32_t reset_type;
	uint64_t cookie;
	int signo;
	uint64_t pc, pstate;
	char reason[192];
	char line[STOP_LINE_MAX];	/* STOP_PANIC: the panic message; PASS/FAIL: the line */
	enum stop_panic_end panic_end;
	const char *pattern;		/* STOP_PASS/FAIL: the pattern as given (argv) */
	uint64_t lineno;		/* STOP_PASS/FAIL: its console line number (1-based) */
};

#endif
