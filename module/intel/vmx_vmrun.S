/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX world switch.  VM entry loads the guest's RIP, RSP, RFLAGS and
 * the rest of the guest-state area; the GPRs are ours to load.  VM exit
 * lands at hvm_vmx_vmexit (HOST_RIP) with RSP = HOST_RSP, written here
 * right before entry (SDM vol. 3, 27.5 and 28.5).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>

#define REG_RAX		(0 * 8)
#define REG_RCX		(1 * 8)
#define REG_RDX		(2 * 8)
#define REG_RBX		(3 * 8)
#define REG_RBP		(5 * 8)
#define REG_RSI		(6 * 8)
#define REG_RDI		(7 * 8)
#define REG_R8		(8 * 8)
#define REG_R9		(9 * 8)
#define REG_R10		(10 * 8)
#define REG_R11		(11 * 8)
#define REG_R12		(12 * 8)
#define REG_R13		(13 * 8)
#define REG_R14		(14 * 8)
#define REG_R15		(15 * 8)

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
	mov REG_RCX(%rdi), %rcx
	mov REG_RDX(%rdi), %rdx
	mov REG_RBX(%rdi), %rbx
	mov REG_RBP(%rdi), %rbp
	mov REG_RSI(%rdi), %rsi
	mov REG_R8(%rdi),  %r8
	mov REG_R9(%rdi),  %r9
	mov REG_R10(%rdi), %r10
	mov REG_R11(%rdi), %r11
	mov REG_R12(%rdi), %r12
	mov REG_R13(%rdi), %r13
	mov REG_R14(%rdi), %r14
	mov REG_R15(%rdi), %r15
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
	mov %rcx, REG_RCX(%rax)
	mov %rdx, REG_RDX(%rax)
	mov %rbx, REG_RBX(%rax)
	mov %rbp, REG_RBP(%rax)
	mov %rsi, REG_RSI(%rax)
	mov %rdi, REG_RDI(%rax)
	mov %r8,  REG_R8(%rax)
	mov %r9,  REG_R9(%rax)
	mov %r10, REG_R10(%rax)
	mov %r11, REG_R11(%rax)
	mov %r12, REG_R12(%rax)
	mov %r13, REG_R13(%rax)
	mov %r14, REG_R14(%rax)
	mov %r15, REG_R15(%rax)
	popq REG_RAX(%rax)

	/* Before the first RET: stuff the RSB; clear branch history (BHI). */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RETPOLINE
	CLEAR_BRANCH_HISTORY_VMEXIT

	xor %eax, %eax
.Lout:
	/* No guest values stay in registers. */
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d

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
