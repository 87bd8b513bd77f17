// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: the guest's PKRU never reaches the host, and the guest keeps
 * its own.  PKRU is not part of the FPU state the kernel switches for a
 * hypervisor; a guest can load it with XRSTOR while its CR4.PKE is clear,
 * or set CR4.PKE, WRPKRU and clear CR4.PKE again, all without an exit.
 * The vCPU thread reads its own PKRU (RDPKRU) right before and after every
 * HVM_RUN: it must not move.  The guest then reads its value back.
 *
 * Needs protection keys in the test VM's kernel (CPUID.7.0:ECX.OSPKE):
 * QEMU -cpu max has them; elsewhere every case skips.
 */
#include <cpuid.h>
#include <inttypes.h>

#include "guest_c.h"
#include "test.h"

#define CR4_OSXSAVE	(1ULL << 18)
#define CR4_PKE		(1ULL << 22)
#define L7_ECX_PKU	(1U << 3)
#define L7_ECX_OSPKE	(1U << 4)
#define XFEATURE_PKRU	(1ULL << 9)
#define XCR0_X87_SSE	0x3ULL

/* What the guest puts in PKRU: no key 0 access-disable, unlike the host's
 * usual 0x55555554, so a leak shows either way. */
#define GUEST_PKRU_XRSTOR	0x0000000cU
#define GUEST_PKRU_WRPKRU	0x00000030U

static __u8 xsave_area[4096] __attribute__((aligned(64)));

static inline __u32 rdpkru(void)
{
	__u32 eax, edx;

	asm volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static inline void wrpkru(__u32 pkru)
{
	asm volatile("wrpkru" : : "a"(pkru), "c"(0), "d"(0) : "memory");
}

static void guest_clear_area(void)
{
	volatile __u8 *p = xsave_area;
	unsigned int i;

	for (i = 0; i < sizeof(xsave_area); i++)
		p[i] = 0;
}

/* The offset of PKRU in the standard XSAVE layout (CPUID.0xD.9:EBX). */
static __u32 guest_pkru_offset(void)
{
	__u32 a, b, c, d;

	cpuid(0xd, 0, &a, &b, &c, &d);
	GUEST_ASSERT(a & XFEATURE_PKRU);
	cpuid(0xd, 9, &a, &b, &c, &d);
	GUEST_ASSERT(b >= 576 && b + 4 <= sizeof(xsave_area));
	return b;
}

/* XCR0 with PKRU, CR4.PKE clear: XRSTOR loads PKRU; exits; XSAVE reads it. */
static void guest_pkru_xrstor(void)
{
	__u32 off = guest_pkru_offset(), a, b, c, d;

	GUEST_ASSERT(!(read_cr4() & CR4_PKE));
	write_cr4(read_cr4() | CR4_OSXSAVE);
	xsetbv(0, XCR0_X87_SSE | XFEATURE_PKRU);

	guest_clear_area();
	*(volatile __u64 *)(xsave_area + 512) = XFEATURE_PKRU;	/* XSTATE_BV */
	*(volatile __u32 *)(xsave_area + off) = GUEST_PKRU_XRSTOR;
	asm volatile("xrstor %0" : : "m"(xsave_area), "a"((__u32)XFEATURE_PKRU), "d"(0)
		     : "memory");
	guest_report(1);			/* to user space */
	cpuid(0, 0, &a, &b, &c, &d);		/* and exits in the kernel */
	cpuid(1, 0, &a, &b, &c, &d);
	guest_report(2);

	guest_clear_area();
	asm volatile("xsave %0" : "=m"(xsave_area) : "a"((__u32)XFEATURE_PKRU), "d"(0)
		     : "memory");
	GUEST_ASSERT(*(volatile __u64 *)(xsave_area + 512) & XFEATURE_PKRU);
	GUEST_ASSERT_EQ(*(volatile __u32 *)(xsave_area + off), GUEST_PKRU_XRSTOR);
}

/* CR4.PKE on, WRPKRU, CR4.PKE off, exit; PKE on again reads it back. */
static void guest_pkru_wrpkru(void)
{
	__u32 a, b, c, d;

	cpuid(7, 0, &a, &b, &c, &d);
	GUEST_ASSERT(c & L7_ECX_PKU);
	write_cr4(read_cr4() | CR4_PKE);
	wrpkru(GUEST_PKRU_WRPKRU);
	write_cr4(read_cr4() & ~CR4_PKE);
	guest_report(1);
	cpuid(0, 0, &a, &b, &c, &d);
	guest_report(2);
	write_cr4(read_cr4() | CR4_PKE);
	GUEST_ASSERT_EQ(rdpkru(), GUEST_PKRU_WRPKRU);
	guest_report(3);
}

static bool host_has_ospke(void)
{
	unsigned int a, b, c, d;

	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & L7_ECX_OSPKE);
}

/* Runs to DONE; the host's PKRU around every RUN must stay as it was. */
static enum test_result run_checking_host_pkru(void (*guest)(void), unsigned int reports)
{
	__u32 before, after;
	unsigned int n = 0;
	struct ucall uc;
	struct tvm t;

	if (!host_has_ospke())
		return test_skip("the test VM's kernel has no protection keys (OSPKE)");
	TVM_CREATE_C(&t, guest);
	for (;;) {
		before = rdpkru();
		ucall_run(t.vcpu, &uc);
		after = rdpkru();
		if (after != before) {
			wrpkru(before);
			tvm_destroy(&t);
			return test_fail("the runner's PKRU changed from 0x%x to 0x%x across "
					 "HVM_RUN (exit %u)", before, after, n);
		}
		if (uc.type != UCALL_REPORT)
			break;
		n++;
	}
	if (uc.type != UCALL_DONE) {
		ucall_describe(t.vcpu, &uc);
		tvm_destroy(&t);
		return test_fail("the guest did not finish");
	}
	tvm_destroy(&t);
	TEST_ASSERT(n == reports, "%u reports, expected %u", n, reports);
	return TEST_PASS;
}

static enum test_result test_xrstor_pkru(void)
{
	return run_checking_host_pkru(guest_pkru_xrstor, 2);
}

static enum test_result test_wrpkru_pke_off(void)
{
	return run_checking_host_pkru(guest_pkru_wrpkru, 3);
}

static const struct test_case cases[] = {
	{ "a guest's XRSTOR of PKRU with CR4.PKE clear stays the guest's, never the runner's",
	  test_xrstor_pkru },
	{ "a guest's WRPKRU then CR4.PKE cleared stays the guest's, never the runner's",
	  test_wrpkru_pke_off },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
