/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event delivery (events.c): which exception, NMI or interrupt goes into
 * the guest on the next entry, HLT blocking, INIT/SIPI, and the ioctls
 * that queue events from user space.
 */
#ifndef HVM_EVENTS_H
#define HVM_EVENTS_H

#include <linux/types.h>

struct hvm_vcpu;

/* Something for @vcpu arrived (any context, even hard IRQ): it re-decides
 * injection before its next entry and wakes from HLT if it can. */
void hvm_vcpu_wake(struct hvm_vcpu *vcpu);

void hvm_events_reset(struct hvm_vcpu *vcpu);
/* Before entry, interrupts off: put the next event in the backend's slot. */
void hvm_inject_events(struct hvm_vcpu *vcpu);
/* Run-loop step for a vCPU that is not runnable; 0 or -EINTR. */
int hvm_vcpu_block(struct hvm_vcpu *vcpu);
/* INIT and SIPI that other vCPUs sent, on this vCPU's thread. */
void hvm_events_process_signals(struct hvm_vcpu *vcpu);
/* HLT completed (RIP past it): block in the kernel or exit to user space. */
int hvm_exit_hlt(struct hvm_vcpu *vcpu);
/* No irqchip: user space asked for an interrupt window and it is open. */
bool hvm_user_irq_window_open(struct hvm_vcpu *vcpu);
void hvm_events_fill_run(struct hvm_vcpu *vcpu);

long hvm_events_ioctl_interrupt(struct hvm_vcpu *vcpu, void __user *argp);
long hvm_events_ioctl_nmi(struct hvm_vcpu *vcpu, void __user *argp);
long hvm_events_get(struct hvm_vcpu *vcpu, void __user *argp);
long hvm_events_set(struct hvm_vcpu *vcpu, void __user *argp);
long hvm_mp_state_get(struct hvm_vcpu *vcpu, void __user *argp);
long hvm_mp_state_set(struct hvm_vcpu *vcpu, void __user *argp);

#endif /* HVM_EVENTS_H */
