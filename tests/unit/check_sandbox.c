// SPDX-License-Identifier: GPL-2.0-only
/*
 * The seccomp allowlists, without loading them (qemu-user cannot): the
 * process filter and the vCPU thread's filter are exported as classic BPF
 * and run here by a small interpreter against system calls pinvm makes and
 * must make (KVM_RUN, an in-place restart's KVM_ARM_VCPU_INIT, a vCPU
 * thread's clone and its own filter, ...) and ones it must never make
 * (execve, openat, fork, KVM_CREATE_VM, PROT_EXEC, a new SIGSYS handler,
 * ...). For every system call number, a walk of every path through each
 * program (arguments unknown) gives the numbers it can ever allow: they
 * must be exactly the expected ones, and so must the ioctl requests. Then
 * the SIGSYS report: its formatting, and the handler itself (hook first,
 * one line on stderr, exit status 159).
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

static void load_filter(enum sandbox_class cls)
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
	ck_assert_int_eq(sandbox_export_bpf(fd, cls), 0);
	close(fd);
	ck_assert_int_eq(harness_read_file(path, &buf, &len), 0);
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_eq(len % sizeof(struct sock_filter), 0);
	/* The kernel's limit for one program (BPF_MAXINSNS). */
	ck_assert_uint_le(len / sizeof(struct sock_filter), 4096);
	free(prog);
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

/*
 * Can the program answer @want for system call @nr, whatever the arguments?
 * Every path is followed: a test on a value loaded from the arguments (or
 * the instruction pointer) takes both branches; the number and the
 * architecture (AArch64) are known. The programs jump forward only, so
 * this ends. Only what sandbox.c writes is understood.
 */
static bool can_return_from(size_t pc, long nr, bool known, uint32_t a, uint32_t want)
{
	for (;;) {
		const struct sock_filter *f;

		ck_assert_msg(pc < prog_len, "ran off the end at %zu", pc);
		f = &prog[pc++];
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			known = f->k == offsetof(struct seccomp_data, nr) ||
				f->k == offsetof(struct seccomp_data, arch);
			a = f->k == offsetof(struct seccomp_data, nr) ? (uint32_t)nr :
									   AUDIT_ARCH_AARCH64;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K: {
			bool t;

			if (!known)
				return can_return_from(pc + f->jt, nr, known, a, want) ||
				       can_return_from(pc + f->jf, nr, known, a, want);
			t = BPF_OP(f->code) == BPF_JEQ ? a == f->k :
			    BPF_OP(f->code) == BPF_JGE ? a >= f->k : (a & f->k) != 0;
			pc += t ? f->jt : f->jf;
			break;
		}
		case BPF_RET | BPF_K:
			return f->k == want;
		default:
			ck_abort_msg("instruction 0x%x at %zu: not one sandbox.c writes", f->code, pc - 1);
		}
	}
}

static bool can_allow(long nr)
{
	return can_return_from(0, nr, false, 0, SECCOMP_RET_ALLOW);
}

#define ALLOW		SECCOMP_RET_ALLOW
#define TRAP		SECCOMP_RET_TRAP
#define ENOSYS_RET	(SECCOMP_RET_ERRNO | ENOSYS)

/* What the kernel does with two answers: the stricter wins (seccomp(2)). */
static uint32_t stricter(uint32_t x, uint32_t y)
{
	static const uint32_t order[] = {
		SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP,
		SECCOMP_RET_ERRNO, SECCOMP_RET_USER_NOTIF, SECCOMP_RET_TRACE,
		SECCOMP_RET_LOG, SECCOMP_RET_ALLOW,
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if ((x & SECCOMP_RET_ACTION_FULL) == order[i])
			return x;
		if ((y & SECCOMP_RET_ACTION_FULL) == order[i])
			return y;
	}
	ck_abort_msg("unknown actions 0x%08x 0x%08x", x, y);
	return 0;
}

struct call {
	const char *what;
	long nr;
	uint64_t a0, a1, a2, a3;
	uint32_t want;
};

