// SPDX-License-Identifier: GPL-2.0-only
/* The run-phase seccomp allowlist and its SIGSYS report. */
#include "pinvm/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <seccomp.h>

#if !defined(__aarch64__)
#error "the allowlist names arm64 KVM ioctls: build pinvm for aarch64"
#endif

#ifndef SYS_SECCOMP
#define SYS_SECCOMP	1	/* si_code of a seccomp SIGSYS (asm-generic/siginfo.h) */
#endif

/* Names of the syscalls by number, resolved before the filter is loaded. */
#define SANDBOX_MAX_NR		512
#define SANDBOX_NAME_LEN	24

static char sandbox_names[SANDBOX_MAX_NR][SANDBOX_NAME_LEN];
static sandbox_hook_fn sandbox_hook;

/*
 * KVM ioctls of the run phase, by request number (the fd cannot be
 * checked: a restart creates new VM and vCPU fds). Everything main.c and
 * machine_setup() do again on a restart is here; KVM_GET_API_VERSION and
 * KVM_GET_VCPU_MMAP_SIZE are not (asked once, before the filter).
 */
static const unsigned long sandbox_ioctls[] = {
	KVM_RUN,			/* vCPU threads */
	KVM_CREATE_VM,			/* restart: a new VM on the kept /dev/kvm fd */
	KVM_CHECK_EXTENSION,		/* restart: KVM_CAP_ARM_SYSTEM_SUSPEND on the VM */
	KVM_ENABLE_CAP,			/* restart: enable it */
	KVM_SET_USER_MEMORY_REGION,	/* restart: the kept RAM into the new VM */
	KVM_CREATE_DEVICE,		/* restart: the vGIC (and its TEST probe) */
	KVM_SET_DEVICE_ATTR,		/* restart: vGIC addresses and init; vGIC reset */
	KVM_GET_DEVICE_ATTR,		/* restart: vGIC reset reads GICD_TYPER, ICC_CTLR_EL1 */
	KVM_CREATE_VCPU,		/* restart */
	KVM_ARM_PREFERRED_TARGET,	/* restart */
	KVM_ARM_VCPU_INIT,		/* restart; resume from SYSTEM_SUSPEND */
	KVM_GET_ONE_REG,		/* PC/PSTATE for reports, x1/x2 of RESET2/SUSPEND, PSCI version */
	KVM_SET_ONE_REG,		/* boot registers, PSCI results and pin */
	KVM_GET_REG_LIST,		/* the firmware registers (--fw-profile), read-only */
	KVM_GET_MP_STATE,		/* SYSTEM_SUSPEND: are the other vCPUs off? */
	KVM_SET_MP_STATE,		/* SYSTEM_SUSPEND and wake-up */
	KVM_IRQ_LINE,			/* the UART's SPI */
	KVM_REGISTER_COALESCED_MMIO,	/* console output without an exit per byte */
	KVM_UNREGISTER_COALESCED_MMIO,	/* ... and back */
	TCGETS,				/* console: isatty/tcgetattr of stdin */
	TCSETS,				/* console: raw mode and its restore */
};

