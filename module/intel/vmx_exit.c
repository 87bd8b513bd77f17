// SPDX-License-Identifier: GPL-2.0
/*
 * VMX exit dispatch (SDM vol. 3, ch. 28 and appendix C): turn an exit
 * reason into a generic handler call, an injected exception, or an exit to
 * user space.  Unknown exits become HVM_EXIT_INTERNAL_ERROR.
 */
#include <linux/mm.h>
#include <asm/traps.h>

#include "vmx.h"
#include "emulate.h"
#include "guest_mem.h"
#include "events.h"

/* The exiting instruction's length (SDM 27.2.5). */
static u32 vmx_insn_len(void)
{
	return vmcs_read(VM_EXIT_INSTRUCTION_LEN);
}

static int vmx_skip(struct vmx_vcpu *vmx)
{
	vmx->vcpu.rip += vmx_insn_len();
	return 1;
}

void vmx_inject_exception(struct hvm_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	if (vmx->entry_intr_info & INTR_INFO_VALID_MASK)
		return;	/* an event being re-delivered goes first */
	vmx->entry_intr_info = vector | INTR_TYPE_HARD_EXCEPTION |
			       INTR_INFO_VALID_MASK |
			       (has_error ? INTR_INFO_DELIVER_CODE_MASK : 0);
	vmx->entry_error_code = error_code;
	vmx->entry_insn_len = 0;
}

/*
 * An event that was being delivered when the exit happened goes in again
 * (SDM 28.2.4, 27.6.1).  Software interrupts and exceptions are not
 * re-injected: RIP still points at INT n / INT3 / INTO, which runs again.
 */
static void vmx_reinject(struct vmx_vcpu *vmx)
{
	u32 info = vmx->idt_vectoring_info;
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;

	vmx->entry_intr_info = 0;
	if (!(info & VECTORING_INFO_VALID_MASK))
		return;
	if (type != INTR_TYPE_EXT_INTR && type != INTR_TYPE_NMI_INTR &&
	    type != INTR_TYPE_HARD_EXCEPTION)
		return;
	vmx->entry_intr_info = info & ~INTR_INFO_RESVD_BITS_MASK;
	if (info & VECTORING_INFO_DELIVER_CODE_MASK)
		vmx->entry_error_code = vmcs_read(IDT_VECTORING_ERROR_CODE);
	vmx->entry_insn_len = 0;
}

static int vmx_exit_unhandled(struct vmx_vcpu *vmx)
{
	u64 data[4] = { vmx->exit_reason, vmx->exit_qual,
			vmcs_read(GUEST_PHYSICAL_ADDRESS),
			vmx->idt_vectoring_info };

	return hvm_exit_internal_error(&vmx->vcpu, HVM_INTERNAL_UNHANDLED_EXIT,
				       4, data);
}

static int vmx_exit_io(struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit_qual;
	struct hvm_io_exit io = {
		.port = q >> 16,
		.size = (q & 7) + 1,
		.in = q & BIT(3),
		.string = q & BIT(4),
		.rep = q & BIT(5),
		.next_rip = vmx->vcpu.rip + vmx_insn_len(),
	};

	return hvm_exit_io(&vmx->vcpu, &io);
}

static int vmx_exit_ept_violation(struct vmx_vcpu *vmx)
{
	struct hvm_vcpu *vcpu = &vmx->vcpu;
	struct hvm_vm *vm = vcpu->vm;
	u64 gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
	u64 q = vmx->exit_qual;
	bool write = q & BIT(1);
	struct hvm_memslot *slot;
	int idx, r;

	idx = srcu_read_lock(&vm->srcu);
	slot = hvm_memslot_find(vm, gpa >> PAGE_SHIFT);
	if (slot && !(write && (slot->flags & HVM_MEM_READONLY))) {
		struct page *page = slot->pages[(gpa >> PAGE_SHIFT) - slot->base_gfn];

		r = hvm_tdp_map(&vm->tdp, gpa & PAGE_MASK, page_to_pfn(page),
				!(slot->flags & HVM_MEM_READONLY));
		srcu_read_unlock(&vm->srcu, idx);
		return r ? r : 1;
	}
	srcu_read_unlock(&vm->srcu, idx);

	/* A guest page walk (bit 7 set, bit 8 clear: SDM 28.2.1, table
	 * 28-7) or an event delivery touched MMIO: nothing to emulate. */
	if (((q & BIT(7)) && !(q & BIT(8))) ||
	    (vmx->idt_vectoring_info & VECTORING_INFO_VALID_MASK))
		return vmx_exit_unhandled(vmx);
	return hvm_exit_mmio(vcpu, gpa, NULL, 0);
}

