// SPDX-License-Identifier: GPL-2.0
/* libhvm: what the protected and long mode setups share. */
#include <string.h>

#include "libhvm.h"

/*
 * The system area's GDT/TSS/IDT, flat code (selector @code_sel, D and L as
 * given) and data segments.  Control registers are the caller's to set.
 */
int hvm_mode_flat_sregs(struct hvm_vcpu *vcpu, struct hvm_sregs *sregs,
			__u16 code_sel, bool db, bool l, __u16 idt_limit)
{
	if (hvm_vm_setup_sys_tables(vcpu->vm))
		return -1;
	if (hvm_vcpu_get_sregs(vcpu, sregs))
		return -1;
	hvm_segment_flat(&sregs->cs, code_sel, 0xb, db, l);
	hvm_segment_flat(&sregs->ds, HVM_SEL_DATA, 0x3, true, false);
	sregs->es = sregs->ds;
	sregs->fs = sregs->ds;
	sregs->gs = sregs->ds;
	sregs->ss = sregs->ds;
	hvm_segment_system(&sregs->tr, HVM_SEL_TSS, 0xb, HVM_SYS_TSS, 0x67);
	hvm_segment_system(&sregs->ldt, 0, 0x2, 0, 0xffff);
	sregs->gdt.base = HVM_SYS_GDT;
	sregs->gdt.limit = 6 * 8 - 1;
	sregs->idt.base = HVM_SYS_IDT;
	sregs->idt.limit = idt_limit;
	sregs->cr2 = 0;
	sregs->cr8 = 0;
	return 0;
}

/* Zeroed GPRs, RIP and RSP as given, RFLAGS with only the fixed bit. */
int hvm_mode_start(struct hvm_vcpu *vcpu, __u64 rip, __u64 rsp)
{
	struct hvm_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rsp = rsp;
	regs.rflags = 2;
	return hvm_vcpu_set_regs(vcpu, &regs);
}
