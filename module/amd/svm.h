/* SPDX-License-Identifier: GPL-2.0 */
/* The SVM backend's own objects, shared by the files in amd/. */
#ifndef HVM_AMD_SVM_H
#define HVM_AMD_SVM_H

#include <linux/types.h>

#include "hvm.h"
#include "backend.h"
#include "vmcb.h"

struct svm_vcpu {
	struct hvm_vcpu vcpu;		/* first: the core allocates us */
	struct vmcb *vmcb;
	u64 vmcb_pa;
	/* The guest state user space last set: restored after VMEXIT_INVALID,
	 * when the save area may hold host values (which must never leak). */
	struct vmcb_save *good_state;
	bool state_dirty;
	u64 exit_rip;			/* RIP at the last exit */
	/* ASID (svm_asid.c) */
	u32 asid;
	int asid_cpu;
	u64 asid_generation;
	/* VMCB clean bits: fields changed since the last VMRUN, and where
	 * that VMRUN was (a VMCB moved to another CPU is all dirty). */
	u32 dirty;
	int clean_cpu;
	/* NMI masking, which SVM does not show (svm_events.c): set when hvm
	 * injects an NMI, cleared at the guest's IRET, which must complete
	 * (RIP moves) before the next NMI goes in. */
	bool nmi_masked;
	bool awaiting_iret;
	u64 iret_rip;
	/* Single-stepping the guest until an NMI (or, under QEMU's TCG, an
	 * interrupt held by a shadow) can go in; the guest's own TF and RF,
	 * to put back. */
	bool singlestep;
	u64 singlestep_flags;
	u64 singlestep_rip;		/* where the step started */
	/* virq_inject: an interrupt given as V_IRQ that the guest has not
	 * taken yet (svm_events.c). */
	bool virq_pending;
	/* The host's VMSAVE state is in this CPU's save page since this
	 * vCPU was loaded, taken with this LDTR (svm.c). */
	bool host_saved;
	struct svm_host_ldt {
		u64 desc[2];		/* from the GDT, for a non-null LDTR */
		u16 sel;
	} host_ldt;
};

struct svm_vm {
	struct hvm_vm vm;
};

static inline struct svm_vcpu *to_svm(struct hvm_vcpu *vcpu)
{
	return container_of(vcpu, struct svm_vcpu, vcpu);
}

/* Software changed VMCB fields covered by these clean bits. */
static inline void svm_mark_dirty(struct svm_vcpu *svm, u32 bits)
{
	svm->dirty |= bits;
}

/* Optional hardware features in use (after module parameters). */
extern bool svm_use_nrips;
extern bool svm_use_decode;
extern bool svm_use_vmcb_clean;
extern bool svm_use_flush_asid;
extern bool svm_use_pause_filter;
extern bool svm_use_virq_inject;
extern u32 svm_nr_asids;
extern u64 svm_iopm_pa, svm_msrpm_pa;

/* svm_asid.c */
int svm_asid_setup(void);
void svm_asid_unsetup(void);
void svm_asid_cpu_enable(void);
void svm_asid_pre_run(struct svm_vcpu *svm, int cpu);
void svm_asid_flush(struct svm_vcpu *svm);
u64 svm_host_save_pa(int cpu);
u64 svm_hsave_pa(int cpu);

/* vmcb.c */
void svm_vmcb_init(struct svm_vcpu *svm);
void svm_vmcb_reset(struct svm_vcpu *svm);
void svm_get_sregs(struct hvm_vcpu *vcpu, struct hvm_sregs *sregs);
int svm_set_sregs(struct hvm_vcpu *vcpu, const struct hvm_sregs *sregs);
void svm_get_segment(struct hvm_vcpu *vcpu, struct hvm_segment *seg,
		     enum hvm_seg which);
int svm_get_msr(struct hvm_vcpu *vcpu, u32 index, u64 *data);
int svm_set_msr(struct hvm_vcpu *vcpu, u32 index, u64 data);

/* svm_exit.c */
int svm_handle_exit(struct hvm_vcpu *vcpu);
void svm_inject_exception(struct hvm_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code);

/* svm_events.c */
void svm_events_exit(struct svm_vcpu *svm);
void svm_clear_virq(struct svm_vcpu *svm);
int svm_exit_vintr(struct svm_vcpu *svm);
int svm_exit_iret(struct svm_vcpu *svm);
bool svm_singlestep_done(struct svm_vcpu *svm);
bool svm_stepping(struct svm_vcpu *svm);
bool svm_event_slot_busy(struct hvm_vcpu *vcpu);
bool svm_interrupt_allowed(struct hvm_vcpu *vcpu);
bool svm_nmi_allowed(struct hvm_vcpu *vcpu);
void svm_inject_irq(struct hvm_vcpu *vcpu, u8 vector);
void svm_reinject_irq(struct svm_vcpu *svm, u8 vector);
void svm_inject_nmi(struct hvm_vcpu *vcpu);
void svm_enable_irq_window(struct hvm_vcpu *vcpu, u8 prio);
void svm_enable_nmi_window(struct hvm_vcpu *vcpu);
void svm_get_events(struct hvm_vcpu *vcpu, struct hvm_vcpu_events *ev);
void svm_set_events(struct hvm_vcpu *vcpu, const struct hvm_vcpu_events *ev);
u8 svm_get_cr8(struct hvm_vcpu *vcpu);
void svm_set_cr8(struct hvm_vcpu *vcpu, u8 cr8);

/* npt.c */
extern const struct hvm_tdp_format svm_npt_format;
int svm_npt_levels(void);

/* svm_vmrun.S: guest GPRs in @regs (RAX and RSP are in the VMCB) */
void hvm_svm_vmrun(u64 *regs, u64 vmcb_pa, u64 host_save_pa, bool save_host);

#endif /* HVM_AMD_SVM_H */
