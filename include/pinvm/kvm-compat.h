/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM/PSCI uapi constants newer than the oldest headers we build against
 * (Linux 6.1, Debian 12's linux-libc-dev). Each is guarded so newer headers
 * win, and cites the release that added it (../shared/reference/kvm-psci-uapi.md).
 */
#ifndef PINVM_KVM_COMPAT_H
#define PINVM_KVM_COMPAT_H

#include <stddef.h>

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

/*
 * Register ids for KVM_GET/SET_ONE_REG, built with arm64 <asm/kvm.h>'s own
 * macros (api.rst 4.68): a core register is its offset in struct kvm_regs
 * in 32-bit words; X0 is 0x6030000000100000, PC ...0040, PSTATE ...0042.
 * Only for arm64 builds (an x86 <asm/kvm.h> has neither macro).
 */
#define PINVM_REG_CORE(field)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
				 KVM_REG_ARM_CORE_REG(field))
#define PINVM_REG_X(n)		PINVM_REG_CORE(regs.regs[n])
#define PINVM_REG_PC		PINVM_REG_CORE(regs.pc)
#define PINVM_REG_PSTATE	PINVM_REG_CORE(regs.pstate)
/* MPIDR_EL1: op0 3, op1 0, CRn 0, CRm 0, op2 5 */
#define PINVM_REG_MPIDR		ARM64_SYS_REG(3, 0, 0, 0, 5)

#endif
