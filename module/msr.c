// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR/WRMSR that reach hvm, and HVM_GET/SET_MSRS.  The MSRs a guest may
 * use directly are not intercepted at all (the backend's bitmap allow-list;
 * the backend still reads and writes them for user space); EFER and PAT
 * live in the backend's state; TSC, TSC_ADJUST, TSC_AUX, APIC_BASE,
 * MISC_ENABLE, AMD's HWCR, the MTRRs and the machine-check globals are kept
 * here; every other MSR raises #GP in the guest.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/cpufeature.h>
#include <asm/traps.h>

#include "hvm.h"
#include "backend.h"
#include "emulate.h"
#include "lapic.h"
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
 * Only user space reads it (the kernel's own entry code takes the CPU
 * number from the GDT with LSL), so, as KVM does (a user-return MSR there
 * too), it stays loaded from the first entry after a vCPU load to the vCPU
 * put: only a return to user space, after that put, brings the host's back.
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
	vcpu->tsc_aux_loaded = false;
	return 0;
}

/*
 * The TSC and IA32_TSC_ADJUST move together (SDM 17.17.3): the guest's
 * write to one adds the same difference to the other.  User space sets
 * either alone (restoring state), as KVM's host-initiated writes do.
 */
static int msr_tsc(struct hvm_vcpu *vcpu, u32 index, u64 *data, bool write,
		   bool host)
{
	u64 tsc = rdtsc() + vcpu->tsc_offset;
	u64 *adjust = &vcpu->msr.tsc_adjust;

	if (!write) {
		*data = index == MSR_IA32_TSC ? tsc : *adjust;
		return 0;
	}
	if (index == MSR_IA32_TSC) {
		if (!host)
			*adjust += *data - tsc;
		vcpu->tsc_offset += *data - tsc;
	} else {
		if (!host)
			vcpu->tsc_offset += *data - *adjust;
		*adjust = *data;
	}
	hvm_ops->set_tsc_offset(vcpu);
	return 0;
}

/*
 * Before entry, interrupts off; the host's value returns on user return.
 * Also before the guest wrote one: its RDTSCP and RDPID read 0 then (the
 * power-on value), never the host's CPU number.
 */
void hvm_msr_load_guest(struct hvm_vcpu *vcpu)
{
	if (!vcpu->tsc_aux_loaded && (boot_cpu_has(X86_FEATURE_RDTSCP) ||
				      boot_cpu_has(X86_FEATURE_RDPID))) {
		hvm_uret_set(HVM_URET_TSC_AUX, vcpu->tsc_aux);
		vcpu->tsc_aux_loaded = true;
	}
}

/* MTRRs (SDM 12.11): 8 variable ranges, fixed ranges, write-combining. */
#define MSR_MTRR_PHYS_BASE0	0x200		/* base/mask pairs up to 0x20f */
#define MTRR_CAP		(8 | BIT(8) | BIT(10))
#define MTRR_DEF_TYPE_VALID	0xcffULL	/* type, FE, E */

static u64 *mtrr_fixed(struct hvm_vcpu *vcpu, u32 index)
{
	switch (index) {
	case MSR_MTRRfix64K_00000:
		return &vcpu->msr.mtrr_fixed[0];
	case MSR_MTRRfix16K_80000:
	case MSR_MTRRfix16K_A0000:
		return &vcpu->msr.mtrr_fixed[1 + index - MSR_MTRRfix16K_80000];
	case MSR_MTRRfix4K_C0000 ... MSR_MTRRfix4K_F8000:
		return &vcpu->msr.mtrr_fixed[3 + index - MSR_MTRRfix4K_C0000];
	}
	return NULL;
}

/*
 * The MSRs hvm keeps itself.  -ENOENT: not one of them (the backend may
 * know it); -EINVAL: a value the hardware would refuse (#GP).
 * @host: the access comes from user space (HVM_GET/SET_MSRS).
 */
