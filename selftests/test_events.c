// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: events that user space puts into a vCPU (no in-kernel
 * irqchip): exceptions through HVM_SET_VCPU_EVENTS, NMIs (HVM_NMI) and
 * their masking until IRET, external interrupts (HVM_INTERRUPT) with IF,
 * the STI shadow and request_interrupt_window, events whose delivery
 * itself exits (re-injection), RDMSR/WRMSR exits to user space, and the
 * errors of the new ioctls.  Guest code in C (lib/guest_c.h).
 */
#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guest_c.h"
#include "test.h"

#define VECTOR_NMI		2
#define VECTOR_GP		13
#define VECTOR_IRQ		0x40
#define VECTOR_IRQ2		0x41

#define MSR_SYSENTER_ESP	0x175
#define MSR_BOGUS		0x12345678

#define RFLAGS_IF		(1ULL << 9)

/* Untouched pages of slot 0 (guest.h: between the test data and the
 * stacks at the top of the 2 MiB): not yet in the nested page tables. */
#define FRESH_STACK_A		0x101000ULL
#define FRESH_STACK_B		0x103000ULL

/* In a test case: the next ucall must be a REPORT of exactly expected. */
/* What the handlers saw, in the guest's copy. */
struct ev_seen {
	__u64 count, vector, has_error_code, error_code, rip, rsp, rflags;
};

static volatile struct ev_seen ev_seen;
/* Bytes the #GP handler skips (2: RDMSR/WRMSR; 0: an injected #GP). */
static volatile __u64 ev_gp_skip;

static void ev_record(struct guest_frame *f)
{
	ev_seen.count++;
	ev_seen.vector = f->vector;
	ev_seen.has_error_code = f->has_error_code;
	ev_seen.error_code = f->error_code;
	ev_seen.rip = f->rip;
	ev_seen.rsp = f->rsp;
	ev_seen.rflags = f->rflags;
}

GUEST_HANDLER(ev_gp_entry, 13, ev_gp_handler);
static void ev_gp_handler(struct guest_frame *f)
{
	ev_record(f);
	f->rip += ev_gp_skip;
}

GUEST_HANDLER(ev_irq_entry, 0x40, ev_irq_handler);
GUEST_HANDLER(ev_irq2_entry, 0x41, ev_irq_handler);
static void ev_irq_handler(struct guest_frame *f)
{
	ev_record(f);
}

/* The guest's copy of ev_seen, for the host to read. */
static const struct ev_seen *seen(struct tvm *t)
{
	return tvm_image_hva(t, (const void *)&ev_seen, sizeof(ev_seen));
}

static int get_events(struct tvm *t, struct hvm_vcpu_events *ev)
{
	memset(ev, 0, sizeof(*ev));
	return ioctl(t->vcpu->fd, HVM_GET_VCPU_EVENTS, ev);
}

static int set_events(struct tvm *t, const struct hvm_vcpu_events *ev)
{
	return ioctl(t->vcpu->fd, HVM_SET_VCPU_EVENTS, ev);
}

static __u64 guest_rip(struct tvm *t)
{
	struct hvm_regs regs;

	if (hvm_vcpu_get_regs(t->vcpu, &regs))
		return ~0ULL;
	return regs.rip;
}

/* ---- 1. An exception from user space ------------------------------------- */

static void guest_injected_gp(void)
{
	guest_idt_set_gate(VECTOR_GP, ev_gp_entry);
	ev_gp_skip = 0;
	guest_report(1);		/* the host queues #GP(0x1234) here */
	GUEST_ASSERT_EQ(ev_seen.count, 1);
	guest_report(2);
}

/* #GP(0x1234) set by HVM_SET_VCPU_EVENTS is pending in GET_VCPU_EVENTS,
 * then reaches the guest's handler once with that error code and the
 * guest's RIP. */
static enum test_result test_injected_exception(void)
{
	struct hvm_vcpu_events ev;
	const struct ev_seen *s;
	struct ucall uc;
	struct tvm t;
	__u64 rip;

	TVM_CREATE_C(&t, guest_injected_gp);
	EXPECT_REPORT(&t, &uc, 1);
	rip = guest_rip(&t);

	memset(&ev, 0, sizeof(ev));
	ev.exception.injected = 1;
	ev.exception.nr = VECTOR_GP;
	ev.exception.has_error_code = 1;
	ev.exception.error_code = 0x1234;
	TEST_ASSERT_ERRNO(!set_events(&t, &ev), "HVM_SET_VCPU_EVENTS");
	TEST_ASSERT_ERRNO(!get_events(&t, &ev), "HVM_GET_VCPU_EVENTS");
	TEST_ASSERT(ev.exception.injected == 1 && ev.exception.nr == VECTOR_GP &&
		    ev.exception.has_error_code == 1 &&
		    ev.exception.error_code == 0x1234,
		    "pending before RUN: injected %u nr %u has_error_code %u error 0x%x",
		    ev.exception.injected, ev.exception.nr,
		    ev.exception.has_error_code, ev.exception.error_code);
	TEST_ASSERT(!ev.interrupt.injected && !ev.nmi.injected && !ev.nmi.pending,
		    "other events pending");

