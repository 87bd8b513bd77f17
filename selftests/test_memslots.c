// SPDX-License-Identifier: GPL-2.0
/*
 * Memory slots as the guest sees them: shared with the host mapping both
 * ways, gaps and deleted slots become MMIO, read-only slots, slots deleted,
 * re-added and replaced while the VM lives, many slots, aliases, large
 * slots, slots above 4 GiB and at the top of the 48-bit space, and slots
 * moved around the whole space without the nested page tables growing.
 */
#include <cpuid.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "test.h"

#define SLOT1_GPA	(4ULL << 20)
#define SLOT1_SIZE	(1ULL << 20)
#define TABLE_POOL_GPA	(GUEST_DATA_GPA + 0x80000)	/* extra page tables */

/*
 * RBX: address to read, RDI: address to write, RSI: value to write,
 * RCX: count, RDX: stride.
 */
GUEST_ASM(guest_ms, ".code64",
	"ms_read: mov (%rbx), %rax\n\t"
	G_REPORT
	G_DONE
	"ms_write: mov %rsi, (%rdi)\n\t"
	G_DONE
	"ms_read_loop: mov (%rbx), %rax\n\t"
	G_REPORT
	"add %rdx, %rbx\n\t"
	"dec %rcx\n\t"
	"jnz ms_read_loop\n\t"
	G_DONE
	"ms_write_loop: mov %rsi, (%rdi)\n\t"
	"add %rdx, %rdi\n\t"
	"inc %rsi\n\t"
	"dec %rcx\n\t"
	"jnz ms_write_loop\n\t"
	G_DONE
	"ms_touch: invlpg (%rbx)\n\t"
	"mov (%rbx), %rax\n\t"
	G_DONE);
GUEST_LABEL(ms_read);
GUEST_LABEL(ms_write);
GUEST_LABEL(ms_read_loop);
GUEST_LABEL(ms_write_loop);
GUEST_LABEL(ms_touch);

struct ms_args {
	__u64 rbx, rdi, rsi, rcx, rdx;
};

static int ms_call(struct tvm *t, const unsigned char *label, struct ms_args a)
{
	struct hvm_regs regs;

	if (hvm_vcpu_get_regs(t->vcpu, &regs))
		return -1;
	regs.rbx = a.rbx;
	regs.rdi = a.rdi;
	regs.rsi = a.rsi;
	regs.rcx = a.rcx;
	regs.rdx = a.rdx;
	regs.rip = tvm_gpa(t, label);
	return hvm_vcpu_set_regs(t->vcpu, &regs);
}

/* The guest reads the qword at gpa; *value is what it saw. */
static enum test_result guest_read(struct tvm *t, __u64 gpa, __u64 *value)
{
	struct ucall uc;

	TEST_ASSERT_ERRNO(!ms_call(t, ms_read, (struct ms_args){ .rbx = gpa }), "SET_REGS");
	EXPECT_UCALL(t->vcpu, &uc, UCALL_REPORT);
	*value = uc.value;
	EXPECT_UCALL(t->vcpu, &uc, UCALL_DONE);
	return TEST_PASS;
}

static enum test_result guest_write(struct tvm *t, __u64 gpa, __u64 value)
{
	struct ucall uc;

	TEST_ASSERT_ERRNO(!ms_call(t, ms_write, (struct ms_args){ .rdi = gpa, .rsi = value }),
			  "SET_REGS");
	EXPECT_UCALL(t->vcpu, &uc, UCALL_DONE);
	return TEST_PASS;
}

/* The guest's read of gpa must exit as an MMIO read. */
static enum test_result guest_read_is_mmio(struct tvm *t, __u64 gpa)
{
	struct hvm_run *run = t->vcpu->run;
	__u64 fake = 0x0bad0bad0bad0badULL;
	struct ucall uc;

