/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI version pinning and guest power-event decoding.
 *
 * The version lives in the firmware pseudo-register KVM_REG_ARM_PSCI_VERSION
 * (0x6030000000140000). It is VM-wide though written through a vCPU fd, and
 * KVM accepts 0.1 only on vCPUs without KVM_ARM_VCPU_PSCI_0_2 and 0.2+ only
 * on vCPUs with it (kvm-psci-uapi.md §3).
 */
#ifndef PINVM_PSCI_H
#define PINVM_PSCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/psci.h>

/* 0 = "host": keep what KVM offers. Otherwise PSCI_VERSION(maj, min). */
#define PSCI_PIN_HOST	0U

/**
 * psci_parse_version() - "0.1", "0.2", "1.0", "1.1", "1.2", "1.3" or "host".
 * Returns: 0 and *ret (PSCI_PIN_HOST for "host"); -EINVAL for anything else
 * ("1.10", "2", "-1", "", "1.4").
 */
int psci_parse_version(const char *s, uint32_t *ret);

/** psci_version_str() - "M.m" into @buf (at least 12 bytes); returns @buf. */
char *psci_version_str(uint32_t version, char *buf, size_t size);

/**
 * psci_version_min_kernel() - first mainline Linux release whose KVM accepts
 * @version in KVM_REG_ARM_PSCI_VERSION ("4.17", "5.18", "6.13"), or NULL
 * for a value no release accepts.
 */
const char *psci_version_min_kernel(uint32_t version);

/** psci_known_versions - every version pinvm can pin, oldest first. */
extern const uint32_t psci_known_versions[];
extern const size_t psci_nr_known_versions;

enum psci_event {
	PSCI_EV_SYSTEM_OFF,	/* SHUTDOWN, flags 0 */
	PSCI_EV_SYSTEM_OFF2,	/* SHUTDOWN with PSCI_OFF2 (hibernate) */
	PSCI_EV_RESET,		/* RESET, flags 0 */
	PSCI_EV_RESET2,		/* RESET with PSCI_RESET2: read x1/x2 */
	PSCI_EV_SUSPEND,	/* SYSTEM_SUSPEND: x1 entry, x2 context */
	PSCI_EV_WAKEUP,		/* wake-up of a SUSPENDED vCPU */
	PSCI_EV_CRASH,		/* KVM_SYSTEM_EVENT_CRASH */
	PSCI_EV_UNKNOWN,	/* any other type */
};

/**
 * psci_decode_event() - decode kvm_run.system_event. Flags are read only when
 * @ndata > 0 (api.rst) and always together with the type: the SHUTDOWN and
 * RESET flags share bit 0.
 */
enum psci_event psci_decode_event(uint32_t type, uint32_t ndata, uint64_t data0);

/*
 * PSCI 1.1 SYSTEM_RESET2: reset_type is a 32-bit parameter, for the SMC64
 * id too. KVM decides on the low 32 bits of x1 (a u32) and leaves x1 as the
 * guest set it, so only those bits are the type.
 */
static inline uint32_t psci_reset2_type(uint64_t x1)
{
	return (uint32_t)x1;
}

/* PSCI 1.1 SYSTEM_RESET2: reset_type bit 31 selects vendor-specific types */
static inline bool psci_reset2_is_vendor(uint32_t reset_type)
{
	return (reset_type & PSCI_1_1_RESET_TYPE_VENDOR_START) != 0;
}

/**
 * psci_pin() - write @version through vcpu_fds[0], then read the register
 * back from every vCPU. Call after KVM_ARM_VCPU_INIT of all vCPUs, before
 * the first KVM_RUN.
 * Returns: 0; -errno of KVM_SET_ONE_REG (-EINVAL: the host refuses the
 * value); -EIO when a read-back differs (*ret_seen set to what was read).
 */
int psci_pin(const int *vcpu_fds, unsigned int nr, uint32_t version, uint32_t *ret_seen);

/** psci_get() - read KVM_REG_ARM_PSCI_VERSION through @vcpu_fd. Returns 0 or -errno. */
int psci_get(int vcpu_fd, uint32_t *ret);

#endif
