// SPDX-License-Identifier: GPL-2.0-only
/*
 * The seccomp allowlist, without loading it (qemu-user cannot): the filter
 * sandbox_install() would load is exported as classic BPF and run here by
 * a small interpreter against system calls pinvm makes and must make
 * (KVM_RUN, a restart's KVM_CREATE_VM, a vCPU thread's clone, ...) and
 * ones it must never make (execve, openat, fork, PROT_EXEC, a new SIGSYS
 * handler, ...). Then the SIGSYS report: its formatting, and the handler
 * itself (hook first, one line on stderr, exit status 159).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>

#include "harness.h"
#include "pinvm/sandbox.h"

/* ---- a classic BPF interpreter for seccomp programs ---- */

static struct sock_filter *prog;
static size_t prog_len;

static void load_filter(void)
{
	char *dir = harness_tmpdir();
	char *path;
	void *buf;
	size_t len;
	int fd;

	ck_assert_ptr_nonnull(dir);
	path = harness_path(dir, "filter.bpf");
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sandbox_export_bpf(fd), 0);
	close(fd);
	ck_assert_int_eq(harness_read_file(path, &buf, &len), 0);
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_eq(len % sizeof(struct sock_filter), 0);
	prog = buf;
	prog_len = len / sizeof(struct sock_filter);
	free(path);
	harness_rmtree(dir);
	free(dir);
}

static void unload_filter(void)
{
	free(prog);
	prog = NULL;
}

static uint32_t data_word(const struct seccomp_data *d, uint32_t off)
{
	uint32_t w;

	ck_assert_msg(off % 4 == 0 && off + 4 <= sizeof(*d), "load at %u", off);
	memcpy(&w, (const uint8_t *)d + off, 4);
	return w;
}

/* Runs the program; returns the SECCOMP_RET_* value. */
static uint32_t run_filter(const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	size_t pc = 0;

	for (unsigned int steps = 0; steps < 100000; steps++) {
		const struct sock_filter *f;
		uint32_t k, src;

		ck_assert_msg(pc < prog_len, "ran off the end at %zu", pc);
		f = &prog[pc++];
		k = f->k;
		src = BPF_SRC(f->code) == BPF_X ? x : k;
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (f->code == (BPF_LD | BPF_W | BPF_ABS))
				a = data_word(d, k);
			else if (f->code == (BPF_LD | BPF_MEM))
				a = mem[k % BPF_MEMWORDS];
			else if (f->code == (BPF_LD | BPF_IMM))
				a = k;
			else
				ck_abort_msg("unknown LD 0x%x", f->code);
			break;
		case BPF_LDX:
			if (f->code == (BPF_LDX | BPF_MEM))
				x = mem[k % BPF_MEMWORDS];
			else if (f->code == (BPF_LDX | BPF_IMM))
				x = k;
			else
				ck_abort_msg("unknown LDX 0x%x", f->code);
			break;
		case BPF_ST:
			mem[k % BPF_MEMWORDS] = a;
			break;
		case BPF_STX:
			mem[k % BPF_MEMWORDS] = x;
			break;
		case BPF_ALU:
			switch (BPF_OP(f->code)) {
			case BPF_ADD: a += src; break;
			case BPF_SUB: a -= src; break;
			case BPF_AND: a &= src; break;
			case BPF_OR: a |= src; break;
			case BPF_XOR: a ^= src; break;
			case BPF_LSH: a <<= src & 31; break;
			case BPF_RSH: a >>= src & 31; break;
			case BPF_NEG: a = 0 - a; break;
			default: ck_abort_msg("unknown ALU 0x%x", f->code);
			}
			break;
		case BPF_JMP: {
			bool t;

			if (BPF_OP(f->code) == BPF_JA) {
				pc += k;
				break;
			}
			switch (BPF_OP(f->code)) {
			case BPF_JEQ: t = a == src; break;
			case BPF_JGT: t = a > src; break;
			case BPF_JGE: t = a >= src; break;
			case BPF_JSET: t = (a & src) != 0; break;
			default: ck_abort_msg("unknown JMP 0x%x", f->code); t = false;
			}
			pc += t ? f->jt : f->jf;
			break;
		}
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? a : k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			ck_abort_msg("unknown class 0x%x", f->code);
		}
	}
	ck_abort_msg("filter did not return");
	return 0;
}

static uint32_t check_call(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.nr = (int)nr;
	d.arch = AUDIT_ARCH_AARCH64;
	d.instruction_pointer = 0x400000;
	d.args[0] = a0;
	d.args[1] = a1;
	d.args[2] = a2;
	d.args[3] = a3;
	return run_filter(&d);
}

