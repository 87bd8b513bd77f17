// SPDX-License-Identifier: GPL-2.0
/*
 * Every instruction form hvm emulates on MMIO, checked by a guest written
 * in C (lib/guest_c.h) against a memory-backed device in this program.
 * Each form runs once on RAM (natively) and once on MMIO, with the same
 * operands and input flags; the guest compares the memory result, the
 * register operand and the flags the instruction defines.  Forms: MOV
 * (every size, immediates, high-byte and REX registers), MOVZX/MOVSX/
 * MOVSXD, ALU with register and immediate operands both ways, TEST, XCHG,
 * INC/DEC/NOT/NEG, BT*, LOCK, SIB and displacements, the address-size
 * prefix, FS/GS overrides, RIP-relative addressing.  Then string
 * instructions (REP STOS, MOVS both ways and with DF=1, MMIO to MMIO,
 * LODS, a segment override on the source), and a MOVS whose destination
 * is not present: the guest gets the #PF.
 */
#include <inttypes.h>
#include <string.h>

#include "guest_c.h"
#include "test.h"

#define MMIO_GPA	0x60000000ULL	/* no slot; within RIP reach of the image */
#define MMIO_SIZE	0x1000
#define STATUS		0x8d5		/* CF PF AF ZF SF OF */
#define LOGIC		0x8c5		/* AND/OR/XOR/TEST: AF undefined */
#define CARRY		0x1		/* BT*: only CF is defined */
#define NONE		0x0		/* MOV, XCHG: flags untouched */
#define VECTOR_PF	14
#define MSR_GS_BASE	0xc0000101
#define UNMAPPED_GVA	HVM_SYS_IDENTITY_MAP	/* the first byte above the map */

/* ---- Guest side: one function per form ---------------------------------- */

/* The register operand (RCX) and RFLAGS around one instruction. */
struct op_state {
	__u64 rcx, rflags;
};

/*
 * OPS(X): X(name, instruction, flags defined).  The instruction's memory
 * operand is (%[m]) (the 8 bytes at m), its register operand RCX; R8-R12
 * are free scratch.
 */
