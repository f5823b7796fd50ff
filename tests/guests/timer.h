/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EL1 virtual timer (CNTV_*) and the virtual counter, used both as a wakeup
 * source and for timeouts.
 */
#ifndef PVGUEST_TIMER_H
#define PVGUEST_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/* The virtual timer's PPI: the DT /timer node's third interrupt, PPI 11 = INTID 27. */
#define TIMER_VIRT_INTID	27

uint64_t timer_now(void);	/* CNTVCT_EL0 */
uint64_t timer_freq(void);	/* CNTFRQ_EL0, ticks per second */

/** timer_deadline() - the counter value @ms milliseconds from now. */
uint64_t timer_deadline(unsigned int ms);
bool timer_expired(uint64_t deadline);

/** timer_arm() - fire (raise the PPI, level) @ms milliseconds from now. */
void timer_arm(unsigned int ms);
/** timer_fired() - CNTV_CTL_EL0.ISTATUS: the condition is met. */
bool timer_fired(void);
/** timer_stop() - disable the timer, which lowers its interrupt. */
void timer_stop(void);

#endif
