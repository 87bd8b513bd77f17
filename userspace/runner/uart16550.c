// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: a 16550 UART at 0x3f8-0x3ff (COM1).  Transmitted bytes go to
 * stdout.  Nothing is ever received; the transmitter is always empty
 * (LSR = THRE | TEMT), so polling drivers never wait.  No interrupts.
 */
#include <stdio.h>

#include "io_bus.h"

#define UART_BASE	0x3f8

enum uart_reg {
	UART_RBR_THR = 0,	/* DLL when LCR.DLAB */
	UART_IER = 1,		/* DLM when LCR.DLAB */
	UART_IIR_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
};

#define UART_LCR_DLAB		0x80
#define UART_LSR_THRE		0x20
#define UART_LSR_TEMT		0x40
#define UART_IIR_NO_INT		0x01
#define UART_IIR_FIFO		0xc0
#define UART_MSR_CTS_DSR_DCD	0xb0

struct uart16550 {
	__u8 ier, lcr, mcr, scr, dll, dlm;
	bool fifo;
};

static struct uart16550 uart = { .dll = 1 };	/* 115200 baud */

static __u32 uart_read(struct io_device *dev, __u16 offset, __u8 size)
{
	struct uart16550 *u = dev->priv;

	(void)size;
	switch (offset) {
	case UART_RBR_THR:
		return u->lcr & UART_LCR_DLAB ? u->dll : 0;
	case UART_IER:
		return u->lcr & UART_LCR_DLAB ? u->dlm : u->ier;
	case UART_IIR_FCR:
		return UART_IIR_NO_INT | (u->fifo ? UART_IIR_FIFO : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT;
	case UART_MSR:
		return UART_MSR_CTS_DSR_DCD;
	case UART_SCR:
		return u->scr;
	}
	return 0xff;
}

static void uart_write(struct io_device *dev, __u16 offset, __u8 size, __u32 value)
{
	struct uart16550 *u = dev->priv;

	(void)size;
	switch (offset) {
	case UART_RBR_THR:
		if (u->lcr & UART_LCR_DLAB) {
			u->dll = value;
			break;
		}
		putchar(value & 0xff);
		if ((value & 0xff) == '\n')
			fflush(stdout);
		break;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB)
			u->dlm = value;
		else
			u->ier = value & 0x0f;
		break;
	case UART_IIR_FCR:
		u->fifo = value & 1;
		break;
	case UART_LCR:
		u->lcr = value;
		break;
	case UART_MCR:
		u->mcr = value & 0x1f;
		break;
	case UART_SCR:
		u->scr = value;
		break;
	}
}

static struct io_device uart_device = {
	.name = "uart16550",
	.base = UART_BASE,
	.nr_ports = 8,
	.read = uart_read,
	.write = uart_write,
	.priv = &uart,
};

int uart16550_register(void)
{
	return io_bus_register(&uart_device);
}

void uart16550_flush(void)
{
	fflush(stdout);
}