#define PTHREAD_CLONE_FLAGS									\
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |	\
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

/* The process filter: every thread, the main thread's event loop and restarts. */
static const struct call process_calls[] = {
	/* What the run phase does */
	{ "KVM_RUN", __NR_ioctl, 5, KVM_RUN, 0, 0, ALLOW },
	{ "KVM_ARM_VCPU_INIT (restart)", __NR_ioctl, 5, KVM_ARM_VCPU_INIT, 0, 0, ALLOW },
	{ "KVM_SET_DEVICE_ATTR (vGIC reset)", __NR_ioctl, 6, KVM_SET_DEVICE_ATTR, 0, 0, ALLOW },
	{ "KVM_GET_DEVICE_ATTR (vGIC reset)", __NR_ioctl, 6, KVM_GET_DEVICE_ATTR, 0, 0, ALLOW },
	{ "KVM_SET_ONE_REG", __NR_ioctl, 5, KVM_SET_ONE_REG, 0, 0, ALLOW },
	{ "KVM_IRQ_LINE", __NR_ioctl, 4, KVM_IRQ_LINE, 0, 0, ALLOW },
	{ "KVM_REGISTER_COALESCED_MMIO (console)", __NR_ioctl, 3,
	  KVM_REGISTER_COALESCED_MMIO, 0, 0, ALLOW },
	{ "KVM_UNREGISTER_COALESCED_MMIO", __NR_ioctl, 3, KVM_UNREGISTER_COALESCED_MMIO, 0, 0, ALLOW },
	{ "TCSETS (console restore)", __NR_ioctl, 0, TCSETS, 0, 0, ALLOW },
	{ "mmap of a thread stack", __NR_mmap, 0, 8 << 20, PROT_READ | PROT_WRITE,
	  MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, ALLOW },
	{ "mprotect of a thread stack", __NR_mprotect, 0, 4096, PROT_READ | PROT_WRITE, 0, ALLOW },
	{ "pthread_create's clone", __NR_clone, PTHREAD_CLONE_FLAGS, 0, 0, 0, ALLOW },
	{ "clone3 (glibc falls back to clone)", __NR_clone3, 0, 0, 0, 0, ENOSYS_RET },
	{ "rt_sigaction(SIGUSR1)", __NR_rt_sigaction, SIGUSR1, 0, 0, 0, ALLOW },
	{ "fstat via newfstatat", __NR_newfstatat, 1, 0, 0, AT_EMPTY_PATH, ALLOW },
	{ "a vCPU thread's own filter", __NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, 0x1000, 0, ALLOW },
	{ "write", __NR_write, 2, 0, 10, 0, ALLOW },
	{ "ppoll", __NR_ppoll, 0, 3, 0, 0, ALLOW },
	{ "futex", __NR_futex, 0, 0, 0, 0, ALLOW },
	{ "madvise (RAM zeroed on restart)", __NR_madvise, 0, 1 << 20, MADV_DONTNEED, 0, ALLOW },
	{ "exit_group", __NR_exit_group, 159, 0, 0, 0, ALLOW },
	/* The control socket and its snapshots */
	{ "KVM_GET_REG_LIST (snapshot)", __NR_ioctl, 5, KVM_GET_REG_LIST, 0, 0, ALLOW },
	{ "accept4 (a control client)", __NR_accept4, 7, 0, 0, 0, ALLOW },
	{ "fdatasync (a snapshot)", __NR_fdatasync, 9, 0, 0, 0, ALLOW },
	/* What it no longer does: a restart keeps the VM */
	{ "KVM_CREATE_VM", __NR_ioctl, 3, KVM_CREATE_VM, 0, 0, TRAP },
	{ "KVM_CREATE_VCPU", __NR_ioctl, 4, KVM_CREATE_VCPU, 1, 0, TRAP },
	{ "KVM_CREATE_DEVICE", __NR_ioctl, 4, KVM_CREATE_DEVICE, 0, 0, TRAP },
	{ "KVM_SET_USER_MEMORY_REGION", __NR_ioctl, 4, KVM_SET_USER_MEMORY_REGION, 0, 0, TRAP },
	{ "KVM_CHECK_EXTENSION", __NR_ioctl, 4, KVM_CHECK_EXTENSION, 0, 0, TRAP },
	{ "KVM_ENABLE_CAP", __NR_ioctl, 4, KVM_ENABLE_CAP, 0, 0, TRAP },
	{ "KVM_ARM_PREFERRED_TARGET", __NR_ioctl, 4, KVM_ARM_PREFERRED_TARGET, 0, 0, TRAP },
	{ "mmap of kvm_run", __NR_mmap, 0, 0x3000, PROT_READ | PROT_WRITE, MAP_SHARED, TRAP },
	{ "fcntl(F_SETFD)", __NR_fcntl, 3, F_SETFD, FD_CLOEXEC, 0, TRAP },
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
	{ "mmap PROT_EXEC", __NR_mmap, 0, 4096, PROT_READ | PROT_EXEC,
	  MAP_PRIVATE | MAP_ANONYMOUS, TRAP },
	{ "mmap of a file", __NR_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, TRAP },
	{ "mprotect PROT_EXEC", __NR_mprotect, 0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, 0, TRAP },
	{ "rt_sigaction(SIGSYS)", __NR_rt_sigaction, SIGSYS, 0, 0, 0, TRAP },
	{ "tgkill of another process", __NR_tgkill, 1, 1, SIGKILL, 0, TRAP },
	{ "kill", __NR_kill, 1, SIGKILL, 0, 0, TRAP },
	{ "fcntl(F_SETOWN)", __NR_fcntl, 3, F_SETOWN, 1, 0, TRAP },
	{ "newfstatat of a path", __NR_newfstatat, AT_FDCWD, 0, 0, 0, TRAP },
	{ "setuid", __NR_setuid, 0, 0, 0, 0, TRAP },
	{ "prctl", __NR_prctl, PR_SET_SECCOMP, 0, 0, 0, TRAP },
	{ "seccomp TSYNC", __NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, 0x1000, 0,
	  TRAP },
	{ "seccomp SPEC_ALLOW", __NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW,
	  0x1000, 0, TRAP },
	{ "seccomp NEW_LISTENER", __NR_seccomp, SECCOMP_SET_MODE_FILTER,
	  SECCOMP_FILTER_FLAG_NEW_LISTENER, 0x1000, 0, TRAP },
	{ "seccomp flags in the high word", __NR_seccomp, SECCOMP_SET_MODE_FILTER, 1ULL << 32, 0x1000,
	  0, TRAP },
	{ "seccomp strict mode", __NR_seccomp, SECCOMP_SET_MODE_STRICT, 0, 0, 0, TRAP },
	{ "seccomp GET_NOTIF_SIZES", __NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, 0x1000, 0, TRAP },
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

/*
 * The vCPU thread's own filter (src/vcpu.c and what it calls). A vCPU thread
 * runs both filters: what it must do, the process filter allows too.
 */
static const struct call vcpu_calls[] = {
	/* What a vCPU thread does */
	{ "KVM_RUN", __NR_ioctl, 5, KVM_RUN, 0, 0, ALLOW },
	{ "KVM_GET_ONE_REG (PC for a report, x1/x2)", __NR_ioctl, 5, KVM_GET_ONE_REG, 0, 0, ALLOW },
	{ "KVM_SET_ONE_REG (PSCI result)", __NR_ioctl, 5, KVM_SET_ONE_REG, 0, 0, ALLOW },
	{ "KVM_GET_MP_STATE (SYSTEM_SUSPEND)", __NR_ioctl, 6, KVM_GET_MP_STATE, 0, 0, ALLOW },
	{ "KVM_SET_MP_STATE (SYSTEM_SUSPEND)", __NR_ioctl, 5, KVM_SET_MP_STATE, 0, 0, ALLOW },
	{ "KVM_ARM_VCPU_INIT (wake-up)", __NR_ioctl, 5, KVM_ARM_VCPU_INIT, 0, 0, ALLOW },
	{ "KVM_IRQ_LINE (UART)", __NR_ioctl, 4, KVM_IRQ_LINE, 0, 0, ALLOW },
	{ "KVM_REGISTER_COALESCED_MMIO", __NR_ioctl, 4, KVM_REGISTER_COALESCED_MMIO, 0, 0, ALLOW },
	{ "KVM_UNREGISTER_COALESCED_MMIO", __NR_ioctl, 4, KVM_UNREGISTER_COALESCED_MMIO, 0, 0, ALLOW },
	{ "write (console, eventfd, event log)", __NR_write, 1, 0, 80, 0, ALLOW },
	{ "futex", __NR_futex, 0, 0, 0, 0, ALLOW },
	{ "clock_gettime", __NR_clock_gettime, 1, 0, 0, 0, ALLOW },
	{ "the kick handler returns", __NR_rt_sigreturn, 0, 0, 0, 0, ALLOW },
	{ "pthread_kill: signals blocked", __NR_rt_sigprocmask, 0, 0, 0, 8, ALLOW },
	{ "pthread_kill: getpid", __NR_getpid, 0, 0, 0, 0, ALLOW },
	{ "a futex wait restarted after SIGSTOP", __NR_restart_syscall, 0, 0, 0, 0, ALLOW },
	{ "thread end: its stack given back", __NR_madvise, 0, 1 << 20, MADV_DONTNEED, 0, ALLOW },
	{ "thread end", __NR_exit, 0, 0, 0, 0, ALLOW },
	{ "SIGSYS report: terminal restored", __NR_ioctl, 0, TCSETS, 0, 0, ALLOW },
	{ "SIGSYS report: gettid", __NR_gettid, 0, 0, 0, 0, ALLOW },
	{ "SIGSYS report: exit status 159", __NR_exit_group, 159, 0, 0, 0, ALLOW },
	/* What only the main thread does */
	{ "KVM_SET_DEVICE_ATTR (vGIC reset)", __NR_ioctl, 6, KVM_SET_DEVICE_ATTR, 0, 0, TRAP },
	{ "KVM_GET_DEVICE_ATTR", __NR_ioctl, 6, KVM_GET_DEVICE_ATTR, 0, 0, TRAP },
	{ "TCGETS (isatty)", __NR_ioctl, 0, TCGETS, 0, 0, TRAP },
	{ "read", __NR_read, 0, 0, 1, 0, TRAP },
	{ "ppoll", __NR_ppoll, 0, 3, 0, 0, TRAP },
	{ "close", __NR_close, 3, 0, 0, 0, TRAP },
	{ "fsync", __NR_fsync, 3, 0, 0, 0, TRAP },
	{ "accept4 (the control socket is the event loop's)", __NR_accept4, 7, 0, 0, 0, TRAP },
	{ "KVM_GET_REG_LIST (snapshots are the event loop's)", __NR_ioctl, 5, KVM_GET_REG_LIST, 0, 0,
	  TRAP },
	{ "pthread_create's clone", __NR_clone, PTHREAD_CLONE_FLAGS, 0, 0, 0, TRAP },
	{ "clone3", __NR_clone3, 0, 0, 0, 0, TRAP },
	{ "mmap (no allocation on a vCPU thread)", __NR_mmap, 0, 8 << 20, PROT_READ | PROT_WRITE,
	  MAP_PRIVATE | MAP_ANONYMOUS, TRAP },
	{ "mprotect", __NR_mprotect, 0, 4096, PROT_READ | PROT_WRITE, 0, TRAP },
	{ "munmap", __NR_munmap, 0, 4096, 0, 0, TRAP },
	{ "brk", __NR_brk, 0, 0, 0, 0, TRAP },
	{ "madvise other than DONTNEED", __NR_madvise, 0, 1 << 20, MADV_NOHUGEPAGE, 0, TRAP },
	{ "madvise DONTNEED, high bits", __NR_madvise, 0, 1 << 20, (1ULL << 32) | MADV_DONTNEED, 0,
	  TRAP },
	{ "rt_sigaction(SIGUSR1)", __NR_rt_sigaction, SIGUSR1, 0, 0, 0, TRAP },
	{ "signalfd4", __NR_signalfd4, 0, 0, 0, 0, TRAP },
	{ "timerfd_settime", __NR_timerfd_settime, 0, 0, 0, 0, TRAP },
	{ "a second filter of its own", __NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, 0x1000, 0, TRAP },
	{ "getrandom", __NR_getrandom, 0, 16, 0, 0, TRAP },
	/* What no thread does */
	{ "KVM_CREATE_VM", __NR_ioctl, 3, KVM_CREATE_VM, 0, 0, TRAP },
	{ "KVM_CREATE_VCPU", __NR_ioctl, 4, KVM_CREATE_VCPU, 1, 0, TRAP },
	{ "TIOCSTI", __NR_ioctl, 0, TIOCSTI, 0, 0, TRAP },
	{ "KVM_RUN with high bits in the request", __NR_ioctl, 5, (1ULL << 32) | KVM_RUN, 0, 0, TRAP },
	{ "execve", __NR_execve, 0, 0, 0, 0, TRAP },
	{ "openat", __NR_openat, AT_FDCWD, 0, O_RDONLY, 0, TRAP },
	{ "tgkill of another process", __NR_tgkill, 1, 1, SIGKILL, 0, TRAP },
	{ "a number no kernel has", 4000, 0, 0, 0, 0, TRAP },
};

#define NR_CALLS(t)	((int)(sizeof(t) / sizeof((t)[0])))

static void check_one(const struct call *c)
{
	uint32_t got = check_call(c->nr, c->a0, c->a1, c->a2, c->a3);

	ck_assert_msg(got == c->want, "%s: action 0x%08x, want 0x%08x", c->what, got, c->want);
}

START_TEST(test_process_calls)
{
	load_filter(SANDBOX_PROCESS);
	check_one(&process_calls[_i]);
	unload_filter();
}
END_TEST

START_TEST(test_vcpu_calls)
{
	const struct call *c = &vcpu_calls[_i];
	uint32_t own, process;

	load_filter(SANDBOX_VCPU);
	check_one(c);
	own = check_call(c->nr, c->a0, c->a1, c->a2, c->a3);
	/* Stacked on the process filter: what it needs passes both. */
	load_filter(SANDBOX_PROCESS);
	process = check_call(c->nr, c->a0, c->a1, c->a2, c->a3);
	if (c->want == ALLOW)
		ck_assert_msg(process == ALLOW, "%s: the process filter answers 0x%08x", c->what,
			      process);
	ck_assert_uint_eq(stricter(own, process), c->want);
	unload_filter();
}
END_TEST

START_TEST(test_own_tgkill)
{
	/*
	 * pthread_kill() of a vCPU thread, and every class's crash report
	 * (src/crash.c sends its signal again): tgid is our own pid.
	 */
	for (enum sandbox_class cls = SANDBOX_PROCESS; cls < SANDBOX_NR_CLASSES; cls++) {
		load_filter(cls);
		ck_assert_uint_eq(check_call(__NR_tgkill, (uint64_t)getpid(), 1234, SIGUSR1, 0), ALLOW);
		ck_assert_uint_eq(check_call(__NR_tgkill, (1ULL << 32) | (uint64_t)getpid(), 1234,
					     SIGUSR1, 0), TRAP);
		ck_assert_uint_eq(check_call(__NR_tgkill, (uint64_t)getpid() + 1, 1234, SIGUSR1, 0),
				  TRAP);
	}
	unload_filter();
}
END_TEST

/*
 * Every number: the numbers a program can allow, with some arguments, are
 * exactly these. A change of an allowlist changes its list here, on purpose.
 */
static const long process_allowed[] = {
	__NR_read, __NR_pread64, __NR_write, __NR_futex, __NR_ppoll, __NR_close, __NR_fsync,
	__NR_fdatasync, __NR_preadv, __NR_pwritev, __NR_accept4, __NR_recvmsg, __NR_sendto,
	__NR_set_robust_list, __NR_rseq, __NR_munmap, __NR_madvise, __NR_brk,
	__NR_mremap, __NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_restart_syscall,
	__NR_signalfd4, __NR_eventfd2, __NR_timerfd_create, __NR_timerfd_settime,
	__NR_clock_gettime, __NR_gettimeofday, __NR_getpid, __NR_gettid,
	__NR_sched_yield, __NR_getrandom, __NR_fstat, __NR_exit, __NR_exit_group,
	__NR_sigaltstack,
	/* with arguments checked */
	__NR_ioctl, __NR_mmap, __NR_mprotect, __NR_clone, __NR_rt_sigaction, __NR_tgkill,
	__NR_newfstatat, __NR_seccomp,
};

static const long vcpu_allowed[] = {
	__NR_write, __NR_futex, __NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_restart_syscall,
	__NR_clock_gettime, __NR_getpid, __NR_gettid, __NR_exit, __NR_exit_group,
	__NR_sigaltstack,
	/* with arguments checked */
	__NR_ioctl, __NR_tgkill, __NR_madvise,
};

static const long conout_allowed[] = {
	__NR_write, __NR_futex, __NR_ppoll, __NR_rt_sigprocmask, __NR_rt_sigreturn,
	__NR_restart_syscall, __NR_clock_gettime, __NR_getpid, __NR_gettid, __NR_exit,
	__NR_exit_group, __NR_sigaltstack,
	/* with arguments checked */
	__NR_ioctl, __NR_madvise, __NR_tgkill,
};

static const long disk_allowed[] = {
	__NR_read, __NR_write, __NR_futex, __NR_ppoll, __NR_preadv, __NR_pwritev,
	__NR_fdatasync, __NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_restart_syscall,
	__NR_clock_gettime, __NR_getpid, __NR_gettid, __NR_exit, __NR_exit_group,
	__NR_sigaltstack,
	/* with arguments checked */
	__NR_ioctl, __NR_madvise, __NR_tgkill,
};

static bool listed(const long *list, size_t n, long nr)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == nr)
			return true;
	return false;
}