#define OPS(X)									\
	/* MOV store, every size; immediates; high byte; REX registers */	\
	X(mov_st8, "movb %%cl, (%[m])", NONE)					\
	X(mov_st8h, "movb %%ch, (%[m])", NONE)					\
	X(mov_st16, "movw %%cx, (%[m])", NONE)					\
	X(mov_st32, "movl %%ecx, (%[m])", NONE)					\
	X(mov_st64, "movq %%rcx, (%[m])", NONE)					\
	X(mov_imm8, "movb $0x5a, (%[m])", NONE)					\
	X(mov_imm16, "movw $0xbeef, (%[m])", NONE)				\
	X(mov_imm32, "movl $0xdeadbeef, (%[m])", NONE)				\
	X(mov_imm64, "movq $-2, (%[m])", NONE)					\
	X(mov_st_rexr, "mov %%rcx, %%r9\n\tmovq %%r9, (%[m])", NONE)		\
	X(mov_st_rexb, "lea (%[m]), %%r10\n\tmovl %%ecx, (%%r10)", NONE)	\
	/* MOV load: every size, merging into RCX as the CPU does */		\
	X(mov_ld8, "movb (%[m]), %%cl", NONE)					\
	X(mov_ld8h, "movb (%[m]), %%ch", NONE)					\
	X(mov_ld16, "movw (%[m]), %%cx", NONE)					\
	X(mov_ld32, "movl (%[m]), %%ecx", NONE)					\
	X(mov_ld64, "movq (%[m]), %%rcx", NONE)					\
	X(mov_ld_r12d, "mov $-1, %%r12\n\tmovl (%[m]), %%r12d\n\tmov %%r12, %%rcx", NONE) \
	X(movzx8, "movzbl (%[m]), %%ecx", NONE)					\
	X(movzx16, "movzwq (%[m]), %%rcx", NONE)				\
	X(movsx8w, "movsbw (%[m]), %%cx", NONE)					\
	X(movsx16, "movswl (%[m]), %%ecx", NONE)				\
	X(movsx8q, "movsbq (%[m]), %%rcx", NONE)				\
	X(movsxd, "movslq (%[m]), %%rcx", NONE)					\
	/* addressing: SIB, disp8, disp32, address size, FS/GS overrides */	\
	X(sib, "mov $2, %%r8d\n\tmovq -16(%[m],%%r8,8), %%rcx", NONE)		\
	X(sib_st, "mov $1, %%r8d\n\taddl %%ecx, -4(%[m],%%r8,4)", STATUS)	\
	X(disp8, "addl %%ecx, 4(%[m])", STATUS)					\
	X(disp32, "lea -0x1000(%[m]), %%r10\n\taddw %%cx, 0x1002(%%r10)", STATUS) \
	X(addr32_st, "movl %%ecx, (%k[m])", NONE)				\
	X(addr32_alu, "addq (%k[m]), %%rcx", STATUS)				\
	X(fs_ld, "movl %%fs:(%[m]), %%ecx", NONE)				\
	X(gs_alu, "subq %%rcx, %%gs:(%[m])", STATUS)				\
	/* ALU, memory destination, every size */				\
	X(add8, "addb %%cl, (%[m])", STATUS)					\
	X(add16, "addw %%cx, (%[m])", STATUS)					\
	X(add32, "addl %%ecx, (%[m])", STATUS)					\
	X(add64, "addq %%rcx, (%[m])", STATUS)					\
	X(or8h, "orb %%ch, (%[m])", LOGIC)					\
	X(or32, "orl %%ecx, (%[m])", LOGIC)					\
	X(adc8, "adcb %%cl, (%[m])", STATUS)					\
	X(adc64, "adcq %%rcx, (%[m])", STATUS)					\
	X(sbb16, "sbbw %%cx, (%[m])", STATUS)					\
	X(sbb32, "sbbl %%ecx, (%[m])", STATUS)					\
	X(and64, "andq %%rcx, (%[m])", LOGIC)					\
	X(and16, "andw %%cx, (%[m])", LOGIC)					\
	X(sub32, "subl %%ecx, (%[m])", STATUS)					\
	X(sub8, "subb %%cl, (%[m])", STATUS)					\
	X(xor64, "xorq %%rcx, (%[m])", LOGIC)					\
	X(xor8, "xorb %%cl, (%[m])", LOGIC)					\
	X(cmp32, "cmpl %%ecx, (%[m])", STATUS)					\
	X(cmp64, "cmpq %%rcx, (%[m])", STATUS)					\
	X(lock_add32, "lock addl %%ecx, (%[m])", STATUS)			\
	X(add64_r9, "mov %%rcx, %%r9\n\taddq %%r9, (%[m])", STATUS)		\
	/* ALU, register destination (memory source) */			\
	X(add32_ld, "addl (%[m]), %%ecx", STATUS)				\
	X(or64_ld, "orq (%[m]), %%rcx", LOGIC)					\
	X(adc16_ld, "adcw (%[m]), %%cx", STATUS)				\
	X(sbb8h_ld, "sbbb (%[m]), %%ch", STATUS)				\
	X(and32_ld, "andl (%[m]), %%ecx", LOGIC)				\
	X(sub64_ld, "subq (%[m]), %%rcx", STATUS)				\
	X(xor16_ld, "xorw (%[m]), %%cx", LOGIC)					\
	X(cmp8_ld, "cmpb (%[m]), %%cl", STATUS)					\
	/* ALU with an immediate: 80, 81, 83 */					\
	X(add8_imm, "addb $0x7f, (%[m])", STATUS)				\
	X(or16_imm, "orw $0x8001, (%[m])", LOGIC)				\
	X(and32_imm, "andl $0xfff0f0f0, (%[m])", LOGIC)				\
	X(sub64_imm, "subq $-0x12345678, (%[m])", STATUS)			\
	X(xor32_imm8, "xorl $-1, (%[m])", LOGIC)				\
	X(cmp64_imm8, "cmpq $0x10, (%[m])", STATUS)				\
	X(adc32_imm8, "adcl $3, (%[m])", STATUS)				\
	X(sbb16_imm8, "sbbw $-2, (%[m])", STATUS)				\
	X(add64_imm32, "addq $0x40000000, (%[m])", STATUS)			\
	/* TEST, XCHG (both operand orders) */					\
	X(test8, "testb %%cl, (%[m])", LOGIC)					\
	X(test64, "testq %%rcx, (%[m])", LOGIC)					\
	X(test8_imm, "testb $0x81, (%[m])", LOGIC)				\
	X(test32_imm, "testl $0x80000001, (%[m])", LOGIC)			\
	X(test16_imm, "testw $0x4000, (%[m])", LOGIC)				\
	X(xchg8h, "xchgb %%ch, (%[m])", NONE)					\
	X(xchg16, "xchgw %%cx, (%[m])", NONE)					\
	X(xchg32, "xchgl %%ecx, (%[m])", NONE)					\
	X(xchg64, "xchgq %%rcx, (%[m])", NONE)					\
	X(xchg64_rev, "xchgq (%[m]), %%rcx", NONE)				\
	/* INC, DEC, NOT, NEG */						\
	X(inc8, "incb (%[m])", STATUS)						\
	X(inc64, "incq (%[m])", STATUS)						\
	X(dec16, "decw (%[m])", STATUS)						\
	X(dec32, "decl (%[m])", STATUS)						\
	X(not8, "notb (%[m])", STATUS)						\
	X(not64, "notq (%[m])", STATUS)						\
	X(neg32, "negl (%[m])", STATUS)						\
	X(neg16, "negw (%[m])", STATUS)						\
	X(lock_inc32, "lock incl (%[m])", STATUS)				\
	/* BT family: a register bit (within the operand), an immediate */	\
	X(bt16, "andl $15, %%ecx\n\tbtw %%cx, (%[m])", CARRY)			\
	X(bts32, "andl $31, %%ecx\n\tbtsl %%ecx, (%[m])", CARRY)		\
	X(btr64, "andl $63, %%ecx\n\tbtrq %%rcx, (%[m])", CARRY)		\
	X(btc32, "andl $31, %%ecx\n\tbtcl %%ecx, (%[m])", CARRY)		\
	X(bt32_imm, "btl $3, (%[m])", CARRY)					\
	X(bts64_imm, "btsq $63, (%[m])", CARRY)					\
	X(btr16_imm, "btrw $15, (%[m])", CARRY)					\
	X(lock_btc32_imm, "lock btcl $0, (%[m])", CARRY)

