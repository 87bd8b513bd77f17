// SPDX-License-Identifier: GPL-2.0
/*
 * The Intel VT-x (VMX) backend: detection and control selection from the
 * capability MSRs, per-CPU VMXON/VMXOFF, VMCS lifetime and migration, and
 * the entry path with the host state VMX does not keep.  VMCS contents are
 * in vmcs.c, exits in vmx_exit.c, EPT/VPID in ept.c, the world switch in
 * vmx_vmrun.S.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/cpu_entry_area.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/trapnr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "vmx.h"
#include "emulate.h"

static bool vpid = true;
module_param(vpid, bool, 0444);
MODULE_PARM_DESC(vpid, "VMX: tag guest TLB entries with VPIDs when the CPU can");
static bool ept_ad = true;
module_param(ept_ad, bool, 0444);
MODULE_PARM_DESC(ept_ad, "VMX: EPT accessed/dirty bits when the CPU has them");
static bool unrestricted_guest = true;
module_param(unrestricted_guest, bool, 0444);
MODULE_PARM_DESC(unrestricted_guest, "VMX: run real-mode guests (unrestricted guest)");
static bool preemption_timer = true;
module_param(preemption_timer, bool, 0444);
MODULE_PARM_DESC(preemption_timer, "VMX: bound guest run time with the preemption timer");
static bool pause_loop_exiting = true;
module_param(pause_loop_exiting, bool, 0444);
MODULE_PARM_DESC(pause_loop_exiting, "VMX: exit on guest PAUSE loops (PLE) when the CPU has it");

struct vmx_config vmx_cfg;
u64 vmx_msr_bitmap_pa, vmx_io_bitmap_a_pa, vmx_io_bitmap_b_pa;
static struct page *vmx_msr_bitmap, *vmx_io_bitmaps;

/* Per CPU: the VMXON region, the VMCSs active here, the current one. */
static DEFINE_PER_CPU(struct page *, vmxon_page);
static DEFINE_PER_CPU(struct list_head, vmx_loaded);
static DEFINE_PER_CPU(void *, vmx_current);

/* The preemption timer counts down at TSC >> rate (SDM 26.5.1). */
#define HVM_PREEMPTION_TIMER_TICKS	0x4000000

extern void asm_exc_nmi_noist(void);


