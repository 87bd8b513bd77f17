// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile guests at CPL3 (issue 14): what hvm emulates on a guest's
 * behalf (MMIO instructions, string port I/O) must obey the guest's own
 * protection as the CPU would: U/S, CR0.WP, SMAP, IOPL and the TSS I/O
 * permission bitmap.  An access the guest's page tables or I/O
 * permissions refuse raises #PF or #GP in the guest (SDM vol. 3 4.6,
 * 4.7, 19.5; vol. 1 19.5.2) and never reaches user space as an exit, nor
 * writes memory the guest may not write.
 *
 * The guest kernel (CPL0, C code of this binary) adds user code and data
 * segments and a TSS with an I/O bitmap to its GDT, sets U on its
 * identity map, and enters user functions with IRETQ; a user function
 * ends with INT $0x80 (a DPL3 gate), whose handler returns to the kernel
 * right after its IRETQ.  A window at VA 1<<39 maps slot 0's first 2 MiB
 * (RAM) and the MMIO page at MMIO_GPA with the flags each case wants.
 */
#include <inttypes.h>
#include <string.h>

#include "guest_c.h"
#include "test.h"

#define VEC_GP		13
#define VEC_PF		14

#define PTE_P		(1ULL << 0)
#define PTE_W		(1ULL << 1)
#define PTE_U		(1ULL << 2)
#define PTE_PS		(1ULL << 7)

#define SEL_UCODE	0x33		/* GDT 0x30, RPL 3 */
#define SEL_UDATA	0x3b		/* GDT 0x38, RPL 3 */
#define SEL_TSS2	0x40

#define WIN_PDPT	0x100000ULL	/* slot 0 */
#define WIN_PD		0x101000ULL
#define WIN_VA		(1ULL << 39)
#define WIN_RAM		(WIN_VA + 0x40000)	/* GPA 0x40000 */
#define WIN_MMIO	(WIN_VA + 0x200000)	/* MMIO_GPA */
#define MMIO_GPA	0xd0000000ULL
#define RAM_GPA		0x40000ULL

#define PORT_OK		0x3f0		/* allowed in the I/O bitmap */
#define PORT_DENIED	0x3f8

#define RFLAGS_IOPL3	(3U << 12)
#define RFLAGS_AC	(1U << 18)

/* ---- Guest kernel ----------------------------------------------------------- */

static __u8 user_stack[8192] __attribute__((aligned(16)));
static __u8 kernel_stack[8192] __attribute__((aligned(16)));
/* TSS: 104 bytes, the I/O bitmap at 0x68 (8192 bytes), the 0xff end byte */
static __u8 tss2[0x68 + 8192 + 1] __attribute__((aligned(16)));
volatile __u64 cpl3_kernel_rsp;

void enter_user(__u64 rip, __u64 rflags, __u64 rsp);
extern const unsigned char cpl3_back[];
asm(".pushsection .text\n"
    ".type enter_user, @function\n"
    "enter_user:\n\t"
    "push %rbx\n\tpush %rbp\n\tpush %r12\n\tpush %r13\n\tpush %r14\n\tpush %r15\n\t"
    "mov %rsp, cpl3_kernel_rsp(%rip)\n\t"
    "pushq $" STR(SEL_UDATA) "\n\t"
    "push %rdx\n\t"
    "push %rsi\n\t"
    "pushq $" STR(SEL_UCODE) "\n\t"
    "push %rdi\n\t"
    "iretq\n"
    "cpl3_back:\n\t"
    "mov cpl3_kernel_rsp(%rip), %rsp\n\t"
    "pop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %rbp\n\tpop %rbx\n\t"
    "ret\n"
    ".size enter_user, . - enter_user\n"
    ".popsection\n");

