// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: interrupts under load on two vCPUs.  Each vCPU runs its
 * local APIC timer at 10 kHz and sends fixed IPIs to the other one, while
 * it spins with IF = 1 on stacks it has never touched, so that many
 * deliveries take a nested page fault on the stack push and are
 * re-delivered (EXITINTINFO / IDT-vectoring info).  Every interrupt must
 * arrive exactly once and only where the guest allows it: the frame it
 * pushes must show IF = 1 (never inside a handler, whose IF is 0).
 * A vCPU sends its next IPI only once the other has taken the previous
 * one, so no two can coalesce in the IRR: IPIs received must equal IPIs
 * sent, exactly, and a lost one is a failure.
 */
#include <inttypes.h>
#include <pthread.h>
#include <string.h>

#include "guest_c.h"
#include "test.h"

#define APIC_BASE	HVM_APIC_DEFAULT_GPA
#define APIC_ID		0x20
#define APIC_EOI	0xb0
#define APIC_SVR	0xf0
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define APIC_TMICT	0x380
#define APIC_TDCR	0x3e0
#define LVT_PERIODIC	(1U << 17)
#define ICR_BUSY	(1U << 12)

#define TIMER_VECTOR	0x40
#define IPI_VECTOR	0x41
#define RFLAGS_IF	(1ULL << 9)

/* Fresh stack pages, one per round, never touched before: 0x100000 up,
 * vCPU n takes every other one. */
#define FRESH_BASE	0x100000ULL
#define ROUNDS		96
#define IPIS_PER_ROUND	4

/* Per vCPU (index = APIC ID), in the guest's copy. */
static volatile __u64 ticks[2], ipis[2], bad_if[2], bad_rip[2];
static volatile __u64 ipis_sent[2];
static volatile __u64 ready;

static void apic_write(__u32 off, __u32 val)
{
	mmio_write32(APIC_BASE + off, val);
}

static unsigned int my_id(void)
{
	return mmio_read32(APIC_BASE + APIC_ID) >> 24;
}

extern char stress_handler_text_start[], stress_handler_text_end[];

static void check_frame(unsigned int id, struct guest_frame *f)
{
	if (!(f->rflags & RFLAGS_IF))
		bad_if[id]++;
	/* Never delivered on top of one of our own handlers' code. */
	if (f->rip >= (__u64)stress_handler_text_start &&
	    f->rip < (__u64)stress_handler_text_end)
		bad_rip[id]++;
}

static void timer_fn(struct guest_frame *f)
{
	unsigned int id = my_id();

	check_frame(id, f);
	ticks[id]++;
	apic_write(APIC_EOI, 0);
}

static void ipi_fn(struct guest_frame *f)
{
	unsigned int id = my_id();

	check_frame(id, f);
	ipis[id]++;
	apic_write(APIC_EOI, 0);
}

asm(".pushsection .text\n.globl stress_handler_text_start\nstress_handler_text_start:\n.popsection");
GUEST_HANDLER(timer_entry, 0x40, timer_fn);
GUEST_HANDLER(ipi_entry, 0x41, ipi_fn);
asm(".pushsection .text\n.globl stress_handler_text_end\nstress_handler_text_end:\n.popsection");

/* Spin @loops times with IF = 1 on the stack whose top is @top. */
static void spin_on_stack(__u64 top, unsigned long loops)
{
	asm volatile("mov %%rsp, %%rbx\n\t"
		     "mov %[top], %%rsp\n\t"
		     "sti\n\t"
		     "1: dec %[n]\n\t"
		     "jnz 1b\n\t"
		     "cli\n\t"
		     "mov %%rbx, %%rsp"
		     : [n] "+c"(loops)
		     : [top] "r"(top)
		     : "rbx", "memory", "cc");
}

/* Until @n vCPUs have arrived, for at most 30 s (a vCPU that died must
 * not leave the other spinning forever; one the emulator runs less
 * often may be seconds behind); IF as the caller has it. */
static void barrier(__u64 n)
{
	__u32 khz, b, c, d;
	__u64 end;

	cpuid(0x40000010, 0, &khz, &b, &c, &d);	/* hvm's TSC kHz */
	end = rdtsc() + 30000ULL * khz;
	__atomic_fetch_add(&ready, 1, __ATOMIC_SEQ_CST);
	while (ready < n) {
		GUEST_ASSERT(rdtsc() < end);
		asm volatile("pause");
	}
}

static void send_ipi(unsigned int to)
{
	apic_write(APIC_ICR2, to << 24);
	apic_write(APIC_ICR, IPI_VECTOR);
}

/*
 * Until vCPU @other has taken every IPI this one sent, with IF = 1 (the
 * other may be waiting for ours), for at most 5 s: false when it did not
 * (lost, or the other vCPU stopped running).
 */
static bool wait_ipis_taken(unsigned int id, unsigned int other)
{
	__u32 khz, b, c, d;
	__u64 end;
	bool ok = true;

	cpuid(0x40000010, 0, &khz, &b, &c, &d);	/* hvm's TSC kHz */
	end = rdtsc() + 5000ULL * khz;
	sti();
	while (ipis[other] < ipis_sent[id]) {
		if (rdtsc() > end) {
			ok = false;
			break;
		}
		asm volatile("pause");
	}
	cli();
	return ok;
}

