/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine: VM, vGIC, vCPUs, power-state table, devices, images and DTB
 * put together. Its concerns live in four files, all on struct machine:
 *   machine.c  assembly: /dev/kvm, the VM, vGIC, vCPUs, the firmware view
 *              (PSCI pin or profile), the vCPUs' environment; teardown
 *   boot.c     loading and boot: images read and placed, the DTB, the
 *              power-on state, the in-place restart (boot.h)
 *   uartio.c   the console device and output (uartio.h); what the output
 *              says (log, verdict, panics): conwatch.c (conwatch.h)
 *   runloop.c  the run: vCPU threads, the event loop, stops, the reset
 *              policy (runloop.h)
 * main.c sees the machine through these functions and machine_get_info().
 */
#ifndef PINVM_MACHINE_H
#define PINVM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <time.h>

#include "pinvm/boot.h"
#include "pinvm/conwatch.h"
#include "pinvm/disk.h"
#include "pinvm/evlog.h"
#include "pinvm/fwprofile.h"
#include "pinvm/gic.h"
#include "pinvm/layout.h"
#include "pinvm/loader.h"
#include "pinvm/mmio.h"
#include "pinvm/power.h"
#include "pinvm/psci_fw.h"
#include "pinvm/snapshot.h"
#include "pinvm/stop.h"
#include "pinvm/uartio.h"
#include "pinvm/vcpu.h"
#include "pinvm/vm.h"

/* Who answers the guest's PSCI calls (--psci-impl). */
enum psci_impl {
	PSCI_IMPL_AUTO,		/* KVM when it can give the version, else pinvm's firmware */
	PSCI_IMPL_KVM,		/* KVM's PSCI, pinned through KVM_REG_ARM_PSCI_VERSION */
	PSCI_IMPL_PINVM,	/* pinvm's own firmware behind KVM's SMCCC filter (Linux 6.4+) */
};

struct conout;
struct ctl;

/* --disk FILE[,ro] */
struct machine_disk {
	const char *path;
	bool ro;
};

struct machine_config {
	const char *kernel_path;
	const char *initrd_path;	/* NULL: none */
	const char *cmdline;		/* NULL: none */
	unsigned int nr_cpus;
	uint64_t ram_size;
	bool mem_merge;			/* --mem-merge: guest RAM may be merged by KSM */
	enum gic_want gic;
	uint32_t psci;			/* PSCI_PIN_HOST or PSCI_VERSION(maj, min) */
	enum psci_impl psci_impl;	/* AUTO, KVM or PINVM; never AUTO after machine_setup() */
	bool log_psci;			/* --log-psci: a "psci" event-log record per call (pinvm's firmware) */
	bool no_suspend;		/* SYSTEM_SUSPEND not offered (KVM's capability off) */
	bool on_reset_exit;		/* --on-reset exit */
	unsigned int max_resets;
	unsigned int timeout;		/* seconds, 0 = none */
	bool console_none;
	const char *dump_dtb;		/* write the DTB here and do not run */
	bool psci_explicit;		/* --psci was given */
	const char *fw_profile_path;	/* --fw-profile FILE (main.c reads or writes it) */
	const struct fwprofile *fw_profile;	/* replay: applied on every (re)boot; NULL: none */
	bool fw_record;			/* record the firmware view into machine.fw_recorded */
	struct conwatch_config watch;	/* console log, panics, --pass-on/--fail-on */
	struct machine_disk disks[LAYOUT_MAX_DISKS];	/* vda, vdb, ... in order */
	unsigned int nr_disks;
	bool restore;			/* pinvm restore: no power-on, snapshot_restore() follows */
};

struct machine {
	const struct machine_config *cfg;
	struct evlog *log;

	/* assembly (machine.c) */
	struct vm_host host;
	struct vm vm;
	struct gic gic;
	struct vcpu *vcpus;
	unsigned int nr_vcpus;		/* created so far */
	int vcpu_fds[LAYOUT_MAX_VCPUS];
	struct vcpu_env vcpu_env;	/* what every vCPU knows of the machine */
	struct power power;
	struct mmio_bus mmio;
	unsigned int ring_page;		/* coalesced MMIO ring's page in kvm_run, 0: none */
	uint32_t psci_version;		/* effective: read back from KVM, or pinvm's firmware's */
	enum psci_impl psci_impl;	/* KVM or PINVM: who answers PSCI */
	struct psci_fw psci_fw;		/* PSCI_IMPL_PINVM */
	/* Firmware profile: replayed (cfg->fw_profile, or what was recorded), its report */
	const struct fwprofile *fw_replay;
	struct fwprofile fw_recorded;	/* cfg->fw_record: the view of the first boot */
	struct fwprofile_report fw_report;
	bool suspend_cap;		/* KVM_CAP_ARM_SYSTEM_SUSPEND enabled */

	/* console device and output (uartio.c) */
	struct uartio uartio;
	int out_fd;			/* guest console output, -1 = discard */
	struct conout *conout;		/* its ring and writer thread (runloop_run), NULL: none */
	struct conwatch watch;		/* the console log and verdict, fed by the output */

	/* disks (disk.c): opened in machine_open(), attached in machine_setup() */
	struct disk disks[LAYOUT_MAX_DISKS];
	unsigned int nr_disks;		/* disk_init()ed */
	char disk_state_names[LAYOUT_MAX_DISKS][16];	/* their snapshot devices: disk-vda, ... */
	struct virtq_mem ram_view;	/* guest RAM as the devices see it */

