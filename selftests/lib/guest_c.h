/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code written in C, as plain functions of the test binary.
 *
 * The test binaries are static, non-PIE executables linked at 0x400000
 * (selftests/Makefile).  tvm_create_c() makes a long64 tvm (guest.h) and
 * copies the test process's own loaded image, every PT_LOAD segment as it
 * is in memory (relocated GOT and IRELATIVE entries, .data and .bss as
 * they are at that moment), into memory slot TVM_IMAGE_SLOT at GPA == its
 * virtual address.  Under libhvm's identity map (GVA == GPA below 4 GiB)
 * guest code then runs at its link address: it calls other functions of
 * the test binary, reads globals and .rodata strings by their usual
 * names.  The vCPU starts at the C function with its stack at the top of
 * slot 0 (GUEST_MEM_SIZE), aligned as at any SysV call; a function that
 * returns lands in a stub that says DONE.
 *
 * The guest gets a COPY.  Writes by either side after tvm_create_c() are
 * not seen by the other: set up globals before creating the tvm, then
 * exchange values with guest_report() (the host's ucall_run*()), or read
 * and write the guest's copy from the host with tvm_image_hva() and
 * TVM_SYNC_TO_GUEST() / TVM_SYNC_FROM_GUEST().
 *
 * Guest code is freestanding: no libc.  glibc's functions chosen by IFUNC
 * for the host CPU may use AVX, which the guest has not enabled (CR4 has
 * OSFXSR and OSXMMEXCPT, not OSXSAVE: SSE works, AVX raises #UD), and
 * anything using TLS (errno, stdio) faults (FS base 0).  Keep big struct
 * copies and clears out of guest code, the compiler may turn them into
 * memcpy()/memset() calls.  Exceptions without a handler reach the
 * exception stubs of guest.h (UCALL_EXCEPTION, vector and RIP described).
 *
 * Guest side (static inline, below): guest_report(), guest_done(),
 * GUEST_ASSERT(), GUEST_ASSERT_EQ(), GUEST_FAIL(), rdmsr(), wrmsr(),
 * rdtsc(), cpuid(), xsetbv(), xgetbv(), cli(), sti(), hlt(), safe_halt(), in/out[bwl](),
 * mmio_read/write8/16/32/64(), read/write_cr*(), guest_idt_set_gate();
 * GUEST_HANDLER() makes an interrupt entry stub around a C function.
 *
 * Documentation/testing.rst, "Guest code in C", has an example.
 *
 * Guest memory of a C tvm: slot 0 as for any tvm (guest.h: system area,
 * exception stubs, stack below GUEST_MEM_SIZE; the code and data areas
 * are free for the test's own use), slot TVM_IMAGE_SLOT the image.
 */
#ifndef HVM_SELFTEST_GUEST_C_H
#define HVM_SELFTEST_GUEST_C_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "guest.h"

/* The memory slot of the image copy: the last one the module offers, so
 * a test's own slots can start at 1. */
#define TVM_IMAGE_SLOT		31

/* ---- Host side ---------------------------------------------------------- */

/*
 * A long64 tvm running guest_main() of this binary (see above): RIP =
 * guest_main, RSP = GUEST_MEM_SIZE - 8 holding the address of a stub
 * that reports DONE, the other GPRs 0 (set RDI etc. with
 * tvm_set_reg_rdi() or HVM_SET_REGS for arguments).  Returns 0 or -1
 * (errno: EINVAL when the image is not where it must be, i.e. a PIE
 * binary or an image overlapping slot 0 or above 4 GiB).
 */
int tvm_create_c(struct tvm *t, void (*guest_main)(void));
/* The same with TVM_* flags (TVM_IRQCHIP: in-kernel LAPICs, I/O APIC). */
int tvm_create_c_flags(struct tvm *t, void (*guest_main)(void), unsigned int flags);
/*
 * One more long64 vCPU (id) in the tvm, running fn on its own stack of
 * TVM_VCPU_STACK bytes below vCPU 0's; the caller destroys it before
 * tvm_destroy().  NULL on error (errno).
 */
#define TVM_VCPU_STACK		0x10000
struct hvm_vcpu *tvm_add_vcpu_c(struct tvm *t, unsigned int id, void (*fn)(void));
/*
 * The host address of the guest's copy of [addr, addr + len) of the
 * image (a global, a string), or NULL when outside it.
 */
void *tvm_image_hva(struct tvm *t, const void *addr, size_t len);
/* Installs a gate from the host (handler: a GUEST_HANDLER() stub). */
int tvm_set_idt_gate(struct tvm *t, unsigned int vector, void (*handler)(void));
/*
 * Runs until DONE; a REPORT or anything else is described (a failed
 * GUEST_ASSERT() as "guest assertion failed: file:line: expression") and
 * returns TEST_FAIL.  uc, if not NULL, holds the last ucall.
 */
enum test_result tvm_run_to_done(struct tvm *t, struct ucall *uc);
/* RUN while another thread, 100 ms later, raises and lowers @gsi (the
 * vCPU may block in HLT meanwhile); the next ucall must be a REPORT. */
enum test_result tvm_run_edge_later(struct tvm *t, __u32 gsi, struct ucall *uc);

/* Copy a global of the test binary to / from the guest's copy of it. */
#define TVM_SYNC_TO_GUEST(t, var)						\
	memcpy(tvm_image_hva(t, &(var), sizeof(var)), &(var), sizeof(var))
#define TVM_SYNC_FROM_GUEST(t, var)						\
	memcpy(&(var), tvm_image_hva(t, &(var), sizeof(var)), sizeof(var))

/* In a test case: create a C tvm or fail the case. */
#define TVM_CREATE_C(t, guest_main)						\
	TEST_ASSERT_ERRNO(!tvm_create_c(t, guest_main), "creating the test VM")

/* In a test case: a C tvm with an in-kernel irqchip, or fail the case. */
#define TVM_CREATE_IRQCHIP(t, fn)						\
	TEST_ASSERT_ERRNO(!tvm_create_c_flags(t, fn, TVM_IRQCHIP),		\
			  "creating the test VM with an irqchip")

/* In a test case: HVM_IRQ_LINE on GSI gsi, or fail the case. */
#define IRQ_LINE(t, gsi, level)							\
	TEST_ASSERT_ERRNO(!hvm_vm_irq_line((t)->vm, gsi, level),		\
			  "HVM_IRQ_LINE GSI %u level %u", gsi, level)

/* In a test case: the next ucall is a REPORT of expected, or fail. */
#define EXPECT_REPORT(t, uc, expected)						\
	do {									\
		EXPECT_UCALL((t)->vcpu, uc, UCALL_REPORT);			\
		TEST_ASSERT((uc)->value == (__u64)(expected),			\
			    "report 0x%" PRIx64 ", expected 0x%" PRIx64,	\
			    (uint64_t)(uc)->value, (uint64_t)(expected));	\
	} while (0)

/* In a test case: run the guest to DONE or fail the case. */
#define TVM_RUN_TO_DONE(t)							\
	do {									\
		if (tvm_run_to_done(t, NULL) != TEST_PASS)			\
			return test_fail("%s:%d: the guest did not finish",	\
					 __FILE__, __LINE__);			\
	} while (0)

/* ---- Guest side --------------------------------------------------------- */

/* Report a value to the host (UCALL_REPORT, uc.value). */
static inline void guest_report(__u64 value)
{
	asm volatile("out %%eax, $" STR(UCALL_PORT_REPORT) : : "a"(value) : "memory");
}

/* The guest finished (UCALL_DONE).  Says it again if run once more. */
static inline __attribute__((noreturn)) void guest_done(void)
{
	for (;;)
		asm volatile("out %%eax, $" STR(UCALL_PORT_DONE) : : "a"(0) : "memory");
}

/* What GUEST_ASSERT*() call: UCALL_ASSERT, see guest.h.  Says it again if
 * run once more. */
static inline __attribute__((noreturn)) void
guest_assert_fail(const char *file, __u64 line, const char *expr, __u64 a,
		  __u64 b, bool has_values)
{
	register __u64 r8 asm("r8") = has_values;

	for (;;)
		asm volatile("out %%eax, $" STR(UCALL_PORT_ASSERT)
			     : : "a"(line), "D"(file), "S"(expr), "d"(a), "c"(b),
			       "r"(r8) : "memory");
}

/* cond must hold, or the guest stops and the host prints file:line. */
#define GUEST_ASSERT(cond)							\
	do {									\
		if (!(cond))							\
			guest_assert_fail(__FILE__, __LINE__, #cond, 0, 0,	\
					  false);				\
	} while (0)

/* a == b (as __u64), or the host prints both values too. */
#define GUEST_ASSERT_EQ(a, b)							\
	do {									\
		__u64 __a = (__u64)(a), __b = (__u64)(b);			\
										\
		if (__a != __b)							\
			guest_assert_fail(__FILE__, __LINE__, #a " == " #b,	\
					  __a, __b, true);			\
	} while (0)

/* Fail here, the host prints msg (a string literal). */
#define GUEST_FAIL(msg)								\
	guest_assert_fail(__FILE__, __LINE__, msg, 0, 0, false)

static inline __u64 rdmsr(__u32 msr)
{
	__u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return lo | ((__u64)hi << 32);
}

static inline void wrmsr(__u32 msr, __u64 value)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((__u32)value), "d"((__u32)(value >> 32))
		     : "memory");
}

static inline __u64 rdtsc(void)
{
	__u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | ((__u64)hi << 32);
}

static inline void cpuid(__u32 leaf, __u32 subleaf, __u32 *eax, __u32 *ebx,
			 __u32 *ecx, __u32 *edx)
{
	asm volatile("cpuid"
		     : "=a"(*eax), "=b"(*ebx), "=c"(*ecx), "=d"(*edx)
		     : "a"(leaf), "c"(subleaf) : "memory");
}

static inline void xsetbv(__u32 index, __u64 value)
{
	asm volatile("xsetbv" : : "c"(index), "a"((__u32)value),
		     "d"((__u32)(value >> 32)) : "memory");
}

static inline __u64 xgetbv(__u32 index)
{
	__u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
	return lo | ((__u64)hi << 32);
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

static inline void hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

/* STI; HLT: an interrupt pending or arriving wakes the HLT (STI shadow). */
static inline void safe_halt(void)
{
	asm volatile("sti; hlt" : : : "memory");
}

static inline void outb(__u16 port, __u8 value)
{
	asm volatile("outb %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline void outw(__u16 port, __u16 value)
{
	asm volatile("outw %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline void outl(__u16 port, __u32 value)
{
	asm volatile("outl %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline __u8 inb(__u16 port)
{
	__u8 value;

	asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port) : "memory");
	return value;
}

static inline __u16 inw(__u16 port)
{
	__u16 value;

	asm volatile("inw %1, %0" : "=a"(value) : "Nd"(port) : "memory");
	return value;
}

static inline __u32 inl(__u16 port)
{
	__u32 value;

	asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port) : "memory");
	return value;
}

/*
 * MMIO at a guest address (== GPA below 4 GiB): exactly one MOV of that
 * width each, never merged, split or left out.
 */
#define GUEST_MMIO_RW(bits, type, suffix)					\
static inline type mmio_read##bits(__u64 addr)					\
{										\
	type value;								\
										\
	asm volatile("mov" suffix " %1, %0"					\
		     : "=r"(value) : "m"(*(volatile type *)addr) : "memory");	\
	return value;								\
}										\
static inline void mmio_write##bits(__u64 addr, type value)			\
{										\
	asm volatile("mov" suffix " %1, %0"					\
		     : "=m"(*(volatile type *)addr) : "r"(value) : "memory");	\
}
GUEST_MMIO_RW(8, __u8, "b")
GUEST_MMIO_RW(16, __u16, "w")
GUEST_MMIO_RW(32, __u32, "l")
GUEST_MMIO_RW(64, __u64, "q")
#undef GUEST_MMIO_RW

#define GUEST_CR_RW(n)								\
static inline __u64 read_cr##n(void)						\
{										\
	__u64 value;								\
										\
	asm volatile("mov %%cr" #n ", %0" : "=r"(value) : : "memory");	\
	return value;								\
}										\
static inline void write_cr##n(__u64 value)					\
{										\
	asm volatile("mov %0, %%cr" #n : : "r"(value) : "memory");		\
}
GUEST_CR_RW(0)
GUEST_CR_RW(2)
GUEST_CR_RW(3)
GUEST_CR_RW(4)
GUEST_CR_RW(8)
#undef GUEST_CR_RW

/*
 * Interrupt handlers in C.  GUEST_HANDLER(name, vector, fn) defines an
 * entry stub name() for an IDT gate of vector (an integer literal, or a
 * macro expanding to one) and declares
 *
 *	static void fn(struct guest_frame *f);
 *
 * which the test defines.  The stub saves the caller-saved GPRs and the
 * x87/SSE state (FXSAVE), clears DF, calls fn() with the stack 16-byte
 * aligned, restores and returns with IRETQ to f->rip, f->cs, f->rflags,
 * f->rsp, f->ss: fn() may change them (f->rip += 2 skips a UD2).  One fn
 * may serve several stubs (f->vector).
 *
 * Error code or not, one stub works for every vector: in long mode the
 * CPU aligns RSP to 16 bytes before it pushes the 40-byte frame (SDM vol.
 * 3, 6.14.2; APM vol. 2, 8.9.3), so RSP % 16 is 0 at the stub when it
 * pushed an error code (8, 10-14, 17, 21, 29, 30) and 8 when not (other
 * exceptions, INT n even to those vectors, external interrupts, NMI).
 * f->has_error_code tells which; f->error_code is 0 without one.
 *
 * The handler runs on the interrupted stack (no IST, same CPL) with IF
 * cleared (an interrupt gate).  AVX upper halves are not saved: the
 * guest has no AVX unless it enables XSAVE itself.
 */
struct guest_frame {
	__u64 rax, rcx, rdx, rsi, rdi, r8, r9, r10, r11;
	__u32 vector;
	__u32 has_error_code;
	__u64 error_code;
	/* the CPU's frame */
	__u64 rip, cs, rflags, rsp, ss;
};

#define GUEST_HANDLER(name, vector, fn)						\
	static void fn(struct guest_frame *f) __attribute__((used));		\
	asm(".pushsection .text\n"						\
	    ".balign 16\n"							\
	    ".type " #name ", @function\n"					\
	    #name ":\n\t"							\
	    "testq $8, %rsp\n\t"						\
	    "jnz 1f\n\t"							\
	    "pushq $" STR(vector) "\n\t"	/* below the error code */	\
	    "movl $1, 4(%rsp)\n\t"		/* has_error_code */		\
	    "jmp 2f\n"								\
	    "1:\n\t"								\
	    "pushq $0\n\t"			/* error code 0 */		\
	    "pushq $" STR(vector) "\n"						\
	    "2:\n\t"								\
	    "push %r11\n\t"							\
	    "push %r10\n\t"							\
	    "push %r9\n\t"							\
	    "push %r8\n\t"							\
	    "push %rdi\n\t"							\
	    "push %rsi\n\t"							\
	    "push %rdx\n\t"							\
	    "push %rcx\n\t"							\
	    "push %rax\n\t"							\
	    "mov %rsp, %rdi\n\t"		/* 40 + 16 + 72: aligned */	\
	    "sub $512, %rsp\n\t"						\
	    "fxsave64 (%rsp)\n\t"						\
	    "cld\n\t"								\
	    "call " #fn "\n\t"							\
	    "fxrstor64 (%rsp)\n\t"						\
	    "add $512, %rsp\n\t"						\
	    "pop %rax\n\t"							\
	    "pop %rcx\n\t"							\
	    "pop %rdx\n\t"							\
	    "pop %rsi\n\t"							\
	    "pop %rdi\n\t"							\
	    "pop %r8\n\t"							\
	    "pop %r9\n\t"							\
	    "pop %r10\n\t"							\
	    "pop %r11\n\t"							\
	    "add $16, %rsp\n\t"			/* vector, error code */	\
	    "iretq\n\t"								\
	    ".size " #name ", . - " #name "\n"					\
	    ".popsection\n");							\
	extern void name(void)

/*
 * From the guest: a present DPL 0 64-bit interrupt gate of vector (0-255)
 * to handler, in the IDT at HVM_SYS_IDT (identity-mapped, writable; its
 * limit covers all 256 vectors).
 */
static inline void guest_idt_set_gate(unsigned int vector, void (*handler)(void))
{
	volatile __u32 *gate = (volatile __u32 *)(HVM_SYS_IDT + (vector & 0xff) * 16);
	__u64 h = (__u64)handler;

	gate[0] = (h & 0xffff) | ((__u32)HVM_SEL_CODE64 << 16);
	gate[1] = (h & 0xffff0000) | 0x8e00;	/* P, DPL 0, type 0xe */
	gate[2] = h >> 32;
	gate[3] = 0;
}

/*
 * Instructions that may fault, from C (as KVM selftests' rdmsr_safe()):
 * guest_safe_init() points the gates of the exceptions an instruction
 * raises (#DE, #UD, #NM, #GP, #PF, #MF, #AC, #XM) at one handler.  An
 * access between GUEST_SAFE_BEGIN and GUEST_SAFE_END that faults resumes
 * at GUEST_SAFE_END with the vector, error code and (for #PF) CR2 in
 * guest_fault; GUEST_NO_FAULT when it completed.  An exception elsewhere
 * fails the guest (the host prints the vector and RIP).  One asm
 * statement each: the BEGIN, the instruction, the END, clobbering R11.
 */
#define GUEST_NO_FAULT		(-1)

struct guest_fault {
	__u64 fixup;		/* RIP to resume at, 0 outside a safe access */
	__s64 vector;		/* GUEST_NO_FAULT or the vector */
	__u64 error_code, cr2;
};
extern volatile struct guest_fault guest_fault;

void guest_safe_init(void);

#define GUEST_SAFE_BEGIN							\
	"movq $-1, guest_fault+8(%%rip)\n\t"					\
	"lea 9f(%%rip), %%r11\n\t"						\
	"mov %%r11, guest_fault(%%rip)\n\t"
#define GUEST_SAFE_END								\
	"\n9: movq $0, guest_fault(%%rip)\n\t"

/* RDMSR/WRMSR: GUEST_NO_FAULT or the vector (*value untouched then). */
static inline int rdmsr_safe(__u32 msr, __u64 *value)
{
	__u32 lo = 0, hi = 0;

	asm volatile(GUEST_SAFE_BEGIN "rdmsr" GUEST_SAFE_END
		     : "+a"(lo), "+d"(hi) : "c"(msr) : "r11", "memory");
	if (guest_fault.vector == GUEST_NO_FAULT)
		*value = lo | ((__u64)hi << 32);
	return guest_fault.vector;
}

static inline int wrmsr_safe(__u32 msr, __u64 value)
{
	asm volatile(GUEST_SAFE_BEGIN "wrmsr" GUEST_SAFE_END
		     : : "c"(msr), "a"((__u32)value), "d"((__u32)(value >> 32))
		     : "r11", "memory");
	return guest_fault.vector;
}

/* XSETBV of XCR @index (CR4.OSXSAVE must be set, else #UD). */
static inline int xsetbv_safe(__u32 index, __u64 value)
{
	asm volatile(GUEST_SAFE_BEGIN "xsetbv" GUEST_SAFE_END
		     : : "c"(index), "a"((__u32)value), "d"((__u32)(value >> 32))
		     : "r11", "memory");
	return guest_fault.vector;
}

/* a == b (as __u64), or the host prints msg (a string in the image) and
 * both values. */
#define GUEST_ASSERT_EQ_MSG(a, b, msg)						\
	do {									\
		__u64 __a = (__u64)(a), __b = (__u64)(b);			\
										\
		if (__a != __b)							\
			guest_assert_fail(__FILE__, __LINE__, msg, __a, __b,	\
					  true);				\
	} while (0)

#endif /* HVM_SELFTEST_GUEST_C_H */
