// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: the in-kernel local APIC (HVM_CREATE_IRQCHIP), with guest
 * code in C: registers at reset, TPR/CR8 and priorities, the timer in its
 * three modes, HLT blocking in the kernel, x2APIC, and IPIs between two
 * vCPUs (fixed, NMI, INIT/SIPI).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "guest_c.h"
#include "test.h"

#define APIC_BASE_GPA	0xfee00000ULL
#define APIC_ID		0x20
#define APIC_LVR	0x30
#define APIC_TPR	0x80
#define APIC_PPR	0xa0
#define APIC_EOI	0xb0
#define APIC_LDR	0xd0
#define APIC_SVR	0xf0
#define APIC_IRR	0x200
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0

#define MSR_APIC_BASE	0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_X2APIC(off)	(0x800 + ((off) >> 4))

#define LVT_MASKED	(1U << 16)
#define LVT_PERIODIC	(1U << 17)
#define LVT_DEADLINE	(2U << 17)
#define ICR_SELF	(1U << 18)
#define ICR_NMI		(4U << 8)
#define ICR_INIT	(5U << 8)
#define ICR_SIPI	(6U << 8)
#define ICR_ASSERT	(1U << 14)

#define TIMER_VECTOR	0x40
#define IPI_VECTOR	0x41
#define SIPI_VECTOR	0x20		/* real-mode code at 0x20000 */

static __u32 apic_read(__u32 off)
{
	return mmio_read32(APIC_BASE_GPA + off);
}

static void apic_write(__u32 off, __u32 val)
{
	mmio_write32(APIC_BASE_GPA + off, val);
}

static volatile bool x2mode;

static void apic_eoi(void)
{
	if (x2mode)
		wrmsr(MSR_X2APIC(APIC_EOI), 0);
	else
		apic_write(APIC_EOI, 0);
}

/* Guest state: a copy per VM, shared by its vCPUs. */
static volatile unsigned int ticks, ipis, nmis, gps;
static volatile unsigned int ready, order_n;
static volatile __u8 order[8];
static volatile __u32 ppr_in_handler;

static void timer_fn(struct guest_frame *f)
{
	(void)f;
	ticks++;
	apic_eoi();
}
GUEST_HANDLER(timer_entry, TIMER_VECTOR, timer_fn);

static void ipi_fn(struct guest_frame *f)
{
	(void)f;
	ipis++;
	apic_eoi();
}
GUEST_HANDLER(ipi_entry, IPI_VECTOR, ipi_fn);

static void nmi_fn(struct guest_frame *f)
{
	(void)f;
	nmis++;
}
GUEST_HANDLER(nmi_entry, 2, nmi_fn);

/* #GP from WRMSR/RDMSR: count and skip the 2-byte instruction. */
static void gp_fn(struct guest_frame *f)
{
	gps++;
	f->rip += 2;
}
GUEST_HANDLER(gp_entry, 13, gp_fn);

/* TSC cycles in @us microseconds, from hvm's timing leaf. */
static __u64 tsc_us(__u64 us)
{
	__u32 a, b, c, d;

	cpuid(0x40000010, 0, &a, &b, &c, &d);
	return a * us / 1000;
}

static void spin_us(__u64 us)
{
	__u64 end = rdtsc() + tsc_us(us);

	while (rdtsc() < end)
		asm volatile("pause");
}

static void apic_enable(void)
{
	apic_write(APIC_SVR, 0x1ff);
	guest_idt_set_gate(TIMER_VECTOR, timer_entry);
	guest_idt_set_gate(IPI_VECTOR, ipi_entry);
	guest_idt_set_gate(2, nmi_entry);
	guest_idt_set_gate(13, gp_entry);
}

/* Halts with interrupts on until @counter reaches @n. */
static void wait_for(volatile unsigned int *counter, unsigned int n)
{
	while (*counter < n)
		safe_halt();
	cli();
}

/* Runs guest C function @fn on vCPU 0 of an irqchip VM until DONE. */
static enum test_result run_guest(void (*fn)(void))
{
	enum test_result r;
	struct tvm t;

	TEST_ASSERT_ERRNO(!tvm_create_c_flags(&t, fn, TVM_IRQCHIP),
			  "creating the test VM");
	r = tvm_run_to_done(&t, NULL);
	tvm_destroy(&t);
	return r;
}

static void guest_cpuid_bits(void)
{
	__u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	guest_report(((__u64)c << 32) | d);
}

