/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftests: a long-mode "work" guest with a result the host can predict,
 * for tests that run guests on threads, under signals, or while things
 * change around them.  It uses RAX, RBX, RCX, RSI and R8-R15, so lost or
 * mixed-up guest registers change the result.
 *
 *   RDI = seed, RCX = chunks, RDX = iterations per chunk
 *   per iteration: rax = rax * 3 + seed; per chunk: rax += r8 + ... + r15
 *   (1 + ... + 8) and a REPORT ucall (progress); at the end the result is
 *   stored at WORK_RESULT_GPA + 8 * (seed % 64) and DONE.
 */
#ifndef HVM_SELFTEST_WORK_H
#define HVM_SELFTEST_WORK_H

#include "guest.h"

#define WORK_RESULT_GPA		GUEST_DATA_GPA

struct work {
	__u64 seed, chunks, iterations;
};

/* A VM with the work guest in slot 0 (GUEST_MEM_SIZE) and no vCPU. */
struct hvm_vm *work_vm_create(void);
/* Creates vCPU id in vm, ready to run w. */
struct hvm_vcpu *work_vcpu_create(struct hvm_vm *vm, unsigned int id,
				  const struct work *w);
/* Points an existing vCPU at the start of w again. */
int work_vcpu_reset(struct hvm_vcpu *vcpu, const struct work *w);
__u64 work_expected(const struct work *w);
__u64 work_result(struct hvm_vm *vm, const struct work *w);

/*
 * Runs w to DONE; EINTR from RUN is counted in *interrupts (may be NULL)
 * and retried (not after the watchdog fired).  Returns 0 or -1 with a diagnostic.
 */
int work_run(struct hvm_vcpu *vcpu, unsigned long *interrupts);

#endif /* HVM_SELFTEST_WORK_H */