	TEST_ASSERT_ERRNO(!ms_call(t, ms_read, (struct ms_args){ .rbx = gpa }), "SET_REGS");
	EXPECT_UCALL(t->vcpu, &uc, UCALL_OTHER_EXIT);
	TEST_ASSERT(run->exit_reason == HVM_EXIT_MMIO && !run->mmio.is_write &&
		    run->mmio.phys_addr == gpa && run->mmio.len == 8,
		    "exit %s %s gpa 0x%" PRIx64 " len %u, expected MMIO read of 0x%" PRIx64,
		    hvm_exit_reason_str(run->exit_reason),
		    run->mmio.is_write ? "write" : "read",
		    (uint64_t)run->mmio.phys_addr, run->mmio.len, (uint64_t)gpa);
	memcpy(run->mmio.data, &fake, 8);
	EXPECT_UCALL(t->vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT(uc.value == fake, "the read returned 0x%" PRIx64, (uint64_t)uc.value);
	EXPECT_UCALL(t->vcpu, &uc, UCALL_DONE);
	return TEST_PASS;
}

#define CHECK(call)								\
	do {									\
		enum test_result __r = (call);					\
		if (__r != TEST_PASS)						\
			return __r;						\
	} while (0)

static enum test_result test_guest_writes_visible(void)
{
	unsigned char *slot1;
	struct ucall uc;
	unsigned int i;
	struct tvm t;
	__u64 q;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ms);
	slot1 = hvm_vm_add_memory(t.vm, 1, SLOT1_GPA, SLOT1_SIZE, 0);
	TEST_ASSERT_ERRNO(slot1, "slot 1");
	/* one qword every 4 KiB + 8 over all of slot 1 */
	TEST_ASSERT_ERRNO(!ms_call(&t, ms_write_loop, (struct ms_args){
		.rdi = SLOT1_GPA, .rsi = 0x1000, .rcx = 255, .rdx = 4096 + 8 }), "SET_REGS");
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	for (i = 0; i < 255; i++) {
		memcpy(&q, slot1 + i * (4096 + 8), 8);
		TEST_ASSERT(q == 0x1000 + i, "qword %u is 0x%" PRIx64, i, (uint64_t)q);
	}
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_host_writes_visible(void)
{
	unsigned char *slot1;
	struct tvm t;
	__u64 q, v;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ms);
	slot1 = hvm_vm_add_memory(t.vm, 1, SLOT1_GPA, SLOT1_SIZE, 0);
	TEST_ASSERT_ERRNO(slot1, "slot 1");
	q = 0x1234567890abcdefULL;
	memcpy(slot1 + 0x8000, &q, 8);
	CHECK(guest_read(&t, SLOT1_GPA + 0x8000, &v));
	TEST_ASSERT(v == q, "guest read 0x%" PRIx64, (uint64_t)v);
	/* a change between two runs is seen too */
	q = ~q;
	memcpy(slot1 + 0x8000, &q, 8);
	CHECK(guest_read(&t, SLOT1_GPA + 0x8000, &v));
	TEST_ASSERT(v == q, "guest read a stale 0x%" PRIx64, (uint64_t)v);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_gap_is_mmio(void)
{
	struct tvm t;
	__u64 v;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ms);
	TEST_ASSERT_ERRNO(hvm_vm_add_memory(t.vm, 1, SLOT1_GPA, SLOT1_SIZE, 0), "slot 1");
	/* between slot 0 (ends at 2 MiB) and slot 1 (starts at 4 MiB) */
	CHECK(guest_read_is_mmio(&t, GUEST_MEM_SIZE));
	CHECK(guest_read_is_mmio(&t, SLOT1_GPA - 8));
	/* right after slot 1 */
	CHECK(guest_read_is_mmio(&t, SLOT1_GPA + SLOT1_SIZE));
	/* but slot 1 itself is RAM */
	CHECK(guest_read(&t, SLOT1_GPA, &v));
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_readonly_reads(void)
{
	unsigned char *ro;
	struct tvm t;
	__u64 q = 0xfeedfacecafebeefULL, v;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ms);
	ro = hvm_vm_add_memory(t.vm, 1, SLOT1_GPA, SLOT1_SIZE, HVM_MEM_READONLY);
	TEST_ASSERT_ERRNO(ro, "read-only slot 1");
	memcpy(ro + 0x10, &q, 8);
	CHECK(guest_read(&t, SLOT1_GPA + 0x10, &v));
	TEST_ASSERT(v == q, "guest read 0x%" PRIx64, (uint64_t)v);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_readonly_writes_exit(void)
{
	struct hvm_run *run;
	unsigned char *ro;
	struct ucall uc;
	unsigned int i;
	struct tvm t;
	__u64 data, q = 0x1111111111111111ULL;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ms);
	run = t.vcpu->run;
	ro = hvm_vm_add_memory(t.vm, 1, SLOT1_GPA, SLOT1_SIZE, HVM_MEM_READONLY);
	TEST_ASSERT_ERRNO(ro, "read-only slot 1");
	memcpy(ro + 0x20, &q, 8);
	/* twice: a write exit must not make the page writable */
	for (i = 0; i < 2; i++) {
		TEST_ASSERT_ERRNO(!ms_call(&t, ms_write, (struct ms_args){
			.rdi = SLOT1_GPA + 0x20, .rsi = 0xabcdef0123456789ULL }), "SET_REGS");
		EXPECT_UCALL(t.vcpu, &uc, UCALL_OTHER_EXIT);
		TEST_ASSERT(run->exit_reason == HVM_EXIT_MMIO && run->mmio.is_write &&
			    run->mmio.phys_addr == SLOT1_GPA + 0x20 && run->mmio.len == 8,
			    "exit %s gpa 0x%" PRIx64, hvm_exit_reason_str(run->exit_reason),
			    (uint64_t)run->mmio.phys_addr);
		memcpy(&data, run->mmio.data, 8);
		TEST_ASSERT(data == 0xabcdef0123456789ULL, "data 0x%" PRIx64, (uint64_t)data);
		EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
		memcpy(&data, ro + 0x20, 8);
		TEST_ASSERT(data == q, "read-only memory changed to 0x%" PRIx64, (uint64_t)data);
	}
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_deleted_slot_is_mmio(void)
{
	struct tvm t;
	__u64 v;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ms);
	TEST_ASSERT_ERRNO(hvm_vm_add_memory(t.vm, 1, SLOT1_GPA, SLOT1_SIZE, 0), "slot 1");
	CHECK(guest_read(&t, SLOT1_GPA + 0x100, &v));
	TEST_ASSERT_ERRNO(!hvm_vm_remove_memory(t.vm, 1), "deleting slot 1");
	CHECK(guest_read_is_mmio(&t, SLOT1_GPA + 0x100));
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_readded_slot_new_contents(void)
{
	unsigned char *a, *b;
	struct tvm t;
	__u64 qa = 0xaaaaaaaaaaaaaaaaULL, qb = 0xbbbbbbbbbbbbbbbbULL, v;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ms);
	a = hvm_vm_add_memory(t.vm, 1, SLOT1_GPA, SLOT1_SIZE, 0);
	TEST_ASSERT_ERRNO(a, "slot 1");
	memcpy(a + 0x40, &qa, 8);
	CHECK(guest_read(&t, SLOT1_GPA + 0x40, &v));
	TEST_ASSERT(v == qa, "first read 0x%" PRIx64, (uint64_t)v);
	TEST_ASSERT_ERRNO(!hvm_vm_remove_memory(t.vm, 1), "deleting slot 1");
	b = hvm_vm_add_memory(t.vm, 7, SLOT1_GPA, SLOT1_SIZE, 0);
	TEST_ASSERT_ERRNO(b, "slot 7 at the same place");
	memcpy(b + 0x40, &qb, 8);
	CHECK(guest_read(&t, SLOT1_GPA + 0x40, &v));
	TEST_ASSERT(v == qb, "the guest still sees 0x%" PRIx64 " after re-adding",
		    (uint64_t)v);
	/* and guest writes go to the new memory */
	CHECK(guest_write(&t, SLOT1_GPA + 0x48, 0x4848484848484848ULL));
	memcpy(&v, b + 0x48, 8);
	TEST_ASSERT(v == 0x4848484848484848ULL, "new memory holds 0x%" PRIx64, (uint64_t)v);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_replaced_slot(void)
{
	unsigned char *a, *b;
	struct tvm t;
	__u64 qb = 0x0102030405060708ULL, v;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ms);
	a = hvm_vm_add_memory(t.vm, 1, SLOT1_GPA, SLOT1_SIZE, 0);
	TEST_ASSERT_ERRNO(a, "slot 1");
	CHECK(guest_write(&t, SLOT1_GPA + SLOT1_SIZE - 8, 1));
	b = mmap(NULL, SLOT1_SIZE / 2, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT_ERRNO(b != MAP_FAILED, "mmap");
	memcpy(b, &qb, 8);
	/* same slot, new backing memory, half the size */
	TEST_ASSERT_ERRNO(!hvm_vm_set_region(t.vm, 1, SLOT1_GPA, SLOT1_SIZE / 2, 0, b),
			  "replacing slot 1");
	CHECK(guest_read(&t, SLOT1_GPA, &v));
	TEST_ASSERT(v == qb, "the guest sees 0x%" PRIx64 " after the replacement",
		    (uint64_t)v);
	CHECK(guest_read_is_mmio(&t, SLOT1_GPA + SLOT1_SIZE - 8));
	tvm_destroy(&t);
	munmap(b, SLOT1_SIZE / 2);
	return TEST_PASS;
}

static enum test_result test_all_slots(void)
{
	struct hvm_info info;
	unsigned char *mem[64];
	__u64 v[64];
	struct ucall uc;
	unsigned int i, n;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ms);
	TEST_ASSERT_ERRNO(!hvm_dev_get_info(t.vm->dev_fd, &info), "GET_INFO");
	TEST_ASSERT(info.max_slots <= ARRAY_SIZE(mem), "max_slots %u", info.max_slots);
	/* slot 0 holds the code; slots 1.. are 64 KiB each from 4 MiB */
	for (i = 1; i < info.max_slots; i++) {
		__u64 q = 0x5107000000000000ULL | i;

		mem[i] = hvm_vm_add_memory(t.vm, i, SLOT1_GPA + (i - 1) * 0x10000,
					   0x10000, 0);
		TEST_ASSERT_ERRNO(mem[i], "slot %u", i);
		memcpy(mem[i] + 0x10000 - 8, &q, 8);
	}
	TEST_ASSERT_ERRNO(!ms_call(&t, ms_read_loop, (struct ms_args){
		.rbx = SLOT1_GPA + 0x10000 - 8, .rcx = info.max_slots - 1,
		.rdx = 0x10000 }), "SET_REGS");
	TEST_ASSERT(ucall_run_collect(t.vcpu, &uc, v, ARRAY_SIZE(v), &n) == UCALL_DONE &&
		    n == info.max_slots - 1, "type %d, %u reports", uc.type, n);
	for (i = 1; i < info.max_slots; i++)
		TEST_ASSERT(v[i - 1] == (0x5107000000000000ULL | i), "slot %u reads 0x%" PRIx64,
			    i, (uint64_t)v[i - 1]);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* Two guest-physical ranges backed by the same host memory. */
static enum test_result test_aliased_slots(void)
{
	unsigned char *mem;
	struct tvm t;
	__u64 v;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ms);
	mem = hvm_vm_add_memory(t.vm, 1, SLOT1_GPA, SLOT1_SIZE, 0);
	TEST_ASSERT_ERRNO(mem, "slot 1");
	TEST_ASSERT_ERRNO(!hvm_vm_set_region(t.vm, 2, 2 * SLOT1_GPA, SLOT1_SIZE, 0, mem),
			  "slot 2 aliasing slot 1");
	CHECK(guest_write(&t, SLOT1_GPA + 0x300, 0x7777777788888888ULL));
	CHECK(guest_read(&t, 2 * SLOT1_GPA + 0x300, &v));
	TEST_ASSERT(v == 0x7777777788888888ULL, "the alias reads 0x%" PRIx64, (uint64_t)v);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_large_slot(void)
{
	const __u64 size = 64ULL << 20, gpa = 64ULL << 20;
	unsigned char *mem;
	struct tvm t;
	__u64 v;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ms);
	mem = hvm_vm_add_memory(t.vm, 1, gpa, size, 0);
	if (!mem && (errno == ENOMEM))
		return test_skip("64 MiB of guest memory is not available");
	TEST_ASSERT_ERRNO(mem, "a 64 MiB slot");
	CHECK(guest_write(&t, gpa, 0x1f1f1f1f));
	CHECK(guest_write(&t, gpa + size - 8, 0x2e2e2e2e));
	CHECK(guest_write(&t, gpa + size / 2 + 4096 - 4, 0x3d3d3d3d3d3d3d3dULL));
	memcpy(&v, mem, 8);
	TEST_ASSERT(v == 0x1f1f1f1f, "first qword 0x%" PRIx64, (uint64_t)v);
	memcpy(&v, mem + size - 8, 8);
	TEST_ASSERT(v == 0x2e2e2e2e, "last qword 0x%" PRIx64, (uint64_t)v);
	memcpy(&v, mem + size / 2 + 4096 - 4, 8);
	TEST_ASSERT(v == 0x3d3d3d3d3d3d3d3dULL, "page-crossing qword 0x%" PRIx64,
		    (uint64_t)v);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* Identity-maps the 2 MiB page at gpa in the guest page tables. */
static int map_2m(struct tvm *t, __u64 gpa, __u64 *pool)
{
	__u64 table = HVM_SYS_PML4, *entry;
	unsigned int level, shift;

	for (level = 4, shift = 39; level > 2; level--, shift -= 9) {
		entry = hvm_vm_gpa_to_hva(t->vm, table + ((gpa >> shift) & 511) * 8, 8);
		if (!entry)
			return -1;
		if (!(*entry & 1)) {
			*entry = *pool | 3;
			*pool += 4096;
		}
		table = *entry & ~0xfffULL;
	}
	entry = hvm_vm_gpa_to_hva(t->vm, table + ((gpa >> 21) & 511) * 8, 8);
	if (!entry)
		return -1;
	*entry = (gpa & ~((2ULL << 20) - 1)) | 0x83;
	return 0;
}

static enum test_result check_high_slot(__u64 gpa)
{
	__u64 pool = TABLE_POOL_GPA, v;
	unsigned char *mem;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ms);
	mem = hvm_vm_add_memory(t.vm, 1, gpa, 2ULL << 20, 0);
	TEST_ASSERT_ERRNO(mem, "a slot at 0x%" PRIx64, (uint64_t)gpa);
	TEST_ASSERT_ERRNO(!map_2m(&t, gpa, &pool), "page tables");
	CHECK(guest_write(&t, gpa + 0x1238, 0x4a4a4a4a4a4a4a4aULL));
	memcpy(&v, mem + 0x1238, 8);
	TEST_ASSERT(v == 0x4a4a4a4a4a4a4a4aULL, "host sees 0x%" PRIx64, (uint64_t)v);
	v = 0x5b5b5b5b5b5b5b5bULL;
	memcpy(mem + (2ULL << 20) - 8, &v, 8);
	CHECK(guest_read(&t, gpa + (2ULL << 20) - 8, &v));
	TEST_ASSERT(v == 0x5b5b5b5b5b5b5b5bULL, "guest sees 0x%" PRIx64, (uint64_t)v);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_slot_above_4g(void)
{
	return check_high_slot(0x100000000ULL + (6ULL << 20));
}

/*
 * The guest can address what CPUID 0x80000008 says (it sees the host's
 * value): 40 bits under QEMU's EPYC model, up to 48 on hardware.
 */
static enum test_result test_slot_at_top_of_guest_phys(void)
{
	unsigned int a, b, c, d, bits;

