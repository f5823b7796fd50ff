// SPDX-License-Identifier: GPL-2.0-only
/*
 * Machine assembly: /dev/kvm, the VM, vGIC, vCPUs and their environment,
 * the firmware view (PSCI pin or profile); teardown (machine.h).
 */
#include "pinvm/machine.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "pinvm/boot.h"
#include "pinvm/fwregs.h"
#include "pinvm/conout.h"
#include "pinvm/kvm-compat.h"
#include "pinvm/log.h"
#include "pinvm/psci.h"
#include "pinvm/psci_fw.h"
#include "pinvm/runloop.h"

static void machine_unmapped(void *opaque, uint64_t addr, unsigned int len,
			     bool is_write, bool last)
{
	if (last)
		pr_warn("guest touched more than %d distinct unmapped MMIO addresses; no longer logging them",
			MMIO_UNMAPPED_LOG_MAX);
	else
		pr_warn("guest %s unmapped MMIO 0x%" PRIx64 " (%u bytes): %s (logged once per address)",
			is_write ? "write to" : "read from", addr, len,
			is_write ? "ignored" : "reads as 0");
}

/*
 * Guest console output (uartio's out callback, uartio's lock held): into
 * the ring of the console writer thread (conout.h), which never blocks the
 * vCPU (what does not fit is dropped and counted; before the run, with no
 * ring yet, nothing is output), then to the console watch: the console log
 * and the verdict (conwatch.h: its lock, then the run loop's or the event
 * log's, are taken under uartio's).
 */
static void machine_console_out(void *opaque, const void *buf, size_t len)
{
	struct machine *m = opaque;
	struct timespec now;

	if (m->conout)
		(void)conout_put(m->conout, buf, len);
	clock_gettime(CLOCK_MONOTONIC, &now);
	conwatch_output(&m->watch, buf, len, &now);
}

/* The console watch's stops (called under uartio's and the watch's locks). */
static void machine_watch_stop(void *ctx, const struct stop *stop)
{
	runloop_request_stop(ctx, stop);
}

/* The UART's state in a snapshot (snapshot.h). */
static size_t machine_uart_size(void *opaque)
{
	(void)opaque;
	return UART_STATE_SIZE;
}

static int machine_uart_save(void *opaque, uint8_t *buf, size_t len)
{
	if (len != UART_STATE_SIZE)
		return -EINVAL;
	uartio_save(opaque, buf);
	return 0;
}

static int machine_uart_load(void *opaque, const uint8_t *buf, size_t len, char *why,
			     size_t why_size)
{
	(void)why;
	(void)why_size;
	return uartio_load(opaque, buf, len);
}

/* A disk's state in a snapshot: the transport and queue, the image's path, size and mode. */
static size_t machine_disk_size(void *opaque)
{
	return disk_state_size(opaque);
}

static int machine_disk_save(void *opaque, uint8_t *buf, size_t len)
{
	return disk_state_save(opaque, buf, len);
}

static int machine_disk_load(void *opaque, const uint8_t *buf, size_t len, char *why,
			     size_t why_size)
{
	struct diskstate s;
	int r = diskstate_parse(buf, len, &s, why, why_size);

	return r ? r : disk_state_load(opaque, &s, why, why_size);
}

static const struct snapshot_device machine_uart_state = {
	.name = "uart",
	.size = machine_uart_size,
	.save = machine_uart_save,
	.load = machine_uart_load,
};

