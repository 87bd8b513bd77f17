// SPDX-License-Identifier: GPL-2.0
/*
 * The 8259A pair (Intel 8259A datasheet): initialization words ICW1-ICW4,
 * the mask (OCW1), EOI and rotation commands (OCW2), register reads and
 * poll (OCW3), fully nested priorities with rotation, auto-EOI, special
 * mask mode, and the PC's ELCR for level-triggered inputs.  Not modelled:
 * special fully nested mode, buffered mode, ICW1's LTIM bit (the ELCR
 * decides), and 8080-style call addresses.
 */
#include <linux/slab.h>

#include "hvm.h"
#include "events.h"
#include "lapic.h"
#include "pic.h"

#define PIC_MASTER_CMD		0x20
#define PIC_MASTER_DATA		0x21
#define PIC_SLAVE_CMD		0xa0
#define PIC_SLAVE_DATA		0xa1
#define PIC_ELCR_MASTER		0x4d0
#define PIC_ELCR_SLAVE		0x4d1

#define PIC_CASCADE_IRQ		2	/* the slave's INT on the master */

/* ICW1 and OCW3 are told apart by bits 4 and 3 of a command-port write. */
#define ICW1			0x10
#define ICW1_IC4		0x01
#define ICW1_SNGL		0x02
#define OCW3			0x08
#define OCW3_RIS		0x01
#define OCW3_RR			0x02
#define OCW3_POLL		0x04
#define OCW3_SMM		0x20
#define OCW3_ESMM		0x40
#define ICW4_AEOI		0x02

/* OCW2 commands, bits 7:5 */
enum ocw2 {
	OCW2_ROTATE_AEOI_CLEAR = 0, OCW2_EOI = 1, OCW2_NOP = 2,
	OCW2_SPECIFIC_EOI = 3, OCW2_ROTATE_AEOI_SET = 4, OCW2_ROTATE_EOI = 5,
	OCW2_SET_PRIORITY = 6, OCW2_ROTATE_SPECIFIC_EOI = 7,
};

/* Rank (0 highest) of the highest-priority input set in @mask, or 8. */
static int chip_rank(const struct hvm_pic_chip *c, u8 mask)
{
	int r;

	for (r = 0; r < 8; r++)
		if (mask & BIT((r + c->prio_base) & 7))
			return r;
	return 8;
}

static int rank_irq(const struct hvm_pic_chip *c, int rank)
{
	return (rank + c->prio_base) & 7;
}

/* The input this chip would signal on INT now, or -1: an unmasked request
 * of higher priority than everything in service (in special mask mode,
 * masked inputs in service do not hold lower ones back). */
static int chip_pending(const struct hvm_pic_chip *c)
{
	u8 isr = c->special_mask ? c->isr & ~c->imr : c->isr;
	int r = chip_rank(c, c->irr & ~c->imr);

	return r < chip_rank(c, isr) ? rank_irq(c, r) : -1;
}

/* The INTA cycle on one chip: the request goes into service. */
static void chip_ack(struct hvm_pic_chip *c, int irq)
{
	if (!(c->elcr & BIT(irq)))
		c->irr &= ~BIT(irq);	/* edge: the latch is consumed */
	if (!c->auto_eoi)
		c->isr |= BIT(irq);
	else if (c->rotate_on_aeoi)
		c->prio_base = (irq + 1) & 7;
}

/* The cascade, then the master's INT; true when INT has just risen. */
static bool pic_update(struct hvm_pic *pic)
{
	struct hvm_pic_chip *m = &pic->chip[0];
	bool out;

	if (chip_pending(&pic->chip[1]) >= 0)
		m->irr |= BIT(PIC_CASCADE_IRQ);
	else
		m->irr &= ~BIT(PIC_CASCADE_IRQ);
	out = chip_pending(m) >= 0;
	if (out == pic->output)
		return false;
	WRITE_ONCE(pic->output, out);
	return out;
}

static void pic_wake_bsp(struct hvm_pic *pic, bool raised)
{
	struct hvm_vcpu *bsp = READ_ONCE(pic->vm->vcpus[0]);

	if (raised && bsp)
		hvm_vcpu_wake(bsp);
}