	EXPECT_REPORT(&t, &uc, 2);
	s = seen(&t);
	TEST_ASSERT(s->count == 1, "the handler ran %" PRIu64 " times",
		    (uint64_t)s->count);
	TEST_ASSERT(s->vector == VECTOR_GP && s->has_error_code &&
		    s->error_code == 0x1234,
		    "vector %" PRIu64 " error code %" PRIu64 " 0x%" PRIx64,
		    (uint64_t)s->vector, (uint64_t)s->has_error_code,
		    (uint64_t)s->error_code);
	TEST_ASSERT(s->rip == rip, "RIP in the frame 0x%" PRIx64 ", the guest was at 0x%"
		    PRIx64, (uint64_t)s->rip, (uint64_t)rip);
	TEST_ASSERT_ERRNO(!get_events(&t, &ev), "HVM_GET_VCPU_EVENTS");
	TEST_ASSERT(!ev.exception.injected, "the exception is still pending");
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- 2. NMIs ------------------------------------------------------------- */

#define NMI_IN_HANDLER		0x4e4d49
#define NMI_IN_HANDLER_AGAIN	0x4e4d4a

static volatile __u64 nmi_count, nmi_in_handler;

GUEST_HANDLER(ev_nmi_entry, 2, ev_nmi_handler);
static void ev_nmi_handler(struct guest_frame *f)
{
	GUEST_ASSERT(!nmi_in_handler);		/* never nested */
	nmi_in_handler = 1;
	nmi_count++;
	GUEST_ASSERT(!f->has_error_code);
	if (nmi_count == 1) {
		guest_report(NMI_IN_HANDLER);		/* the host: HVM_NMI */
		guest_report(NMI_IN_HANDLER_AGAIN);	/* still held */
	}
	nmi_in_handler = 0;
}

static void guest_nmi(void)
{
	guest_idt_set_gate(VECTOR_NMI, ev_nmi_entry);
	cli();
	guest_report(1);		/* the host: HVM_NMI */
	/* The first NMI came before this instruction, the second right
	 * after the first one's IRET: both before here, with IF = 0. */
	GUEST_ASSERT_EQ(nmi_count, 2);
	guest_report(nmi_count);
}

/* HVM_NMI reaches the vector-2 handler at once although IF = 0; one sent
 * while the handler runs waits (nmi.masked, nmi.pending) until its IRET,
 * then comes without nesting: two in all. */
static enum test_result test_nmi(void)
{
	struct hvm_vcpu_events ev;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_C(&t, guest_nmi);
	EXPECT_REPORT(&t, &uc, 1);
	TEST_ASSERT(!t.vcpu->run->if_flag, "if_flag %u after cli", t.vcpu->run->if_flag);
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_NMI, 0), "HVM_NMI");
	TEST_ASSERT_ERRNO(!get_events(&t, &ev), "HVM_GET_VCPU_EVENTS");
	TEST_ASSERT(ev.nmi.pending == 1 && !ev.nmi.masked,
		    "before RUN: nmi.pending %u masked %u", ev.nmi.pending,
		    ev.nmi.masked);

	EXPECT_REPORT(&t, &uc, NMI_IN_HANDLER);
	TEST_ASSERT_ERRNO(!get_events(&t, &ev), "HVM_GET_VCPU_EVENTS");
	TEST_ASSERT(ev.nmi.masked == 1 && !ev.nmi.pending,
		    "in the handler: nmi.masked %u pending %u", ev.nmi.masked,
		    ev.nmi.pending);
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_NMI, 0), "HVM_NMI");

	EXPECT_REPORT(&t, &uc, NMI_IN_HANDLER_AGAIN);
	TEST_ASSERT_ERRNO(!get_events(&t, &ev), "HVM_GET_VCPU_EVENTS");
	TEST_ASSERT(ev.nmi.masked == 1 && ev.nmi.pending == 1,
		    "still in the handler: nmi.masked %u pending %u",
		    ev.nmi.masked, ev.nmi.pending);

	EXPECT_REPORT(&t, &uc, 2);
	TEST_ASSERT_ERRNO(!get_events(&t, &ev), "HVM_GET_VCPU_EVENTS");
	TEST_ASSERT(!ev.nmi.masked && !ev.nmi.pending,
		    "after both: nmi.masked %u pending %u", ev.nmi.masked,
		    ev.nmi.pending);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/*
 * An IRET out of the NMI handler that exits before it completes (a nested
 * page fault on the GDT, which it reads for CS and SS) must leave NMIs
 * blocked: the guest executes the IRET again, and an NMI injected before
 * that would run the handler on top of its own IRET (SDM 28.2.3, "NMI
 * unblocking due to IRET").  The handler's stub lies between the two
 * markers: a frame whose RIP is there is a nested NMI.
 */
static volatile __u64 iret_nmis, iret_nested;