void machine_init(struct machine *m, const struct machine_config *cfg, struct evlog *log)
{
	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->log = log;
	m->host.kvm_fd = -1;
	m->vm.vm_fd = -1;
	m->gic.fd = -1;
	m->stop_efd = -1;
	m->kernel.fd = -1;
	m->initrd.fd = -1;
	m->pagemap_fd = -1;
	m->out_fd = cfg->console_none ? -1 : STDOUT_FILENO;
	m->fw_replay = cfg->fw_profile;
	m->vcpu_env.bus = &m->mmio;
	m->vcpu_env.log = log;
	m->vcpu_env.power = &m->power;
	m->vcpu_env.no_suspend = cfg->no_suspend;
	m->vcpu_env.log_psci = cfg->log_psci;
	m->vcpu_env.ops = &runloop_vcpu_ops;
	m->vcpu_env.ctx = m;
	conwatch_init(&m->watch, log, cfg->watch.on_panic, machine_watch_stop, m);
	mmio_init(&m->mmio, machine_unmapped, m);
	power_init(&m->power, cfg->nr_cpus);
	for (unsigned int i = 0; i < cfg->nr_disks && i < LAYOUT_MAX_DISKS; i++)
		disk_init(&m->disks[i], cfg->disks[i].path, cfg->disks[i].ro, i);
	m->nr_disks = cfg->nr_disks < LAYOUT_MAX_DISKS ? cfg->nr_disks : LAYOUT_MAX_DISKS;
	runloop_init(m);
}

int machine_open_host(struct vm_host *host, char *why, size_t why_size)
{
	const char *missing = NULL;
	int r = vm_host_open(host, &missing);

	switch (r) {
	case 0:
		break;
	case -ENOENT:
		log_say(why, why_size, "/dev/kvm does not exist: this host has no KVM (is the kvm module loaded, or is this a VM without nested virtualization?)");
		break;
	case -EACCES:
	case -EPERM:
		log_say(why, why_size, "no permission to open /dev/kvm: run as a user in the group that owns it (often 'kvm')");
		break;
	case -ENOTSUP:
		if (strcmp(host->machine, "aarch64"))
			log_say(why, why_size, "this host is %s, not arm64: pinvm runs arm64 guests on arm64 KVM only",
			    host->machine[0] ? host->machine : "unknown");
		else if (host->api_error)
			log_say(why, why_size, "/dev/kvm is not a KVM pinvm can use: KVM_GET_API_VERSION failed: %s",
			    strerror(host->api_error));
		else
			log_say(why, why_size, "/dev/kvm speaks KVM API version %d, pinvm needs %d",
			    host->api_version, KVM_API_VERSION);
		break;
	case -ENXIO:
		log_say(why, why_size, "this host's KVM lacks %s", missing);
		break;
	default:
		log_say(why, why_size, "cannot open /dev/kvm: %s", strerror(-r));
		break;
	}
	return r;
}

int machine_reserve_ram(struct machine *m, char *why, size_t why_size)
{
	int r = vm_ram_alloc(&m->vm, LAYOUT_RAM_BASE, m->cfg->ram_size, m->cfg->mem_merge);

	if (r) {
		if (r == -ENOMEM)
			log_say(why, why_size, "cannot reserve %" PRIu64 " MiB of guest RAM",
				m->cfg->ram_size >> 20);
		else
			log_say(why, why_size, "--mem-merge: this host cannot offer guest RAM to KSM (MADV_MERGEABLE: %s; a kernel without CONFIG_KSM?)",
				strerror(-r));
	}
	return r;
}

