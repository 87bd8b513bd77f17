/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel local APIC, one per vCPU (SDM vol. 3, ch. 10): registers,
 * priorities, the timer and inter-processor interrupts.  lapic.c has the
 * registers and delivery, lapic_timer.c the timer.
 */
#ifndef HVM_LAPIC_H
#define HVM_LAPIC_H

#include <linux/hrtimer.h>
#include <linux/types.h>
#include <asm/apicdef.h>

struct hvm_vm;
struct hvm_vcpu;

struct hvm_lapic {
	struct hvm_vcpu *vcpu;
	u32 *regs;			/* the 4 KiB register page */
	/* Timer (lapic_timer.c): the hrtimer fires when the count reaches 0
	 * or the TSC deadline passes. */
	struct hrtimer timer;
	ktime_t expires;		/* one-shot/periodic: count reaches 0 */
	u64 period_ns;			/* periodic: one period; else 0 */
	u64 tsc_deadline;		/* IA32_TSC_DEADLINE, guest TSC */
};

#define HVM_APIC_VECTOR_MASK	0xff
#define HVM_APIC_TIMER_MODE	(3 << 17)	/* LVT timer bits 18:17 */

/* The APIC bus: one tick a nanosecond (CPUID 0x15/0x16/0x40000010). */
#define HVM_APIC_BUS_KHZ	1000000

/* An interrupt message, from an ICR write or the I/O APIC (SDM 10.6.1). */
struct hvm_apic_irq {
	u32 dest;
	u8 vector;
	u8 delivery_mode;		/* APIC_DM_* >> 8: 0 fixed, 4 NMI... */
	u8 shorthand;			/* 0 none, 1 self, 2 all, 3 others */
	bool logical;
	bool level;			/* level-triggered (TMR) */
	bool assert;			/* INIT level: assert, not de-assert */
};

int hvm_lapic_create(struct hvm_vcpu *vcpu);
void hvm_lapic_destroy(struct hvm_vcpu *vcpu);
void hvm_lapic_reset(struct hvm_vcpu *vcpu);

/* Interrupt acceptance, for events.c. */
int hvm_lapic_pending_vector(struct hvm_vcpu *vcpu);	/* IRR above PPR, or -1 */
int hvm_lapic_blocked_by_tpr(struct hvm_vcpu *vcpu);	/* its class, or 0 */
void hvm_lapic_accept(struct hvm_vcpu *vcpu, u8 vector);	/* IRR -> ISR */
/* LINT0 passes the 8259's INT: ExtINT and unmasked, or the APIC off. */
bool hvm_lapic_accepts_extint(struct hvm_vcpu *vcpu);

/* Delivery to the VM's local APICs; @src: the sender (NULL: I/O APIC).
 * Returns how many took it as a new interrupt (0: all had it pending
 * already, coalesced), or -1 when no APIC matched. */
int hvm_lapic_deliver(struct hvm_vm *vm, struct hvm_vcpu *src,
		      const struct hvm_apic_irq *irq);

/* The xAPIC page (when enabled in xAPIC mode at that address). */
bool hvm_lapic_mmio_read(struct hvm_vcpu *vcpu, u64 gpa, int size, u64 *val);
bool hvm_lapic_mmio_write(struct hvm_vcpu *vcpu, u64 gpa, int size, u64 val);

/* MSRs: APIC_BASE, x2APIC (0x800-0x8ff), TSC_DEADLINE.  0, -EINVAL (#GP)
 * or -ENOENT (not an APIC MSR). */
int hvm_lapic_msr_read(struct hvm_vcpu *vcpu, u32 index, u64 *data);
int hvm_lapic_msr_write(struct hvm_vcpu *vcpu, u32 index, u64 data, bool host);

/* HVM_GET_LAPIC / HVM_SET_LAPIC */
long hvm_lapic_get_state(struct hvm_vcpu *vcpu, void __user *argp);
long hvm_lapic_set_state(struct hvm_vcpu *vcpu, void __user *argp);

/* Register helpers shared by lapic.c and lapic_timer.c. */
static inline u32 hvm_lapic_reg(struct hvm_lapic *l, u32 off)
{
	return READ_ONCE(l->regs[off >> 2]);
}

static inline void hvm_lapic_set_reg(struct hvm_lapic *l, u32 off, u32 val)
{
	WRITE_ONCE(l->regs[off >> 2], val);
}

/* Is any vector requested (IRR not empty)?  A quick look for events.c:
 * with none, nothing is pending and nothing is held back by the TPR. */
static inline bool hvm_lapic_irr_pending(struct hvm_lapic *l)
{
	int i;

	for (i = 0; i < 8; i++)
		if (READ_ONCE(l->regs[(APIC_IRR + i * 0x10) >> 2]))
			return true;
	return false;
}

/* Set a vector in IRR (atomic) and TMR; false if it was set already. */
bool hvm_lapic_set_irr(struct hvm_lapic *l, u8 vector, bool level);

/* lapic_timer.c */
void hvm_lapic_timer_init(struct hvm_lapic *l);
void hvm_lapic_timer_stop(struct hvm_lapic *l);
void hvm_lapic_timer_write_tmict(struct hvm_lapic *l, u32 count);
void hvm_lapic_timer_write_lvt(struct hvm_lapic *l, u32 val);
u32 hvm_lapic_timer_read_tmcct(struct hvm_lapic *l);
void hvm_lapic_timer_write_deadline(struct hvm_lapic *l, u64 deadline);

#endif /* HVM_LAPIC_H */
