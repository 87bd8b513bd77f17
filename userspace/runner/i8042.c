// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: a minimal i8042 keyboard controller at 0x60 (data) and 0x64
 * (status/command), with no keyboard and no mouse behind it.  It exists
 * for its reset line: command 0xfe (pulse output port bit 0, the CPU
 * reset) ends hvm-run with status 0, the end of a guest's reboot.  The
 * controller answers its own commands at once, so a driver that probes it
 * never waits: 0x20 reads and 0x60 writes the command byte, 0xaa
 * (self-test) returns 0x55, 0xab (keyboard port test) 0x00, 0xa9 (aux
 * port test) 0xff (no aux port), 0xd0/0xd1 read/write the output port;
 * other commands and bytes for the keyboard get no answer.  The ACPI FADT
 * says there is no i8042 (acpi.c), so Linux does not probe it anyway.
 */
#include <stdbool.h>

#include "io_bus.h"
#include "runner.h"

#define I8042_DATA		0x60
#define I8042_CMD		0x64
#define STS_OBF			0x01
#define STS_SYS			0x04
#define STS_CMD			0x08	/* last write was a command */
#define STS_UNLOCKED		0x10

struct i8042 {
	__u8 ctr;		/* command byte */
	__u8 out_port;
	__u8 status;
	__u8 obuf;
	__u8 pending_cmd;	/* a command waiting for its data byte */
};

static struct i8042 kbc = {
	.ctr = 0x45,		/* translate, system flag, keyboard IRQ */
	.out_port = 0x03,	/* A20 on, CPU out of reset */
	.status = STS_SYS | STS_UNLOCKED,
};

static void reply(struct i8042 *k, __u8 v)
{
	k->obuf = v;
	k->status |= STS_OBF;
}

static __u32 i8042_data_read(struct io_device *dev, __u16 offset, __u8 size)
{
	struct i8042 *k = dev->priv;

	(void)offset;
	(void)size;
	k->status &= ~STS_OBF;
	return k->obuf;
}

static void i8042_data_write(struct io_device *dev, __u16 offset, __u8 size, __u32 value)
{
	struct i8042 *k = dev->priv;

	(void)offset;
	(void)size;
	k->status &= ~STS_CMD;
	switch (k->pending_cmd) {
	case 0x60:
		k->ctr = value;
		break;
	case 0xd1:
		k->out_port = value;
		if (!(value & 1))
			runner_request_exit(RUNNER_EXIT_REBOOT);
		break;
	default:
		break;		/* to the keyboard: nobody there */
	}
	k->pending_cmd = 0;
}

static __u32 i8042_status_read(struct io_device *dev, __u16 offset, __u8 size)
{
	struct i8042 *k = dev->priv;

	(void)offset;
	(void)size;
	return k->status;
}

static void i8042_cmd_write(struct io_device *dev, __u16 offset, __u8 size, __u32 value)
{
	struct i8042 *k = dev->priv;

	(void)offset;
	(void)size;
	k->status |= STS_CMD;
	k->pending_cmd = 0;
	switch (value & 0xff) {
	case 0x20:
		reply(k, k->ctr);
		break;
	case 0x60:
	case 0xd1:
		k->pending_cmd = value;
		break;
	case 0xaa:
		reply(k, 0x55);
		break;
	case 0xab:
		reply(k, 0x00);
		break;
	case 0xa9:
		reply(k, 0xff);
		break;
	case 0xd0:
		reply(k, k->out_port);
		break;
	case 0xfe:
		runner_request_exit(RUNNER_EXIT_REBOOT);
		break;
	default:
		break;
	}
}

static struct io_device i8042_data_device = {
	.name = "i8042-data",
	.base = I8042_DATA,
	.nr_ports = 1,
	.read = i8042_data_read,
	.write = i8042_data_write,
	.priv = &kbc,
};

static struct io_device i8042_cmd_device = {
	.name = "i8042-cmd",
	.base = I8042_CMD,
	.nr_ports = 1,
	.read = i8042_status_read,
	.write = i8042_cmd_write,
	.priv = &kbc,
};

int i8042_register(void)
{
	return io_bus_register(&i8042_data_device) ||
	       io_bus_register(&i8042_cmd_device) ? -1 : 0;
}
