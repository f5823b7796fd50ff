// SPDX-License-Identifier: GPL-2.0-only
/* Machine assembly, the event loop, stops and in-process restarts. */
#include "pinvm/machine.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <linux/kvm.h>

#include <libfdt.h>

#include "pinvm/console.h"
#include "pinvm/dtb.h"
#include "pinvm/fwregs.h"
#include "pinvm/io.h"
#include "pinvm/kvm-compat.h"
#include "pinvm/log.h"
#include "pinvm/psci.h"
#include "pinvm/vcpu.h"

#define KICK_SIGNAL	SIGUSR1
#define UART_CLOCK_HZ	1843200

/* ---- console glue: UART output to out_fd, interrupt to the vGIC ---- */

static void machine_tx_flush_locked(struct machine *m)
{
	/* An error means stdout is gone: guest output is dropped. */
	(void)io_write_all(m->out_fd, m->txbuf, m->txlen);
	m->txlen = 0;
}

/* The event loop sleeps without a timeout: wake it, it has output to see to. */
static void machine_wake_loop_locked(struct machine *m)
{
	uint64_t one = 1;

	if (!m->loop_asleep)
		return;
	m->loop_asleep = false;
	if (m->stop_efd >= 0)
		(void)!write(m->stop_efd, &one, sizeof(one));
}

static void machine_uart_tx(void *opaque, uint8_t byte)
{
	struct machine *m = opaque;

	if (m->out_fd < 0)
		return;
	m->txbuf[m->txlen++] = (char)byte;
	/* Line-buffered: one write per line, not one per byte. */
	if (byte == '\n' || m->txlen == sizeof(m->txbuf))
		machine_tx_flush_locked(m);
	else
		machine_wake_loop_locked(m);	/* a partial line goes out within a tick */
}

/*
 * Console output without an exit per byte. Linux's 8250 console reads LSR,
 * then writes THR, for every byte: two exits. While a THR write cannot raise
 * an interrupt (uart_thr_write_deferrable()), THR is registered as a KVM
 * coalesced MMIO zone: KVM queues those writes in a ring it shares with us
 * and goes on with the guest, and the queue is replayed, in order, before
 * the UART handles its next access (the LSR poll of the next byte) and by
 * the event loop every tick. Registering costs KVM a grace period
 * (milliseconds), so it waits for TX_COALESCE_AFTER such writes in a row;
 * the zone goes as soon as a THR write could interrupt again (THRE
 * interrupt on, or loopback), and after TX_COALESCE_IDLE_MS without output.
 */
#define TX_COALESCE_AFTER	64
#define TX_COALESCE_IDLE_MS	1000
#define TX_TICK_MS		20

static uint64_t machine_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Replay the queued THR writes (uart_lock held). Returns how many. */
static unsigned int machine_tx_drain_locked(struct machine *m)
{
	struct kvm_coalesced_mmio_ring *ring = m->tx_ring;
	unsigned int n = 0;
	uint32_t first;

	if (!ring)
		return 0;
	first = ring->first;
	while (first != __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE)) {
		const struct kvm_coalesced_mmio *e = &ring->coalesced_mmio[first];

		uart_write(&m->uart, (unsigned int)(e->phys_addr - LAYOUT_UART_BASE), e->data[0]);
		first = (first + 1) % m->tx_ring_max;
		__atomic_store_n(&ring->first, first, __ATOMIC_RELEASE);
		n++;
	}
	if (n)
		m->tx_active_ms = machine_now_ms();
	return n;
}

static void machine_tx_zone_locked(struct machine *m, bool on)
{
	struct kvm_coalesced_mmio_zone zone = {
		.addr = LAYOUT_UART_BASE + UART_TX,
		.size = 1,
	};

	if (ioctl(m->vm.vm_fd, on ? KVM_REGISTER_COALESCED_MMIO : KVM_UNREGISTER_COALESCED_MMIO,
		  &zone) < 0) {
		if (on)
			m->tx_ring = NULL;	/* refused: exits it is, for this VM */
		return;
	}
	m->tx_coalesced = on;
	if (on) {
		m->tx_active_ms = machine_now_ms();
		machine_wake_loop_locked(m);	/* it drains the ring every tick */
	} else {
		m->tx_credit = 0;
		machine_tx_drain_locked(m);	/* queued before the zone went */
	}
}

/* After a guest write the UART handled through an exit. */
static void machine_tx_update_locked(struct machine *m, unsigned int offset)
{
	if (!m->tx_ring)
		return;
	if (!uart_thr_write_deferrable(&m->uart)) {
		m->tx_credit = 0;
		if (m->tx_coalesced)
			machine_tx_zone_locked(m, false);
	} else if (!m->tx_coalesced && offset == UART_TX &&
		   ++m->tx_credit >= TX_COALESCE_AFTER) {
		machine_tx_zone_locked(m, true);
	}
}

static void machine_uart_irq(void *opaque, int level)
{
	struct machine *m = opaque;

	if (m->vm.vm_fd >= 0)
		(void)gic_spi_line(m->vm.vm_fd, LAYOUT_UART_SPI, level);
}

