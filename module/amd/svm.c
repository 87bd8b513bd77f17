// SPDX-License-Identifier: GPL-2.0
/*
 * The AMD-V (SVM) backend: detection, per-CPU on/off, vCPU objects and the
 * entry path.  VMCB contents are in vmcb.c, exits in svm_exit.c, the world
 * switch in svm_vmrun.S.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/trapnr.h>

#include "svm.h"
#include "backend.h"
#include "emulate.h"

static bool nrips = true;
module_param(nrips, bool, 0444);
MODULE_PARM_DESC(nrips, "Use SVM next-RIP save when the CPU has it");
static bool flush_by_asid = true;
module_param(flush_by_asid, bool, 0444);
MODULE_PARM_DESC(flush_by_asid, "Use SVM flush-by-ASID when the CPU has it");

static bool decode_assists = true;
module_param(decode_assists, bool, 0444);
MODULE_PARM_DESC(decode_assists, "Use SVM decode assists when the CPU has them");
static bool vmcb_clean = true;
module_param(vmcb_clean, bool, 0444);
MODULE_PARM_DESC(vmcb_clean, "Use SVM VMCB clean bits when the CPU has them");
static int virq_inject = -1;
module_param(virq_inject, int, 0444);
MODULE_PARM_DESC(virq_inject, "Inject external interrupts as V_IRQ, not through EVENTINJ: 1 yes, 0 no, -1 (default) only under QEMU's TCG, which may deliver an EVENTINJ interrupt twice");
static bool pause_filter = true;
module_param(pause_filter, bool, 0444);
MODULE_PARM_DESC(pause_filter, "Exit on guest PAUSE loops (SVM pause filter) when the CPU has it");

bool svm_use_nrips;
bool svm_use_decode;
bool svm_use_vmcb_clean;
bool svm_use_flush_asid;
bool svm_use_pause_filter;
bool svm_use_virq_inject;
u32 svm_nr_asids;
u64 svm_iopm_pa, svm_msrpm_pa;
static struct page *svm_iopm, *svm_msrpm;

/* QEMU's TCG names itself in the hypervisor CPUID leaves. */
static bool svm_under_qemu_tcg(void)
{
	return boot_cpu_has(X86_FEATURE_HYPERVISOR) &&
	       hypervisor_cpuid_base("TCGTCGTCGTCG", 0);
}

#define SVM_IOPM_ORDER	2	/* 12 KiB used (APM 15.10.1) */
#define SVM_MSRPM_ORDER	1	/* 8 KiB (APM 15.11) */
#define SVM_VM_CR_SVMDIS	BIT(4)

/*
 * MSRs the guest reads and writes without an exit.  All of them are in the
 * state VMLOAD/VMSAVE switch (APM 15.5.2), so the guest's values never stay
 * live on the host.  Everything else is intercepted.
 */
