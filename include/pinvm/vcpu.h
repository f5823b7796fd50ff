/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vCPUs: KVM_CREATE_VCPU, the kvm_run mapping, KVM_ARM_VCPU_INIT, register
 * access, and the per-vCPU thread that runs KVM_RUN and handles its exits.
 */
#ifndef PINVM_VCPU_H
#define PINVM_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

struct machine;
struct kvm_run;

struct vcpu {
	struct machine *m;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	uint64_t mpidr;
	uint32_t features0;	/* KVM_ARM_VCPU_INIT features[0], reused on re-init */
	pthread_t thread;
	bool thread_started;
	/* PSCI SYSTEM_SUSPEND: where to resume on the wake-up exit */
	bool suspended;
	uint64_t resume_entry, resume_context;
};

/**
 * vcpu_create() - KVM_CREATE_VCPU and map its kvm_run.
 * Returns: 0; -errno.
 */
int vcpu_create(struct vcpu *vcpu, struct machine *m, int vm_fd, unsigned int id,
		size_t run_size);

/**
 * vcpu_init() - KVM_ARM_PREFERRED_TARGET on @vm_fd, then KVM_ARM_VCPU_INIT with
 * PSCI 0.2 (unless @psci_0_1) and POWER_OFF for every vCPU but 0; reads MPIDR.
 * Returns: 0; -errno (-EINVAL: the host rejects the feature set).
 */
int vcpu_init(struct vcpu *vcpu, int vm_fd, bool psci_0_1);

/**
 * vcpu_reinit() - KVM_ARM_VCPU_INIT again with the same target and features
 * (a reset of the vCPU; used to resume from SYSTEM_SUSPEND like CPU_ON).
 * Returns: 0; -errno.
 */
int vcpu_reinit(struct vcpu *vcpu);

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
 * vcpu_thread() - the pthread body: KVM_RUN until the machine stops, then
 * parked until the next boot (machine_vcpu_park()) or its end.
 */
void *vcpu_thread(void *arg);

/** vcpu_destroy() - unmap kvm_run, close the fd. Accepts a half-built vCPU. */
void vcpu_destroy(struct vcpu *vcpu);

#endif
