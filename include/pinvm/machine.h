/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine: puts VM, vGIC, vCPUs, devices, images and DTB together, runs
 * the vCPU threads, waits for the first stop (guest power event, failure,
 * timeout, signal, console escape) and applies the reset policy, rebuilding
 * the VM in-process for a restart.
 *
 * Threads: one per vCPU runs KVM_RUN; the caller's thread runs the event loop
 * (stdin, signals via signalfd, the timeout timerfd, and the stop eventfd).
 * A stop is recorded once (first wins); the loop then kicks every vCPU out of
 * KVM_RUN (immediate_exit + a signal) and joins them.
 */
#ifndef PINVM_MACHINE_H
#define PINVM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include "pinvm/evlog.h"
#include "pinvm/fwprofile.h"
#include "pinvm/gic.h"
#include "pinvm/layout.h"
#include "pinvm/loader.h"
#include "pinvm/mmio.h"
#include "pinvm/uart.h"
#include "pinvm/vm.h"

struct vcpu;
struct kvm_coalesced_mmio_ring;

struct machine_config {
	const char *kernel_path;
	const char *initrd_path;	/* NULL: none */
	const char *cmdline;		/* NULL: none */
	unsigned int nr_cpus;
	uint64_t ram_size;
	bool mem_merge;			/* --mem-merge: guest RAM MADV_MERGEABLE (KSM) */
	enum gic_want gic;
	uint32_t psci;			/* PSCI_PIN_HOST or PSCI_VERSION(maj, min) */
	bool no_suspend;		/* no SYSTEM_SUSPEND: KVM says NOT_SUPPORTED */
	bool on_reset_exit;		/* --on-reset exit */
	unsigned int max_resets;
	unsigned int timeout;		/* seconds, 0 = none */
	bool console_none;
	const char *dump_dtb;		/* write the DTB here and do not run */
	bool psci_explicit;		/* --psci was given */
	const char *fw_profile_path;	/* --fw-profile FILE (main.c reads or writes it) */
	const struct fwprofile *fw_profile;	/* replay: applied on every (re)boot; NULL: none */
	bool fw_record;			/* record the firmware view into machine.fw_recorded */
};

enum machine_stop_kind {
	MACHINE_STOP_NONE,
	MACHINE_STOP_SYSTEM_OFF,
	MACHINE_STOP_SYSTEM_OFF2,
	MACHINE_STOP_RESET,
	MACHINE_STOP_RESET2,		/* reset_type/cookie valid */
	MACHINE_STOP_FAILURE,		/* reason, pc, pstate valid */
	MACHINE_STOP_TIMEOUT,
	MACHINE_STOP_SIGNAL,		/* signo valid */
	MACHINE_STOP_ESCAPE,		/* Ctrl-A x on the console */
	MACHINE_STOP_RESET_LIMIT,	/* a reset beyond --max-resets */
};

struct machine_stop {
	enum machine_stop_kind kind;
	unsigned int vcpu;
	uint64_t reset_type, cookie;	/* reset_type: the low 32 bits of x1 */
	int signo;
	uint64_t pc, pstate;
	char reason[192];
};

struct machine {
	const struct machine_config *cfg;
	struct evlog *log;

	struct vm_host host;
	struct vm vm;
	struct gic gic;
	struct vcpu *vcpus;
	unsigned int nr_vcpus;		/* created so far */

	struct mmio_bus mmio;
	struct uart uart;
	pthread_mutex_t uart_lock;
	int out_fd;			/* guest console output, -1 = discard */
	char txbuf[4096];
	size_t txlen;
	/* THR writes KVM queues in its coalesced MMIO ring instead of exiting (machine.c) */
	struct kvm_coalesced_mmio_ring *tx_ring;	/* NULL: the host has none */
	unsigned int tx_ring_page;	/* its page in the vCPU mapping, 0: none */
	unsigned int tx_ring_max;	/* entries */
	bool tx_coalesced;		/* THR is a coalesced zone now */
	unsigned int tx_credit;		/* deferrable THR writes in a row that exited */
	uint64_t tx_active_ms;		/* the ring last had entries (CLOCK_MONOTONIC) */
	bool loop_asleep;		/* the event loop polls without a timeout */

