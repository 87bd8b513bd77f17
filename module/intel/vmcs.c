// SPDX-License-Identifier: GPL-2.0
/*
 * VMCS contents: controls and constant host state written once per vCPU,
 * the reset state, and conversion between the guest-state area and the
 * ABI's hvm_sregs (SDM vol. 3, ch. 25 and 27.3).
 */
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "vmx.h"
#include "emulate.h"
#include "guest_mem.h"

#define VMX_DEFAULT_PAT		0x0007040600070406ULL

/*
 * CR0.NE is fixed to 1 in VMX operation and CR4.VMXE must stay set: the
 * guest sees its own values through the read shadows.  CR0.PG is owned by
 * hvm too, so that entering and leaving long mode keeps EFER.LMA and the
 * "IA-32e mode guest" entry control in step (SDM 25.3, 26.3.1.1).
 */
#define VMX_CR0_HOST_OWNED	(X86_CR0_NE | X86_CR0_PG)
#define VMX_CR4_HOST_OWNED	(X86_CR4_VMXE)

void vmx_vmcs_init(struct vmx_vcpu *vmx)
{
	u32 proc2 = vmx_cfg.proc2;

	vmx->vmcs_cache = false;	/* the VMCS holds nothing of ours yet */
	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, vmx_cfg.pin);
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, vmx_cfg.proc);
	if (!vmx->vpid)
		proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	vmcs_write(SECONDARY_VM_EXEC_CONTROL, proc2);
	vmcs_write(VM_EXIT_CONTROLS, vmx_cfg.exit);
	vmcs_write(VM_ENTRY_CONTROLS, vmx_cfg.entry);
	if (vmx->vpid)
		vmcs_write(VIRTUAL_PROCESSOR_ID, vmx->vpid);
	if (vmx_cfg.ple) {
		/* PAUSE-loop exiting (SDM 26.1.3): PAUSEs at CPL 0 at most
		 * PLE_GAP cycles apart for longer than PLE_WINDOW exit. */
		vmcs_write(PLE_GAP, VMX_PLE_GAP);
		vmcs_write(PLE_WINDOW, VMX_PLE_WINDOW);
	}
	vmcs_write(EPT_POINTER, vmx_eptp(vmx->vcpu.vm));
	vmcs_write(MSR_BITMAP, vmx_msr_bitmap_pa);
	vmcs_write(IO_BITMAP_A, vmx_io_bitmap_a_pa);
	vmcs_write(IO_BITMAP_B, vmx_io_bitmap_b_pa);
	/* #DB and #AC: no endless event delivery without exits
	 * (CVE-2015-5307, CVE-2015-8104). */
	/* #MC exits so the host's handler sees it (SDM 25.2). */
	vmcs_write(EXCEPTION_BITMAP, BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC) |
		   BIT(X86_TRAP_MC));
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(CR0_GUEST_HOST_MASK, VMX_CR0_HOST_OWNED);
	vmcs_write(CR4_GUEST_HOST_MASK, VMX_CR4_HOST_OWNED);
	vmcs_write(VMCS_LINK_POINTER, -1ULL);	/* required (SDM 26.3.1.5) */

	/* Host state that never changes; the rest is written per entry. */
	vmcs_write(HOST_CR0, read_cr0());
	vmcs_write(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write(HOST_DS_SELECTOR, 0);
	vmcs_write(HOST_ES_SELECTOR, 0);
	vmcs_write(HOST_FS_SELECTOR, 0);
	vmcs_write(HOST_GS_SELECTOR, 0);
	vmcs_write(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_write(HOST_IA32_PAT, vmx_cfg.host_pat);
	vmcs_write(HOST_IA32_EFER, vmx_cfg.host_efer);
	vmcs_write(HOST_RIP, (unsigned long)hvm_vmx_vmexit);
}

static void seg_write(int sel, int base, int limit, int ar, u16 s, u64 b,
		      u32 l, u32 a)
{
	vmcs_write(sel, s);
	vmcs_write(base, b);
	vmcs_write(limit, l);
	vmcs_write(ar, a);
}

#define SEG_FIELDS(S) GUEST_##S##_SELECTOR, GUEST_##S##_BASE, \
		      GUEST_##S##_LIMIT, GUEST_##S##_AR_BYTES

/* The architectural reset state (SDM 10.1.1). */
void vmx_vmcs_reset(struct vmx_vcpu *vmx)
{
	struct hvm_vcpu *vcpu = &vmx->vcpu;

	seg_write(SEG_FIELDS(CS), 0xf000, 0xffff0000, 0xffff, 0x9b);
	seg_write(SEG_FIELDS(DS), 0, 0, 0xffff, 0x93);
	seg_write(SEG_FIELDS(ES), 0, 0, 0xffff, 0x93);
	seg_write(SEG_FIELDS(FS), 0, 0, 0xffff, 0x93);
	seg_write(SEG_FIELDS(GS), 0, 0, 0xffff, 0x93);
	seg_write(SEG_FIELDS(SS), 0, 0, 0xffff, 0x93);
	seg_write(SEG_FIELDS(LDTR), 0, 0, 0xffff, 0x82);
	seg_write(SEG_FIELDS(TR), 0, 0, 0xffff, 0x8b);
	vmcs_write(GUEST_GDTR_BASE, 0);
	vmcs_write(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_CR0, X86_CR0_ET | X86_CR0_CD | X86_CR0_NW | X86_CR0_NE);
	vmcs_write(CR0_READ_SHADOW, X86_CR0_ET | X86_CR0_CD | X86_CR0_NW);
	vmcs_write(GUEST_CR3, 0);
	vmcs_write(GUEST_CR4, X86_CR4_VMXE);
	vmcs_write(CR4_READ_SHADOW, 0);
	vmcs_write(GUEST_IA32_EFER, 0);
	vmcs_write(GUEST_IA32_PAT, VMX_DEFAULT_PAT);
	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_DR7, 0x400);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_ACTIVITY_STATE, 0);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_clear_bits(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE);

	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->regs[HVM_RDX] = 0x600;
	vcpu->rip = 0xfff0;
	vcpu->rflags = X86_EFLAGS_FIXED;
	vcpu->dr6 = 0xffff0ff0;
	vcpu->dr7 = 0x400;
	memset(vcpu->dr, 0, sizeof(vcpu->dr));
	vcpu->xcr0 = XFEATURE_MASK_FP;
	vcpu->pending.kind = HVM_PENDING_NONE;
	vmx->cr8 = 0;
	vmx->entry_intr_info = 0;
	vmx_events_exit(vmx);
	vmx->guest_nmis = false;
	vmx->exit_rip = vcpu->rip;
	/* Reset values (SDM 10.1, table 10-1). */
	vmx->guest_star = 0;
	vmx->guest_lstar = 0;
	vmx->guest_cstar = 0;
	vmx->guest_sfmask = 0;
	vmx->syscall_msrs_loaded = false;
	vmx_set_guest_kgs(vmx, 0);
}

