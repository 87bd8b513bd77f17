// SPDX-License-Identifier: GPL-2.0
/*
 * SVM event delivery (APM vol. 2, 15.20 event injection, 15.21 interrupt
 * control): EVENTINJ is the one slot; a virtual interrupt (V_IRQ) with the
 * VINTR intercept is the interrupt window; NMI masking is tracked here, by
 * intercepting the IRET that ends the guest's NMI handler.
 */
#include <asm/irq_vectors.h>
#include <asm/processor-flags.h>

#include "svm.h"

static struct vmcb_control *ctl(struct hvm_vcpu *vcpu)
{
	return &to_svm(vcpu)->vmcb->control;
}

/* The shadow no longer holds once hvm moved RIP past the instruction. */
static bool in_shadow(struct hvm_vcpu *vcpu)
{
	return (ctl(vcpu)->int_state & SVM_INT_SHADOW) &&
	       vcpu->rip == to_svm(vcpu)->exit_rip;
}

static void set_intercept(struct svm_vcpu *svm, u32 bit, bool on)
{
	u32 *m = &svm->vmcb->control.intercept_misc1;

	if (!!(*m & bit) == on)
		return;
	*m = on ? *m | bit : *m & ~bit;
	svm_mark_dirty(svm, SVM_CLEAN_I);
}

/* A virtual interrupt (APM 15.21.4) that ignores the TPR, on or off; the
 * V_IRQ fields are cached under the TPR clean bit. */
static void virq_raise(struct svm_vcpu *svm)
{
	svm->vmcb->control.int_ctl |= SVM_V_IRQ | SVM_V_IGN_TPR | SVM_V_INTR_PRIO_MASK;
	svm_mark_dirty(svm, SVM_CLEAN_TPR);
}

void svm_clear_virq(struct svm_vcpu *svm)
{
	svm->vmcb->control.int_ctl &= ~(SVM_V_IRQ | SVM_V_IGN_TPR | SVM_V_INTR_PRIO_MASK);
	svm_mark_dirty(svm, SVM_CLEAN_TPR);
}

/* Window requests last one entry: dropped at every exit.  An injected
 * V_IRQ stays until the guest takes it. */
void svm_events_exit(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;

	if (svm->virq_pending && !(c->int_ctl & SVM_V_IRQ))
		svm->virq_pending = false;

	if (c->intercept_misc1 & SVM_INTERCEPT_VINTR) {
		svm_clear_virq(svm);
		set_intercept(svm, SVM_INTERCEPT_VINTR, false);
	}
	if (c->intercept_cr & SVM_INTERCEPT_CR8_WRITE) {
		c->intercept_cr &= ~SVM_INTERCEPT_CR8_WRITE;
		svm_mark_dirty(svm, SVM_CLEAN_I);
	}
}

int svm_exit_vintr(struct svm_vcpu *svm)
{
	return 1;	/* the window is open: events.c injects now */
}

/* The guest's IRET from its NMI handler; NMIs unblock once it is done. */
int svm_exit_iret(struct svm_vcpu *svm)
{
	set_intercept(svm, SVM_INTERCEPT_IRET, false);
	svm->nmi_masked = false;
	svm->awaiting_iret = true;
	svm->iret_rip = svm->vcpu.rip;
	return 1;
}

bool svm_event_slot_busy(struct hvm_vcpu *vcpu)
{
	return ctl(vcpu)->event_inj & SVM_EVT_VALID;
}

/*
 * While our single step lasts nothing goes in: the event's frame would
 * carry our TF, and an IRET to it later, maybe from another task, would
 * trap where hvm no longer expects the #DB.  It lasts until its #DB exit,
 * even when hvm emulated the instruction (the guest then steps the next
 * one): Bochs 2.7 keeps a step pending across an intercepted HLT and traps
 * after the guest's next instruction anyway.  Under QEMU's TCG
 * (virq_inject) it ends once hvm moved RIP on: there the longer step left
 * a halted test guest without its timer interrupt now and then.
 */
