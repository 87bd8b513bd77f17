// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile guests, MSR side (issue 14): a guest that reads and writes the
 * whole MSR space, and one that writes non-canonical and reserved-bit
 * values to every MSR hvm loads into the CPU or lets the guest use
 * directly.  Every RDMSR/WRMSR must end in a value or #GP(0) in the
 * guest (hvm emulates it, passes it through by design, or refuses it:
 * Documentation/abi.rst, "RDMSR/WRMSR"); never an exit to user space
 * (no HVM_ENABLE_USER_MSR_EXITS here), never HVM_EXIT_INTERNAL_ERROR, and
 * the host's own value of every MSR stays what it was: the test reads
 * them on CPU 0 through /dev/cpu/0/msr before and after the guest ran
 * there.
 *
 * The scan covers 0x0-0x1fff, 0x40000000-0x400000ff, 0xc0000000-0xc0001fff
 * and 0xc0010000-0xc0011fff.  Each MSR that reads is written back with
 * the value read, then 0, then ~0, then the value read again: a guest
 * can always do that, whatever the MSR.  Time: each range is timed on its
 * first 64 MSRs and then scanned with a power-of-two stride that keeps
 * it within SCAN_BUDGET_S seconds (stride 1 on QEMU and on hardware; in
 * Bochs, ~50x slower, every 4th or 8th MSR), plus every MSR hvm handles
 * by name (known_msrs[]), which is always scanned.  The diagnostic line
 * says the stride used.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "guest_c.h"
#include "test.h"

#define VEC_GP		13
#define SCAN_MAX	0x2000
#define SCAN_BUDGET_S	6.0

/* Result bits per scanned MSR (guest side). */
#define R_READ		(1U << 0)	/* RDMSR gave a value */
#define R_WRITE_SAME	(1U << 1)	/* WRMSR of that value completed */
#define R_WRITE_0	(1U << 2)
#define R_WRITE_ALL	(1U << 3)
#define R_RESTORED	(1U << 4)

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_PAT			0x277

/* Every MSR hvm handles by name (module/msr.c, the backends): always
 * scanned, whatever the stride. */
static const __u32 known_msrs[] = {
	0x10, 0x1b, 0x3b, 0x8b, 0x17, 0xfe, 0x174, 0x175, 0x176, 0x179, 0x17a,
	0x1a0, 0x200, 0x201, 0x20e, 0x20f, 0x250, 0x258, 0x259, 0x268, 0x26f,
	0x277, 0x2ff, 0x48, 0x49, 0x10a, 0x6e0, 0x802, 0x808, 0x80b, 0x830, 0x838,
	0x1d9, 0xda0, 0x40000000, 0x40000001, 0x40000010,
	0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, 0xc0000100,
	0xc0000101, 0xc0000102, 0xc0000103, 0xc0010015, 0xc001001f, 0xc0010058,
	0xc0010055, 0xc0010114, 0xc0010117, 0xc0011029,
};

/* ---- Guest side ------------------------------------------------------------ */

/* Set by the host in the guest's copy before each RUN. */
static volatile __u32 scan_list[SCAN_MAX];
static volatile __u32 scan_count;
static volatile __u8 scan_result[SCAN_MAX];

static void check_vector(int vector, __u32 msr)
{
	if (vector != GUEST_NO_FAULT && vector != VEC_GP)
		guest_assert_fail(__FILE__, __LINE__,
				  "MSR access raised a vector other than #GP (MSR, vector)",
				  msr, vector, true);
	if (vector == VEC_GP && guest_fault.error_code)
		guest_assert_fail(__FILE__, __LINE__,
				  "#GP with an error code (MSR, error code)",
				  msr, guest_fault.error_code, true);
}

static bool try_write(__u32 msr, __u64 value)
{
	int v = wrmsr_safe(msr, value);

	check_vector(v, msr);
	return v == GUEST_NO_FAULT;
}

/* One chunk per RUN: the host fills scan_list/scan_count, the guest
 * reports how many MSRs read, the host runs it again for the next. */
