// SPDX-License-Identifier: GPL-2.0
/*
 * libhvm: 64-bit long mode: EFER.LME|LMA, CR0.PE|PG, CR4.PAE, CR3 -> the
 * identity page tables of the system area, CS = HVM_SEL_CODE64 (L=1, D=0),
 * flat data segments, IDTR -> HVM_SYS_IDT (gates set with
 * hvm_idt64_set_gate(); absent ones make an exception a triple fault).
 */

#include "libhvm.h"

int hvm_vcpu_setup_long64(struct hvm_vcpu *vcpu, __u64 entry, __u64 sp)
{
	struct hvm_sregs sregs;

	if (hvm_mode_flat_sregs(vcpu, &sregs, HVM_SEL_CODE64, false, true,
				256 * 16 - 1))
		return -1;
	sregs.cr0 = HVM_CR0_PE | (1ULL << 1) /* MP */ | HVM_CR0_ET |
		    HVM_CR0_NE | HVM_CR0_WP | HVM_CR0_PG;
	sregs.cr3 = HVM_SYS_PML4;
	sregs.cr4 = HVM_CR4_PAE | HVM_CR4_OSFXSR | HVM_CR4_OSXMMEXCPT;
	sregs.efer = HVM_EFER_LME | HVM_EFER_LMA;
	if (hvm_vcpu_set_sregs(vcpu, &sregs))
		return -1;
	return hvm_mode_start(vcpu, entry, sp);
}
