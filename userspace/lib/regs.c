// SPDX-License-Identifier: GPL-2.0
/* libhvm: reading and writing vCPU registers. */
#include <sys/ioctl.h>

#include "libhvm.h"

int hvm_vcpu_get_regs(struct hvm_vcpu *vcpu, struct hvm_regs *regs)
{
	return ioctl(vcpu->fd, HVM_GET_REGS, regs) < 0 ? -1 : 0;
}

int hvm_vcpu_set_regs(struct hvm_vcpu *vcpu, const struct hvm_regs *regs)
{
	return ioctl(vcpu->fd, HVM_SET_REGS, regs) < 0 ? -1 : 0;
}

int hvm_vcpu_get_sregs(struct hvm_vcpu *vcpu, struct hvm_sregs *sregs)
{
	return ioctl(vcpu->fd, HVM_GET_SREGS, sregs) < 0 ? -1 : 0;
}

int hvm_vcpu_set_sregs(struct hvm_vcpu *vcpu, const struct hvm_sregs *sregs)
{
	return ioctl(vcpu->fd, HVM_SET_SREGS, sregs) < 0 ? -1 : 0;
}
