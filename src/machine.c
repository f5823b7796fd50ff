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
#include "pinvm/kvm-compat.h"
#include "pinvm/log.h"
#include "pinvm/psci.h"
#include "pinvm/vcpu.h"

#define KICK_SIGNAL	SIGUSR1
#define UART_CLOCK_HZ	1843200

static void say(char *why, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
}

/* ---- console glue: UART output to out_fd, interrupt to the vGIC ---- */

static void machine_tx_flush_locked(struct machine *m)
{
	size_t off = 0;

	while (off < m->txlen) {
		ssize_t n = write(m->out_fd, m->txbuf + off, m->txlen - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* stdout gone: guest output is dropped */
		off += (size_t)n;
	}
	m->txlen = 0;
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
	if (is_write)
		uart_write(&m->uart, (unsigned int)offset, data[0]);
	else {
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
	if (m->txlen)
		machine_tx_flush_locked(m);
	pthread_mutex_unlock(&m->uart_lock);
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
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	pthread_mutex_init(&m->uart_lock, NULL);

	r = loader_read_file(cfg->kernel_path, LOADER_MAX_KERNEL, &buf, &len);
	if (r) {
		say(why, why_size, "cannot read kernel %s: %s", cfg->kernel_path,
		    r == -EFBIG ? "larger than 512 MiB" : strerror(-r));
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
			    r == -EFBIG ? "larger than guest RAM" : strerror(-r));
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
	r = vm_ram_alloc(&m->vm, LAYOUT_RAM_BASE, m->cfg->ram_size);
	if (r) {
		say(why, why_size, "cannot reserve %" PRIu64 " MiB of guest RAM", m->cfg->ram_size >> 20);
		return r;
	}
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
	r = dtb_build(&dc, m->dtb, sizeof(m->dtb));
	if (r)
		say(why, why_size, "cannot build the device tree: %s",
		    r == -ENOSPC ? "larger than 64 KiB (command line too long?)" : strerror(-r));
	return r;
}

size_t machine_dtb_size(const struct machine *m)
{
	return fdt_totalsize(m->dtb);
}

int machine_setup(struct machine *m, char *why, size_t why_size)
{
	const struct machine_config *cfg = m->cfg;
	bool psci_0_1 = cfg->psci == PINVM_PSCI_0_1;
	void *dst;
	int r;

	m->stopping = false;
	m->pause_req = false;
	m->paused = m->exited = 0;
	memset(&m->stop, 0, sizeof(m->stop));

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
	for (unsigned int i = 0; i < cfg->nr_cpus; i++) {
		r = vcpu_init(&m->vcpus[i], m->vm.vm_fd, psci_0_1);
		if (r) {
			say(why, why_size, "KVM_ARM_VCPU_INIT of vCPU %u: %s", i, strerror(-r));
			return r;
		}
	}
	r = machine_pin_psci(m, why, why_size);
	if (r)
		return r;
	/* SYSTEM_SUSPEND exists from PSCI 1.0; KVM hands it to us only with the cap. */
	m->suspend_cap = false;
	if (m->psci_version >= PINVM_PSCI_1_0 &&
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

	/* Devices back to their power-on state. */
	mmio_init(&m->mmio, machine_unmapped, m);
	uart_init(&m->uart, machine_uart_tx, machine_uart_irq, m);
	r = mmio_register(&m->mmio, LAYOUT_UART_BASE, LAYOUT_UART_SIZE, machine_uart_mmio, m);
	if (r) {
		say(why, why_size, "cannot map the UART: %s", strerror(-r));
		return r;
	}

	/* Images: kernel, initrd, DTB. */
	dst = vm_gpa_to_hva(&m->vm, m->plan.kernel_addr, m->kernel_len);
	if (!dst) {
		say(why, why_size, "kernel does not fit in guest RAM");
		return -ENOSPC;
	}
	memcpy(dst, m->kernel, m->kernel_len);
	if (m->initrd_len) {
		dst = vm_gpa_to_hva(&m->vm, m->plan.initrd_addr, m->initrd_len);
		if (!dst) {
			say(why, why_size, "initrd does not fit in guest RAM");
			return -ENOSPC;
		}
		memcpy(dst, m->initrd, m->initrd_len);
	}
	r = machine_build_dtb(m, why, why_size);
	if (r)
		return r;
	dst = vm_gpa_to_hva(&m->vm, m->plan.dtb_addr, machine_dtb_size(m));
	if (!dst) {
		say(why, why_size, "device tree does not fit in guest RAM");
		return -ENOSPC;
	}
	memcpy(dst, m->dtb, machine_dtb_size(m));

	r = vcpu_set_boot_regs(&m->vcpus[0], m->plan.kernel_addr, m->plan.dtb_addr);
	if (r) {
		say(why, why_size, "cannot set boot registers: %s", strerror(-r));
		return r;
	}
	return 0;
}

void machine_teardown(struct machine *m)
{
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
	m->kernel = m->initrd = NULL;
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

static int machine_start_threads(struct machine *m, char *why, size_t why_size)
{
	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		int r = pthread_create(&m->vcpus[i].thread, NULL, vcpu_thread, &m->vcpus[i]);

		if (r) {
			say(why, why_size, "cannot start vCPU thread %u: %s", i, strerror(r));
			return -r;
		}
		m->vcpus[i].thread_started = true;
	}
	return 0;
}

static void machine_join_threads(struct machine *m)
{
	pthread_mutex_lock(&m->lock);
	m->stopping = true;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	machine_kick(m, NULL);
	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		if (!m->vcpus[i].thread_started)
			continue;
		pthread_join(m->vcpus[i].thread, NULL);
		m->vcpus[i].thread_started = false;
	}
}

/* Wait for a stop while serving stdin; returns with the vCPU threads joined. */
static void machine_event_loop(struct machine *m, int sig_fd, int timer_fd, struct console *con)
{
	for (;;) {
		struct pollfd pfd[4];
		int nfds = 0, idx_stop, idx_sig, idx_timer = -1, idx_in = -1;
		int timeout = -1;

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
		if (console_pending(con) || m->txlen)
			timeout = 20;	/* retry a full RX FIFO; flush a partial output line */

		if (poll(pfd, (nfds_t)nfds, timeout) < 0 && errno != EINTR)
			break;

		console_flush(m);
		if (pfd[idx_stop].revents & POLLIN)
			break;
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
	machine_join_threads(m);
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
			machine_join_threads(m);
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
			machine_teardown(m);
			/* A power cycle: RAM reads as zero again, images are reloaded. */
			(void)madvise(m->vm.ram, (size_t)m->vm.ram_size, MADV_DONTNEED);
			r = machine_setup(m, why, why_size);
			if (r)
				break;
			evlog_emit(m->log, "restart", "\"count\":%u", m->restarts);
			continue;
		}
		break;
	}
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
