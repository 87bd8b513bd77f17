// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory access for emulation: guest-physical through the memory
 * slots' pinned pages, guest-linear through a software walk of the guest's
 * page tables (SDM vol. 3 ch. 4; APM vol. 2 ch. 5).  The walk does not set
 * accessed/dirty bits.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include <asm/traps.h>

#include "hvm.h"
#include "backend.h"
#include "guest_mem.h"

static int gpa_access(struct hvm_vm *vm, u64 gpa, void *buf,
		      unsigned int len, bool write)
{
	int idx, r = 0;

	idx = srcu_read_lock(&vm->srcu);
	while (len) {
		unsigned int off = gpa & ~PAGE_MASK;
		unsigned int n = min_t(unsigned int, len, PAGE_SIZE - off);
		struct hvm_memslot *slot = hvm_memslot_find(vm, gpa >> PAGE_SHIFT);
		void *va;

		if (!slot || (write && (slot->flags & HVM_MEM_READONLY))) {
			r = -EFAULT;
			break;
		}
		va = kmap_local_page(slot->pages[(gpa >> PAGE_SHIFT) - slot->base_gfn]);
		if (write)
			memcpy(va + off, buf, n);
		else
			memcpy(buf, va + off, n);
		kunmap_local(va);
		gpa += n;
		buf += n;
		len -= n;
	}
	srcu_read_unlock(&vm->srcu, idx);
	return r;
}

int hvm_gpa_read(struct hvm_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	return gpa_access(vm, gpa, buf, len, false);
}

int hvm_gpa_write(struct hvm_vm *vm, u64 gpa, const void *buf,
		  unsigned int len)
{
	return gpa_access(vm, gpa, (void *)buf, len, true);
}

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_US		(1ULL << 2)
#define PTE_PS		(1ULL << 7)
#define PTE_NX		(1ULL << 63)
#define PTE_ADDR	GENMASK_ULL(51, 12)

/*
 * PAE paging: the four PDPTEs of the table at CR3[31:5] (SDM 4.4.1).  A
 * present one with a reserved bit set (bits 2:1, 8:5 and 63:MAXPHYADDR,
 * table 4-8) makes the MOV to CR that loads them #GP(0); so does a table
 * outside guest RAM here.
 */
int hvm_load_pdptrs(struct hvm_vcpu *vcpu, u64 cr3, u64 *pdptrs)
{
	u64 rsvd = GENMASK_ULL(63, hvm_cpuid_maxphyaddr(vcpu)) |
		   GENMASK_ULL(8, 5) | GENMASK_ULL(2, 1);
	u64 pdpte[HVM_NR_PDPTRS];
	int i;

	if (hvm_gpa_read(vcpu->vm, cr3 & 0xffffffe0ULL, pdpte, sizeof(pdpte)))
		return -EINVAL;
	for (i = 0; i < HVM_NR_PDPTRS; i++)
		if ((pdpte[i] & PTE_P) && (pdpte[i] & rsvd))
			return -EINVAL;
	memcpy(pdptrs, pdpte, sizeof(pdpte));
	return 0;
}

static void queue_page_fault(struct hvm_vcpu *vcpu, u64 gva, u32 error)
{
	vcpu->cr2 = gva;
	hvm_ops->inject_exception(vcpu, X86_TRAP_PF, true, error);
}

