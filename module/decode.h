/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small x86 instruction decoder for the memory-operand instructions hvm
 * emulates (MMIO).  Self-contained: it is also built into a user-space test.
 */
#ifndef HVM_DECODE_H
#define HVM_DECODE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint64_t u64;
#endif

enum hvm_insn_kind {
	HVM_INSN_MOV_TO_MEM,	/* 88, 89, A2, A3: register to memory */
	HVM_INSN_MOV_IMM,	/* C6, C7: immediate to memory */
	HVM_INSN_MOV_FROM_MEM,	/* 8A, 8B, A0, A1: memory to register */
	HVM_INSN_MOVZX,		/* 0F B6, 0F B7 */
	HVM_INSN_MOVSX,		/* 0F BE, 0F BF */
};

struct hvm_insn {
	enum hvm_insn_kind kind;
	u8 len;			/* bytes, prefixes included */
	u8 mem_size;		/* bytes read or written in memory */
	u8 reg;			/* register operand, 0..15 */
	u8 reg_size;		/* bytes of that register written or read */
	bool high_byte;		/* AH, CH, DH or BH */
	int seg;		/* segment override (enum hvm_seg) or -1 */
	u64 imm;		/* HVM_INSN_MOV_IMM */
};

/*
 * Decode @buf (at most @size bytes) executed with a @code_bits default
 * operand/address size (16, 32 or 64).  Returns 0, or -1 for anything that
 * is not one of the forms above or runs past @size or 15 bytes.
 */
int hvm_decode(const u8 *buf, int size, int code_bits, struct hvm_insn *insn);

/*
 * Scan only the legacy prefixes: returns the segment override (-1 if none)
 * and sets *@addr_bits to the effective address size.
 */
int hvm_decode_prefixes(const u8 *buf, int size, int code_bits,
			int *addr_bits);

#endif /* HVM_DECODE_H */