#define ALLOW		SECCOMP_RET_ALLOW
#define TRAP		SECCOMP_RET_TRAP
#define ENOSYS_RET	(SECCOMP_RET_ERRNO | ENOSYS)

static const struct {
	const char *what;
	long nr;
	uint64_t a0, a1, a2, a3;
	uint32_t want;
} calls[] = {
	/* What the run phase does */
	{ "KVM_RUN", __NR_ioctl, 5, KVM_RUN, 0, 0, ALLOW },
	{ "KVM_CREATE_VM (restart)", __NR_ioctl, 3, KVM_CREATE_VM, 0, 0, ALLOW },
	{ "KVM_CREATE_VCPU (restart)", __NR_ioctl, 4, KVM_CREATE_VCPU, 1, 0, ALLOW },
	{ "KVM_CREATE_DEVICE (restart)", __NR_ioctl, 4, KVM_CREATE_DEVICE, 0, 0, ALLOW },
	{ "KVM_SET_USER_MEMORY_REGION", __NR_ioctl, 4, KVM_SET_USER_MEMORY_REGION, 0, 0, ALLOW },
	{ "KVM_ARM_VCPU_INIT", __NR_ioctl, 5, KVM_ARM_VCPU_INIT, 0, 0, ALLOW },
	{ "KVM_SET_ONE_REG", __NR_ioctl, 5, KVM_SET_ONE_REG, 0, 0, ALLOW },
	{ "KVM_IRQ_LINE", __NR_ioctl, 4, KVM_IRQ_LINE, 0, 0, ALLOW },
	{ "KVM_GET_DEVICE_ATTR (vGIC reset)", __NR_ioctl, 6, KVM_GET_DEVICE_ATTR, 0, 0, ALLOW },
	{ "KVM_REGISTER_COALESCED_MMIO (console)", __NR_ioctl, 3,
	  KVM_REGISTER_COALESCED_MMIO, 0, 0, ALLOW },
	{ "KVM_UNREGISTER_COALESCED_MMIO", __NR_ioctl, 3, KVM_UNREGISTER_COALESCED_MMIO, 0, 0, ALLOW },
	{ "TCSETS (console restore)", __NR_ioctl, 0, TCSETS, 0, 0, ALLOW },
	{ "mmap of kvm_run", __NR_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ALLOW },
	{ "mprotect of a thread stack", __NR_mprotect, 0, 4096, PROT_READ | PROT_WRITE, 0, ALLOW },
	{ "pthread_create's clone", __NR_clone,
	  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
	  CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID, 0, 0, 0, ALLOW },
	{ "clone3 (glibc falls back to clone)", __NR_clone3, 0, 0, 0, 0, ENOSYS_RET },
	{ "rt_sigaction(SIGUSR1)", __NR_rt_sigaction, SIGUSR1, 0, 0, 0, ALLOW },
	{ "fcntl(F_SETFD)", __NR_fcntl, 3, F_SETFD, FD_CLOEXEC, 0, ALLOW },
	{ "fstat via newfstatat", __NR_newfstatat, 1, 0, 0, AT_EMPTY_PATH, ALLOW },
	{ "write", __NR_write, 2, 0, 10, 0, ALLOW },
	{ "ppoll", __NR_ppoll, 0, 3, 0, 0, ALLOW },
	{ "futex", __NR_futex, 0, 0, 0, 0, ALLOW },
	{ "exit_group", __NR_exit_group, 159, 0, 0, 0, ALLOW },
	/* What it never does */
	{ "KVM_GET_API_VERSION", __NR_ioctl, 3, KVM_GET_API_VERSION, 0, 0, TRAP },
	{ "TIOCSTI", __NR_ioctl, 0, TIOCSTI, 0, 0, TRAP },
	{ "FIONBIO", __NR_ioctl, 0, FIONBIO, 0, 0, TRAP },
	{ "execve", __NR_execve, 0, 0, 0, 0, TRAP },
	{ "execveat", __NR_execveat, 0, 0, 0, 0, TRAP },
	{ "openat", __NR_openat, AT_FDCWD, 0, O_RDONLY, 0, TRAP },
	{ "socket", __NR_socket, 2, 1, 0, 0, TRAP },
	{ "ptrace", __NR_ptrace, 0, 0, 0, 0, TRAP },
	{ "fork-like clone", __NR_clone, SIGCHLD, 0, 0, 0, TRAP },
	{ "mmap PROT_EXEC", __NR_mmap, 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, TRAP },
	{ "mprotect PROT_EXEC", __NR_mprotect, 0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, 0, TRAP },
	{ "rt_sigaction(SIGSYS)", __NR_rt_sigaction, SIGSYS, 0, 0, 0, TRAP },
	{ "tgkill of another process", __NR_tgkill, 1, 1, SIGKILL, 0, TRAP },
	{ "kill", __NR_kill, 1, SIGKILL, 0, 0, TRAP },
	{ "fcntl(F_SETOWN)", __NR_fcntl, 3, F_SETOWN, 1, 0, TRAP },
	{ "newfstatat of a path", __NR_newfstatat, AT_FDCWD, 0, 0, 0, TRAP },
	{ "setuid", __NR_setuid, 0, 0, 0, 0, TRAP },
	{ "prctl", __NR_prctl, PR_SET_SECCOMP, 0, 0, 0, TRAP },
	{ "seccomp", __NR_seccomp, 0, 0, 0, 0, TRAP },
	{ "mount", __NR_mount, 0, 0, 0, 0, TRAP },
	{ "unshare", __NR_unshare, 0, 0, 0, 0, TRAP },
	{ "bpf", __NR_bpf, 0, 0, 0, 0, TRAP },
	{ "process_vm_writev", __NR_process_vm_writev, 1, 0, 0, 0, TRAP },
	{ "KVM_RUN with high bits in the request", __NR_ioctl, 5, (1ULL << 32) | KVM_RUN, 0, 0, TRAP },
	{ "a number no kernel has", 4000, 0, 0, 0, 0, TRAP },
	/* The kernel reads a signal number as an int: high bits do not hide SIGSYS. */
	{ "rt_sigaction(SIGSYS) with high bits", __NR_rt_sigaction, (1ULL << 32) | SIGSYS, 0, 0, 0,
	  TRAP },
};

