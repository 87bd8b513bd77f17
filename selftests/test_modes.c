// SPDX-License-Identifier: GPL-2.0
/*
 * Guests in each CPU mode (real, 32-bit protected, 64-bit long), the
 * reset state, register access, HLT, triple fault and invalid guest state.
 */
#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guest.h"
#include "test.h"

/* 16-bit operand size: inc %ax wraps without touching EAX[31:16]. */
GUEST_ASM(guest_real_arith, ".code16",
	"mov $0x12345678, %eax\n\t"
	"mov $0xffff, %ax\n\t"
	"inc %ax\n\t"
	G_REPORT16
	G_DONE16);

/* Segmented addressing (ES, DS = CS) and a stack in real mode. */
GUEST_ASM(guest_real_segments, ".code16",
	"mov $" STR(GUEST_DATA_GPA >> 4) ", %ax\n\t"
	"mov %ax, %es\n\t"
	"movw $0xbeef, %es:0x10\n\t"
	"pushw $0x5678\n\t"
	"call 1f\n\t"
	"popw %bx\n\t"
	"add (real_word - guest_real_segments_start), %bx\n\t"
	"mov %bx, %ax\n\t"
	G_REPORT16
	G_DONE16
	"1: ret\n"
	"real_word: .word 0x1111\n");

/* 32-bit code: bswap, flat absolute addressing, a call on the stack. */
GUEST_ASM(guest_prot32, ".code32",
	"mov $0xdeadbeef, %eax\n\t"
	"call 1f\n\t"
	"movl %eax, " STR(GUEST_DATA_GPA) "\n\t"
	"movl " STR(GUEST_DATA_GPA) ", %eax\n\t"
	G_REPORT
	G_DONE
	"1: bswap %eax\n\t"
	"ret\n");

/* 64-bit registers and RIP-relative data. */
GUEST_ASM(guest_long64, ".code64",
	"movabs $0x123456789abcdef0, %rax\n\t"
	"ror $16, %rax\n\t"
	G_REPORT
	"mov long64_quad(%rip), %rax\n\t"
	"mov $0x1ff000, %ebx\n\t"
	"mov %rax, (%rbx)\n\t"
	"movabs $0xa5a5a5a5a5a5a5a5, %rcx\n\t"
	"mov %rcx, 8(%rbx)\n\t"
	G_DONE
	".balign 8\n"
	"long64_quad: .quad 0xfedcba9876543210\n");

/* Reports CR0, CR4 and EFER as the guest sees them. */
GUEST_ASM(guest_long64_cregs, ".code64",
	"mov %cr0, %rax\n\t"
	G_REPORT
	"mov %cr4, %rax\n\t"
	G_REPORT
	"mov $0xc0000080, %ecx\n\t"
	"rdmsr\n\t"
	"shl $32, %rdx\n\t"
	"or %rdx, %rax\n\t"
	G_REPORT
	G_DONE);

GUEST_ASM(guest_hlt16, ".code16", "hlt\n\t" G_DONE16);
GUEST_ASM(guest_hlt32, ".code32", "hlt\n\t" G_DONE);
GUEST_ASM(guest_hlt64, ".code64", "hlt\n\t" G_DONE);

/* Keeps XMM0 across an exit to user space, which clobbers the host's. */
GUEST_ASM(guest_sse, ".code64",
	"movdqu sse_pattern(%rip), %xmm0\n\t"
	G_REPORT
	"movq %xmm0, %rax\n\t"
	G_REPORT
	"pextrq $1, %xmm0, %rax\n\t"
	G_REPORT
	G_DONE
	".balign 16\n"
	"sse_pattern: .quad 0x0123456789abcdef, 0xfedcba9876543210\n");

GUEST_ASM(guest_ud2, ".code64", "ud2\n\t" G_DONE);

