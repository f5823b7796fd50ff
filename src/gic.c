// SPDX-License-Identifier: GPL-2.0-only
/* In-kernel vGICv3/v2 set-up. */
#include "pinvm/gic.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "pinvm/layout.h"

static int gic_type(int version)
{
	return version == 3 ? KVM_DEV_TYPE_ARM_VGIC_V3 : KVM_DEV_TYPE_ARM_VGIC_V2;
}

bool gic_supported(int vm_fd, int version)
{
	struct kvm_create_device dev = {
		.type = (uint32_t)gic_type(version),
		.flags = KVM_CREATE_DEVICE_TEST,
	};

	return ioctl(vm_fd, KVM_CREATE_DEVICE, &dev) == 0;
}

/* One vGIC attribute: read or write *@val (NULL for an attribute without one). */
static int gic_attr(int fd, bool write, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uint64_t)(uintptr_t)val,
	};

	return ioctl(fd, write ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a) < 0 ? -errno : 0;
}

static int gic_set_addr(int fd, uint64_t type, uint64_t addr)
{
	return gic_attr(fd, true, KVM_DEV_ARM_VGIC_GRP_ADDR, type, &addr);
}

int gic_create(struct gic *gic, int vm_fd, enum gic_want want, unsigned int nr_vcpus)
{
	struct kvm_create_device dev;
	uint32_t nr_irqs = LAYOUT_GIC_NR_IRQS;
	int version, r;

	memset(gic, 0, sizeof(*gic));
	gic->fd = -1;
	if (want == GIC_WANT_AUTO)
		version = gic_supported(vm_fd, 3) ? 3 : gic_supported(vm_fd, 2) ? 2 : 0;
	else
		version = gic_supported(vm_fd, (int)want) ? (int)want : 0;
	if (!version)
		return -ENODEV;

	memset(&dev, 0, sizeof(dev));
	dev.type = (uint32_t)gic_type(version);
	if (ioctl(vm_fd, KVM_CREATE_DEVICE, &dev) < 0)
		return -errno;
	gic->fd = (int)dev.fd;
	gic->version = version;
	gic->dist_base = LAYOUT_GIC_DIST_BASE;
	gic->dist_size = LAYOUT_GIC_DIST_SIZE;

	if (version == 3) {
		/* One 128 KiB redistributor frame pair per vCPU, right below the distributor. */
		gic->redist_size = (uint64_t)nr_vcpus * LAYOUT_GIC_REDIST_SIZE;
		gic->redist_base = gic->dist_base - gic->redist_size;
		r = gic_set_addr(gic->fd, KVM_VGIC_V3_ADDR_TYPE_DIST, gic->dist_base);
		if (!r)
			r = gic_set_addr(gic->fd, KVM_VGIC_V3_ADDR_TYPE_REDIST, gic->redist_base);
	} else {
		gic->cpuif_base = LAYOUT_GIC_CPUIF_BASE;
		gic->cpuif_size = LAYOUT_GIC_CPUIF_SIZE;
		r = gic_set_addr(gic->fd, KVM_VGIC_V2_ADDR_TYPE_DIST, gic->dist_base);
		if (!r)
			r = gic_set_addr(gic->fd, KVM_VGIC_V2_ADDR_TYPE_CPU, gic->cpuif_base);
	}
	/* The number of interrupts, SGIs and PPIs included (before CTRL_INIT). */
	if (!r)
		r = gic_attr(gic->fd, true, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	if (r) {
		gic_destroy(gic);
		return r;
	}
	return 0;
}

int gic_finalize(struct gic *gic)
{
	return gic_attr(gic->fd, true, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
}

/* GICv3 registers (IHI 0069): distributor, and redistributor SGI frame at 64 KiB */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICACTIVER		0x0380
#define GICD_IIDR		0x0008
#define GICD_IGROUPR		0x0080
#define GICD_ISACTIVER		0x0300
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6000
#define GICR_SGI_FRAME		0x10000
#define GIC_SGI_MASK		0x0000ffffU	/* INTIDs 0-15 of word 0 */

/* ICC_*_EL1 as (op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2), KVM's sysreg attr */
#define ICC_SYSREG(crn, crm, op2)	((3U << 14) | ((crn) << 7) | ((crm) << 3) | (op2))
#define ICC_PMR_EL1		ICC_SYSREG(4, 6, 0)
#define ICC_AP0R_EL1(n)		ICC_SYSREG(12, 8, 4 + (n))
#define ICC_AP1R_EL1(n)		ICC_SYSREG(12, 9, (n))
#define ICC_CTLR_EL1		ICC_SYSREG(12, 12, 4)
#define ICC_SRE_EL1		ICC_SYSREG(12, 12, 5)
#define ICC_BPR0_EL1		ICC_SYSREG(12, 8, 3)
#define ICC_BPR1_EL1		ICC_SYSREG(12, 12, 3)
#define ICC_IGRPEN0_EL1		ICC_SYSREG(12, 12, 6)
#define ICC_IGRPEN1_EL1		ICC_SYSREG(12, 12, 7)
#define ICC_CTLR_CBPR		(1ULL << 0)
#define ICC_CTLR_EOIMODE	(1ULL << 1)
#define ICC_CTLR_PRIBITS(v)	((((v) >> 8) & 7) + 1)

static int gic_dist_write(int fd, uint32_t offset, uint32_t val)
{
	return gic_attr(fd, true, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, offset, &val);
}

/* The vCPU in KVM's attr: Aff3.Aff2.Aff1.Aff0 in bits 63:32 */
static uint64_t gic_vcpu_attr(uint64_t mpidr)
{
	uint64_t aff = ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff);

	return aff << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
}

static int gic_redist_write(int fd, uint64_t mpidr, uint32_t offset, uint32_t val)
{
	return gic_attr(fd, true, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
			gic_vcpu_attr(mpidr) | GICR_SGI_FRAME | offset, &val);
}

static int gic_icc_write(int fd, uint64_t mpidr, uint32_t reg, uint64_t val)
{
	return gic_attr(fd, true, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, gic_vcpu_attr(mpidr) | reg,
			&val);
}

/*
 * Disable, clear pending and deactivate one 32-interrupt word; then enable
 * @enabled. Pending is cleared by a user write of 0 to ISPENDR: KVM (6.1 to
 * 7.x) ignores user writes to ICPENDR.
 */
static int gic_word_reset(int fd, bool redist, uint64_t mpidr, uint32_t word, uint32_t enabled)
{
	static const struct {
		uint32_t reg, val;
	} seq[] = {
		{ GICD_ICENABLER, ~0U },
		{ GICD_ISPENDR, 0 },
		{ GICD_ICACTIVER, ~0U },
	};
	int r = 0;

	for (size_t i = 0; !r && i < sizeof(seq) / sizeof(seq[0]); i++) {
		uint32_t off = seq[i].reg + 4 * word;

		r = redist ? gic_redist_write(fd, mpidr, off, seq[i].val) :
			     gic_dist_write(fd, off, seq[i].val);
	}
	if (!r && enabled)
		r = redist ? gic_redist_write(fd, mpidr, GICD_ISENABLER, enabled) :
			     gic_dist_write(fd, GICD_ISENABLER + 4 * word, enabled);
	return r;
}

/* The CPU interface: its enables, priority mask, EOI mode and active priorities. */
static int gic_icc_reset(struct gic *gic, uint64_t mpidr)
{
	const uint32_t zero[] = { ICC_IGRPEN0_EL1, ICC_IGRPEN1_EL1, ICC_PMR_EL1 };
	unsigned int nr_apr;
	int r = 0;

	if (!gic->icc_ctlr) {
		/* Its read-only fields (PRIbits, IDbits, ...) must be written back as read. */
		r = gic_attr(gic->fd, false, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
			     gic_vcpu_attr(mpidr) | ICC_CTLR_EL1, &gic->icc_ctlr);
		if (r)
			return r;
		gic->icc_ctlr &= ~(ICC_CTLR_CBPR | ICC_CTLR_EOIMODE);
	}
	r = gic_icc_write(gic->fd, mpidr, ICC_CTLR_EL1, gic->icc_ctlr);
	for (size_t i = 0; !r && i < sizeof(zero) / sizeof(zero[0]); i++)
		r = gic_icc_write(gic->fd, mpidr, zero[i], 0);
	/* 5 priority bits: AP0R0/AP1R0; 6: ...1; 7: ...3 (ICC_AP0R<n>_EL1) */
	nr_apr = 1U << (ICC_CTLR_PRIBITS(gic->icc_ctlr) > 5 ? ICC_CTLR_PRIBITS(gic->icc_ctlr) - 5 : 0);
	for (unsigned int n = 0; !r && n < nr_apr && n < 4; n++) {
		r = gic_icc_write(gic->fd, mpidr, ICC_AP0R_EL1(n), 0);
		if (!r)
			r = gic_icc_write(gic->fd, mpidr, ICC_AP1R_EL1(n), 0);
	}
	return r;
}

int gic_reset(struct gic *gic, const uint64_t *mpidr, unsigned int nr_vcpus)
{
	int r;

	if (gic->version != 3)
		return -EOPNOTSUPP;
	if (!gic->nr_irq_words) {
		uint32_t typer = 0;

		r = gic_attr(gic->fd, false, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_TYPER, &typer);
		if (r)
			return r;
		gic->nr_irq_words = (typer & 0x1f) + 1;
	}
	/* Distributor off (the read-only ARE/DS bits stay), then the SPIs. */
	r = gic_dist_write(gic->fd, GICD_CTLR, 0);
	for (unsigned int w = 1; !r && w < gic->nr_irq_words; w++)
		r = gic_word_reset(gic->fd, false, 0, w, 0);
	/* Per vCPU: SGIs (enabled, as KVM creates them) and PPIs, then the CPU interface. */
	for (unsigned int i = 0; !r && i < nr_vcpus; i++) {
		r = gic_word_reset(gic->fd, true, mpidr[i], 0, GIC_SGI_MASK);
		if (!r)
			r = gic_icc_reset(gic, mpidr[i]);
	}
	return r;
}

/* ---- snapshot: the state as attributes (docs/snapshot.md) ---- */

struct gic_saver {
	struct gic *gic;
	gic_emit_fn emit;
	void *ctx;
	int r;
};

static void gic_save_one(struct gic_saver *sv, uint32_t group, uint32_t size, uint64_t attr)
{
	uint64_t v = 0;
	uint32_t v32 = 0;

	if (sv->r)
		return;
	if (size == 4) {
		sv->r = gic_attr(sv->gic->fd, false, group, attr, &v32);
		v = v32;
	} else {
		sv->r = gic_attr(sv->gic->fd, false, group, attr, &v);
	}
	if (!sv->r)
		sv->r = sv->emit(sv->ctx, group, size, attr, v);
}

int gic_save(struct gic *gic, const uint64_t *mpidr, unsigned int nr_vcpus, gic_emit_fn emit,
	     void *ctx)
{
	struct gic_saver sv = { .gic = gic, .emit = emit, .ctx = ctx };
	const uint32_t dg = KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
	uint32_t typer = 0;
	unsigned int words, nr_apr;
	uint64_t ctlr = 0;

	if (gic->version != 3)
		return -EOPNOTSUPP;
	sv.r = gic_attr(gic->fd, false, dg, GICD_TYPER, &typer);
	if (sv.r)
		return sv.r;
	words = (typer & 0x1f) + 1;
	/* The implementation revision first: it decides how the rest reads back. */
	gic_save_one(&sv, dg, 4, GICD_IIDR);
	for (unsigned int w = 1; w < words; w++) {
		gic_save_one(&sv, dg, 4, GICD_IGROUPR + 4 * w);
		gic_save_one(&sv, dg, 4, GICD_ICFGR + 8 * w);
		gic_save_one(&sv, dg, 4, GICD_ICFGR + 8 * w + 4);
		for (unsigned int i = 0; i < 8; i++)
			gic_save_one(&sv, dg, 4, GICD_IPRIORITYR + 32 * w + 4 * i);
		for (unsigned int i = 0; i < 32; i++) {
			/* 64-bit IROUTER as two 32-bit halves */
			gic_save_one(&sv, dg, 4, GICD_IROUTER + 8 * (32 * w + i));
			gic_save_one(&sv, dg, 4, GICD_IROUTER + 8 * (32 * w + i) + 4);
		}
		gic_save_one(&sv, dg, 4, GICD_ISENABLER + 4 * w);
		gic_save_one(&sv, dg, 4, GICD_ISPENDR + 4 * w);
		gic_save_one(&sv, dg, 4, GICD_ISACTIVER + 4 * w);
		/* The input lines of level-triggered SPIs */
		gic_save_one(&sv, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, 4,
			     ((uint64_t)VGIC_LEVEL_INFO_LINE_LEVEL <<
			      KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT) | (32 * w));
	}
	gic_save_one(&sv, dg, 4, GICD_CTLR);
	for (unsigned int c = 0; c < nr_vcpus; c++) {
		uint64_t va = gic_vcpu_attr(mpidr[c]);
		const uint32_t rg = KVM_DEV_ARM_VGIC_GRP_REDIST_REGS;
		const uint32_t sg = KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;

		gic_save_one(&sv, rg, 4, va | GICR_SGI_FRAME | GICD_IGROUPR);
		gic_save_one(&sv, rg, 4, va | GICR_SGI_FRAME | GICD_ICFGR);
		gic_save_one(&sv, rg, 4, va | GICR_SGI_FRAME | (GICD_ICFGR + 4));
		for (unsigned int i = 0; i < 8; i++)
			gic_save_one(&sv, rg, 4, va | GICR_SGI_FRAME | (GICD_IPRIORITYR + 4 * i));
		gic_save_one(&sv, rg, 4, va | GICR_SGI_FRAME | GICD_ISENABLER);
		gic_save_one(&sv, rg, 4, va | GICR_SGI_FRAME | GICD_ISPENDR);
		gic_save_one(&sv, rg, 4, va | GICR_SGI_FRAME | GICD_ISACTIVER);
		gic_save_one(&sv, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, 4, va |
			     ((uint64_t)VGIC_LEVEL_INFO_LINE_LEVEL <<
			      KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT));
		/* The CPU interface: SRE and CTLR first (they shape the rest). */
		gic_save_one(&sv, sg, 8, va | ICC_SRE_EL1);
		gic_save_one(&sv, sg, 8, va | ICC_CTLR_EL1);
		if (!sv.r)
			sv.r = gic_attr(gic->fd, false, sg, va | ICC_CTLR_EL1, &ctlr);
		gic_save_one(&sv, sg, 8, va | ICC_PMR_EL1);
		gic_save_one(&sv, sg, 8, va | ICC_BPR0_EL1);
		gic_save_one(&sv, sg, 8, va | ICC_BPR1_EL1);
		nr_apr = 1U << (ICC_CTLR_PRIBITS(ctlr) > 5 ? ICC_CTLR_PRIBITS(ctlr) - 5 : 0);
		for (unsigned int n = 0; n < nr_apr && n < 4; n++) {
			gic_save_one(&sv, sg, 8, va | ICC_AP0R_EL1(n));
			gic_save_one(&sv, sg, 8, va | ICC_AP1R_EL1(n));
		}
		gic_save_one(&sv, sg, 8, va | ICC_IGRPEN0_EL1);
		gic_save_one(&sv, sg, 8, va | ICC_IGRPEN1_EL1);
	}
	return sv.r;
}

int gic_load_attr(struct gic *gic, uint32_t group, uint32_t size, uint64_t attr, uint64_t value)
{
	uint32_t v32 = (uint32_t)value, ones = ~0U;
	uint64_t off = attr & 0xffffffffULL;
	int r = 0;

	if (gic->version != 3)
		return -EOPNOTSUPP;
	/*
	 * A set-enable or set-active register only sets bits: the interrupts
	 * KVM created enabled (SGIs) are cleared first.
	 */
	if (group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS || group == KVM_DEV_ARM_VGIC_GRP_REDIST_REGS) {
		uint64_t reg = group == KVM_DEV_ARM_VGIC_GRP_REDIST_REGS ? off - GICR_SGI_FRAME : off;
		uint64_t base = attr - off;

		if ((reg & ~0x7fULL) == GICD_ISENABLER || (reg & ~0x7fULL) == GICD_ISACTIVER)
			r = gic_attr(gic->fd, true, group, base | (off + 0x80), &ones);
	}
	if (r)
		return r;
	if (size == 4)
		return gic_attr(gic->fd, true, group, attr, &v32);
	return gic_attr(gic->fd, true, group, attr, &value);
}

int gic_spi_line(int vm_fd, unsigned int spi, int level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (32 + spi),
		.level = (uint32_t)level,
	};

	return ioctl(vm_fd, KVM_IRQ_LINE, &irq) < 0 ? -errno : 0;
}

void gic_destroy(struct gic *gic)
{
	if (gic->fd >= 0)
		(void)close(gic->fd);
	gic->fd = -1;
}