/* INT $0x80 from user code: back to the kernel, after enter_user(). */
static void back_fn(struct guest_frame *f)
{
	f->rip = (__u64)cpl3_back;
	f->cs = HVM_SEL_CODE64;
	f->ss = HVM_SEL_DATA;
	f->rsp = cpl3_kernel_rsp;
	f->rflags = 2;
}
GUEST_HANDLER(back_entry, 0x80, back_fn);

#define USER_EXIT()	asm volatile("int $0x80" ::: "memory")

static __u64 gdt_entry(__u32 base, __u32 limit, __u8 access, __u8 flags)
{
	return (limit & 0xffffULL) | ((__u64)(base & 0xffffff) << 16) |
	       ((__u64)access << 40) | ((__u64)((limit >> 16) & 0xf) << 48) |
	       ((__u64)(flags & 0xf) << 52) | ((__u64)(base >> 24) << 56);
}

static void cpl3_setup(void)
{
	volatile __u64 *gdt = (volatile __u64 *)HVM_SYS_GDT;
	__u64 *pml4 = (__u64 *)HVM_SYS_PML4, *pdpt = (__u64 *)HVM_SYS_PDPT;
	__u64 *pd = (__u64 *)HVM_SYS_PD, tss = (__u64)tss2;
	struct __attribute__((packed)) { __u16 limit; __u64 base; } gdtr;
	unsigned int i;

	guest_safe_init();
	/* user segments, a TSS with an I/O bitmap: ports all denied but PORT_OK */
	gdt[SEL_UCODE / 8] = gdt_entry(0, 0xfffff, 0xfb, 0xa);
	gdt[SEL_UDATA / 8] = gdt_entry(0, 0xfffff, 0xf3, 0xc);
	gdt[SEL_TSS2 / 8] = gdt_entry((__u32)tss, sizeof(tss2) - 1, 0x89, 0);
	gdt[SEL_TSS2 / 8 + 1] = tss >> 32;
	gdtr.limit = SEL_TSS2 + 15;
	gdtr.base = HVM_SYS_GDT;
	asm volatile("lgdt %0" : : "m"(gdtr));
	*(volatile __u64 *)(tss2 + 4) = (__u64)(kernel_stack + sizeof(kernel_stack));
	*(volatile __u16 *)(tss2 + 0x66) = 0x68;
	for (i = 0x68; i < sizeof(tss2); i++)	/* volatile: no memset() call */
		((volatile __u8 *)tss2)[i] = 0xff;
	tss2[0x68 + PORT_OK / 8] &= ~(1U << (PORT_OK % 8));
	asm volatile("ltr %w0" : : "r"(SEL_TSS2));
	/* U on the identity map; the window */
	pml4[0] |= PTE_U;
	for (i = 0; i < 4; i++)
		pdpt[i] |= PTE_U;
	for (i = 0; i < 2048; i++)
		pd[i] |= PTE_U;
	pml4[1] = WIN_PDPT | PTE_P | PTE_W | PTE_U;
	((__u64 *)WIN_PDPT)[0] = WIN_PD | PTE_P | PTE_W | PTE_U;
	write_cr3(read_cr3());
	/* Touch the kernel stack now: a nested page fault while an INT $0x80
	 * from CPL3 switches to it would meet Bochs's stale EXITINTINFO
	 * under SVM (testing.rst, "Bochs test VMs"). */
	for (i = 0; i < sizeof(kernel_stack); i += 4096)
		((volatile __u8 *)kernel_stack)[i] = 0;
	((volatile __u8 *)kernel_stack)[sizeof(kernel_stack) - 1] = 0;
	guest_idt_set_gate(0x80, back_entry);
	((volatile __u32 *)(HVM_SYS_IDT + 0x80 * 16))[1] |= 3U << 13;	/* DPL 3 */
	write_cr0(read_cr0() | HVM_CR0_WP);
}

/* The window's RAM and MMIO pages with these flags. */
static void window(__u64 ram_flags, __u64 mmio_flags)
{
	((__u64 *)WIN_PD)[0] = 0 | PTE_P | PTE_PS | ram_flags;
	((__u64 *)WIN_PD)[1] = MMIO_GPA | PTE_P | PTE_PS | mmio_flags;
	write_cr3(read_cr3());
}

