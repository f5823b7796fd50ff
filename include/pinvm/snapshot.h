/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Snapshots of a running machine (docs/snapshot.md): what is saved and how
 * it is put back. snapshot_save() writes the machine with every vCPU held
 * out of KVM_RUN (runloop_pause_all()); snapshot_restore() puts a parsed
 * snapshot (snapfile.h) into a machine machine_setup() built from its
 * configuration, before the first KVM_RUN.
 *
 * Devices hook in through struct snapshot_device: each registered device
 * gets a DEVICE section of its own, named; a restore refuses a snapshot
 * whose devices are not exactly the machine's. The UART is one, each disk
 * another ("disk-vda", ...: diskstate.h; the run loop freezes the disks
 * and syncs their images before snapshot_save()).
 */
#ifndef PINVM_SNAPSHOT_H
#define PINVM_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

struct machine;
struct machine_config;
struct fwprofile;
struct snapfile_view;

#define SNAPSHOT_MAX_DEVICES	24	/* the UART and the disks; SNAPFILE_MAX_DEVICES */

struct snapshot_device {
	const char *name;	/* lowercase, digits, '-'; at most 15 characters; unique */
	/* Bytes of its state now (the vCPUs are held). */
	size_t (*size)(void *opaque);
	/* Its state into @buf (size() bytes); -errno fails the snapshot. */
	int (*save)(void *opaque, uint8_t *buf, size_t len);
	/*
	 * Put the state back, before the first KVM_RUN; -EINVAL: not a state
	 * it takes (the reason in @why, or left empty for a generic one).
	 */
	int (*load)(void *opaque, const uint8_t *buf, size_t len, char *why, size_t why_size);
	void *opaque;
};

/**
 * snapshot_add_device() - register @dev (copied) with machine @m.
 * Returns: 0; -ENOSPC more than SNAPSHOT_MAX_DEVICES; -EEXIST its name.
 */
int snapshot_add_device(struct machine *m, const struct snapshot_device *dev);

/**
 * snapshot_save() - write @m's snapshot to @fd (a regular file, written
 * from its offset, fdatasync'ed). Every vCPU held out of KVM_RUN.
 * Returns: 0 and *ret_bytes; -errno with a message in @why.
 */
int snapshot_save(struct machine *m, int fd, uint64_t *ret_bytes, char *why, size_t why_size);

/**
 * snapshot_config() - the machine configuration @view describes, into
 * @cfg (whose run options stay), and the firmware view it had as a
 * profile in @fw (cfg->fw_profile points to it: the restore replays it
 * like --fw-profile). @cmdline keeps the command line. The disks are the
 * snapshot's "disk-vdX" devices, in order, with their saved paths and modes.
 * Returns: 0; -EINVAL with the reason in @why (a bad disk state).
 */
int snapshot_config(const struct snapfile_view *view, struct machine_config *cfg,
		    struct fwprofile *fw, char *why, size_t why_size);

/**
 * snapshot_restore() - put @view's state into @m (built by machine_setup()
 * for it, no vCPU run yet): RAM, the DTB its guest booted with (the
 * machine's until a reset, boot_use_dtb()), vCPU registers and MP states,
 * vGIC, power table, devices.
 * Returns: 0; -errno with a message in @why naming what KVM refused.
 */
int snapshot_restore(struct machine *m, const struct snapfile_view *view, char *why,
		     size_t why_size);

#endif
