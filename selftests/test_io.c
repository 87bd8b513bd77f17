// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits: IN and OUT of each size with immediate and DX ports,
 * rep ins/outs of each size (data in order, long ones split into several
 * exits), in real, 32-bit and 64-bit mode.
 */
#include <inttypes.h>
#include <string.h>

#include "guest.h"
#include "test.h"

#define REP_PORT	0x60
#define REP_SRC_GPA	GUEST_DATA_GPA
#define REP_DST_GPA	(GUEST_DATA_GPA + 0x20000)
#define REP_MAX_BYTES	0x10000

/* Each entry does one access and finishes; RAX starts as all ones. */
GUEST_ASM(guest_io64, ".code64",
	"io_outb: mov $0x5a, %al\n\t"
	"out %al, $0x70\n\t"
	"jmp io_done\n"
	"io_outw: mov $0xbeef, %ax\n\t"
	"out %ax, $0x72\n\t"
	"jmp io_done\n"
	"io_outl: mov $0xdeadbeef, %eax\n\t"
	"out %eax, $0x74\n\t"
	"jmp io_done\n"
	"io_out_dx: mov $0x1234, %dx\n\t"
	"mov $0xa5, %al\n\t"
	"out %al, %dx\n\t"
	"jmp io_done\n"
	"io_inb: in $0x70, %al\n\t"
	"jmp io_report\n"
	"io_inw: in $0x72, %ax\n\t"
	"jmp io_report\n"
	"io_inl: in $0x74, %eax\n\t"
	"jmp io_report\n"
	"io_in_dx: mov $0xcfc, %dx\n\t"
	"in %dx, %eax\n\t"
	"jmp io_report\n"
	/* rep entries: the test sets RCX, RDX, RSI, RDI */
	"io_rep_outsb: rep outsb\n\t"
	"jmp io_rep_done\n"
	"io_rep_outsw: rep outsw\n\t"
	"jmp io_rep_done\n"
	"io_rep_outsd: rep outsl\n\t"
	"jmp io_rep_done\n"
	"io_rep_insb: rep insb\n\t"
	"jmp io_rep_done\n"
	"io_rep_insw: rep insw\n\t"
	"jmp io_rep_done\n"
	"io_rep_insd: rep insl\n\t"
	"jmp io_rep_done\n"
	"io_rep_done: mov %rcx, %rax\n\t"
	G_REPORT
	"mov %rsi, %rax\n\t"
	G_REPORT
	"mov %rdi, %rax\n\t"
	G_REPORT
	"jmp io_done\n"
	"io_report: " G_REPORT
	"io_done: " G_DONE);
GUEST_LABEL(io_outb);
GUEST_LABEL(io_outw);
GUEST_LABEL(io_outl);
GUEST_LABEL(io_out_dx);
GUEST_LABEL(io_inb);
GUEST_LABEL(io_inw);
GUEST_LABEL(io_inl);
GUEST_LABEL(io_in_dx);
GUEST_LABEL(io_rep_outsb);
GUEST_LABEL(io_rep_outsw);
GUEST_LABEL(io_rep_outsd);
GUEST_LABEL(io_rep_insb);
GUEST_LABEL(io_rep_insw);
GUEST_LABEL(io_rep_insd);

/* Real mode: OUT, IN, and rep outsb reading DS:SI. */
GUEST_ASM(guest_io16, ".code16",
	"mov $0x42, %al\n\t"
	"out %al, $0x70\n\t"
	"in $0x72, %ax\n\t"
	G_REPORT16
	"cld\n\t"
	"mov $(io16_text - guest_io16_start), %si\n\t"
	"mov $5, %cx\n\t"
	"mov $" STR(REP_PORT) ", %dx\n\t"
	"rep outsb\n\t"
	G_DONE16
	"io16_text: .ascii \"hello\"\n");

/* 32-bit mode: OUT word to DX, IN dword. */
GUEST_ASM(guest_io32, ".code32",
	"mov $0x3f8, %dx\n\t"
	"mov $0x1234, %ax\n\t"
	"out %ax, %dx\n\t"
	"in $0x74, %eax\n\t"
	G_REPORT
	G_DONE);

static struct hvm_run *io_exit(struct hvm_vcpu *vcpu)
{
	struct ucall uc;

	if (ucall_run(vcpu, &uc) != UCALL_OTHER_EXIT ||
	    vcpu->run->exit_reason != HVM_EXIT_IO) {
		ucall_describe(vcpu, &uc);
		return NULL;
	}
	return vcpu->run;
}