/* Access rights (SDM 25.4.1, table 25-2) <-> the ABI's fields. */
static void ar_to_user(u32 ar, struct hvm_segment *s)
{
	s->type = ar & 0xf;
	s->s = !!(ar & VMX_AR_S_MASK);
	s->dpl = VMX_AR_DPL(ar);
	s->present = !!(ar & VMX_AR_P_MASK);
	s->avl = !!(ar & BIT(12));
	s->l = !!(ar & VMX_AR_L_MASK);
	s->db = !!(ar & VMX_AR_DB_MASK);
	s->g = !!(ar & VMX_AR_G_MASK);
	s->unusable = !!(ar & VMX_AR_UNUSABLE_MASK);
	if (s->unusable)
		s->present = 0;
}

static u32 ar_from_user(const struct hvm_segment *s)
{
	if (s->unusable || !s->present)
		return VMX_AR_UNUSABLE_MASK;
	return (s->type & 0xf) | (s->s ? VMX_AR_S_MASK : 0) |
	       ((s->dpl & 3) << VMX_AR_DPL_SHIFT) | VMX_AR_P_MASK |
	       (s->avl ? BIT(12) : 0) | (s->l ? VMX_AR_L_MASK : 0) |
	       (s->db ? VMX_AR_DB_MASK : 0) | (s->g ? VMX_AR_G_MASK : 0);
}

