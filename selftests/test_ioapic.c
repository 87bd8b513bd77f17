// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: the in-kernel I/O APIC (HVM_CREATE_IRQCHIP, HVM_IRQ_LINE).
 * The guest, C code (lib/guest_c.h), programs redirection entries through
 * the MMIO window at 0xfec00000 (IOREGSEL +0, IOWIN +0x10), enables its
 * local APIC and takes the interrupts the host's lines send: edge pins
 * once per rising edge, masked pins never, level pins again after each
 * EOI while asserted (remote IRR).  HLT blocks in the kernel until then.
 */
#include <inttypes.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guest_c.h"
#include "test.h"

#define IOAPIC_BASE		HVM_IOAPIC_DEFAULT_GPA
#define IOAPIC_IOREGSEL		0x00
#define IOAPIC_IOWIN		0x10
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VERSION	0x01
#define IOAPIC_REG_REDIR(pin)	(0x10 + 2 * (pin))

#define REDIR_LEVEL		(1ULL << 15)
#define REDIR_REMOTE_IRR	(1ULL << 14)
#define REDIR_STATUS		(1ULL << 12)
#define REDIR_MASKED		(1ULL << 16)
#define REDIR_DEST(id)		((__u64)(id) << 56)

#define APIC_BASE		HVM_APIC_DEFAULT_GPA
#define APIC_SVR		0xf0
#define APIC_SVR_ENABLE		0x100
#define APIC_EOI		0xb0

#define PIN_EDGE		4
#define VECTOR_EDGE		0x31
#define PIN_LEVEL		5
#define VECTOR_LEVEL		0x32
#define PIN_MASKED		6
#define VECTOR_MASKED		0x33

#define RFLAGS_IF		(1ULL << 9)

/* In a test case: the next ucall must be a REPORT of exactly expected. */
/* ---- Guest side ---------------------------------------------------------- */

static __u32 ioapic_read(__u32 reg)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_IOREGSEL, reg);
	return mmio_read32(IOAPIC_BASE + IOAPIC_IOWIN);
}

static void ioapic_write(__u32 reg, __u32 value)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_IOREGSEL, reg);
	mmio_write32(IOAPIC_BASE + IOAPIC_IOWIN, value);
}

static __u64 redir_read(unsigned int pin)
{
	return ioapic_read(IOAPIC_REG_REDIR(pin)) |
	       ((__u64)ioapic_read(IOAPIC_REG_REDIR(pin) + 1) << 32);
}

static void redir_write(unsigned int pin, __u64 e)
{
	ioapic_write(IOAPIC_REG_REDIR(pin) + 1, e >> 32);
	ioapic_write(IOAPIC_REG_REDIR(pin), (__u32)e);
}

static void lapic_enable(void)
{
	mmio_write32(APIC_BASE + APIC_SVR,
		     mmio_read32(APIC_BASE + APIC_SVR) | APIC_SVR_ENABLE);
}

static void lapic_eoi(void)
{
	mmio_write32(APIC_BASE + APIC_EOI, 0);
}

/* What the handler saw, in the guest's copy. */
static volatile struct {
	__u64 count, vector, bad_vector;
	__u64 remote_irr_clear;		/* level: times remote IRR read 0 */
} io_seen;
/* The vector the handler expects; for a level pin (else -1) it checks
 * remote IRR, and at the defer_eoi-th interrupt it leaves the EOI to the
 * main code and returns with IF = 0. */
static volatile __u64 io_vector;
static volatile int io_level_pin = -1;
static volatile __u64 io_defer_eoi;

static void io_handler(struct guest_frame *f)
{
	io_seen.count++;
	io_seen.vector = f->vector;
	if (f->vector != io_vector)
		io_seen.bad_vector++;
	if (io_level_pin >= 0 && !(redir_read(io_level_pin) & REDIR_REMOTE_IRR))
		io_seen.remote_irr_clear++;
	if (io_seen.count == io_defer_eoi) {
		f->rflags &= ~RFLAGS_IF;
		return;
	}
	lapic_eoi();
}

GUEST_HANDLER(io_edge_entry, 0x31, io_handler);
GUEST_HANDLER(io_level_entry, 0x32, io_handler);
GUEST_HANDLER(io_masked_entry, 0x33, io_handler);

/* What the host tells the guest at each report (the guest's copy). */
enum io_cmd { CMD_DONE, CMD_HALT, CMD_SPIN, CMD_UNMASK };
static volatile __u64 io_cmd;
static volatile __u64 io_unmask_entry;
static volatile unsigned int io_unmask_pin;

