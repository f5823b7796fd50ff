/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device tree generation with libfdt. Pure: builds a blob from a description
 * of the machine; never touches KVM. One static dtb_add_<node>() per node.
 * Everything is deterministic but the two random seeds in /chosen, which
 * dtb_build() writes as zeros and dtb_set_seeds()/dtb_new_seeds() fill in
 * place on every boot.
 */
#ifndef PINVM_DTB_H
#define PINVM_DTB_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of /chosen/rng-seed (Linux credits them to its pool at boot). */
#define DTB_RNG_SEED_SIZE	64

enum dtb_gic {
	DTB_GIC_V2 = 2,
	DTB_GIC_V3 = 3,
};

struct dtb_config {
	uint64_t ram_base, ram_size;
	unsigned int nr_cpus;
	const uint64_t *mpidr;		/* nr_cpus entries, as read from MPIDR_EL1 */
	enum dtb_gic gic;
	uint64_t gic_dist_base, gic_dist_size;
	uint64_t gic_redist_base, gic_redist_size;	/* v3: all redistributors */
	uint64_t gic_cpuif_base, gic_cpuif_size;	/* v2 */
	uint64_t uart_base, uart_size;
	unsigned int uart_spi;
	uint32_t uart_clock;		/* clock-frequency of the 16550, Hz */
	/* PSCI_VERSION(maj,min) value: 0x1 = 0.1, 0x2 = 0.2, 0x10000 = 1.0 ... */
	uint32_t psci_version;
	/* virtio-mmio devices: nr_virtio windows of virtio_size from virtio_base, SPIs from virtio_spi */
	unsigned int nr_virtio;
	uint64_t virtio_base, virtio_size;
	unsigned int virtio_spi;
	const char *bootargs;		/* NULL or "" = no bootargs property */
	uint64_t initrd_start, initrd_end;	/* both 0 = no initrd */
};

/**
 * dtb_build() - build the device tree into @buf (at most @size bytes),
 * packed. Node order and contents:
 *   /  compatible "linux,dummy-virt", #address-cells 2, #size-cells 2,
 *      interrupt-parent -> gic
 *   /chosen  bootargs, linux,initrd-start/-end (u64), stdout-path "/serial@1000000",
 *      kaslr-seed (u64) and rng-seed (DTB_RNG_SEED_SIZE bytes), both zero
 *      here: see dtb_set_seeds()
 *   /memory@80000000  device_type "memory", reg
 *   /cpus  #address-cells 2 (1 when no MPIDR has Aff3), #size-cells 0;
 *      cpu@N: device_type "cpu", compatible "arm,arm-v8", reg = MPIDR & 0xff00ffffff,
 *      enable-method "psci" (when nr_cpus > 1)
 *   /psci  per psci_version: 0.1 -> "arm,psci" + KVM 0.1 ids (cpu_suspend
 *      0x95c1ba5e, cpu_off ..5f, cpu_on ..60, migrate ..61); 0.2 ->
 *      "arm,psci-0.2"; >= 1.0 -> "arm,psci-1.0","arm,psci-0.2"; method "hvc"
 *   /intc@<dist base>  GICv3 "arm,gic-v3" (dist + redist reg) or GICv2
 *      "arm,cortex-a15-gic" (dist + cpuif), interrupt-controller,
 *      #interrupt-cells 3, #address-cells 0 (dtc 1.6 wants it), phandle 1
 *   /timer  "arm,armv8-timer", 4 PPIs (13,14,11,10), level-low (GICv2: plus
 *      the CPU mask in bits 8-15), always-on
 *   /serial@<base>  "ns16550a", reg, interrupts SPI level-high, clock-frequency
 *   /virtio@<base + n * size>  (n < nr_virtio, in order) "virtio,mmio", reg,
 *      interrupts SPI virtio_spi + n edge-rising, dma-coherent
 * The result decompiles with dtc without warnings, as the golden dtb/<case>.dts
 * files show (tests/unit/check_dtb.c, docs/device-tree.md).
 *
 * Returns: 0; -ENOSPC blob does not fit in @size; -EINVAL bad config (no
 * CPUs or more than LAYOUT_MAX_VCPUS, mpidr NULL, two CPUs with the same
 * affinity, gic not 2/3, a PSCI version other than 0.1/0.2/1.x, an empty or
 * wrapping RAM/UART/GIC range, uart_spi above 987, more than 32 virtio windows, one that wraps or whose
 * SPI is above 987, an initrd that is empty
 * or not inside RAM) or any other libfdt error.
 */
int dtb_build(const struct dtb_config *cfg, void *buf, size_t size);

/**
 * dtb_set_seeds() - write /chosen/rng-seed (DTB_RNG_SEED_SIZE bytes from
 * @rng_seed) and /chosen/kaslr-seed (@kaslr_seed) into @blob, a tree of
 * dtb_build(), in place: no other byte changes. Pure.
 * Returns: 0; -EINVAL not such a tree (no header, no /chosen or no seeds
 * of those sizes).
 */
int dtb_set_seeds(void *blob, const uint8_t *rng_seed, uint64_t kaslr_seed);

/**
 * dtb_new_seeds() - dtb_set_seeds() with fresh bytes from getrandom(2),
 * for every boot and in-process restart (Linux takes rng-seed into its
 * entropy pool and kaslr-seed for KASLR, and clears both).
 * Returns: 0; -errno of getrandom(2); -EINVAL as dtb_set_seeds().
 */
int dtb_new_seeds(void *blob);

#endif
