// SPDX-License-Identifier: GPL-2.0-only
/* Firmware pseudo-registers: list, record, replay (the policy is fwprofile.c's). */
#include "pinvm/fwregs.h"
#include "pinvm/vcpu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

int fwregs_list(int vcpu_fd, uint64_t *ids, unsigned int max, unsigned int *ret_nr)
{
	struct kvm_reg_list *list;
	unsigned int nr = 0;
	int r;

	*ret_nr = 0;
	r = vcpu_fd_reg_list(vcpu_fd, &list);
	if (r < 0 || !list)
		return r;
	for (uint64_t i = 0; i < list->n; i++) {
		if (!fwprofile_is_fw_reg(list->reg[i]))
			continue;
		if (nr == max) {
			r = -ENOSPC;
			goto out;
		}
		ids[nr++] = list->reg[i];
	}
	*ret_nr = nr;
out:
	free(list);
	return r;
}

int fwregs_get(int vcpu_fd, uint64_t id, uint64_t *ret)
{
	uint64_t val = 0;
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)&val };

	if (ioctl(vcpu_fd, KVM_GET_ONE_REG, &reg) < 0)
		return -errno;
	*ret = val;
	return 0;
}

int fwregs_set(int vcpu_fd, uint64_t id, uint64_t value)
{
	uint64_t val = value;
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)&val };

	if (ioctl(vcpu_fd, KVM_SET_ONE_REG, &reg) < 0)
		return -errno;
	return 0;
}

int fwregs_record(int vcpu_fd, struct fwprofile *ret)
{
	uint64_t ids[FWPROFILE_MAX_REGS];
	unsigned int nr;
	int r;

	r = fwregs_list(vcpu_fd, ids, FWPROFILE_MAX_REGS, &nr);
	if (r)
		return r;
	ret->nr = 0;
	for (unsigned int i = 0; i < nr; i++) {
		uint64_t v;

		r = fwregs_get(vcpu_fd, ids[i], &v);
		if (!r)
			r = fwprofile_set(ret, ids[i], v);
		if (r)
			return r;
	}
	return 0;
}

struct fwregs_vm {
	const int *fds;
	unsigned int nr;
};

static int fwregs_vm_get(void *opaque, uint64_t id, uint64_t *ret)
{
	const struct fwregs_vm *vm = opaque;
	uint64_t first = 0;
	int r;

	/* VM-wide registers: every vCPU must show the same value. */
	for (unsigned int i = 0; i < vm->nr; i++) {
		uint64_t v;

		r = fwregs_get(vm->fds[i], id, &v);
		if (r)
			return r;
		if (i == 0)
			first = v;
		else if (v != first)
			return -EIO;
	}
	*ret = first;
	return 0;
}

static int fwregs_vm_set(void *opaque, uint64_t id, uint64_t value)
{
	const struct fwregs_vm *vm = opaque;

	return fwregs_set(vm->fds[0], id, value);
}

int fwregs_apply(const int *vcpu_fds, unsigned int nr, const struct fwprofile *p,
		 struct fwprofile_report *rep)
{
	uint64_t ids[FWPROFILE_MAX_REGS];
	struct fwregs_vm vm = { .fds = vcpu_fds, .nr = nr };
	struct fwprofile_host host = {
		.ids = ids, .get = fwregs_vm_get, .set = fwregs_vm_set, .opaque = &vm,
	};
	int r;

	memset(rep, 0, sizeof(*rep));
	r = fwregs_list(vcpu_fds[0], ids, FWPROFILE_MAX_REGS, &host.nr_ids);
	if (r)
		return r;
	return fwprofile_apply(p, &host, rep);
}