static void check_every_number(enum sandbox_class cls, const long *allowed, size_t n_allowed)
{
	unsigned int n = 0;

	load_filter(cls);
	for (long nr = 0; nr < 1024; nr++) {
		bool want = listed(allowed, n_allowed, nr), got = can_allow(nr);

		ck_assert_msg(got == want, "class %d, nr %ld (%s): %s", cls, nr,
			      sandbox_syscall_name(nr) ? sandbox_syscall_name(nr) : "?",
			      got ? "can be allowed" : "never allowed");
		/* Whatever is not allowed traps (clone3 of the process filter: ENOSYS). */
		if (cls == SANDBOX_PROCESS && nr == __NR_clone3)
			ck_assert(can_return_from(0, nr, false, 0, ENOSYS_RET) &&
				  !can_return_from(0, nr, false, 0, TRAP));
		else if (!want)
			ck_assert_uint_eq(check_call(nr, 0, 0, 0, 0), TRAP);
		n += got;
	}
	ck_assert_uint_eq(n, n_allowed);
	unload_filter();
}

START_TEST(test_process_every_number)
{
	check_every_number(SANDBOX_PROCESS, process_allowed,
			   sizeof(process_allowed) / sizeof(process_allowed[0]));
}
END_TEST

START_TEST(test_vcpu_every_number)
{
	check_every_number(SANDBOX_VCPU, vcpu_allowed, sizeof(vcpu_allowed) / sizeof(vcpu_allowed[0]));
	/* Its numbers are the process filter's too, or a vCPU thread could not make them. */
	for (size_t i = 0; i < sizeof(vcpu_allowed) / sizeof(vcpu_allowed[0]); i++)
		ck_assert_msg(listed(process_allowed,
				     sizeof(process_allowed) / sizeof(process_allowed[0]),
				     vcpu_allowed[i]), "nr %ld", vcpu_allowed[i]);
}
END_TEST

