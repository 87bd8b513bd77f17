// SPDX-License-Identifier: GPL-2.0
/* libhvm: long-mode interrupt gates in the IDT page at HVM_SYS_IDT. */
#include <errno.h>
#include <string.h>

#include "libhvm.h"

/* A present, DPL 0, 64-bit interrupt gate to handler in HVM_SEL_CODE64. */
int hvm_idt64_set_gate(struct hvm_vm *vm, unsigned int vector, __u64 handler)
{
	__u32 gate[4];

	if (vector > 255) {
		errno = EINVAL;
		return -1;
	}
	gate[0] = (handler & 0xffff) | ((__u32)HVM_SEL_CODE64 << 16);
	gate[1] = (handler & 0xffff0000) | 0x8e00;	/* P, DPL 0, type 0xe */
	gate[2] = handler >> 32;
	gate[3] = 0;
	return hvm_vm_write(vm, HVM_SYS_IDT + vector * 16, gate, sizeof(gate));
}
