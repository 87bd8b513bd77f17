// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: guest code written in C (lib/guest_c.h).  The guest runs a
 * copy of this binary at its link address: C functions, globals and
 * .rodata, GUEST_ASSERT() reported with file:line, exception and
 * interrupt handlers in C, and SSE registers kept across exits.
 */
#include <inttypes.h>
#include <string.h>

#include "guest_c.h"
#include "test.h"

#define VECTOR_UD		6
#define VECTOR_GP		13
#define VECTOR_PF		14
#define VECTOR_SOFT		0x40

#define MSR_SYSENTER_ESP	0x175
#define MSR_TSC_AUX		0xc0000103
#define MSR_BOGUS		0x12345678

#define CPUID_80000001_EDX_RDTSCP	(1U << 27)

/* ---- C code, globals and .rodata ----------------------------------------- */

static const char gc_message[] = "guest code written in C";
/* Changed by the host before the tvm exists: the copy is of memory. */
__u64 gc_seed = 7;
/* Written by the guest: the host's own stays 0. */
__u64 gc_written;

static __attribute__((noinline)) __u64 gc_fib(unsigned int n)
{
	return n < 2 ? n : gc_fib(n - 1) + gc_fib(n - 2);
}

static __attribute__((noinline)) __u64 gc_checksum(const char *s)
{
	__u64 sum = 0;

	while (*s)
		sum = sum * 31 + (unsigned char)*s++;
	return sum;
}

static void guest_compute(void)
{
	guest_report(gc_fib(20));
	guest_report(gc_checksum(gc_message));
	guest_report(gc_seed * 3);
	gc_written = 0x600d;
	guest_report(gc_written);
	guest_done();
}

/* A C guest calls functions of the binary, reads an initialized global
 * (as in memory at creation) and .rodata; its writes stay in its copy. */
static enum test_result test_c_compute(void)
{
	__u64 v[4], *copy;
	unsigned int nr;
	struct ucall uc;
	struct tvm t;

	gc_seed = 0xc0ffee;
	TVM_CREATE_C(&t, guest_compute);
	gc_seed = 1;		/* after creation: not seen by the guest */
	if (ucall_run_collect(t.vcpu, &uc, v, ARRAY_SIZE(v), &nr) != UCALL_DONE) {
		ucall_describe(t.vcpu, &uc);
		return test_fail("the guest did not finish");
	}
	TEST_ASSERT(nr == 4, "%u reports", nr);
	TEST_ASSERT(v[0] == gc_fib(20), "fib(20) = %" PRIu64, (uint64_t)v[0]);
	TEST_ASSERT(v[1] == gc_checksum(gc_message), "checksum 0x%" PRIx64,
		    (uint64_t)v[1]);
	TEST_ASSERT(v[2] == 0xc0ffee * 3, "seed * 3 = 0x%" PRIx64, (uint64_t)v[2]);
	TEST_ASSERT(v[3] == 0x600d, "written 0x%" PRIx64, (uint64_t)v[3]);
	TEST_ASSERT(gc_written == 0, "the guest's write reached the host");
	copy = tvm_image_hva(&t, &gc_written, sizeof(gc_written));
	TEST_ASSERT(copy && *copy == 0x600d, "the guest's copy of gc_written");
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- GUEST_ASSERT -------------------------------------------------------- */

static __attribute__((noinline)) __u64 gc_one(void)
{
	return 1;
}

static void guest_assert_eq_fails(void)
{
	guest_report(__LINE__ + 1);
	GUEST_ASSERT_EQ(gc_one(), 2);
	guest_done();
}

static void guest_assert_fails(void)
{
	guest_report(__LINE__ + 1);
	GUEST_ASSERT(gc_one() == 3);
	guest_done();
}

/* Runs guest_main, which reports a line and then fails an assertion
 * there: tvm_run_to_done() must fail and name this file and that line. */
static enum test_result expect_assert(void (*guest_main)(void), const char *expr,
				      bool values)
{
	char file[128], text[128];
	enum test_result r;
	struct ucall uc;
	struct tvm t;
	__u64 line;

	TVM_CREATE_C(&t, guest_main);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	line = uc.value;
	test_diag("the guest fails an assertion on purpose at line %" PRIu64 ":",
		  (uint64_t)line);
	r = tvm_run_to_done(&t, &uc);
	TEST_ASSERT(r == TEST_FAIL, "a failed guest assertion was not noticed");
	TEST_ASSERT(uc.type == UCALL_ASSERT, "ucall type %d", uc.type);
	TEST_ASSERT(uc.value == line, "line %" PRIu64 ", expected %" PRIu64,
		    (uint64_t)uc.value, (uint64_t)line);
	TEST_ASSERT(!ucall_guest_string(t.vcpu, uc.args[0], file, sizeof(file)) &&
		    !strcmp(file, __FILE__), "file \"%s\"", file);
	TEST_ASSERT(!ucall_guest_string(t.vcpu, uc.args[1], text, sizeof(text)) &&
		    !strcmp(text, expr), "expression \"%s\"", text);
	if (values)
		TEST_ASSERT(uc.args[4] && uc.args[2] == 1 && uc.args[3] == 2,
			    "values %" PRIu64 " %" PRIu64 " (%" PRIu64 ")",
			    (uint64_t)uc.args[2], (uint64_t)uc.args[3],
			    (uint64_t)uc.args[4]);
	else
		TEST_ASSERT(!uc.args[4], "values for GUEST_ASSERT()");
	tvm_destroy(&t);
	return TEST_PASS;
}

/* A failing GUEST_ASSERT_EQ()/GUEST_ASSERT() fails tvm_run_to_done() with
 * file, line, expression (and values). */
static enum test_result test_guest_assert(void)
{
	enum test_result r;

