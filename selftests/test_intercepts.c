// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions hvm handles inside the kernel without an exit to user
 * space: CPUID (filtered), VMMCALL, INVD, XSETBV, RDMSR/WRMSR, and the
 * SVM and MONITOR/MWAIT/RDPRU instructions that must raise #UD in the
 * guest.  Long mode with exception stubs reporting the vector.
 */
#include <cpuid.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sched.h>
#include <inttypes.h>
#include <string.h>

#include "guest.h"
#include "test.h"

#define VECTOR_UD	6
#define VECTOR_GP	13

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_TSC_AUX		0xc0000103
#define MSR_VM_CR		0xc0010114
#define MSR_VM_HSAVE_PA		0xc0010117
#define MSR_BOGUS		0x12345678

/* Every entry starts with the registers the test set; each faulting
 * instruction sits right at its label. */
GUEST_ASM(guest_ic, ".code64",
	"ic_cpuid: cpuid\n\t"
	"mov %rbx, %rax\n\t"
	G_REPORT
	"mov %rcx, %rax\n\t"
	G_REPORT
	"mov %rdx, %rax\n\t"
	G_REPORT
	"jmp ic_done\n"
	"ic_vmmcall: vmmcall\n\t"
	"jmp ic_hc_report\n"
	"ic_vmcall: vmcall\n"
	"ic_hc_report: "
	G_REPORT
	"mov %rbx, %rax\n\t"
	G_REPORT
	"mov %rcx, %rax\n\t"
	G_REPORT
	"jmp ic_done\n"
	"ic_vmrun: vmrun\n\t"
	"jmp ic_done\n"
	"ic_vmload: vmload\n\t"
	"jmp ic_done\n"
	"ic_vmsave: vmsave\n\t"
	"jmp ic_done\n"
	"ic_stgi: stgi\n\t"
	"jmp ic_done\n"
	"ic_clgi: clgi\n\t"
	"jmp ic_done\n"
	"ic_skinit: skinit\n\t"
	"jmp ic_done\n"
	"ic_invlpga: invlpga\n\t"
	"jmp ic_done\n"
	"ic_monitor: monitor\n\t"
	"jmp ic_done\n"
	"ic_mwait: mwait\n\t"
	"jmp ic_done\n"
	"ic_rdpru: .byte 0x0f, 0x01, 0xfd\n\t"
	"jmp ic_done\n"
	"ic_invd: invd\n\t"
	"jmp ic_done\n"
	/* RCX = counter */
	"ic_rdpmc: rdpmc\n\t"
	"jmp ic_done\n"
	/* WBINVD, WBNOINVD (F3 0F 09) and WBINVD with prefixes: each must
	 * resume right after itself, whatever its length. */
	/* 100 rounds of the three between two reports */
	"ic_wbinvd_loop: " G_REPORT
	"mov $100, %ecx\n"
	"1: wbinvd\n\t"
	".byte 0xf3, 0x0f, 0x09\n\t"
	".byte 0x66, 0x2e, 0x0f, 0x09\n\t"
	"dec %ecx\n\t"
	"jnz 1b\n\t"
	G_REPORT
	"jmp ic_done\n"
	"ic_wbinvd: wbinvd\n\t"
	".byte 0xf3, 0x0f, 0x09\n\t"
	".byte 0x66, 0x2e, 0x0f, 0x09\n\t"
	"mov $0x3b1, %eax\n\t"
	G_REPORT
	"jmp ic_done\n"
	/* RCX = MSR */
	"ic_rdmsr: rdmsr\n\t"
	"shl $32, %rdx\n\t"
	"mov %eax, %eax\n\t"
	"or %rdx, %rax\n\t"
	G_REPORT
	"jmp ic_done\n"
	/* RCX = MSR, EDX:EAX = value */
	"ic_wrmsr: wrmsr\n\t"
	"jmp ic_done\n"
	/* RCX = MSR, RSI = value: write, read back, report */
	"ic_msr_roundtrip: mov %rsi, %rax\n\t"
	"mov %rsi, %rdx\n\t"
	"shr $32, %rdx\n\t"
	"wrmsr\n\t"
	"xor %eax, %eax\n\t"
	"xor %edx, %edx\n\t"
	"jmp ic_rdmsr\n"
	/* RSI = FS base: the guest reads %fs:0 */
	"ic_fs_base: mov $" STR(MSR_FS_BASE) ", %ecx\n\t"
	"mov %rsi, %rax\n\t"
	"mov %rsi, %rdx\n\t"
	"shr $32, %rdx\n\t"
	"wrmsr\n\t"
	"mov %fs:0, %rax\n\t"
	G_REPORT
	"jmp ic_done\n"
	/* RSI = TSC_AUX value: write it, report what RDTSCP returns in ECX */
	"ic_rdtscp: rdtscp\n\t"
	"mov %rcx, %rax\n\t"
	G_REPORT
	"jmp ic_done\n"
	"ic_tsc_aux: mov $" STR(MSR_TSC_AUX) ", %ecx\n\t"
	"mov %rsi, %rax\n\t"
	"xor %edx, %edx\n\t"
	"wrmsr\n\t"
	"rdtscp\n\t"
	"mov %rcx, %rax\n\t"
	G_REPORT
	"jmp ic_done\n"
	/* RCX = XCR, EDX:EAX = value: set, read back, report */
	"ic_xsetbv: xsetbv\n\t"
	"xgetbv\n\t"
	"shl $32, %rdx\n\t"
	"mov %eax, %eax\n\t"
	"or %rdx, %rax\n\t"
	G_REPORT
	"jmp ic_done\n"
	/* RCX = count: that many PAUSEs, then report RCX (0) and RSI */
	"ic_pause: pause\n\t"
	"dec %rcx\n\t"
	"jnz ic_pause\n\t"
	"mov %rcx, %rax\n\t"
	G_REPORT
	"mov %rsi, %rax\n\t"
	G_REPORT
	"ic_done: " G_DONE);