static void run_user(void (*fn)(void), __u64 rflags)
{
	enter_user((__u64)fn, rflags | 2, (__u64)(user_stack + sizeof(user_stack) - 8));
}

/* A fault at user level is recorded by guest_safe_handler (CPL0). */
static inline int movsb_safe(__u64 dst, __u64 src)
{
	asm volatile(GUEST_SAFE_BEGIN "movsb" GUEST_SAFE_END
		     : "+D"(dst), "+S"(src) : : "r11", "memory");
	return guest_fault.vector;
}

static inline int read32_safe(__u64 va, __u32 *v)
{
	__u32 x = 0;

	asm volatile(GUEST_SAFE_BEGIN "movl (%1), %0" GUEST_SAFE_END
		     : "+r"(x) : "r"(va) : "r11", "memory");
	*v = x;
	return guest_fault.vector;
}

/* What user code found: vector, error code; the kernel checks. */
static volatile __s64 u_vec[4];
static volatile __u64 u_err[4];

static void record(int i)
{
	u_vec[i] = guest_fault.vector;
	u_err[i] = guest_fault.error_code;
}

/* ---- U/S with MMIO ------------------------------------------------------------ */

static void user_mmio(void)
{
	__u32 v = 0;

	read32_safe(WIN_MMIO + 0x10, &v);
	record(0);
	u_err[1] = v;
	asm volatile(GUEST_SAFE_BEGIN "movl %0, (%1)" GUEST_SAFE_END
		     : : "r"(0x5678), "r"(WIN_MMIO + 0x14) : "r11", "memory");
	record(2);
	USER_EXIT();
}

static void guest_cpl3_mmio(void)
{
	cpl3_setup();
	/* a user MMIO page: exits as at CPL0 */
	window(PTE_W, PTE_W | PTE_U);
	run_user(user_mmio, 0);
	GUEST_ASSERT_EQ_MSG(u_vec[0], GUEST_NO_FAULT, "user read of user MMIO");
	GUEST_ASSERT_EQ_MSG(u_err[1], 0x1234, "the host's MMIO data");
	GUEST_ASSERT_EQ_MSG(u_vec[2], GUEST_NO_FAULT, "user write of user MMIO");
	guest_report(1);
	/* a supervisor MMIO page: #PF(P|U) at once, no exit */
	window(PTE_W, PTE_W);
	run_user(user_mmio, 0);
	GUEST_ASSERT_EQ_MSG(u_vec[0], VEC_PF, "user read of supervisor MMIO must #PF");
	GUEST_ASSERT_EQ_MSG(u_err[0], 0x5, "#PF error code P|U");
	GUEST_ASSERT_EQ_MSG(u_vec[2], VEC_PF, "user write of supervisor MMIO must #PF");
	GUEST_ASSERT_EQ_MSG(u_err[2], 0x7, "#PF error code P|W|U");
	guest_report(2);
}

/* Answers MMIO reads with 0x1234 (or 0xab for bytes), counts exits and
 * the reports until DONE. */
