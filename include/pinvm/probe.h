/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `pinvm probe`: what this host's KVM offers, found on throwaway VMs.
 * JSON schema: docs/probe.md.
 */
#ifndef PINVM_PROBE_H
#define PINVM_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pinvm/vm.h"

#define PROBE_MAX_FW_REGS	32

struct probe_fw_reg {
	uint64_t id;
	uint64_t value;
	bool readable;
};

struct probe_result {
	char release[65];
	int api_version;
	unsigned int max_vcpus;
	unsigned int ipa_bits;		/* largest IPA size a VM can have */
	bool vgic_v2, vgic_v3;
	uint32_t psci_default;
	uint32_t psci_accepted[8];
	unsigned int nr_psci_accepted;
	bool system_suspend;		/* KVM_CAP_ARM_SYSTEM_SUSPEND */
	bool smccc_filter;		/* KVM_ARM_VM_SMCCC_CTRL/FILTER */
	bool system_event_data;		/* KVM_CAP_SYSTEM_EVENT_DATA */
	struct probe_fw_reg fw[PROBE_MAX_FW_REGS];
	unsigned int nr_fw;
};

/**
 * probe_run() - fill @res using the open @host.
 * Returns: 0; -errno with the failing step in *ret_step.
 */
int probe_run(const struct vm_host *host, struct probe_result *res, const char **ret_step);

/**
 * probe_vm() - a throwaway VM with one initialised vCPU (PSCI 0.2 feature
 * unless @psci_0_1) on the open @host; close both fds when done.
 * Returns: 0; -errno.
 */
int probe_vm(const struct vm_host *host, bool psci_0_1, int *ret_vm, int *ret_vcpu);

/** probe_fw_reg_name() - fwprofile_reg_name(): "PSCI_VERSION", "STD_BMAP", ... or NULL. */
const char *probe_fw_reg_name(uint64_t id);

void probe_print_text(const struct probe_result *res, FILE *out);
void probe_print_json(const struct probe_result *res, FILE *out);

#endif