	__cpuid(0x80000008, a, b, c, d);
	bits = a & 0xff;
	if (bits > 47)
		bits = 47;
	return check_high_slot((1ULL << bits) - (2ULL << 20));
}

/* The guest's address bits (CPUID 0x80000008, the host's value), at most 48. */
static unsigned int guest_phys_bits(void)
{
	unsigned int a, b, c, d;

	__cpuid(0x80000008, a, b, c, d);
	return (a & 0xff) > 48 ? 48 : a & 0xff;
}

/* The VM's nested page table pages (debugfs), or -1. */
static long tdp_tables(struct tvm *t)
{
	return tvm_debugfs_read(t, "tdp_tables");
}

#define MOVE_WINDOW	0x8000000000ULL	/* PML4 entry 1: free in libhvm */
#define MOVE_SLOT	5
#define MOVE_ROUNDS	1500

/* The guest's 2 MiB page at MOVE_WINDOW maps the one holding gpa. */
static void move_window_map(struct tvm *t, __u64 gpa)
{
	__u64 *pd = hvm_vm_gpa_to_hva(t->vm, TABLE_POOL_GPA + 0x1000, 4096);

	pd[0] = (gpa & ~((2ULL << 20) - 1)) | 0x83;
}

/* The guest reads gpa through the window: the NPT/EPT maps it. */
static enum test_result move_touch(struct tvm *t, __u64 gpa)
{
	struct ucall uc;

