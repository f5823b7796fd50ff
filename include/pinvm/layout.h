/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest physical memory map, compatible with kvmtool's arm64 layout so that
 * guests built for kvmtool run unchanged.
 *
 *   0x0000_0000 +-----------------------------+
 *               | (unmapped: reads 0)         |
 *   0x0100_0000 | UART 16550A "ns16550a"      | 0x100 bytes, SPI 0 (kvmtool: 8250 @ 0x1000000)
 *               | (unmapped)                  |
 *   0x0300_0000 | virtio-mmio, one per --disk | 0x200 bytes each, SPI 1, 2, ... (kvmtool's windows)
 *               | (unmapped)                  |
 *               | GICv3 redistributors        | 128 KiB per vCPU, just below the distributor
 *   0x3fff_0000 | GIC distributor (64 KiB)    | ends at 1 GiB
 *               |   GICv2 CPU interface below | 0x3ffd_0000 (8 KiB)
 *   0x4000_0000 | (unmapped)                  |
 *   0x8000_0000 | RAM (--mem, default 256M)   |
 *               |   kernel at RAM + text_offset (flat binaries: RAM + 0x80000)
 *               |   initrd, then DTB near the top of RAM
 *               +-----------------------------+
 */
#ifndef PINVM_LAYOUT_H
#define PINVM_LAYOUT_H

#define LAYOUT_RAM_BASE		0x80000000ULL
#define LAYOUT_UART_BASE	0x01000000ULL
#define LAYOUT_UART_SIZE	0x100ULL
/* SPI number (GIC INTID 32 + n); the DT uses the SPI number */
#define LAYOUT_UART_SPI		0
#define LAYOUT_UART_CLOCK_HZ	1843200	/* the "clock-frequency" of the UART node: 16550A divisors */

/*
 * virtio-mmio devices (--disk, in order: vda, vdb, ...): 0x200-byte windows
 * from 0x300_0000, as kvmtool places its virtio-mmio devices; SPI 1 + n,
 * edge rising.
 */
#define LAYOUT_VIRTIO_BASE	0x03000000ULL
#define LAYOUT_VIRTIO_SIZE	0x200ULL
#define LAYOUT_VIRTIO_SPI	1
#define LAYOUT_MAX_DISKS	16

/*
 * Interrupts of the vGIC: 32 private (SGIs, PPIs) + 32 SPIs, the least KVM
 * allows (KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 64..1024 in steps of 32): a guest
 * reads GICD_TYPER.ITLinesNumber = 1. Set, not left to KVM's default (256),
 * so that it is pinvm's choice and not the host's; the fewer SPIs, the less
 * an in-place restart has to reset (gic_reset()). pinvm uses SPI 0.
 */
#define LAYOUT_GIC_NR_IRQS	64

#define LAYOUT_GIC_DIST_SIZE	0x10000ULL
#define LAYOUT_GIC_DIST_BASE	(0x40000000ULL - LAYOUT_GIC_DIST_SIZE)
#define LAYOUT_GIC_REDIST_SIZE	0x20000ULL	/* per vCPU, GICv3 */
#define LAYOUT_GIC_CPUIF_SIZE	0x2000ULL	/* GICv2 CPU interface */
#define LAYOUT_GIC_CPUIF_BASE	(LAYOUT_GIC_DIST_BASE - 0x20000ULL)

/* Flat (header-less) binaries load here, as kvmtool assumes. */
#define LAYOUT_FLAT_TEXT_OFFSET	0x80000ULL

/* Arch timer PPIs (INTID - 16): secure, non-secure, virtual, hypervisor */
#define LAYOUT_TIMER_PPI_SEC	13
#define LAYOUT_TIMER_PPI_NS	14
#define LAYOUT_TIMER_PPI_VIRT	11
#define LAYOUT_TIMER_PPI_HYP	10

#define LAYOUT_DTB_MAX_SIZE	0x10000ULL	/* 64 KiB */
#define LAYOUT_MAX_VCPUS	512

_Static_assert(32 + LAYOUT_UART_SPI < LAYOUT_GIC_NR_IRQS, "the UART's SPI must exist in the vGIC");
_Static_assert(32 + LAYOUT_VIRTIO_SPI + LAYOUT_MAX_DISKS <= LAYOUT_GIC_NR_IRQS,
	       "every disk's SPI must exist in the vGIC");
_Static_assert(LAYOUT_VIRTIO_BASE + LAYOUT_MAX_DISKS * LAYOUT_VIRTIO_SIZE <= 0x3bff0000ULL,
	       "the virtio windows stay below the lowest redistributor");

#endif
