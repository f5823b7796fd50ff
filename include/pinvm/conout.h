/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Console output: a bounded byte ring between the guest's UART and pinvm's
 * stdout, emptied by a writer thread of its own. The vCPU threads never
 * write(2) to stdout themselves, so a reader that stops reading stalls only
 * the writer thread, never the guest, the UART or the event loop.
 *
 * conout_put() never blocks: it takes what fits and counts the rest as
 * dropped. Bytes go out in the order they were put, one write(2) per
 * contiguous stretch of the ring of up to 4 KiB (not one per byte or per
 * put). A write error (EPIPE when the reader has gone, EBADF, EIO...) ends
 * the output: what is in the ring and everything put later is dropped and
 * counted, nothing is reported. The writer thread runs with every signal
 * blocked, so a write to a closed pipe fails with EPIPE instead of raising
 * SIGPIPE in it.
 * The file descriptor is used as it is: O_NONBLOCK is not set on it (an
 * inherited stdout shares its open file description with the caller's
 * shell); if someone else set it, the writer waits in poll(2) for room.
 *
 * conout_stop() waits for the ring to drain up to a deadline, or less when
 * the reader has stalled. A writer still blocked in write(2) then is left
 * behind, detached: it ends with the process (exit_group), which follows
 * soon after. Its ring is then never freed (conout_free() leaves it),
 * because that write(2) still reads from it.
 */
#ifndef PINVM_CONOUT_H
#define PINVM_CONOUT_H

#include <stddef.h>
#include <stdint.h>

/* pinvm's ring: about 4 s of a 115200-baud console times 20, a whole verbose boot log. */
#define CONOUT_RING_SIZE	(1u << 20)

struct conout;

/**
 * conout_new() - a ring of @capacity bytes in front of @fd (not started).
 * The caller keeps @fd open until conout_stop() has returned, and longer if
 * a writer was left behind (the process ends with it open).
 * Returns: 0 and *@ret_out; -EINVAL (@capacity 0 or @fd < 0); -ENOMEM.
 */
int conout_new(int fd, size_t capacity, struct conout **ret_out);

/**
 * conout_start() - create the writer thread (every signal blocked in it).
 * Bytes put before are kept and written first.
 * Returns: 0; -EALREADY (started before); -errno of pthread_create().
 */
int conout_start(struct conout *out);

/**
 * conout_put() - copy up to @len bytes of @buf into the ring and wake the
 * writer. Never blocks (a short critical section under the ring's mutex,
 * never held across a write). Bytes that do not fit, and every byte after a
 * write error or once conout_stop() was called, are dropped and counted.
 * Safe from several threads.
 * Returns: the number of bytes taken, a prefix of @buf.
 */
size_t conout_put(struct conout *out, const void *buf, size_t len);

/**
 * conout_stop() - stop taking bytes; wait until the writer has written the
 * ring (then end and join it), the writer failed, @deadline_ms passed, or
 * (@stall_ms not 0) the writer has been inside one write(2) for @stall_ms:
 * a reader that reads at all completes a 4 KiB write in far less, one that
 * has stopped never does, and waiting for it is pointless. In the last two
 * cases the writer is detached and left behind, and the bytes still in the
 * ring (those of its unfinished write included, though some of them may
 * have gone out) count as dropped. A conout never started counts its ring
 * as dropped at once. Call it once.
 * Returns: the bytes left in the ring, not delivered (0 when it drained or
 * the writer had failed: those bytes were counted when it failed).
 */
size_t conout_stop(struct conout *out, unsigned int deadline_ms, unsigned int stall_ms);

/**
 * conout_dropped() - bytes given to conout_put() that will not be written:
 * refused (ring full, after a write error, after conout_stop()), discarded
 * by a write error, and left in the ring by conout_stop(). Once the writer
 * has ended (drained or failed) or was left behind, final.
 */
uint64_t conout_dropped(struct conout *out);

/**
 * conout_free() - free a stopped (or never started) conout; accepts NULL.
 * A conout whose writer was left behind is not freed: that thread may still
 * be inside write(2) on its ring when the process exits.
 */
void conout_free(struct conout *out);

#endif
