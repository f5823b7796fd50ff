// SPDX-License-Identifier: GPL-2.0-only
/* A disk: image, lock, virtio-blk on virtio-mmio, ioeventfd, irqfd, I/O thread (disk.h). */
#include "pinvm/disk.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>

#include "pinvm/crash.h"
#include "pinvm/io.h"
#include "pinvm/log.h"
#include "pinvm/sandbox.h"

void disk_init(struct disk *d, const char *path, bool ro, unsigned int index)
{
	pthread_condattr_t ca;

	memset(d, 0, sizeof(*d));
	d->path = path;
	d->ro = ro;
	snprintf(d->name, sizeof(d->name), "vd%c", 'a' + (char)(index % 26));
	d->fd = d->kick_fd = d->irq_fd = d->quit_fd = -1;
	d->vm_fd = -1;
	pthread_mutex_init(&d->lock, NULL);
	/* stops and snapshots wait on it with a deadline (io_deadline()) */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->idle, &ca);
	pthread_condattr_destroy(&ca);
}

int disk_open(struct disk *d, char *why, size_t why_size)
{
	struct flock fl = {
		.l_type = d->ro ? F_RDLCK : F_WRLCK,
		.l_whence = SEEK_SET,	/* start 0, length 0: the whole file, however it grows */
	};
	const char *base;
	struct stat st;
	int r;

	/* O_NONBLOCK: a FIFO must not block the open (it is refused below). */
	d->fd = open(d->path, (d->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (d->fd < 0) {
		r = -errno;
		if (!d->ro && (r == -EACCES || r == -EROFS || r == -EPERM))
			log_say(why, why_size, "--disk %s: cannot open it for writing: %s (',ro' attaches it read-only)",
				d->path, strerror(-r));
		else
			log_say(why, why_size, "--disk %s: cannot open it: %s", d->path, strerror(-r));
		return r;
	}
	if (fstat(d->fd, &st) < 0) {
		r = -errno;
		log_say(why, why_size, "--disk %s: %s", d->path, strerror(-r));
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		log_say(why, why_size, "--disk %s: not a regular file (a raw image file is needed)",
			d->path);
		return -EINVAL;
	}
	if (st.st_size == 0 || st.st_size % VIRTIO_BLK_SECTOR) {
		log_say(why, why_size, "--disk %s: its size (%" PRIu64 " bytes) is not a positive multiple of 512 bytes",
			d->path, (uint64_t)st.st_size);
		return -EINVAL;
	}
	if (fcntl(d->fd, F_OFD_SETLK, &fl) < 0) {
		r = -errno;
		if (r == -EAGAIN || r == -EACCES) {
			log_say(why, why_size, "--disk %s: the image is in use: another open file holds a %s lock on it (another pinvm, or this one given it twice; such locks do not name their holder: try fuser or lslocks)",
				d->path, d->ro ? "write" : "read or write");
			return -EAGAIN;
		}
		log_say(why, why_size, "--disk %s: cannot lock it (F_OFD_SETLK): %s", d->path,
			strerror(-r));
		return r;
	}
	d->size = (uint64_t)st.st_size;
	base = strrchr(d->path, '/');
	virtio_blk_init(&d->blk, d->fd, d->size, d->ro, base ? base + 1 : d->path);
	return 0;
}

/* ---- the device model's operations (d->lock held) ---- */

static void disk_op_config(void *opaque, uint64_t offset, uint8_t *data, unsigned int len)
{
	struct disk *d = opaque;

	virtio_blk_config_read(&d->blk, offset, data, len);
}

static void disk_op_quiesce(void *opaque)
{
	struct disk *d = opaque;

	d->hold = true;
	while (d->busy)
		pthread_cond_wait(&d->idle, &d->lock);
	d->hold = false;	/* the caller changes the state before it lets go of the lock */
}

static void disk_op_kick(void *opaque)
{
	struct disk *d = opaque;
	uint64_t one = 1;

	if (d->kick_fd >= 0)
		(void)!write(d->kick_fd, &one, sizeof(one));
}

static void disk_op_interrupt(void *opaque)
{
	struct disk *d = opaque;
	uint64_t one = 1;

	if (d->irq_fd >= 0)
		(void)!write(d->irq_fd, &one, sizeof(one));
}

static const struct virtio_mmio_ops disk_ops = {
	.config_read = disk_op_config,
	.quiesce = disk_op_quiesce,
	.kick = disk_op_kick,
	.interrupt = disk_op_interrupt,
};

int disk_attach(struct disk *d, int vm_fd, uint64_t base, unsigned int spi,
		const struct virtq_mem *mem, char *why, size_t why_size)
{
	struct kvm_ioeventfd io;
	struct kvm_irqfd irq;
	int r;

	d->vm_fd = vm_fd;
	d->base = base;
	d->spi = spi;
	virtio_mmio_init(&d->t, VIRTIO_ID_BLOCK, virtio_blk_features(&d->blk), mem, &disk_ops, d);
	d->attached = true;
	d->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->quit_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->kick_fd < 0 || d->irq_fd < 0 || d->quit_fd < 0) {
		r = -errno;
		log_say(why, why_size, "disk %s: cannot create eventfds: %s", d->name, strerror(-r));
		return r;
	}
	if (vm_fd < 0)
		return 0;	/* no VM (unit tests): the eventfds are driven directly */
	/* QueueNotify of queue 0 signals the I/O thread without an exit. */
	memset(&io, 0, sizeof(io));
	io.addr = base + VIRTIO_MMIO_QUEUE_NOTIFY;
	io.len = 4;
	io.datamatch = 0;
	io.fd = d->kick_fd;
	io.flags = KVM_IOEVENTFD_FLAG_DATAMATCH;
	if (ioctl(vm_fd, KVM_IOEVENTFD, &io) < 0) {
		r = -errno;
		log_say(why, why_size, "disk %s: KVM_IOEVENTFD: %s", d->name, strerror(-r));
		return r;
	}
	d->ioeventfd = true;
	/* api.rst: on arm64 an irqfd's gsi is the SPI number (INTID - 32). */
	memset(&irq, 0, sizeof(irq));
	irq.fd = (uint32_t)d->irq_fd;
	irq.gsi = spi;
	if (ioctl(vm_fd, KVM_IRQFD, &irq) < 0) {
		r = -errno;
		log_say(why, why_size, "disk %s: KVM_IRQFD: %s", d->name, strerror(-r));
		return r;
	}
	d->irqfd = true;
	return 0;
}

void disk_mmio(void *opaque, uint64_t offset, uint8_t *data, unsigned int len, bool is_write)
{
	struct disk *d = opaque;

	pthread_mutex_lock(&d->lock);
	virtio_mmio_access(&d->t, offset, data, len, is_write);
	pthread_mutex_unlock(&d->lock);
}

/* ---- the I/O thread ---- */

/* Serve the queue until it is empty, stopped, held or broken (d->lock held; dropped around each request). */
static void disk_serve_locked(struct disk *d)
{
	struct virtq *q = &d->t.vq;

	while (!d->stopped && !d->hold && !d->frozen && virtio_mmio_live(&d->t)) {
		uint32_t len = 0;
		bool notify;
		int r;

		/* Only the I/O thread touches the ring indexes; a reset waits for busy to clear. */
		d->busy = true;
		pthread_mutex_unlock(&d->lock);
		r = virtq_pop(q, &d->chain);
		if (r == 1)
			len = virtio_blk_request(&d->blk, &d->chain);
		if (r == 1 || r == -EBADMSG)
			virtq_push(q, d->chain.head, len);
		notify = r != 0 && r != -EPROTO && virtq_want_interrupt(q);
		pthread_mutex_lock(&d->lock);
		d->busy = false;
		pthread_cond_broadcast(&d->idle);
		if (r == 0)
			break;
		if (r == -EPROTO) {
			virtio_mmio_fail(&d->t);
			break;
		}
		virtio_mmio_used(&d->t, notify);
	}
}

static void *disk_thread(void *arg)
{
	struct disk *d = arg;
	int r;

	/* Named in a crash report ("disk I/O vda"), on its own signal stack (disk_start()). */
	(void)crash_thread_enter("disk I/O", d->name, -1);
	/* Its own seccomp filter (a no-op without the process one); without it, no I/O. */
	r = sandbox_install_thread(SANDBOX_DISK);

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = d->kick_fd, .events = POLLIN },
			{ .fd = d->quit_fd, .events = POLLIN },
		};
		uint64_t n;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		(void)!read(d->kick_fd, &n, sizeof(n));
		if (r)
			continue;
		pthread_mutex_lock(&d->lock);
		disk_serve_locked(d);
		pthread_mutex_unlock(&d->lock);
	}
	crash_thread_leave();
	return NULL;
}

