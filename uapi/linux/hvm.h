/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hvm: the ioctl ABI of /dev/hvm.  This header is the one source of truth;
 * Documentation/abi.rst describes every ioctl, its arguments and its errnos.
 *
 * Object model (as KVM's): /dev/hvm -> VM fd -> vCPU fd.
 */
#ifndef _UAPI_LINUX_HVM_H
#define _UAPI_LINUX_HVM_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* Bumped on every incompatible change; HVM_GET_API_VERSION returns it. */
#define HVM_API_VERSION		1

#define HVMIO			0xB9

/* Which hardware backend the module chose at load time (hvm_info.backend). */
#define HVM_BACKEND_SVM		1
#define HVM_BACKEND_VMX		2

/* hvm_info.features: optional hardware features in use. */
#define HVM_FEATURE_NPT		(1ULL << 0)	/* nested paging (NPT or EPT) */
#define HVM_FEATURE_NRIPS	(1ULL << 1)	/* SVM next-RIP save */
#define HVM_FEATURE_DECODE	(1ULL << 2)	/* SVM decode assists */
#define HVM_FEATURE_CLEAN	(1ULL << 3)	/* SVM VMCB clean bits */
#define HVM_FEATURE_FLUSHASID	(1ULL << 4)	/* SVM flush-by-ASID */
#define HVM_FEATURE_LA57	(1ULL << 5)	/* 5-level nested paging */
#define HVM_FEATURE_VPID	(1ULL << 6)	/* VMX VPIDs */
#define HVM_FEATURE_EPT_AD	(1ULL << 7)	/* VMX EPT accessed/dirty bits */
#define HVM_FEATURE_UNRESTRICTED (1ULL << 8)	/* VMX unrestricted guest */
#define HVM_FEATURE_PREEMPT_TIMER (1ULL << 9)	/* VMX preemption timer */
#define HVM_FEATURE_PAUSE_EXIT	(1ULL << 10)	/* PAUSE loops exit (pause filter/PLE) */

struct hvm_info {
	__u32 backend;		/* HVM_BACKEND_* */
	__u32 npt_levels;	/* 4 or 5 */
	__u64 features;		/* HVM_FEATURE_* */
	__u32 max_vcpus;	/* per VM */
	__u32 max_slots;	/* memory slots per VM */
	__u32 nr_asids;		/* ASIDs/VPIDs the hardware offers */
	__u32 reserved[9];
};

/* A guest-physical memory region backed by the caller's memory. */
#define HVM_MEM_READONLY	(1U << 0)	/* guest writes exit as MMIO */

struct hvm_memory_region {
	__u32 slot;		/* 0 .. max_slots-1 */
	__u32 flags;		/* HVM_MEM_* */
	__u64 guest_phys_addr;	/* page aligned */
	__u64 memory_size;	/* page aligned; 0 deletes the slot */
	__u64 userspace_addr;	/* page aligned, in the VM creator's mm */
};

/* General-purpose registers. */
struct hvm_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

/* A segment register with its hidden (descriptor cache) part. */
struct hvm_segment {
	__u64 base;
	__u32 limit;		/* byte granular: 0xffffffff for a flat 4 GiB */
	__u16 selector;
	__u8  type;		/* descriptor type, 4 bits */
	__u8  present, dpl, db, s, l, g, avl;
	__u8  unusable;
	__u8  padding;
};

struct hvm_dtable {
	__u64 base;
	__u16 limit;
	__u16 padding[3];
};

/* Special registers. */
struct hvm_sregs {
	struct hvm_segment cs, ds, es, fs, gs, ss;
	struct hvm_segment tr, ldt;
	struct hvm_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 reserved[8];
};

/* hvm_run.exit_reason */
#define HVM_EXIT_UNKNOWN	0
#define HVM_EXIT_IO		1	/* port I/O: see run->io */
#define HVM_EXIT_MMIO		2	/* access outside RAM: see run->mmio */
#define HVM_EXIT_HLT		3	/* the guest executed HLT */
#define HVM_EXIT_SHUTDOWN	4	/* triple fault; the vCPU is reset */
#define HVM_EXIT_FAIL_ENTRY	5	/* hardware refused the guest state */
#define HVM_EXIT_INTERNAL_ERROR	6	/* an exit hvm does not handle */
#define HVM_EXIT_INTR		7	/* RUN returned -EINTR (signal) */
#define HVM_EXIT_IRQ_WINDOW_OPEN 8	/* request_interrupt_window was granted */
#define HVM_EXIT_RDMSR		9	/* RDMSR of an MSR hvm does not know */
#define HVM_EXIT_WRMSR		10	/* WRMSR of an MSR hvm does not know */

#define HVM_FAIL_ENTRY_VMX_INSN_ERROR	(1ULL << 63)

#define HVM_EXIT_IO_IN		0
#define HVM_EXIT_IO_OUT		1

/* hvm_run.internal.suberror */
#define HVM_INTERNAL_UNHANDLED_EXIT	1	/* data[0..2]: code, info1, info2 */
#define HVM_INTERNAL_EMULATION		2	/* data[0]: gpa, data[1..2]: insn bytes */

/* Hypercalls (VMMCALL/VMCALL): RAX holds the number; unknown ones return this. */
#define HVM_HC_ENOSYS		(-1000LL)

/* Where the data of an I/O exit lives in the run page. */
#define HVM_RUN_IO_DATA_OFFSET	1024
#define HVM_RUN_IO_DATA_MAX	3072	/* bytes: count * size never exceeds this */

/* The page a vCPU fd maps at offset 0 (size: HVM_GET_VCPU_MMAP_SIZE). */
struct hvm_run {
	/* in: set by user space */
	__u8  immediate_exit;	/* RUN returns -EINTR at once when set */
	/* No in-kernel irqchip: exit with HVM_EXIT_IRQ_WINDOW_OPEN as soon
	 * as HVM_INTERRUPT could be delivered. */
	__u8  request_interrupt_window;
	__u8  padding1[6];

	/* out: set by RUN */
	__u32 exit_reason;	/* HVM_EXIT_* */
	/* No in-kernel irqchip: HVM_INTERRUPT would be delivered at once. */
	__u8  ready_for_interrupt_injection;
	__u8  if_flag;		/* the guest's RFLAGS.IF */
	__u8  padding2[2];

	union {
		/* HVM_EXIT_IO */
		struct {
			__u8  direction;	/* HVM_EXIT_IO_IN/OUT */
			__u8  size;		/* 1, 2 or 4 */
			__u16 port;
			__u32 count;		/* > 1 for rep ins/outs */
			__u64 data_offset;	/* from the start of the run page */
		} io;
		/*
		 * HVM_EXIT_MMIO: for a read, user space fills data[0..len)
		 * before the next RUN, which completes the instruction.
		 */
		struct {
			__u64 phys_addr;
			__u8  data[8];
			__u32 len;
			__u8  is_write;
			__u8  padding[3];
		} mmio;
		/*
		 * HVM_EXIT_FAIL_ENTRY.  SVM: reason -1 (VMEXIT_INVALID).
		 * VMX: the exit reason with bit 31 set, and its qualification;
		 * or HVM_FAIL_ENTRY_VMX_INSN_ERROR | the VM-instruction error.
		 */
		struct {
			__u64 hardware_entry_failure_reason;
			__u32 cpu;
			__u32 padding;
			__u64 qualification;
		} fail_entry;
		/* HVM_EXIT_INTERNAL_ERROR */
		struct {
			__u32 suberror;
			__u32 ndata;
			__u64 data[8];
		} internal;
		/*
		 * HVM_EXIT_RDMSR / HVM_EXIT_WRMSR (HVM_ENABLE_USER_MSR_EXITS):
		 * for RDMSR user space fills data; error != 0 makes the
		 * instruction raise #GP instead of completing.
		 */
		struct {
			__u32 index;
			__u8  error;
			__u8  padding[3];
			__u64 data;
		} msr;
		char padding[256];
	};
};

/*
 * CPUID: one entry per leaf (function) and, for leaves where it matters
 * (HVM_CPUID_FLAG_SIGNIFICANT_INDEX), per sub-leaf (index, ECX).
 */
#define HVM_CPUID_FLAG_SIGNIFICANT_INDEX	(1U << 0)
#define HVM_CPUID_MAX_ENTRIES			256

struct hvm_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;		/* HVM_CPUID_FLAG_* */
	__u32 eax, ebx, ecx, edx;
	__u32 padding;		/* 0 */
};

