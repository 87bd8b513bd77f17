// SPDX-License-Identifier: GPL-2.0
/*
 * Event delivery: before each entry, with interrupts off, decide what goes
 * into the backend's one event slot (SDM 6.9 priorities, simplified to
 * what software can observe): an event being re-delivered, else a queued
 * exception, else an NMI, else the local APIC's (or HVM_INTERRUPT's)
 * interrupt.  What cannot go in yet opens a window: the backend exits as
 * soon as the guest can take it (SDM 25.2 interrupt/NMI-window exiting,
 * APM 15.21.4 virtual interrupts).  Also HLT blocking, INIT/SIPI and the
 * ioctls that queue events.
 */
#include <linux/moduleparam.h>
#include <linux/rcuwait.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/processor-flags.h>

#include "hvm.h"
#include "backend.h"
#include "events.h"
#include "lapic.h"
#include "pic.h"

/*
 * Fault injection for the selftests (test_slot_race), root only: kicks
 * that do not wait send no IPI, as if the IPI took until the target CPU's
 * next host interrupt to arrive.  The guest then runs on in
 * EXITING_GUEST_MODE for up to a tick, which is what a remote TLB flush
 * must not take for "out of the guest".  Off unless a test sets it.
 */
static bool test_slow_kick;
module_param(test_slow_kick, bool, 0644);
MODULE_PARM_DESC(test_slow_kick, "selftests only: kicks that do not wait send no IPI");

/* Make the vCPU leave guest mode without waiting (any context). */
static void hvm_vcpu_kick_nowait(struct hvm_vcpu *vcpu)
{
	int cpu;

	if (cmpxchg(&vcpu->mode, HVM_IN_GUEST_MODE, HVM_EXITING_GUEST_MODE) !=
	    HVM_IN_GUEST_MODE)
		return;
	if (unlikely(READ_ONCE(test_slow_kick)))
		return;
	cpu = READ_ONCE(vcpu->cpu);
	if (cpu >= 0 && cpu != raw_smp_processor_id() && cpu_online(cpu))
		smp_send_reschedule(cpu);	/* any IPI makes the guest exit */
}

/*
 * Any context, hard interrupts included (the LAPIC timer's hrtimer), also
 * under PREEMPT_RT: rcuwait_wake_up() takes no sleeping lock.  The event's
 * state is set before; rcuwait_wake_up()'s full barrier orders it before
 * the read of the waiter, paired with the barrier of set_current_state()
 * before hvm_vcpu_can_wake() in hvm_vcpu_block().
 */
void hvm_vcpu_wake(struct hvm_vcpu *vcpu)
{
	set_bit(HVM_REQ_EVENT, &vcpu->requests);
	smp_mb__after_atomic();
	rcuwait_wake_up(&vcpu->wait);
	hvm_vcpu_kick_nowait(vcpu);
}

void hvm_events_reset(struct hvm_vcpu *vcpu)
{
	vcpu->ev.exc_pending = false;
	vcpu->ev.user_irq = -1;
	atomic_set(&vcpu->ev.nmi_pending, 0);
}

static void inject_interrupt(struct hvm_vcpu *vcpu, bool slot_free)
{
	int v, prio;

	/* The 8259's INT through LINT0 (ExtINT) ignores the APIC's
	 * priorities; its vector comes from the INTA cycle (SDM 10.5.1). */
	if (hvm_pic_interrupt_pending(vcpu)) {
		if (slot_free && hvm_ops->interrupt_allowed(vcpu))
			hvm_ops->inject_irq(vcpu, hvm_pic_ack(vcpu->vm));
		else
			hvm_ops->enable_irq_window(vcpu, 0);
		return;
	}
	if (vcpu->lapic) {
		v = hvm_lapic_pending_vector(vcpu);
		if (v < 0) {
			/* Held back by the TPR only: SVM can exit when the
			 * guest lowers it; VMX exits on every CR8 write. */
			prio = hvm_lapic_blocked_by_tpr(vcpu);
			if (prio)
				hvm_ops->enable_irq_window(vcpu, prio);
			return;
		}
		if (slot_free && hvm_ops->interrupt_allowed(vcpu)) {
			hvm_lapic_accept(vcpu, v);
			hvm_ops->inject_irq(vcpu, v);
		} else {
			hvm_ops->enable_irq_window(vcpu, 0);
		}
		return;
	}
	if (vcpu->ev.user_irq >= 0) {
		if (slot_free && hvm_ops->interrupt_allowed(vcpu)) {
			hvm_ops->inject_irq(vcpu, vcpu->ev.user_irq);
			vcpu->ev.user_irq = -1;
		} else {
			hvm_ops->enable_irq_window(vcpu, 0);
		}
	} else if (READ_ONCE(vcpu->run->request_interrupt_window)) {
		hvm_ops->enable_irq_window(vcpu, 0);
	}
}

