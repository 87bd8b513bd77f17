// SPDX-License-Identifier: GPL-2.0
/*
 * 32-bit guests with PAE paging (SDM 4.4): entered by the guest itself
 * (MOV to CR0.PG from protected mode) and by SET_SREGS, reads and writes
 * through non-identity 4 KiB and 2 MiB mappings, MOV to CR3 to another
 * page-directory-pointer table, and invalid PDPTEs (SDM 4.4.1: #GP(0) at
 * the MOV to CR that loads them; EINVAL from SET_SREGS).  With VMX and EPT
 * the PDPTEs in use live in the VMCS (SDM 26.3.2.4, 28.3.4).
 */
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "guest.h"
#include "test.h"

/*
 * Page tables: four PDPTs in one page, none at offset 0, so CR3[11:5]
 * counts.  Each maps 0-1 GiB through PD_LOW (one 2 MiB page at 0:
 * identity for the guest's RAM).  PDPT_A maps 0xc0000000 to DATA_A (a
 * 4 KiB page), PDPT_B maps 0xc0000000 to GPA 0 (a 2 MiB page), so
 * 0xc0000000 + DATA_B is DATA_B.  PDPT_BAD has a reserved bit (62) in its
 * present PDPTE 3, PDPT_RSVD_LOW bit 1 in PDPTE 0.
 */
#define PDPT_PAGE	0x50000
#define PDPT_A		(PDPT_PAGE + 0x20)
#define PDPT_B		(PDPT_PAGE + 0x40)
#define PDPT_BAD	(PDPT_PAGE + 0x60)
#define PDPT_RSVD_LOW	(PDPT_PAGE + 0x80)
#define PDPT_NOT_PRESENT (PDPT_PAGE + 0xa0)
#define PD_LOW		0x51000
#define PD_A		0x52000
#define PT_A		0x53000
#define PD_B		0x54000
#define DATA_A		0x60000
#define DATA_B		0x61000
#define HIGH_VA		0xc0000000
#define MARK_A		0x1234abcd
#define MARK_B		0x5678ef01
#define WRITE_A		0xa1a1a1a1
#define WRITE_B		0xb2b2b2b2
#define BAD_BIT_HIGH	0x40000000	/* bit 62: above any MAXPHYADDR */

#define PTE_P		1ULL
#define PTE_RW		2ULL
#define PDE_2M		0x83ULL		/* P, RW, PS */

#define STORE(val, addr)	"movl $" STR(val) ", " STR(addr) "\n\t"
#define SET_CR3(pdpt)		"mov $" STR(pdpt) ", %eax\n\t" "mov %eax, %cr3\n\t"