/* Exit qualification for control-register accesses (SDM table 28-3). */
static int vmx_exit_cr(struct vmx_vcpu *vmx)
{
	struct hvm_vcpu *vcpu = &vmx->vcpu;
	u64 q = vmx->exit_qual;
	int cr = q & 15, type = (q >> 4) & 3, gpr = (q >> 8) & 15;
	u64 val = vcpu->regs[gpr];
	int r = 0;

	if (type == 0) {		/* MOV to CR */
		if (cr == 0)
			r = vmx_set_cr0(vmx, val);
		else if (cr == 4)
			r = vmx_set_cr4(vmx, val);
		else if (cr == 8)
			r = (val & ~0xfULL) ? -EINVAL : (vmx->cr8 = val, 0);
		else
			return vmx_exit_unhandled(vmx);
	} else if (type == 1 && cr == 8) {	/* MOV from CR8 */
		vcpu->regs[gpr] = vmx->cr8;
	} else if (type == 3) {		/* LMSW: PE, MP, EM, TS; PE never clears */
		u64 cr0 = vmx_get_cr0(vcpu);
		u64 src = (q >> 16) & 0xf;

		r = vmx_set_cr0(vmx, (cr0 & ~0xeULL) | src | (cr0 & X86_CR0_PE));
	} else {
		return vmx_exit_unhandled(vmx);
	}
	if (r) {
		vmx_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	return vmx_skip(vmx);
}

static int vmx_exit_dr(struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit_qual;

	if (hvm_emulate_mov_dr(&vmx->vcpu, q & 7, (q >> 8) & 15, !(q & BIT(4))))
		vmx_skip(vmx);
	return 1;
}

/* VM-entry failure: the exit reason has bit 31 set (SDM 27.8). */
static int vmx_exit_entry_failed(struct vmx_vcpu *vmx)
{
	struct hvm_run *run = vmx->vcpu.run;

	run->exit_reason = HVM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = vmx->exit_reason;
	run->fail_entry.qualification = vmx->exit_qual;
	run->fail_entry.cpu = vmx->cpu;
	return 0;
}

/* VMLAUNCH/VMRESUME itself failed: a VM-instruction error (SDM 31.4). */
static int vmx_exit_vmfail(struct vmx_vcpu *vmx)
{
	struct hvm_run *run = vmx->vcpu.run;

	pr_info_ratelimited("hvm: VM entry failed: VM-instruction error %u\n",
			    vmx->vm_insn_error);
	run->exit_reason = HVM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason =
		HVM_FAIL_ENTRY_VMX_INSN_ERROR | vmx->vm_insn_error;
	run->fail_entry.qualification = 0;
	run->fail_entry.cpu = vmx->cpu;
	return 0;
}

static int vmx_exit_exception(struct vmx_vcpu *vmx)
{
	struct hvm_vcpu *vcpu = &vmx->vcpu;
	u32 info = vmx->exit_intr_info;
	u8 vector = info & INTR_INFO_VECTOR_MASK;

	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		return 1;	/* the host's NMI; handled right after the exit */
	switch (vector) {
	case X86_TRAP_DB:
		vcpu->dr6 = 0xffff0ff0 | (vmx->exit_qual & 0x1600f);
		vmx_inject_exception(vcpu, X86_TRAP_DB, false, 0);
		return 1;
	case X86_TRAP_AC:
		vmx_inject_exception(vcpu, X86_TRAP_AC, true, 0);
		return 1;
	case X86_TRAP_MC:
		return 1;	/* the host's handler ran right after the exit */
	default:
		return vmx_exit_unhandled(vmx);
	}
}

int vmx_handle_exit(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 reason = vmx->exit_reason;

	if (vmx->vmfail)
		return vmx_exit_vmfail(vmx);
	if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY)
		return vmx_exit_entry_failed(vmx);
	vmx_reinject(vmx);
	vmx_events_exit(vmx);

	switch (reason & 0xffff) {
	case EXIT_REASON_INTERRUPT_WINDOW:
	case EXIT_REASON_NMI_WINDOW:
		return 1;	/* open: events.c injects now */
	case EXIT_REASON_EXCEPTION_NMI:
		return vmx_exit_exception(vmx);
	case EXIT_REASON_EXTERNAL_INTERRUPT:
	case EXIT_REASON_PREEMPTION_TIMER:
	case EXIT_REASON_INIT_SIGNAL:
		return 1;
	case EXIT_REASON_TRIPLE_FAULT:
		return hvm_exit_shutdown(vcpu);
	case EXIT_REASON_CPUID:
		hvm_emulate_cpuid(vcpu);
		return vmx_skip(vmx);
	case EXIT_REASON_HLT:
		vmx_skip(vmx);
		return hvm_exit_hlt(vcpu);
	case EXIT_REASON_INVD:
		return vmx_skip(vmx);	/* as WBINVD: caches are coherent */
	case EXIT_REASON_WBINVD:
		/* And WBNOINVD: without assigned devices every guest access
		 * is coherent, nothing to write back (a no-op, as KVM). */
		return vmx_skip(vmx);
	case EXIT_REASON_PAUSE_INSTRUCTION:
		/* PLE: a guest spin loop.  The run loop's cond_resched() lets
		 * the host run something else first. */
		return vmx_skip(vmx);
	case EXIT_REASON_VMCALL:
		vcpu->regs[HVM_RAX] = (u64)HVM_HC_ENOSYS;
		return vmx_skip(vmx);
	case EXIT_REASON_CR_ACCESS:
		return vmx_exit_cr(vmx);
	case EXIT_REASON_DR_ACCESS:
		return vmx_exit_dr(vmx);
	case EXIT_REASON_IO_INSTRUCTION:
		return vmx_exit_io(vmx);
	case EXIT_REASON_MSR_READ:
	case EXIT_REASON_MSR_WRITE:
		return hvm_exit_msr(vcpu, (reason & 0xffff) == EXIT_REASON_MSR_WRITE,
				    vcpu->rip + vmx_insn_len());
	case EXIT_REASON_XSETBV:
		if (hvm_emulate_xsetbv(vcpu))
			vmx_skip(vmx);
		return 1;
	case EXIT_REASON_RDPMC:
		/* Performance counters are the host's. */
		vmx_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	case EXIT_REASON_VMCLEAR:
	case EXIT_REASON_VMLAUNCH:
	case EXIT_REASON_VMPTRLD:
	case EXIT_REASON_VMPTRST:
	case EXIT_REASON_VMREAD:
	case EXIT_REASON_VMRESUME:
	case EXIT_REASON_VMWRITE:
	case EXIT_REASON_VMOFF:
	case EXIT_REASON_VMON:
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
	case EXIT_REASON_VMFUNC:
	case EXIT_REASON_MWAIT_INSTRUCTION:
	case EXIT_REASON_MONITOR_INSTRUCTION:
		/* The guest sees a CPU without VMX or MONITOR. */
		vmx_inject_exception(vcpu, X86_TRAP_UD, false, 0);
		return 1;
	case EXIT_REASON_EPT_VIOLATION:
		return vmx_exit_ept_violation(vmx);
	case EXIT_REASON_EPT_MISCONFIG:
		pr_info_ratelimited("hvm: EPT misconfiguration at GPA %llx\n",
				    vmcs_read(GUEST_PHYSICAL_ADDRESS));
		return vmx_exit_unhandled(vmx);
	default:
		return vmx_exit_unhandled(vmx);
	}
}
