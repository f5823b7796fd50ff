/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * In-place restart tests: what a SYSTEM_RESET must not carry over from one
 * boot into the next. Both end in SYSTEM_RESET, so a run with
 * --max-resets N repeats them N + 1 times (each boot checks the state the
 * previous one left behind).
 *
 * uart-irq-reset     the UART's interrupt line: pending in the GIC (as a
 *                    level interrupt) before anything enabled it? Then it
 *                    raises the line (IER THRI, THR is always empty) and
 *                    resets.
 * reset-during-mmio  CPU 0 reads the UART's LSR (an exit to the VMM) in a
 *                    tight loop while CPU 1 calls SYSTEM_RESET: now and
 *                    then (a few % of the resets under pinvm) the VMM's
 *                    stop finds CPU 0 inside an MMIO exit. The next boot's
 *                    entry checks (main.c: x0 is a device tree, the first
 *                    instruction of _start ran) catch a VMM that lets KVM
 *                    complete that stale read into the fresh vCPU.
 */
#include "cpu.h"
#include "dt.h"
#include "print.h"
#include "psci.h"
#include "smp.h"
#include "tests.h"
#include "timer.h"

/* 16550 registers (index << reg-shift) */
#define NS16550_IER		1
#define NS16550_IER_THRI	0x02
#define NS16550_IIR		2
#define NS16550_LSR		5

/* GIC distributor, both versions: one pending bit per INTID */
#define GICD_ISPENDR		0x0200
#define GICD_ICFGR		0x0c00	/* 2 bits per INTID: bit 1 set = edge */
#define GIC_SPI_BASE		32
/* The "interrupts" cells of a GIC child: <type number flags>, type 0 = SPI */
#define DT_IRQ_SPI		0

struct restart_uart {
	uintptr_t base;
	unsigned int shift;
	unsigned int intid;	/* GIC INTID of its interrupt */
	uintptr_t gicd;		/* GIC distributor */
};

/* The 16550 and the GIC distributor from the DT; false (and a line) if missing. */
static bool restart_find_uart(struct restart_uart *u)
{
	int node = dt_find_compatible("ns16550a"), gic;
	uint64_t base, size, dbase, dsize;
	const void *irq;
	uint32_t len;

	gic = dt_find_compatible("arm,gic-v3");
	if (gic < 0)
		gic = dt_find_compatible("arm,cortex-a15-gic");
	irq = dt_prop(node, "interrupts", &len);
	if (!dt_reg(node, 0, &base, &size) || !dt_reg(gic, 0, &dbase, &dsize) || !irq ||
	    len < 12 || dt_be32(irq) != DT_IRQ_SPI) {
		say("no ns16550a with an SPI, or no GIC, in the DT");
		return false;
	}
	u->base = (uintptr_t)base;
	u->shift = dt_prop_u32(node, "reg-shift", 0);
	u->intid = GIC_SPI_BASE + dt_be32((const uint8_t *)irq + 4);
	u->gicd = (uintptr_t)dbase;
	return true;
}

static uintptr_t restart_uart_reg(const struct restart_uart *u, unsigned int index)
{
	return u->base + ((uintptr_t)index << u->shift);
}

/*
 * The interrupt level-sensitive, as its DT flags say and as Linux sets it.
 * KVM creates SPIs edge-triggered, and then only a rising edge latches
 * pending: the level of the line is not kept, nor shown.
 */
static void restart_set_level(const struct restart_uart *u)
{
	uintptr_t reg = u->gicd + GICD_ICFGR + 4 * (u->intid / 16);

	mmio_write32(reg, mmio_read32(reg) & ~(2U << 2 * (u->intid % 16)));
	dsb_sy();
}

/* GICD_ISPENDR: a level interrupt reads pending while its line is high. */
static unsigned int restart_pending(const struct restart_uart *u)
{
	uint32_t word = mmio_read32(u->gicd + GICD_ISPENDR + 4 * (u->intid / 32));

	return word >> (u->intid % 32) & 1;
}

void test_uart_irq_reset(void)
{
	struct restart_uart u;
	int64_t r;

	if (!restart_find_uart(&u))
		psci_system_off();
	restart_set_level(&u);
	/*
	 * Nothing enabled it in this boot: the line must be low (and IIR says
	 * "no interrupt", 0x01: a line high with that is a storm for Linux).
	 */
	say("uart-irq intid %u pending %u iir 0x%02x", u.intid, restart_pending(&u),
	    mmio_read8(restart_uart_reg(&u, NS16550_IIR)));
	/* THR is always empty: enabling its interrupt raises the line at once. */
	mmio_write8(restart_uart_reg(&u, NS16550_IER), NS16550_IER_THRI);
	dsb_sy();
	say("uart-irq thri on pending %u", restart_pending(&u));
	r = psci_call(PSCI_FN(PSCI_SYSTEM_RESET), 0, 0, 0);
	say("reset returned %ld", r);
	psci_system_off();
}

static volatile uint32_t mmio_cpu1_arrived;

/* CPU 1: let CPU 0 get going, then reset the system under it. */
static void reset_during_mmio_cpu1(const struct smp_arrival *a)
{
	uint64_t now = timer_now();
	/* 0.1 to 1.1 ms, so that the reset lands at varying points of the loop. */
	uint64_t end = now + timer_freq() * (100 + now % 1000) / 1000000;

	(void)a;
	smp_flag_set(&mmio_cpu1_arrived);
	while (!timer_expired(end))
		cpu_relax();
	(void)psci_call(PSCI_FN(PSCI_SYSTEM_RESET), 0, 0, 0);
	say("reset-during-mmio: cpu1 SYSTEM_RESET returned");
}

void test_reset_during_mmio(void)
{
	struct restart_uart u;
	uintptr_t lsr;
	int64_t r;

	if (!restart_find_uart(&u))
		psci_system_off();
	if (smp_count() < 2) {
		say("reset-during-mmio needs 2 cpus");
		psci_system_off();
	}
	lsr = restart_uart_reg(&u, NS16550_LSR);
	r = smp_cpu_on(smp_self() == 0 ? 1 : 0, reset_during_mmio_cpu1);
	if (r != PSCI_RET_SUCCESS) {
		say("reset-during-mmio: CPU_ON returned %ld", r);
		psci_system_off();
	}
	if (!smp_flag_wait(&mmio_cpu1_arrived, 30000)) {
		say("reset-during-mmio: cpu1 did not arrive");
		psci_system_off();
	}
	/*
	 * Into x0 on purpose: x0 holds the DTB address at entry, so a read that
	 * KVM completes into the next boot's vCPU (LSR reads 0x60) shows there.
	 */
	asm volatile("1:	ldrb	w0, [%0]\n"
		     "	b	1b\n"
		     : : "r"(lsr) : "x0", "memory");
	__builtin_unreachable();
}