static void *io_data(struct hvm_run *run)
{
	return (char *)run + run->io.data_offset;
}

static bool io_data_offset_ok(struct hvm_run *run)
{
	return run->io.data_offset >= sizeof(*run) &&
	       run->io.data_offset + (__u64)run->io.count * run->io.size <= 4096;
}

static int start_at(struct tvm *t, const unsigned char *label)
{
	struct hvm_regs regs;

	if (hvm_vcpu_get_regs(t->vcpu, &regs))
		return -1;
	regs.rax = ~0ULL;
	regs.rip = tvm_gpa(t, label);
	return hvm_vcpu_set_regs(t->vcpu, &regs);
}

static enum test_result check_out(const unsigned char *label, __u16 port,
				  __u8 size, __u32 value)
{
	struct hvm_run *run;
	struct ucall uc;
	__u32 got = 0;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_io64);
	TEST_ASSERT_ERRNO(!start_at(&t, label), "setting RIP");
	run = io_exit(t.vcpu);
	TEST_ASSERT(run, "no I/O exit");
	TEST_ASSERT(run->io.direction == HVM_EXIT_IO_OUT && run->io.port == port &&
		    run->io.size == size && run->io.count == 1,
		    "dir %u port 0x%x size %u count %u", run->io.direction,
		    run->io.port, run->io.size, run->io.count);
	TEST_ASSERT(io_data_offset_ok(run), "data_offset %" PRIu64,
		    (uint64_t)run->io.data_offset);
	memcpy(&got, io_data(run), size);
	TEST_ASSERT(got == value, "data 0x%x, expected 0x%x", got, value);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result check_in(const unsigned char *label, __u16 port,
				 __u8 size, __u32 value, __u64 expected_rax)
{
	struct hvm_run *run;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_io64);
	TEST_ASSERT_ERRNO(!start_at(&t, label), "setting RIP");
	run = io_exit(t.vcpu);
	TEST_ASSERT(run, "no I/O exit");
	TEST_ASSERT(run->io.direction == HVM_EXIT_IO_IN && run->io.port == port &&
		    run->io.size == size && run->io.count == 1,
		    "dir %u port 0x%x size %u count %u", run->io.direction,
		    run->io.port, run->io.size, run->io.count);
	TEST_ASSERT(io_data_offset_ok(run), "data_offset %" PRIu64,
		    (uint64_t)run->io.data_offset);
	memcpy(io_data(run), &value, size);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT(uc.value == expected_rax, "rax 0x%" PRIx64 ", expected 0x%" PRIx64,
		    (uint64_t)uc.value, (uint64_t)expected_rax);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_outb(void)
{
	return check_out(io_outb, 0x70, 1, 0x5a);
}

static enum test_result test_outw(void)
{
	return check_out(io_outw, 0x72, 2, 0xbeef);
}

static enum test_result test_outl(void)
{
	return check_out(io_outl, 0x74, 4, 0xdeadbeef);
}

static enum test_result test_out_dx(void)
{
	return check_out(io_out_dx, 0x1234, 1, 0xa5);
}

/* IN to AL/AX keeps the rest of RAX; IN to EAX zero-extends. */
static enum test_result test_inb(void)
{
	return check_in(io_inb, 0x70, 1, 0x3c, 0xffffffffffffff3cULL);
}

static enum test_result test_inw(void)
{
	return check_in(io_inw, 0x72, 2, 0x1357, 0xffffffffffff1357ULL);
}

static enum test_result test_inl(void)
{
	return check_in(io_inl, 0x74, 4, 0x89abcdef, 0x89abcdefULL);
}

static enum test_result test_in_dx(void)
{
	return check_in(io_in_dx, 0xcfc, 4, 0x80001234, 0x80001234ULL);
}

static void fill_pattern(unsigned char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 7 + seed + (i >> 8));
}

/*
 * rep outs/ins of count elements of size bytes through REP_PORT; the
 * kernel may split it into several exits of at most HVM_RUN_IO_DATA_MAX
 * bytes, which must come in order and add up.
 */
