/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough interrupt controller to let one private interrupt (the
 * virtual timer) become pending, enabled and unmasked by priority: that is
 * what wakes a vCPU from WFI or SYSTEM_SUSPEND, even with PSTATE.I set.
 * GICv3 ("arm,gic-v3") with system-register CPU interface, or GICv2
 * ("arm,cortex-a15-gic"), found and located through the DT.
 */
#ifndef PVGUEST_GIC_H
#define PVGUEST_GIC_H

#include <stdbool.h>
#include <stdint.h>

/* Priority given to the enabled PPI; ICC_PMR_EL1 / GICC_PMR lets anything below 0xf0 through. */
#define GIC_PRIORITY	0xa0
#define GIC_PMR		0xf0

/**
 * gic_init() - enable the distributor and this CPU's redistributor or
 * CPU interface, unmask priorities below GIC_PMR.
 * Returns: 2 or 3 (the GIC version found); 0 when the DT has no GIC we know
 * or this CPU's redistributor is missing.
 */
int gic_init(void);

/**
 * gic_cpu_init() - GICv3, on a CPU other than the one that ran gic_init():
 * wake this CPU's redistributor and turn its CPU interface on.
 * Returns: its RD_base; 0 without a GICv3 or a redistributor for it.
 */
uintptr_t gic_cpu_init(void);

/** gic_dist_base() - the distributor's address (0 before gic_init()). */
uintptr_t gic_dist_base(void);

/**
 * gic_send_sgi() - GICv3: raise SGI @intid (0-15) on the CPU with MPIDR
 * @mpidr (Aff0 below 16), through ICC_SGI1R_EL1. Nothing on GICv2.
 */
void gic_send_sgi(unsigned int intid, uint64_t mpidr);

/** gic_describe() - "GICv3 dist 0x3fff0000 redist 0x3ffd0000" style text. */
const char *gic_describe(void);

/** gic_enable_ppi() - group 1, GIC_PRIORITY, enabled: a PPI or an SGI (INTID 0-31) of this CPU. */
void gic_enable_ppi(unsigned int intid);

/** gic_pending() - the distributor/redistributor sees @intid pending. */
bool gic_pending(unsigned int intid);

/**
 * gic_ack() - acknowledge the highest priority pending interrupt.
 * Returns: its INTID; 1023 when none.
 */
unsigned int gic_ack(void);
void gic_eoi(unsigned int intid);

#endif