static const struct {
	u32 sel, base, limit, ar;
} vmx_segs[] = {
	[HVM_SEG_ES] = { SEG_FIELDS(ES) },
	[HVM_SEG_CS] = { SEG_FIELDS(CS) },
	[HVM_SEG_SS] = { SEG_FIELDS(SS) },
	[HVM_SEG_DS] = { SEG_FIELDS(DS) },
	[HVM_SEG_FS] = { SEG_FIELDS(FS) },
	[HVM_SEG_GS] = { SEG_FIELDS(GS) },
};

static void seg_read(u32 sel, u32 base, u32 limit, u32 ar,
		     struct hvm_segment *s)
{
	memset(s, 0, sizeof(*s));
	s->selector = vmcs_read(sel);
	s->base = vmcs_read(base);
	s->limit = vmcs_read(limit);
	ar_to_user(vmcs_read(ar), s);
}

static void seg_set(u32 sel, u32 base, u32 limit, u32 ar,
		    const struct hvm_segment *s)
{
	vmcs_write(sel, s->selector);
	vmcs_write(base, s->base);
	vmcs_write(limit, s->limit);
	vmcs_write(ar, ar_from_user(s));
}

void vmx_get_segment(struct hvm_vcpu *vcpu, struct hvm_segment *seg,
		     enum hvm_seg which)
{
	seg_read(vmx_segs[which].sel, vmx_segs[which].base,
		 vmx_segs[which].limit, vmx_segs[which].ar, seg);
}

int vmx_get_cpl(struct hvm_vcpu *vcpu)
{
	if (!(vmx_get_cr0(vcpu) & X86_CR0_PE))
		return 0;
	return VMX_AR_DPL(vmcs_read(GUEST_SS_AR_BYTES));
}

/* The guest's view: its own value in the bits hvm owns. */
u64 vmx_get_cr0(struct hvm_vcpu *vcpu)
{
	return (vmcs_read(GUEST_CR0) & ~VMX_CR0_HOST_OWNED) |
	       (vmcs_read(CR0_READ_SHADOW) & VMX_CR0_HOST_OWNED);
}

u64 vmx_get_cr4(struct hvm_vcpu *vcpu)
{
	return (vmcs_read(GUEST_CR4) & ~VMX_CR4_HOST_OWNED) |
	       (vmcs_read(CR4_READ_SHADOW) & VMX_CR4_HOST_OWNED);
}

u64 vmx_get_efer(struct hvm_vcpu *vcpu)
{
	return vmcs_read(GUEST_IA32_EFER);
}

void vmx_get_sregs(struct hvm_vcpu *vcpu, struct hvm_sregs *r)
{
	vmx_get_segment(vcpu, &r->cs, HVM_SEG_CS);
	vmx_get_segment(vcpu, &r->ds, HVM_SEG_DS);
	vmx_get_segment(vcpu, &r->es, HVM_SEG_ES);
	vmx_get_segment(vcpu, &r->fs, HVM_SEG_FS);
	vmx_get_segment(vcpu, &r->gs, HVM_SEG_GS);
	vmx_get_segment(vcpu, &r->ss, HVM_SEG_SS);
	seg_read(SEG_FIELDS(TR), &r->tr);
	seg_read(SEG_FIELDS(LDTR), &r->ldt);
	r->gdt.base = vmcs_read(GUEST_GDTR_BASE);
	r->gdt.limit = vmcs_read(GUEST_GDTR_LIMIT);
	r->idt.base = vmcs_read(GUEST_IDTR_BASE);
	r->idt.limit = vmcs_read(GUEST_IDTR_LIMIT);
	r->cr0 = vmx_get_cr0(vcpu);
	r->cr2 = vcpu->cr2;
	r->cr3 = vmcs_read(GUEST_CR3);
	r->cr4 = vmx_get_cr4(vcpu);
	r->cr8 = to_vmx(vcpu)->cr8;
	r->efer = vmcs_read(GUEST_IA32_EFER);
}

static void vmx_write_cr0(u64 val)
{
	vmcs_write(CR0_READ_SHADOW, val);
	vmcs_write(GUEST_CR0, val | X86_CR0_NE);
}

static void vmx_write_efer(u64 efer)
{
	vmcs_write(GUEST_IA32_EFER, efer);
	if (efer & EFER_LMA)
		vmcs_set_bits(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE);
	else
		vmcs_clear_bits(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE);
}

/*
 * Real mode and protected mode without paging need unrestricted guest:
 * without it such a state is refused here, not at VM entry.
 */
