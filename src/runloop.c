// SPDX-License-Identifier: GPL-2.0-only
/* The run: vCPU threads, the event loop, stops, the reset policy (runloop.h). */
#include "pinvm/runloop.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "pinvm/boot.h"
#include "pinvm/conout.h"
#include "pinvm/crash.h"
#include "pinvm/console.h"
#include "pinvm/conwatch.h"
#include "pinvm/ctl.h"
#include "pinvm/io.h"
#include "pinvm/log.h"
#include "pinvm/machine.h"
#include "pinvm/psci.h"
#include "pinvm/snapshot.h"

void runloop_init(struct machine *m)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&m->lock, NULL);
	/* Bounded waits measure CLOCK_MONOTONIC: a clock change moves no deadline. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&m->cond, &attr);
	pthread_cond_init(&m->boot_cond, &attr);
	pthread_condattr_destroy(&attr);
	m->disk_wait_ms = DISK_WAIT_MS;
}

void runloop_destroy(struct machine *m)
{
	pthread_cond_destroy(&m->boot_cond);
	pthread_cond_destroy(&m->cond);
	pthread_mutex_destroy(&m->lock);
}

static void runloop_stop_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

int runloop_block_signals(void)
{
	sigset_t set;

	runloop_stop_sigset(&set);
	return -pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static bool runloop_stopping(const struct machine *m)
{
	return __atomic_load_n(&m->stopping, __ATOMIC_SEQ_CST);
}

/* ---- stops, kicks, pauses ---- */