	/* images, read into RAM at every (re)boot from the files kept open (boot.c) */
	struct boot_file kernel;
	uint64_t kernel_len;		/* bytes of kernel in RAM (inflated if gzip) */
	struct loader_image img;
	struct boot_file initrd;	/* fd -1: none */
	bool images_from_snapshot;	/* restored: their digests are the snapshot's (boot_expect_images()) */
	/* restored: saved registers this host's KVM does not have for the guest, left out (snapshot.c) */
	unsigned int restore_nr_dropped;
	char restore_dropped[160];	/* their names, comma-separated, each once */
	bool images_loaded;		/* read once: kernel_len, img and plan known (a restore reads them at its first reset) */
	struct loader_plan plan;
	uint8_t *dtb;			/* heap, 8 KiB and doubled up to LAYOUT_DTB_MAX_SIZE as needed */
	unsigned int restarts;

	/* the run (runloop.c); lock guards everything below but the atomics */
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* pause and park progress */
	pthread_cond_t boot_cond;	/* parked vCPU threads wait on it */
	bool stopping;			/* atomic: the boot is ending */
	bool pause_req;			/* atomic: vCPU threads wait at their checkpoint */
	bool offcheck_req;		/* atomic: vCPU 0 checks whether every vCPU is off (KVM's PSCI) */
	struct timespec offcheck_next;	/* event loop only: when it looks again */
	uint64_t offcheck_cpu_ns;	/* event loop only: the vCPU threads' CPU time then */
	struct stop stop;		/* the first stop of this boot */
	int stop_efd;			/* wakes the event loop: a stop, or console output */
	unsigned int paused;		/* vCPU threads waiting at the checkpoint */
	unsigned int parked;		/* vCPU threads done with this boot */
	unsigned int boot;		/* bumped to start a boot; 0: none yet */
	unsigned int threads;		/* vCPU threads started */
	bool threads_end;		/* parked vCPU threads end instead */
	unsigned int threads_left;	/* threads that did not end: vCPUs' (runloop_end_threads()), disks' with a stuck request */
	unsigned int disk_wait_ms;	/* a stop's or snapshot's wait for a disk request (DISK_WAIT_MS; tests shorten it) */

	/* devices with state in a snapshot (snapshot.h) */
	struct snapshot_device devices[SNAPSHOT_MAX_DEVICES];
	unsigned int nr_devices;

	/* the control socket (ctl.h), served by the event loop; NULL: none */
	struct ctl *ctl;
	bool ctl_paused;		/* held by a client's pause */
	struct timespec started;	/* CLOCK_MONOTONIC, for status's uptime */
	int pagemap_fd;			/* /proc/self/pagemap for snapshots, -1: none */
};

/* What main.c reports about a machine (start record, summary, profile). */
struct machine_info {
	uint32_t psci_version;
	int gic_version;
	const char *host_release;
	const char *host_machine;
	unsigned int restarts;
	const void *dtb;
	size_t dtb_size;
	const struct fwprofile_report *fw_report;
	const struct fwprofile *fw_recorded;	/* NULL unless cfg->fw_record */
	enum psci_impl psci_impl;
	uint64_t console_dropped;	/* guest output that never reached stdout (conout.h) */
	struct conwatch_info console;	/* oopses, panics, console-log errors */
	unsigned int nr_disks;
	const struct disk *disks;	/* nr_disks */
};

/**
 * machine_init() - an empty machine for @cfg (nothing opened), events to @log.
 * Call it first; machine_close() undoes it whatever happened in between.
 */
void machine_init(struct machine *m, const struct machine_config *cfg, struct evlog *log);

/**
 * machine_open_host() - vm_host_open() with a message naming the problem in @why.
 * Returns: 0; -errno.
 */
int machine_open_host(struct vm_host *host, char *why, size_t why_size);

/**
 * machine_reserve_ram() - reserve (not touch) cfg->ram_size bytes of guest
 * RAM, KSM-mergeable with cfg->mem_merge; before boot_load(), which reads
 * the images straight into it.
 * Returns: 0; -errno with a message in @why.
 */
int machine_reserve_ram(struct machine *m, char *why, size_t why_size);

/**
 * machine_open() - compile the console patterns and open the console log;
 * open /dev/kvm, check the host can hold the config (--cpus, --mem vs IPA
 * space), make the console writer's ring (its thread starts with the run).
 * RAM comes from machine_reserve_ram().
 * Returns: 0; -errno with a message in @why.
 */
int machine_open(struct machine *m, char *why, size_t why_size);

/**
 * machine_setup() - create VM, vGIC, vCPUs; pin PSCI, or replay a firmware
 * profile (its report in machine_get_info()), or record one (cfg->fw_record,
 * replayed on restarts); devices, images and DTB in place, boot registers.
 * Returns: 0; -errno with a message in @why.
 */
int machine_setup(struct machine *m, char *why, size_t why_size);

/** machine_get_info() - what main.c reports; pointers live as long as @m. */
void machine_get_info(struct machine *m, struct machine_info *ret);

/**
 * machine_close() - free everything; accepts a machine at any stage after
 * machine_init(). With threads left behind (m->threads_left: a vCPU's park
 * or join that timed out, a disk's request stuck in the kernel at a stop),
 * nothing they can reach is released (the vCPUs' kvm_run mappings and fds,
 * the VM, RAM, the MMIO bus and devices, the console, the run state): such
 * a thread may still leave KVM_RUN, or its preadv/pwritev, and use them.
 * The caller must then end the process without releasing @m or what it
 * points to either (exit(), not a return past them).
 */
void machine_close(struct machine *m);

#endif