int disk_start(struct disk *d)
{
	sigset_t all, old;
	int r;

	if (d->started)
		return -EALREADY;
	/* Stop signals belong to the event loop's signalfd. */
	sigfillset(&all);
	/* Its crash report's stack (without one, the report uses the thread's stack). */
	(void)crash_reserve(1);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&d->thread, NULL, disk_thread, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r)
		return -r;
	d->started = true;
	return 0;
}

void disk_reset(struct disk *d)
{
	pthread_mutex_lock(&d->lock);
	if (d->attached)
		virtio_mmio_reset(&d->t);
	d->stopped = false;
	d->frozen = false;
	pthread_mutex_unlock(&d->lock);
}

/* Wait up to @wait_ms for the request in flight (d->lock held). Returns: 0; -ETIMEDOUT. */
static int disk_wait_idle(struct disk *d, unsigned int wait_ms)
{
	struct timespec deadline = io_deadline(wait_ms);

	while (d->busy)
		if (pthread_cond_timedwait(&d->idle, &d->lock, &deadline) == ETIMEDOUT)
			return d->busy ? -ETIMEDOUT : 0;
	return 0;
}

int disk_stop(struct disk *d, unsigned int wait_ms)
{
	int r;

	pthread_mutex_lock(&d->lock);
	d->stopped = true;
	r = disk_wait_idle(d, wait_ms);
	if (r)
		d->stuck = true;
	pthread_mutex_unlock(&d->lock);
	if (r)
		return r;
	/* The guest's writes reach the disk even without its FLUSH (a hibernation image has none). */
	if (d->fd >= 0 && !d->ro) {
		d->syncs++;
		if (fdatasync(d->fd) < 0) {
			r = -errno;
			d->sync_error = r;
		}
	}
	return r;
}

