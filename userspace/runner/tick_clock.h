/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvm-run: the host clock the timer devices count from.  Every device
 * derives its counter from CLOCK_MONOTONIC, never from counting exits: a
 * device with frequency hz has made clock_ns_to_ticks(now, hz) ticks at
 * host time now (ns), a grid that all its computations share.
 */
#ifndef HVM_RUN_TICK_CLOCK_H
#define HVM_RUN_TICK_CLOCK_H

#include <time.h>
#include <linux/types.h>

#define NSEC_PER_SEC	1000000000ULL

/* The host's CLOCK_MONOTONIC in ns. */
static inline __u64 clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* Ticks of a hz clock in ns (rounded down); exact for any 64-bit ns. */
static inline __u64 clock_ns_to_ticks(__u64 ns, __u64 hz)
{
	return ns / NSEC_PER_SEC * hz + ns % NSEC_PER_SEC * hz / NSEC_PER_SEC;
}

/* The first ns at which clock_ns_to_ticks() reaches ticks. */
static inline __u64 clock_ticks_to_ns(__u64 ticks, __u64 hz)
{
	return ticks / hz * NSEC_PER_SEC +
	       (ticks % hz * NSEC_PER_SEC + hz - 1) / hz;
}

#endif /* HVM_RUN_TICK_CLOCK_H */
