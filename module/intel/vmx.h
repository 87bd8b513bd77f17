/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX backend's own objects and the VMX instructions as C helpers.
 * Field encodings and control bits are the kernel's <asm/vmx.h> (SDM vol.
 * 3, appendix B and ch. 25).
 */
#ifndef HVM_INTEL_VMX_H
#define HVM_INTEL_VMX_H

#include <linux/list.h>
#include <linux/types.h>
#include <asm/asm.h>
#include <asm/desc_defs.h>
#include <asm/vmx.h>

#include "hvm.h"
#include "backend.h"

/* What VM exit does not restore, saved per task and CPU (vmx.c). */
struct vmx_host_state {
	u16 ds, es, fs, gs, ldt;
	unsigned long fs_base, kgs_base, debugctl;
	struct desc_ptr gdt, idt;
};

struct vmx_vcpu {
	struct hvm_vcpu vcpu;		/* first: the core allocates us */
	void *vmcs;
	u64 vmcs_pa;
	int cpu;			/* where the VMCS is active, or -1 */
	struct list_head loaded_link;	/* on that CPU's list */
	bool launched;			/* VMRESUME, not VMLAUNCH */
	u16 vpid;

	/* The last exit, read right after it (the instruction length and
	 * the vectoring error code are read where needed, the interruption
	 * information only for an exception or NMI exit). */
	u32 exit_reason;
	u64 exit_qual;
	u32 exit_intr_info;
	u32 idt_vectoring_info;
	bool vmfail;			/* VMLAUNCH/VMRESUME failed */
	/* What the VMCS holds, so that an entry writes only what changed:
	 * valid once written (vmcs_cache). */
	bool vmcs_cache;
	u64 vmcs_rsp, vmcs_rflags, vmcs_host_cr3, vmcs_host_cr4;
	u32 vm_insn_error;

	u64 exit_rip;
	u32 entry_intr_info;		/* event for the next entry */
	u32 entry_error_code;
	u32 entry_insn_len;
	u64 cr8;
	u32 windows;			/* interrupt/NMI-window exiting bits set */
	/* hvm has given this guest NMIs: its NMI blocking is real. */
	bool guest_nmis;

	/* MSRs VMX does not switch (SDM 27.3.3).  The SYSCALL ones are loaded
	 * as user-return MSRs before the first entry after a load or after
	 * they changed (syscall_msrs_loaded clear); KERNEL_GS_BASE is live in
	 * the MSR while host_saved (read it with vmx_get_guest_kgs()). */
	u64 guest_star, guest_lstar, guest_cstar, guest_sfmask, guest_kgs;
	bool syscall_msrs_loaded;

	/* Host state saved before the first entry after a load (vmx.c). */
	bool host_saved;
	struct vmx_host_state host;
};

static inline struct vmx_vcpu *to_vmx(struct hvm_vcpu *vcpu)
{
	return container_of(vcpu, struct vmx_vcpu, vcpu);
}

/*
 * VMREAD/VMWRITE.  If VMX was turned off under us (only on the way to a
 * reboot) the fault is skipped: reads return 0.
 */
