// SPDX-License-Identifier: GPL-2.0
/* libhvm: the in-kernel interrupt controllers and vCPU run states. */
#include <sys/ioctl.h>

#include "libhvm.h"

int hvm_vm_create_irqchip(struct hvm_vm *vm)
{
	return ioctl(vm->fd, HVM_CREATE_IRQCHIP, 0) ? -1 : 0;
}

int hvm_vm_irq_line(struct hvm_vm *vm, __u32 gsi, int level)
{
	struct hvm_irq_level l = { .irq = gsi, .level = level };

	return ioctl(vm->fd, HVM_IRQ_LINE, &l) ? -1 : 0;
}

int hvm_vm_irq_line_status(struct hvm_vm *vm, __u32 gsi, int level, int *status)
{
	struct hvm_irq_status s = { .irq = gsi, .level = level };

	if (ioctl(vm->fd, HVM_IRQ_LINE_STATUS, &s))
		return -1;
	*status = s.status;
	return 0;
}

int hvm_vm_set_pm_timer(struct hvm_vm *vm, __u16 port)
{
	return ioctl(vm->fd, HVM_SET_PM_TIMER, (unsigned long)port) ? -1 : 0;
}

int hvm_vcpu_set_mp_state(struct hvm_vcpu *vcpu, __u32 mp_state)
{
	struct hvm_mp_state s = { .mp_state = mp_state };

	return ioctl(vcpu->fd, HVM_SET_MP_STATE, &s) ? -1 : 0;
}

int hvm_vcpu_get_mp_state(struct hvm_vcpu *vcpu, __u32 *mp_state)
{
	struct hvm_mp_state s;

	if (ioctl(vcpu->fd, HVM_GET_MP_STATE, &s))
		return -1;
	*mp_state = s.mp_state;
	return 0;
}