static const u32 svm_msr_allow[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

static void svm_msrpm_allow(u8 *pm, u32 msr)
{
	static const u32 base[] = { 0, 0xc0000000, 0xc0010000 };
	int i;

	for (i = 0; i < ARRAY_SIZE(base); i++) {
		if (msr >= base[i] && msr < base[i] + 0x2000) {
			u32 bit = (msr - base[i]) * 2;

			/* Read and write intercept bits of this MSR. */
			pm[i * 0x800 + bit / 8] &= ~(3 << (bit % 8));
			return;
		}
	}
}

static int svm_setup(void)
{
	u64 vm_cr;
	int i, r;

	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & SVM_VM_CR_SVMDIS) {
		pr_err("hvm: SVM is disabled by the firmware (VM_CR.SVMDIS)\n");
		return -EOPNOTSUPP;
	}
	if (!boot_cpu_has(X86_FEATURE_NPT)) {
		pr_err("hvm: SVM without nested paging is not supported\n");
		return -EOPNOTSUPP;
	}
	svm_nr_asids = cpuid_ebx(0x8000000a);
	if (svm_nr_asids < 2) {
		pr_err("hvm: the CPU offers no guest ASIDs\n");
		return -EOPNOTSUPP;
	}
	svm_use_nrips = nrips && boot_cpu_has(X86_FEATURE_NRIPS);
	svm_use_flush_asid = flush_by_asid && boot_cpu_has(X86_FEATURE_FLUSHBYASID);
	svm_use_pause_filter = pause_filter && boot_cpu_has(X86_FEATURE_PAUSEFILTER);
	/* The decode-assist paths also need next-RIP to skip instructions. */
	svm_use_decode = decode_assists && svm_use_nrips &&
			 boot_cpu_has(X86_FEATURE_DECODEASSISTS);
	svm_use_vmcb_clean = vmcb_clean && boot_cpu_has(X86_FEATURE_VMCBCLEAN);
	svm_use_virq_inject = virq_inject > 0 ||
			      (virq_inject < 0 && svm_under_qemu_tcg());
	if (svm_use_virq_inject)
		pr_info("hvm: injecting interrupts as V_IRQ (virq_inject)\n");

	svm_iopm = alloc_pages(GFP_KERNEL, SVM_IOPM_ORDER);
	svm_msrpm = alloc_pages(GFP_KERNEL, SVM_MSRPM_ORDER);
	if (!svm_iopm || !svm_msrpm) {
		r = -ENOMEM;
		goto err;
	}
	/* Every port and every MSR exits unless allowed below. */
	memset(page_address(svm_iopm), 0xff, PAGE_SIZE << SVM_IOPM_ORDER);
	memset(page_address(svm_msrpm), 0xff, PAGE_SIZE << SVM_MSRPM_ORDER);
	for (i = 0; i < ARRAY_SIZE(svm_msr_allow); i++)
		svm_msrpm_allow(page_address(svm_msrpm), svm_msr_allow[i]);
	svm_iopm_pa = page_to_phys(svm_iopm);
	svm_msrpm_pa = page_to_phys(svm_msrpm);

	r = svm_asid_setup();
	if (r)
		goto err;
	return 0;
err:
	if (svm_iopm)
		__free_pages(svm_iopm, SVM_IOPM_ORDER);
	if (svm_msrpm)
		__free_pages(svm_msrpm, SVM_MSRPM_ORDER);
	return r;
}

static void svm_unsetup(void)
{
	svm_asid_unsetup();
	__free_pages(svm_iopm, SVM_IOPM_ORDER);
	__free_pages(svm_msrpm, SVM_MSRPM_ORDER);
}

static void svm_fill_info(struct hvm_info *info)
{
	info->nr_asids = svm_nr_asids;
	if (svm_use_nrips)
		info->features |= HVM_FEATURE_NRIPS;
	if (svm_use_flush_asid)
		info->features |= HVM_FEATURE_FLUSHASID;
	if (svm_use_decode)
		info->features |= HVM_FEATURE_DECODE;
	if (svm_use_vmcb_clean)
		info->features |= HVM_FEATURE_CLEAN;
	if (svm_use_pause_filter)
		info->features |= HVM_FEATURE_PAUSE_EXIT;
	if (svm_npt_levels() == 5)
		info->features |= HVM_FEATURE_LA57;
}

/* EFER.SVME already set means another hypervisor is using SVM here. */
static int svm_cpu_enable(void)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, svm_hsave_pa(smp_processor_id()));
	svm_asid_cpu_enable();
	return 0;
}

static void svm_cpu_disable(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		/* GIF must be set before SVM goes away, or it stays clear. */
		asm volatile("stgi" ::: "memory");
		wrmsrl(MSR_EFER, efer & ~EFER_SVME);
	}
}

static int svm_vm_init(struct hvm_vm *vm)
{
	return 0;
}

static void svm_vm_destroy(struct hvm_vm *vm)
{
}