static void machine_uart_mmio(void *opaque, uint64_t offset, uint8_t *data,
			      unsigned int len, bool is_write)
{
	struct machine *m = opaque;

	pthread_mutex_lock(&m->uart_lock);
	machine_tx_drain_locked(m);	/* queued THR writes come first */
	if (is_write) {
		uart_write(&m->uart, (unsigned int)offset, data[0]);
		machine_tx_update_locked(m, (unsigned int)offset);
	} else {
		memset(data, 0, len);
		data[0] = uart_read(&m->uart, (unsigned int)offset);
	}
	pthread_mutex_unlock(&m->uart_lock);
}

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

size_t console_feed(struct machine *m, const uint8_t *buf, size_t len)
{
	size_t n;

	pthread_mutex_lock(&m->uart_lock);
	n = uart_rx_push(&m->uart, buf, len);
	pthread_mutex_unlock(&m->uart_lock);
	return n;
}

void console_flush(struct machine *m)
{
	pthread_mutex_lock(&m->uart_lock);
	if (m->tx_coalesced && !machine_tx_drain_locked(m) &&
	    machine_now_ms() - m->tx_active_ms >= TX_COALESCE_IDLE_MS)
		machine_tx_zone_locked(m, false);
	if (m->txlen)
		machine_tx_flush_locked(m);
	pthread_mutex_unlock(&m->uart_lock);
}

/*
 * The event loop's timeout: a tick while output may wait (a partial line,
 * writes in the ring), else none; then machine_wake_loop_locked() wakes it.
 */
static int machine_loop_timeout(struct machine *m)
{
	int timeout = TX_TICK_MS;

	pthread_mutex_lock(&m->uart_lock);
	if (!m->txlen && !m->tx_coalesced) {
		timeout = -1;
		m->loop_asleep = true;
	}
	pthread_mutex_unlock(&m->uart_lock);
	return timeout;
}

/* ---- loading ---- */

int machine_load(struct machine *m, const struct machine_config *cfg,
		 struct evlog *log, char *why, size_t why_size)
{
	const char *reason = NULL;
	void *buf = NULL;
	size_t len = 0;
	int r;

	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->log = log;
	m->host.kvm_fd = -1;
	m->vm.vm_fd = -1;
	m->gic.fd = -1;
	m->stop_efd = -1;
	m->out_fd = cfg->console_none ? -1 : STDOUT_FILENO;
	m->fw_replay = cfg->fw_profile;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	pthread_cond_init(&m->park_cond, NULL);
	pthread_mutex_init(&m->uart_lock, NULL);

	r = loader_read_file(cfg->kernel_path, LOADER_MAX_KERNEL, &buf, &len);
	if (r) {
		say(why, why_size, "cannot read kernel %s: %s", cfg->kernel_path,
		    r == -EFBIG ? "larger than 512 MiB" :
		    r == -EINVAL ? "not a regular file" : strerror(-r));
		return r;
	}
	if (loader_is_gzip(buf, len)) {
		void *out = NULL;
		size_t out_len = 0;

		r = loader_gunzip(buf, len, LOADER_MAX_KERNEL, &out, &out_len, &reason);
		free(buf);
		if (r) {
			say(why, why_size, "cannot decompress kernel %s: %s", cfg->kernel_path,
			    r == -EFBIG ? "it inflates to more than 512 MiB" :
			    reason ? reason : strerror(-r));
			return r;
		}
		buf = out;
		len = out_len;
	}
	m->kernel = buf;
	m->kernel_len = len;
	r = loader_parse_image(buf, len, &m->img, &reason);
	if (r) {
		say(why, why_size, "bad kernel %s: %s", cfg->kernel_path,
		    reason ? reason : strerror(-r));
		return r;
	}

	if (cfg->initrd_path) {
		r = loader_read_file(cfg->initrd_path, (size_t)cfg->ram_size, &m->initrd,
				     &m->initrd_len);
		if (r) {
			say(why, why_size, "cannot read initrd %s: %s", cfg->initrd_path,
			    r == -EFBIG ? "larger than guest RAM" :
			    r == -EINVAL ? "not a regular file" : strerror(-r));
			return r;
		}
	}

	r = loader_plan(&m->img, m->initrd_len, LAYOUT_RAM_BASE, cfg->ram_size, &m->plan,
			&reason);
	if (r) {
		say(why, why_size, "guest RAM (%" PRIu64 " MiB) cannot hold the images: %s",
		    cfg->ram_size >> 20, reason ? reason : strerror(-r));
		return r;
	}
	return 0;
}