/* With an irqchip CPUID shows APIC, x2APIC and TSC-deadline; without, none. */
static enum test_result test_cpuid_bits(void)
{
	const __u64 bits = (1ULL << 9) | (1ULL << (32 + 21)) | (1ULL << (32 + 24));
	struct ucall uc;
	struct tvm t;
	int chip;

	for (chip = 0; chip < 2; chip++) {
		TEST_ASSERT_ERRNO(!tvm_create_c_flags(&t, guest_cpuid_bits,
						      chip ? TVM_IRQCHIP : 0),
				  "creating the test VM");
		EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
		TEST_ASSERT((uc.value & bits) == (chip ? bits : 0),
			    "irqchip %d: CPUID.1 ECX:EDX %llx", chip,
			    (unsigned long long)uc.value);
		tvm_destroy(&t);
	}
	return TEST_PASS;
}

static void guest_reset_regs(void)
{
	GUEST_ASSERT_EQ(rdmsr(MSR_APIC_BASE), APIC_BASE_GPA | (1 << 11) | (1 << 8));
	GUEST_ASSERT_EQ(apic_read(APIC_ID), 0);
	GUEST_ASSERT_EQ(apic_read(APIC_LVR), 0x50014);
	GUEST_ASSERT_EQ(apic_read(APIC_SVR), 0xff);
	GUEST_ASSERT_EQ(apic_read(APIC_LVTT), LVT_MASKED);
	GUEST_ASSERT_EQ(apic_read(APIC_TPR), 0);
	/* TPR[7:4] is CR8, both ways (SDM 10.8.6.1) */
	apic_write(APIC_TPR, 0x30);
	GUEST_ASSERT_EQ(read_cr8(), 3);
	write_cr8(5);
	GUEST_ASSERT_EQ(apic_read(APIC_TPR), 0x50);
	GUEST_ASSERT_EQ(apic_read(APIC_PPR), 0x50);
	write_cr8(0);
	guest_done();
}

/* Reset values: ID, version, SVR, masked LVTs; TPR and CR8 are one. */
static enum test_result test_reset_regs(void)
{
	return run_guest(guest_reset_regs);
}

static void guest_oneshot(void)
{
	__u32 c1, c2;

	apic_enable();
	apic_write(APIC_TDCR, 0xb);			/* divide by 1 */
	apic_write(APIC_LVTT, TIMER_VECTOR);		/* one-shot */
	apic_write(APIC_TMICT, 2000000);		/* 2 ms at 1 GHz */
	c1 = apic_read(APIC_TMCCT);
	c2 = apic_read(APIC_TMCCT);
	GUEST_ASSERT(c1 && c1 <= 2000000);
	GUEST_ASSERT(c2 <= c1);
	wait_for(&ticks, 1);
	GUEST_ASSERT_EQ(apic_read(APIC_TMCCT), 0);
	sti();
	spin_us(6000);
	cli();
	GUEST_ASSERT_EQ(ticks, 1);
	guest_done();
}

/* One-shot: TMCCT counts down, one interrupt, then 0 and silence. */
static enum test_result test_timer_oneshot(void)
{
	return run_guest(guest_oneshot);
}

static void guest_periodic(void)
{
	__u64 start;
	unsigned int n;

	apic_enable();
	apic_write(APIC_TDCR, 0xb);
	apic_write(APIC_LVTT, TIMER_VECTOR | LVT_PERIODIC);
	start = rdtsc();
	apic_write(APIC_TMICT, 1000000);		/* 1 ms */
	wait_for(&ticks, 5);
	/* five periods cannot pass in less than four and a bit */
	GUEST_ASSERT(rdtsc() - start >= tsc_us(4000));
	GUEST_ASSERT(apic_read(APIC_TMCCT) <= 1000000);
	apic_write(APIC_TMICT, 0);			/* stops it */
	sti();
	asm volatile("nop");
	n = ticks;
	spin_us(5000);
	cli();
	GUEST_ASSERT_EQ(ticks, n);
	guest_done();
}

/* Periodic: interrupts keep coming at the programmed period until TMICT=0. */
static enum test_result test_timer_periodic(void)
{
	return run_guest(guest_periodic);
}

static void guest_deadline(void)
{
	__u64 deadline;

	apic_enable();
	apic_write(APIC_LVTT, TIMER_VECTOR | LVT_DEADLINE);
	deadline = rdtsc() + tsc_us(2000);
	wrmsr(MSR_TSC_DEADLINE, deadline);
	GUEST_ASSERT_EQ(rdmsr(MSR_TSC_DEADLINE), deadline);
	wait_for(&ticks, 1);
	GUEST_ASSERT(rdtsc() >= deadline);
	GUEST_ASSERT_EQ(rdmsr(MSR_TSC_DEADLINE), 0);	/* disarmed itself */
	/* a deadline in the past fires at once */
	wrmsr(MSR_TSC_DEADLINE, 1);
	wait_for(&ticks, 2);
	guest_done();
}

