// SPDX-License-Identifier: GPL-2.0
/*
 * libhvm: real mode.  CS = DS = ES = FS = GS = SS = (entry >> 4) & 0xf000,
 * IP = entry & 0xffff, so code at a 64 KiB boundary sees offsets from its
 * start; entry must lie below 1 MiB.  The IDT is the IVT at 0 (limit 0x3ff).
 */
#include <errno.h>

#include "libhvm.h"

int hvm_vcpu_setup_real(struct hvm_vcpu *vcpu, __u64 entry, __u16 sp)
{
	struct hvm_sregs sregs;
	__u16 sel;

	if (entry >= 0x100000) {
		errno = EINVAL;
		return -1;
	}
	sel = (entry >> 4) & 0xf000;
	if (hvm_vcpu_get_sregs(vcpu, &sregs))
		return -1;
	hvm_segment_real(&sregs.cs, sel, true);
	hvm_segment_real(&sregs.ds, sel, false);
	hvm_segment_real(&sregs.es, sel, false);
	hvm_segment_real(&sregs.fs, sel, false);
	hvm_segment_real(&sregs.gs, sel, false);
	hvm_segment_real(&sregs.ss, sel, false);
	hvm_segment_system(&sregs.tr, 0, 0xb, 0, 0xffff);
	hvm_segment_system(&sregs.ldt, 0, 0x2, 0, 0xffff);
	sregs.gdt.base = 0;
	sregs.gdt.limit = 0xffff;
	sregs.idt.base = 0;
	sregs.idt.limit = 0x3ff;
	sregs.cr0 = HVM_CR0_ET;
	sregs.cr2 = 0;
	sregs.cr3 = 0;
	sregs.cr4 = 0;
	sregs.cr8 = 0;
	sregs.efer = 0;
	if (hvm_vcpu_set_sregs(vcpu, &sregs))
		return -1;
	return hvm_mode_start(vcpu, entry & 0xffff, sp);
}
