// SPDX-License-Identifier: GPL-2.0-only
/* PSCI version parsing, pinning through the firmware register, event decoding. */
#include "pinvm/psci.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "pinvm/kvm-compat.h"

const uint32_t psci_known_versions[] = {
	PINVM_PSCI_0_1, PINVM_PSCI_0_2, PINVM_PSCI_1_0,
	PINVM_PSCI_1_1, PINVM_PSCI_1_2, PINVM_PSCI_1_3,
};
const size_t psci_nr_known_versions = sizeof(psci_known_versions) / sizeof(psci_known_versions[0]);

int psci_parse_version(const char *s, uint32_t *ret)
{
	char buf[8];
	size_t i;

	if (!s)
		return -EINVAL;
	if (!strcmp(s, "host")) {
		*ret = PSCI_PIN_HOST;
		return 0;
	}
	/* Exact spellings only: "1.10" or "01.0" must not alias 1.1 or 1.0. */
	for (i = 0; i < psci_nr_known_versions; i++) {
		psci_version_str(psci_known_versions[i], buf, sizeof(buf));
		if (!strcmp(s, buf)) {
			*ret = psci_known_versions[i];
			return 0;
		}
	}
	return -EINVAL;
}

char *psci_version_str(uint32_t version, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u", version >> 16, version & 0xffff);
	return buf;
}

const char *psci_version_min_kernel(uint32_t version)
{
	switch (version) {
	case PINVM_PSCI_0_1:
	case PINVM_PSCI_0_2:
	case PINVM_PSCI_1_0:
		return "4.17";	/* KVM_REG_ARM_PSCI_VERSION appeared */
	case PINVM_PSCI_1_1:
		return "5.18";
	case PINVM_PSCI_1_2:
	case PINVM_PSCI_1_3:
		return "6.13";
	default:
		return NULL;
	}
}

enum psci_event psci_decode_event(uint32_t type, uint32_t ndata, uint64_t data0)
{
	uint64_t flags = ndata > 0 ? data0 : 0;

	switch (type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		return (flags & KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2) ?
			PSCI_EV_SYSTEM_OFF2 : PSCI_EV_SYSTEM_OFF;
	case KVM_SYSTEM_EVENT_RESET:
		return (flags & KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2) ?
			PSCI_EV_RESET2 : PSCI_EV_RESET;
	case KVM_SYSTEM_EVENT_SUSPEND:
		return PSCI_EV_SUSPEND;
	case KVM_SYSTEM_EVENT_WAKEUP:
		return PSCI_EV_WAKEUP;
	case KVM_SYSTEM_EVENT_CRASH:
		return PSCI_EV_CRASH;
	default:
		return PSCI_EV_UNKNOWN;
	}
}

int psci_get(int vcpu_fd, uint32_t *ret)
{
	uint64_t val = 0;
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM_PSCI_VERSION,
		.addr = (uint64_t)(uintptr_t)&val,
	};

	if (ioctl(vcpu_fd, KVM_GET_ONE_REG, &reg) < 0)
		return -errno;
	*ret = (uint32_t)val;
	return 0;
}

int psci_pin(const int *vcpu_fds, unsigned int nr, uint32_t version, uint32_t *ret_seen)
{
	uint64_t val = version;
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM_PSCI_VERSION,
		.addr = (uint64_t)(uintptr_t)&val,
	};
	unsigned int i;
	int r;

	if (ioctl(vcpu_fds[0], KVM_SET_ONE_REG, &reg) < 0)
		return -errno;
	/* VM-wide, but prove it: every vCPU must now report the pin. */
	for (i = 0; i < nr; i++) {
		uint32_t seen;

		r = psci_get(vcpu_fds[i], &seen);
		if (r < 0)
			return r;
		if (seen != version) {
			*ret_seen = seen;
			return -EIO;
		}
	}
	*ret_seen = version;
	return 0;
}