START_TEST(test_conout_every_number)
{
	check_every_number(SANDBOX_CONOUT, conout_allowed,
			   sizeof(conout_allowed) / sizeof(conout_allowed[0]));
	for (size_t i = 0; i < sizeof(conout_allowed) / sizeof(conout_allowed[0]); i++)
		ck_assert_msg(listed(process_allowed,
				     sizeof(process_allowed) / sizeof(process_allowed[0]),
				     conout_allowed[i]), "nr %ld", conout_allowed[i]);
}
END_TEST

START_TEST(test_disk_every_number)
{
	check_every_number(SANDBOX_DISK, disk_allowed, sizeof(disk_allowed) / sizeof(disk_allowed[0]));
	for (size_t i = 0; i < sizeof(disk_allowed) / sizeof(disk_allowed[0]); i++)
		ck_assert_msg(listed(process_allowed,
				     sizeof(process_allowed) / sizeof(process_allowed[0]),
				     disk_allowed[i]), "nr %ld", disk_allowed[i]);
}
END_TEST

/* ioctl requests: exactly these are allowed, the high word clear. */
static const uint32_t process_ioctls[] = {
	KVM_RUN, KVM_ARM_VCPU_INIT, KVM_SET_DEVICE_ATTR, KVM_GET_DEVICE_ATTR, KVM_GET_ONE_REG,
	KVM_SET_ONE_REG, KVM_GET_MP_STATE, KVM_SET_MP_STATE, KVM_IRQ_LINE, KVM_GET_REG_LIST,
	KVM_REGISTER_COALESCED_MMIO, KVM_UNREGISTER_COALESCED_MMIO, TCGETS, TCSETS,
};

