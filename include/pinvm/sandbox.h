/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run-phase seccomp allowlists, classic BPF programs built by pinvm
 * itself (no library: nothing to resolve or probe at start), one per
 * thread class. The process filter is installed on every thread (TSYNC)
 * after the VM is set up and before the first KVM_RUN; it permits what
 * the event loop, an in-place restart and the vCPU threads need, and
 * nothing else. Each vCPU thread then adds its own, narrower filter
 * before its first KVM_RUN (filters stack: the kernel runs all of a
 * thread's filters and the strictest answer wins). Any other system call
 * is not executed: the kernel sends SIGSYS (SECCOMP_RET_TRAP), and pinvm's
 * handler restores the terminal, writes one line naming the system call
 * and exits with SANDBOX_EXIT_STATUS. clone3 fails with ENOSYS instead,
 * so glibc falls back to clone, whose flags can be checked.
 *
 * The lists and the reason for each entry: docs/security.md.
 */
#ifndef PINVM_SANDBOX_H
#define PINVM_SANDBOX_H

#include <stddef.h>

/* 128 + SIGSYS (31 on arm64): what a shell shows for a process killed by SIGSYS. */
#define SANDBOX_EXIT_STATUS	159

/* Called first by the SIGSYS handler; must be async-signal-safe. */
typedef void (*sandbox_hook_fn)(void);

/*
 * The thread classes. A new class (a thread that only does a few things)
 * gets its lists in src/sandbox.c and calls sandbox_install_thread() first
 * thing; the process filter must allow what it does too.
 */
enum sandbox_class {
	SANDBOX_PROCESS,	/* every thread: sandbox_install() */
	SANDBOX_VCPU,		/* a vCPU thread, on top: KVM_RUN and its exits */
	SANDBOX_CONOUT,		/* the console output thread, on top: write to stdout */
	SANDBOX_DISK,		/* a disk's I/O thread, on top: its image and eventfds */
	SANDBOX_NR_CLASSES,
};

/**
 * sandbox_install() - build every class's filter, install the SIGSYS
 * handler, then load the process filter.
 * @on_violation: may be NULL; e.g. console_restore_now().
 * Call once, from the main thread, before the vCPU threads start (they
 * also get it through TSYNC if they already run), and after caps_drop():
 * the kernel takes a filter from a process without CAP_SYS_ADMIN only
 * once no_new_privs is set (-EACCES otherwise).
 * Returns: 0; -errno of seccomp(2) (-EINVAL: the kernel lacks seccomp
 * filters) or sigaction.
 */
int sandbox_install(sandbox_hook_fn on_violation);

/**
 * sandbox_install_thread() - add class @cls's filter to the calling thread
 * only (seccomp(SECCOMP_SET_MODE_FILTER) with no flag: never TSYNC, so the
 * other threads keep theirs). A thread calls it first thing, before it does
 * anything its class's filter does not allow. It does nothing when
 * sandbox_install() has not loaded the process filter (--no-seccomp), so
 * a thread must start after sandbox_install() to get its filter. Builds
 * nothing and allocates nothing: the program was built by sandbox_install().
 * Returns: 0; -EINVAL for SANDBOX_PROCESS or an unknown class; -errno of
 * seccomp(2).
 */
int sandbox_install_thread(enum sandbox_class cls);

/**
 * sandbox_install_handler() - only the SIGSYS handler (part of
 * sandbox_install(); separate for tests).
 * Returns: 0; -errno of sigaction.
 */
int sandbox_install_handler(sandbox_hook_fn on_violation);

/**
 * sandbox_export_bpf() - write class @cls's filter, the one sandbox_install()
 * or sandbox_install_thread() would load, as raw struct sock_filter
 * instructions to @fd (for tests and audits).
 * Returns: 0; -EINVAL for an unknown class; -errno.
 */
int sandbox_export_bpf(int fd, enum sandbox_class cls);

/**
 * sandbox_syscall_name() - this architecture's name of system call @nr, from
 * the build's <asm/unistd.h>; NULL for an unknown number. Async-signal-safe.
 */
const char *sandbox_syscall_name(long nr);

/**
 * sandbox_format_report() - the line the SIGSYS handler prints:
 * "pinvm: error: seccomp: blocked system call NAME (NR) in thread TID; ..."
 * ending in "\n". @name may be NULL (unknown number). Async-signal-safe:
 * no stdio, no allocation. Always NUL-terminates when @size > 0.
 * Returns: the length written, without the NUL.
 */
size_t sandbox_format_report(char *buf, size_t size, const char *name, long nr, long tid);

#endif
