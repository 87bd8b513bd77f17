/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic core's objects: VM, vCPU, memory slots.  No vendor code here;
 * backends embed struct hvm_vm / struct hvm_vcpu in their own structures.
 * Documentation/design.rst has the lock model.
 */
#ifndef HVM_HVM_H
#define HVM_HVM_H

#include <linux/types.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/srcu.h>
#include <linux/mm_types.h>
#include <linux/rcuwait.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <linux/hvm.h>

#include "tdp.h"

#define HVM_MAX_VCPUS		16
#define HVM_MAX_SLOTS		32
#define HVM_MAX_SLOT_SIZE	(64ULL << 30)
#define HVM_GPA_LIMIT		(1ULL << 48)

/* x86 general-purpose register numbers, as instructions encode them. */
enum hvm_reg {
	HVM_RAX, HVM_RCX, HVM_RDX, HVM_RBX, HVM_RSP, HVM_RBP, HVM_RSI, HVM_RDI,
	HVM_R8, HVM_R9, HVM_R10, HVM_R11, HVM_R12, HVM_R13, HVM_R14, HVM_R15,
	HVM_NR_REGS
};

struct hvm_lapic;
struct hvm_ioapic;
struct hvm_pic;

struct hvm_memslot {
	u32 id;
	u32 flags;			/* HVM_MEM_* */
	u64 base_gfn;
	u64 npages;
	unsigned long uaddr;
	struct page **pages;		/* pinned for the slot's lifetime */
};

/* Published under SRCU: readers see a whole array or the previous one. */
struct hvm_memslots {
	struct hvm_memslot *slot[HVM_MAX_SLOTS];
};

struct hvm_vm {
	struct kref kref;
	u64 id;				/* unique while the module is loaded */
	struct mm_struct *mm;		/* the creator's; others get -EIO */
	struct mutex lock;		/* vCPU creation, slot updates */
	struct hvm_memslots __rcu *memslots;
	struct srcu_struct srcu;	/* protects memslots */
	struct hvm_tdp tdp;		/* NPT/EPT tables */
	struct hvm_vcpu *vcpus[HVM_MAX_VCPUS];	/* set once complete */
	u64 tsc_offset;
	bool irqchip;			/* LAPICs and I/O APIC in the kernel */
	struct hvm_ioapic *ioapic;	/* with irqchip */
	struct hvm_pic *pic;		/* with irqchip: the 8259 pair */
	u32 user_msr_exits;		/* HVM_MSR_EXIT_* */
	u16 pm_timer_port;		/* in-kernel ACPI PM timer, or 0 */
	struct dentry *debugfs;		/* hvm/<pid>-<fd>/, or an error */
};

/* MSRs hvm keeps for the guest without a hardware counterpart (msr.c). */
struct hvm_msr_state {
	u64 apic_base;
	u64 misc_enable;
	u64 mtrr_def_type;
	u64 mtrr_var[16];		/* PHYSBASE0, PHYSMASK0, ... 7 */
	u64 mtrr_fixed[11];		/* 64K_00000, 16K_80000/A0000, 4K_... */
	u64 mcg_status;
	u64 tsc_adjust;			/* IA32_TSC_ADJUST (SDM 17.17.3) */
	u64 hwcr;			/* AMD HWCR: 0 or McStatusWrEn */
};

/* vcpu->mode, as KVM's: lets a requester know whether to send an IPI. */
enum hvm_vcpu_mode {
	HVM_OUTSIDE_GUEST_MODE,
	HVM_IN_GUEST_MODE,
	HVM_EXITING_GUEST_MODE,
};

/* vcpu->requests bits */
#define HVM_REQ_TLB_FLUSH	0
#define HVM_REQ_EVENT		1	/* an event arrived: decide injection again */

/* Events hvm decides to deliver (events.c); see also the backend's slot. */
struct hvm_event_state {
	bool exc_pending;		/* HVM_SET_VCPU_EVENTS exception */
	u8 exc_vector;
	bool exc_has_error;
	u32 exc_error;
	atomic_t nmi_pending;		/* 0 or 1: NMIs do not queue deeper */
	int user_irq;			/* HVM_INTERRUPT vector, or -1 */
	/* INIT and SIPI from other vCPUs (bits HVM_SIGNAL_*), handled on
	 * this vCPU's own thread. */
	unsigned long signals;
	u8 sipi_vector;
};
#define HVM_SIGNAL_INIT		0
#define HVM_SIGNAL_SIPI		1

