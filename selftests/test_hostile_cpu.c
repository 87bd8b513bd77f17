// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile guests, CPU side (issue 14): each case is a guest doing what no
 * sane OS does, and the exit (or guest exception) it must end in.  The
 * host must survive every one of them, the vCPU must stay usable, and
 * nothing may end in HVM_EXIT_INTERNAL_ERROR.
 *
 * Exceptions with no IDT (SDM vol. 3 6.15, APM vol. 2 8.2.9): the first
 * fault cannot be delivered (#GP on the IDT limit), the #GP neither
 * (#DF), the #DF neither: a triple fault, HVM_EXIT_SHUTDOWN (both
 * backends intercept shutdown; KVM's KVM_EXIT_SHUTDOWN).  VMX
 * instructions in a guest of a hypervisor that offers no nesting raise
 * #UD (SDM vol. 3 26.1.2 makes them VM exits; KVM's handle_vmx_instruction
 * with nested off injects #UD), GETSEC raises #UD since CR4.SMXE is 0
 * (SDM vol. 2 GETSEC: #UD before any VM exit).  The SVM instructions are
 * in test_intercepts (VMRUN ... RDPRU: #UD), RDPMC too (#GP), PKRU in
 * test_pkru, the PDPTRs in test_pae: not repeated here.
 */
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "guest_c.h"
#include "test.h"

#define VEC_DB		1
#define VEC_UD		6
#define VEC_GP		13
#define VEC_PF		14

#define APIC_GPA	0xfee00000ULL
#define APIC_EOI	0xb0
#define APIC_SVR	0xf0
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define APIC_TMICT	0x380
#define APIC_TDCR	0x3e0
#define LVT_MASKED	(1U << 16)
#define LVT_PERIODIC	(1U << 17)
#define ICR_INIT	(5U << 8)
#define ICR_SIPI	(6U << 8)
#define ICR_ASSERT	(1U << 14)

#define STORM_VECTOR	0x40
#define FLOOD_PORT	0x3f0
#define FLOOD_MMIO	0xd0000000ULL

/* ---- Small host helpers --------------------------------------------------- */

static void noop_signal(int sig)
{
	(void)sig;
}

/* SIGUSR1 without SA_RESTART: a RUN it hits returns EINTR. */
static void install_sigusr1(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = noop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

struct kicker {
	pthread_t target, thread;
	unsigned int delay_ms;
	atomic_bool stop;
};

/* Sends SIGUSR1 to the target every delay_ms until stopped. */
static void *kicker_fn(void *arg)
{
	struct kicker *k = arg;
	struct timespec ts = { .tv_sec = k->delay_ms / 1000,
			       .tv_nsec = (k->delay_ms % 1000) * 1000000L };

	while (!atomic_load(&k->stop)) {
		nanosleep(&ts, NULL);
		if (!atomic_load(&k->stop))
			pthread_kill(k->target, SIGUSR1);
	}
	return NULL;
}

static int kicker_start(struct kicker *k, unsigned int delay_ms)
{
	install_sigusr1();
	k->target = pthread_self();
	k->delay_ms = delay_ms;
	atomic_store(&k->stop, false);
	return pthread_create(&k->thread, NULL, kicker_fn, k);
}

static void kicker_stop(struct kicker *k)
{
	atomic_store(&k->stop, true);
	pthread_join(k->thread, NULL);
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

/* ---- Exceptions with no IDT: triple fault -------------------------------- */

static void guest_idle(void)
{
	guest_done();
}

/*
 * Raw 64-bit code at GUEST_CODE_GPA of slot 0, IDT limit 0, extra CR0
 * bits; the run must end in SHUTDOWN, and the vCPU is then in the reset
 * state (real mode, RIP 0xfff0).
 */
static enum test_result expect_shutdown(struct tvm *t, const char *what,
					const unsigned char *code, size_t len,
					__u64 cr0_set)
{
	struct hvm_sregs sregs;
	struct hvm_regs regs;
	struct ucall uc;

	TEST_ASSERT_ERRNO(!guest_setup_long64(t->vcpu, GUEST_CODE_GPA, GUEST_MEM_SIZE),
			  "%s: long mode", what);
	memcpy(t->mem + GUEST_CODE_GPA, code, len);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t->vcpu, &sregs), "GET_SREGS");
	sregs.idt.limit = 0;
	sregs.cr0 |= cr0_set;
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_sregs(t->vcpu, &sregs), "%s: SET_SREGS", what);
	ucall_run(t->vcpu, &uc);
	if (uc.type != UCALL_OTHER_EXIT || t->vcpu->run->exit_reason != HVM_EXIT_SHUTDOWN) {
		ucall_describe(t->vcpu, &uc);
		return test_fail("%s with no IDT: expected HVM_EXIT_SHUTDOWN", what);
	}
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_regs(t->vcpu, &regs), "GET_REGS");
	TEST_ASSERT(regs.rip == 0xfff0, "%s: RIP 0x%llx after SHUTDOWN", what,
		    (unsigned long long)regs.rip);
	return TEST_PASS;
}

static const struct {
	const char *what;
	unsigned char code[48];
	size_t len;
	__u64 cr0_set;
} no_idt_faults[] = {
	{ "#DE (DIV by 0)", { 0x31, 0xc9, 0xf7, 0xf1 }, 4, 0 },
	{ "#DB (INT1/ICEBP)", { 0xf1 }, 1, 0 },
	{ "#BP (INT3)", { 0xcc }, 1, 0 },
	{ "#UD (UD2)", { 0x0f, 0x0b }, 2, 0 },
	{ "#NM (FLDZ with CR0.TS)", { 0xd9, 0xee }, 2, 8 },
	/* mov $1<<63, %rax; mov %rax, %rsp; push %rax */
	{ "#SS (push to a non-canonical RSP)",
	  { 0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x48, 0x89, 0xc4, 0x50 }, 14, 0 },
	/* mov $1<<63, %rax; mov (%rax), %rax */
	{ "#GP (non-canonical load)",
	  { 0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x48, 0x8b, 0x00 }, 13, 0 },
	/* mov $0x12345678, %ecx; rdmsr: #GP injected by hvm */
	{ "#GP (RDMSR of an unknown MSR, injected by hvm)",
	  { 0xb9, 0x78, 0x56, 0x34, 0x12, 0x0f, 0x32 }, 7, 0 },
	/* mov $0x700000000000, %rax; mov (%rax), %rax: beyond the 4 GiB map */
	{ "#PF (unmapped address)",
	  { 0x48, 0xb8, 0, 0, 0, 0, 0, 0x70, 0, 0, 0x48, 0x8b, 0x00 }, 13, 0 },
	/* fninit; push $0; fldcw (%rsp); fldz; fldz; fdivp; fwait */
	{ "#MF (unmasked x87 invalid operation)",
	  { 0xdb, 0xe3, 0x6a, 0x00, 0xd9, 0x2c, 0x24, 0xd9, 0xee, 0xd9, 0xee,
	    0xde, 0xf9, 0x9b }, 14, HVM_CR0_NE },
	/* push $0x1f00; ldmxcsr (%rsp); xorps %xmm0,%xmm0; xorps %xmm1,%xmm1;
	 * divss %xmm1, %xmm0: 0/0 with IM clear */
	{ "#XM (unmasked SSE invalid operation)",
	  { 0x68, 0x00, 0x1f, 0x00, 0x00, 0x0f, 0xae, 0x14, 0x24, 0x0f, 0x57, 0xc0,
	    0x0f, 0x57, 0xc9, 0xf3, 0x0f, 0x5e, 0xc1 }, 19, 0 },
	/* mov %rax, %cr1 */
	{ "#UD (MOV to CR1)", { 0x0f, 0x22, 0xc8 }, 3, 0 },
};

static enum test_result test_no_idt_exceptions(void)
{
	enum test_result r;
	unsigned int i;
	struct tvm t;

	TEST_SKIP_ON_QUIRK("triple-fault-fatal", "a triple fault would end the test VM");
	TVM_CREATE_C(&t, guest_idle);
	for (i = 0; i < ARRAY_SIZE(no_idt_faults); i++) {
		r = expect_shutdown(&t, no_idt_faults[i].what, no_idt_faults[i].code,
				    no_idt_faults[i].len, no_idt_faults[i].cr0_set);
		if (r != TEST_PASS)
			return r;
	}
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_no_idt_int_n(void)
{
	unsigned char code[2] = { 0xcd, 0 };
	enum test_result r;
	char what[32];
	unsigned int n;
	struct tvm t;

	TEST_SKIP_ON_QUIRK("triple-fault-fatal", "a triple fault would end the test VM");
	TVM_CREATE_C(&t, guest_idle);
	for (n = 0; n < 256; n++) {
		code[1] = n;
		snprintf(what, sizeof(what), "INT $0x%x", n);
		r = expect_shutdown(&t, what, code, sizeof(code), 0);
		if (r != TEST_PASS)
			return r;
	}
	tvm_destroy(&t);
	return TEST_PASS;
}

/* Events hvm injects itself, with no IDT: an NMI, an external interrupt
 * (sti; jmp .), an exception from SET_VCPU_EVENTS. */
static enum test_result test_no_idt_injected(void)
{
	static const unsigned char spin[] = { 0xfb, 0xeb, 0xfe };	/* sti; jmp . */
	struct hvm_vcpu_events ev;
	struct hvm_sregs sregs;
	struct ucall uc;
	struct tvm t;
	int i;

	TEST_SKIP_ON_QUIRK("triple-fault-fatal", "a triple fault would end the test VM");
	TVM_CREATE_C(&t, guest_idle);
	for (i = 0; i < 3; i++) {
		TEST_ASSERT_ERRNO(!guest_setup_long64(t.vcpu, GUEST_CODE_GPA, GUEST_MEM_SIZE),
				  "long mode");
		memcpy(t.mem + GUEST_CODE_GPA, spin, sizeof(spin));
		TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &sregs), "GET_SREGS");
		sregs.idt.limit = 0;
		TEST_ASSERT_ERRNO(!hvm_vcpu_set_sregs(t.vcpu, &sregs), "SET_SREGS");
		if (i == 0) {
			TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_NMI, 0), "HVM_NMI");
		} else if (i == 1) {
			TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_INTERRUPT, 0x30),
					  "HVM_INTERRUPT");
		} else {
			memset(&ev, 0, sizeof(ev));
			ev.exception.injected = 1;
			ev.exception.nr = VEC_GP;
			ev.exception.has_error_code = 1;
			TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_SET_VCPU_EVENTS, &ev),
					  "SET_VCPU_EVENTS");
		}
		ucall_run(t.vcpu, &uc);
		if (uc.type != UCALL_OTHER_EXIT ||
		    t.vcpu->run->exit_reason != HVM_EXIT_SHUTDOWN) {
			ucall_describe(t.vcpu, &uc);
			return test_fail("%s with no IDT: expected HVM_EXIT_SHUTDOWN",
					 i == 0 ? "NMI" : i == 1 ? "interrupt" : "#GP");
		}
	}
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- Invalid guest state through SET_SREGS -------------------------------- */

