// SPDX-License-Identifier: GPL-2.0
/*
 * VMX event delivery (SDM vol. 3, 27.6 event injection, 25.2 interrupt-
 * and NMI-window exiting, 24.4.2 interruptibility state): the VM-entry
 * interruption-information field is the one slot; virtual NMIs let the
 * CPU track the guest's NMI blocking.
 */
#include <asm/irq_vectors.h>
#include <asm/processor-flags.h>

#include "vmx.h"

/* STI / MOV SS blocking, unless hvm moved RIP on since the exit. */
static u32 shadow(struct vmx_vcpu *vmx, u32 intr)
{
	if (vmx->vcpu.rip != vmx->exit_rip)
		return 0;
	return intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
}

/*
 * An IRET that unblocked NMIs and then faulted (an exception exit, or an
 * EPT violation, say on the stack it pops) did not complete: the guest
 * will execute it again, so NMIs are blocked as before it (SDM 28.2.3,
 * "NMI unblocking due to IRET"; bit 12 of the exit interruption info or
 * of the EPT violation's qualification).  Meaningless when the exit
 * interrupted an event delivery (IDT-vectoring info valid).
 */
static void vmx_recover_nmi_blocking(struct vmx_vcpu *vmx)
{
	u16 reason = vmx->exit_reason & 0xffff;
	bool unblocked;

	if (vmx->idt_vectoring_info & VECTORING_INFO_VALID_MASK)
		return;
	if (reason == EXIT_REASON_EXCEPTION_NMI)
		unblocked = (vmx->exit_intr_info & INTR_INFO_VALID_MASK) &&
			    (vmx->exit_intr_info & INTR_INFO_UNBLOCK_NMI);
	else if (reason == EXIT_REASON_EPT_VIOLATION)
		unblocked = vmx->exit_qual & INTR_INFO_UNBLOCK_NMI;
	else
		return;
	if (unblocked)
		vmcs_set_bits(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_NMI);
}

/* Window requests last one entry: dropped at every exit. */
void vmx_events_exit(struct vmx_vcpu *vmx)
{
	if (vmx->windows) {
		vmcs_clear_bits(CPU_BASED_VM_EXEC_CONTROL, vmx->windows);
		vmx->windows = 0;
	}
	vmx_recover_nmi_blocking(vmx);
}

bool vmx_event_slot_busy(struct hvm_vcpu *vcpu)
{
	return to_vmx(vcpu)->entry_intr_info & INTR_INFO_VALID_MASK;
}

bool vmx_interrupt_allowed(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	return (vcpu->rflags & X86_EFLAGS_IF) &&
	       !shadow(vmx, vmcs_read(GUEST_INTERRUPTIBILITY_INFO));
}

bool vmx_nmi_allowed(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);

	return !(intr & GUEST_INTR_STATE_NMI) && !shadow(vmx, intr);
}

void vmx_inject_irq(struct hvm_vcpu *vcpu, u8 vector)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx->entry_intr_info = vector | INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK;
	vmx->entry_insn_len = 0;
}

void vmx_inject_nmi(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx->entry_intr_info = NMI_VECTOR | INTR_TYPE_NMI_INTR | INTR_INFO_VALID_MASK;
	vmx->entry_insn_len = 0;
	vmx->guest_nmis = true;
}

static void open_window(struct vmx_vcpu *vmx, u32 bit)
{
	if (vmx->windows & bit)
		return;
	vmx->windows |= bit;
	vmcs_set_bits(CPU_BASED_VM_EXEC_CONTROL, bit);
}

void vmx_enable_irq_window(struct hvm_vcpu *vcpu, u8 prio)
{
	/* Held back by the TPR: CR8 writes exit, and the next entry looks
	 * again; an interrupt window would exit at once. */
	if (prio)
		return;
	open_window(to_vmx(vcpu), CPU_BASED_INTR_WINDOW_EXITING);
}

void vmx_enable_nmi_window(struct hvm_vcpu *vcpu)
{
	open_window(to_vmx(vcpu), CPU_BASED_NMI_WINDOW_EXITING);
}

void vmx_get_events(struct hvm_vcpu *vcpu, struct hvm_vcpu_events *ev)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 info = vmx->entry_intr_info;
	u32 intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);

	if (info & INTR_INFO_VALID_MASK) {
		switch (info & INTR_INFO_INTR_TYPE_MASK) {
		case INTR_TYPE_EXT_INTR:
			ev->interrupt.injected = 1;
			ev->interrupt.nr = info & INTR_INFO_VECTOR_MASK;
			break;
		case INTR_TYPE_NMI_INTR:
			ev->nmi.injected = 1;
			break;
		case INTR_TYPE_HARD_EXCEPTION:
			ev->exception.injected = 1;
			ev->exception.nr = info & INTR_INFO_VECTOR_MASK;
			ev->exception.has_error_code =
				!!(info & INTR_INFO_DELIVER_CODE_MASK);
			ev->exception.error_code = vmx->entry_error_code;
			break;
		}
	}
	ev->interrupt.shadow = !!shadow(vmx, intr);
	ev->nmi.masked = !!(intr & GUEST_INTR_STATE_NMI);
}

void vmx_set_events(struct hvm_vcpu *vcpu, const struct hvm_vcpu_events *ev)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);

	vmx->entry_intr_info = 0;
	if (ev->interrupt.injected)
		vmx_inject_irq(vcpu, ev->interrupt.nr);
	if (ev->nmi.injected)
		vmx_inject_nmi(vcpu);
	intr &= ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_NMI);
	if (ev->interrupt.shadow) {
		intr |= GUEST_INTR_STATE_STI;
		vmx->exit_rip = vcpu->rip;	/* holds for this RIP */
	}
	if (ev->nmi.masked) {
		intr |= GUEST_INTR_STATE_NMI;
		vmx->guest_nmis = true;
	}
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, intr);
}

u8 vmx_get_cr8(struct hvm_vcpu *vcpu)
{
	return to_vmx(vcpu)->cr8;
}

void vmx_set_cr8(struct hvm_vcpu *vcpu, u8 cr8)
{
	to_vmx(vcpu)->cr8 = cr8 & 0xf;
}