GUEST_LABEL(ic_pause);
GUEST_LABEL(ic_cpuid);
GUEST_LABEL(ic_vmmcall);
GUEST_LABEL(ic_vmcall);
GUEST_LABEL(ic_vmrun);
GUEST_LABEL(ic_vmload);
GUEST_LABEL(ic_vmsave);
GUEST_LABEL(ic_stgi);
GUEST_LABEL(ic_clgi);
GUEST_LABEL(ic_skinit);
GUEST_LABEL(ic_invlpga);
GUEST_LABEL(ic_monitor);
GUEST_LABEL(ic_mwait);
GUEST_LABEL(ic_rdpru);
GUEST_LABEL(ic_invd);
GUEST_LABEL(ic_tsc_aux);
GUEST_LABEL(ic_rdpmc);
GUEST_LABEL(ic_rdtscp);
GUEST_LABEL(ic_wbinvd);
GUEST_LABEL(ic_wbinvd_loop);
GUEST_LABEL(ic_rdmsr);
GUEST_LABEL(ic_wrmsr);
GUEST_LABEL(ic_msr_roundtrip);
GUEST_LABEL(ic_fs_base);
GUEST_LABEL(ic_xsetbv);

struct ic_regs {
	__u64 rax, rbx, rcx, rdx, rsi;
};

/* A long-mode test VM at label with the given registers. */
static enum test_result ic_start(struct tvm *t, const unsigned char *label,
				 const struct ic_regs *in)
{
	struct hvm_regs regs;

	TVM_CREATE(t, HVM_MODE_LONG64, guest_ic);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(t->vcpu, &regs), "GET_REGS");
	regs.rax = in->rax;
	regs.rbx = in->rbx;
	regs.rcx = in->rcx;
	regs.rdx = in->rdx;
	regs.rsi = in->rsi;
	regs.rip = tvm_gpa(t, label);
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_regs(t->vcpu, &regs), "SET_REGS");
	return TEST_PASS;
}

