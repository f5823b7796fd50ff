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
	STOP_ALL_OFF,		/* every vCPU turned itself off (CPU_OFF) without SYSTEM_OFF; vcpu: the last */
};

struct stop {
	enum stop_kind kind;
	unsigned int vcpu;
	uint32_t reset_type;
	uint64_t cookie;
	int signo;
	uint64_t pc, pstate;
	char reason[192];
};

#endif