/* Level inputs' requests follow their lines (after an ELCR write). */
static void chip_sync_levels(struct hvm_pic_chip *c, u8 lines)
{
	c->irr = (c->irr & ~c->elcr) | (lines & c->elcr);
}

static void chip_reset(struct hvm_pic_chip *c, u8 vector_base, u8 elcr_writable)
{
	*c = (struct hvm_pic_chip) {
		.imr = 0xff,		/* as firmware leaves it: all masked */
		.vector_base = vector_base,
		.elcr_writable = elcr_writable,
	};
}

int hvm_pic_create(struct hvm_vm *vm)
{
	struct hvm_pic *pic = kzalloc(sizeof(*pic), GFP_KERNEL_ACCOUNT);

	if (!pic)
		return -ENOMEM;
	pic->vm = vm;
	spin_lock_init(&pic->lock);
	/* The PC/AT's vectors 0x08 and 0x70; IRQ 0, 1, 2, 8 and 13 are
	 * always edge-triggered (PIIX ELCR). */
	chip_reset(&pic->chip[0], 0x08, 0xf8);
	chip_reset(&pic->chip[1], 0x70, 0xde);
	vm->pic = pic;
	return 0;
}

void hvm_pic_destroy(struct hvm_vm *vm)
{
	kfree(vm->pic);
	vm->pic = NULL;
}

/* ISA IRQ n is I/O APIC pin n, but IRQ 0 (the PIT) is pin 2 (the MADT's
 * interrupt source override); input 2 of the master is the cascade. */
int hvm_pic_gsi_to_irq(u32 gsi)
{
	if (gsi == 2)
		return 0;
	if (gsi == 0 || gsi >= HVM_PIC_IRQS)
		return -1;
	return gsi;
}

int hvm_pic_set_irq(struct hvm_vm *vm, u32 irq, bool level)
{
	struct hvm_pic *pic = vm->pic;
	struct hvm_pic_chip *c = &pic->chip[irq >> 3];
	u8 bit = BIT(irq & 7);
	bool old, raised;
	int status = -1;

	spin_lock(&pic->lock);
	old = pic->lines & BIT(irq);
	if (level)
		pic->lines |= BIT(irq);
	else
		pic->lines &= ~BIT(irq);
	if (level && (c->elcr & bit || !old) && !(c->imr & bit))
		status = !(c->irr & bit);	/* 0: coalesced */
	if (c->elcr & bit)
		c->irr = level ? c->irr | bit : c->irr & ~bit;
	else if (level && !old)
		c->irr |= bit;		/* edge: latched on the rising edge */
	raised = pic_update(pic);
	spin_unlock(&pic->lock);
	pic_wake_bsp(pic, raised);
	return status;
}

static void pic_write_ocw2(struct hvm_pic_chip *c, u8 val)
{
	int irq = val & 7, r;

	switch (val >> 5) {
	case OCW2_ROTATE_AEOI_CLEAR:
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_on_aeoi = val >> 7;
		break;
	case OCW2_EOI:
	case OCW2_ROTATE_EOI:
		r = chip_rank(c, c->isr);
		if (r == 8)
			break;
		irq = rank_irq(c, r);
		c->isr &= ~BIT(irq);
		if (val >> 5 == OCW2_ROTATE_EOI)
			c->prio_base = (irq + 1) & 7;
		break;
	case OCW2_SPECIFIC_EOI:
	case OCW2_ROTATE_SPECIFIC_EOI:
		c->isr &= ~BIT(irq);
		if (val >> 5 == OCW2_ROTATE_SPECIFIC_EOI)
			c->prio_base = (irq + 1) & 7;
		break;
	case OCW2_SET_PRIORITY:
		c->prio_base = (irq + 1) & 7;	/* @irq becomes the lowest */
		break;
	}
}

static void pic_write_cmd(struct hvm_pic_chip *c, u8 val, u8 lines)
{
	if (val & ICW1) {
		/* Start of initialization: mask and in-service cleared, IR7
		 * lowest priority, special mask off, reads give IRR. */
		u8 base = c->vector_base, writable = c->elcr_writable;
		u8 elcr = c->elcr;

		chip_reset(c, base, writable);
		c->elcr = elcr;
		c->imr = 0;
		c->icw4 = val & ICW1_IC4;
		c->single = val & ICW1_SNGL;
		c->init_step = 2;
		chip_sync_levels(c, lines);
	} else if (val & OCW3) {
		if (val & OCW3_POLL)
			c->poll = true;
		if (val & OCW3_RR)
			c->read_isr = val & OCW3_RIS;
		if (val & OCW3_ESMM)
			c->special_mask = val & OCW3_SMM;
	} else {
		pic_write_ocw2(c, val);
	}
}

