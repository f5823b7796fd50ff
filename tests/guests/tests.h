/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tests main.c can select with "test=NAME" on the command line; see
 * docs/guests.md for what each prints. None of them returns: each ends in
 * SYSTEM_OFF, a reset, or a halt.
 */
#ifndef PVGUEST_TESTS_H
#define PVGUEST_TESTS_H

#include <stdbool.h>
#include <stdint.h>

/* test_power.c */
void test_hello(void) __attribute__((noreturn));
void test_off(void) __attribute__((noreturn));
void test_off2(void) __attribute__((noreturn));
void test_reset(void) __attribute__((noreturn));
void test_reset2(void) __attribute__((noreturn));
void test_hang(void) __attribute__((noreturn));
void test_kmsg(void) __attribute__((noreturn));
void test_minimal(void) __attribute__((noreturn));
void test_undef(void) __attribute__((noreturn));
void test_bad_mmio(void) __attribute__((noreturn));

/* test_suspend.c */
void test_suspend(void) __attribute__((noreturn));
void test_timer(void) __attribute__((noreturn));
void test_suspend_busy(void) __attribute__((noreturn));
/**
 * suspend_check_stray_entry() - called first thing on every boot: if a
 * SYSTEM_SUSPEND of ours is outstanding, the VMM resumed us at the kernel
 * entry point rather than at resume_entry. Prints a marker and powers off.
 */
void suspend_check_stray_entry(uint64_t x0);

/**
 * suspend_wake_setup() - the virtual timer's PPI enabled in the GIC: the
 * wake-up source of suspend_try(). Returns: false (said why) without a GIC.
 */
bool suspend_wake_setup(void);
/**
 * suspend_try() - SYSTEM_SUSPEND with a wake-up in 50 ms. Returns the
 * result when the call returns (DENIED, ...); after a resume,
 * resume_main() reports it and calls @on_resume (which must not return).
 */
int64_t suspend_try(void (*on_resume)(void));

/* test_abuse.c */
void test_cpu_cycles(void) __attribute__((noreturn));
void test_bringup(void) __attribute__((noreturn));
void test_cpu_on_race(void) __attribute__((noreturn));
void test_bad_entry(void) __attribute__((noreturn));
void test_off_race(void) __attribute__((noreturn));
void test_suspend_race(void) __attribute__((noreturn));
void test_all_off(void) __attribute__((noreturn));

/* test_psci.c */
void test_psci(void) __attribute__((noreturn));

/* test_cpus.c */
void test_count_cpus(void) __attribute__((noreturn));

/* test_dt.c */
void test_seeds(void) __attribute__((noreturn));

/* test_io.c */
void test_mmio_hammer(void) __attribute__((noreturn));
void test_uart_flood(void) __attribute__((noreturn));
void test_echo(void) __attribute__((noreturn));
void test_echo_reset(void) __attribute__((noreturn));

/* test_restart.c */
void test_uart_irq_reset(void) __attribute__((noreturn));
void test_reset_during_mmio(void) __attribute__((noreturn));
/* test_virtio.c */
void test_virtio(void) __attribute__((noreturn));
/* test_counter.c */
void test_counter(void) __attribute__((noreturn));

/* test_stress.c */
void test_smp_stress(void) __attribute__((noreturn));

#endif
