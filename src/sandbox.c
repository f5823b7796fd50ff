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

#define SANDBOX_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Two filters (docs/security.md has the reason for every entry). The
 * process filter is on every thread; each vCPU thread adds its own,
 * narrower one before its first KVM_RUN, and the kernel runs both, the
 * strictest answer winning. So the process filter holds what the main
 * thread and the vCPU threads need, the vCPU filter only the vCPU's part.
 * KVM ioctls are allowed by request number: the fd cannot be checked.
 * KVM_GET_API_VERSION, KVM_GET_VCPU_MMAP_SIZE, and everything that creates
 * a VM, a device or a vCPU, are not allowed: they are done before the filter,
 * and a restart keeps the VM (machine_reset()).
 */
static const uint32_t sandbox_process_ioctls[] = {
	KVM_RUN,			/* vCPU threads */
	KVM_ARM_VCPU_INIT,		/* restart; resume from SYSTEM_SUSPEND */
	KVM_SET_DEVICE_ATTR,		/* restart: the vGIC reset */
	KVM_GET_DEVICE_ATTR,		/* restart: the vGIC reset reads GICD_TYPER, ICC_CTLR_EL1 */
	KVM_GET_ONE_REG,		/* PC/PSTATE for reports, x1/x2 of RESET2/SUSPEND */
	KVM_SET_ONE_REG,		/* boot registers, PSCI results */
	KVM_GET_MP_STATE,		/* SYSTEM_SUSPEND: are the other vCPUs off? */
	KVM_SET_MP_STATE,		/* SYSTEM_SUSPEND and wake-up */
	KVM_IRQ_LINE,			/* the UART's SPI */
	KVM_GET_REG_LIST,		/* snapshot: every register of a vCPU */
	KVM_REGISTER_COALESCED_MMIO,	/* console output without an exit per byte */
	KVM_UNREGISTER_COALESCED_MMIO,	/* ... and back */
	TCGETS,				/* console: isatty/tcgetattr of stdin */
	TCSETS,				/* console: raw mode and its restore */
};

/* Syscalls allowed whatever their arguments. */
static const uint32_t sandbox_process_plain[] = {
	__NR_read, __NR_write, __NR_futex, __NR_ppoll, __NR_close,
	__NR_fsync, __NR_fdatasync,	/* disks: fdatasync at every stop and snapshot */
	/* restarts read the images again; a snapshot asks /proc/self/pagemap which RAM pages were touched */
	__NR_pread64,
	__NR_preadv, __NR_pwritev,	/* disks' I/O threads */
	/* the control socket: its clients (accepted, read, answered), snapshots' fds */
	__NR_accept4, __NR_recvmsg, __NR_sendto,
	__NR_set_robust_list, __NR_rseq,
	__NR_munmap, __NR_madvise, __NR_brk, __NR_mremap,
	__NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_restart_syscall,
	__NR_sigaltstack,		/* the crash report's stack, set by each thread (crash.c) */
	__NR_signalfd4, __NR_eventfd2,
	__NR_timerfd_create, __NR_timerfd_settime,
	__NR_clock_gettime, __NR_gettimeofday,
	__NR_getpid, __NR_gettid, __NR_sched_yield,
	__NR_getrandom, __NR_fstat,
	__NR_exit, __NR_exit_group,
};

/*
 * A vCPU thread: KVM_RUN and its exits (src/vcpu.c: MMIO through the UART
 * model, system events, SYSTEM_SUSPEND), the console output and stop
 * notification it writes, its locks, the kick that interrupts KVM_RUN, the
 * SIGSYS report (it runs on the thread that made the call: TCSETS restores
 * the terminal, then gettid, write, exit_group), and its own end. It does
 * not allocate memory, open, close or poll anything, or start threads.
 */
