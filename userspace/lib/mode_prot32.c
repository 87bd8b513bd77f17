// SPDX-License-Identifier: GPL-2.0
/*
 * libhvm: 32-bit protected mode without paging: flat CS (HVM_SEL_CODE32)
 * and data segments, the GDT/TSS of the system area, an empty IDT.
 */
#include <string.h>

#include "libhvm.h"

int hvm_vcpu_setup_prot32(struct hvm_vcpu *vcpu, __u64 entry, __u64 sp)
{
	struct hvm_sregs sregs;
	struct hvm_regs regs;

	if (hvm_vm_setup_sys_tables(vcpu->vm))
		return -1;
	if (hvm_vcpu_get_sregs(vcpu, &sregs))
		return -1;
	hvm_segment_flat(&sregs.cs, HVM_SEL_CODE32, 0xb, true, false);
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
	sregs.idt.limit = 256 * 8 - 1;
	sregs.cr0 = HVM_CR0_PE | HVM_CR0_ET | HVM_CR0_NE;
	sregs.cr2 = 0;
	sregs.cr3 = 0;
	sregs.cr4 = 0;
	sregs.cr8 = 0;
	sregs.efer = 0;
	if (hvm_vcpu_set_sregs(vcpu, &sregs))
		return -1;

	memset(&regs, 0, sizeof(regs));
	regs.rip = (__u32)entry;
	regs.rsp = (__u32)sp;
	regs.rflags = 2;
	return hvm_vcpu_set_regs(vcpu, &regs);
}