static void guest_stress(void)
{
	unsigned int id = my_id(), other = !id, i, j;

	guest_idt_set_gate(TIMER_VECTOR, timer_entry);
	guest_idt_set_gate(IPI_VECTOR, ipi_entry);
	apic_write(APIC_SVR, 0x1ff);
	barrier(2);
	apic_write(APIC_TDCR, 0xb);			/* divide by 1 */
	apic_write(APIC_LVTT, TIMER_VECTOR | LVT_PERIODIC);
	apic_write(APIC_TMICT, 100000);			/* 100 us at 1 GHz */
	for (i = 0; i < ROUNDS; i++) {
		__u64 page = FRESH_BASE + (2ULL * i + id) * 0x1000;

		for (j = 0; j < IPIS_PER_ROUND; j++) {
			/* The previous IPI taken first: none coalesces. */
			if (!wait_ipis_taken(id, other))
				goto done;	/* lost: the host sees it */
			send_ipi(other);
			ipis_sent[id]++;
			spin_on_stack(page + 0x1000 - 64 * j, 3000);
		}
	}
	wait_ipis_taken(id, other);
done:
	apic_write(APIC_LVTT, 1U << 16);		/* masked: stop */
	/* Both done sending (IF = 1: the other may still wait for one). */
	sti();
	barrier(4);
	cli();
	/* The host judges: deliveries where IF = 0, IPIs taken more often
	 * than sent, and IPIs sent but never taken (none can coalesce). */
	guest_report(ticks[id]);
	guest_report(bad_if[id] + bad_rip[id] +
		     (ipis[id] > ipis_sent[other] ? ipis[id] - ipis_sent[other] : 0));
	guest_report(ipis[id]);
	guest_report(ipis_sent[other] > ipis[id] ? ipis_sent[other] - ipis[id] : 0);
	guest_report(ipis_sent[other]);
}

struct vcpu_thread {
	pthread_t tid;
	struct hvm_vcpu *vcpu;
	enum ucall_type last;
	struct ucall uc;
	__u64 reports[5];
	unsigned int nr;
};

static void *vcpu_thread_fn(void *arg)
{
	struct vcpu_thread *v = arg;

	v->last = ucall_run_collect(v->vcpu, &v->uc, v->reports,
				    ARRAY_SIZE(v->reports), &v->nr);
	return NULL;
}

/* Two vCPUs, each a 10 kHz LAPIC timer and a stream of IPIs from the
 * other, on fresh stack pages (nested page faults during delivery):
 * every interrupt lands where IF = 1, none twice. */
static enum test_result test_stress(void)
{
	struct vcpu_thread v[2];
	__u64 bad = 0, lost = 0;
	struct tvm t;
	int i;

	memset(v, 0, sizeof(v));
	/* Each IPI waits for the previous one: a round trip between the
	 * emulator's CPUs each, slower than the default 20 s allow. */
	test_watchdog_arm(90);
	TEST_ASSERT_ERRNO(!tvm_create_c_flags(&t, guest_stress, TVM_IRQCHIP),
			  "creating the test VM");
	v[0].vcpu = t.vcpu;
	v[1].vcpu = tvm_add_vcpu_c(&t, 1, guest_stress);
	TEST_ASSERT_ERRNO(v[1].vcpu, "vCPU 1");
	for (i = 0; i < 2; i++)
		TEST_ASSERT(!pthread_create(&v[i].tid, NULL, vcpu_thread_fn, &v[i]),
			    "pthread_create");
	for (i = 0; i < 2; i++)
		pthread_join(v[i].tid, NULL);
	for (i = 0; i < 2; i++) {
		if (v[i].last != UCALL_DONE) {
			ucall_describe(v[i].vcpu, &v[i].uc);
			hvm_vcpu_destroy(v[1].vcpu);
			tvm_destroy(&t);
			return test_fail("vCPU %d did not finish", i);
		}
		if (v[i].nr != ARRAY_SIZE(v[i].reports)) {
			hvm_vcpu_destroy(v[1].vcpu);
			tvm_destroy(&t);
			return test_fail("vCPU %d: %u reports", i, v[i].nr);
		}
		test_diag("vCPU %d: %" PRIu64 " timer ticks, %" PRIu64 " of %" PRIu64
			  " IPIs taken", i, (uint64_t)v[i].reports[0],
			  (uint64_t)v[i].reports[2], (uint64_t)v[i].reports[4]);
		bad += v[i].reports[1];
		lost += v[i].reports[3];
	}
	hvm_vcpu_destroy(v[1].vcpu);
	tvm_destroy(&t);
	TEST_ASSERT(!bad, "%" PRIu64 " interrupts arrived twice or where IF = 0 (inside a handler)",
		    (uint64_t)bad);
	TEST_ASSERT(!lost, "%" PRIu64 " IPIs sent were never taken (lost)", (uint64_t)lost);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "two vCPUs, LAPIC timers and IPIs, deliveries faulting on fresh stacks: every interrupt where IF = 1, none twice, no IPI lost",
	  test_stress },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
