/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loading and boot: the kernel and initrd read straight into guest RAM
 * (a gzip'd kernel inflated there), checked and placed; the DTB built for
 * the machine; the power-on state (DTB in RAM, devices reset, vCPU 0's
 * boot registers) set for the first boot and again, in place, for every
 * restart, which reads the images again from the files kept open and
 * stops if their content is not what the first boot loaded (SHA-256).
 * pinvm keeps no copy of an image: the host memory of a guest is its RAM.
 * A restore only opens the files: its guest's RAM is the snapshot's, and
 * the first restart reads them (boot_open_images(), boot_expect_images()).
 */
#ifndef PINVM_BOOT_H
#define PINVM_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "pinvm/sha256.h"

struct machine;

/* A kernel or initrd file as loaded. */
struct boot_file {
	int fd;					/* kept open for restarts; -1: none */
	uint64_t size;				/* bytes in the file */
	uint8_t sha256[SHA256_DIGEST_SIZE];	/* of the file's bytes (gzip'd as stored) */
};

/**
 * boot_load() - open the kernel and initrd of m->cfg (kept open), read them
 * into the guest RAM machine_reserve_ram() reserved (a gzip'd kernel
 * inflated there, never more than 512 MiB), check them, plan their
 * placement, keep each file's size and SHA-256.
 * Returns: 0; -errno with a message in @why.
 */
int boot_load(struct machine *m, char *why, size_t why_size);

/**
 * boot_open_images() - a restore's boot_load(): open the kernel and initrd
 * of m->cfg (kept open, their sizes taken) with boot_load()'s checks and
 * messages, read nothing. The first boot_restart() reads them, placed as
 * a first boot places them, and builds the DTB for that placement; call
 * boot_expect_images() too.
 * Returns: 0; -errno with a message in @why.
 */
int boot_open_images(struct machine *m, char *why, size_t why_size);

/**
 * boot_use_dtb() - a restore: @blob (@len bytes, the snapshot's DTB, what
 * its guest booted with) becomes the machine's DTB, copied, until the
 * first restart builds one; a snapshot of the restored guest records it.
 * Returns: 0; -EINVAL not a whole flattened device tree of at most
 * LAYOUT_DTB_MAX_SIZE bytes; -ENOMEM; each with a message in @why.
 */
int boot_use_dtb(struct machine *m, const void *blob, size_t len, char *why, size_t why_size);

/**
 * boot_build_dtb() - the device tree for the machine as set up (vCPUs'
 * MPIDRs, vGIC, effective PSCI version, images).
 * Returns: 0; -errno with a message in @why.
 */
int boot_build_dtb(struct machine *m, char *why, size_t why_size);

/** boot_dtb_size() - packed size of the DTB boot_build_dtb() built. */
size_t boot_dtb_size(const struct machine *m);

/**
 * boot_kernel() - the kernel file as boot_load() loaded it (size, SHA-256).
 * Its path is m->cfg->kernel_path.
 */
const struct boot_file *boot_kernel(const struct machine *m);

/** boot_initrd() - the initrd file as loaded; NULL: the machine has none. */
const struct boot_file *boot_initrd(const struct machine *m);

/**
 * boot_expect_images() - a restore: the restarts boot the images only if
 * they hash to @kernel and @initrd (SHA-256 digests, the snapshot's: what
 * its guest booted; @initrd NULL: none), else boot_restart() fails with
 * -ESTALE naming the file. The digests boot_kernel()/boot_initrd() give
 * from here on (a snapshot of a restored guest carries them). Call after
 * boot_open_images().
 */
void boot_expect_images(struct machine *m, const uint8_t kernel[SHA256_DIGEST_SIZE],
			const uint8_t *initrd);

/** boot_close() - close the files boot_load() kept open; idempotent. */
void boot_close(struct machine *m);

/**
 * boot_power_on() - the power-on state around a ready VM with the images
 * in RAM: devices reset, the DTB in RAM, vCPU 0's boot registers.
 * Returns: 0; -errno with a message in @why.
 */
int boot_power_on(struct machine *m, char *why, size_t why_size);

/**
 * boot_restart() - an in-place power cycle: RAM reads as zero again, every
 * vCPU re-initialised (only vCPU 0 on), the vGIC reset, the kernel and
 * initrd read again from their files into RAM, devices and DTB as at the
 * first boot. The VM, its vCPUs and the firmware view stay. Call with
 * every vCPU thread parked.
 * After boot_open_images() the first restart reads the images for the
 * first time, checks them against the snapshot's digests only, plans
 * their placement and builds the DTB for it.
 * Returns: 0; -ESTALE a kernel or initrd whose size or SHA-256 is not what
 * the first boot loaded (rewritten since; restored: not the snapshot's);
 * -errno; each with a message in @why (the run ends: status 1).
 */
int boot_restart(struct machine *m, char *why, size_t why_size);

#endif
