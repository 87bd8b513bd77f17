// SPDX-License-Identifier: GPL-2.0
/*
 * Extended state the FPU code does not switch for us: XCR0 and PKRU.
 * The guest's FPU registers themselves live in vcpu->guest_fpu, swapped in
 * by fpu_swap_kvm_fpstate() for the duration of RUN.
 */
#include <linux/slab.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>
#include <asm/pkru.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "hvm.h"
#include "backend.h"
#include "emulate.h"

static u64 hvm_host_xcr0;

void hvm_xstate_init(void)
{
	if (boot_cpu_has(X86_FEATURE_OSXSAVE))
		hvm_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
}

/* XCR0 bits a guest may be offered: the host's user state, without AMX
 * (the guest's FPU buffer has no room for tiles). */
u64 hvm_xstate_supported(void)
{
	return hvm_host_xcr0 & XFEATURE_MASK_USER_SUPPORTED & ~(u64)XFEATURE_MASK_XTILE;
}

/*
 * PKRU is not in the state fpu_swap_kvm_fpstate() switches: hvm switches
 * it, around every entry, whatever the guest's CR4 and XCR0 say.  The
 * guest can observe and change PKRU with CR4.PKE (RDPKRU, WRPKRU) and,
 * with PKRU in XCR0, through XSAVE/XRSTOR even with CR4.PKE clear (SDM
 * vol. 1, 13.2; vol. 3, 4.6.2); it may set XCR0 (QEMU's TCG: no XSETBV
 * exit) and, on SVM, CR4.PKE (no CR4 write exit) during the run.  So the
 * guest's value is in PKRU for the whole run when it differs from the
 * host's, and the host's comes back after every exit (RDPKRU is cheap,
 * WRPKRU only when they differ).  Without OSPKE the host never enables
 * CR4.PKE, RDPKRU would #UD here, and CPUID offers the guest no PKU.
 */
void hvm_xstate_load_guest(struct hvm_vcpu *vcpu)
{
	/* XCR0 matters to the guest only with its CR4.OSXSAVE, which it may
	 * set without an exit: load it either way. */
	if (hvm_host_xcr0 && vcpu->xcr0 != hvm_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
	if (!cpu_feature_enabled(X86_FEATURE_OSPKE))
		return;
	vcpu->host_pkru = rdpkru();
	if (vcpu->pkru != vcpu->host_pkru)
		wrpkru(vcpu->pkru);
}

static void hvm_pkru_load_host(struct hvm_vcpu *vcpu)
{
	vcpu->pkru = rdpkru();
	if (vcpu->pkru != vcpu->host_pkru)
		wrpkru(vcpu->host_pkru);
}

void hvm_xstate_load_host(struct hvm_vcpu *vcpu)
{
	if (cpu_feature_enabled(X86_FEATURE_OSPKE))
		hvm_pkru_load_host(vcpu);
	if (hvm_host_xcr0) {
		/*
		 * Read XCR0 back rather than trust the XSETBV intercept: QEMU's
		 * TCG does not implement it, so there the guest writes XCR0
		 * itself.  The host's value is restored in every case.
		 */
		u64 cur = xgetbv(XCR_XFEATURE_ENABLED_MASK);

		if (hvm_ops->get_cr4(vcpu) & X86_CR4_OSXSAVE)
			vcpu->xcr0 = cur;
		if (cur != hvm_host_xcr0)
			xsetbv(XCR_XFEATURE_ENABLED_MASK, hvm_host_xcr0);
	}
}

/* An XCR0 value XSETBV accepts (SDM vol. 2, XSETBV; vol. 1, 13.3). */
static bool xcr0_valid(struct hvm_vcpu *vcpu, u64 val)
{
	u64 avx512 = XFEATURE_MASK_OPMASK | XFEATURE_MASK_ZMM_Hi256 |
		     XFEATURE_MASK_Hi16_ZMM;
	u64 mpx = XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR;

	/* Only what the guest's FPU buffer has room for (AMX never), even
	 * if user space's CPUID offers more. */
	return (val & XFEATURE_MASK_FP) && !(val & ~hvm_xstate_supported()) &&
	       !(val & ~hvm_cpuid_guest_xcr0(vcpu)) &&
	       !(val & ~(u64)XFEATURE_MASK_USER_SUPPORTED) &&
	       !((val & XFEATURE_MASK_YMM) && !(val & XFEATURE_MASK_SSE)) &&
	       !((val & avx512) && (val & avx512) != avx512) &&
	       !((val & avx512) && !(val & XFEATURE_MASK_YMM)) &&
	       !((val & mpx) && (val & mpx) != mpx);
}

int hvm_emulate_xsetbv(struct hvm_vcpu *vcpu)
{
	u32 index = vcpu->regs[HVM_RCX];
	u64 val = (u32)vcpu->regs[HVM_RAX] | (vcpu->regs[HVM_RDX] << 32);

	if (index != 0 || hvm_ops->get_cpl(vcpu) != 0 || !xcr0_valid(vcpu, val)) {
		hvm_ops->inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 0;
	}
	vcpu->xcr0 = val;
	return 1;
}

/*
 * HVM_GET/SET_XSAVE and _XCRS.  Under vcpu->mutex no RUN is in progress,
 * so vcpu->guest_fpu holds the guest's registers, not the CPU.
 */
long hvm_xstate_get_xsave(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct hvm_xsave *x = kzalloc(sizeof(*x), GFP_KERNEL);
	long r = 0;

	if (!x)
		return -ENOMEM;
	fpu_copy_guest_fpstate_to_uabi(&vcpu->guest_fpu, x, sizeof(*x),
				       hvm_cpuid_guest_xcr0(vcpu) | XFEATURE_MASK_FPSSE,
				       vcpu->pkru);
	if (copy_to_user(argp, x, sizeof(*x)))
		r = -EFAULT;
	kfree(x);
	return r;
}

long hvm_xstate_set_xsave(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct hvm_xsave *x = memdup_user(argp, sizeof(*x));
	long r;

	if (IS_ERR(x))
		return PTR_ERR(x);
	/* Refuses components outside the mask and malformed headers. */
	r = fpu_copy_uabi_to_guest_fpstate(&vcpu->guest_fpu, x,
					   hvm_cpuid_guest_xcr0(vcpu) | XFEATURE_MASK_FPSSE,
					   &vcpu->pkru);
	kfree(x);
	return r;
}

long hvm_xstate_get_xcrs(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct hvm_xcrs x = { .xcr0 = vcpu->xcr0 };

	return copy_to_user(argp, &x, sizeof(x)) ? -EFAULT : 0;
}

long hvm_xstate_set_xcrs(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct hvm_xcrs x;
	int i;

	if (copy_from_user(&x, argp, sizeof(x)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(x.reserved); i++)
		if (x.reserved[i])
			return -EINVAL;
	if (!hvm_host_xcr0)
		return x.xcr0 == XFEATURE_MASK_FP ? 0 : -EINVAL;
	if (!xcr0_valid(vcpu, x.xcr0))
		return -EINVAL;
	vcpu->xcr0 = x.xcr0;
	return 0;
}