	move_window_map(t, gpa);
	TEST_ASSERT_ERRNO(!ms_call(t, ms_touch, (struct ms_args){
			.rbx = MOVE_WINDOW + (gpa & ((2ULL << 20) - 1)) }),
			  "SET_REGS");
	EXPECT_UCALL(t->vcpu, &uc, UCALL_DONE);
	return TEST_PASS;
}

static int move_slot(struct tvm *t, __u64 gpa, __u64 size, void *hva)
{
	return hvm_vm_set_region(t->vm, MOVE_SLOT, gpa, size, 0, hva);
}

/* A page-aligned GPA in [4 GiB, top - 4 KiB), spread over the space. */
static __u64 move_gpa(__u64 *seed, unsigned int bits)
{
	__u64 span = (1ULL << bits) - (4ULL << 30) - 4096;

	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((4ULL << 30) + (*seed >> 16) % span) & ~4095ULL;
}

/*
 * A slot added, touched by the guest, moved elsewhere, touched, and
 * deleted, at GPAs spread over the guest's whole physical space: after
 * each deletion the nested page tables are as many pages as before (the
 * tables the slot needed are freed, not only their entries cleared).
 */
static enum test_result test_moved_slots_free_tables(void)
{
	unsigned int bits = guest_phys_bits(), i;
	__u64 seed = 0x1234567, *pml4, *pdpt, gpa;
	time_t start = time(NULL);
	long base, n;
	void *page;
	struct tvm t;

