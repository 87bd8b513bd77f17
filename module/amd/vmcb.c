// SPDX-License-Identifier: GPL-2.0
/*
 * VMCB contents: the intercepts hvm sets, the reset state, and conversion
 * between the VMCB's state save area and the ABI's hvm_sregs.
 */
#include <linux/build_bug.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "svm.h"
#include "backend.h"
#include "emulate.h"

static_assert(offsetof(struct vmcb, control.iopm_base_pa) == 0x040);
static_assert(offsetof(struct vmcb, control.int_ctl) == 0x060);
static_assert(offsetof(struct vmcb, control.exit_code) == 0x070);
static_assert(offsetof(struct vmcb, control.event_inj) == 0x0a8);
static_assert(offsetof(struct vmcb, control.next_rip) == 0x0c8);
static_assert(offsetof(struct vmcb, save.es) == 0x400);
static_assert(offsetof(struct vmcb, save.tr) == 0x490);
static_assert(offsetof(struct vmcb, save.cpl) == 0x4cb);
static_assert(offsetof(struct vmcb, save.efer) == 0x4d0);
static_assert(offsetof(struct vmcb, save.cr4) == 0x548);
static_assert(offsetof(struct vmcb, save.rip) == 0x578);
static_assert(offsetof(struct vmcb, save.rsp) == 0x5d8);
static_assert(offsetof(struct vmcb, save.rax) == 0x5f8);
static_assert(offsetof(struct vmcb, save.cr2) == 0x640);
static_assert(offsetof(struct vmcb, save.g_pat) == 0x668);
static_assert(sizeof(struct vmcb) <= PAGE_SIZE);

/* The power-on PAT (SDM 11.12.4).  A zero G_PAT would make all guest memory
 * uncacheable under NPT on real hardware. */
#define SVM_DEFAULT_PAT		0x0007040600070406ULL

/* Everything a guest could use against the host is intercepted (APM 15.9+). */
void svm_vmcb_init(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;

	c->intercept_dr = 0xffffffff;		/* DR reads and writes */
	/* #DB and #AC: a guest must not be able to loop on event delivery
	 * without the host getting control (CVE-2015-5307, CVE-2015-8104). */
	c->intercept_exceptions = BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC);
	/* #MC: the host's handler must see it (APM 15.12). */
	c->intercept_exceptions |= BIT(X86_TRAP_MC);
	c->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI |
			     SVM_INTERCEPT_SMI | SVM_INTERCEPT_CPUID |
			     SVM_INTERCEPT_INVD | SVM_INTERCEPT_HLT |
			     SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO |
			     SVM_INTERCEPT_MSR | SVM_INTERCEPT_TASK_SWITCH |
			     SVM_INTERCEPT_SHUTDOWN | SVM_INTERCEPT_RDPMC;
	c->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL |
			     SVM_INTERCEPT_VMLOAD | SVM_INTERCEPT_VMSAVE |
			     SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			     SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_WBINVD |
			     SVM_INTERCEPT_MONITOR |
			     SVM_INTERCEPT_MWAIT | SVM_INTERCEPT_MWAIT_COND |
			     SVM_INTERCEPT_XSETBV;
	if (boot_cpu_has(X86_FEATURE_RDPRU))
		c->intercept_misc2 |= SVM_INTERCEPT_RDPRU;
	/* Pause filter (APM 15.14.4): exit after this many PAUSEs in a row,
	 * or, with a threshold, in quick succession (a spin loop). */
	if (svm_use_pause_filter) {
		c->intercept_misc1 |= SVM_INTERCEPT_PAUSE;
		c->pause_filter_count = SVM_PAUSE_FILTER_COUNT;
		if (boot_cpu_has(X86_FEATURE_PFTHRESHOLD))
			c->pause_filter_thresh = SVM_PAUSE_FILTER_THRESH;
	}
	c->iopm_base_pa = svm_iopm_pa;
	c->msrpm_base_pa = svm_msrpm_pa;
	/* The guest's IF and TPR never mask host interrupts (APM 15.21.1). */
	c->int_ctl = SVM_V_INTR_MASKING;
	c->nested_ctl = SVM_NESTED_CTL_NP;
	c->nested_cr3 = svm->vcpu.vm->tdp.root_pa;
	c->clean = 0;
	svm_mark_dirty(svm, SVM_CLEAN_ALL);
}

static void seg_set(struct vmcb_seg *s, u16 sel, u64 base, u32 limit, u16 attrib)
{
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->attrib = attrib;
}