static int vmxon(u64 pa)
{
	asm goto("1: vmxon %[pa]\n\t"
		 "jbe %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [pa] "m" (pa) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

static void vmxoff(void)
{
	asm volatile("1: vmxoff\n2:\n" _ASM_EXTABLE(1b, 2b) ::: "cc", "memory");
}

static void vmclear(u64 pa)
{
	asm volatile("1: vmclear %0\n2:\n" _ASM_EXTABLE(1b, 2b)
		     : : "m" (pa) : "cc", "memory");
}

static void vmptrld(u64 pa)
{
	asm volatile("1: vmptrld %0\n2:\n" _ASM_EXTABLE(1b, 2b)
		     : : "m" (pa) : "cc", "memory");
}

/* Controls: required | wanted, within what the capability MSR allows
 * (SDM A.3-A.5: low half = must be 1, high half = may be 1). */
static int vmx_adjust(u32 min, u32 opt, u32 msr, u32 *out)
{
	u32 lo, hi, ctl = min | opt;

	rdmsr(msr, lo, hi);
	ctl &= hi;
	ctl |= lo;
	if (min & ~ctl)
		return -EOPNOTSUPP;
	*out = ctl;
	return 0;
}

/* MSRs the guest may use without an exit: all are in the guest-state area
 * (loaded on entry, saved on exit), or read-only passes through for the
 * SYSCALL MSRs that hvm loads itself. */
static void vmx_msr_allow(u8 *bm, u32 msr, bool read, bool write)
{
	u32 base = msr >= 0xc0000000 ? 0x400 : 0;
	u32 bit = msr & 0x1fff;

	if (read)
		bm[base + bit / 8] &= ~BIT(bit % 8);
	if (write)
		bm[0x800 + base + bit / 8] &= ~BIT(bit % 8);
}

static int vmx_setup_bitmaps(void)
{
	u8 *bm;

	vmx_msr_bitmap = alloc_page(GFP_KERNEL);
	vmx_io_bitmaps = alloc_pages(GFP_KERNEL, 1);
	if (!vmx_msr_bitmap || !vmx_io_bitmaps)
		return -ENOMEM;
	bm = page_address(vmx_msr_bitmap);
	memset(bm, 0xff, PAGE_SIZE);
	vmx_msr_allow(bm, MSR_FS_BASE, true, true);
	vmx_msr_allow(bm, MSR_GS_BASE, true, true);
	vmx_msr_allow(bm, MSR_IA32_SYSENTER_CS, true, true);
	vmx_msr_allow(bm, MSR_IA32_SYSENTER_ESP, true, true);
	vmx_msr_allow(bm, MSR_IA32_SYSENTER_EIP, true, true);
	vmx_msr_allow(bm, MSR_STAR, true, false);
	vmx_msr_allow(bm, MSR_LSTAR, true, false);
	vmx_msr_allow(bm, MSR_CSTAR, true, false);
	vmx_msr_allow(bm, MSR_SYSCALL_MASK, true, false);
	/* Every port exits. */
	memset(page_address(vmx_io_bitmaps), 0xff, 2 * PAGE_SIZE);
	vmx_msr_bitmap_pa = page_to_phys(vmx_msr_bitmap);
	vmx_io_bitmap_a_pa = page_to_phys(vmx_io_bitmaps);
	vmx_io_bitmap_b_pa = vmx_io_bitmap_a_pa + PAGE_SIZE;
	return 0;
}

static void vmx_unsetup(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (per_cpu(vmxon_page, cpu))
			__free_page(per_cpu(vmxon_page, cpu));
		per_cpu(vmxon_page, cpu) = NULL;
	}
	if (vmx_msr_bitmap)
		__free_page(vmx_msr_bitmap);
	if (vmx_io_bitmaps)
		__free_pages(vmx_io_bitmaps, 1);
	vmx_msr_bitmap = NULL;
	vmx_io_bitmaps = NULL;
}

static int vmx_setup_controls(void)
{
	bool true_msrs;
	u64 basic;
	u32 proc2_opt = 0, pin_opt = 0;
	int r;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	vmx_cfg.revision = basic & 0x7fffffff;
	true_msrs = basic & BIT_ULL(55);
	/* VMCS in write-back memory, at most a page (SDM A.1). */
	if (((basic >> 32) & 0x1fff) > PAGE_SIZE || ((basic >> 50) & 0xf) != 6) {
		pr_err("hvm: unsupported VMCS layout (IA32_VMX_BASIC %llx)\n", basic);
		return -EOPNOTSUPP;
	}

	if (preemption_timer)
		pin_opt |= PIN_BASED_VMX_PREEMPTION_TIMER;
	r = vmx_adjust(PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING |
		       PIN_BASED_VIRTUAL_NMIS, pin_opt,
		       true_msrs ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
				   MSR_IA32_VMX_PINBASED_CTLS, &vmx_cfg.pin);
	if (r)
		goto no;
	r = vmx_adjust(CPU_BASED_HLT_EXITING | CPU_BASED_MWAIT_EXITING |
		       CPU_BASED_RDPMC_EXITING | CPU_BASED_CR8_LOAD_EXITING |
		       CPU_BASED_CR8_STORE_EXITING | CPU_BASED_MOV_DR_EXITING |
		       CPU_BASED_USE_IO_BITMAPS | CPU_BASED_USE_MSR_BITMAPS |
		       CPU_BASED_MONITOR_EXITING | CPU_BASED_USE_TSC_OFFSETTING |
		       CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, 0,
		       true_msrs ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
				   MSR_IA32_VMX_PROCBASED_CTLS, &vmx_cfg.proc);
	if (r)
		goto no;
	/* With EPT, CR3 accesses need not exit (TRUE controls allow it). */
	if (vmx_cfg.proc & (CPU_BASED_CR3_LOAD_EXITING | CPU_BASED_CR3_STORE_EXITING)) {
		pr_err("hvm: this CPU forces CR3 exiting\n");
		return -EOPNOTSUPP;
	}

	if (vpid)
		proc2_opt |= SECONDARY_EXEC_ENABLE_VPID;
	if (unrestricted_guest)
		proc2_opt |= SECONDARY_EXEC_UNRESTRICTED_GUEST;
	if (boot_cpu_has(X86_FEATURE_RDTSCP))
		proc2_opt |= SECONDARY_EXEC_ENABLE_RDTSCP;
	if (boot_cpu_has(X86_FEATURE_INVPCID))
		proc2_opt |= SECONDARY_EXEC_ENABLE_INVPCID;
	if (pause_loop_exiting)
		proc2_opt |= SECONDARY_EXEC_PAUSE_LOOP_EXITING;
	/* WBINVD/WBNOINVD exit: a guest loop would stall the shared caches. */
	r = vmx_adjust(SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_WBINVD_EXITING,
		       proc2_opt,
		       MSR_IA32_VMX_PROCBASED_CTLS2, &vmx_cfg.proc2);
	if (r)
		goto no;
	/*
	 * Debug controls both ways (SDM 25.7.1, 26.3.2.1): the guest runs with
	 * its own DR7 and IA32_DEBUGCTL, never the host's breakpoints, LBR or
	 * BTF; TRUE controls may let them be 0.
	 */
	r = vmx_adjust(VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER |
		       VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_IA32_PAT |
		       VM_EXIT_LOAD_IA32_PAT | VM_EXIT_SAVE_DEBUG_CONTROLS, 0,
		       true_msrs ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
				   MSR_IA32_VMX_EXIT_CTLS, &vmx_cfg.exit);
	if (r)
		goto no;
	r = vmx_adjust(VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT |
		       VM_ENTRY_LOAD_DEBUG_CONTROLS, 0,
		       true_msrs ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
				   MSR_IA32_VMX_ENTRY_CTLS, &vmx_cfg.entry);
	if (r)
		goto no;
	vmx_cfg.entry &= ~VM_ENTRY_IA32E_MODE;	/* per vCPU, from EFER.LMA */

	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, vmx_cfg.ept_vpid_cap);
	if (!(vmx_cfg.ept_vpid_cap & VMX_EPT_PAGE_WALK_4_BIT) ||
	    !(vmx_cfg.ept_vpid_cap & VMX_EPTP_WB_BIT) ||
	    !(vmx_cfg.ept_vpid_cap & VMX_EPT_INVEPT_BIT)) {
		pr_err("hvm: EPT lacks 4-level walks, write-back or INVEPT\n");
		return -EOPNOTSUPP;
	}
	vmx_cfg.vpid = (vmx_cfg.proc2 & SECONDARY_EXEC_ENABLE_VPID) &&
		       (vmx_cfg.ept_vpid_cap & ((u64)VMX_VPID_INVVPID_BIT << 32));
	if (!vmx_cfg.vpid)
		vmx_cfg.proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	vmx_cfg.ept_ad = ept_ad && (vmx_cfg.ept_vpid_cap & VMX_EPT_AD_BIT);
	vmx_cfg.unrestricted = vmx_cfg.proc2 & SECONDARY_EXEC_UNRESTRICTED_GUEST;
	vmx_cfg.preemption_timer = vmx_cfg.pin & PIN_BASED_VMX_PREEMPTION_TIMER;
	vmx_cfg.ple = vmx_cfg.proc2 & SECONDARY_EXEC_PAUSE_LOOP_EXITING;

	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, vmx_cfg.cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, vmx_cfg.cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, vmx_cfg.cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, vmx_cfg.cr4_fixed1);
	return 0;