/* TSC-deadline: fires once the guest's TSC passes IA32_TSC_DEADLINE. */
static enum test_result test_timer_deadline(void)
{
	return run_guest(guest_deadline);
}

static void guest_deadline_far(void)
{
	__u64 deadline;

	apic_enable();
	apic_write(APIC_LVTT, TIMER_VECTOR | LVT_DEADLINE);
	deadline = rdtsc() + (1ULL << 44);	/* hours ahead */
	wrmsr(MSR_TSC_DEADLINE, deadline);
	spin_us(2000);
	GUEST_ASSERT_EQ(ticks, 0);
	GUEST_ASSERT_EQ(rdmsr(MSR_TSC_DEADLINE), deadline);
	wrmsr(MSR_TSC_DEADLINE, 0);		/* disarms (SDM 10.5.4.1) */
	GUEST_ASSERT_EQ(rdmsr(MSR_TSC_DEADLINE), 0);
	spin_us(2000);
	GUEST_ASSERT_EQ(ticks, 0);
	guest_done();
}

/*
 * A deadline far ahead is armed (converted to host time at the host's TSC
 * rate, which must never be a division by zero) and does not fire;
 * writing 0 disarms it.
 */
static enum test_result test_timer_deadline_far(void)
{
	return run_guest(guest_deadline_far);
}

static void guest_halt_forever(void)
{
	cli();
	for (;;)
		hlt();
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* HLT blocks in RUN (no exit) and a signal still ends RUN with EINTR. */
static enum test_result test_hlt_blocks(void)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct tvm t;
	__u32 state;
	int r, err;

	TEST_ASSERT_ERRNO(!tvm_create_c_flags(&t, guest_halt_forever, TVM_IRQCHIP),
			  "creating the test VM");
	sigaction(SIGALRM, &sa, &old);
	alarm(1);
	r = hvm_vcpu_run(t.vcpu);
	err = errno;
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	test_watchdog_arm(TEST_CASE_TIMEOUT);
	TEST_ASSERT(r == -1 && err == EINTR, "RUN returned %d errno %d, exit %u",
		    r, err, t.vcpu->run->exit_reason);
	TEST_ASSERT(t.vcpu->run->exit_reason == HVM_EXIT_INTR, "exit %u",
		    t.vcpu->run->exit_reason);
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_mp_state(t.vcpu, &state), "GET_MP_STATE");
	TEST_ASSERT(state == HVM_MP_STATE_HALTED, "mp_state %u", state);
	tvm_destroy(&t);
	return TEST_PASS;
}

static void record(__u8 v)
{
	order[order_n++] = v;
}

static void prio_fn(struct guest_frame *f)
{
	record(f->vector);
	if (f->vector == 0x45) {
		ppr_in_handler = apic_read(APIC_PPR);
		/* higher class: nested at once; same class: after our EOI */
		apic_write(APIC_ICR, ICR_SELF | 0x44);
		sti();
		apic_write(APIC_ICR, ICR_SELF | 0x65);
		cli();
		record(0xff);
	}
	apic_write(APIC_EOI, 0);
}
GUEST_HANDLER(prio45_entry, 0x45, prio_fn);
GUEST_HANDLER(prio44_entry, 0x44, prio_fn);
GUEST_HANDLER(prio65_entry, 0x65, prio_fn);
GUEST_HANDLER(prio55_entry, 0x55, prio_fn);

static void guest_priorities(void)
{
	apic_enable();
	guest_idt_set_gate(0x44, prio44_entry);
	guest_idt_set_gate(0x45, prio45_entry);
	guest_idt_set_gate(0x65, prio65_entry);
	guest_idt_set_gate(0x55, prio55_entry);

	/* TPR class 5 holds vector 0x45 in IRR */
	apic_write(APIC_TPR, 0x50);
	apic_write(APIC_ICR, ICR_SELF | 0x45);
	sti();
	asm volatile("nop; nop");
	cli();
	GUEST_ASSERT_EQ(order_n, 0);
	GUEST_ASSERT(apic_read(APIC_IRR + 0x20) & (1U << 5));
	sti();
	apic_write(APIC_TPR, 0);
	asm volatile("nop");
	cli();
	/* 0x45 ran; in it 0x65 nested; 0x44 waited for 0x45's EOI */
	GUEST_ASSERT_EQ(order_n, 4);
	GUEST_ASSERT_EQ(order[0], 0x45);
	GUEST_ASSERT_EQ(order[1], 0x65);
	GUEST_ASSERT_EQ(order[2], 0xff);
	GUEST_ASSERT_EQ(order[3], 0x44);
	GUEST_ASSERT_EQ(ppr_in_handler, 0x40);

	/* CR8 holds a vector too, and lowering it lets it in */
	write_cr8(6);
	apic_write(APIC_ICR, ICR_SELF | 0x55);
	sti();
	asm volatile("nop; nop");
	GUEST_ASSERT_EQ(order_n, 4);
	write_cr8(0);
	asm volatile("nop");
	cli();
	GUEST_ASSERT_EQ(order_n, 5);
	GUEST_ASSERT_EQ(order[4], 0x55);
	guest_done();
}