/* ---- snapshots ---- */

int disk_freeze(struct disk *d, unsigned int wait_ms)
{
	int r;

	pthread_mutex_lock(&d->lock);
	d->frozen = true;
	r = disk_wait_idle(d, wait_ms);
	pthread_mutex_unlock(&d->lock);
	if (r)
		return r;
	if (d->fd >= 0 && !d->ro && fdatasync(d->fd) < 0)
		r = -errno;
	return r;
}

void disk_thaw(struct disk *d)
{
	pthread_mutex_lock(&d->lock);
	d->frozen = false;
	pthread_mutex_unlock(&d->lock);
	/* A kick taken while frozen served nothing. */
	disk_op_kick(d);
}

size_t disk_state_size(const struct disk *d)
{
	struct diskstate s = { .path = d->path };

	return diskstate_size(&s);
}

/* The transport and queue as the guest left them (d->lock held). */
static void disk_state_get(struct disk *d, struct diskstate *s)
{
	const struct virtq *q = &d->t.vq;

	memset(s, 0, sizeof(*s));
	s->ro = d->ro;
	s->size = d->size;
	s->status = d->t.status;
	s->isr = d->t.isr;
	s->dev_feat_sel = d->t.dev_feat_sel;
	s->drv_feat_sel = d->t.drv_feat_sel;
	s->queue_sel = d->t.queue_sel;
	s->driver_features = d->t.driver_features;
	s->ready = q->ready;
	s->broken = __atomic_load_n(&q->broken, __ATOMIC_RELAXED);
	s->qsize = q->size;
	s->last_avail = q->last_avail;
	s->used_idx = q->used_idx;
	s->desc = q->desc_gpa;
	s->avail = q->avail_gpa;
	s->used = q->used_gpa;
	s->path = d->path;
}

