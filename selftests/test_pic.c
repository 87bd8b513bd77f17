// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: the in-kernel 8259A pair (HVM_CREATE_IRQCHIP, HVM_IRQ_LINE).
 * The guest, C code (lib/guest_c.h), programs both chips through ports
 * 0x20/0x21 and 0xa0/0xa1 (ICW1-ICW4 as Linux does: vectors 0x20 and 0x28,
 * slave on IR2) and takes their interrupts on vCPU 0 through LINT0, which
 * resets in ExtINT mode (virtual wire).  The host drives the inputs with
 * HVM_IRQ_LINE: GSI n is IRQ n, except that the PIT's IRQ 0 is GSI 2.
 */
#include <inttypes.h>
#include <string.h>

#include "guest_c.h"
#include "test.h"

#define PIC_M_CMD		0x20
#define PIC_M_DATA		0x21
#define PIC_S_CMD		0xa0
#define PIC_S_DATA		0xa1
#define PIC_ELCR_M		0x4d0
#define PIC_EOI			0x20
#define PIC_READ_IRR		0x0a
#define PIC_READ_ISR		0x0b
#define PIC_POLL		0x0c
#define PIC_SET_PRIORITY	0xc0	/* | the input to make lowest */
#define PIC_M_BASE		0x20
#define PIC_S_BASE		0x28

#define APIC_BASE		HVM_APIC_DEFAULT_GPA
#define APIC_SVR		0xf0
#define APIC_LVT0		0x350
#define APIC_SVR_ENABLE		0x100
#define LVT_MASKED		(1U << 16)
#define LVT_EXTINT		0x700
#define MSR_APIC_BASE		0x1b
#define APIC_BASE_ENABLE	(1ULL << 11)

/* ---- Guest side ---------------------------------------------------------- */

/* What the handlers saw, in the guest's copy. */
static volatile __u64 pic_count;
static volatile __u8 pic_order[8];		/* vectors in arrival order */
static volatile __u32 pic_isr_seen;		/* (master ISR << 8) | slave ISR */
static volatile __u64 pic_defer_eoi;		/* leave this one's EOI to main */

static __u8 pic_read_reg(__u16 cmd_port, __u8 ocw3)
{
	outb(cmd_port, ocw3);
	return inb(cmd_port);
}

static void pic_handler(struct guest_frame *f)
{
	__u64 n = pic_count;

	if (n < sizeof(pic_order))
		pic_order[n] = f->vector;
	pic_count = n + 1;
	if (f->vector >= PIC_S_BASE) {
		pic_isr_seen = pic_read_reg(PIC_M_CMD, PIC_READ_ISR) << 8 |
			       pic_read_reg(PIC_S_CMD, PIC_READ_ISR);
		outb(PIC_S_CMD, PIC_EOI);
	}
	if (pic_count == pic_defer_eoi) {
		f->rflags &= ~(1ULL << 9);	/* return with IF = 0 */
		return;
	}
	outb(PIC_M_CMD, PIC_EOI);
}

GUEST_HANDLER(pic_irq0, 0x20, pic_handler);
GUEST_HANDLER(pic_irq1, 0x21, pic_handler);
GUEST_HANDLER(pic_irq3, 0x23, pic_handler);
GUEST_HANDLER(pic_irq4, 0x24, pic_handler);
GUEST_HANDLER(pic_irq5, 0x25, pic_handler);
GUEST_HANDLER(pic_irq12, 0x2c, pic_handler);

/* As Linux's init_8259A: edge, cascade, 8086 mode, normal EOI. */
static void pic_init(__u8 master_mask, __u8 slave_mask)
{
	guest_idt_set_gate(0x20, pic_irq0);
	guest_idt_set_gate(0x21, pic_irq1);
	guest_idt_set_gate(0x23, pic_irq3);
	guest_idt_set_gate(0x24, pic_irq4);
	guest_idt_set_gate(0x25, pic_irq5);
	guest_idt_set_gate(0x2c, pic_irq12);
	outb(PIC_M_DATA, 0xff);
	outb(PIC_S_DATA, 0xff);
	outb(PIC_M_CMD, 0x11);		/* ICW1: ICW4 needed, cascade */
	outb(PIC_M_DATA, PIC_M_BASE);	/* ICW2 */
	outb(PIC_M_DATA, 1 << 2);	/* ICW3: slave on IR2 */
	outb(PIC_M_DATA, 0x01);		/* ICW4: 8086 mode */
	outb(PIC_S_CMD, 0x11);
	outb(PIC_S_DATA, PIC_S_BASE);
	outb(PIC_S_DATA, 2);		/* ICW3: slave ID 2 */
	outb(PIC_S_DATA, 0x01);
	outb(PIC_M_DATA, master_mask);
	outb(PIC_S_DATA, slave_mask);
}

