/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code for the selftests and the "tvm" (test VM) helpers.
 *
 * Guest code is assembly inside the test's C file, between a start and an
 * end label (GUEST_ASM), copied to GUEST_CODE_GPA; or C functions of the
 * test binary (guest_c.h, tvm_create_c()).  Real-mode code runs
 * with CS = DS = ES = SS = GUEST_CODE_GPA >> 4, so a label's offset from
 * the start is its address; 32/64-bit code uses RIP-relative addressing
 * or GUEST_CODE_GPA + (label - start).
 *
 * Guest memory layout of a tvm (slot 0, GUEST_MEM_SIZE at GPA 0):
 *   0x00000-0x003ff  real-mode IVT (free)
 *   0x01000-0x08fff  libhvm system area (GDT, TSS, IDT, page tables)
 *   0x09000-0x091ff  exception stubs (long mode)
 *   0x10000-0x2ffff  guest code (GUEST_CODE_GPA)
 *   0x40000-...      test data (GUEST_DATA_GPA)
 *   stack            top of RAM (prot32/long64); 0x1000:0xfff0 real mode
 * and for tvm_create_c() the test binary's image at its own addresses,
 * 0x400000 and up (slot TVM_IMAGE_SLOT, guest_c.h).
 *
 * "ucall": the guest talks to the test through port I/O:
 *   OUT to UCALL_PORT_REPORT     report RAX (whole register)
 *   OUT to UCALL_PORT_DONE       the guest finished successfully
 *   OUT to UCALL_PORT_EXCEPTION  an exception stub ran: RAX = vector
 *   OUT to UCALL_PORT_ASSERT     a guest assertion failed (guest_c.h):
 *                                RAX = line, RDI = file, RSI = expression
 *                                (guest addresses of strings), RDX, RCX =
 *                                the two values compared, R8 = 1 when they
 *                                are meaningful (GUEST_ASSERT_EQ)
 */
#ifndef HVM_SELFTEST_GUEST_H
#define HVM_SELFTEST_GUEST_H

#include <stdbool.h>

#include "libhvm.h"

#define GUEST_MEM_SIZE		(2ULL << 20)
#define GUEST_STUBS_GPA		0x9000ULL
#define GUEST_CODE_GPA		0x10000ULL
#define GUEST_CODE_MAX		0x20000ULL
#define GUEST_DATA_GPA		0x40000ULL
#define GUEST_REAL_SP		0xfff0

#define UCALL_PORT_REPORT	0xe0
#define UCALL_PORT_DONE		0xe1
#define UCALL_PORT_EXCEPTION	0xe2
#define UCALL_PORT_ASSERT	0xe3

#define __STR(x)		#x
#define STR(x)			__STR(x)

/* Guest snippets of the ucalls (32/64-bit and 16-bit code). */
#define G_REPORT		"out %eax, $" STR(UCALL_PORT_REPORT) "\n\t"
#define G_DONE			"out %eax, $" STR(UCALL_PORT_DONE) "\n\t"
#define G_REPORT16		"out %ax, $" STR(UCALL_PORT_REPORT) "\n\t"
#define G_DONE16		"out %ax, $" STR(UCALL_PORT_DONE) "\n\t"

/*
 * Defines guest code name_start .. name_end assembled in mode (".code16",
 * ".code32" or ".code64").  Labels inside must be unique in the file.
 */
#define GUEST_ASM(name, mode, body)						\
	asm(".pushsection .rodata.hvm_guest, \"a\"\n"				\
	    ".balign 16\n"							\
	    mode "\n"								\
	    #name "_start:\n\t"							\
	    body "\n"								\
	    #name "_end:\n"							\
	    ".code64\n"								\
	    ".popsection\n");							\
	extern const unsigned char name##_start[], name##_end[]

/* A label inside guest code, for tvm_gpa() / tvm_set_entry(). */
#define GUEST_LABEL(label)	extern const unsigned char label[]

struct tvm {
	struct hvm_vm *vm;
	struct hvm_vcpu *vcpu;
	unsigned char *mem;		/* host view of slot 0 */
	enum hvm_mode mode;
	const unsigned char *code;	/* start label of the guest code */
	/* tvm_create_c(): the guest's copy of the test binary's image */
	unsigned char *image;		/* host view of the copy */
	__u64 image_gpa;		/* == the image's own address */
	__u64 image_size;
};

/*
 * A VM with GUEST_MEM_SIZE of RAM at 0, the code [start, end) at
 * GUEST_CODE_GPA, vCPU 0 in mode at start, and for long64 the exception
 * stubs in the IDT (vectors 0-31).  Returns 0 or -1 (errno).
 */