asm(".pushsection .text\n.globl iret_nmi_text_start\niret_nmi_text_start:\n.popsection");
GUEST_HANDLER(ev_iret_nmi_entry, 2, ev_iret_nmi_handler);
asm(".pushsection .text\n.globl iret_nmi_text_end\niret_nmi_text_end:\n.popsection");
extern char iret_nmi_text_start[], iret_nmi_text_end[];

static void ev_iret_nmi_handler(struct guest_frame *f)
{
	if (f->rip >= (__u64)iret_nmi_text_start && f->rip < (__u64)iret_nmi_text_end)
		iret_nested++;
	if (++iret_nmis == 1)
		guest_report(NMI_IN_HANDLER);	/* the host: HVM_NMI, GDT unmapped */
}

static void guest_nmi_iret_fault(void)
{
	guest_idt_set_gate(VECTOR_NMI, ev_iret_nmi_entry);
	cli();
	guest_report(1);		/* the host: HVM_NMI */
	GUEST_ASSERT_EQ(iret_nmis, 2);
	guest_report(iret_nested);
}

static enum test_result test_nmi_iret_faults(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_C(&t, guest_nmi_iret_fault);
	EXPECT_REPORT(&t, &uc, 1);
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_NMI, 0), "HVM_NMI");
	EXPECT_REPORT(&t, &uc, NMI_IN_HANDLER);
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_NMI, 0), "HVM_NMI");
	/* Slot 0 replaced by itself: its nested entries are gone, and the
	 * GDT page is next touched by the handler's IRET. */
	TEST_ASSERT_ERRNO(!hvm_vm_set_region(t.vm, 0, 0, GUEST_MEM_SIZE, 0, t.mem),
			  "replacing slot 0");
	EXPECT_REPORT(&t, &uc, 0);	/* no NMI on top of the IRET */
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/*
 * INT n and INT3 whose delivery exits: slot 0 is replaced by itself right
 * before each, so the delivery's reads of the IDT and the GDT and its
 * pushes take nested page faults.  A software interrupt or exception is
 * not re-injected as an event but re-executed (SVM) or re-injected with
 * its instruction length (VMX, SDM 27.2.4): either way the handler runs
 * once, with the RIP right after the instruction.
 */
#define VECTOR_BP		3
#define VECTOR_SOFT		0x42

static volatile __u64 soft_seen[2], soft_rip[2];

GUEST_HANDLER(ev_bp_entry, 3, ev_soft_handler);
GUEST_HANDLER(ev_soft_entry, 0x42, ev_soft_handler);
static void ev_soft_handler(struct guest_frame *f)
{
	unsigned int i = f->vector == VECTOR_BP;

	soft_seen[i]++;
	soft_rip[i] = f->rip;
}

static void guest_soft_delivery_faults(void)
{
	__u64 rip;

	guest_idt_set_gate(VECTOR_BP, ev_bp_entry);
	guest_idt_set_gate(VECTOR_SOFT, ev_soft_entry);
	guest_report(1);		/* the host zaps slot 0 */
	asm volatile("int $0x42\n"
		     "1: lea 1b(%%rip), %0" : "=r"(rip) : : "memory");
	GUEST_ASSERT_EQ(soft_seen[0], 1);
	GUEST_ASSERT_EQ(soft_rip[0], rip);
	guest_report(2);		/* again */
	asm volatile("int3\n"
		     "1: lea 1b(%%rip), %0" : "=r"(rip) : : "memory");
	GUEST_ASSERT_EQ(soft_seen[1], 1);
	GUEST_ASSERT_EQ(soft_rip[1], rip);
}

static enum test_result test_soft_delivery_faults(void)
{
	struct ucall uc;
	struct tvm t;

