/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvm-run: the Intel 8254 programmable interval timer.
 *
 * pit8254_counter.c is the chip itself, pure: every function takes the
 * host time "now" (CLOCK_MONOTONIC ns) and the counters are computed from
 * it at PIT_HZ, so a host-side test drives it with made-up times.
 * pit8254.c puts it on ports 0x40-0x43 and raises channel 0's interrupt;
 * port61.c gives channel 2's GATE and OUT to port 0x61.
 */
#ifndef HVM_RUN_PIT8254_H
#define HVM_RUN_PIT8254_H

#include <stdbool.h>
#include <linux/types.h>

#define PIT_HZ			1193182ULL
#define PIT_CHANNELS		3

/* Ports, as offsets from 0x40. */
#define PIT_PORT_COUNTER(n)	(n)	/* 0-2 */
#define PIT_PORT_CONTROL	3

/* Control word: SC (7-6) RW (5-4) M (3-1) BCD (0). */
#define PIT_SC_READBACK		3
#define PIT_RW_LATCH		0
#define PIT_RW_LSB		1
#define PIT_RW_MSB		2
#define PIT_RW_LOHI		3

/* Read-back command bits (SC = 3). */
#define PIT_RB_NO_COUNT		0x20	/* 0: latch the counts */
#define PIT_RB_NO_STATUS	0x10	/* 0: latch the status */
#define PIT_RB_CHANNEL(n)	(0x02 << (n))

/* Status byte (read-back). */
#define PIT_STATUS_OUT		0x80
#define PIT_STATUS_NULL_COUNT	0x40

struct pit_channel {
	/* programmed by the control word */
	__u8 mode;		/* 0-5 */
	__u8 rw;		/* PIT_RW_LSB, _MSB or _LOHI */
	bool bcd;
	bool gate;

	/* the count register and the access flip-flops */
	__u32 reload;		/* last count written, 1..modulus */
	bool written;		/* a count was written since the control word */
	bool write_msb_next;	/* LOHI: the next write is the MSB */
	__u8 write_lsb;
	bool read_msb_next;	/* LOHI: the next read gives the MSB */
	bool count_latched;
	__u16 latched_count;
	bool status_latched;
	__u8 latched_status;
	bool null_count;	/* written but not yet in the counting element */

	/* the counting element: elapsed = done + (now - start) if running */
	bool loaded;		/* counting from count (modes 1/5: triggered) */
	bool running;		/* counting now (GATE allows it) */
	__u32 count;		/* N of this run */
	__u64 start_tick;	/* PIT tick when running began */
	__u64 done_ticks;	/* ticks counted before that */
	__u64 irq_next;		/* elapsed ticks of the next OUT rising edge */
};

struct pit8254 {
	struct pit_channel ch[PIT_CHANNELS];
};

#define PIT_NO_IRQ		(~0ULL)

/* Power-on state: nothing programmed, GATE0/1 high, GATE2 low. */
void pit8254_reset(struct pit8254 *pit);
/* Port offset 0-3 (0x40-0x43), one byte. */
void pit8254_write(struct pit8254 *pit, unsigned int port, __u8 value, __u64 now);
__u8 pit8254_read(struct pit8254 *pit, unsigned int port, __u64 now);
/* A channel's GATE input and OUT output. */
void pit8254_set_gate(struct pit8254 *pit, unsigned int n, bool gate, __u64 now);
bool pit8254_out(struct pit8254 *pit, unsigned int n, __u64 now);
/* The count a latch would take now (binary, the 16 bits the chip holds). */
__u16 pit8254_count(struct pit8254 *pit, unsigned int n, __u64 now);

/*
 * Interrupts: OUT rising edges.  Modes 2 and 3 make one every period;
 * modes 0, 1, 4 and 5 one when the count runs out.  irq_due is the host
 * time of the next one (PIT_NO_IRQ: none coming); irq_fire says whether one
 * is due at now and moves on to the next, so edges missed while the host
 * was busy make one interrupt, not a burst.
 */
__u64 pit8254_irq_due(struct pit8254 *pit, unsigned int n);
bool pit8254_irq_fire(struct pit8254 *pit, unsigned int n, __u64 now);

/* pit8254.c (the device, io_bus.h registers it): port 0x61's side */
void pit8254_set_gate2(bool gate);
bool pit8254_out2(void);

#endif /* HVM_RUN_PIT8254_H */