no:
	pr_err("hvm: VMX lacks a required control\n");
	return r;
}

static int vmx_setup(void)
{
	int cpu, r;

	/* 6.1 clears the flag when IA32_FEATURE_CONTROL locks VMX off. */
	if (!boot_cpu_has(X86_FEATURE_VMX)) {
		pr_err("hvm: VMX is not available (disabled in IA32_FEATURE_CONTROL?)\n");
		return -EOPNOTSUPP;
	}
	r = vmx_setup_controls();
	if (r)
		return r;
	rdmsrl(MSR_IA32_CR_PAT, vmx_cfg.host_pat);
	rdmsrl(MSR_EFER, vmx_cfg.host_efer);

	r = vmx_setup_bitmaps();
	if (r)
		goto err;
	for_each_possible_cpu(cpu) {
		struct page *p = alloc_pages_node(cpu_to_node(cpu),
						  GFP_KERNEL | __GFP_ZERO, 0);

		if (!p) {
			r = -ENOMEM;
			goto err;
		}
		*(u32 *)page_address(p) = vmx_cfg.revision;
		per_cpu(vmxon_page, cpu) = p;
		INIT_LIST_HEAD(&per_cpu(vmx_loaded, cpu));
	}
	return 0;
err:
	vmx_unsetup();
	return r;
}

