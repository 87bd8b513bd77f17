/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX world switch.  VM entry loads the guest's RIP, RSP, RFLAGS and
 * the rest of the guest-state area; the GPRs are ours to load.  VM exit
 * lands at hvm_vmx_vmexit (HOST_RIP) with RSP = HOST_RSP, written here
 * right before entry (SDM vol. 3, 27.5 and 28.5).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>

#include "vmrun_regs.h"


#define VMCS_HOST_RSP	0x6c14

	.section .text, "ax"

/*
 * int hvm_vmx_vmrun(u64 *regs, bool launched): 0 after a VM exit, 1 when
 * VMLAUNCH/VMRESUME failed (the caller reads the VM-instruction error).
 * Called with interrupts off and the vCPU's VMCS current.
 */
SYM_FUNC_START(hvm_vmx_vmrun)
	push %rbp
	mov  %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	push %rdi		/* regs, found again at HOST_RSP after exit */

	mov $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax

	/* CF = launched; MOVs and VERW leave CF alone. */
	bt $0, %esi

	mov REG_RAX(%rdi), %rax
	HVM_LOAD_GPRS %rdi
	mov REG_RDI(%rdi), %rdi

	/* Clear CPU buffers where the host asks for it (MDS); clobbers ZF. */
	VM_CLEAR_CPU_BUFFERS

	UNWIND_HINT_SAVE
	jnc .Lvmlaunch
.Lvmresume:
	vmresume
	jmp .Lvmfail
.Lvmlaunch:
	vmlaunch
	jmp .Lvmfail

	_ASM_EXTABLE(.Lvmresume, .Lfixup)
	_ASM_EXTABLE(.Lvmlaunch, .Lfixup)

SYM_INNER_LABEL(hvm_vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	/* Guest GPRs to @regs; RSP is HOST_RSP, where @regs waits. */
	push %rax
	mov 8(%rsp), %rax
	HVM_STORE_GPRS %rax
	popq REG_RAX(%rax)

	/*
	 * Before the first RET, what the host's Spectre v2 mitigation asks of
	 * a hypervisor (Documentation/design.rst, "Speculation"): stuff the
	 * RSB (retpoline, IBRS) or retire one CALL (eIBRS with PBRSB); with
	 * legacy IBRS, write SPEC_CTRL again (the exit came from a less
	 * privileged predictor mode, which IBRS does not cover); clear the
	 * branch history (BHI).  The guest never owns SPEC_CTRL.
	 */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE
	ALTERNATIVE "jmp .Lspec_ctrl_done", "", X86_FEATURE_KERNEL_IBRS
	mov $MSR_IA32_SPEC_CTRL, %ecx
	mov PER_CPU_VAR(x86_spec_ctrl_current), %eax
	mov PER_CPU_VAR(x86_spec_ctrl_current + 4), %edx
	wrmsr
.Lspec_ctrl_done:
	CLEAR_BRANCH_HISTORY_VMEXIT

	xor %eax, %eax
.Lout:
	HVM_CLEAR_SCRATCH_GPRS

	add $8, %rsp
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET

.Lvmfail:
	mov $1, %eax
	jmp .Lout

	/* VMX was turned off under us: only expected on the way to reboot. */
.Lfixup:
	cmpb $0, hvm_rebooting(%rip)
	jne .Lvmfail
	ud2
SYM_FUNC_END(hvm_vmx_vmrun)

/*
 * void hvm_vmx_call_nmi(unsigned long handler): run the host's NMI handler
 * for an NMI that caused a VM exit, with the interrupt frame it expects
 * (it returns with IRET).
 */
SYM_FUNC_START(hvm_vmx_call_nmi)
	push %rbp
	mov %rsp, %rbp
	and $-16, %rsp
	push $__KERNEL_DS
	push %rbp
	pushf
	push $__KERNEL_CS
	CALL_NOSPEC rdi
	leave
	RET
SYM_FUNC_END(hvm_vmx_call_nmi)
