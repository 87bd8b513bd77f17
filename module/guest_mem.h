/* SPDX-License-Identifier: GPL-2.0 */
/* Reading and writing guest memory by guest-physical or guest-linear address. */
#ifndef HVM_GUEST_MEM_H
#define HVM_GUEST_MEM_H

#include <linux/types.h>

struct hvm_vm;
struct hvm_vcpu;

/* Access kinds, with the bit positions of the #PF error code (SDM 4.7). */
#define HVM_ACC_WRITE	(1U << 1)
#define HVM_ACC_USER	(1U << 2)
#define HVM_ACC_FETCH	(1U << 4)
#define HVM_ACC_NOFAULT	(1U << 31)	/* report a fault, do not queue #PF */

/* Returned when the access raised #PF in the guest (already queued). */
#define HVM_GUEST_FAULT	1

/* 0, or -EFAULT when @gpa is not RAM (or a write hits a read-only slot). */
int hvm_gpa_read(struct hvm_vm *vm, u64 gpa, void *buf, unsigned int len);
int hvm_gpa_write(struct hvm_vm *vm, u64 gpa, const void *buf,
		  unsigned int len);

/* Translate through the guest's own page tables; queues #PF on failure. */
int hvm_gva_to_gpa(struct hvm_vcpu *vcpu, u64 gva, u32 access, u64 *gpa);
int hvm_gva_read(struct hvm_vcpu *vcpu, u64 gva, void *buf, unsigned int len,
		 u32 access);
int hvm_gva_write(struct hvm_vcpu *vcpu, u64 gva, const void *buf,
		  unsigned int len);

#endif /* HVM_GUEST_MEM_H */