GUEST_ASM(guest_pae, ".code32",
	/* Protected mode without paging: build the tables, PAE, then PG. */
	"call pae_build\n\t"
	SET_CR3(PDPT_A)
	"mov %cr4, %eax\n\t"
	"or $0x20, %eax\n\t"
	"mov %eax, %cr4\n\t"
	"mov %cr0, %eax\n\t"
	"or $0x80000000, %eax\n\t"
	"mov %eax, %cr0\n\t"
	"jmp pae_paged\n"

	/* The same, with PDPT_BAD in CR3: MOV to CR0 must #GP. */
"pae_bad_cr0:\n\t"
	"call pae_build\n\t"
	SET_CR3(PDPT_BAD)
	"mov %cr4, %eax\n\t"
	"or $0x20, %eax\n\t"
	"mov %eax, %cr4\n\t"
	"mov %cr0, %eax\n\t"
	"or $0x80000000, %eax\n"
"pae_bad_cr0_mov:\n\t"
	"mov %eax, %cr0\n"
"pae_bad_cr0_load:\n\t"
	"movl " STR(HIGH_VA) ", %eax\n\t"
	G_DONE

	/* PAE paging with PDPT_A in CR3. */
"pae_paged:\n\t"
	"mov %cr0, %eax\n\t"
	G_REPORT
	"mov %cr4, %eax\n\t"
	G_REPORT
	"movl " STR(HIGH_VA) ", %eax\n\t"
	G_REPORT
	STORE(WRITE_A, HIGH_VA + 4)
	/* The PDPTEs the CPU loads itself at MOV to CR3. */
	SET_CR3(PDPT_B)
	"movl " STR(HIGH_VA + DATA_B) ", %eax\n\t"
	G_REPORT
	STORE(WRITE_B, HIGH_VA + DATA_B + 4)
	"movl " STR(HIGH_VA + DATA_B) ", %eax\n\t"
	G_REPORT
	G_DONE

	/* PAE paging: MOV to CR3 with PDPT_BAD must #GP. */
"pae_bad_cr3:\n\t"
	"mov $" STR(PDPT_BAD) ", %eax\n"
"pae_bad_cr3_mov:\n\t"
	"mov %eax, %cr3\n"
"pae_bad_cr3_load:\n\t"
	"movl " STR(HIGH_VA) ", %eax\n\t"
	G_DONE

	/* Exception handlers (32-bit interrupt gates): vector, error code,
	 * EIP, then CR3 and CR0 (#GP) or CR2 (#PF), then HLT. */
"pae_gp_handler:\n\t"
	"mov $13, %eax\n\t"
	"out %eax, $" STR(UCALL_PORT_EXCEPTION) "\n\t"
	"pop %eax\n\t"
	G_REPORT
	"pop %eax\n\t"
	G_REPORT
	"mov %cr3, %eax\n\t"
	G_REPORT
	"mov %cr0, %eax\n\t"
	G_REPORT
	"hlt\n"
"pae_pf_handler:\n\t"
	"mov $14, %eax\n\t"
	"out %eax, $" STR(UCALL_PORT_EXCEPTION) "\n\t"
	"pop %eax\n\t"
	G_REPORT
	"pop %eax\n\t"
	G_REPORT
	"mov %cr2, %eax\n\t"
	G_REPORT
	"hlt\n"

	/* The tables and data, as pae_build_host() writes them. */
"pae_build:\n\t"
	STORE(PD_LOW + 1, PDPT_A)
	STORE(PD_A + 1, PDPT_A + 24)
	STORE(PD_LOW + 1, PDPT_B)
	STORE(PD_B + 1, PDPT_B + 24)
	STORE(PD_LOW + 1, PDPT_BAD)
	STORE(PD_A + 1, PDPT_BAD + 24)
	STORE(BAD_BIT_HIGH, PDPT_BAD + 28)
	STORE(0x83, PD_LOW)
	STORE(PT_A + 3, PD_A)
	STORE(DATA_A + 3, PT_A)
	STORE(0x83, PD_B)
	STORE(MARK_A, DATA_A)
	STORE(MARK_B, DATA_B)
	"ret\n");
GUEST_LABEL(pae_bad_cr0);
GUEST_LABEL(pae_bad_cr0_mov);
GUEST_LABEL(pae_bad_cr0_load);
GUEST_LABEL(pae_paged);
GUEST_LABEL(pae_bad_cr3);
GUEST_LABEL(pae_bad_cr3_mov);
GUEST_LABEL(pae_bad_cr3_load);
GUEST_LABEL(pae_gp_handler);
GUEST_LABEL(pae_pf_handler);

static void put64(struct tvm *t, __u64 gpa, __u64 v)
{
	memcpy(t->mem + gpa, &v, sizeof(v));
}

static void put32(struct tvm *t, __u64 gpa, __u32 v)
{
	memcpy(t->mem + gpa, &v, sizeof(v));
}

static __u32 get32(struct tvm *t, __u64 gpa)
{
	__u32 v;

	memcpy(&v, t->mem + gpa, sizeof(v));
	return v;
}

