// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: hvm-run's 8254 PIT and ACPI PM timer models
 * (userspace/runner/pit8254_counter.c, pm_timer.c), built into this
 * program and driven with made-up host times.  Needs no /dev/hvm: it runs
 * on the build host as well as in the test VMs.
 */
#include <stdio.h>

#include "test.h"
#include "pit8254.h"
#include "pm_timer.h"
#include "tick_clock.h"

#define T0		(1000 * NSEC_PER_SEC)	/* "now" when a case begins */
#define CW		PIT_PORT_CONTROL
#define CH0		PIT_PORT_COUNTER(0)
#define CH2		PIT_PORT_COUNTER(2)

/* The host time k PIT ticks after T0 began (k >= 0). */
static __u64 at(__u64 k)
{
	return clock_ticks_to_ns(clock_ns_to_ticks(T0, PIT_HZ) + k, PIT_HZ);
}

static __u16 read16(struct pit8254 *pit, unsigned int port, __u64 now)
{
	__u16 lo = pit8254_read(pit, port, now);

	return lo | pit8254_read(pit, port, now) << 8;
}

static void write16(struct pit8254 *pit, unsigned int port, __u16 v, __u64 now)
{
	pit8254_write(pit, port, v & 0xff, now);
	pit8254_write(pit, port, v >> 8, now);
}

static enum test_result test_clock_math(void)
{
	static const __u64 hz[] = { PIT_HZ, PM_TIMER_HZ };
	__u64 k, ns;
	unsigned int i;

	TEST_ASSERT(clock_ns_to_ticks(NSEC_PER_SEC, PIT_HZ) == PIT_HZ, "1 s");
	TEST_ASSERT(clock_ns_to_ticks(838, PIT_HZ) == 0 &&
		    clock_ns_to_ticks(839, PIT_HZ) == 1, "the first tick at 838.1 ns");
	for (i = 0; i < ARRAY_SIZE(hz); i++) {
		for (k = 1; k < 3 * hz[i]; k += 7919) {
			ns = clock_ticks_to_ns(k, hz[i]);
			TEST_ASSERT(clock_ns_to_ticks(ns, hz[i]) == k &&
				    clock_ns_to_ticks(ns - 1, hz[i]) == k - 1,
				    "tick %llu at %llu ns, hz %llu", k, ns, hz[i]);
		}
	}
	/* No overflow far from boot: 100 years of uptime. */
	ns = 100ULL * 365 * 86400 * NSEC_PER_SEC;
	k = clock_ns_to_ticks(ns, PIT_HZ);
	TEST_ASSERT(k == 100ULL * 365 * 86400 * PIT_HZ, "%llu", k);
	TEST_ASSERT(clock_ns_to_ticks(ns + 839, PIT_HZ) == k + 1, "one more tick");
	return TEST_PASS;
}

/* Linux's pit_calibrate_tsc(): channel 2, mode 0, gated by port 0x61. */
static enum test_result test_mode0_calibrate(void)
{
	const __u16 latch = PIT_HZ / 100;	/* CAL_LATCH: 10 ms */
	struct pit8254 pit;

	pit8254_reset(&pit);
	TEST_ASSERT(!pit8254_out(&pit, 2, at(0)), "OUT2 low before programming");
	pit8254_set_gate(&pit, 2, true, at(0));
	pit8254_write(&pit, CW, 0xb0, at(0));
	TEST_ASSERT(!pit8254_out(&pit, 2, at(0)), "mode 0: OUT low after the control word");
	write16(&pit, CH2, latch, at(0));
	TEST_ASSERT(!pit8254_out(&pit, 2, at(1)), "OUT low while counting");
	TEST_ASSERT(!pit8254_out(&pit, 2, at(latch - 1)), "OUT low one tick before 0");
	TEST_ASSERT(pit8254_out(&pit, 2, at(latch)), "OUT high at 0");
	TEST_ASSERT(pit8254_out(&pit, 2, at(latch) + 10 * NSEC_PER_SEC / 1000),
		    "OUT stays high");
	TEST_ASSERT(!pit8254_out(&pit, 2, at(latch) - 1), "1 ns early");
	/* 10 ms of host time in ticks, rounded: the count is host time */
	TEST_ASSERT(pit8254_out(&pit, 2, T0 + 10 * NSEC_PER_SEC / 1000 + 1000),
		    "10 ms after");
	/* after 0 the counter wraps and goes on */
	TEST_ASSERT(read16(&pit, CH2, at(latch + 1)) == 0xffff, "wrapped");
	return TEST_PASS;
}

/* Linux's quick_pit_calibrate(): live LSB/MSB reads of a 0xffff count. */
static enum test_result test_mode0_live_reads(void)
{
	struct pit8254 pit;
	__u64 k;
	__u8 msb;

