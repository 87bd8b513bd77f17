// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: hvm-run's 16550 UART model (userspace/runner/uart16550.c),
 * built into this program with its interrupt line recorded instead of
 * driven: IIR priorities, THR-empty semantics, MCR.OUT2 and loopback
 * gating, MSR deltas, overrun.  Port I/O goes through hvm-run's own bus
 * (io_bus.c) with a made-up HVM_EXIT_IO.  Needs no /dev/hvm.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "test.h"
#include "io_bus.h"
#include "irq.h"

#define COM1		0x3f8
#define RBR		(COM1 + 0)
#define IER		(COM1 + 1)
#define IIR		(COM1 + 2)
#define FCR		(COM1 + 2)
#define MCR		(COM1 + 4)
#define LSR		(COM1 + 5)
#define MSR		(COM1 + 6)

/* The irqchip side, recorded: GSI 4's level and how often it changed. */
static int line_level;
static unsigned int line_changes;

bool irq_have_irqchip(void)
{
	return false;		/* no stdin thread: the test feeds stdin */
}

void irq_line(unsigned int gsi, int level)
{
	if (gsi == GSI_COM1 && level != line_level) {
		line_level = level;
		line_changes++;
	}
}

static union {
	struct hvm_run run;
	unsigned char page[4096];
} r;

static __u8 inb(__u16 port)
{
	r.run.io.direction = HVM_EXIT_IO_IN;
	r.run.io.size = 1;
	r.run.io.port = port;
	r.run.io.count = 1;
	r.run.io.data_offset = 2048;
	io_bus_handle(&r.run);
	return r.page[2048];
}

static void outb(__u16 port, __u8 value)
{
	r.run.io.direction = HVM_EXIT_IO_OUT;
	r.run.io.size = 1;
	r.run.io.port = port;
	r.run.io.count = 1;
	r.run.io.data_offset = 2048;
	r.page[2048] = value;
	io_bus_handle(&r.run);
}

static int stdin_w = -1, saved_stdout = -1, devnull = -1;

/* THR bytes go to stdout, which carries TAP: hide them. */
static void stdout_hide(bool hide)
{
	fflush(stdout);
	dup2(hide ? devnull : saved_stdout, 1);
}

/* One UART for every case, in case order; each leaves it quiet. */
static bool setup(void)
{
	int p[2];

	if (stdin_w >= 0)
		return true;
	devnull = open("/dev/null", O_WRONLY);
	saved_stdout = dup(1);
	if (devnull < 0 || saved_stdout < 0 || pipe(p) || dup2(p[0], 0) < 0)
		return false;
	stdin_w = p[1];
	return !uart16550_register();
}

static enum test_result test_thre(void)
{
	TEST_ASSERT(setup(), "setup");
	TEST_ASSERT(inb(IIR) == 0x01 && !line_level, "reset: no interrupt");
	outb(IER, 0x02);
	TEST_ASSERT(!line_level, "THRI pending but MCR.OUT2 off: line low");
	outb(MCR, 0x08);
	TEST_ASSERT(line_level, "OUT2 on: line high");
	TEST_ASSERT(inb(IIR) == 0x02, "IIR: THR empty");
	TEST_ASSERT(!line_level && inb(IIR) == 0x01, "reading IIR cleared it");
	stdout_hide(true);
	outb(RBR, 'x');
	stdout_hide(false);
	TEST_ASSERT(line_level && inb(IIR) == 0x02, "pending again after a byte");
	TEST_ASSERT(!line_level, "cleared");
	outb(IER, 0x02);
	TEST_ASSERT(!line_level, "rewriting IER.THRI set: no new interrupt");
	outb(IER, 0x00);
	outb(IER, 0x02);
	TEST_ASSERT(line_level, "IER.THRI 0 -> 1 with THR empty: pending");
	line_changes = 0;
	stdout_hide(true);
	outb(RBR, 'y');
	stdout_hide(false);
	TEST_ASSERT(line_level && line_changes == 2,
		    "a THR write lowers the line, the sent byte raises it (%u)",
		    line_changes);
	outb(IER, 0x00);
	TEST_ASSERT(!line_level, "IER 0: line low");
	return TEST_PASS;
}

