// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR/WRMSR that reach hvm.  The MSRs a guest may use directly are not
 * intercepted at all (the backend's bitmap allow-list); EFER and PAT live
 * in the backend's state; every other MSR raises #GP in the guest.
 */
#include <asm/msr-index.h>
#include <asm/traps.h>

#include "hvm.h"
#include "backend.h"
#include "emulate.h"

static int msr_gp(struct hvm_vcpu *vcpu)
{
	hvm_ops->inject_exception(vcpu, X86_TRAP_GP, true, 0);
	return 0;
}

int hvm_emulate_rdmsr(struct hvm_vcpu *vcpu)
{
	u32 index = vcpu->regs[HVM_RCX];
	u64 data;

	if (hvm_ops->get_msr(vcpu, index, &data))
		return msr_gp(vcpu);
	vcpu->regs[HVM_RAX] = (u32)data;
	vcpu->regs[HVM_RDX] = data >> 32;
	return 1;
}

int hvm_emulate_wrmsr(struct hvm_vcpu *vcpu)
{
	u32 index = vcpu->regs[HVM_RCX];
	u64 data = (u32)vcpu->regs[HVM_RAX] | (vcpu->regs[HVM_RDX] << 32);

	if (hvm_ops->set_msr(vcpu, index, data))
		return msr_gp(vcpu);
	return 1;
}
