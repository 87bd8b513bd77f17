// SPDX-License-Identifier: GPL-2.0
/*
 * libhvm: 64-bit long mode: EFER.LME|LMA, CR0.PE|PG, CR4.PAE, CR3 -> the
 * identity page tables of the system area, CS = HVM_SEL_CODE64 (L=1, D=0),
 * flat data segments, IDTR -> HVM_SYS_IDT (gates set with
 * hvm_idt64_set_gate(); absent ones make an exception a triple fault).
 */
#include <string.h>

#include "libhvm.h"

int hvm_vcpu_setup_long64(struct hvm_vcpu *vcpu, __u64 entry, __u64 sp)
{
	struct hvm_sregs sregs;
	struct hvm_regs regs;

	if (hvm_vm_setup_sys_tables(vcpu->vm))
		return -1;
	if (hvm_vcpu_get_sregs(vcpu, &sregs))
		return -1;
	hvm_segment_flat(&sregs.cs, HVM_SEL_CODE64, 0xb, false, true);
	hvm_segment_flat(&sregs.ds, HVM_SEL_DATA, 0x3, true, false);
	sregs.es = sregs.ds;
	sregs.fs = sregs.ds;
	sregs.gs = sregs.ds;
	sregs.ss = sregs.ds;
	hvm_segment_system(&sregs.tr, HVM_SEL_TSS, 0xb, HVM_SYS_TSS, 0x67);
	hvm_segment_system(&sregs.ldt, 0, 0x2, 0, 0xffff);
	sregs.gdt.base = HVM_SYS_GDT;
	sregs.gdt.limit = 6 * 8 - 1;
	sregs.idt.base = HVM_SYS_IDT;
	sregs.idt.limit = 256 * 16 - 1;
	sregs.cr0 = HVM_CR0_PE | (1ULL << 1) /* MP */ | HVM_CR0_ET |
		    HVM_CR0_NE | HVM_CR0_WP | HVM_CR0_PG;
	sregs.cr2 = 0;
	sregs.cr3 = HVM_SYS_PML4;
	sregs.cr4 = HVM_CR4_PAE | HVM_CR4_OSFXSR | HVM_CR4_OSXMMEXCPT;
	sregs.cr8 = 0;
	sregs.efer = HVM_EFER_LME | HVM_EFER_LMA;
	if (hvm_vcpu_set_sregs(vcpu, &sregs))
		return -1;

	memset(&regs, 0, sizeof(regs));
	regs.rip = entry;
	regs.rsp = sp;
	regs.rflags = 2;
	return hvm_vcpu_set_regs(vcpu, &regs);
}