/* The architectural reset state (SDM 9.1.1, APM 14.1.3). */
void svm_vmcb_reset(struct svm_vcpu *svm)
{
	struct vmcb_save *s = &svm->vmcb->save;
	struct hvm_vcpu *vcpu = &svm->vcpu;

	memset(s, 0, sizeof(*s));
	seg_set(&s->cs, 0xf000, 0xffff0000, 0xffff, 0x9b);
	seg_set(&s->ds, 0, 0, 0xffff, 0x93);
	seg_set(&s->es, 0, 0, 0xffff, 0x93);
	seg_set(&s->fs, 0, 0, 0xffff, 0x93);
	seg_set(&s->gs, 0, 0, 0xffff, 0x93);
	seg_set(&s->ss, 0, 0, 0xffff, 0x93);
	seg_set(&s->gdtr, 0, 0, 0xffff, 0);
	seg_set(&s->idtr, 0, 0, 0xffff, 0);
	seg_set(&s->ldtr, 0, 0, 0xffff, 0x82);
	seg_set(&s->tr, 0, 0, 0xffff, 0x8b);
	s->cr0 = X86_CR0_ET | X86_CR0_CD | X86_CR0_NW;
	s->efer = EFER_SVME;		/* VMRUN requires it (APM 15.5.1) */
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = SVM_DEFAULT_PAT;
	svm->vmcb->control.int_ctl &= ~SVM_V_TPR_MASK;
	svm->vmcb->control.int_state = 0;
	svm->vmcb->control.event_inj = 0;
	svm_clear_virq(svm);
	svm->virq_pending = false;
	svm_events_exit(svm);
	svm->nmi_masked = false;
	svm->awaiting_iret = false;
	svm->singlestep = false;
	svm->vmcb->control.intercept_misc1 &= ~SVM_INTERCEPT_IRET;

	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->regs[HVM_RDX] = 0x600;	/* processor signature, family 6 */
	vcpu->rip = 0xfff0;
	vcpu->rflags = X86_EFLAGS_FIXED;
	vcpu->dr6 = 0xffff0ff0;
	vcpu->dr7 = 0x400;
	memset(vcpu->dr, 0, sizeof(vcpu->dr));
	vcpu->xcr0 = XFEATURE_MASK_FP;
	vcpu->pending.kind = HVM_PENDING_NONE;
	svm->exit_rip = vcpu->rip;
	svm->state_dirty = true;
	svm_mark_dirty(svm, SVM_CLEAN_ALL);
}

static void seg_to_user(const struct vmcb_seg *v, struct hvm_segment *s)
{
	u16 a = v->attrib;

	memset(s, 0, sizeof(*s));
	s->selector = v->selector;
	s->base = v->base;
	s->limit = v->limit;
	s->type = a & SVM_ATTR_TYPE_MASK;
	s->s = !!(a & SVM_ATTR_S);
	s->dpl = (a >> SVM_ATTR_DPL_SHIFT) & 3;
	s->present = !!(a & SVM_ATTR_P);
	s->avl = !!(a & SVM_ATTR_AVL);
	s->l = !!(a & SVM_ATTR_L);
	s->db = !!(a & SVM_ATTR_DB);
	s->g = !!(a & SVM_ATTR_G);
	s->unusable = !s->present;
}

static void seg_from_user(const struct hvm_segment *s, struct vmcb_seg *v)
{
	v->selector = s->selector;
	v->base = s->base;
	v->limit = s->limit;
	if (s->unusable) {
		v->attrib = 0;
		return;
	}
	v->attrib = (s->type & SVM_ATTR_TYPE_MASK) |
		    (s->s ? SVM_ATTR_S : 0) |
		    ((s->dpl & 3) << SVM_ATTR_DPL_SHIFT) |
		    (s->present ? SVM_ATTR_P : 0) |
		    (s->avl ? SVM_ATTR_AVL : 0) | (s->l ? SVM_ATTR_L : 0) |
		    (s->db ? SVM_ATTR_DB : 0) | (s->g ? SVM_ATTR_G : 0);
}

static const struct vmcb_seg *seg_of(const struct vmcb_save *s, int which)
{
	switch (which) {
	case HVM_SEG_ES: return &s->es;
	case HVM_SEG_CS: return &s->cs;
	case HVM_SEG_SS: return &s->ss;
	case HVM_SEG_FS: return &s->fs;
	case HVM_SEG_GS: return &s->gs;
	default: return &s->ds;
	}
}

void svm_get_segment(struct hvm_vcpu *vcpu, struct hvm_segment *seg,
		     enum hvm_seg which)
{
	seg_to_user(seg_of(&to_svm(vcpu)->vmcb->save, which), seg);
}

void svm_get_sregs(struct hvm_vcpu *vcpu, struct hvm_sregs *r)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	const struct vmcb_save *s = &svm->vmcb->save;

	seg_to_user(&s->cs, &r->cs);
	seg_to_user(&s->ds, &r->ds);
	seg_to_user(&s->es, &r->es);
	seg_to_user(&s->fs, &r->fs);
	seg_to_user(&s->gs, &r->gs);
	seg_to_user(&s->ss, &r->ss);
	seg_to_user(&s->tr, &r->tr);
	seg_to_user(&s->ldtr, &r->ldt);
	r->gdt.base = s->gdtr.base;
	r->gdt.limit = s->gdtr.limit;
	r->idt.base = s->idtr.base;
	r->idt.limit = s->idtr.limit;
	r->cr0 = s->cr0;
	r->cr2 = s->cr2;
	r->cr3 = s->cr3;
	r->cr4 = s->cr4;
	r->cr8 = svm->vmcb->control.int_ctl & SVM_V_TPR_MASK;
	r->efer = s->efer & ~EFER_SVME;	/* the guest never sees SVME */
}