static void guest_msr_scan(void)
{
	__u32 i, n, msr, res, readable;
	__u64 value = 0;
	int v;

	guest_safe_init();
	for (;;) {
		n = scan_count;
		if (!n)
			break;
		readable = 0;
		for (i = 0; i < n; i++) {
			msr = scan_list[i];
			res = 0;
			v = rdmsr_safe(msr, &value);
			check_vector(v, msr);
			if (v == GUEST_NO_FAULT) {
				res |= R_READ;
				readable++;
				if (try_write(msr, value))
					res |= R_WRITE_SAME;
				if (try_write(msr, 0))
					res |= R_WRITE_0;
				if (try_write(msr, ~0ULL))
					res |= R_WRITE_ALL;
				if (try_write(msr, value))
					res |= R_RESTORED;
			} else {
				/* an MSR that does not read may still take writes */
				if (try_write(msr, 0))
					res |= R_WRITE_0;
				if (try_write(msr, ~0ULL))
					res |= R_WRITE_ALL;
			}
			scan_result[i] = res;
		}
		guest_report(readable);
	}
}

/* ---- Host side: the host's MSRs on CPU 0 -------------------------------------- */

static int msr_fd = -1;

static bool host_msr_open(void)
{
	if (msr_fd >= 0)
		return true;
	msr_fd = open("/dev/cpu/0/msr", O_RDONLY);
	if (msr_fd < 0 && system("modprobe msr >/dev/null 2>&1") == 0)
		msr_fd = open("/dev/cpu/0/msr", O_RDONLY);
	return msr_fd >= 0;
}

static bool host_rdmsr(__u32 msr, __u64 *val)
{
	return pread(msr_fd, val, 8, msr) == 8;
}

struct host_snap {
	__u64 val[SCAN_MAX];
	bool ok[SCAN_MAX];
};

static void host_snapshot(struct host_snap *s, const __u32 *list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		s->ok[i] = host_rdmsr(list[i], &s->val[i]);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool is_known(__u32 msr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known_msrs); i++)
		if (known_msrs[i] == msr)
			return true;
	return false;
}

/* Hands the guest one chunk and runs it to its REPORT. */
static enum test_result scan_chunk(struct tvm *t, const __u32 *list, unsigned int n,
				   __u8 *result)
{
	struct ucall uc;

	memcpy(tvm_image_hva(t, (const void *)scan_list, n * 4), list, n * 4);
	*(__u32 *)tvm_image_hva(t, (const void *)&scan_count, 4) = n;
	ucall_run(t->vcpu, &uc);
	if (uc.type != UCALL_REPORT) {
		ucall_describe(t->vcpu, &uc);
		return test_fail("MSR scan chunk at 0x%x: expected a REPORT", list[0]);
	}
	memcpy(result, tvm_image_hva(t, (const void *)scan_result, n), n);
	return TEST_PASS;
}

static __u32 list[SCAN_MAX];
static __u8 result[SCAN_MAX];
static struct host_snap snap_a, snap_b, snap_after;

/*
 * Scans [base, base + count): every MSR a value or #GP in the guest, no
 * other exit; the host's values on CPU 0 unchanged (MSRs that change by
 * themselves, seen between two snapshots before the guest ran, are left
 * out of that comparison and counted).
 */
static enum test_result scan_range(__u32 base, __u32 count)
{
	unsigned int i, n = 0, stride = 1, readable = 0, writable = 0, host_ok = 0;
	unsigned int volatile_n = 0, calib;
	enum test_result r;
	struct ucall uc;
	double t0, per;
	cpu_set_t all;
	struct tvm t;

	TEST_ASSERT_ERRNO(!sched_getaffinity(0, sizeof(all), &all), "sched_getaffinity");
	if (test_pin_cpu(0))
		return test_skip("cannot run on CPU 0");
	if (!host_msr_open())
		return test_skip("no /dev/cpu/0/msr (msr driver)");
	test_watchdog_arm(120);
	TVM_CREATE_C(&t, guest_msr_scan);

	/* calibrate on the first 64 */
	calib = count < 64 ? count : 64;
	for (i = 0; i < calib; i++)
		list[i] = base + i;
	t0 = now();
	r = scan_chunk(&t, list, calib, result);
	if (r != TEST_PASS)
		return r;
	per = (now() - t0) / calib;
	while (stride < 64 && per * count / stride > SCAN_BUDGET_S)
		stride *= 2;