int machine_open_host(struct vm_host *host, char *why, size_t why_size)
{
	const char *missing = NULL;
	int r = vm_host_open(host, &missing);

	switch (r) {
	case 0:
		break;
	case -ENOENT:
		say(why, why_size, "/dev/kvm does not exist: this host has no KVM (is the kvm module loaded, or is this a VM without nested virtualization?)");
		break;
	case -EACCES:
	case -EPERM:
		say(why, why_size, "no permission to open /dev/kvm: run as a user in the group that owns it (often 'kvm')");
		break;
	case -ENOTSUP:
		if (strcmp(host->machine, "aarch64"))
			say(why, why_size, "this host is %s, not arm64: pinvm runs arm64 guests on arm64 KVM only",
			    host->machine[0] ? host->machine : "unknown");
		else
			say(why, why_size, "/dev/kvm speaks KVM API version %d, pinvm needs %d",
			    host->api_version, KVM_API_VERSION);
		break;
	case -ENXIO:
		say(why, why_size, "this host's KVM lacks %s", missing);
		break;
	default:
		say(why, why_size, "cannot open /dev/kvm: %s", strerror(-r));
		break;
	}
	return r;
}

int machine_open(struct machine *m, char *why, size_t why_size)
{
	int r = machine_open_host(&m->host, why, why_size);

	if (r)
		return r;
	if (m->cfg->nr_cpus > m->host.max_vcpus) {
		say(why, why_size, "--cpus %u is more than this host allows (%u)",
		    m->cfg->nr_cpus, m->host.max_vcpus);
		return -E2BIG;
	}
	if (m->host.ipa_max &&
	    vm_ipa_bits_for(LAYOUT_RAM_BASE + m->cfg->ram_size) > m->host.ipa_max) {
		say(why, why_size, "--mem %" PRIu64 " MiB ends beyond this host's %u-bit guest physical address space",
		    m->cfg->ram_size >> 20, m->host.ipa_max);
		return -E2BIG;
	}
	r = vm_ram_alloc(&m->vm, LAYOUT_RAM_BASE, m->cfg->ram_size, m->cfg->mem_merge);
	if (r) {
		if (r == -ENOMEM)
			say(why, why_size, "cannot reserve %" PRIu64 " MiB of guest RAM", m->cfg->ram_size >> 20);
		else
			say(why, why_size, "--mem-merge: this host cannot offer guest RAM to KSM (MADV_MERGEABLE: %s; a kernel without CONFIG_KSM?)",
			    strerror(-r));
		return r;
	}
	/* The coalesced MMIO ring: this page of every vCPU's kvm_run mapping. */
	r = vm_check_cap(m->host.kvm_fd, KVM_CAP_COALESCED_MMIO);
	if (r > 0 && (size_t)(r + 1) * (size_t)sysconf(_SC_PAGESIZE) <= m->host.run_size)
		m->tx_ring_page = (unsigned int)r;
	m->vcpus = calloc(m->cfg->nr_cpus, sizeof(*m->vcpus));
	if (!m->vcpus) {
		say(why, why_size, "out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < m->cfg->nr_cpus; i++)
		m->vcpus[i].fd = -1;
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
	int fds[LAYOUT_MAX_VCPUS];
	uint32_t want = m->cfg->psci, seen = 0;
	char a[16], b[16];
	int r;

	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		fds[i] = m->vcpus[i].fd;

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
		say(why, why_size, "PSCI %s was written but a vCPU reads back PSCI %s",
		    psci_version_str(want, a, sizeof(a)), psci_version_str(seen, b, sizeof(b)));
		return r;
	}
	if (r) {
		uint32_t newest = machine_newest_psci(m);

		if (want == PINVM_PSCI_0_1)
			say(why, why_size, "PSCI 0.1 requested, but this host (Linux %s) refuses it (%s)",
			    m->host.release, strerror(-r));
		else if (r == -ENOENT || !newest)
			say(why, why_size, "PSCI %s requested, but this host (Linux %s) cannot set the PSCI version (KVM_REG_ARM_PSCI_VERSION needs Linux %s or later)",
			    psci_version_str(want, a, sizeof(a)), m->host.release,
			    psci_version_min_kernel(want));
		else
			say(why, why_size, "PSCI %s requested, but this host (Linux %s) accepts at most PSCI %s; PSCI %s needs Linux %s or later",
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
	int fds[LAYOUT_MAX_VCPUS];
	int r;

	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		fds[i] = m->vcpus[i].fd;
	r = fwregs_apply(fds, m->nr_vcpus, m->fw_replay, &m->fw_report);
	if (r == -ENOTSUP && m->fw_report.nr_refused) {
		say(why, why_size, "firmware profile %s cannot be honoured by this host (Linux %s): %u mismatch%s",
		    m->cfg->fw_profile_path ? m->cfg->fw_profile_path : "(recorded)", m->host.release,
		    m->fw_report.nr_refused, m->fw_report.nr_refused == 1 ? "" : "es");
		return r;
	}
	if (r) {
		say(why, why_size, "cannot list the firmware registers (KVM_GET_REG_LIST): %s", strerror(-r));
		return r;
	}
	m->psci_version = m->fw_report.psci_version;
	return 0;
}

/* The DTB buffer's first size; it grows up to LAYOUT_DTB_MAX_SIZE. */
#define MACHINE_DTB_FIRST_SIZE	0x2000

static int machine_build_dtb(struct machine *m, char *why, size_t why_size)
{
	uint64_t mpidr[LAYOUT_MAX_VCPUS];
	struct dtb_config dc;
	int r;

	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		mpidr[i] = m->vcpus[i].mpidr;
	memset(&dc, 0, sizeof(dc));
	dc.ram_base = m->vm.ram_base;
	dc.ram_size = m->vm.ram_size;
	dc.nr_cpus = m->nr_vcpus;
	dc.mpidr = mpidr;
	dc.gic = m->gic.version == 3 ? DTB_GIC_V3 : DTB_GIC_V2;
	dc.gic_dist_base = m->gic.dist_base;
	dc.gic_dist_size = m->gic.dist_size;
	dc.gic_redist_base = m->gic.redist_base;
	dc.gic_redist_size = m->gic.redist_size;
	dc.gic_cpuif_base = m->gic.cpuif_base;
	dc.gic_cpuif_size = m->gic.cpuif_size;
	dc.uart_base = LAYOUT_UART_BASE;
	dc.uart_size = LAYOUT_UART_SIZE;
	dc.uart_spi = LAYOUT_UART_SPI;
	dc.uart_clock = UART_CLOCK_HZ;
	dc.psci_version = m->psci_version;
	dc.bootargs = m->cfg->cmdline;
	if (m->initrd_len) {
		dc.initrd_start = m->plan.initrd_addr;
		dc.initrd_end = m->plan.initrd_addr + m->plan.initrd_size;
	}
	/*
	 * libfdt zeroes the whole buffer first: start small (a few pages, most
	 * DTBs are 2-3 KiB) and double it while the blob does not fit.
	 */
	for (size_t size = MACHINE_DTB_FIRST_SIZE;; size *= 2) {
		uint8_t *buf = realloc(m->dtb, size);

		if (!buf) {
			say(why, why_size, "out of memory");
			return -ENOMEM;
		}
		m->dtb = buf;
		r = dtb_build(&dc, m->dtb, size);
		if (r != -ENOSPC || size >= LAYOUT_DTB_MAX_SIZE)
			break;
	}
	if (r)
		say(why, why_size, "cannot build the device tree: %s",
		    r == -ENOSPC ? "larger than 64 KiB (command line too long?)" : strerror(-r));
	return r;
}

size_t machine_dtb_size(const struct machine *m)
{
	return fdt_totalsize(m->dtb);
}

static int machine_power_on(struct machine *m, char *why, size_t why_size);

/* Before a boot: no stop recorded, no pause in progress. */
static void machine_clear_run_state(struct machine *m)
{
	m->stopping = false;
	m->pause_req = false;
	m->paused = m->exited = 0;
	memset(&m->stop, 0, sizeof(m->stop));
}

int machine_setup(struct machine *m, char *why, size_t why_size)
{
	const struct machine_config *cfg = m->cfg;
	bool psci_0_1 = cfg->psci == PINVM_PSCI_0_1;
	int r;

	machine_clear_run_state(m);
	r = vm_create(&m->vm, &m->host);
	if (r) {
		say(why, why_size, "KVM_CREATE_VM: %s", strerror(-r));
		return r;
	}
	r = gic_create(&m->gic, m->vm.vm_fd, cfg->gic, cfg->nr_cpus);
	if (r) {
		if (r == -ENODEV)
			say(why, why_size, "this host cannot emulate %s",
			    cfg->gic == GIC_WANT_V2 ? "a GICv2 (--gic v2)" :
			    cfg->gic == GIC_WANT_V3 ? "a GICv3 (--gic v3)" : "any GIC (v3 or v2)");
		else
			say(why, why_size, "cannot create the vGIC: %s", strerror(-r));
		return r;
	}
	/* Create every vCPU before the first INIT: MPIDRs reflect the topology. */
	for (unsigned int i = 0; i < cfg->nr_cpus; i++) {
		r = vcpu_create(&m->vcpus[i], m, m->vm.vm_fd, i, m->host.run_size);
		if (r) {
			say(why, why_size, "KVM_CREATE_VCPU %u: %s", i, strerror(-r));
			return r;
		}
		m->nr_vcpus = i + 1;
	}
	if (m->tx_ring_page) {
		long page = sysconf(_SC_PAGESIZE);

		m->tx_ring = (void *)((uint8_t *)m->vcpus[0].run + m->tx_ring_page * (size_t)page);
		m->tx_ring_max = (unsigned int)(((size_t)page - sizeof(*m->tx_ring)) /
						sizeof(m->tx_ring->coalesced_mmio[0]));
	}
	for (unsigned int i = 0; i < cfg->nr_cpus; i++) {
		r = vcpu_init(&m->vcpus[i], m->vm.vm_fd, psci_0_1);
		if (r) {
			say(why, why_size, "KVM_ARM_VCPU_INIT of vCPU %u: %s", i, strerror(-r));
			return r;
		}
	}
	/* The firmware view: a profile's (every register) or the --psci pin alone. */
	if (m->fw_replay)
		r = machine_apply_fw_profile(m, why, why_size);
	else
		r = machine_pin_psci(m, why, why_size);
	if (r)
		return r;
	if (cfg->fw_record && !m->fw_replay) {
		r = fwregs_record(m->vcpus[0].fd, &m->fw_recorded);
		if (r) {
			say(why, why_size, "cannot read the firmware registers: %s", strerror(-r));
			return r;
		}
		/* Restarts replay it: the guest keeps the view of its first boot. */
		m->fw_replay = &m->fw_recorded;
	}
	/*
	 * SYSTEM_SUSPEND exists from PSCI 1.0; KVM hands it to us only with the
	 * cap, and without it answers PSCI_FEATURES and the call NOT_SUPPORTED.
	 */
	m->suspend_cap = false;
	if (m->psci_version >= PINVM_PSCI_1_0 && !cfg->no_suspend &&
	    vm_check_cap(m->vm.vm_fd, KVM_CAP_ARM_SYSTEM_SUSPEND)) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_SYSTEM_SUSPEND };

		if (ioctl(m->vm.vm_fd, KVM_ENABLE_CAP, &cap) < 0) {
			say(why, why_size, "KVM_ENABLE_CAP(KVM_CAP_ARM_SYSTEM_SUSPEND): %s", strerror(errno));
			return -errno;
		}
		m->suspend_cap = true;
	}
	r = gic_finalize(&m->gic);
	if (r) {
		say(why, why_size, "cannot initialise the vGIC: %s", strerror(-r));
		return r;
	}
	r = machine_build_dtb(m, why, why_size);
	if (r)
		return r;
	return machine_power_on(m, why, why_size);
}

/*
 * Guest RAM the host would back with a transparent huge page (THP) on the
 * first write: pinvm's own copies would make the host zero and keep a whole
 * 2 MiB (4K pages; more with larger pages) for a 4 KiB guest or a DTB. The
 * huge-page blocks that [gpa, gpa + len) fills only in part get small pages;
 * the ones it fills whole (most of a Linux Image) keep THP.
 */
static void machine_ram_small_pages(struct machine *m, uint64_t gpa, uint64_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t huge = page * page / 8;	/* one last-level table: the PMD size */
	uintptr_t ram = (uintptr_t)m->vm.ram, ram_end = ram + (uintptr_t)m->vm.ram_size;
	uintptr_t start = ram + (uintptr_t)(gpa - m->vm.ram_base);
	uintptr_t ends[2] = { start, start + (uintptr_t)len }, done = 0;

	/* The advice stays with the mapping, which outlives VMs: give it once. */
	if (!len || huge <= page || m->restarts)
		return;
	for (int i = 0; i < 2; i++) {
		uintptr_t block = ends[i] & ~(huge - 1);

		/* A block that starts here, lies outside RAM or was already done. */
		if (ends[i] == block || block < ram || block + huge > ram_end || block == done)
			continue;
		(void)madvise((void *)block, huge, MADV_NOHUGEPAGE);
		done = block;
	}
}

/*
 * The power-on state around a VM that is ready (vCPUs initialised, vGIC
 * reset or new): devices, images and the DTB in RAM, vCPU 0's boot registers.
 */
static int machine_power_on(struct machine *m, char *why, size_t why_size)
{
	void *dst;
	int r;

	/* Devices back to their power-on state. */
	mmio_init(&m->mmio, machine_unmapped, m);
	uart_init(&m->uart, machine_uart_tx, machine_uart_irq, m);
	r = mmio_register(&m->mmio, LAYOUT_UART_BASE, LAYOUT_UART_SIZE, machine_uart_mmio, m);
	if (r) {
		say(why, why_size, "cannot map the UART: %s", strerror(-r));
		return r;
	}

	/* Images: kernel, initrd, DTB (built by machine_setup(), new seeds on every boot). */
	dst = vm_gpa_to_hva(&m->vm, m->plan.kernel_addr, m->kernel_len);
	if (!dst) {
		say(why, why_size, "kernel does not fit in guest RAM");
		return -ENOSPC;
	}
	machine_ram_small_pages(m, m->plan.kernel_addr, m->kernel_len);
	memcpy(dst, m->kernel, m->kernel_len);
	if (m->initrd_len) {
		dst = vm_gpa_to_hva(&m->vm, m->plan.initrd_addr, m->initrd_len);
		if (!dst) {
			say(why, why_size, "initrd does not fit in guest RAM");
			return -ENOSPC;
		}
		machine_ram_small_pages(m, m->plan.initrd_addr, m->initrd_len);
		memcpy(dst, m->initrd, m->initrd_len);
	}
	dst = vm_gpa_to_hva(&m->vm, m->plan.dtb_addr, machine_dtb_size(m));
	if (!dst) {
		say(why, why_size, "device tree does not fit in guest RAM");
		return -ENOSPC;
	}
	machine_ram_small_pages(m, m->plan.dtb_addr, machine_dtb_size(m));
	r = dtb_new_seeds(m->dtb);
	if (r) {
		say(why, why_size, "cannot seed the device tree (getrandom): %s", strerror(-r));
		return r;
	}
	memcpy(dst, m->dtb, machine_dtb_size(m));

	r = vcpu_set_boot_regs(&m->vcpus[0], m->plan.kernel_addr, m->plan.dtb_addr);
	if (r) {
		say(why, why_size, "cannot set boot registers: %s", strerror(-r));
		return r;
	}
	return 0;
}

/*
 * An in-place restart: the VM, its vGIC and vCPUs stay (building and
 * destroying them is most of what a restart would cost, docs/benchmarks.md)
 * and what a guest can see goes back to its power-on state: every vCPU
 * (KVM_ARM_VCPU_INIT again, only vCPU 0 running), the vGIC (gic_reset()),
 * devices, images and the DTB; the caller has zeroed RAM. The firmware view
 * (PSCI pin, profile) belongs to the VM and stays as machine_setup() set it.
 * Returns: 0; -errno (the caller rebuilds the VM with machine_setup()).
 */
static int machine_reset(struct machine *m, char *why, size_t why_size)
{
	uint64_t mpidr[LAYOUT_MAX_VCPUS];
	int r;

	machine_clear_run_state(m);
	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		struct vcpu *v = &m->vcpus[i];

		r = vcpu_reinit(v);
		if (r)
			return r;
		v->suspended = false;
		v->run->immediate_exit = 0;	/* set by the kick that stopped it */
		mpidr[i] = v->mpidr;
	}
	r = gic_reset(&m->gic, mpidr, m->nr_vcpus);
	if (r)
		return r;
	mmio_destroy(&m->mmio);
	return machine_power_on(m, why, why_size);
}