/*
 * Is there anything for hvm_inject_events() to decide?  A superset of what
 * it looks at, without calling the backend: an exception or NMI queued
 * here, the 8259's INT, a vector in the LAPIC's IRR (none: nothing to
 * inject and nothing held back by the TPR), or without a LAPIC an
 * HVM_INTERRUPT vector or user space's interrupt-window request.  With
 * none of them the full decision injects nothing and opens no window:
 * whatever sits in the backend's slot (an event being re-delivered) goes
 * in as it is.  Read at the same point as the full decision (interrupts
 * off, vcpu->mode IN_GUEST): what arrives later kicks the vCPU out.
 */
static bool hvm_events_pending(struct hvm_vcpu *vcpu)
{
	struct hvm_pic *pic = vcpu->vm->pic;

	if (vcpu->ev.exc_pending || atomic_read(&vcpu->ev.nmi_pending))
		return true;
	if (pic && READ_ONCE(pic->output))
		return true;
	if (vcpu->lapic)
		return hvm_lapic_irr_pending(vcpu->lapic);
	return vcpu->ev.user_irq >= 0 ||
	       READ_ONCE(vcpu->run->request_interrupt_window);
}

void hvm_inject_events(struct hvm_vcpu *vcpu)
{
	bool slot_free;

	if (!hvm_events_pending(vcpu))
		return;
	slot_free = !hvm_ops->event_slot_busy(vcpu);

	if (slot_free && vcpu->ev.exc_pending) {
		hvm_ops->inject_exception(vcpu, vcpu->ev.exc_vector,
					  vcpu->ev.exc_has_error,
					  vcpu->ev.exc_error);
		vcpu->ev.exc_pending = false;
		slot_free = false;
	}
	if (atomic_read(&vcpu->ev.nmi_pending)) {
		if (slot_free && hvm_ops->nmi_allowed(vcpu)) {
			atomic_set(&vcpu->ev.nmi_pending, 0);
			hvm_ops->inject_nmi(vcpu);
			slot_free = false;
		} else {
			hvm_ops->enable_nmi_window(vcpu);
		}
	}
	inject_interrupt(vcpu, slot_free);
}

/* Would this vCPU leave its wait state now? */
static bool hvm_vcpu_can_wake(struct hvm_vcpu *vcpu)
{
	switch (vcpu->mp_state) {
	case HVM_MP_STATE_HALTED:
		if (atomic_read(&vcpu->ev.nmi_pending) ||
		    test_bit(HVM_SIGNAL_INIT, &vcpu->ev.signals))
			return true;
		if (!(vcpu->rflags & X86_EFLAGS_IF))
			return false;
		if (hvm_pic_interrupt_pending(vcpu))
			return true;
		return vcpu->lapic ? hvm_lapic_pending_vector(vcpu) >= 0 :
				     vcpu->ev.user_irq >= 0;
	case HVM_MP_STATE_UNINITIALIZED:
		return test_bit(HVM_SIGNAL_INIT, &vcpu->ev.signals);
	case HVM_MP_STATE_INIT_RECEIVED:
		return vcpu->ev.signals;
	}
	return true;
}

/* SIPI: real mode at vector * 4 KiB (SDM 8.4.4.1). */
static void hvm_vcpu_sipi(struct hvm_vcpu *vcpu, u8 vector)
{
	struct hvm_sregs s;

	memset(&s, 0, sizeof(s));
	hvm_ops->get_sregs(vcpu, &s);
	s.cs.selector = vector << 8;
	s.cs.base = (u64)vector << 12;
	/* Refused without VMX unrestricted guest: entry then fails. */
	hvm_ops->set_sregs(vcpu, &s);
	vcpu->rip = 0;
	vcpu->mp_state = HVM_MP_STATE_RUNNABLE;
}

void hvm_events_process_signals(struct hvm_vcpu *vcpu)
{
	if (!READ_ONCE(vcpu->ev.signals))
		return;
	if (test_and_clear_bit(HVM_SIGNAL_INIT, &vcpu->ev.signals)) {
		/* INIT: the reset state, but APIC_BASE, MTRRs and the TSC stay
		 * (SDM table 9-1); then wait for a SIPI. */
		hvm_ops->vcpu_reset(vcpu);
		hvm_lapic_reset(vcpu);
		hvm_events_reset(vcpu);
		vcpu->pending.kind = HVM_PENDING_NONE;
		vcpu->mp_state = HVM_MP_STATE_INIT_RECEIVED;
		set_bit(HVM_REQ_TLB_FLUSH, &vcpu->requests);
	}
	if (test_and_clear_bit(HVM_SIGNAL_SIPI, &vcpu->ev.signals)) {
		smp_rmb();
		if (vcpu->mp_state == HVM_MP_STATE_INIT_RECEIVED)
			hvm_vcpu_sipi(vcpu, READ_ONCE(vcpu->ev.sipi_vector));
	}
}

