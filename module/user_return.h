/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MSRs that neither VMX nor SVM switch and that the host kernel itself never
 * uses: a guest's value may stay loaded while the host runs in the kernel,
 * and the host's is put back before the CPU returns to user space (a
 * user-return notifier), when hvm turns the CPU off, or when it goes offline.
 */
#ifndef HVM_USER_RETURN_H
#define HVM_USER_RETURN_H

#include <linux/types.h>

enum hvm_uret_msr {
	HVM_URET_STAR,
	HVM_URET_LSTAR,
	HVM_URET_CSTAR,
	HVM_URET_SFMASK,
	HVM_URET_TSC_AUX,
	HVM_URET_NR
};

/* With preemption off: load @val into the MSR on this CPU until user return. */
void hvm_uret_set(enum hvm_uret_msr msr, u64 val);

/* The host's value of @msr on this CPU (preemption off). */
u64 hvm_uret_host_value(enum hvm_uret_msr msr);

/* On the CPU itself: put every host value back now (CPU off or offline). */
void hvm_uret_cpu_off(void);

#endif /* HVM_USER_RETURN_H */