	r = expect_assert(guest_assert_eq_fails, "gc_one() == 2", true);
	if (r != TEST_PASS)
		return r;
	return expect_assert(guest_assert_fails, "gc_one() == 3", false);
}

/* ---- Exception and interrupt handlers ------------------------------------ */

/* What the handlers saw last, in the guest's copy. */
static volatile struct {
	__u64 count, vector, has_error_code, error_code, rip;
} gc_seen;

static void gc_record(struct guest_frame *f)
{
	gc_seen.count++;
	gc_seen.vector = f->vector;
	gc_seen.has_error_code = f->has_error_code;
	gc_seen.error_code = f->error_code;
	gc_seen.rip = f->rip;
}

#define GUEST_CHECK_SEEN(count_, vector_, has_error_code_, error_code_, rip_)	\
	do {									\
		GUEST_ASSERT_EQ(gc_seen.count, count_);				\
		GUEST_ASSERT_EQ(gc_seen.vector, vector_);			\
		GUEST_ASSERT_EQ(gc_seen.has_error_code, has_error_code_);	\
		GUEST_ASSERT_EQ(gc_seen.error_code, error_code_);		\
		GUEST_ASSERT_EQ(gc_seen.rip, rip_);				\
	} while (0)

/* #UD: skip the 2-byte UD2. */
GUEST_HANDLER(gc_ud_entry, 6, gc_ud_handler);
static void gc_ud_handler(struct guest_frame *f)
{
	gc_record(f);
	f->rip += 2;
}

static void guest_ud(void)
{
	__u64 rip;
	int i;

	for (i = 1; i <= 2; i++) {
		asm volatile("lea 1f(%%rip), %0\n"
			     "1: ud2" : "=r"(rip) : : "memory");
		GUEST_CHECK_SEEN(i, VECTOR_UD, 0, 0, rip);
		guest_report(i);
	}
	guest_done();
}

/* A UD2 reaches a C handler (gate set by the host), which skips it; the
 * guest goes on, twice. */
static enum test_result test_ud_handler(void)
{
	__u64 v[2];
	unsigned int nr;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_C(&t, guest_ud);
	TEST_ASSERT_ERRNO(!tvm_set_idt_gate(&t, VECTOR_UD, gc_ud_entry), "IDT gate");
	if (ucall_run_collect(t.vcpu, &uc, v, ARRAY_SIZE(v), &nr) != UCALL_DONE) {
		ucall_describe(t.vcpu, &uc);
		return test_fail("the guest did not finish");
	}
	TEST_ASSERT(nr == 2 && v[0] == 1 && v[1] == 2, "%u reports", nr);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* #GP from RDMSR (error code pushed): skip the 2-byte RDMSR.  INT $13
 * pushes no error code and returns past itself. */
GUEST_HANDLER(gc_gp_entry, 13, gc_gp_handler);
static void gc_gp_handler(struct guest_frame *f)
{
	gc_record(f);
	if (f->has_error_code)
		f->rip += 2;
}

static void guest_gp(void)
{
	__u32 lo = 0x1111, hi = 0x2222;
	__u64 rip;

	guest_idt_set_gate(VECTOR_GP, gc_gp_entry);
	asm volatile("lea 1f(%%rip), %2\n"
		     "1: rdmsr"
		     : "+a"(lo), "+d"(hi), "=&r"(rip) : "c"(MSR_BOGUS) : "memory");
	GUEST_CHECK_SEEN(1, VECTOR_GP, 1, 0, rip);
	GUEST_ASSERT_EQ(lo, 0x1111);		/* RDMSR did not complete */
	GUEST_ASSERT_EQ(hi, 0x2222);

	asm volatile("int $13\n"
		     "1: lea 1b(%%rip), %0" : "=r"(rip) : : "memory");
	GUEST_CHECK_SEEN(2, VECTOR_GP, 0, 0, rip);
	guest_done();
}

/* RDMSR of an unknown MSR raises #GP(0) into a C handler that skips it;
 * INT $13 reaches it without an error code. */
static enum test_result test_gp_handler(void)
{
	struct tvm t;

