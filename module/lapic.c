// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel local APIC (SDM vol. 3, ch. 10): the register page, both
 * access paths (xAPIC MMIO and x2APIC MSRs), priorities (10.8.3), EOI and
 * inter-processor interrupts.  IRR is set from any context (other vCPUs,
 * the I/O APIC, the timer's hard interrupt) with atomic bit operations;
 * everything else changes on the vCPU's own thread only.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>

#include "hvm.h"
#include "backend.h"
#include "events.h"
#include "ioapic.h"
#include "lapic.h"

#define APIC_VERSION		0x14	/* integrated APIC */
#define APIC_MAX_LVT		5	/* timer, thermal, PMC, LINT0/1, error */
#define APIC_BASE_RESERVED	(0xffULL | BIT(9) | ~((1ULL << 48) - 1))
#define X2APIC_MSR_BASE		0x800
#define X2APIC_MSR_END		0x8ff

static const u32 lvt_regs[] = {
	APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC, APIC_LVT0, APIC_LVT1, APIC_LVTERR,
};

/* Writable bits of each LVT entry (SDM figure 10-8). */
static u32 lvt_mask(u32 reg)
{
	switch (reg) {
	case APIC_LVTT:
		return 0x700ff;		/* vector, mask, timer mode */
	case APIC_LVT0:
	case APIC_LVT1:
		return 0x1a7ff;		/* + delivery mode, polarity, trigger */
	case APIC_LVTERR:
		return 0x100ff;
	default:
		return 0x107ff;
	}
}

static struct hvm_lapic *lapic(struct hvm_vcpu *vcpu)
{
	return vcpu->lapic;
}

static bool apic_enabled_hw(struct hvm_vcpu *vcpu)
{
	return vcpu->msr.apic_base & MSR_IA32_APICBASE_ENABLE;
}

static bool apic_x2(struct hvm_vcpu *vcpu)
{
	return vcpu->msr.apic_base & X2APIC_ENABLE;
}

static bool apic_sw_enabled(struct hvm_lapic *l)
{
	return hvm_lapic_reg(l, APIC_SPIV) & APIC_SPIV_APIC_ENABLED;
}

static u32 *vec_word(struct hvm_lapic *l, u32 base, u8 vector)
{
	return &l->regs[(base + (vector >> 5) * 0x10) >> 2];
}

bool hvm_lapic_set_irr(struct hvm_lapic *l, u8 vector, bool level)
{
	u32 *tmr = vec_word(l, APIC_TMR, vector);

	/* Each 32-bit register starts a 16-byte slot: a long covers it. */
	if (level)
		set_bit(vector & 31, (unsigned long *)tmr);
	else
		clear_bit(vector & 31, (unsigned long *)tmr);
	return !test_and_set_bit(vector & 31,
				 (unsigned long *)vec_word(l, APIC_IRR, vector));
}

/* The highest vector set in IRR/ISR, or -1. */
static int highest_vector(struct hvm_lapic *l, u32 base)
{
	int i;

	for (i = 7; i >= 0; i--) {
		u32 w = READ_ONCE(l->regs[(base + i * 0x10) >> 2]);

		if (w)
			return i * 32 + __fls(w);
	}
	return -1;
}

/* TPR lives in CR8 too (the guest may write either): CR8 wins when its
 * class differs from the register's. */
static u32 apic_tpr(struct hvm_lapic *l)
{
	u32 tpr = hvm_lapic_reg(l, APIC_TASKPRI);
	u8 cr8 = hvm_ops->get_cr8(l->vcpu);

	if ((tpr >> 4) != cr8) {
		tpr = cr8 << 4;
		hvm_lapic_set_reg(l, APIC_TASKPRI, tpr);
	}
	return tpr;
}

static void apic_set_tpr(struct hvm_lapic *l, u32 tpr)
{
	hvm_lapic_set_reg(l, APIC_TASKPRI, tpr & 0xff);
	hvm_ops->set_cr8(l->vcpu, (tpr >> 4) & 0xf);
}

/* PPR (SDM 10.8.3.1). */
static u32 apic_ppr(struct hvm_lapic *l)
{
	u32 tpr = apic_tpr(l);
	int isrv = highest_vector(l, APIC_ISR);
	u32 isr_class = isrv < 0 ? 0 : isrv & 0xf0;

	return (tpr & 0xf0) >= isr_class ? tpr : isr_class;
}

int hvm_lapic_pending_vector(struct hvm_vcpu *vcpu)
{
	struct hvm_lapic *l = lapic(vcpu);
	int v;

	if (!apic_enabled_hw(vcpu))
		return -1;
	v = highest_vector(l, APIC_IRR);
	if (v < 0 || (v & 0xf0) <= (apic_ppr(l) & 0xf0))
		return -1;
	return v;
}

bool hvm_lapic_accepts_extint(struct hvm_vcpu *vcpu)
{
	u32 lvt0;

	if (!vcpu->lapic || !apic_enabled_hw(vcpu))
		return true;	/* SDM 10.4.3: LINT0 is the INTR pin */
	lvt0 = hvm_lapic_reg(vcpu->lapic, APIC_LVT0);
	return (lvt0 & (APIC_LVT_MASKED | APIC_MODE_MASK)) == APIC_DM_EXTINT;
}

/* The class of the highest pending vector when only the TPR holds it
 * back (an EOI is not needed to let it in), else 0. */
int hvm_lapic_blocked_by_tpr(struct hvm_vcpu *vcpu)
{
	struct hvm_lapic *l = lapic(vcpu);
	int v = highest_vector(l, APIC_IRR), isrv;

	if (v < 0 || !apic_enabled_hw(vcpu))
		return 0;
	isrv = highest_vector(l, APIC_ISR);
	if (isrv >= 0 && (v & 0xf0) <= (isrv & 0xf0))
		return 0;
	return v >> 4;
}

void hvm_lapic_accept(struct hvm_vcpu *vcpu, u8 vector)
{
	struct hvm_lapic *l = lapic(vcpu);

	clear_bit(vector & 31, (unsigned long *)vec_word(l, APIC_IRR, vector));
	*vec_word(l, APIC_ISR, vector) |= BIT(vector & 31);
}

static void apic_eoi(struct hvm_lapic *l)
{
	int v = highest_vector(l, APIC_ISR);

	if (v < 0)
		return;
	*vec_word(l, APIC_ISR, v) &= ~BIT(v & 31);
	/* Level-triggered: tell the I/O APIC (SDM 10.8.5). */
	if (*vec_word(l, APIC_TMR, v) & BIT(v & 31))
		hvm_ioapic_eoi(l->vcpu->vm, v);
	hvm_vcpu_wake(l->vcpu);		/* a lower vector may go in now */
}

/* The APIC ID as the guest sees it in this mode. */
static u32 apic_id(struct hvm_vcpu *vcpu)
{
	u32 id = hvm_lapic_reg(vcpu->lapic, APIC_ID);

	return apic_x2(vcpu) ? id : id >> 24;
}

static bool match_logical(struct hvm_vcpu *vcpu, u32 dest)
{
	struct hvm_lapic *l = lapic(vcpu);
	u32 ldr = hvm_lapic_reg(l, APIC_LDR);

	if (apic_x2(vcpu))	/* cluster in 31:16, bitmap in 15:0 */
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	dest &= 0xff;
	ldr >>= 24;
	if ((hvm_lapic_reg(l, APIC_DFR) >> 28) == 0xf)		/* flat */
		return dest & ldr;
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);	/* cluster */
}

