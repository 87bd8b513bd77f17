// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: the small fixed ports of a Linux boot.
 *
 *   0x80         the POST code / I/O delay port: writes ignored, reads 0xff
 *   0xcf8-0xcfb  PCI configuration address (mechanism #1): a 32-bit
 *                register that reads back what was written
 *   0xcfc-0xcff  PCI configuration data: one device, a host bridge at
 *                00:00.0 (1b36:0008, class 06:00, no BARs: reads 0 past its
 *                IDs); every other function reads all ones; writes are
 *                ignored.  The host bridge lets an OS see configuration
 *                mechanism #1 work (Linux's sanity check looks for one).
 */
#include "io_bus.h"

#define PORT_POST		0x80
#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc

#define PCI_ENABLE		0x80000000U
#define HOST_BRIDGE_ID		0x00081b36U	/* Red Hat, QEMU PCIe host */
#define HOST_BRIDGE_CLASS	0x06000000U	/* bridge, host; revision 0 */

static __u32 pci_address;

static __u32 pci_data_read(struct io_device *dev, __u16 offset, __u8 size)
{
	__u32 reg = pci_address & 0xfc, v;

	(void)dev;
	(void)size;
	if ((pci_address & 0x80ffff00U) != PCI_ENABLE)	/* not 00:00.0 */
		return 0xffffffff;
	v = reg == 0x00 ? HOST_BRIDGE_ID : reg == 0x08 ? HOST_BRIDGE_CLASS : 0;
	return v >> (8 * offset);
}

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
	.read = pci_data_read,
	.write = post_write,
};

int legacy_ports_register(void)
{
	return io_bus_register(&post_device) || io_bus_register(&pci_address_device) ||
	       io_bus_register(&pci_data_device) ? -1 : 0;
}