	/* Images, loaded once, copied into RAM on every (re)boot */
	void *kernel;
	size_t kernel_len;
	struct loader_image img;
	void *initrd;
	size_t initrd_len;
	struct loader_plan plan;
	uint8_t *dtb;			/* heap, 8 KiB and doubled up to LAYOUT_DTB_MAX_SIZE as needed */

	uint32_t psci_version;		/* effective, read back from KVM */
	/* Firmware profile: replayed (cfg->fw_profile, or what was recorded), its report */
	const struct fwprofile *fw_replay;
	struct fwprofile fw_recorded;	/* cfg->fw_record: the view of the first boot */
	struct fwprofile_report fw_report;
	bool suspend_cap;		/* KVM_CAP_ARM_SYSTEM_SUSPEND enabled */
	unsigned int restarts;

	/* Run state */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	volatile bool stopping;
	struct machine_stop stop;
	int stop_efd;			/* wakes the event loop: a stop, or console output */
	bool pause_req;
	unsigned int paused, exited;	/* vCPU threads parked this boot: exited */
	unsigned int boot;		/* bumped to let parked vCPU threads go on */
	pthread_cond_t park_cond;	/* parked vCPU threads wait on it */
	bool threads_end;		/* parked vCPU threads end instead */
};

/**
 * machine_load() - read kernel (gunzip if needed) and initrd, plan placement.
 * Returns: 0; -errno; *ret_why gets a message naming the problem.
 */
int machine_load(struct machine *m, const struct machine_config *cfg,
		 struct evlog *log, char *why, size_t why_size);

/**
 * machine_open_host() - vm_host_open() with a message naming the problem in @why.
 * Returns: 0; -errno.
 */
int machine_open_host(struct vm_host *host, char *why, size_t why_size);

/**
 * machine_open() - open /dev/kvm, check the host can hold the config
 * (--cpus, --mem vs IPA space), allocate RAM.
 * Returns: 0; -errno with a message in @why.
 */
int machine_open(struct machine *m, char *why, size_t why_size);

/**
 * machine_setup() - create VM, vGIC, vCPUs; pin PSCI, or replay a firmware
 * profile (m->fw_report lists its refusals and decisions), or record one
 * (cfg->fw_record: m->fw_recorded, replayed on restarts); load images and
 * DTB; boot registers. Used for the first boot and every restart.
 * Returns: 0; -errno with a message in @why.
 */
int machine_setup(struct machine *m, char *why, size_t why_size);

/** machine_teardown() - destroy the VM, vCPUs and vGIC (RAM and images stay). */
void machine_teardown(struct machine *m);

/** machine_close() - free everything machine_load/open made. */
void machine_close(struct machine *m);

/** machine_dtb_size() - packed size of the DTB built by machine_setup(). */
size_t machine_dtb_size(const struct machine *m);

/**
 * machine_run() - run until a final stop, restarting in-process on resets
 * per policy. Fills *ret_stop. Returns: 0; -errno with a message in @why
 * when a restart's setup failed or threads could not start.
 */
int machine_run(struct machine *m, struct machine_stop *ret_stop, char *why, size_t why_size);

/** machine_request_stop() - record the first stop and wake the event loop. */
void machine_request_stop(struct machine *m, const struct machine_stop *stop);

/**
 * machine_pause_others() / machine_resume_others() - park every vCPU thread
 * but @self outside KVM_RUN (so their state can be read), then let them go.
 * Returns: true when paused; false when the machine is stopping.
 */
bool machine_pause_others(struct machine *m, struct vcpu *self);
void machine_resume_others(struct machine *m);

/** machine_vcpu_checkpoint() - called by a vCPU thread between KVM_RUNs: honours a pause request. */
void machine_vcpu_checkpoint(struct machine *m);

/**
 * machine_vcpu_park() - called by a vCPU thread whose boot has stopped:
 * counts it as exited and waits for the next boot (an in-process restart).
 * Returns: true to run again; false when the thread is to end.
 */
bool machine_vcpu_park(struct machine *m);

#endif
