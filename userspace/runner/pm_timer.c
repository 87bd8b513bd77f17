// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: the ACPI PM timer at port 0x608 (PM_TMR, read-only).  A 32-bit
 * IN returns the 24-bit count in bits 0-23 and zeroes above (TMR_VAL_EXT
 * = 0); smaller reads return the bytes at their offset.  Writes are
 * ignored.  No overflow status bit or SCI: there is no PM1 event block.
 */
#include "io_bus.h"
#include "pm_timer.h"
#include "tick_clock.h"

__u32 pm_timer_count(__u64 now)
{
	return clock_ns_to_ticks(now, PM_TIMER_HZ) & PM_TIMER_MASK;
}

static __u32 pm_timer_read(struct io_device *dev, __u16 offset, __u8 size)
{
	(void)dev;
	(void)size;
	return pm_timer_count(clock_now_ns()) >> (8 * offset);
}

static struct io_device pm_timer_device = {
	.name = "pm-timer",
	.base = PM_TIMER_PORT,
	.nr_ports = 4,
	.read = pm_timer_read,
};

int pm_timer_register(void)
{
	return io_bus_register(&pm_timer_device);
}