/* Runs until DONE, collecting up to 3 reports. */
static enum test_result ic_run(const unsigned char *label, const struct ic_regs *in,
			       __u64 *out, unsigned int nr_out)
{
	enum test_result r;
	unsigned int n;
	struct ucall uc;
	struct tvm t;

	r = ic_start(&t, label, in);
	if (r != TEST_PASS)
		return r;
	if (ucall_run_collect(t.vcpu, &uc, out, nr_out, &n) != UCALL_DONE) {
		ucall_describe(t.vcpu, &uc);
		return test_fail("the guest did not finish");
	}
	TEST_ASSERT(n == nr_out, "%u reports, expected %u", n, nr_out);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* The instruction at label raises vector, with RIP pointing at it. */
static enum test_result ic_expect_exception(const unsigned char *label,
					    const struct ic_regs *in,
					    unsigned int vector)
{
	enum test_result r;
	struct ucall uc;
	struct tvm t;
	__u64 rip;

	r = ic_start(&t, label, in);
	if (r != TEST_PASS)
		return r;
	EXPECT_UCALL(t.vcpu, &uc, UCALL_EXCEPTION);
	TEST_ASSERT(uc.value == vector, "vector %" PRIu64 ", expected %u",
		    (uint64_t)uc.value, vector);
	TEST_ASSERT_ERRNO(!guest_exception_rip(t.vcpu, vector == VECTOR_GP, &rip),
			  "reading the exception frame");
	TEST_ASSERT(rip == tvm_gpa(&t, label), "faulting rip 0x%" PRIx64
		    ", expected 0x%" PRIx64, (uint64_t)rip,
		    (uint64_t)tvm_gpa(&t, label));
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_cpuid_hypervisor_bit(void)
{
	struct ic_regs in = { .rax = 1 };
	enum test_result r;
	__u64 out[3];

	r = ic_run(ic_cpuid, &in, out, 3);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(out[1] & (1ULL << 31), "CPUID.1:ECX 0x%" PRIx64, (uint64_t)out[1]);
	return TEST_PASS;
}

static enum test_result test_cpuid_svm_hidden(void)
{
	struct ic_regs in = { .rax = 0x80000001 };
	enum test_result r;
	__u64 out[3];

	r = ic_run(ic_cpuid, &in, out, 3);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(!(out[1] & (1ULL << 2)), "CPUID.80000001:ECX 0x%" PRIx64,
		    (uint64_t)out[1]);
	return TEST_PASS;
}

static enum test_result test_cpuid_vendor(void)
{
	struct ic_regs in = { .rax = 0 };
	unsigned int a, b, c, d;
	enum test_result r;
	__u64 out[3];

	r = ic_run(ic_cpuid, &in, out, 3);
	if (r != TEST_PASS)
		return r;
	__cpuid(0, a, b, c, d);
	(void)a;
	TEST_ASSERT(out[0] == b && out[1] == c && out[2] == d,
		    "guest vendor %.4s%.4s%.4s differs from the host's",
		    (char *)&out[0], (char *)&out[2], (char *)&out[1]);
	return TEST_PASS;
}

/* The hypercall instruction is the vendor's: VMMCALL on AMD, VMCALL on Intel
 * (the other one is #UD on real hardware). */
static const unsigned char *ic_hypercall(void)
{
	struct hvm_info info;
	int fd = hvm_dev_open();
	bool vmx = false;

	if (fd >= 0) {
		vmx = !hvm_dev_get_info(fd, &info) && info.backend == HVM_BACKEND_VMX;
		close(fd);
	}
	return vmx ? ic_vmcall : ic_vmmcall;
}

static enum test_result test_vmmcall_enosys(void)
{
	struct ic_regs in = { .rax = 0, .rbx = 0x1111, .rcx = 0x2222 };
	enum test_result r;
	__u64 out[3];

	r = ic_run(ic_hypercall(), &in, out, 3);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(out[0] == (__u64)HVM_HC_ENOSYS, "rax %" PRId64, (int64_t)out[0]);
	return TEST_PASS;
}

static enum test_result test_vmmcall_any_number(void)
{
	struct ic_regs in = { .rax = 0xdeadbeefcafeULL, .rbx = 0x1111, .rcx = 0x2222 };
	enum test_result r;
	__u64 out[3];

	r = ic_run(ic_hypercall(), &in, out, 3);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(out[0] == (__u64)HVM_HC_ENOSYS, "rax %" PRId64, (int64_t)out[0]);
	TEST_ASSERT(out[1] == 0x1111 && out[2] == 0x2222,
		    "rbx 0x%" PRIx64 " rcx 0x%" PRIx64 " changed", (uint64_t)out[1],
		    (uint64_t)out[2]);
	return TEST_PASS;
}

static const struct ic_regs no_regs;

static enum test_result test_ud_vmrun(void)
{
	return ic_expect_exception(ic_vmrun, &no_regs, VECTOR_UD);
}

static enum test_result test_ud_vmload(void)
{
	return ic_expect_exception(ic_vmload, &no_regs, VECTOR_UD);
}

static enum test_result test_ud_vmsave(void)
{
	return ic_expect_exception(ic_vmsave, &no_regs, VECTOR_UD);
}

static enum test_result test_ud_stgi(void)
{
	return ic_expect_exception(ic_stgi, &no_regs, VECTOR_UD);
}

static enum test_result test_ud_clgi(void)
{
	return ic_expect_exception(ic_clgi, &no_regs, VECTOR_UD);
}

static enum test_result test_ud_skinit(void)
{
	return ic_expect_exception(ic_skinit, &no_regs, VECTOR_UD);
}

static enum test_result test_ud_invlpga(void)
{
	return ic_expect_exception(ic_invlpga, &no_regs, VECTOR_UD);
}

static enum test_result test_ud_monitor(void)
{
	struct ic_regs in = { .rax = GUEST_DATA_GPA };

	return ic_expect_exception(ic_monitor, &in, VECTOR_UD);
}

static enum test_result test_ud_mwait(void)
{
	return ic_expect_exception(ic_mwait, &no_regs, VECTOR_UD);
}

static enum test_result test_ud_rdpru(void)
{
	return ic_expect_exception(ic_rdpru, &no_regs, VECTOR_UD);
}

static enum test_result test_invd(void)
{
	return ic_run(ic_invd, &no_regs, NULL, 0);
}

/* The host's performance counters stay the host's, on both vendors. */
static enum test_result test_rdpmc_gp(void)
{
	const struct ic_regs ecx0 = { .rcx = 0 };

	return ic_expect_exception(ic_rdpmc, &ecx0, VECTOR_GP);
}

static enum test_result test_wbinvd(void)
{
	__u64 out;

	return ic_run(ic_wbinvd, &no_regs, &out, 1);
}

/* Each WBINVD and WBNOINVD exits to hvm (the host's caches are shared):
 * 300 of them between two reports are at least 300 exits. */
static enum test_result test_wbinvd_exits(void)
{
	long long before, after;
	enum test_result r;
	struct ucall uc;
	struct tvm t;

	r = ic_start(&t, ic_wbinvd_loop, &no_regs);
	if (r != TEST_PASS)
		return r;
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	before = tvm_debugfs_read(&t, "vcpu0/exits");
	if (before < 0) {
		tvm_destroy(&t);
		return test_skip("no debugfs exit count (/sys/kernel/debug/hvm)");
	}
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	after = tvm_debugfs_read(&t, "vcpu0/exits");
	tvm_destroy(&t);
	TEST_ASSERT(after - before >= 300, "%lld exits for 300 WBINVD/WBNOINVD",
		    after - before);
	return TEST_PASS;
}

static enum test_result test_rdmsr_unknown(void)
{
	struct ic_regs in = { .rcx = MSR_BOGUS };

	return ic_expect_exception(ic_rdmsr, &in, VECTOR_GP);
}

static enum test_result test_wrmsr_unknown(void)
{
	struct ic_regs in = { .rcx = MSR_BOGUS, .rax = 1 };

	return ic_expect_exception(ic_wrmsr, &in, VECTOR_GP);
}

static enum test_result test_rdmsr_vm_hsave_pa(void)
{
	struct ic_regs in = { .rcx = MSR_VM_HSAVE_PA };

	return ic_expect_exception(ic_rdmsr, &in, VECTOR_GP);
}

static enum test_result test_wrmsr_vm_cr(void)
{
	struct ic_regs in = { .rcx = MSR_VM_CR, .rax = 0x10 };

	return ic_expect_exception(ic_wrmsr, &in, VECTOR_GP);
}

static unsigned int cpuid_edx_ext1(void)
{
	unsigned int a, b, c, d;

	__cpuid(0x80000001, a, b, c, d);
	return d;
}

static bool host_msr(__u32 msr, __u64 *val);

/* Does this CPU offer pause-loop exits (SVM pause filter, VMX PLE)? */
static bool host_has_pause_exit(bool vmx)
{
	unsigned int a, b, c, d;
	__u64 ctls2;

	if (!vmx) {
		__cpuid(0x80000000, a, b, c, d);
		if (a < 0x8000000a)
			return false;
		__cpuid(0x8000000a, a, b, c, d);
		return d & (1U << 10);		/* PauseFilter */
	}
	/* IA32_VMX_PROCBASED_CTLS2: allowed-1 bit 10, PAUSE-loop exiting */
	return host_msr(0x48b, &ctls2) && (ctls2 >> 32) & (1U << 10);
}

/* A long PAUSE loop runs to its end; pause-loop exits are used where offered. */
static enum test_result test_pause_loop(void)
{
	struct ic_regs in = { .rcx = 300000, .rsi = 0x5a5a5a5a };
	struct hvm_info info;
	enum test_result r;
	__u64 out[2];
	int fd;

	fd = hvm_dev_open();
	TEST_ASSERT_ERRNO(fd >= 0 && !hvm_dev_get_info(fd, &info), "GET_INFO");
	close(fd);
	if (host_has_pause_exit(info.backend == HVM_BACKEND_VMX))
		TEST_ASSERT(info.features & HVM_FEATURE_PAUSE_EXIT,
			    "the CPU has pause-loop exits but hvm does not use them");
	else
		test_diag("no pause-loop exits on this CPU: PAUSE runs in the guest");
	r = ic_run(ic_pause, &in, out, 2);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(out[0] == 0 && out[1] == in.rsi, "RCX 0x%" PRIx64 " RSI 0x%" PRIx64,
		    (uint64_t)out[0], (uint64_t)out[1]);
	return TEST_PASS;
}

static enum test_result check_msr_roundtrip(__u32 msr, __u64 value)
{
	struct ic_regs in = { .rcx = msr, .rsi = value };
	enum test_result r;
	__u64 out;

	r = ic_run(ic_msr_roundtrip, &in, &out, 1);
	if (r != TEST_PASS)
		return test_fail("MSR 0x%x", msr);
	TEST_ASSERT(out == value, "MSR 0x%x reads 0x%" PRIx64 " after writing 0x%" PRIx64,
		    msr, (uint64_t)out, (uint64_t)value);
	return TEST_PASS;
}

static enum test_result test_lstar_roundtrip(void)
{
	return check_msr_roundtrip(MSR_LSTAR, 0xffffffff81234560ULL);
}

static enum test_result test_passthrough_msrs_roundtrip(void)
{
	static const struct { __u32 msr; __u64 value; } msrs[] = {
		{ MSR_STAR, 0x0023001000000000ULL },
		{ MSR_CSTAR, 0xffffffff81000040ULL },
		{ MSR_SFMASK, 0x47700 },
		{ MSR_GS_BASE, 0x00007f1234567000ULL },
		{ MSR_KERNEL_GS_BASE, 0xffff888012345000ULL },
		{ MSR_SYSENTER_CS, 0x10 },
		{ MSR_SYSENTER_ESP, 0x81345000 },
		{ MSR_SYSENTER_EIP, 0x81456000 },
		{ MSR_FS_BASE, 0x00007fabcdef0000ULL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msrs); i++)
		if (check_msr_roundtrip(msrs[i].msr, msrs[i].value) != TEST_PASS)
			return TEST_FAIL;
	return TEST_PASS;
}

/*
 * TSC_AUX is switched by hvm, not by the hardware: the guest's RDTSCP sees
 * the value it wrote, and the host's RDTSCP on the same CPU right after
 * still sees the host's (Linux keeps the CPU number in its low 12 bits).
 */
static enum test_result test_tsc_aux(void)
{
	struct ic_regs in = { .rsi = 0xabc123 };
	unsigned int aux, i;
	int before, after;
	enum test_result r;
	__u64 out;

	if (!(cpuid_edx_ext1() & (1U << 27)))
		return test_skip("no RDTSCP");
	for (i = 0; i < 20; i++) {
		r = ic_run(ic_tsc_aux, &in, &out, 1);
		if (r != TEST_PASS)
			return r;
		TEST_ASSERT(out == 0xabc123, "guest RDTSCP returned ECX 0x%" PRIx64,
			    (uint64_t)out);
		before = sched_getcpu();
		__builtin_ia32_rdtscp(&aux);
		after = sched_getcpu();
		TEST_ASSERT((int)(aux & 0xfff) == before || (int)(aux & 0xfff) == after,
			    "host TSC_AUX 0x%x on CPU %d after the guest ran", aux,
			    after);
	}
	return TEST_PASS;
}

/*
 * Before the guest writes TSC_AUX its RDTSCP reads 0 (the power-on value),
 * never the host's (Linux keeps the CPU number there: run on CPU 1, where
 * that is not 0).
 */
static enum test_result test_tsc_aux_initial(void)
{
	enum test_result r;
	cpu_set_t all;
	__u64 out;

	if (!(cpuid_edx_ext1() & (1U << 27)))
		return test_skip("no RDTSCP");
	TEST_ASSERT_ERRNO(!sched_getaffinity(0, sizeof(all), &all), "sched_getaffinity");
	if (!CPU_ISSET(1, &all))
		return test_skip("no CPU 1 to run on");
	TEST_ASSERT_ERRNO(!test_pin_cpu(1), "pinning to CPU 1");
	r = ic_run(ic_rdtscp, &no_regs, &out, 1);
	sched_setaffinity(0, sizeof(all), &all);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(out == 0, "the guest's first RDTSCP read TSC_AUX 0x%" PRIx64
		    " (the host's is the CPU number)", (uint64_t)out);
	return TEST_PASS;
}

/* Read an MSR of CPU 0 through the msr driver; false if unavailable. */
static bool host_msr(__u32 msr, __u64 *val)
{
	int fd = open("/dev/cpu/0/msr", O_RDONLY);
	bool ok;

	if (fd < 0 && system("modprobe msr >/dev/null 2>&1") == 0)
		fd = open("/dev/cpu/0/msr", O_RDONLY);
	if (fd < 0)
		return false;
	ok = pread(fd, val, 8, msr) == 8;
	close(fd);
	return ok;
}

/*
 * The SYSCALL MSRs a guest writes are never left on the host: on SVM they
 * are switched by VMSAVE/VMLOAD, on VMX by hvm around each entry.  Runs on
 * CPU 0 and reads the host's values there before and after.
 */
static enum test_result test_syscall_msrs_not_leaked(void)
{
	static const struct { __u32 msr; __u64 value; } msrs[] = {
		/* not Linux's own STAR (0x0023001000000000) */
		{ MSR_STAR, 0x001b000800000000ULL },
		{ MSR_LSTAR, 0xffffffff8badf00dULL },
		{ MSR_CSTAR, 0xffffffff8badcafeULL },
		{ MSR_SFMASK, 0x47700 },
		{ MSR_KERNEL_GS_BASE, 0xffff888012345000ULL },
	};
	__u64 before[ARRAY_SIZE(msrs)], after;
	cpu_set_t set;
	unsigned int i;

	if (test_pin_cpu(0))
		return test_skip("cannot run on CPU 0");
	for (i = 0; i < ARRAY_SIZE(msrs); i++)
		if (!host_msr(msrs[i].msr, &before[i]))
			return test_skip("no /dev/cpu/0/msr (msr driver)");
	for (i = 0; i < ARRAY_SIZE(msrs); i++)
		if (check_msr_roundtrip(msrs[i].msr, msrs[i].value) != TEST_PASS)
			return TEST_FAIL;
	for (i = 0; i < ARRAY_SIZE(msrs); i++) {
		TEST_ASSERT(host_msr(msrs[i].msr, &after), "reading MSR 0x%x", msrs[i].msr);
		TEST_ASSERT(after == before[i] && after != msrs[i].value,
			    "host MSR 0x%x is 0x%" PRIx64 " after the guest ran (was 0x%" PRIx64 ")",
			    msrs[i].msr, (uint64_t)after, (uint64_t)before[i]);
	}
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	CPU_SET(1, &set);
	sched_setaffinity(0, sizeof(set), &set);
	return TEST_PASS;
}

/* A value written to LSTAR by one guest is not seen by another vCPU. */
static enum test_result test_lstar_isolated(void)
{
	struct ic_regs in = { .rcx = MSR_LSTAR };
	enum test_result r;
	__u64 out;

	r = check_msr_roundtrip(MSR_LSTAR, 0xffffffff8badf00dULL);
	if (r != TEST_PASS)
		return r;
	r = ic_run(ic_rdmsr, &in, &out, 1);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT(out != 0xffffffff8badf00dULL, "a new vCPU sees the old guest's LSTAR");
	return TEST_PASS;
}

static enum test_result test_fs_base_msr_used(void)
{
	struct ic_regs in = { .rsi = GUEST_DATA_GPA };
	enum test_result r;
	__u64 out, marker = 0x5eed5eed12345678ULL;
	struct ucall uc;
	unsigned int n;
	struct tvm t;

	r = ic_start(&t, ic_fs_base, &in);
	if (r != TEST_PASS)
		return r;
	memcpy(t.mem + GUEST_DATA_GPA, &marker, sizeof(marker));
	TEST_ASSERT(ucall_run_collect(t.vcpu, &uc, &out, 1, &n) == UCALL_DONE && n == 1,
		    "type %d, %u reports", uc.type, n);
	TEST_ASSERT(out == marker, "%%fs:0 reads 0x%" PRIx64, (uint64_t)out);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_efer_sce(void)
{
	struct ic_regs in = { .rcx = MSR_EFER };
	enum test_result r;
	__u64 out;

	r = ic_run(ic_rdmsr, &in, &out, 1);
	if (r != TEST_PASS)
		return r;
	return check_msr_roundtrip(MSR_EFER, out | 1 /* SCE */);
}

static bool host_has_xsave(void)
{
	unsigned int a, b, c, d;

	/* OSXSAVE: the host kernel uses XSAVE (it may turn it off at boot,
	 * as Linux does under Bochs), so hvm can offer it to a guest. */
	__cpuid(1, a, b, c, d);
	(void)a;
	(void)b;
	(void)d;
	return c & (1U << 27);
}

/* XSETBV with CR4.OSXSAVE set: RCX = 0, EDX:EAX = value. */
static enum test_result xsetbv_start(struct tvm *t, __u64 value)
{
	struct ic_regs in = { .rax = (__u32)value, .rdx = value >> 32, .rcx = 0 };
	struct hvm_sregs sregs;
	enum test_result r;

	r = ic_start(t, ic_xsetbv, &in);
	if (r != TEST_PASS)
		return r;
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t->vcpu, &sregs), "GET_SREGS");
	sregs.cr4 |= HVM_CR4_OSXSAVE;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_sregs(t->vcpu, &sregs), "SET_SREGS");
	return TEST_PASS;
}