static enum test_result test_real_mode_arith(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_REAL, guest_real_arith);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT((uc.value & 0xffffffff) == 0x12340000, "eax 0x%" PRIx64,
		    (uint64_t)uc.value);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_real_mode_segments(void)
{
	struct ucall uc;
	struct tvm t;
	__u16 word;

	TVM_CREATE(&t, HVM_MODE_REAL, guest_real_segments);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT((uc.value & 0xffff) == 0x6789, "ax 0x%" PRIx64, (uint64_t)uc.value);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	memcpy(&word, t.mem + GUEST_DATA_GPA + 0x10, 2);
	TEST_ASSERT(word == 0xbeef, "es:0x10 holds 0x%x", word);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_prot32(void)
{
	struct ucall uc;
	struct tvm t;
	__u32 word;

	TVM_CREATE(&t, HVM_MODE_PROT32, guest_prot32);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT((uc.value & 0xffffffff) == 0xefbeadde, "eax 0x%" PRIx64,
		    (uint64_t)uc.value);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	memcpy(&word, t.mem + GUEST_DATA_GPA, 4);
	TEST_ASSERT(word == 0xefbeadde, "memory holds 0x%x", word);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_long64(void)
{
	struct ucall uc;
	struct tvm t;
	__u64 q[2];

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_long64);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT(uc.value == 0xdef0123456789abcULL, "rax 0x%" PRIx64,
		    (uint64_t)uc.value);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	memcpy(q, t.mem + 0x1ff000, sizeof(q));
	TEST_ASSERT(q[0] == 0xfedcba9876543210ULL && q[1] == 0xa5a5a5a5a5a5a5a5ULL,
		    "memory holds 0x%" PRIx64 " 0x%" PRIx64, (uint64_t)q[0],
		    (uint64_t)q[1]);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_long64_control_regs(void)
{
	struct ucall uc;
	__u64 v[3];
	unsigned int n;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_long64_cregs);
	TEST_ASSERT(ucall_run_collect(t.vcpu, &uc, v, 3, &n) == UCALL_DONE && n == 3,
		    "type %d, %u reports", uc.type, n);
	TEST_ASSERT((v[0] & (HVM_CR0_PE | HVM_CR0_PG)) == (HVM_CR0_PE | HVM_CR0_PG),
		    "cr0 0x%" PRIx64, (uint64_t)v[0]);
	TEST_ASSERT(v[1] & HVM_CR4_PAE, "cr4 0x%" PRIx64, (uint64_t)v[1]);
	TEST_ASSERT((v[2] & (HVM_EFER_LME | HVM_EFER_LMA)) ==
		    (HVM_EFER_LME | HVM_EFER_LMA), "efer 0x%" PRIx64, (uint64_t)v[2]);
	TEST_ASSERT(!(v[2] & (1ULL << 12)), "EFER.SVME visible to the guest: 0x%" PRIx64,
		    (uint64_t)v[2]);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result check_hlt(enum hvm_mode mode, const unsigned char *start,
				  const unsigned char *end)
{
	struct hvm_regs regs;
	struct ucall uc;
	struct tvm t;
	__u64 expected_rip;

	if (!tvm_mode_supported(mode))
		return test_skip("%s mode needs VMX unrestricted guest", hvm_mode_name(mode));
	TEST_ASSERT_ERRNO(!tvm_create(&t, mode, start, end), "tvm_create");
	EXPECT_UCALL(t.vcpu, &uc, UCALL_OTHER_EXIT);
	TEST_ASSERT(t.vcpu->run->exit_reason == HVM_EXIT_HLT, "exit %s",
		    hvm_exit_reason_str(t.vcpu->run->exit_reason));
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(t.vcpu, &regs), "GET_REGS");
	expected_rip = mode == HVM_MODE_REAL ? 1 : GUEST_CODE_GPA + 1;
	TEST_ASSERT(regs.rip == expected_rip, "rip 0x%" PRIx64 " after HLT",
		    (uint64_t)regs.rip);
	/* RUN again continues after the HLT */
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_hlt_real(void)
{
	return check_hlt(HVM_MODE_REAL, guest_hlt16_start, guest_hlt16_end);
}

static enum test_result test_hlt_prot32(void)
{
	return check_hlt(HVM_MODE_PROT32, guest_hlt32_start, guest_hlt32_end);
}

static enum test_result test_hlt_long64(void)
{
	return check_hlt(HVM_MODE_LONG64, guest_hlt64_start, guest_hlt64_end);
}

static enum test_result check_reset_state(struct hvm_vcpu *vcpu)
{
	struct hvm_sregs sregs;
	struct hvm_regs regs;

	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(vcpu, &regs), "GET_REGS");
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(vcpu, &sregs), "GET_SREGS");
	TEST_ASSERT(regs.rip == 0xfff0, "rip 0x%" PRIx64, (uint64_t)regs.rip);
	TEST_ASSERT(regs.rflags == 2, "rflags 0x%" PRIx64, (uint64_t)regs.rflags);
	TEST_ASSERT(sregs.cs.selector == 0xf000 && sregs.cs.base == 0xffff0000,
		    "cs %04x base 0x%" PRIx64, sregs.cs.selector, (uint64_t)sregs.cs.base);
	TEST_ASSERT(sregs.cr0 == 0x60000010, "cr0 0x%" PRIx64, (uint64_t)sregs.cr0);
	TEST_ASSERT(!sregs.efer && !sregs.cr4 && !sregs.cr3,
		    "efer 0x%" PRIx64 " cr4 0x%" PRIx64, (uint64_t)sregs.efer,
		    (uint64_t)sregs.cr4);
	return TEST_PASS;
}

