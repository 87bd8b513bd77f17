// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID as the guest sees it.  At load time hvm builds the table of what it
 * supports: the host's values passed through an allow-list (only features
 * hvm virtualizes correctly), the hypervisor bit and hvm's own leaf
 * 0x40000000.  Every vCPU starts with that table; user space may read and
 * replace it (HVM_GET_CPUID / HVM_SET_CPUID).  A few fields follow the
 * vCPU's state at the time of each CPUID, as on hardware: the APIC ID,
 * OSXSAVE, OSPKE and the XSAVE area sizes.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/xstate.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>

#include "hvm.h"
#include "backend.h"
#include "emulate.h"
#include "lapic.h"

#define HVM_CPUID_SIGNATURE	0x40000000
#define HVM_MAX_BASIC_LEAF	0x16
#define HVM_CPUID_TIMING	0x40000010	/* TSC and APIC bus kHz */
#define HVM_MAX_EXT_LEAF	0x80000008
#define HVM_GUEST_PHYS_BITS	48	/* HVM_GPA_LIMIT */

/*
 * The allow-list (SDM vol. 2, CPUID; APM vol. 3, appendix E).  Left out on
 * purpose, until hvm virtualizes them: MONITOR/MWAIT, VMX/SVM, MCE/MCA,
 * MTRR, PMU/DS, thermal and power
 * leaves, HTT and topology, TSX, XSAVES, and every speculation-control bit
 * (SPEC_CTRL, ARCH_CAPABILITIES... are not switched yet).
 */
#define L1_ECX	(BIT(0) | BIT(1) | BIT(9) | BIT(12) | BIT(13) | BIT(17) | \
		 BIT(19) | BIT(20) | BIT(22) | BIT(23) | BIT(25) | BIT(26) | \
		 BIT(28) | BIT(29) | BIT(30))
#define L1_EDX	(BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | \
		 BIT(8) | BIT(11) | BIT(13) | BIT(15) | BIT(16) | BIT(17) | \
		 BIT(19) | BIT(23) | BIT(24) | BIT(25) | BIT(26))
#define L7_EBX	(BIT(0) | BIT(3) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(9) | \
		 BIT(10) | BIT(13) | BIT(16) | BIT(17) | BIT(18) | BIT(19) | \
		 BIT(20) | BIT(21) | BIT(23) | BIT(24) | BIT(26) | BIT(27) | \
		 BIT(28) | BIT(29) | BIT(30) | BIT(31))
#define L7_ECX	(BIT(1) | BIT(2) | BIT(3) | BIT(6) | BIT(8) | BIT(9) | BIT(10) | \
		 BIT(11) | BIT(12) | BIT(14) | BIT(16) | BIT(22))
#define L7_EDX	(BIT(2) | BIT(3) | BIT(4) | BIT(10) | BIT(14))
#define LD1_EAX	(BIT(0) | BIT(1) | BIT(2))	/* XSAVEOPT, XSAVEC, XGETBV1 */
#define E1_ECX	(BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(11) | \
		 BIT(16) | BIT(21))
/* AMD repeats leaf 1's EDX bits 0-17, 23, 24 here. */
#define E1_EDX	((L1_EDX & 0x0183ffff) | BIT(11) | BIT(20) | BIT(22) | \
		 BIT(25) | BIT(26) | BIT(27) | BIT(29) | BIT(30) | BIT(31))
#define E7_EDX	BIT(8)				/* invariant TSC */

/* The in-kernel local APIC's: shown only to vCPUs that have one. */
#define L1_EDX_APIC	BIT(9)
#define L1_ECX_X2APIC	BIT(21)
#define L1_ECX_TSC_DEADLINE BIT(24)

/* Emulated by hvm on either vendor (msr.c), as KVM does. */
#define L7_EBX_TSC_ADJUST BIT(1)

#define L1_ECX_OSXSAVE	BIT(27)
#define L1_ECX_HYPERVISOR BIT(31)
#define L7_ECX_OSPKE	BIT(4)

static struct hvm_cpuid_entry *hvm_supported;
static u32 hvm_supported_nent;

