/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The integer operations hvm emulates on MMIO operands, with the flags the
 * CPU itself computes: each runs the very instruction on the host (as
 * KVM's "fastop" does), so results and flags match hardware bit for bit.
 * Shared with the user-space test (decode_test.c).
 */
#ifndef HVM_ALU_H
#define HVM_ALU_H

#include "decode.h"

/* CF, PF, AF, ZF, SF, OF: the status flags (SDM vol. 1, 3.4.3.1). */
#define HVM_FLAGS_STATUS	0x8d5ULL

/*
 * @size: 1, 2, 4 or 8 bytes.  *@rflags: the guest's RFLAGS; only its
 * status flags are read (CF by ADC/SBB) and changed.  Each returns the
 * result the destination receives (CMP/TEST/BT: unchanged @dst).
 */
u64 hvm_alu(enum hvm_alu op, int size, u64 dst, u64 src, u64 *rflags);
u64 hvm_unary(enum hvm_unary op, int size, u64 dst, u64 *rflags);
/* @bit is taken modulo the operand size in bits (register form). */
u64 hvm_bt(enum hvm_bt op, int size, u64 dst, u64 bit, u64 *rflags);
void hvm_test(int size, u64 a, u64 b, u64 *rflags);

#endif /* HVM_ALU_H */