static bool apic_match(struct hvm_vcpu *vcpu, struct hvm_vcpu *src,
		       const struct hvm_apic_irq *irq)
{
	u32 bcast = apic_x2(vcpu) ? 0xffffffff : 0xff;

	switch (irq->shorthand) {
	case 1:
		return vcpu == src;
	case 2:
		return true;
	case 3:
		return vcpu != src;
	}
	if (irq->logical)
		return match_logical(vcpu, irq->dest);
	return irq->dest == bcast || irq->dest == apic_id(vcpu);
}

/* 1: the interrupt is newly pending; 0: it was already (coalesced). */
static int apic_deliver_one(struct hvm_vcpu *vcpu, const struct hvm_apic_irq *irq)
{
	struct hvm_lapic *l = lapic(vcpu);
	int r = 1;

	switch (irq->delivery_mode) {
	case APIC_DM_FIXED >> 8:
	case APIC_DM_LOWEST >> 8:
		if (irq->vector < 16)
			return 0;	/* illegal vector: dropped */
		r = hvm_lapic_set_irr(l, irq->vector, irq->level);
		break;
	case APIC_DM_NMI >> 8:
		atomic_set(&vcpu->ev.nmi_pending, 1);
		break;
	case APIC_DM_INIT >> 8:
		if (irq->level && !irq->assert)
			return 0;	/* INIT level de-assert: nothing */
		/* A SIPI from before the INIT is not for the new wait. */
		clear_bit(HVM_SIGNAL_SIPI, &vcpu->ev.signals);
		set_bit(HVM_SIGNAL_INIT, &vcpu->ev.signals);
		break;
	case APIC_DM_STARTUP >> 8:
		WRITE_ONCE(vcpu->ev.sipi_vector, irq->vector);
		smp_wmb();
		set_bit(HVM_SIGNAL_SIPI, &vcpu->ev.signals);
		break;
	default:
		return 0;	/* SMI, ExtINT: not delivered */
	}
	hvm_vcpu_wake(vcpu);
	return r;
}