static struct hvm_cpuid_entry *add(struct hvm_cpuid_entry *e, u32 *n, u32 fn,
				   u32 idx, bool sig)
{
	struct hvm_cpuid_entry *x = &e[(*n)++];

	x->function = fn;
	x->index = idx;
	x->flags = sig ? HVM_CPUID_FLAG_SIGNIFICANT_INDEX : 0;
	cpuid_count(fn, idx, &x->eax, &x->ebx, &x->ecx, &x->edx);
	return x;
}

static u32 build(struct hvm_cpuid_entry *e)
{
	u32 max = min_t(u32, cpuid_eax(0), HVM_MAX_BASIC_LEAF);
	u32 ext = min_t(u32, cpuid_eax(0x80000000), HVM_MAX_EXT_LEAF);
	u64 xcr0 = hvm_xstate_supported();	/* after hvm_xstate_init() */
	struct hvm_cpuid_entry *x;
	u32 n = 0, i, fn;

	x = add(e, &n, 0, 0, false);
	x->eax = max;
	for (fn = 1; fn <= max; fn++) {
		switch (fn) {
		case 1:
			x = add(e, &n, 1, 0, false);
			x->ebx &= 0x0000ffff;	/* no HTT count; APIC ID per vCPU */
			x->ecx = (x->ecx & L1_ECX) | L1_ECX_HYPERVISOR |
				 L1_ECX_X2APIC | L1_ECX_TSC_DEADLINE;
			x->edx = (x->edx & L1_EDX) | L1_EDX_APIC;
			if (!xcr0)
				x->ecx &= ~BIT(26);		/* XSAVE */
			if (!(xcr0 & XFEATURE_MASK_YMM))	/* FMA AVX F16C */
				x->ecx &= ~(BIT(12) | BIT(28) | BIT(29));
			break;
		case 2:
			add(e, &n, 2, 0, false);
			break;
		case 4:
			/* Cache levels; one core, one thread sharing each. */
			for (i = 0; i < 8; i++) {
				x = add(e, &n, 4, i, true);
				x->eax &= 0x3fff;
				if (!(x->eax & 0x1f))
					break;
			}
			break;
		case 7:
			x = add(e, &n, 7, 0, true);
			x->eax = 0;
			x->ebx = (x->ebx & L7_EBX) | L7_EBX_TSC_ADJUST;
			x->ecx &= L7_ECX;
			x->edx &= L7_EDX;
			if (!boot_cpu_has(X86_FEATURE_OSPKE))
				x->ecx &= ~BIT(3);			/* PKU */
			if (!(xcr0 & XFEATURE_MASK_YMM)) {	/* AVX2, VAES... */
				x->ebx &= ~BIT(5);
				x->ecx &= ~(BIT(9) | BIT(10));
			}
			if ((xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512) {
				x->ebx &= ~0xdc230000;		/* AVX-512 */
				x->ecx &= ~(BIT(1) | BIT(6) | BIT(11) | BIT(12) | BIT(14));
				x->edx &= ~(BIT(2) | BIT(3));
			}
			break;
		case 0x15:
			/* TSC = crystal * EBX / EAX; the crystal is the APIC
			 * bus, which Linux takes for its LAPIC timer. */
			x = add(e, &n, 0x15, 0, false);
			x->eax = 1000000;
			x->ebx = tsc_khz;
			x->ecx = HVM_APIC_BUS_KHZ * 1000U;
			x->edx = 0;
			break;
		case 0x16:
			x = add(e, &n, 0x16, 0, false);
			x->eax = x->ebx = tsc_khz / 1000;	/* MHz */
			x->ecx = HVM_APIC_BUS_KHZ / 1000;
			x->edx = 0;
			break;
		case 0xd:
			if (!xcr0)
				break;
			x = add(e, &n, 0xd, 0, true);
			x->eax = (u32)xcr0;
			x->edx = xcr0 >> 32;
			x = add(e, &n, 0xd, 1, true);
			x->eax &= LD1_EAX;
			x->ecx = x->edx = 0;			/* no XSS */
			for (i = 2; i < 64; i++)
				if (xcr0 & BIT_ULL(i))
					add(e, &n, 0xd, i, true);
			break;
		}
	}

	x = &e[n++];
	*x = (struct hvm_cpuid_entry) {
		.function = HVM_CPUID_SIGNATURE,
		.eax = HVM_CPUID_TIMING,	/* the highest hvm leaf */
		.ebx = 0x686d7668,		/* "hvmhvmhvmhvm" */
		.ecx = 0x76686d76,
		.edx = 0x6d76686d,
	};
	/* The timing leaf VMware defined and other hypervisors copied. */
	x = &e[n++];
	*x = (struct hvm_cpuid_entry) {
		.function = HVM_CPUID_TIMING,
		.eax = tsc_khz,
		.ebx = HVM_APIC_BUS_KHZ,
	};

	if (ext < 0x80000000)
		return n;
	x = add(e, &n, 0x80000000, 0, false);
	x->eax = ext;
	for (fn = 0x80000001; fn <= ext; fn++) {
		x = add(e, &n, fn, 0, false);
		switch (fn) {
		case 0x80000001:
			x->ecx &= E1_ECX;
			x->edx &= E1_EDX;
			break;
		case 0x80000007:
			x->eax = x->ebx = x->ecx = 0;
			x->edx &= E7_EDX;
			break;
		case 0x80000008:
			/* Address sizes, capped at what hvm maps; no features. */
			if ((x->eax & 0xff) > HVM_GUEST_PHYS_BITS)
				x->eax = (x->eax & ~0xffU) | HVM_GUEST_PHYS_BITS;
			x->eax &= 0xffff;
			x->ebx = x->ecx = x->edx = 0;
			break;
		case 0x80000002: case 0x80000003: case 0x80000004:
		case 0x80000005: case 0x80000006:
			break;		/* brand string, caches */
		default:
			x->eax = x->ebx = x->ecx = x->edx = 0;
			break;
		}
	}
	return n;
}

int hvm_cpuid_init(void)
{
	struct hvm_cpuid_entry *e;

	e = kcalloc(HVM_CPUID_MAX_ENTRIES, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	hvm_supported_nent = build(e);
	hvm_supported = e;
	return 0;
}

void hvm_cpuid_exit(void)
{
	kfree(hvm_supported);
}

int hvm_cpuid_vcpu_init(struct hvm_vcpu *vcpu)
{
	vcpu->cpuid = kmemdup(hvm_supported, hvm_supported_nent * sizeof(*hvm_supported),
			      GFP_KERNEL_ACCOUNT);
	if (!vcpu->cpuid)
		return -ENOMEM;
	vcpu->cpuid_nent = hvm_supported_nent;
	return 0;
}

void hvm_cpuid_vcpu_free(struct hvm_vcpu *vcpu)
{
	kfree(vcpu->cpuid);
}

/* Copy a table out, KVM_GET_CPUID2-style: E2BIG (and the size) if short. */
static long cpuid_to_user(struct hvm_cpuid __user *u,
			  const struct hvm_cpuid_entry *e, u32 nent)
{
	u32 room;

	if (get_user(room, &u->nent))
		return -EFAULT;
	if (put_user(nent, &u->nent))
		return -EFAULT;
	if (room < nent)
		return -E2BIG;
	return copy_to_user(u->entries, e, nent * sizeof(*e)) ? -EFAULT : 0;
}

long hvm_cpuid_get_supported(void __user *argp)
{
	return cpuid_to_user(argp, hvm_supported, hvm_supported_nent);
}

long hvm_cpuid_get(struct hvm_vcpu *vcpu, void __user *argp)
{
	return cpuid_to_user(argp, vcpu->cpuid, vcpu->cpuid_nent);
}

long hvm_cpuid_set(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct hvm_cpuid __user *u = argp;
	struct hvm_cpuid_entry *e;
	struct hvm_cpuid hdr;
	u32 i;

	if (copy_from_user(&hdr, u, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent > HVM_CPUID_MAX_ENTRIES || hdr.padding)
		return -EINVAL;
	e = memdup_user(u->entries, hdr.nent * sizeof(*e));
	if (IS_ERR(e))
		return PTR_ERR(e);
	for (i = 0; i < hdr.nent; i++) {
		if ((e[i].flags & ~HVM_CPUID_FLAG_SIGNIFICANT_INDEX) || e[i].padding) {
			kfree(e);
			return -EINVAL;
		}
	}
	kfree(vcpu->cpuid);
	vcpu->cpuid = e;
	vcpu->cpuid_nent = hdr.nent;
	return 0;
}

static const struct hvm_cpuid_entry *lookup(struct hvm_vcpu *vcpu, u32 fn, u32 idx)
{
	u32 i;

	for (i = 0; i < vcpu->cpuid_nent; i++) {
		const struct hvm_cpuid_entry *e = &vcpu->cpuid[i];

		if (e->function == fn &&
		    (!(e->flags & HVM_CPUID_FLAG_SIGNIFICANT_INDEX) || e->index == idx))
			return e;
	}
	return NULL;
}

/* Bytes of the standard-format XSAVE area for the components in @xcr0. */
static u32 xsave_size(struct hvm_vcpu *vcpu, u64 xcr0)
{
	u32 size = 512 + 64, i;		/* legacy area and header */

	for (i = 2; i < 64; i++) {
		const struct hvm_cpuid_entry *e;

		if (!(xcr0 & BIT_ULL(i)))
			continue;
		e = lookup(vcpu, 0xd, i);
		if (e && e->eax + e->ebx > size)
			size = e->eax + e->ebx;
	}
	return size;
}

/* The XCR0 bits the vCPU's CPUID offers (leaf 0xD.0 EDX:EAX). */
u64 hvm_cpuid_guest_xcr0(struct hvm_vcpu *vcpu)
{
	const struct hvm_cpuid_entry *e = lookup(vcpu, 0xd, 0);

	return e ? e->eax | ((u64)e->edx << 32) : 0;
}

/*
 * The vCPU's MAXPHYADDR: CPUID 0x80000008 EAX[7:0], or 36 without the leaf
 * (SDM 4.1.4), never more than the host's, which the hardware checks.
 */
int hvm_cpuid_maxphyaddr(struct hvm_vcpu *vcpu)
{
	const struct hvm_cpuid_entry *e = lookup(vcpu, 0x80000008, 0);
	int bits = e ? e->eax & 0xff : 36;

	return clamp_t(int, bits, 32, min_t(int, boot_cpu_data.x86_phys_bits,
					      HVM_GUEST_PHYS_BITS));
}

int hvm_emulate_cpuid(struct hvm_vcpu *vcpu)
{
	u32 fn = vcpu->regs[HVM_RAX], idx = vcpu->regs[HVM_RCX];
	const struct hvm_cpuid_entry *e = lookup(vcpu, fn, idx);
	u32 a = 0, b = 0, c = 0, d = 0;

	if (e) {
		a = e->eax;
		b = e->ebx;
		c = e->ecx;
		d = e->edx;
	}
	/* What follows the vCPU's own state (SDM vol. 2, CPUID). */
	if (fn == 1 && e) {
		b = (b & 0x00ffffff) | (vcpu->id << 24);	/* initial APIC ID */
		c &= ~L1_ECX_OSXSAVE;
		if (hvm_ops->get_cr4(vcpu) & X86_CR4_OSXSAVE)
			c |= L1_ECX_OSXSAVE;
		if (!vcpu->lapic) {
			c &= ~(L1_ECX_X2APIC | L1_ECX_TSC_DEADLINE);
			d &= ~L1_EDX_APIC;
		}
		/* APIC_BASE's global enable off hides the APIC (SDM 10.4.3). */
		if (!(vcpu->msr.apic_base & MSR_IA32_APICBASE_ENABLE))
			d &= ~L1_EDX_APIC;
	} else if (fn == 7 && idx == 0 && e) {
		c &= ~L7_ECX_OSPKE;
		if (hvm_ops->get_cr4(vcpu) & X86_CR4_PKE)
			c |= L7_ECX_OSPKE;
	} else if (fn == 0xd && (idx == 0 || idx == 1) && e) {
		b = xsave_size(vcpu, vcpu->xcr0);
		if (idx == 0)
			c = xsave_size(vcpu, a | ((u64)d << 32));
	}
	vcpu->regs[HVM_RAX] = a;
	vcpu->regs[HVM_RBX] = b;
	vcpu->regs[HVM_RCX] = c;
	vcpu->regs[HVM_RDX] = d;
	return 1;
}