	TEST_SKIP_ON_QUIRK("int-n-stale-exitintinfo",
			   "a software interrupt's delivery that exits reports a stale event");
	TVM_CREATE_C(&t, guest_soft_delivery_faults);
	EXPECT_REPORT(&t, &uc, 1);
	TEST_ASSERT_ERRNO(!hvm_vm_set_region(t.vm, 0, 0, GUEST_MEM_SIZE, 0, t.mem),
			  "replacing slot 0");
	EXPECT_REPORT(&t, &uc, 2);
	TEST_ASSERT_ERRNO(!hvm_vm_set_region(t.vm, 0, 0, GUEST_MEM_SIZE, 0, t.mem),
			  "replacing slot 0");
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- 3. External interrupts, IF, the STI shadow, windows ----------------- */

GUEST_LABEL(ev_window_nop);
GUEST_LABEL(ev_sti);
GUEST_LABEL(ev_sti_second);

static void guest_irq(void)
{
	__u64 first, second;

	guest_idt_set_gate(VECTOR_IRQ, ev_irq_entry);
	cli();
	guest_report(1);		/* the host: HVM_INTERRUPT 0x40 */
	guest_report(ev_seen.count);	/* held: IF = 0 */
	/*
	 * STI holds interrupts for one more instruction (the shadow).  Not
	 * as the first instruction after an entry: QEMU's TCG carries the
	 * shadow of the host's STI before VMRUN into the guest's first
	 * instruction, and a second STI in a row then ends it (the guest's
	 * shadow is lost).  Hardware starts from the VMCB's int_state.
	 */
	asm volatile("nop\n"
		     "ev_sti: sti\n\t"
		     "mov %2, %0\n"
		     "ev_sti_second:\n\t"
		     "mov %2, %1\n\t"
		     : "=&r"(first), "=&r"(second) : "m"(ev_seen.count) : "memory");
	guest_report(first);
	guest_report(second);
	GUEST_ASSERT_EQ(ev_seen.vector, VECTOR_IRQ);
	GUEST_ASSERT(!ev_seen.has_error_code);

	cli();
	guest_report(3);		/* the host asks for a window */
	guest_report(4);		/* IF = 0: no window yet */
	asm volatile("nop\n\t"		/* as above */
		     "sti\n\t"
		     "nop\n"
		     "ev_window_nop:\n\t"
		     "nop\n\t"
		     "nop\n\t" : : : "memory");
	/* The window opened after the shadow; the host queued 0x40 there. */
	guest_report(ev_seen.count);
	guest_report(5);		/* IF = 1: the window is open at once */
	guest_report(ev_seen.count);
}

/* HVM_INTERRUPT while IF = 0 waits (ready_for_interrupt_injection 0,
 * if_flag 0) and comes right after STI and one more instruction;
 * request_interrupt_window exits only once IF = 1, then with ready 1. */
static enum test_result test_interrupt(void)
{
	struct hvm_run *run;
	struct ucall uc;
	struct tvm t;
	__u64 rip;

	TVM_CREATE_C(&t, guest_irq);
	run = t.vcpu->run;
	EXPECT_REPORT(&t, &uc, 1);
	TEST_ASSERT(!run->if_flag && !run->ready_for_interrupt_injection,
		    "IF = 0: if_flag %u ready %u", run->if_flag,
		    run->ready_for_interrupt_injection);
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_INTERRUPT, VECTOR_IRQ), "HVM_INTERRUPT");
	EXPECT_REPORT(&t, &uc, 0);
	TEST_ASSERT(!run->if_flag && !run->ready_for_interrupt_injection,
		    "held: if_flag %u ready %u", run->if_flag,
		    run->ready_for_interrupt_injection);
	EXPECT_UCALL(t.vcpu, &uc, UCALL_REPORT);
	TEST_ASSERT(uc.value == 0 && seen(&t)->rip == (__u64)(unsigned long)ev_sti_second,
		    "the interrupt came at 0x%" PRIx64 " (STI at 0x%" PRIx64
		    ", expected after one more instruction: 0x%" PRIx64 ")",
		    (uint64_t)seen(&t)->rip, (uint64_t)(unsigned long)ev_sti,
		    (uint64_t)(unsigned long)ev_sti_second);
	EXPECT_REPORT(&t, &uc, 1);	/* right after the shadow */
	TEST_ASSERT(run->if_flag && run->ready_for_interrupt_injection,
		    "IF = 1: if_flag %u ready %u", run->if_flag,
		    run->ready_for_interrupt_injection);

	EXPECT_REPORT(&t, &uc, 3);
	run->request_interrupt_window = 1;
	EXPECT_REPORT(&t, &uc, 4);
	TEST_ASSERT(!run->if_flag && !run->ready_for_interrupt_injection,
		    "IF = 0: if_flag %u ready %u", run->if_flag,
		    run->ready_for_interrupt_injection);
	TEST_ASSERT(ucall_run(t.vcpu, &uc) == UCALL_OTHER_EXIT &&
		    run->exit_reason == HVM_EXIT_IRQ_WINDOW_OPEN,
		    "exit %u (%s), expected the interrupt window", run->exit_reason,
		    hvm_exit_reason_str(run->exit_reason));
	TEST_ASSERT(run->if_flag && run->ready_for_interrupt_injection,
		    "window: if_flag %u ready %u", run->if_flag,
		    run->ready_for_interrupt_injection);
	rip = guest_rip(&t);
	TEST_ASSERT(rip == (__u64)(unsigned long)ev_window_nop,
		    "the window opened at 0x%" PRIx64 ", expected 0x%" PRIx64
		    " (after the shadow)", (uint64_t)rip,
		    (uint64_t)(unsigned long)ev_window_nop);
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_INTERRUPT, VECTOR_IRQ), "HVM_INTERRUPT");
	run->request_interrupt_window = 0;
	EXPECT_REPORT(&t, &uc, 2);

	EXPECT_REPORT(&t, &uc, 5);
	rip = guest_rip(&t);
	run->request_interrupt_window = 1;
	TEST_ASSERT(ucall_run(t.vcpu, &uc) == UCALL_OTHER_EXIT &&
		    run->exit_reason == HVM_EXIT_IRQ_WINDOW_OPEN,
		    "exit %u (%s), expected the interrupt window", run->exit_reason,
		    hvm_exit_reason_str(run->exit_reason));
	TEST_ASSERT(guest_rip(&t) == rip, "the guest ran before the open window");
	TEST_ASSERT(run->ready_for_interrupt_injection, "ready 0");
	run->request_interrupt_window = 0;
	EXPECT_REPORT(&t, &uc, 2);	/* nothing queued, nothing came */
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- 4. Re-injection ----------------------------------------------------- */