	pit8254_reset(&pit);
	pit8254_set_gate(&pit, 2, true, at(0));
	pit8254_write(&pit, CW, 0xb0, at(0));
	pit8254_write(&pit, CH2, 0xff, at(0));
	pit8254_write(&pit, CH2, 0xff, at(0));
	for (k = 0; k < 0xff00; k += 97) {
		TEST_ASSERT(pit8254_read(&pit, CH2, at(k)) == ((0xffff - k) & 0xff),
			    "LSB after %llu ticks", k);
		msb = pit8254_read(&pit, CH2, at(k + 3));
		TEST_ASSERT(msb == (0xffff - k - 3) >> 8, "MSB after %llu ticks: %#x",
			    k + 3, msb);
	}
	return TEST_PASS;
}

static enum test_result test_gate_pauses_mode0(void)
{
	struct pit8254 pit;

	pit8254_reset(&pit);
	pit8254_write(&pit, CW, 0xb0, at(0));
	write16(&pit, CH2, 1000, at(0));		/* GATE2 still low */
	TEST_ASSERT(read16(&pit, CH2, at(500)) == 1000, "no count with GATE low");
	pit8254_set_gate(&pit, 2, true, at(500));
	TEST_ASSERT(read16(&pit, CH2, at(800)) == 700, "counts with GATE high");
	pit8254_set_gate(&pit, 2, false, at(800));
	TEST_ASSERT(read16(&pit, CH2, at(5000)) == 700, "paused");
	pit8254_set_gate(&pit, 2, true, at(5000));
	TEST_ASSERT(!pit8254_out(&pit, 2, at(5699)), "OUT low 1 tick before");
	TEST_ASSERT(pit8254_out(&pit, 2, at(5700)), "OUT high at 0");
	return TEST_PASS;
}

static enum test_result test_latch_and_access_modes(void)
{
	struct pit8254 pit;

	pit8254_reset(&pit);
	pit8254_write(&pit, CW, 0x34, at(0));		/* ch0 mode 2 lohi */
	write16(&pit, CH0, 50000, at(0));
	pit8254_write(&pit, CW, 0x00, at(100));		/* latch ch0 */
	pit8254_write(&pit, CW, 0x00, at(200));		/* ignored: still latched */
	TEST_ASSERT(pit8254_read(&pit, CH0, at(300)) == (49900 & 0xff), "latched LSB");
	TEST_ASSERT(pit8254_read(&pit, CH0, at(400)) == 49900 >> 8, "latched MSB");
	TEST_ASSERT(read16(&pit, CH0, at(500)) == 49500, "live again after the latch");

	pit8254_write(&pit, CW, 0x14, at(0));		/* LSB only */
	pit8254_write(&pit, CH0, 200, at(0));
	TEST_ASSERT(pit8254_read(&pit, CH0, at(50)) == 150, "LSB mode count");
	TEST_ASSERT(pit8254_read(&pit, CH0, at(60)) == 140, "LSB mode, no flip-flop");
	pit8254_write(&pit, CW, 0x24, at(0));		/* MSB only */
	pit8254_write(&pit, CH0, 0x10, at(0));		/* 0x1000 */
	TEST_ASSERT(pit8254_read(&pit, CH0, at(0x100)) == 0x0f, "MSB mode count");
	return TEST_PASS;
}

static enum test_result test_read_back(void)
{
	struct pit8254 pit;
	__u8 st;

	pit8254_reset(&pit);
	pit8254_write(&pit, CW, 0x34, at(0));		/* ch0 mode 2 lohi binary */
	pit8254_write(&pit, CW, 0xe2, at(0));		/* status of ch0 only */
	st = pit8254_read(&pit, CH0, at(0));
	TEST_ASSERT(st == (PIT_STATUS_OUT | PIT_STATUS_NULL_COUNT | 0x34),
		    "status before a count: %#x", st);
	write16(&pit, CH0, 1000, at(0));
	pit8254_write(&pit, CW, 0xc2, at(10));		/* count and status of ch0 */
	st = pit8254_read(&pit, CH0, at(20));
	TEST_ASSERT(st == (PIT_STATUS_OUT | 0x34), "status: %#x", st);
	TEST_ASSERT(read16(&pit, CH0, at(30)) == 990, "count latched by read-back");

	/* read-back of channel 2 in mode 0 after it ran out: OUT set */
	pit8254_set_gate(&pit, 2, true, at(0));
	pit8254_write(&pit, CW, 0xb1, at(0));		/* ch2 mode 0 BCD */
	write16(&pit, CH2, 0x0010, at(0));
	pit8254_write(&pit, CW, 0xc8, at(20));		/* count+status ch2 */
	st = pit8254_read(&pit, CH2, at(20));
	TEST_ASSERT(st == (PIT_STATUS_OUT | 0x31), "status: %#x", st);
	TEST_ASSERT(read16(&pit, CH2, at(20)) == 0x9990, "BCD count 10 - 20 = 9990");
	return TEST_PASS;
}