int hvm_gva_to_gpa(struct hvm_vcpu *vcpu, u64 gva, u32 access, u64 *gpa)
{
	struct hvm_sregs s;
	u64 table, pte = 0, size_mask;
	bool writable = true, user = true, nx = false;
	int level, pte_size = 8;
	u32 err;

	hvm_ops->get_sregs(vcpu, &s);
	if (!(s.cr0 & X86_CR0_PG)) {
		*gpa = (s.efer & EFER_LMA) ? gva : (u32)gva;
		return 0;
	}
	if (hvm_ops->get_cpl(vcpu) == 3)
		access |= HVM_ACC_USER;

	if (s.efer & EFER_LMA) {
		level = (s.cr4 & X86_CR4_LA57) ? 5 : 4;
		table = s.cr3 & PTE_ADDR;
	} else if (s.cr4 & X86_CR4_PAE) {
		/* PAE: the four PDPTEs first (SDM 4.4.1). */
		gva = (u32)gva;
		if (hvm_gpa_read(vcpu->vm, (s.cr3 & ~0x1fULL) + ((gva >> 30) & 3) * 8,
				 &pte, 8))
			return -EFAULT;
		if (!(pte & PTE_P))
			goto fault;
		table = pte & PTE_ADDR;
		level = 2;
	} else {
		gva = (u32)gva;
		table = s.cr3 & 0xfffff000ULL;
		level = 2;
		pte_size = 4;
	}

	for (;; level--) {
		int shift = 12 + (pte_size == 8 ? 9 : 10) * (level - 1);
		u64 mask = pte_size == 8 ? 511 : 1023;

		pte = 0;
		if (hvm_gpa_read(vcpu->vm, table + ((gva >> shift) & mask) * pte_size,
				 &pte, pte_size))
			return -EFAULT;
		if (!(pte & PTE_P))
			goto fault;
		writable &= !!(pte & PTE_RW);
		user &= !!(pte & PTE_US);
		if (s.efer & EFER_NX)
			nx |= !!(pte & PTE_NX);
		if (level == 1)
			break;
		if ((pte & PTE_PS) && (level <= 3 || pte_size == 4) &&
		    (pte_size == 8 || (s.cr4 & X86_CR4_PSE)))
			break;
		table = pte & PTE_ADDR;
	}

	/* Permissions (SDM 4.6). */
	if ((access & HVM_ACC_USER) && !user)
		goto protection;
	if ((access & HVM_ACC_WRITE) && !writable &&
	    ((access & HVM_ACC_USER) || (s.cr0 & X86_CR0_WP)))
		goto protection;
	if ((access & HVM_ACC_FETCH) && nx)
		goto protection;
	/* A supervisor access to a user page: SMEP for fetches, SMAP for
	 * data unless RFLAGS.AC (SDM 4.6.1). */
	if (!(access & HVM_ACC_USER) && user) {
		if ((access & HVM_ACC_FETCH) && (s.cr4 & X86_CR4_SMEP))
			goto protection;
		if (!(access & HVM_ACC_FETCH) && (s.cr4 & X86_CR4_SMAP) &&
		    !(vcpu->rflags & X86_EFLAGS_AC))
			goto protection;
	}

	size_mask = (1ULL << (12 + (pte_size == 8 ? 9 : 10) * (level - 1))) - 1;
	if (pte_size == 4)
		pte &= level == 2 ? 0xffc00000ULL : 0xfffff000ULL;
	else
		pte &= PTE_ADDR & ~size_mask;
	*gpa = pte | (gva & size_mask);
	return 0;

protection:
	err = 1 | access;
	goto queue;
fault:
	err = access;
queue:
	if (access & HVM_ACC_NOFAULT)
		return HVM_GUEST_FAULT;
	err &= HVM_ACC_WRITE | HVM_ACC_USER | HVM_ACC_FETCH | 1;
	if (!(s.efer & EFER_NX))
		err &= ~HVM_ACC_FETCH;
	queue_page_fault(vcpu, gva, err);
	return HVM_GUEST_FAULT;
}

static int gva_access(struct hvm_vcpu *vcpu, u64 gva, void *buf,
		      unsigned int len, u32 access)
{
	while (len) {
		unsigned int n = min_t(unsigned int, len,
				       PAGE_SIZE - (gva & ~PAGE_MASK));
		u64 gpa;
		int r = hvm_gva_to_gpa(vcpu, gva, access, &gpa);

		if (r)
			return r;
		if (access & HVM_ACC_WRITE)
			r = hvm_gpa_write(vcpu->vm, gpa, buf, n);
		else
			r = hvm_gpa_read(vcpu->vm, gpa, buf, n);
		if (r)
			return r;
		gva += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int hvm_gva_read(struct hvm_vcpu *vcpu, u64 gva, void *buf, unsigned int len,
		 u32 access)
{
	return gva_access(vcpu, gva, buf, len, access & ~HVM_ACC_WRITE);
}

int hvm_gva_write(struct hvm_vcpu *vcpu, u64 gva, const void *buf,
		  unsigned int len)
{
	return gva_access(vcpu, gva, (void *)buf, len, HVM_ACC_WRITE);
}
