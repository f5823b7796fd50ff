// SPDX-License-Identifier: GPL-2.0-only
/*
 * The crash reporter: the report's text, the bounded frame walk, and the
 * real thing in a forked child (a NULL-page write in a thread started
 * with every signal blocked, an abort() in another): the hook runs first,
 * the block on stderr names the signal, the thread's role, the faulting
 * function and address, and the child still dies of its signal (a shell
 * shows 139 for SIGSEGV).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "pinvm/crash.h"

START_TEST(test_format)
{
	struct crash_info ci = {
		.sig = SIGSEGV, .role = "vCPU 1", .pc = 0x401234, .fault_addr = 0x10,
		.lr = 0x405678, .sp = 0xffffc000, .has_fault_addr = 1,
		.frames = { 0x401000, 0x402000 }, .nr_frames = 2,
	};
	char buf[1024];
	size_t n;

	/* No crash_install() here: no module is known, so no offsets. */
	n = crash_format(buf, sizeof(buf), &ci);
	ck_assert_uint_eq(n, strlen(buf));
	ck_assert_str_eq(buf,
		"pinvm: internal error: SIGSEGV in vCPU 1 at pc 0x401234, fault address 0x10, "
		"lr 0x405678, sp 0xffffc000\n"
		"pinvm:   frame 0: 0x401000\n"
		"pinvm:   frame 1: 0x402000\n"
		"pinvm: this is a pinvm bug: please report these lines (addr2line -e pinvm 0xOFFSET "
		"names each line); exit status 139, core dumped if the system keeps cores\n");

	ci.sig = SIGABRT;
	ci.has_fault_addr = 0;
	ci.role = NULL;
	ci.nr_frames = 0;
	crash_format(buf, sizeof(buf), &ci);
	ck_assert_str_eq(buf,
		"pinvm: internal error: SIGABRT in an unnamed thread at pc 0x401234, sent by a "
		"process or abort(), lr 0x405678, sp 0xffffc000\n"
		"pinvm: this is a pinvm bug: please report these lines (addr2line -e pinvm 0xOFFSET "
		"names each line); exit status 134, core dumped if the system keeps cores\n");

	/* Truncated: still NUL-terminated, still one final newline. */
	n = crash_format(buf, 20, &ci);
	ck_assert_uint_eq(n, 19);
	ck_assert_str_eq(buf, "pinvm: internal er\n");
}
END_TEST

START_TEST(test_walk)
{
	uintptr_t stack[16] __attribute__((aligned(16)));
	uintptr_t frames[CRASH_MAX_FRAMES];
	uintptr_t lo = (uintptr_t)stack, hi = (uintptr_t)(stack + 16);

	memset(stack, 0, sizeof(stack));
	/* Three records going up, the last one pointing out of the stack. */
	stack[0] = (uintptr_t)&stack[4];
	stack[1] = 0x1004;
	stack[4] = (uintptr_t)&stack[8];
	stack[5] = 0x2004;
	stack[8] = 0x10;	/* below lo: the walk stops without reading it */
	stack[9] = 0x3004;
	ck_assert_uint_eq(crash_walk(lo, lo, hi, frames), 3);
	ck_assert_uint_eq(frames[0], 0x1000);
	ck_assert_uint_eq(frames[1], 0x2000);
	ck_assert_uint_eq(frames[2], 0x3000);
	/* A record that points down (a loop) ends the walk. */
	stack[4] = (uintptr_t)&stack[0];
	ck_assert_uint_eq(crash_walk(lo, lo, hi, frames), 2);
	/* A record straddling the top is not read. */
	ck_assert_uint_eq(crash_walk((uintptr_t)&stack[14] + 8, lo, hi, frames), 0);
	ck_assert_uint_eq(crash_walk(hi, lo, hi, frames), 0);
	/* Misaligned, or below sp. */
	ck_assert_uint_eq(crash_walk(lo + 8, lo, hi, frames), 0);
	ck_assert_uint_eq(crash_walk(lo - 16, lo, hi, frames), 0);
	/* A loop to itself stops too, after one frame. */
	stack[0] = lo;
	ck_assert_uint_eq(crash_walk(lo, lo, hi, frames), 1);
}
END_TEST

static int hook_fd = -1;

static void test_hook(void)
{
	(void)!write(hook_fd, "hook\n", 5);
}

__attribute__((noinline)) void crash_test_fault(volatile int *p);
__attribute__((noinline)) void crash_test_fault(volatile int *p)
{
	*p = 1;
	__asm__ volatile("" ::: "memory");
}

static int crash_kind;