static bool vmx_fixed_ok(u64 v, u64 fixed0, u64 fixed1)
{
	return (v & fixed0) == fixed0 && !(v & ~fixed1);
}

/* Interrupts off, on the CPU concerned (SDM 24.7, 24.8). */
static int vmx_cpu_enable(void)
{
	if (cr4_read_shadow() & X86_CR4_VMXE)
		return -EBUSY;		/* kvm_intel (or another) is in VMX */
	cr4_set_bits(X86_CR4_VMXE);
	if (!vmx_fixed_ok(read_cr0(), vmx_cfg.cr0_fixed0, vmx_cfg.cr0_fixed1) ||
	    !vmx_fixed_ok(__read_cr4(), vmx_cfg.cr4_fixed0, vmx_cfg.cr4_fixed1) ||
	    vmxon(page_to_phys(this_cpu_read(vmxon_page)))) {
		cr4_clear_bits(X86_CR4_VMXE);
		return -EBUSY;
	}
	this_cpu_write(vmx_current, NULL);
	return 0;
}

static void vmx_clear(struct vmx_vcpu *vmx)
{
	vmclear(vmx->vmcs_pa);
	if (this_cpu_read(vmx_current) == vmx->vmcs)
		this_cpu_write(vmx_current, NULL);
	list_del_init(&vmx->loaded_link);
	vmx->launched = false;
	WRITE_ONCE(vmx->cpu, -1);
}

/* Going offline or disabling: no VMCS may stay active here (SDM 24.11.1). */
static void vmx_cpu_disable(void)
{
	struct vmx_vcpu *vmx, *tmp;

	list_for_each_entry_safe(vmx, tmp, this_cpu_ptr(&vmx_loaded), loaded_link)
		vmx_clear(vmx);
	vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
}

static void vmx_clear_ipi(void *info)
{
	struct vmx_vcpu *vmx = info;

	if (READ_ONCE(vmx->cpu) == smp_processor_id())
		vmx_clear(vmx);
}

/* Make @vmx's VMCS inactive wherever it is active. */
static void vmx_clear_remote(struct vmx_vcpu *vmx)
{
	int cpu = READ_ONCE(vmx->cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, vmx_clear_ipi, vmx, 1);
}

/*
 * Preemption off.  A VMCS is active on one CPU at a time: moving it means
 * VMCLEAR on the old CPU first (by IPI), then VMPTRLD here, and the guest's
 * translations on this CPU are flushed before the next entry.
 */
static void vmx_vcpu_load(struct hvm_vcpu *vcpu, int cpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned long flags;

	if (!hvm_hw_cpu_on())
		return;		/* going offline: no entry will happen here */
	if (READ_ONCE(vmx->cpu) != cpu) {
		vmx_clear_remote(vmx);
		local_irq_save(flags);
		list_add(&vmx->loaded_link, this_cpu_ptr(&vmx_loaded));
		vmx->launched = false;
		WRITE_ONCE(vmx->cpu, cpu);
		local_irq_restore(flags);
		set_bit(HVM_REQ_TLB_FLUSH, &vcpu->requests);
	}
	if (this_cpu_read(vmx_current) != vmx->vmcs) {
		vmptrld(vmx->vmcs_pa);
		this_cpu_write(vmx_current, vmx->vmcs);
	}
}