	test_watchdog_arm(60);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT_ERRNO(page != MAP_FAILED, "mmap");
	TVM_CREATE(&t, HVM_MODE_LONG64, guest_ms);
	if (tdp_tables(&t) < 0) {
		tvm_destroy(&t);
		munmap(page, 4096);
		return test_skip("no debugfs hvm/<pid>-<fd>/tdp_tables");
	}
	pml4 = hvm_vm_gpa_to_hva(t.vm, HVM_SYS_PML4, 4096);
	pdpt = hvm_vm_gpa_to_hva(t.vm, TABLE_POOL_GPA, 4096);
	TEST_ASSERT(pml4 && pdpt, "guest page tables");
	/* MOVE_WINDOW: PML4 -> the pool's PDPT page -> its PD page. */
	pml4[MOVE_WINDOW >> 39] = TABLE_POOL_GPA | 3;
	pdpt[0] = (TABLE_POOL_GPA + 0x1000) | 3;
	/* Warm up: the guest's own pages (the window's tables) are mapped. */
	CHECK(move_touch(&t, GUEST_DATA_GPA));
	base = tdp_tables(&t);
	test_diag("%u address bits, %ld table pages to start with", bits, base);

	for (i = 0; i < MOVE_ROUNDS; i++) {
		gpa = move_gpa(&seed, bits);
		TEST_ASSERT_ERRNO(!move_slot(&t, gpa, 4096, page),
				  "round %u: a slot at 0x%" PRIx64, i, (uint64_t)gpa);
		CHECK(move_touch(&t, gpa));
		n = tdp_tables(&t);
		TEST_ASSERT(n > base, "round %u: touching 0x%" PRIx64
			    " made no table (%ld, %ld before)", i, (uint64_t)gpa, n, base);
		gpa = move_gpa(&seed, bits);
		TEST_ASSERT_ERRNO(!move_slot(&t, gpa, 4096, page),
				  "round %u: moving it to 0x%" PRIx64, i, (uint64_t)gpa);
		CHECK(move_touch(&t, gpa));
		TEST_ASSERT_ERRNO(!move_slot(&t, 0, 0, NULL), "round %u: delete", i);
		n = tdp_tables(&t);
		TEST_ASSERT(n == base, "round %u: %ld table pages after the slot "
			    "went, %ld before it", i, n, base);
	}
	test_diag("%u rounds in %ld s", MOVE_ROUNDS, (long)(time(NULL) - start));
	tvm_destroy(&t);
	munmap(page, 4096);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "guest writes are visible through the host mapping", test_guest_writes_visible },
	{ "host writes are visible to the guest, also between runs",
	  test_host_writes_visible },
	{ "reads in a gap between slots exit as MMIO; slots are RAM", test_gap_is_mmio },
	{ "a read-only slot: guest reads see its contents", test_readonly_reads },
	{ "a read-only slot: guest writes exit as MMIO writes, memory unchanged",
	  test_readonly_writes_exit },
	{ "a deleted slot: guest accesses exit as MMIO", test_deleted_slot_is_mmio },
	{ "a slot deleted and re-added: the guest sees the new memory",
	  test_readded_slot_new_contents },
	{ "a slot replaced with new memory and size: new contents, tail is MMIO",
	  test_replaced_slot },
	{ "all max_slots slots at once, each seen by the guest", test_all_slots },
	{ "two slots backed by the same host memory alias", test_aliased_slots },
	{ "a 64 MiB slot: first, last and page-crossing accesses", test_large_slot },
	{ "a slot above 4 GiB", test_slot_above_4g },
	{ "a slot at the top of the guest-physical address space",
	  test_slot_at_top_of_guest_phys },
	{ "a slot moved around the whole space: table pages return to the baseline",
	  test_moved_slots_free_tables },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