bool svm_stepping(struct svm_vcpu *svm)
{
	if (svm_use_virq_inject && svm->singlestep &&
	    svm->vcpu.rip != svm->singlestep_rip)
		svm_singlestep_done(svm);
	return svm->singlestep;
}

bool svm_interrupt_allowed(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	return (vcpu->rflags & X86_EFLAGS_IF) && !in_shadow(vcpu) &&
	       !svm->virq_pending && !svm_stepping(svm);
}

/* The IRET that ends the NMI handler exited before it ran: NMIs stay
 * blocked until RIP has moved on from it. */
static bool iret_pending(struct svm_vcpu *svm)
{
	if (svm->awaiting_iret && svm->vcpu.rip != svm->iret_rip)
		svm->awaiting_iret = false;
	return svm->awaiting_iret;
}

bool svm_nmi_allowed(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	return !svm->nmi_masked && !iret_pending(svm) && !in_shadow(vcpu) &&
	       !svm_stepping(svm);
}

/* One instruction, then a #DB exit (TF, with #DB intercepted). */
static void svm_singlestep(struct svm_vcpu *svm)
{
	struct hvm_vcpu *vcpu = &svm->vcpu;

	if (svm->singlestep)
		return;
	svm->singlestep_flags = vcpu->rflags & (X86_EFLAGS_TF | X86_EFLAGS_RF);
	svm->singlestep_rip = vcpu->rip;
	vcpu->rflags |= X86_EFLAGS_TF | X86_EFLAGS_RF;
	svm->singlestep = true;
}

/*
 * With virq_inject, the interrupt goes in as a virtual interrupt with its
 * vector (APM 15.21.4: V_IRQ, V_INTR_VECTOR, V_IGN_TPR; no VINTR
 * intercept), which the guest takes at its first instruction boundary
 * where IF allows, as a real INTR.  QEMU 7.2's TCG delivers an EVENTINJ
 * interrupt at VMRUN but leaves its vector as a pending exception, and
 * can deliver it a second time later (Documentation/testing.rst).
 */
static void svm_inject_virq(struct svm_vcpu *svm, u8 vector)
{
	struct vmcb_control *c = &svm->vmcb->control;

	c->int_vector = vector;
	virq_raise(svm);
	set_intercept(svm, SVM_INTERCEPT_VINTR, false);
	svm->virq_pending = true;
}

void svm_inject_irq(struct hvm_vcpu *vcpu, u8 vector)
{
	if (svm_use_virq_inject)
		svm_inject_virq(to_svm(vcpu), vector);
	else
		ctl(vcpu)->event_inj = vector | SVM_EVT_TYPE_INTR | SVM_EVT_VALID;
}

/* An interrupt whose delivery an exit cut short (EXITINTINFO). */
void svm_reinject_irq(struct svm_vcpu *svm, u8 vector)
{
	svm->vmcb->control.event_inj = 0;
	svm_inject_virq(svm, vector);
}

void svm_inject_nmi(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	ctl(vcpu)->event_inj = NMI_VECTOR | SVM_EVT_TYPE_NMI | SVM_EVT_VALID;
	svm->nmi_masked = true;
	set_intercept(svm, SVM_INTERCEPT_IRET, true);
}

/*
 * A virtual interrupt that only serves to make the guest exit when it
 * could take one: V_IRQ with VINTR intercepted (APM 15.21.4).  An
 * interrupt the TPR holds back (@prio: its class) instead waits for the
 * guest's next CR8 write, as KVM does: V_IRQ with a priority would do
 * too, but QEMU's TCG aborts when the guest writes CR8 under it.
 */
void svm_enable_irq_window(struct hvm_vcpu *vcpu, u8 prio)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control *c = &svm->vmcb->control;

	/* An injected V_IRQ holds the slot; the exit its EOI makes comes
	 * soon enough for the next one.  A single step ends in an exit. */
	if (svm->virq_pending || svm_stepping(svm))
		return;
	/* QEMU's TCG (where virq_inject is on by default) ignores the VMCB's
	 * interrupt shadow at VMRUN and would open this window before the
	 * shadowed instruction (an interrupt between STI and HLT: a lost
	 * wakeup).  Step over that instruction instead. */
	if (svm_use_virq_inject && !prio && (vcpu->rflags & X86_EFLAGS_IF) &&
	    in_shadow(vcpu)) {
		svm_singlestep(svm);
		return;
	}
	if (prio) {
		c->intercept_cr |= SVM_INTERCEPT_CR8_WRITE;
		svm_mark_dirty(svm, SVM_CLEAN_I);
		return;
	}
	virq_raise(svm);
	set_intercept(svm, SVM_INTERCEPT_VINTR, true);
}

