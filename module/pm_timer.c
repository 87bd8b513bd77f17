// SPDX-License-Identifier: GPL-2.0
/*
 * The ACPI PM timer (ACPI 6.5, 4.8.3.3), answered in the kernel when user
 * space names its port (HVM_SET_PM_TIMER): a 24-bit count at 3.579545 MHz
 * from the host's monotonic clock.  Guests time short intervals against
 * it (Linux calibrates its TSC so), which only works when a read costs
 * little more than the instruction itself: no trip to user space.
 */
#include <linux/math64.h>
#include <linux/ktime.h>

#include "hvm.h"
#include "pm_timer.h"

#define PM_TIMER_HZ		3579545
#define PM_TIMER_MASK		0xffffff	/* TMR_VAL_EXT = 0 */
#define PM_TIMER_PORTS		4

long hvm_pm_timer_set_port(struct hvm_vm *vm, unsigned long port)
{
	if (port & (PM_TIMER_PORTS - 1) || port > 0xffff)
		return -EINVAL;
	WRITE_ONCE(vm->pm_timer_port, port);
	return 0;
}

bool hvm_pm_timer_pio(struct hvm_vm *vm, u16 port, int size, bool in, u32 *val)
{
	u16 base = READ_ONCE(vm->pm_timer_port);
	u32 count;

	if (!base || port < base || port + size > base + PM_TIMER_PORTS)
		return false;
	if (!in)
		return true;		/* read-only: writes are dropped */
	count = mul_u64_u32_div(ktime_get_ns(), PM_TIMER_HZ, NSEC_PER_SEC) &
		PM_TIMER_MASK;
	*val = count >> (8 * (port - base));
	return true;
}
