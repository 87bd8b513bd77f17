// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID as the guest sees it: the host's values with what hvm does not
 * virtualize taken out.  (A full allow-list table that user space can
 * replace comes with the CPU-model work.)
 */
#include <asm/processor.h>
#include <asm/processor-flags.h>

#include "hvm.h"
#include "backend.h"
#include "emulate.h"

#define HVM_CPUID_SIGNATURE	0x40000000
#define HVM_CPUID_MAX		0x40000000

int hvm_emulate_cpuid(struct hvm_vcpu *vcpu)
{
	u32 leaf = vcpu->regs[HVM_RAX], sub = vcpu->regs[HVM_RCX];
	u32 a, b, c, d;

	if (leaf == HVM_CPUID_SIGNATURE) {
		/* "hvmhvmhvmhvm", as KVM's "KVMKVMKVM" */
		a = HVM_CPUID_MAX;
		b = 0x686d7668;		/* "hvmh" */
		c = 0x76686d76;		/* "vmhv" */
		d = 0x6d76686d;		/* "mhvm" */
	} else {
		cpuid_count(leaf, sub, &a, &b, &c, &d);
		switch (leaf) {
		case 1:
			c |= BIT(31);			/* hypervisor present */
			c &= ~(BIT(5) | BIT(3));	/* VMX, MONITOR */
			c &= ~BIT(27);			/* OSXSAVE: guest CR4 below */
			/* XSAVE and AVX only when the host uses XSAVE: the
			 * guest's state is switched with the host's. */
			if (!boot_cpu_has(X86_FEATURE_OSXSAVE))
				c &= ~(BIT(26) | BIT(28));
			if (hvm_ops->get_cr4(vcpu) & X86_CR4_OSXSAVE)
				c |= BIT(27);
			b = (b & 0x00ffffff) | (vcpu->id << 24);	/* APIC ID */
			break;
		case 7:
			if (sub == 0)
				c &= ~BIT(4);		/* OSPKE follows the host */
			break;
		case 0x80000001:
			c &= ~BIT(2);			/* SVM */
			break;
		case 0x8000000a:			/* SVM features */
			a = b = c = d = 0;
			break;
		default:
			if (leaf > HVM_CPUID_SIGNATURE && leaf < 0x80000000)
				a = b = c = d = 0;
			break;
		}
	}
	vcpu->regs[HVM_RAX] = a;
	vcpu->regs[HVM_RBX] = b;
	vcpu->regs[HVM_RCX] = c;
	vcpu->regs[HVM_RDX] = d;
	return 1;
}
