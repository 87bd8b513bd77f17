// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO exits: guest accesses outside every memory slot exit with the
 * address, length, direction and data of the access; reads complete
 * with the data user space supplies.  Covers the MOV forms hvm decodes
 * (88/89/8A/8B/C6/C7/A0-A3, MOVZX 0F B6/B7) with operand-size and REX
 * prefixes, in 64-bit, 32-bit and real mode.
 */
#include <inttypes.h>
#include <string.h>

#include "guest.h"
#include "test.h"

#define MMIO_GPA	0xd0000000ULL	/* no slot there; mapped by the page tables */

/* RBX = MMIO_GPA, RAX = all ones at every entry. */
GUEST_ASM(guest_mmio64, ".code64",
	"mmio_write8: mov $0x5a, %al\n\t"
	"mov %al, (%rbx)\n\t"
	"jmp mmio_done\n"
	"mmio_write16: mov $0xbeef, %ax\n\t"
	"mov %ax, (%rbx)\n\t"
	"jmp mmio_done\n"
	"mmio_write32: mov $0xdeadbeef, %eax\n\t"
	"mov %eax, (%rbx)\n\t"
	"jmp mmio_done\n"
	"mmio_write64: movabs $0x0123456789abcdef, %rax\n\t"
	"mov %rax, (%rbx)\n\t"
	"jmp mmio_done\n"
	"mmio_read8: mov (%rbx), %al\n\t"
	"jmp mmio_report\n"
	"mmio_read16: mov (%rbx), %ax\n\t"
	"jmp mmio_report\n"
	"mmio_read32: mov (%rbx), %eax\n\t"
	"jmp mmio_report\n"
	"mmio_read64: mov (%rbx), %rax\n\t"
	"jmp mmio_report\n"
	"mmio_movzxb: movzbl (%rbx), %eax\n\t"
	"jmp mmio_report\n"
	"mmio_movzxw: movzwq (%rbx), %rax\n\t"
	"jmp mmio_report\n"
	"mmio_imm8: movb $0x77, (%rbx)\n\t"
	"jmp mmio_done\n"
	"mmio_imm32: movl $0x12345678, (%rbx)\n\t"
	"jmp mmio_done\n"
	"mmio_imm64: movq $-2, (%rbx)\n\t"
	"jmp mmio_done\n"
	"mmio_moffs_load: movabs " STR(MMIO_GPA) " + 0x10, %eax\n\t"
	"jmp mmio_report\n"
	"mmio_moffs_store: mov $0xc3, %al\n\t"
	"movabs %al, " STR(MMIO_GPA) " + 0x20\n\t"
	"jmp mmio_done\n"
	"mmio_rex_store: movabs $0x1122334455667788, %r9\n\t"
	"lea 8(%rbx), %r10\n\t"
	"mov %r9, (%r10)\n\t"
	"jmp mmio_done\n"
	"mmio_rex_load: movabs $0xffffffffffffffff, %r12\n\t"
	"lea 0x30(%rbx), %r11\n\t"
	"mov (%r11), %r12d\n\t"
	"mov %r12, %rax\n\t"
	"jmp mmio_report\n"
	"mmio_sib_load: mov $2, %ecx\n\t"
	"mov 0x18(%rbx, %rcx, 8), %rdx\n\t"
	"mov %rdx, %rax\n\t"
	"jmp mmio_report\n"
	"mmio_loop: xor %ecx, %ecx\n"
	"1: mov %ecx, (%rbx, %rcx, 4)\n\t"
	"inc %ecx\n\t"
	"cmp $100, %ecx\n\t"
	"jne 1b\n\t"
	"jmp mmio_done\n"
	"mmio_report: " G_REPORT
	"mmio_done: " G_DONE);
GUEST_LABEL(mmio_write8);
GUEST_LABEL(mmio_write16);
GUEST_LABEL(mmio_write32);
GUEST_LABEL(mmio_write64);
GUEST_LABEL(mmio_read8);
GUEST_LABEL(mmio_read16);
GUEST_LABEL(mmio_read32);
GUEST_LABEL(mmio_read64);
GUEST_LABEL(mmio_movzxb);
GUEST_LABEL(mmio_movzxw);
GUEST_LABEL(mmio_imm8);
GUEST_LABEL(mmio_imm32);
GUEST_LABEL(mmio_imm64);
GUEST_LABEL(mmio_moffs_load);
GUEST_LABEL(mmio_moffs_store);
GUEST_LABEL(mmio_rex_store);
GUEST_LABEL(mmio_rex_load);
GUEST_LABEL(mmio_sib_load);
GUEST_LABEL(mmio_loop);

/* 32-bit, no paging: store with moffs, load through a register. */
GUEST_ASM(guest_mmio32, ".code32",
	"mov $0xcafef00d, %eax\n\t"
	"mov %eax, " STR(MMIO_GPA) "\n\t"
	"mov $" STR(MMIO_GPA) ", %esi\n\t"
	"mov 4(%esi), %eax\n\t"
	G_REPORT
	G_DONE);