static void vmx_vcpu_put(struct hvm_vcpu *vcpu)
{
	vmx_switch_to_host(to_vmx(vcpu));
}

static int vmx_vm_init(struct hvm_vm *vm)
{
	return 0;
}

static void vmx_vm_destroy(struct hvm_vm *vm)
{
}

static int vmx_vcpu_init(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	int cpu;

	if (!page)
		return -ENOMEM;
	vmx->vmcs = page_address(page);
	vmx->vmcs_pa = page_to_phys(page);
	*(u32 *)vmx->vmcs = vmx_cfg.revision;
	vmx->cpu = -1;
	INIT_LIST_HEAD(&vmx->loaded_link);
	vmclear(vmx->vmcs_pa);		/* launch state "clear" (SDM 25.11.3) */
	vmx->vpid = vmx_vpid_alloc();

	cpu = get_cpu();
	vmx_vcpu_load(vcpu, cpu);
	vmx_vmcs_init(vmx);
	put_cpu();
	return 0;
}

static void vmx_vcpu_destroy(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_clear_remote(vmx);
	vmx_vpid_free(vmx->vpid);
	free_page((unsigned long)vmx->vmcs);
}

static void vmx_vcpu_reset(struct hvm_vcpu *vcpu)
{
	int cpu = get_cpu();

	vmx_vcpu_load(vcpu, cpu);
	vmx_vmcs_reset(to_vmx(vcpu));
	put_cpu();
}

static void vmx_set_tsc_offset(struct hvm_vcpu *vcpu)
{
	int cpu = get_cpu();

	vmx_vcpu_load(vcpu, cpu);
	vmcs_write(TSC_OFFSET, vcpu->tsc_offset);
	put_cpu();
}

static void vmx_flush_tlb(struct hvm_vcpu *vcpu)
{
	/* Called before entry, preemption on: the flush happens on whatever
	 * CPU we are on; a move to another CPU flushes there again. */
	preempt_disable();
	vmx_flush_guest(to_vmx(vcpu));
	preempt_enable();
}

static void vmx_write_entry_event(struct vmx_vcpu *vmx)
{
	u32 info = vmx->entry_intr_info;

	/* Every VM exit clears the field's valid bit (SDM 24.8.3); a failed
	 * VMLAUNCH/VMRESUME or VM entry has it cleared below: only an event
	 * to deliver needs writing. */
	if (!(info & INTR_INFO_VALID_MASK))
		return;
	/* Real mode delivers no error codes (SDM 27.2.1.3). */
	if (!(vmx_get_cr0(&vmx->vcpu) & X86_CR0_PE))
		info &= ~INTR_INFO_DELIVER_CODE_MASK;
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
	vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, vmx->entry_error_code);
	vmcs_write(VM_ENTRY_INSTRUCTION_LEN, vmx->entry_insn_len);
}

static void vmx_read_exit(struct vmx_vcpu *vmx)
{
	struct hvm_vcpu *vcpu = &vmx->vcpu;

	vmx->exit_reason = vmcs_read(VM_EXIT_REASON);
	vmx->exit_qual = vmcs_read(EXIT_QUALIFICATION);
	vmx->exit_intr_info = 0;
	if ((vmx->exit_reason & 0xffff) == EXIT_REASON_EXCEPTION_NMI)
		vmx->exit_intr_info = vmcs_read(VM_EXIT_INTR_INFO);
	vmx->idt_vectoring_info = vmcs_read(IDT_VECTORING_INFO_FIELD);
	vcpu->rip = vmcs_read(GUEST_RIP);
	vcpu->regs[HVM_RSP] = vmcs_read(GUEST_RSP);
	vcpu->rflags = vmcs_read(GUEST_RFLAGS);
	vmx->vmcs_rsp = vcpu->regs[HVM_RSP];
	vmx->vmcs_rflags = vcpu->rflags;
}