static int svm_vcpu_init(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (!page)
		return -ENOMEM;
	svm->vmcb = page_address(page);
	svm->vmcb_pa = page_to_phys(page);
	svm->good_state = kzalloc(sizeof(*svm->good_state), GFP_KERNEL_ACCOUNT);
	if (!svm->good_state) {
		__free_page(page);
		return -ENOMEM;
	}
	svm->asid_cpu = -1;
	svm->clean_cpu = -1;
	svm_vmcb_init(svm);
	return 0;
}

static void svm_vcpu_destroy(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	kfree(svm->good_state);
	free_page((unsigned long)svm->vmcb);
}

static void svm_vcpu_reset(struct hvm_vcpu *vcpu)
{
	svm_vmcb_reset(to_svm(vcpu));
}

static void svm_set_tsc_offset(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	svm->vmcb->control.tsc_offset = vcpu->tsc_offset;
	svm_mark_dirty(svm, SVM_CLEAN_I);
}

/* On this CPU, the host state VMLOAD restores after each exit must be
 * saved again before the first entry (another task may have used the
 * CPU's save page, with its own FS, GS and LDT). */
static void svm_vcpu_load(struct hvm_vcpu *vcpu, int cpu)
{
	to_svm(vcpu)->host_saved = false;
}

static void svm_vcpu_put(struct hvm_vcpu *vcpu)
{
}

static inline void svm_clgi(void)
{
	asm volatile("clgi" ::: "memory");
}

static inline void svm_stgi(void)
{
	asm volatile("stgi" ::: "memory");
}

/*
 * What LDTR holds: its selector and, when not null, the descriptor LLDT
 * read from this CPU's GDT (Linux's load_mm_ldt() writes it there before
 * each LLDT).  Equal values mean an equal LDTR, whichever LDT it is.
 */
static void svm_read_host_ldt(struct svm_host_ldt *l)
{
	struct desc_ptr gdt;

	store_ldt(l->sel);
	l->desc[0] = 0;
	l->desc[1] = 0;
	if (l->sel) {
		native_store_gdt(&gdt);
		memcpy(l->desc, (const void *)(gdt.address + (l->sel & ~7)),
		       sizeof(l->desc));
	}
}

static bool svm_host_ldt_same(const struct svm_host_ldt *a,
			      const struct svm_host_ldt *b)
{
	return a->sel == b->sel && a->desc[0] == b->desc[0] &&
	       a->desc[1] == b->desc[1];
}

static void svm_vcpu_run(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	int cpu = smp_processor_id();
	struct svm_host_ldt ldt;
	bool save_host;

	svm_asid_pre_run(svm, cpu);
	if (svm->state_dirty) {
		memcpy(svm->good_state, &vmcb->save, sizeof(vmcb->save));
		svm->state_dirty = false;
	}
	/* Once hvm moved RIP on, the instruction completed: no STI/MOV SS
	 * shadow any more. */
	if (vcpu->rip != svm->exit_rip)
		vmcb->control.int_state &= ~SVM_INT_SHADOW;
	svm_stepping(svm);	/* under TCG a step ends there too */
	/* Clean bits tell the CPU what it may keep from its VMCB cache; the
	 * cache is per CPU, so a VMCB arriving from elsewhere is all dirty. */
	if (svm_use_vmcb_clean && svm->clean_cpu == cpu)
		vmcb->control.clean = SVM_CLEAN_ALL & ~svm->dirty;
	else
		vmcb->control.clean = 0;
	svm->clean_cpu = cpu;
	svm->dirty = 0;
	vmcb->save.rax = vcpu->regs[HVM_RAX];
	vmcb->save.rsp = vcpu->regs[HVM_RSP];
	vmcb->save.rip = vcpu->rip;
	vmcb->save.rflags = vcpu->rflags;

	/*
	 * The VMSAVE state of the host (FS, GS, TR, LDTR, KernelGSbase, the
	 * SYSCALL/SYSENTER MSRs; APM 15.5.2) stays the same while this task
	 * runs here in the kernel: saved once per load, as KVM does.  Except
	 * LDTR: another thread's modify_ldt() reloads it on this CPU by IPI,
	 * and VMLOAD would put the old LDT back (freed memory).  Interrupts
	 * are off from here to the VMLOAD after the exit, so that IPI is
	 * taken after it and seen here at the next entry.
	 */
	svm_read_host_ldt(&ldt);
	save_host = !svm->host_saved || !svm_host_ldt_same(&ldt, &svm->host_ldt);
	svm_clgi();
	hvm_svm_vmrun(vcpu->regs, svm->vmcb_pa, svm_host_save_pa(cpu), save_host);
	svm_stgi();
	svm->host_saved = true;
	svm->host_ldt = ldt;

	vmcb->control.tlb_ctl = SVM_TLB_FLUSH_NONE;
	if ((u32)vmcb->control.exit_code != SVM_EXIT_INVALID) {
		vcpu->regs[HVM_RAX] = vmcb->save.rax;
		vcpu->regs[HVM_RSP] = vmcb->save.rsp;
		vcpu->rip = vmcb->save.rip;
		vcpu->rflags = vmcb->save.rflags;
	}
	svm->exit_rip = vcpu->rip;
	if (vmcb->control.exit_code == SVM_EXIT_EXCP_BASE + X86_TRAP_MC)
		hvm_machine_check();
	/* #VMEXIT leaves DR7 disabled (APM 15.5.1): restore host breakpoints. */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
}