static enum test_result test_xsetbv_valid(void)
{
	enum test_result r;
	struct ucall uc;
	unsigned int n;
	struct tvm t;
	__u64 out;

	if (!host_has_xsave())
		return test_skip("the host does not use XSAVE");
	r = xsetbv_start(&t, 0x3);	/* x87 | SSE */
	if (r != TEST_PASS)
		return r;
	if (ucall_run_collect(t.vcpu, &uc, &out, 1, &n) != UCALL_DONE || n != 1) {
		ucall_describe(t.vcpu, &uc);
		return test_fail("XSETBV of XCR0 = 3 did not complete");
	}
	TEST_ASSERT(out == 0x3, "XCR0 reads 0x%" PRIx64, (uint64_t)out);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_xsetbv_invalid(void)
{
	enum test_result r;
	struct ucall uc;
	struct tvm t;
	__u64 rip;

	if (!host_has_xsave())
		return test_skip("the host does not use XSAVE");
	r = xsetbv_start(&t, 0x2);	/* SSE without x87 */
	if (r != TEST_PASS)
		return r;
	EXPECT_UCALL(t.vcpu, &uc, UCALL_EXCEPTION);
	TEST_ASSERT(uc.value == VECTOR_GP, "vector %" PRIu64, (uint64_t)uc.value);
	TEST_ASSERT_ERRNO(!guest_exception_rip(t.vcpu, true, &rip), "exception frame");
	TEST_ASSERT(rip == tvm_gpa(&t, ic_xsetbv), "faulting rip 0x%" PRIx64,
		    (uint64_t)rip);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "CPUID.1:ECX[31] (hypervisor) is set", test_cpuid_hypervisor_bit },
	{ "CPUID.80000001:ECX[2] (SVM) is clear", test_cpuid_svm_hidden },
	{ "CPUID.0 vendor is the host's", test_cpuid_vendor },
	{ "hypercall (VMMCALL/VMCALL) 0 returns HVM_HC_ENOSYS (-1000) in RAX",
	  test_vmmcall_enosys },
	{ "hypercall of any number returns -1000, other registers kept",
	  test_vmmcall_any_number },
	{ "VMRUN raises #UD in the guest", test_ud_vmrun },
	{ "VMLOAD raises #UD in the guest", test_ud_vmload },
	{ "VMSAVE raises #UD in the guest", test_ud_vmsave },
	{ "STGI raises #UD in the guest", test_ud_stgi },
	{ "CLGI raises #UD in the guest", test_ud_clgi },
	{ "SKINIT raises #UD in the guest", test_ud_skinit },
	{ "INVLPGA raises #UD in the guest", test_ud_invlpga },
	{ "MONITOR raises #UD in the guest", test_ud_monitor },
	{ "MWAIT raises #UD in the guest", test_ud_mwait },
	{ "RDPRU raises #UD in the guest", test_ud_rdpru },
	{ "INVD completes", test_invd },
	{ "RDPMC raises #GP in the guest (the counters are the host's)", test_rdpmc_gp },
	{ "WBINVD, WBNOINVD and a prefixed WBINVD each resume after themselves",
	  test_wbinvd },
	{ "every WBINVD and WBNOINVD exits to hvm (counted in debugfs)", test_wbinvd_exits },
	{ "RDMSR of an unknown MSR raises #GP", test_rdmsr_unknown },
	{ "WRMSR of an unknown MSR raises #GP", test_wrmsr_unknown },
	{ "RDMSR of VM_HSAVE_PA raises #GP", test_rdmsr_vm_hsave_pa },
	{ "WRMSR of VM_CR raises #GP", test_wrmsr_vm_cr },
	{ "WRMSR/RDMSR of LSTAR round-trips", test_lstar_roundtrip },
	{ "STAR CSTAR SFMASK GS_BASE KERNEL_GS_BASE SYSENTER_* FS_BASE round-trip",
	  test_passthrough_msrs_roundtrip },
	{ "a guest's LSTAR does not leak into a new vCPU", test_lstar_isolated },
	{ "guest STAR/LSTAR/CSTAR/SFMASK/KERNEL_GS_BASE never stay on the host",
	  test_syscall_msrs_not_leaked },
	{ "guest TSC_AUX reaches its RDTSCP; the host's TSC_AUX is restored",
	  test_tsc_aux },
	{ "a guest's RDTSCP reads TSC_AUX 0 before it writes one, not the host's",
	  test_tsc_aux_initial },
	{ "FS_BASE written by WRMSR is used by %fs: accesses", test_fs_base_msr_used },
	{ "EFER.SCE written by WRMSR reads back", test_efer_sce },
	{ "XSETBV of a valid XCR0 completes and XGETBV reads it", test_xsetbv_valid },
	{ "XSETBV of XCR0 without x87 raises #GP", test_xsetbv_invalid },
	{ "a long PAUSE loop completes; pause-loop exits used where the CPU has them",
	  test_pause_loop },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