static enum test_result test_reset_state(void)
{
	struct hvm_vcpu *vcpu;
	struct hvm_vm *vm;
	enum test_result r;

	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating a VM");
	vcpu = hvm_vcpu_create(vm, 0);
	TEST_ASSERT_ERRNO(vcpu, "creating vCPU 0");
	r = check_reset_state(vcpu);
	hvm_vcpu_destroy(vcpu);
	hvm_vm_destroy(vm);
	return r;
}

/* Memory at 0xffff0000: the untouched vCPU fetches its first HLT at 0xfffffff0. */
static enum test_result test_reset_vector_runs(void)
{
	struct hvm_vcpu *vcpu;
	struct hvm_regs regs;
	struct hvm_vm *vm;
	unsigned char *rom;

	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating a VM");
	rom = hvm_vm_add_memory(vm, 0, 0xffff0000, 0x10000, 0);
	TEST_ASSERT_ERRNO(rom, "memory at 0xffff0000");
	rom[0xfff0] = 0xf4;	/* hlt */
	vcpu = hvm_vcpu_create(vm, 0);
	TEST_ASSERT_ERRNO(vcpu, "creating vCPU 0");
	TEST_ASSERT_ERRNO(!hvm_vcpu_run(vcpu), "RUN");
	if (!tvm_mode_supported(HVM_MODE_REAL)) {
		/* VMX without unrestricted guest: the real-mode reset state
		 * fails VM entry, invalid guest state (SDM 26.3.1.1). */
		TEST_ASSERT(vcpu->run->exit_reason == HVM_EXIT_FAIL_ENTRY &&
			    vcpu->run->fail_entry.hardware_entry_failure_reason ==
			    (0x80000000ULL | 33), "exit %s, reason 0x%llx",
			    hvm_exit_reason_str(vcpu->run->exit_reason),
			    (unsigned long long)vcpu->run->fail_entry.hardware_entry_failure_reason);
		test_diag("no unrestricted guest: FAIL_ENTRY, invalid guest state");
	} else {
		TEST_ASSERT(vcpu->run->exit_reason == HVM_EXIT_HLT, "exit %s",
			    hvm_exit_reason_str(vcpu->run->exit_reason));
		TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(vcpu, &regs), "GET_REGS");
		TEST_ASSERT(regs.rip == 0xfff1, "rip 0x%" PRIx64, (uint64_t)regs.rip);
	}
	hvm_vcpu_destroy(vcpu);
	hvm_vm_destroy(vm);
	return TEST_PASS;
}