#define OP_FN(name, insn, mask)							\
static void op_##name(volatile void *m, struct op_state *s)			\
{										\
	asm volatile("push %[fl]\n\t"						\
		     "popfq\n\t"						\
		     insn "\n\t"						\
		     "pushfq\n\t"						\
		     "pop %[fl]"						\
		     : [fl] "+r"(s->rflags), "+c"(s->rcx)			\
		     : [m] "Q"(m)	/* a, b or d: AH-CH work with it */	\
		     : "r8", "r9", "r10", "r12", "memory", "cc");		\
}
OPS(OP_FN)

static const struct op_case {
	const char *insn;
	void (*fn)(volatile void *m, struct op_state *s);
	__u64 flags;
} ops[] = {
#define OP_ENTRY(name, insn, mask) { insn, op_##name, mask },
	OPS(OP_ENTRY)
#undef OP_ENTRY
};

/* The native twin of the MMIO operand, below 4 GiB (address-size cases). */
static volatile __u64 twin __attribute__((aligned(64)));

static void guest_ops(void)
{
	volatile void *mmio = (volatile void *)MMIO_GPA;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		__u64 seed = (i + 1) * 0x9e3779b97f4a7c15ULL;
		/* random status flags in, DF/TF/IF as they are (clear, clear, 0) */
		struct op_state in = { .rcx = seed << 17 | seed >> 47,
				       .rflags = 0x2 | (seed & STATUS) };
		struct op_state ram = in, dev = in;

		twin = seed;
		mmio_write64(MMIO_GPA, seed);
		ops[i].fn(&twin, &ram);
		ops[i].fn(mmio, &dev);
		GUEST_ASSERT_EQ_MSG(mmio_read64(MMIO_GPA), twin, ops[i].insn);
		GUEST_ASSERT_EQ_MSG(dev.rcx, ram.rcx, ops[i].insn);
		GUEST_ASSERT_EQ_MSG(dev.rflags & ops[i].flags, ram.rflags & ops[i].flags,
				    ops[i].insn);
	}
	guest_report(i);
}

/*
 * RIP-relative operands (ModRM 00 101): the CPU computed the address, so
 * this checks decoding (disp32, and an immediate after it).  The target,
 * MMIO_GPA + 0x10, is defined by the linker (selftests/Makefile).
 */
extern char ops_rip_target[];

static void guest_rip_relative(void)
{
	__u32 v = 0x13579bdf, back = 0;

	asm volatile("movl %0, ops_rip_target(%%rip)" : : "r"(v) : "memory");
	GUEST_ASSERT_EQ(mmio_read32(MMIO_GPA + 0x10), v);
	asm volatile("movl $0x2468ace0, ops_rip_target(%%rip)" : : : "memory");
	GUEST_ASSERT_EQ(mmio_read32(MMIO_GPA + 0x10), 0x2468ace0);
	asm volatile("addl ops_rip_target(%%rip), %0" : "+r"(back) : : "memory", "cc");
	GUEST_ASSERT_EQ(back, 0x2468ace0);
}

/* ---- Guest side: string instructions ------------------------------------ */

