// SPDX-License-Identifier: GPL-2.0
/*
 * libhvm: 32-bit protected mode without paging: flat CS (HVM_SEL_CODE32)
 * and data segments, the GDT/TSS of the system area, an empty IDT.
 */

#include "libhvm.h"

int hvm_vcpu_setup_prot32(struct hvm_vcpu *vcpu, __u64 entry, __u64 sp)
{
	struct hvm_sregs sregs;

	if (hvm_mode_flat_sregs(vcpu, &sregs, HVM_SEL_CODE32, true, false,
				256 * 8 - 1))
		return -1;
	sregs.cr0 = HVM_CR0_PE | HVM_CR0_ET | HVM_CR0_NE;
	sregs.cr3 = 0;
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (hvm_vcpu_set_sregs(vcpu, &sregs))
		return -1;
	return hvm_mode_start(vcpu, (__u32)entry, (__u32)sp);
}
