// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: the in-kernel irqchip and HVM_IRQ_LINE.  One mutex orders the
 * line changes of all threads (the vCPU's I/O exits, the PIT timer, the
 * UART's stdin reader) and lets irq_stop() wait for one in flight.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "irq.h"

static pthread_mutex_t irq_lock = PTHREAD_MUTEX_INITIALIZER;
static int irq_vm_fd = -1;
static bool irq_error_said;

int irq_create_irqchip(struct hvm_vm *vm, bool verbose)
{
	if (ioctl(vm->fd, HVM_CREATE_IRQCHIP, 0)) {
		if (errno != ENOTTY)
			return -1;
		if (verbose)
			fprintf(stderr, "hvm-run: no in-kernel irqchip (HVM_CREATE_IRQCHIP: %m): running without interrupts\n");
		return 1;
	}
	irq_vm_fd = vm->fd;
	return 0;
}

bool irq_have_irqchip(void)
{
	return irq_vm_fd >= 0;
}

static void irq_set(unsigned int gsi, int level)
{
	struct hvm_irq_level irq = { .irq = gsi, .level = level };

	if (irq_vm_fd < 0)
		return;
	if (ioctl(irq_vm_fd, HVM_IRQ_LINE, &irq) && !irq_error_said) {
		irq_error_said = true;
		fprintf(stderr, "hvm-run: HVM_IRQ_LINE GSI %u level %d: %m\n",
			gsi, level);
	}
}

void irq_line(unsigned int gsi, int level)
{
	pthread_mutex_lock(&irq_lock);
	irq_set(gsi, level);
	pthread_mutex_unlock(&irq_lock);
}

void irq_pulse(unsigned int gsi)
{
	pthread_mutex_lock(&irq_lock);
	irq_set(gsi, 1);
	irq_set(gsi, 0);
	pthread_mutex_unlock(&irq_lock);
}

void irq_stop(void)
{
	pthread_mutex_lock(&irq_lock);
	irq_vm_fd = -1;
	pthread_mutex_unlock(&irq_lock);
}