static enum test_result check_rep(const unsigned char *label, __u8 size,
				  __u32 count, bool out)
{
	static unsigned char expected[REP_MAX_BYTES], seen[REP_MAX_BYTES];
	size_t total = (size_t)size * count, done = 0;
	unsigned int nr_exits = 0, nr_reports = 0;
	struct hvm_regs regs;
	struct hvm_run *run;
	struct ucall uc;
	__u64 rep[3];
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_io64);
	run = t.vcpu->run;
	fill_pattern(expected, total, count + size);
	if (out)
		memcpy(t.mem + REP_SRC_GPA, expected, total);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(t.vcpu, &regs), "GET_REGS");
	regs.rip = tvm_gpa(&t, label);
	regs.rcx = count;
	regs.rdx = REP_PORT;
	regs.rsi = REP_SRC_GPA;
	regs.rdi = REP_DST_GPA;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_regs(t.vcpu, &regs), "SET_REGS");

	for (;;) {
		enum ucall_type type = ucall_run(t.vcpu, &uc);
		size_t bytes;

		if (type == UCALL_DONE)
			break;
		if (type == UCALL_REPORT) {
			if (nr_reports < 3)
				rep[nr_reports] = uc.value;
			nr_reports++;
			continue;
		}
		if (type != UCALL_OTHER_EXIT || run->exit_reason != HVM_EXIT_IO) {
			ucall_describe(t.vcpu, &uc);
			return test_fail("unexpected exit after %zu of %zu bytes",
					 done, total);
		}
		TEST_ASSERT(run->io.port == REP_PORT && run->io.size == size &&
			    run->io.direction == (out ? HVM_EXIT_IO_OUT : HVM_EXIT_IO_IN),
			    "port 0x%x size %u dir %u", run->io.port, run->io.size,
			    run->io.direction);
		bytes = (size_t)run->io.count * size;
		TEST_ASSERT(run->io.count >= 1 && bytes <= HVM_RUN_IO_DATA_MAX &&
			    done + bytes <= total, "count %u after %zu of %zu bytes",
			    run->io.count, done, total);
		TEST_ASSERT(io_data_offset_ok(run), "data_offset %" PRIu64,
			    (uint64_t)run->io.data_offset);
		if (out)
			memcpy(seen + done, io_data(run), bytes);
		else
			memcpy(io_data(run), expected + done, bytes);
		done += bytes;
		nr_exits++;
	}
	TEST_ASSERT(done == total, "%zu of %zu bytes transferred", done, total);
	TEST_ASSERT(nr_reports == 3, "%u reports", nr_reports);
	TEST_ASSERT(rep[0] == 0, "rcx 0x%" PRIx64 " after the rep", (uint64_t)rep[0]);
	if (out) {
		TEST_ASSERT(!memcmp(seen, expected, total), "OUT data differs or out of order");
		TEST_ASSERT(rep[1] == REP_SRC_GPA + total, "rsi 0x%" PRIx64,
			    (uint64_t)rep[1]);
	} else {
		TEST_ASSERT(!memcmp(t.mem + REP_DST_GPA, expected, total),
			    "guest memory differs from the IN data");
		TEST_ASSERT(t.mem[REP_DST_GPA + total] == 0, "wrote past the end");
		TEST_ASSERT(rep[2] == REP_DST_GPA + total, "rdi 0x%" PRIx64,
			    (uint64_t)rep[2]);
	}
	if (total > HVM_RUN_IO_DATA_MAX)
		test_diag("%zu bytes in %u exits", total, nr_exits);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_rep_outsb(void)
{
	return check_rep(io_rep_outsb, 1, 16, true);
}

static enum test_result test_rep_outsw(void)
{
	return check_rep(io_rep_outsw, 2, 33, true);
}

static enum test_result test_rep_outsd(void)
{
	return check_rep(io_rep_outsd, 4, 64, true);
}

static enum test_result test_rep_insb(void)
{
	return check_rep(io_rep_insb, 1, 16, false);
}

static enum test_result test_rep_insw(void)
{
	return check_rep(io_rep_insw, 2, 33, false);
}

static enum test_result test_rep_insd(void)
{
	return check_rep(io_rep_insd, 4, 64, false);
}

static enum test_result test_rep_outsb_long(void)
{
	return check_rep(io_rep_outsb, 1, 10000, true);
}

static enum test_result test_rep_insb_long(void)
{
	return check_rep(io_rep_insb, 1, 10000, false);
}

static enum test_result test_rep_outsd_long(void)
{
	return check_rep(io_rep_outsd, 4, 5000, true);
}

