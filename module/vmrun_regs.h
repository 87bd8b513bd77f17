/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the world-switch assembly of both backends: where each guest GPR
 * lives in vcpu->regs[] (enum hvm_reg order, as instructions encode them)
 * and the moves between those slots and the registers.
 */
#ifndef HVM_VMRUN_REGS_H
#define HVM_VMRUN_REGS_H

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

#ifdef __ASSEMBLY__
/* Load every GPR but RAX, RSP and RDI from the array at \base (RDI). */
.macro HVM_LOAD_GPRS base
	mov REG_RCX(\base), %rcx
	mov REG_RDX(\base), %rdx
	mov REG_RBX(\base), %rbx
	mov REG_RBP(\base), %rbp
	mov REG_RSI(\base), %rsi
	mov REG_R8(\base),  %r8
	mov REG_R9(\base),  %r9
	mov REG_R10(\base), %r10
	mov REG_R11(\base), %r11
	mov REG_R12(\base), %r12
	mov REG_R13(\base), %r13
	mov REG_R14(\base), %r14
	mov REG_R15(\base), %r15
.endm

/* Store every GPR but RAX and RSP into the array at \base (RAX). */
.macro HVM_STORE_GPRS base
	mov %rcx, REG_RCX(\base)
	mov %rdx, REG_RDX(\base)
	mov %rbx, REG_RBX(\base)
	mov %rbp, REG_RBP(\base)
	mov %rsi, REG_RSI(\base)
	mov %rdi, REG_RDI(\base)
	mov %r8,  REG_R8(\base)
	mov %r9,  REG_R9(\base)
	mov %r10, REG_R10(\base)
	mov %r11, REG_R11(\base)
	mov %r12, REG_R12(\base)
	mov %r13, REG_R13(\base)
	mov %r14, REG_R14(\base)
	mov %r15, REG_R15(\base)
.endm

/* No guest values stay in the caller-saved registers. */
.macro HVM_CLEAR_SCRATCH_GPRS
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
.endm
#endif /* __ASSEMBLY__ */

#endif /* HVM_VMRUN_REGS_H */
