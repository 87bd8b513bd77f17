// SPDX-License-Identifier: GPL-2.0
/*
 * The run loop: complete what user space serviced, then enter the guest and
 * handle exits in the kernel until one needs user space, a signal arrives,
 * or an error occurs.  The exit path in one place:
 *
 *   hvm_vcpu_run -> hvm_enter_guest -> hvm_ops->vcpu_run (backend asm)
 *                -> hvm_ops->handle_exit -> generic handlers (emulate.h)
 */
#include <linux/context_tracking.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/vtime.h>
#include <asm/fpu/api.h>
#include <asm/mce.h>
#include <asm/nospec-branch.h>

#include "hvm.h"
#include "backend.h"
#include "emulate.h"
#include "events.h"

int hvm_complete_user_exit(struct hvm_vcpu *vcpu)
{
	switch (vcpu->pending.kind) {
	case HVM_PENDING_IO_IN:
	case HVM_PENDING_IO_STRING:
		hvm_complete_io(vcpu);
		break;
	case HVM_PENDING_MSR:
		hvm_complete_msr(vcpu);
		break;
	case HVM_PENDING_MMIO:
		vcpu->pending.kind = HVM_PENDING_NONE;
		return hvm_complete_mmio(vcpu);
	case HVM_PENDING_NONE:
		break;
	}
	vcpu->pending.kind = HVM_PENDING_NONE;
	return 1;
}

static void hvm_process_requests(struct hvm_vcpu *vcpu)
{
	/* Usually none: no atomic operation then.  One set after this read
	 * is seen by the check with interrupts off, which abandons the entry. */
	if (!READ_ONCE(vcpu->requests))
		return;
	if (test_and_clear_bit(HVM_REQ_TLB_FLUSH, &vcpu->requests))
		hvm_ops->flush_tlb(vcpu);
	/* Injection is decided again right before entry anyway. */
	clear_bit(HVM_REQ_EVENT, &vcpu->requests);
}

/* Guest-mode bookkeeping as Linux 6.1 expects of a hypervisor: guest time
 * accounting, and an RCU quiescent state for every entry. */
static __always_inline void hvm_guest_enter_irqoff(void)
{
	vtime_account_guest_enter();
	if (!context_tracking_guest_enter())
		rcu_virt_note_context_switch(smp_processor_id());
}

static __always_inline void hvm_guest_exit_irqoff(void)
{
	context_tracking_guest_exit();
	vtime_account_guest_exit();
}

/*
 * A #MC that made the guest exit (SVM: the #MC intercept, APM 15.12; VMX:
 * the exception exit or "VM-entry failure due to machine-check event",
 * SDM 25.2, 27.8) never reached the host's handler: call it, as if the
 * check had interrupted user space (the guest is not the kernel).
 */
void hvm_machine_check(void)
{
	struct pt_regs regs = {
		.cs = 3,
		.flags = X86_EFLAGS_IF,
	};

	if (IS_ENABLED(CONFIG_X86_MCE))
		do_machine_check(&regs);
}

enum hvm_entry { HVM_ENTERED, HVM_ENTRY_ABANDONED, HVM_ENTRY_CPU_OFF };

/* Enter the guest once, unless something must be handled first. */
static enum hvm_entry hvm_enter_guest(struct hvm_vcpu *vcpu)
{
	hvm_process_requests(vcpu);

	local_irq_disable();
	/* Pairs with the requester's barrier in hvm_vcpu_kick(). */
	smp_store_mb(vcpu->mode, HVM_IN_GUEST_MODE);
	if (!hvm_hw_cpu_on()) {
		WRITE_ONCE(vcpu->mode, HVM_OUTSIDE_GUEST_MODE);
		local_irq_enable();
		return HVM_ENTRY_CPU_OFF;
	}
	if (READ_ONCE(vcpu->requests) || need_resched() ||
	    signal_pending(current)) {
		WRITE_ONCE(vcpu->mode, HVM_OUTSIDE_GUEST_MODE);
		local_irq_enable();
		return HVM_ENTRY_ABANDONED;
	}
	/* After the last check: a later event kicks us right out again. */
	hvm_inject_events(vcpu);
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	hvm_xstate_load_guest(vcpu);
	hvm_msr_load_guest(vcpu);
	hvm_guest_enter_irqoff();
	hvm_ops->vcpu_run(vcpu);
	hvm_guest_exit_irqoff();
	hvm_xstate_load_host(vcpu);
	/* VMSCAPE: the guest may have trained the branch predictors against
	 * the runner; the host asks for an IBPB before this CPU returns to
	 * user space.  Set on the CPU that ran the guest, interrupts off. */
	if (cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER))
		this_cpu_write(x86_ibpb_exit_to_user, true);

	WRITE_ONCE(vcpu->mode, HVM_OUTSIDE_GUEST_MODE);
	local_irq_enable();	/* host interrupts that made us exit run here */
	return HVM_ENTERED;
}

/* HVM_RUN, with vcpu->mutex held and the vCPU loaded. */
int hvm_vcpu_run(struct hvm_vcpu *vcpu)
{
	struct hvm_run *run = vcpu->run;
	int r;

	run->exit_reason = HVM_EXIT_UNKNOWN;
	r = hvm_complete_user_exit(vcpu);
	if (r <= 0)
		return r;	/* a new exit (or an error) before any entry */
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = HVM_EXIT_INTR;
		return -EINTR;
	}

	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, true);
	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = HVM_EXIT_INTR;
			r = -EINTR;
			break;
		}
		if (READ_ONCE(vcpu->ev.signals))
			hvm_events_process_signals(vcpu);
		if (vcpu->mp_state != HVM_MP_STATE_RUNNABLE) {
			r = hvm_vcpu_block(vcpu);	/* HLT, wait for SIPI */
			if (r) {
				run->exit_reason = HVM_EXIT_INTR;
				break;
			}
			continue;
		}
		if (READ_ONCE(run->request_interrupt_window) &&
		    hvm_user_irq_window_open(vcpu)) {
			run->exit_reason = HVM_EXIT_IRQ_WINDOW_OPEN;
			r = 0;
			break;
		}
		switch (hvm_enter_guest(vcpu)) {
		case HVM_ENTERED:
			break;
		case HVM_ENTRY_CPU_OFF:
			/* This CPU is going offline: wait to be moved off it. */
			schedule_timeout_uninterruptible(1);
			continue;
		case HVM_ENTRY_ABANDONED:
			/* A request, a signal (seen at the top of the loop)
			 * or need_resched: schedule here, with interrupts on,
			 * rather than test for it before every entry. */
			cond_resched();
			continue;
		}
		vcpu->exits++;
		r = hvm_ops->handle_exit(vcpu);
		if (r <= 0)
			break;
	}
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, false);
	hvm_events_fill_run(vcpu);
	return r;
}
