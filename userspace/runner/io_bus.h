/* SPDX-License-Identifier: GPL-2.0 */
/* hvm-run: the port I/O bus the devices register on. */
#ifndef HVM_RUN_IO_BUS_H
#define HVM_RUN_IO_BUS_H

#include <stdbool.h>
#include <linux/types.h>

#include "libhvm.h"

struct io_device {
	const char *name;
	__u16 base;		/* first port */
	__u16 nr_ports;
	/* offset = port - base; size 1, 2 or 4 */
	__u32 (*read)(struct io_device *dev, __u16 offset, __u8 size);
	void (*write)(struct io_device *dev, __u16 offset, __u8 size, __u32 value);
	void *priv;
};

int io_bus_register(struct io_device *dev);
/*
 * Handles an HVM_EXIT_IO (from any thread); -1 when no device owns the
 * port, unless io_bus_ignore_unknown() was called: then reads of such
 * ports return all ones and writes are dropped (each port said once on
 * stderr when @log).
 */
int io_bus_handle(struct hvm_run *run);
void io_bus_ignore_unknown(bool log);

/* The devices (one per file). */
int uart16550_register(void);	/* starts its stdin thread with an irqchip */
void uart16550_flush(void);
int debug_exit_register(void);
int pit8254_register(void);	/* starts its IRQ 0 thread with an irqchip */
int port61_register(void);
int pm_timer_register(void);
/* Linux boots: */
int acpi_pm_register(void);	/* PM1a event and control blocks */
int i8042_register(void);	/* reset line */
int cmos_rtc_register(void);
int legacy_ports_register(void);	/* port 0x80, PCI configuration */
/* The UART receives from @fd instead of stdin (console.c's pipe). */
void uart16550_set_input_fd(int fd);

#endif /* HVM_RUN_IO_BUS_H */