struct hvm_cpuid {
	__u32 nent;		/* in: room in entries[]; out: entries */
	__u32 padding;		/* 0 */
	struct hvm_cpuid_entry entries[];
};

/* MSRs read or written by user space (HVM_GET_MSRS / HVM_SET_MSRS). */
#define HVM_MSRS_MAX		256

struct hvm_msr_entry {
	__u32 index;
	__u32 reserved;		/* 0 */
	__u64 data;
};

struct hvm_msrs {
	__u32 nmsrs;		/* entries in entries[] */
	__u32 padding;		/* 0 */
	struct hvm_msr_entry entries[];
};

/* The guest's x87/SSE/AVX... state, in the standard XSAVE format
 * (SDM vol. 1, 13.4): legacy area, header, then each component. */
struct hvm_xsave {
	__u32 region[1024];
};

/* The guest's extended control registers: XCR0 only. */
struct hvm_xcrs {
	__u64 xcr0;
	__u64 reserved[7];	/* 0 */
};

/* HVM_IRQ_LINE: drive one input pin of the in-kernel I/O APIC. */
#define HVM_IOAPIC_PINS		24
struct hvm_irq_level {
	__u32 irq;		/* GSI: I/O APIC pin, 0 .. HVM_IOAPIC_PINS-1 */
	__u32 level;		/* 1 asserted, 0 deasserted */
};

