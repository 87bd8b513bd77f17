// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: the MSRs an OS touches.  hvm keeps TSC, TSC_ADJUST, APIC_BASE,
 * MISC_ENABLE, the MTRRs and the machine-check globals for the guest,
 * refuses what the hardware would (#GP), and lets user space read and
 * write them all, and the MSRs the guest uses directly, with
 * HVM_GET_MSRS / HVM_SET_MSRS.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <x86intrin.h>

#include "guest.h"
#include "test.h"

#define MSR_TSC			0x10
#define MSR_TSC_ADJUST		0x3b
#define MSR_APIC_BASE		0x1b
#define MSR_UCODE_REV		0x8b
#define MSR_MTRR_CAP		0xfe
#define MSR_MCG_CAP		0x179
#define MSR_MCG_STATUS		0x17a
#define MSR_MISC_ENABLE		0x1a0
#define MSR_MTRR_BASE0		0x200
#define MSR_MTRR_MASK7		0x20f
#define MSR_MTRR_FIX64K		0x250
#define MSR_MTRR_FIX4K_F8000	0x26f
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MSR_SYSENTER_EIP	0x176
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_FS_BASE		0xc0000100
#define MSR_HWCR		0xc0010015
#define MSR_BOGUS		0x12345678

/* RCX = MSR: RDMSR, report EDX:EAX.  RSI = value: WRMSR, then RDMSR. */
GUEST_ASM(guest_msr, ".code64",
	"msr_read: rdmsr\n\t"
	"shl $32, %rdx\n\t"
	"mov %eax, %eax\n\t"
	"or %rdx, %rax\n\t"
	G_REPORT
	G_DONE
	"msr_write: mov %rsi, %rax\n\t"
	"mov %rsi, %rdx\n\t"
	"shr $32, %rdx\n\t"
	"wrmsr\n\t"
	"jmp msr_read\n"
	/* RDTSC, RDMSR(TSC), RDTSC: report all three */
	"msr_tsc: rdtsc\n\t"
	"shl $32, %rdx\n\t"
	"or %rdx, %rax\n\t"
	"mov %rax, %r8\n\t"
	"mov $0x10, %ecx\n\t"
	"rdmsr\n\t"
	"shl $32, %rdx\n\t"
	"or %rdx, %rax\n\t"
	"mov %rax, %r9\n\t"
	"rdtsc\n\t"
	"shl $32, %rdx\n\t"
	"or %rdx, %rax\n\t"
	"mov %rax, %r10\n\t"
	"mov %r8, %rax\n\t"
	G_REPORT
	"mov %r9, %rax\n\t"
	G_REPORT
	"mov %r10, %rax\n\t"
	G_REPORT
	G_DONE);
GUEST_LABEL(msr_read);
GUEST_LABEL(msr_write);
GUEST_LABEL(msr_tsc);

/* Runs the guest at label with RCX/RSI; up to 3 reports, or the vector
 * of an exception (*vector, else -1). */
static enum test_result msr_guest(struct tvm *t, const unsigned char *label,
				  __u64 rcx, __u64 rsi, __u64 *out, unsigned int nout,
				  int *vector)
{
	struct hvm_regs regs;
	unsigned int nr;
	struct ucall uc;

	TEST_ASSERT_ERRNO(!tvm_set_entry(t, label), "entry");
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(t->vcpu, &regs), "GET_REGS");
	regs.rcx = rcx;
	regs.rsi = rsi;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_regs(t->vcpu, &regs), "SET_REGS");
	*vector = -1;
	switch (ucall_run_collect(t->vcpu, &uc, out, nout, &nr)) {
	case UCALL_DONE:
		TEST_ASSERT(nr == nout, "%u reports, expected %u", nr, nout);
		return TEST_PASS;
	case UCALL_EXCEPTION:
		*vector = uc.value;
		return TEST_PASS;
	default:
		ucall_describe(t->vcpu, &uc);
		return test_fail("the guest did not finish");
	}
}

static enum test_result guest_rdmsr(struct tvm *t, __u32 msr, __u64 *val, int *vector)
{
	return msr_guest(t, msr_read, msr, 0, val, 1, vector);
}