int disk_state_save(struct disk *d, uint8_t *buf, size_t len)
{
	struct diskstate s;

	pthread_mutex_lock(&d->lock);
	disk_state_get(d, &s);
	pthread_mutex_unlock(&d->lock);
	return diskstate_encode(&s, buf, len);
}

int disk_state_load(struct disk *d, const struct diskstate *s, char *why, size_t why_size)
{
	struct virtq *q = &d->t.vq;
	bool live, pending;

	if (s->size != d->size) {
		log_say(why, why_size, "disk %s: the image %s is %" PRIu64 " bytes, the snapshot's guest had %" PRIu64 " (its size changed)",
			d->name, d->path, d->size, s->size);
		return -EINVAL;
	}
	if (s->ro != d->ro) {
		log_say(why, why_size, "disk %s: attached %s, the snapshot's was %s", d->name,
			d->ro ? "read-only" : "writable", s->ro ? "read-only" : "writable");
		return -EINVAL;
	}
	if (s->driver_features & ~d->t.features) {
		log_say(why, why_size, "disk %s: the snapshot's driver accepted features (0x%" PRIx64 ") this device does not offer (0x%" PRIx64 ")",
			d->name, s->driver_features, d->t.features);
		return -EINVAL;
	}
	pthread_mutex_lock(&d->lock);
	d->t.status = s->status;
	d->t.isr = s->isr;
	d->t.dev_feat_sel = s->dev_feat_sel;
	d->t.drv_feat_sel = s->drv_feat_sel;
	d->t.queue_sel = s->queue_sel;
	d->t.driver_features = s->driver_features;
	virtq_reset(q);
	q->size = s->qsize;
	q->desc_gpa = s->desc;
	q->avail_gpa = s->avail;
	q->used_gpa = s->used;
	if (s->ready) {
		if (virtq_setup(q, d->t.mem, VIRTQ_MAX_SIZE)) {
			pthread_mutex_unlock(&d->lock);
			log_say(why, why_size, "disk %s: the snapshot's queue (%u entries at 0x%" PRIx64 ") does not fit this guest's RAM",
				d->name, s->qsize, s->desc);
			return -EINVAL;
		}
		q->last_avail = s->last_avail;
		q->used_idx = s->used_idx;
	}
	q->broken = s->broken;
	live = virtio_mmio_live(&d->t);
	pending = s->isr != 0;
	pthread_mutex_unlock(&d->lock);
	/* What the guest queued before the snapshot is served once the I/O thread runs. */
	if (live)
		disk_op_kick(d);
	/*
	 * An interrupt the device raised that the guest had not acknowledged:
	 * KVM may inject an irqfd's SPI from a work queue, so the vGIC state
	 * saved right after the request's completion (a snapshot's freeze)
	 * need not show it yet, and the restored driver would wait for it
	 * forever. Raised again (after the vGIC's state, restored before the
	 * devices'); the driver reads InterruptStatus, so a second one is
	 * harmless.
	 */
	if (live && pending)
		disk_op_interrupt(d);
	return 0;
}

static void disk_close_fd(int *fd)
{
	if (*fd >= 0)
		(void)close(*fd);
	*fd = -1;
}

void disk_close(struct disk *d)
{
	uint64_t one = 1;

	if (d->started) {
		(void)!write(d->quit_fd, &one, sizeof(one));
		pthread_join(d->thread, NULL);
		d->started = false;
	}
	/*
	 * The irqfd and ioeventfd go with the VM (closing it releases them);
	 * the run phase's filter does not allow their ioctls anyway.
	 */
	d->irqfd = d->ioeventfd = false;
	disk_close_fd(&d->kick_fd);
	disk_close_fd(&d->irq_fd);
	disk_close_fd(&d->quit_fd);
	if (d->fd >= 0)
		(void)close(d->fd);
	d->fd = -1;
	pthread_cond_destroy(&d->idle);
	pthread_mutex_destroy(&d->lock);
}