static enum test_result run_counting(struct tvm *t, unsigned int *mmio, unsigned int *io,
				     __u64 *reports, unsigned int max, unsigned int *nr)
{
	struct hvm_run *run = t->vcpu->run;
	struct ucall uc;

	*mmio = *io = *nr = 0;
	for (;;) {
		ucall_run(t->vcpu, &uc);
		if (uc.type == UCALL_DONE)
			return TEST_PASS;
		if (uc.type == UCALL_REPORT) {
			if (*nr < max)
				reports[*nr] = uc.value;
			(*nr)++;
			continue;
		}
		if (uc.type == UCALL_OTHER_EXIT && run->exit_reason == HVM_EXIT_MMIO) {
			__u64 v = run->mmio.len == 1 ? 0xab : 0x1234;

			TEST_ASSERT(run->mmio.phys_addr >= MMIO_GPA &&
				    run->mmio.phys_addr < MMIO_GPA + 0x200000,
				    "MMIO exit at 0x%llx",
				    (unsigned long long)run->mmio.phys_addr);
			if (!run->mmio.is_write)
				memcpy(run->mmio.data, &v, 8);
			(*mmio)++;
			continue;
		}
		if (uc.type == UCALL_OTHER_EXIT && run->exit_reason == HVM_EXIT_IO) {
			(*io)++;
			test_diag("I/O exit: port 0x%x size %u count %u %s", run->io.port,
				  run->io.size, run->io.count,
				  run->io.direction == HVM_EXIT_IO_OUT ? "out" : "in");
			continue;
		}
		ucall_describe(t->vcpu, &uc);
		return test_fail("unexpected exit after %u reports", *nr);
	}
}

/* CPL3 MMIO: a user page exits as usual (read and write); a supervisor
 * page raises #PF(U) in the guest with no exit at all. */
static enum test_result test_cpl3_mmio(void)
{
	unsigned int mmio, io, nr;
	enum test_result r;
	__u64 rep[4];
	struct tvm t;

	TVM_CREATE_C(&t, guest_cpl3_mmio);
	r = run_counting(&t, &mmio, &io, rep, 4, &nr);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(nr == 2 && mmio == 2 && io == 0, "%u reports, %u MMIO, %u I/O exits",
		    nr, mmio, io);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- The emulator's own writes: U/S, WP, SMAP ---------------------------------- */

static void user_movs_to_ram(void)
{
	movsb_safe(WIN_RAM, WIN_MMIO + 0x20);
	record(0);
	USER_EXIT();
}

static bool has_smap(void)
{
	__u32 a, b, c, d;

	cpuid(7, 0, &a, &b, &c, &d);
	return b & (1U << 20);
}

static void guest_emulated_writes(void)
{
	volatile __u8 *ram = (volatile __u8 *)RAM_GPA;
	unsigned int i;
	__u64 flags;

	cpl3_setup();
	/* CPL3 MOVSB from user MMIO to supervisor RAM: #PF(P|W|U), RAM kept */
	*ram = 0x11;
	window(PTE_W, PTE_W | PTE_U);
	run_user(user_movs_to_ram, 0);
	GUEST_ASSERT_EQ_MSG(u_vec[0], VEC_PF, "CPL3 MOVS into supervisor RAM must #PF");
	GUEST_ASSERT_EQ_MSG(u_err[0], 0x7, "#PF error code P|W|U");
	GUEST_ASSERT_EQ_MSG(*ram, 0x11, "the emulator wrote supervisor RAM for CPL3");
	/* CPL0, CR0.WP: MOVSB from MMIO to a read-only RAM page: #PF(P|W) */
	window(0, PTE_W);
	GUEST_ASSERT_EQ_MSG(movsb_safe(WIN_RAM, WIN_MMIO + 0x20), VEC_PF,
			    "MOVS into read-only RAM with CR0.WP must #PF");
	GUEST_ASSERT_EQ_MSG(guest_fault.error_code, 0x3, "#PF error code P|W");
	GUEST_ASSERT_EQ_MSG(*ram, 0x11, "the emulator wrote a read-only page");
	/* the same with a writable page works: the MMIO data lands */
	window(PTE_W, PTE_W);
	GUEST_ASSERT_EQ_MSG(movsb_safe(WIN_RAM, WIN_MMIO + 0x20), GUEST_NO_FAULT,
			    "MOVS from MMIO into RAM");
	GUEST_ASSERT_EQ_MSG(*ram, 0xab, "MOVS from MMIO data");
	guest_report(1);
	if (!has_smap()) {
		guest_report(0);
		return;
	}
	/* SMAP: CPL0 MOVSB from supervisor MMIO into user RAM, AC=0: #PF(P|W).
	 * The kernel's own identity map becomes supervisor again first. */
	for (i = 0; i < 2048; i++)
		((__u64 *)HVM_SYS_PD)[i] &= ~PTE_U;
	*ram = 0x22;
	write_cr4(read_cr4() | (1ULL << 21));
	window(PTE_W | PTE_U, PTE_W);
	GUEST_ASSERT_EQ_MSG(movsb_safe(WIN_RAM, WIN_MMIO + 0x20), VEC_PF,
			    "SMAP: MOVS into user RAM with AC=0 must #PF");
	GUEST_ASSERT_EQ_MSG(guest_fault.error_code, 0x3, "#PF error code P|W");
	GUEST_ASSERT_EQ_MSG(*ram, 0x22, "the emulator broke SMAP");
	/* with AC=1 (STAC) it is allowed */
	asm volatile("pushf; pop %0" : "=r"(flags));
	asm volatile("push %0; popf" : : "r"(flags | RFLAGS_AC) : "memory", "cc");
	GUEST_ASSERT_EQ_MSG(movsb_safe(WIN_RAM, WIN_MMIO + 0x20), GUEST_NO_FAULT,
			    "SMAP: MOVS with AC=1");
	asm volatile("push %0; popf" : : "r"(flags) : "memory", "cc");
	GUEST_ASSERT_EQ_MSG(*ram, 0xab, "MOVS with AC=1 data");
	write_cr4(read_cr4() & ~(1ULL << 21));
	guest_report(2);
}

/* The MMIO emulator's RAM writes obey the guest's U/S, CR0.WP and SMAP:
 * a refused one raises #PF in the guest and leaves the RAM unchanged. */
static enum test_result test_emulated_writes(void)
{
	unsigned int mmio, io, nr;
	enum test_result r;
	__u64 rep[4];
	struct tvm t;