static const uint32_t conout_ioctls[] = { TCSETS };

static const uint32_t vcpu_ioctls[] = {
	KVM_RUN, KVM_GET_ONE_REG, KVM_SET_ONE_REG, KVM_GET_MP_STATE, KVM_SET_MP_STATE,
	KVM_ARM_VCPU_INIT, KVM_IRQ_LINE, KVM_REGISTER_COALESCED_MMIO,
	KVM_UNREGISTER_COALESCED_MMIO, TCSETS,
};

/* Requests to try besides every constant the program holds. */
static const uint32_t other_ioctls[] = {
	KVM_GET_API_VERSION, KVM_CREATE_VM, KVM_CHECK_EXTENSION, KVM_GET_VCPU_MMAP_SIZE,
	KVM_SET_USER_MEMORY_REGION, KVM_CREATE_VCPU, KVM_GET_DIRTY_LOG, KVM_IRQFD, KVM_IOEVENTFD,
	KVM_CREATE_DEVICE, KVM_HAS_DEVICE_ATTR, KVM_ENABLE_CAP, KVM_ARM_PREFERRED_TARGET,
	KVM_GET_REG_LIST, KVM_SIGNAL_MSI, KVM_SET_GSI_ROUTING, KVM_SET_SIGNAL_MASK,
	KVM_ARM_VCPU_FINALIZE, KVM_SET_VCPU_EVENTS, KVM_GET_VCPU_EVENTS, KVM_ARM_SET_DEVICE_ADDR,
	KVM_CREATE_IRQCHIP, KVM_SET_GUEST_DEBUG, KVM_GET_STATS_FD, KVM_SET_DEVICE_ATTR,
	KVM_GET_DEVICE_ATTR, TCGETS, TIOCSTI, FIONBIO, TIOCSCTTY, TCSETSW, TCSETSF, TIOCSWINSZ,
	FIOCLEX, 0,
};