static int svm_get_cpl(struct hvm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.cpl;
}

static u64 svm_get_cr0(struct hvm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.cr0;
}

static u64 svm_get_cr4(struct hvm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.cr4;
}

static u64 svm_get_efer(struct hvm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.efer & ~EFER_SVME;
}

static void svm_flush_tlb(struct hvm_vcpu *vcpu)
{
	svm_asid_flush(to_svm(vcpu));
}

static int svm_tdp_levels(void)
{
	return svm_npt_levels();
}

const struct hvm_backend_ops hvm_svm_ops = {
	.name = "AMD-V (SVM)",
	.backend_id = HVM_BACKEND_SVM,
	.vm_size = sizeof(struct svm_vm),
	.vcpu_size = sizeof(struct svm_vcpu),
	.tdp_format = &svm_npt_format,
	.tdp_levels = svm_tdp_levels,
	.setup = svm_setup,
	.unsetup = svm_unsetup,
	.cpu_enable = svm_cpu_enable,
	.cpu_disable = svm_cpu_disable,
	.fill_info = svm_fill_info,
	.vm_init = svm_vm_init,
	.vm_destroy = svm_vm_destroy,
	.vcpu_init = svm_vcpu_init,
	.vcpu_destroy = svm_vcpu_destroy,
	.vcpu_reset = svm_vcpu_reset,
	.set_tsc_offset = svm_set_tsc_offset,
	.vcpu_load = svm_vcpu_load,
	.vcpu_put = svm_vcpu_put,
	.vcpu_run = svm_vcpu_run,
	.handle_exit = svm_handle_exit,
	.get_sregs = svm_get_sregs,
	.set_sregs = svm_set_sregs,
	.get_segment = svm_get_segment,
	.get_cpl = svm_get_cpl,
	.get_cr0 = svm_get_cr0,
	.get_cr4 = svm_get_cr4,
	.get_efer = svm_get_efer,
	.get_msr = svm_get_msr,
	.set_msr = svm_set_msr,
	.inject_exception = svm_inject_exception,
	.flush_tlb = svm_flush_tlb,
	.event_slot_busy = svm_event_slot_busy,
	.interrupt_allowed = svm_interrupt_allowed,
	.nmi_allowed = svm_nmi_allowed,
	.inject_irq = svm_inject_irq,
	.inject_nmi = svm_inject_nmi,
	.enable_irq_window = svm_enable_irq_window,
	.enable_nmi_window = svm_enable_nmi_window,
	.get_events = svm_get_events,
	.set_events = svm_set_events,
	.get_cr8 = svm_get_cr8,
	.set_cr8 = svm_set_cr8,
};
