/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel 8259A pair (Intel 8259A datasheet; the PC/AT wiring): a
 * master at ports 0x20-0x21 and a slave at 0xa0-0xa1 cascaded on the
 * master's IR2, with the edge/level control registers (ELCR) at
 * 0x4d0-0x4d1.  The master's INT output reaches vCPU 0 through its local
 * APIC's LINT0 in ExtINT mode (or directly while that APIC is disabled).
 * User space drives the inputs with HVM_IRQ_LINE, together with the I/O
 * APIC's pins (hvm_pic_gsi_to_irq).
 */
#ifndef HVM_PIC_H
#define HVM_PIC_H

#include <linux/spinlock.h>
#include <linux/types.h>

struct hvm_vm;
struct hvm_vcpu;

#define HVM_PIC_IRQS		16

struct hvm_pic_chip {
	u8 irr, isr, imr;
	u8 elcr;			/* inputs that are level-triggered */
	u8 elcr_writable;
	u8 vector_base;			/* ICW2, bits 7:3 */
	u8 prio_base;			/* the input of highest priority (rotation) */
	u8 init_step;			/* 0 ready; 2, 3, 4: ICW2..ICW4 expected */
	bool icw4, single;
	bool auto_eoi, rotate_on_aeoi;
	bool read_isr;			/* OCW3: command port reads ISR, not IRR */
	bool poll;			/* OCW3 poll: next command read is INTA */
	bool special_mask;
};

struct hvm_pic {
	struct hvm_vm *vm;
	spinlock_t lock;
	struct hvm_pic_chip chip[2];	/* master, slave */
	u16 lines;			/* input levels, as user space drives them */
	bool output;			/* the master's INT pin */
};

int hvm_pic_create(struct hvm_vm *vm);
void hvm_pic_destroy(struct hvm_vm *vm);
/* The PIC input wired to I/O APIC pin @gsi, or -1 (HVM_IRQ_LINE). */
int hvm_pic_gsi_to_irq(u32 gsi);
/* As hvm_ioapic_set_irq's status: 1 newly requested, 0 already in IRR,
 * -1 masked or no rising edge. */
int hvm_pic_set_irq(struct hvm_vm *vm, u32 irq, bool level);
/* Port I/O: false when @port is not the PIC's. */
bool hvm_pic_pio(struct hvm_vm *vm, u16 port, bool in, u8 *val);

/* For events.c: does @vcpu take the PIC's INT now (ExtINT), and the INTA
 * cycle that returns the vector and moves the request into service. */
bool hvm_pic_interrupt_pending(struct hvm_vcpu *vcpu);
u8 hvm_pic_ack(struct hvm_vm *vm);

#endif /* HVM_PIC_H */