GUEST_LABEL(ev_fresh_rdmsr);

static void guest_reinject(void)
{
	__u32 lo = 0x1111, hi = 0x2222;

	guest_idt_set_gate(VECTOR_GP, ev_gp_entry);
	guest_idt_set_gate(VECTOR_IRQ2, ev_irq2_entry);
	ev_gp_skip = 2;

	/* (a) #GP pushed onto a stack page the guest never touched. */
	asm volatile("mov %%rsp, %%rbx\n\t"
		     "mov %[top], %%rsp\n"
		     "ev_fresh_rdmsr:\n\t"
		     "rdmsr\n\t"
		     "mov %%rbx, %%rsp\n\t"
		     : "+a"(lo), "+d"(hi)
		     : [top] "r"(FRESH_STACK_A), "c"(MSR_BOGUS)
		     : "rbx", "memory");
	GUEST_ASSERT_EQ(ev_seen.count, 1);
	GUEST_ASSERT_EQ(ev_seen.vector, VECTOR_GP);
	GUEST_ASSERT_EQ(ev_seen.has_error_code, 1);
	GUEST_ASSERT_EQ(ev_seen.error_code, 0);
	GUEST_ASSERT_EQ(ev_seen.rip, (__u64)(unsigned long)ev_fresh_rdmsr);
	GUEST_ASSERT_EQ(ev_seen.rsp, FRESH_STACK_A);
	GUEST_ASSERT_EQ(lo, 0x1111);
	GUEST_ASSERT_EQ(hi, 0x2222);

	/* (b) an external interrupt onto another untouched page: the host
	 * queues it at the report, IF = 1. */
	sti();
	asm volatile("mov %%rsp, %%rbx\n\t"
		     "mov %[top], %%rsp\n\t"
		     "out %%eax, $" STR(UCALL_PORT_REPORT) "\n\t"
		     "nop\n\t"
		     "mov %%rbx, %%rsp\n\t"
		     : : [top] "r"(FRESH_STACK_B), "a"(1) : "rbx", "memory");
	cli();
	GUEST_ASSERT_EQ(ev_seen.count, 2);
	GUEST_ASSERT_EQ(ev_seen.vector, VECTOR_IRQ2);
	GUEST_ASSERT_EQ(ev_seen.has_error_code, 0);
	GUEST_ASSERT_EQ(ev_seen.rsp, FRESH_STACK_B);
	guest_report(2);
}

/* An exception (#GP of RDMSR) and an external interrupt whose delivery
 * faults on a stack page not yet in the nested page tables are delivered
 * again after that exit, exactly once, with the right error code. */
static enum test_result test_reinject(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_C(&t, guest_reinject);
	EXPECT_REPORT(&t, &uc, 1);
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_INTERRUPT, VECTOR_IRQ2), "HVM_INTERRUPT");
	EXPECT_REPORT(&t, &uc, 2);
	TEST_ASSERT(seen(&t)->count == 2, "%" PRIu64 " events",
		    (uint64_t)seen(&t)->count);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- 5. MSR exits to user space ------------------------------------------ */

GUEST_LABEL(ev_msr_gp_rdmsr);
GUEST_LABEL(ev_msr_gp_wrmsr);

static void guest_msr_exits(void)
{
	__u32 lo, hi;

	guest_idt_set_gate(VECTOR_GP, ev_gp_entry);
	ev_gp_skip = 2;

	/* Not enabled yet: #GP. */
	rdmsr(MSR_BOGUS);
	GUEST_ASSERT_EQ(ev_seen.count, 1);
	GUEST_ASSERT_EQ(ev_seen.error_code, 0);
	guest_report(1);		/* the host enables the exits */

	GUEST_ASSERT_EQ(rdmsr(MSR_BOGUS), 0x1122334455667788ULL);
	wrmsr(MSR_BOGUS, 0xdeadbeefcafef00dULL);
	GUEST_ASSERT_EQ(ev_seen.count, 1);

	/* Known MSRs stay in the kernel. */
	wrmsr(MSR_SYSENTER_ESP, 0x5a5a000);
	GUEST_ASSERT_EQ(rdmsr(MSR_SYSENTER_ESP), 0x5a5a000);

	/* The host answers with error = 1: #GP(0) at the instruction. */
	lo = 0x3333;
	hi = 0x4444;
	asm volatile("ev_msr_gp_rdmsr: rdmsr"
		     : "+a"(lo), "+d"(hi) : "c"(MSR_BOGUS) : "memory");
	GUEST_ASSERT_EQ(ev_seen.count, 2);
	GUEST_ASSERT_EQ(ev_seen.vector, VECTOR_GP);
	GUEST_ASSERT_EQ(ev_seen.has_error_code, 1);
	GUEST_ASSERT_EQ(ev_seen.error_code, 0);
	GUEST_ASSERT_EQ(ev_seen.rip, (__u64)(unsigned long)ev_msr_gp_rdmsr);
	GUEST_ASSERT_EQ(lo, 0x3333);
	GUEST_ASSERT_EQ(hi, 0x4444);
	asm volatile("ev_msr_gp_wrmsr: wrmsr"
		     : : "c"(MSR_BOGUS + 1), "a"(1), "d"(2) : "memory");
	GUEST_ASSERT_EQ(ev_seen.count, 3);
	GUEST_ASSERT_EQ(ev_seen.error_code, 0);
	GUEST_ASSERT_EQ(ev_seen.rip, (__u64)(unsigned long)ev_msr_gp_wrmsr);
	guest_report(2);
}