__attribute__((noinline)) static void *crash_test_thread(void *arg)
{
	(void)arg;
	if (crash_kind == SIGSEGV) {
		if (crash_thread_enter("vCPU", NULL, 1))
			_exit(4);
		crash_test_fault((volatile int *)16);
	} else {
		if (crash_thread_enter("disk I/O", "vda", -1))
			_exit(4);
		abort();
	}
	__asm__ volatile("" ::: "memory");
	return NULL;
}

/* Run a child that crashes as @kind; its stderr in @buf, its wait status returned. */
static int run_crash(int kind, char *buf, size_t size)
{
	int out[2], status;
	ssize_t n, total = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(out), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };
		sigset_t all;
		pthread_t t;

		/* No core files from the test itself. */
		setrlimit(RLIMIT_CORE, &no_core);
		dup2(out[1], STDERR_FILENO);
		hook_fd = out[1];
		crash_kind = kind;
		if (crash_install(test_hook) || crash_reserve(1))
			_exit(2);
		/* Started with every signal blocked, like pinvm's console and disk threads. */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, NULL);
		if (pthread_create(&t, NULL, crash_test_thread, NULL))
			_exit(3);
		pthread_join(t, NULL);
		_exit(5);
	}
	close(out[1]);
	while ((n = read(out[0], buf + total, size - 1 - (size_t)total)) > 0)
		total += n;
	buf[total] = '\0';
	close(out[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

/* The value after @key in @text, as hex. */
static uintptr_t hex_after(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	ck_assert_msg(p, "no '%s' in: %s", key, text);
	return (uintptr_t)strtoull(p + strlen(key), NULL, 16);
}

START_TEST(test_segv_in_thread)
{
	char buf[4096], prefix[64];
	uintptr_t pc, lr, off;
	int status = run_crash(SIGSEGV, buf, sizeof(buf));

	ck_assert_msg(WIFSIGNALED(status), "status 0x%x, stderr: %s", status, buf);
	ck_assert_int_eq(WTERMSIG(status), SIGSEGV);	/* 128 + 11 = 139 in a shell */
	ck_assert_msg(!strncmp(buf, "hook\npinvm: internal error: SIGSEGV in vCPU 1 at pc 0x", 54),
		      "%s", buf);
	ck_assert_msg(strstr(buf, ", fault address 0x10, lr 0x"), "%s", buf);
	/* The pc is in the faulting function, the lr in its caller, both with offsets. */
	pc = hex_after(buf, " at pc ");
	ck_assert_msg(pc >= (uintptr_t)crash_test_fault && pc < (uintptr_t)crash_test_fault + 64,
		      "pc 0x%lx, function at %p: %s", (unsigned long)pc, (void *)crash_test_fault, buf);
	lr = hex_after(buf, ", lr ");
	ck_assert_msg(lr > (uintptr_t)crash_test_thread && lr < (uintptr_t)crash_test_thread + 256,
		      "lr 0x%lx, thread function at %p: %s", (unsigned long)lr,
		      (void *)crash_test_thread, buf);
	snprintf(prefix, sizeof(prefix), "(%s+0x", program_invocation_short_name);
	off = hex_after(buf, prefix);
	ck_assert_msg(off && off <= pc, "offset 0x%lx: %s", (unsigned long)off, buf);
	/* The walk stays in the thread: at most the faulting function's callers up to the thread's. */
	ck_assert_msg(!strstr(buf, "frame 3:"), "%s", buf);
	ck_assert_msg(strstr(buf, "; exit status 139, core dumped if the system keeps cores\n"), "%s",
		      buf);
}
END_TEST

START_TEST(test_abort_in_thread)
{
	char buf[4096];
	int status = run_crash(SIGABRT, buf, sizeof(buf));

	ck_assert_msg(WIFSIGNALED(status), "status 0x%x, stderr: %s", status, buf);
	ck_assert_int_eq(WTERMSIG(status), SIGABRT);
	ck_assert_msg(!strncmp(buf, "hook\npinvm: internal error: SIGABRT in disk I/O vda at pc 0x", 59),
		      "%s", buf);
	ck_assert_msg(strstr(buf, ", sent by a process or abort(), lr "), "%s", buf);
	ck_assert_msg(strstr(buf, "; exit status 134, "), "%s", buf);
}
END_TEST

START_TEST(test_reserve_limit)
{
	/* The pool's table is fixed: far beyond any machine, -ENOSPC, and nothing breaks. */
	ck_assert_int_eq(crash_reserve(100000), -ENOSPC);
	ck_assert_int_eq(crash_reserve(1), 0);
}
END_TEST

static Suite *crash_suite(void)
{
	Suite *s = suite_create("crash");
	TCase *tc = tcase_create("report");

	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_walk);
	tcase_add_test(tc, test_segv_in_thread);
	tcase_add_test(tc, test_abort_in_thread);
	tcase_add_test(tc, test_reserve_limit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(crash_suite());
}
