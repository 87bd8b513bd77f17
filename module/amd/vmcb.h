/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMCB (APM vol. 2, appendix B): control area at 0, state save area at
 * 0x400.  Offsets are checked at build time in vmcb.c.
 */
#ifndef HVM_AMD_VMCB_H
#define HVM_AMD_VMCB_H

#include <linux/types.h>

struct vmcb_seg {
	u16 selector;
	u16 attrib;		/* access byte in 7:0, AVL/L/D/G in 11:8 */
	u32 limit;
	u64 base;
} __packed;

struct vmcb_control {
	u32 intercept_cr;	/* 0x000: reads 15:0, writes 31:16 */
	u32 intercept_dr;	/* 0x004 */
	u32 intercept_exceptions;	/* 0x008 */
	u32 intercept_misc1;	/* 0x00c */
	u32 intercept_misc2;	/* 0x010 */
	u32 intercept_misc3;	/* 0x014 */
	u8 reserved_1[0x3c - 0x18];
	u16 pause_filter_thresh;	/* 0x03c */
	u16 pause_filter_count;	/* 0x03e */
	u64 iopm_base_pa;	/* 0x040 */
	u64 msrpm_base_pa;	/* 0x048 */
	u64 tsc_offset;		/* 0x050 */
	u32 asid;		/* 0x058 */
	u8 tlb_ctl;		/* 0x05c */
	u8 reserved_2[3];
	u32 int_ctl;		/* 0x060 */
	u32 int_vector;		/* 0x064 */
	u32 int_state;		/* 0x068 */
	u8 reserved_3[4];
	u64 exit_code;		/* 0x070 */
	u64 exit_info_1;	/* 0x078 */
	u64 exit_info_2;	/* 0x080 */
	u64 exit_int_info;	/* 0x088: low 32 bits info, high 32 error code */
	u64 nested_ctl;		/* 0x090 */
	u64 avic_vapic_bar;	/* 0x098 */
	u64 ghcb_gpa;		/* 0x0a0 */
	u64 event_inj;		/* 0x0a8: low 32 bits info, high 32 error code */
	u64 nested_cr3;		/* 0x0b0 */
	u64 virt_ext;		/* 0x0b8 */
	u32 clean;		/* 0x0c0 */
	u32 reserved_5;
	u64 next_rip;		/* 0x0c8 */
	u8 insn_len;		/* 0x0d0 */
	u8 insn_bytes[15];
	u8 reserved_6[0x400 - 0xe0];
} __packed;

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs;	/* 0x400 */
	struct vmcb_seg gdtr, ldtr, idtr, tr;	/* 0x460 */
	u8 reserved_1[0x4cb - 0x4a0];
	u8 cpl;			/* 0x4cb */
	u32 reserved_2;
	u64 efer;		/* 0x4d0 */
	u8 reserved_3[0x548 - 0x4d8];
	u64 cr4;		/* 0x548 */
	u64 cr3;
	u64 cr0;
	u64 dr7;
	u64 dr6;
	u64 rflags;
	u64 rip;		/* 0x578 */
	u8 reserved_4[0x5d8 - 0x580];
	u64 rsp;		/* 0x5d8 */
	u64 s_cet, ssp, isst_addr;
	u64 rax;		/* 0x5f8 */
	u64 star;		/* 0x600 */
	u64 lstar;
	u64 cstar;
	u64 sfmask;
	u64 kernel_gs_base;
	u64 sysenter_cs;
	u64 sysenter_esp;
	u64 sysenter_eip;
	u64 cr2;		/* 0x640 */
	u8 reserved_5[0x668 - 0x648];
	u64 g_pat;		/* 0x668 */
	u64 dbgctl;
	u64 br_from;
	u64 br_to;
	u64 last_excp_from;
	u64 last_excp_to;	/* 0x690 */
} __packed;

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __packed;

