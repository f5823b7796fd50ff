/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Force-included (-include) by the native build (tests/fuzz/meson.build):
 * the two arm64 uapi values pure modules use that an x86 <linux/kvm.h>
 * does not define (they live in arm64's <asm/kvm.h>). Values as in
 * arch/arm64/include/uapi/asm/kvm.h; the arm64 build never sees this file.
 */
#ifndef PINVM_FUZZ_NATIVE_KVM_H
#define PINVM_FUZZ_NATIVE_KVM_H

/* KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_FW | 0 */
#define KVM_REG_ARM_PSCI_VERSION			0x6030000000140000ULL
#define KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2		(1ULL << 0)

#endif
