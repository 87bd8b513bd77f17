// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: the debug-exit port 0xf4.  An OUT of value V (any size) ends
 * the run; hvm-run exits with status V & 0xff.  Reads return 0xff..ff.
 */
#include "io_bus.h"
#include "runner.h"

#define DEBUG_EXIT_PORT	0xf4

static void debug_exit_write(struct io_device *dev, __u16 offset, __u8 size,
			     __u32 value)
{
	(void)dev;
	(void)offset;
	(void)size;
	runner_request_exit(value & 0xff);
}

static struct io_device debug_exit_device = {
	.name = "debug-exit",
	.base = DEBUG_EXIT_PORT,
	.nr_ports = 1,
	.write = debug_exit_write,
};

int debug_exit_register(void)
{
	return io_bus_register(&debug_exit_device);
}
