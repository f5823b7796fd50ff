// SPDX-License-Identifier: GPL-2.0-only
/* vCPU bring-up, registers and the KVM_RUN loop with its exit handling. */
#include "pinvm/vcpu.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "pinvm/kvm-compat.h"
#include "pinvm/machine.h"
#include "pinvm/psci.h"

#if !defined(__aarch64__)
#error "pinvm drives arm64 KVM: build it for aarch64 (see meson/aarch64-linux-gnu.ini)"
#endif

/* PSTATE after reset: EL1h (M = 0b0101) with D, A, I and F masked */
#define PSTATE_EL1H_DAIF	0x3c5ULL

int vcpu_create(struct vcpu *vcpu, struct machine *m, int vm_fd, unsigned int id,
		size_t run_size)
{
	void *run;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->m = m;
	vcpu->id = id;
	vcpu->fd = ioctl(vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (vcpu->fd < 0)
		return -errno;
	(void)fcntl(vcpu->fd, F_SETFD, FD_CLOEXEC);
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (run == MAP_FAILED) {
		int r = -errno;

		(void)close(vcpu->fd);
		vcpu->fd = -1;
		return r;
	}
	vcpu->run = run;
	return 0;
}

static int vcpu_do_init(struct vcpu *vcpu, uint32_t target)
{
	struct kvm_vcpu_init init;

	memset(&init, 0, sizeof(init));
	init.target = target;
	init.features[0] = vcpu->features0;
	return ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init) < 0 ? -errno : 0;
}

/* KVM_ARM_PREFERRED_TARGET: the same for every vCPU of every VM, asked once */
static struct kvm_vcpu_init vcpu_pref;
static bool vcpu_have_pref;
static uint32_t vcpu_target;

int vcpu_init(struct vcpu *vcpu, int vm_fd, bool psci_0_1)
{
	int r;

	if (!vcpu_have_pref) {
		memset(&vcpu_pref, 0, sizeof(vcpu_pref));
		if (ioctl(vm_fd, KVM_ARM_PREFERRED_TARGET, &vcpu_pref) < 0)
			return -errno;
		vcpu_have_pref = true;
	}
	vcpu_target = vcpu_pref.target;
	vcpu->features0 = vcpu_pref.features[0];
	/* VCPU 0 boots; the others start powered off until the guest's CPU_ON. */
	if (vcpu->id > 0)
		vcpu->features0 |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (!psci_0_1)
		vcpu->features0 |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	r = vcpu_do_init(vcpu, vcpu_target);
	if (r)
		return r;
	return vcpu_get_reg(vcpu, PINVM_REG_MPIDR, &vcpu->mpidr);
}

int vcpu_reinit(struct vcpu *vcpu)
{
	/* Same target and feature bits, POWER_OFF included (kvm-psci-uapi.md §8). */
	return vcpu_do_init(vcpu, vcpu_target);
}

int vcpu_get_reg(const struct vcpu *vcpu, uint64_t id, uint64_t *ret)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)ret };

	return ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg) < 0 ? -errno : 0;
}

int vcpu_set_reg(const struct vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)&val };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) < 0 ? -errno : 0;
}

int vcpu_set_mp_state(const struct vcpu *vcpu, uint32_t state)
{
	struct kvm_mp_state mp = { .mp_state = state };

	return ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp) < 0 ? -errno : 0;
}

int vcpu_get_mp_state(const struct vcpu *vcpu, uint32_t *ret)
{
	struct kvm_mp_state mp;

	if (ioctl(vcpu->fd, KVM_GET_MP_STATE, &mp) < 0)
		return -errno;
	*ret = mp.mp_state;
	return 0;
}

int vcpu_set_boot_regs(const struct vcpu *vcpu, uint64_t entry, uint64_t dtb)
{
	int r;

	/*
	 * KVM_ARM_VCPU_INIT has just reset the core registers: x0-x30 zero,
	 * PSTATE EL1h with D, A, I, F masked (kvm_reset_vcpu(),
	 * arch/arm64/kvm/reset.c). Only x0 and PC differ from that.
	 */
	r = vcpu_set_reg(vcpu, PINVM_REG_X(0), dtb);
	if (!r)
		r = vcpu_set_reg(vcpu, PINVM_REG_PC, entry);
	return r;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->run && vcpu->m)
		(void)munmap(vcpu->run, vcpu->m->host.run_size);
	vcpu->run = NULL;
	if (vcpu->fd >= 0)
		(void)close(vcpu->fd);
	vcpu->fd = -1;
}