static void pic_write_data(struct hvm_pic_chip *c, u8 val)
{
	switch (c->init_step) {
	case 2:
		c->vector_base = val & 0xf8;
		c->init_step = !c->single ? 3 : c->icw4 ? 4 : 0;
		break;
	case 3:				/* ICW3: the cascade wiring is fixed */
		c->init_step = c->icw4 ? 4 : 0;
		break;
	case 4:
		c->auto_eoi = val & ICW4_AEOI;
		c->init_step = 0;
		break;
	default:
		c->imr = val;		/* OCW1 */
	}
}

/* OCW3 poll: the read is the INTA; bit 7 says whether there was one. */
static u8 pic_read_poll(struct hvm_pic *pic, struct hvm_pic_chip *c)
{
	int irq = chip_pending(c);

	c->poll = false;
	if (irq < 0)
		return 0;
	chip_ack(c, irq);
	if (c == &pic->chip[1]) {
		/* The master sees its cascade input go into service too. */
		chip_ack(&pic->chip[0], PIC_CASCADE_IRQ);
	}
	return 0x80 | irq;
}

bool hvm_pic_pio(struct hvm_vm *vm, u16 port, bool in, u8 *val)
{
	struct hvm_pic *pic = vm->pic;
	struct hvm_pic_chip *c;
	bool raised;
	u8 lines;

	switch (port) {
	case PIC_MASTER_CMD: case PIC_MASTER_DATA: case PIC_ELCR_MASTER:
		c = &pic->chip[0];
		break;
	case PIC_SLAVE_CMD: case PIC_SLAVE_DATA: case PIC_ELCR_SLAVE:
		c = &pic->chip[1];
		break;
	default:
		return false;
	}

	spin_lock(&pic->lock);
	lines = (c == &pic->chip[0] ? pic->lines : pic->lines >> 8) & 0xff;
	if (port == PIC_ELCR_MASTER || port == PIC_ELCR_SLAVE) {
		if (in) {
			*val = c->elcr;
		} else {
			c->elcr = *val & c->elcr_writable;
			chip_sync_levels(c, lines);
		}
	} else if (!(port & 1)) {
		if (!in)
			pic_write_cmd(c, *val, lines);
		else if (c->poll)
			*val = pic_read_poll(pic, c);
		else
			*val = c->read_isr ? c->isr : c->irr;
	} else {
		if (in)
			*val = c->imr;
		else
			pic_write_data(c, *val);
	}
	raised = pic_update(pic);
	spin_unlock(&pic->lock);
	pic_wake_bsp(pic, raised);
	return true;
}

bool hvm_pic_interrupt_pending(struct hvm_vcpu *vcpu)
{
	struct hvm_pic *pic = vcpu->vm->pic;

	return pic && vcpu->id == 0 && READ_ONCE(pic->output) &&
	       hvm_lapic_accepts_extint(vcpu);
}

u8 hvm_pic_ack(struct hvm_vm *vm)
{
	struct hvm_pic *pic = vm->pic;
	struct hvm_pic_chip *m = &pic->chip[0], *s = &pic->chip[1];
	int irq, irq2;
	u8 vector;

	spin_lock(&pic->lock);
	irq = chip_pending(m);
	if (irq < 0) {
		vector = m->vector_base + 7;	/* the request went away: spurious */
	} else {
		chip_ack(m, irq);
		vector = m->vector_base + irq;
		if (irq == PIC_CASCADE_IRQ) {
			irq2 = chip_pending(s);
			if (irq2 < 0) {
				vector = s->vector_base + 7;
			} else {
				chip_ack(s, irq2);
				vector = s->vector_base + irq2;
			}
		}
	}
	pic_update(pic);
	spin_unlock(&pic->lock);
	return vector;
}
