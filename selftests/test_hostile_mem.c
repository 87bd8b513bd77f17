// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile guests, memory side (issue 14): a guest that maps and reads the
 * whole guest-physical space through its own page tables (it sees its own
 * memory and MMIO exits, nothing else: no host memory, no other VM's),
 * physical addresses beyond its MAXPHYADDR (#PF with RSVD, SDM 4.7), page
 * tables that reference themselves or alias one region over a huge
 * virtual range, and page tables or an IDT placed in MMIO, where there is
 * no instruction to emulate: hvm ends RUN with HVM_EXIT_INTERNAL_ERROR
 * (HVM_INTERNAL_UNHANDLED_EXIT, the NPF/EPT-violation exit), and the vCPU
 * runs again once user space fixes the state.
 *
 * The guest's own tables live in slot 0 at PT_BASE (free there, below
 * the stack): the window at VA WIN_VA maps one 2 MiB page at a time.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest_c.h"
#include "test.h"

#define VEC_PF		14

#define PTE_P		(1ULL << 0)
#define PTE_W		(1ULL << 1)
#define PTE_PS		(1ULL << 7)

#define PT_BASE		0x100000ULL	/* slot 0: 8 pages of guest tables */
#define WIN_PDPT	(PT_BASE + 0x0000)
#define WIN_PD		(PT_BASE + 0x1000)
#define ALIAS_PDPT	(PT_BASE + 0x2000)
#define ALIAS_PD	(PT_BASE + 0x3000)
#define WIN_VA		(1ULL << 39)	/* PML4 entry 1 */
#define SELF_SLOT	2ULL		/* PML4 entry 2 points at the PML4 */

#define MMIO_MAGIC	0x5a5aa5a5c3c33c3cULL
#define MAX_GPAS	400

/* ---- Guest side ------------------------------------------------------------ */

static inline __u64 *pt(__u64 gpa)
{
	return (__u64 *)gpa;		/* identity map below 4 GiB */
}

static inline void invlpg(__u64 va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static void window_setup(void)
{
	pt(HVM_SYS_PML4)[1] = WIN_PDPT | PTE_P | PTE_W;
	pt(WIN_PDPT)[0] = WIN_PD | PTE_P | PTE_W;
	write_cr3(read_cr3());
}

/* The VA of @gpa through the window (one 2 MiB page). */
static __u64 window_map(__u64 gpa)
{
	pt(WIN_PD)[0] = (gpa & ~0x1fffffULL) | PTE_P | PTE_W | PTE_PS;
	invlpg(WIN_VA);
	return WIN_VA + (gpa & 0x1fffff);
}

static int read_safe(__u64 va, __u64 *value)
{
	__u64 v = 0;

	asm volatile(GUEST_SAFE_BEGIN "mov (%1), %0" GUEST_SAFE_END
		     : "+r"(v) : "r"(va) : "r11", "memory");
	*value = v;
	return guest_fault.vector;
}

/* Set by the host: the GPAs to read, and which of them are RAM. */
static volatile __u64 gpas[MAX_GPAS];
static volatile __u8 gpa_is_ram[MAX_GPAS];
static volatile __u32 nr_gpas;

/* QEMU's TCG leaves P out of a RSVD #PF's error code. */
static volatile bool lax_pf;

static void guest_gpa_scan(void)
{
	__u32 a, b, c, d, i, maxphy;
	__u64 v, va;

	guest_safe_init();
	window_setup();
	for (i = 0; i < nr_gpas; i++) {
		va = window_map(gpas[i]);
		v = *(volatile __u64 *)va;
		if (gpa_is_ram[i])
			GUEST_ASSERT_EQ_MSG(v, *(volatile __u64 *)gpas[i],
					    "RAM through the window differs");
		else
			GUEST_ASSERT_EQ_MSG(v, gpas[i] ^ MMIO_MAGIC,
					    "MMIO read answered by the host");
	}
	/* beyond MAXPHYADDR: a reserved bit in the PDE, #PF with P|RSVD */
	cpuid(0x80000008, 0, &a, &b, &c, &d);
	maxphy = a & 0xff;
	if (maxphy < 52) {
		va = window_map(1ULL << maxphy);
		GUEST_ASSERT_EQ_MSG(read_safe(va, &v), VEC_PF,
				    "a PDE beyond MAXPHYADDR must #PF");
		GUEST_ASSERT_EQ_MSG(guest_fault.error_code & (lax_pf ? 0x8 : 0x9),
				    lax_pf ? 0x8 : 0x9, "#PF error code P and RSVD");
		GUEST_ASSERT_EQ_MSG(guest_fault.cr2, va, "#PF CR2");
	}
	guest_report(maxphy);
}

/* ---- Host side ------------------------------------------------------------- */

static unsigned int host_maxphy(void)
{
	unsigned int a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000008), "c"(0));
	return a & 0xff;
}

