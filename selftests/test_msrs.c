// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: the MSRs an OS touches.  hvm keeps TSC, TSC_ADJUST, APIC_BASE,
 * MISC_ENABLE, the MTRRs and the machine-check globals for the guest,
 * refuses what the hardware would (#GP), and lets user space read and
 * write them all, and the MSRs the guest uses directly, with
 * HVM_GET_MSRS / HVM_SET_MSRS.  Guest code in C (lib/guest_c.h): it checks
 * what it reads itself, #GP through rdmsr_safe()/wrmsr_safe().
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <x86intrin.h>

#include "guest_c.h"
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
#define MSR_SPEC_CTRL		0x48

#define VECTOR_GP		13

/* ---- Guest side ---------------------------------------------------------- */

/* The MSR's value, or the guest stops: the read raised vector. */
static __u64 guest_rdmsr_ok(__u32 msr, const char *what)
{
	__u64 value = 0;

	GUEST_ASSERT_EQ_MSG(rdmsr_safe(msr, &value), GUEST_NO_FAULT, what);
	return value;
}

static void guest_wrmsr_ok(__u32 msr, __u64 value, const char *what)
{
	GUEST_ASSERT_EQ_MSG(wrmsr_safe(msr, value), GUEST_NO_FAULT, what);
}

/* Each kept MSR reads its reset value and keeps what the guest writes. */
static const struct { __u32 msr; __u64 value; const char *what; } kept[] = {
	{ MSR_MISC_ENABLE, 0x1801, "MISC_ENABLE read back" },
	{ MSR_APIC_BASE, 0xfee00900, "APIC_BASE read back" },
	{ MSR_MTRR_DEF_TYPE, 0xc06, "MTRRdefType read back" },
	{ MSR_MTRR_BASE0, 0x6, "MTRRphysBase0 read back" },
	{ MSR_MTRR_MASK7, 0xfffff0000800ULL, "MTRRphysMask7 read back" },
	{ MSR_MTRR_FIX64K, 0x0606060606060606ULL, "MTRRfix64K read back" },
	{ MSR_MTRR_FIX4K_F8000, 0x0505050505050505ULL, "MTRRfix4K_F8000 read back" },
	{ MSR_MCG_STATUS, 0, "MCG_STATUS read back" },
	{ MSR_HWCR, 1U << 18, "HWCR (McStatusWrEn) read back" },
};

static void guest_kept_msrs(void)
{
	unsigned int i;

	guest_safe_init();
	GUEST_ASSERT_EQ_MSG(guest_rdmsr_ok(MSR_HWCR, "RDMSR HWCR"), 0, "HWCR at reset");
	GUEST_ASSERT_EQ_MSG(guest_rdmsr_ok(MSR_APIC_BASE, "RDMSR APIC_BASE"), 0xfee00900,
			    "APIC_BASE of vCPU 0 at reset");
	GUEST_ASSERT_EQ_MSG(guest_rdmsr_ok(MSR_MTRR_CAP, "RDMSR MTRRcap"), 0x508, "MTRRcap");
	for (i = 0; i < ARRAY_SIZE(kept); i++) {
		guest_wrmsr_ok(kept[i].msr, kept[i].value, kept[i].what);
		GUEST_ASSERT_EQ_MSG(guest_rdmsr_ok(kept[i].msr, kept[i].what),
				    kept[i].value, kept[i].what);
	}
}

/* What the hardware refuses raises #GP(0): read-only MSRs, reserved bits,
 * unknown MSRs. */
static const struct { __u32 msr; __u64 value; bool write; const char *what; } refused[] = {
	{ MSR_MTRR_CAP, 0, true, "WRMSR MTRRcap (read-only)" },
	{ MSR_MCG_CAP, 0, true, "WRMSR MCG_CAP (read-only)" },
	{ MSR_APIC_BASE, 0xfee00001, true, "WRMSR APIC_BASE reserved bit 0" },
	{ MSR_MTRR_DEF_TYPE, 0x1000, true, "WRMSR MTRRdefType reserved bit 12" },
	{ MSR_MCG_STATUS, 1, true, "WRMSR MCG_STATUS non-zero" },
	{ MSR_HWCR, 1, true, "WRMSR HWCR SmmLock" },
	{ MSR_BOGUS, 0, false, "RDMSR of an unknown MSR" },
	{ MSR_BOGUS, 0, true, "WRMSR of an unknown MSR" },
	{ MSR_SPEC_CTRL, 0, false, "RDMSR SPEC_CTRL (not offered)" },
};

static void guest_refused_msrs(void)
{
	unsigned int i;
	__u64 value;

	guest_safe_init();
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		int vector = refused[i].write ? wrmsr_safe(refused[i].msr, refused[i].value) :
						rdmsr_safe(refused[i].msr, &value);

		GUEST_ASSERT_EQ_MSG(vector, VECTOR_GP, refused[i].what);
		GUEST_ASSERT_EQ_MSG(guest_fault.error_code, 0, refused[i].what);
	}
}