/* The hardware checks the rest at VMRUN: bad state is a FAIL_ENTRY exit. */
int svm_set_sregs(struct hvm_vcpu *vcpu, const struct hvm_sregs *r)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save *s = &svm->vmcb->save;

	seg_from_user(&r->cs, &s->cs);
	seg_from_user(&r->ds, &s->ds);
	seg_from_user(&r->es, &s->es);
	seg_from_user(&r->fs, &s->fs);
	seg_from_user(&r->gs, &s->gs);
	seg_from_user(&r->ss, &s->ss);
	seg_from_user(&r->tr, &s->tr);
	seg_from_user(&r->ldt, &s->ldtr);
	s->gdtr.base = r->gdt.base;
	s->gdtr.limit = r->gdt.limit;
	s->idtr.base = r->idt.base;
	s->idtr.limit = r->idt.limit;
	s->cr0 = r->cr0;
	s->cr2 = r->cr2;
	s->cr3 = r->cr3;
	s->cr4 = r->cr4;
	s->efer = r->efer | EFER_SVME;
	/* CPL is SS.DPL; 0 in real mode (APM 15.5.1). */
	s->cpl = (r->cr0 & X86_CR0_PE) ? r->ss.dpl & 3 : 0;
	svm->vmcb->control.int_ctl = (svm->vmcb->control.int_ctl & ~SVM_V_TPR_MASK) |
				     (r->cr8 & SVM_V_TPR_MASK);
	svm->state_dirty = true;
	svm_mark_dirty(svm, SVM_CLEAN_SEG | SVM_CLEAN_DT | SVM_CLEAN_CR |
		       SVM_CLEAN_CR2 | SVM_CLEAN_TPR);
	return 0;
}

/* MSRs whose guest value is in the VMCB but are intercepted. */
int svm_get_msr(struct hvm_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmcb_save *s = &to_svm(vcpu)->vmcb->save;

	switch (index) {
	case MSR_EFER:
		*data = s->efer & ~EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		*data = s->g_pat;
		return 0;
	}
	/* Not intercepted, kept in the VMCB by VMSAVE: for user space. */
	switch (index) {
	case MSR_FS_BASE:		*data = s->fs.base; return 0;
	case MSR_GS_BASE:		*data = s->gs.base; return 0;
	case MSR_KERNEL_GS_BASE:	*data = s->kernel_gs_base; return 0;
	case MSR_STAR:			*data = s->star; return 0;
	case MSR_LSTAR:			*data = s->lstar; return 0;
	case MSR_CSTAR:			*data = s->cstar; return 0;
	case MSR_SYSCALL_MASK:		*data = s->sfmask; return 0;
	case MSR_IA32_SYSENTER_CS:	*data = s->sysenter_cs; return 0;
	case MSR_IA32_SYSENTER_ESP:	*data = s->sysenter_esp; return 0;
	case MSR_IA32_SYSENTER_EIP:	*data = s->sysenter_eip; return 0;
	}
	return -ENOENT;
}


int svm_set_msr(struct hvm_vcpu *vcpu, u32 index, u64 data)
{
	struct vmcb_save *s = &to_svm(vcpu)->vmcb->save;
	u64 allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX | EFER_FFXSR;
	switch (index) {
	case MSR_EFER:
		if (data & ~allowed)
			return -EINVAL;
		/* LME may not change while paging is on (SDM 9.8.5). */
		if ((s->cr0 & X86_CR0_PG) && ((data ^ s->efer) & EFER_LME))
			return -EINVAL;
		data = (data & ~EFER_LMA) | (s->efer & EFER_LMA);
		s->efer = data | EFER_SVME;
		svm_mark_dirty(to_svm(vcpu), SVM_CLEAN_CR);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!hvm_pat_valid(data))
			return -EINVAL;
		s->g_pat = data;
		svm_mark_dirty(to_svm(vcpu), SVM_CLEAN_NP);
		return 0;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!hvm_is_canonical(data))
			return -EINVAL;
		break;
	}
	/* VMLOAD puts these in place at the next entry. */
	switch (index) {
	case MSR_FS_BASE:		s->fs.base = data; return 0;
	case MSR_GS_BASE:		s->gs.base = data; return 0;
	case MSR_KERNEL_GS_BASE:	s->kernel_gs_base = data; return 0;
	case MSR_STAR:			s->star = data; return 0;
	case MSR_LSTAR:			s->lstar = data; return 0;
	case MSR_CSTAR:			s->cstar = data; return 0;
	case MSR_SYSCALL_MASK:		s->sfmask = (u32)data; return 0;
	case MSR_IA32_SYSENTER_CS:	s->sysenter_cs = (u32)data; return 0;
	case MSR_IA32_SYSENTER_ESP:	s->sysenter_esp = data; return 0;
	case MSR_IA32_SYSENTER_EIP:	s->sysenter_eip = data; return 0;
	}
	return -ENOENT;
}