/* HVM_IRQ_LINE_STATUS: as HVM_IRQ_LINE, and what became of the interrupt. */
struct hvm_irq_status {
	__u32 irq;		/* in: GSI */
	__u32 level;		/* in: 1 asserted, 0 deasserted */
	__s32 status;		/* out: > 0 delivered, 0 coalesced, < 0 none sent */
	__u32 reserved;		/* 0 */
};

/* HVM_ENABLE_USER_MSR_EXITS flags */
#define HVM_MSR_EXIT_UNKNOWN	(1U << 0)	/* unknown MSRs exit, no #GP */

/* Events being delivered or pending, as in KVM's kvm_vcpu_events. */
struct hvm_vcpu_events {
	struct {
		__u8  injected;		/* deliver on the next entry */
		__u8  nr;		/* vector 0-31 */
		__u8  has_error_code;
		__u8  padding;
		__u32 error_code;
	} exception;
	struct {
		__u8  injected;		/* external interrupt being delivered */
		__u8  nr;
		__u8  shadow;		/* STI / MOV SS blocking: 1 */
		__u8  padding;
	} interrupt;
	struct {
		__u8  injected;		/* NMI being delivered */
		__u8  pending;		/* NMIs waiting (0 or 1) */
		__u8  masked;		/* the guest is in its NMI handler */
		__u8  padding;
	} nmi;
	__u32 reserved[9];		/* 0 */
};

/* HVM_GET/SET_MP_STATE: the vCPU's run state (SDM 10.4.7.3, 8.4). */
#define HVM_MP_STATE_RUNNABLE		0
#define HVM_MP_STATE_UNINITIALIZED	1	/* waits for INIT */
#define HVM_MP_STATE_INIT_RECEIVED	2	/* waits for a SIPI */
#define HVM_MP_STATE_HALTED		3	/* HLT, blocked in the kernel */
struct hvm_mp_state {
	__u32 mp_state;
};

/* The local APIC's 4 KiB register page (SDM 10.4.1, table 10-1). */
struct hvm_lapic_state {
	char regs[1024];
};