void machine_teardown(struct machine *m)
{
	/* The ring lives in vCPU 0's mapping and the zone in the VM: both go. */
	console_flush(m);
	m->tx_ring = NULL;
	m->tx_coalesced = false;
	m->tx_credit = 0;
	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		vcpu_destroy(&m->vcpus[i]);
	m->nr_vcpus = 0;
	gic_destroy(&m->gic);
	vm_destroy(&m->vm);
	mmio_destroy(&m->mmio);
}

void machine_close(struct machine *m)
{
	machine_teardown(m);
	free(m->vcpus);
	m->vcpus = NULL;
	vm_ram_free(&m->vm);
	vm_host_close(&m->host);
	free(m->kernel);
	free(m->initrd);
	free(m->dtb);
	m->kernel = m->initrd = NULL;
	m->dtb = NULL;
	if (m->stop_efd >= 0)
		(void)close(m->stop_efd);
	m->stop_efd = -1;
}

/* ---- stopping, kicking, pausing ---- */

void machine_request_stop(struct machine *m, const struct machine_stop *stop)
{
	uint64_t one = 1;

	pthread_mutex_lock(&m->lock);
	if (m->stop.kind == MACHINE_STOP_NONE)
		m->stop = *stop;
	m->stopping = true;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	if (m->stop_efd >= 0)
		(void)!write(m->stop_efd, &one, sizeof(one));
}

