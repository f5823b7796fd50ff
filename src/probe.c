// SPDX-License-Identifier: GPL-2.0-only
/* Host capability probe on throwaway VMs. */
#include "pinvm/probe.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "pinvm/evlog.h"
#include "pinvm/fwregs.h"
#include "pinvm/gic.h"
#include "pinvm/kvm-compat.h"
#include "pinvm/psci.h"

const char *probe_fw_reg_name(uint64_t id)
{
	return fwprofile_reg_name(id);
}

int probe_vm(const struct vm_host *host, bool psci_0_1, int *ret_vm, int *ret_vcpu)
{
	struct kvm_vcpu_init init;
	int vm, vcpu;

	vm = ioctl(host->kvm_fd, KVM_CREATE_VM, 0UL);
	if (vm < 0)
		return -errno;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0UL);
	if (vcpu < 0)
		goto fail;
	memset(&init, 0, sizeof(init));
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		goto fail;
	if (!psci_0_1)
		init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init) < 0)
		goto fail;
	*ret_vm = vm;
	*ret_vcpu = vcpu;
	return 0;
fail:
	{
		int r = -errno;

		if (vcpu >= 0)
			(void)close(vcpu);
		(void)close(vm);
		return r;
	}
}

static void probe_fw_regs(int vcpu, struct probe_result *res)
{
	uint64_t ids[PROBE_MAX_FW_REGS];
	unsigned int nr;

	if (fwregs_list(vcpu, ids, PROBE_MAX_FW_REGS, &nr))
		return;
	for (unsigned int i = 0; i < nr; i++) {
		struct probe_fw_reg *fr = &res->fw[res->nr_fw++];

		fr->id = ids[i];
		fr->readable = fwregs_get(vcpu, ids[i], &fr->value) == 0;
	}
}

int probe_run(const struct vm_host *host, struct probe_result *res, const char **ret_step)
{
	struct kvm_device_attr filter = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
	};
	int vm, vcpu, r;
	uint32_t seen;

	memset(res, 0, sizeof(*res));
	snprintf(res->release, sizeof(res->release), "%s", host->release);
	res->api_version = host->api_version;
	res->max_vcpus = host->max_vcpus;
	res->ipa_bits = host->ipa_max ? host->ipa_max : 40;
	res->system_suspend = vm_check_cap(host->kvm_fd, KVM_CAP_ARM_SYSTEM_SUSPEND) > 0;
	res->system_event_data = vm_check_cap(host->kvm_fd, KVM_CAP_SYSTEM_EVENT_DATA) > 0;

	/* PSCI 0.1 needs a vCPU without the PSCI 0.2 feature, hence its own VM. */
	r = probe_vm(host, true, &vm, &vcpu);
	if (r) {
		*ret_step = "creating a PSCI 0.1 test VM";
		return r;
	}
	if (psci_pin(&vcpu, 1, PINVM_PSCI_0_1, &seen) == 0)
		res->psci_accepted[res->nr_psci_accepted++] = PINVM_PSCI_0_1;
	(void)close(vcpu);
	(void)close(vm);

	r = probe_vm(host, false, &vm, &vcpu);
	if (r) {
		*ret_step = "creating a test VM";
		return r;
	}
	res->vgic_v3 = gic_supported(vm, 3);
	res->vgic_v2 = gic_supported(vm, 2);
	res->smccc_filter = ioctl(vm, KVM_HAS_DEVICE_ATTR, &filter) == 0;
	/* Registers first, while they hold the host's defaults. */
	probe_fw_regs(vcpu, res);
	if (psci_get(vcpu, &res->psci_default))
		res->psci_default = PINVM_PSCI_0_2;
	for (size_t i = 0; i < psci_nr_known_versions; i++) {
		uint32_t v = psci_known_versions[i];

		if (v != PINVM_PSCI_0_1 && psci_pin(&vcpu, 1, v, &seen) == 0)
			res->psci_accepted[res->nr_psci_accepted++] = v;
	}
	(void)close(vcpu);
	(void)close(vm);
	return 0;
}