/* In a test case: the next exit must be exit (RDMSR/WRMSR) of index. */
#define EXPECT_MSR_EXIT(t, uc, exit, idx)					\
	do {									\
		struct hvm_run *__run = (t)->vcpu->run;				\
										\
		if (ucall_run((t)->vcpu, uc) != UCALL_OTHER_EXIT ||		\
		    __run->exit_reason != (exit)) {				\
			ucall_describe((t)->vcpu, uc);				\
			return test_fail("%s:%d: expected %s", __FILE__,	\
					 __LINE__, #exit);			\
		}								\
		TEST_ASSERT(__run->msr.index == (idx), "MSR 0x%x",		\
			    __run->msr.index);					\
	} while (0)

/* Unknown MSRs raise #GP until HVM_ENABLE_USER_MSR_EXITS; then RDMSR and
 * WRMSR exit with index (and data), user space's data reaches EDX:EAX,
 * its error = 1 raises #GP(0) at the instruction; known MSRs never exit. */
static enum test_result test_msr_exits(void)
{
	struct hvm_run *run;
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_C(&t, guest_msr_exits);
	run = t.vcpu->run;
	TEST_ASSERT_FAILS(ioctl(t.vm->fd, HVM_ENABLE_USER_MSR_EXITS, 2), EINVAL);
	TEST_ASSERT_FAILS(ioctl(t.vm->fd, HVM_ENABLE_USER_MSR_EXITS,
				HVM_MSR_EXIT_UNKNOWN | (1UL << 31)), EINVAL);
	EXPECT_REPORT(&t, &uc, 1);
	TEST_ASSERT_ERRNO(!ioctl(t.vm->fd, HVM_ENABLE_USER_MSR_EXITS,
				 HVM_MSR_EXIT_UNKNOWN), "HVM_ENABLE_USER_MSR_EXITS");

	EXPECT_MSR_EXIT(&t, &uc, HVM_EXIT_RDMSR, MSR_BOGUS);
	TEST_ASSERT(!run->msr.error, "error %u", run->msr.error);
	run->msr.data = 0x1122334455667788ULL;
	EXPECT_MSR_EXIT(&t, &uc, HVM_EXIT_WRMSR, MSR_BOGUS);
	TEST_ASSERT(run->msr.data == 0xdeadbeefcafef00dULL, "WRMSR data 0x%" PRIx64,
		    (uint64_t)run->msr.data);

	EXPECT_MSR_EXIT(&t, &uc, HVM_EXIT_RDMSR, MSR_BOGUS);
	run->msr.data = 0x5555;
	run->msr.error = 1;
	EXPECT_MSR_EXIT(&t, &uc, HVM_EXIT_WRMSR, MSR_BOGUS + 1);
	TEST_ASSERT(run->msr.data == 0x200000001ULL, "WRMSR data 0x%" PRIx64,
		    (uint64_t)run->msr.data);
	TEST_ASSERT(!run->msr.error, "error %u: not reset for a new exit",
		    run->msr.error);
	run->msr.error = 1;
	EXPECT_REPORT(&t, &uc, 2);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* ---- 6. Errors and the events round trip --------------------------------- */

static enum test_result expect_events_einval(struct tvm *t,
					     const struct hvm_vcpu_events *ev,
					     const char *what)
{
	if (set_events(t, ev) != -1 || errno != EINVAL)
		return test_fail("HVM_SET_VCPU_EVENTS with %s: not EINVAL (errno %d)",
				 what, errno);
	return TEST_PASS;
}

#define EXPECT_EVENTS_EINVAL(t, field, value)					\
	do {									\
		struct hvm_vcpu_events __ev;					\
										\
		memset(&__ev, 0, sizeof(__ev));					\
		field = value;							\
		if (expect_events_einval(t, &__ev, #field " = " #value) !=	\
		    TEST_PASS)							\
			return TEST_FAIL;					\
	} while (0)

static void guest_idle(void)
{
	guest_report(1);
}

/* The new ioctls refuse what the ABI forbids (EINVAL, ENXIO, EBUSY,
 * EEXIST), and GET/SET_VCPU_EVENTS round-trip nmi.masked and
 * interrupt.shadow. */
static enum test_result test_errors(void)
{
	struct hvm_lapic_state lapic;
	struct hvm_vcpu_events ev;
	struct hvm_irq_level irq;
	struct hvm_mp_state mp;
	struct hvm_vm *vm;
	struct ucall uc;
	struct tvm t;
	__u32 state;

	/* VM ioctls without a vCPU. */
	vm = hvm_vm_create();
	TEST_ASSERT_ERRNO(vm, "creating a VM");
	irq.irq = 0;
	irq.level = 1;
	TEST_ASSERT_FAILS(ioctl(vm->fd, HVM_IRQ_LINE, &irq), ENXIO);
	TEST_ASSERT_FAILS(ioctl(vm->fd, HVM_CREATE_IRQCHIP, 1), EINVAL);
	TEST_ASSERT_ERRNO(!hvm_vm_create_irqchip(vm), "HVM_CREATE_IRQCHIP");
	TEST_ASSERT_FAILS(hvm_vm_create_irqchip(vm), EEXIST);
	TEST_ASSERT_ERRNO(!hvm_vm_irq_line(vm, 23, 1), "HVM_IRQ_LINE pin 23");
	TEST_ASSERT_ERRNO(!hvm_vm_irq_line(vm, 23, 0), "HVM_IRQ_LINE pin 23");
	TEST_ASSERT_FAILS(hvm_vm_irq_line(vm, HVM_IOAPIC_PINS, 1), EINVAL);
	TEST_ASSERT_FAILS(hvm_vm_irq_line(vm, ~0U, 0), EINVAL);
	TEST_ASSERT_FAILS(hvm_vm_irq_line(vm, 0, 2), EINVAL);
	TEST_ASSERT_FAILS(ioctl(vm->fd, HVM_ENABLE_USER_MSR_EXITS, 4), EINVAL);
	hvm_vm_destroy(vm);

	/* A VM with a vCPU and no irqchip. */
	TVM_CREATE_C(&t, guest_idle);
	TEST_ASSERT_FAILS(hvm_vm_create_irqchip(t.vm), EBUSY);
	TEST_ASSERT_FAILS(hvm_vm_irq_line(t.vm, 0, 1), ENXIO);
	TEST_ASSERT_FAILS(ioctl(t.vcpu->fd, HVM_INTERRUPT, 256), EINVAL);
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_INTERRUPT, VECTOR_IRQ), "HVM_INTERRUPT");
	TEST_ASSERT_FAILS(ioctl(t.vcpu->fd, HVM_INTERRUPT, VECTOR_IRQ2), EBUSY);
	TEST_ASSERT_FAILS(hvm_vcpu_set_mp_state(t.vcpu, HVM_MP_STATE_HALTED), ENXIO);
	TEST_ASSERT_FAILS(hvm_vcpu_set_mp_state(t.vcpu, HVM_MP_STATE_UNINITIALIZED), ENXIO);
	TEST_ASSERT_FAILS(hvm_vcpu_set_mp_state(t.vcpu, HVM_MP_STATE_INIT_RECEIVED), ENXIO);
	mp.mp_state = 4;
	TEST_ASSERT_FAILS(ioctl(t.vcpu->fd, HVM_SET_MP_STATE, &mp), EINVAL);
	TEST_ASSERT_ERRNO(!hvm_vcpu_set_mp_state(t.vcpu, HVM_MP_STATE_RUNNABLE),
			  "HVM_SET_MP_STATE RUNNABLE");
	TEST_ASSERT_ERRNO(!hvm_vcpu_get_mp_state(t.vcpu, &state) &&
			  state == HVM_MP_STATE_RUNNABLE, "mp_state %u", state);
	TEST_ASSERT_FAILS(ioctl(t.vcpu->fd, HVM_GET_LAPIC, &lapic), ENXIO);
	memset(&lapic, 0, sizeof(lapic));
	TEST_ASSERT_FAILS(ioctl(t.vcpu->fd, HVM_SET_LAPIC, &lapic), ENXIO);

	/* HVM_SET_VCPU_EVENTS: reserved, padding, flags, vectors, slots. */
	EXPECT_EVENTS_EINVAL(&t, __ev.reserved[0], 1);
	EXPECT_EVENTS_EINVAL(&t, __ev.reserved[8], 0x80000000);
	EXPECT_EVENTS_EINVAL(&t, __ev.exception.padding, 1);
	EXPECT_EVENTS_EINVAL(&t, __ev.interrupt.padding, 1);
	EXPECT_EVENTS_EINVAL(&t, __ev.nmi.padding, 1);
	EXPECT_EVENTS_EINVAL(&t, __ev.exception.injected, 2);
	EXPECT_EVENTS_EINVAL(&t, __ev.exception.has_error_code, 2);
	EXPECT_EVENTS_EINVAL(&t, __ev.interrupt.injected, 2);
	EXPECT_EVENTS_EINVAL(&t, __ev.interrupt.shadow, 2);
	EXPECT_EVENTS_EINVAL(&t, __ev.nmi.injected, 2);
	EXPECT_EVENTS_EINVAL(&t, __ev.nmi.pending, 2);
	EXPECT_EVENTS_EINVAL(&t, __ev.nmi.masked, 2);
	memset(&ev, 0, sizeof(ev));
	ev.exception.injected = 1;
	ev.exception.nr = 32;
	TEST_ASSERT(expect_events_einval(&t, &ev, "exception 32") == TEST_PASS, "nr 32");
	ev.exception.nr = VECTOR_NMI;
	TEST_ASSERT(expect_events_einval(&t, &ev, "exception 2") == TEST_PASS, "nr 2");
	ev.exception.nr = VECTOR_GP;
	ev.interrupt.injected = 1;
	ev.interrupt.nr = VECTOR_IRQ;
	TEST_ASSERT(expect_events_einval(&t, &ev, "exception + interrupt") == TEST_PASS,
		    "two injected");
	ev.interrupt.injected = 0;
	ev.nmi.injected = 1;
	TEST_ASSERT(expect_events_einval(&t, &ev, "exception + NMI") == TEST_PASS,
		    "two injected");
	ev.exception.injected = 0;
	ev.interrupt.injected = 1;
	TEST_ASSERT(expect_events_einval(&t, &ev, "interrupt + NMI") == TEST_PASS,
		    "two injected");

	/* Round trip: the NMI mask and the STI shadow, nothing injected. */
	TEST_ASSERT_ERRNO(!get_events(&t, &ev), "HVM_GET_VCPU_EVENTS");
	TEST_ASSERT(!ev.nmi.masked && !ev.interrupt.shadow && !ev.exception.injected &&
		    !ev.nmi.pending, "fresh vCPU: masked %u shadow %u",
		    ev.nmi.masked, ev.interrupt.shadow);
	ev.nmi.masked = 1;
	ev.interrupt.shadow = 1;
	TEST_ASSERT_ERRNO(!set_events(&t, &ev), "HVM_SET_VCPU_EVENTS");
	TEST_ASSERT_ERRNO(!get_events(&t, &ev), "HVM_GET_VCPU_EVENTS");
	TEST_ASSERT(ev.nmi.masked == 1 && ev.interrupt.shadow == 1 &&
		    !ev.nmi.injected && !ev.interrupt.injected &&
		    !ev.exception.injected && !ev.nmi.pending,
		    "round trip: masked %u shadow %u", ev.nmi.masked,
		    ev.interrupt.shadow);
	ev.nmi.masked = 0;
	ev.interrupt.shadow = 0;
	ev.nmi.pending = 0;
	TEST_ASSERT_ERRNO(!set_events(&t, &ev), "HVM_SET_VCPU_EVENTS");
	TEST_ASSERT_ERRNO(!get_events(&t, &ev), "HVM_GET_VCPU_EVENTS");
	TEST_ASSERT(!ev.nmi.masked && !ev.interrupt.shadow,
		    "cleared: masked %u shadow %u", ev.nmi.masked, ev.interrupt.shadow);
	tvm_destroy(&t);

	/* With an irqchip: HVM_INTERRUPT belongs to the local APIC. */
	TEST_ASSERT_ERRNO(!tvm_create_c_flags(&t, guest_idle, TVM_IRQCHIP),
			  "creating the test VM with an irqchip");
	TEST_ASSERT_FAILS(ioctl(t.vcpu->fd, HVM_INTERRUPT, VECTOR_IRQ), ENXIO);
	TEST_ASSERT_FAILS(hvm_vm_create_irqchip(t.vm), EEXIST);
	TEST_ASSERT_FAILS(hvm_vm_irq_line(t.vm, HVM_IOAPIC_PINS, 0), EINVAL);
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_GET_LAPIC, &lapic), "HVM_GET_LAPIC");
	TEST_ASSERT_ERRNO(!ioctl(t.vcpu->fd, HVM_SET_LAPIC, &lapic), "HVM_SET_LAPIC");
	EXPECT_REPORT(&t, &uc, 1);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "#GP(0x1234) from HVM_SET_VCPU_EVENTS is pending, then reaches the handler once with its error code at the guest's RIP",
	  test_injected_exception },
	{ "HVM_NMI comes at once with IF=0; a second one waits (masked, pending) until the handler's IRET, never nested",
	  test_nmi },
	{ "an IRET from the NMI handler that takes a nested page fault keeps NMIs blocked until it completes",
	  test_nmi_iret_faults },
	{ "INT n and INT3 whose delivery takes nested page faults (IDT, GDT, stack) run their handler once",
	  test_soft_delivery_faults },
	{ "HVM_INTERRUPT waits for IF=1 and the STI shadow; request_interrupt_window exits once IF=1 with ready set",
	  test_interrupt },
	{ "#GP and an external interrupt whose delivery faults on an unmapped stack page are delivered exactly once",
	  test_reinject },
	{ "unknown MSRs #GP, or with HVM_ENABLE_USER_MSR_EXITS exit to user space (data, error -> #GP); known ones do not",
	  test_msr_exits },
	{ "the new ioctls' EINVAL/ENXIO/EBUSY/EEXIST cases; GET/SET_VCPU_EVENTS round-trip nmi.masked and the shadow",
	  test_errors },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
