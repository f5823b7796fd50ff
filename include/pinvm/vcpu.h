/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vCPUs: KVM_CREATE_VCPU, the kvm_run mapping, KVM_ARM_VCPU_INIT, register
 * access, the kick, and the per-vCPU thread that runs KVM_RUN and performs
 * what vmexit_decide() makes of each exit.
 *
 * A vCPU knows a narrow environment, not the machine: the MMIO bus, the
 * event log, the power-state table and a few operations of the run loop
 * (struct vcpu_ops). A stop leaves it as a value (struct stop).
 */
#ifndef PINVM_VCPU_H
#define PINVM_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <signal.h>

#include "pinvm/stop.h"

struct evlog;
struct kvm_run;
struct mmio_bus;
struct power;
struct psci_fw;

/* The signal that kicks a vCPU thread out of KVM_RUN (vcpu_kick()). */
#define VCPU_KICK_SIGNAL	SIGUSR1

/* What the run loop does for a vCPU thread; @ctx is vcpu_env.ctx. */
struct vcpu_ops {
	/* The boot is stopping: leave the KVM_RUN loop. */
	bool (*stopping)(void *ctx);
	/* End the boot with @stop (the first stop of a boot wins). */
	void (*stop)(void *ctx, const struct stop *stop);
	/* A pause is requested: complete the last exit before the checkpoint. */
	bool (*pausing)(void *ctx);
	/*
	 * Between two KVM_RUNs of vCPU @self: wait while another thread has
	 * the vCPUs paused; do the run loop's asked-for check that not every
	 * vCPU is off (KVM's PSCI).
	 */
	void (*checkpoint)(void *ctx, unsigned int self);
	/*
	 * Bring the power table up to date for every vCPU but @self (with KVM's
	 * PSCI only KVM knows who is on). Returns false when the boot is stopping.
	 */
	bool (*sync_power)(void *ctx, unsigned int self);
	/*
	 * Wait until a boot after *@seen starts (the first call: until every
	 * vCPU thread exists), store its number in *@seen.
	 * Returns: true to run it; false: the thread ends.
	 */
	bool (*next_boot)(void *ctx, unsigned int *seen);
	/* This thread's part of the boot is over (it is out of KVM_RUN for good). */
	void (*parked)(void *ctx);
	/* pinvm's PSCI firmware: vCPU @target was made ON_PENDING; wake its thread. */
	void (*wake)(void *ctx, unsigned int target);
	/*
	 * pinvm's PSCI firmware: this vCPU (@self) is off; wait, outside
	 * KVM_RUN, until a CPU_ON gives it a start (power_started()).
	 * Returns: true with the start; false when the boot is stopping.
	 */
	bool (*wait_start)(void *ctx, unsigned int self, uint64_t *entry, uint64_t *context,
			   bool *big_endian);
};

struct vcpu_env {
	struct mmio_bus *bus;
	struct evlog *log;
	struct power *power;
	bool no_suspend;		/* defence: KVM is not asked for SYSTEM_SUSPEND then */
	/* pinvm's own PSCI firmware answers (the SMCCC filter forwards PSCI); NULL: KVM's */
	const struct psci_fw *fw;
	bool log_psci;			/* an event-log record per forwarded PSCI call */
	const struct vcpu_ops *ops;
	void *ctx;
};

struct vcpu {
	const struct vcpu_env *env;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	uint64_t mpidr;
	uint32_t features0;	/* KVM_ARM_VCPU_INIT features[0], reused on re-init */
	pthread_t thread;
	bool thread_started;	/* written under the run loop's lock, before any boot starts */
	bool standby;		/* in CPU_SUSPEND's standby (pinvm's firmware): RUNNABLE on wake-up */
};

/**
 * vcpu_create() - KVM_CREATE_VCPU and map its kvm_run (@run_size bytes).
 * Returns: 0; -errno.
 */
int vcpu_create(struct vcpu *vcpu, const struct vcpu_env *env, int vm_fd, unsigned int id,
		size_t run_size);

/**
 * vcpu_init() - KVM_ARM_PREFERRED_TARGET on @vm_fd, then KVM_ARM_VCPU_INIT with
 * PSCI 0.2 (unless @psci_0_1) and POWER_OFF for every vCPU but 0; reads MPIDR.
 * Returns: 0; -errno (-EINVAL: the host rejects the feature set).
 */
int vcpu_init(struct vcpu *vcpu, int vm_fd, bool psci_0_1);

/**
 * vcpu_reinit() - KVM_ARM_VCPU_INIT again with the same target and features
 * (a reset of the vCPU: an in-place restart, a resume from SYSTEM_SUSPEND).
 * Returns: 0; -errno.
 */
int vcpu_reinit(struct vcpu *vcpu);

struct kvm_reg_list;

/**
 * vcpu_fd_reg_list() - KVM_GET_REG_LIST of the vCPU @vcpu_fd, sized by a first
 * probe. @ret_list: heap (free() it), NULL when KVM lists no register.
 * Return: 0 or -errno.
 */
int vcpu_fd_reg_list(int vcpu_fd, struct kvm_reg_list **ret_list);

/**
 * vcpu_reg_list() - every register KVM_GET_REG_LIST lists for @vcpu, in a
 * heap array (*ret_ids, free() it) of *ret_nr ids. Returns: 0; -errno.
 */
int vcpu_reg_list(const struct vcpu *vcpu, uint64_t **ret_ids, unsigned int *ret_nr);

/** vcpu_get_reg_raw() - KVM_GET_ONE_REG of a register of any size into @buf. */
int vcpu_get_reg_raw(const struct vcpu *vcpu, uint64_t id, void *buf);

/** vcpu_set_reg_raw() - KVM_SET_ONE_REG of a register of any size from @buf. */
int vcpu_set_reg_raw(const struct vcpu *vcpu, uint64_t id, const void *buf);

int vcpu_get_reg(const struct vcpu *vcpu, uint64_t id, uint64_t *ret);
int vcpu_set_reg(const struct vcpu *vcpu, uint64_t id, uint64_t val);
int vcpu_set_mp_state(const struct vcpu *vcpu, uint32_t state);
int vcpu_get_mp_state(const struct vcpu *vcpu, uint32_t *ret);

/**
 * vcpu_set_boot_regs() - Documentation/arch/arm64/booting.rst: x0 = DTB,
 * x1..x3 = 0, PC = entry, PSTATE = EL1h with D, A, I, F masked. Call it
 * right after KVM_ARM_VCPU_INIT, which has set all but x0 and PC already.
 */
int vcpu_set_boot_regs(const struct vcpu *vcpu, uint64_t entry, uint64_t dtb);

/**
 * vcpu_install_kick_handler() - the process-wide no-op handler of
 * VCPU_KICK_SIGNAL (no SA_RESTART: KVM_RUN must return EINTR). Once, before
 * the first vCPU thread starts. Returns: 0; -errno.
 */
int vcpu_install_kick_handler(void);

/**
 * vcpu_kick() - make the vCPU's thread leave KVM_RUN soon: immediate_exit
 * for a thread about to enter it, the signal for one inside it. The caller
 * has published why (e.g. the stop flag) before.
 */
void vcpu_kick(struct vcpu *vcpu);

/**
 * vcpu_thread() - the pthread body: for every boot (vcpu_ops.next_boot),
 * KVM_RUN until the boot stops, then vcpu_ops.parked.
 */
void *vcpu_thread(void *arg);

/** vcpu_destroy() - unmap kvm_run, close the fd. Accepts a half-built vCPU. */
void vcpu_destroy(struct vcpu *vcpu);

#endif
