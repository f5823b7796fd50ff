/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM/PSCI uapi constants newer than the oldest headers we build against
 * (Linux 6.1, Debian 12's linux-libc-dev). Each is guarded so newer headers
 * win, and cites the release that added it (../shared/reference/kvm-psci-uapi.md).
 */
#ifndef PINVM_KVM_COMPAT_H
#define PINVM_KVM_COMPAT_H

#include <linux/kvm.h>
#include <linux/psci.h>

/* Linux 6.13: SYSTEM_OFF2 (hibernate) reported as a SHUTDOWN with this flag in data[0] */
#ifndef KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2
#define KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2	(1ULL << 0)
#endif

/* Linux 6.13: PSCI 1.3 SYSTEM_OFF2 function ids (include/uapi/linux/psci.h) */
#ifndef PSCI_1_3_FN_SYSTEM_OFF2
#define PSCI_1_3_FN_SYSTEM_OFF2		PSCI_0_2_FN(21)
#endif
#ifndef PSCI_1_3_FN64_SYSTEM_OFF2
#define PSCI_1_3_FN64_SYSTEM_OFF2	PSCI_0_2_FN64(21)
#endif
#ifndef PSCI_1_3_OFF_TYPE_HIBERNATE_OFF
#define PSCI_1_3_OFF_TYPE_HIBERNATE_OFF	(1U << 0)
#endif

/*
 * Linux 6.4: SMCCC filter, a VM device attribute (group 0, attr 0) whose
 * value is struct kvm_smccc_filter (24 bytes: pad[15]); the actions are an
 * enum in the uapi, so the whole block is guarded by the group's name.
 */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL		0
#define KVM_ARM_VM_SMCCC_FILTER		0
enum kvm_smccc_filter_action {
	KVM_SMCCC_FILTER_HANDLE = 0,
	KVM_SMCCC_FILTER_DENY,
	KVM_SMCCC_FILTER_FWD_TO_USER,
};
struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};
#endif
_Static_assert(sizeof(struct kvm_smccc_filter) == 24, "struct kvm_smccc_filter is 24 bytes");

/* Linux 6.15: second vendor hypervisor service bitmap (resets to 0) */
#ifndef KVM_REG_ARM_VENDOR_HYP_BMAP_2
#define KVM_REG_ARM_VENDOR_HYP_BMAP_2	KVM_REG_ARM_FW_FEAT_BMAP_REG(3)
#endif

/* Linux 6.4: KVM_EXIT_HYPERCALL flag for the SMC conduit */
#ifndef KVM_HYPERCALL_EXIT_SMC
#define KVM_HYPERCALL_EXIT_SMC		(1U << 0)
#endif

/* Not uapi (include/kvm/arm_psci.h): the PSCI_VERSION register values. */
#define PINVM_PSCI_0_1	PSCI_VERSION(0, 1)
#define PINVM_PSCI_0_2	PSCI_VERSION(0, 2)
#define PINVM_PSCI_1_0	PSCI_VERSION(1, 0)
#define PINVM_PSCI_1_1	PSCI_VERSION(1, 1)
#define PINVM_PSCI_1_2	PSCI_VERSION(1, 2)
#define PINVM_PSCI_1_3	PSCI_VERSION(1, 3)

/* Core register ids (KVM_REG_ARM_CORE, 64-bit): X0 + 2n, PC, PSTATE */
#define PINVM_REG_X(n)	(0x6030000000100000ULL + 2ULL * (n))
#define PINVM_REG_PC	0x6030000000100040ULL
#define PINVM_REG_PSTATE	0x6030000000100042ULL
/* MPIDR_EL1 = ARM64_SYS_REG(3,0,0,0,5) */
#define PINVM_REG_MPIDR	0x603000000013C005ULL

#endif