/* What pae_build writes, plus the PDPTs only SET_SREGS uses. */
static void pae_build_host(struct tvm *t)
{
	put64(t, PDPT_A, PD_LOW | PTE_P);
	put64(t, PDPT_A + 24, PD_A | PTE_P);
	put64(t, PDPT_B, PD_LOW | PTE_P);
	put64(t, PDPT_B + 24, PD_B | PTE_P);
	put64(t, PDPT_BAD, PD_LOW | PTE_P);
	put64(t, PDPT_BAD + 24, PD_A | PTE_P | (1ULL << 62));
	put64(t, PDPT_RSVD_LOW, PD_LOW | PTE_P | PTE_RW);
	put64(t, PDPT_NOT_PRESENT, PD_LOW | PTE_P);
	put64(t, PDPT_NOT_PRESENT + 24, ~PTE_P);	/* not present: ignored */
	put64(t, PD_LOW, PDE_2M);
	put64(t, PD_A, PT_A | PTE_P | PTE_RW);
	put64(t, PT_A, DATA_A | PTE_P | PTE_RW);
	put64(t, PD_B, PDE_2M);
	put32(t, DATA_A, MARK_A);
	put32(t, DATA_B, MARK_B);
}

/* 32-bit interrupt gates for #GP and #PF in the system area's IDT. */
static int pae_install_handlers(struct tvm *t)
{
	static const struct { unsigned int vector; const unsigned char *label; } h[] = {
		{ 13, pae_gp_handler }, { 14, pae_pf_handler },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(h); i++) {
		__u32 off = tvm_gpa(t, h[i].label);
		__u32 gate[2] = {
			(off & 0xffff) | ((__u32)HVM_SEL_CODE32 << 16),
			(off & 0xffff0000) | 0x8e00,	/* P, DPL 0, 32-bit gate */
		};

		if (hvm_vm_write(t->vm, HVM_SYS_IDT + h[i].vector * 8, gate,
				 sizeof(gate)))
			return -1;
	}
	return 0;
}

/* sregs for 32-bit protected mode with PAE paging, CR3 = @cr3. */
static int pae_sregs(struct tvm *t, struct hvm_sregs *s, __u64 cr3)
{
	if (hvm_mode_flat_sregs(t->vcpu, s, HVM_SEL_CODE32, true, false,
				256 * 8 - 1))
		return -1;
	s->cr0 = HVM_CR0_PE | HVM_CR0_ET | HVM_CR0_NE | HVM_CR0_PG;
	s->cr3 = cr3;
	s->cr4 = HVM_CR4_PAE;
	s->efer = 0;
	return 0;
}

/* A vCPU put in PAE paging by SET_SREGS, at @label. */
static int pae_enter_sregs(struct tvm *t, const unsigned char *label)
{
	struct hvm_sregs s;

	pae_build_host(t);
	if (pae_sregs(t, &s, PDPT_A) || pae_install_handlers(t) ||
	    hvm_vcpu_set_sregs(t->vcpu, &s))
		return -1;
	t->mode = HVM_MODE_PROT32;
	return hvm_mode_start(t->vcpu, tvm_gpa(t, label), GUEST_MEM_SIZE);
}

/* pae_paged's reports: CR0, CR4, then what it read through each PDPT. */
static enum test_result check_paged(struct tvm *t)
{
	unsigned int n = 0;
	struct ucall uc;
	__u64 v[5];

	if (ucall_run_collect(t->vcpu, &uc, v, 5, &n) != UCALL_DONE || n != 5) {
		ucall_describe(t->vcpu, &uc);
		return test_fail("type %d after %u reports (of 5)", uc.type, n);
	}
	TEST_ASSERT((v[0] & HVM_CR0_PG) && (v[1] & HVM_CR4_PAE),
		    "cr0 0x%" PRIx64 " cr4 0x%" PRIx64, (uint64_t)v[0], (uint64_t)v[1]);
	TEST_ASSERT((__u32)v[2] == MARK_A, "0x%x through PDPT_A: 0x%" PRIx64,
		    HIGH_VA, (uint64_t)v[2]);
	TEST_ASSERT((__u32)v[3] == MARK_B, "0x%x through PDPT_B: 0x%" PRIx64,
		    HIGH_VA + DATA_B, (uint64_t)v[3]);
	TEST_ASSERT((__u32)v[4] == MARK_B, "again after an exit: 0x%" PRIx64,
		    (uint64_t)v[4]);
	TEST_ASSERT(get32(t, DATA_A + 4) == WRITE_A && get32(t, DATA_B + 4) == WRITE_B,
		    "guest writes landed as 0x%x 0x%x", get32(t, DATA_A + 4),
		    get32(t, DATA_B + 4));
	return TEST_PASS;
}

