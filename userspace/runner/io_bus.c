// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: dispatches port I/O exits to the device owning the port.  One
 * mutex serializes the whole bus: any vCPU thread may take an I/O exit.
 * Ports no device owns either end the run (io_bus_handle() returns -1) or,
 * with io_bus_ignore_unknown(), read as all ones and drop writes, as on a
 * PC's ISA bus.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "io_bus.h"

#define IO_BUS_MAX_DEVICES	32

static struct io_device *io_devices[IO_BUS_MAX_DEVICES];
static unsigned int nr_io_devices;
static pthread_mutex_t io_bus_lock = PTHREAD_MUTEX_INITIALIZER;
static bool ignore_unknown, log_unknown;
static __u8 unknown_said[0x10000 / 8];	/* ports already logged */

int io_bus_register(struct io_device *dev)
{
	if (nr_io_devices == IO_BUS_MAX_DEVICES) {
		errno = ENOSPC;
		return -1;
	}
	io_devices[nr_io_devices++] = dev;
	return 0;
}

void io_bus_ignore_unknown(bool log)
{
	ignore_unknown = true;
	log_unknown = log;
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

static int io_bus_unknown(struct hvm_run *run, unsigned char *data)
{
	__u16 port = run->io.port;

	if (!ignore_unknown)
		return -1;
	if (log_unknown && !(unknown_said[port / 8] & (1 << port % 8))) {
		unknown_said[port / 8] |= 1 << port % 8;
		fprintf(stderr, "hvm-run: %s of port 0x%x (no device: %s)\n",
			run->io.direction == HVM_EXIT_IO_OUT ? "write" : "read",
			port, run->io.direction == HVM_EXIT_IO_OUT ? "ignored" :
			"all ones");
	}
	if (run->io.direction == HVM_EXIT_IO_IN)
		memset(data, 0xff, (size_t)run->io.count * run->io.size);
	return 0;
}

/* One element at a time, in order, for rep ins/outs as well. */
int io_bus_handle(struct hvm_run *run)
{
	struct io_device *dev;
	unsigned char *data = (unsigned char *)run + run->io.data_offset;
	__u16 offset;
	__u32 i, value;
	int r = 0;

	pthread_mutex_lock(&io_bus_lock);
	dev = io_bus_find(run->io.port);
	if (!dev) {
		r = io_bus_unknown(run, data);
		goto out;
	}
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
out:
	pthread_mutex_unlock(&io_bus_lock);
	return r;
}