static void guest_report_done(void)
{
	guest_report(0x600d);
}

enum sregs_bad {
	BAD_CR4_RESERVED, BAD_CR4_VMXE, BAD_EFER_RESERVED, BAD_LONG_NO_PAE,
	BAD_CR3_RESERVED, BAD_CR0_HIGH, BAD_CR0_PG_NO_PE, BAD_CS_L_D,
	BAD_NR,
};

static const char *const sregs_bad_names[BAD_NR] = {
	"CR4 reserved bit 63", "CR4.VMXE", "EFER reserved bit 63",
	"long mode with CR4.PAE clear", "CR3 bit 62", "CR0 bit 32",
	"CR0.PG without PE", "CS.L and CS.D",
};

static void sregs_break(struct hvm_sregs *s, enum sregs_bad bad)
{
	switch (bad) {
	case BAD_CR4_RESERVED:	s->cr4 |= 1ULL << 63; break;
	case BAD_CR4_VMXE:	s->cr4 |= 1ULL << 13; break;
	case BAD_EFER_RESERVED:	s->efer |= 1ULL << 63; break;
	case BAD_LONG_NO_PAE:	s->cr4 &= ~HVM_CR4_PAE; break;
	case BAD_CR3_RESERVED:	s->cr3 |= 1ULL << 62; break;
	case BAD_CR0_HIGH:	s->cr0 |= 1ULL << 32; break;
	case BAD_CR0_PG_NO_PE:	s->cr0 &= ~HVM_CR0_PE; break;
	case BAD_CS_L_D:	s->cs.db = 1; break;
	default: break;
	}
}

/*
 * Each bad state: SET_SREGS refuses it (EINVAL, state unchanged) or the
 * next RUN ends in HVM_EXIT_FAIL_ENTRY; never anything else.  Then the
 * good state is set again and the guest finishes.
 */
static enum test_result test_invalid_sregs(void)
{
	struct hvm_sregs good, bad;
	struct ucall uc;
	unsigned int i;
	struct tvm t;

	for (i = 0; i < BAD_NR; i++) {
		TVM_CREATE_C(&t, guest_report_done);
		TEST_ASSERT_ERRNO(!hvm_vcpu_get_sregs(t.vcpu, &good), "GET_SREGS");
		bad = good;
		sregs_break(&bad, i);
		if (hvm_vcpu_set_sregs(t.vcpu, &bad)) {
			TEST_ASSERT(errno == EINVAL, "%s: SET_SREGS errno %d",
				    sregs_bad_names[i], errno);
			test_diag("%s: SET_SREGS EINVAL", sregs_bad_names[i]);
		} else {
			ucall_run(t.vcpu, &uc);
			if (uc.type != UCALL_OTHER_EXIT ||
			    t.vcpu->run->exit_reason != HVM_EXIT_FAIL_ENTRY) {
				ucall_describe(t.vcpu, &uc);
				return test_fail("%s: expected EINVAL or HVM_EXIT_FAIL_ENTRY",
						 sregs_bad_names[i]);
			}
			test_diag("%s: HVM_EXIT_FAIL_ENTRY reason 0x%llx", sregs_bad_names[i],
				  (unsigned long long)
				  t.vcpu->run->fail_entry.hardware_entry_failure_reason);
			TEST_ASSERT_ERRNO(!hvm_vcpu_set_sregs(t.vcpu, &good), "SET_SREGS");
		}
		EXPECT_REPORT(&t, &uc, 0x600d);
		tvm_destroy(&t);
	}
	return TEST_PASS;
}