int tvm_create(struct tvm *t, enum hvm_mode mode, const unsigned char *start,
	       const unsigned char *end);
/* tvm_create() with TVM_* flags. */
#define TVM_IRQCHIP	(1U << 0)	/* HVM_CREATE_IRQCHIP before the vCPU */
int tvm_create_flags(struct tvm *t, enum hvm_mode mode, const unsigned char *start,
		     const unsigned char *end, unsigned int flags);
void tvm_destroy(struct tvm *t);
/* Can this backend run guests in mode?  Real mode and protected mode
 * without paging need unrestricted guest on VMX (HVM_FEATURE_UNRESTRICTED). */
bool tvm_mode_supported(enum hvm_mode mode);
/* The guest-physical address of a label of the guest code. */
__u64 tvm_gpa(const struct tvm *t, const unsigned char *label);
/* Continue at label (mode-aware: IP is an offset in real mode). */
int tvm_set_entry(struct tvm *t, const unsigned char *label);
int tvm_set_reg_rdi(struct hvm_vcpu *vcpu, __u64 rdi);
/*
 * A number from the VM's debugfs directory (Documentation/abi.rst),
 * /sys/kernel/debug/hvm/<pid>-<vm fd>/@file ("tdp_tables",
 * "vcpu0/exits"), or -1 when it cannot be read.
 */
long long tvm_debugfs_read(const struct tvm *t, const char *file);

/* Prepare a VM's vCPU for long mode at entry with exception stubs. */
int guest_setup_long64(struct hvm_vcpu *vcpu, __u64 entry, __u64 sp);
/* Exception stubs (vectors 0-31) at GUEST_STUBS_GPA plus IDT gates. */
int guest_install_exception_stubs(struct hvm_vm *vm);
/* The RIP saved by the last exception (error_code: the vector pushed one). */
int guest_exception_rip(struct hvm_vcpu *vcpu, bool error_code, __u64 *rip);

enum ucall_type {
	UCALL_REPORT,		/* value = RAX */
	UCALL_DONE,
	UCALL_EXCEPTION,	/* value = vector */
	UCALL_ASSERT,		/* value = line, args[] = RDI RSI RDX RCX R8 */
	UCALL_OTHER_EXIT,	/* any other exit: look at vcpu->run */
	UCALL_RUN_ERROR,	/* HVM_RUN failed: err = errno */
};

struct ucall {
	enum ucall_type type;
	__u64 value;
	int err;
	__u64 args[5];		/* UCALL_ASSERT: file, expr, a, b, has values */
};

/* One HVM_RUN, decoded. */
enum ucall_type ucall_run(struct hvm_vcpu *vcpu, struct ucall *uc);
/* Decodes the exit in vcpu->run after a successful HVM_RUN of the
 * caller's own (ucall_run() without the run). */
enum ucall_type ucall_decode(struct hvm_vcpu *vcpu, struct ucall *uc);
/*
 * Runs until anything but a REPORT, storing up to max reported values
 * in values[] and their number in *nr; returns the final type.
 */
enum ucall_type ucall_run_collect(struct hvm_vcpu *vcpu, struct ucall *uc,
				  __u64 *values, unsigned int max, unsigned int *nr);
/* Runs until DONE; everything else (the first one) is described in diag. */
bool ucall_run_to_done(struct hvm_vcpu *vcpu);
/* Describes the last exit in a "# " diagnostic. */
void ucall_describe(struct hvm_vcpu *vcpu, const struct ucall *uc);
/*
 * Copies the NUL-terminated string at guest address gva (identity-mapped
 * long64 memory: GPA == GVA) into buf, truncated to size; 0 or -1.
 */
int ucall_guest_string(struct hvm_vcpu *vcpu, __u64 gva, char *buf, size_t size);

#include "test.h"

/*
 * In a test case: create the tvm from guest code name or fail the case;
 * skip it when the backend cannot run mode (VMX without unrestricted guest).
 */
#define TVM_CREATE(t, mode, name)						\
	do {									\
		if (!tvm_mode_supported(mode))					\
			return test_skip("%s mode needs VMX unrestricted guest",	\
					 hvm_mode_name(mode));			\
		TEST_ASSERT_ERRNO(!tvm_create(t, mode, name##_start, name##_end), \
				  "creating the test VM");			\
	} while (0)

/* In a test case: the next ucall must be type; describes it otherwise. */
#define EXPECT_UCALL(vcpu, uc, expected)					\
	do {									\
		if (ucall_run(vcpu, uc) != (expected)) {			\
			ucall_describe(vcpu, uc);				\
			return test_fail("%s:%d: expected %s", __FILE__,	\
					 __LINE__, #expected);			\
		}								\
	} while (0)

#endif /* HVM_SELFTEST_GUEST_H */
