// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: the 8254 PIT on ports 0x40-0x43 (counters 0-2, control word).
 * Channel 0's OUT is ISA IRQ 0: with an irqchip, a timer thread sleeps
 * until its next rising edge (CLOCK_MONOTONIC) and pulses GSI 2.  GATE0
 * and GATE1 are tied high; GATE2 and OUT2 belong to port 0x61 (port61.c).
 */
#include <errno.h>
#include <pthread.h>

#include "io_bus.h"
#include "irq.h"
#include "pit8254.h"
#include "tick_clock.h"

#define PIT_BASE	0x40

static struct pit8254 pit;
static pthread_mutex_t pit_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pit_changed;	/* channel 0 reprogrammed */

static __u32 pit_io_read(struct io_device *dev, __u16 offset, __u8 size)
{
	__u32 value;

	(void)dev;
	(void)size;
	pthread_mutex_lock(&pit_lock);
	value = pit8254_read(&pit, offset, clock_now_ns());
	pthread_mutex_unlock(&pit_lock);
	return value | 0xffffff00;
}

/* A word or dword write is taken as its low byte, as on ISA. */
static void pit_io_write(struct io_device *dev, __u16 offset, __u8 size, __u32 value)
{
	(void)dev;
	(void)size;
	pthread_mutex_lock(&pit_lock);
	pit8254_write(&pit, offset, value, clock_now_ns());
	pthread_cond_signal(&pit_changed);
	pthread_mutex_unlock(&pit_lock);
}

static void *pit_irq_thread(void *arg)
{
	struct timespec ts;
	__u64 due;

	(void)arg;
	pthread_mutex_lock(&pit_lock);
	for (;;) {
		if (pit8254_irq_fire(&pit, 0, clock_now_ns())) {
			pthread_mutex_unlock(&pit_lock);
			irq_pulse(GSI_PIT);
			pthread_mutex_lock(&pit_lock);
			continue;
		}
		due = pit8254_irq_due(&pit, 0);
		if (due == PIT_NO_IRQ) {
			pthread_cond_wait(&pit_changed, &pit_lock);
			continue;
		}
		ts.tv_sec = due / NSEC_PER_SEC;
		ts.tv_nsec = due % NSEC_PER_SEC;
		pthread_cond_timedwait(&pit_changed, &pit_lock, &ts);
	}
	return NULL;
}

static struct io_device pit_device = {
	.name = "pit8254",
	.base = PIT_BASE,
	.nr_ports = 4,
	.read = pit_io_read,
	.write = pit_io_write,
};

int pit8254_register(void)
{
	pthread_condattr_t attr;
	pthread_t thread;
	int err;

	pit8254_reset(&pit);
	if (pthread_condattr_init(&attr) ||
	    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) ||
	    pthread_cond_init(&pit_changed, &attr))
		return -1;
	pthread_condattr_destroy(&attr);
	if (irq_have_irqchip()) {
		err = pthread_create(&thread, NULL, pit_irq_thread, NULL);
		if (err) {
			errno = err;
			return -1;
		}
		pthread_detach(thread);
	}
	return io_bus_register(&pit_device);
}

void pit8254_set_gate2(bool gate)
{
	pthread_mutex_lock(&pit_lock);
	pit8254_set_gate(&pit, 2, gate, clock_now_ns());
	pthread_mutex_unlock(&pit_lock);
}

bool pit8254_out2(void)
{
	bool out;

	pthread_mutex_lock(&pit_lock);
	out = pit8254_out(&pit, 2, clock_now_ns());
	pthread_mutex_unlock(&pit_lock);
	return out;
}
