/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libhvm: a small user-space library around /dev/hvm, shared by the
 * runner (hvm-run) and the selftests.
 *
 * Conventions: functions returning int return 0 on success and -1 with
 * errno set on failure (like system calls); functions returning a pointer
 * return NULL with errno set on failure.
 */
#ifndef LIBHVM_H
#define LIBHVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/hvm.h>

#define HVM_DEV_PATH		"/dev/hvm"
#define HVM_PAGE_SIZE		4096ULL

/* Slots tracked by the library; the module's limit is hvm_info.max_slots. */
#define HVM_LIB_MAX_SLOTS	64

/*
 * The guest-physical "system area" written by hvm_vm_setup_sys_tables(),
 * which the prot32 and long64 mode helpers call.  Guest RAM must cover
 * [HVM_SYS_BASE, HVM_SYS_END) and the guest must not put anything else
 * there.  Real mode does not use it (0x0-0x3ff stays free for an IVT).
 */
#define HVM_SYS_BASE		0x1000ULL
#define HVM_SYS_GDT		0x1000ULL	/* GDT, HVM_SEL_* below */
#define HVM_SYS_TSS		0x1800ULL	/* a zeroed 104-byte TSS */
#define HVM_SYS_IDT		0x2000ULL	/* IDT page, all gates absent */
#define HVM_SYS_PML4		0x3000ULL	/* long mode: one PML4 page */
#define HVM_SYS_PDPT		0x4000ULL	/* one PDPT page */
#define HVM_SYS_PD		0x5000ULL	/* 4 PD pages: 0x5000-0x8fff */
#define HVM_SYS_END		0x9000ULL
/* The long64 page tables identity-map this much with 2 MiB pages. */
#define HVM_SYS_IDENTITY_MAP	(4ULL << 30)

/* Selectors of the GDT at HVM_SYS_GDT. */
#define HVM_SEL_CODE64		0x08	/* 64-bit code, L=1 */
#define HVM_SEL_DATA		0x10	/* flat 4 GiB read/write data */
#define HVM_SEL_CODE32		0x18	/* flat 4 GiB 32-bit code, D=1 */
#define HVM_SEL_TSS		0x20	/* TSS at HVM_SYS_TSS (16 bytes) */

/* Control register and EFER bits used by the mode helpers. */
#define HVM_CR0_PE		(1ULL << 0)
#define HVM_CR0_ET		(1ULL << 4)
#define HVM_CR0_NE		(1ULL << 5)
#define HVM_CR0_WP		(1ULL << 16)
#define HVM_CR0_NW		(1ULL << 29)
#define HVM_CR0_CD		(1ULL << 30)
#define HVM_CR0_PG		(1ULL << 31)
#define HVM_CR4_PAE		(1ULL << 5)
#define HVM_CR4_OSFXSR		(1ULL << 9)
#define HVM_CR4_OSXMMEXCPT	(1ULL << 10)
#define HVM_CR4_OSXSAVE		(1ULL << 18)
#define HVM_EFER_SCE		(1ULL << 0)
#define HVM_EFER_LME		(1ULL << 8)
#define HVM_EFER_LMA		(1ULL << 10)

enum hvm_mode {
	HVM_MODE_REAL,
	HVM_MODE_PROT32,
	HVM_MODE_LONG64,
};

struct hvm_slot {
	bool used;
	bool owned;		/* the library mmap()ed hva and unmaps it */
	__u32 flags;
	__u64 gpa;
	__u64 size;
	void *hva;
	__u64 mapped_size;	/* of hva, when owned */
};

struct hvm_vm {
	int dev_fd;		/* /dev/hvm */
	int fd;			/* the VM */
	struct hvm_slot slots[HVM_LIB_MAX_SLOTS];
};

struct hvm_vcpu {
	struct hvm_vm *vm;
	int fd;
	unsigned int id;
	struct hvm_run *run;	/* the mmap()ed run page */
	size_t run_size;
};

/* system.c: /dev/hvm itself */
int hvm_dev_open(void);
int hvm_dev_get_info(int dev_fd, struct hvm_info *info);

/* cpuid.c: CPUID tables; the get functions return malloc()ed tables */
struct hvm_cpuid *hvm_cpuid_alloc(unsigned int nent);
struct hvm_cpuid *hvm_dev_get_supported_cpuid(int dev_fd);
struct hvm_cpuid *hvm_vcpu_get_cpuid(struct hvm_vcpu *vcpu);
int hvm_vcpu_set_cpuid(struct hvm_vcpu *vcpu, const struct hvm_cpuid *cpuid);
struct hvm_cpuid_entry *hvm_cpuid_find(struct hvm_cpuid *cpuid, __u32 function,
				       __u32 index);

