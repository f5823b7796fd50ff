/* SPDX-License-Identifier: GPL-2.0-only */
/* Generic Timer, virtual view (ARM ARM D11, "The Generic Timer in AArch64 state"). */
#include "timer.h"

#include "cpu.h"

#define CNTV_CTL_ENABLE		(1UL << 0)
#define CNTV_CTL_IMASK		(1UL << 1)
#define CNTV_CTL_ISTATUS	(1UL << 2)

uint64_t timer_now(void)
{
	isb();	/* do not read the counter early */
	return sysreg_read(cntvct_el0);
}

uint64_t timer_freq(void)
{
	return sysreg_read(cntfrq_el0);
}

uint64_t timer_deadline(unsigned int ms)
{
	return timer_now() + timer_freq() * ms / 1000;
}

bool timer_expired(uint64_t deadline)
{
	return timer_now() >= deadline;
}

void timer_arm(unsigned int ms)
{
	sysreg_write(cntv_ctl_el0, 0);
	sysreg_write(cntv_cval_el0, timer_deadline(ms));
	/* Enabled and not masked (IMASK = 0): the interrupt reaches the GIC. */
	sysreg_write(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
}

bool timer_fired(void)
{
	return sysreg_read(cntv_ctl_el0) & CNTV_CTL_ISTATUS;
}

void timer_stop(void)
{
	sysreg_write(cntv_ctl_el0, 0);
	isb();
}