static int msr_kept(struct hvm_vcpu *vcpu, u32 index, u64 *data, bool write,
		    bool host)
{
	struct hvm_msr_state *m = &vcpu->msr;
	u64 *p = NULL;

	switch (index) {
	case MSR_TSC_AUX:
		return msr_tsc_aux(vcpu, data, write);
	case MSR_IA32_TSC:
	case MSR_IA32_TSC_ADJUST:
		return msr_tsc(vcpu, index, data, write, host);
	case MSR_IA32_MISC_ENABLE:
		p = &m->misc_enable;
		break;
	case MSR_MTRRcap:
		if (write)
			return host ? 0 : -EINVAL;	/* read-only */
		*data = MTRR_CAP;
		return 0;
	case MSR_MTRRdefType:
		if (write && (*data & ~MTRR_DEF_TYPE_VALID))
			return -EINVAL;
		p = &m->mtrr_def_type;
		break;
	case MSR_IA32_MCG_CAP:			/* no banks, no MCG_CTL */
		if (write)
			return host ? 0 : -EINVAL;
		*data = 0;
		return 0;
	case MSR_IA32_MCG_STATUS:
		if (write && *data && !host)
			return -EINVAL;
		p = &m->mcg_status;
		break;
	case MSR_IA32_PLATFORM_ID:
		if (write)
			return host ? 0 : -EINVAL;
		*data = 0;
		return 0;
	case MSR_IA32_UCODE_REV:		/* microcode revision: none */
		if (!write)
			*data = 0;
		return 0;
	case MSR_K7_HWCR:
		/* AMD's hardware configuration, which Linux reads on family
		 * 15h and more.  As KVM: writes to the flush filter, IGNNE
		 * and TLB cache bits are ignored; McStatusWrEn (bit 18) is
		 * kept; any other bit refused. */
		if (write) {
			u64 v = *data & ~(BIT_ULL(3) | BIT_ULL(6) | BIT_ULL(8));

			if (v && v != BIT_ULL(18) && !host)
				return -EINVAL;
			m->hwcr = v & BIT_ULL(18);
		} else {
			*data = m->hwcr;
		}
		return 0;
	case MSR_AMD64_NB_CFG:			/* as KVM: reads 0, writes ignored */
	case MSR_FAM10H_MMIO_CONF_BASE:		/* no MMCONFIG: Linux reads it */
	case MSR_K8_INT_PENDING_MSG:		/* no C1E: Linux reads it on AMD */
		if (!write)
			*data = 0;
		return 0;
	default:
		if (index >= MSR_MTRR_PHYS_BASE0 && index < MSR_MTRR_PHYS_BASE0 + 16)
			p = &m->mtrr_var[index - MSR_MTRR_PHYS_BASE0];
		else
			p = mtrr_fixed(vcpu, index);
		if (!p)
			return -ENOENT;
		break;
	}
	if (write)
		*p = *data;
	else
		*data = *p;
	return 0;
}

/* The reset values (SDM 10.1.1, table 10-1; 12.11.2.1). */
void hvm_msr_reset(struct hvm_vcpu *vcpu)
{
	memset(&vcpu->msr, 0, sizeof(vcpu->msr));
	vcpu->msr.apic_base = 0xfee00000 | BIT(11) | (vcpu->id ? 0 : BIT(8));
	/* Fast strings; no branch trace store, no PEBS. */
	vcpu->msr.misc_enable = BIT(0) | BIT(11) | BIT(12);
}

/* Kept MSRs first, then the local APIC's, then the backend's. */
int hvm_msr_get(struct hvm_vcpu *vcpu, u32 index, u64 *data, bool host)
{
	int r = msr_kept(vcpu, index, data, false, host);

	if (r == -ENOENT)
		r = hvm_lapic_msr_read(vcpu, index, data);
	return r == -ENOENT ? hvm_ops->get_msr(vcpu, index, data) : r;
}

int hvm_msr_set(struct hvm_vcpu *vcpu, u32 index, u64 data, bool host)
{
	int r = msr_kept(vcpu, index, &data, true, host);

	if (r == -ENOENT)
		r = hvm_lapic_msr_write(vcpu, index, data, host);
	return r == -ENOENT ? hvm_ops->set_msr(vcpu, index, data) : r;
}