/* Busy for a while with IF = 1: anything pending would come now. */
static void spin(void)
{
	volatile unsigned int i;

	for (i = 0; i < 20000; i++)
		;
}

/*
 * Busy with IF = 1 until an interrupt has come (count moved on from n), or
 * for a bound that spans many host timer ticks.  The bound is for Bochs
 * 2.7 with SVM: after an exit inside an STI shadow (here the nested page
 * fault on spin's first touch of the stack), hvm enters with the shadow,
 * IF = 1 and V_IRQ; Bochs recognizes V_IRQ only once the guest itself sets
 * IF, so the interrupt waits for the next exit (see testing.rst).
 */
static void spin_until_irq(__u64 n)
{
	volatile unsigned int i;

	for (i = 0; i < 2000000 && io_seen.count == n; i++)
		;
}

/* Until an interrupt has come (count moved on from n). */
static void wait_for_irq(__u64 n)
{
	cli();
	while (io_seen.count == n) {
		safe_halt();
		cli();
	}
	sti();
}

/* Reports the count, does what the host says; IF = 1 throughout. */
static void io_command_loop(void)
{
	__u64 n;

	sti();
	for (;;) {
		/* What the host sent before this RUN may come at once. */
		n = io_seen.count;
		guest_report(n);
		switch (io_cmd) {
		case CMD_HALT:
			wait_for_irq(n);
			spin();
			break;
		case CMD_SPIN:
			spin();
			break;
		case CMD_UNMASK:
			cli();
			redir_write(io_unmask_pin, io_unmask_entry);
			GUEST_ASSERT_EQ(redir_read(io_unmask_pin), io_unmask_entry);
			sti();
			spin();
			break;
		default:
			cli();
			GUEST_ASSERT_EQ(io_seen.bad_vector, 0);
			return;
		}
	}
}

static void guest_setup(unsigned int vector, void (*entry)(void))
{
	guest_idt_set_gate(vector, entry);
	io_vector = vector;
	lapic_enable();
}

static void guest_edge(void)
{
	__u64 e = VECTOR_EDGE | REDIR_DEST(0);	/* fixed, physical, edge */

	guest_setup(VECTOR_EDGE, io_edge_entry);
	redir_write(PIN_EDGE, e);
	GUEST_ASSERT_EQ(redir_read(PIN_EDGE), e);
	io_command_loop();
}

static void guest_masked(void)
{
	__u64 e = VECTOR_MASKED | REDIR_DEST(0);

	guest_setup(VECTOR_MASKED, io_masked_entry);
	redir_write(PIN_MASKED, e | REDIR_MASKED);
	GUEST_ASSERT_EQ(redir_read(PIN_MASKED), e | REDIR_MASKED);
	io_unmask_pin = PIN_MASKED;
	io_unmask_entry = e;
	io_command_loop();
}

/* ---- Host side ----------------------------------------------------------- */

static void set_cmd(struct tvm *t, enum io_cmd cmd)
{
	*(volatile __u64 *)tvm_image_hva(t, (const void *)&io_cmd, sizeof(io_cmd)) = cmd;
}

#define SET_CMD(t, cmd)								\
	do {									\
		TEST_ASSERT(tvm_image_hva(t, (const void *)&io_cmd,		\
					  sizeof(io_cmd)), "io_cmd");		\
		set_cmd(t, cmd);						\
	} while (0)

/* An edge pin (4 -> 0x31, APIC ID 0, fixed) programmed through MMIO sends
 * one interrupt per rising edge, also into a vCPU blocked in HLT; a line
 * raised twice or lowered sends nothing more. */
