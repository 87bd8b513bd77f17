/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel I/O APIC (Intel 82093AA datasheet): 24 input pins, each
 * with a redirection entry that turns an edge or a level into a message
 * to the local APICs.  User space drives the pins with HVM_IRQ_LINE.
 */
#ifndef HVM_IOAPIC_H
#define HVM_IOAPIC_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/hvm.h>

struct hvm_vm;
struct hvm_vcpu;

struct hvm_ioapic {
	struct hvm_vm *vm;
	spinlock_t lock;
	u32 id;
	u32 ioregsel;
	u64 redir[HVM_IOAPIC_PINS];
	u32 level;			/* pin levels as user space drives them */
};

int hvm_ioapic_create(struct hvm_vm *vm);
void hvm_ioapic_destroy(struct hvm_vm *vm);
/* *status: > 0 the message was newly taken, 0 coalesced (already pending,
 * or remote IRR), -1 none sent (masked, no rising edge). */
int hvm_ioapic_set_irq(struct hvm_vm *vm, u32 pin, bool level, int *status);
/* A local APIC's EOI of a level-triggered @vector (SDM 10.8.5). */
void hvm_ioapic_eoi(struct hvm_vm *vm, u8 vector);
bool hvm_ioapic_mmio_read(struct hvm_vcpu *vcpu, u64 gpa, int size, u64 *val);
bool hvm_ioapic_mmio_write(struct hvm_vcpu *vcpu, u64 gpa, int size, u64 val);

#endif /* HVM_IOAPIC_H */
