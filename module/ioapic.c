// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O APIC (82093AA datasheet, 3.2): IOREGSEL at +0x00, IOWIN at
 * +0x10, the EOI register at +0x40 (version 0x20).  Edge pins send a
 * message on each rising edge; level pins send one while asserted and
 * wait for the local APIC's EOI (remote IRR) before they send again.
 */
#include <linux/slab.h>

#include "hvm.h"
#include "ioapic.h"
#include "lapic.h"

#define IOAPIC_VERSION		0x20
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VERSION	0x01
#define IOAPIC_REG_ARB		0x02
#define IOAPIC_REG_REDIR	0x10
#define IOAPIC_IOREGSEL		0x00
#define IOAPIC_IOWIN		0x10
#define IOAPIC_EOI		0x40
#define IOAPIC_MMIO_SIZE	0x100

#define REDIR_VECTOR		0xffULL
#define REDIR_DELIVERY_SHIFT	8
#define REDIR_LOGICAL		BIT_ULL(11)
#define REDIR_STATUS		BIT_ULL(12)	/* read-only */
#define REDIR_REMOTE_IRR	BIT_ULL(14)	/* read-only */
#define REDIR_LEVEL		BIT_ULL(15)
#define REDIR_MASKED		BIT_ULL(16)
#define REDIR_DEST_SHIFT	56
#define REDIR_RO		(REDIR_STATUS | REDIR_REMOTE_IRR)
#define REDIR_WRITABLE		(0xff00000000000000ULL | (0x1ffffULL & ~REDIR_RO))

/* Send pin @pin's message; called with the lock held. */
static int ioapic_send(struct hvm_ioapic *io, u32 pin)
{
	u64 e = io->redir[pin];
	struct hvm_apic_irq irq = {
		.dest = e >> REDIR_DEST_SHIFT,
		.vector = e & REDIR_VECTOR,
		.delivery_mode = (e >> REDIR_DELIVERY_SHIFT) & 7,
		.logical = e & REDIR_LOGICAL,
		.level = e & REDIR_LEVEL,
		.assert = true,
	};

	if (e & REDIR_LEVEL)
		io->redir[pin] |= REDIR_REMOTE_IRR;
	return hvm_lapic_deliver(io->vm, NULL, &irq);
}

/* A level pin that is asserted, unmasked and not waiting for EOI fires;
 * one waiting for EOI coalesces (0); else nothing is sent (-1). */
static int ioapic_check_level(struct hvm_ioapic *io, u32 pin)
{
	u64 e = io->redir[pin];

	if (!(e & REDIR_LEVEL) || (e & REDIR_MASKED) || !(io->level & BIT(pin)))
		return -1;
	if (e & REDIR_REMOTE_IRR)
		return 0;
	return ioapic_send(io, pin);
}

int hvm_ioapic_set_irq(struct hvm_vm *vm, u32 pin, bool level, int *status)
{
	struct hvm_ioapic *io = vm->ioapic;
	unsigned long flags;
	bool rising;
	int st = -1;

	if (!io)
		return -ENXIO;
	if (pin >= HVM_IOAPIC_PINS)
		return -EINVAL;
	spin_lock_irqsave(&io->lock, flags);
	rising = level && !(io->level & BIT(pin));
	if (level)
		io->level |= BIT(pin);
	else
		io->level &= ~BIT(pin);
	if (io->redir[pin] & REDIR_LEVEL)
		st = ioapic_check_level(io, pin);
	else if (rising && !(io->redir[pin] & REDIR_MASKED))
		st = ioapic_send(io, pin);
	spin_unlock_irqrestore(&io->lock, flags);
	*status = st;
	return 0;
}

void hvm_ioapic_eoi(struct hvm_vm *vm, u8 vector)
{
	struct hvm_ioapic *io = vm->ioapic;
	unsigned long flags;
	u32 pin;

	if (!io)
		return;
	spin_lock_irqsave(&io->lock, flags);
	for (pin = 0; pin < HVM_IOAPIC_PINS; pin++) {
		u64 e = io->redir[pin];

		if ((e & REDIR_VECTOR) != vector || !(e & REDIR_REMOTE_IRR))
			continue;
		io->redir[pin] &= ~REDIR_REMOTE_IRR;
		ioapic_check_level(io, pin);	/* still asserted: again */
	}
	spin_unlock_irqrestore(&io->lock, flags);
}