/* RDTSC, RDMSR(TSC), RDTSC in order; the last one reported. */
static __u64 guest_tsc_in_order(void)
{
	__u64 a = rdtsc(), b = guest_rdmsr_ok(MSR_TSC, "RDMSR TSC"), c = rdtsc();

	GUEST_ASSERT(a <= b && b <= c);
	return c;
}

/* The TSC runs forward and agrees with RDMSR; the host checks it is below
 * its own; WRMSR moves it. */
static void guest_tsc(void)
{
	__u64 v;

	guest_safe_init();
	guest_report(guest_tsc_in_order());
	guest_wrmsr_ok(MSR_TSC, 1ULL << 50, "WRMSR TSC");
	v = guest_rdmsr_ok(MSR_TSC, "RDMSR TSC");
	GUEST_ASSERT(v >= 1ULL << 50 && v < (1ULL << 50) + (1ULL << 40));
	GUEST_ASSERT(guest_tsc_in_order() >= 1ULL << 50);
}

/*
 * IA32_TSC_ADJUST (SDM 17.17.3), in CPUID.7.0:EBX[1]: reads 0 at reset; a
 * guest write to it moves the TSC by the same amount, a guest write to the
 * TSC moves it by the TSC's change.
 */
#define ADJ_STEP	(1ULL << 44)
#define ADJ_SLACK	(1ULL << 40)

static void guest_tsc_adjust(void)
{
	__u32 eax, ebx, ecx, edx;
	__u64 before, v;

	guest_safe_init();
	cpuid(7, 0, &eax, &ebx, &ecx, &edx);
	GUEST_ASSERT(ebx & (1U << 1));
	GUEST_ASSERT_EQ_MSG(guest_rdmsr_ok(MSR_TSC_ADJUST, "RDMSR TSC_ADJUST"), 0,
			    "TSC_ADJUST at reset");

	/* TSC_ADJUST += step: the TSC jumps by step too */
	before = guest_rdmsr_ok(MSR_TSC, "RDMSR TSC");
	guest_wrmsr_ok(MSR_TSC_ADJUST, ADJ_STEP, "WRMSR TSC_ADJUST");
	GUEST_ASSERT_EQ_MSG(guest_rdmsr_ok(MSR_TSC_ADJUST, "RDMSR TSC_ADJUST"), ADJ_STEP,
			    "TSC_ADJUST after writing 2^44");
	v = guest_rdmsr_ok(MSR_TSC, "RDMSR TSC");
	GUEST_ASSERT(v >= before + ADJ_STEP && v < before + ADJ_STEP + ADJ_SLACK);

	/* TSC := 0: TSC_ADJUST drops by what the TSC lost (2^44 plus the
	 * time run so far), to minus that time */
	guest_wrmsr_ok(MSR_TSC, 0, "WRMSR TSC");
	v = guest_rdmsr_ok(MSR_TSC_ADJUST, "RDMSR TSC_ADJUST");
	GUEST_ASSERT((__s64)v <= 0 && (__s64)v > -(__s64)ADJ_SLACK);
	GUEST_ASSERT(rdtsc() < ADJ_SLACK);
}