static enum test_result guest_wrmsr(struct tvm *t, __u32 msr, __u64 val, __u64 *back,
				    int *vector)
{
	return msr_guest(t, msr_write, msr, val, back, 1, vector);
}

/* Each kept MSR reads its reset value and keeps what the guest writes. */
static enum test_result test_kept_msrs_roundtrip(void)
{
	static const struct { __u32 msr; __u64 value; } cases[] = {
		{ MSR_MISC_ENABLE, 0x1801 },
		{ MSR_APIC_BASE, 0xfee00900 },
		{ MSR_MTRR_DEF_TYPE, 0xc06 },
		{ MSR_MTRR_BASE0, 0x6 },
		{ MSR_MTRR_MASK7, 0xfffff0000800ULL },
		{ MSR_MTRR_FIX64K, 0x0606060606060606ULL },
		{ MSR_MTRR_FIX4K_F8000, 0x0505050505050505ULL },
		{ MSR_MCG_STATUS, 0 },
		{ MSR_HWCR, 1U << 18 },				/* McStatusWrEn */
	};
	enum test_result r;
	unsigned int i;
	__u64 val;
	struct tvm t;
	int vec;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_msr);
	r = guest_rdmsr(&t, MSR_HWCR, &val, &vec);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(vec < 0 && val == 0, "HWCR at reset: 0x%" PRIx64 " (vector %d)",
		    (uint64_t)val, vec);
	r = guest_rdmsr(&t, MSR_APIC_BASE, &val, &vec);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(vec < 0 && val == 0xfee00900, "APIC_BASE of vCPU 0: 0x%" PRIx64
		    " (vector %d)", (uint64_t)val, vec);
	r = guest_rdmsr(&t, MSR_MTRR_CAP, &val, &vec);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(vec < 0 && val == 0x508, "MTRRcap 0x%" PRIx64, (uint64_t)val);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		r = guest_wrmsr(&t, cases[i].msr, cases[i].value, &val, &vec);
		if (r != TEST_PASS)
			return r;
		TEST_ASSERT(vec < 0 && val == cases[i].value,
			    "MSR 0x%x: wrote 0x%" PRIx64 ", read 0x%" PRIx64 " (vector %d)",
			    cases[i].msr, (uint64_t)cases[i].value, (uint64_t)val, vec);
	}
	tvm_destroy(&t);
	return TEST_PASS;
}

/* What the hardware refuses raises #GP: read-only MSRs, reserved bits,
 * unknown MSRs. */
static enum test_result test_refused_msrs_gp(void)
{
	static const struct { __u32 msr; __u64 value; bool write; } cases[] = {
		{ MSR_MTRR_CAP, 0, true },
		{ MSR_MCG_CAP, 0, true },
		{ MSR_APIC_BASE, 0xfee00001, true },		/* reserved bit 0 */
		{ MSR_MTRR_DEF_TYPE, 0x1000, true },		/* reserved bit 12 */
		{ MSR_MCG_STATUS, 1, true },
		{ MSR_HWCR, 1, true },				/* SmmLock */
		{ MSR_BOGUS, 0, false },
		{ MSR_BOGUS, 0, true },
		{ 0x48, 0, false },				/* SPEC_CTRL */
	};
	enum test_result r;
	unsigned int i;
	struct tvm t;
	__u64 val;
	int vec;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_msr);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		r = cases[i].write ? guest_wrmsr(&t, cases[i].msr, cases[i].value, &val, &vec) :
				     guest_rdmsr(&t, cases[i].msr, &val, &vec);
		if (r != TEST_PASS)
			return r;
		TEST_ASSERT(vec == 13, "%s of MSR 0x%x: vector %d, expected #GP",
			    cases[i].write ? "WRMSR" : "RDMSR", cases[i].msr, vec);
	}
	tvm_destroy(&t);
	return TEST_PASS;
}

/* The guest's TSC starts near 0, runs forward, and RDMSR agrees with RDTSC;
 * a WRMSR moves it. */
