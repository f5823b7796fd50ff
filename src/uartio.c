// SPDX-License-Identifier: GPL-2.0-only
/* The UART wired to the guest and to pinvm's output (include/pinvm/uartio.h). */
#include "pinvm/uartio.h"

#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "pinvm/gic.h"

static uint64_t uartio_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

enum uartio_tx_action uartio_tx_decide(bool deferrable, bool coalesced, unsigned int offset,
				       bool is_write, unsigned int *credit)
{
	if (!deferrable) {
		*credit = 0;
		return coalesced ? UARTIO_TX_ZONE_OFF : UARTIO_TX_KEEP;
	}
	if (coalesced || !is_write || offset != UART_TX)
		return UARTIO_TX_KEEP;
	if (++*credit < UARTIO_COALESCE_AFTER)
		return UARTIO_TX_KEEP;
	return UARTIO_TX_ZONE_ON;
}

static void uartio_tx_flush_locked(struct uartio *u)
{
	if (u->txlen && u->out)
		u->out(u->out_opaque, u->txbuf, u->txlen);
	u->txlen = 0;
}

/* The event loop sleeps without a timeout: wake it, it has output to see to. */
static void uartio_wake_loop_locked(struct uartio *u)
{
	uint64_t one = 1;

	if (!u->loop_asleep)
		return;
	u->loop_asleep = false;
	if (u->wake_fd >= 0)
		(void)!write(u->wake_fd, &one, sizeof(one));
}

static void uartio_tx(void *opaque, uint8_t byte)
{
	struct uartio *u = opaque;

	if (!u->out)
		return;
	u->txbuf[u->txlen++] = (char)byte;
	/* Line-buffered: one write per line, not one per byte. */
	if (byte == '\n' || u->txlen == sizeof(u->txbuf))
		uartio_tx_flush_locked(u);
	else
		uartio_wake_loop_locked(u);	/* a partial line goes out within a tick */
}

static void uartio_irq(void *opaque, int level)
{
	struct uartio *u = opaque;

	if (u->vm_fd >= 0)
		(void)gic_spi_line(u->vm_fd, u->spi, level);
}

/* Replay the queued THR writes (lock held). Returns how many. */
static unsigned int uartio_drain_locked(struct uartio *u)
{
	struct kvm_coalesced_mmio_ring *ring = u->ring;
	unsigned int n = 0;
	uint32_t first;

	if (!ring)
		return 0;
	first = __atomic_load_n(&ring->first, __ATOMIC_RELAXED);
	while (first != __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE)) {
		const struct kvm_coalesced_mmio *e;

		/* The ring is shared with KVM: never trust an index from it blindly. */
		if (first >= u->ring_max)
			break;
		e = &ring->coalesced_mmio[first];
		uart_write(&u->uart, (unsigned int)(e->phys_addr - u->base), e->data[0]);
		first = (first + 1) % u->ring_max;
		__atomic_store_n(&ring->first, first, __ATOMIC_RELEASE);
		n++;
	}
	if (n)
		u->active_ms = uartio_now_ms();
	return n;
}

static void uartio_zone_locked(struct uartio *u, bool on)
{
	struct kvm_coalesced_mmio_zone zone = {
		.addr = u->base + UART_TX,
		.size = 1,
	};

	if (ioctl(u->vm_fd, on ? KVM_REGISTER_COALESCED_MMIO : KVM_UNREGISTER_COALESCED_MMIO,
		  &zone) < 0) {
		if (on)
			u->ring = NULL;	/* refused: exits it is, for this VM */
		return;
	}
	u->coalesced = on;
	if (on) {
		u->active_ms = uartio_now_ms();
		uartio_wake_loop_locked(u);	/* it drains the ring every tick */
	} else {
		u->credit = 0;
		uartio_drain_locked(u);	/* queued before the zone went */
	}
}