static void machine_kick(struct machine *m, struct vcpu *self)
{
	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		struct vcpu *v = &m->vcpus[i];

		if (v == self || !v->thread_started)
			continue;
		/* immediate_exit covers a thread about to enter KVM_RUN; the signal one inside it. */
		v->run->immediate_exit = 1;
		pthread_kill(v->thread, KICK_SIGNAL);
	}
}

void machine_vcpu_checkpoint(struct machine *m)
{
	if (!m->pause_req)
		return;
	pthread_mutex_lock(&m->lock);
	if (m->pause_req) {
		m->paused++;
		pthread_cond_broadcast(&m->cond);
		while (m->pause_req && !m->stopping)
			pthread_cond_wait(&m->cond, &m->lock);
		m->paused--;
	}
	pthread_mutex_unlock(&m->lock);
}

bool machine_pause_others(struct machine *m, struct vcpu *self)
{
	unsigned int others = 0;

	pthread_mutex_lock(&m->lock);
	/* Another vCPU is pausing us: take part first, then take our turn. */
	while (m->pause_req && !m->stopping) {
		m->paused++;
		pthread_cond_broadcast(&m->cond);
		while (m->pause_req && !m->stopping)
			pthread_cond_wait(&m->cond, &m->lock);
		m->paused--;
	}
	if (m->stopping) {
		pthread_mutex_unlock(&m->lock);
		return false;
	}
	m->pause_req = true;
	pthread_mutex_unlock(&m->lock);

	machine_kick(m, self);

	pthread_mutex_lock(&m->lock);
	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		if (&m->vcpus[i] != self && m->vcpus[i].thread_started)
			others++;
	while (m->paused + m->exited < others && !m->stopping)
		pthread_cond_wait(&m->cond, &m->lock);
	if (m->stopping) {
		m->pause_req = false;
		pthread_cond_broadcast(&m->cond);
		pthread_mutex_unlock(&m->lock);
		return false;
	}
	pthread_mutex_unlock(&m->lock);
	return true;
}

