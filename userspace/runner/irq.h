/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvm-run: interrupt lines into the in-kernel irqchip (HVM_CREATE_IRQCHIP:
 * local APICs and an I/O APIC).  Devices name I/O APIC inputs (GSIs); PC
 * wiring: ISA IRQ n is GSI n, except the PIT's IRQ 0, which is GSI 2.
 * Without an irqchip every call here does nothing.  Any thread may call.
 */
#ifndef HVM_RUN_IRQ_H
#define HVM_RUN_IRQ_H

#include <stdbool.h>

#include "libhvm.h"

#define GSI_PIT		2	/* ISA IRQ 0 */
#define GSI_COM1	4	/* ISA IRQ 4 */

/*
 * Creates the irqchip on vm (before any vCPU).  0: created; 1: the module
 * has none (ENOTTY), said on stderr when verbose; -1: failed (errno).
 */
int irq_create_irqchip(struct hvm_vm *vm, bool verbose);
bool irq_have_irqchip(void);
/* Drives a GSI: level 1 asserted, 0 deasserted. */
void irq_line(unsigned int gsi, int level);
/* An edge: asserted, then deasserted. */
void irq_pulse(unsigned int gsi);
/* No more lines after this (the VM is about to close). */
void irq_stop(void);

#endif /* HVM_RUN_IRQ_H */
