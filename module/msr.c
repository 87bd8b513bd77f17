// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR/WRMSR that reach hvm.  The MSRs a guest may use directly are not
 * intercepted at all (the backend's bitmap allow-list); EFER and PAT live
 * in the backend's state; TSC_AUX is switched here; every other MSR raises
 * #GP in the guest.
 */
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/cpufeature.h>
#include <asm/traps.h>

#include "hvm.h"
#include "backend.h"
#include "emulate.h"
#include "user_return.h"

/* Each of the eight PAT entries a valid memory type: 0, 1, 4, 5, 6 or 7
 * (SDM 13.12.2). */
bool hvm_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (i * 8);

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

static int msr_gp(struct hvm_vcpu *vcpu)
{
	hvm_ops->inject_exception(vcpu, X86_TRAP_GP, true, 0);
	return 0;
}

/*
 * TSC_AUX (read by RDTSCP and RDPID) is switched by neither VMX nor SVM.
 * Until the guest writes one it reads 0; once it has, its value is loaded
 * before entry and the host's put back before user space runs (user_return.c).
 */
static int msr_tsc_aux(struct hvm_vcpu *vcpu, u64 *data, bool write)
{
	if (!boot_cpu_has(X86_FEATURE_RDTSCP) && !boot_cpu_has(X86_FEATURE_RDPID))
		return -ENOENT;
	if (!write) {
		*data = vcpu->tsc_aux;
		return 0;
	}
	if (*data >> 32)
		return -EINVAL;
	vcpu->tsc_aux = *data;
	vcpu->tsc_aux_set = true;
	return 0;
}

/* Before entry, interrupts off; the host's value returns on user return. */
void hvm_msr_load_guest(struct hvm_vcpu *vcpu)
{
	if (vcpu->tsc_aux_set)
		hvm_uret_set(HVM_URET_TSC_AUX, vcpu->tsc_aux);
}

int hvm_emulate_rdmsr(struct hvm_vcpu *vcpu)
{
	u32 index = vcpu->regs[HVM_RCX];
	u64 data;

	if (index == MSR_TSC_AUX) {
		if (msr_tsc_aux(vcpu, &data, false))
			return msr_gp(vcpu);
	} else if (hvm_ops->get_msr(vcpu, index, &data)) {
		return msr_gp(vcpu);
	}
	vcpu->regs[HVM_RAX] = (u32)data;
	vcpu->regs[HVM_RDX] = data >> 32;
	return 1;
}

int hvm_emulate_wrmsr(struct hvm_vcpu *vcpu)
{
	u32 index = vcpu->regs[HVM_RCX];
	u64 data = (u32)vcpu->regs[HVM_RAX] | (vcpu->regs[HVM_RDX] << 32);

	if (index == MSR_TSC_AUX) {
		if (msr_tsc_aux(vcpu, &data, true))
			return msr_gp(vcpu);
	} else if (hvm_ops->set_msr(vcpu, index, data)) {
		return msr_gp(vcpu);
	}
	return 1;
}