static const uint32_t sandbox_vcpu_ioctls[] = {
	KVM_RUN,
	KVM_GET_ONE_REG,		/* PC/PSTATE for reports, x1/x2 of RESET2/SUSPEND */
	KVM_SET_ONE_REG,		/* PSCI results, resume from SYSTEM_SUSPEND */
	KVM_GET_MP_STATE,		/* SYSTEM_SUSPEND: are the other vCPUs off? */
	KVM_SET_MP_STATE,		/* SYSTEM_SUSPEND and wake-up */
	KVM_ARM_VCPU_INIT,		/* resume from SYSTEM_SUSPEND */
	KVM_IRQ_LINE,			/* the UART's SPI */
	KVM_REGISTER_COALESCED_MMIO,	/* console output */
	KVM_UNREGISTER_COALESCED_MMIO,
	TCSETS,				/* the SIGSYS report restores the terminal */
};

static const uint32_t sandbox_vcpu_plain[] = {
	__NR_write, __NR_futex,
	__NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_restart_syscall,
	__NR_sigaltstack,		/* crash_thread_leave() */
	__NR_clock_gettime,
	__NR_getpid, __NR_gettid,
	__NR_exit, __NR_exit_group,
};

/*
 * The console output thread (conout.c): writes to stdout, waits for the
 * ring (futex) or for room on a stdout someone made non-blocking (ppoll),
 * and the SIGSYS report's calls; no ioctl but the report's TCSETS.
 */
static const uint32_t sandbox_conout_ioctls[] = {
	TCSETS,				/* the SIGSYS report restores the terminal */
};

static const uint32_t sandbox_conout_plain[] = {
	__NR_write, __NR_futex, __NR_ppoll,
	__NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_restart_syscall,
	__NR_sigaltstack,		/* crash_thread_leave() */
	__NR_clock_gettime,
	__NR_getpid, __NR_gettid,
	__NR_exit, __NR_exit_group,
};

/*
 * A disk's I/O thread (disk.c): waits on its eventfds (ppoll, read),
 * preadv/pwritev/fdatasync on its image, the irqfd it writes, its lock,
 * the SIGSYS report's calls; no allocation, no open, no ioctl but the
 * report's TCSETS.
 */
static const uint32_t sandbox_disk_ioctls[] = {
	TCSETS,				/* the SIGSYS report restores the terminal */
};