/* Stop the machine because this vCPU failed; PC/PSTATE go into the report. */
static void vcpu_fail(struct vcpu *vcpu, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void vcpu_fail(struct vcpu *vcpu, const char *fmt, ...)
{
	struct machine_stop stop;
	va_list ap;

	memset(&stop, 0, sizeof(stop));
	stop.kind = MACHINE_STOP_FAILURE;
	stop.vcpu = vcpu->id;
	va_start(ap, fmt);
	vsnprintf(stop.reason, sizeof(stop.reason), fmt, ap);
	va_end(ap);
	(void)vcpu_get_reg(vcpu, PINVM_REG_PC, &stop.pc);
	(void)vcpu_get_reg(vcpu, PINVM_REG_PSTATE, &stop.pstate);
	machine_request_stop(vcpu->m, &stop);
}

static void vcpu_stop_event(struct vcpu *vcpu, enum machine_stop_kind kind)
{
	struct machine_stop stop;

	memset(&stop, 0, sizeof(stop));
	stop.kind = kind;
	stop.vcpu = vcpu->id;
	if (kind == MACHINE_STOP_RESET2) {
		uint64_t x1 = 0;

		/* PSCI 1.1 SYSTEM_RESET2: KVM leaves reset_type in x1 and cookie in x2. */
		(void)vcpu_get_reg(vcpu, PINVM_REG_X(1), &x1);
		(void)vcpu_get_reg(vcpu, PINVM_REG_X(2), &stop.cookie);
		stop.reset_type = psci_reset2_type(x1);
	}
	machine_request_stop(vcpu->m, &stop);
}

/* PSCI return codes go into x0 sign-extended to 64 bits, as KVM does. */
static int vcpu_psci_return(struct vcpu *vcpu, int32_t ret)
{
	return vcpu_set_reg(vcpu, PINVM_REG_X(0), (uint64_t)(int64_t)ret);
}

static void vcpu_log_suspend(struct vcpu *vcpu, uint64_t entry, uint64_t context,
			     const char *result)
{
	evlog_emit(vcpu->m->log, "suspend", "\"vcpu\":%u,\"entry\":\"0x%" PRIx64
		   "\",\"context\":\"0x%" PRIx64 "\",\"result\":\"%s\"",
		   vcpu->id, entry, context, result);
}

/* The guest's SYSTEM_SUSPEND returns DENIED (PSCI: other cores on, or policy). */
static void vcpu_suspend_deny(struct vcpu *vcpu, uint64_t entry, uint64_t context)
{
	vcpu_log_suspend(vcpu, entry, context, "denied");
	if (vcpu_psci_return(vcpu, PSCI_RET_DENIED))
		vcpu_fail(vcpu, "cannot return DENIED for SYSTEM_SUSPEND");
}

/*
 * SYSTEM_SUSPEND (KVM_CAP_ARM_SYSTEM_SUSPEND): KVM checks nothing and changes
 * no register, so pinvm must deny (x0 = DENIED) or suspend the vCPU and, on
 * the wake-up exit, resume it at x1 with x2 in x0, as after CPU_ON.
 */
static void vcpu_handle_suspend(struct vcpu *vcpu)
{
	struct machine *m = vcpu->m;
	uint64_t entry = 0, context = 0;
	bool others_off = true;
	int r;

	(void)vcpu_get_reg(vcpu, PINVM_REG_X(1), &entry);
	(void)vcpu_get_reg(vcpu, PINVM_REG_X(2), &context);

	/* PSCI: every other core must be OFF, else DENIED. */
	if (m->nr_vcpus > 1) {
		if (!machine_pause_others(m, vcpu))
			return;
		for (unsigned int i = 0; i < m->nr_vcpus; i++) {
			uint32_t state = 0;

			if (&m->vcpus[i] == vcpu)
				continue;
			if (vcpu_get_mp_state(&m->vcpus[i], &state) || state != KVM_MP_STATE_STOPPED)
				others_off = false;
		}
		machine_resume_others(m);
	}
	if (!others_off) {
		vcpu_suspend_deny(vcpu, entry, context);
		return;
	}

	vcpu_log_suspend(vcpu, entry, context, "suspended");
	vcpu->resume_entry = entry;
	vcpu->resume_context = context;
	r = vcpu_set_mp_state(vcpu, KVM_MP_STATE_SUSPENDED);
	if (r) {
		vcpu_fail(vcpu, "KVM_SET_MP_STATE(SUSPENDED): %s", strerror(-r));
		return;
	}
	vcpu->suspended = true;
}

static void vcpu_handle_wakeup(struct vcpu *vcpu)
{
	int r;

	evlog_emit(vcpu->m->log, "wakeup", "\"vcpu\":%u", vcpu->id);
	if (!vcpu->suspended)
		return;	/* not ours to resume: let KVM_RUN carry on */
	vcpu->suspended = false;
	/* Resume like CPU_ON: a reset core (MMU off) at the entry, context in x0. */
	r = vcpu_reinit(vcpu);
	if (!r)
		r = vcpu_set_reg(vcpu, PINVM_REG_PSTATE, PSTATE_EL1H_DAIF);
	if (!r)
		r = vcpu_set_reg(vcpu, PINVM_REG_X(0), vcpu->resume_context);
	if (!r)
		r = vcpu_set_reg(vcpu, PINVM_REG_PC, vcpu->resume_entry);
	if (!r)
		r = vcpu_set_mp_state(vcpu, KVM_MP_STATE_RUNNABLE);
	if (r)
		vcpu_fail(vcpu, "cannot resume after SYSTEM_SUSPEND: %s", strerror(-r));
}

static void vcpu_handle_system_event(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint64_t data0 = run->system_event.ndata ? run->system_event.data[0] : 0;
	enum psci_event ev = psci_decode_event(run->system_event.type,
					       run->system_event.ndata, data0);

	switch (ev) {
	case PSCI_EV_SYSTEM_OFF:
		vcpu_stop_event(vcpu, MACHINE_STOP_SYSTEM_OFF);
		break;
	case PSCI_EV_SYSTEM_OFF2:
		vcpu_stop_event(vcpu, MACHINE_STOP_SYSTEM_OFF2);
		break;
	case PSCI_EV_RESET:
		vcpu_stop_event(vcpu, MACHINE_STOP_RESET);
		break;
	case PSCI_EV_RESET2:
		vcpu_stop_event(vcpu, MACHINE_STOP_RESET2);
		break;
	case PSCI_EV_SUSPEND:
		vcpu_handle_suspend(vcpu);
		break;
	case PSCI_EV_WAKEUP:
		vcpu_handle_wakeup(vcpu);
		break;
	case PSCI_EV_CRASH:
		vcpu_fail(vcpu, "guest crash event (KVM_SYSTEM_EVENT_CRASH)");
		break;
	case PSCI_EV_UNKNOWN:
		vcpu_fail(vcpu, "unknown system event type %u (ndata %u, data[0] 0x%" PRIx64 ")",
			  run->system_event.type, run->system_event.ndata, data0);
		break;
	}
}

/* One boot of this vCPU: KVM_RUN and its exits until the machine stops. */
static void vcpu_run_boot(struct vcpu *vcpu)
{
	struct machine *m = vcpu->m;
	struct kvm_run *run = vcpu->run;

	while (!m->stopping) {
		machine_vcpu_checkpoint(m);
		if (m->stopping)
			break;
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				run->immediate_exit = 0;
				continue;
			}
			if (errno == ENOSYS)
				/* arm64 KVM: a data abort outside RAM it cannot decode (ISV = 0). */
				vcpu_fail(vcpu, "KVM_RUN: guest access to a device address that KVM cannot emulate (no valid syndrome, e.g. a load/store pair)");
			else
				vcpu_fail(vcpu, "KVM_RUN: %s", strerror(errno));
			break;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			mmio_dispatch(&m->mmio, run->mmio.phys_addr, run->mmio.data,
				      run->mmio.len, run->mmio.is_write);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			vcpu_handle_system_event(vcpu);
			break;
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_FAIL_ENTRY:
			vcpu_fail(vcpu, "KVM_EXIT_FAIL_ENTRY (hardware_entry_failure_reason 0x%llx, cpu %u)",
				  (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
				  run->fail_entry.cpu);
			break;
		case KVM_EXIT_INTERNAL_ERROR:
			vcpu_fail(vcpu, "KVM_EXIT_INTERNAL_ERROR (suberror %u)",
				  run->internal.suberror);
			break;
		case KVM_EXIT_ARM_NISV:
			vcpu_fail(vcpu, "KVM_EXIT_ARM_NISV: MMIO access without a valid syndrome at 0x%llx",
				  (unsigned long long)run->arm_nisv.fault_ipa);
			break;
		default:
			vcpu_fail(vcpu, "unhandled KVM exit reason %u", run->exit_reason);
			break;
		}
	}
}

void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;

	/* Between boots (in-process restarts) the thread waits, parked. */
	do
		vcpu_run_boot(vcpu);
	while (machine_vcpu_park(vcpu->m));
	return NULL;
}