/* VMX without unrestricted guest refuses real mode and unpaged protected
 * mode in SET_SREGS (EINVAL) and keeps the vCPU's state. */
static enum test_result test_vmx_no_unrestricted_refuses_real_mode(void)
{
	struct hvm_sregs sregs, after;
	struct tvm t;

	if (tvm_mode_supported(HVM_MODE_REAL))
		return test_skip("real mode is supported here (SVM, or VMX unrestricted guest)");
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_hlt64);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &sregs), "GET_SREGS");
	sregs.cr0 &= ~(HVM_CR0_PG | HVM_CR0_PE);	/* real mode */
	sregs.efer &= ~(HVM_EFER_LME | HVM_EFER_LMA);
	TEST_ASSERT_FAILS(hvm_vcpu_set_sregs(t.vcpu, &sregs), EINVAL);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &sregs), "GET_SREGS");
	sregs.cr0 &= ~HVM_CR0_PG;			/* unpaged protected mode */
	sregs.efer &= ~(HVM_EFER_LME | HVM_EFER_LMA);
	TEST_ASSERT_FAILS(hvm_vcpu_set_sregs(t.vcpu, &sregs), EINVAL);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &after), "GET_SREGS");
	TEST_ASSERT(after.cr0 & HVM_CR0_PG, "CR0 0x%llx after a refused SET_SREGS",
		    (unsigned long long)after.cr0);
	TEST_ASSERT(ucall_run(t.vcpu, &(struct ucall){ 0 }) == UCALL_OTHER_EXIT &&
		    t.vcpu->run->exit_reason == HVM_EXIT_HLT, "the vCPU no longer runs");
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_regs_roundtrip(void)
{
	struct hvm_regs in, out;
	struct tvm t;
	__u64 *p;
	unsigned int i;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_hlt64);
	memset(&in, 0, sizeof(in));
	for (i = 0, p = &in.rax; p <= &in.r15; p++, i++)
		*p = 0x1111111111111111ULL * (i + 1) ^ 0x8000000000000123ULL;
	in.rip = GUEST_CODE_GPA;
	in.rflags = 0x2 | 0x1 | 0x40 | 0x800;	/* CF ZF OF */
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_regs(t.vcpu, &in), "SET_REGS");
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(t.vcpu, &out), "GET_REGS");
	TEST_ASSERT(!memcmp(&in, &out, sizeof(in)), "registers differ after SET/GET");
	/* and the guest really runs with them: HLT keeps them */
	TEST_ASSERT_ERRNO(!hvm_vcpu_run(t.vcpu), "RUN");
	TEST_ASSERT(t.vcpu->run->exit_reason == HVM_EXIT_HLT, "exit %s",
		    hvm_exit_reason_str(t.vcpu->run->exit_reason));
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(t.vcpu, &out), "GET_REGS");
	in.rip++;
	TEST_ASSERT(!memcmp(&in, &out, sizeof(in)), "registers changed by running HLT");
	tvm_destroy(&t);
	return TEST_PASS;
}

static bool segment_equal(const struct hvm_segment *a, const struct hvm_segment *b)
{
	return a->base == b->base && a->limit == b->limit &&
	       a->selector == b->selector && a->type == b->type &&
	       a->present == b->present && a->dpl == b->dpl && a->db == b->db &&
	       a->s == b->s && a->l == b->l && a->g == b->g;
}