static enum test_result test_edge(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_IRQCHIP(&t, guest_edge);
	EXPECT_REPORT(&t, &uc, 0);

	/* HLT blocks in the kernel; the edge from another thread wakes it. */
	SET_CMD(&t, CMD_HALT);
	if (tvm_run_edge_later(&t, PIN_EDGE, &uc) != TEST_PASS)
		return TEST_FAIL;
	TEST_ASSERT(uc.value == 1, "%" PRIu64 " interrupts after one edge",
		    (uint64_t)uc.value);

	SET_CMD(&t, CMD_SPIN);
	EXPECT_REPORT(&t, &uc, 1);

	IRQ_LINE(&t, PIN_EDGE, 1);	/* held high */
	SET_CMD(&t, CMD_HALT);
	EXPECT_REPORT(&t, &uc, 2);
	IRQ_LINE(&t, PIN_EDGE, 1);	/* again: no edge */
	SET_CMD(&t, CMD_SPIN);
	EXPECT_REPORT(&t, &uc, 2);
	IRQ_LINE(&t, PIN_EDGE, 0);	/* falling: nothing */
	EXPECT_REPORT(&t, &uc, 2);
	IRQ_LINE(&t, PIN_EDGE, 1);
	IRQ_LINE(&t, PIN_EDGE, 0);
	SET_CMD(&t, CMD_HALT);
	EXPECT_REPORT(&t, &uc, 3);
	SET_CMD(&t, CMD_DONE);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

/* A masked edge pin sends nothing, and unmasking it later does not send
 * the edge it missed; the next edge comes. */
static enum test_result test_masked(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_IRQCHIP(&t, guest_masked);
	EXPECT_REPORT(&t, &uc, 0);
	IRQ_LINE(&t, PIN_MASKED, 1);
	SET_CMD(&t, CMD_SPIN);
	EXPECT_REPORT(&t, &uc, 0);
	IRQ_LINE(&t, PIN_MASKED, 0);
	IRQ_LINE(&t, PIN_MASKED, 1);
	EXPECT_REPORT(&t, &uc, 0);
	SET_CMD(&t, CMD_UNMASK);	/* the line is still high */
	EXPECT_REPORT(&t, &uc, 0);
	SET_CMD(&t, CMD_SPIN);
	IRQ_LINE(&t, PIN_MASKED, 0);
	EXPECT_REPORT(&t, &uc, 0);
	IRQ_LINE(&t, PIN_MASKED, 1);
	SET_CMD(&t, CMD_HALT);
	EXPECT_REPORT(&t, &uc, 1);
	IRQ_LINE(&t, PIN_MASKED, 0);
	SET_CMD(&t, CMD_DONE);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static void guest_level(void)
{
	__u64 e = VECTOR_LEVEL | REDIR_LEVEL | REDIR_DEST(0);

	guest_setup(VECTOR_LEVEL, io_level_entry);
	io_level_pin = PIN_LEVEL;
	io_defer_eoi = 3;
	redir_write(PIN_LEVEL, e);
	GUEST_ASSERT_EQ(redir_read(PIN_LEVEL), e);
	guest_report(0);		/* the host raises the line and holds it */

	/* Each EOI while the line is high brings the interrupt again; the
	 * third one the handler does not EOI, returning with IF = 0. */
	cli();
	while (io_seen.count < 3) {
		safe_halt();
		cli();
	}
	guest_report(io_seen.count);	/* the host lowers the line */
	GUEST_ASSERT_EQ(io_seen.remote_irr_clear, 0);
	GUEST_ASSERT_EQ(io_seen.bad_vector, 0);
	GUEST_ASSERT(redir_read(PIN_LEVEL) & REDIR_REMOTE_IRR);	/* in service */
	lapic_eoi();
	GUEST_ASSERT_EQ(redir_read(PIN_LEVEL), e);	/* remote IRR clear */
	sti();
	spin();
	cli();
	guest_report(io_seen.count);
}

/* A level pin (5 -> 0x32) held high comes again after each EOI, with
 * remote IRR set while in service; lowered before the EOI it stops. */
static enum test_result test_level(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_IRQCHIP(&t, guest_level);
	EXPECT_REPORT(&t, &uc, 0);
	IRQ_LINE(&t, PIN_LEVEL, 1);
	EXPECT_REPORT(&t, &uc, 3);
	TEST_ASSERT(!t.vcpu->run->if_flag, "IF = 1 at the report");
	IRQ_LINE(&t, PIN_LEVEL, 0);
	EXPECT_REPORT(&t, &uc, 3);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static void guest_registers(void)
{
	unsigned int pin, masked = 0;
	__u64 e;

	guest_report(ioapic_read(IOAPIC_REG_VERSION));
	ioapic_write(IOAPIC_REG_VERSION, 0xffffffff);	/* read-only */
	guest_report(ioapic_read(IOAPIC_REG_VERSION));
	guest_report(ioapic_read(IOAPIC_REG_ID));
	ioapic_write(IOAPIC_REG_ID, 0x0a000000);
	guest_report(ioapic_read(IOAPIC_REG_ID));
	for (pin = 0; pin < HVM_IOAPIC_PINS; pin++) {
		e = redir_read(pin);
		if (e == REDIR_MASKED)
			masked++;
	}
	guest_report(masked);
	/* IOREGSEL reads back; delivery status and remote IRR are read-only. */
	mmio_write32(IOAPIC_BASE + IOAPIC_IOREGSEL, IOAPIC_REG_REDIR(3));
	GUEST_ASSERT_EQ(mmio_read32(IOAPIC_BASE + IOAPIC_IOREGSEL) & 0xff,
			IOAPIC_REG_REDIR(3));
	redir_write(3, REDIR_MASKED | REDIR_REMOTE_IRR | REDIR_STATUS | 0x40 |
		       REDIR_DEST(1));
	guest_report(redir_read(3));
}

/* The version register reads 0x00170020 (24 pins, version 0x20) and is
 * read-only; ID reads 0 and keeps bits 27:24; every entry resets masked. */
static enum test_result test_registers(void)
{
	struct ucall uc;
	struct tvm t;

	TVM_CREATE_IRQCHIP(&t, guest_registers);
	EXPECT_REPORT(&t, &uc, 0x00170020);
	EXPECT_REPORT(&t, &uc, 0x00170020);
	EXPECT_REPORT(&t, &uc, 0);
	EXPECT_REPORT(&t, &uc, 0x0a000000);
	EXPECT_REPORT(&t, &uc, HVM_IOAPIC_PINS);
	EXPECT_REPORT(&t, &uc, REDIR_MASKED | 0x40 | REDIR_DEST(1));
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static void guest_status(void)
{
	guest_setup(VECTOR_EDGE, io_edge_entry);
	redir_write(PIN_EDGE, VECTOR_EDGE | REDIR_DEST(0));
	redir_write(PIN_MASKED, VECTOR_MASKED | REDIR_DEST(0) | REDIR_MASKED);
	cli();
	guest_report(0);		/* IF = 0: edges stay pending */
	sti();
	spin_until_irq(0);
	spin();				/* a second delivery would come now */
	cli();
	guest_report(io_seen.count);
}

static int line_status(struct tvm *t, __u32 gsi, int level)
{
	int status = -2;

	if (hvm_vm_irq_line_status(t->vm, gsi, level, &status))
		return -100 - errno;
	return status;
}

/* HVM_IRQ_LINE_STATUS says what became of an edge: 1 taken into an IRR,
 * 0 coalesced with the one still pending, -1 none sent (masked pin, or
 * no rising edge); the guest then takes the interrupt once. */
static enum test_result test_line_status(void)
{
	struct hvm_irq_status s = { .irq = PIN_EDGE, .level = 1, .reserved = 1 };
	struct ucall uc;
	struct tvm t;
	int st;

	TVM_CREATE_IRQCHIP(&t, guest_status);
	EXPECT_REPORT(&t, &uc, 0);
	TEST_ASSERT((st = line_status(&t, PIN_EDGE, 1)) == 1, "first edge: status %d", st);
	TEST_ASSERT((st = line_status(&t, PIN_EDGE, 0)) == -1, "falling edge: status %d", st);
	TEST_ASSERT((st = line_status(&t, PIN_EDGE, 1)) == 0, "second edge: status %d", st);
	IRQ_LINE(&t, PIN_EDGE, 0);
	TEST_ASSERT((st = line_status(&t, PIN_MASKED, 1)) == -1, "masked pin: status %d", st);
	IRQ_LINE(&t, PIN_MASKED, 0);
	TEST_ASSERT(ioctl(t.vm->fd, HVM_IRQ_LINE_STATUS, &s) && errno == EINVAL,
		    "reserved field set: %s", strerror(errno));
	EXPECT_REPORT(&t, &uc, 1);
	TVM_RUN_TO_DONE(&t);
	tvm_destroy(&t);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "an edge pin programmed through MMIO sends one interrupt per rising edge, waking a vCPU blocked in HLT",
	  test_edge },
	{ "a masked edge pin sends nothing, and unmasking it does not send the edge it missed",
	  test_masked },
	{ "a level pin held high comes again after every EOI (remote IRR set in service), stops once lowered",
	  test_level },
	{ "version 0x00170020 (read-only), ID register, all redirection entries reset masked",
	  test_registers },
	{ "HVM_IRQ_LINE_STATUS: 1 delivered, 0 coalesced with a pending edge, -1 masked or no edge",
	  test_line_status },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), true);
}
