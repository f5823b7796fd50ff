/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-kernel vGIC (KVM_CREATE_DEVICE): GICv3 with one redistributor per
 * vCPU, or GICv2, at the addresses of include/pinvm/layout.h. Created before
 * the vCPUs, finalized (KVM_DEV_ARM_VGIC_CTRL_INIT) after all of them exist.
 */
#ifndef PINVM_GIC_H
#define PINVM_GIC_H

#include <stdbool.h>
#include <stdint.h>

enum gic_want {
	GIC_WANT_AUTO = 0,	/* v3, falling back to v2 */
	GIC_WANT_V2 = 2,
	GIC_WANT_V3 = 3,
};

struct gic {
	int fd;
	int version;		/* 2 or 3 */
	uint64_t dist_base, dist_size;
	uint64_t redist_base, redist_size;	/* v3 */
	uint64_t cpuif_base, cpuif_size;	/* v2 */
};

/** gic_supported() - true if the VM can create this vGIC version (KVM_CREATE_DEVICE_TEST). */
bool gic_supported(int vm_fd, int version);

/**
 * gic_create() - create the vGIC and set its base addresses.
 * Returns: 0; -ENODEV the requested version (or, for auto, any) is not
 * offered; -errno from KVM.
 */
int gic_create(struct gic *gic, int vm_fd, enum gic_want want, unsigned int nr_vcpus);

/** gic_finalize() - after all vCPUs exist: KVM_DEV_ARM_VGIC_CTRL_INIT. Returns 0 or -errno. */
int gic_finalize(struct gic *gic);

/** gic_spi_line() - drive SPI @spi (0-based) to @level via KVM_IRQ_LINE. Returns 0 or -errno. */
int gic_spi_line(int vm_fd, unsigned int spi, int level);

void gic_destroy(struct gic *gic);

#endif