void runloop_request_stop(struct machine *m, const struct stop *stop)
{
	uint64_t one = 1;

	pthread_mutex_lock(&m->lock);
	if (m->stop.kind == STOP_NONE)
		m->stop = *stop;
	__atomic_store_n(&m->stopping, true, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	if (m->stop_efd >= 0)
		(void)!write(m->stop_efd, &one, sizeof(one));
}

/* Every vCPU thread but @self's out of KVM_RUN soon (why: published before). */
static void runloop_kick(struct machine *m, unsigned int self)
{
	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		if (i != self && m->vcpus[i].thread_started)
			vcpu_kick(&m->vcpus[i]);
}

/* Wait at the checkpoint while a pause is requested (lock held). */
static void runloop_take_part_locked(struct machine *m)
{
	m->paused++;
	pthread_cond_broadcast(&m->cond);
	while (__atomic_load_n(&m->pause_req, __ATOMIC_SEQ_CST) && !runloop_stopping(m))
		pthread_cond_wait(&m->cond, &m->lock);
	m->paused--;
}

/*
 * Park every vCPU thread but @self at its checkpoint, outside KVM_RUN (a
 * vCPU ioctl from another thread waits for KVM_RUN to return).
 * Returns: true when paused; false when the boot is stopping.
 */
static bool runloop_pause_others(struct machine *m, unsigned int self)
{
	bool ok = true;

	pthread_mutex_lock(&m->lock);
	/* Another vCPU is pausing us: take part first, then take our turn. */
	while (__atomic_load_n(&m->pause_req, __ATOMIC_SEQ_CST) && !runloop_stopping(m))
		runloop_take_part_locked(m);
	if (runloop_stopping(m)) {
		pthread_mutex_unlock(&m->lock);
		return false;
	}
	__atomic_store_n(&m->pause_req, true, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&m->lock);

	runloop_kick(m, self);

	pthread_mutex_lock(&m->lock);
	while (m->paused + m->parked + 1 < m->threads && !runloop_stopping(m))
		pthread_cond_wait(&m->cond, &m->lock);
	if (runloop_stopping(m)) {
		__atomic_store_n(&m->pause_req, false, __ATOMIC_SEQ_CST);
		pthread_cond_broadcast(&m->cond);
		ok = false;
	}
	pthread_mutex_unlock(&m->lock);
	return ok;
}

/*
 * The event loop's pause (control socket): every vCPU thread out of
 * KVM_RUN, at its checkpoint or waiting for a CPU_ON, bounded by
 * RUNLOOP_PARK_TIMEOUT_MS. A vCPU's own pause (sync_power) ends first.
 * Returns: 0; -ESHUTDOWN the boot is stopping; -ETIMEDOUT (the pause is
 * withdrawn).
 */
int runloop_pause_all(struct machine *m)
{
	struct timespec deadline = io_deadline(RUNLOOP_PARK_TIMEOUT_MS);
	int r = 0;

	pthread_mutex_lock(&m->lock);
	while (__atomic_load_n(&m->pause_req, __ATOMIC_SEQ_CST) && !runloop_stopping(m) && !r)
		r = pthread_cond_timedwait(&m->cond, &m->lock, &deadline);
	if (!r && !runloop_stopping(m))
		__atomic_store_n(&m->pause_req, true, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&m->lock);
	if (r)
		return -ETIMEDOUT;
	if (runloop_stopping(m))
		return -ESHUTDOWN;

	runloop_kick(m, m->nr_vcpus);

	pthread_mutex_lock(&m->lock);
	while (m->paused + m->parked < m->threads && !runloop_stopping(m) && !r)
		r = pthread_cond_timedwait(&m->cond, &m->lock, &deadline);
	if (m->paused + m->parked >= m->threads)
		r = 0;
	if (r || runloop_stopping(m)) {
		__atomic_store_n(&m->pause_req, false, __ATOMIC_SEQ_CST);
		pthread_cond_broadcast(&m->cond);
	}
	pthread_mutex_unlock(&m->lock);
	if (r)
		return -ETIMEDOUT;
	return runloop_stopping(m) ? -ESHUTDOWN : 0;
}

void runloop_resume_all(struct machine *m)
{
	pthread_mutex_lock(&m->lock);
	__atomic_store_n(&m->pause_req, false, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

static void runloop_resume_others(struct machine *m)
{
	pthread_mutex_lock(&m->lock);
	__atomic_store_n(&m->pause_req, false, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

/* ---- the vCPU threads' operations (vcpu_ops) ---- */

static bool runloop_op_stopping(void *ctx)
{
	return runloop_stopping(ctx);
}

static void runloop_op_stop(void *ctx, const struct stop *stop)
{
	struct machine *m = ctx;

	/*
	 * What the guest printed before this stop goes to the console watch
	 * first (the THR writes KVM queued in the coalesced ring, a partial
	 * line): runloop_run() has it judged once the vCPUs parked
	 * (conwatch_settle()), so a --fail-on line or a panic's end printed
	 * just before a power event decides, and a reset finds its panic.
	 */
	uartio_flush(&m->uartio);
	runloop_request_stop(m, stop);
}

/*
 * KVM's PSCI: is every vCPU off (KVM_MP_STATE_STOPPED)? Asked by the event
 * loop (runloop_offcheck_tick()), done by vCPU @self's thread with the
 * others paused, so that no CPU_ON can happen while the states are read.
 */
static void runloop_offcheck(struct machine *m, unsigned int self)
{
	bool all_off = true;

	if (!runloop_pause_others(m, self))
		return;
	for (unsigned int i = 0; i < m->nr_vcpus && all_off; i++) {
		uint32_t state;

		if (vcpu_get_mp_state(&m->vcpus[i], &state) || state != KVM_MP_STATE_STOPPED)
			all_off = false;
	}
	runloop_resume_others(m);
	if (all_off) {
		/* KVM does not say which vCPU was the last to turn itself off. */
		struct stop stop = { .kind = STOP_ALL_OFF, .vcpu = STOP_VCPU_UNKNOWN };

		runloop_op_stop(m, &stop);
	}
}

static bool runloop_op_pausing(void *ctx)
{
	struct machine *m = ctx;

	return __atomic_load_n(&m->pause_req, __ATOMIC_SEQ_CST);
}

static void runloop_op_checkpoint(void *ctx, unsigned int self)
{
	struct machine *m = ctx;

	if (self == 0 && __atomic_load_n(&m->offcheck_req, __ATOMIC_SEQ_CST) &&
	    __atomic_exchange_n(&m->offcheck_req, false, __ATOMIC_SEQ_CST))
		runloop_offcheck(m, self);
	if (!__atomic_load_n(&m->pause_req, __ATOMIC_SEQ_CST))
		return;
	pthread_mutex_lock(&m->lock);
	if (__atomic_load_n(&m->pause_req, __ATOMIC_SEQ_CST))
		runloop_take_part_locked(m);
	pthread_mutex_unlock(&m->lock);
}

/*
 * With KVM's PSCI only KVM knows which vCPUs CPU_ON and CPU_OFF changed:
 * read their MP state while they are paused.
 */
static bool runloop_op_sync_power(void *ctx, unsigned int self)
{
	struct machine *m = ctx;

	/* pinvm's firmware keeps the table exact itself; one vCPU has no others. */
	if (m->vcpu_env.fw || m->nr_vcpus < 2)
		return !runloop_stopping(m);
	if (!runloop_pause_others(m, self))
		return false;
	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		uint32_t state = KVM_MP_STATE_RUNNABLE;
		enum power_state p = POWER_ON;

		if (i == self)
			continue;
		if (vcpu_get_mp_state(&m->vcpus[i], &state) == 0) {
			if (state == KVM_MP_STATE_STOPPED)
				p = POWER_OFF;
			else if (state == KVM_MP_STATE_SUSPENDED)
				p = POWER_SUSPENDED;
		}
		power_set(&m->power, i, p);
	}
	runloop_resume_others(m);
	return true;
}

static bool runloop_op_next_boot(void *ctx, unsigned int *seen)
{
	struct machine *m = ctx;
	bool run;

	pthread_mutex_lock(&m->lock);
	while (m->boot == *seen && !m->threads_end)
		pthread_cond_wait(&m->boot_cond, &m->lock);
	run = !m->threads_end;
	*seen = m->boot;
	pthread_mutex_unlock(&m->lock);
	return run;
}

static void runloop_op_parked(void *ctx)
{
	struct machine *m = ctx;

	pthread_mutex_lock(&m->lock);
	m->parked++;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

static void runloop_op_wake(void *ctx, unsigned int target)
{
	struct machine *m = ctx;

	(void)target;	/* every waiting thread looks at its own row */
	pthread_mutex_lock(&m->lock);
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

/*
 * The table changes under its own lock and the waker broadcasts under
 * m->lock afterwards, so a start is never missed. (Lock order: m->lock,
 * then the power table's.) A waiting thread counts as paused: it is out
 * of KVM_RUN (sync_power's pause is for KVM's PSCI only, where no thread
 * waits here; the control socket's pause waits for every thread).
 */
static bool runloop_op_wait_start(void *ctx, unsigned int self, uint64_t *entry,
				  uint64_t *context, bool *big_endian)
{
	struct machine *m = ctx;
	bool started = false;

	pthread_mutex_lock(&m->lock);
	/*
	 * Out of KVM_RUN: counts as paused for the control socket's pause
	 * (runloop_pause_all()), and is not started while one holds.
	 */
	m->paused++;
	pthread_cond_broadcast(&m->cond);
	while (!runloop_stopping(m) &&
	       (__atomic_load_n(&m->pause_req, __ATOMIC_SEQ_CST) ||
		!(started = power_started(&m->power, self, entry, context, big_endian))))
		pthread_cond_wait(&m->cond, &m->lock);
	m->paused--;
	pthread_mutex_unlock(&m->lock);
	return started;
}

const struct vcpu_ops runloop_vcpu_ops = {
	.stopping = runloop_op_stopping,
	.stop = runloop_op_stop,
	.pausing = runloop_op_pausing,
	.checkpoint = runloop_op_checkpoint,
	.sync_power = runloop_op_sync_power,
	.next_boot = runloop_op_next_boot,
	.parked = runloop_op_parked,
	.wake = runloop_op_wake,
	.wait_start = runloop_op_wait_start,
};

/* ---- threads and boots ---- */

/* One thread per vCPU, before the first boot: they wait for it in next_boot. */
static int runloop_start_threads(struct machine *m, char *why, size_t why_size)
{
	int r = 0;

	/* Their crash reports' stacks: a vCPU thread allocates nothing (without one, its own stack). */
	(void)crash_reserve(m->nr_vcpus);
	pthread_mutex_lock(&m->lock);
	for (unsigned int i = 0; i < m->nr_vcpus && !r; i++) {
		r = pthread_create(&m->vcpus[i].thread, NULL, vcpu_thread, &m->vcpus[i]);
		if (r) {
			log_say(why, why_size, "cannot start vCPU thread %u: %s", i, strerror(r));
			break;
		}
		m->vcpus[i].thread_started = true;
		m->threads++;
	}
	pthread_mutex_unlock(&m->lock);
	return -r;
}

/* A boot begins: no stop, no pause; the parked (or new) threads go. */
static void runloop_begin_boot(struct machine *m)
{
	uint64_t stale;

	/* Forget the previous boot's stop notification. */
	if (m->stop_efd >= 0)
		(void)!read(m->stop_efd, &stale, sizeof(stale));
	pthread_mutex_lock(&m->lock);
	memset(&m->stop, 0, sizeof(m->stop));
	__atomic_store_n(&m->pause_req, false, __ATOMIC_SEQ_CST);
	__atomic_store_n(&m->offcheck_req, false, __ATOMIC_SEQ_CST);
	__atomic_store_n(&m->stopping, false, __ATOMIC_SEQ_CST);
	m->paused = m->parked = 0;
	m->offcheck_next = io_deadline(RUNLOOP_OFFCHECK_MS);
	m->offcheck_cpu_ns = UINT64_MAX;
	m->boot++;
	pthread_cond_broadcast(&m->boot_cond);
	pthread_mutex_unlock(&m->lock);
}

/*
 * End the boot: every vCPU thread out of KVM_RUN and parked.
 * Returns: 0; -ETIMEDOUT when some did not park within RUNLOOP_PARK_TIMEOUT_MS.
 */
static int runloop_park_threads(struct machine *m)
{
	struct timespec deadline = io_deadline(RUNLOOP_PARK_TIMEOUT_MS);
	int r = 0;

	pthread_mutex_lock(&m->lock);
	__atomic_store_n(&m->stopping, true, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	runloop_kick(m, m->nr_vcpus);
	pthread_mutex_lock(&m->lock);
	while (m->parked < m->threads && !r)
		r = pthread_cond_timedwait(&m->cond, &m->lock, &deadline);
	if (m->parked >= m->threads)
		r = 0;
	pthread_mutex_unlock(&m->lock);
	return -r;
}

unsigned int runloop_end_threads(struct machine *m)
{
	struct timespec deadline;
	unsigned int left = 0;

	pthread_mutex_lock(&m->lock);
	m->threads_end = true;
	pthread_cond_broadcast(&m->boot_cond);
	pthread_mutex_unlock(&m->lock);
	/* pthread_timedjoin_np() measures CLOCK_REALTIME. */
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += RUNLOOP_JOIN_TIMEOUT_MS / 1000;
	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		if (!m->vcpus[i].thread_started)
			continue;
		if (pthread_timedjoin_np(m->vcpus[i].thread, NULL, &deadline)) {
			/* Left behind: the process ends soon, and the thread with it. */
			pr_warn("vCPU %u's thread did not end within %d ms", i,
				RUNLOOP_JOIN_TIMEOUT_MS);
			left++;
		}
		m->vcpus[i].thread_started = false;
	}
	m->threads_left += left;
	return left;
}

/* ---- the control socket (ctl.h), on the event loop's thread ---- */

static void runloop_ctl_answer(struct machine *m, enum ctl_cmd cmd, const char *line)
{
	char json[CTL_ANSWER_MAX + 64];

	evlog_emit(m->log, "control", "\"command\":\"%s\",\"answer\":%s", ctl_cmd_name(cmd),
		   evlog_json_str(line, json, sizeof(json)));
	ctl_answer(m->ctl, line);
}

static void runloop_ctl_status(struct machine *m, char *line, size_t size)
{
	struct timespec now;
	char ver[16];
	double up;

	clock_gettime(CLOCK_MONOTONIC, &now);
	up = (double)(now.tv_sec - m->started.tv_sec) +
	     (double)(now.tv_nsec - m->started.tv_nsec) / 1e9;
	snprintf(line, size, "ok state=%s vcpus=%u psci=%s psci_impl=%s uptime=%.3f",
		 m->ctl_paused ? "paused" : "running", m->nr_vcpus,
		 psci_version_str(m->psci_version, ver, sizeof(ver)),
		 m->psci_impl == PSCI_IMPL_PINVM ? "pinvm" : "kvm", up);
}

/* snapshot, snapshot-stop: the vCPUs held, the state written to @fd. */
static void runloop_ctl_snapshot(struct machine *m, enum ctl_cmd cmd, int fd)
{
	char why[CTL_ANSWER_MAX - 16], line[CTL_ANSWER_MAX];
	struct timespec t0, t1, disk_deadline;
	uint64_t bytes = 0;
	int r = 0;

	if (!m->ctl_paused)
		r = runloop_pause_all(m);
	if (r) {
		snprintf(line, sizeof(line), "error: the vCPUs could not be paused: %s",
			 r == -ESHUTDOWN ? "the guest is stopping" : strerror(-r));
		runloop_ctl_answer(m, cmd, line);
		return;
	}
	/* What KVM queued for the UART goes through the model first. */
	uartio_flush(&m->uartio);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The disks: no request in flight or taken until the state is written, the images synced. */
	disk_deadline = io_deadline(m->disk_wait_ms);
	for (unsigned int i = 0; i < m->nr_disks && !r; i++) {
		r = disk_freeze(&m->disks[i], io_ms_left(&disk_deadline));
		if (r == -ETIMEDOUT)
			snprintf(why, sizeof(why), "disk %s: a request to the image did not finish within %g s",
				 m->disks[i].name, m->disk_wait_ms / 1000.0);
		else if (r)
			snprintf(why, sizeof(why), "disk %s: fdatasync: %s", m->disks[i].name,
				 strerror(-r));
	}
	if (!r)
		r = snapshot_save(m, fd, &bytes, why, sizeof(why));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* The guest goes on (or the stop ends the disks): what it queued meanwhile is served. */
	if (r || cmd != CTL_SNAPSHOT_STOP)
		for (unsigned int i = 0; i < m->nr_disks; i++)
			disk_thaw(&m->disks[i]);
	if (r) {
		if (!m->ctl_paused)
			runloop_resume_all(m);
		snprintf(line, sizeof(line), "error: %s", why);
		runloop_ctl_answer(m, cmd, line);
		return;
	}
	evlog_emit(m->log, "snapshot", "\"bytes\":%" PRIu64 ",\"seconds\":%.3f,\"stop\":%s", bytes,
		   (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		   cmd == CTL_SNAPSHOT_STOP ? "true" : "false");
	snprintf(line, sizeof(line), "ok %" PRIu64 " bytes%s", bytes,
		 cmd == CTL_SNAPSHOT_STOP ? ", pinvm stops (status 10)" : "");
	runloop_ctl_answer(m, cmd, line);
	if (cmd == CTL_SNAPSHOT_STOP) {
		struct stop stop = { .kind = STOP_SNAPSHOT };

		/* The vCPUs stay held; the stop parks them. */
		runloop_request_stop(m, &stop);
	} else if (!m->ctl_paused) {
		runloop_resume_all(m);
	}
}

static void runloop_control(struct machine *m, short listen_ev, short client_ev)
{
	char why[CTL_ANSWER_MAX - 16], line[CTL_ANSWER_MAX];
	enum ctl_cmd cmd = CTL_STATUS;
	int fd = -1, r;

	if (client_ev && m->ctl->client_fd >= 0) {
		r = ctl_receive(m->ctl, &cmd, &fd, why, sizeof(why));
		if (r == -EINVAL) {
			snprintf(line, sizeof(line), "error: %s", why);
			evlog_emit(m->log, "control", "\"command\":null,\"answer\":%s",
				   evlog_json_str(line, why, sizeof(why)));
			ctl_answer(m->ctl, line);
		} else if (!r) {
			switch (cmd) {
			case CTL_STATUS:
				runloop_ctl_status(m, line, sizeof(line));
				runloop_ctl_answer(m, cmd, line);
				break;
			case CTL_PAUSE:
				r = m->ctl_paused ? 0 : runloop_pause_all(m);
				if (!r) {
					m->ctl_paused = true;
					uartio_flush(&m->uartio);
					runloop_ctl_answer(m, cmd, "ok paused");
				} else {
					snprintf(line, sizeof(line), "error: the vCPUs could not be paused: %s",
						 r == -ESHUTDOWN ? "the guest is stopping" : strerror(-r));
					runloop_ctl_answer(m, cmd, line);
				}
				break;
			case CTL_RESUME:
				if (m->ctl_paused)
					runloop_resume_all(m);
				runloop_ctl_answer(m, cmd, m->ctl_paused ? "ok running" :
						   "ok running (was not paused)");
				m->ctl_paused = false;
				break;
			case CTL_SNAPSHOT:
			case CTL_SNAPSHOT_STOP:
				runloop_ctl_snapshot(m, cmd, fd);
				break;
			}
			if (fd >= 0)
				(void)close(fd);
		}
	}
	if (listen_ev)
		(void)ctl_accept(m->ctl);
}

/* ---- the event loop ---- */

/* Only with KVM's PSCI: pinvm's firmware sees every CPU_OFF itself. */
static bool runloop_offcheck_wanted(const struct machine *m)
{
	return m->vcpu_env.fw == NULL;
}

/* The CPU time the vCPU threads have used so far, in ns. */
static uint64_t runloop_vcpu_cpu_ns(const struct machine *m)
{
	uint64_t ns = 0;

	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		struct timespec ts;
		clockid_t cid;

		if (!m->vcpus[i].thread_started ||
		    pthread_getcpuclockid(m->vcpus[i].thread, &cid) || clock_gettime(cid, &ts))
			continue;
		ns += (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	}
	return ns;
}

/* Milliseconds from @now to @then, at least 0. */
static int runloop_ms_until(const struct timespec *now, const struct timespec *then)
{
	int64_t ms = (int64_t)(then->tv_sec - now->tv_sec) * 1000 +
		     (then->tv_nsec - now->tv_nsec) / 1000000;

	return ms < 0 ? 0 : ms > INT32_MAX ? INT32_MAX : (int)ms;
}

/*
 * Every RUNLOOP_OFFCHECK_MS: if the vCPU threads were (nearly) idle since
 * the last look, ask vCPU 0's thread to check whether every vCPU is off
 * (runloop_offcheck()), and kick it out of KVM_RUN to do so.
 */
static void runloop_offcheck_tick(struct machine *m, const struct timespec *now)
{
	uint64_t ns, idle_ns = RUNLOOP_OFFCHECK_MS * 1000000ULL / RUNLOOP_OFFCHECK_IDLE_DIV;

	if (!runloop_offcheck_wanted(m) || runloop_ms_until(now, &m->offcheck_next) > 0)
		return;
	/*
	 * A client's pause holds the threads: idle, but not off. No probe
	 * meanwhile (vCPU 0 would only take part in the pause first), and the
	 * next look measures from the resume.
	 */
	if (m->ctl_paused) {
		m->offcheck_cpu_ns = UINT64_MAX;
		m->offcheck_next = io_deadline(RUNLOOP_OFFCHECK_MS);
		return;
	}
	ns = runloop_vcpu_cpu_ns(m);
	if (m->offcheck_cpu_ns != UINT64_MAX && ns - m->offcheck_cpu_ns < idle_ns &&
	    m->vcpus[0].thread_started) {
		pthread_mutex_lock(&m->lock);
		__atomic_store_n(&m->offcheck_req, true, __ATOMIC_SEQ_CST);
		pthread_mutex_unlock(&m->lock);
		vcpu_kick(&m->vcpus[0]);
	}
	m->offcheck_cpu_ns = ns;
	m->offcheck_next = io_deadline(RUNLOOP_OFFCHECK_MS);
}

/* Wait for a stop while serving stdin; returns with the vCPU threads parked. */
static int runloop_events(struct machine *m, int sig_fd, int timer_fd, struct console *con)
{
	int r;

	for (;;) {
		struct pollfd pfd[6];
		int nfds = 0, idx_stop, idx_sig, idx_timer = -1, idx_in = -1;
		int idx_ctl = -1, idx_client = -1;
		int timeout, quiet, n;
		struct timespec now;

		idx_stop = nfds;
		pfd[nfds++] = (struct pollfd){ .fd = m->stop_efd, .events = POLLIN };
		idx_sig = nfds;
		pfd[nfds++] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
		if (timer_fd >= 0) {
			idx_timer = nfds;
			pfd[nfds++] = (struct pollfd){ .fd = timer_fd, .events = POLLIN };
		}
		if (m->ctl && m->ctl->listen_fd >= 0) {
			idx_ctl = nfds;
			pfd[nfds++] = (struct pollfd){ .fd = m->ctl->listen_fd, .events = POLLIN };
			if (m->ctl->client_fd >= 0) {
				idx_client = nfds;
				pfd[nfds++] = (struct pollfd){ .fd = m->ctl->client_fd,
							       .events = POLLIN };
			}
		}
		if (console_wants_input(con)) {
			idx_in = nfds;
			pfd[nfds++] = (struct pollfd){ .fd = con->in_fd, .events = POLLIN };
		}
		timeout = uartio_loop_timeout(&m->uartio);
		if (console_pending(con))
			timeout = UARTIO_TICK_MS;	/* retry a full RX FIFO */
		clock_gettime(CLOCK_MONOTONIC, &now);
		quiet = conwatch_timeout(&m->watch, &now);	/* a panic's dump may end quietly */
		if (quiet >= 0 && (timeout < 0 || quiet < timeout))
			timeout = quiet;
		if (runloop_offcheck_wanted(m)) {
			int off = runloop_ms_until(&now, &m->offcheck_next);

			if (timeout < 0 || off < timeout)
				timeout = off;
		}

		n = poll(pfd, (nfds_t)nfds, timeout);
		if (n < 0 && errno != EINTR)
			break;

		/* Signals and the timeout first: nothing else may delay them. */
		if (pfd[idx_sig].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				struct stop stop = { .kind = STOP_SIGNAL,
						     .signo = (int)si.ssi_signo };

				runloop_request_stop(m, &stop);
				break;
			}
		}
		if (idx_timer >= 0 && (pfd[idx_timer].revents & POLLIN)) {
			struct stop stop = { .kind = STOP_TIMEOUT };

			runloop_request_stop(m, &stop);
			break;
		}
		if ((idx_ctl >= 0 && pfd[idx_ctl].revents) ||
		    (idx_client >= 0 && pfd[idx_client].revents)) {
			runloop_control(m, idx_ctl >= 0 ? pfd[idx_ctl].revents : 0,
					idx_client >= 0 ? pfd[idx_client].revents : 0);
			if (runloop_stopping(m))
				break;
		}
		if (pfd[idx_stop].revents & POLLIN) {
			uint64_t count;

			(void)!read(m->stop_efd, &count, sizeof(count));
			if (runloop_stopping(m))
				break;
			/* Output for the console watch: judge it (it may stop the boot). */
			conwatch_drain(&m->watch);
			if (runloop_stopping(m))
				break;
			/* Only woken for output: let the line complete, flush on the tick. */
			if (n == 1)
				continue;
		}
		uartio_flush(&m->uartio);
		clock_gettime(CLOCK_MONOTONIC, &now);
		conwatch_tick(&m->watch, &now);
		if (runloop_stopping(m))
			break;
		runloop_offcheck_tick(m, &now);
		if (console_service(con, &m->uartio, idx_in >= 0 ? pfd[idx_in].revents : 0)) {
			struct stop stop = { .kind = STOP_ESCAPE };

			runloop_request_stop(m, &stop);
			break;
		}
	}
	r = runloop_park_threads(m);
	uartio_flush(&m->uartio);
	return r;
}

int runloop_stop_disks(struct machine *m, char *why, size_t why_size)
{
	/* One wait for all of them: k stuck disks hold a stop disk_wait_ms, not k times that. */
	struct timespec deadline = io_deadline(m->disk_wait_ms);
	int ret = 0;

	for (unsigned int i = 0; i < m->nr_disks; i++) {
		struct disk *d = &m->disks[i];
		char path[512];
		int r = disk_stop(d, io_ms_left(&deadline));

		if (r == -ETIMEDOUT) {
			m->threads_left++;
			evlog_emit(m->log, "disk_error", "\"disk\":\"%s\",\"path\":%s,\"error\":\"a request did not finish within %g s\"",
				   d->name, evlog_json_str(d->path, path, sizeof(path)), m->disk_wait_ms / 1000.0);
			if (!ret)
				log_say(why, why_size, "disk %s (%s): a request to the image did not finish within %g s (stuck in the host kernel): pinvm stops without it, and without syncing the image",
					d->name, d->path, m->disk_wait_ms / 1000.0);
			ret = r;
			continue;
		}
		if (r)
			pr_warn("disk %s (%s): fdatasync failed: %s: the guest's writes may not be on stable storage",
				d->name, d->path, strerror(-r));
		if (r)
			evlog_emit(m->log, "disk_error", "\"disk\":\"%s\",\"path\":%s,\"error\":\"fdatasync: %s\"",
				   d->name, evlog_json_str(d->path, path, sizeof(path)), strerror(-r));
	}
	return ret;
}

/* The event-log record of a boot's stop. */
static void runloop_log_stop(struct machine *m, const struct stop *s)
{
	char reason[256];

	switch (s->kind) {
	case STOP_SYSTEM_OFF:
		evlog_emit(m->log, "system_off", "\"vcpu\":%u", s->vcpu);
		break;
	case STOP_SYSTEM_OFF2:
		evlog_emit(m->log, "system_off2", "\"vcpu\":%u", s->vcpu);
		break;
	case STOP_RESET:
		evlog_emit(m->log, "reset", "\"vcpu\":%u", s->vcpu);
		break;
	case STOP_RESET2:
		evlog_emit(m->log, "reset2", "\"vcpu\":%u,\"reset_type\":\"0x%" PRIx32
			   "\",\"cookie\":\"0x%" PRIx64 "\",\"vendor\":%s", s->vcpu,
			   s->reset_type, s->cookie,
			   psci_reset2_is_vendor(s->reset_type) ? "true" : "false");
		break;
	case STOP_FAILURE:
		evlog_emit(m->log, "failure", "\"reason\":%s,\"vcpu\":%u,\"pc\":\"0x%" PRIx64
			   "\",\"pstate\":\"0x%" PRIx64 "\"",
			   evlog_json_str(s->reason, reason, sizeof(reason)), s->vcpu,
			   s->pc, s->pstate);
		break;
	case STOP_TIMEOUT:
		evlog_emit(m->log, "timeout", "\"seconds\":%u", m->cfg->timeout);
		break;
	case STOP_SIGNAL:
		evlog_emit(m->log, "signal", "\"signal\":%d,\"name\":\"SIG%s\"", s->signo,
			   sigabbrev_np(s->signo) ? sigabbrev_np(s->signo) : "?");
		break;
	case STOP_ESCAPE:
		evlog_emit(m->log, "escape", NULL);
		break;
	case STOP_ALL_OFF:
		if (s->vcpu == STOP_VCPU_UNKNOWN)
			evlog_emit(m->log, "all_off", NULL);	/* KVM's PSCI: not known */
		else
			evlog_emit(m->log, "all_off", "\"vcpu\":%u", s->vcpu);
		break;
	case STOP_NONE:
	case STOP_RESET_LIMIT:
	case STOP_PANIC:	/* the console watch wrote panic and pattern records */
	case STOP_PASS:
	case STOP_FAIL:
	case STOP_SNAPSHOT:	/* the control socket wrote its snapshot record */
		break;
	}
}

/* A stop the guest made itself: a power event or a failure, not ours. */
static bool runloop_guest_stop(const struct stop *s)
{
	switch (s->kind) {
	case STOP_SYSTEM_OFF:
	case STOP_SYSTEM_OFF2:
	case STOP_RESET:
	case STOP_RESET2:
	case STOP_FAILURE:
	case STOP_ALL_OFF:
		return true;
	default:
		return false;
	}
}

/* Does this stop restart the guest in place (before --max-resets)? */
static bool runloop_restarts(const struct machine_config *cfg, const struct stop *s)
{
	if (s->kind == STOP_PANIC)
		return cfg->watch.on_panic == CONWATCH_PANIC_RESTART;
	return (s->kind == STOP_RESET || s->kind == STOP_RESET2) && !cfg->on_reset_exit;
}

int runloop_run(struct machine *m, struct stop *ret_stop, char *why, size_t why_size)
{
	const struct machine_config *cfg = m->cfg;
	sigset_t stop_sigs;
	struct console con;
	int sig_fd = -1, timer_fd = -1, r;

	memset(ret_stop, 0, sizeof(*ret_stop));
	/* Blocked for good (main.c did it first; again for other callers). */
	r = runloop_block_signals();
	if (!r)
		r = vcpu_install_kick_handler();
	if (r) {
		log_say(why, why_size, "cannot set up signals: %s", strerror(-r));
		return r;
	}
	signal(SIGPIPE, SIG_IGN);
	runloop_stop_sigset(&stop_sigs);
	sig_fd = signalfd(-1, &stop_sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	m->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sig_fd < 0 || m->stop_efd < 0) {
		r = -errno;
		log_say(why, why_size, "cannot create signalfd/eventfd: %s", strerror(-r));
		goto out;
	}
	if (cfg->timeout) {
		struct itimerspec its = { .it_value = { .tv_sec = cfg->timeout } };

		timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (timer_fd < 0 || timerfd_settime(timer_fd, 0, &its, NULL) < 0) {
			r = -errno;
			log_say(why, why_size, "cannot arm the --timeout timer: %s", strerror(-r));
			goto out;
		}
	}
	if (m->conout) {
		r = conout_start(m->conout);
		if (r) {
			log_say(why, why_size, "cannot start the console output thread: %s",
				strerror(-r));
			goto out;
		}
	}
	uartio_set_wake_fd(&m->uartio, m->stop_efd);
	conwatch_set_wake_fd(&m->watch, m->stop_efd);
	console_open(&con, cfg->console_none ? -1 : STDIN_FILENO);

	/* The disks' I/O threads, then the vCPUs'. */
	for (unsigned int i = 0; i < m->nr_disks && !r; i++) {
		r = disk_start(&m->disks[i]);
		if (r)
			log_say(why, why_size, "cannot start the I/O thread of disk %s: %s",
				m->disks[i].name, strerror(-r));
	}
	clock_gettime(CLOCK_MONOTONIC, &m->started);
	if (!r)
		r = runloop_start_threads(m, why, why_size);
	while (!r) {
		struct stop *s = &m->stop;

		runloop_begin_boot(m);
		r = runloop_events(m, sig_fd, timer_fd, &con);
		/* Every stop: the queues stop, the request in flight ends, writable images synced. */
		if (r) {
			char disk_why[512];

			if (runloop_stop_disks(m, disk_why, sizeof(disk_why)))
				pr_warn("%s", disk_why);
			log_say(why, why_size, "vCPU threads did not stop within %d ms",
				RUNLOOP_PARK_TIMEOUT_MS);
			break;
		}
		r = runloop_stop_disks(m, why, why_size);
		/*
		 * The output still queued was printed before the vCPUs parked: a
		 * pattern line or a panic's end in it comes before a stop the
		 * guest made itself, and replaces it.
		 */
		(void)conwatch_settle(&m->watch, s, runloop_guest_stop(s));
		runloop_log_stop(m, s);
		/* A disk request stuck in the kernel: the stop is recorded, the run ends (status 1). */
		if (r)
			break;
		/* A panic's dump ends in a reset (panic=-1, panic=N): the panic decides. */
		if (s->kind == STOP_RESET || s->kind == STOP_RESET2)
			(void)conwatch_reset(&m->watch, s);
		if (!runloop_restarts(cfg, s))
			break;
		if (m->restarts >= cfg->max_resets) {
			/* a panic stays a panic (exit 7), the summary names the limit */
			if (s->kind != STOP_PANIC) {
				snprintf(s->reason, sizeof(s->reason), "%s",
					 s->kind == STOP_RESET2 ? "reset2" : "reset");
				s->kind = STOP_RESET_LIMIT;
			}
			break;
		}
		m->restarts++;
		r = boot_restart(m, why, why_size);
		if (!r) {
			conwatch_new_boot(&m->watch);
			evlog_emit(m->log, "restart", "\"count\":%u", m->restarts);
		}
	}
	(void)runloop_end_threads(m);
	uartio_flush(&m->uartio);
	conwatch_finish(&m->watch);
	if (m->conout)
		(void)conout_stop(m->conout, RUNLOOP_CONOUT_STOP_MS, RUNLOOP_CONOUT_STALL_MS);
	*ret_stop = m->stop;
	console_close(&con);
	uartio_set_wake_fd(&m->uartio, -1);
	conwatch_set_wake_fd(&m->watch, -1);
out:
	if (timer_fd >= 0)
		(void)close(timer_fd);
	if (sig_fd >= 0)
		(void)close(sig_fd);
	if (m->stop_efd >= 0)
		(void)close(m->stop_efd);
	m->stop_efd = -1;
	return r;
}