static enum test_result test_sregs_roundtrip(void)
{
	struct hvm_sregs in, out;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_hlt64);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &in), "GET_SREGS");
	in.cr2 = 0x123456789000ULL;
	in.fs.base = 0x7fff00001000ULL;
	in.gs.base = 0xffff800000002000ULL;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_sregs(t.vcpu, &in), "SET_SREGS");
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &out), "GET_SREGS");
	TEST_ASSERT(segment_equal(&in.cs, &out.cs) && segment_equal(&in.ds, &out.ds) &&
		    segment_equal(&in.fs, &out.fs) && segment_equal(&in.gs, &out.gs) &&
		    segment_equal(&in.ss, &out.ss) && segment_equal(&in.tr, &out.tr),
		    "segments differ after SET/GET");
	TEST_ASSERT(out.cs.l == 1 && out.cs.db == 0, "cs.l %u cs.db %u", out.cs.l,
		    out.cs.db);
	TEST_ASSERT(in.gdt.base == out.gdt.base && in.gdt.limit == out.gdt.limit &&
		    in.idt.base == out.idt.base && in.idt.limit == out.idt.limit,
		    "descriptor tables differ");
	TEST_ASSERT(in.cr0 == out.cr0 && in.cr2 == out.cr2 && in.cr3 == out.cr3 &&
		    in.cr4 == out.cr4, "control registers differ: cr0 0x%" PRIx64
		    " cr2 0x%" PRIx64 " cr3 0x%" PRIx64 " cr4 0x%" PRIx64,
		    (uint64_t)out.cr0, (uint64_t)out.cr2, (uint64_t)out.cr3,
		    (uint64_t)out.cr4);
	TEST_ASSERT((out.efer & (HVM_EFER_LME | HVM_EFER_LMA)) ==
		    (HVM_EFER_LME | HVM_EFER_LMA), "efer 0x%" PRIx64, (uint64_t)out.efer);
	TEST_ASSERT(!(out.efer & (1ULL << 12)), "EFER.SVME leaks into GET_SREGS");
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_sse_state_preserved(void)
{
	__u64 v[3];
	struct ucall uc;
	unsigned int n = 0;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_sse);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	/* clobber the host's XMM0 between the exits */
	asm volatile("pcmpeqd %%xmm0, %%xmm0" ::: "xmm0");
	TEST_ASSERT(ucall_run_collect(t.vcpu, &uc, v, 3, &n) == UCALL_DONE && n == 2,
		    "type %d, %u reports", uc.type, n);
	TEST_ASSERT(v[0] == 0x0123456789abcdefULL && v[1] == 0xfedcba9876543210ULL,
		    "xmm0 0x%" PRIx64 ":%" PRIx64, (uint64_t)v[1], (uint64_t)v[0]);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* No IDT: #UD -> #NP/#GP -> #DF -> triple fault. */
static enum test_result run_to_triple_fault(struct tvm *t)
{
	struct hvm_sregs sregs;
	struct ucall uc;

	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t->vcpu, &sregs), "GET_SREGS");
	sregs.idt.limit = 0;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_sregs(t->vcpu, &sregs), "SET_SREGS");
	EXPECT_UCALL(t->vcpu, &uc, UCALL_OTHER_EXIT);
	TEST_ASSERT(t->vcpu->run->exit_reason == HVM_EXIT_SHUTDOWN, "exit %s",
		    hvm_exit_reason_str(t->vcpu->run->exit_reason));
	return TEST_PASS;
}

static enum test_result test_triple_fault(void)
{
	enum test_result r;
	struct tvm t;

	TEST_SKIP_ON_QUIRK("triple-fault-fatal", "a triple fault would end the test VM");
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ud2);
	r = run_to_triple_fault(&t);
	tvm_destroy(&t);
	return r;
}

static enum test_result test_shutdown_resets_vcpu(void)
{
	enum test_result r;
	struct tvm t;