static bool backend_is_vmx(void)
{
	struct hvm_info info;
	int fd = hvm_dev_open();
	bool vmx = false;

	if (fd >= 0) {
		vmx = !hvm_dev_get_info(fd, &info) && info.backend == HVM_BACKEND_VMX;
		close(fd);
	}
	return vmx;
}

/*
 * The invalid PDPTE: #GP(0) at the MOV to CR (@mov), which does not
 * complete (CR3 is still @cr3, CR0.PG still @pg), SDM 4.4.1.  On SVM the
 * CPU reads PDPTEs from guest memory itself; an AMD CPU may instead
 * complete the MOV and #PF with RSVD at the first access through the bad
 * PDPTE (@load), as QEMU does: either is accepted there, never on VMX.
 */
static enum test_result check_bad_pdpte(struct tvm *t, const unsigned char *mov,
					const unsigned char *load, __u64 cr3, bool pg)
{
	struct ucall uc;
	__u64 v[4];
	unsigned int n = 0;

	EXPECT_UCALL(t->vcpu, &uc, UCALL_EXCEPTION);
	if (uc.value == 14 && !backend_is_vmx()) {
		TEST_ASSERT(ucall_run_collect(t->vcpu, &uc, v, 3, &n) == UCALL_OTHER_EXIT &&
			    n == 3, "type %d, %u reports", uc.type, n);
		/* RSVD (bit 3); QEMU 7.2's TCG leaves P (bit 0) clear. */
		TEST_ASSERT((v[0] & 8) && v[1] == tvm_gpa(t, load) && v[2] == HIGH_VA,
			    "#PF error 0x%" PRIx64 " eip 0x%" PRIx64 " cr2 0x%" PRIx64,
			    (uint64_t)v[0], (uint64_t)v[1], (uint64_t)v[2]);
		test_diag("SVM: the MOV completed, #PF error 0x%" PRIx64 " (RSVD) at the access",
			  (uint64_t)v[0]);
		return TEST_PASS;
	}
	TEST_ASSERT(uc.value == 13, "vector %" PRIu64 ", expected #GP", (uint64_t)uc.value);
	TEST_ASSERT(ucall_run_collect(t->vcpu, &uc, v, 4, &n) == UCALL_OTHER_EXIT && n == 4,
		    "type %d, %u reports", uc.type, n);
	TEST_ASSERT(t->vcpu->run->exit_reason == HVM_EXIT_HLT, "exit %s",
		    hvm_exit_reason_str(t->vcpu->run->exit_reason));
	TEST_ASSERT(v[0] == 0 && v[1] == tvm_gpa(t, mov),
		    "#GP error 0x%" PRIx64 " eip 0x%" PRIx64 " (MOV at 0x%llx)",
		    (uint64_t)v[0], (uint64_t)v[1], (unsigned long long)tvm_gpa(t, mov));
	TEST_ASSERT(v[2] == cr3 && !!(v[3] & HVM_CR0_PG) == pg,
		    "after the #GP cr3 0x%" PRIx64 " cr0 0x%" PRIx64, (uint64_t)v[2],
		    (uint64_t)v[3]);
	return TEST_PASS;
}

static enum test_result test_pae_from_protected_mode(void)
{
	enum test_result r;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_PROT32, guest_pae);
	r = check_paged(&t);
	tvm_destroy(&t);
	return r;
}