	TVM_CREATE_C(&t, guest_emulated_writes);
	r = run_counting(&t, &mmio, &io, rep, 4, &nr);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(nr == 2 && rep[0] == 1 && io == 0, "%u reports, %u I/O exits", nr, io);
	test_diag("%u MMIO exits%s", mmio, rep[1] ? "" : "; no SMAP on this CPU: not tested");
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- IOPL and the TSS I/O bitmap ----------------------------------------------- */

static void user_ports(void)
{
	asm volatile(GUEST_SAFE_BEGIN "outb %%al, %%dx" GUEST_SAFE_END
		     : : "a"(1), "d"(PORT_OK) : "r11", "memory");
	record(0);
	asm volatile(GUEST_SAFE_BEGIN "outb %%al, %%dx" GUEST_SAFE_END
		     : : "a"(2), "d"(PORT_DENIED) : "r11", "memory");
	record(1);
	/* 4 bytes from PORT_OK - 1: PORT_OK - 1 is denied */
	asm volatile(GUEST_SAFE_BEGIN "outl %%eax, %%dx" GUEST_SAFE_END
		     : : "a"(3), "d"(PORT_OK - 1) : "r11", "memory");
	record(2);
	USER_EXIT();
}

static void guest_iopl(void)
{
	cpl3_setup();
	run_user(user_ports, 0);
	GUEST_ASSERT_EQ_MSG(u_vec[0], GUEST_NO_FAULT, "IOPL 0: OUT to a bitmap-allowed port");
	GUEST_ASSERT_EQ_MSG(u_vec[1], VEC_GP, "IOPL 0: OUT to a denied port must #GP");
	GUEST_ASSERT_EQ_MSG(u_err[1], 0, "#GP(0)");
	GUEST_ASSERT_EQ_MSG(u_vec[2], VEC_GP, "IOPL 0: OUTL over a denied port must #GP");
	guest_report(1);
	run_user(user_ports, RFLAGS_IOPL3);
	GUEST_ASSERT_EQ_MSG(u_vec[0], GUEST_NO_FAULT, "IOPL 3: OUT");
	GUEST_ASSERT_EQ_MSG(u_vec[1], GUEST_NO_FAULT, "IOPL 3: OUT to any port");
	GUEST_ASSERT_EQ_MSG(u_vec[2], GUEST_NO_FAULT, "IOPL 3: OUTL");
	guest_report(2);
}

/* CPL3: IOPL 0 and the TSS bitmap let only PORT_OK through (one I/O
 * exit), the others #GP(0) with no exit; IOPL 3: every port exits. */
static enum test_result test_iopl_bitmap(void)
{
	unsigned int mmio, io, nr;
	enum test_result r;
	__u64 rep[4];
	struct tvm t;