/* Priorities: TPR/CR8 hold lower classes; a higher vector nests, an equal
 * class waits for EOI; PPR follows ISR (SDM 10.8.3). */
static enum test_result test_priorities(void)
{
	return run_guest(guest_priorities);
}

static void guest_x2apic(void)
{
	__u64 base = rdmsr(MSR_APIC_BASE);

	apic_enable();
	/* x2APIC MSRs #GP in xAPIC mode */
	rdmsr(MSR_X2APIC(APIC_ID));
	GUEST_ASSERT_EQ(gps, 1);
	wrmsr(MSR_APIC_BASE, base | (1 << 10));
	x2mode = true;
	GUEST_ASSERT_EQ(rdmsr(MSR_X2APIC(APIC_ID)), 0);
	GUEST_ASSERT_EQ(rdmsr(MSR_X2APIC(APIC_LDR)), 1);	/* cluster 0, bit 0 */
	GUEST_ASSERT_EQ(rdmsr(MSR_X2APIC(APIC_LVR)), 0x50014);
	wrmsr(MSR_X2APIC(APIC_TPR), 0x20);
	GUEST_ASSERT_EQ(read_cr8(), 2);
	wrmsr(MSR_X2APIC(APIC_TPR), 0);
	/* the timer through MSRs */
	wrmsr(MSR_X2APIC(APIC_TDCR), 0xb);
	wrmsr(MSR_X2APIC(APIC_LVTT), TIMER_VECTOR);
	wrmsr(MSR_X2APIC(APIC_TMICT), 500000);
	wait_for(&ticks, 1);
	/* self IPI (MSR 0x83f) */
	wrmsr(0x83f, IPI_VECTOR);
	sti();
	asm volatile("nop");
	cli();
	GUEST_ASSERT_EQ(ipis, 1);
	/* EOI with data != 0, x2APIC back to xAPIC: #GP */
	wrmsr(MSR_X2APIC(APIC_EOI), 1);
	GUEST_ASSERT_EQ(gps, 2);
	wrmsr(MSR_APIC_BASE, base);
	GUEST_ASSERT_EQ(gps, 3);
	GUEST_ASSERT_EQ(rdmsr(MSR_APIC_BASE), base | (1 << 10));
	guest_done();
}

/* x2APIC: entered through APIC_BASE, registers as MSRs (ID, LDR, TPR,
 * timer, self IPI), #GP where the SDM says (10.12). */
static enum test_result test_x2apic(void)
{
	return run_guest(guest_x2apic);
}

/* vCPU 1: waits halted for a fixed IPI and an NMI from vCPU 0. */
static void guest_ipi_target(void)
{
	apic_write(APIC_SVR, 0x1ff);
	ready = 1;
	wait_for(&ipis, 1);
	while (!nmis)
		safe_halt();
	guest_done();
}

static void guest_ipi_sender(void)
{
	apic_enable();
	while (!ready)
		asm volatile("pause");
	apic_write(APIC_ICR2, 1U << 24);
	apic_write(APIC_ICR, IPI_VECTOR);		/* fixed, physical */
	apic_write(APIC_ICR, ICR_NMI);
	guest_done();
}

struct vcpu_thread {
	pthread_t tid;
	struct hvm_vcpu *vcpu;
	bool done;
	struct ucall uc;
	__u64 reports[4];
	unsigned int nr;
};

static void *vcpu_thread_fn(void *arg)
{
	struct vcpu_thread *v = arg;

	v->done = ucall_run_collect(v->vcpu, &v->uc, v->reports,
				    ARRAY_SIZE(v->reports), &v->nr) == UCALL_DONE;
	return NULL;
}

/* Runs vCPU 0 here and @v in a thread; both must reach DONE. */
static enum test_result run_pair(struct tvm *t, struct vcpu_thread *v)
{
	enum test_result r;