int hvm_lapic_deliver(struct hvm_vm *vm, struct hvm_vcpu *src,
		      const struct hvm_apic_irq *irq)
{
	bool lowest = irq->delivery_mode == APIC_DM_LOWEST >> 8;
	int i, r = -1;

	for (i = 0; i < HVM_MAX_VCPUS; i++) {
		struct hvm_vcpu *v = smp_load_acquire(&vm->vcpus[i]);

		if (!v || !v->lapic || !apic_enabled_hw(v) ||
		    !apic_match(v, src, irq))
			continue;
		r = max(r, 0) + apic_deliver_one(v, irq);
		if (lowest)
			break;	/* lowest priority: the first match takes it */
	}
	return r;
}

static void apic_send_ipi(struct hvm_lapic *l, u32 lo, u32 dest)
{
	struct hvm_apic_irq irq = {
		.dest = dest,
		.vector = lo & HVM_APIC_VECTOR_MASK,
		.delivery_mode = (lo >> 8) & 7,
		.shorthand = (lo >> 18) & 3,
		.logical = lo & APIC_DEST_LOGICAL,
		.level = lo & APIC_INT_LEVELTRIG,
		.assert = lo & APIC_INT_ASSERT,
	};

	hvm_lapic_deliver(l->vcpu->vm, l->vcpu, &irq);
}

static u32 apic_read(struct hvm_lapic *l, u32 off)
{
	switch (off) {
	case APIC_TASKPRI:
		return apic_tpr(l);
	case APIC_PROCPRI:
		return apic_ppr(l);
	case APIC_TMCCT:
		return hvm_lapic_timer_read_tmcct(l);
	case APIC_ARBPRI:
	case APIC_EOI:
	case APIC_RRR:
		return 0;
	}
	return hvm_lapic_reg(l, off);
}