int machine_open(struct machine *m, char *why, size_t why_size)
{
	/* The console log first, like the event log: a bad path fails at once. */
	int r = conwatch_setup(&m->watch, &m->cfg->watch, why, why_size);

	if (r)
		return r;
	/* Disk images next, opened and locked before /dev/kvm (and before privileges go). */
	for (unsigned int i = 0; i < m->nr_disks; i++) {
		r = disk_open(&m->disks[i], why, why_size);
		if (r)
			return r;
	}
	r = machine_open_host(&m->host, why, why_size);
	if (r)
		return r;
	if (m->cfg->nr_cpus > m->host.max_vcpus) {
		log_say(why, why_size, "--cpus %u is more than this host allows (%u)",
		    m->cfg->nr_cpus, m->host.max_vcpus);
		return -E2BIG;
	}
	if (m->host.ipa_max &&
	    vm_ipa_bits_for(LAYOUT_RAM_BASE + m->cfg->ram_size) > m->host.ipa_max) {
		log_say(why, why_size, "--mem %" PRIu64 " MiB ends beyond this host's %u-bit guest physical address space",
		    m->cfg->ram_size >> 20, m->host.ipa_max);
		return -E2BIG;
	}
	/*
	 * A snapshot skips the RAM pages never touched (neither present nor
	 * swapped) by asking the page map, instead of reading all of RAM.
	 * Without it (no /proc), every page is read.
	 */
	m->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	/* The coalesced MMIO ring: this page of every vCPU's kvm_run mapping. */
	r = vm_check_cap(m->host.kvm_fd, KVM_CAP_COALESCED_MMIO);
	if (r > 0 && (size_t)(r + 1) * (size_t)sysconf(_SC_PAGESIZE) <= m->host.run_size)
		m->ring_page = (unsigned int)r;
	m->vcpus = calloc(m->cfg->nr_cpus, sizeof(*m->vcpus));
	if (!m->vcpus) {
		log_say(why, why_size, "out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < m->cfg->nr_cpus; i++)
		m->vcpus[i].fd = -1;
	/* The console writer's ring (its thread starts with the run): before the filter, which allows no madvise() but MADV_DONTNEED. */
	if (m->out_fd >= 0) {
		r = conout_new(m->out_fd, CONOUT_RING_SIZE, &m->conout);
		if (r) {
			log_say(why, why_size, "cannot set up the console output: %s", strerror(-r));
			return r;
		}
	}
	return 0;
}

/* Find the newest version this VM's vCPU 0 accepts (probing by writing it). */
static uint32_t machine_newest_psci(struct machine *m)
{
	uint32_t best = 0;

	for (size_t i = 0; i < psci_nr_known_versions; i++) {
		uint32_t v = psci_known_versions[i], seen;

		if (v == PINVM_PSCI_0_1)
			continue;
		if (psci_pin(&m->vcpus[0].fd, 1, v, &seen) == 0)
			best = v;
	}
	return best;
}

static int machine_pin_psci(struct machine *m, char *why, size_t why_size)
{
	const int *fds = m->vcpu_fds;
	uint32_t want = m->cfg->psci, seen = 0;
	char a[16], b[16];
	int r;

	if (want == PSCI_PIN_HOST) {
		r = psci_get(fds[0], &m->psci_version);
		if (r) {
			/* Kernels before 4.17 have no register: PSCI 0.2 feature means 0.2 there. */
			m->psci_version = PINVM_PSCI_0_2;
		}
		return 0;
	}

	r = psci_pin(fds, m->nr_vcpus, want, &seen);
	if (r == -EIO) {
		log_say(why, why_size, "PSCI %s was written but a vCPU reads back PSCI %s",
		    psci_version_str(want, a, sizeof(a)), psci_version_str(seen, b, sizeof(b)));
		return r;
	}
	if (r) {
		uint32_t newest = machine_newest_psci(m);

		if (want == PINVM_PSCI_0_1)
			log_say(why, why_size, "PSCI 0.1 requested, but this host (Linux %s) refuses it (%s)",
			    m->host.release, strerror(-r));
		else if (r == -ENOENT || !newest)
			log_say(why, why_size, "PSCI %s requested, but this host (Linux %s) cannot set the PSCI version (KVM_REG_ARM_PSCI_VERSION needs Linux %s or later)",
			    psci_version_str(want, a, sizeof(a)), m->host.release,
			    psci_version_min_kernel(want));
		else
			log_say(why, why_size, "PSCI %s requested, but this host (Linux %s) accepts at most PSCI %s; PSCI %s needs Linux %s or later",
			    psci_version_str(want, a, sizeof(a)), m->host.release,
			    psci_version_str(newest, b, sizeof(b)), a,
			    psci_version_min_kernel(want));
		return -ENOTSUP;
	}
	m->psci_version = seen;
	return 0;
}

/* Replay m->fw_replay: the whole firmware view, PSCI_VERSION included. */
static int machine_apply_fw_profile(struct machine *m, char *why, size_t why_size)
{
	int r;

	r = fwregs_apply(m->vcpu_fds, m->nr_vcpus, m->fw_replay, &m->fw_report);
	if (r == -ENOTSUP && m->fw_report.nr_refused) {
		log_say(why, why_size, "firmware profile %s cannot be honoured by this host (Linux %s): %u mismatch%s",
		    m->cfg->fw_profile_path ? m->cfg->fw_profile_path : "(recorded)", m->host.release,
		    m->fw_report.nr_refused, m->fw_report.nr_refused == 1 ? "" : "es");
		return r;
	}
	if (r) {
		log_say(why, why_size, "cannot list the firmware registers (KVM_GET_REG_LIST): %s", strerror(-r));
		return r;
	}
	m->psci_version = m->fw_report.psci_version;
	return 0;
}

/* KVM's own PSCI 0.1 function ids (KVM_PSCI_FN_BASE, include/kvm/arm_psci.h): 4 of them */
#define MACHINE_PSCI_0_1_BASE	0x95c1ba5eU

static int machine_smccc_filter(struct machine *m, uint32_t base, uint32_t nr, uint8_t action)
{
	struct kvm_smccc_filter filter = { .base = base, .nr_functions = nr, .action = action };
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
		.addr = (uint64_t)(uintptr_t)&filter,
	};

	return ioctl(m->vm.vm_fd, KVM_SET_DEVICE_ATTR, &attr) < 0 ? -errno : 0;
}

/*
 * pinvm's own PSCI firmware answers @version: the whole PSCI block, SMC32
 * and SMC64, goes to userspace (KVM_EXIT_HYPERCALL); KVM's legacy PSCI 0.1
 * ids are denied. Before the first KVM_RUN (KVM answers EBUSY after).
 */
static int machine_use_psci_fw(struct machine *m, uint32_t version, char *why, size_t why_size)
{
	struct psci_fw_config fc = {
		.version = version,
		.system_suspend = version >= PINVM_PSCI_1_0 && !m->cfg->no_suspend,
	};
	char v[16];
	int r;

	r = machine_smccc_filter(m, PSCI_FW_SMC32_BASE, PSCI_FW_NR_FUNCTIONS,
				 KVM_SMCCC_FILTER_FWD_TO_USER);
	if (!r)
		r = machine_smccc_filter(m, PSCI_FW_SMC64_BASE, PSCI_FW_NR_FUNCTIONS,
					 KVM_SMCCC_FILTER_FWD_TO_USER);
	if (!r)
		r = machine_smccc_filter(m, MACHINE_PSCI_0_1_BASE, 4, KVM_SMCCC_FILTER_DENY);
	if (r) {
		log_say(why, why_size, "cannot install KVM's SMCCC filter for pinvm's PSCI firmware: %s",
			strerror(-r));
		return r;
	}
	r = psci_fw_init(&m->psci_fw, &fc, &m->power);
	if (r) {
		log_say(why, why_size, "pinvm's PSCI firmware cannot give PSCI %s",
			psci_version_str(version, v, sizeof(v)));
		return r;
	}
	m->vcpu_env.fw = &m->psci_fw;
	m->psci_impl = PSCI_IMPL_PINVM;
	m->psci_version = version;
	return 0;
}

static uint32_t machine_profile_psci(const struct fwprofile *p)
{
	const struct fwprofile_reg *r = fwprofile_find(p, FWPROFILE_PSCI_VERSION);

	return r ? (uint32_t)r->value : PINVM_PSCI_0_2;
}

/*
 * The firmware view, and who answers PSCI (--psci-impl): KVM, pinned through
 * KVM_REG_ARM_PSCI_VERSION (or a profile replayed into its registers), or
 * pinvm's own firmware behind KVM's SMCCC filter. auto: KVM when it can give
 * what is asked, else pinvm's firmware when the filter exists.
 */
static int machine_firmware(struct machine *m, char *why, size_t why_size)
{
	const struct machine_config *cfg = m->cfg;
	bool filter = vm_has_smccc_filter(m->vm.vm_fd);
	char kvm_why[512];
	int r;

	m->psci_impl = PSCI_IMPL_KVM;
	if (cfg->psci_impl == PSCI_IMPL_PINVM && !filter) {
		log_say(why, why_size, "--psci-impl pinvm needs KVM's SMCCC filter (Linux 6.4 or later); this host runs Linux %s",
			m->host.release);
		return -ENOTSUP;
	}

	if (m->fw_replay) {
		struct fwprofile rest;
		uint32_t want = machine_profile_psci(m->fw_replay);
		uint64_t kvm_psci;

		if (cfg->psci_impl != PSCI_IMPL_PINVM) {
			r = machine_apply_fw_profile(m, why, why_size);
			if (r == -ENOTSUP && !filter && cfg->psci_impl == PSCI_IMPL_AUTO &&
			    want != PINVM_PSCI_0_1) {
				size_t n = strlen(why);

				log_say(why + n, why_size - n, " (pinvm's own PSCI firmware needs Linux 6.4 or later)");
			}
			if (r != -ENOTSUP || cfg->psci_impl == PSCI_IMPL_KVM || !filter ||
			    want == PINVM_PSCI_0_1)
				return r;
		}
		/*
		 * pinvm answers PSCI; KVM keeps the rest of the view, and its own
		 * PSCI_VERSION register (which the guest never sees answer).
		 */
		rest = *m->fw_replay;
		r = fwregs_get(m->vcpu_fds[0], FWPROFILE_PSCI_VERSION, &kvm_psci);
		if (!r)
			r = fwprofile_set(&rest, FWPROFILE_PSCI_VERSION, kvm_psci);
		memset(&m->fw_report, 0, sizeof(m->fw_report));
		if (!r)
			r = fwregs_apply(m->vcpu_fds, m->nr_vcpus, &rest, &m->fw_report);
		if (r == -ENOTSUP) {
			log_say(why, why_size, "firmware profile %s cannot be honoured by this host (Linux %s), even with pinvm's PSCI firmware: %u mismatch%s",
				cfg->fw_profile_path ? cfg->fw_profile_path : "(recorded)",
				m->host.release, m->fw_report.nr_refused,
				m->fw_report.nr_refused == 1 ? "" : "es");
			return r;
		}
		if (r) {
			log_say(why, why_size, "cannot list the firmware registers (KVM_GET_REG_LIST): %s",
				strerror(-r));
			return r;
		}
		return machine_use_psci_fw(m, want, why, why_size);
	}

	if (cfg->psci == PINVM_PSCI_0_1 || cfg->psci_impl == PSCI_IMPL_KVM ||
	    (cfg->psci == PSCI_PIN_HOST && cfg->psci_impl == PSCI_IMPL_AUTO))
		return machine_pin_psci(m, why, why_size);
	if (cfg->psci_impl == PSCI_IMPL_AUTO) {
		r = machine_pin_psci(m, kvm_why, sizeof(kvm_why));
		if (r != -ENOTSUP)
			return r;
		if (!filter) {
			log_say(why, why_size, "%s, or Linux 6.4 or later for pinvm's own PSCI firmware (--psci-impl pinvm)",
				kvm_why);
			return r;
		}
	}
	/* pinvm's firmware; "host": the version KVM offers by default. */
	if (cfg->psci == PSCI_PIN_HOST) {
		if (psci_get(m->vcpu_fds[0], &m->psci_version))
			m->psci_version = PINVM_PSCI_0_2;
		return machine_use_psci_fw(m, m->psci_version, why, why_size);
	}
	return machine_use_psci_fw(m, cfg->psci, why, why_size);
}

int machine_setup(struct machine *m, char *why, size_t why_size)
{
	const struct machine_config *cfg = m->cfg;
	bool psci_0_1 = cfg->psci == PINVM_PSCI_0_1;
	int r;

	r = vm_create(&m->vm, &m->host);
	if (r) {
		log_say(why, why_size, "KVM_CREATE_VM: %s", strerror(-r));
		return r;
	}
	r = gic_create(&m->gic, m->vm.vm_fd, cfg->gic, cfg->nr_cpus);
	if (r) {
		if (r == -ENODEV)
			log_say(why, why_size, "this host cannot emulate %s",
			    cfg->gic == GIC_WANT_V2 ? "a GICv2 (--gic v2)" :
			    cfg->gic == GIC_WANT_V3 ? "a GICv3 (--gic v3)" : "any GIC (v3 or v2)");
		else
			log_say(why, why_size, "cannot create the vGIC: %s", strerror(-r));
		return r;
	}
	/* Create every vCPU before the first INIT: MPIDRs reflect the topology. */
	for (unsigned int i = 0; i < cfg->nr_cpus; i++) {
		r = vcpu_create(&m->vcpus[i], &m->vcpu_env, m->vm.vm_fd, i, m->host.run_size);
		if (r) {
			log_say(why, why_size, "KVM_CREATE_VCPU %u: %s", i, strerror(-r));
			return r;
		}
		m->nr_vcpus = i + 1;
	}
	/*
	 * The console device; KVM's coalesced MMIO ring is a page of vCPU 0's
	 * kvm_run. The output is always looked at (panics), shown or not.
	 */
	uartio_init(&m->uartio, m->vm.vm_fd, LAYOUT_UART_BASE, LAYOUT_UART_SPI,
		    machine_console_out, m);
	if (m->ring_page) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);

		uartio_set_ring(&m->uartio, (uint8_t *)m->vcpus[0].run + m->ring_page * page, page);
	}
	r = mmio_register(&m->mmio, LAYOUT_UART_BASE, LAYOUT_UART_SIZE, uartio_mmio, &m->uartio);
	if (!r) {
		struct snapshot_device uart_state = machine_uart_state;

		uart_state.opaque = &m->uartio;
		r = snapshot_add_device(m, &uart_state);
	}
	if (r) {
		log_say(why, why_size, "cannot map the UART: %s", strerror(-r));
		return r;
	}
	for (unsigned int i = 0; i < cfg->nr_cpus; i++) {
		r = vcpu_init(&m->vcpus[i], m->vm.vm_fd, psci_0_1);
		if (r) {
			log_say(why, why_size, "KVM_ARM_VCPU_INIT of vCPU %u: %s", i, strerror(-r));
			return r;
		}
	}
	for (unsigned int i = 0; i < cfg->nr_cpus; i++) {
		m->vcpu_fds[i] = m->vcpus[i].fd;
		power_set_mpidr(&m->power, i, m->vcpus[i].mpidr);
	}
	/* The firmware view: a profile's (every register) or the --psci pin alone. */
	r = machine_firmware(m, why, why_size);
	if (r)
		return r;
	if (cfg->fw_record && !m->fw_replay) {
		r = fwregs_record(m->vcpus[0].fd, &m->fw_recorded);
		/* With pinvm's firmware KVM's register is not what the guest sees. */
		if (!r && m->psci_impl == PSCI_IMPL_PINVM)
			r = fwprofile_set(&m->fw_recorded, FWPROFILE_PSCI_VERSION, m->psci_version);
		if (r) {
			log_say(why, why_size, "cannot read the firmware registers: %s", strerror(-r));
			return r;
		}
		/* Restarts replay it: the guest keeps the view of its first boot. */
		m->fw_replay = &m->fw_recorded;
	}
	/*
	 * SYSTEM_SUSPEND exists from PSCI 1.0; KVM hands it to us only with the
	 * cap. Without it (--no-suspend) KVM answers NOT_SUPPORTED itself.
	 */
	m->suspend_cap = false;
	if (m->psci_impl == PSCI_IMPL_KVM && m->psci_version >= PINVM_PSCI_1_0 && !cfg->no_suspend &&
	    vm_check_cap(m->vm.vm_fd, KVM_CAP_ARM_SYSTEM_SUSPEND)) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_SYSTEM_SUSPEND };

		if (ioctl(m->vm.vm_fd, KVM_ENABLE_CAP, &cap) < 0) {
			log_say(why, why_size, "KVM_ENABLE_CAP(KVM_CAP_ARM_SYSTEM_SUSPEND): %s", strerror(errno));
			return -errno;
		}
		m->suspend_cap = true;
	}
	r = gic_finalize(&m->gic);
	if (r) {
		log_say(why, why_size, "cannot initialise the vGIC: %s", strerror(-r));
		return r;
	}
	/* Disks: irqfds need the initialised vGIC. */
	m->ram_view = (struct virtq_mem){ .hva = m->vm.ram, .gpa = m->vm.ram_base,
					  .size = m->vm.ram_size };
	for (unsigned int i = 0; i < m->nr_disks; i++) {
		uint64_t base = LAYOUT_VIRTIO_BASE + i * LAYOUT_VIRTIO_SIZE;

		r = disk_attach(&m->disks[i], m->vm.vm_fd, base, LAYOUT_VIRTIO_SPI + i,
				&m->ram_view, why, why_size);
		if (!r)
			r = mmio_register(&m->mmio, base, LAYOUT_VIRTIO_SIZE, disk_mmio, &m->disks[i]);
		if (!r) {
			struct snapshot_device st = {
				.size = machine_disk_size,
				.save = machine_disk_save,
				.load = machine_disk_load,
				.opaque = &m->disks[i],
			};
			/* "disk-vda", ...: the name outlives this frame. */
			char *n = m->disk_state_names[i];

			memcpy(n, "disk-", 5);
			memcpy(n + 5, m->disks[i].name, sizeof(m->disks[i].name));
			st.name = m->disk_state_names[i];
			r = snapshot_add_device(m, &st);
		}
		if (r) {
			if (r == -EEXIST || r == -ENOSPC)
				log_say(why, why_size, "cannot map disk %s: %s", m->disks[i].name,
					strerror(-r));
			return r;
		}
	}
	r = boot_build_dtb(m, why, why_size);
	if (r || cfg->restore)
		return r;	/* a restore: snapshot_restore() puts the guest's state in */
	return boot_power_on(m, why, why_size);
}