START_TEST(test_allowlist)
{
	uint32_t got;

	load_filter();
	got = check_call(calls[_i].nr, calls[_i].a0, calls[_i].a1, calls[_i].a2, calls[_i].a3);
	ck_assert_msg(got == calls[_i].want, "%s: action 0x%08x, want 0x%08x", calls[_i].what,
		      got, calls[_i].want);
	unload_filter();
}
END_TEST

START_TEST(test_own_tgkill)
{
	/* pthread_kill() of a vCPU thread: tgid is our own pid. */
	load_filter();
	ck_assert_uint_eq(check_call(__NR_tgkill, (uint64_t)getpid(), 1234, SIGUSR1, 0), ALLOW);
	ck_assert_uint_eq(check_call(__NR_tgkill, (1ULL << 32) | (uint64_t)getpid(), 1234, SIGUSR1, 0),
			  TRAP);
	unload_filter();
}
END_TEST

/*
 * Every number, no arguments: the decision tree ends in an action for each,
 * and exactly these are allowed (argument-free rules, plus mmap, mprotect
 * and rt_sigaction, whose zero arguments pass their checks). A change of
 * the allowlist changes this list, on purpose.
 */
START_TEST(test_every_number)
{
	static const long allowed[] = {
		__NR_read, __NR_write, __NR_futex, __NR_ppoll, __NR_close, __NR_fsync,
		__NR_set_robust_list, __NR_rseq, __NR_munmap, __NR_madvise, __NR_brk,
		__NR_mremap, __NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_restart_syscall,
		__NR_signalfd4, __NR_eventfd2, __NR_timerfd_create, __NR_timerfd_settime,
		__NR_clock_gettime, __NR_gettimeofday, __NR_getpid, __NR_gettid,
		__NR_sched_yield, __NR_getrandom, __NR_fstat, __NR_exit, __NR_exit_group,
		__NR_mmap, __NR_mprotect, __NR_rt_sigaction,
	};
	unsigned int n_allowed = 0;

	load_filter();
	for (long nr = 0; nr < 1024; nr++) {
		uint32_t got = check_call(nr, 0, 0, 0, 0);
		bool want = false;

		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			want |= allowed[i] == nr;
		if (nr == __NR_clone3)
			ck_assert_uint_eq(got, ENOSYS_RET);
		else
			ck_assert_msg(got == (want ? ALLOW : TRAP), "nr %ld: action 0x%08x", nr, got);
		n_allowed += got == ALLOW;
	}
	ck_assert_uint_eq(n_allowed, sizeof(allowed) / sizeof(allowed[0]));
	unload_filter();
}
END_TEST