	TEST_SKIP_ON_QUIRK("triple-fault-fatal", "a triple fault would end the test VM");
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ud2);
	r = run_to_triple_fault(&t);
	if (r == TEST_PASS)
		r = check_reset_state(t.vcpu);
	if (r != TEST_PASS)
		return r;
	/* and it runs again once given a state: resume past the ud2 */
	TEST_ASSERT_ERRNO(!guest_setup_long64(t.vcpu, GUEST_CODE_GPA + 2,
					      GUEST_MEM_SIZE), "long mode again");
	TEST_ASSERT(ucall_run_to_done(t.vcpu), "guest did not finish after reset");
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result expect_fail_entry(struct tvm *t)
{
	struct ucall uc;

	EXPECT_UCALL(t->vcpu, &uc, UCALL_OTHER_EXIT);
	TEST_ASSERT(t->vcpu->run->exit_reason == HVM_EXIT_FAIL_ENTRY, "exit %s",
		    hvm_exit_reason_str(t->vcpu->run->exit_reason));
	test_diag("hardware entry failure reason 0x%" PRIx64,
		  (uint64_t)t->vcpu->run->fail_entry.hardware_entry_failure_reason);
	return TEST_PASS;
}

static enum test_result test_fail_entry_cs_l_and_d(void)
{
	struct hvm_sregs sregs;
	enum test_result r;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_hlt64);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &sregs), "GET_SREGS");
	sregs.cs.l = 1;
	sregs.cs.db = 1;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_sregs(t.vcpu, &sregs), "SET_SREGS");
	r = expect_fail_entry(&t);
	tvm_destroy(&t);
	return r;
}

static enum test_result test_fail_entry_nw_without_cd(void)
{
	struct hvm_sregs sregs;
	enum test_result r;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_hlt64);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &sregs), "GET_SREGS");
	sregs.cr0 = (sregs.cr0 | HVM_CR0_NW) & ~HVM_CR0_CD;
	TEST_ASSERT(hvm_vcpu_set_sregs(t.vcpu, &sregs) && errno == EINVAL,
		    "SET_SREGS took CR0.NW without CD");
	/* Nothing was changed: the guest still runs to its HLT. */
	r = hvm_vcpu_run(t.vcpu) ? TEST_FAIL : TEST_PASS;
	TEST_ASSERT(r == TEST_PASS && t.vcpu->run->exit_reason == HVM_EXIT_HLT,
		    "exit %u after the refused SET_SREGS", t.vcpu->run->exit_reason);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_recovers_after_fail_entry(void)
{
	struct hvm_sregs sregs;
	enum test_result r;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_long64);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &sregs), "GET_SREGS");
	sregs.cs.db = 1;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_sregs(t.vcpu, &sregs), "SET_SREGS");
	r = expect_fail_entry(&t);
	if (r != TEST_PASS)
		return r;
	sregs.cs.db = 0;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_sregs(t.vcpu, &sregs), "SET_SREGS");
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT(uc.value == 0xdef0123456789abcULL, "rax 0x%" PRIx64,
		    (uint64_t)uc.value);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* GET_XSAVE shows the guest's XMM0; SET_XSAVE changes what it continues
 * with; GET/SET_XCRS round-trip XCR0 and refuse what XSETBV would. */