static const uint32_t sandbox_disk_plain[] = {
	__NR_read, __NR_write, __NR_futex, __NR_ppoll,
	__NR_preadv, __NR_pwritev, __NR_fdatasync,
	__NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_restart_syscall,
	__NR_sigaltstack,		/* crash_thread_leave() */
	__NR_clock_gettime,
	__NR_getpid, __NR_gettid,
	__NR_exit, __NR_exit_group,
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

/* ---- the filters ---- */

/* Room for every rule below, with a margin (BPF_MAXINSNS is 4096). */
#define SANDBOX_MAX_INSNS	256
#define SANDBOX_MAX_RULES	64
#define SANDBOX_MAX_CHECKS	2
/* At most this many rules in a row are tried one by one (a leaf of the tree). */
#define SANDBOX_LEAF_RULES	3

/* struct seccomp_data: the syscall number, its arch, an argument's words. */
#define SANDBOX_NR		offsetof(struct seccomp_data, nr)
#define SANDBOX_ARCH		offsetof(struct seccomp_data, arch)
#define SANDBOX_ARG_LO(i)	(offsetof(struct seccomp_data, args) + 8 * (i))
#define SANDBOX_ARG_HI(i)	(SANDBOX_ARG_LO(i) + 4)

enum sandbox_test {
	SANDBOX_ARG_IN,		/* argument (all 64 bits) is one of vals[] */
	SANDBOX_BITS_SET,	/* argument's low word has all of bits */
	SANDBOX_BITS_CLEAR,	/* argument's low word has none of bits */
	SANDBOX_ARG_NOT,	/* argument's low word is not vals[0] */
};

struct sandbox_check {
	enum sandbox_test test;
	unsigned int arg;
	const uint32_t *vals;
	unsigned int n;		/* vals[] */
	uint32_t bits;
};

/* A system call: allowed when every check passes (or it has none), else SIGSYS. */
struct sandbox_rule {
	uint32_t nr;
	uint32_t action;	/* nonzero: always this action instead (clone3's ENOSYS) */
	unsigned int nr_checks;
	struct sandbox_check check[SANDBOX_MAX_CHECKS];
};

#define SANDBOX_IN(i, v)	{ SANDBOX_ARG_IN, (i), (v), SANDBOX_ARRAY_SIZE(v), 0 }
#define SANDBOX_SET(i, b)	{ SANDBOX_BITS_SET, (i), NULL, 0, (b) }
#define SANDBOX_CLEAR(i, b)	{ SANDBOX_BITS_CLEAR, (i), NULL, 0, (b) }
#define SANDBOX_NOT(i, v)	{ SANDBOX_ARG_NOT, (i), (v), 1, 0 }

static const uint32_t sandbox_sigsys_nr[] = { SIGSYS };
static uint32_t sandbox_own_tgid[1];	/* getpid(), when a filter is built */
/* A filter of this thread only, nothing else (no TSYNC, no listener, no SPEC_ALLOW). */
static const uint32_t sandbox_set_filter[] = { SECCOMP_SET_MODE_FILTER };
static const uint32_t sandbox_no_flags[] = { 0 };
static const uint32_t sandbox_dontneed[] = { MADV_DONTNEED };

static const struct sandbox_rule sandbox_process_rules[] = {
	/* Memory: anonymous (no file, no kvm_run: those are mapped before), never executable. */
	{ __NR_mmap, 0, 2, { SANDBOX_CLEAR(2, PROT_EXEC), SANDBOX_SET(3, MAP_ANONYMOUS) } },
	{ __NR_mprotect, 0, 1, { SANDBOX_CLEAR(2, PROT_EXEC) } },
	/* Threads only (a vCPU thread), never a new process. */
	{ __NR_clone, 0, 1, { SANDBOX_SET(0, CLONE_THREAD) } },
	/* clone3's flags are in memory, out of reach: glibc falls back to clone. */
	{ __NR_clone3, SECCOMP_RET_ERRNO | ENOSYS, 0, { { 0 } } },
	/* Signal handlers may change, except the SIGSYS one. */
	{ __NR_rt_sigaction, 0, 1, { SANDBOX_NOT(0, sandbox_sigsys_nr) } },
	/* pthread_kill() of our own vCPU threads only. */
	{ __NR_tgkill, 0, 1, { SANDBOX_IN(0, sandbox_own_tgid) } },
	/* fstat() of an open fd, as glibc spells it. */
	{ __NR_newfstatat, 0, 1, { SANDBOX_SET(3, AT_EMPTY_PATH) } },
	/* A vCPU thread adds its own filter (sandbox_install_thread()). */
	{ __NR_seccomp, 0, 2, { SANDBOX_IN(0, sandbox_set_filter), SANDBOX_IN(1, sandbox_no_flags) } },
};

static const struct sandbox_rule sandbox_vcpu_rules[] = {
	/* pthread_kill(): SYSTEM_SUSPEND pauses the other vCPUs; the crash report's signal. */
	{ __NR_tgkill, 0, 1, { SANDBOX_IN(0, sandbox_own_tgid) } },
	/* glibc gives a thread stack's pages back when the thread ends. */
	{ __NR_madvise, 0, 1, { SANDBOX_IN(2, sandbox_dontneed) } },
};

static const struct sandbox_rule sandbox_conout_rules[] = {
	/* glibc gives a thread stack's pages back when the thread ends. */
	{ __NR_madvise, 0, 1, { SANDBOX_IN(2, sandbox_dontneed) } },
	/* The crash report sends its signal again, to this thread (crash.c). */
	{ __NR_tgkill, 0, 1, { SANDBOX_IN(0, sandbox_own_tgid) } },
};

static const struct sandbox_rule sandbox_disk_rules[] = {
	/* glibc gives a thread stack's pages back when the thread ends. */
	{ __NR_madvise, 0, 1, { SANDBOX_IN(2, sandbox_dontneed) } },
	/* The crash report sends its signal again, to this thread (crash.c). */
	{ __NR_tgkill, 0, 1, { SANDBOX_IN(0, sandbox_own_tgid) } },
};

struct sandbox_policy {
	const uint32_t *ioctls, *plain;
	const struct sandbox_rule *rules;
	unsigned int nr_ioctls, nr_plain, nr_rules;
};

#define SANDBOX_POLICY(ioctls, plain, rules)						\
	{ (ioctls), (plain), (rules), SANDBOX_ARRAY_SIZE(ioctls), SANDBOX_ARRAY_SIZE(plain),	\
	  SANDBOX_ARRAY_SIZE(rules) }

static const struct sandbox_policy sandbox_policies[SANDBOX_NR_CLASSES] = {
	[SANDBOX_PROCESS] = SANDBOX_POLICY(sandbox_process_ioctls, sandbox_process_plain,
					   sandbox_process_rules),
	[SANDBOX_VCPU] = SANDBOX_POLICY(sandbox_vcpu_ioctls, sandbox_vcpu_plain, sandbox_vcpu_rules),
	[SANDBOX_CONOUT] = SANDBOX_POLICY(sandbox_conout_ioctls, sandbox_conout_plain,
					  sandbox_conout_rules),
	[SANDBOX_DISK] = SANDBOX_POLICY(sandbox_disk_ioctls, sandbox_disk_plain, sandbox_disk_rules),
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

static unsigned int sandbox_check_len(const struct sandbox_check *c)
{
	return c->test == SANDBOX_ARG_IN ? c->n + 3 : 2;
}

/* Instructions of a rule's body: they decide, ending in a return on every path. */
static unsigned int sandbox_body_len(const struct sandbox_rule *r)
{
	unsigned int len = 1;	/* SECCOMP_RET_ALLOW */

	if (r->action)
		return 1;
	for (unsigned int i = 0; i < r->nr_checks; i++)
		len += sandbox_check_len(&r->check[i]);
	return r->nr_checks ? len + 1 : len;	/* + the SECCOMP_RET_TRAP a failed check jumps to */
}

/*
 * One check: falls through when it passes, jumps to the rule's trap when it
 * fails; @to_trap instructions lie between the check's end and that trap.
 */
static void sandbox_check(struct sandbox_prog *p, const struct sandbox_check *c,
			  unsigned int to_trap)
{
	unsigned int n = c->n;

	switch (c->test) {
	case SANDBOX_ARG_IN:
		sandbox_ld(p, SANDBOX_ARG_HI(c->arg));
		sandbox_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, n + 1 + to_trap);
		sandbox_ld(p, SANDBOX_ARG_LO(c->arg));
		for (unsigned int i = 0; i < n; i++)
			sandbox_emit(p, BPF_JMP | BPF_JEQ | BPF_K, c->vals[i], n - 1 - i,
				     i == n - 1 ? to_trap : 0);
		break;
	case SANDBOX_BITS_SET:
	case SANDBOX_BITS_CLEAR: {
		bool set = c->test == SANDBOX_BITS_SET;

		/*
		 * The kernel reads these arguments (prot, flags) as 32-bit
		 * ints: the high word means nothing to it, nor here.
		 */
		sandbox_ld(p, SANDBOX_ARG_LO(c->arg));
		sandbox_emit(p, BPF_JMP | BPF_JSET | BPF_K, c->bits, set ? 0 : to_trap,
			     set ? to_trap : 0);
		break;
	}
	case SANDBOX_ARG_NOT:
		/* A signal number is an int to the kernel: the low word is what it uses. */
		sandbox_ld(p, SANDBOX_ARG_LO(c->arg));
		sandbox_emit(p, BPF_JMP | BPF_JEQ | BPF_K, c->vals[0], to_trap, 0);
		break;
	}
}

static void sandbox_body(struct sandbox_prog *p, const struct sandbox_rule *r)
{
	unsigned int left = 1;	/* after the last check: SECCOMP_RET_ALLOW, then the trap */

	if (r->action) {
		sandbox_ret(p, r->action);
		return;
	}
	for (unsigned int i = 0; i < r->nr_checks; i++)
		left += sandbox_check_len(&r->check[i]);
	for (unsigned int i = 0; i < r->nr_checks; i++) {
		left -= sandbox_check_len(&r->check[i]);
		sandbox_check(p, &r->check[i], left);
	}
	sandbox_ret(p, SECCOMP_RET_ALLOW);
	if (r->nr_checks)
		sandbox_ret(p, SECCOMP_RET_TRAP);
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

static int sandbox_build(struct sandbox_prog *p, enum sandbox_class cls)
{
	const struct sandbox_policy *pol = &sandbox_policies[cls];
	const struct sandbox_rule ioctl_rule = {
		__NR_ioctl, 0, 1, { { SANDBOX_ARG_IN, 1, pol->ioctls, pol->nr_ioctls, 0 } },
	};
	struct sandbox_rule rules[SANDBOX_MAX_RULES];
	unsigned int n = 0;

	if (pol->nr_plain + pol->nr_rules > SANDBOX_MAX_RULES)
		return -E2BIG;
	sandbox_own_tgid[0] = (uint32_t)getpid();
	for (unsigned int i = 0; i < pol->nr_plain; i++)
		rules[n++] = (struct sandbox_rule){ .nr = pol->plain[i] };
	for (unsigned int i = 0; i < pol->nr_rules; i++)
		rules[n++] = pol->rules[i];
	qsort(rules, n, sizeof(rules[0]), sandbox_rule_cmp);
	/* One rule per number (ioctl's is built here): a second one would never be reached. */
	for (unsigned int i = 0; i < n; i++)
		if (rules[i].nr == __NR_ioctl || (i && rules[i].nr == rules[i - 1].nr))
			return -EINVAL;

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

int sandbox_export_bpf(int fd, enum sandbox_class cls)
{
	struct sandbox_prog p;
	int r;

	if ((unsigned int)cls >= SANDBOX_NR_CLASSES)
		return -EINVAL;
	r = sandbox_build(&p, cls);
	if (r)
		return r;
	return io_write_all(fd, p.insn, p.len * sizeof(p.insn[0]));
}

/*
 * The thread classes' programs, built by sandbox_install() in the main
 * thread: a thread only loads its own (building one calls qsort(), which
 * may allocate and ask sysconf(), beyond a vCPU thread's filter).
 */
static struct sandbox_prog sandbox_thread_progs[SANDBOX_NR_CLASSES];
static bool sandbox_loaded;	/* the process filter is on */

static int sandbox_load(const struct sandbox_prog *p, unsigned int flags)
{
	struct sock_fprog prog = {
		.len = (unsigned short)p->len,
		.filter = (struct sock_filter *)p->insn,
	};
	long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);

	if (rc > 0)
		return -EBUSY;	/* TSYNC: the id of a thread that could not take it */
	return rc < 0 ? -errno : 0;
}

int sandbox_install(sandbox_hook_fn on_violation)
{
	struct sandbox_prog p;
	int r;

	r = sandbox_build(&p, SANDBOX_PROCESS);
	for (unsigned int c = SANDBOX_PROCESS + 1; !r && c < SANDBOX_NR_CLASSES; c++)
		r = sandbox_build(&sandbox_thread_progs[c], (enum sandbox_class)c);
	if (r)
		return r;
	r = sandbox_install_handler(on_violation);
	if (r)
		return r;
	/*
	 * Every thread gets the filter, even one started before it. pinvm is
	 * single-threaded when it installs it, so a kernel without TSYNC
	 * (EINVAL) loses nothing: the vCPU threads inherit the filter.
	 */
	r = sandbox_load(&p, SECCOMP_FILTER_FLAG_TSYNC);
	if (r == -EINVAL)
		r = sandbox_load(&p, 0);
	if (r)
		return r;
	/* Before any thread that reads it is started (pthread_create orders them). */
	__atomic_store_n(&sandbox_loaded, true, __ATOMIC_RELEASE);
	return 0;
}

int sandbox_install_thread(enum sandbox_class cls)
{
	if (cls == SANDBOX_PROCESS || (unsigned int)cls >= SANDBOX_NR_CLASSES)
		return -EINVAL;
	if (!__atomic_load_n(&sandbox_loaded, __ATOMIC_ACQUIRE))
		return 0;	/* --no-seccomp */
	/* This thread only: flags 0, the only ones the process filter lets through. */
	return sandbox_load(&sandbox_thread_progs[cls], 0);
}