/* An MSR hvm does not know goes to user space when it asked for that. */
static int msr_user_exit(struct hvm_vcpu *vcpu, u32 index, u64 data,
			 bool write, u64 next_rip)
{
	struct hvm_run *run = vcpu->run;

	run->exit_reason = write ? HVM_EXIT_WRMSR : HVM_EXIT_RDMSR;
	run->msr.index = index;
	run->msr.data = data;
	run->msr.error = 0;
	memset(run->msr.padding, 0, sizeof(run->msr.padding));
	vcpu->pending = (struct hvm_pending_exit) {
		.kind = HVM_PENDING_MSR,
		.in = !write,
		.next_rip = next_rip,
	};
	return 0;
}

/*
 * RDMSR/WRMSR exits; @next_rip: RIP after the instruction.  Returns 1 to
 * re-enter (done, or #GP queued) or 0 for an exit to user space.
 */
int hvm_exit_msr(struct hvm_vcpu *vcpu, bool write, u64 next_rip)
{
	u32 index = vcpu->regs[HVM_RCX];
	u64 data = (u32)vcpu->regs[HVM_RAX] | (vcpu->regs[HVM_RDX] << 32);
	int r;

	r = write ? hvm_msr_set(vcpu, index, data, false) :
		    hvm_msr_get(vcpu, index, &data, false);
	if (r == -ENOENT && (READ_ONCE(vcpu->vm->user_msr_exits) & HVM_MSR_EXIT_UNKNOWN))
		return msr_user_exit(vcpu, index, write ? data : 0, write, next_rip);
	if (r) {
		msr_gp(vcpu);
		return 1;
	}
	if (!write) {
		vcpu->regs[HVM_RAX] = (u32)data;
		vcpu->regs[HVM_RDX] = data >> 32;
	}
	vcpu->rip = next_rip;
	return 1;
}

/* RUN after HVM_EXIT_RDMSR/WRMSR: user space's answer. */
void hvm_complete_msr(struct hvm_vcpu *vcpu)
{
	struct hvm_run *run = vcpu->run;

	if (run->msr.error) {
		msr_gp(vcpu);
		return;
	}
	if (vcpu->pending.in) {
		vcpu->regs[HVM_RAX] = (u32)run->msr.data;
		vcpu->regs[HVM_RDX] = run->msr.data >> 32;
	}
	vcpu->rip = vcpu->pending.next_rip;
}

/* HVM_GET_MSRS / HVM_SET_MSRS: returns how many were done, in order. */
static long hvm_msrs_ioctl(struct hvm_vcpu *vcpu, void __user *argp, bool write)
{
	struct hvm_msrs __user *u = argp;
	struct hvm_msr_entry *e;
	struct hvm_msrs hdr;
	long r;
	u32 i;

	if (copy_from_user(&hdr, u, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nmsrs > HVM_MSRS_MAX || hdr.padding)
		return -EINVAL;
	e = memdup_user(u->entries, hdr.nmsrs * sizeof(*e));
	if (IS_ERR(e))
		return PTR_ERR(e);
	for (i = 0; i < hdr.nmsrs; i++) {
		if (e[i].reserved)
			break;
		if (write ? hvm_msr_set(vcpu, e[i].index, e[i].data, true) :
			    hvm_msr_get(vcpu, e[i].index, &e[i].data, true))
			break;
	}
	r = i;
	if (!write && copy_to_user(u->entries, e, i * sizeof(*e)))
		r = -EFAULT;
	kfree(e);
	return r;
}

long hvm_msrs_get(struct hvm_vcpu *vcpu, void __user *argp)
{
	return hvm_msrs_ioctl(vcpu, argp, false);
}

long hvm_msrs_set(struct hvm_vcpu *vcpu, void __user *argp)
{
	return hvm_msrs_ioctl(vcpu, argp, true);
}
