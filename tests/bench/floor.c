// SPDX-License-Identifier: GPL-2.0-only
/*
 * floor: the least a VMM has to do to run a flat arm64 guest to its PSCI
 * SYSTEM_OFF under KVM; the benchmark (docs/benchmarks.md) holds pinvm
 * against it. The calls, in order:
 *
 *   open /dev/kvm, KVM_GET_VCPU_MMAP_SIZE, KVM_CREATE_VM, mmap RAM, read the
 *   guest into it, KVM_SET_USER_MEMORY_REGION, KVM_CREATE_VCPU, mmap
 *   kvm_run, KVM_ARM_PREFERRED_TARGET, KVM_ARM_VCPU_INIT (PSCI 0.2+),
 *   KVM_SET_ONE_REG (PC), then KVM_RUN until KVM_EXIT_SYSTEM_EVENT.
 *
 * PSCI calls are answered inside KVM, so a PSCI-only guest needs no vGIC
 * (KVM runs a VM without an in-kernel irqchip) and no device model. Nothing
 * is closed or freed: exit(2) does that. The options add what a real VMM
 * cannot skip, so its cost can be seen on its own:
 *
 *   floor [--gic] [--seccomp LEN[,LEN...]] [--resets N] GUEST
 *   floor --none            exit at once: the cost of the process alone
 *
 *   --gic        create and initialise a vGICv3 as pinvm does (same layout)
 *   --seccomp    the sandboxed floor: no_new_privs, then one seccomp filter
 *                of each LEN classic-BPF instructions, loaded before the
 *                guest runs (the first with TSYNC, as pinvm's process
 *                filter). tests/bench/run gives the lengths of pinvm's own
 *                filters (process, vCPU, console output thread), counted
 *                from the tree by tests/bench/filter-len.c; the programs
 *                are not pinvm's: an architecture check, ten comparisons
 *                on the way (a binary search's depth), a jump over the
 *                rest, "allow". Loading costs the kernel's check,
 *                conversion and JIT of every instruction; each later
 *                system call runs the short path of every filter.
 *   --resets N   on SYSTEM_RESET start again in place, N times: RAM back to
 *                zero, the guest read in again, KVM_ARM_VCPU_INIT, PC
 *
 * Exit status: 0 SYSTEM_OFF, 4 SYSTEM_RESET (after N restarts), 1 error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#if !defined(__aarch64__)
#error "floor drives arm64 KVM: build it for aarch64"
#endif

/*
 * pinvm's layout (include/pinvm/layout.h): flat guests at RAM + 0x80000.
 * 1 MiB of RAM, less than a transparent huge page: the guest costs the
 * host the 4 KiB pages it touches, no more.
 */
#define RAM_BASE	0x80000000ULL
#define RAM_SIZE	0x100000ULL
#define LOAD_OFFSET	0x80000ULL
#define GUEST_MAX	(RAM_SIZE - LOAD_OFFSET)
#define GICD_BASE	0x3fff0000ULL
#define GICR_BASE	(GICD_BASE - 0x20000ULL)

/* KVM_REG_ARM_CORE_REG(regs.pc) as a one-reg id */
#define REG_PC		(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, regs.pc) / sizeof(__u32)))

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: floor [--gic] [--seccomp LEN[,LEN...]] [--resets N] GUEST | floor --none\n");
	exit(1);
}

#define FILTER_PATH	10	/* comparisons every system call goes through */
#define FILTER_FIXED	(4 + FILTER_PATH + 2)	/* arch check, nr, path, jump, allow */
#define FILTER_MAX	4096	/* BPF_MAXINSNS */

/* A filter of @len instructions that allows everything, after the arch check. */
static void seccomp_load(unsigned int len, bool first)
{
	static struct sock_filter f[FILTER_MAX];
	struct sock_fprog prog = { .len = (unsigned short)len, .filter = f };
	unsigned int i = 0, pad = len - FILTER_FIXED;

	f[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_AARCH64, 1, 0);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	/* never equal (numbers no system call has): both ways lead on */
	for (unsigned int k = 0; k < FILTER_PATH; k++)
		f[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x7fff0000 + k, 0, 0);
	f[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, pad, 0, 0);
	for (unsigned int k = 0; k < pad; k++)
		f[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x7ffe0000 + k, 0, 0);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    first ? SECCOMP_FILTER_FLAG_TSYNC : 0, &prog) != 0)
		die("seccomp");
}