static enum test_result test_mode2_periodic_irq(void)
{
	const __u64 n = 1193;
	struct pit8254 pit;

	pit8254_reset(&pit);
	TEST_ASSERT(pit8254_irq_due(&pit, 0) == PIT_NO_IRQ, "nothing programmed");
	pit8254_write(&pit, CW, 0x34, at(0));		/* Linux's periodic tick */
	write16(&pit, CH0, n, at(0));
	TEST_ASSERT(read16(&pit, CH0, at(0)) == n, "count N at the start");
	TEST_ASSERT(read16(&pit, CH0, at(n - 1)) == 1, "1 at the end");
	TEST_ASSERT(read16(&pit, CH0, at(n)) == n, "reloaded");
	TEST_ASSERT(pit8254_out(&pit, 0, at(n - 2)) && !pit8254_out(&pit, 0, at(n - 1)) &&
		    pit8254_out(&pit, 0, at(n)), "OUT low for the last tick");
	TEST_ASSERT(pit8254_irq_due(&pit, 0) == at(n), "first IRQ after N ticks");
	TEST_ASSERT(!pit8254_irq_fire(&pit, 0, at(n) - 1), "not before");
	TEST_ASSERT(pit8254_irq_fire(&pit, 0, at(n)), "at N");
	TEST_ASSERT(!pit8254_irq_fire(&pit, 0, at(n)), "once");
	TEST_ASSERT(pit8254_irq_due(&pit, 0) == at(2 * n), "then every N");
	/* a late timer thread: one interrupt for the missed periods */
	TEST_ASSERT(pit8254_irq_fire(&pit, 0, at(5 * n + n / 2)), "late");
	TEST_ASSERT(!pit8254_irq_fire(&pit, 0, at(5 * n + n / 2)), "coalesced");
	TEST_ASSERT(pit8254_irq_due(&pit, 0) == at(6 * n), "next period");
	/* a control word stops it */
	pit8254_write(&pit, CW, 0x34, at(6 * n));
	TEST_ASSERT(pit8254_irq_due(&pit, 0) == PIT_NO_IRQ, "stopped");
	return TEST_PASS;
}

static enum test_result test_mode3_square_wave(void)
{
	struct pit8254 pit;
	__u64 k;

	pit8254_reset(&pit);
	pit8254_write(&pit, CW, 0x36, at(0));
	write16(&pit, CH0, 10, at(0));
	for (k = 0; k < 30; k++) {
		TEST_ASSERT(pit8254_out(&pit, 0, at(k)) == (k % 10 < 5), "even N, tick %llu", k);
		TEST_ASSERT(read16(&pit, CH0, at(k)) == 10 - 2 * (k % 5), "count, tick %llu", k);
	}
	write16(&pit, CH0, 5, at(0));
	for (k = 0; k < 15; k++)
		TEST_ASSERT(pit8254_out(&pit, 0, at(k)) == (k % 5 < 3), "odd N, tick %llu", k);
	TEST_ASSERT(pit8254_irq_due(&pit, 0) == at(5), "IRQ per period");
	return TEST_PASS;
}

/* Linux's one-shot clockevent (0x38: mode 4) and its shutdown sequence. */
static enum test_result test_mode4_oneshot_and_shutdown(void)
{
	struct pit8254 pit;

	pit8254_reset(&pit);
	pit8254_write(&pit, CW, 0x38, at(0));
	TEST_ASSERT(pit8254_irq_due(&pit, 0) == PIT_NO_IRQ, "no count yet");
	write16(&pit, CH0, 300, at(0));
	TEST_ASSERT(pit8254_out(&pit, 0, at(299)) && !pit8254_out(&pit, 0, at(300)) &&
		    pit8254_out(&pit, 0, at(301)), "strobe at 0");
	TEST_ASSERT(pit8254_irq_due(&pit, 0) == at(300), "IRQ at 0");
	TEST_ASSERT(pit8254_irq_fire(&pit, 0, at(400)), "fires");
	TEST_ASSERT(pit8254_irq_due(&pit, 0) == PIT_NO_IRQ, "only once");
	write16(&pit, CH0, 100, at(1000));			/* next event */
	TEST_ASSERT(pit8254_irq_due(&pit, 0) == at(1100), "re-armed by a count");