#define PATTERN_LEN	37
static __u8 pattern[PATTERN_LEN], copy[PATTERN_LEN];
static bool vmrun_keeps_cr2;	/* the test VM's quirk no-vmrun-cr2 */

static void guest_strings(void)
{
	__u64 rdi, rsi, rcx, rax;
	unsigned int i;

	/* REP STOSL: 16 dwords of 0x11223344 to MMIO + 0 */
	rdi = MMIO_GPA;
	rcx = 16;
	asm volatile("cld\n\trep stosl" : "+D"(rdi), "+c"(rcx) : "a"(0x11223344)
		     : "memory");
	GUEST_ASSERT_EQ(rdi, MMIO_GPA + 64);
	GUEST_ASSERT_EQ(rcx, 0);
	for (i = 0; i < 16; i++)
		GUEST_ASSERT_EQ(mmio_read32(MMIO_GPA + 4 * i), 0x11223344);
	GUEST_ASSERT_EQ(mmio_read32(MMIO_GPA + 64), 0);

	/* REP MOVSB RAM -> MMIO + 0x100 */
	for (i = 0; i < PATTERN_LEN; i++)
		pattern[i] = 0xa0 + i * 7;
	rsi = (__u64)pattern;
	rdi = MMIO_GPA + 0x100;
	rcx = PATTERN_LEN;
	asm volatile("rep movsb" : "+S"(rsi), "+D"(rdi), "+c"(rcx) : : "memory");
	for (i = 0; i < PATTERN_LEN; i++)
		GUEST_ASSERT_EQ(mmio_read8(MMIO_GPA + 0x100 + i), pattern[i]);

	/* REP MOVSB MMIO + 0x100 -> RAM, backwards (DF=1) */
	rsi = MMIO_GPA + 0x100 + PATTERN_LEN - 1;
	rdi = (__u64)copy + PATTERN_LEN - 1;
	rcx = PATTERN_LEN;
	asm volatile("std\n\trep movsb\n\tcld" : "+S"(rsi), "+D"(rdi), "+c"(rcx)
		     : : "memory");
	GUEST_ASSERT_EQ(rdi, (__u64)copy - 1);
	GUEST_ASSERT_EQ(rsi, MMIO_GPA + 0x100 - 1);
	for (i = 0; i < PATTERN_LEN; i++)
		GUEST_ASSERT_EQ(copy[i], pattern[i]);

	/* MOVSQ MMIO -> MMIO, one element */
	rsi = MMIO_GPA + 0x100;
	rdi = MMIO_GPA + 0x200;
	asm volatile("movsq" : "+S"(rsi), "+D"(rdi) : : "memory");
	GUEST_ASSERT_EQ(mmio_read64(MMIO_GPA + 0x200), mmio_read64(MMIO_GPA + 0x100));

	/* LODSW: the low word of RAX only */
	rsi = MMIO_GPA + 0x200;
	rax = ~0ULL;
	asm volatile("lodsw" : "+S"(rsi), "+a"(rax) : : "memory");
	GUEST_ASSERT_EQ(rax, 0xffffffffffff0000ULL | mmio_read16(MMIO_GPA + 0x200));
	GUEST_ASSERT_EQ(rsi, MMIO_GPA + 0x202);

	/* MOVSB with a GS override on the source: GS base + RSI */
	wrmsr(MSR_GS_BASE, (__u64)pattern - 0x1000);
	rsi = 0x1000 + 5;
	rdi = MMIO_GPA + 0x300;
	asm volatile("movsb %%gs:(%%rsi), %%es:(%%rdi)" : "+S"(rsi), "+D"(rdi)
		     : : "memory");
	wrmsr(MSR_GS_BASE, 0);
	GUEST_ASSERT_EQ(mmio_read8(MMIO_GPA + 0x300), pattern[5]);

	/* MOVSQ MMIO -> a page that is not present: #PF(W) on the
	 * destination, CR2 = RDI, RSI/RDI/RCX not advanced */
	guest_safe_init();
	rsi = MMIO_GPA + 0x100;
	rdi = UNMAPPED_GVA + 0x18;
	rcx = 4;
	asm volatile(GUEST_SAFE_BEGIN "rep movsq" GUEST_SAFE_END
		     : "+S"(rsi), "+D"(rdi), "+c"(rcx) : : "r11", "memory");
	GUEST_ASSERT_EQ(guest_fault.vector, VECTOR_PF);
	GUEST_ASSERT_EQ(guest_fault.error_code, 2);	/* W, not present */
	if (!vmrun_keeps_cr2)
		GUEST_ASSERT_EQ(guest_fault.cr2, UNMAPPED_GVA + 0x18);
	GUEST_ASSERT_EQ(rsi, MMIO_GPA + 0x100);
	GUEST_ASSERT_EQ(rdi, UNMAPPED_GVA + 0x18);
	GUEST_ASSERT_EQ(rcx, 4);
}