/* A register write; false when the register is read-only or reserved. */
static bool apic_write(struct hvm_lapic *l, u32 off, u32 val)
{
	bool x2 = apic_x2(l->vcpu);
	int i;

	switch (off) {
	case APIC_ID:
		if (x2)
			return false;
		hvm_lapic_set_reg(l, APIC_ID, val & 0xff000000);
		return true;
	case APIC_TASKPRI:
		apic_set_tpr(l, val);
		hvm_vcpu_wake(l->vcpu);
		return true;
	case APIC_EOI:
		apic_eoi(l);
		return true;
	case APIC_LDR:
		if (x2)
			return false;
		hvm_lapic_set_reg(l, APIC_LDR, val & 0xff000000);
		return true;
	case APIC_DFR:
		if (x2)
			return false;
		hvm_lapic_set_reg(l, APIC_DFR, val | 0x0fffffff);
		return true;
	case APIC_SPIV:
		hvm_lapic_set_reg(l, APIC_SPIV, val & 0x3ff);
		if (!(val & APIC_SPIV_APIC_ENABLED)) {	/* SDM 10.4.7.2 */
			for (i = 0; i < ARRAY_SIZE(lvt_regs); i++)
				hvm_lapic_set_reg(l, lvt_regs[i],
						  hvm_lapic_reg(l, lvt_regs[i]) |
						  APIC_LVT_MASKED);
			hvm_lapic_timer_write_lvt(l, hvm_lapic_reg(l, APIC_LVTT));
		}
		return true;
	case APIC_ESR:
		hvm_lapic_set_reg(l, APIC_ESR, 0);
		return true;
	case APIC_ICR:
		hvm_lapic_set_reg(l, APIC_ICR, val & ~APIC_ICR_BUSY);
		apic_send_ipi(l, val, hvm_lapic_reg(l, APIC_ICR2) >> 24);
		return true;
	case APIC_ICR2:
		if (x2)
			return false;
		hvm_lapic_set_reg(l, APIC_ICR2, val & 0xff000000);
		return true;
	case APIC_LVTT:
		if (!apic_sw_enabled(l))
			val |= APIC_LVT_MASKED;
		hvm_lapic_timer_write_lvt(l, val & lvt_mask(off));
		return true;
	case APIC_LVTTHMR:
	case APIC_LVTPC:
	case APIC_LVT0:
	case APIC_LVT1:
	case APIC_LVTERR:
		if (!apic_sw_enabled(l))
			val |= APIC_LVT_MASKED;
		hvm_lapic_set_reg(l, off, val & lvt_mask(off));
		return true;
	case APIC_TMICT:
		hvm_lapic_timer_write_tmict(l, val);
		return true;
	case APIC_TDCR:
		hvm_lapic_set_reg(l, APIC_TDCR, val & 0xb);
		return true;
	case APIC_SELF_IPI:
		if (!x2)
			return false;
		apic_send_ipi(l, APIC_DEST_SELF | (val & 0xff), 0);
		return true;
	}
	return false;
}

/* Registers that exist at @off (reads of others: 0 in xAPIC, #GP in x2APIC). */
static bool apic_reg_valid(u32 off)
{
	if (off & 0xf || off >= 0x400)
		return false;
	switch (off) {
	case APIC_ID: case APIC_LVR: case APIC_TASKPRI: case APIC_ARBPRI:
	case APIC_PROCPRI: case APIC_EOI: case APIC_LDR: case APIC_DFR:
	case APIC_SPIV: case APIC_ESR: case APIC_ICR: case APIC_ICR2:
	case APIC_LVTT: case APIC_LVTTHMR: case APIC_LVTPC: case APIC_LVT0:
	case APIC_LVT1: case APIC_LVTERR: case APIC_TMICT: case APIC_TMCCT:
	case APIC_TDCR:
		return true;
	}
	return off >= APIC_ISR && off < APIC_ESR;	/* ISR, TMR, IRR */
}

static bool in_apic_page(struct hvm_vcpu *vcpu, u64 gpa)
{
	return vcpu->lapic && apic_enabled_hw(vcpu) && !apic_x2(vcpu) &&
	       (gpa & PAGE_MASK) == (vcpu->msr.apic_base & MSR_IA32_APICBASE_BASE);
}

bool hvm_lapic_mmio_read(struct hvm_vcpu *vcpu, u64 gpa, int size, u64 *val)
{
	u32 off = gpa & 0xfff;

	if (!in_apic_page(vcpu, gpa))
		return false;
	/* Registers are 32-bit, 16-byte aligned; other accesses read the
	 * containing register's bytes (unaligned: undefined, 0 here). */
	*val = 0;
	if ((off & 3) + size <= 4 && apic_reg_valid(off & ~0xf) && !(off & 0xc))
		*val = apic_read(vcpu->lapic, off & ~3) >> ((off & 3) * 8);
	if (size < 8)
		*val &= (1ULL << (size * 8)) - 1;
	return true;
}

bool hvm_lapic_mmio_write(struct hvm_vcpu *vcpu, u64 gpa, int size, u64 val)
{
	u32 off = gpa & 0xfff;

	if (!in_apic_page(vcpu, gpa))
		return false;
	/* Only aligned 32-bit writes reach a register (SDM 10.4.1). */
	if (size == 4 && !(off & 0xf))
		apic_write(vcpu->lapic, off, val);
	return true;
}

/* x2APIC MSRs (SDM 10.12.1.2): MSR 0x800 + offset / 16. */
static int x2apic_read(struct hvm_vcpu *vcpu, u32 index, u64 *data)
{
	u32 off = (index - X2APIC_MSR_BASE) << 4;
	struct hvm_lapic *l = lapic(vcpu);

	if (!apic_x2(vcpu) || !apic_reg_valid(off) || off == APIC_DFR ||
	    off == APIC_ICR2 || off == APIC_EOI || off == APIC_ARBPRI)
		return -EINVAL;
	*data = apic_read(l, off);
	if (off == APIC_ICR)
		*data |= (u64)hvm_lapic_reg(l, APIC_ICR2) << 32;
	return 0;
}

