// SPDX-License-Identifier: GPL-2.0-only
/*
 * The run-phase seccomp allowlist and its SIGSYS report. The filter is
 * classic BPF written here (a few hundred bytes, built in microseconds):
 * no library resolves names or probes the kernel on every start.
 */
#include "pinvm/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>

#include "pinvm/io.h"

#if !defined(__aarch64__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the allowlist names arm64 KVM ioctls and loads little-endian argument words: build pinvm for aarch64"
#endif

#ifndef SYS_SECCOMP
#define SYS_SECCOMP	1	/* si_code of a seccomp SIGSYS (asm-generic/siginfo.h) */
#endif

/* Every system call of this architecture, from the build's <asm/unistd.h>. */
static const struct {
	long nr;
	const char *name;
} sandbox_names[] = {
#include "sandbox-syscalls.h"
};

static sandbox_hook_fn sandbox_hook;

/*
 * KVM ioctls of the run phase, by request number (the fd cannot be
 * checked: a restart creates new VM and vCPU fds). Everything main.c and
 * machine_setup() do again on a restart is here; KVM_GET_API_VERSION and
 * KVM_GET_VCPU_MMAP_SIZE are not (asked once, before the filter).
 */
static const uint32_t sandbox_ioctls[] = {
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
static const uint32_t sandbox_plain[] = {
	__NR_read, __NR_write, __NR_futex, __NR_ppoll, __NR_close,
	__NR_fsync,
	__NR_set_robust_list, __NR_rseq,
	__NR_munmap, __NR_madvise, __NR_brk, __NR_mremap,
	__NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_restart_syscall,
	__NR_signalfd4, __NR_eventfd2,
	__NR_timerfd_create, __NR_timerfd_settime,
	__NR_clock_gettime, __NR_gettimeofday,
	__NR_getpid, __NR_gettid, __NR_sched_yield,
	__NR_getrandom, __NR_fstat,
	__NR_exit, __NR_exit_group,
};

/* fcntl() commands: glibc's and ours (FD_CLOEXEC, O_NONBLOCK checks). */
static const uint32_t sandbox_fcntl_cmds[] = { F_GETFD, F_SETFD, F_GETFL };

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

const char *sandbox_syscall_name(long nr)
{
	for (size_t i = 0; i < sizeof(sandbox_names) / sizeof(sandbox_names[0]); i++)
		if (sandbox_names[i].nr == nr)
			return sandbox_names[i].name;
	return NULL;
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
		name = sandbox_syscall_name(nr);
	}
	len = sandbox_format_report(line, sizeof(line), name, nr, (long)gettid());
	(void)!write(STDERR_FILENO, line, len);
	_exit(SANDBOX_EXIT_STATUS);
}

int sandbox_install_handler(sandbox_hook_fn on_violation)
{
	struct sigaction sa;

	sandbox_hook = on_violation;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);	/* nothing interrupts the report */
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return -errno;
	return 0;
}

/* ---- the filter ---- */

/* Room for every rule below, with a margin (BPF_MAXINSNS is 4096). */
#define SANDBOX_MAX_INSNS	256
#define SANDBOX_MAX_RULES	64
/* At most this many rules in a row are tried one by one (a leaf of the tree). */
#define SANDBOX_LEAF_RULES	3

/* struct seccomp_data: the syscall number, its arch, an argument's words. */
#define SANDBOX_NR		offsetof(struct seccomp_data, nr)
#define SANDBOX_ARCH		offsetof(struct seccomp_data, arch)
#define SANDBOX_ARG_LO(i)	(offsetof(struct seccomp_data, args) + 8 * (i))
#define SANDBOX_ARG_HI(i)	(SANDBOX_ARG_LO(i) + 4)

enum sandbox_kind {
	SANDBOX_ALLOW,		/* whatever the arguments */
	SANDBOX_ARG_IN,		/* argument (all 64 bits) is one of vals[] */
	SANDBOX_BITS_SET,	/* argument's low word has all of bits */
	SANDBOX_BITS_CLEAR,	/* argument's low word has none of bits */
	SANDBOX_ARG_NOT,	/* argument's low word is not vals[0] */
	SANDBOX_RETURN,		/* always this action (clone3's ENOSYS) */
};

struct sandbox_rule {
	uint32_t nr;
	enum sandbox_kind kind;
	unsigned int arg;
	const uint32_t *vals;
	unsigned int n;		/* vals[] */
	uint32_t k;		/* bits, or the action of SANDBOX_RETURN */
};

struct sandbox_prog {
	struct sock_filter insn[SANDBOX_MAX_INSNS];
	unsigned int len;
	bool overflow;
};

