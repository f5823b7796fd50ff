/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Minimal GIC bring-up for private interrupts (Arm IHI 0069 GICv3/v4,
 * IHI 0048 GICv2). Both pinvm's vGIC and QEMU's model have a single
 * security state (GICD_CTLR.DS = 1), so group 1 is all we use.
 */
#include "gic.h"

#include "cpu.h"
#include "dt.h"
#include "print.h"

/* Distributor (both versions) */
#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		(1U << 31)	/* v3: register write pending */
#define GICD_CTLR_ARE		(1U << 4)	/* v3 with DS = 1: affinity routing */
#define GICD_CTLR_ENABLE_G1	(1U << 1)
#define GICD_CTLR_ENABLE_G0	(1U << 0)	/* v2: the only enable bit used */
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ISPENDR		0x0200
#define GICD_IPRIORITYR		0x0400

/* GICv3 redistributor: RD_base frame, then SGI_base frame 64 KiB above */
#define GICR_TYPER		0x0008
#define GICR_TYPER_VLPIS	(1U << 1)
#define GICR_TYPER_LAST		(1U << 4)
#define GICR_WAKER		0x0014
#define GICR_WAKER_PROCESSOR_SLEEP	(1U << 1)
#define GICR_WAKER_CHILDREN_ASLEEP	(1U << 2)
#define GICR_SGI_BASE		0x10000
#define GICR_FRAME_SIZE		0x20000		/* RD + SGI; twice that with VLPIs */

/* GICv3 CPU interface system registers (op0=3 op1=0 CRn=12/4 ...) */
#define ICC_PMR_EL1		S3_0_C4_C6_0
#define ICC_IAR1_EL1		S3_0_C12_C12_0
#define ICC_EOIR1_EL1		S3_0_C12_C12_1
#define ICC_SRE_EL1		S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1		S3_0_C12_C12_7
#define ICC_SGI1R_EL1		S3_0_C12_C11_5
/* One level of indirection so the encoding, not the name, is stringified. */
#define icc_read(reg)		sysreg_read(reg)
#define icc_write(reg, v)	sysreg_write(reg, v)

/* GICv2 CPU interface (memory mapped) */
#define GICC_CTLR		0x0000
#define GICC_PMR		0x0004
#define GICC_IAR		0x000c
#define GICC_EOIR		0x0010

static struct {
	int version;		/* 0 = not set up */
	uintptr_t dist;
	uintptr_t redist;	/* v3: the boot CPU's RD_base */
	uint64_t redist_base, redist_size;	/* v3: the DT's redistributor region */
	uintptr_t cpuif;	/* v2 */
	char name[80];
} gic;

static void gicd_wait_rwp(void)
{
	uint64_t deadline_spins = 1000000;

	while ((mmio_read32(gic.dist + GICD_CTLR) & GICD_CTLR_RWP) && --deadline_spins)
		cpu_relax();
}

/* GICR_TYPER[63:32] = Aff3.Aff2.Aff1.Aff0 of the CPU the frame serves */
static uint32_t mpidr_to_gicr_affinity(uint64_t mpidr)
{
	return (uint32_t)((mpidr >> 32 & 0xff) << 24 | (mpidr & 0xffffff));
}

/* Walk the redistributor frames for the one whose affinity is ours. */
static uintptr_t find_redist(uint64_t base, uint64_t size)
{
	uint32_t want = mpidr_to_gicr_affinity(sysreg_read(mpidr_el1));
	uint64_t off = 0;

	while (off + GICR_FRAME_SIZE <= size) {
		uintptr_t rd = (uintptr_t)(base + off);
		uint32_t typer_lo = mmio_read32(rd + GICR_TYPER);
		uint32_t typer_hi = mmio_read32(rd + GICR_TYPER + 4);

		if (typer_hi == want)
			return rd;
		if (typer_lo & GICR_TYPER_LAST)
			break;
		off += (typer_lo & GICR_TYPER_VLPIS) ? 2 * GICR_FRAME_SIZE : GICR_FRAME_SIZE;
	}
	return 0;
}

/* This CPU's half: wake its redistributor @rd, CPU interface on. */
static void gic_v3_cpu_on(uintptr_t rd)
{
	uint64_t spins = 1000000;

	/* Wake the redistributor (KVM: RAZ/WI, QEMU: starts asleep). */
	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP);
	while ((mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP) && --spins)
		cpu_relax();

	/* System register interface on, all priorities below GIC_PMR pass, group 1 on. */
	icc_write(ICC_SRE_EL1, icc_read(ICC_SRE_EL1) | 1);
	isb();
	icc_write(ICC_PMR_EL1, GIC_PMR);
	icc_write(ICC_IGRPEN1_EL1, 1);
	isb();
}