/*
 * Masked: the IRET intercept is on.  Otherwise an IRET still completing
 * or a shadow holds the NMI for one instruction: single-step it (TF, with
 * #DB intercepted), as SVM has no NMI window.
 */
void svm_enable_nmi_window(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	if (!svm->nmi_masked)
		svm_singlestep(svm);
}

/* The #DB of that single step: ours, not the guest's. */
bool svm_singlestep_done(struct svm_vcpu *svm)
{
	struct hvm_vcpu *vcpu = &svm->vcpu;

	if (!svm->singlestep)
		return false;
	svm->singlestep = false;
	vcpu->rflags = (vcpu->rflags & ~(X86_EFLAGS_TF | X86_EFLAGS_RF)) |
		       svm->singlestep_flags;
	/* The guest's own TF would have trapped here too. */
	return !(svm->singlestep_flags & X86_EFLAGS_TF);
}

void svm_get_events(struct hvm_vcpu *vcpu, struct hvm_vcpu_events *ev)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u64 inj = ctl(vcpu)->event_inj;

	if (inj & SVM_EVT_VALID) {
		switch (inj & SVM_EVT_TYPE_MASK) {
		case SVM_EVT_TYPE_INTR:
			ev->interrupt.injected = 1;
			ev->interrupt.nr = inj & SVM_EVT_VECTOR_MASK;
			break;
		case SVM_EVT_TYPE_NMI:
			ev->nmi.injected = 1;
			break;
		case SVM_EVT_TYPE_EXCEPTION:
			ev->exception.injected = 1;
			ev->exception.nr = inj & SVM_EVT_VECTOR_MASK;
			ev->exception.has_error_code = !!(inj & SVM_EVT_ERROR_VALID);
			ev->exception.error_code = inj >> 32;
			break;
		}
	}
	if (svm->virq_pending) {
		ev->interrupt.injected = 1;
		ev->interrupt.nr = ctl(vcpu)->int_vector;
	}
	ev->interrupt.shadow = in_shadow(vcpu);
	ev->nmi.masked = svm->nmi_masked || iret_pending(svm);
}

void svm_set_events(struct hvm_vcpu *vcpu, const struct hvm_vcpu_events *ev)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control *c = ctl(vcpu);

	c->event_inj = 0;
	if (svm->virq_pending) {
		svm_clear_virq(svm);
		svm->virq_pending = false;
	}
	if (ev->interrupt.injected)
		svm_inject_irq(vcpu, ev->interrupt.nr);
	if (ev->nmi.injected)
		svm_inject_nmi(vcpu);
	if (ev->interrupt.shadow) {
		c->int_state |= SVM_INT_SHADOW;
		svm->exit_rip = vcpu->rip;	/* holds for this RIP */
	} else {
		c->int_state &= ~SVM_INT_SHADOW;
	}
	svm->awaiting_iret = false;
	svm->nmi_masked = ev->nmi.masked || ev->nmi.injected;
	set_intercept(svm, SVM_INTERCEPT_IRET, svm->nmi_masked);
}

u8 svm_get_cr8(struct hvm_vcpu *vcpu)
{
	return ctl(vcpu)->int_ctl & SVM_V_TPR_MASK;
}

void svm_set_cr8(struct hvm_vcpu *vcpu, u8 cr8)
{
	struct vmcb_control *c = ctl(vcpu);

	c->int_ctl = (c->int_ctl & ~SVM_V_TPR_MASK) | (cr8 & SVM_V_TPR_MASK);
	svm_mark_dirty(to_svm(vcpu), SVM_CLEAN_TPR);
}