/* Syscalls allowed whatever their arguments; the reason is in docs/security.md. */
static const int sandbox_plain[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(close), SCMP_SYS(ppoll),
	SCMP_SYS(fsync),
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
	SCMP_SYS(munmap), SCMP_SYS(madvise), SCMP_SYS(brk), SCMP_SYS(mremap),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(restart_syscall),
	SCMP_SYS(signalfd4), SCMP_SYS(eventfd2),
	SCMP_SYS(timerfd_create), SCMP_SYS(timerfd_settime),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(sched_yield),
	SCMP_SYS(getrandom), SCMP_SYS(fstat),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

static void sandbox_append(char *buf, size_t size, size_t *n, const char *s)
{
	while (*s && *n + 1 < size)
		buf[(*n)++] = *s++;
}

static void sandbox_append_num(char *buf, size_t size, size_t *n, long v)
{
	char digits[24];
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	int i = (int)sizeof(digits) - 1;

	digits[i] = '\0';
	do {
		digits[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u && i > 1);
	if (v < 0)
		digits[--i] = '-';
	sandbox_append(buf, size, n, digits + i);
}

size_t sandbox_format_report(char *buf, size_t size, const char *name, long nr, long tid)
{
	size_t n = 0;

	if (size < 2) {
		if (size)
			buf[0] = '\0';
		return 0;
	}
	if (nr < 0) {
		sandbox_append(buf, size, &n, "pinvm: error: SIGSYS that is not a seccomp trap (sent from outside?)");
	} else {
		sandbox_append(buf, size, &n, "pinvm: error: seccomp: blocked system call ");
		sandbox_append(buf, size, &n, name && *name ? name : "(unknown)");
		sandbox_append(buf, size, &n, " (");
		sandbox_append_num(buf, size, &n, nr);
		sandbox_append(buf, size, &n, ") in thread ");
		sandbox_append_num(buf, size, &n, tid);
		sandbox_append(buf, size, &n, "; this is a pinvm bug: please report it (--no-seccomp runs without the filter)");
	}
	sandbox_append(buf, size, &n, "; exit status 159");
	/* The newline survives truncation. */
	if (n > size - 2)
		n = size - 2;
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}

static void sandbox_sigsys(int sig, siginfo_t *si, void *uctx)
{
	char line[256];
	const char *name = NULL;
	long nr = -1;
	size_t len;

	(void)sig;
	(void)uctx;
	if (sandbox_hook)
		sandbox_hook();
	if (si->si_code == SYS_SECCOMP) {
		nr = si->si_syscall;
		if (nr >= 0 && nr < SANDBOX_MAX_NR && sandbox_names[nr][0])
			name = sandbox_names[nr];
	}
	len = sandbox_format_report(line, sizeof(line), name, nr, (long)gettid());
	(void)!write(STDERR_FILENO, line, len);
	_exit(SANDBOX_EXIT_STATUS);
}

int sandbox_install_handler(sandbox_hook_fn on_violation)
{
	struct sigaction sa;

	for (int nr = 0; nr < SANDBOX_MAX_NR; nr++) {
		char *s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (s) {
			strncpy(sandbox_names[nr], s, SANDBOX_NAME_LEN - 1);
			free(s);
		}
	}
	sandbox_hook = on_violation;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);	/* nothing interrupts the report */
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return -errno;
	return 0;
}

static int sandbox_rule(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned int nargs,
			const struct scmp_arg_cmp *args)
{
	return seccomp_rule_add_array(ctx, action, nr, nargs, args);
}

static scmp_filter_ctx sandbox_build(int *ret_err)
{
	const struct scmp_arg_cmp no_exec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	const struct scmp_arg_cmp thread = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
	const struct scmp_arg_cmp not_sigsys = SCMP_A0(SCMP_CMP_NE, SIGSYS);
	const struct scmp_arg_cmp own_tgid = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());
	const struct scmp_arg_cmp empty_path = SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH,
						      AT_EMPTY_PATH);
	static const int fcntl_cmds[] = { F_GETFD, F_SETFD, F_GETFL };
	scmp_filter_ctx ctx;
	size_t i;
	int r;

	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx) {
		*ret_err = -ENOMEM;
		return NULL;
	}
	/*
	 * Every thread gets the filter, even one started before it. pinvm is
	 * single-threaded when it installs it, so a kernel (or qemu-user)
	 * without TSYNC loses nothing: the vCPU threads inherit the filter.
	 */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (r == -EOPNOTSUPP)
		r = 0;
	for (i = 0; !r && i < sizeof(sandbox_plain) / sizeof(sandbox_plain[0]); i++)
		r = sandbox_rule(ctx, SCMP_ACT_ALLOW, sandbox_plain[i], 0, NULL);
	for (i = 0; !r && i < sizeof(sandbox_ioctls) / sizeof(sandbox_ioctls[0]); i++) {
		const struct scmp_arg_cmp req = SCMP_A1(SCMP_CMP_EQ, sandbox_ioctls[i]);

		r = sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, &req);
	}
	for (i = 0; !r && i < sizeof(fcntl_cmds) / sizeof(fcntl_cmds[0]); i++) {
		const struct scmp_arg_cmp cmd = SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)fcntl_cmds[i]);

		r = sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1, &cmd);
	}
	/* Memory: never executable (guest RAM, kvm_run, thread stacks, malloc). */
	if (!r)
		r = sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, &no_exec);
	if (!r)
		r = sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1, &no_exec);
	/* Threads only (new vCPU threads on a restart), never a new process. */
	if (!r)
		r = sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, &thread);
	if (!r)
		r = sandbox_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, NULL);
	/* Signal handlers may change, except the SIGSYS one. */
	if (!r)
		r = sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction), 1, &not_sigsys);
	/* pthread_kill() of our own vCPU threads only. */
	if (!r)
		r = sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, &own_tgid);
	/* fstat() of an open fd, as glibc spells it. */
	if (!r)
		r = sandbox_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1, &empty_path);
	if (r) {
		seccomp_release(ctx);
		*ret_err = r;
		return NULL;
	}
	return ctx;
}

int sandbox_export_bpf(int fd)
{
	scmp_filter_ctx ctx;
	int r = 0;

	ctx = sandbox_build(&r);
	if (!ctx)
		return r;
	r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	return r;
}

int sandbox_install(sandbox_hook_fn on_violation)
{
	scmp_filter_ctx ctx;
	int r = 0;

	ctx = sandbox_build(&r);
	if (!ctx)
		return r;
	r = sandbox_install_handler(on_violation);
	if (!r)
		r = seccomp_load(ctx);	/* sets no_new_privs first (SCMP_FLTATR_CTL_NNP) */
	seccomp_release(ctx);
	return r;
}