/* --seccomp LEN[,LEN...]: no_new_privs, then each filter. */
static void sandbox(const char *lens)
{
	bool first = true;
	char *end;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("PR_SET_NO_NEW_PRIVS");
	for (const char *p = lens; *p; p = *end ? end + 1 : end) {
		unsigned long len = strtoul(p, &end, 10);

		if (end == p || (*end && *end != ',') || len < FILTER_FIXED || len > FILTER_MAX)
			usage();
		seccomp_load((unsigned int)len, first);
		first = false;
	}
}

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r = ioctl(fd, req, arg);

	if (r < 0)
		die(what);
	return r;
}

static void gic_attr(int fd, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uint64_t)(uintptr_t)val,
	};

	xioctl(fd, KVM_SET_DEVICE_ATTR, &a, "KVM_SET_DEVICE_ATTR (vGIC)");
}

/* The guest image into RAM at LOAD_OFFSET, RAM zero around it. */
static void load_guest(const char *path, uint8_t *ram)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	n = read(fd, ram + LOAD_OFFSET, GUEST_MAX);
	if (n <= 0)
		die(path);
	close(fd);
}

static void vcpu_start(int vcpu, uint32_t target)
{
	struct kvm_vcpu_init init = { .target = target };
	uint64_t pc = RAM_BASE + LOAD_OFFSET;
	struct kvm_one_reg reg = { .id = REG_PC, .addr = (uint64_t)(uintptr_t)&pc };

	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
	xioctl(vcpu, KVM_ARM_VCPU_INIT, &init, "KVM_ARM_VCPU_INIT");
	xioctl(vcpu, KVM_SET_ONE_REG, &reg, "KVM_SET_ONE_REG (PC)");
}

int main(int argc, char **argv)
{
	struct kvm_userspace_memory_region slot;
	struct kvm_vcpu_init pref;
	const char *guest = NULL, *lens = NULL;
	unsigned long resets = 0, restarts = 0;
	struct kvm_run *run;
	int kvm, vm, vcpu, gic = -1, i, run_size;
	bool want_gic = false;
	uint8_t *ram;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--none"))
			return 0;
		if (!strcmp(argv[i], "--gic"))
			want_gic = true;
		else if (!strcmp(argv[i], "--seccomp") && i + 1 < argc)
			lens = argv[++i];
		else if (!strcmp(argv[i], "--resets") && i + 1 < argc)
			resets = strtoul(argv[++i], NULL, 0);
		else if (argv[i][0] != '-' && !guest)
			guest = argv[i];
		else
			usage();
	}
	if (!guest)
		usage();

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("/dev/kvm");
	run_size = xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, NULL, "KVM_GET_VCPU_MMAP_SIZE");
	vm = xioctl(kvm, KVM_CREATE_VM, NULL, "KVM_CREATE_VM");

	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap (RAM)");
	load_guest(guest, ram);
	slot = (struct kvm_userspace_memory_region){
		.guest_phys_addr = RAM_BASE,
		.memory_size = RAM_SIZE,
		.userspace_addr = (uint64_t)(uintptr_t)ram,
	};
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot, "KVM_SET_USER_MEMORY_REGION");

	if (want_gic) {
		struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
		uint64_t dist = GICD_BASE, redist = GICR_BASE;

		xioctl(vm, KVM_CREATE_DEVICE, &dev, "KVM_CREATE_DEVICE (vGICv3)");
		gic = (int)dev.fd;
		gic_attr(gic, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist);
		gic_attr(gic, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist);
	}

	vcpu = xioctl(vm, KVM_CREATE_VCPU, (void *)0UL, "KVM_CREATE_VCPU");
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap (kvm_run)");
	memset(&pref, 0, sizeof(pref));
	xioctl(vm, KVM_ARM_PREFERRED_TARGET, &pref, "KVM_ARM_PREFERRED_TARGET");
	vcpu_start(vcpu, pref.target);
	if (gic >= 0)
		gic_attr(gic, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	/* pinvm installs its filters after the set-up, before the guest runs */
	if (lens)
		sandbox(lens);

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, NULL) < 0) {
			if (errno == EINTR)
				continue;
			die("KVM_RUN");
		}
		if (run->exit_reason != KVM_EXIT_SYSTEM_EVENT) {
			fprintf(stderr, "floor: unexpected exit reason %u\n", run->exit_reason);
			return 1;
		}
		if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN)
			return 0;
		if (run->system_event.type != KVM_SYSTEM_EVENT_RESET) {
			fprintf(stderr, "floor: system event %u\n", run->system_event.type);
			return 1;
		}
		if (restarts++ == resets)
			return 4;
		/* A power cycle, the cheapest way: zero pages, image, vCPU reset. */
		if (madvise(ram, RAM_SIZE, MADV_DONTNEED) < 0)
			die("madvise (RAM)");
		load_guest(guest, ram);
		vcpu_start(vcpu, pref.target);
	}
}