/* The MAXPHYADDR hvm offers its guests (CPUID 0x80000008 EAX[7:0]). */
static unsigned int guest_maxphy(void)
{
	struct hvm_cpuid_entry *e;
	struct hvm_cpuid *cpuid;
	unsigned int m = 36;
	int fd = hvm_dev_open();

	if (fd < 0)
		return m;
	cpuid = hvm_dev_get_supported_cpuid(fd);
	if (cpuid) {
		e = hvm_cpuid_find(cpuid, 0x80000008, 0);
		if (e)
			m = e->eax & 0xff;
		free(cpuid);
	}
	close(fd);
	return m;
}

static bool is_ram(const struct tvm *t, __u64 gpa)
{
	return gpa < GUEST_MEM_SIZE ||
	       (gpa >= t->image_gpa && gpa < t->image_gpa + t->image_size);
}

/*
 * The guest reads every 16 MiB below 4 GiB, each power of two from 4 GiB
 * to its MAXPHYADDR and the last 2 MiB page below it: RAM where a slot
 * is, one HVM_EXIT_MMIO read at exactly that address elsewhere; a PDE
 * beyond MAXPHYADDR raises #PF(P|RSVD) in the guest.
 */
static enum test_result test_gpa_scan(void)
{
	static __u64 list[MAX_GPAS];
	static __u8 ram[MAX_GPAS];
	unsigned int n = 0, i, maxphy = guest_maxphy(), mmio = 0;
	struct hvm_run *run;
	struct ucall uc;
	struct tvm t;
	__u64 g;

