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
	/* gic_reset(), learnt on its first call (v3) */
	unsigned int nr_irq_words;	/* 32-interrupt words, GICD_TYPER.ITLinesNumber + 1 */
	uint64_t icc_ctlr;		/* ICC_CTLR_EL1 at reset: read-only fields, EOImode = CBPR = 0 */
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

/**
 * gic_reset() - put a GICv3 that has run back to the state of a fresh one,
 * for an in-place restart (all vCPUs stopped, outside KVM_RUN): distributor
 * and CPU interfaces disabled; every interrupt inactive, not pending and
 * disabled but the SGIs (enabled, as KVM creates them); priority mask, EOI
 * mode and active priorities of each CPU interface at 0. What an OS
 * programs before it enables an interrupt (group, priority, trigger mode,
 * SPI routing, binary points) keeps its value. @mpidr: each vCPU's MPIDR_EL1.
 * Returns: 0; -EOPNOTSUPP for a GICv2 (pinvm does not reset one: the
 * restart fails); -errno from KVM (the vGIC is then half reset).
 */
int gic_reset(struct gic *gic, const uint64_t *mpidr, unsigned int nr_vcpus);

/* Where gic_save() hands each attribute: its group, width (4 or 8), attr, value. */
typedef int (*gic_emit_fn)(void *ctx, uint32_t group, uint32_t size, uint64_t attr,
			   uint64_t value);

/**
 * gic_save() - a GICv3's whole state, as the device attributes to write
 * back in this order (gic_load_attr()): distributor (IIDR first, CTLR
 * last), SPI line levels, per vCPU its redistributor's SGI/PPI state, line
 * levels and CPU interface system registers. Every vCPU out of KVM_RUN.
 * Returns: 0; -EOPNOTSUPP a GICv2; -errno from KVM or @emit.
 */
int gic_save(struct gic *gic, const uint64_t *mpidr, unsigned int nr_vcpus, gic_emit_fn emit,
	     void *ctx);

/**
 * gic_load_attr() - write one attribute gic_save() gave, on a finalised
 * GICv3 that has not run (set-enable and set-active registers are cleared
 * first). Returns: 0; -errno from KVM.
 */
int gic_load_attr(struct gic *gic, uint32_t group, uint32_t size, uint64_t attr, uint64_t value);

/** gic_spi_line() - drive SPI @spi (0-based) to @level via KVM_IRQ_LINE. Returns 0 or -errno. */
int gic_spi_line(int vm_fd, unsigned int spi, int level);

void gic_destroy(struct gic *gic);

#endif