static bool vmx_mode_ok(u64 cr0)
{
	return vmx_cfg.unrestricted ||
	       ((cr0 & X86_CR0_PE) && (cr0 & X86_CR0_PG));
}

int vmx_set_sregs(struct hvm_vcpu *vcpu, const struct hvm_sregs *r)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	if (!vmx_mode_ok(r->cr0)) {
		pr_info_once("hvm: real mode and unpaged protected mode need VMX unrestricted guest\n");
		return -EINVAL;
	}
	seg_set(SEG_FIELDS(CS), &r->cs);
	seg_set(SEG_FIELDS(DS), &r->ds);
	seg_set(SEG_FIELDS(ES), &r->es);
	seg_set(SEG_FIELDS(FS), &r->fs);
	seg_set(SEG_FIELDS(GS), &r->gs);
	seg_set(SEG_FIELDS(SS), &r->ss);
	seg_set(SEG_FIELDS(TR), &r->tr);
	seg_set(SEG_FIELDS(LDTR), &r->ldt);
	vmcs_write(GUEST_GDTR_BASE, r->gdt.base);
	vmcs_write(GUEST_GDTR_LIMIT, r->gdt.limit);
	vmcs_write(GUEST_IDTR_BASE, r->idt.base);
	vmcs_write(GUEST_IDTR_LIMIT, r->idt.limit);
	vmx_write_cr0(r->cr0);
	vcpu->cr2 = r->cr2;
	vmcs_write(GUEST_CR3, r->cr3);
	vmcs_write(CR4_READ_SHADOW, r->cr4);
	vmcs_write(GUEST_CR4, r->cr4 | X86_CR4_VMXE);
	vmx->cr8 = r->cr8 & 0xf;
	vmx_write_efer(r->efer);
	return 0;
}

/*
 * With EPT, VM entry into PAE paging loads the PDPTEs from these fields,
 * not from guest memory, and VM exit saves the ones in use (SDM 26.3.2.4,
 * 28.3.4): hvm writes them whenever it puts the guest in PAE paging.
 */
void vmx_set_pdptrs(struct hvm_vcpu *vcpu, const u64 *pdptrs)
{
	vmcs_write(GUEST_PDPTR0, pdptrs[0]);
	vmcs_write(GUEST_PDPTR1, pdptrs[1]);
	vmcs_write(GUEST_PDPTR2, pdptrs[2]);
	vmcs_write(GUEST_PDPTR3, pdptrs[3]);
}

/* CR0 bits whose change loads the PDPTEs under PAE paging (SDM 4.4.1). */
#define VMX_CR0_PDPTR_BITS	(X86_CR0_CD | X86_CR0_NW | X86_CR0_PG)

/* MOV to CR0 with a change in a bit hvm owns (SDM vol. 2, MOV CR). */
int vmx_set_cr0(struct vmx_vcpu *vmx, u64 val)
{
	struct hvm_vcpu *vcpu = &vmx->vcpu;
	u64 old = vmx_get_cr0(vcpu), cr4 = vmx_get_cr4(vcpu);
	u64 efer = vmcs_read(GUEST_IA32_EFER), new_efer = efer;
	u64 pdptrs[HVM_NR_PDPTRS];
	bool load_pdptrs;

	if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)) || !vmx_mode_ok(val))
		return -EINVAL;
	/* Paging cannot go off in 64-bit mode (SDM vol. 2, MOV CR: 64-bit
	 * mode exceptions): only from compatibility mode. */
	if ((old & X86_CR0_PG) && !(val & X86_CR0_PG) &&
	    hvm_code_bits(vcpu) == 64)
		return -EINVAL;
	if (!(old & X86_CR0_PG) && (val & X86_CR0_PG) && (efer & EFER_LME)) {
		/* Entering IA-32e mode needs PAE (SDM 10.8.5). */
		if (!(cr4 & X86_CR4_PAE))
			return -EINVAL;
		new_efer |= EFER_LMA;
	} else if ((old & X86_CR0_PG) && !(val & X86_CR0_PG)) {
		new_efer &= ~EFER_LMA;
	}
	/* Invalid PDPTEs: #GP, nothing changes (SDM 4.4.1). */
	load_pdptrs = ((old ^ val) & VMX_CR0_PDPTR_BITS) &&
		      hvm_pae_paging(val, cr4, new_efer);
	if (load_pdptrs && hvm_load_pdptrs(vcpu, vmcs_read(GUEST_CR3), pdptrs))
		return -EINVAL;

	if (load_pdptrs)
		vmx_set_pdptrs(vcpu, pdptrs);
	if (new_efer != efer)
		vmx_write_efer(new_efer);
	vmx_write_cr0(val);
	/* A change of PG flushes the TLBs (SDM 4.10.4.1). */
	if ((old ^ val) & X86_CR0_PG)
		set_bit(HVM_REQ_TLB_FLUSH, &vcpu->requests);
	return 0;
}