static enum test_result test_xsave_ioctls(void)
{
	static const __u64 newval[2] = { 0x1111222233334444ULL, 0x5555666677778888ULL };
	struct hvm_xcrs xcrs = { 0 };
	struct hvm_xsave xs;
	unsigned int n = 0;
	struct ucall uc;
	struct tvm t;
	__u64 v[3];

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_sse);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_GET_XSAVE, &xs), "GET_XSAVE");
	/* XMM0 is at byte 160 of the legacy (FXSAVE) area (SDM vol. 1, 10.5.1) */
	memcpy(v, (char *)xs.region + 160, 16);
	TEST_ASSERT(v[0] == 0x0123456789abcdefULL && v[1] == 0xfedcba9876543210ULL,
		    "GET_XSAVE xmm0 0x%" PRIx64 ":%" PRIx64, (uint64_t)v[1], (uint64_t)v[0]);
	memcpy((char *)xs.region + 160, newval, 16);
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_SET_XSAVE, &xs), "SET_XSAVE");
	TEST_ASSERT(ucall_run_collect(t.vcpu, &uc, v, 3, &n) == UCALL_DONE && n == 2,
		    "type %d, %u reports", uc.type, n);
	TEST_ASSERT(v[0] == newval[0] && v[1] == newval[1],
		    "after SET_XSAVE the guest's xmm0 is 0x%" PRIx64 ":%" PRIx64,
		    (uint64_t)v[1], (uint64_t)v[0]);

	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_GET_XCRS, &xcrs), "GET_XCRS");
	TEST_ASSERT(xcrs.xcr0 == 1, "a new vCPU's XCR0 is 0x%" PRIx64, (uint64_t)xcrs.xcr0);
	xcrs.xcr0 = 2;				/* SSE without x87 */
	TEST_ASSERT_FAILS(ioctl(t.vcpu->fd, HVM_SET_XCRS, &xcrs), EINVAL);
	xcrs.xcr0 = 1;
	xcrs.reserved[0] = 1;
	TEST_ASSERT_FAILS(ioctl(t.vcpu->fd, HVM_SET_XCRS, &xcrs), EINVAL);
	xcrs.reserved[0] = 0;
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_SET_XCRS, &xcrs), "SET_XCRS 1");
	TEST_ASSERT_FAILS(ioctl(t.vcpu->fd, HVM_GET_XSAVE, (void *)8), EFAULT);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "real mode: 16-bit operand size arithmetic", test_real_mode_arith },
	{ "real mode: segmented addressing, stack, call/ret", test_real_mode_segments },
	{ "prot32: 32-bit code, flat absolute addressing, call/ret", test_prot32 },
	{ "long64: 64-bit registers, RIP-relative data, writes seen by the host",
	  test_long64 },
	{ "long64: guest sees CR0.PG, CR4.PAE, EFER.LMA and no EFER.SVME",
	  test_long64_control_regs },
	{ "real mode: HLT exits with RIP past it, RUN resumes", test_hlt_real },
	{ "prot32: HLT exits with RIP past it, RUN resumes", test_hlt_prot32 },
	{ "long64: HLT exits with RIP past it, RUN resumes", test_hlt_long64 },
	{ "a new vCPU is in the x86 reset state", test_reset_state },
	{ "a new vCPU runs from the reset vector 0xfffffff0", test_reset_vector_runs },
	{ "VMX without unrestricted guest: real mode refused with EINVAL (VMX-only)",
	  test_vmx_no_unrestricted_refuses_real_mode },
	{ "SET_REGS/GET_REGS round-trip every GPR, RIP and RFLAGS", test_regs_roundtrip },
	{ "SET_SREGS/GET_SREGS round-trip a long-mode state", test_sregs_roundtrip },
	{ "guest XMM state survives exits to user space", test_sse_state_preserved },
	{ "GET/SET_XSAVE read and change the guest's XMM0; GET/SET_XCRS check XCR0",
	  test_xsave_ioctls },
	{ "a triple fault exits with SHUTDOWN", test_triple_fault },
	{ "after SHUTDOWN the vCPU is in the reset state", test_shutdown_resets_vcpu },
	{ "long mode with CS.L=1 and CS.D=1 exits with FAIL_ENTRY",
	  test_fail_entry_cs_l_and_d },
	{ "SET_SREGS refuses CR0.NW=1 with CR0.CD=0 (EINVAL), state unchanged",
	  test_fail_entry_nw_without_cd },
	{ "a vCPU runs normally once a FAIL_ENTRY state is fixed",
	  test_recovers_after_fail_entry },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
