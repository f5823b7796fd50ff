// SPDX-License-Identifier: GPL-2.0-only
/* vCPU bring-up, registers, the kick and the KVM_RUN loop performing vmexit_decide()'s actions. */
#include "pinvm/vcpu.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "pinvm/crash.h"
#include "pinvm/evlog.h"
#include "pinvm/kvm-compat.h"
#include "pinvm/mmio.h"
#include "pinvm/power.h"
#include "pinvm/psci.h"
#include "pinvm/psci_fw.h"
#include "pinvm/sandbox.h"
#include "pinvm/vmexit.h"

#if !defined(__aarch64__)
#error "pinvm drives arm64 KVM: build it for aarch64 (see meson/aarch64-linux-gnu.ini)"
#endif

/* PSTATE after reset: EL1h (M = 0b0101) with D, A, I and F masked */
#define PSTATE_EL1H_DAIF	0x3c5ULL
/* SCTLR_EL1 and its EE bit (data accesses at EL1 big-endian) */
#define VCPU_REG_SCTLR_EL1	ARM64_SYS_REG(3, 0, 1, 0, 0)
#define SCTLR_EL1_EE		(1ULL << 25)

int vcpu_create(struct vcpu *vcpu, const struct vcpu_env *env, int vm_fd, unsigned int id,
		size_t run_size)
{
	void *run;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->env = env;
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
	vcpu->run_size = run_size;
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

int vcpu_fd_reg_list(int vcpu_fd, struct kvm_reg_list **ret_list)
{
	struct kvm_reg_list probe = { .n = 0 }, *list;

	*ret_list = NULL;
	/* A first call with n = 0 fails with E2BIG and tells the count. */
	if (ioctl(vcpu_fd, KVM_GET_REG_LIST, &probe) == 0)
		return 0;
	if (errno != E2BIG)
		return -errno;
	list = calloc(1, sizeof(*list) + probe.n * sizeof(uint64_t));
	if (!list)
		return -ENOMEM;
	list->n = probe.n;
	if (ioctl(vcpu_fd, KVM_GET_REG_LIST, list) < 0) {
		int r = -errno;

		free(list);
		return r;
	}
	*ret_list = list;
	return 0;
}

int vcpu_reg_list(const struct vcpu *vcpu, uint64_t **ret_ids, unsigned int *ret_nr)
{
	struct kvm_reg_list *list;
	uint64_t *ids;
	int r;

	*ret_ids = NULL;
	*ret_nr = 0;
	r = vcpu_fd_reg_list(vcpu->fd, &list);
	if (r < 0 || !list)
		return r;
	ids = malloc(list->n * sizeof(uint64_t) + 1);
	if (!ids) {
		free(list);
		return -ENOMEM;
	}
	memcpy(ids, list->reg, list->n * sizeof(uint64_t));
	*ret_nr = (unsigned int)list->n;
	*ret_ids = ids;
	free(list);
	return 0;
}

int vcpu_get_reg_raw(const struct vcpu *vcpu, uint64_t id, void *buf)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)buf };

	return ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg) < 0 ? -errno : 0;
}

int vcpu_set_reg_raw(const struct vcpu *vcpu, uint64_t id, const void *buf)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)buf };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) < 0 ? -errno : 0;
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
	if (vcpu->run)
		(void)munmap(vcpu->run, vcpu->run_size);
	vcpu->run = NULL;
	if (vcpu->fd >= 0)
		(void)close(vcpu->fd);
	vcpu->fd = -1;
}

/* ---- the kick ---- */

/* This thread's kvm_run, for the kick handler. */
static __thread struct kvm_run *vcpu_self_run;

static void vcpu_kick_handler(int sig)
{
	struct kvm_run *run = vcpu_self_run;

	(void)sig;
	/*
	 * Arriving between the loop's look at the stop flag and KVM_RUN, the
	 * signal would be lost: this makes that KVM_RUN return EINTR at once.
	 */
	if (run)
		__atomic_store_n(&run->immediate_exit, 1, __ATOMIC_SEQ_CST);
}

