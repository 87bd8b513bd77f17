// SPDX-License-Identifier: GPL-2.0
/* hvm-run: dispatches port I/O exits to the device owning the port. */
#include <errno.h>
#include <string.h>

#include "io_bus.h"

#define IO_BUS_MAX_DEVICES	16

static struct io_device *io_devices[IO_BUS_MAX_DEVICES];
static unsigned int nr_io_devices;

int io_bus_register(struct io_device *dev)
{
	if (nr_io_devices == IO_BUS_MAX_DEVICES) {
		errno = ENOSPC;
		return -1;
	}
	io_devices[nr_io_devices++] = dev;
	return 0;
}

static struct io_device *io_bus_find(__u16 port)
{
	unsigned int i;

	for (i = 0; i < nr_io_devices; i++) {
		struct io_device *dev = io_devices[i];

		if (port >= dev->base && port - dev->base < dev->nr_ports)
			return dev;
	}
	return NULL;
}

/* One element at a time, in order, for rep ins/outs as well. */
int io_bus_handle(struct hvm_run *run)
{
	struct io_device *dev = io_bus_find(run->io.port);
	unsigned char *data = (unsigned char *)run + run->io.data_offset;
	__u16 offset;
	__u32 i, value;

	if (!dev)
		return -1;
	offset = run->io.port - dev->base;
	for (i = 0; i < run->io.count; i++, data += run->io.size) {
		if (run->io.direction == HVM_EXIT_IO_OUT) {
			value = 0;
			memcpy(&value, data, run->io.size);
			if (dev->write)
				dev->write(dev, offset, run->io.size, value);
		} else {
			value = dev->read ? dev->read(dev, offset, run->io.size) :
					    0xffffffff;
			memcpy(data, &value, run->io.size);
		}
	}
	return 0;
}