static enum test_result test_guest_tsc(void)
{
	enum test_result r;
	__u64 host, v[3];
	struct tvm t;
	int vec;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_msr);
	r = msr_guest(&t, msr_tsc, 0, 0, v, 3, &vec);
	if (r != TEST_PASS)
		return r;
	host = __rdtsc();
	test_diag("guest TSC %" PRIu64 " %" PRIu64 " %" PRIu64 ", host %" PRIu64,
		  (uint64_t)v[0], (uint64_t)v[1], (uint64_t)v[2], (uint64_t)host);
	TEST_ASSERT(vec < 0 && v[0] <= v[1] && v[1] <= v[2],
		    "RDTSC/RDMSR/RDTSC out of order");
	TEST_ASSERT(v[2] < host, "the guest TSC is not offset from the host's");
	r = guest_wrmsr(&t, MSR_TSC, 1ULL << 50, &v[0], &vec);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(vec < 0 && v[0] >= 1ULL << 50 && v[0] < (1ULL << 50) + (1ULL << 40),
		    "after WRMSR 2^50 the TSC reads %" PRIu64, (uint64_t)v[0]);
	r = msr_guest(&t, msr_tsc, 0, 0, v, 3, &vec);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(v[0] >= 1ULL << 50 && v[0] <= v[2], "RDTSC %" PRIu64 " after the write",
		    (uint64_t)v[0]);
	tvm_destroy(&t);
	return TEST_PASS;
}

/*
 * IA32_TSC_ADJUST (SDM 17.17.3), in CPUID.7.0:EBX[1]: reads 0 at reset; a
 * guest write to it moves the TSC by the same amount, a guest write to the
 * TSC moves it by the TSC's change; user space sets either alone.
 */
static enum test_result test_tsc_adjust(void)
{
	const __u64 step = 1ULL << 44, slack = 1ULL << 40;
	struct hvm_cpuid_entry *e;
	struct hvm_cpuid *cpuid;
	__u64 before, val, v[3];
	enum test_result r;
	struct tvm t;
	int vec;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_msr);
	cpuid = hvm_vcpu_get_cpuid(t.vcpu);
	TEST_ASSERT_ERRNO(cpuid, "GET_CPUID");
	e = hvm_cpuid_find(cpuid, 7, 0);
	TEST_ASSERT(e && (e->ebx & (1U << 1)), "CPUID.7.0:EBX[1] (TSC_ADJUST) not offered");
	free(cpuid);
	r = guest_rdmsr(&t, MSR_TSC_ADJUST, &val, &vec);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(vec < 0 && val == 0, "TSC_ADJUST at reset: 0x%" PRIx64 " (vector %d)",
		    (uint64_t)val, vec);

	/* TSC_ADJUST += step: the TSC jumps by step too */
	r = guest_rdmsr(&t, MSR_TSC, &before, &vec);
	if (r != TEST_PASS)
		return r;
	r = guest_wrmsr(&t, MSR_TSC_ADJUST, step, &val, &vec);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(vec < 0 && val == step, "TSC_ADJUST reads 0x%" PRIx64 " after writing 2^44",
		    (uint64_t)val);
	r = guest_rdmsr(&t, MSR_TSC, &val, &vec);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(val >= before + step && val < before + step + slack,
		    "TSC 0x%" PRIx64 " -> 0x%" PRIx64 " after TSC_ADJUST += 2^44",
		    (uint64_t)before, (uint64_t)val);

	/* TSC := 0: TSC_ADJUST drops by what the TSC lost (2^44 plus the
	 * time run so far), to minus that time */
	r = guest_wrmsr(&t, MSR_TSC, 0, &before, &vec);
	if (r != TEST_PASS)
		return r;
	r = guest_rdmsr(&t, MSR_TSC_ADJUST, &val, &vec);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT((__s64)val <= 0 && (__s64)val > -(__s64)slack,
		    "TSC_ADJUST 0x%" PRIx64 " after the TSC was set to 0", (uint64_t)val);
	r = msr_guest(&t, msr_tsc, 0, 0, v, 3, &vec);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(v[0] < slack, "the TSC reads 0x%" PRIx64 " after being set to 0",
		    (uint64_t)v[0]);

	/* user space: each alone */
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_msr(t.vcpu, MSR_TSC_ADJUST, 5), "SET_MSRS TSC_ADJUST");
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_msr(t.vcpu, MSR_TSC, &val), "GET_MSRS TSC");
	TEST_ASSERT(val < slack, "SET_MSRS TSC_ADJUST moved the TSC to 0x%" PRIx64,
		    (uint64_t)val);
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_msr(t.vcpu, MSR_TSC, step), "SET_MSRS TSC");
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_msr(t.vcpu, MSR_TSC_ADJUST, &val), "GET_MSRS TSC_ADJUST");
	TEST_ASSERT(val == 5, "SET_MSRS TSC changed TSC_ADJUST to 0x%" PRIx64, (uint64_t)val);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* SET_MSRS from user space reaches the guest; the guest's writes reach
 * GET_MSRS; the count stops at the first MSR refused. */