/* What the host set before the run (the TSC checked apart). */
static const struct { __u32 msr; __u64 value; const char *what; } set_by_host[] = {
	{ MSR_MISC_ENABLE, 0x801, "MISC_ENABLE set by SET_MSRS" },
	{ MSR_LSTAR, 0xffffffff81234560ULL, "LSTAR set by SET_MSRS" },
	{ MSR_FS_BASE, 0x7f0000001000ULL, "FS_BASE set by SET_MSRS" },
	{ MSR_SYSENTER_EIP, 0xffffffff81000000ULL, "SYSENTER_EIP set by SET_MSRS" },
	{ MSR_TSC, 1ULL << 48, "" },
};
#define STAR_VALUE	0x0023001000000000ULL

static void guest_sees_set_msrs(void)
{
	unsigned int i;

	guest_safe_init();
	for (i = 0; i < ARRAY_SIZE(set_by_host) - 1; i++)
		GUEST_ASSERT_EQ_MSG(guest_rdmsr_ok(set_by_host[i].msr, set_by_host[i].what),
				    set_by_host[i].value, set_by_host[i].what);
	GUEST_ASSERT(rdtsc() >= 1ULL << 48);
	guest_wrmsr_ok(MSR_STAR, STAR_VALUE, "WRMSR STAR");
}

/* ---- Host side ----------------------------------------------------------- */

static enum test_result run_guest(void (*fn)(void))
{
	struct tvm t;

	TVM_CREATE_C(&t, fn);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_kept_msrs_roundtrip(void)
{
	return run_guest(guest_kept_msrs);
}

static enum test_result test_refused_msrs_gp(void)
{
	return run_guest(guest_refused_msrs);
}

static enum test_result test_guest_tsc(void)
{
	struct ucall uc;
	__u64 host;
	struct tvm t;

	TVM_CREATE_C(&t, guest_tsc);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	host = __rdtsc();
	test_diag("guest TSC %" PRIu64 ", host %" PRIu64, (uint64_t)uc.value, (uint64_t)host);
	TEST_ASSERT(uc.value < host, "the guest TSC is not offset from the host's");
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* The guest's part, then user space sets each of TSC and TSC_ADJUST alone. */
static enum test_result test_tsc_adjust(void)
{
	struct tvm t;
	__u64 val;

	TVM_CREATE_C(&t, guest_tsc_adjust);
	TVM_RUN_TO_DONE(&t);
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_msr(t.vcpu, MSR_TSC_ADJUST, 5), "SET_MSRS TSC_ADJUST");
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_msr(t.vcpu, MSR_TSC, &val), "GET_MSRS TSC");
	TEST_ASSERT(val < ADJ_SLACK, "SET_MSRS TSC_ADJUST moved the TSC to 0x%" PRIx64,
		    (uint64_t)val);
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_msr(t.vcpu, MSR_TSC, ADJ_STEP), "SET_MSRS TSC");
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
		struct hvm_msr_entry e[ARRAY_SIZE(set_by_host)];
	} m = { .hdr.nmsrs = ARRAY_SIZE(set_by_host) };
	unsigned int i;
	__u64 val;
	struct tvm t;

	TVM_CREATE_C(&t, guest_sees_set_msrs);
	for (i = 0; i < ARRAY_SIZE(set_by_host); i++) {
		m.e[i].index = set_by_host[i].msr;
		m.e[i].data = set_by_host[i].value;
	}
	TEST_ASSERT(ioctl(t.vcpu->fd, HVM_SET_MSRS, &m) == ARRAY_SIZE(set_by_host),
		    "SET_MSRS did not set all %zu", ARRAY_SIZE(set_by_host));
	TVM_RUN_TO_DONE(&t);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_msr(t.vcpu, MSR_STAR, &val), "GET_MSRS STAR");
	TEST_ASSERT(val == STAR_VALUE, "GET_MSRS STAR 0x%" PRIx64, (uint64_t)val);

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