static void sandbox_emit(struct sandbox_prog *p, uint16_t code, uint32_t k, unsigned int jt,
			 unsigned int jf)
{
	/* Classic BPF jumps forward by at most 255. */
	if (jt > 255 || jf > 255 || p->len == SANDBOX_MAX_INSNS) {
		p->overflow = true;
		return;
	}
	p->insn[p->len++] = (struct sock_filter){ .code = code, .jt = (uint8_t)jt,
						  .jf = (uint8_t)jf, .k = k };
}

static void sandbox_ld(struct sandbox_prog *p, uint32_t off)
{
	sandbox_emit(p, BPF_LD | BPF_W | BPF_ABS, off, 0, 0);
}

static void sandbox_ret(struct sandbox_prog *p, uint32_t action)
{
	sandbox_emit(p, BPF_RET | BPF_K, action, 0, 0);
}

/* Instructions of a rule's body: they decide, ending in a return on every path. */
static unsigned int sandbox_body_len(const struct sandbox_rule *r)
{
	switch (r->kind) {
	case SANDBOX_ALLOW:
	case SANDBOX_RETURN:
		return 1;
	case SANDBOX_ARG_IN:
		return r->n + 5;
	case SANDBOX_BITS_SET:
	case SANDBOX_BITS_CLEAR:
	case SANDBOX_ARG_NOT:
		return 4;
	}
	return 0;
}

static void sandbox_body(struct sandbox_prog *p, const struct sandbox_rule *r)
{
	unsigned int n = r->n;

	switch (r->kind) {
	case SANDBOX_ALLOW:
		sandbox_ret(p, SECCOMP_RET_ALLOW);
		break;
	case SANDBOX_RETURN:
		sandbox_ret(p, r->k);
		break;
	case SANDBOX_ARG_IN:
		sandbox_ld(p, SANDBOX_ARG_HI(r->arg));
		sandbox_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, n + 1);
		sandbox_ld(p, SANDBOX_ARG_LO(r->arg));
		for (unsigned int i = 0; i < n; i++)
			sandbox_emit(p, BPF_JMP | BPF_JEQ | BPF_K, r->vals[i], n - i, 0);
		sandbox_ret(p, SECCOMP_RET_TRAP);
		sandbox_ret(p, SECCOMP_RET_ALLOW);
		break;
	case SANDBOX_BITS_SET:
	case SANDBOX_BITS_CLEAR: {
		bool set = r->kind == SANDBOX_BITS_SET;

		/*
		 * The kernel reads these arguments (prot, flags) as 32-bit
		 * ints: the high word means nothing to it, nor here.
		 */
		sandbox_ld(p, SANDBOX_ARG_LO(r->arg));
		sandbox_emit(p, BPF_JMP | BPF_JSET | BPF_K, r->k, set ? 0 : 1, set ? 1 : 0);
		sandbox_ret(p, SECCOMP_RET_ALLOW);
		sandbox_ret(p, SECCOMP_RET_TRAP);
		break;
	}
	case SANDBOX_ARG_NOT:
		/* A signal number is an int to the kernel: the low word is what it uses. */
		sandbox_ld(p, SANDBOX_ARG_LO(r->arg));
		sandbox_emit(p, BPF_JMP | BPF_JEQ | BPF_K, r->vals[0], 1, 0);
		sandbox_ret(p, SECCOMP_RET_ALLOW);
		sandbox_ret(p, SECCOMP_RET_TRAP);
		break;
	}
}

/* "if nr == rule's, its body decides; else on", with the number still in A. */
static void sandbox_rule(struct sandbox_prog *p, const struct sandbox_rule *r)
{
	sandbox_emit(p, BPF_JMP | BPF_JEQ | BPF_K, r->nr, 0, sandbox_body_len(r));
	sandbox_body(p, r);
}

/* Instructions sandbox_tree() writes for these rules. */
static unsigned int sandbox_tree_len(const struct sandbox_rule *rules, unsigned int n)
{
	unsigned int len = 1;	/* a leaf's closing SECCOMP_RET_TRAP */

	if (n > SANDBOX_LEAF_RULES)
		return 1 + sandbox_tree_len(rules, n / 2) + sandbox_tree_len(rules + n / 2, n - n / 2);
	for (unsigned int i = 0; i < n; i++)
		len += 1 + sandbox_body_len(&rules[i]);
	return len;
}

/*
 * Rules sorted by number, as a binary search: "nr >= the middle rule's?"
 * picks a half, and a few rules at the bottom are tried in turn, then
 * SECCOMP_RET_TRAP. A syscall is decided after ~log2(rules) comparisons,
 * and so is each of the ~450 numbers the kernel tries the filter on when
 * it loads it (to cache the ones always allowed).
 */
