// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: a 16550 UART at 0x3f8-0x3ff (COM1) on ISA IRQ 4 (GSI 4).
 * Transmitted bytes go to stdout at once (THR is always empty again:
 * LSR = THRE | TEMT), flushed at each newline and, with an irqchip, by a
 * thread 2 ms after a byte that is not one (a shell prompt).  Received
 * bytes come from stdin (or uart16550_set_input_fd()) into a 256-byte
 * FIFO: read without blocking whenever the guest looks at LSR, IIR or
 * RBR, and, with an irqchip, by a reader thread as soon as they arrive.
 * Loopback (MCR bit 4) turns THR into RBR and MCR's outputs into MSR's
 * inputs, as Linux's 8250 probe expects.
 *
 * Interrupts (IER): line status (overrun: a loopback byte into a full
 * FIFO), received data (at the FIFO trigger level; below it, at once as a
 * character timeout), THR empty (pending after IER.THRI is set and after
 * every transmitted byte; cleared by the IIR read that reports it or by a
 * THR write) and modem status (MSR delta bits; cleared by reading MSR), in
 * that priority.  As on PCs the IRQ pin reaches the interrupt controller
 * only through MCR.OUT2, and not in loopback.  The line is driven as a
 * level, and changed only when it changes.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "io_bus.h"
#include "irq.h"

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
#define UART_LSR_OE		0x02
#define UART_LSR_THRE		0x20
#define UART_LSR_TEMT		0x40
#define UART_IER_RDI		0x01
#define UART_IER_THRI		0x02
#define UART_IER_RLSI		0x04
#define UART_IER_MSI		0x08
#define UART_IIR_MSI		0x00
#define UART_IIR_NO_INT		0x01
#define UART_IIR_THRI		0x02
#define UART_IIR_RDI		0x04
#define UART_IIR_RLSI		0x06
#define UART_IIR_TIMEOUT	0x0c
#define UART_IIR_FIFO		0xc0
#define UART_FCR_ENABLE		0x01
#define UART_FCR_CLEAR_RX	0x02
#define UART_MCR_DTR		0x01
#define UART_MCR_RTS		0x02
#define UART_MCR_OUT1		0x04
#define UART_MCR_OUT2		0x08
#define UART_MCR_LOOP		0x10
#define UART_MSR_CTS		0x10
#define UART_MSR_DSR		0x20
#define UART_MSR_RI		0x40
#define UART_MSR_DCD		0x80
#define UART_MSR_TERI		0x04

#define RX_SIZE			256
#define TX_FLUSH_DELAY_US	2000

static int input_fd;		/* stdin */

struct uart16550 {
	pthread_mutex_t lock;
	pthread_cond_t rx_space;	/* the FIFO can take stdin again */
	__u8 ier, lcr, mcr, scr, dll, dlm, fcr;
	__u8 lsr_errors;		/* OE until LSR is read */
	__u8 msr_in;			/* CTS, DSR, RI, DCD (bits 4-7) */
	__u8 msr_delta;			/* DCTS, DDSR, TERI, DDCD (bits 0-3) */
	bool thre_pending;
	bool irq_level;
	bool stdin_eof;
	bool tx_unflushed;		/* output since the last fflush */
	pthread_cond_t tx_cond;		/* tx_unflushed became true */
	unsigned int rx_head, rx_len;
	__u8 rx[RX_SIZE];
};

static bool rx_can_take(struct uart16550 *u)
{
	return u->rx_len < RX_SIZE && !(u->mcr & UART_MCR_LOOP);
}

static void rx_push(struct uart16550 *u, __u8 c)
{
	if (u->rx_len == RX_SIZE) {
		u->lsr_errors |= UART_LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_len++) % RX_SIZE] = c;
}

static __u8 rx_pop(struct uart16550 *u)
{
	__u8 c;

	if (!u->rx_len)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % RX_SIZE;
	u->rx_len--;
	pthread_cond_signal(&u->rx_space);
	return c;
}

