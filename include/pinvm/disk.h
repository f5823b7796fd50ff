/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A disk (--disk FILE[,ro]): a raw image behind a virtio-blk device on the
 * virtio-mmio transport, wired to the guest and the host.
 *
 *  - The image is opened and OFD-locked (F_OFD_SETLK, a write lock for a
 *    writable disk, a read lock for a read-only one) before /dev/kvm, so
 *    two pinvm processes never write one image. OFD locks do not name
 *    their holder: the message says the image is in use, not by whom.
 *  - Registers: an MMIO window (disk_mmio(), on the vCPU threads).
 *  - Notifications: KVM_IOEVENTFD on QueueNotify (value 0, 4 bytes): a
 *    guest's kick is an eventfd signal without an exit.
 *  - Requests: one I/O thread per disk (disk_start()) waits on that
 *    eventfd and serves the queue in order, under its own seccomp class
 *    (SANDBOX_DISK). A vCPU never waits for I/O but in a reset.
 *  - Interrupts: KVM_IRQFD on the disk's SPI (edge rising in the DT): the
 *    I/O thread writes the eventfd, KVM pulses the line.
 *  - Reset (Status = 0, QueueReady = 0, disk_reset()): waits until the
 *    request in flight is complete (the I/O thread takes no new one), then
 *    the transport forgets everything, before the trapping write returns.
 *  - Stop (disk_stop(), every end of a boot): the queue stops, the request
 *    in flight completes (waited for up to DISK_WAIT_MS: one stuck in the
 *    host kernel leaves the thread behind), and a writable image is
 *    fdatasync'ed (that call itself is not bounded).
 * Locking: d->lock guards the transport and the I/O thread's state; the
 * MMIO bus lock is taken before it (disk_mmio() runs under it).
 */
#ifndef PINVM_DISK_H
#define PINVM_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include "pinvm/diskstate.h"
#include "pinvm/virtio_blk.h"
#include "pinvm/virtio_mmio.h"
#include "pinvm/virtq.h"

struct disk {
	const char *path;
	char name[8];			/* vda, vdb, ... */
	bool ro;
	int fd;				/* the image; -1: none */
	uint64_t size;			/* bytes */
	int vm_fd;
	uint64_t base;			/* guest physical address of the window */
	unsigned int spi;
	int kick_fd, irq_fd, quit_fd;	/* ioeventfd, irqfd, the thread's end; -1: none */
	bool attached;			/* disk_attach() made the device model */
	bool ioeventfd, irqfd;		/* registered with KVM */
	pthread_t thread;
	bool started;

	pthread_mutex_t lock;
	pthread_cond_t idle;		/* busy became false */
	struct virtio_mmio t;
	struct virtio_blk blk;
	bool busy;			/* the I/O thread works on the queue without the lock */
	bool hold;			/* a reset waits: take no new request */
	bool stopped;			/* the boot ended: take no request until disk_reset() */
	bool frozen;			/* a snapshot is taken: take no request until disk_thaw() */
	bool stuck;			/* a request outlasted a stop's wait: its thread is left */
	uint64_t syncs;			/* fdatasync calls at stops */
	int sync_error;			/* the last failed one's -errno, 0: none */
	struct virtq_chain chain;	/* the I/O thread's */
};

/** disk_init() - an unopened disk named vd<'a' + @index>. */
void disk_init(struct disk *d, const char *path, bool ro, unsigned int index);

/**
 * disk_open() - open and lock the image, check it (a regular file, not
 * empty, a multiple of 512 bytes).
 * Returns: 0; -errno with the message in @why (-EAGAIN: in use).
 */
int disk_open(struct disk *d, char *why, size_t why_size);

/**
 * disk_attach() - the device at guest physical @base (VIRTIO_MMIO_WINDOW
 * bytes) on SPI @spi of @vm_fd (after the vGIC is initialised, for the
 * irqfd), over guest RAM @mem: ioeventfd, irqfd, the device model. With
 * @vm_fd -1 (tests) nothing is registered with KVM: d->kick_fd is the
 * notification and d->irq_fd the interrupt.
 * Returns: 0; -errno with the message in @why.
 */
int disk_attach(struct disk *d, int vm_fd, uint64_t base, unsigned int spi,
		const struct virtq_mem *mem, char *why, size_t why_size);

/** disk_mmio() - the window's MMIO handler (mmio_fn); @opaque is the disk. */
void disk_mmio(void *opaque, uint64_t offset, uint8_t *data, unsigned int len, bool is_write);

/** disk_start() - start the I/O thread (every signal blocked in it). Returns: 0; -errno. */
int disk_start(struct disk *d);

/** disk_reset() - the power-on state (in-place restart): a device reset; requests are taken again. */
void disk_reset(struct disk *d);

/*
 * How long a stop or a snapshot waits for the request in flight. A request
 * is one preadv/pwritev of the image; one that takes longer is stuck in
 * the kernel (a hung NFS server, a FUSE daemon that does not answer, a
 * failing disk), and pinvm does not wait for it any longer.
 */
#define DISK_WAIT_MS	10000

/**
 * disk_stop() - the boot ends: no new request, the one in flight completes
 * (up to @wait_ms), a writable image is fdatasync'ed (counted in d->syncs).
 * Returns: 0; -errno of fdatasync (also kept in d->sync_error); -ETIMEDOUT:
 * the request in flight did not come back within @wait_ms: d->stuck is set,
 * nothing is synced, and the I/O thread may never end (disk_close() must
 * not be called: the caller leaves the machine as it is and exits).
 */
int disk_stop(struct disk *d, unsigned int wait_ms);

/**
 * disk_freeze() - before a snapshot (vCPUs held): take no new request,
 * wait for the one in flight (up to @wait_ms), fdatasync a writable image.
 * Returns: 0; -errno of fdatasync; -ETIMEDOUT: the request in flight did
 * not come back within @wait_ms (the disk stays frozen until disk_thaw()).
 */
int disk_freeze(struct disk *d, unsigned int wait_ms);

/** disk_thaw() - after a snapshot the guest goes on: serve what it queued meanwhile. */
void disk_thaw(struct disk *d);

/** disk_state_size() - the bytes of @d's state (diskstate.h; path included). */
size_t disk_state_size(const struct disk *d);

/** disk_state_save() - @d's state into @buf (@len = disk_state_size()). Returns: 0; -EINVAL. */
int disk_state_save(struct disk *d, uint8_t *buf, size_t len);

/**
 * disk_state_load() - rebuild @d (opened, attached, I/O thread not started)
 * from @s: the image must have the saved size and mode, a ready queue's
 * rings are mapped again (virtq_setup()) and its indexes put back; a live
 * queue gets a kick so the requests the guest queued are served.
 * Returns: 0; -EINVAL with the reason in @why.
 */
int disk_state_load(struct disk *d, const struct diskstate *s, char *why, size_t why_size);

/** disk_close() - end the I/O thread, unregister, close (the lock goes with the fd). Accepts any stage. */
void disk_close(struct disk *d);

#endif