	TVM_CREATE_C(&t, guest_gp);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static void guest_msrs(void)
{
	__u32 a, b, c, d, aux;
	bool rdtscp;

	wrmsr(MSR_SYSENTER_ESP, 0x81345000);
	GUEST_ASSERT_EQ(rdmsr(MSR_SYSENTER_ESP), 0x81345000);
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	rdtscp = d & CPUID_80000001_EDX_RDTSCP;
	if (rdtscp) {
		wrmsr(MSR_TSC_AUX, 0xabc123);
		GUEST_ASSERT_EQ(rdmsr(MSR_TSC_AUX), 0xabc123);
		asm volatile("rdtscp" : "=a"(a), "=d"(d), "=c"(aux));
		GUEST_ASSERT_EQ(aux, 0xabc123);
	}
	guest_report(rdtscp);
	guest_done();
}

/* WRMSR/RDMSR of SYSENTER_ESP (and TSC_AUX with RDTSCP when CPUID has it)
 * round-trip in C. */
static enum test_result test_msrs(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_C(&t, guest_msrs);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	if (!uc.value)
		test_diag("no RDTSCP in the guest's CPUID: TSC_AUX not tried");
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* INT $0x40: the handler sees vector 0x40 without an error code and sets
 * the RAX the guest gets back. */
GUEST_HANDLER(gc_soft_entry, 0x40, gc_soft_handler);
static void gc_soft_handler(struct guest_frame *f)
{
	gc_record(f);
	f->rax = ~f->rax;
}

/* Set by the host under quirk int-n-stale-exitintinfo (Bochs 2.7 SVM). */
static bool gc_pretouch_gdt;

static void guest_soft_int(void)
{
	__u64 rip, rax = 0x4040;

	guest_idt_set_gate(VECTOR_SOFT, gc_soft_entry);
	/*
	 * The delivery reads the CS descriptor.  Bochs 2.7's SVM reports a
	 * nested page fault during the delivery of an INT n with a stale
	 * EXITINTINFO instead of the software interrupt, which hvm then
	 * injects (Documentation/testing.rst): there, map the GDT's page
	 * first.  Elsewhere the delivery takes that fault (test_events).
	 */
	if (gc_pretouch_gdt)
		(void)*(volatile __u64 *)(HVM_SYS_GDT + HVM_SEL_CODE64);
	asm volatile("int $0x40\n"
		     "1: lea 1b(%%rip), %1" : "+a"(rax), "=r"(rip) : : "memory");
	GUEST_CHECK_SEEN(1, VECTOR_SOFT, 0, 0, rip);
	GUEST_ASSERT_EQ(rax, ~0x4040ULL);
	/* returns: the stub says DONE */
}

/* INT $0x40 reaches a C handler for vector 0x40 (no error code) and IRETQ
 * returns right after it with the handler's RAX; returning says DONE. */
static enum test_result test_soft_int(void)
{
	struct tvm t;

	gc_pretouch_gdt = test_quirk("int-n-stale-exitintinfo");
	TVM_CREATE_C(&t, guest_soft_int);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- SSE ----------------------------------------------------------------- */

#define SSE_EXITS	1000

static const __u64 gc_xmm_in[32] = {
	0x0001020304050607ULL, 0x08090a0b0c0d0e0fULL, 0x1011121314151617ULL,
	0x18191a1b1c1d1e1fULL, 0x2021222324252627ULL, 0x28292a2b2c2d2e2fULL,
	0x3031323334353637ULL, 0x38393a3b3c3d3e3fULL, 0x4041424344454647ULL,
	0x48494a4b4c4d4e4fULL, 0x5051525354555657ULL, 0x58595a5b5c5d5e5fULL,
	0x6061626364656667ULL, 0x68696a6b6c6d6e6fULL, 0x7071727374757677ULL,
	0x78797a7b7c7d7e7fULL, 0x8081828384858687ULL, 0x88898a8b8c8d8e8fULL,
	0x9091929394959697ULL, 0x98999a9b9c9d9e9fULL, 0xa0a1a2a3a4a5a6a7ULL,
	0xa8a9aaabacadaeafULL, 0xb0b1b2b3b4b5b6b7ULL, 0xb8b9babbbcbdbebfULL,
	0xc0c1c2c3c4c5c6c7ULL, 0xc8c9cacbcccdcecfULL, 0xd0d1d2d3d4d5d6d7ULL,
	0xd8d9dadbdcdddedfULL, 0xe0e1e2e3e4e5e6e7ULL, 0xe8e9eaebecedeeefULL,
	0xf0f1f2f3f4f5f6f7ULL, 0xf8f9fafbfcfdfeffULL,
};

#define XMM_ALL	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",	\
		"xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",	\
		"xmm14", "xmm15"

#define XMM_MOV(op, n)	op " " #n "*16(%[p]), %%xmm" #n "\n\t"
#define XMM_STORE(n)	"movdqu %%xmm" #n ", " #n "*16(%[q])\n\t"

static void guest_sse(void)
{
	__u64 out[32];
	int i;

	asm volatile(XMM_MOV("movdqu", 0) XMM_MOV("movdqu", 1)
		     XMM_MOV("movdqu", 2) XMM_MOV("movdqu", 3)
		     XMM_MOV("movdqu", 4) XMM_MOV("movdqu", 5)
		     XMM_MOV("movdqu", 6) XMM_MOV("movdqu", 7)
		     XMM_MOV("movdqu", 8) XMM_MOV("movdqu", 9)
		     XMM_MOV("movdqu", 10) XMM_MOV("movdqu", 11)
		     XMM_MOV("movdqu", 12) XMM_MOV("movdqu", 13)
		     XMM_MOV("movdqu", 14) XMM_MOV("movdqu", 15)
		     "xor %%eax, %%eax\n"
		     "1:\n\t"
		     "out %%eax, $" STR(UCALL_PORT_REPORT) "\n\t"
		     "inc %%eax\n\t"
		     "cmp $" STR(SSE_EXITS) ", %%eax\n\t"
		     "jne 1b\n\t"
		     XMM_STORE(0) XMM_STORE(1) XMM_STORE(2) XMM_STORE(3)
		     XMM_STORE(4) XMM_STORE(5) XMM_STORE(6) XMM_STORE(7)
		     XMM_STORE(8) XMM_STORE(9) XMM_STORE(10) XMM_STORE(11)
		     XMM_STORE(12) XMM_STORE(13) XMM_STORE(14) XMM_STORE(15)
		     : : [p] "r"(gc_xmm_in), [q] "r"(out)
		     : "rax", "memory", XMM_ALL);
	for (i = 0; i < 32; i++)
		GUEST_ASSERT_EQ(out[i], gc_xmm_in[i]);
	guest_done();
}

/* Different values in the host's XMM registers between the exits. */
static void clobber_host_xmm(__u64 seed)
{
	__u64 junk[2] = { seed, ~seed };

	asm volatile("movdqu (%[p]), %%xmm1\n\t"
		     "pshufd $0x1b, %%xmm1, %%xmm2\n\t"
		     "movdqa %%xmm1, %%xmm0\n\t" "movdqa %%xmm2, %%xmm3\n\t"
		     "movdqa %%xmm1, %%xmm4\n\t" "movdqa %%xmm2, %%xmm5\n\t"
		     "movdqa %%xmm1, %%xmm6\n\t" "movdqa %%xmm2, %%xmm7\n\t"
		     "movdqa %%xmm1, %%xmm8\n\t" "movdqa %%xmm2, %%xmm9\n\t"
		     "movdqa %%xmm1, %%xmm10\n\t" "movdqa %%xmm2, %%xmm11\n\t"
		     "movdqa %%xmm1, %%xmm12\n\t" "movdqa %%xmm2, %%xmm13\n\t"
		     "movdqa %%xmm1, %%xmm14\n\t" "movdqa %%xmm2, %%xmm15\n\t"
		     : : [p] "r"(junk) : "memory", XMM_ALL);
}

/* xmm0-15, set by the guest, survive SSE_EXITS exits to user space that
 * put other values in the host's XMM registers; the guest checks them. */
static enum test_result test_sse_kept(void)
{
	struct ucall uc;
	struct tvm t;
	__u64 i;

	TVM_CREATE_C(&t, guest_sse);
	for (i = 0; i < SSE_EXITS; i++) {
		EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
		TEST_ASSERT(uc.value == i, "report %" PRIu64 ", expected %" PRIu64,
			    (uint64_t)uc.value, (uint64_t)i);
		clobber_host_xmm(i * 0x9e3779b97f4a7c15ULL);
	}
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- Faulting instructions: GUEST_SAFE_BEGIN/END -------------------------- */

#define UNMAPPED_GVA	HVM_SYS_IDENTITY_MAP	/* the first byte above the map */

static void guest_safe(void)
{
	__u64 v = 0x55;
	__u32 lo = 0;

	guest_safe_init();
	GUEST_ASSERT_EQ(rdmsr_safe(MSR_BOGUS, &v), VECTOR_GP);
	GUEST_ASSERT_EQ(guest_fault.error_code, 0);
	GUEST_ASSERT_EQ(v, 0x55);
	GUEST_ASSERT_EQ(wrmsr_safe(MSR_SYSENTER_ESP, 0x1234), GUEST_NO_FAULT);
	GUEST_ASSERT_EQ(rdmsr_safe(MSR_SYSENTER_ESP, &v), GUEST_NO_FAULT);
	GUEST_ASSERT_EQ(v, 0x1234);

	/* a read of a not-present page: #PF, error code 0, CR2 the address */
	asm volatile(GUEST_SAFE_BEGIN "movl (%1), %0" GUEST_SAFE_END
		     : "+r"(lo) : "r"(UNMAPPED_GVA) : "r11", "memory");
	GUEST_ASSERT_EQ(guest_fault.vector, VECTOR_PF);
	GUEST_ASSERT_EQ(guest_fault.error_code, 0);
	GUEST_ASSERT_EQ(guest_fault.cr2, UNMAPPED_GVA);
	GUEST_ASSERT_EQ(lo, 0);

	/* outside: the guest stops, the host hears vector and RIP */
	asm volatile("lea 1f(%%rip), %%rax\n\t"
		     "out %%eax, $" STR(UCALL_PORT_REPORT) "\n"
		     "1: ud2" : : : "rax", "memory");
}

/* rdmsr_safe()/wrmsr_safe() and a GUEST_SAFE read: #GP and #PF come back
 * with vector, error code and CR2; an exception outside fails the guest
 * naming vector and RIP. */
static enum test_result test_safe(void)
{
	struct ucall uc;
	struct tvm t;
	__u64 rip;

	TVM_CREATE_C(&t, guest_safe);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	rip = uc.value;
	test_diag("a UD2 outside GUEST_SAFE at 0x%" PRIx64 " must fail the guest:",
		  (uint64_t)rip);
	TEST_ASSERT(tvm_run_to_done(&t, &uc) == TEST_FAIL && uc.type == UCALL_ASSERT,
		    "UD2 outside GUEST_SAFE: ucall type %d", uc.type);
	TEST_ASSERT(uc.args[4] && uc.args[2] == VECTOR_UD && uc.args[3] == rip,
		    "reported vector %" PRIu64 " at 0x%" PRIx64, (uint64_t)uc.args[2],
		    (uint64_t)uc.args[3]);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "a C guest calls functions, reads globals (as at creation) and .rodata; its writes stay its own",
	  test_c_compute },
	{ "a failed GUEST_ASSERT(_EQ) fails tvm_run_to_done with file, line, expression (values)",
	  test_guest_assert },
	{ "UD2 reaches a C handler that skips it and the guest goes on",
	  test_ud_handler },
	{ "RDMSR of an unknown MSR raises #GP(0) into a C handler; INT $13 comes without an error code",
	  test_gp_handler },
	{ "WRMSR/RDMSR of SYSENTER_ESP (and TSC_AUX, RDTSCP) round-trip from C",
	  test_msrs },
	{ "INT $0x40 reaches a C handler (no error code), IRETQ returns after it; returning says DONE",
	  test_soft_int },
	{ "xmm0-15 set by the guest survive 1000 exits to user space",
	  test_sse_kept },
	{ "GUEST_SAFE: #GP and #PF resume after the access with vector, error code, CR2; UD2 outside fails",
	  test_safe },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
