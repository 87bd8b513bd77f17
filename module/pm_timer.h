/* SPDX-License-Identifier: GPL-2.0 */
/* The in-kernel ACPI PM timer port (pm_timer.c). */
#ifndef HVM_PM_TIMER_H
#define HVM_PM_TIMER_H

#include <linux/types.h>

struct hvm_vm;

/* HVM_SET_PM_TIMER: @port (4-byte aligned) or 0 for none. */
long hvm_pm_timer_set_port(struct hvm_vm *vm, unsigned long port);
/* IN/OUT within the timer's 4 ports: true when answered (*val for IN). */
bool hvm_pm_timer_pio(struct hvm_vm *vm, u16 port, int size, bool in, u32 *val);

#endif /* HVM_PM_TIMER_H */
