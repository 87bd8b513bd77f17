// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: port 0x61, the PC's system control port B.  Bit 0 is the PIT's
 * GATE2, bit 1 the speaker data enable (no sound here); reads add bit 4,
 * the DRAM refresh clock (toggles every 15.085 us of host time), and bit
 * 5, the PIT's OUT2.  Writes change bits 0-1 only; the other bits read 0
 * (NMI sources never fire).  Linux times its TSC calibration with these.
 */
#include "io_bus.h"
#include "pit8254.h"
#include "tick_clock.h"

#define PORT61			0x61
#define PORT61_GATE2		0x01
#define PORT61_SPEAKER		0x02
#define PORT61_REFRESH		0x10
#define PORT61_OUT2		0x20
#define REFRESH_HALF_PERIOD_NS	15085

static __u8 port61_bits;	/* GATE2 and speaker, as written */

static __u32 port61_read(struct io_device *dev, __u16 offset, __u8 size)
{
	__u8 value = port61_bits;

	(void)dev;
	(void)offset;
	(void)size;
	if (clock_now_ns() / REFRESH_HALF_PERIOD_NS & 1)
		value |= PORT61_REFRESH;
	if (pit8254_out2())
		value |= PORT61_OUT2;
	return value | 0xffffff00;
}

static void port61_write(struct io_device *dev, __u16 offset, __u8 size, __u32 value)
{
	(void)dev;
	(void)offset;
	(void)size;
	port61_bits = value & (PORT61_GATE2 | PORT61_SPEAKER);
	pit8254_set_gate2(value & PORT61_GATE2);
}

static struct io_device port61_device = {
	.name = "port61",
	.base = PORT61,
	.nr_ports = 1,
	.read = port61_read,
	.write = port61_write,
};

int port61_register(void)
{
	return io_bus_register(&port61_device);
}
