// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: CPUID.  The supported table is an allow-list; each vCPU starts
 * with it, the guest's CPUID instruction returns exactly the vCPU's table
 * (plus the fields that follow the vCPU's state), and user space can read
 * and replace it.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "guest.h"
#include "test.h"

/* RAX/RCX in, EAX EBX ECX EDX reported, then DONE. */
GUEST_ASM(guest_cpuid, ".code64",
	"cpuid\n\t"
	"mov %ecx, %esi\n\t"
	G_REPORT
	"mov %ebx, %eax\n\t"
	G_REPORT
	"mov %esi, %eax\n\t"
	G_REPORT
	"mov %edx, %eax\n\t"
	G_REPORT
	G_DONE);

/* XSETBV of RAX, then DONE. */
GUEST_ASM(guest_xsetbv, ".code64",
	"mov %cr4, %rdx\n\t"
	"bts $18, %rdx\n\t"		/* CR4.OSXSAVE */
	"mov %rdx, %cr4\n\t"
	"xor %edx, %edx\n\t"
	"xor %ecx, %ecx\n\t"
	"xsetbv\n\t"
	G_DONE);

/* The guest's CPUID for (fn, idx) on vCPU t->vcpu. */
static enum test_result guest_cpuid(struct tvm *t, __u32 fn, __u32 idx, __u32 out[4])
{
	struct hvm_regs regs;
	unsigned int i, nr;
	__u64 v[4];
	struct ucall uc;

	TEST_ASSERT_ERRNO(!tvm_set_entry(t, guest_cpuid_start), "entry");
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(t->vcpu, &regs), "GET_REGS");
	regs.rax = fn;
	regs.rcx = idx;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_regs(t->vcpu, &regs), "SET_REGS");
	if (ucall_run_collect(t->vcpu, &uc, v, 4, &nr) != UCALL_DONE || nr != 4) {
		ucall_describe(t->vcpu, &uc);
		return test_fail("CPUID 0x%x.%u did not complete", fn, idx);
	}
	for (i = 0; i < 4; i++)
		out[i] = v[i];
	return TEST_PASS;
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

/* Each leaf the guest reads equals the vCPU's table, dynamic fields aside. */
static enum test_result test_guest_sees_table(void)
{
	static const __u32 leaves[][2] = {
		{ 0, 0 }, { 1, 0 }, { 7, 0 }, { 0xd, 0 }, { 0x40000000, 0 },
		{ 0x80000000, 0 }, { 0x80000001, 0 }, { 0x80000008, 0 },
		{ 0x12345678, 0 }, { 0xa, 0 },
	};
	struct hvm_cpuid_entry *e;
	struct hvm_cpuid *c;
	enum test_result r;
	unsigned int i;
	__u32 out[4];
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_cpuid);
	c = hvm_vcpu_get_cpuid(t.vcpu);
	TEST_ASSERT_ERRNO(c, "GET_CPUID");
	for (i = 0; i < ARRAY_SIZE(leaves); i++) {
		__u32 want[4] = { 0 };

		r = guest_cpuid(&t, leaves[i][0], leaves[i][1], out);
		if (r != TEST_PASS)
			return r;
		e = hvm_cpuid_find(c, leaves[i][0], leaves[i][1]);
		if (e) {
			want[0] = e->eax;
			want[1] = e->ebx;
			want[2] = e->ecx;
			want[3] = e->edx;
		}
		if (leaves[i][0] == 1) {	/* APIC ID; OSXSAVE follows CR4 */
			want[1] &= 0x00ffffff;
			want[2] &= ~(1U << 27);
			/* No irqchip: no APIC, x2APIC, TSC-deadline. */
			want[2] &= ~((1U << 21) | (1U << 24));
			want[3] &= ~(1U << 9);
		}
		if (leaves[i][0] == 0xd)	/* sizes follow XCR0 */
			want[1] = out[1], want[2] = out[2];
		TEST_ASSERT(!memcmp(out, want, sizeof(want)),
			    "leaf 0x%x: guest %08x %08x %08x %08x, table %08x %08x %08x %08x",
			    leaves[i][0], out[0], out[1], out[2], out[3],
			    want[0], want[1], want[2], want[3]);
	}
	free(c);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* A table set by user space is what the guest sees; GET_CPUID returns it. */
static enum test_result test_set_cpuid(void)
{
	struct hvm_cpuid *c = hvm_cpuid_alloc(2), *back;
	enum test_result r;
	__u32 out[4];
	struct tvm t;