/* intercept_misc1 (vector 3) */
#define SVM_INTERCEPT_INTR		BIT(0)
#define SVM_INTERCEPT_NMI		BIT(1)
#define SVM_INTERCEPT_SMI		BIT(2)
#define SVM_INTERCEPT_INIT		BIT(3)
#define SVM_INTERCEPT_CR8_WRITE		BIT(16 + 8)	/* intercept_cr */
#define SVM_INTERCEPT_VINTR		BIT(4)
#define SVM_INTERCEPT_CPUID		BIT(18)
#define SVM_INTERCEPT_IRET		BIT(20)
#define SVM_INTERCEPT_RDPMC		BIT(15)
#define SVM_INTERCEPT_INVD		BIT(22)
#define SVM_INTERCEPT_HLT		BIT(24)
#define SVM_INTERCEPT_INVLPGA		BIT(26)
#define SVM_INTERCEPT_IOIO		BIT(27)
#define SVM_INTERCEPT_MSR		BIT(28)
#define SVM_INTERCEPT_TASK_SWITCH	BIT(29)
#define SVM_INTERCEPT_PAUSE		BIT(23)
#define SVM_INTERCEPT_SHUTDOWN		BIT(31)
/* intercept_misc2 (vector 4) */
#define SVM_INTERCEPT_VMRUN		BIT(0)
#define SVM_INTERCEPT_VMMCALL		BIT(1)
#define SVM_INTERCEPT_VMLOAD		BIT(2)
#define SVM_INTERCEPT_VMSAVE		BIT(3)
#define SVM_INTERCEPT_STGI		BIT(4)
#define SVM_INTERCEPT_CLGI		BIT(5)
#define SVM_INTERCEPT_SKINIT		BIT(6)
#define SVM_INTERCEPT_WBINVD		BIT(9)	/* and WBNOINVD */
#define SVM_INTERCEPT_MONITOR		BIT(10)
#define SVM_INTERCEPT_MWAIT		BIT(11)
#define SVM_INTERCEPT_MWAIT_COND	BIT(12)
#define SVM_INTERCEPT_XSETBV		BIT(13)
#define SVM_INTERCEPT_RDPRU		BIT(14)

/* VMCB clean bits (APM 15.15.3, table 15-9): set = unchanged since the
 * last VMRUN of this VMCB on this CPU. */
#define SVM_CLEAN_I		BIT(0)	/* intercepts, TSC offset, pause filter */
#define SVM_CLEAN_IOPM		BIT(1)	/* IOPM/MSRPM base */
#define SVM_CLEAN_ASID		BIT(2)
#define SVM_CLEAN_TPR		BIT(3)	/* int_ctl, int_vector */
#define SVM_CLEAN_NP		BIT(4)	/* nested_ctl, nested CR3, G_PAT */
#define SVM_CLEAN_CR		BIT(5)	/* CR0, CR3, CR4, EFER */
#define SVM_CLEAN_DR		BIT(6)	/* DR6, DR7 */
#define SVM_CLEAN_DT		BIT(7)	/* GDTR, IDTR */
#define SVM_CLEAN_SEG		BIT(8)	/* ES, CS, SS, DS, CPL */
#define SVM_CLEAN_CR2		BIT(9)
#define SVM_CLEAN_LBR		BIT(10)
#define SVM_CLEAN_ALL		GENMASK(10, 0)

/* Decode assists (APM 15.33): MOV CRx/DRx EXITINFO1 */
#define SVM_EXITINFO1_MOV	BIT_ULL(63)
#define SVM_EXITINFO1_GPR_MASK	0xf

#define SVM_TLB_FLUSH_NONE	0
#define SVM_TLB_FLUSH_ALL	1
#define SVM_TLB_FLUSH_ASID	3

#define SVM_V_TPR_MASK		0xf
#define SVM_V_IRQ		BIT(8)		/* a virtual interrupt is pending */
#define SVM_V_INTR_PRIO_SHIFT	16
#define SVM_V_INTR_PRIO_MASK	(0xf << SVM_V_INTR_PRIO_SHIFT)
#define SVM_V_IGN_TPR		BIT(20)
#define SVM_V_INTR_MASKING	BIT(24)

/* Pause filter: PAUSEs before an exit; cycles between PAUSEs that still
 * count as one loop (the values KVM starts with). */