static int x2apic_write(struct hvm_vcpu *vcpu, u32 index, u64 data)
{
	u32 off = (index - X2APIC_MSR_BASE) << 4;
	struct hvm_lapic *l = lapic(vcpu);

	if (!apic_x2(vcpu))
		return -EINVAL;
	if (off == APIC_ICR) {
		/* One 64-bit write: destination in 63:32 (SDM 10.12.9). */
		hvm_lapic_set_reg(l, APIC_ICR2, data >> 32);
		hvm_lapic_set_reg(l, APIC_ICR, (u32)data & ~APIC_ICR_BUSY);
		apic_send_ipi(l, (u32)data, data >> 32);
		return 0;
	}
	/* Reserved bits 63:32 and, for EOI/SELF IPI, any non-zero data
	 * outside the defined bits: #GP. */
	if ((data >> 32) || (off == APIC_EOI && data) ||
	    (off == APIC_SELF_IPI && (data & ~0xffULL)))
		return -EINVAL;
	return apic_write(l, off, data) ? 0 : -EINVAL;
}

static void apic_set_x2_ids(struct hvm_lapic *l)
{
	u32 id = l->vcpu->id;

	hvm_lapic_set_reg(l, APIC_ID, id);
	hvm_lapic_set_reg(l, APIC_LDR, ((id >> 4) << 16) | BIT(id & 0xf));
}

/* APIC_BASE writes (SDM 10.12.5): disabled, xAPIC and x2APIC, with the
 * transitions the hardware allows. */
static int apic_set_base(struct hvm_vcpu *vcpu, u64 data, bool host)
{
	u64 old = vcpu->msr.apic_base;
	u64 mode_old = old & (MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE);
	u64 mode_new = data & (MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE);

	if (data & APIC_BASE_RESERVED)
		return -EINVAL;
	if (mode_new == X2APIC_ENABLE)
		return -EINVAL;			/* x2APIC without enable */
	if (!host && mode_old != mode_new &&
	    ((mode_old == (MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE) &&
	      mode_new == MSR_IA32_APICBASE_ENABLE) ||
	     (!mode_old && mode_new == (MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE))))
		return -EINVAL;
	vcpu->msr.apic_base = data;
	if (!vcpu->lapic || mode_old == mode_new)
		return 0;
	if (!mode_new) {
		hvm_lapic_reset(vcpu);		/* state as after reset */
		vcpu->msr.apic_base = data;
	} else if (data & X2APIC_ENABLE) {
		apic_set_x2_ids(vcpu->lapic);
	} else {
		hvm_lapic_set_reg(vcpu->lapic, APIC_ID, vcpu->id << 24);
	}
	return 0;
}

int hvm_lapic_msr_read(struct hvm_vcpu *vcpu, u32 index, u64 *data)
{
	if (index == MSR_IA32_APICBASE) {
		*data = vcpu->msr.apic_base;
		return 0;
	}
	if (!vcpu->lapic)
		return -ENOENT;
	if (index == MSR_IA32_TSC_DEADLINE) {
		*data = READ_ONCE(vcpu->lapic->tsc_deadline);
		return 0;
	}
	if (index >= X2APIC_MSR_BASE && index <= X2APIC_MSR_END)
		return x2apic_read(vcpu, index, data);
	return -ENOENT;
}

int hvm_lapic_msr_write(struct hvm_vcpu *vcpu, u32 index, u64 data, bool host)
{
	if (index == MSR_IA32_APICBASE)
		return apic_set_base(vcpu, data, host);
	if (!vcpu->lapic)
		return -ENOENT;
	if (index == MSR_IA32_TSC_DEADLINE) {
		hvm_lapic_timer_write_deadline(vcpu->lapic, data);
		return 0;
	}
	if (index >= X2APIC_MSR_BASE && index <= X2APIC_MSR_END)
		return x2apic_write(vcpu, index, data);
	return -ENOENT;
}

