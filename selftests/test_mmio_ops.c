// SPDX-License-Identifier: GPL-2.0
/*
 * Every instruction form hvm emulates on MMIO, checked by the guest itself:
 * it runs each instruction once on RAM (natively) and once on MMIO (a
 * memory-backed device in this program), with the same operands and input
 * flags, and compares the memory result, the register operand and the
 * flags the instruction defines.  Then string instructions (REP STOS,
 * MOVS in both directions and with DF=1, LODS) against the same device.
 */
#include <inttypes.h>
#include <string.h>

#include "guest.h"
#include "test.h"

#define MMIO_GPA	0xd0000000ULL	/* no slot; mapped by the page tables */
#define MMIO_SIZE	0x1000
#define RAM_GPA		GUEST_DATA_GPA	/* the native twin of each operand */
#define STATUS		0x8d5		/* CF PF AF ZF SF OF */
#define LOGIC		0x8c5		/* AND/OR/XOR/TEST: AF undefined */
#define CARRY		0x1		/* BT*: only CF is defined */

/*
 * One case: @insn with "%[m]" replaced by the memory operand, twice:
 * (%rdi) is RAM, (%rbx) is MMIO.  R14 = case number, R15 = flags to
 * compare.  The helpers below set both operands, RCX (the register
 * operand) and the input flags from the case number.
 */
#define MCASE(n, pre, post, mask)						\
	"mov $" #n ", %r14d\n\t"						\
	"mov $" STR(mask) ", %r15d\n\t"						\
	"call ops_setup\n\t"							\
	pre "(%rdi)" post "\n\t"						\
	"call ops_save\n\t"							\
	"call ops_setup\n\t"							\
	pre "(%rbx)" post "\n\t"						\
	"call ops_check\n\t"

