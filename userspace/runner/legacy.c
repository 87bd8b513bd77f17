// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: the small fixed ports of a Linux boot.
 *
 *   0x80         the POST code / I/O delay port: writes ignored, reads 0xff
 *   0xcf8-0xcfb  PCI configuration address (mechanism #1): a 32-bit
 *                register that reads back what was written
 *   0xcfc-0xcff  PCI configuration data: no device anywhere, reads are all
 *                ones, writes are ignored
 */
#include "io_bus.h"

#define PORT_POST		0x80
#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc

static __u32 pci_address;

static __u32 post_read(struct io_device *dev, __u16 offset, __u8 size)
{
	(void)dev;
	(void)offset;
	(void)size;
	return 0xffffffff;
}

static void post_write(struct io_device *dev, __u16 offset, __u8 size, __u32 value)
{
	(void)dev;
	(void)offset;
	(void)size;
	(void)value;
}

static __u32 pci_address_read(struct io_device *dev, __u16 offset, __u8 size)
{
	(void)dev;
	(void)size;
	return pci_address >> (8 * offset);
}

static void pci_address_write(struct io_device *dev, __u16 offset, __u8 size, __u32 value)
{
	__u32 mask = size == 4 ? 0xffffffff : (1U << (8 * size)) - 1;

	(void)dev;
	mask <<= 8 * offset;
	pci_address = (pci_address & ~mask) | ((value << (8 * offset)) & mask);
}

static struct io_device post_device = {
	.name = "post",
	.base = PORT_POST,
	.nr_ports = 1,
	.read = post_read,
	.write = post_write,
};

static struct io_device pci_address_device = {
	.name = "pci-config-address",
	.base = PCI_CONFIG_ADDRESS,
	.nr_ports = 4,
	.read = pci_address_read,
	.write = pci_address_write,
};

static struct io_device pci_data_device = {
	.name = "pci-config-data",
	.base = PCI_CONFIG_DATA,
	.nr_ports = 4,
	.read = post_read,
	.write = post_write,
};

int legacy_ports_register(void)
{
	return io_bus_register(&post_device) || io_bus_register(&pci_address_device) ||
	       io_bus_register(&pci_data_device) ? -1 : 0;
}