	/* clockevent_i8253_disable(): 0x30, 0, 0, 0x30 */
	pit8254_write(&pit, CW, 0x30, at(1010));
	TEST_ASSERT(pit8254_irq_due(&pit, 0) == PIT_NO_IRQ, "mode 0: stopped");
	write16(&pit, CH0, 0, at(1010));
	TEST_ASSERT(pit8254_irq_due(&pit, 0) == at(1010 + 0x10000), "0 is 0x10000");
	pit8254_write(&pit, CW, 0x30, at(1020));
	TEST_ASSERT(pit8254_irq_due(&pit, 0) == PIT_NO_IRQ, "stopped again");
	TEST_ASSERT(!pit8254_irq_fire(&pit, 0, at(100000)), "no IRQ");
	return TEST_PASS;
}

static enum test_result test_mode1_gate_trigger(void)
{
	struct pit8254 pit;

	pit8254_reset(&pit);
	pit8254_write(&pit, CW, 0xb2, at(0));		/* ch2 mode 1 */
	write16(&pit, CH2, 100, at(0));
	TEST_ASSERT(pit8254_out(&pit, 2, at(50)), "OUT high until triggered");
	pit8254_set_gate(&pit, 2, true, at(50));
	TEST_ASSERT(!pit8254_out(&pit, 2, at(51)), "low after the trigger");
	TEST_ASSERT(read16(&pit, CH2, at(80)) == 70, "counting");
	pit8254_set_gate(&pit, 2, false, at(100));
	TEST_ASSERT(read16(&pit, CH2, at(110)) == 40, "GATE low does not pause");
	pit8254_set_gate(&pit, 2, true, at(120));		/* retrigger */
	TEST_ASSERT(!pit8254_out(&pit, 2, at(219)) && pit8254_out(&pit, 2, at(220)),
		    "high N ticks after the retrigger");
	return TEST_PASS;
}

static enum test_result test_mode2_gate_restarts(void)
{
	struct pit8254 pit;

	pit8254_reset(&pit);
	pit8254_set_gate(&pit, 2, true, at(0));
	pit8254_write(&pit, CW, 0xb4, at(0));		/* ch2 mode 2 */
	write16(&pit, CH2, 100, at(0));
	pit8254_set_gate(&pit, 2, false, at(30));
	TEST_ASSERT(pit8254_out(&pit, 2, at(99)), "GATE low: OUT high");
	TEST_ASSERT(read16(&pit, CH2, at(99)) == 70, "stopped");
	pit8254_set_gate(&pit, 2, true, at(200));
	TEST_ASSERT(read16(&pit, CH2, at(210)) == 90, "restarted from N");
	return TEST_PASS;
}

static enum test_result test_pm_timer(void)
{
	TEST_ASSERT(pm_timer_count(0) == 0, "0");
	TEST_ASSERT(pm_timer_count(NSEC_PER_SEC) == PM_TIMER_HZ, "1 s: %u",
		    pm_timer_count(NSEC_PER_SEC));
	TEST_ASSERT(pm_timer_count(clock_ticks_to_ns(0x1000000, PM_TIMER_HZ)) == 0,
		    "wraps at 2^24");
	TEST_ASSERT(pm_timer_count(clock_ticks_to_ns(0xffffff, PM_TIMER_HZ)) == 0xffffff,
		    "24 bits");
	TEST_ASSERT(pm_timer_count(T0 + NSEC_PER_SEC / 1000) -
		    pm_timer_count(T0) == 3579 + 1 ||
		    pm_timer_count(T0 + NSEC_PER_SEC / 1000) - pm_timer_count(T0) == 3579,
		    "1 ms is 3579.545 ticks");
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "clock: ns <-> ticks at 1.193182 and 3.579545 MHz, exact and inverse",
	  test_clock_math },
	{ "PIT mode 0 on channel 2: OUT2 rises after N ticks (pit_calibrate_tsc)",
	  test_mode0_calibrate },
	{ "PIT mode 0: live LSB/MSB reads follow host time (quick_pit_calibrate)",
	  test_mode0_live_reads },
	{ "PIT mode 0: GATE low pauses the count",
	  test_gate_pauses_mode0 },
	{ "PIT counter latch, LSB-only and MSB-only access",
	  test_latch_and_access_modes },
	{ "PIT read-back: status (OUT, null count, mode) then the count; BCD",
	  test_read_back },
	{ "PIT mode 2: count, OUT, periodic IRQ, late IRQs coalesce",
	  test_mode2_periodic_irq },
	{ "PIT mode 3: square wave for even and odd N",
	  test_mode3_square_wave },
	{ "PIT mode 4 one-shot IRQ and Linux's shutdown sequence",
	  test_mode4_oneshot_and_shutdown },
	{ "PIT mode 1: a GATE rising edge (re)triggers",
	  test_mode1_gate_trigger },
	{ "PIT mode 2: GATE low stops with OUT high, rising edge restarts",
	  test_mode2_gate_restarts },
	{ "ACPI PM timer: 24 bits at 3.579545 MHz",
	  test_pm_timer },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), false);
}