/* An exit to user space that the next RUN must complete. */
enum hvm_pending_kind {
	HVM_PENDING_NONE,
	HVM_PENDING_IO_IN,		/* IN: write AL/AX/EAX */
	HVM_PENDING_IO_STRING,		/* INS/OUTS chunk: move data, update regs */
	HVM_PENDING_MMIO,		/* MMIO read: run the instruction again */
	HVM_PENDING_MSR,		/* RDMSR/WRMSR answered by user space */
};

struct hvm_pending_exit {
	enum hvm_pending_kind kind;
	u16 port;
	u8 size;			/* I/O size, or MMIO length */
	u8 insn_len;			/* MMIO: the instruction, as fetched */
	u8 insn[15];
	bool in;			/* string I/O direction */
	bool rep;
	u32 count;			/* string I/O elements in this chunk */
	u64 next_rip;			/* RIP after the instruction */
	u64 gpa;			/* string I/O: linear start; MMIO: address */
	u64 addr_mask;			/* string I/O: address-size mask */
};

struct hvm_vcpu {
	struct hvm_vm *vm;
	u32 id;
	struct mutex mutex;		/* held by every vCPU ioctl */
	struct hvm_run *run;		/* shared with user space */
	struct page *run_page;

	int cpu;			/* where it is loaded, or -1 */
	struct preempt_notifier preempt_notifier;
	int mode;			/* enum hvm_vcpu_mode */
	unsigned long requests;

	u64 regs[HVM_NR_REGS];
	u64 rip;
	u64 rflags;
	u64 dr[4], dr6, dr7;		/* guest view; never loaded in hardware */
	u64 cr2;			/* CR2 for the next injected #PF */

	struct fpu_guest guest_fpu;
	u64 xcr0;
	u32 pkru, host_pkru;
	u32 tsc_aux;			/* the guest's (0 until it writes one) */
	bool tsc_aux_loaded;		/* in the MSR until the vCPU is put */
	u64 tsc_offset;			/* guest TSC = host TSC + this */
	struct hvm_msr_state msr;	/* MSRs kept for the guest (msr.c) */

	struct hvm_cpuid_entry *cpuid;	/* the guest's CPUID (cpuid.c) */
	u32 cpuid_nent;

	struct hvm_pending_exit pending;
	u64 exits;

	u32 mp_state;			/* HVM_MP_STATE_* */
	struct hvm_event_state ev;
	struct hvm_lapic *lapic;	/* with irqchip */
	/* A halted vCPU's thread sleeps here, the one waiter.  Not a wait
	 * queue: the LAPIC timer wakes it from hard interrupt context, where
	 * a wait queue's spinlock_t may not be taken under PREEMPT_RT. */
	struct rcuwait wait;
};

/* Core entry points used across files. */
extern bool hvm_rebooting;

int hvm_hw_get(void);

/*
 * With interrupts off: may this CPU enter a guest?  No while it is going
 * offline: the hotplug callback turned virtualization off, and a vCPU
 * thread not yet migrated away must not try.
 */
DECLARE_PER_CPU(bool, hvm_cpu_on);
static inline bool hvm_hw_cpu_on(void)
{
	return this_cpu_read(hvm_cpu_on);
}

void hvm_hw_put(void);
int hvm_hw_init(void);
void hvm_hw_exit(void);

int hvm_vm_create(void);
void hvm_debugfs_init(void);
void hvm_debugfs_exit(void);
void hvm_vm_put(struct hvm_vm *vm);
void hvm_vm_flush_remote_tlbs(struct hvm_vm *vm);

int hvm_vcpu_create(struct hvm_vm *vm, unsigned long id);

/* cpuid.c: the supported table (built at load) and each vCPU's copy. */
int hvm_cpuid_init(void);
void hvm_cpuid_exit(void);
int hvm_cpuid_vcpu_init(struct hvm_vcpu *vcpu);
void hvm_cpuid_vcpu_free(struct hvm_vcpu *vcpu);
long hvm_cpuid_get_supported(void __user *argp);
long hvm_cpuid_get(struct hvm_vcpu *vcpu, void __user *argp);
long hvm_cpuid_set(struct hvm_vcpu *vcpu, void __user *argp);
u64 hvm_cpuid_guest_xcr0(struct hvm_vcpu *vcpu);
int hvm_cpuid_maxphyaddr(struct hvm_vcpu *vcpu);
void hvm_vcpu_destroy(struct hvm_vcpu *vcpu);
void hvm_vcpu_kick(struct hvm_vcpu *vcpu);
int hvm_vcpu_run(struct hvm_vcpu *vcpu);
void hvm_vcpu_preempt_init(void);

int hvm_memslot_set(struct hvm_vm *vm, const struct hvm_memory_region *r);
void hvm_memslots_free(struct hvm_vm *vm);
struct hvm_memslot *hvm_memslot_find(struct hvm_vm *vm, u64 gfn);

#endif /* HVM_HVM_H */
