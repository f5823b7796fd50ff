/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVM VM: /dev/kvm, KVM_CREATE_VM with an IPA size that covers RAM, and
 * guest RAM (an anonymous mapping, not pre-touched, kept across in-process
 * restarts).
 */
#ifndef PINVM_VM_H
#define PINVM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm_host {
	int kvm_fd;
	int api_version;		/* KVM_GET_API_VERSION; -1 when it failed */
	int api_error;			/* errno of a failed KVM_GET_API_VERSION, else 0 */
	unsigned int max_vcpus;
	unsigned int ipa_max;		/* 0 when KVM_CAP_ARM_VM_IPA_SIZE is missing (40 bits) */
	size_t run_size;		/* KVM_GET_VCPU_MMAP_SIZE */
	char release[65];		/* uname -r */
	char machine[65];		/* uname -m */
};

struct vm {
	int vm_fd;
	unsigned int ipa_bits;
	void *ram;
	uint64_t ram_base, ram_size;
};

/**
 * vm_host_open() - open /dev/kvm (O_RDWR|O_CLOEXEC) and read its facts.
 * Returns: 0; -ENOENT no /dev/kvm; -EACCES/-EPERM not permitted;
 * -ENOTSUP the host is not arm64 (uname -m), KVM_GET_API_VERSION failed
 * (host->api_error has its errno) or the API version is not 12;
 * -ENXIO a capability pinvm needs is missing (*ret_missing names it).
 */
int vm_host_open(struct vm_host *host, const char **ret_missing);
void vm_host_close(struct vm_host *host);

/** vm_check_cap() - KVM_CHECK_EXTENSION on @fd (system or VM fd); <0 counts as 0. */
int vm_check_cap(int fd, long cap);

/**
 * vm_has_smccc_filter() - KVM's SMCCC filter (Linux 6.4) on VM @vm_fd: can
 * PSCI calls be forwarded to pinvm (KVM_EXIT_HYPERCALL)?
 */
bool vm_has_smccc_filter(int vm_fd);

/**
 * vm_ipa_bits_for() - IPA bits needed to cover [0, end).
 */
unsigned int vm_ipa_bits_for(uint64_t end);

/**
 * vm_ram_alloc() - reserve @size bytes of guest RAM (MAP_NORESERVE). With
 * @merge (--mem-merge) the RAM is also marked MADV_MERGEABLE, so the
 * host's KSM may share its pages with identical pages of other processes
 * (a side channel between VMs: docs/security.md); without it, it is not.
 * Returns: 0; -ENOMEM; -errno of MADV_MERGEABLE (-EINVAL: no KSM in the
 * host kernel), the RAM then released.
 */
int vm_ram_alloc(struct vm *vm, uint64_t base, uint64_t size, bool merge);
void vm_ram_free(struct vm *vm);

/**
 * vm_create() - KVM_CREATE_VM sized for RAM, then register RAM as slot 0.
 * Returns: 0; -E2BIG RAM beyond the host's IPA space; -errno from KVM.
 */
int vm_create(struct vm *vm, const struct vm_host *host);

/** vm_destroy() - close the VM fd (RAM stays). Accepts a VM never created. */
void vm_destroy(struct vm *vm);

/** vm_gpa_to_hva() - host pointer for [gpa, gpa+len) in RAM, or NULL. */
void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len);

#endif