/* Busy for a while with IF = 1: anything pending would come now. */
static void spin(void)
{
	volatile unsigned int i;

	sti();
	for (i = 0; i < 20000; i++)
		;
	cli();
}

/* HLT (IF = 1) until the handlers have counted n; returns with IF = 0. */
static void wait_for(__u64 n)
{
	cli();
	while (pic_count < n) {
		safe_halt();
		cli();
	}
}

static void guest_delivery(void)
{
	pic_init(0xf6, 0xff);			/* IRQ 0 and 3 unmasked */
	guest_report(inb(PIC_M_DATA));		/* host: an edge on GSI 3, later */
	wait_for(1);
	guest_report(pic_order[0]);		/* host: an edge on GSI 2 */
	wait_for(2);
	guest_report(pic_order[1]);		/* host: an edge on masked GSI 4 */
	spin();
	guest_report(pic_count);
	/* The 8259 latched the edge in IRR: unmasking lets it through. */
	outb(PIC_M_DATA, 0xe6);
	wait_for(3);
	guest_report(pic_order[2]);
}

/* ---- Host side ----------------------------------------------------------- */

#define IRQ_LINE(t, gsi, level)							\
	TEST_ASSERT_ERRNO(!hvm_vm_irq_line((t)->vm, gsi, level),		\
			  "HVM_IRQ_LINE %u level %u", gsi, level)
#define IRQ_EDGE(t, gsi)							\
	do {									\
		IRQ_LINE(t, gsi, 1);						\
		IRQ_LINE(t, gsi, 0);						\
	} while (0)

#define TVM_CREATE_IRQCHIP(t, fn)						\
	TEST_ASSERT_ERRNO(!tvm_create_c_flags(t, fn, TVM_IRQCHIP),		\
			  "creating the test VM with an irqchip")

/* IRQ 3 from another thread wakes vCPU 0 from HLT with vector 0x23; the
 * PIT's IRQ 0 (GSI 2) comes as 0x20; a masked input's edge stays latched
 * in IRR and comes when unmasked. */