static u32 ioapic_read_reg(struct hvm_ioapic *io)
{
	u32 sel = io->ioregsel, pin;

	switch (sel) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:
		return io->id << 24;
	case IOAPIC_REG_VERSION:
		return IOAPIC_VERSION | ((HVM_IOAPIC_PINS - 1) << 16);
	}
	pin = (sel - IOAPIC_REG_REDIR) >> 1;
	if (sel < IOAPIC_REG_REDIR || pin >= HVM_IOAPIC_PINS)
		return 0;
	return sel & 1 ? io->redir[pin] >> 32 : (u32)io->redir[pin];
}

static void ioapic_write_reg(struct hvm_ioapic *io, u32 val)
{
	u32 sel = io->ioregsel, pin;
	u64 e;

	if (sel == IOAPIC_REG_ID) {
		io->id = (val >> 24) & 0xf;
		return;
	}
	pin = (sel - IOAPIC_REG_REDIR) >> 1;
	if (sel < IOAPIC_REG_REDIR || pin >= HVM_IOAPIC_PINS)
		return;
	e = io->redir[pin];
	if (sel & 1)
		e = (e & 0xffffffffULL) | ((u64)val << 32);
	else
		e = (e & ~0xffffffffULL) | val;
	io->redir[pin] = (e & REDIR_WRITABLE) | (io->redir[pin] & REDIR_RO);
	if (!(io->redir[pin] & REDIR_LEVEL))
		io->redir[pin] &= ~REDIR_REMOTE_IRR;
	ioapic_check_level(io, pin);	/* unmasked while asserted */
}

static bool in_ioapic(struct hvm_vcpu *vcpu, u64 gpa)
{
	return vcpu->vm->ioapic && gpa >= HVM_IOAPIC_DEFAULT_GPA &&
	       gpa < HVM_IOAPIC_DEFAULT_GPA + IOAPIC_MMIO_SIZE;
}

bool hvm_ioapic_mmio_read(struct hvm_vcpu *vcpu, u64 gpa, int size, u64 *val)
{
	struct hvm_ioapic *io = vcpu->vm->ioapic;
	u32 off = gpa - HVM_IOAPIC_DEFAULT_GPA;
	unsigned long flags;

	if (!in_ioapic(vcpu, gpa))
		return false;
	*val = 0;
	spin_lock_irqsave(&io->lock, flags);
	if (off == IOAPIC_IOREGSEL)
		*val = io->ioregsel;
	else if (off == IOAPIC_IOWIN && size == 4)
		*val = ioapic_read_reg(io);
	spin_unlock_irqrestore(&io->lock, flags);
	if (size < 8)
		*val &= (1ULL << (size * 8)) - 1;
	return true;
}

bool hvm_ioapic_mmio_write(struct hvm_vcpu *vcpu, u64 gpa, int size, u64 val)
{
	struct hvm_ioapic *io = vcpu->vm->ioapic;
	u32 off = gpa - HVM_IOAPIC_DEFAULT_GPA;
	unsigned long flags;

	if (!in_ioapic(vcpu, gpa))
		return false;
	spin_lock_irqsave(&io->lock, flags);
	if (off == IOAPIC_IOREGSEL)
		io->ioregsel = val & 0xff;
	else if (off == IOAPIC_IOWIN && size == 4)
		ioapic_write_reg(io, val);
	spin_unlock_irqrestore(&io->lock, flags);
	if (off == IOAPIC_EOI)
		hvm_ioapic_eoi(vcpu->vm, val & 0xff);
	return true;
}

int hvm_ioapic_create(struct hvm_vm *vm)
{
	struct hvm_ioapic *io;
	int i;

	io = kzalloc(sizeof(*io), GFP_KERNEL_ACCOUNT);
	if (!io)
		return -ENOMEM;
	io->vm = vm;
	spin_lock_init(&io->lock);
	for (i = 0; i < HVM_IOAPIC_PINS; i++)
		io->redir[i] = REDIR_MASKED;
	vm->ioapic = io;
	return 0;
}

void hvm_ioapic_destroy(struct hvm_vm *vm)
{
	kfree(vm->ioapic);
	vm->ioapic = NULL;
}