void machine_resume_others(struct machine *m)
{
	pthread_mutex_lock(&m->lock);
	m->pause_req = false;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

static void machine_kick_handler(int sig)
{
	(void)sig;	/* only there to make KVM_RUN return EINTR */
}

/* ---- the event loop ---- */

/*
 * The vCPU threads live as long as their vCPUs: after a stop they wait in
 * machine_vcpu_park() for the next boot. (A vCPU that a new thread runs
 * makes KVM wait for an RCU grace period, on older kernels, at its first
 * KVM_RUN.)
 */
static int machine_start_threads(struct machine *m, char *why, size_t why_size)
{
	/* Those parked since the previous boot go on... */
	pthread_mutex_lock(&m->lock);
	m->boot++;
	pthread_cond_broadcast(&m->park_cond);
	pthread_mutex_unlock(&m->lock);
	/* ...and the vCPUs without one get a thread. */
	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		int r;

		if (m->vcpus[i].thread_started)
			continue;
		r = pthread_create(&m->vcpus[i].thread, NULL, vcpu_thread, &m->vcpus[i]);
		if (r) {
			say(why, why_size, "cannot start vCPU thread %u: %s", i, strerror(r));
			return -r;
		}
		m->vcpus[i].thread_started = true;
	}
	return 0;
}