static enum test_result test_get_set_msrs(void)
{
	struct {
		struct hvm_msrs hdr;
		struct hvm_msr_entry e[5];
	} m = { .hdr.nmsrs = 5 };
	static const struct { __u32 msr; __u64 value; } set[] = {
		{ MSR_MISC_ENABLE, 0x801 },
		{ MSR_LSTAR, 0xffffffff81234560ULL },
		{ MSR_FS_BASE, 0x7f0000001000ULL },
		{ MSR_SYSENTER_EIP, 0xffffffff81000000ULL },
		{ MSR_TSC, 1ULL << 48 },
	};
	enum test_result r;
	unsigned int i;
	__u64 val;
	struct tvm t;
	int vec;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_msr);
	for (i = 0; i < 5; i++) {
		m.e[i].index = set[i].msr;
		m.e[i].data = set[i].value;
	}
	TEST_ASSERT(ioctl(t.vcpu->fd, HVM_SET_MSRS, &m) == 5, "SET_MSRS did not set all 5");
	for (i = 0; i < 4; i++) {
		r = guest_rdmsr(&t, set[i].msr, &val, &vec);
		if (r != TEST_PASS)
			return r;
		TEST_ASSERT(vec < 0 && val == set[i].value,
			    "guest RDMSR 0x%x: 0x%" PRIx64 " (vector %d), set 0x%" PRIx64,
			    set[i].msr, (uint64_t)val, vec, (uint64_t)set[i].value);
	}
	r = guest_rdmsr(&t, MSR_TSC, &val, &vec);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(val >= 1ULL << 48, "guest TSC %" PRIu64 " after SET_MSRS 2^48",
		    (uint64_t)val);

	r = guest_wrmsr(&t, MSR_STAR, 0x0023001000000000ULL, &val, &vec);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_msr(t.vcpu, MSR_STAR, &val), "GET_MSRS STAR");
	TEST_ASSERT(val == 0x0023001000000000ULL, "GET_MSRS STAR 0x%" PRIx64, (uint64_t)val);

	/* stops at the first refused: the bogus one is entry 2 */
	m.e[2].index = MSR_BOGUS;
	TEST_ASSERT(ioctl(t.vcpu->fd, HVM_GET_MSRS, &m) == 2, "GET_MSRS past a bogus MSR");
	m.hdr.nmsrs = HVM_MSRS_MAX + 1;
	TEST_ASSERT_FAILS(ioctl(t.vcpu->fd, HVM_GET_MSRS, &m), EINVAL);
	m.hdr.nmsrs = 1;
	m.e[0].reserved = 1;
	TEST_ASSERT(ioctl(t.vcpu->fd, HVM_SET_MSRS, &m) == 0, "reserved field not refused");
	TEST_ASSERT_FAILS(ioctl(t.vcpu->fd, HVM_SET_MSRS, (void *)8), EFAULT);
	TEST_ASSERT_FAILS(hvm_vcpu_set_msr(t.vcpu, MSR_LSTAR, 0x8000000000000000ULL), EINVAL);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "APIC_BASE, MISC_ENABLE, MTRRs, MCG_STATUS, HWCR keep what the guest writes",
	  test_kept_msrs_roundtrip },
	{ "read-only MSRs, reserved bits, unknown MSRs and SPEC_CTRL raise #GP",
	  test_refused_msrs_gp },
	{ "the guest TSC starts near 0, runs forward, RDMSR agrees, WRMSR moves it",
	  test_guest_tsc },
	{ "TSC_ADJUST: offered in CPUID, reads 0, moves with the TSC both ways; user space sets each alone",
	  test_tsc_adjust },
	{ "SET_MSRS reaches the guest, guest writes reach GET_MSRS; refusals stop the count",
	  test_get_set_msrs },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