/* Real mode: ES = 0xa000, 16-bit addressing forms. */
GUEST_ASM(guest_mmio16, ".code16",
	"mov $0xa000, %ax\n\t"
	"mov %ax, %es\n\t"
	"mov $0x100, %di\n\t"
	"mov $0x4321, %ax\n\t"
	"mov %ax, %es:(%di)\n\t"
	"mov %es:0x200, %al\n\t"
	G_REPORT16
	G_DONE16);

static enum test_result mmio_start(struct tvm *t, const unsigned char *label)
{
	struct hvm_regs regs;

	TVM_CREATE(t, HVM_MODE_LONG64, guest_mmio64);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(t->vcpu, &regs), "GET_REGS");
	regs.rax = ~0ULL;
	regs.rbx = MMIO_GPA;
	regs.rip = tvm_gpa(t, label);
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_regs(t->vcpu, &regs), "SET_REGS");
	return TEST_PASS;
}

static enum test_result expect_mmio(struct hvm_vcpu *vcpu, __u64 gpa, __u32 len,
				    bool is_write)
{
	struct hvm_run *run = vcpu->run;
	struct ucall uc;

	EXPECT_UCALL(vcpu, &uc, UCALL_OTHER_EXIT);
	TEST_ASSERT(run->exit_reason == HVM_EXIT_MMIO, "exit %s",
		    hvm_exit_reason_str(run->exit_reason));
	TEST_ASSERT(run->mmio.phys_addr == gpa && run->mmio.len == len &&
		    run->mmio.is_write == is_write,
		    "%s gpa 0x%" PRIx64 " len %u, expected %s gpa 0x%" PRIx64 " len %u",
		    run->mmio.is_write ? "write" : "read",
		    (uint64_t)run->mmio.phys_addr, run->mmio.len,
		    is_write ? "write" : "read", (uint64_t)gpa, len);
	return TEST_PASS;
}