void machine_get_info(struct machine *m, struct machine_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->psci_version = m->psci_version;
	ret->gic_version = m->gic.version;
	ret->host_release = m->host.release;
	ret->host_machine = m->host.machine;
	ret->restarts = m->restarts;
	ret->dtb = m->dtb;
	ret->dtb_size = m->dtb ? boot_dtb_size(m) : 0;
	ret->fw_report = &m->fw_report;
	ret->fw_recorded = m->cfg->fw_record ? &m->fw_recorded : NULL;
	ret->psci_impl = m->psci_impl;
	ret->console_dropped = m->conout ? conout_dropped(m->conout) : 0;
	conwatch_get_info(&m->watch, &ret->console);
	ret->nr_disks = m->nr_disks;
	ret->disks = m->disks;
}

void machine_close(struct machine *m)
{
	/*
	 * A vCPU thread left behind may still return from KVM_RUN into its
	 * kvm_run mapping, the MMIO bus, the UART and console, the run state:
	 * all of it stays until the process ends, which the caller does next.
	 */
	if (m->threads_left)
		return;
	uartio_destroy(&m->uartio);
	/* The I/O threads end before the RAM they read goes. */
	for (unsigned int i = 0; i < m->nr_disks; i++)
		disk_close(&m->disks[i]);
	m->nr_disks = 0;
	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		vcpu_destroy(&m->vcpus[i]);
	m->nr_vcpus = 0;
	free(m->vcpus);
	m->vcpus = NULL;
	gic_destroy(&m->gic);
	vm_destroy(&m->vm);
	mmio_destroy(&m->mmio);
	vm_ram_free(&m->vm);
	if (m->pagemap_fd >= 0)
		(void)close(m->pagemap_fd);
	m->pagemap_fd = -1;
	vm_host_close(&m->host);
	power_destroy(&m->power);
	conwatch_destroy(&m->watch);
	runloop_destroy(m);
	conout_free(m->conout);
	m->conout = NULL;
	boot_close(m);
	free(m->dtb);
	m->dtb = NULL;
}
