/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The backend contract: everything the generic core asks of a vendor
 * backend (SVM today, VMX next).  One instance is chosen at load time.
 */
#ifndef HVM_BACKEND_H
#define HVM_BACKEND_H

#include <linux/types.h>
#include <linux/hvm.h>

struct hvm_vm;
struct hvm_vcpu;
struct hvm_tdp_format;

/* Segment numbers used with get_segment(). */
enum hvm_seg {
	HVM_SEG_ES, HVM_SEG_CS, HVM_SEG_SS, HVM_SEG_DS, HVM_SEG_FS, HVM_SEG_GS,
};

struct hvm_backend_ops {
	const char *name;
	u32 backend_id;			/* HVM_BACKEND_* */
	size_t vm_size;			/* bytes of the backend's VM, hvm_vm inside */
	size_t vcpu_size;		/* bytes of the backend's vCPU, hvm_vcpu inside */
	const struct hvm_tdp_format *tdp_format;
	int (*tdp_levels)(void);	/* 4 or 5 */

	/* Module load/unload: probe the CPU, allocate per-CPU areas. */
	int (*setup)(void);
	void (*unsetup)(void);
	/* Turn virtualization on/off on the calling CPU. */
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);
	void (*fill_info)(struct hvm_info *info);

	int (*vm_init)(struct hvm_vm *vm);
	void (*vm_destroy)(struct hvm_vm *vm);

	int (*vcpu_init)(struct hvm_vcpu *vcpu);
	void (*vcpu_destroy)(struct hvm_vcpu *vcpu);
	/* Put the vCPU in the architectural reset state. */
	void (*vcpu_reset)(struct hvm_vcpu *vcpu);
	/* vcpu->tsc_offset changed: the hardware adds it to the host TSC. */
	void (*set_tsc_offset)(struct hvm_vcpu *vcpu);
	/* Preemption: the vCPU thread arrives on / leaves a CPU. */
	void (*vcpu_load)(struct hvm_vcpu *vcpu, int cpu);
	void (*vcpu_put)(struct hvm_vcpu *vcpu);

	/*
	 * Enter the guest once and return after the exit.  Called with
	 * interrupts off; vcpu->regs, rip and rflags are in and out.
	 */
	void (*vcpu_run)(struct hvm_vcpu *vcpu);
	/*
	 * Handle the exit that vcpu_run returned with: > 0 to enter the guest
	 * again, 0 to return to user space (vcpu->run filled), < 0 an errno.
	 */
	int (*handle_exit)(struct hvm_vcpu *vcpu);

	void (*get_sregs)(struct hvm_vcpu *vcpu, struct hvm_sregs *sregs);
	int (*set_sregs)(struct hvm_vcpu *vcpu, const struct hvm_sregs *sregs);
	/*
	 * PAE paging: the PDPTEs (hvm_load_pdptrs()) the next entry uses, after
	 * a set_sregs that left the vCPU in PAE paging.  NULL where the CPU
	 * reads them from guest memory itself (SVM with NPT).
	 */
	void (*set_pdptrs)(struct hvm_vcpu *vcpu, const u64 *pdptrs);
	void (*get_segment)(struct hvm_vcpu *vcpu, struct hvm_segment *seg,
			    enum hvm_seg which);
	int (*get_cpl)(struct hvm_vcpu *vcpu);
	u64 (*get_cr0)(struct hvm_vcpu *vcpu);
	u64 (*get_cr4)(struct hvm_vcpu *vcpu);
	u64 (*get_efer)(struct hvm_vcpu *vcpu);

	/* MSRs the backend keeps in its own state; -ENOENT if not one. */
	int (*get_msr)(struct hvm_vcpu *vcpu, u32 index, u64 *data);
	int (*set_msr)(struct hvm_vcpu *vcpu, u32 index, u64 data);

	/* Make the next entry deliver this exception. */
	void (*inject_exception)(struct hvm_vcpu *vcpu, u8 vector,
				 bool has_error, u32 error_code);
	/* Forget every cached translation of this vCPU before the next entry. */
	void (*flush_tlb)(struct hvm_vcpu *vcpu);

	/*
	 * Events (events.c decides, the backend delivers).  Called with
	 * interrupts off right before vcpu_run.  event_slot_busy: an event
	 * (re-injected or queued) already goes in on the next entry.
	 */
	bool (*event_slot_busy)(struct hvm_vcpu *vcpu);
	/* RFLAGS.IF set and no STI/MOV SS shadow (SDM 6.8.3, APM 15.21). */
	bool (*interrupt_allowed)(struct hvm_vcpu *vcpu);
	/* Not blocked by an NMI in progress or an interrupt shadow. */
	bool (*nmi_allowed)(struct hvm_vcpu *vcpu);
	void (*inject_irq)(struct hvm_vcpu *vcpu, u8 vector);
	void (*inject_nmi)(struct hvm_vcpu *vcpu);
	/*
	 * Exit as soon as an interrupt (of priority class @prio, 0: any,
	 * whatever the TPR) or an NMI could be delivered.  The backend drops
	 * these requests at every exit.
	 */
	void (*enable_irq_window)(struct hvm_vcpu *vcpu, u8 prio);
	void (*enable_nmi_window)(struct hvm_vcpu *vcpu);
	/* HVM_GET/SET_VCPU_EVENTS: what sits in the event slot, the shadow
	 * and NMI masking. */
	void (*get_events)(struct hvm_vcpu *vcpu, struct hvm_vcpu_events *ev);
	void (*set_events)(struct hvm_vcpu *vcpu, const struct hvm_vcpu_events *ev);
	/* CR8 (the LAPIC's TPR[7:4]) as the guest last wrote it. */
	u8 (*get_cr8)(struct hvm_vcpu *vcpu);
	void (*set_cr8)(struct hvm_vcpu *vcpu, u8 cr8);
};

extern const struct hvm_backend_ops *hvm_ops;
extern const struct hvm_backend_ops hvm_svm_ops;
extern const struct hvm_backend_ops hvm_vmx_ops;

#endif /* HVM_BACKEND_H */