static __always_inline u64 vmcs_read(unsigned long field)
{
	unsigned long v = 0;

	asm volatile("1: vmread %[f], %[v]\n2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : [v] "+r" (v) : [f] "r" (field) : "cc");
	return v;
}

static __always_inline void vmcs_write(unsigned long field, u64 v)
{
	asm volatile("1: vmwrite %[v], %[f]\n2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : : [v] "rm" ((unsigned long)v), [f] "r" (field) : "cc");
}

static inline void vmcs_set_bits(unsigned long field, u32 bits)
{
	vmcs_write(field, vmcs_read(field) | bits);
}

static inline void vmcs_clear_bits(unsigned long field, u32 bits)
{
	vmcs_write(field, vmcs_read(field) & ~bits);
}

/* Features in use after module parameters; the controls chosen at load. */
struct vmx_config {
	u32 revision;
	u32 pin, proc, proc2, exit, entry;
	u64 ept_vpid_cap;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool vpid, ept_ad, unrestricted, preemption_timer, ple, invpcid, rdtscp;
	u64 host_pat, host_efer;
};
extern struct vmx_config vmx_cfg;

/* PAUSE-loop exiting, in TSC cycles (the values KVM starts with). */
#define VMX_PLE_GAP		128
#define VMX_PLE_WINDOW		4096
extern u64 vmx_msr_bitmap_pa, vmx_io_bitmap_a_pa, vmx_io_bitmap_b_pa;

/* vmcs.c */
void vmx_vmcs_init(struct vmx_vcpu *vmx);
void vmx_vmcs_reset(struct vmx_vcpu *vmx);
void vmx_get_sregs(struct hvm_vcpu *vcpu, struct hvm_sregs *sregs);
int vmx_set_sregs(struct hvm_vcpu *vcpu, const struct hvm_sregs *sregs);
void vmx_get_segment(struct hvm_vcpu *vcpu, struct hvm_segment *seg,
		     enum hvm_seg which);
int vmx_get_cpl(struct hvm_vcpu *vcpu);
u64 vmx_get_cr0(struct hvm_vcpu *vcpu);
u64 vmx_get_cr4(struct hvm_vcpu *vcpu);
u64 vmx_get_efer(struct hvm_vcpu *vcpu);
void vmx_set_pdptrs(struct hvm_vcpu *vcpu, const u64 *pdptrs);
int vmx_set_cr0(struct vmx_vcpu *vmx, u64 val);
int vmx_set_cr4(struct vmx_vcpu *vmx, u64 val);
int vmx_get_msr(struct hvm_vcpu *vcpu, u32 index, u64 *data);
int vmx_set_msr(struct hvm_vcpu *vcpu, u32 index, u64 data);

/* vmx_host.c */
void vmx_switch_to_guest(struct vmx_vcpu *vmx, int cpu);
void vmx_switch_to_host(struct vmx_vcpu *vmx);
void vmx_load_syscall_msrs(struct vmx_vcpu *vmx);
u64 vmx_get_guest_kgs(struct vmx_vcpu *vmx);
void vmx_set_guest_kgs(struct vmx_vcpu *vmx, u64 data);

/* vmx_events.c */
void vmx_events_exit(struct vmx_vcpu *vmx);
bool vmx_event_slot_busy(struct hvm_vcpu *vcpu);
bool vmx_interrupt_allowed(struct hvm_vcpu *vcpu);
bool vmx_nmi_allowed(struct hvm_vcpu *vcpu);
void vmx_inject_irq(struct hvm_vcpu *vcpu, u8 vector);
void vmx_inject_nmi(struct hvm_vcpu *vcpu);
void vmx_enable_irq_window(struct hvm_vcpu *vcpu, u8 prio);
void vmx_enable_nmi_window(struct hvm_vcpu *vcpu);
void vmx_get_events(struct hvm_vcpu *vcpu, struct hvm_vcpu_events *ev);
void vmx_set_events(struct hvm_vcpu *vcpu, const struct hvm_vcpu_events *ev);
u8 vmx_get_cr8(struct hvm_vcpu *vcpu);
void vmx_set_cr8(struct hvm_vcpu *vcpu, u8 cr8);

/* vmx_exit.c */
int vmx_handle_exit(struct hvm_vcpu *vcpu);
void vmx_inject_exception(struct hvm_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code);

/* ept.c */
extern const struct hvm_tdp_format vmx_ept_format;
u64 vmx_eptp(struct hvm_vm *vm);
void vmx_flush_guest(struct vmx_vcpu *vmx);
int vmx_vpid_alloc(void);
void vmx_vpid_free(int vpid);

/* vmx_vmrun.S: 0 after a VM exit, 1 if VMLAUNCH/VMRESUME failed */
int hvm_vmx_vmrun(u64 *regs, bool launched);
void hvm_vmx_vmexit(void);
void hvm_vmx_call_nmi(unsigned long handler);

#endif /* HVM_INTEL_VMX_H */
