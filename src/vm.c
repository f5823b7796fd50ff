// SPDX-License-Identifier: GPL-2.0-only
/* /dev/kvm, the VM fd and guest RAM. */
#include "pinvm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "pinvm/kvm-compat.h"
#include "pinvm/log.h"

int vm_check_cap(int fd, long cap)
{
	int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

int vm_host_open(struct vm_host *host, const char **ret_missing)
{
	static const struct {
		long cap;
		const char *name;
	} needed[] = {
		{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_ONE_REG, "KVM_CAP_ONE_REG" },
		{ KVM_CAP_ARM_PSCI, "KVM_CAP_ARM_PSCI" },
		{ KVM_CAP_DEVICE_CTRL, "KVM_CAP_DEVICE_CTRL" },
		{ KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE" },
		{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	};
	struct utsname uts;
	size_t i;
	int r;

	memset(host, 0, sizeof(*host));
	host->kvm_fd = -1;
	if (uname(&uts) == 0) {
		snprintf(host->release, sizeof(host->release), "%s", uts.release);
		snprintf(host->machine, sizeof(host->machine), "%s", uts.machine);
	}
	if (strcmp(host->machine, "aarch64") != 0)
		return -ENOTSUP;

	host->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (host->kvm_fd < 0)
		return -errno;

	host->api_version = ioctl(host->kvm_fd, KVM_GET_API_VERSION, 0);
	if (host->api_version < 0) {
		/* Not KVM at all (e.g. ENOTTY), or another machine's through an emulator (ENOSYS). */
		host->api_error = errno;
		r = -ENOTSUP;
		goto fail;
	}
	if (host->api_version != KVM_API_VERSION) {
		r = -ENOTSUP;
		goto fail;
	}
	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if (!vm_check_cap(host->kvm_fd, needed[i].cap)) {
			*ret_missing = needed[i].name;
			r = -ENXIO;
			goto fail;
		}
	}
	host->max_vcpus = (unsigned int)vm_check_cap(host->kvm_fd, KVM_CAP_MAX_VCPUS);
	if (!host->max_vcpus)
		host->max_vcpus = (unsigned int)vm_check_cap(host->kvm_fd, KVM_CAP_NR_VCPUS);
	host->ipa_max = (unsigned int)vm_check_cap(host->kvm_fd, KVM_CAP_ARM_VM_IPA_SIZE);
	r = ioctl(host->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (r <= 0) {
		r = r < 0 ? -errno : -EINVAL;
		goto fail;
	}
	host->run_size = (size_t)r;
	return 0;
fail:
	vm_host_close(host);
	return r;
}

void vm_host_close(struct vm_host *host)
{
	if (host->kvm_fd >= 0)
		(void)close(host->kvm_fd);
	host->kvm_fd = -1;
}

unsigned int vm_ipa_bits_for(uint64_t end)
{
	unsigned int bits = 32;	/* the smallest IPA size KVM accepts */

	while (bits < 64 && (end - 1) >> bits)
		bits++;
	return bits;
}

int vm_ram_alloc(struct vm *vm, uint64_t base, uint64_t size, bool merge)
{
	void *p;

	if (size == 0 || size > SIZE_MAX)
		return -ENOMEM;
	/* Not pre-touched: the host backs pages as the guest uses them. */
	p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	/*
	 * A core of a crashed pinvm leaves the guest's memory out: the
	 * guest's data stays the guest's, and the core stays small
	 * (src/crash.c). Best effort: a kernel without it dumps it all.
	 */
	(void)madvise(p, (size_t)size, MADV_DONTDUMP);
	/* KSM only on request: merging pages across VMs is a known side channel. */
	if (merge && madvise(p, (size_t)size, MADV_MERGEABLE) < 0) {
		int r = -errno;

		(void)munmap(p, (size_t)size);
		return r;
	}
	vm->ram = p;
	vm->ram_base = base;
	vm->ram_size = size;
	return 0;
}

void vm_ram_free(struct vm *vm)
{
	if (vm->ram)
		(void)munmap(vm->ram, (size_t)vm->ram_size);
	vm->ram = NULL;
}

int vm_create(struct vm *vm, const struct vm_host *host)
{
	struct kvm_userspace_memory_region slot;
	unsigned int need = vm_ipa_bits_for(vm->ram_base + vm->ram_size);
	unsigned long type = 0;
	int r;

	vm->vm_fd = -1;
	if (host->ipa_max) {
		/* Ask for no more than needed, and no less than the 40-bit default. */
		vm->ipa_bits = need > 40 ? need : 40;
		if (vm->ipa_bits > host->ipa_max)
			vm->ipa_bits = host->ipa_max;
		if (need > host->ipa_max)
			return -E2BIG;
		type = KVM_VM_TYPE_ARM_IPA_SIZE(vm->ipa_bits);
	} else {
		vm->ipa_bits = 40;
		if (need > 40)
			return -E2BIG;
	}

	do {
		vm->vm_fd = ioctl(host->kvm_fd, KVM_CREATE_VM, type);
	} while (vm->vm_fd < 0 && errno == EINTR);
	if (vm->vm_fd < 0)
		return -errno;
	(void)fcntl(vm->vm_fd, F_SETFD, FD_CLOEXEC);

	memset(&slot, 0, sizeof(slot));
	slot.slot = 0;
	slot.guest_phys_addr = vm->ram_base;
	slot.memory_size = vm->ram_size;
	slot.userspace_addr = (uint64_t)(uintptr_t)vm->ram;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0) {
		r = -errno;
		vm_destroy(vm);
		return r;
	}
	return 0;
}

void vm_destroy(struct vm *vm)
{
	if (vm->vm_fd >= 0)
		(void)close(vm->vm_fd);
	vm->vm_fd = -1;
}

void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa < vm->ram_base || len > vm->ram_size ||
	    gpa - vm->ram_base > vm->ram_size - len)
		return NULL;
	return (uint8_t *)vm->ram + (gpa - vm->ram_base);
}

bool vm_has_smccc_filter(int vm_fd)
{
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
	};

	return ioctl(vm_fd, KVM_HAS_DEVICE_ATTR, &attr) == 0;
}