	lax_pf = test_quirk("tcg-lax-checks");
	if (lax_pf)
		test_diag("emulator quirk tcg-lax-checks: #PF(RSVD) error code P not checked");
	TVM_CREATE_C(&t, guest_gpa_scan);
	for (g = 0; g < (4ULL << 30); g += 16ULL << 20, n++)
		list[n] = g + 0x1000 * (n & 7) + 0x18;
	list[n++] = t.image_gpa + 0x40;
	for (i = 32; i < maxphy && n < MAX_GPAS - 2; i++)
		list[n++] = (1ULL << i) + 0x208;
	list[n++] = (1ULL << maxphy) - 0x1000;
	for (i = 0; i < n; i++)
		ram[i] = is_ram(&t, list[i]);
	memcpy(tvm_image_hva(&t, (const void *)gpas, sizeof(gpas)), list, sizeof(list));
	memcpy(tvm_image_hva(&t, (const void *)gpa_is_ram, sizeof(gpa_is_ram)), ram,
	       sizeof(ram));
	*(__u32 *)tvm_image_hva(&t, (const void *)&nr_gpas, 4) = n;
	run = t.vcpu->run;
	test_watchdog_arm(60);
	for (i = 0; i < n; i++) {
		if (ram[i])
			continue;
		ucall_run(t.vcpu, &uc);
		if (uc.type != UCALL_OTHER_EXIT || run->exit_reason != HVM_EXIT_MMIO) {
			ucall_describe(t.vcpu, &uc);
			return test_fail("GPA 0x%llx: expected an MMIO exit",
					 (unsigned long long)list[i]);
		}
		TEST_ASSERT(!run->mmio.is_write && run->mmio.len == 8 &&
			    run->mmio.phys_addr == list[i],
			    "MMIO exit at 0x%llx len %u write %u, expected a read at 0x%llx",
			    (unsigned long long)run->mmio.phys_addr, run->mmio.len,
			    run->mmio.is_write, (unsigned long long)list[i]);
		g = list[i] ^ MMIO_MAGIC;
		memcpy(run->mmio.data, &g, 8);
		mmio++;
	}
	ucall_run(t.vcpu, &uc);
	if (uc.type != UCALL_REPORT) {
		ucall_describe(t.vcpu, &uc);
		return test_fail("expected the guest's report after the scan");
	}
	test_diag("%u GPAs, %u MMIO exits; guest MAXPHYADDR %llu, host %u", n, mmio,
		  (unsigned long long)uc.value, host_maxphy());
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- Self-referencing and huge aliasing page tables ------------------------ */

static __u64 self_va(__u64 i4, __u64 i3, __u64 i2, __u64 i1)
{
	__u64 va = i4 << 39 | i3 << 30 | i2 << 21 | i1 << 12;

	return va & (1ULL << 47) ? va | 0xffff000000000000ULL : va;
}

static void guest_self_ref(void)
{
	__u64 *pml4 = pt(HVM_SYS_PML4), *alias;
	__u64 x = 0x1234;
	unsigned int i;

	pml4[SELF_SLOT] = HVM_SYS_PML4 | PTE_P | PTE_W;
	write_cr3(read_cr3());
	/* 4 levels through the PML4: the PML4 itself as a 4 KiB page */
	alias = (__u64 *)self_va(SELF_SLOT, SELF_SLOT, SELF_SLOT, SELF_SLOT);
	GUEST_ASSERT_EQ_MSG(alias[0], pml4[0], "PML4 through its own entry");
	alias[5] = 0xabc000 | PTE_P;		/* a write through it lands */
	GUEST_ASSERT_EQ_MSG(pml4[5], 0xabc000 | PTE_P, "write through the self map");
	alias[5] = 0;
	write_cr3(read_cr3());
	/* 3 levels: PML4[0]'s table (the PDPT) as a page */
	alias = (__u64 *)self_va(SELF_SLOT, SELF_SLOT, SELF_SLOT, 0);
	GUEST_ASSERT_EQ_MSG(alias[0], pt(HVM_SYS_PDPT)[0], "PDPT through the self map");

	/* 250 PML4 entries -> one PDPT (512 x) -> one PD of 512 2 MiB pages,
	 * each slot 0: 125 TiB of VA aliasing 2 MiB */
	for (i = 0; i < 512; i++) {
		pt(ALIAS_PD)[i] = 0 | PTE_P | PTE_W | PTE_PS;
		pt(ALIAS_PDPT)[i] = ALIAS_PD | PTE_P | PTE_W;
	}
	for (i = 3; i < 253; i++)
		pml4[i] = ALIAS_PDPT | PTE_P | PTE_W;
	write_cr3(read_cr3());
	*(volatile __u64 *)(GUEST_DATA_GPA) = 0;
	for (i = 0; i < 1000; i++) {
		__u64 va;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		va = ((3 + (x >> 33) % 250) << 39) | (((x >> 20) & 0x3ffff) << 21) |
		     GUEST_DATA_GPA;
		*(volatile __u64 *)va = i;
		GUEST_ASSERT_EQ_MSG(*(volatile __u64 *)(GUEST_DATA_GPA), i,
				    "aliased write seen at the real address");
	}
	for (i = 2; i < 253; i++)
		pml4[i] = 0;
	write_cr3(read_cr3());
}

/* A PML4 entry pointing at the PML4 (the recursive map: reads and writes
 * of the tables through it) and 250 PML4 entries sharing one PDPT of one
 * PD aliasing slot 0 over 125 TiB: the guest finishes (DONE). */
static enum test_result test_self_ref_huge(void)
{
	struct tvm t;