	TVM_CREATE_C(&t, guest_iopl);
	r = run_counting(&t, &mmio, &io, rep, 4, &nr);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(nr == 2 && io == 4 && mmio == 0, "%u reports, %u I/O exits (1 + 3), %u MMIO",
		    nr, io, mmio);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- String I/O with a supervisor buffer ------------------------------------- */

static void user_string_io(void)
{
	__u64 buf = WIN_RAM, cnt = 4;

	asm volatile(GUEST_SAFE_BEGIN "rep outsb" GUEST_SAFE_END
		     : "+S"(buf), "+c"(cnt) : "d"(PORT_DENIED) : "r11", "memory");
	record(0);
	buf = WIN_RAM;
	cnt = 4;
	asm volatile(GUEST_SAFE_BEGIN "rep insb" GUEST_SAFE_END
		     : "+D"(buf), "+c"(cnt) : "d"(PORT_DENIED) : "r11", "memory");
	record(1);
	USER_EXIT();
}

static void guest_string_io(void)
{
	volatile __u32 *ram = (volatile __u32 *)RAM_GPA;

	cpl3_setup();
	*ram = 0x5ec2e7;
	window(PTE_W, PTE_W);		/* the buffer: supervisor RAM */
	run_user(user_string_io, RFLAGS_IOPL3);
	GUEST_ASSERT_EQ_MSG(u_vec[0], VEC_PF, "CPL3 OUTS from supervisor RAM must #PF");
	GUEST_ASSERT_EQ_MSG(u_err[0], 0x5, "#PF error code P|U");
	GUEST_ASSERT_EQ_MSG(u_vec[1], VEC_PF, "CPL3 INS into supervisor RAM must #PF");
	GUEST_ASSERT_EQ_MSG(u_err[1], 0x7, "#PF error code P|W|U");
	GUEST_ASSERT_EQ_MSG(*ram, 0x5ec2e7, "INS wrote supervisor RAM");
}

/* CPL3 (IOPL 3) REP OUTSB from and REP INSB into a supervisor page: #PF
 * in the guest before any I/O exit, so no supervisor data reaches user
 * space and nothing is written. */
static enum test_result test_string_io_us(void)
{
	unsigned int mmio, io, nr;
	enum test_result r;
	__u64 rep[4];
	struct tvm t;

	TVM_CREATE_C(&t, guest_string_io);
	r = run_counting(&t, &mmio, &io, rep, 4, &nr);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(io == 0 && mmio == 0, "%u I/O exits, %u MMIO exits", io, mmio);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "CPL3 MMIO: a user page gives HVM_EXIT_MMIO; a supervisor page #PF(P|U) in the guest, no exit",
	  test_cpl3_mmio },
	{ "emulated MOVS from MMIO: CPL3 into supervisor RAM #PF(P|W|U), CR0.WP read-only #PF(P|W), SMAP AC=0 #PF; RAM unchanged",
	  test_emulated_writes },
	{ "CPL3 IOPL 0: TSS bitmap-allowed port gives HVM_EXIT_IO, denied ports #GP(0) with no exit; IOPL 3 all exit",
	  test_iopl_bitmap },
	{ "CPL3 REP OUTSB/INSB with a supervisor buffer: #PF in the guest, no HVM_EXIT_IO, RAM unchanged",
	  test_string_io_us },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