void uartio_init(struct uartio *u, int vm_fd, uint64_t base, unsigned int spi,
		 uartio_out_fn out, void *out_opaque)
{
	memset(u, 0, sizeof(*u));
	pthread_mutex_init(&u->lock, NULL);
	u->vm_fd = vm_fd;
	u->base = base;
	u->spi = spi;
	u->out = out;
	u->out_opaque = out_opaque;
	u->wake_fd = -1;
	uart_init(&u->uart, uartio_tx, uartio_irq, u);
}

void uartio_set_ring(struct uartio *u, void *page, size_t page_size)
{
	pthread_mutex_lock(&u->lock);
	u->ring = page;
	u->ring_max = page ? (unsigned int)((page_size - sizeof(*u->ring)) /
					    sizeof(u->ring->coalesced_mmio[0])) : 0;
	pthread_mutex_unlock(&u->lock);
}

void uartio_set_wake_fd(struct uartio *u, int fd)
{
	pthread_mutex_lock(&u->lock);
	u->wake_fd = fd;
	pthread_mutex_unlock(&u->lock);
}

void uartio_reset(struct uartio *u)
{
	pthread_mutex_lock(&u->lock);
	uartio_drain_locked(u);
	uartio_tx_flush_locked(u);
	u->credit = 0;
	/* uart_reset() ends in uart_update_irq(): a raised line is lowered in KVM too. */
	uart_reset(&u->uart);
	pthread_mutex_unlock(&u->lock);
}

void uartio_mmio(void *opaque, uint64_t offset, uint8_t *data, unsigned int len, bool is_write)
{
	struct uartio *u = opaque;
	enum uartio_tx_action act;

	pthread_mutex_lock(&u->lock);
	uartio_drain_locked(u);	/* queued THR writes come first */
	if (is_write) {
		uart_write(&u->uart, (unsigned int)offset, data[0]);
	} else {
		memset(data, 0, len);
		data[0] = uart_read(&u->uart, (unsigned int)offset);
	}
	if (u->ring) {
		act = uartio_tx_decide(uart_thr_write_deferrable(&u->uart), u->coalesced,
				       (unsigned int)offset, is_write, &u->credit);
		if (act != UARTIO_TX_KEEP)
			uartio_zone_locked(u, act == UARTIO_TX_ZONE_ON);
	}
	pthread_mutex_unlock(&u->lock);
}

size_t uartio_feed(struct uartio *u, const uint8_t *buf, size_t len)
{
	size_t n;

	pthread_mutex_lock(&u->lock);
	n = uart_rx_push(&u->uart, buf, len);
	pthread_mutex_unlock(&u->lock);
	return n;
}

void uartio_flush(struct uartio *u)
{
	pthread_mutex_lock(&u->lock);
	if (u->coalesced && !uartio_drain_locked(u) &&
	    uartio_now_ms() - u->active_ms >= UARTIO_COALESCE_IDLE_MS)
		uartio_zone_locked(u, false);
	uartio_tx_flush_locked(u);
	pthread_mutex_unlock(&u->lock);
}

int uartio_loop_timeout(struct uartio *u)
{
	int timeout = UARTIO_TICK_MS;

	pthread_mutex_lock(&u->lock);
	if (!u->txlen && !u->coalesced) {
		timeout = -1;
		u->loop_asleep = true;
	}
	pthread_mutex_unlock(&u->lock);
	return timeout;
}

void uartio_destroy(struct uartio *u)
{
	pthread_mutex_lock(&u->lock);
	uartio_drain_locked(u);
	uartio_tx_flush_locked(u);
	u->ring = NULL;
	u->coalesced = false;
	u->vm_fd = -1;
	pthread_mutex_unlock(&u->lock);
}

void uartio_save(struct uartio *u, uint8_t out[UART_STATE_SIZE])
{
	pthread_mutex_lock(&u->lock);
	uart_save(&u->uart, out);
	pthread_mutex_unlock(&u->lock);
}

int uartio_load(struct uartio *u, const uint8_t *in, size_t len)
{
	int r;

	pthread_mutex_lock(&u->lock);
	r = uart_load(&u->uart, in, len);
	pthread_mutex_unlock(&u->lock);
	return r;
}