	TVM_CREATE_C(&t, guest_self_ref);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- Page tables and the IDT in MMIO --------------------------------------- */

#define MMIO_TABLE_GPA	0xd0000000ULL

static void guest_pt_in_mmio(void)
{
	window_setup();
	pt(WIN_PDPT)[0] = MMIO_TABLE_GPA | PTE_P | PTE_W;	/* PD in MMIO */
	invlpg(WIN_VA);
	(void)*(volatile __u64 *)WIN_VA;
	GUEST_FAIL("a read through a page table in MMIO completed");
}

static void guest_ud_soon(void)
{
	asm volatile("ud2");
	GUEST_FAIL("#UD returned");
}

/* Runs until the end the case expects: HVM_EXIT_INTERNAL_ERROR, suberror
 * UNHANDLED_EXIT; then the vCPU runs a fresh state to DONE. */
static enum test_result expect_unhandled(struct tvm *t, const char *what)
{
	struct ucall uc;

	ucall_run(t->vcpu, &uc);
	if (uc.type != UCALL_OTHER_EXIT ||
	    t->vcpu->run->exit_reason != HVM_EXIT_INTERNAL_ERROR ||
	    t->vcpu->run->internal.suberror != HVM_INTERNAL_UNHANDLED_EXIT) {
		ucall_describe(t->vcpu, &uc);
		return test_fail("%s: expected HVM_EXIT_INTERNAL_ERROR (unhandled exit)", what);
	}
	test_diag("%s: unhandled exit 0x%llx qualification 0x%llx 0x%llx", what,
		  (unsigned long long)t->vcpu->run->internal.data[0],
		  (unsigned long long)t->vcpu->run->internal.data[1],
		  (unsigned long long)t->vcpu->run->internal.data[2]);
	return TEST_PASS;
}

static void guest_done_now(void)
{
	guest_done();
}

/*
 * A PD in MMIO (the guest's page walk reads MMIO) and an IDT in MMIO (an
 * exception's delivery reads it): no instruction to emulate, RUN ends in
 * HVM_EXIT_INTERNAL_ERROR (unhandled exit), never a hang or a wrong
 * exit; the vCPU then runs a good state to DONE.
 */
static enum test_result test_tables_in_mmio(void)
{
	struct hvm_sregs sregs;
	enum test_result r;
	struct tvm t;

	TVM_CREATE_C(&t, guest_pt_in_mmio);
	r = expect_unhandled(&t, "page table in MMIO");
	if (r != TEST_PASS)
		return r;
	tvm_destroy(&t);

	TVM_CREATE_C(&t, guest_ud_soon);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &sregs), "GET_SREGS");
	sregs.idt.base = MMIO_TABLE_GPA;
	sregs.idt.limit = 0xfff;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_sregs(t.vcpu, &sregs), "SET_SREGS");
	r = expect_unhandled(&t, "IDT in MMIO");
	if (r != TEST_PASS)
		return r;
	tvm_destroy(&t);

	/* and a vCPU of a new VM after those runs normally */
	TVM_CREATE_C(&t, guest_done_now);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "guest-physical scan (every 16 MiB, powers of two to MAXPHYADDR): own RAM or one HVM_EXIT_MMIO at that GPA; beyond MAXPHYADDR #PF(RSVD)",
	  test_gpa_scan },
	{ "self-referencing PML4 and 125 TiB of aliasing huge pages: reads/writes through them land right, DONE",
	  test_self_ref_huge },
	{ "page table or IDT in MMIO: HVM_EXIT_INTERNAL_ERROR (unhandled NPF/EPT exit), no hang",
	  test_tables_in_mmio },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