/* Whatever stdin has ready, without waiting. */
static void rx_fill(struct uart16550 *u)
{
	struct pollfd p = { .fd = input_fd, .events = POLLIN };
	__u8 buf[RX_SIZE];
	ssize_t n, i;

	if (u->stdin_eof || !rx_can_take(u) || poll(&p, 1, 0) != 1)
		return;
	n = read(input_fd, buf, RX_SIZE - u->rx_len);
	if (n <= 0) {
		u->stdin_eof = true;
		pthread_cond_signal(&u->rx_space);
		return;
	}
	for (i = 0; i < n; i++)
		rx_push(u, buf[i]);
}

static unsigned int rx_trigger_level(struct uart16550 *u)
{
	static const unsigned int level[4] = { 1, 4, 8, 14 };

	return u->fcr & UART_FCR_ENABLE ? level[u->fcr >> 6] : 1;
}

/* The highest-priority pending interrupt IER enables (IIR bits 0-3). */
static __u8 uart_pending(struct uart16550 *u)
{
	if ((u->ier & UART_IER_RLSI) && u->lsr_errors)
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->rx_len)
		return u->rx_len >= rx_trigger_level(u) ? UART_IIR_RDI :
							  UART_IIR_TIMEOUT;
	if ((u->ier & UART_IER_THRI) && u->thre_pending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && u->msr_delta)
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

static void uart_update_irq(struct uart16550 *u)
{
	bool level = uart_pending(u) != UART_IIR_NO_INT &&
		     (u->mcr & (UART_MCR_OUT2 | UART_MCR_LOOP)) == UART_MCR_OUT2;

	if (level != u->irq_level) {
		u->irq_level = level;
		irq_line(GSI_COM1, level);
	}
}

/* MSR's inputs: in loopback DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
static __u8 uart_msr_inputs(struct uart16550 *u)
{
	if (!(u->mcr & UART_MCR_LOOP))
		return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
	return (u->mcr & UART_MCR_RTS ? UART_MSR_CTS : 0) |
	       (u->mcr & UART_MCR_DTR ? UART_MSR_DSR : 0) |
	       (u->mcr & UART_MCR_OUT1 ? UART_MSR_RI : 0) |
	       (u->mcr & UART_MCR_OUT2 ? UART_MSR_DCD : 0);
}

static void uart_msr_update(struct uart16550 *u)
{
	__u8 in = uart_msr_inputs(u), changed = in ^ u->msr_in;

	u->msr_delta |= (changed >> 4) & ~UART_MSR_TERI;
	if ((u->msr_in & UART_MSR_RI) && !(in & UART_MSR_RI))
		u->msr_delta |= UART_MSR_TERI;	/* RI's trailing edge */
	u->msr_in = in;
}

static void uart_transmit(struct uart16550 *u, __u8 c)
{
	u->thre_pending = false;
	uart_update_irq(u);
	if (u->mcr & UART_MCR_LOOP) {
		rx_push(u, c);
	} else {
		putchar(c);
		if (c == '\n') {
			fflush(stdout);
		} else if (!u->tx_unflushed) {
			u->tx_unflushed = true;
			pthread_cond_signal(&u->tx_cond);
		}
	}
	u->thre_pending = true;		/* sent: THR is empty again */
}

static __u8 uart_reg_read(struct uart16550 *u, __u16 offset)
{
	__u8 v;

	switch (offset) {
	case UART_RBR_THR:
		if (u->lcr & UART_LCR_DLAB)
			return u->dll;
		rx_fill(u);
		return rx_pop(u);
	case UART_IER:
		return u->lcr & UART_LCR_DLAB ? u->dlm : u->ier;
	case UART_IIR_FCR:
		rx_fill(u);
		v = uart_pending(u);
		if (v == UART_IIR_THRI)
			u->thre_pending = false;	/* reported: cleared */
		return v | (u->fcr & UART_FCR_ENABLE ? UART_IIR_FIFO : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		rx_fill(u);
		v = UART_LSR_THRE | UART_LSR_TEMT | u->lsr_errors |
		    (u->rx_len ? UART_LSR_DR : 0);
		u->lsr_errors = 0;
		return v;
	case UART_MSR:
		v = u->msr_in | u->msr_delta;
		u->msr_delta = 0;
		return v;
	default:
		return u->scr;
	}
}

static void uart_reg_write(struct uart16550 *u, __u16 offset, __u8 value)
{
	__u8 old;

	switch (offset) {
	case UART_RBR_THR:
		if (u->lcr & UART_LCR_DLAB)
			u->dll = value;
		else
			uart_transmit(u, value);
		break;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB) {
			u->dlm = value;
			break;
		}
		old = u->ier;
		u->ier = value & 0x0f;
		if (!(old & UART_IER_THRI) && (u->ier & UART_IER_THRI))
			u->thre_pending = true;	/* THR is empty */
		if (u->ier & UART_IER_RDI)
			pthread_cond_signal(&u->rx_space);	/* reader may go */
		break;
	case UART_IIR_FCR:
		/* Turning the FIFOs on or off empties them. */
		if ((value ^ u->fcr) & UART_FCR_ENABLE || value & UART_FCR_CLEAR_RX) {
			u->rx_len = 0;
			pthread_cond_signal(&u->rx_space);
		}
		u->fcr = value & 0xc1;
		break;
	case UART_LCR:
		u->lcr = value;
		break;
	case UART_MCR:
		u->mcr = value & 0x1f;
		uart_msr_update(u);
		pthread_cond_signal(&u->rx_space);
		break;
	case UART_SCR:
		u->scr = value;
		break;
	}
}

