/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loading and boot: the kernel and initrd read, checked and placed once;
 * the DTB built for the machine; the power-on state (images and DTB in
 * RAM, devices reset, vCPU 0's boot registers) set for the first boot and
 * again, in place, for every restart.
 */
#ifndef PINVM_BOOT_H
#define PINVM_BOOT_H

#include <stddef.h>

struct machine;

/**
 * boot_load() - read the kernel (gunzip if needed) and the initrd of
 * m->cfg, check them, plan their placement in RAM.
 * Returns: 0; -errno with a message in @why.
 */
int boot_load(struct machine *m, char *why, size_t why_size);

/**
 * boot_build_dtb() - the device tree for the machine as set up (vCPUs'
 * MPIDRs, vGIC, effective PSCI version, images).
 * Returns: 0; -errno with a message in @why.
 */
int boot_build_dtb(struct machine *m, char *why, size_t why_size);

/** boot_dtb_size() - packed size of the DTB boot_build_dtb() built. */
size_t boot_dtb_size(const struct machine *m);

/**
 * boot_power_on() - the power-on state around a ready VM: devices reset,
 * kernel, initrd and DTB in RAM, vCPU 0's boot registers.
 * Returns: 0; -errno with a message in @why.
 */
int boot_power_on(struct machine *m, char *why, size_t why_size);

/**
 * boot_restart() - an in-place power cycle: RAM reads as zero again, every
 * vCPU re-initialised (only vCPU 0 on), the vGIC reset, devices, images and
 * DTB as at the first boot. The VM, its vCPUs and the firmware view stay.
 * Call with every vCPU thread parked.
 * Returns: 0; -errno with a message in @why (the run ends: status 1).
 */
int boot_restart(struct machine *m, char *why, size_t why_size);

#endif