/* ---- Spinning and halting with interrupts off ----------------------------- */

static void apic_write(__u32 off, __u32 val)
{
	mmio_write32(APIC_GPA + off, val);
}

static volatile __u64 storm_ticks;

static void storm_fn(struct guest_frame *f)
{
	(void)f;
	storm_ticks++;
	apic_write(APIC_EOI, 0);
}
GUEST_HANDLER(storm_entry, STORM_VECTOR, storm_fn);

/* The fastest LAPIC timer the guest can ask for: periodic, divide by 1,
 * initial count 1. */
static void storm_timer_start(void)
{
	apic_write(APIC_SVR, 0x1ff);
	guest_idt_set_gate(STORM_VECTOR, storm_entry);
	apic_write(APIC_TDCR, 0xb);
	apic_write(APIC_LVTT, LVT_PERIODIC | STORM_VECTOR);
	apic_write(APIC_TMICT, 1);
}

static void guest_cli_spin_storm(void)
{
	storm_timer_start();
	cli();
	for (;;)
		asm volatile("" ::: "memory");
}

/* cli; jmp . with a timer storm pending: every signal still ends RUN
 * with EINTR (HVM_EXIT_INTR), 5 times. */
static enum test_result test_cli_spin_storm(void)
{
	struct kicker k;
	struct ucall uc;
	struct tvm t;
	int i;

	TEST_SKIP_ON_QUIRK("no-intr-exit-if0", "a spinning guest cannot be kicked");
	TVM_CREATE_IRQCHIP(&t, guest_cli_spin_storm);
	TEST_ASSERT(!kicker_start(&k, 100), "kicker thread");
	for (i = 0; i < 5; i++) {
		ucall_run(t.vcpu, &uc);
		if (uc.type != UCALL_RUN_ERROR || uc.err != EINTR ||
		    t.vcpu->run->exit_reason != HVM_EXIT_INTR) {
			kicker_stop(&k);
			ucall_describe(t.vcpu, &uc);
			return test_fail("run %d: expected EINTR / HVM_EXIT_INTR", i);
		}
	}
	kicker_stop(&k);
	tvm_destroy(&t);
	return TEST_PASS;
}

static void nmi_fn(struct guest_frame *f)
{
	(void)f;
	guest_report(0x4e4d49);
}
GUEST_HANDLER(nmi_entry, 2, nmi_fn);

static void guest_cli_hlt(void)
{
	guest_idt_set_gate(2, nmi_entry);
	cli();
	for (;;)
		hlt();
}

/*
 * cli; hlt with an irqchip: RUN blocks (HLT is not an exit then); a
 * signal ends it with EINTR and the vCPU is HALTED; HVM_NMI wakes it
 * (NMIs ignore IF) into its handler.
 */
static enum test_result test_cli_hlt_irqchip(void)
{
	struct kicker k;
	struct ucall uc;
	__u32 mp;
	struct tvm t;
	int i;

	if (backend_is_vmx())
		return test_skip("module defect (VMX): HVM_NMI does not wake a vCPU halted "
				 "in the kernel with IF=0: RUN stays blocked (Bochs Skylake-X; "
				 "SVM passes)");
	TVM_CREATE_IRQCHIP(&t, guest_cli_hlt);
	TEST_ASSERT(!kicker_start(&k, 100), "kicker thread");
	for (i = 0; i < 3; i++) {
		ucall_run(t.vcpu, &uc);
		if (uc.type != UCALL_RUN_ERROR || uc.err != EINTR) {
			kicker_stop(&k);
			ucall_describe(t.vcpu, &uc);
			return test_fail("run %d: expected EINTR", i);
		}
	}
	kicker_stop(&k);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_mp_state(t.vcpu, &mp), "GET_MP_STATE");
	TEST_ASSERT(mp == HVM_MP_STATE_HALTED, "mp_state %u after cli; hlt", mp);
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_NMI, 0), "HVM_NMI");
	EXPECT_REPORT(&t, &uc, 0x4e4d49);
	tvm_destroy(&t);
	return TEST_PASS;
}

static void guest_cli_hlt_loop(void)
{
	unsigned int i;

	cli();
	for (i = 0; i < 1000; i++)
		hlt();
	guest_done();
}

/* cli; hlt without an irqchip: each HLT is an HVM_EXIT_HLT, 1000 times. */
static enum test_result test_cli_hlt_exits(void)
{
	struct ucall uc;
	unsigned int n = 0;
	struct tvm t;

