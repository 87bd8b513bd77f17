// SPDX-License-Identifier: GPL-2.0
/*
 * libhvm: the system area in guest memory (see HVM_SYS_* in libhvm.h):
 * a GDT with flat segments, a TSS, and 4-level page tables identity-mapping
 * the first HVM_SYS_IDENTITY_MAP bytes with 2 MiB pages.  The IDT page is
 * left alone (fresh anonymous memory is zero: every gate absent), so gates
 * installed with hvm_idt64_set_gate() survive a later mode setup.
 */
#include <errno.h>
#include <string.h>

#include "libhvm.h"

#define PTE_PRESENT	(1ULL << 0)
#define PTE_WRITE	(1ULL << 1)
#define PTE_LARGE	(1ULL << 7)	/* 2 MiB page in a PD entry */

#define PD_PAGES	(HVM_SYS_IDENTITY_MAP >> 30)

/* limit[15:0] base[23:0] access flags|limit[19:16] base[31:24] */
static __u64 gdt_entry(__u32 base, __u32 limit, __u8 access, __u8 flags)
{
	return (limit & 0xffffULL) |
	       ((__u64)(base & 0xffffff) << 16) |
	       ((__u64)access << 40) |
	       ((__u64)((limit >> 16) & 0xf) << 48) |
	       ((__u64)(flags & 0xf) << 52) |
	       ((__u64)(base >> 24) << 56);
}

static int write_gdt(struct hvm_vm *vm)
{
	__u64 gdt[6] = { 0 };

	/* access: P | S | type; flags: G | D/B | L */
	gdt[HVM_SEL_CODE64 / 8] = gdt_entry(0, 0xfffff, 0x9b, 0xa);
	gdt[HVM_SEL_DATA / 8] = gdt_entry(0, 0xfffff, 0x93, 0xc);
	gdt[HVM_SEL_CODE32 / 8] = gdt_entry(0, 0xfffff, 0x9b, 0xc);
	/* busy TSS, 16 bytes in long mode: the high half (base 63:32) is 0 */
	gdt[HVM_SEL_TSS / 8] = gdt_entry(HVM_SYS_TSS, 0x67, 0x8b, 0x0);
	gdt[HVM_SEL_TSS / 8 + 1] = 0;
	return hvm_vm_write(vm, HVM_SYS_GDT, gdt, sizeof(gdt));
}

static int write_tss(struct hvm_vm *vm)
{
	__u8 tss[0x68];

	memset(tss, 0, sizeof(tss));
	/* I/O map base beyond the limit: no I/O permission bitmap */
	tss[0x66] = sizeof(tss);
	return hvm_vm_write(vm, HVM_SYS_TSS, tss, sizeof(tss));
}

static int write_page_tables(struct hvm_vm *vm)
{
	__u64 *pml4, *pdpt, *pd;
	__u64 i;

	pml4 = hvm_vm_gpa_to_hva(vm, HVM_SYS_PML4, HVM_PAGE_SIZE);
	pdpt = hvm_vm_gpa_to_hva(vm, HVM_SYS_PDPT, HVM_PAGE_SIZE);
	pd = hvm_vm_gpa_to_hva(vm, HVM_SYS_PD, PD_PAGES * HVM_PAGE_SIZE);
	if (!pml4 || !pdpt || !pd)
		return -1;

	/*
	 * Only the entries below are written, never cleared first: other
	 * vCPUs of the VM may be running on these tables, and rewriting an
	 * entry with its own value is harmless.
	 */
	pml4[0] = HVM_SYS_PDPT | PTE_PRESENT | PTE_WRITE;
	for (i = 0; i < PD_PAGES; i++)
		pdpt[i] = (HVM_SYS_PD + i * HVM_PAGE_SIZE) | PTE_PRESENT | PTE_WRITE;
	for (i = 0; i < PD_PAGES * 512; i++)
		pd[i] = (i << 21) | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
	return 0;
}

/* Needs guest RAM at [HVM_SYS_BASE, HVM_SYS_END); EFAULT otherwise. */
int hvm_vm_setup_sys_tables(struct hvm_vm *vm)
{
	if (write_gdt(vm) || write_tss(vm) || write_page_tables(vm))
		return -1;
	return 0;
}