	for (i = 0; i < count; i++)
		if (i % stride == 0 || is_known(base + i))
			list[n++] = base + i;
	host_snapshot(&snap_a, list, n);
	usleep(20000);
	host_snapshot(&snap_b, list, n);
	r = scan_chunk(&t, list, n, result);
	if (r != TEST_PASS)
		return r;
	host_snapshot(&snap_after, list, n);
	sched_setaffinity(0, sizeof(all), &all);

	for (i = 0; i < n; i++) {
		if (result[i] & R_READ)
			readable++;
		if (result[i] & (R_WRITE_SAME | R_WRITE_0 | R_WRITE_ALL))
			writable++;
		if (!snap_a.ok[i])
			continue;
		host_ok++;
		if (!snap_b.ok[i] || snap_a.val[i] != snap_b.val[i]) {
			volatile_n++;
			continue;
		}
		if (!snap_after.ok[i] || snap_after.val[i] != snap_b.val[i]) {
			__u64 again = 0;

			/* a slow counter: moves again by itself */
			if (host_rdmsr(list[i], &again) && again != snap_after.val[i] &&
			    snap_after.val[i] != 0 && snap_after.val[i] != ~0ULL)
				continue;
			return test_fail("host MSR 0x%x was 0x%" PRIx64 ", 0x%" PRIx64
					 " after the guest scanned it (guest result 0x%x)",
					 list[i], (uint64_t)snap_b.val[i],
					 (uint64_t)snap_after.val[i], result[i]);
		}
	}
	test_diag("0x%x-0x%x stride %u: %u scanned, %u read in the guest, %u took a write;"
		  " %u host MSRs compared (%u left out as changing by themselves)",
		  base, base + count - 1, stride, n, readable, writable, host_ok - volatile_n,
		  volatile_n);
	/* the guest is still sane: it finishes */
	*(__u32 *)tvm_image_hva(&t, (const void *)&scan_count, 4) = 0;
	ucall_run(t.vcpu, &uc);
	if (uc.type != UCALL_DONE) {
		ucall_describe(t.vcpu, &uc);
		return test_fail("the guest did not finish after its scan");
	}
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_scan_low(void)
{
	return scan_range(0, 0x2000);
}

static enum test_result test_scan_hypervisor(void)
{
	return scan_range(0x40000000, 0x100);
}

static enum test_result test_scan_c000(void)
{
	return scan_range(0xc0000000, 0x2000);
}

static enum test_result test_scan_c001(void)
{
	return scan_range(0xc0010000, 0x2000);
}

/* ---- Non-canonical and reserved values to the MSRs hvm loads ------------------- */

#define NONCANON_A	0x8000000000000000ULL
#define NONCANON_B	0x0000800000000000ULL

static bool guest_intel(void)
{
	__u32 a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	return b == 0x756e6547;		/* "Genu" */
}

static void expect_gp_unchanged(__u32 msr, __u64 value, const char *what)
{
	__u64 before = 0, after = 0;

	GUEST_ASSERT_EQ_MSG(rdmsr_safe(msr, &before), GUEST_NO_FAULT, what);
	GUEST_ASSERT_EQ_MSG(wrmsr_safe(msr, value), VEC_GP, what);
	GUEST_ASSERT_EQ_MSG(guest_fault.error_code, 0, what);
	GUEST_ASSERT_EQ_MSG(rdmsr_safe(msr, &after), GUEST_NO_FAULT, what);
	GUEST_ASSERT_EQ_MSG(after, before, what);
}

static void expect_ok_readback(__u32 msr, __u64 value, __u64 expect, const char *what)
{
	__u64 v = 0;

	GUEST_ASSERT_EQ_MSG(wrmsr_safe(msr, value), GUEST_NO_FAULT, what);
	GUEST_ASSERT_EQ_MSG(rdmsr_safe(msr, &v), GUEST_NO_FAULT, what);
	GUEST_ASSERT_EQ_MSG(v, expect, what);
}

/* QEMU's TCG takes non-canonical bases in the MSRs hvm passes through. */
static volatile bool lax_canonical;

static void guest_hostile_values(void)
{
	static const __u32 canon[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_LSTAR, MSR_CSTAR,
	};
	bool intel = guest_intel();
	__u64 v = 0;
	unsigned int i;
	int r;

	guest_safe_init();
	for (i = 0; i < ARRAY_SIZE(canon) && !lax_canonical; i++) {
		expect_gp_unchanged(canon[i], NONCANON_A,
				    "non-canonical 1<<63 to FS/GS/KERNEL_GS_BASE/LSTAR/CSTAR must #GP");
		expect_gp_unchanged(canon[i], NONCANON_B,
				    "non-canonical 1<<47 to FS/GS/KERNEL_GS_BASE/LSTAR/CSTAR must #GP");
		/* the highest canonical kernel address is fine */
	}
	for (i = 0; i < ARRAY_SIZE(canon); i++)
		expect_ok_readback(canon[i], 0xffff800000000000ULL, 0xffff800000000000ULL,
				   "canonical 0xffff800000000000 reads back");
	/* SYSENTER_ESP/EIP: Intel checks canonical (SDM WRMSR) */
	if (intel && !lax_canonical) {
		expect_gp_unchanged(MSR_SYSENTER_ESP, NONCANON_A,
				    "non-canonical SYSENTER_ESP must #GP (Intel)");
		expect_gp_unchanged(MSR_SYSENTER_EIP, NONCANON_B,
				    "non-canonical SYSENTER_EIP must #GP (Intel)");
	}
	/* STAR takes any value */
	expect_ok_readback(MSR_STAR, ~0ULL, ~0ULL, "STAR = ~0 reads back");
	/* SFMASK: bits 63:32 reserved: #GP, or dropped */
	r = wrmsr_safe(MSR_SFMASK, ~0ULL);
	if (r == GUEST_NO_FAULT) {
		GUEST_ASSERT_EQ_MSG(rdmsr_safe(MSR_SFMASK, &v), GUEST_NO_FAULT, "SFMASK");
		if (!lax_canonical)	/* TCG keeps them */
			GUEST_ASSERT_EQ_MSG(v >> 32, 0, "SFMASK bits 63:32 must read 0");
	} else {
		GUEST_ASSERT_EQ_MSG(r, VEC_GP, "SFMASK = ~0: #GP or accepted");
	}
	/* TSC_AUX: bits 63:32 reserved */
	if (rdmsr_safe(MSR_TSC_AUX, &v) == GUEST_NO_FAULT) {
		r = wrmsr_safe(MSR_TSC_AUX, 0xffffffff00000001ULL);
		if (r == GUEST_NO_FAULT) {
			GUEST_ASSERT_EQ_MSG(intel, false, "TSC_AUX bits 63:32 must #GP on Intel");
			GUEST_ASSERT_EQ_MSG(rdmsr_safe(MSR_TSC_AUX, &v), GUEST_NO_FAULT,
					    "TSC_AUX");
			GUEST_ASSERT_EQ_MSG(v >> 32, 0, "TSC_AUX bits 63:32 must read 0");
		} else {
			GUEST_ASSERT_EQ_MSG(r, VEC_GP, "TSC_AUX bits 63:32: #GP or dropped");
		}
		expect_ok_readback(MSR_TSC_AUX, 0xfffffffe, 0xfffffffe, "TSC_AUX 32 bits");
	}
	/* EFER: reserved bits, SVME (no SVM offered), LME cleared under paging */
	GUEST_ASSERT_EQ_MSG(rdmsr_safe(MSR_EFER, &v), GUEST_NO_FAULT, "RDMSR EFER");
	expect_gp_unchanged(MSR_EFER, v | (1ULL << 63), "EFER bit 63 must #GP");
	expect_gp_unchanged(MSR_EFER, v | (1ULL << 1), "EFER bit 1 must #GP");
	expect_gp_unchanged(MSR_EFER, v | (1ULL << 12), "EFER.SVME must #GP (no SVM)");
	expect_gp_unchanged(MSR_EFER, v & ~(1ULL << 8), "EFER.LME cleared with paging must #GP");
	expect_gp_unchanged(MSR_EFER, ~0ULL, "EFER = ~0 must #GP");
	/* PAT: memory types 2, 3 and 8+ are reserved */
	expect_gp_unchanged(MSR_PAT, 0x0007040600070402ULL, "PAT type 2 must #GP");
	expect_gp_unchanged(MSR_PAT, 0x0007040600070403ULL, "PAT type 3 must #GP");
	expect_gp_unchanged(MSR_PAT, 0x0807040600070406ULL, "PAT type 8 must #GP");
	expect_gp_unchanged(MSR_PAT, ~0ULL, "PAT = ~0 must #GP");
	expect_ok_readback(MSR_PAT, 0x0007040600070406ULL, 0x0007040600070406ULL,
			   "PAT reset value reads back");
	guest_report(1);
	/* and they hold values the host must not see: the host checks now */
	wrmsr(MSR_STAR, 0x001b000800000000ULL);
	wrmsr(MSR_LSTAR, 0xffff800000001000ULL);
	wrmsr(MSR_CSTAR, 0xffff800000002000ULL);
	wrmsr(MSR_SFMASK, 0x12345);
	wrmsr(MSR_KERNEL_GS_BASE, 0xffff800000003000ULL);
	wrmsr(MSR_PAT, 0x0606060606060606ULL);
	if (rdmsr_safe(MSR_TSC_AUX, &v) == GUEST_NO_FAULT)
		wrmsr(MSR_TSC_AUX, 0xabcdef);
	guest_report(2);
}

static const __u32 host_checked[] = {
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_KERNEL_GS_BASE, MSR_EFER,
	MSR_PAT, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_TSC_AUX,
};

/*
 * Non-canonical and reserved-bit WRMSRs to every MSR hvm loads or passes
 * through: #GP(0) in the guest and the guest's value unchanged; valid
 * ones read back; the host's values on CPU 0 (and its TSC_AUX seen by
 * RDTSCP) are the same before and after.
 */
static enum test_result test_hostile_values(void)
{
	__u64 before[ARRAY_SIZE(host_checked)], after;
	bool have[ARRAY_SIZE(host_checked)];
	unsigned int i, aux0, aux1;
	struct ucall uc;
	cpu_set_t all;
	struct tvm t;

