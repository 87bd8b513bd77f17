// SPDX-License-Identifier: GPL-2.0
/*
 * VMX: the host state around guest entries that VM exit does not restore,
 * and the MSRs VMX does not switch at all.
 */
#include <linux/mm_types.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/segment.h>

#include "vmx.h"
#include "user_return.h"

/*
 * Host state VM exit does not restore (SDM 28.5): it loads null DS/ES/FS/GS
 * selectors and LDTR, truncates the GDT and IDT limits and the TSS limit,
 * and leaves KERNEL_GS_BASE alone, so the guest's stays in it.  None of that
 * matters while the host stays in this task in the kernel, so, as KVM does,
 * hvm saves it before the first entry after vmx_vcpu_load() and restores it
 * only in vmx_vcpu_put(): at the end of the ioctl and when the task is
 * scheduled out (before switch_to() reads KERNEL_GS_BASE as the task's
 * user GS base).
 */
void vmx_switch_to_guest(struct vmx_vcpu *vmx, int cpu)
{
	struct vmx_host_state *h = &vmx->host;
	unsigned long gs_base;
	u32 lo, hi;

	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	asm volatile("sldt %0" : "=g" (h->ldt));
	rdmsrl(MSR_FS_BASE, h->fs_base);
	rdmsrl(MSR_GS_BASE, gs_base);
	rdmsrl(MSR_KERNEL_GS_BASE, h->kgs_base);
	rdmsrl(MSR_IA32_DEBUGCTLMSR, h->debugctl);
	native_store_gdt(&h->gdt);
	store_idt(&h->idt);

	/* Per task or per CPU: both fixed until vmx_vcpu_put(). */
	vmcs_write(HOST_FS_BASE, h->fs_base);
	vmcs_write(HOST_GS_BASE, gs_base);
	vmcs_write(HOST_GDTR_BASE, h->gdt.address);
	vmcs_write(HOST_IDTR_BASE, h->idt.address);
	vmcs_write(HOST_TR_BASE, (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	rdmsr(MSR_IA32_SYSENTER_CS, lo, hi);
	vmcs_write(HOST_IA32_SYSENTER_CS, lo);
	rdmsr(MSR_IA32_SYSENTER_ESP, lo, hi);
	vmcs_write(HOST_IA32_SYSENTER_ESP, ((u64)hi << 32) | lo);
	rdmsr(MSR_IA32_SYSENTER_EIP, lo, hi);
	vmcs_write(HOST_IA32_SYSENTER_EIP, ((u64)hi << 32) | lo);

	wrmsrl(MSR_KERNEL_GS_BASE, vmx->guest_kgs);
	vmx->host_saved = true;
}

static bool host_mm_has_ldt(void)
{
#ifdef CONFIG_MODIFY_LDT_SYSCALL
	return current->mm && READ_ONCE(current->mm->context.ldt);
#else
	return false;
#endif
}

/* Preemption (or interrupts) off. */
void vmx_switch_to_host(struct vmx_vcpu *vmx)
{
	struct vmx_host_state *h = &vmx->host;
	int cpu = smp_processor_id();

	/* The next task's return to user space puts the host's SYSCALL MSRs
	 * back: load the guest's again before the next entry. */
	vmx->syscall_msrs_loaded = false;
	if (!vmx->host_saved)
		return;
	/* SWAPGS in the guest changes it without an exit: read it back. */
	rdmsrl(MSR_KERNEL_GS_BASE, vmx->guest_kgs);
	if (h->ds | h->es) {
		loadsegment(ds, h->ds);
		loadsegment(es, h->es);
	}
	if (h->fs) {
		loadsegment(fs, h->fs);
		wrmsrl(MSR_FS_BASE, h->fs_base);
	}
	if (h->gs)
		load_gs_index(h->gs);
	/* After load_gs_index(), which overwrites it. */
	wrmsrl(MSR_KERNEL_GS_BASE, h->kgs_base);
	/*
	 * VM exit left LDTR null (SDM 27.5.2).  Another thread's modify_ldt()
	 * may have given this mm its first LDT while we ran: its IPI loaded
	 * LDTR (and this CPU's GDT entry), the next exit nulled it again.
	 */
	if (h->ldt || host_mm_has_ldt())
		asm volatile("lldt %0" : : "rm" ((u16)(GDT_ENTRY_LDT * 8)));
	load_fixmap_gdt(cpu);
	load_idt(&h->idt);
	invalidate_tss_limit();
	vmx->host_saved = false;
}

/* The guest's KERNEL_GS_BASE, live in the MSR while the host state is saved. */
u64 vmx_get_guest_kgs(struct vmx_vcpu *vmx)
{
	preempt_disable();
	if (vmx->host_saved)
		rdmsrl(MSR_KERNEL_GS_BASE, vmx->guest_kgs);
	preempt_enable();
	return vmx->guest_kgs;
}

void vmx_set_guest_kgs(struct vmx_vcpu *vmx, u64 data)
{
	preempt_disable();
	vmx->guest_kgs = data;
	if (vmx->host_saved)
		wrmsrl(MSR_KERNEL_GS_BASE, data);
	preempt_enable();
}

/*
 * STAR, LSTAR, CSTAR and SFMASK: VMX does not switch them (SDM 27.3.3);
 * the host's come back before user space runs (user_return.c).  The host
 * kernel never uses them, so, as KVM does, the guest's stay loaded from
 * the first entry after vmx_vcpu_load() to vmx_vcpu_put(): only a return
 * to user space on this CPU (after vmx_vcpu_put(): the end of the ioctl,
 * or this task scheduled out) or hvm turning the CPU off (offline,
 * suspend: this task is off the CPU by then; reboot: no entry follows)
 * puts the host's back.  Also loaded again after a guest or user-space
 * write (syscall_msrs_loaded cleared).  Preemption off.
 */
void vmx_load_syscall_msrs(struct vmx_vcpu *vmx)
{
	hvm_uret_set(HVM_URET_STAR, vmx->guest_star);
	hvm_uret_set(HVM_URET_LSTAR, vmx->guest_lstar);
	hvm_uret_set(HVM_URET_CSTAR, vmx->guest_cstar);
	hvm_uret_set(HVM_URET_SFMASK, vmx->guest_sfmask);
	vmx->syscall_msrs_loaded = true;
}
