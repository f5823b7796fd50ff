/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The console's device side: the 16550A model (uart.c) wired to the guest
 * (MMIO handler, interrupt line through the vGIC) and to pinvm's output
 * (line-buffered), and console output without an exit per byte.
 *
 * Linux's 8250 console reads LSR, then writes THR, for every byte: two
 * exits. While a THR write cannot raise an interrupt
 * (uart_thr_write_deferrable()), THR is registered as a KVM coalesced MMIO
 * zone: KVM queues those writes in a ring it shares with pinvm and goes on
 * with the guest, and the queue is replayed, in order, before the UART
 * handles its next access (the LSR poll of the next byte) and by the event
 * loop every tick (uartio_flush()). Registering costs KVM a grace period
 * (milliseconds), so it waits for UARTIO_COALESCE_AFTER such writes in a
 * row; the zone goes as soon as a THR write could interrupt again (THRE
 * interrupt on, or loopback), and after UARTIO_COALESCE_IDLE_MS without
 * output. The decision is uartio_tx_decide(), a pure function.
 */
#ifndef PINVM_UARTIO_H
#define PINVM_UARTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include "pinvm/uart.h"

struct kvm_coalesced_mmio_ring;

#define UARTIO_COALESCE_AFTER	64
#define UARTIO_COALESCE_IDLE_MS	1000
#define UARTIO_TICK_MS		20

/* Where guest output goes: takes what it can, never blocks. */
typedef void (*uartio_out_fn)(void *opaque, const void *buf, size_t len);

struct uartio {
	pthread_mutex_t lock;		/* the UART model and everything below */
	struct uart uart;
	int vm_fd;			/* the interrupt line and the coalesced zone; -1: none */
	unsigned int spi;
	uint64_t base;			/* guest physical address of the UART */
	uartio_out_fn out;		/* NULL: output is discarded */
	void *out_opaque;
	int wake_fd;			/* eventfd of the event loop; -1: none */
	char txbuf[4096];		/* a line (or 4 KiB) before it goes to out */
	size_t txlen;
	bool loop_asleep;		/* the event loop polls without a timeout */
	/* THR writes KVM queues in its coalesced MMIO ring instead of exiting */
	struct kvm_coalesced_mmio_ring *ring;	/* NULL: none (the host has none, or refused) */
	unsigned int ring_max;		/* entries */
	bool coalesced;			/* THR is a coalesced zone now */
	unsigned int credit;		/* deferrable THR writes in a row that exited */
	uint64_t active_ms;		/* the ring last had entries (CLOCK_MONOTONIC) */
};

enum uartio_tx_action {
	UARTIO_TX_KEEP,			/* nothing changes */
	UARTIO_TX_ZONE_ON,		/* register the THR zone */
	UARTIO_TX_ZONE_OFF,		/* unregister it (and drain what it queued) */
};

/**
 * uartio_tx_decide() - after a guest access that exited (@offset, @is_write),
 * given whether THR writes are deferrable now and the current zone state and
 * credit: what to do with the zone, and the new credit in *@credit.
 */
enum uartio_tx_action uartio_tx_decide(bool deferrable, bool coalesced, unsigned int offset,
				       bool is_write, unsigned int *credit);

/**
 * uartio_init() - a UART at @base on interrupt @spi of @vm_fd (-1: none),
 * output to @out; the model in its power-on state, no zone.
 */
void uartio_init(struct uartio *u, int vm_fd, uint64_t base, unsigned int spi,
		 uartio_out_fn out, void *out_opaque);

/**
 * uartio_set_ring() - KVM's coalesced MMIO ring (@page of a vCPU's kvm_run
 * mapping, @page_size bytes), or NULL: THR writes always exit.
 */
void uartio_set_ring(struct uartio *u, void *page, size_t page_size);

/** uartio_set_wake_fd() - the eventfd that wakes the event loop for pending output. */
void uartio_set_wake_fd(struct uartio *u, int fd);

/**
 * uartio_reset() - the power-on state of an in-place restart: output queued
 * so far goes out, the zone goes, and the model is reset through the path
 * that lowers the interrupt line (KVM keeps the line's level otherwise).
 */
void uartio_reset(struct uartio *u);

/** uartio_mmio() - the MMIO handler (mmio_fn) of the UART's range; @opaque is the uartio. */
void uartio_mmio(void *opaque, uint64_t offset, uint8_t *data, unsigned int len, bool is_write);

/** uartio_feed() - console input into the receive FIFO; returns how many bytes it took. */
size_t uartio_feed(struct uartio *u, const uint8_t *buf, size_t len);

/**
 * uartio_flush() - the event loop's tick: replay the ring, drop an idle
 * zone, send a partial line.
 */
void uartio_flush(struct uartio *u);

/**
 * uartio_loop_timeout() - the event loop's poll timeout: UARTIO_TICK_MS
 * while output may wait (a partial line, a zone), else -1 (and the next
 * output wakes the loop through the wake fd).
 */
int uartio_loop_timeout(struct uartio *u);

/** uartio_destroy() - flush; the ring and zone are forgotten (they go with the VM). */
void uartio_destroy(struct uartio *u);

/** uartio_save() - the UART model's state (uart_save()), under its lock. */
void uartio_save(struct uartio *u, uint8_t out[UART_STATE_SIZE]);

/**
 * uartio_load() - restore it (uart_load()), driving the interrupt line in
 * KVM to the restored level. Returns: 0; -EINVAL.
 */
int uartio_load(struct uartio *u, const uint8_t *in, size_t len);

#endif