START_TEST(test_other_arch_killed)
{
	struct seccomp_data d;
	uint32_t got;

	load_filter();
	memset(&d, 0, sizeof(d));
	d.nr = __NR_write;
	d.arch = AUDIT_ARCH_ARM;	/* an AArch32 syscall table: numbers mean other calls */
	got = run_filter(&d);
	ck_assert_msg((got & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_KILL_THREAD ||
		      (got & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_KILL_PROCESS,
		      "action 0x%08x", got);
	unload_filter();
}
END_TEST

/* ---- the report ---- */

START_TEST(test_syscall_names)
{
	ck_assert_str_eq(sandbox_syscall_name(__NR_openat), "openat");
	ck_assert_str_eq(sandbox_syscall_name(__NR_execve), "execve");
	ck_assert_str_eq(sandbox_syscall_name(__NR_newfstatat), "newfstatat");
	ck_assert_str_eq(sandbox_syscall_name(__NR_mmap), "mmap");	/* an __NR3264_ alias */
	ck_assert_str_eq(sandbox_syscall_name(0), "io_setup");
	ck_assert_ptr_null(sandbox_syscall_name(4000));
	ck_assert_ptr_null(sandbox_syscall_name(-1));
}
END_TEST

START_TEST(test_report_format)
{
	char buf[512];
	size_t n;

	n = sandbox_format_report(buf, sizeof(buf), "openat", 56, 4242);
	ck_assert_str_eq(buf, "pinvm: error: seccomp: blocked system call openat (56) in thread 4242; "
			 "this is a pinvm bug: please report it (--no-seccomp runs without the "
			 "filter); exit status 159\n");
	ck_assert_uint_eq(n, strlen(buf));

	sandbox_format_report(buf, sizeof(buf), NULL, 999, 1);
	ck_assert_ptr_nonnull(strstr(buf, "blocked system call (unknown) (999) in thread 1;"));
	sandbox_format_report(buf, sizeof(buf), "", 0, 0);
	ck_assert_ptr_nonnull(strstr(buf, "(unknown) (0) in thread 0;"));

	sandbox_format_report(buf, sizeof(buf), NULL, -1, 77);
	ck_assert_str_eq(buf, "pinvm: error: SIGSYS that is not a seccomp trap (sent from outside?); "
			 "exit status 159\n");
}
END_TEST

START_TEST(test_report_truncated)
{
	char buf[64];
	size_t n;

	memset(buf, 'x', sizeof(buf));
	n = sandbox_format_report(buf, 16, "openat", 56, 1);
	ck_assert_uint_eq(n, 15);
	ck_assert_int_eq(buf[14], '\n');
	ck_assert_int_eq(buf[15], '\0');
	ck_assert_int_eq(buf[16], 'x');

	n = sandbox_format_report(buf, 2, "openat", 56, 1);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(buf, "\n");
	n = sandbox_format_report(buf, 1, "openat", 56, 1);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(sandbox_format_report(buf, 0, "openat", 56, 1), 0);
	ck_assert_int_eq(buf[0], '\0');
}
END_TEST

static int hook_fd = -1;

static void test_hook(void)
{
	(void)!write(hook_fd, "hook\n", 5);
}

START_TEST(test_handler_exits_159)
{
	int out[2];
	char buf[1024];
	ssize_t n, total = 0;
	pid_t pid;
	int status;

	ck_assert_int_eq(pipe(out), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(out[1], STDERR_FILENO);
		hook_fd = out[1];
		if (sandbox_install_handler(test_hook))
			_exit(2);
		/* A SIGSYS that seccomp did not send: still reported and fatal. */
		raise(SIGSYS);
		_exit(3);
	}
	close(out[1]);
	while ((n = read(out[0], buf + total, sizeof(buf) - 1 - (size_t)total)) > 0)
		total += n;
	buf[total] = '\0';
	close(out[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "status 0x%x", status);
	ck_assert_int_eq(WEXITSTATUS(status), SANDBOX_EXIT_STATUS);
	ck_assert_str_eq(buf, "hook\npinvm: error: SIGSYS that is not a seccomp trap (sent from outside?); "
			 "exit status 159\n");
}
END_TEST

static Suite *sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc;

	tc = tcase_create("allowlist");
	tcase_add_loop_test(tc, test_allowlist, 0, (int)(sizeof(calls) / sizeof(calls[0])));
	tcase_add_test(tc, test_own_tgkill);
	tcase_add_test(tc, test_every_number);
	tcase_add_test(tc, test_other_arch_killed);
	suite_add_tcase(s, tc);

	tc = tcase_create("report");
	tcase_add_test(tc, test_syscall_names);
	tcase_add_test(tc, test_report_format);
	tcase_add_test(tc, test_report_truncated);
	tcase_add_test(tc, test_handler_exits_159);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(sandbox_suite());
}