static struct uart16550 uart = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.rx_space = PTHREAD_COND_INITIALIZER,
	.tx_cond = PTHREAD_COND_INITIALIZER,
	.dll = 1,					/* 115200 baud */
	.msr_in = UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD,
	.thre_pending = true,
};

static __u32 uart_read(struct io_device *dev, __u16 offset, __u8 size)
{
	struct uart16550 *u = dev->priv;
	__u8 v;

	(void)size;
	pthread_mutex_lock(&u->lock);
	v = uart_reg_read(u, offset);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return v;
}

static void uart_write(struct io_device *dev, __u16 offset, __u8 size, __u32 value)
{
	struct uart16550 *u = dev->priv;

	(void)size;
	pthread_mutex_lock(&u->lock);
	uart_reg_write(u, offset, value);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

/*
 * With an irqchip: stdin into the FIFO as it comes, raising the IRQ, once
 * the guest has enabled receive interrupts.  Before that (a polling
 * guest) stdin is read when the guest looks at LSR, RBR or IIR, so input
 * never lands in the FIFO before the guest is ready for it.
 */
static void *uart_stdin_thread(void *arg)
{
	struct pollfd p = { .fd = input_fd, .events = POLLIN };
	struct uart16550 *u = arg;
	bool eof;

	for (;;) {
		pthread_mutex_lock(&u->lock);
		while (!u->stdin_eof &&
		       (!rx_can_take(u) || !(u->ier & UART_IER_RDI)))
			pthread_cond_wait(&u->rx_space, &u->lock);
		eof = u->stdin_eof;
		pthread_mutex_unlock(&u->lock);
		if (eof || (poll(&p, 1, -1) < 0 && errno != EINTR))
			return NULL;
		pthread_mutex_lock(&u->lock);
		rx_fill(u);
		uart_update_irq(u);
		pthread_mutex_unlock(&u->lock);
	}
}

/* Output without a newline reaches stdout shortly after (a prompt). */
static void *uart_flush_thread(void *arg)
{
	struct uart16550 *u = arg;

	pthread_mutex_lock(&u->lock);
	for (;;) {
		while (!u->tx_unflushed)
			pthread_cond_wait(&u->tx_cond, &u->lock);
		pthread_mutex_unlock(&u->lock);
		usleep(TX_FLUSH_DELAY_US);
		pthread_mutex_lock(&u->lock);
		fflush(stdout);
		u->tx_unflushed = false;
	}
	return NULL;
}

void uart16550_set_input_fd(int fd)
{
	input_fd = fd;
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
	pthread_t thread;
	int err;

	if (irq_have_irqchip()) {
		err = pthread_create(&thread, NULL, uart_stdin_thread, &uart);
		if (!err) {
			pthread_detach(thread);
			err = pthread_create(&thread, NULL, uart_flush_thread, &uart);
		}
		if (err) {
			errno = err;
			return -1;
		}
		pthread_detach(thread);
	}
	return io_bus_register(&uart_device);
}

void uart16550_flush(void)
{
	pthread_mutex_lock(&uart.lock);
	fflush(stdout);
	pthread_mutex_unlock(&uart.lock);
}
