// SPDX-License-Identifier: GPL-2.0-only
/* The decision for each return from KVM_RUN (include/pinvm/vmexit.h). */
#include "pinvm/vmexit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/kvm.h>

#include "pinvm/kvm-compat.h"
#include "pinvm/psci.h"

static void vmexit_fail(struct vmexit_action *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void vmexit_fail(struct vmexit_action *a, const char *fmt, ...)
{
	va_list ap;

	a->kind = VMEXIT_STOP;
	a->stop.kind = STOP_FAILURE;
	va_start(ap, fmt);
	vsnprintf(a->stop.reason, sizeof(a->stop.reason), fmt, ap);
	va_end(ap);
}

static void vmexit_stop(struct vmexit_action *a, enum stop_kind kind)
{
	a->kind = VMEXIT_STOP;
	a->stop.kind = kind;
}

static void vmexit_system_event(const struct kvm_run *run, struct vmexit_action *a)
{
	uint32_t type = run->system_event.type, ndata = run->system_event.ndata;
	/* ndata counts the valid data[] words (api.rst); older kernels set 0 */
	uint64_t data0 = ndata ? run->system_event.data[0] : 0;

	switch (psci_decode_event(type, ndata, data0)) {
	case PSCI_EV_SYSTEM_OFF:
		vmexit_stop(a, STOP_SYSTEM_OFF);
		break;
	case PSCI_EV_SYSTEM_OFF2:
		vmexit_stop(a, STOP_SYSTEM_OFF2);
		break;
	case PSCI_EV_RESET:
		vmexit_stop(a, STOP_RESET);
		break;
	case PSCI_EV_RESET2:
		vmexit_stop(a, STOP_RESET2);
		break;
	case PSCI_EV_SUSPEND:
		a->kind = VMEXIT_SUSPEND;
		break;
	case PSCI_EV_WAKEUP:
		a->kind = VMEXIT_WAKEUP;
		break;
	case PSCI_EV_CRASH:
		vmexit_fail(a, "guest crash event (KVM_SYSTEM_EVENT_CRASH)");
		break;
	case PSCI_EV_UNKNOWN:
		vmexit_fail(a, "unknown system event type %" PRIu32 " (ndata %" PRIu32
			    ", data[0] 0x%" PRIx64 ")", type, ndata, data0);
		break;
	}
}

void vmexit_decide(const struct kvm_run *run, int run_errno, bool forwarded, unsigned int vcpu,
		   struct vmexit_action *a)
{
	memset(a, 0, sizeof(*a));
	a->kind = VMEXIT_RESUME;
	a->stop.vcpu = vcpu;

	switch (run_errno) {
	case 0:
		break;
	case EINTR:	/* a kick: the signal, or immediate_exit */
	case EAGAIN:
		return;
	case ENOSYS:
		/* arm64 KVM: a data abort outside RAM it cannot decode (ISV = 0) */
		vmexit_fail(a, "KVM_RUN: guest access to a device address that KVM cannot emulate (no valid syndrome, e.g. a load/store pair)");
		return;
	default:
		vmexit_fail(a, "KVM_RUN: %s", strerror(run_errno));
		return;
	}

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		a->kind = VMEXIT_MMIO;
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		vmexit_system_event(run, a);
		break;
	case KVM_EXIT_INTR:
		break;
	case KVM_EXIT_HYPERCALL:
		if (!forwarded) {
			vmexit_fail(a, "KVM_EXIT_HYPERCALL 0x%llx without pinvm's PSCI firmware",
				    (unsigned long long)run->hypercall.nr);
			break;
		}
		a->kind = VMEXIT_HYPERCALL;
		a->fid = (uint32_t)run->hypercall.nr;
		/* flags since Linux 6.4; the 6.1 headers call its low half longmode */
		a->smc = run->hypercall.longmode & KVM_HYPERCALL_EXIT_SMC;
		break;
	case KVM_EXIT_FAIL_ENTRY:
		vmexit_fail(a, "KVM_EXIT_FAIL_ENTRY (hardware_entry_failure_reason 0x%llx, cpu %u)",
			    (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
			    run->fail_entry.cpu);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		vmexit_fail(a, "KVM_EXIT_INTERNAL_ERROR (suberror %u)", run->internal.suberror);
		break;
	case KVM_EXIT_ARM_NISV:
		vmexit_fail(a, "KVM_EXIT_ARM_NISV: MMIO access without a valid syndrome at 0x%llx",
			    (unsigned long long)run->arm_nisv.fault_ipa);
		break;
	default:
		vmexit_fail(a, "unhandled KVM exit reason %u", run->exit_reason);
		break;
	}
}