GUEST_ASM(guest_ops, ".code64",
	"jmp ops_main\n"
	/* seed = n * golden ratio; RAM = MMIO = seed; RCX = seed rol 17;
	 * CF = bit 3 of the seed, ZF/SF/PF from the seed */
	"ops_setup: mov %r14, %rax\n\t"
	"movabs $0x9e3779b97f4a7c15, %rdx\n\t"
	"imul %rdx, %rax\n\t"
	"mov %rax, (%rdi)\n\t"
	"mov %rax, (%rbx)\n\t"
	"mov %rax, %rcx\n\t"
	"rol $17, %rcx\n\t"
	"test %rax, %rax\n\t"
	"bt $3, %rax\n\t"
	"ret\n"
	/* right after the RAM run: flags to R8, RCX to R9, memory to R10 */
	"ops_save: pushf\n\t"
	"pop %r8\n\t"
	"mov %rcx, %r9\n\t"
	"mov (%rdi), %r10\n\t"
	"ret\n"
	/* after the MMIO run: compare; report the case number on a mismatch */
	"ops_check: pushf\n\t"
	"pop %r11\n\t"
	"mov %rcx, %r12\n\t"
	"mov (%rbx), %rax\n\t"
	"cmp %rax, %r10\n\t"
	"jne 1f\n\t"
	"cmp %r12, %r9\n\t"
	"jne 1f\n\t"
	"and %r15, %r8\n\t"
	"and %r15, %r11\n\t"
	"cmp %r8, %r11\n\t"
	"jne 1f\n\t"
	"ret\n"
	"1: mov %r14, %rax\n\t"
	G_REPORT
	"ret\n"
	"ops_main: mov $" STR(MMIO_GPA) ", %ebx\n\t"
	"mov $" STR(RAM_GPA) ", %edi\n\t"
	/* ALU, memory destination, every size */
	MCASE(1, "addb %cl, ", "", STATUS)
	MCASE(2, "addw %cx, ", "", STATUS)
	MCASE(3, "addl %ecx, ", "", STATUS)
	MCASE(4, "addq %rcx, ", "", STATUS)
	MCASE(5, "orb %ch, ", "", LOGIC)
	MCASE(6, "orl %ecx, ", "", LOGIC)
	MCASE(7, "adcb %cl, ", "", STATUS)
	MCASE(8, "adcq %rcx, ", "", STATUS)
	MCASE(9, "sbbw %cx, ", "", STATUS)
	MCASE(10, "sbbl %ecx, ", "", STATUS)
	MCASE(11, "andq %rcx, ", "", LOGIC)
	MCASE(12, "andw %cx, ", "", LOGIC)
	MCASE(13, "subl %ecx, ", "", STATUS)
	MCASE(14, "subb %cl, ", "", STATUS)
	MCASE(15, "xorq %rcx, ", "", LOGIC)
	MCASE(16, "xorb %cl, ", "", LOGIC)
	MCASE(17, "cmpl %ecx, ", "", STATUS)
	MCASE(18, "cmpq %rcx, ", "", STATUS)
	MCASE(19, "lock addl %ecx, ", "", STATUS)
	/* ALU, register destination (memory source) */
	MCASE(20, "addl ", ", %ecx", STATUS)
	MCASE(21, "orq ", ", %rcx", LOGIC)
	MCASE(22, "adcw ", ", %cx", STATUS)
	MCASE(23, "sbbb ", ", %ch", STATUS)
	MCASE(24, "andl ", ", %ecx", LOGIC)
	MCASE(25, "subq ", ", %rcx", STATUS)
	MCASE(26, "xorw ", ", %cx", LOGIC)
	MCASE(27, "cmpb ", ", %cl", STATUS)
	/* ALU with an immediate: 80, 81, 83 */
	MCASE(30, "addb $0x7f, ", "", STATUS)
	MCASE(31, "orw $0x8001, ", "", LOGIC)
	MCASE(32, "andl $0xfff0f0f0, ", "", LOGIC)
	MCASE(33, "subq $-0x12345678, ", "", STATUS)
	MCASE(34, "xorl $-1, ", "", LOGIC)
	MCASE(35, "cmpq $0x10, ", "", STATUS)
	MCASE(36, "adcl $3, ", "", STATUS)
	MCASE(37, "sbbw $-2, ", "", STATUS)
	MCASE(38, "addq $0x40000000, ", "", STATUS)
	/* TEST, XCHG */
	MCASE(40, "testb %cl, ", "", LOGIC)
	MCASE(41, "testq %rcx, ", "", LOGIC)
	MCASE(42, "testb $0x81, ", "", LOGIC)
	MCASE(43, "testl $0x80000001, ", "", LOGIC)
	MCASE(44, "testw $0x4000, ", "", LOGIC)
	MCASE(45, "xchgb %ch, ", "", STATUS)
	MCASE(46, "xchgw %cx, ", "", STATUS)
	MCASE(47, "xchgl %ecx, ", "", STATUS)
	MCASE(48, "xchgq %rcx, ", "", STATUS)
	/* INC, DEC, NOT, NEG */
	MCASE(50, "incb ", "", STATUS)
	MCASE(51, "incq ", "", STATUS)
	MCASE(52, "decw ", "", STATUS)
	MCASE(53, "decl ", "", STATUS)
	MCASE(54, "notb ", "", STATUS)
	MCASE(55, "notq ", "", STATUS)
	MCASE(56, "negl ", "", STATUS)
	MCASE(57, "negw ", "", STATUS)
	MCASE(58, "lock incl ", "", STATUS)
	/* BT family: register (within the operand) and immediate bit */
	MCASE(60, "and $15, %ecx\n\tbtw %cx, ", "", CARRY)
	MCASE(61, "and $31, %ecx\n\tbtsl %ecx, ", "", CARRY)
	MCASE(62, "and $63, %ecx\n\tbtrq %rcx, ", "", CARRY)
	MCASE(63, "and $31, %ecx\n\tbtcl %ecx, ", "", CARRY)
	MCASE(64, "btl $3, ", "", CARRY)
	MCASE(65, "btsq $63, ", "", CARRY)
	MCASE(66, "btrw $15, ", "", CARRY)
	MCASE(67, "lock btcl $0, ", "", CARRY)
	/* loads into a register: MOV, MOVZX, MOVSX, MOVSXD, AH */
	MCASE(70, "movb ", ", %ch", STATUS)
	MCASE(71, "movzbl ", ", %ecx", STATUS)
	MCASE(72, "movzwq ", ", %rcx", STATUS)
	MCASE(73, "movsbw ", ", %cx", STATUS)
	MCASE(74, "movswl ", ", %ecx", STATUS)
	MCASE(75, "movsbq ", ", %rcx", STATUS)
	MCASE(76, "movslq ", ", %rcx", STATUS)
	MCASE(77, "movl ", ", %ecx", STATUS)
	G_DONE);