static enum test_result test_rx_priority(void)
{
	TEST_ASSERT(setup(), "setup");
	outb(IER, 0x03);		/* RDI | THRI */
	TEST_ASSERT(inb(IIR) == 0x02, "THR empty only");
	TEST_ASSERT(write(stdin_w, "ab", 2) == 2, "stdin");
	TEST_ASSERT(inb(IIR) == 0x04 && line_level, "received data first");
	TEST_ASSERT(inb(LSR) == 0x61, "LSR: DR, THRE, TEMT");
	TEST_ASSERT(inb(RBR) == 'a' && inb(IIR) == 0x04, "one byte left");
	TEST_ASSERT(inb(RBR) == 'b' && inb(IIR) == 0x01 && !line_level,
		    "FIFO empty, THRE was reported before: nothing");

	outb(FCR, 0x41);		/* FIFOs, trigger level 4 */
	TEST_ASSERT(write(stdin_w, "cd", 2) == 2, "stdin");
	TEST_ASSERT(inb(IIR) == 0xcc, "below the trigger level: timeout");
	TEST_ASSERT(write(stdin_w, "ef", 2) == 2, "stdin");
	TEST_ASSERT(inb(IIR) == 0xc4, "at the trigger level: received data");
	outb(FCR, 0x43);		/* clear the receive FIFO */
	TEST_ASSERT(!(inb(LSR) & 0x01) && inb(IIR) == 0xc1 && !line_level, "cleared");
	outb(FCR, 0x00);
	outb(IER, 0x00);
	return TEST_PASS;
}

static enum test_result test_loopback_msr_overrun(void)
{
	unsigned int i;

	TEST_ASSERT(setup(), "setup");
	inb(MSR);
	outb(MCR, 0x10);		/* loopback, all outputs off */
	TEST_ASSERT(inb(MSR) == 0x0b, "CTS, DSR, DCD dropped: deltas");
	TEST_ASSERT(inb(MSR) == 0x00, "deltas cleared by reading");
	outb(MCR, 0x1a);		/* LOOP | OUT2 | RTS */
	TEST_ASSERT((inb(MSR) & 0xf0) == 0x90, "Linux's probe: DCD | CTS");
	outb(IER, 0x09);		/* RDI | MSI */
	outb(MCR, 0x1b);		/* + DTR -> DSR rises: DDSR */
	TEST_ASSERT(inb(IIR) == 0x00, "modem status");
	TEST_ASSERT(!line_level, "loopback: the IRQ does not leave the chip");
	TEST_ASSERT(inb(MSR) == 0xb2 && inb(IIR) == 0x01, "DDSR, cleared by reading MSR");
	outb(MCR, 0x1f);		/* + OUT1 -> RI rises: no delta */
	TEST_ASSERT(inb(MSR) == 0xf0, "RI's leading edge");
	outb(MCR, 0x1b);		/* RI falls: TERI */
	TEST_ASSERT(inb(MSR) == 0xb4, "TERI on RI's trailing edge");
	outb(RBR, 'Z');
	TEST_ASSERT(inb(IIR) == 0x04 && inb(RBR) == 'Z', "THR loops to RBR");
	for (i = 0; i < 257; i++)
		outb(RBR, i);
	outb(IER, 0x05);		/* RDI | RLSI */
	TEST_ASSERT(inb(IIR) == 0x06, "overrun: line status first");
	TEST_ASSERT(inb(LSR) == 0x63 && inb(IIR) == 0x04, "LSR read clears OE");
	outb(MCR, 0x0a);		/* loopback off, OUT2 */
	TEST_ASSERT(line_level, "pending data reaches the line with OUT2");
	outb(FCR, 0x01);		/* FIFO on: emptied */
	outb(FCR, 0x00);
	TEST_ASSERT(!line_level && inb(IIR) == 0x01, "quiet");
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "UART THR empty: IER 0->1, after each byte, cleared by IIR; OUT2 gates IRQ 4",
	  test_thre },
	{ "UART received data before THR empty; FIFO trigger level and timeout",
	  test_rx_priority },
	{ "UART loopback: MSR deltas, modem status IRQ, overrun, no IRQ pin",
	  test_loopback_msr_overrun },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), false);
}