bool machine_vcpu_park(struct machine *m)
{
	unsigned int boot;
	bool again;

	pthread_mutex_lock(&m->lock);
	boot = m->boot;
	m->exited++;
	pthread_cond_broadcast(&m->cond);
	while (m->boot == boot && !m->threads_end)
		pthread_cond_wait(&m->park_cond, &m->lock);
	again = !m->threads_end;
	pthread_mutex_unlock(&m->lock);
	return again;
}

/* End the boot: every vCPU thread out of KVM_RUN and parked. */
static void machine_park_threads(struct machine *m)
{
	unsigned int started = 0;

	pthread_mutex_lock(&m->lock);
	m->stopping = true;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	machine_kick(m, NULL);
	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		started += m->vcpus[i].thread_started;
	pthread_mutex_lock(&m->lock);
	while (m->exited < started)
		pthread_cond_wait(&m->cond, &m->lock);
	pthread_mutex_unlock(&m->lock);
}

/* The parked vCPU threads end (before their vCPUs go). */
static void machine_end_threads(struct machine *m)
{
	pthread_mutex_lock(&m->lock);
	m->threads_end = true;
	pthread_cond_broadcast(&m->park_cond);
	pthread_mutex_unlock(&m->lock);
	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		if (!m->vcpus[i].thread_started)
			continue;
		pthread_join(m->vcpus[i].thread, NULL);
		m->vcpus[i].thread_started = false;
	}
	m->threads_end = false;
}

/* Wait for a stop while serving stdin; returns with the vCPU threads parked. */
static void machine_event_loop(struct machine *m, int sig_fd, int timer_fd, struct console *con)
{
	for (;;) {
		struct pollfd pfd[4];
		int nfds = 0, idx_stop, idx_sig, idx_timer = -1, idx_in = -1;
		int timeout, n;

		idx_stop = nfds;
		pfd[nfds++] = (struct pollfd){ .fd = m->stop_efd, .events = POLLIN };
		idx_sig = nfds;
		pfd[nfds++] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
		if (timer_fd >= 0) {
			idx_timer = nfds;
			pfd[nfds++] = (struct pollfd){ .fd = timer_fd, .events = POLLIN };
		}
		if (console_wants_input(con)) {
			idx_in = nfds;
			pfd[nfds++] = (struct pollfd){ .fd = con->in_fd, .events = POLLIN };
		}
		timeout = machine_loop_timeout(m);
		if (console_pending(con))
			timeout = TX_TICK_MS;	/* retry a full RX FIFO */

		n = poll(pfd, (nfds_t)nfds, timeout);
		if (n < 0 && errno != EINTR)
			break;

		if (pfd[idx_stop].revents & POLLIN) {
			uint64_t count;

			(void)!read(m->stop_efd, &count, sizeof(count));
			if (m->stopping)
				break;
			/* Only woken for output: let the line complete, flush on the tick. */
			if (n == 1)
				continue;
		}
		console_flush(m);
		if (pfd[idx_sig].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				struct machine_stop stop = { .kind = MACHINE_STOP_SIGNAL,
							     .signo = (int)si.ssi_signo };

				machine_request_stop(m, &stop);
				break;
			}
		}
		if (idx_timer >= 0 && (pfd[idx_timer].revents & POLLIN)) {
			struct machine_stop stop = { .kind = MACHINE_STOP_TIMEOUT };

			machine_request_stop(m, &stop);
			break;
		}
		if (console_service(con, m, idx_in >= 0 ? pfd[idx_in].revents : 0)) {
			struct machine_stop stop = { .kind = MACHINE_STOP_ESCAPE };

			machine_request_stop(m, &stop);
			break;
		}
	}
	machine_park_threads(m);
	console_flush(m);
}

static const char *reset_kind_name(const struct machine_stop *s)
{
	return s->kind == MACHINE_STOP_RESET2 ? "reset2" : "reset";
}