static void check_ioctls(enum sandbox_class cls, const uint32_t *allowed, size_t n_allowed)
{
	load_filter(cls);
	for (size_t i = 0; i < n_allowed; i++) {
		ck_assert_msg(check_call(__NR_ioctl, 3, allowed[i], 0, 0) == ALLOW, "0x%08x", allowed[i]);
		ck_assert_uint_eq(check_call(__NR_ioctl, 3, (1ULL << 32) | allowed[i], 0, 0), TRAP);
		ck_assert_uint_eq(check_call(__NR_ioctl, 3, (0xffffffffULL << 32) | allowed[i], 0, 0),
				  TRAP);
	}
	/* Every constant in the program, and the others: allowed only if listed. */
	for (size_t pc = 0; pc < prog_len + sizeof(other_ioctls) / sizeof(other_ioctls[0]); pc++) {
		uint32_t req = pc < prog_len ? prog[pc].k : other_ioctls[pc - prog_len];
		bool want = false;

		for (size_t i = 0; i < n_allowed; i++)
			want |= allowed[i] == req;
		ck_assert_msg(check_call(__NR_ioctl, 3, req, 0, 0) == (want ? ALLOW : TRAP),
			      "class %d, request 0x%08x", cls, req);
	}
	unload_filter();
}

START_TEST(test_process_ioctls)
{
	check_ioctls(SANDBOX_PROCESS, process_ioctls, sizeof(process_ioctls) / sizeof(process_ioctls[0]));
}
END_TEST