/* vm.c */
struct hvm_vm *hvm_vm_create(void);
void hvm_vm_destroy(struct hvm_vm *vm);
/* Unknown MSRs exit to user space (HVM_MSR_EXIT_*) instead of #GP. */
int hvm_vm_enable_user_msr_exits(struct hvm_vm *vm, __u32 flags);
/* irqchip.c: in-kernel LAPICs and I/O APIC; interrupt lines (GSIs) */
int hvm_vm_create_irqchip(struct hvm_vm *vm);
int hvm_vm_irq_line(struct hvm_vm *vm, __u32 gsi, int level);
/* As hvm_vm_irq_line; *status > 0 delivered, 0 coalesced, < 0 none sent. */
int hvm_vm_irq_line_status(struct hvm_vm *vm, __u32 gsi, int level, int *status);
/* The ACPI PM timer at @port answered in the kernel (0: not). */
int hvm_vm_set_pm_timer(struct hvm_vm *vm, __u16 port);
int hvm_vcpu_set_mp_state(struct hvm_vcpu *vcpu, __u32 mp_state);
int hvm_vcpu_get_mp_state(struct hvm_vcpu *vcpu, __u32 *mp_state);

/* memory.c */
int hvm_vm_set_region(struct hvm_vm *vm, __u32 slot, __u64 gpa, __u64 size,
		      __u32 flags, void *hva);
void *hvm_vm_add_memory(struct hvm_vm *vm, __u32 slot, __u64 gpa, __u64 size,
			__u32 flags);
int hvm_vm_remove_memory(struct hvm_vm *vm, __u32 slot);
void *hvm_vm_gpa_to_hva(struct hvm_vm *vm, __u64 gpa, __u64 len);
int hvm_vm_write(struct hvm_vm *vm, __u64 gpa, const void *src, size_t len);
int hvm_vm_read(struct hvm_vm *vm, __u64 gpa, void *dst, size_t len);

/* vcpu.c */
struct hvm_vcpu *hvm_vcpu_create(struct hvm_vm *vm, unsigned int id);
void hvm_vcpu_destroy(struct hvm_vcpu *vcpu);
int hvm_vcpu_run(struct hvm_vcpu *vcpu);

/* regs.c */
int hvm_vcpu_get_regs(struct hvm_vcpu *vcpu, struct hvm_regs *regs);
int hvm_vcpu_set_regs(struct hvm_vcpu *vcpu, const struct hvm_regs *regs);
int hvm_vcpu_get_sregs(struct hvm_vcpu *vcpu, struct hvm_sregs *sregs);
int hvm_vcpu_set_sregs(struct hvm_vcpu *vcpu, const struct hvm_sregs *sregs);
/* One MSR; -1 with errno EINVAL when hvm refuses it. */
int hvm_vcpu_get_msr(struct hvm_vcpu *vcpu, __u32 index, __u64 *data);
int hvm_vcpu_set_msr(struct hvm_vcpu *vcpu, __u32 index, __u64 data);

/* segment.c: hidden-part descriptions of the usual segments */
void hvm_segment_real(struct hvm_segment *seg, __u16 selector, bool code);
void hvm_segment_flat(struct hvm_segment *seg, __u16 selector, __u8 type,
		      bool db, bool l);
void hvm_segment_system(struct hvm_segment *seg, __u16 selector, __u8 type,
			__u64 base, __u32 limit);

/* sys_tables.c: GDT, TSS, IDT and identity page tables in guest memory */
int hvm_vm_setup_sys_tables(struct hvm_vm *vm);

/* mode_*.c: put a vCPU in a mode, at rip with the stack at sp */
/* Shared by the mode setups (mode_common.c). */
int hvm_mode_flat_sregs(struct hvm_vcpu *vcpu, struct hvm_sregs *sregs,
			__u16 code_sel, bool db, bool l, __u16 idt_limit);
int hvm_mode_start(struct hvm_vcpu *vcpu, __u64 rip, __u64 rsp);

int hvm_vcpu_setup_real(struct hvm_vcpu *vcpu, __u64 entry, __u16 sp);
int hvm_vcpu_setup_prot32(struct hvm_vcpu *vcpu, __u64 entry, __u64 sp);
int hvm_vcpu_setup_long64(struct hvm_vcpu *vcpu, __u64 entry, __u64 sp);
int hvm_vcpu_setup_mode(struct hvm_vcpu *vcpu, enum hvm_mode mode,
			__u64 entry, __u64 sp);
const char *hvm_mode_name(enum hvm_mode mode);
int hvm_mode_parse(const char *name, enum hvm_mode *mode);

/* idt.c: long-mode interrupt gates in the IDT at HVM_SYS_IDT */
int hvm_idt64_set_gate(struct hvm_vm *vm, unsigned int vector, __u64 handler);

/* exit_reason.c */
const char *hvm_exit_reason_str(__u32 exit_reason);

/* dump.c */
void hvm_vcpu_dump(struct hvm_vcpu *vcpu, FILE *out);

#endif /* LIBHVM_H */