int machine_run(struct machine *m, struct machine_stop *ret_stop, char *why, size_t why_size)
{
	const struct machine_config *cfg = m->cfg;
	struct sigaction sa;
	sigset_t stop_sigs, old;
	struct console con;
	int sig_fd = -1, timer_fd = -1, r = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = machine_kick_handler;	/* no SA_RESTART: KVM_RUN must return */
	sigaction(KICK_SIGNAL, &sa, NULL);

	/* SIGINT/TERM/HUP go to the event loop through a signalfd; vCPU threads inherit the mask. */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigaddset(&stop_sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop_sigs, &old);
	signal(SIGPIPE, SIG_IGN);
	sig_fd = signalfd(-1, &stop_sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	m->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sig_fd < 0 || m->stop_efd < 0) {
		say(why, why_size, "cannot create signalfd/eventfd: %s", strerror(errno));
		r = -errno;
		goto out;
	}
	if (cfg->timeout) {
		struct itimerspec its = { .it_value = { .tv_sec = cfg->timeout } };

		timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (timer_fd < 0 || timerfd_settime(timer_fd, 0, &its, NULL) < 0) {
			say(why, why_size, "cannot arm the --timeout timer: %s", strerror(errno));
			r = -errno;
			goto out;
		}
	}
	console_open(&con, cfg->console_none ? -1 : STDIN_FILENO);

	for (;;) {
		struct machine_stop *s = &m->stop;
		uint64_t stale;

		/* A restart: forget the previous boot's stop notification. */
		(void)!read(m->stop_efd, &stale, sizeof(stale));
		r = machine_start_threads(m, why, why_size);
		if (r) {
			machine_park_threads(m);
			break;
		}
		machine_event_loop(m, sig_fd, timer_fd, &con);

		switch (s->kind) {
		case MACHINE_STOP_SYSTEM_OFF:
			evlog_emit(m->log, "system_off", "\"vcpu\":%u", s->vcpu);
			break;
		case MACHINE_STOP_SYSTEM_OFF2:
			evlog_emit(m->log, "system_off2", "\"vcpu\":%u", s->vcpu);
			break;
		case MACHINE_STOP_RESET:
			evlog_emit(m->log, "reset", "\"vcpu\":%u", s->vcpu);
			break;
		case MACHINE_STOP_RESET2:
			evlog_emit(m->log, "reset2", "\"vcpu\":%u,\"reset_type\":\"0x%" PRIx64
				   "\",\"cookie\":\"0x%" PRIx64 "\",\"vendor\":%s", s->vcpu,
				   s->reset_type, s->cookie,
				   psci_reset2_is_vendor(s->reset_type) ? "true" : "false");
			break;
		case MACHINE_STOP_FAILURE: {
			char reason[256];

			evlog_emit(m->log, "failure", "\"reason\":%s,\"vcpu\":%u,\"pc\":\"0x%" PRIx64
				   "\",\"pstate\":\"0x%" PRIx64 "\"",
				   evlog_json_str(s->reason, reason, sizeof(reason)), s->vcpu,
				   s->pc, s->pstate);
			break;
		}
		case MACHINE_STOP_TIMEOUT:
			evlog_emit(m->log, "timeout", "\"seconds\":%u", cfg->timeout);
			break;
		case MACHINE_STOP_SIGNAL:
			evlog_emit(m->log, "signal", "\"signal\":%d,\"name\":\"SIG%s\"", s->signo,
				   sigabbrev_np(s->signo) ? sigabbrev_np(s->signo) : "?");
			break;
		case MACHINE_STOP_ESCAPE:
			evlog_emit(m->log, "escape", NULL);
			break;
		case MACHINE_STOP_NONE:
		case MACHINE_STOP_RESET_LIMIT:
			break;
		}

		if ((s->kind == MACHINE_STOP_RESET || s->kind == MACHINE_STOP_RESET2) &&
		    !cfg->on_reset_exit) {
			if (m->restarts >= cfg->max_resets) {
				struct machine_stop limit = *s;

				limit.kind = MACHINE_STOP_RESET_LIMIT;
				snprintf(limit.reason, sizeof(limit.reason), "%s", reset_kind_name(s));
				*s = limit;
				break;
			}
			m->restarts++;
			/* A power cycle: RAM reads as zero again, images are reloaded. */
			(void)madvise(m->vm.ram, (size_t)m->vm.ram_size, MADV_DONTNEED);
			r = machine_reset(m, why, why_size);
			if (r) {
				/* GICv2, or a host that refused a step: a new VM, as at start. */
				machine_end_threads(m);
				machine_teardown(m);
				r = machine_setup(m, why, why_size);
			}
			if (r)
				break;
			evlog_emit(m->log, "restart", "\"count\":%u", m->restarts);
			continue;
		}
		break;
	}
	machine_end_threads(m);
	*ret_stop = m->stop;
	console_close(&con);
out:
	if (timer_fd >= 0)
		(void)close(timer_fd);
	if (sig_fd >= 0)
		(void)close(sig_fd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}