START_TEST(test_conout_ioctls)
{
	check_ioctls(SANDBOX_CONOUT, conout_ioctls, sizeof(conout_ioctls) / sizeof(conout_ioctls[0]));
	/* A disk's I/O thread: the report's TCSETS only, like the console writer. */
	check_ioctls(SANDBOX_DISK, conout_ioctls, sizeof(conout_ioctls) / sizeof(conout_ioctls[0]));
}
END_TEST

START_TEST(test_vcpu_ioctls)
{
	check_ioctls(SANDBOX_VCPU, vcpu_ioctls, sizeof(vcpu_ioctls) / sizeof(vcpu_ioctls[0]));
	/* The process filter lets each through too. */
	check_ioctls(SANDBOX_PROCESS, process_ioctls, sizeof(process_ioctls) / sizeof(process_ioctls[0]));
	for (size_t i = 0; i < sizeof(vcpu_ioctls) / sizeof(vcpu_ioctls[0]); i++) {
		bool found = false;

		for (size_t j = 0; j < sizeof(process_ioctls) / sizeof(process_ioctls[0]); j++)
			found |= process_ioctls[j] == vcpu_ioctls[i];
		ck_assert_msg(found, "0x%08x", vcpu_ioctls[i]);
	}
}
END_TEST

START_TEST(test_other_arch_killed)
{
	struct seccomp_data d;
	uint32_t got;

	load_filter((enum sandbox_class)_i);
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

START_TEST(test_bad_class)
{
	ck_assert_int_eq(sandbox_export_bpf(-1, SANDBOX_NR_CLASSES), -EINVAL);
	ck_assert_int_eq(sandbox_install_thread(SANDBOX_PROCESS), -EINVAL);
	ck_assert_int_eq(sandbox_install_thread(SANDBOX_NR_CLASSES), -EINVAL);
	/* No process filter loaded (as with --no-seccomp): nothing to add. */
	ck_assert_int_eq(sandbox_install_thread(SANDBOX_VCPU), 0);
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
	tcase_add_loop_test(tc, test_process_calls, 0, NR_CALLS(process_calls));
	tcase_add_loop_test(tc, test_vcpu_calls, 0, NR_CALLS(vcpu_calls));
	tcase_add_test(tc, test_own_tgkill);
	tcase_add_test(tc, test_process_every_number);
	tcase_add_test(tc, test_vcpu_every_number);
	tcase_add_test(tc, test_conout_every_number);
	tcase_add_test(tc, test_disk_every_number);
	tcase_add_test(tc, test_process_ioctls);
	tcase_add_test(tc, test_vcpu_ioctls);
	tcase_add_test(tc, test_conout_ioctls);
	tcase_add_loop_test(tc, test_other_arch_killed, SANDBOX_PROCESS, SANDBOX_NR_CLASSES);
	tcase_add_test(tc, test_bad_class);
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
