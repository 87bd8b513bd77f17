/* SPDX-License-Identifier: GPL-2.0 */
/* Reading and writing guest memory by guest-physical or guest-linear address. */
#ifndef HVM_GUEST_MEM_H
#define HVM_GUEST_MEM_H

#include <linux/types.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

struct hvm_vm;
struct hvm_vcpu;

/* Access kinds, with the bit positions of the #PF error code (SDM 4.7). */
#define HVM_ACC_WRITE	(1U << 1)
#define HVM_ACC_USER	(1U << 2)
#define HVM_ACC_FETCH	(1U << 4)
#define HVM_ACC_NOFAULT	(1U << 31)	/* report a fault, do not queue #PF */

/* Returned when the access raised #PF in the guest (already queued). */
#define HVM_GUEST_FAULT	1

/* 0, or -EFAULT when @gpa is not RAM (or a write hits a read-only slot). */
int hvm_gpa_read(struct hvm_vm *vm, u64 gpa, void *buf, unsigned int len);
int hvm_gpa_write(struct hvm_vm *vm, u64 gpa, const void *buf,
		  unsigned int len);

/* Translate through the guest's own page tables; queues #PF on failure. */
int hvm_gva_to_gpa(struct hvm_vcpu *vcpu, u64 gva, u32 access, u64 *gpa);
int hvm_gva_read(struct hvm_vcpu *vcpu, u64 gva, void *buf, unsigned int len,
		 u32 access);
int hvm_gva_write(struct hvm_vcpu *vcpu, u64 gva, const void *buf,
		  unsigned int len);

/* PAE paging (SDM 4.4): CR0.PG, CR4.PAE, not IA-32e mode. */
#define HVM_NR_PDPTRS	4

static inline bool hvm_pae_paging(u64 cr0, u64 cr4, u64 efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA);
}

/* The PDPTEs at @cr3 into pdptrs[HVM_NR_PDPTRS], or -EINVAL (#GP). */
int hvm_load_pdptrs(struct hvm_vcpu *vcpu, u64 cr3, u64 *pdptrs);

#endif /* HVM_GUEST_MEM_H */