static void sandbox_tree(struct sandbox_prog *p, const struct sandbox_rule *rules, unsigned int n)
{
	unsigned int mid = n / 2;

	if (n <= SANDBOX_LEAF_RULES) {
		for (unsigned int i = 0; i < n; i++)
			sandbox_rule(p, &rules[i]);
		sandbox_ret(p, SECCOMP_RET_TRAP);
		return;
	}
	sandbox_emit(p, BPF_JMP | BPF_JGE | BPF_K, rules[mid].nr, sandbox_tree_len(rules, mid), 0);
	sandbox_tree(p, rules, mid);
	sandbox_tree(p, rules + mid, n - mid);
}

static int sandbox_rule_cmp(const void *a, const void *b)
{
	const struct sandbox_rule *x = a, *y = b;

	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

static const uint32_t sandbox_sigsys_nr[] = { SIGSYS };
static uint32_t sandbox_own_tgid;	/* getpid(), when the filter is built */

static int sandbox_build(struct sandbox_prog *p)
{
	static const struct sandbox_rule ioctl_rule = {
		__NR_ioctl, SANDBOX_ARG_IN, 1, sandbox_ioctls,
		sizeof(sandbox_ioctls) / sizeof(sandbox_ioctls[0]), 0,
	};
	const struct sandbox_rule args[] = {
		{ __NR_fcntl, SANDBOX_ARG_IN, 1, sandbox_fcntl_cmds,
		  sizeof(sandbox_fcntl_cmds) / sizeof(sandbox_fcntl_cmds[0]), 0 },
		/* Memory: never executable (guest RAM, kvm_run, thread stacks, malloc). */
		{ __NR_mmap, SANDBOX_BITS_CLEAR, 2, NULL, 0, PROT_EXEC },
		{ __NR_mprotect, SANDBOX_BITS_CLEAR, 2, NULL, 0, PROT_EXEC },
		/* Threads only (a vCPU thread), never a new process. */
		{ __NR_clone, SANDBOX_BITS_SET, 0, NULL, 0, CLONE_THREAD },
		/* clone3's flags are in memory, out of reach: glibc falls back to clone. */
		{ __NR_clone3, SANDBOX_RETURN, 0, NULL, 0, SECCOMP_RET_ERRNO | ENOSYS },
		/* Signal handlers may change, except the SIGSYS one. */
		{ __NR_rt_sigaction, SANDBOX_ARG_NOT, 0, sandbox_sigsys_nr, 1, 0 },
		/* pthread_kill() of our own vCPU threads only. */
		{ __NR_tgkill, SANDBOX_ARG_IN, 0, &sandbox_own_tgid, 1, 0 },
		/* fstat() of an open fd, as glibc spells it. */
		{ __NR_newfstatat, SANDBOX_BITS_SET, 3, NULL, 0, AT_EMPTY_PATH },
	};
	struct sandbox_rule rules[SANDBOX_MAX_RULES];
	unsigned int n = 0;

	sandbox_own_tgid = (uint32_t)getpid();
	for (size_t i = 0; i < sizeof(sandbox_plain) / sizeof(sandbox_plain[0]); i++)
		rules[n++] = (struct sandbox_rule){ .nr = sandbox_plain[i], .kind = SANDBOX_ALLOW };
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		rules[n++] = args[i];
	qsort(rules, n, sizeof(rules[0]), sandbox_rule_cmp);

	memset(p, 0, sizeof(*p));
	/* Another syscall table (AArch32 compat) would give the numbers other meanings. */
	sandbox_ld(p, SANDBOX_ARCH);
	sandbox_emit(p, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_AARCH64, 1, 0);
	sandbox_ret(p, SECCOMP_RET_KILL_PROCESS);
	sandbox_ld(p, SANDBOX_NR);
	/* KVM_RUN is the hot path: ioctl first, KVM_RUN first among them. */
	sandbox_rule(p, &ioctl_rule);
	sandbox_tree(p, rules, n);
	return p->overflow ? -E2BIG : 0;
}

int sandbox_export_bpf(int fd)
{
	struct sandbox_prog p;
	int r;

	r = sandbox_build(&p);
	if (r)
		return r;
	return io_write_all(fd, p.insn, p.len * sizeof(p.insn[0]));
}

int sandbox_install(sandbox_hook_fn on_violation)
{
	struct sandbox_prog p;
	struct sock_fprog prog;
	long rc;
	int r;

	r = sandbox_build(&p);
	if (r)
		return r;
	r = sandbox_install_handler(on_violation);
	if (r)
		return r;
	prog.len = (unsigned short)p.len;
	prog.filter = p.insn;
	/*
	 * Every thread gets the filter, even one started before it. pinvm is
	 * single-threaded when it installs it, so a kernel without TSYNC
	 * (EINVAL) loses nothing: the vCPU threads inherit the filter.
	 */
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
	if (rc == 0)
		return 0;
	if (rc > 0)
		return -EBUSY;	/* the id of a thread that could not take it */
	if (errno != EINVAL)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}