/* rep with RCX = 0 does nothing: the first exit is the DONE ucall. */
static enum test_result test_rep_count_zero(void)
{
	struct hvm_regs regs;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_LONG64, guest_io64);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(t.vcpu, &regs), "GET_REGS");
	regs.rip = tvm_gpa(&t, io_rep_insb);
	regs.rcx = 0;
	regs.rdx = REP_PORT;
	regs.rdi = REP_DST_GPA;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_regs(t.vcpu, &regs), "SET_REGS");
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT(uc.value == 0, "rcx 0x%" PRIx64, (uint64_t)uc.value);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT(uc.value == REP_DST_GPA, "rdi moved to 0x%" PRIx64, (uint64_t)uc.value);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_io_real_mode(void)
{
	struct hvm_run *run;
	char text[6] = "";
	__u16 word = 0x9876;
	unsigned int i;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_REAL, guest_io16);
	run = io_exit(t.vcpu);
	TEST_ASSERT(run && run->io.direction == HVM_EXIT_IO_OUT &&
		    run->io.port == 0x70 && run->io.size == 1 &&
		    *(__u8 *)io_data(run) == 0x42, "outb");
	run = io_exit(t.vcpu);
	TEST_ASSERT(run && run->io.direction == HVM_EXIT_IO_IN &&
		    run->io.port == 0x72 && run->io.size == 2, "inw");
	memcpy(io_data(run), &word, 2);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT((uc.value & 0xffff) == 0x9876, "ax 0x%" PRIx64, (uint64_t)uc.value);
	for (i = 0; i < 5; ) {
		run = io_exit(t.vcpu);
		TEST_ASSERT(run && run->io.direction == HVM_EXIT_IO_OUT &&
			    run->io.port == REP_PORT && run->io.size == 1 &&
			    i + run->io.count <= 5, "rep outsb exit");
		memcpy(text + i, io_data(run), run->io.count);
		i += run->io.count;
	}
	TEST_ASSERT(!strcmp(text, "hello"), "rep outsb from DS:SI sent '%s'", text);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_io_prot32(void)
{
	__u32 dword = 0xfeedf00d;
	struct hvm_run *run;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE(&t, HVM_MODE_PROT32, guest_io32);
	run = io_exit(t.vcpu);
	TEST_ASSERT(run && run->io.direction == HVM_EXIT_IO_OUT &&
		    run->io.port == 0x3f8 && run->io.size == 2 &&
		    *(__u16 *)io_data(run) == 0x1234, "outw to dx");
	run = io_exit(t.vcpu);
	TEST_ASSERT(run && run->io.direction == HVM_EXIT_IO_IN &&
		    run->io.port == 0x74 && run->io.size == 4, "inl");
	memcpy(io_data(run), &dword, 4);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT((uc.value & 0xffffffff) == 0xfeedf00d, "eax 0x%" PRIx64,
		    (uint64_t)uc.value);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_DONE);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "outb to an immediate port arrives with size 1 and its value", test_outb },
	{ "outw arrives with size 2 and its value", test_outw },
	{ "outl arrives with size 4 and its value", test_outl },
	{ "out to the port in DX (> 0xff)", test_out_dx },
	{ "inb: user-space data lands in AL, rest of RAX kept", test_inb },
	{ "inw: user-space data lands in AX, rest of RAX kept", test_inw },
	{ "inl: user-space data lands in EAX, zero-extended", test_inl },
	{ "in from the port in DX", test_in_dx },
	{ "rep outsb: 16 bytes arrive in order", test_rep_outsb },
	{ "rep outsw: 33 words arrive in order", test_rep_outsw },
	{ "rep outsd: 64 dwords arrive in order", test_rep_outsd },
	{ "rep insb: 16 bytes land in guest memory in order", test_rep_insb },
	{ "rep insw: 33 words land in guest memory in order", test_rep_insw },
	{ "rep insd: 64 dwords land in guest memory in order", test_rep_insd },
	{ "rep outsb of 10000 bytes: split exits, in order, RSI advanced",
	  test_rep_outsb_long },
	{ "rep insb of 10000 bytes: split exits, in order, RDI advanced",
	  test_rep_insb_long },
	{ "rep outsd of 5000 dwords: split exits, in order", test_rep_outsd_long },
	{ "rep ins with RCX=0 makes no I/O exit", test_rep_count_zero },
	{ "real mode: out, in, rep outsb from DS:SI", test_io_real_mode },
	{ "prot32: out to DX, in dword", test_io_prot32 },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
