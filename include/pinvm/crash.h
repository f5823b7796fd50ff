/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The crash reporter: on SIGSEGV, SIGBUS, SIGILL, SIGFPE or SIGABRT in any
 * pinvm thread, an async-signal-safe handler on the thread's alternate
 * signal stack writes one block to stderr (which signal, the thread's
 * role, pc/fault address/lr/sp with module offsets for addr2line, and a
 * short frame-pointer walk), then lets the signal's default action happen:
 * the exit status stays 128+N (139 for SIGSEGV) and a core is dumped as
 * the system allows. It makes only write, gettid, getpid, tgkill (own
 * process), TCSETS (the terminal restore hook) and rt_sigreturn, which
 * every seccomp class allows (src/sandbox.c). docs/security.md has the
 * details and why it writes no event-log record.
 */
#ifndef PINVM_CRASH_H
#define PINVM_CRASH_H

#include <stddef.h>
#include <stdint.h>

/* Each thread's alternate signal stack (arm64 signal frames with SVE/SME state are large). */
#define CRASH_STACK_SIZE	(64 * 1024)
/* Frames the report walks at most. */
#define CRASH_MAX_FRAMES	16

/* Called first by the handler; must be async-signal-safe (console_restore_now()). */
typedef void (*crash_hook_fn)(void);

/**
 * crash_install() - install the handlers (SA_ONSTACK, SA_RESETHAND) and the
 * calling (main) thread's alternate stack, and note the loaded modules for
 * the offsets. Call once, early, from the main thread.
 * @hook: may be NULL.
 * Returns: 0; -errno (mmap, sigaltstack, sigaction).
 */
int crash_install(crash_hook_fn hook);

/**
 * crash_reserve() - make sure @n alternate stacks are free for threads about
 * to start (mmap'd here, in the creating thread: the threads themselves do
 * not allocate). Stacks of threads that called crash_thread_leave() are
 * reused.
 * Returns: 0; -ENOMEM; -ENOSPC beyond the pool's fixed table.
 */
int crash_reserve(unsigned int n);

/**
 * crash_thread_enter() - first thing in a new thread: name its role in the
 * report ("@role[ @name][ @index]", @name may be NULL, @index < 0 for none),
 * take a reserved stack as its alternate signal stack, and unblock the
 * crash signals (a thread started with every signal blocked would
 * otherwise die without a report). Allocates nothing. Without a free
 * stack the report runs on the thread's own stack.
 * Returns: 0; -ENOSPC (no reserved stack: still named and unblocked);
 * -errno of sigaltstack.
 */
int crash_thread_enter(const char *role, const char *name, long index);

/**
 * crash_thread_leave() - last thing in a thread that called
 * crash_thread_enter(): its stack goes back to the pool.
 */
void crash_thread_leave(void);

/* What the report says; filled by the handler from siginfo and ucontext. */
struct crash_info {
	int sig;
	const char *role;
	uintptr_t pc, fault_addr, lr, sp, fp;
	int has_fault_addr;	/* SIGSEGV/SIGBUS/SIGILL/SIGFPE from the CPU, not from kill() */
	uintptr_t frames[CRASH_MAX_FRAMES];	/* call sites (return address - 4) */
	unsigned int nr_frames;
};

/**
 * crash_format() - the report's text for @ci, NUL-terminated, each line
 * ending in "\n"; truncated to @size. Async-signal-safe.
 * Returns: the length written, without the NUL.
 */
size_t crash_format(char *buf, size_t size, const struct crash_info *ci);

/**
 * crash_walk() - follow the arm64 frame records from @fp (x29), each
 * {previous x29, return address}, while they lie 16-byte aligned in
 * [@lo, @hi) and go upwards; store at most CRASH_MAX_FRAMES call sites.
 * Async-signal-safe; reads only inside [@lo, @hi).
 * Returns: the number stored.
 */
unsigned int crash_walk(uintptr_t fp, uintptr_t lo, uintptr_t hi, uintptr_t *frames);

#endif
