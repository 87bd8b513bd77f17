// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: CPUID.  The supported table is an allow-list; each vCPU starts
 * with it, the guest's CPUID instruction returns exactly the vCPU's table
 * (plus the fields that follow the vCPU's state), and user space can read
 * and replace it.  Guest code in C (lib/guest_c.h): the guest compares
 * what CPUID returns with the table the host passes it.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "guest_c.h"
#include "test.h"

#define VECTOR_GP	13
#define CR4_OSXSAVE	(1U << 18)
#define L1_ECX_XSAVE	(1U << 26)
#define L1_ECX_OSXSAVE	(1U << 27)

/* ---- Guest side ---------------------------------------------------------- */

/* What the guest's CPUID must return, set by the host before the run. */
#define MAX_LEAVES	16
static struct {
	unsigned int n;
	struct { __u32 fn, idx, want[4]; } leaf[MAX_LEAVES];
} expect;

/* CPUID (fn, idx) must be want[]: each register checked on its own. */
static void guest_check_leaf(__u32 fn, __u32 idx, const __u32 want[4])
{
	__u32 r[4];

	cpuid(fn, idx, &r[0], &r[1], &r[2], &r[3]);
	if (fn == 1) {			/* APIC ID and OSXSAVE: checked apart */
		r[1] &= 0x00ffffff;
		r[2] &= ~L1_ECX_OSXSAVE;
	}
	if (fn == 0xd && idx == 0)	/* XSAVE area sizes follow XCR0 */
		r[1] = want[1], r[2] = want[2];
	GUEST_ASSERT_EQ_MSG(r[0], want[0], "EAX differs from the vCPU's table");
	GUEST_ASSERT_EQ_MSG(r[1], want[1], "EBX differs from the vCPU's table");
	GUEST_ASSERT_EQ_MSG(r[2], want[2], "ECX differs from the vCPU's table");
	GUEST_ASSERT_EQ_MSG(r[3], want[3], "EDX differs from the vCPU's table");
}

/* Every leaf in expect; reports the number checked. */
static void guest_check_table(void)
{
	unsigned int i;

	for (i = 0; i < expect.n; i++) {
		guest_report(expect.leaf[i].fn);
		guest_check_leaf(expect.leaf[i].fn, expect.leaf[i].idx, expect.leaf[i].want);
	}
}

/* Leaf 1's dynamic fields: the initial APIC ID (EBX[31:24]) is the vCPU's,
 * OSXSAVE (ECX[27]) is CR4.OSXSAVE, before and after the guest sets it
 * (when XSAVE is offered). */
static void guest_dynamic_fields(void)
{
	__u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	guest_report(b >> 24);
	GUEST_ASSERT(!(read_cr4() & CR4_OSXSAVE));
	GUEST_ASSERT(!(c & L1_ECX_OSXSAVE));
	if (!(c & L1_ECX_XSAVE))
		return;
	write_cr4(read_cr4() | CR4_OSXSAVE);
	cpuid(1, 0, &a, &b, &c, &d);
	GUEST_ASSERT(c & L1_ECX_OSXSAVE);
	guest_report(1);
}

/* XCR0 = x87|SSE works; x87|SSE|YMM raises #GP(0) when the vCPU's CPUID
 * (leaf 0xd) does not offer YMM, and leaves XCR0 as it was. */
static void guest_xsetbv(void)
{
	guest_safe_init();
	write_cr4(read_cr4() | CR4_OSXSAVE);
	GUEST_ASSERT_EQ_MSG(xsetbv_safe(0, 3), GUEST_NO_FAULT, "XSETBV x87|SSE");
	GUEST_ASSERT_EQ(xgetbv(0), 3);
	GUEST_ASSERT_EQ_MSG(xsetbv_safe(0, 7), VECTOR_GP, "XSETBV x87|SSE|YMM");
	GUEST_ASSERT_EQ(guest_fault.error_code, 0);
	GUEST_ASSERT_EQ(xgetbv(0), 3);
}

/* ---- Host side ----------------------------------------------------------- */

/* Adds (fn, idx) of table c (zeros when absent) to expect. */
static void expect_leaf(const struct hvm_cpuid *c, __u32 fn, __u32 idx)
{
	const struct hvm_cpuid_entry *e = hvm_cpuid_find((struct hvm_cpuid *)c, fn, idx);
	unsigned int n = expect.n++;

	expect.leaf[n].fn = fn;
	expect.leaf[n].idx = idx;
	memset(expect.leaf[n].want, 0, sizeof(expect.leaf[n].want));
	if (!e)
		return;
	expect.leaf[n].want[0] = e->eax;
	expect.leaf[n].want[1] = e->ebx;
	expect.leaf[n].want[2] = e->ecx;
	expect.leaf[n].want[3] = e->edx;
	if (fn == 1) {
		expect.leaf[n].want[1] &= 0x00ffffff;
		expect.leaf[n].want[2] &= ~L1_ECX_OSXSAVE;
	}
}

/* Runs guest_check_table() against expect (synced into the guest); fails
 * naming the leaf the guest was checking. */
static enum test_result run_check_table(struct tvm *t)
{
	unsigned int nr = 0;
	struct ucall uc;
	__u32 fn = 0;

	TVM_SYNC_TO_GUEST(t, expect);
	for (;;) {
		switch (ucall_run(t->vcpu, &uc)) {
		case UCALL_REPORT:
			fn = uc.value;
			nr++;
			continue;
		case UCALL_DONE:
			TEST_ASSERT(nr == expect.n, "%u of %u leaves checked", nr, expect.n);
			return TEST_PASS;
		default:
			ucall_describe(t->vcpu, &uc);
			return test_fail("the guest's CPUID leaf 0x%x", fn);
		}
	}
}

static struct hvm_cpuid *supported(void)
{
	int fd = hvm_dev_open();
	struct hvm_cpuid *c;

	if (fd < 0)
		return NULL;
	c = hvm_dev_get_supported_cpuid(fd);
	close(fd);
	return c;
}

/* Bits the allow-list must never pass: (leaf, register, mask, name). */
static const struct {
	__u32 fn, idx;
	int reg;		/* 0 EAX .. 3 EDX */
	__u32 mask;
	const char *what;
} forbidden[] = {
	{ 1, 0, 2, 1U << 5, "VMX" },
	{ 1, 0, 2, 1U << 3, "MONITOR" },
	{ 1, 0, 3, (1U << 7) | (1U << 14), "MCE/MCA" },
	{ 1, 0, 3, 1U << 12, "MTRR" },
	{ 7, 0, 3, (1U << 26) | (1U << 27) | (1U << 29) | (1U << 31),
	  "IBRS/STIBP/ARCH_CAPABILITIES/SSBD" },
	{ 7, 0, 1, (1U << 4) | (1U << 11), "TSX" },
	{ 0x80000001, 0, 2, 1U << 2, "SVM" },
	{ 0x80000008, 0, 1, ~0U, "AMD speculation controls" },
	{ 0xd, 1, 0, 1U << 3, "XSAVES" },
};

static __u32 reg_of(const struct hvm_cpuid_entry *e, int reg)
{
	return reg == 0 ? e->eax : reg == 1 ? e->ebx : reg == 2 ? e->ecx : e->edx;
}

static enum test_result test_supported_allow_list(void)
{
	struct hvm_cpuid *c = supported();
	struct hvm_cpuid_entry *e;
	unsigned int i;

	TEST_ASSERT_ERRNO(c, "GET_SUPPORTED_CPUID");
	test_diag("%u supported entries", c->nent);
	e = hvm_cpuid_find(c, 0x40000000, 0);
	TEST_ASSERT(e && !memcmp(&e->ebx, "hvmh", 4) && !memcmp(&e->ecx, "vmhv", 4) &&
		    !memcmp(&e->edx, "mhvm", 4), "no hvm signature at 0x40000000");
	TEST_ASSERT(e->eax >= 0x40000010, "hvm's highest leaf 0x%x", e->eax);
	/* the timing leaf: TSC kHz, APIC bus 1 GHz */
	e = hvm_cpuid_find(c, 0x40000010, 0);
	TEST_ASSERT(e && e->eax && e->ebx == 1000000, "leaf 0x40000010: %u %u kHz",
		    e ? e->eax : 0, e ? e->ebx : 0);
	e = hvm_cpuid_find(c, 1, 0);
	TEST_ASSERT(e && (e->ecx & (1U << 31)), "leaf 1 lacks the hypervisor bit");
	e = hvm_cpuid_find(c, 0, 0);
	TEST_ASSERT(e && e->eax <= 0x16, "max basic leaf 0x%x", e ? e->eax : 0);
	for (i = 0; i < ARRAY_SIZE(forbidden); i++) {
		e = hvm_cpuid_find(c, forbidden[i].fn, forbidden[i].idx);
		TEST_ASSERT(!e || !(reg_of(e, forbidden[i].reg) & forbidden[i].mask),
			    "%s offered (leaf 0x%x)", forbidden[i].what, forbidden[i].fn);
	}
	free(c);
	return TEST_PASS;
}

static enum test_result test_supported_e2big(void)
{
	struct hvm_cpuid *c = hvm_cpuid_alloc(1);
	int fd = hvm_dev_open();

	TEST_ASSERT_ERRNO(fd >= 0 && c, "setup");
	TEST_ASSERT_FAILS(ioctl(fd, HVM_GET_SUPPORTED_CPUID, c), E2BIG);
	TEST_ASSERT(c->nent > 10, "E2BIG reported %u entries needed", c->nent);
	TEST_ASSERT_FAILS(ioctl(fd, HVM_GET_SUPPORTED_CPUID, (void *)8), EFAULT);
	close(fd);
	free(c);
	return TEST_PASS;
}

/* Each leaf the guest reads equals the vCPU's table (zeros for leaves not
 * in it), dynamic fields aside. */
static enum test_result test_guest_sees_table(void)
{
	static const __u32 leaves[][2] = {
		{ 0, 0 }, { 1, 0 }, { 7, 0 }, { 0xd, 0 }, { 0x40000000, 0 },
		{ 0x40000010, 0 }, { 0x80000000, 0 }, { 0x80000001, 0 },
		{ 0x80000008, 0 }, { 0x12345678, 0 }, { 0xa, 0 },
	};
	struct hvm_cpuid *c;
	enum test_result r;
	unsigned int i;
	struct tvm t;

	TVM_CREATE_C(&t, guest_check_table);
	c = hvm_vcpu_get_cpuid(t.vcpu);
	TEST_ASSERT_ERRNO(c, "GET_CPUID");
	expect.n = 0;
	for (i = 0; i < ARRAY_SIZE(leaves); i++)
		expect_leaf(c, leaves[i][0], leaves[i][1]);
	/* No irqchip: no APIC, x2APIC, TSC-deadline in leaf 1. */
	expect.leaf[1].want[2] &= ~((1U << 21) | (1U << 24));
	expect.leaf[1].want[3] &= ~(1U << 9);
	r = run_check_table(&t);
	free(c);
	tvm_destroy(&t);
	return r;
}

/* A table set by user space is what the guest sees; GET_CPUID returns it. */
static enum test_result test_set_cpuid(void)
{
	struct hvm_cpuid *c = hvm_cpuid_alloc(2), *back;
	enum test_result r;
	struct tvm t;

	TEST_ASSERT(c, "malloc");
	c->entries[0] = (struct hvm_cpuid_entry){ .function = 0, .eax = 1,
		.ebx = 0x61616161, .ecx = 0x62626262, .edx = 0x63636363 };
	c->entries[1] = (struct hvm_cpuid_entry){ .function = 1, .eax = 0x000a0652,
		.ecx = 1U << 31, .edx = 1 };
	TVM_CREATE_C(&t, guest_check_table);
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_cpuid(t.vcpu, c), "SET_CPUID");
	expect.n = 0;
	expect_leaf(c, 0, 0);
	expect_leaf(c, 1, 0);
	expect_leaf(c, 7, 0);			/* not in the table: zeros */
	expect_leaf(c, 0x40000000, 0);		/* nor hvm's signature */
	r = run_check_table(&t);
	if (r != TEST_PASS)
		return r;
	back = hvm_vcpu_get_cpuid(t.vcpu);
	TEST_ASSERT_ERRNO(back, "GET_CPUID");
	TEST_ASSERT(back->nent == 2 && !memcmp(back->entries, c->entries,
					       2 * sizeof(c->entries[0])),
		    "GET_CPUID returned %u entries, not the table set", back->nent);
	free(back);
	free(c);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* vCPU 3 sees APIC ID 3; CR4.OSXSAVE shows in leaf 1 ECX. */
static enum test_result test_dynamic_fields(void)
{
	struct hvm_vcpu *vcpu3;
	__u64 v[2] = { 0 };
	unsigned int nr;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_C(&t, guest_dynamic_fields);
	vcpu3 = tvm_add_vcpu_c(&t, 3, guest_dynamic_fields);
	TEST_ASSERT_ERRNO(vcpu3, "vCPU 3");
	if (ucall_run_collect(vcpu3, &uc, v, 2, &nr) != UCALL_DONE) {
		ucall_describe(vcpu3, &uc);
		return test_fail("vCPU 3 did not finish");
	}
	TEST_ASSERT(nr >= 1 && v[0] == 3, "APIC ID %" PRIu64 " on vCPU 3", (uint64_t)v[0]);
	if (nr == 1)
		test_diag("no XSAVE offered: OSXSAVE with CR4.OSXSAVE set not checked");
	if (ucall_run_collect(t.vcpu, &uc, v, 2, &nr) != UCALL_DONE) {
		ucall_describe(t.vcpu, &uc);
		return test_fail("vCPU 0 did not finish");
	}
	TEST_ASSERT(nr >= 1 && v[0] == 0, "APIC ID %" PRIu64 " on vCPU 0", (uint64_t)v[0]);
	hvm_vcpu_destroy(vcpu3);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_set_cpuid_errors(void)
{
	struct hvm_cpuid *c = hvm_cpuid_alloc(1);
	struct tvm t;

	TEST_ASSERT(c, "malloc");
	TVM_CREATE_C(&t, guest_check_table);
	c->nent = HVM_CPUID_MAX_ENTRIES + 1;
	TEST_ASSERT_FAILS(hvm_vcpu_set_cpuid(t.vcpu, c), EINVAL);
	c->nent = 1;
	c->entries[0].flags = 2;
	TEST_ASSERT_FAILS(hvm_vcpu_set_cpuid(t.vcpu, c), EINVAL);
	c->entries[0].flags = 0;
	c->padding = 1;
	TEST_ASSERT_FAILS(hvm_vcpu_set_cpuid(t.vcpu, c), EINVAL);
	TEST_ASSERT_FAILS(ioctl(t.vcpu->fd, HVM_SET_CPUID, (void *)8), EFAULT);
	free(c);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* XSETBV of state the vCPU's CPUID does not offer raises #GP. */
static enum test_result test_xsetbv_follows_cpuid(void)
{
	struct hvm_cpuid *c = supported();
	struct hvm_cpuid_entry *e;
	struct tvm t;

	TEST_SKIP_ON_QUIRK("no-xsetbv-intercept", "the guest's XSETBV never reaches hvm");
	TEST_ASSERT_ERRNO(c, "GET_SUPPORTED_CPUID");
	e = hvm_cpuid_find(c, 0xd, 0);
	if (!e || !(e->eax & 4))
		return test_skip("no AVX state in XCR0 here");
	e->eax &= ~4U;				/* take YMM away */
	TVM_CREATE_C(&t, guest_xsetbv);
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_cpuid(t.vcpu, c), "SET_CPUID");
	TVM_RUN_TO_DONE(&t);
	free(c);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "the supported CPUID is an allow-list: signature, hypervisor bit, nothing unvirtualized",
	  test_supported_allow_list },
	{ "GET_SUPPORTED_CPUID: E2BIG with the size needed; EFAULT", test_supported_e2big },
	{ "the guest's CPUID returns the vCPU's table (zeros for absent leaves)",
	  test_guest_sees_table },
	{ "SET_CPUID replaces what the guest sees; GET_CPUID returns it", test_set_cpuid },
	{ "APIC ID and OSXSAVE follow the vCPU", test_dynamic_fields },
	{ "SET_CPUID: too many entries, bad flags or padding -> EINVAL; EFAULT",
	  test_set_cpuid_errors },
	{ "XSETBV of state the vCPU's CPUID does not offer raises #GP",
	  test_xsetbv_follows_cpuid },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