static enum test_result test_delivery(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_IRQCHIP(&t, guest_delivery);
	EXPECT_REPORT(&t, &uc, 0xf6);
	if (tvm_run_edge_later(&t, 3, &uc) != TEST_PASS)
		return TEST_FAIL;
	TEST_ASSERT(uc.value == 0x23, "vector 0x%" PRIx64 " for IRQ 3",
		    (uint64_t)uc.value);
	IRQ_EDGE(&t, 2);
	EXPECT_REPORT(&t, &uc, 0x20);
	IRQ_EDGE(&t, 4);
	EXPECT_REPORT(&t, &uc, 2);
	EXPECT_REPORT(&t, &uc, 0x24);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static void guest_cascade(void)
{
	pic_init(0xfb, 0xef);			/* cascade and IRQ 12 unmasked */
	guest_report(0);			/* host: GSI 12 goes high */
	wait_for(1);
	guest_report(pic_order[0]);
	guest_report(pic_isr_seen);
	guest_report(pic_read_reg(PIC_M_CMD, PIC_READ_ISR) << 8 |
		     pic_read_reg(PIC_S_CMD, PIC_READ_ISR));
}

/* IRQ 12 on the slave comes as 0x2c through the master's IR2, with both
 * chips' in-service bits set (master 2, slave 4) until each gets an EOI. */
static enum test_result test_cascade(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_IRQCHIP(&t, guest_cascade);
	EXPECT_REPORT(&t, &uc, 0);
	IRQ_LINE(&t, 12, 1);
	EXPECT_REPORT(&t, &uc, 0x2c);
	EXPECT_REPORT(&t, &uc, 0x0410);
	EXPECT_REPORT(&t, &uc, 0);
	IRQ_LINE(&t, 12, 0);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static void guest_level(void)
{
	pic_init(0xdf, 0xff);			/* IRQ 5 unmasked */
	outb(PIC_ELCR_M, 0xff);
	guest_report(inb(PIC_ELCR_M));		/* IRQ 0-2 stay edge */
	outb(PIC_ELCR_M, 1 << 5);
	pic_defer_eoi = 3;
	guest_report(0);			/* host: GSI 5 high, held */
	wait_for(3);				/* the 3rd is not EOId */
	guest_report(pic_count);		/* host: GSI 5 low */
	guest_report(pic_read_reg(PIC_M_CMD, PIC_READ_IRR) & (1 << 5));
	outb(PIC_M_CMD, PIC_EOI);
	spin();
	guest_report(pic_count);
}

/* An input set level-triggered in the ELCR comes again after every EOI
 * while its line is high, and its request goes once the line is low. */
static enum test_result test_level(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_IRQCHIP(&t, guest_level);
	EXPECT_REPORT(&t, &uc, 0xf8);
	EXPECT_REPORT(&t, &uc, 0);
	IRQ_LINE(&t, 5, 1);
	EXPECT_REPORT(&t, &uc, 3);
	IRQ_LINE(&t, 5, 0);
	EXPECT_REPORT(&t, &uc, 0);
	EXPECT_REPORT(&t, &uc, 3);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static void guest_priority(void)
{
	pic_init(0xf5, 0xff);			/* IRQ 1 and 3 unmasked */
	guest_report(0);			/* host: edges on GSI 3, then 1 */
	guest_report(pic_read_reg(PIC_M_CMD, PIC_READ_IRR));
	wait_for(2);
	guest_report(pic_order[0] << 8 | pic_order[1]);
	outb(PIC_M_CMD, PIC_SET_PRIORITY | 1);	/* IRQ 1 lowest, IRQ 2 highest */
	guest_report(1);			/* host: edges on GSI 1, then 3 */
	wait_for(4);
	guest_report(pic_order[2] << 8 | pic_order[3]);
}

/* Two requests in IRR come highest priority first (IRQ 1 before 3), and
 * after "set priority" made IRQ 1 the lowest, IRQ 3 comes first. */
static enum test_result test_priority(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_IRQCHIP(&t, guest_priority);
	EXPECT_REPORT(&t, &uc, 0);
	IRQ_EDGE(&t, 3);
	IRQ_EDGE(&t, 1);
	EXPECT_REPORT(&t, &uc, 0x0a);
	EXPECT_REPORT(&t, &uc, 0x2123);
	EXPECT_REPORT(&t, &uc, 1);
	IRQ_EDGE(&t, 1);
	IRQ_EDGE(&t, 3);
	EXPECT_REPORT(&t, &uc, 0x2321);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static void guest_lint0(void)
{
	pic_init(0xf7, 0xff);			/* IRQ 3 unmasked */
	guest_report(mmio_read32(APIC_BASE + APIC_LVT0));
	mmio_write32(APIC_BASE + APIC_SVR, APIC_SVR_ENABLE | 0xff);
	mmio_write32(APIC_BASE + APIC_LVT0, LVT_MASKED | LVT_EXTINT);
	guest_report(0);			/* host: an edge on GSI 3 */
	spin();
	guest_report(pic_count);		/* LINT0 masked: nothing */
	mmio_write32(APIC_BASE + APIC_LVT0, LVT_EXTINT);
	wait_for(1);
	/* With the APIC disabled, LINT0 is the CPU's INTR pin. */
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) & ~APIC_BASE_ENABLE);
	guest_report(pic_count);		/* host: an edge on GSI 3 */
	wait_for(2);
	/* Poll mode: the read is the acknowledge; no interrupt follows. */
	guest_report(pic_count);		/* host: an edge on GSI 3 */
	outb(PIC_M_CMD, PIC_POLL);
	guest_report(inb(PIC_M_CMD));
	outb(PIC_M_CMD, PIC_EOI);
	spin();
	guest_report(pic_count);
}

/* vCPU 0's LINT0 resets in ExtINT mode; masked, it holds the 8259's INT
 * back until unmasked; with the APIC disabled the INT goes straight in;
 * OCW3 poll acknowledges a request with IF = 0 (0x80 | IRQ). */
static enum test_result test_lint0(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_IRQCHIP(&t, guest_lint0);
	EXPECT_REPORT(&t, &uc, LVT_EXTINT);
	EXPECT_REPORT(&t, &uc, 0);
	IRQ_EDGE(&t, 3);
	EXPECT_REPORT(&t, &uc, 0);
	EXPECT_REPORT(&t, &uc, 1);
	IRQ_EDGE(&t, 3);
	EXPECT_REPORT(&t, &uc, 2);
	IRQ_EDGE(&t, 3);
	EXPECT_REPORT(&t, &uc, 0x83);
	EXPECT_REPORT(&t, &uc, 2);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "IRQ 3 wakes vCPU 0 from HLT through LINT0 ExtINT as ICW2's vector; GSI 2 is IRQ 0; a masked edge stays in IRR",
	  test_delivery },
	{ "IRQ 12 comes through the cascade as 0x2c, in service on both chips until each gets an EOI",
	  test_cascade },
	{ "an ELCR level input comes again after each EOI while high; IRQ 0-2 cannot be level",
	  test_level },
	{ "requests come highest priority first, and OCW2 set-priority rotates the order",
	  test_priority },
	{ "LINT0 resets ExtINT; masked it holds the INT back; APIC disabled passes it; OCW3 poll acknowledges",
	  test_lint0 },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