/* A VMCS field written only when it differs from what the VMCS holds. */
static void vmcs_write_cached(struct vmx_vcpu *vmx, unsigned long field,
			      u64 *cached, u64 v)
{
	if (vmx->vmcs_cache && *cached == v)
		return;
	vmcs_write(field, v);
	*cached = v;
}

/*
 * The NMI that made us exit was the host's and never reached the guest, so
 * the guest's own NMI blocking is as before.  Bochs 2.7 saves "blocking by
 * NMI" set in this case; entering with it would hold every later NMI
 * pending until the guest executes IRET.  So for a guest that never got
 * an NMI from hvm, clear it.
 */
static void vmx_nmi_exit_fixup(struct vmx_vcpu *vmx)
{
	u32 intr;

	if (vmx->guest_nmis)
		return;
	intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
	if (intr & GUEST_INTR_STATE_NMI)
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO, intr & ~GUEST_INTR_STATE_NMI);
}

static void vmx_vcpu_run(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	if (!vmx->host_saved)
		vmx_switch_to_guest(vmx, smp_processor_id());
	/* PCID and per-task CR4 bits change under a running task. */
	vmcs_write_cached(vmx, HOST_CR3, &vmx->vmcs_host_cr3, __read_cr3());
	vmcs_write_cached(vmx, HOST_CR4, &vmx->vmcs_host_cr4, cr4_read_shadow());

	vmcs_write(GUEST_RIP, vcpu->rip);
	vmcs_write_cached(vmx, GUEST_RSP, &vmx->vmcs_rsp, vcpu->regs[HVM_RSP]);
	vmcs_write_cached(vmx, GUEST_RFLAGS, &vmx->vmcs_rflags, vcpu->rflags);
	vmx->vmcs_cache = true;
	/* Once hvm moved RIP on, no STI/MOV SS blocking any more. */
	if (vcpu->rip != vmx->exit_rip) {
		u32 intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);

		if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
			vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
				   intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
	}
	vmx_write_entry_event(vmx);
	if (vmx_cfg.preemption_timer)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, HVM_PREEMPTION_TIMER_TICKS);
	if (vcpu->cr2 != native_read_cr2())
		native_write_cr2(vcpu->cr2);
	if (!vmx->syscall_msrs_loaded)
		vmx_load_syscall_msrs(vmx);

	/* L1TF: flush L1D before entering a guest where the host asks. */
	if (boot_cpu_has_bug(X86_BUG_L1TF) && boot_cpu_has(X86_FEATURE_FLUSH_L1D) &&
	    l1tf_vmx_mitigation != VMENTER_L1D_FLUSH_NEVER &&
	    l1tf_vmx_mitigation != VMENTER_L1D_FLUSH_NOT_REQUIRED)
		wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);

	vmx->vmfail = hvm_vmx_vmrun(vcpu->regs, vmx->launched);

	vcpu->cr2 = native_read_cr2();
	/* VM exit clears DEBUGCTL and DR7 (SDM 28.3.1). */
	if (vmx->host.debugctl)
		update_debugctlmsr(vmx->host.debugctl);
	if (hw_breakpoint_active())
		hw_breakpoint_restore();

	vmx->entry_intr_info = 0;
	if (vmx->vmfail) {
		/* No VM exit: the event stays valid in the VMCS (and the
		 * guest's RSP/RFLAGS are what was written). */
		vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
		vmx->vm_insn_error = vmcs_read(VM_INSTRUCTION_ERROR);
		/* Self-heal a launch state we got wrong (SDM 31.4 errors 4, 5). */
		if (vmx->vm_insn_error == 5)
			vmx->launched = false;
		else if (vmx->vm_insn_error == 4)
			vmx->launched = true;
		return;
	}
	vmx_read_exit(vmx);
	/* A VM-entry failure leaves the launch state as it was, and the
	 * entry event valid (SDM 27.8): cleared, the event is dropped. */
	if (!(vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		vmx->launched = true;
	else
		vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmx->exit_rip = vcpu->rip;

	/* A machine check made the entry fail or the guest exit: the host's
	 * handler has not run (SDM 27.8, 25.2). */
	if ((vmx->exit_reason & 0xffff) == EXIT_REASON_MCE_DURING_VMENTRY ||
	    ((vmx->exit_reason & 0xffff) == EXIT_REASON_EXCEPTION_NMI &&
	     (vmx->exit_intr_info & (INTR_INFO_VALID_MASK | INTR_INFO_VECTOR_MASK)) ==
	     (INTR_INFO_VALID_MASK | X86_TRAP_MC)))
		hvm_machine_check();

	/* The host's NMI made us exit: run its handler now, before anything
	 * else can run on this CPU (SDM 27.2.2). */
	if ((vmx->exit_reason & 0xffff) == EXIT_REASON_EXCEPTION_NMI &&
	    (vmx->exit_intr_info & (INTR_INFO_VALID_MASK | INTR_INFO_INTR_TYPE_MASK)) ==
	    (INTR_INFO_VALID_MASK | INTR_TYPE_NMI_INTR)) {
		hvm_vmx_call_nmi((unsigned long)asm_exc_nmi_noist);
		vmx_nmi_exit_fixup(vmx);
	}
}

static void vmx_fill_info(struct hvm_info *info)
{
	info->nr_asids = vmx_cfg.vpid ? 65535 : 0;
	if (vmx_cfg.vpid)
		info->features |= HVM_FEATURE_VPID;
	if (vmx_cfg.ept_ad)
		info->features |= HVM_FEATURE_EPT_AD;
	if (vmx_cfg.unrestricted)
		info->features |= HVM_FEATURE_UNRESTRICTED;
	if (vmx_cfg.preemption_timer)
		info->features |= HVM_FEATURE_PREEMPT_TIMER;
	if (vmx_cfg.ple)
		info->features |= HVM_FEATURE_PAUSE_EXIT;
}

static int vmx_tdp_levels(void)
{
	return 4;
}

const struct hvm_backend_ops hvm_vmx_ops = {
	.name = "Intel VT-x (VMX)",
	.backend_id = HVM_BACKEND_VMX,
	.vm_size = sizeof(struct hvm_vm),
	.vcpu_size = sizeof(struct vmx_vcpu),
	.tdp_format = &vmx_ept_format,
	.tdp_levels = vmx_tdp_levels,
	.setup = vmx_setup,
	.unsetup = vmx_unsetup,
	.cpu_enable = vmx_cpu_enable,
	.cpu_disable = vmx_cpu_disable,
	.fill_info = vmx_fill_info,
	.vm_init = vmx_vm_init,
	.vm_destroy = vmx_vm_destroy,
	.vcpu_init = vmx_vcpu_init,
	.vcpu_destroy = vmx_vcpu_destroy,
	.vcpu_reset = vmx_vcpu_reset,
	.set_tsc_offset = vmx_set_tsc_offset,
	.vcpu_load = vmx_vcpu_load,
	.vcpu_put = vmx_vcpu_put,
	.vcpu_run = vmx_vcpu_run,
	.handle_exit = vmx_handle_exit,
	.get_sregs = vmx_get_sregs,
	.set_sregs = vmx_set_sregs,
	.set_pdptrs = vmx_set_pdptrs,
	.get_segment = vmx_get_segment,
	.get_cpl = vmx_get_cpl,
	.get_cr0 = vmx_get_cr0,
	.get_cr4 = vmx_get_cr4,
	.get_efer = vmx_get_efer,
	.get_msr = vmx_get_msr,
	.set_msr = vmx_set_msr,
	.inject_exception = vmx_inject_exception,
	.flush_tlb = vmx_flush_tlb,
	.event_slot_busy = vmx_event_slot_busy,
	.interrupt_allowed = vmx_interrupt_allowed,
	.nmi_allowed = vmx_nmi_allowed,
	.inject_irq = vmx_inject_irq,
	.inject_nmi = vmx_inject_nmi,
	.enable_irq_window = vmx_enable_irq_window,
	.enable_nmi_window = vmx_enable_nmi_window,
	.get_events = vmx_get_events,
	.set_events = vmx_set_events,
	.get_cr8 = vmx_get_cr8,
	.set_cr8 = vmx_set_cr8,
};
