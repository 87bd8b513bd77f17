/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SVM world switch.  VMRUN/#VMEXIT switch only RAX, RSP, RIP, RFLAGS,
 * CR0/3/4, EFER and ES/CS/SS/DS, GDTR, IDTR (APM 15.5); FS/GS/TR/LDTR,
 * KernelGSbase and the SYSCALL/SYSENTER MSRs are switched here with
 * VMSAVE/VMLOAD, before any C code can run with the guest's GS base.
 * The C caller has interrupts off and GIF clear (CLGI).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

#include "vmrun_regs.h"


	.section .text, "ax"

/*
 * void hvm_svm_vmrun(u64 *regs, u64 vmcb_pa, u64 host_save_pa, bool save_host)
 *
 * save_host: VMSAVE the host's state to host_save_pa first; without it
 * the page already holds it (svm_vcpu_run()).
 */
SYM_FUNC_START(hvm_svm_vmrun)
	push %rbp
	mov  %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx

	push %rdi		/* 16(%rsp): regs */
	push %rsi		/*  8(%rsp): guest VMCB */
	push %rdx		/*  0(%rsp): host save page */

	/* Host FS/GS/TR/LDTR and syscall MSRs out (when asked), the guest's in. */
	test %cl, %cl
	jz 2f
	mov %rdx, %rax
1:	vmsave %rax
2:	mov %rsi, %rax
3:	vmload %rax
4:
	/*
	 * With GIF clear, IF=1 only lets interrupts cause #VMEXIT(INTR).  STI
	 * comes well before VMRUN: its one-instruction shadow must end here,
	 * not cover VMRUN (QEMU's TCG carries it into the guest's first
	 * instruction, holding back a V_IRQ there).
	 */
	sti
	HVM_LOAD_GPRS %rdi
	mov REG_RDI(%rdi), %rdi

	/* Clear CPU buffers where the host asks for it before VMRUN (TSA). */
	VM_CLEAR_CPU_BUFFERS

5:	vmrun %rax
6:	cli

	/* RAX holds the VMCB address again; guest GPRs go to @regs. */
	mov 16(%rsp), %rax
	HVM_STORE_GPRS %rax

	mov 8(%rsp), %rax
7:	vmsave %rax
8:	pop %rax
9:	vmload %rax
10:
	/* Before the first RET: stuff the RSB, untrain returns (retbleed,
	 * SRSO), as the host's mitigation settings ask (Documentation/
	 * design.rst, "Speculation"). */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT
	UNTRAIN_RET
	ALTERNATIVE "", "call entry_ibpb", X86_FEATURE_IBPB_ON_VMEXIT

	HVM_CLEAR_SCRATCH_GPRS

	add $16, %rsp
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET

	/*
	 * SVM instructions fault only if virtualization was turned off under
	 * us, which happens only on the way to a reboot: carry on then.
	 */
20:	cmpb $0, hvm_rebooting(%rip)
	jne 2b
	ud2
21:	cmpb $0, hvm_rebooting(%rip)
	jne 4b
	ud2
22:	cmpb $0, hvm_rebooting(%rip)
	jne 6b
	ud2
23:	cmpb $0, hvm_rebooting(%rip)
	jne 8b
	ud2
24:	cmpb $0, hvm_rebooting(%rip)
	jne 10b
	ud2

	_ASM_EXTABLE(1b, 20b)
	_ASM_EXTABLE(3b, 21b)
	_ASM_EXTABLE(5b, 22b)
	_ASM_EXTABLE(7b, 23b)
	_ASM_EXTABLE(9b, 24b)
SYM_FUNC_END(hvm_svm_vmrun)