	TEST_ASSERT(c, "malloc");
	c->entries[0] = (struct hvm_cpuid_entry){ .function = 0, .eax = 1,
		.ebx = 0x61616161, .ecx = 0x62626262, .edx = 0x63636363 };
	c->entries[1] = (struct hvm_cpuid_entry){ .function = 1, .eax = 0x000a0652,
		.ecx = 1U << 31, .edx = 1 };
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_cpuid);
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_cpuid(t.vcpu, c), "SET_CPUID");
	r = guest_cpuid(&t, 0, 0, out);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(out[0] == 1 && out[1] == 0x61616161 && out[2] == 0x62626262 &&
		    out[3] == 0x63636363, "leaf 0: %08x %08x %08x %08x",
		    out[0], out[1], out[2], out[3]);
	r = guest_cpuid(&t, 1, 0, out);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(out[0] == 0x000a0652 && out[2] == 1U << 31 && out[3] == 1,
		    "leaf 1: %08x %08x %08x %08x", out[0], out[1], out[2], out[3]);
	r = guest_cpuid(&t, 7, 0, out);		/* not in the table: zeros */
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(!out[0] && !out[1] && !out[2] && !out[3], "leaf 7 not zero");
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
	struct hvm_cpuid *c = supported();
	struct hvm_sregs sregs;
	struct hvm_cpuid_entry *e;
	struct tvm t = { 0 };
	enum test_result r;
	__u32 out[4];

	TEST_ASSERT_ERRNO(c, "GET_SUPPORTED_CPUID");
	e = hvm_cpuid_find(c, 1, 0);
	TEST_ASSERT(e, "no leaf 1");
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_cpuid);
	hvm_vcpu_destroy(t.vcpu);
	t.vcpu = hvm_vcpu_create(t.vm, 3);
	TEST_ASSERT_ERRNO(t.vcpu, "vCPU 3");
	TEST_ASSERT_ERRNO(!guest_setup_long64(t.vcpu, GUEST_CODE_GPA, GUEST_MEM_SIZE),
			  "long mode");
	r = guest_cpuid(&t, 1, 0, out);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(out[1] >> 24 == 3, "APIC ID %u on vCPU 3", out[1] >> 24);
	TEST_ASSERT(!(out[2] & (1U << 27)), "OSXSAVE set with CR4.OSXSAVE clear");
	if (e->ecx & (1U << 26)) {
		TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &sregs), "GET_SREGS");
		sregs.cr4 |= 1U << 18;
		TEST_ASSERT_ERRNO(!hvm_vcpu_set_sregs(t.vcpu, &sregs), "SET_SREGS");
		r = guest_cpuid(&t, 1, 0, out);
		if (r != TEST_PASS)
			return r;
		TEST_ASSERT(out[2] & (1U << 27), "OSXSAVE clear with CR4.OSXSAVE set");
	}
	free(c);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_set_cpuid_errors(void)
{
	struct hvm_cpuid *c = hvm_cpuid_alloc(1);
	struct tvm t;

	TEST_ASSERT(c, "malloc");
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_cpuid);
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

/* XSETBV of a feature the vCPU's CPUID does not offer raises #GP. */
static enum test_result test_xsetbv_follows_cpuid(void)
{
	struct hvm_cpuid *c = supported();
	struct hvm_cpuid_entry *e;
	struct hvm_regs regs;
	struct ucall uc;
	struct tvm t;

	TEST_SKIP_ON_QUIRK("no-xsetbv-intercept", "the guest's XSETBV never reaches hvm");
	TEST_ASSERT_ERRNO(c, "GET_SUPPORTED_CPUID");
	e = hvm_cpuid_find(c, 0xd, 0);
	if (!e || !(e->eax & 4))
		return test_skip("no AVX state in XCR0 here");
	e->eax &= ~4U;				/* take YMM away */
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_xsetbv);
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_cpuid(t.vcpu, c), "SET_CPUID");
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(t.vcpu, &regs), "GET_REGS");
	regs.rax = 7;				/* x87 | SSE | YMM */
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_regs(t.vcpu, &regs), "SET_REGS");
	EXPECT_UCALL(t.vcpu, &uc, UCALL_EXCEPTION);
	TEST_ASSERT(uc.value == 13, "vector %" PRIu64 ", expected #GP", (uint64_t)uc.value);
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
