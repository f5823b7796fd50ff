/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * smp-stress: two CPUs keep the VMM's exit paths busy at the same time,
 * the load under which pinvm once died of SIGSEGV (issue 12):
 *
 *   - IPIs: a ping-pong of SGI 1 between CPU 0 and CPU 1 (in-kernel vGIC),
 *   - vGIC MMIO reads: distributor and own redistributor registers
 *     (in-kernel, no exit to the VMM),
 *   - unmapped MMIO reads: one exit to the VMM each (4 addresses per CPU,
 *     so pinvm logs 8 warnings),
 *   - timers: each CPU's virtual timer re-armed to fire every millisecond,
 *   - optionally (noise=1) a raw console byte per round from both CPUs at
 *     once, and (spread=N) a second unmapped read per round over N
 *     addresses per CPU, past pinvm's 64 logged ones.
 *
 * Interrupts stay masked (PSTATE.I): a CPU waits with WFI and takes its
 * interrupts by reading ICC_IAR1_EL1. GICv3 only.
 */
#include "cpu.h"
#include "args.h"
#include "gic.h"
#include "print.h"
#include "psci.h"
#include "smp.h"
#include "tests.h"
#include "timer.h"
#include "uart.h"

#define STRESS_SGI		1
#define STRESS_UNMAPPED		0x02100000ULL	/* + 0x100 * cpu + 8 * (round % 4) */
#define STRESS_TIMER_MS		1
#define STRESS_WAIT_MS		5000		/* an SGI that does not come: give up */
#define INTID_SPURIOUS		1023

/* GIC registers read each round (all handled by KVM's vGIC) */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IIDR		0x0008
#define GICR_CTLR		0x0000
#define GICR_IIDR		0x0004
#define GICR_TYPER		0x0008
#define GICR_ISPENDR0		(0x10000 + 0x0200)
#define GICR_ISACTIVER0		(0x10000 + 0x0300)

struct stress_cpu {
	uint64_t sgis, timers, spurious, other, unmapped_nonzero, gic_sum;
	volatile uint32_t ready, done, failed;
};

static struct stress_cpu cpu_state[2];
static volatile uint64_t stress_rounds, stress_noise, stress_spread;

/*
 * Wait for the SGI of this round, serving timer interrupts meanwhile.
 * Returns: false after STRESS_WAIT_MS without it.
 */
static bool stress_wait_sgi(struct stress_cpu *s)
{
	uint64_t deadline = timer_deadline(STRESS_WAIT_MS);

	for (;;) {
		unsigned int intid = gic_ack();

		if (intid == STRESS_SGI) {
			gic_eoi(intid);
			s->sgis++;
			return true;
		}
		if (intid == TIMER_VIRT_INTID) {
			timer_stop();	/* lowers the level before the EOI */
			gic_eoi(intid);
			s->timers++;
			timer_arm(STRESS_TIMER_MS);
			continue;
		}
		if (intid != INTID_SPURIOUS) {
			gic_eoi(intid);
			s->other++;
			continue;
		}
		s->spurious++;
		if (timer_expired(deadline))
			return false;
		/* Wakes on a pending interrupt even with PSTATE.I set. */
		asm volatile("wfi" : : : "memory");
	}
}

/* The work of one round besides the IPI: vGIC reads, one unmapped read. */
static void stress_touch(struct stress_cpu *s, unsigned int cpu, uintptr_t rd, uint64_t round)
{
	uintptr_t dist = gic_dist_base();
	uint64_t v;

	s->gic_sum += mmio_read32(dist + GICD_CTLR) + mmio_read32(dist + GICD_TYPER) +
		      mmio_read32(dist + GICD_IIDR) + mmio_read32(rd + GICR_CTLR) +
		      mmio_read32(rd + GICR_IIDR) + mmio_read32(rd + GICR_TYPER) +
		      mmio_read32(rd + GICR_ISPENDR0) + mmio_read32(rd + GICR_ISACTIVER0);
	v = mmio_read64((uintptr_t)(STRESS_UNMAPPED + 0x100 * cpu + 8 * (round % 4)));
	if (stress_spread)
		v |= mmio_read32((uintptr_t)(STRESS_UNMAPPED + 0x10000 * (cpu + 1) +
					     4 * (round % stress_spread)));
	if (v)
		s->unmapped_nonzero++;
	/* noise=1: a raw byte per round from both CPUs at once ('.' and ','). */
	if (stress_noise)
		uart_putc(cpu ? ',' : '.');
}

static void stress_setup_cpu(void)
{
	gic_enable_ppi(STRESS_SGI);
	gic_enable_ppi(TIMER_VIRT_INTID);
	timer_arm(STRESS_TIMER_MS);
}

static void stress_secondary(const struct smp_arrival *a)
{
	struct stress_cpu *s = &cpu_state[1];
	uint64_t cpu0 = smp_mpidr(0);
	uintptr_t rd;

	(void)a;
	rd = gic_cpu_init();
	if (!rd) {
		s->failed = 1;
		smp_flag_set(&s->ready);
		return;
	}
	stress_setup_cpu();
	smp_flag_set(&s->ready);
	for (uint64_t i = 0; i < stress_rounds; i++) {
		if (!stress_wait_sgi(s)) {
			s->failed = 1;
			break;
		}
		stress_touch(s, 1, rd, i);
		gic_send_sgi(STRESS_SGI, cpu0);
	}
	timer_stop();
	smp_flag_set(&s->done);
}

void test_smp_stress(void)
{
	struct stress_cpu *s = &cpu_state[0], *t = &cpu_state[1];
	uint64_t rounds = args_u64("count", 2000), cpu1;
	uintptr_t rd;
	int64_t r;

	say("smp-stress rounds %lu", rounds);
	if (smp_count() < 2 || smp_self() != 0) {
		say("smp-stress needs 2 cpus and to run on cpu0");
		psci_system_off();
	}
	if (gic_init() != 3) {
		say("smp-stress needs a GICv3 (%s)", gic_describe());
		psci_system_off();
	}
	rd = gic_cpu_init();
	stress_rounds = rounds;
	stress_noise = args_u64("noise", 0);
	stress_spread = args_u64("spread", 0);
	cpu1 = smp_mpidr(1);
	stress_setup_cpu();
	r = smp_cpu_on(1, stress_secondary);
	if (r != PSCI_RET_SUCCESS || !smp_flag_wait(&t->ready, 10000) || t->failed) {
		say("smp-stress: cpu1 did not come up (%ld)", r);
		psci_system_off();
	}
	for (uint64_t i = 0; i < rounds; i++) {
		gic_send_sgi(STRESS_SGI, cpu1);
		if (!stress_wait_sgi(s)) {
			say("smp-stress BAD: no IPI from cpu1 in round %lu", i);
			psci_system_off();
		}
		stress_touch(s, 0, rd, i);
	}
	timer_stop();
	if (stress_noise)
		uart_puts("\n");
	if (!smp_flag_wait(&t->done, STRESS_WAIT_MS) || t->failed) {
		say("smp-stress BAD: cpu1 did not finish");
		psci_system_off();
	}
	say("smp-stress ipis %lu %lu timers %lu %lu other %lu %lu unmapped-nonzero %lu",
	    s->sgis, t->sgis, s->timers, t->timers, s->other, t->other,
	    s->unmapped_nonzero + t->unmapped_nonzero);
	say("smp-stress done rounds %lu", rounds);
	psci_system_off();
}