	TEST_ASSERT_ERRNO(!sched_getaffinity(0, sizeof(all), &all), "sched_getaffinity");
	if (test_pin_cpu(0))
		return test_skip("cannot run on CPU 0");
	if (!host_msr_open())
		return test_skip("no /dev/cpu/0/msr (msr driver)");
	lax_canonical = test_quirk("tcg-lax-checks");
	if (lax_canonical)
		test_diag("emulator quirk tcg-lax-checks: non-canonical bases not checked");
	/* The VM first: the first one turns virtualization on (EFER.SVME). */
	TVM_CREATE_C(&t, guest_hostile_values);
	for (i = 0; i < ARRAY_SIZE(host_checked); i++)
		have[i] = host_rdmsr(host_checked[i], &before[i]);
	__rdtscp(&aux0);
	EXPECT_REPORT(&t, &uc, 1);
	EXPECT_REPORT(&t, &uc, 2);
	__rdtscp(&aux1);
	for (i = 0; i < ARRAY_SIZE(host_checked); i++) {
		if (!have[i])
			continue;
		TEST_ASSERT(host_rdmsr(host_checked[i], &after), "reading MSR 0x%x",
			    host_checked[i]);
		TEST_ASSERT(after == before[i], "host MSR 0x%x is 0x%" PRIx64
			    " after the guest ran (was 0x%" PRIx64 ")", host_checked[i],
			    (uint64_t)after, (uint64_t)before[i]);
	}
	TEST_ASSERT(aux0 == aux1, "host TSC_AUX 0x%x, was 0x%x", aux1, aux0);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	sched_setaffinity(0, sizeof(all), &all);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "MSR scan 0x0-0x1fff: each RDMSR/WRMSR (value read, 0, ~0) a value or #GP(0), no exit; host MSRs unchanged",
	  test_scan_low },
	{ "MSR scan 0x40000000-0x400000ff: each a value or #GP(0), no exit; host MSRs unchanged",
	  test_scan_hypervisor },
	{ "MSR scan 0xc0000000-0xc0001fff: each a value or #GP(0), no exit; host MSRs unchanged",
	  test_scan_c000 },
	{ "MSR scan 0xc0010000-0xc0011fff: each a value or #GP(0), no exit; host MSRs unchanged",
	  test_scan_c001 },
	{ "non-canonical FS/GS/KERNEL_GS_BASE/LSTAR/CSTAR/SYSENTER, reserved SFMASK/TSC_AUX/EFER/PAT bits: #GP, host unchanged",
	  test_hostile_values },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