/* Power-up/INIT state (SDM 10.4.7.1); APIC_BASE is the caller's. */
void hvm_lapic_reset(struct hvm_vcpu *vcpu)
{
	struct hvm_lapic *l = vcpu->lapic;
	int i;

	if (!l)
		return;
	hvm_lapic_timer_stop(l);
	memset(l->regs, 0, PAGE_SIZE);
	hvm_lapic_set_reg(l, APIC_LVR, APIC_VERSION | (APIC_MAX_LVT << 16));
	hvm_lapic_set_reg(l, APIC_DFR, 0xffffffff);
	hvm_lapic_set_reg(l, APIC_SPIV, 0xff);
	for (i = 0; i < ARRAY_SIZE(lvt_regs); i++)
		hvm_lapic_set_reg(l, lvt_regs[i], APIC_LVT_MASKED);
	/* The BSP in virtual wire mode, as firmware leaves it (MP spec 3.6.2.2):
	 * the 8259's INT through LINT0. */
	if (vcpu->id == 0)
		hvm_lapic_set_reg(l, APIC_LVT0, APIC_DM_EXTINT);
	if (apic_x2(vcpu))
		apic_set_x2_ids(l);
	else
		hvm_lapic_set_reg(l, APIC_ID, vcpu->id << 24);
	l->tsc_deadline = 0;
	hvm_ops->set_cr8(vcpu, 0);
}

int hvm_lapic_create(struct hvm_vcpu *vcpu)
{
	struct hvm_lapic *l;

	l = kzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);
	if (!l)
		return -ENOMEM;
	l->regs = (u32 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!l->regs) {
		kfree(l);
		return -ENOMEM;
	}
	l->vcpu = vcpu;
	hvm_lapic_timer_init(l);
	vcpu->lapic = l;
	return 0;
}

void hvm_lapic_destroy(struct hvm_vcpu *vcpu)
{
	struct hvm_lapic *l = vcpu->lapic;

	if (!l)
		return;
	hvm_lapic_timer_stop(l);
	free_page((unsigned long)l->regs);
	kfree(l);
	vcpu->lapic = NULL;
}

long hvm_lapic_get_state(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct hvm_lapic *l = vcpu->lapic;
	struct hvm_lapic_state *s;
	long r = 0;

	if (!l)
		return -ENXIO;
	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	memcpy(s->regs, l->regs, sizeof(s->regs));
	*(u32 *)&s->regs[APIC_TASKPRI] = apic_tpr(l);
	*(u32 *)&s->regs[APIC_PROCPRI] = apic_ppr(l);
	*(u32 *)&s->regs[APIC_TMCCT] = hvm_lapic_timer_read_tmcct(l);
	if (copy_to_user(argp, s, sizeof(*s)))
		r = -EFAULT;
	kfree(s);
	return r;
}

/* Registers are written as the guest would (timer rearmed, TPR to CR8);
 * IRR, ISR and TMR are taken as they are. */
long hvm_lapic_set_state(struct hvm_vcpu *vcpu, void __user *argp)
{
	static const u32 order[] = {
		APIC_TASKPRI, APIC_DFR, APIC_LDR, APIC_SPIV, APIC_LVTTHMR,
		APIC_LVTPC, APIC_LVT0, APIC_LVT1, APIC_LVTERR, APIC_TDCR,
		APIC_LVTT, APIC_TMICT,
	};
	struct hvm_lapic *l = vcpu->lapic;
	struct hvm_lapic_state *s;
	u32 off;
	int i;

	if (!l)
		return -ENXIO;
	s = memdup_user(argp, sizeof(*s));
	if (IS_ERR(s))
		return PTR_ERR(s);
	hvm_lapic_reset(vcpu);
	if (!apic_x2(vcpu))
		hvm_lapic_set_reg(l, APIC_ID, *(u32 *)&s->regs[APIC_ID] & 0xff000000);
	for (off = APIC_ISR; off < APIC_ESR; off += 0x10)
		hvm_lapic_set_reg(l, off, *(u32 *)&s->regs[off]);
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		if (apic_x2(vcpu) && (order[i] == APIC_DFR || order[i] == APIC_LDR))
			continue;
		apic_write(l, order[i], *(u32 *)&s->regs[order[i]]);
	}
	kfree(s);
	hvm_vcpu_wake(vcpu);
	return 0;
}