/* A memory-backed device at MMIO_GPA; returns the final ucall. */
static enum ucall_type run_device(struct hvm_vcpu *vcpu, unsigned char *dev,
				  struct ucall *uc, __u64 *reports, unsigned int max,
				  unsigned int *nr, unsigned int *exits)
{
	struct hvm_run *run = vcpu->run;

	*nr = 0;
	for (;;) {
		switch (ucall_run(vcpu, uc)) {
		case UCALL_REPORT:
			if (*nr < max)
				reports[*nr] = uc->value;
			(*nr)++;
			continue;
		case UCALL_OTHER_EXIT:
			break;
		default:
			return uc->type;
		}
		if (run->exit_reason != HVM_EXIT_MMIO || run->mmio.len > 8 ||
		    run->mmio.phys_addr < MMIO_GPA ||
		    run->mmio.phys_addr + run->mmio.len > MMIO_GPA + MMIO_SIZE)
			return uc->type;
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
	static unsigned char dev[MMIO_SIZE];
	unsigned int nr, i, exits = 0;
	__u64 bad[16];
	struct ucall uc;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ops);
	if (run_device(t.vcpu, dev, &uc, bad, ARRAY_SIZE(bad), &nr, &exits) != UCALL_DONE) {
		ucall_describe(t.vcpu, &uc);
		return test_fail("the guest did not finish");
	}
	for (i = 0; i < nr && i < ARRAY_SIZE(bad); i++)
		test_diag("case %" PRIu64 ": MMIO result, register or flags differ from RAM",
			  (uint64_t)bad[i]);
	test_diag("%u MMIO exits", exits);
	TEST_ASSERT(!nr, "%u of the cases differ", nr);
	TEST_ASSERT(exits >= 3 * 70, "only %u MMIO exits: the cases did not reach MMIO",
		    exits);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* RAM at RAM_GPA: 0x000 pattern source, 0x100 copy back; MMIO 0x100 target. */
GUEST_ASM(guest_strings, ".code64",
	"mov $" STR(MMIO_GPA) ", %ebx\n\t"
	"mov $" STR(RAM_GPA) ", %ebp\n\t"
	/* REP STOSL: 16 dwords of 0x11223344 to MMIO+0 */
	"mov %rbx, %rdi\n\t"
	"mov $16, %ecx\n\t"
	"mov $0x11223344, %eax\n\t"
	"cld\n\t"
	"rep stosl\n\t"
	"mov %rdi, %rax\n\t"
	G_REPORT			/* 1: RDI after */
	"mov %rcx, %rax\n\t"
	G_REPORT			/* 2: RCX after */
	/* REP MOVSB RAM -> MMIO+0x100, 37 bytes */
	"mov %rbp, %rsi\n\t"
	"lea 0x100(%rbx), %rdi\n\t"
	"mov $37, %ecx\n\t"
	"rep movsb\n\t"
	/* REP MOVSB MMIO+0x100 -> RAM+0x100, backwards (DF=1) */
	"lea 0x100+36(%rbx), %rsi\n\t"
	"lea 0x100+36(%rbp), %rdi\n\t"
	"mov $37, %ecx\n\t"
	"std\n\t"
	"rep movsb\n\t"
	"cld\n\t"
	"lea 1(%rdi), %rax\n\t"
	"sub %rbp, %rax\n\t"
	G_REPORT			/* 3: RDI ended at RAM+0x100 - 1 */
	/* the copy equals the source */
	"mov %rbp, %rsi\n\t"
	"lea 0x100(%rbp), %rdi\n\t"
	"mov $37, %ecx\n\t"
	"repe cmpsb\n\t"
	"mov %rcx, %rax\n\t"
	G_REPORT			/* 4: 0 when equal */
	/* MOVSQ MMIO -> MMIO, one element */
	"lea 0x100(%rbx), %rsi\n\t"
	"lea 0x200(%rbx), %rdi\n\t"
	"movsq\n\t"
	/* LODSW from MMIO+0x200 */
	"lea 0x200(%rbx), %rsi\n\t"
	"mov $-1, %rax\n\t"
	"lodsw\n\t"
	G_REPORT			/* 5: RAX with the low word loaded */
	G_DONE);

static enum test_result test_string_ops(void)
{
	static unsigned char dev[MMIO_SIZE];
	unsigned int nr, i, exits = 0;
	unsigned char *ram;
	__u64 rep[8];
	struct ucall uc;
	struct tvm t;
	__u32 dw;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_strings);
	ram = t.mem + RAM_GPA;
	for (i = 0; i < 37; i++)
		ram[i] = 0xa0 + i * 7;
	memset(dev, 0, sizeof(dev));
	if (run_device(t.vcpu, dev, &uc, rep, ARRAY_SIZE(rep), &nr, &exits) != UCALL_DONE) {
		ucall_describe(t.vcpu, &uc);
		return test_fail("the guest did not finish");
	}
	TEST_ASSERT(nr == 5, "%u reports", nr);
	for (i = 0; i < 16; i++) {
		memcpy(&dw, dev + 4 * i, 4);
		TEST_ASSERT(dw == 0x11223344, "REP STOSL: dword %u is 0x%x", i, dw);
	}
	TEST_ASSERT(dev[64] == 0, "REP STOSL wrote past its 16 dwords");
	TEST_ASSERT(rep[0] == MMIO_GPA + 64 && rep[1] == 0,
		    "REP STOSL left RDI 0x%" PRIx64 " RCX %" PRIu64,
		    (uint64_t)rep[0], (uint64_t)rep[1]);
	TEST_ASSERT(!memcmp(dev + 0x100, ram, 37), "REP MOVSB RAM->MMIO: wrong bytes");
	TEST_ASSERT(rep[2] == 0x100, "backward REP MOVSB left RDI at RAM+0x%" PRIx64,
		    (uint64_t)rep[2]);
	TEST_ASSERT(rep[3] == 0, "the copy back from MMIO differs (REPE CMPSB left %"
		    PRIu64 ")", (uint64_t)rep[3]);
	TEST_ASSERT(!memcmp(dev + 0x200, dev + 0x100, 8), "MOVSQ MMIO->MMIO: wrong bytes");
	TEST_ASSERT(rep[4] == (0xffffffffffff0000ULL | dev[0x200] | (dev[0x201] << 8)),
		    "LODSW: RAX 0x%" PRIx64, (uint64_t)rep[4]);
	/* one exit per element: 16 + 37 + 37 + 2 + 1 */
	TEST_ASSERT(exits == 93, "%u MMIO exits, expected 93", exits);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "ALU/TEST/XCHG/INC/DEC/NOT/NEG/BT*/MOVZX/MOVSX on MMIO match the same on RAM",
	  test_ops_match_native },
	{ "REP STOS, REP MOVS both ways (DF=0/1), MOVS MMIO->MMIO, LODS on MMIO",
	  test_string_ops },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