int vcpu_install_kick_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = vcpu_kick_handler;	/* no SA_RESTART: KVM_RUN must return */
	sigemptyset(&sa.sa_mask);
	return sigaction(VCPU_KICK_SIGNAL, &sa, NULL) < 0 ? -errno : 0;
}

void vcpu_kick(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	(void)pthread_kill(vcpu->thread, VCPU_KICK_SIGNAL);
}

/* ---- performing the actions ---- */

static void vcpu_stop(struct vcpu *vcpu, const struct stop *stop)
{
	vcpu->env->ops->stop(vcpu->env->ctx, stop);
}

/* Stop the machine because this vCPU failed; PC/PSTATE go into the report. */
static void vcpu_fail(struct vcpu *vcpu, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void vcpu_fail(struct vcpu *vcpu, const char *fmt, ...)
{
	struct stop stop;
	va_list ap;

	memset(&stop, 0, sizeof(stop));
	stop.kind = STOP_FAILURE;
	stop.vcpu = vcpu->id;
	va_start(ap, fmt);
	vsnprintf(stop.reason, sizeof(stop.reason), fmt, ap);
	va_end(ap);
	vcpu_stop(vcpu, &stop);
}

/* A stop decided from the exit: the registers it names come from the vCPU. */
static void vcpu_stop_exit(struct vcpu *vcpu, struct stop *stop)
{
	uint64_t x1 = 0;

	switch (stop->kind) {
	case STOP_RESET2:
		/*
		 * PSCI 1.1 SYSTEM_RESET2: KVM leaves reset_type in x1 and the
		 * cookie in x2. The type is 32 bits for the SMC64 id too: KVM
		 * compares a u32 (kvm_psci_system_reset2()).
		 */
		(void)vcpu_get_reg(vcpu, PINVM_REG_X(1), &x1);
		stop->reset_type = (uint32_t)x1;
		(void)vcpu_get_reg(vcpu, PINVM_REG_X(2), &stop->cookie);
		break;
	case STOP_FAILURE:
		(void)vcpu_get_reg(vcpu, PINVM_REG_PC, &stop->pc);
		(void)vcpu_get_reg(vcpu, PINVM_REG_PSTATE, &stop->pstate);
		break;
	default:
		break;
	}
	vcpu_stop(vcpu, stop);
}

/* PSCI return codes go into x0 sign-extended to 64 bits, as KVM does. */
static int vcpu_psci_return(struct vcpu *vcpu, int32_t ret)
{
	return vcpu_set_reg(vcpu, PINVM_REG_X(0), (uint64_t)(int64_t)ret);
}

static void vcpu_log_suspend(struct vcpu *vcpu, uint64_t entry, uint64_t context,
			     const char *result)
{
	evlog_emit(vcpu->env->log, "suspend", "\"vcpu\":%u,\"entry\":\"0x%" PRIx64
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
static void vcpu_suspend(struct vcpu *vcpu)
{
	const struct vcpu_env *env = vcpu->env;
	uint64_t entry = 0, context = 0;
	int r;

	(void)vcpu_get_reg(vcpu, PINVM_REG_X(1), &entry);
	(void)vcpu_get_reg(vcpu, PINVM_REG_X(2), &context);

	if (env->no_suspend) {
		vcpu_suspend_deny(vcpu, entry, context);
		return;
	}
	/* PSCI: every other core must be OFF, else DENIED. */
	if (!env->ops->sync_power(env->ctx, vcpu->id))
		return;
	if (!power_suspend(env->power, vcpu->id, entry, context)) {
		vcpu_suspend_deny(vcpu, entry, context);
		return;
	}
	vcpu_log_suspend(vcpu, entry, context, "suspended");
	r = vcpu_set_mp_state(vcpu, KVM_MP_STATE_SUSPENDED);
	if (r) {
		power_set(env->power, vcpu->id, POWER_ON);
		vcpu_fail(vcpu, "KVM_SET_MP_STATE(SUSPENDED): %s", strerror(-r));
	}
}

static void vcpu_wakeup(struct vcpu *vcpu)
{
	uint64_t entry, context;
	int r;

	if (vcpu->standby) {
		/* CPU_SUSPEND's standby ends with the interrupt that woke it. */
		vcpu->standby = false;
		r = vcpu_set_mp_state(vcpu, KVM_MP_STATE_RUNNABLE);
		if (r)
			vcpu_fail(vcpu, "cannot end CPU_SUSPEND's standby: %s", strerror(-r));
		return;
	}
	evlog_emit(vcpu->env->log, "wakeup", "\"vcpu\":%u", vcpu->id);
	if (!power_wake(vcpu->env->power, vcpu->id, &entry, &context))
		return;	/* not ours to resume: let KVM_RUN carry on */
	/* Resume like CPU_ON: a reset core (MMU off) at the entry, context in x0. */
	r = vcpu_reinit(vcpu);
	if (!r)
		r = vcpu_set_reg(vcpu, PINVM_REG_PSTATE, PSTATE_EL1H_DAIF);
	if (!r)
		r = vcpu_set_reg(vcpu, PINVM_REG_X(0), context);
	if (!r)
		r = vcpu_set_reg(vcpu, PINVM_REG_PC, entry);
	if (!r)
		r = vcpu_set_mp_state(vcpu, KVM_MP_STATE_RUNNABLE);
	if (r)
		vcpu_fail(vcpu, "cannot resume after SYSTEM_SUSPEND: %s", strerror(-r));
}

/* ---- pinvm's PSCI firmware (the SMCCC filter forwards PSCI calls) ---- */

/*
 * A CPU_ON start, on the target's own thread: the reset KVM's CPU_ON does
 * (KVM_ARM_VCPU_INIT: registers zero, PSTATE EL1h with DAIF masked, MMU
 * off), runnable, at @entry with @context in x0, the caller's endianness.
 */
static int vcpu_start(struct vcpu *vcpu, uint64_t entry, uint64_t context, bool big_endian)
{
	uint64_t sctlr;
	int r;

	r = vcpu_reinit(vcpu);
	/* INIT keeps a secondary's POWER_OFF feature: it is STOPPED until this. */
	if (!r)
		r = vcpu_set_mp_state(vcpu, KVM_MP_STATE_RUNNABLE);
	if (!r && big_endian) {
		r = vcpu_get_reg(vcpu, VCPU_REG_SCTLR_EL1, &sctlr);
		if (!r)
			r = vcpu_set_reg(vcpu, VCPU_REG_SCTLR_EL1, sctlr | SCTLR_EL1_EE);
	}
	if (!r)
		r = vcpu_set_boot_regs(vcpu, entry, context);
	return r;
}

/* An off vCPU waits, outside KVM_RUN, for a CPU_ON. Returns: false when the boot stops. */
static bool vcpu_wait_start(struct vcpu *vcpu)
{
	const struct vcpu_env *env = vcpu->env;
	uint64_t entry, context;
	bool be;
	int r;

	if (!env->ops->wait_start(env->ctx, vcpu->id, &entry, &context, &be))
		return false;
	r = vcpu_start(vcpu, entry, context, be);
	if (r) {
		vcpu_fail(vcpu, "cannot start vCPU %u for CPU_ON: %s", vcpu->id, strerror(-r));
		return false;
	}
	return true;
}

static void vcpu_log_psci(struct vcpu *vcpu, const struct psci_fw_call *c,
			  const struct psci_fw_result *res)
{
	const char *fn = psci_fw_fn_name(c->fid), *ret = psci_fw_ret_name((int64_t)res->x0);

	evlog_emit(vcpu->env->log, "psci", "\"vcpu\":%u,\"conduit\":\"%s\",\"fid\":\"0x%08" PRIx32
		   "\",\"function\":\"%s\",\"args\":[\"0x%" PRIx64 "\",\"0x%" PRIx64 "\",\"0x%"
		   PRIx64 "\"],\"result\":\"%s\",\"x0\":\"0x%" PRIx64 "\",\"action\":\"%s\"",
		   vcpu->id, c->smc ? "smc" : "hvc", c->fid, fn ? fn : "unknown",
		   c->x1, c->x2, c->x3, ret ? ret : "value", res->x0,
		   psci_fw_action_name(res->action));
}

/*
 * A PSCI call the filter forwarded: the firmware's answer into x0..x3 (as
 * KVM's smccc_set_retval() writes them), then its action.
 * Returns: true when the vCPU goes on running; false when it turned itself
 * off (CPU_OFF) and must wait for a CPU_ON.
 */
static bool vcpu_hypercall(struct vcpu *vcpu, uint32_t fid, bool smc)
{
	const struct vcpu_env *env = vcpu->env;
	struct psci_fw_call c = { .vcpu = vcpu->id, .fid = fid, .smc = smc };
	struct psci_fw_result res;
	uint64_t sctlr = 0;
	int r;

	r = vcpu_get_reg(vcpu, PINVM_REG_X(1), &c.x1);
	if (!r)
		r = vcpu_get_reg(vcpu, PINVM_REG_X(2), &c.x2);
	if (!r)
		r = vcpu_get_reg(vcpu, PINVM_REG_X(3), &c.x3);
	/* Only CPU_ON reads the caller's endianness: its target starts with it. */
	if (!r && (fid == PSCI_0_2_FN_CPU_ON || fid == PSCI_0_2_FN64_CPU_ON)) {
		r = vcpu_get_reg(vcpu, VCPU_REG_SCTLR_EL1, &sctlr);
		c.big_endian = sctlr & SCTLR_EL1_EE;
	}
	if (r) {
		vcpu_fail(vcpu, "cannot read the arguments of PSCI call 0x%08" PRIx32 ": %s", fid,
			  strerror(-r));
		return true;
	}
	psci_fw_call(env->fw, &c, &res);
	if (env->log_psci)
		vcpu_log_psci(vcpu, &c, &res);

	r = vcpu_set_reg(vcpu, PINVM_REG_X(0), res.x0);
	/* x1..x3 are zero after every call; write only those that are not. */
	if (!r && c.x1)
		r = vcpu_set_reg(vcpu, PINVM_REG_X(1), 0);
	if (!r && c.x2)
		r = vcpu_set_reg(vcpu, PINVM_REG_X(2), 0);
	if (!r && c.x3)
		r = vcpu_set_reg(vcpu, PINVM_REG_X(3), 0);
	if (r) {
		vcpu_fail(vcpu, "cannot return from PSCI call 0x%08" PRIx32 ": %s", fid, strerror(-r));
		return true;
	}

	switch (res.action) {
	case PSCI_FW_RESUME:
		if ((fid == PSCI_1_0_FN_SYSTEM_SUSPEND || fid == PSCI_1_0_FN64_SYSTEM_SUSPEND) &&
		    (int64_t)res.x0 == PSCI_RET_DENIED)
			vcpu_log_suspend(vcpu, c.x1, c.x2, "denied");
		break;
	case PSCI_FW_STOP:
		vcpu_stop(vcpu, &res.stop);
		break;
	case PSCI_FW_CPU_ON:
		env->ops->wake(env->ctx, res.target);
		break;
	case PSCI_FW_STANDBY:
		r = vcpu_set_mp_state(vcpu, KVM_MP_STATE_SUSPENDED);
		if (r)
			vcpu_fail(vcpu, "KVM_SET_MP_STATE(SUSPENDED) for CPU_SUSPEND: %s", strerror(-r));
		else
			vcpu->standby = true;
		break;
	case PSCI_FW_SYSTEM_SUSPEND:
		vcpu_log_suspend(vcpu, res.entry, res.context, "suspended");
		r = vcpu_set_mp_state(vcpu, KVM_MP_STATE_SUSPENDED);
		if (r) {
			power_set(env->power, vcpu->id, POWER_ON);
			vcpu_fail(vcpu, "KVM_SET_MP_STATE(SUSPENDED): %s", strerror(-r));
		}
		break;
	case PSCI_FW_CPU_OFF:
		if (res.last) {
			struct stop stop = { .kind = STOP_ALL_OFF, .vcpu = vcpu->id };

			vcpu_stop(vcpu, &stop);
		}
		/* KVM_GET_MP_STATE stays truthful for whoever asks. */
		(void)vcpu_set_mp_state(vcpu, KVM_MP_STATE_STOPPED);
		return false;
	}
	return true;
}

/*
 * KVM finishes an MMIO read (the data into the register, PC past the
 * instruction) at the next KVM_RUN. A vCPU that parks after an MMIO exit
 * must have that KVM_RUN before the next boot's KVM_ARM_VCPU_INIT, or KVM
 * completes the stale access on the fresh vCPU and skips its first
 * instruction: immediate_exit makes it return EINTR right after completing.
 */
static void vcpu_complete_exit(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	(void)ioctl(vcpu->fd, KVM_RUN, 0);
	__atomic_store_n(&vcpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
}

/* ON or SUSPENDED: KVM_RUN runs it (or waits in KVM for its wake-up). */
static bool vcpu_powered(struct vcpu *vcpu)
{
	enum power_state st = power_get(vcpu->env->power, vcpu->id);

	return st == POWER_ON || st == POWER_SUSPENDED;
}

/* One boot of this vCPU: KVM_RUN and its exits until the machine stops. */
static void vcpu_run_boot(struct vcpu *vcpu)
{
	const struct vcpu_env *env = vcpu->env;
	struct kvm_run *run = vcpu->run;
	bool incomplete = false;	/* the last exit needs a KVM_RUN to complete */

	while (!env->ops->stopping(env->ctx)) {
		struct vmexit_action a;
		int err = 0;

		/*
		 * Paused with an MMIO access KVM has not completed, the vCPU's
		 * registers would not be the guest's (a snapshot's): complete it.
		 */
		if (incomplete && env->ops->pausing && env->ops->pausing(env->ctx)) {
			vcpu_complete_exit(vcpu);
			incomplete = false;
		}
		env->ops->checkpoint(env->ctx, vcpu->id);
		if (env->ops->stopping(env->ctx))
			break;
		/* With pinvm's firmware an off vCPU is never in KVM_RUN. */
		if (env->fw && !vcpu_powered(vcpu) && !vcpu_wait_start(vcpu))
			break;
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0)
			err = errno;
		incomplete = false;
		if (err == EINTR || err == EAGAIN)
			/* Kicked; the loop looks at the stop flag before the next KVM_RUN. */
			__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);

		vmexit_decide(run, err, env->fw != NULL, vcpu->id, &a);
		switch (a.kind) {
		case VMEXIT_RESUME:
			break;
		case VMEXIT_MMIO:
			/* An unmapped access is the bus's to report (once per address). */
			(void)mmio_dispatch(env->bus, run->mmio.phys_addr, run->mmio.data,
					    run->mmio.len, run->mmio.is_write);
			incomplete = true;
			break;
		case VMEXIT_STOP:
			vcpu_stop_exit(vcpu, &a.stop);
			break;
		case VMEXIT_SUSPEND:
			vcpu_suspend(vcpu);
			break;
		case VMEXIT_WAKEUP:
			vcpu_wakeup(vcpu);
			break;
		case VMEXIT_HYPERCALL:
			(void)vcpu_hypercall(vcpu, a.fid, a.smc);
			break;
		}
	}
	if (incomplete)
		vcpu_complete_exit(vcpu);
}

void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	const struct vcpu_env *env = vcpu->env;
	unsigned int boot = 0;
	int r;

	vcpu_self_run = vcpu->run;
	/* Named in a crash report, on its own signal stack (reserved by the runloop). */
	(void)crash_thread_enter("vCPU", NULL, (long)vcpu->id);
	/* Its own, narrower seccomp filter before the first KVM_RUN (docs/security.md). */
	r = sandbox_install_thread(SANDBOX_VCPU);
	/* Between boots (in-process restarts) the thread waits in next_boot. */
	while (env->ops->next_boot(env->ctx, &boot)) {
		vcpu->standby = false;
		if (r)
			vcpu_fail(vcpu, "cannot install the vCPU thread's seccomp filter: %s",
				  strerror(-r));
		else
			vcpu_run_boot(vcpu);
		env->ops->parked(env->ctx);
	}
	crash_thread_leave();
	return NULL;
}