	TVM_CREATE_C(&t, guest_cli_hlt_loop);
	for (;;) {
		ucall_run(t.vcpu, &uc);
		if (uc.type == UCALL_DONE)
			break;
		if (uc.type != UCALL_OTHER_EXIT || t.vcpu->run->exit_reason != HVM_EXIT_HLT) {
			ucall_describe(t.vcpu, &uc);
			return test_fail("after %u HLT exits", n);
		}
		n++;
	}
	TEST_ASSERT(n == 1000, "%u HLT exits", n);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- Interrupt storms ------------------------------------------------------ */

static void guest_timer_storm(void)
{
	storm_timer_start();
	sti();
	while (storm_ticks < 2000)
		asm volatile("pause" ::: "memory");
	apic_write(APIC_LVTT, LVT_MASKED);
	apic_write(APIC_TMICT, 0);
	cli();
	guest_report(storm_ticks);
}

/* A periodic LAPIC timer of count 1: the guest takes 2000 interrupts
 * and finishes (REPORT, DONE); the host never hangs. */
static enum test_result test_timer_storm(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_IRQCHIP(&t, guest_timer_storm);
	test_watchdog_arm(60);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT(uc.value >= 2000, "%llu ticks", (unsigned long long)uc.value);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static volatile __u64 line_irqs;

static void line_fn(struct guest_frame *f)
{
	(void)f;
	line_irqs++;
	outb(0x20, 0x20);	/* non-specific EOI to the 8259 */
}
GUEST_HANDLER(line_entry, 0x21, line_fn);

/* vCPU 0 takes the 8259's IRQ 1 (vector 0x21: ICW2 0x20) as fast as the
 * host raises it; reports after 500. */
static void guest_line_storm(void)
{
	apic_write(APIC_SVR, 0x1ff);	/* LINT0 (ExtINT) unmasked at reset */
	guest_idt_set_gate(0x21, line_entry);
	outb(0x20, 0x11);	/* ICW1: edge, cascade, ICW4 */
	outb(0x21, 0x20);	/* ICW2: vectors 0x20-0x27 */
	outb(0x21, 0x04);	/* ICW3 */
	outb(0x21, 0x01);	/* ICW4: 8086 mode */
	outb(0x21, 0xfd);	/* only IRQ 1 */
	sti();
	while (line_irqs < 500)
		asm volatile("pause" ::: "memory");
	cli();
	guest_report(line_irqs);
}

struct line_storm {
	struct hvm_vm *vm;
	atomic_bool stop;
	unsigned long edges;
};

static void *line_storm_fn(void *arg)
{
	struct line_storm *s = arg;

	while (!atomic_load(&s->stop)) {
		hvm_vm_irq_line(s->vm, 1, 1);
		hvm_vm_irq_line(s->vm, 1, 0);
		s->edges++;
	}
	return NULL;
}

/* Another thread raises and lowers GSI 1 as fast as it can while the
 * guest runs: the guest gets its 500 interrupts and finishes. */
static enum test_result test_irq_line_storm(void)
{
	struct line_storm s = { 0 };
	pthread_t thread;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_IRQCHIP(&t, guest_line_storm);
	s.vm = t.vm;
	TEST_ASSERT(!pthread_create(&thread, NULL, line_storm_fn, &s), "storm thread");
	test_watchdog_arm(60);
	ucall_run(t.vcpu, &uc);
	atomic_store(&s.stop, true);
	pthread_join(thread, NULL);
	if (uc.type != UCALL_REPORT) {
		ucall_describe(t.vcpu, &uc);
		return test_fail("expected the guest's report");
	}
	test_diag("%llu interrupts taken, %lu edges sent",
		  (unsigned long long)uc.value, s.edges);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- Exit floods ------------------------------------------------------------ */

static volatile __u32 flood_count = 20000;

static void guest_pio_flood(void)
{
	static const char str[4] = "abc";
	const char *src;
	__u64 cnt;
	__u32 i, v;

	for (i = 0; i < flood_count; i++) {
		outl(FLOOD_PORT, i);
		v = inl(FLOOD_PORT);
		GUEST_ASSERT_EQ(v, i ^ 0x5a5a5a5a);
	}
	/* and REP OUTSB: 3 bytes per element count */
	for (i = 0; i < 100; i++) {
		src = str;
		cnt = 3;
		asm volatile("rep outsb" : "+S"(src), "+c"(cnt) : "d"(FLOOD_PORT) : "memory");
	}
}

/* PIO flood: OUT and IN to the same port in a loop, each an
 * HVM_EXIT_IO (port, size, direction, data), then REP OUTSB. */
static enum test_result test_pio_flood(void)
{
	unsigned int outs = 0, ins = 0, bytes = 0;
	struct hvm_run *run;
	struct ucall uc;
	__u32 *data;
	struct tvm t;

	if (test_quirk("no-intr-exit-if0") || backend_is_vmx())
		flood_count = 4000;	/* Bochs: ~50x slower than QEMU */
	TVM_CREATE_C(&t, guest_pio_flood);
	run = t.vcpu->run;
	test_watchdog_arm(90);
	for (;;) {
		ucall_run(t.vcpu, &uc);
		if (uc.type == UCALL_DONE)
			break;
		if (uc.type != UCALL_OTHER_EXIT || run->exit_reason != HVM_EXIT_IO ||
		    run->io.port != FLOOD_PORT) {
			ucall_describe(t.vcpu, &uc);
			return test_fail("after %u OUTs, %u INs", outs, ins);
		}
		data = (__u32 *)((char *)run + run->io.data_offset);
		if (run->io.size == 1) {
			TEST_ASSERT(run->io.direction == HVM_EXIT_IO_OUT, "IN of a byte");
			bytes += run->io.count;
			continue;
		}
		TEST_ASSERT(run->io.size == 4 && run->io.count == 1, "size %u count %u",
			    run->io.size, run->io.count);
		if (run->io.direction == HVM_EXIT_IO_OUT) {
			TEST_ASSERT(*data == outs, "OUT %u data %u", outs, *data);
			outs++;
		} else {
			*data = ins++ ^ 0x5a5a5a5a;
		}
	}
	TEST_ASSERT(outs == flood_count && ins == flood_count && bytes == 300,
		    "%u OUTs, %u INs, %u string bytes", outs, ins, bytes);
	tvm_destroy(&t);
	return TEST_PASS;
}

static void guest_mmio_flood(void)
{
	__u32 i;

	for (i = 0; i < flood_count; i++) {
		mmio_write32(FLOOD_MMIO + (i & 0xfff) * 4, i);
		GUEST_ASSERT_EQ(mmio_read64(FLOOD_MMIO + 0x8000), (__u64)i << 32 | i);
	}
}

/* MMIO flood: writes and reads outside every slot, each an
 * HVM_EXIT_MMIO with its address, length and data. */
static enum test_result test_mmio_flood(void)
{
	unsigned int writes = 0, reads = 0;
	struct hvm_run *run;
	struct ucall uc;
	struct tvm t;

	if (test_quirk("no-intr-exit-if0") || backend_is_vmx())
		flood_count = 4000;
	TVM_CREATE_C(&t, guest_mmio_flood);
	run = t.vcpu->run;
	test_watchdog_arm(90);
	for (;;) {
		ucall_run(t.vcpu, &uc);
		if (uc.type == UCALL_DONE)
			break;
		if (uc.type != UCALL_OTHER_EXIT || run->exit_reason != HVM_EXIT_MMIO) {
			ucall_describe(t.vcpu, &uc);
			return test_fail("after %u writes, %u reads", writes, reads);
		}
		if (run->mmio.is_write) {
			__u32 v;

			memcpy(&v, run->mmio.data, 4);
			TEST_ASSERT(run->mmio.len == 4 && v == writes &&
				    run->mmio.phys_addr == FLOOD_MMIO + (writes & 0xfff) * 4,
				    "write %u: len %u addr 0x%llx data %u", writes,
				    run->mmio.len, (unsigned long long)run->mmio.phys_addr, v);
			writes++;
		} else {
			__u64 v = (__u64)reads << 32 | reads;

			TEST_ASSERT(run->mmio.len == 8 &&
				    run->mmio.phys_addr == FLOOD_MMIO + 0x8000,
				    "read %u: len %u addr 0x%llx", reads, run->mmio.len,
				    (unsigned long long)run->mmio.phys_addr);
			memcpy(run->mmio.data, &v, 8);
			reads++;
		}
	}
	TEST_ASSERT(writes == flood_count && reads == flood_count, "%u writes, %u reads",
		    writes, reads);
	tvm_destroy(&t);
	return TEST_PASS;
}

static void guest_wbinvd_loop(void)
{
	__u32 i;

	for (i = 0; i < flood_count; i++) {
		asm volatile("wbinvd" ::: "memory");
		asm volatile("invd" ::: "memory");
	}
	guest_report(i);
}

/* WBINVD and INVD in a loop: completed in the kernel, the only exits are
 * the final REPORT and DONE. */
static enum test_result test_wbinvd_loop(void)
{
	struct ucall uc;
	struct tvm t;

	flood_count = test_quirk("no-intr-exit-if0") || backend_is_vmx() ? 5000 : 50000;
	TVM_CREATE_C(&t, guest_wbinvd_loop);
	test_watchdog_arm(90);
	EXPECT_REPORT(&t, &uc, flood_count);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- VMX, SMX, SGX and SEV instructions in the guest: #UD ----------------- */

static __u8 vmx_region[4096] __attribute__((aligned(4096)));
static __u64 vmx_ptr;

#define UD_INSN(name, text)							\
	static int name(void)							\
	{									\
		__u64 p = (__u64)vmx_region, field = 0, value = 0;		\
		struct { __u64 a, b; } desc = { 1, 0 };				\
										\
		asm volatile(GUEST_SAFE_BEGIN text GUEST_SAFE_END		\
			     : "+r"(value)					\
			     : "r"(p), "r"(field), "m"(desc), "m"(vmx_ptr),	\
			       "a"(0), "c"(0), "b"(0), "d"(0)			\
			     : "r11", "memory");				\
		return guest_fault.vector;					\
	}

/* operands: %0 value (r/w), %1 pointer, %2 field, %3 descriptor, %4 vmx_ptr */
UD_INSN(try_vmxon, "vmxon %4")
UD_INSN(try_vmxoff, "vmxoff")
UD_INSN(try_vmclear, "vmclear %4")
UD_INSN(try_vmptrld, "vmptrld %4")
UD_INSN(try_vmptrst, "vmptrst %4")
UD_INSN(try_vmread, "vmread %2, %0")
UD_INSN(try_vmwrite, "vmwrite %0, %2")
UD_INSN(try_vmlaunch, "vmlaunch")
UD_INSN(try_vmresume, "vmresume")
UD_INSN(try_invept, "invept %3, %2")
UD_INSN(try_invvpid, "invvpid %3, %2")
UD_INSN(try_vmfunc, ".byte 0x0f, 0x01, 0xd4")
UD_INSN(try_getsec, ".byte 0x0f, 0x37")
UD_INSN(try_encls, ".byte 0x0f, 0x01, 0xcf")
UD_INSN(try_enclu, ".byte 0x0f, 0x01, 0xd7")
UD_INSN(try_enclv, ".byte 0x0f, 0x01, 0xc0")
UD_INSN(try_invlpgb, ".byte 0x0f, 0x01, 0xfe")
UD_INSN(try_tlbsync, ".byte 0x0f, 0x01, 0xff")
UD_INSN(try_pvalidate, ".byte 0xf2, 0x0f, 0x01, 0xff")
UD_INSN(try_rmpadjust, ".byte 0xf3, 0x0f, 0x01, 0xfe")
UD_INSN(try_rmpupdate, ".byte 0xf2, 0x0f, 0x01, 0xfe")
UD_INSN(try_psmash, ".byte 0xf3, 0x0f, 0x01, 0xff")

static const struct {
	int (*fn)(void);
	const char *what;
} ud_insns[] = {
	{ try_vmxon, "VMXON must raise #UD" },
	{ try_vmxoff, "VMXOFF must raise #UD" },
	{ try_vmclear, "VMCLEAR must raise #UD" },
	{ try_vmptrld, "VMPTRLD must raise #UD" },
	{ try_vmptrst, "VMPTRST must raise #UD" },
	{ try_vmread, "VMREAD must raise #UD" },
	{ try_vmwrite, "VMWRITE must raise #UD" },
	{ try_vmlaunch, "VMLAUNCH must raise #UD" },
	{ try_vmresume, "VMRESUME must raise #UD" },
	{ try_invept, "INVEPT must raise #UD" },
	{ try_invvpid, "INVVPID must raise #UD" },
	{ try_vmfunc, "VMFUNC must raise #UD" },
	{ try_getsec, "GETSEC must raise #UD" },
	{ try_encls, "ENCLS must raise #UD" },
	{ try_enclu, "ENCLU must raise #UD" },
	{ try_enclv, "ENCLV must raise #UD" },
	{ try_invlpgb, "INVLPGB must raise #UD" },
	{ try_tlbsync, "TLBSYNC must raise #UD" },
	{ try_pvalidate, "PVALIDATE must raise #UD" },
	{ try_rmpadjust, "RMPADJUST must raise #UD" },
	{ try_rmpupdate, "RMPUPDATE must raise #UD" },
	{ try_psmash, "PSMASH must raise #UD" },
};

static void guest_ud_insns(void)
{
	unsigned int i;

	guest_safe_init();
	vmx_ptr = (__u64)vmx_region;
	for (i = 0; i < ARRAY_SIZE(ud_insns); i++) {
		GUEST_ASSERT_EQ_MSG(ud_insns[i].fn(), VEC_UD, ud_insns[i].what);
		guest_report(i);
	}
}

/* Every VMX instruction, GETSEC, the SGX leaves and the SNP/INVLPGB ones:
 * #UD in the guest on both backends, never an internal error. */
static enum test_result test_virt_insns_ud(void)
{
	unsigned int n = 0;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_C(&t, guest_ud_insns);
	for (;;) {
		ucall_run(t.vcpu, &uc);
		if (uc.type == UCALL_DONE)
			break;
		if (uc.type != UCALL_REPORT || uc.value != n) {
			ucall_describe(t.vcpu, &uc);
			return test_fail("at %s", n < ARRAY_SIZE(ud_insns) ?
					 ud_insns[n].what : "the end");
		}
		n++;
	}
	TEST_ASSERT(n == ARRAY_SIZE(ud_insns), "%u of %zu", n, ARRAY_SIZE(ud_insns));
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- CR and DR games ------------------------------------------------------- */

#define SAFE_MOV_TO(reg)							\
	static int write_##reg##_safe(__u64 v)					\
	{									\
		asm volatile(GUEST_SAFE_BEGIN "mov %0, %%" #reg GUEST_SAFE_END	\
			     : : "r"(v) : "r11", "memory");			\
		return guest_fault.vector;					\
	}
SAFE_MOV_TO(cr0)
SAFE_MOV_TO(cr3)
SAFE_MOV_TO(cr4)
SAFE_MOV_TO(cr8)
SAFE_MOV_TO(dr0)
SAFE_MOV_TO(dr4)
SAFE_MOV_TO(dr6)
SAFE_MOV_TO(dr7)

static __u64 read_dr(int n)
{
	__u64 v = 0;

	switch (n) {
	case 0: asm volatile("mov %%dr0, %0" : "=r"(v)); break;
	case 6: asm volatile("mov %%dr6, %0" : "=r"(v)); break;
	case 7: asm volatile("mov %%dr7, %0" : "=r"(v)); break;
	}
	return v;
}

enum { CR0, CR3, CR4, CR8 };

/* Each refused MOV to CR: how to make the value from the current one. */
static const struct {
	int cr;
	__u64 set, clear;
	const char *what;
} cr_refused[] = {
	{ CR0, 0, HVM_CR0_PE, "CR0.PE cleared with PG must #GP" },
	{ CR0, HVM_CR0_NW, HVM_CR0_CD, "CR0.NW without CD must #GP" },
	{ CR0, 1ULL << 32, 0, "CR0 bit 32 must #GP" },
	{ CR0, 1ULL << 63, 0, "CR0 bit 63 must #GP" },
	{ CR4, 1ULL << 13, 0, "CR4.VMXE must #GP (no nested VMX)" },
	{ CR4, 1ULL << 14, 0, "CR4.SMXE must #GP (no SMX)" },
	{ CR4, 1ULL << 15, 0, "CR4 bit 15 (reserved) must #GP" },
	{ CR4, 1ULL << 32, 0, "CR4 bit 32 must #GP" },
	{ CR4, 1ULL << 63, 0, "CR4 bit 63 must #GP" },
	{ CR4, 0, HVM_CR4_PAE, "CR4.PAE cleared in long mode must #GP" },
	{ CR4, 1ULL << 12, 0, "CR4.LA57 changed in long mode must #GP" },
	{ CR3, 1ULL << 62, 0, "CR3 bit 62 must #GP" },
	{ CR8, 16, 0, "CR8 = 16 must #GP" },
	{ CR8, ~0ULL, 0, "CR8 = ~0 must #GP" },
};

static __u64 cr_read(int cr)
{
	return cr == CR0 ? read_cr0() : cr == CR3 ? read_cr3() :
	       cr == CR4 ? read_cr4() : read_cr8();
}

static int cr_write_safe(int cr, __u64 v)
{
	return cr == CR0 ? write_cr0_safe(v) : cr == CR3 ? write_cr3_safe(v) :
	       cr == CR4 ? write_cr4_safe(v) : write_cr8_safe(v);
}

#define CR_STEP		0x57e90000ULL

/*
 * Reports each step, then a bit mask of the refused writes that did not
 * #GP(0) or changed the CR: the CR0/CR3/CR8 entries (cr_select 0) or the
 * CR4 ones (1); cr_select 2 clears CR0.PG in 64-bit mode.
 */
static volatile __u32 cr_select;
static volatile bool cr_no_pe;		/* quirk no-cr0-pe-check */

static void guest_cr_games(void)
{
	__u64 before, after, cr3 = read_cr3();
	__u32 failed = 0;
	unsigned int i;
	int v;

	guest_safe_init();
	if (cr_select == 2) {
		before = read_cr0();
		GUEST_ASSERT_EQ_MSG(write_cr0_safe(before & ~HVM_CR0_PG), VEC_GP,
				    "CR0.PG cleared in 64-bit mode must #GP");
		GUEST_ASSERT_EQ_MSG(read_cr0(), before, "CR0 after a refused PG clear");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(cr_refused); i++) {
		if ((cr_refused[i].cr == CR4) != (cr_select == 1))
			continue;
		if (cr_refused[i].clear == HVM_CR0_PE && cr_no_pe)
			continue;
		guest_report(CR_STEP | i);
		before = cr_read(cr_refused[i].cr);
		v = cr_write_safe(cr_refused[i].cr,
				  (before | cr_refused[i].set) & ~cr_refused[i].clear);
		after = cr_read(cr_refused[i].cr);
		if (v != VEC_GP || guest_fault.error_code || after != before) {
			failed |= 1U << i;
			if (v == GUEST_NO_FAULT)	/* put it back */
				cr_write_safe(cr_refused[i].cr, before);
		}
	}
	GUEST_ASSERT_EQ_MSG(write_cr8_safe(15), GUEST_NO_FAULT, "CR8 = 15");
	GUEST_ASSERT_EQ_MSG(read_cr8(), 15, "CR8 read back");
	GUEST_ASSERT_EQ_MSG(write_cr8_safe(0), GUEST_NO_FAULT, "CR8 = 0");
	GUEST_ASSERT_EQ_MSG(write_cr3_safe(cr3), GUEST_NO_FAULT, "CR3 reload");
	guest_report(failed);
}

/* MOV to CRn with every refused value: #GP(0) and the CR unchanged; the
 * guest finishes. */
static enum test_result cr_games(__u32 select)
{
	struct ucall uc;
	unsigned int i;
	struct tvm t;

	cr_select = select;
	cr_no_pe = test_quirk("no-cr0-pe-check");
	if (cr_no_pe && select == 0)
		test_diag("emulator quirk no-cr0-pe-check: CR0.PE cleared with PG not tried");
	TVM_CREATE_C(&t, guest_cr_games);
	for (i = 0; select != 2; i = uc.value & 0xff) {
		ucall_run(t.vcpu, &uc);
		if (uc.type != UCALL_REPORT) {
			ucall_describe(t.vcpu, &uc);
			return test_fail("after trying: %s", cr_refused[i].what);
		}
		if ((uc.value & ~0xffULL) != CR_STEP)
			break;
	}
	if (select != 2) {
		for (i = 0; i < ARRAY_SIZE(cr_refused); i++)
			if (uc.value & (1U << i))
				test_diag("failed: %s", cr_refused[i].what);
		TEST_ASSERT(!uc.value, "refused CR writes that did not #GP(0) or changed the CR: 0x%llx",
			    (unsigned long long)uc.value);
	}
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static enum test_result test_cr_games(void)
{
	TEST_SKIP_ON_QUIRK("tcg-lax-checks",
			   "TCG takes reserved CR3 bits without #GP (VMRUN then fails)");
	return cr_games(0);
}

static enum test_result test_cr4_games(void)
{
	TEST_SKIP_ON_QUIRK("tcg-lax-checks",
			   "TCG takes CR4.VMXE without #GP (VMRUN then fails)");
	return cr_games(1);
}

static enum test_result test_cr0_pg_clear(void)
{
	TEST_SKIP_ON_QUIRK("tcg-lax-checks", "TCG leaves long mode instead of raising #GP");
	return cr_games(2);
}

static volatile __u64 db_seen, db_dr6;

static void db_fn(struct guest_frame *f)
{
	db_seen++;
	asm volatile("mov %%dr6, %0" : "=r"(db_dr6));
	f->rip = guest_fault.fixup;	/* skip the MOV DR */
	guest_fault.fixup = 0;
	guest_fault.vector = 1;
}
GUEST_HANDLER(db_entry, 1, db_fn);

static void guest_dr_games(void)
{
	__u64 cr4 = read_cr4();

	guest_safe_init();
	/* DR0-3 take any address (breakpoints never fire on the hardware). */
	GUEST_ASSERT_EQ_MSG(write_dr0_safe(~0ULL), GUEST_NO_FAULT, "DR0 = ~0");
	GUEST_ASSERT_EQ_MSG(read_dr(0), ~0ULL, "DR0 read back");
	/* DR6/DR7 bits 63:32 must be 0: #GP */
	GUEST_ASSERT_EQ_MSG(write_dr6_safe(1ULL << 32), VEC_GP, "DR6 bit 32 must #GP");
	GUEST_ASSERT_EQ_MSG(write_dr7_safe(1ULL << 32), VEC_GP, "DR7 bit 32 must #GP");
	/* every breakpoint enabled, on DR0 = ~0: harmless */
	GUEST_ASSERT_EQ_MSG(write_dr7_safe(0xffff00ff), GUEST_NO_FAULT, "DR7 = 0xffff00ff");
	GUEST_ASSERT_EQ_MSG(write_dr7_safe(0x400), GUEST_NO_FAULT, "DR7 = 0x400");
	/* DR4 aliases DR6 with CR4.DE clear; #UD with it set */
	write_cr4(cr4 | (1ULL << 3));
	GUEST_ASSERT_EQ_MSG(write_dr4_safe(0), VEC_UD, "MOV DR4 with CR4.DE must #UD");
	write_cr4(cr4);
	/* DR7.GD: the next MOV DR raises #DB with DR6.BD */
	guest_idt_set_gate(1, db_entry);
	GUEST_ASSERT_EQ_MSG(write_dr7_safe(0x2400), GUEST_NO_FAULT, "DR7.GD");
	GUEST_ASSERT_EQ_MSG(write_dr0_safe(0), VEC_DB, "MOV DR with DR7.GD must #DB");
	GUEST_ASSERT_EQ_MSG(db_seen, 1, "one #DB");
	GUEST_ASSERT_EQ_MSG(db_dr6 & (1ULL << 13), 1ULL << 13, "DR6.BD");
	/* the #DB cleared GD: MOV DR works again */
	GUEST_ASSERT_EQ_MSG(write_dr7_safe(0x400), GUEST_NO_FAULT, "DR7 after #DB");
}

/* MOV DR: any DR0, DR6/DR7 high bits #GP, DR4 with CR4.DE #UD, DR7.GD
 * turns the next MOV DR into a #DB with DR6.BD (SDM 18.2.4). */
static enum test_result test_dr_games(void)
{
	struct tvm t;

	TVM_CREATE_C(&t, guest_dr_games);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- XSETBV and XRSTOR with hostile values ---------------------------------- */

static __u8 xsave_area[4096] __attribute__((aligned(64)));

static int xrstor_safe(void *area, __u64 mask)
{
	asm volatile(GUEST_SAFE_BEGIN "xrstor64 (%0)" GUEST_SAFE_END
		     : : "r"(area), "a"((__u32)mask), "d"((__u32)(mask >> 32))
		     : "r11", "memory");
	return guest_fault.vector;
}

/* XSAVE, then a clean header: XSAVE writes only XSTATE_BV of it. */
static void xsave_now(void *area, __u64 mask)
{
	volatile __u64 *hdr = (volatile __u64 *)((__u8 *)area + 512);
	int i;

	asm volatile("xsave64 (%0)" : : "r"(area), "a"((__u32)mask),
		     "d"((__u32)(mask >> 32)) : "memory");
	for (i = 1; i < 8; i++)
		hdr[i] = 0;
}

/* QEMU's TCG: XRSTOR takes MXCSR reserved bits (tcg-lax-checks). */
static volatile bool xsave_lax;

static void guest_xsave_games(void)
{
	__u64 *hdr = (__u64 *)(xsave_area + 512);
	__u32 *mxcsr = (__u32 *)(xsave_area + 24);
	__u32 a, b, c, d, xcr0_ok;

	guest_safe_init();
	cpuid(0xd, 0, &a, &b, &c, &d);
	xcr0_ok = a;
	write_cr4(read_cr4() | HVM_CR4_OSXSAVE);
	GUEST_ASSERT_EQ_MSG(xsetbv_safe(0, 3), GUEST_NO_FAULT, "XCR0 = x87|SSE");
	/* XSETBV */
	GUEST_ASSERT_EQ_MSG(xsetbv_safe(1, 3), VEC_GP, "XSETBV of XCR1 must #GP");
	GUEST_ASSERT_EQ_MSG(xsetbv_safe(0xffffffff, 3), VEC_GP, "XSETBV of XCR ~0 must #GP");
	GUEST_ASSERT_EQ_MSG(xsetbv_safe(0, ~0ULL), VEC_GP, "XCR0 = ~0 must #GP");
	GUEST_ASSERT_EQ_MSG(xsetbv_safe(0, 3 | (1ULL << 63)), VEC_GP,
			    "XCR0 bit 63 must #GP");
	GUEST_ASSERT_EQ_MSG(xsetbv_safe(0, 2), VEC_GP, "XCR0 without x87 must #GP");
	GUEST_ASSERT_EQ_MSG(xsetbv_safe(0, 0), VEC_GP, "XCR0 = 0 must #GP");
	if (xcr0_ok & 4)
		GUEST_ASSERT_EQ_MSG(xsetbv_safe(0, 5), VEC_GP,
				    "XCR0 AVX without SSE must #GP");
	for (b = 2; b < 32; b++)	/* the lowest bit CPUID does not offer */
		if (!(xcr0_ok & (1U << b)))
			break;
	if (b < 32)
		GUEST_ASSERT_EQ_MSG(xsetbv_safe(0, 3 | (1ULL << b)), VEC_GP,
				    "XCR0 with a bit CPUID does not offer must #GP");
	GUEST_ASSERT_EQ_MSG(xgetbv(0), 3, "XCR0 changed by refused XSETBVs");
	/* XRSTOR of hostile images */
	xsave_now(xsave_area, 3);
	hdr[0] |= 1ULL << 62;		/* XSTATE_BV bit outside XCR0 */
	GUEST_ASSERT_EQ_MSG(xrstor_safe(xsave_area, ~0ULL), VEC_GP,
			    "XRSTOR with XSTATE_BV outside XCR0 must #GP");
	xsave_now(xsave_area, 3);
	hdr[0] = 3;
	hdr[1] = 1ULL << 63;		/* XCOMP_BV: compacted form */
	GUEST_ASSERT_EQ_MSG(xrstor_safe(xsave_area, ~0ULL), VEC_GP,
			    "XRSTOR (standard) with XCOMP_BV set must #GP");
	xsave_now(xsave_area, 3);
	hdr[2] = 1;			/* header bytes 16-63 reserved */
	GUEST_ASSERT_EQ_MSG(xrstor_safe(xsave_area, ~0ULL), VEC_GP,
			    "XRSTOR with reserved header bytes must #GP");
	xsave_now(xsave_area, 3);
	hdr[0] |= 2;
	*mxcsr |= 1U << 31;		/* MXCSR reserved bit */
	if (!xsave_lax)
		GUEST_ASSERT_EQ_MSG(xrstor_safe(xsave_area, ~0ULL), VEC_GP,
				    "XRSTOR with MXCSR reserved bits must #GP");
	GUEST_ASSERT_EQ_MSG(xrstor_safe(xsave_area + 16, ~0ULL), VEC_GP,
			    "XRSTOR of a misaligned area must #GP");
	/* and a good one still works */
	xsave_now(xsave_area, 3);
	GUEST_ASSERT_EQ_MSG(xrstor_safe(xsave_area, ~0ULL), GUEST_NO_FAULT, "XRSTOR");
}

static bool host_has_xsave(void)
{
	unsigned int a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	return c & (1U << 27);	/* OSXSAVE: the host uses it, hvm offers it */
}

/* XSETBV of every refused XCR0/index and XRSTOR of broken images: #GP
 * in the guest, XCR0 unchanged; the host's own MXCSR is intact. */
static enum test_result test_xsave_games(void)
{
	unsigned int before, after;
	struct tvm t;

	if (!host_has_xsave())
		return test_skip("the host does not use XSAVE");
	asm volatile("stmxcsr %0" : "=m"(before));
	xsave_lax = test_quirk("tcg-lax-checks");
	if (xsave_lax)
		test_diag("emulator quirk tcg-lax-checks: XRSTOR's MXCSR check not tried");
	TVM_CREATE_C(&t, guest_xsave_games);
	TVM_RUN_TO_DONE(&t);
	asm volatile("stmxcsr %0" : "=m"(after));
	TEST_ASSERT(before == after, "host MXCSR 0x%x, was 0x%x", after, before);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- INIT/SIPI storm between vCPUs ----------------------------------------- */

#define SIPI_PAGE	0x10		/* real-mode code at 0x10000 */
#define SIPI_PORT	0x99
#define STORM_PAIRS	200

static void guest_init_sipi_storm(void)
{
	unsigned int i;

	apic_write(APIC_SVR, 0x1ff);
	for (i = 0; i < STORM_PAIRS; i++) {
		apic_write(APIC_ICR2, 1U << 24);
		apic_write(APIC_ICR, ICR_INIT | ICR_ASSERT);
		apic_write(APIC_ICR2, 1U << 24);
		apic_write(APIC_ICR, ICR_SIPI | ICR_ASSERT | SIPI_PAGE);
	}
	guest_report(i);
}

struct ap_run {
	struct hvm_vcpu *vcpu;
	atomic_bool stop, exited;
	unsigned int starts, eintr;
	__u32 bad_exit;
};

static void *ap_fn(void *arg)
{
	struct ap_run *ap = arg;

	while (!atomic_load(&ap->stop)) {
		if (hvm_vcpu_run(ap->vcpu)) {
			if (errno != EINTR) {
				ap->bad_exit = 0xffff;
				break;
			}
			ap->eintr++;
			continue;
		}
		if (ap->vcpu->run->exit_reason == HVM_EXIT_IO &&
		    ap->vcpu->run->io.port == SIPI_PORT) {
			ap->starts++;
			continue;
		}
		ap->bad_exit = ap->vcpu->run->exit_reason;
		break;
	}
	atomic_store(&ap->exited, true);
	return NULL;
}

/*
 * vCPU 0 sends 200 INIT + SIPI pairs to vCPU 1 as fast as it can; vCPU 1
 * (waiting for INIT) restarts in real mode at the SIPI page each time it
 * gets there: an OUT (HVM_EXIT_IO) then CLI; HLT.  Nothing else.
 */
static enum test_result test_init_sipi_storm(void)
{
	/* out %al, $0x99; cli; hlt; jmp .-1 */
	static const unsigned char ap_code[] = { 0xe6, SIPI_PORT, 0xfa, 0xf4, 0xeb, 0xfd };
	struct ap_run ap = { 0 };
	pthread_t thread;
	struct ucall uc;
	struct tvm t;

	if (!tvm_mode_supported(HVM_MODE_REAL))
		return test_skip("SIPI starts real mode: VMX without unrestricted guest");
	TVM_CREATE_IRQCHIP(&t, guest_init_sipi_storm);
	memcpy(t.mem + (SIPI_PAGE << 12), ap_code, sizeof(ap_code));
	ap.vcpu = hvm_vcpu_create(t.vm, 1);
	TEST_ASSERT_ERRNO(ap.vcpu, "vCPU 1");
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_mp_state(ap.vcpu, HVM_MP_STATE_UNINITIALIZED),
			  "SET_MP_STATE");
	install_sigusr1();
	TEST_ASSERT(!pthread_create(&thread, NULL, ap_fn, &ap), "AP thread");
	test_watchdog_arm(90);
	ucall_run(t.vcpu, &uc);
	usleep(100000);
	atomic_store(&ap.stop, true);
	while (!atomic_load(&ap.exited)) {	/* RUN may block again after one */
		pthread_kill(thread, SIGUSR1);
		usleep(10000);
	}
	pthread_join(thread, NULL);
	if (uc.type != UCALL_REPORT) {
		ucall_describe(t.vcpu, &uc);
		return test_fail("vCPU 0 did not finish its storm");
	}
	test_diag("vCPU 1 started %u times, %u EINTR", ap.starts, ap.eintr);
	TEST_ASSERT(!ap.bad_exit, "vCPU 1 exit %u (%s)", ap.bad_exit,
		    hvm_exit_reason_str(ap.bad_exit));
	TEST_ASSERT(ap.starts >= 1, "vCPU 1 never ran its SIPI code");
	TVM_RUN_TO_DONE(&t);
	hvm_vcpu_destroy(ap.vcpu);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "no IDT: #DE #DB #BP #UD #NM #SS #GP (also hvm-injected) #PF #MF #XM each end in HVM_EXIT_SHUTDOWN, vCPU reset",
	  test_no_idt_exceptions },
	{ "no IDT: INT n for all 256 vectors each ends in HVM_EXIT_SHUTDOWN", test_no_idt_int_n },
	{ "no IDT: an injected NMI, external interrupt and #GP each end in HVM_EXIT_SHUTDOWN",
	  test_no_idt_injected },
	{ "invalid states via SET_SREGS (CR4/EFER/CR3/CR0 reserved, VMXE, no PAE, CS.L+D...): EINVAL or HVM_EXIT_FAIL_ENTRY, then runs once fixed",
	  test_invalid_sregs },
	{ "cli; jmp . with a LAPIC timer storm pending: each signal ends RUN with EINTR (HVM_EXIT_INTR)",
	  test_cli_spin_storm },
	{ "cli; hlt with an irqchip: RUN blocks until a signal (EINTR), vCPU HALTED; HVM_NMI wakes it",
	  test_cli_hlt_irqchip },
	{ "cli; hlt without an irqchip: 1000 HVM_EXIT_HLT, then DONE", test_cli_hlt_exits },
	{ "LAPIC timer storm (periodic, count 1, divide 1): 2000 interrupts taken, guest ends in DONE",
	  test_timer_storm },
	{ "HVM_IRQ_LINE storm from another thread: the guest takes 500 8259 interrupts, ends in DONE",
	  test_irq_line_storm },
	{ "port I/O flood: every OUT/IN/OUTSB is one HVM_EXIT_IO with the right data, then DONE",
	  test_pio_flood },
	{ "MMIO flood: every access outside the slots is one HVM_EXIT_MMIO at its address, then DONE",
	  test_mmio_flood },
	{ "WBINVD/INVD loop completes in the kernel: no exit but the final REPORT and DONE",
	  test_wbinvd_loop },
	{ "VMX instructions, GETSEC, ENCLS/ENCLU/ENCLV, INVLPGB/TLBSYNC, PVALIDATE/RMP*/PSMASH: #UD in the guest",
	  test_virt_insns_ud },
	{ "CR games: refused MOV to CR0 (PE/NW/bits 63:32), CR3 (bit 62), CR8 (> 15): #GP(0), CR unchanged",
	  test_cr_games },
	{ "CR4 games: MOV to CR4 setting VMXE, SMXE, reserved bits, LA57 or clearing PAE in long mode: #GP(0), CR4 unchanged",
	  test_cr4_games },
	{ "CR0.PG cleared in 64-bit mode: #GP(0), CR0 unchanged", test_cr0_pg_clear },
	{ "DR games: DR0 any value, DR6/DR7 bits 63:32 #GP, DR4 with CR4.DE #UD, DR7.GD then MOV DR #DB",
	  test_dr_games },
	{ "XSETBV (bad index, ~0, no x87, AVX without SSE) and XRSTOR (bad header, MXCSR, alignment) #GP; host MXCSR intact",
	  test_xsave_games },
	{ "INIT/SIPI storm: 200 INIT+SIPI pairs to vCPU 1, which restarts at its SIPI code (HVM_EXIT_IO) only",
	  test_init_sipi_storm },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