/* ---- Host side ----------------------------------------------------------- */

/*
 * Runs the guest with a memory-backed device of MMIO_SIZE bytes at
 * MMIO_GPA until DONE; *exits counts its accesses.  Reports are counted
 * in *reports (the last in *last).
 */
static enum test_result run_device(struct tvm *t, unsigned int *exits,
				   unsigned int *reports, __u64 *last)
{
	static unsigned char dev[MMIO_SIZE];
	struct hvm_run *run = t->vcpu->run;
	struct ucall uc;

	memset(dev, 0, sizeof(dev));
	*exits = *reports = 0;
	for (;;) {
		switch (ucall_run(t->vcpu, &uc)) {
		case UCALL_DONE:
			return TEST_PASS;
		case UCALL_REPORT:
			(*reports)++;
			*last = uc.value;
			continue;
		case UCALL_OTHER_EXIT:
			break;
		default:
			ucall_describe(t->vcpu, &uc);
			return test_fail("the guest did not finish");
		}
		if (run->exit_reason != HVM_EXIT_MMIO || run->mmio.len > 8 ||
		    run->mmio.phys_addr < MMIO_GPA ||
		    run->mmio.phys_addr + run->mmio.len > MMIO_GPA + MMIO_SIZE) {
			ucall_describe(t->vcpu, &uc);
			return test_fail("not an access to the device");
		}
		(*exits)++;
		if (run->mmio.is_write)
			memcpy(dev + (run->mmio.phys_addr - MMIO_GPA), run->mmio.data,
			       run->mmio.len);
		else
			memcpy(run->mmio.data, dev + (run->mmio.phys_addr - MMIO_GPA),
			       run->mmio.len);
	}
}

static enum test_result test_ops_match_native(void)
{
	unsigned int exits, reports;
	enum test_result r;
	__u64 done = 0;
	struct tvm t;

	TVM_CREATE_C(&t, guest_ops);
	r = run_device(&t, &exits, &reports, &done);
	if (r != TEST_PASS)
		return r;
	test_diag("%zu forms, %u MMIO exits", ARRAY_SIZE(ops), exits);
	TEST_ASSERT(reports == 1 && done == ARRAY_SIZE(ops), "%" PRIu64 " forms checked",
		    (uint64_t)done);
	/* at least: the setup write, the form, the read back */
	TEST_ASSERT(exits >= 3 * ARRAY_SIZE(ops), "only %u MMIO exits", exits);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result run_guest_on_device(void (*fn)(void), unsigned int min_exits)
{
	unsigned int exits, reports;
	enum test_result r;
	struct tvm t;
	__u64 last;

	TVM_CREATE_C(&t, fn);
	r = run_device(&t, &exits, &reports, &last);
	if (r != TEST_PASS)
		return r;
	test_diag("%u MMIO exits", exits);
	TEST_ASSERT(exits >= min_exits, "only %u MMIO exits, expected %u or more", exits,
		    min_exits);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_rip_relative(void)
{
	TEST_ASSERT((__u64)ops_rip_target == MMIO_GPA + 0x10,
		    "ops_rip_target is 0x%" PRIx64 " (selftests/Makefile)",
		    (uint64_t)ops_rip_target);
	return run_guest_on_device(guest_rip_relative, 5);
}

static enum test_result test_string_ops(void)
{
	vmrun_keeps_cr2 = test_quirk("no-vmrun-cr2");
	if (vmrun_keeps_cr2)
		test_diag("emulator quirk no-vmrun-cr2: the #PF's CR2 is not checked");
	/* one exit per element: 16 + 37 + 37 + 2 + 1 + 1 + 1 (the MOVSQ
	 * that faults reads its source first) */
	return run_guest_on_device(guest_strings, 95);
}

static const struct test_case cases[] = {
	{ "MOV/MOVZX/MOVSX/ALU/TEST/XCHG/INC/DEC/NOT/NEG/BT*, SIB, disp, addr32, FS/GS on MMIO match RAM",
	  test_ops_match_native },
	{ "RIP-relative MMIO store (register, immediate) and load",
	  test_rip_relative },
	{ "REP STOS, REP MOVS both ways (DF=0/1), MOVS MMIO->MMIO, LODS, GS source; #PF on a MOVS target",
	  test_string_ops },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