/* The local APIC's physical address at reset (MSR APIC_BASE). */
#define HVM_APIC_DEFAULT_GPA	0xfee00000ULL
/* The I/O APIC's MMIO window, decoded by the kernel with an irqchip. */
#define HVM_IOAPIC_DEFAULT_GPA	0xfec00000ULL

/* ioctls on /dev/hvm */
#define HVM_GET_API_VERSION	_IO(HVMIO, 0x00)
#define HVM_CREATE_VM		_IO(HVMIO, 0x01)	/* arg 0; returns a VM fd */
#define HVM_GET_VCPU_MMAP_SIZE	_IO(HVMIO, 0x02)
#define HVM_GET_INFO		_IOR(HVMIO, 0x03, struct hvm_info)
#define HVM_GET_SUPPORTED_CPUID	_IOWR(HVMIO, 0x04, struct hvm_cpuid)

/* ioctls on a VM fd */
#define HVM_SET_MEMORY_REGION	_IOW(HVMIO, 0x10, struct hvm_memory_region)
#define HVM_CREATE_VCPU		_IO(HVMIO, 0x11)	/* arg: vCPU id; returns a vCPU fd */
#define HVM_CREATE_IRQCHIP	_IO(HVMIO, 0x12)	/* LAPICs + I/O APIC in the kernel */
#define HVM_IRQ_LINE		_IOW(HVMIO, 0x13, struct hvm_irq_level)
#define HVM_ENABLE_USER_MSR_EXITS _IO(HVMIO, 0x14)	/* arg: HVM_MSR_EXIT_* */
#define HVM_SET_PM_TIMER	_IO(HVMIO, 0x15)	/* arg: port (4-aligned) or 0 */
#define HVM_IRQ_LINE_STATUS	_IOWR(HVMIO, 0x16, struct hvm_irq_status)

/* ioctls on a vCPU fd */
#define HVM_RUN			_IO(HVMIO, 0x20)
#define HVM_GET_REGS		_IOR(HVMIO, 0x21, struct hvm_regs)
#define HVM_SET_REGS		_IOW(HVMIO, 0x22, struct hvm_regs)
#define HVM_GET_SREGS		_IOR(HVMIO, 0x23, struct hvm_sregs)
#define HVM_SET_SREGS		_IOW(HVMIO, 0x24, struct hvm_sregs)
#define HVM_SET_CPUID		_IOW(HVMIO, 0x25, struct hvm_cpuid)
#define HVM_GET_CPUID		_IOWR(HVMIO, 0x26, struct hvm_cpuid)
#define HVM_GET_MSRS		_IOWR(HVMIO, 0x27, struct hvm_msrs)	/* returns count done */
#define HVM_SET_MSRS		_IOW(HVMIO, 0x28, struct hvm_msrs)	/* returns count done */
#define HVM_GET_XSAVE		_IOR(HVMIO, 0x29, struct hvm_xsave)
#define HVM_SET_XSAVE		_IOW(HVMIO, 0x2a, struct hvm_xsave)
#define HVM_GET_XCRS		_IOR(HVMIO, 0x2b, struct hvm_xcrs)
#define HVM_SET_XCRS		_IOW(HVMIO, 0x2c, struct hvm_xcrs)
#define HVM_INTERRUPT		_IO(HVMIO, 0x2d)	/* arg: vector; no irqchip */
#define HVM_NMI			_IO(HVMIO, 0x2e)
#define HVM_GET_VCPU_EVENTS	_IOR(HVMIO, 0x2f, struct hvm_vcpu_events)
#define HVM_SET_VCPU_EVENTS	_IOW(HVMIO, 0x30, struct hvm_vcpu_events)
#define HVM_GET_MP_STATE	_IOR(HVMIO, 0x31, struct hvm_mp_state)
#define HVM_SET_MP_STATE	_IOW(HVMIO, 0x32, struct hvm_mp_state)
#define HVM_GET_LAPIC		_IOR(HVMIO, 0x33, struct hvm_lapic_state)
#define HVM_SET_LAPIC		_IOW(HVMIO, 0x34, struct hvm_lapic_state)

#endif /* _UAPI_LINUX_HVM_H */