static enum test_result test_pae_set_sregs(void)
{
	struct hvm_sregs s;
	enum test_result r;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_pae);
	TEST_ASSERT_ERRNO(!pae_enter_sregs(&t, pae_paged), "SET_SREGS into PAE paging");
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &s), "GET_SREGS");
	TEST_ASSERT(s.cr3 == PDPT_A && s.cr4 == HVM_CR4_PAE && !s.efer,
		    "cr3 0x%llx cr4 0x%llx efer 0x%llx", (unsigned long long)s.cr3,
		    (unsigned long long)s.cr4, (unsigned long long)s.efer);
	r = check_paged(&t);
	tvm_destroy(&t);
	return r;
}

static enum test_result test_pae_bad_cr3(void)
{
	enum test_result r;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_pae);
	TEST_ASSERT_ERRNO(!pae_enter_sregs(&t, pae_bad_cr3), "SET_SREGS into PAE paging");
	r = check_bad_pdpte(&t, pae_bad_cr3_mov, pae_bad_cr3_load, PDPT_A, true);
	tvm_destroy(&t);
	return r;
}

static enum test_result test_pae_bad_cr0(void)
{
	enum test_result r;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_PROT32, guest_pae);
	TEST_ASSERT_ERRNO(!pae_install_handlers(&t), "IDT gates");
	TEST_ASSERT_ERRNO(!tvm_set_entry(&t, pae_bad_cr0), "entry");
	r = check_bad_pdpte(&t, pae_bad_cr0_mov, pae_bad_cr0_load, PDPT_BAD, false);
	tvm_destroy(&t);
	return r;
}

static enum test_result test_pae_set_sregs_refuses(void)
{
	static const __u64 bad_cr3[] = { PDPT_BAD, PDPT_RSVD_LOW, 0x10000000 };
	struct hvm_sregs s, before, after;
	unsigned int i;
	enum test_result r;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_pae);
	TEST_ASSERT_ERRNO(!pae_enter_sregs(&t, pae_paged), "SET_SREGS into PAE paging");
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &before), "GET_SREGS");
	for (i = 0; i < ARRAY_SIZE(bad_cr3); i++) {
		TEST_ASSERT_ERRNO(!pae_sregs(&t, &s, bad_cr3[i]), "sregs");
		TEST_ASSERT_FAILS(hvm_vcpu_set_sregs(t.vcpu, &s), EINVAL);
	}
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &after), "GET_SREGS");
	TEST_ASSERT(after.cr3 == before.cr3 && after.cr0 == before.cr0 &&
		    after.cr4 == before.cr4, "refused SET_SREGS changed cr3 to 0x%llx",
		    (unsigned long long)after.cr3);
	/* Reserved bits in a PDPTE that is not present do not count. */
	TEST_ASSERT_ERRNO(!pae_sregs(&t, &s, PDPT_NOT_PRESENT), "sregs");
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_sregs(t.vcpu, &s), "SET_SREGS, PDPTE 3 not present");
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_sregs(t.vcpu, &before), "SET_SREGS back to PDPT_A");
	r = check_paged(&t);
	tvm_destroy(&t);
	return r;
}

static const struct test_case cases[] = {
	{ "PAE paging from protected mode (MOV CR0.PG): 4 KiB and 2 MiB mappings, MOV CR3",
	  test_pae_from_protected_mode },
	{ "SET_SREGS straight into PAE paging loads the PDPTEs from CR3[31:5]",
	  test_pae_set_sregs },
	{ "MOV CR3 with a reserved bit in a present PDPTE: #GP(0), CR3 unchanged (SVM: or #PF RSVD)",
	  test_pae_bad_cr3 },
	{ "MOV CR0.PG into PAE paging with an invalid PDPTE: #GP(0), paging off (SVM: or #PF RSVD)",
	  test_pae_bad_cr0 },
	{ "SET_SREGS refuses invalid or unreadable PDPTEs (EINVAL), state unchanged",
	  test_pae_set_sregs_refuses },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
