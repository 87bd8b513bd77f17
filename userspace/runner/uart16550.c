// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: a 16550 UART at 0x3f8-0x3ff (COM1).  Transmitted bytes go to
 * stdout; received bytes come from stdin, read without blocking whenever
 * the guest looks at LSR or RBR.  The transmitter is always empty (LSR =
 * THRE | TEMT).  Loopback (MCR bit 4) turns THR into RBR and MCR's outputs
 * into MSR's inputs, as Linux's 8250 probe expects.  IIR reports receive
 * and transmit-empty conditions as IER enables them; no IRQ is raised yet.
 */
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

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
#define UART_LSR_DR		0x01
#define UART_LSR_THRE		0x20
#define UART_LSR_TEMT		0x40
#define UART_IER_RDI		0x01
#define UART_IER_THRI		0x02
#define UART_IIR_NO_INT		0x01
#define UART_IIR_THRI		0x02
#define UART_IIR_RDI		0x04
#define UART_IIR_FIFO		0xc0
#define UART_MCR_LOOP		0x10
#define UART_MSR_CTS_DSR_DCD	0xb0

#define RX_SIZE			256

struct uart16550 {
	__u8 ier, lcr, mcr, scr, dll, dlm;
	bool fifo;
	bool thri_seen;		/* IIR reported THRE since the last THR write */
	bool stdin_eof;
	unsigned int rx_head, rx_len;
	__u8 rx[RX_SIZE];
};

static void rx_push(struct uart16550 *u, __u8 c)
{
	if (u->rx_len < RX_SIZE)
		u->rx[(u->rx_head + u->rx_len++) % RX_SIZE] = c;
}

/* Whatever stdin has ready, without waiting. */
static void rx_fill(struct uart16550 *u)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	__u8 buf[RX_SIZE];
	ssize_t n, i;

	if (u->stdin_eof || u->rx_len == RX_SIZE || (u->mcr & UART_MCR_LOOP) ||
	    poll(&p, 1, 0) != 1)
		return;
	n = read(0, buf, RX_SIZE - u->rx_len);
	if (n <= 0) {
		u->stdin_eof = true;
		return;
	}
	for (i = 0; i < n; i++)
		rx_push(u, buf[i]);
}

static __u8 uart_iir(struct uart16550 *u)
{
	__u8 fifo = u->fifo ? UART_IIR_FIFO : 0;

	if ((u->ier & UART_IER_RDI) && u->rx_len)
		return UART_IIR_RDI | fifo;
	if ((u->ier & UART_IER_THRI) && !u->thri_seen) {
		u->thri_seen = true;	/* reading IIR clears it (16550 data sheet) */
		return UART_IIR_THRI | fifo;
	}
	return UART_IIR_NO_INT | fifo;
}

/* MSR: in loopback, DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
static __u8 uart_msr(struct uart16550 *u)
{
	if (!(u->mcr & UART_MCR_LOOP))
		return UART_MSR_CTS_DSR_DCD;
	return ((u->mcr & 0x02) << 3) | ((u->mcr & 0x01) << 5) |
	       ((u->mcr & 0x04) << 4) | ((u->mcr & 0x08) << 4);
}

static struct uart16550 uart = { .dll = 1 };	/* 115200 baud */

static __u32 uart_read(struct io_device *dev, __u16 offset, __u8 size)
{
	struct uart16550 *u = dev->priv;

	(void)size;
	switch (offset) {
	case UART_RBR_THR: {
		__u8 c;

		if (u->lcr & UART_LCR_DLAB)
			return u->dll;
		rx_fill(u);
		if (!u->rx_len)
			return 0;
		c = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % RX_SIZE;
		u->rx_len--;
		return c;
	}
	case UART_IER:
		return u->lcr & UART_LCR_DLAB ? u->dlm : u->ier;
	case UART_IIR_FCR:
		rx_fill(u);
		return uart_iir(u);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		rx_fill(u);
		return UART_LSR_THRE | UART_LSR_TEMT | (u->rx_len ? UART_LSR_DR : 0);
	case UART_MSR:
		return uart_msr(u);
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
		u->thri_seen = false;
		if (u->mcr & UART_MCR_LOOP) {
			rx_push(u, value);
			break;
		}
		putchar(value & 0xff);
		if ((value & 0xff) == '\n')
			fflush(stdout);
		break;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB) {
			u->dlm = value;
		} else {
			u->ier = value & 0x0f;
			u->thri_seen = false;	/* enabling THRI reports it */
		}
		break;
	case UART_IIR_FCR:
		u->fifo = value & 1;
		if (value & 2)			/* clear the receive FIFO */
			u->rx_len = 0;
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