/* The guest at label writes len bytes of value at gpa. */
static enum test_result check_write(const unsigned char *label, __u64 gpa,
				    __u32 len, __u64 value)
{
	enum test_result r;
	struct ucall uc;
	struct tvm t;
	__u64 data = 0;

	r = mmio_start(&t, label);
	if (r != TEST_PASS)
		return r;
	r = expect_mmio(t.vcpu, gpa, len, true);
	if (r != TEST_PASS)
		return r;
	memcpy(&data, t.vcpu->run->mmio.data, len);
	TEST_ASSERT(data == value, "data 0x%" PRIx64 ", expected 0x%" PRIx64,
		    (uint64_t)data, (uint64_t)value);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* The guest at label reads len bytes at gpa, gets value, reports RAX. */
static enum test_result check_read(const unsigned char *label, __u64 gpa,
				   __u32 len, __u64 value, __u64 expected_rax)
{
	enum test_result r;
	struct ucall uc;
	struct tvm t;

	r = mmio_start(&t, label);
	if (r != TEST_PASS)
		return r;
	r = expect_mmio(t.vcpu, gpa, len, false);
	if (r != TEST_PASS)
		return r;
	memcpy(t.vcpu->run->mmio.data, &value, len);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT(uc.value == expected_rax, "rax 0x%" PRIx64 ", expected 0x%" PRIx64,
		    (uint64_t)uc.value, (uint64_t)expected_rax);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_write8(void)
{
	return check_write(mmio_write8, MMIO_GPA, 1, 0x5a);
}

static enum test_result test_write16(void)
{
	return check_write(mmio_write16, MMIO_GPA, 2, 0xbeef);
}

static enum test_result test_write32(void)
{
	return check_write(mmio_write32, MMIO_GPA, 4, 0xdeadbeef);
}

static enum test_result test_write64(void)
{
	return check_write(mmio_write64, MMIO_GPA, 8, 0x0123456789abcdefULL);
}

static enum test_result test_read8(void)
{
	return check_read(mmio_read8, MMIO_GPA, 1, 0x42, 0xffffffffffffff42ULL);
}

static enum test_result test_read16(void)
{
	return check_read(mmio_read16, MMIO_GPA, 2, 0x4243, 0xffffffffffff4243ULL);
}

static enum test_result test_read32(void)
{
	return check_read(mmio_read32, MMIO_GPA, 4, 0x80414243, 0x80414243ULL);
}

static enum test_result test_read64(void)
{
	return check_read(mmio_read64, MMIO_GPA, 8, 0x8877665544332211ULL,
			  0x8877665544332211ULL);
}

static enum test_result test_movzx_byte(void)
{
	return check_read(mmio_movzxb, MMIO_GPA, 1, 0xf0, 0xf0);
}

static enum test_result test_movzx_word(void)
{
	return check_read(mmio_movzxw, MMIO_GPA, 2, 0xf00d, 0xf00d);
}

static enum test_result test_store_imm8(void)
{
	return check_write(mmio_imm8, MMIO_GPA, 1, 0x77);
}

static enum test_result test_store_imm32(void)
{
	return check_write(mmio_imm32, MMIO_GPA, 4, 0x12345678);
}

static enum test_result test_store_imm64(void)
{
	return check_write(mmio_imm64, MMIO_GPA, 8, 0xfffffffffffffffeULL);
}

static enum test_result test_moffs_load(void)
{
	return check_read(mmio_moffs_load, MMIO_GPA + 0x10, 4, 0x600df00d, 0x600df00d);
}

static enum test_result test_moffs_store(void)
{
	return check_write(mmio_moffs_store, MMIO_GPA + 0x20, 1, 0xc3);
}

static enum test_result test_rex_store(void)
{
	return check_write(mmio_rex_store, MMIO_GPA + 8, 8, 0x1122334455667788ULL);
}

static enum test_result test_rex_load(void)
{
	return check_read(mmio_rex_load, MMIO_GPA + 0x30, 4, 0xabcdef01, 0xabcdef01);
}

static enum test_result test_sib_disp_load(void)
{
	return check_read(mmio_sib_load, MMIO_GPA + 0x28, 8, 0x0102030405060708ULL,
			  0x0102030405060708ULL);
}

/* 100 MMIO writes in a loop arrive one by one, in order. */
static enum test_result test_many_writes(void)
{
	enum test_result r;
	struct ucall uc;
	unsigned int i;
	struct tvm t;
	__u32 data;

	r = mmio_start(&t, mmio_loop);
	if (r != TEST_PASS)
		return r;
	for (i = 0; i < 100; i++) {
		r = expect_mmio(t.vcpu, MMIO_GPA + 4 * i, 4, true);
		if (r != TEST_PASS)
			return r;
		memcpy(&data, t.vcpu->run->mmio.data, 4);
		TEST_ASSERT(data == i, "write %u carried %u", i, data);
	}
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_mmio_prot32(void)
{
	__u32 value = 0x31415926, data = 0;
	enum test_result r;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_PROT32, guest_mmio32);
	r = expect_mmio(t.vcpu, MMIO_GPA, 4, true);
	if (r != TEST_PASS)
		return r;
	memcpy(&data, t.vcpu->run->mmio.data, 4);
	TEST_ASSERT(data == 0xcafef00d, "data 0x%x", data);
	r = expect_mmio(t.vcpu, MMIO_GPA + 4, 4, false);
	if (r != TEST_PASS)
		return r;
	memcpy(t.vcpu->run->mmio.data, &value, 4);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT((uc.value & 0xffffffff) == value, "eax 0x%" PRIx64, (uint64_t)uc.value);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* RAM shrunk to [0, 0xa0000): the VGA hole becomes MMIO. */
static enum test_result test_mmio_real_mode(void)
{
	__u8 value = 0x99;
	__u16 data = 0;
	enum test_result r;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_REAL, guest_mmio16);
	TEST_ASSERT_ERRNO(!hvm_vm_set_region(t.vm, 0, 0, 0xa0000, 0, t.mem),
			  "shrinking slot 0");
	r = expect_mmio(t.vcpu, 0xa0100, 2, true);
	if (r != TEST_PASS)
		return r;
	memcpy(&data, t.vcpu->run->mmio.data, 2);
	TEST_ASSERT(data == 0x4321, "data 0x%x", data);
	r = expect_mmio(t.vcpu, 0xa0200, 1, false);
	if (r != TEST_PASS)
		return r;
	memcpy(t.vcpu->run->mmio.data, &value, 1);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT((uc.value & 0xffff) == 0x4399, "ax 0x%" PRIx64, (uint64_t)uc.value);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "MMIO write of 1 byte (88)", test_write8 },
	{ "MMIO write of 2 bytes (66 89)", test_write16 },
	{ "MMIO write of 4 bytes (89)", test_write32 },
	{ "MMIO write of 8 bytes (REX.W 89)", test_write64 },
	{ "MMIO read of 1 byte into AL keeps the rest of RAX (8A)", test_read8 },
	{ "MMIO read of 2 bytes into AX keeps the rest of RAX (66 8B)", test_read16 },
	{ "MMIO read of 4 bytes into EAX zero-extends (8B)", test_read32 },
	{ "MMIO read of 8 bytes (REX.W 8B)", test_read64 },
	{ "MMIO MOVZX byte (0F B6) zero-extends", test_movzx_byte },
	{ "MMIO MOVZX word (REX.W 0F B7) zero-extends", test_movzx_word },
	{ "MMIO store of an imm8 (C6)", test_store_imm8 },
	{ "MMIO store of an imm32 (C7)", test_store_imm32 },
	{ "MMIO store of a sign-extended imm32 to 8 bytes (REX.W C7)", test_store_imm64 },
	{ "MMIO load with a 64-bit moffs (A1)", test_moffs_load },
	{ "MMIO store with a 64-bit moffs (A2)", test_moffs_store },
	{ "MMIO store from R9 through R10 (REX.R/B)", test_rex_store },
	{ "MMIO load into R12D zero-extends R12", test_rex_load },
	{ "MMIO load with SIB and displacement", test_sib_disp_load },
	{ "100 MMIO writes exit one by one in order", test_many_writes },
	{ "prot32: MMIO store (A3) and load through ESI", test_mmio_prot32 },
	{ "real mode: MMIO through ES:DI and ES:disp16", test_mmio_real_mode },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