	TEST_ASSERT(!pthread_create(&v->tid, NULL, vcpu_thread_fn, v), "pthread_create");
	r = tvm_run_to_done(t, NULL);
	pthread_join(v->tid, NULL);
	if (r != TEST_PASS)
		return r;
	if (!v->done) {
		ucall_describe(v->vcpu, &v->uc);
		return test_fail("vCPU 1 did not finish");
	}
	return TEST_PASS;
}

/* A fixed IPI and an NMI IPI wake vCPU 1 from HLT and run its handlers. */
static enum test_result test_ipi(void)
{
	struct vcpu_thread v = { 0 };
	enum test_result r;
	struct tvm t;

	TEST_ASSERT_ERRNO(!tvm_create_c_flags(&t, guest_ipi_sender, TVM_IRQCHIP),
			  "creating the test VM");
	/* vCPU 1 needs the gates too: the IDT is shared */
	v.vcpu = tvm_add_vcpu_c(&t, 1, guest_ipi_target);
	TEST_ASSERT_ERRNO(v.vcpu, "vCPU 1");
	r = run_pair(&t, &v);
	hvm_vcpu_destroy(v.vcpu);
	tvm_destroy(&t);
	return r;
}

static void guest_spin_sti(void)
{
	sti();
	for (;;)
		asm volatile("pause");
}

static void guest_init_sipi(void)
{
	apic_enable();
	spin_us(2000);		/* let vCPU 1 start spinning */
	apic_write(APIC_ICR2, 1U << 24);
	apic_write(APIC_ICR, ICR_INIT | ICR_ASSERT);
	apic_write(APIC_ICR, ICR_SIPI | SIPI_VECTOR);
	guest_done();
}

/* INIT stops a running vCPU 1; SIPI starts it in real mode at vector*4K. */
static enum test_result test_init_sipi(void)
{
	/* mov $0x5151, %ax; out %ax, $REPORT; out %ax, $DONE; jmp . */
	static const __u8 trampoline[] = {
		0xb8, 0x51, 0x51, 0xe7, UCALL_PORT_REPORT, 0xe7, UCALL_PORT_DONE,
		0xeb, 0xfe,
	};
	struct vcpu_thread v = { 0 };
	enum test_result r;
	struct tvm t;
	__u32 state;

	if (!tvm_mode_supported(HVM_MODE_REAL))
		return test_skip("SIPI starts real mode: needs VMX unrestricted guest");
	TEST_ASSERT_ERRNO(!tvm_create_c_flags(&t, guest_init_sipi, TVM_IRQCHIP),
			  "creating the test VM");
	memcpy(t.mem + ((__u64)SIPI_VECTOR << 12), trampoline, sizeof(trampoline));
	v.vcpu = tvm_add_vcpu_c(&t, 1, guest_spin_sti);
	TEST_ASSERT_ERRNO(v.vcpu, "vCPU 1");
	r = run_pair(&t, &v);
	if (r == TEST_PASS && (v.nr != 1 || v.reports[0] != 0x5151))
		r = test_fail("vCPU 1 reported %u values, first %llx", v.nr,
			      (unsigned long long)v.reports[0]);
	if (r == TEST_PASS && (hvm_vcpu_get_mp_state(v.vcpu, &state) ||
			       state != HVM_MP_STATE_RUNNABLE))
		r = test_fail("vCPU 1 mp_state %u", state);
	hvm_vcpu_destroy(v.vcpu);
	tvm_destroy(&t);
	return r;
}

static const struct test_case cases[] = {
	{ "CPUID shows APIC, x2APIC and TSC-deadline only with an irqchip", test_cpuid_bits },
	{ "reset values of the APIC registers; TPR and CR8 are one", test_reset_regs },
	{ "timer one-shot: counts down, fires once", test_timer_oneshot },
	{ "timer periodic: fires every period until stopped", test_timer_periodic },
	{ "timer TSC-deadline: fires when the TSC passes the deadline", test_timer_deadline },
	{ "timer TSC-deadline: a deadline hours ahead stays armed, 0 disarms it",
	  test_timer_deadline_far },
	{ "HLT blocks in the kernel; a signal still ends RUN", test_hlt_blocks },
	{ "priorities: TPR/CR8 hold, higher classes nest, EOI lets the rest in", test_priorities },
	{ "x2APIC mode: MSR registers, timer, self IPI, #GP rules", test_x2apic },
	{ "fixed and NMI IPIs wake a halted vCPU", test_ipi },
	{ "INIT and SIPI restart a running vCPU in real mode", test_init_sipi },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
