/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvm-run: the ACPI power management timer, a 24-bit counter running at
 * 3.579545 MHz from CLOCK_MONOTONIC, read with a 32-bit IN at port 0x608
 * (QEMU's PIIX4/ICH9 PM base 0x600 + 8).
 */
#ifndef HVM_RUN_PM_TIMER_H
#define HVM_RUN_PM_TIMER_H

#include <linux/types.h>

#define PM_TIMER_PORT	0x608
#define PM_TIMER_HZ	3579545ULL
#define PM_TIMER_MASK	0xffffffU

/* The counter at host time now (ns). */
__u32 pm_timer_count(__u64 now);

#endif /* HVM_RUN_PM_TIMER_H */