#define SVM_PAUSE_FILTER_COUNT	3000
#define SVM_PAUSE_FILTER_THRESH	128
#define SVM_INT_SHADOW		BIT(0)
#define SVM_NESTED_CTL_NP	BIT(0)

/* EVENTINJ / EXITINTINFO (APM 15.20) */
#define SVM_EVT_VECTOR_MASK	0xff
#define SVM_EVT_TYPE_SHIFT	8
#define SVM_EVT_TYPE_MASK	(7 << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_INTR	(0 << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_NMI	(2 << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_EXCEPTION	(3 << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_SOFT	(4 << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_ERROR_VALID	BIT(11)
#define SVM_EVT_VALID		BIT(31)

/* Exit codes (APM appendix C) */
#define SVM_EXIT_WRITE_CR8	0x018
#define SVM_EXIT_READ_DR0	0x020
#define SVM_EXIT_WRITE_DR0	0x030
#define SVM_EXIT_EXCP_BASE	0x040
#define SVM_EXIT_INTR		0x060
#define SVM_EXIT_NMI		0x061
#define SVM_EXIT_SMI		0x062
#define SVM_EXIT_INIT		0x063
#define SVM_EXIT_VINTR		0x064
#define SVM_EXIT_RDPMC		0x06f
#define SVM_EXIT_CPUID		0x072
#define SVM_EXIT_IRET		0x074
#define SVM_EXIT_PAUSE		0x077
#define SVM_EXIT_INVD		0x076
#define SVM_EXIT_HLT		0x078
#define SVM_EXIT_INVLPGA	0x07a
#define SVM_EXIT_IOIO		0x07b
#define SVM_EXIT_MSR		0x07c
#define SVM_EXIT_TASK_SWITCH	0x07d
#define SVM_EXIT_SHUTDOWN	0x07f
#define SVM_EXIT_VMRUN		0x080
#define SVM_EXIT_VMMCALL	0x081
#define SVM_EXIT_VMLOAD		0x082
#define SVM_EXIT_VMSAVE		0x083
#define SVM_EXIT_STGI		0x084
#define SVM_EXIT_CLGI		0x085
#define SVM_EXIT_SKINIT		0x086
#define SVM_EXIT_WBINVD		0x089	/* and WBNOINVD */
#define SVM_EXIT_MONITOR	0x08a
#define SVM_EXIT_MWAIT		0x08b
#define SVM_EXIT_MWAIT_COND	0x08c
#define SVM_EXIT_XSETBV		0x08d
#define SVM_EXIT_RDPRU		0x08e
#define SVM_EXIT_NPF		0x400
#define SVM_EXIT_INVALID	0xffffffffU	/* low 32 bits of -1 */

/* IOIO EXITINFO1 (APM 15.10.2) */
#define SVM_IOIO_IN		BIT(0)
#define SVM_IOIO_STR		BIT(2)
#define SVM_IOIO_REP		BIT(3)
#define SVM_IOIO_SZ8		BIT(4)
#define SVM_IOIO_SZ16		BIT(5)
#define SVM_IOIO_SZ32		BIT(6)
#define SVM_IOIO_A16		BIT(7)
#define SVM_IOIO_A32		BIT(8)
#define SVM_IOIO_A64		BIT(9)

/* NPF EXITINFO1 (APM 15.25.6) */
#define SVM_NPF_WRITE		BIT_ULL(1)
#define SVM_NPF_GUEST_FINAL	BIT_ULL(32)
#define SVM_NPF_GUEST_TABLE	BIT_ULL(33)

/* Segment attribute bits in the VMCB */
#define SVM_ATTR_TYPE_MASK	0xf
#define SVM_ATTR_S		BIT(4)
#define SVM_ATTR_DPL_SHIFT	5
#define SVM_ATTR_P		BIT(7)
#define SVM_ATTR_AVL		BIT(8)
#define SVM_ATTR_L		BIT(9)
#define SVM_ATTR_DB		BIT(10)
#define SVM_ATTR_G		BIT(11)

#endif /* HVM_AMD_VMCB_H */