/* The vCPU's own thread (vcpu->mutex held): the only waiter. */
int hvm_vcpu_block(struct hvm_vcpu *vcpu)
{
	int r;

	r = rcuwait_wait_event(&vcpu->wait, hvm_vcpu_can_wake(vcpu),
			       TASK_INTERRUPTIBLE);
	hvm_events_process_signals(vcpu);
	if (!r && vcpu->mp_state == HVM_MP_STATE_HALTED)
		vcpu->mp_state = HVM_MP_STATE_RUNNABLE;
	return r;
}

int hvm_exit_hlt(struct hvm_vcpu *vcpu)
{
	if (!vcpu->vm->irqchip) {
		vcpu->run->exit_reason = HVM_EXIT_HLT;
		return 0;
	}
	vcpu->mp_state = HVM_MP_STATE_HALTED;
	return 1;
}

bool hvm_user_irq_window_open(struct hvm_vcpu *vcpu)
{
	return !vcpu->vm->irqchip && vcpu->ev.user_irq < 0 &&
	       !hvm_ops->event_slot_busy(vcpu) && hvm_ops->interrupt_allowed(vcpu);
}

void hvm_events_fill_run(struct hvm_vcpu *vcpu)
{
	struct hvm_run *run = vcpu->run;

	run->if_flag = !!(vcpu->rflags & X86_EFLAGS_IF);
	run->ready_for_interrupt_injection = hvm_user_irq_window_open(vcpu);
}

long hvm_events_ioctl_interrupt(struct hvm_vcpu *vcpu, void __user *argp)
{
	unsigned long vector = (__force unsigned long)argp;

	if (vcpu->vm->irqchip)
		return -ENXIO;	/* the in-kernel LAPIC owns interrupts */
	if (vector > 255)
		return -EINVAL;
	if (vcpu->ev.user_irq >= 0)
		return -EBUSY;
	vcpu->ev.user_irq = vector;
	return 0;
}

long hvm_events_ioctl_nmi(struct hvm_vcpu *vcpu, void __user *argp)
{
	if (argp)
		return -EINVAL;
	atomic_set(&vcpu->ev.nmi_pending, 1);
	return 0;
}

long hvm_events_get(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct hvm_vcpu_events ev;

	memset(&ev, 0, sizeof(ev));
	hvm_ops->get_events(vcpu, &ev);
	if (vcpu->ev.exc_pending && !ev.exception.injected) {
		ev.exception.injected = 1;
		ev.exception.nr = vcpu->ev.exc_vector;
		ev.exception.has_error_code = vcpu->ev.exc_has_error;
		ev.exception.error_code = vcpu->ev.exc_error;
	}
	ev.nmi.pending = atomic_read(&vcpu->ev.nmi_pending);
	return copy_to_user(argp, &ev, sizeof(ev)) ? -EFAULT : 0;
}

static bool events_valid(const struct hvm_vcpu_events *ev)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ev->reserved); i++)
		if (ev->reserved[i])
			return false;
	if (ev->exception.padding || ev->interrupt.padding || ev->nmi.padding)
		return false;
	if (ev->exception.injected > 1 || ev->exception.has_error_code > 1 ||
	    ev->interrupt.injected > 1 || ev->interrupt.shadow > 1 ||
	    ev->nmi.injected > 1 || ev->nmi.pending > 1 || ev->nmi.masked > 1)
		return false;
	/* Exceptions are vectors 0-31; NMI goes through nmi, not here. */
	if (ev->exception.injected && (ev->exception.nr > 31 || ev->exception.nr == 2))
		return false;
	/* One event slot: at most one of them is being delivered. */
	return ev->exception.injected + ev->interrupt.injected +
	       ev->nmi.injected <= 1;
}

long hvm_events_set(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct hvm_vcpu_events ev;

	if (copy_from_user(&ev, argp, sizeof(ev)))
		return -EFAULT;
	if (!events_valid(&ev))
		return -EINVAL;
	/* The backend takes the interrupt or NMI being delivered, the
	 * shadow and NMI masking; an exception waits here for the slot. */
	hvm_ops->set_events(vcpu, &ev);
	vcpu->ev.exc_pending = ev.exception.injected;
	vcpu->ev.exc_vector = ev.exception.nr;
	vcpu->ev.exc_has_error = ev.exception.has_error_code;
	vcpu->ev.exc_error = ev.exception.error_code;
	atomic_set(&vcpu->ev.nmi_pending, ev.nmi.pending);
	return 0;
}

long hvm_mp_state_get(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct hvm_mp_state s = { .mp_state = vcpu->mp_state };

	return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
}

long hvm_mp_state_set(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct hvm_mp_state s;

	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	if (s.mp_state > HVM_MP_STATE_HALTED)
		return -EINVAL;
	/* Waiting states need something that can end them. */
	if (s.mp_state != HVM_MP_STATE_RUNNABLE && !vcpu->lapic)
		return -ENXIO;
	vcpu->mp_state = s.mp_state;
	return 0;
}