/* MOV to CR4 that tries to set VMXE: the guest sees no VMX. */
int vmx_set_cr4(struct vmx_vcpu *vmx, u64 val)
{
	if (val & X86_CR4_VMXE)
		return -EINVAL;
	vmcs_write(CR4_READ_SHADOW, val);
	vmcs_write(GUEST_CR4, val | X86_CR4_VMXE);
	return 0;
}

int vmx_get_msr(struct hvm_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	switch (index) {
	case MSR_EFER:
		*data = vmcs_read(GUEST_IA32_EFER);
		return 0;
	case MSR_IA32_CR_PAT:
		*data = vmcs_read(GUEST_IA32_PAT);
		return 0;
	case MSR_STAR:
		*data = vmx->guest_star;
		return 0;
	case MSR_LSTAR:
		*data = vmx->guest_lstar;
		return 0;
	case MSR_CSTAR:
		*data = vmx->guest_cstar;
		return 0;
	case MSR_SYSCALL_MASK:
		*data = vmx->guest_sfmask;
		return 0;
	case MSR_KERNEL_GS_BASE:
		*data = vmx_get_guest_kgs(vmx);
		return 0;
	/* Not intercepted, in the VMCS: for user space. */
	case MSR_FS_BASE:
		*data = vmcs_read(GUEST_FS_BASE);
		return 0;
	case MSR_GS_BASE:
		*data = vmcs_read(GUEST_GS_BASE);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*data = vmcs_read(GUEST_SYSENTER_CS);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		*data = vmcs_read(GUEST_SYSENTER_ESP);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		*data = vmcs_read(GUEST_SYSENTER_EIP);
		return 0;
	default:
		return -ENOENT;
	}
}


int vmx_set_msr(struct hvm_vcpu *vcpu, u32 index, u64 data)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX;
	u64 efer = vmcs_read(GUEST_IA32_EFER);

	switch (index) {
	case MSR_EFER:
		if (data & ~allowed)
			return -EINVAL;
		if ((vmx_get_cr0(vcpu) & X86_CR0_PG) && ((data ^ efer) & EFER_LME))
			return -EINVAL;
		vmx_write_efer((data & ~EFER_LMA) | (efer & EFER_LMA));
		return 0;
	case MSR_IA32_CR_PAT:
		if (!hvm_pat_valid(data))
			return -EINVAL;
		vmcs_write(GUEST_IA32_PAT, data);
		return 0;
	case MSR_STAR:
		vmx->guest_star = data;
		vmx->syscall_msrs_loaded = false;
		return 0;
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
		if (!hvm_is_canonical(data))
			return -EINVAL;
		if (index == MSR_LSTAR)
			vmx->guest_lstar = data;
		else if (index == MSR_CSTAR)
			vmx->guest_cstar = data;
		else
			vmx_set_guest_kgs(vmx, data);
		vmx->syscall_msrs_loaded = false;
		return 0;
	case MSR_SYSCALL_MASK:
		vmx->guest_sfmask = data & 0xffffffff;
		vmx->syscall_msrs_loaded = false;
		return 0;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write(GUEST_SYSENTER_CS, (u32)data);
		return 0;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!hvm_is_canonical(data))
			return -EINVAL;
		vmcs_write(index == MSR_FS_BASE ? GUEST_FS_BASE :
			   index == MSR_GS_BASE ? GUEST_GS_BASE :
			   index == MSR_IA32_SYSENTER_ESP ? GUEST_SYSENTER_ESP :
			   GUEST_SYSENTER_EIP, data);
		return 0;
	default:
		return -ENOENT;
	}
}
