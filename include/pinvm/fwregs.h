/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM's firmware pseudo-registers through vCPU fds: listing them
 * (KVM_GET_REG_LIST, the KVM_REG_ARM_FW and KVM_REG_ARM_FW_FEAT_BMAP groups),
 * recording them into a firmware profile, and replaying one. The registers
 * are VM-wide (kvm-psci-uapi.md §3-§4); the bitmaps can only change before
 * any vCPU has run, so record and apply between KVM_ARM_VCPU_INIT and the
 * first KVM_RUN. The rules of a replay are in fwprofile_apply().
 */
#ifndef PINVM_FWREGS_H
#define PINVM_FWREGS_H

#include <stdint.h>

#include "pinvm/fwprofile.h"

/**
 * fwregs_list() - the firmware registers @vcpu_fd lists, in list order.
 * Returns: 0 and *ret_nr ids in @ids; -ENOSPC more than @max; -errno.
 */
int fwregs_list(int vcpu_fd, uint64_t *ids, unsigned int max, unsigned int *ret_nr);

/** fwregs_get() - KVM_GET_ONE_REG of a 64-bit register. Returns 0 or -errno. */
int fwregs_get(int vcpu_fd, uint64_t id, uint64_t *ret);

/** fwregs_set() - KVM_SET_ONE_REG of a 64-bit register. Returns 0 or -errno. */
int fwregs_set(int vcpu_fd, uint64_t id, uint64_t value);

/**
 * fwregs_record() - every listed firmware register and its value, read
 * through @vcpu_fd, into *ret.
 * Returns: 0; -ENOSPC too many; -errno of KVM.
 */
int fwregs_record(int vcpu_fd, struct fwprofile *ret);

/**
 * fwregs_apply() - fwprofile_apply() on the VM of @vcpu_fds: written
 * through vcpu_fds[0]; a read-back counts only when every vCPU reads the
 * same value.
 * Returns: 0 honoured (@rep may hold decisions to report); -ENOTSUP
 * refused (@rep lists why); other -errno when the registers cannot be listed.
 */
int fwregs_apply(const int *vcpu_fds, unsigned int nr, const struct fwprofile *p,
		 struct fwprofile_report *rep);

#endif