void probe_print_text(const struct probe_result *res, FILE *out)
{
	char v[16];

	fprintf(out, "host kernel:        Linux %s\n", res->release);
	fprintf(out, "KVM API version:    %d\n", res->api_version);
	fprintf(out, "max vCPUs:          %u\n", res->max_vcpus);
	fprintf(out, "IPA bits:           %u\n", res->ipa_bits);
	fprintf(out, "vGIC:               %s%s%s\n", res->vgic_v3 ? "v3" : "",
		res->vgic_v3 && res->vgic_v2 ? " " : "", res->vgic_v2 ? "v2" : "");
	fprintf(out, "PSCI default:       %s\n", psci_version_str(res->psci_default, v, sizeof(v)));
	fprintf(out, "PSCI accepted:     ");
	for (unsigned int i = 0; i < res->nr_psci_accepted; i++)
		fprintf(out, " %s", psci_version_str(res->psci_accepted[i], v, sizeof(v)));
	fprintf(out, "\n");
	fprintf(out, "SYSTEM_SUSPEND:     %s\n", res->system_suspend ? "yes" : "no");
	fprintf(out, "SMCCC filter:       %s\n", res->smccc_filter ? "yes" : "no");
	fprintf(out, "PSCI by KVM:       ");
	for (unsigned int i = 0; i < res->nr_psci_accepted; i++)
		fprintf(out, " %s", psci_version_str(res->psci_accepted[i], v, sizeof(v)));
	fprintf(out, "\n");
	/* pinvm's own firmware (--psci-impl pinvm) needs nothing of KVM but the filter. */
	if (res->smccc_filter)
		fprintf(out, "PSCI by pinvm:      0.2 1.0 1.1 1.2 1.3 (its own firmware, --psci-impl pinvm)\n");
	else
		fprintf(out, "PSCI by pinvm:      none (its own firmware needs KVM's SMCCC filter: Linux 6.4 or later)\n");
	fprintf(out, "system event data:  %s\n", res->system_event_data ? "yes" : "no");
	fprintf(out, "firmware registers:\n");
	for (unsigned int i = 0; i < res->nr_fw; i++) {
		const char *name = probe_fw_reg_name(res->fw[i].id);

		fprintf(out, "  %-24s 0x%016" PRIx64 " = ", name ? name : "(unknown)", res->fw[i].id);
		if (res->fw[i].readable)
			fprintf(out, "0x%" PRIx64 "\n", res->fw[i].value);
		else
			fprintf(out, "(unreadable)\n");
	}
}

void probe_print_json(const struct probe_result *res, FILE *out)
{
	/* uname -r is whatever the kernel was built with: escape it. */
	char v[16], release[sizeof(res->release) * 6 + 3];

	fprintf(out, "{\"schema\":1,\"host_kernel\":%s,\"kvm_api_version\":%d,"
		"\"max_vcpus\":%u,\"ipa_bits\":%u,\"vgic\":[",
		evlog_json_str(res->release, release, sizeof(release)), res->api_version,
		res->max_vcpus, res->ipa_bits);
	fprintf(out, "%s%s%s]", res->vgic_v3 ? "\"v3\"" : "",
		res->vgic_v3 && res->vgic_v2 ? "," : "", res->vgic_v2 ? "\"v2\"" : "");
	fprintf(out, ",\"psci\":{\"default\":\"%s\",\"accepted\":[",
		psci_version_str(res->psci_default, v, sizeof(v)));
	for (unsigned int i = 0; i < res->nr_psci_accepted; i++)
		fprintf(out, "%s\"%s\"", i ? "," : "",
			psci_version_str(res->psci_accepted[i], v, sizeof(v)));
	fprintf(out, "],\"implementations\":{\"kvm\":[");
	for (unsigned int i = 0; i < res->nr_psci_accepted; i++)
		fprintf(out, "%s\"%s\"", i ? "," : "",
			psci_version_str(res->psci_accepted[i], v, sizeof(v)));
	fprintf(out, "],\"pinvm\":[%s]}", res->smccc_filter ?
		"\"0.2\",\"1.0\",\"1.1\",\"1.2\",\"1.3\"" : "");
	fprintf(out, "},\"system_suspend\":%s,\"smccc_filter\":%s,\"system_event_data\":%s,"
		"\"firmware_registers\":[", res->system_suspend ? "true" : "false",
		res->smccc_filter ? "true" : "false", res->system_event_data ? "true" : "false");
	for (unsigned int i = 0; i < res->nr_fw; i++) {
		const char *name = probe_fw_reg_name(res->fw[i].id);

		fprintf(out, "%s{\"id\":\"0x%016" PRIx64 "\",\"name\":", i ? "," : "", res->fw[i].id);
		if (name)
			fprintf(out, "\"%s\"", name);
		else
			fprintf(out, "null");
		if (res->fw[i].readable)
			fprintf(out, ",\"value\":\"0x%" PRIx64 "\"}", res->fw[i].value);
		else
			fprintf(out, ",\"value\":null}");
	}
	fprintf(out, "]}\n");
}
