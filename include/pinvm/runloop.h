/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run: one thread per vCPU, the event loop on the caller's thread, stops
 * and the reset policy.
 *
 * Threads. The vCPU threads are made once, before the first boot, and wait
 * (vcpu_ops.next_boot) until every one of them exists and the boot number
 * is bumped: no vCPU runs before every thread handle is published. A boot
 * ends at its first stop (a guest power event, a failure, a signal, the
 * timeout, the console escape): runloop_request_stop() records it and sets
 * the stop flag, the event loop kicks every vCPU out of KVM_RUN and waits,
 * bounded, until each has parked; an in-place restart then starts the next
 * boot on the same threads. At the end the threads are told to end and
 * joined, bounded.
 *
 * Ordering. m->stopping and m->pause_req are read without the lock (the
 * vCPU loop looks at them before every KVM_RUN): they are written with
 * sequentially consistent atomic stores under m->lock, before the kick that
 * makes a vCPU look (the kick's immediate_exit store is seq_cst too, and the
 * vCPU clears immediate_exit before it reads the flag). Everything else of
 * the run state is read and written under m->lock.
 *
 * Signals. SIGINT, SIGTERM and SIGHUP are blocked in every thread from
 * runloop_block_signals() (main.c, before anything can fail) to the end of
 * the process and read through a signalfd: a second signal during the stop
 * cannot kill pinvm before its summary and the event log's exit record.
 */
#ifndef PINVM_RUNLOOP_H
#define PINVM_RUNLOOP_H

#include <stddef.h>

#include "pinvm/stop.h"
#include "pinvm/vcpu.h"

struct machine;

/* How long the vCPU threads may take to leave KVM_RUN at a stop, and to end. */
#define RUNLOOP_PARK_TIMEOUT_MS	10000
#define RUNLOOP_JOIN_TIMEOUT_MS	2000
/*
 * With KVM's PSCI a vCPU's CPU_OFF happens inside KVM: the vCPU sleeps in
 * KVM_RUN and pinvm is not told. So that the last CPU_OFF ends the run
 * (status 9) as with pinvm's firmware, the event loop looks every
 * RUNLOOP_OFFCHECK_MS, when the vCPU threads together used less than
 * 1/RUNLOOP_OFFCHECK_IDLE_DIV of that time on a CPU (a stopped vCPU uses
 * none): vCPU 0's thread then pauses the others and reads every vCPU's MP
 * state; all KVM_MP_STATE_STOPPED is STOP_ALL_OFF.
 */
#define RUNLOOP_OFFCHECK_MS	500
#define RUNLOOP_OFFCHECK_IDLE_DIV	100
/*
 * Guest console output goes through a ring and a writer thread (conout.h):
 * a reader of stdout that stalls stops at the ring. At the end pinvm waits
 * up to 500 ms for the ring to drain, and gives up after 100 ms in one
 * 4 KiB write(2): that reader does not read.
 */
#define RUNLOOP_CONOUT_STOP_MS	500
#define RUNLOOP_CONOUT_STALL_MS	100

/* The run loop's side of every vCPU's environment (vcpu_env.ctx: the machine). */
extern const struct vcpu_ops runloop_vcpu_ops;

/** runloop_init() - the run state of a new machine (called by machine_init()). */
void runloop_init(struct machine *m);

/**
 * runloop_end_threads() - the parked vCPU threads end; each is joined until a
 * common deadline RUNLOOP_JOIN_TIMEOUT_MS away. A thread not joined by then
 * is left behind, with a warning, and counted in m->threads_left (see
 * machine_close()). Called by runloop_run() at the end of the run.
 * Returns: the number of threads left behind by this call.
 */
unsigned int runloop_end_threads(struct machine *m);

/**
 * runloop_stop_disks() - the boot is over (its vCPUs parked, or not within
 * the bound): no disk takes a new request, the one in flight completes, and
 * every writable image is fdatasync'ed, whatever ended the boot (a guest's
 * hibernation image is written without a FLUSH); a failed fdatasync is a
 * warning and a disk_error record. A request that does not come back
 * within m->disk_wait_ms (DISK_WAIT_MS, one wait for all disks) is stuck
 * in the host kernel: its I/O thread is left behind like a vCPU thread
 * (counted in m->threads_left, see machine_close()), with a disk_error
 * record, and the run must end.
 * Called by runloop_run() at every stop.
 * Returns: 0; -ETIMEDOUT: some disk's request is stuck (@why says which).
 */
int runloop_stop_disks(struct machine *m, char *why, size_t why_size);

/** runloop_destroy() - release it (called by machine_close()). */
void runloop_destroy(struct machine *m);

/**
 * runloop_block_signals() - block SIGINT, SIGTERM and SIGHUP in the calling
 * thread (and every thread it makes) for good. Returns: 0; -errno.
 */
int runloop_block_signals(void);

/** runloop_request_stop() - record @stop if it is this boot's first, end the boot. */
void runloop_request_stop(struct machine *m, const struct stop *stop);

/**
 * runloop_pause_all() - from the event loop's thread: every vCPU thread out
 * of KVM_RUN and held (at its checkpoint, or waiting for a CPU_ON), its last
 * MMIO exit completed, within RUNLOOP_PARK_TIMEOUT_MS.
 * Returns: 0; -ESHUTDOWN the boot is stopping; -ETIMEDOUT.
 */
int runloop_pause_all(struct machine *m);

/** runloop_resume_all() - let them go again. */
void runloop_resume_all(struct machine *m);

/**
 * runloop_run() - run until a final stop, restarting in place on resets
 * per policy; every stop gets its event-log record. Fills *ret_stop.
 * Returns: 0; -errno with a message in @why (no signalfd, no thread, a
 * restart that failed, vCPU threads that did not stop).
 */
int runloop_run(struct machine *m, struct stop *ret_stop, char *why, size_t why_size);

#endif