static int gic_v3_init(int node)
{
	uint64_t dbase, dsize, rbase, rsize;

	if (!dt_reg(node, 0, &dbase, &dsize) || !dt_reg(node, 1, &rbase, &rsize))
		return 0;
	gic.dist = (uintptr_t)dbase;
	gic.redist_base = rbase;
	gic.redist_size = rsize;
	gic.redist = find_redist(rbase, rsize);
	print_format(gic.name, sizeof(gic.name), "GICv3 dist 0x%lx redist 0x%lx", dbase,
		     (uint64_t)gic.redist);
	if (!gic.redist)
		return 0;

	mmio_write32(gic.dist + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
	gicd_wait_rwp();
	gic_v3_cpu_on(gic.redist);
	return 3;
}

static int gic_v2_init(int node)
{
	uint64_t dbase, dsize, cbase, csize;

	if (!dt_reg(node, 0, &dbase, &dsize) || !dt_reg(node, 1, &cbase, &csize))
		return 0;
	gic.dist = (uintptr_t)dbase;
	gic.cpuif = (uintptr_t)cbase;
	print_format(gic.name, sizeof(gic.name), "GICv2 dist 0x%lx cpuif 0x%lx", dbase, cbase);
	mmio_write32(gic.dist + GICD_CTLR, GICD_CTLR_ENABLE_G0);
	mmio_write32(gic.cpuif + GICC_PMR, GIC_PMR);
	mmio_write32(gic.cpuif + GICC_CTLR, 1);
	return 2;
}

int gic_init(void)
{
	int node;

	gic.version = 0;
	print_format(gic.name, sizeof(gic.name), "no GIC in the DT");
	node = dt_find_compatible("arm,gic-v3");
	if (node >= 0) {
		gic.version = gic_v3_init(node);
		return gic.version;
	}
	node = dt_find_compatible("arm,cortex-a15-gic");
	if (node < 0)
		node = dt_find_compatible("arm,gic-400");
	if (node >= 0)
		gic.version = gic_v2_init(node);
	return gic.version;
}

const char *gic_describe(void)
{
	return gic.name;
}

/* This CPU's RD_base (v3): the boot CPU's is kept, another CPU's looked up. */
static uintptr_t self_redist(void)
{
	uint64_t mpidr = sysreg_read(mpidr_el1);

	if (gic.redist && mmio_read32(gic.redist + GICR_TYPER + 4) == mpidr_to_gicr_affinity(mpidr))
		return gic.redist;
	return find_redist(gic.redist_base, gic.redist_size);
}

/* v3: SGIs and PPIs live in the redistributor's SGI frame; v2: banked in the distributor. */
static uintptr_t private_base(void)
{
	return gic.version == 3 ? self_redist() + GICR_SGI_BASE : gic.dist;
}

uintptr_t gic_cpu_init(void)
{
	uintptr_t rd;

	if (gic.version != 3)
		return 0;
	rd = self_redist();
	if (rd)
		gic_v3_cpu_on(rd);
	return rd;
}

uintptr_t gic_dist_base(void)
{
	return gic.dist;
}

void gic_send_sgi(unsigned int intid, uint64_t mpidr)
{
	uint64_t v;

	if (gic.version != 3)
		return;
	/* ICC_SGI1R_EL1: Aff3 [55:48], Aff2 [39:32], INTID [27:24], Aff1 [23:16], TargetList [15:0] */
	v = (mpidr >> 32 & 0xff) << 48 | (mpidr >> 16 & 0xff) << 32 |
	    (uint64_t)(intid & 0xf) << 24 | (mpidr >> 8 & 0xff) << 16 | 1ULL << (mpidr & 0xf);
	dsb_sy();
	icc_write(ICC_SGI1R_EL1, v);
	isb();
}

void gic_enable_ppi(unsigned int intid)
{
	uintptr_t base = private_base();
	uintptr_t prio = base + GICD_IPRIORITYR + (intid & ~3U);
	unsigned int shift = 8 * (intid & 3);
	uint32_t v;

	if (!gic.version)
		return;
	/* 32-bit read-modify-write: byte access is optional in some models. */
	v = mmio_read32(prio);
	v = (v & ~(0xffU << shift)) | (uint32_t)GIC_PRIORITY << shift;
	mmio_write32(prio, v);
	if (gic.version == 3)
		mmio_write32(base + GICD_IGROUPR,
			     mmio_read32(base + GICD_IGROUPR) | 1U << intid);
	mmio_write32(base + GICD_ISENABLER, 1U << intid);
	dsb_sy();
}

bool gic_pending(unsigned int intid)
{
	if (!gic.version)
		return false;
	return mmio_read32(private_base() + GICD_ISPENDR) & 1U << intid;
}

unsigned int gic_ack(void)
{
	if (gic.version == 3)
		return (unsigned int)(icc_read(ICC_IAR1_EL1) & 0xffffff);
	if (gic.version == 2)
		return mmio_read32(gic.cpuif + GICC_IAR) & 0x3ff;
	return 1023;
}

void gic_eoi(unsigned int intid)
{
	if (gic.version == 3) {
		icc_write(ICC_EOIR1_EL1, intid);
		isb();
	} else if (gic.version == 2) {
		mmio_write32(gic.cpuif + GICC_EOIR, intid);
	}
}
