/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small x86 instruction decoder for the instructions hvm emulates when
 * they touch MMIO: every common form with one memory operand (SDM vol. 2,
 * ch. 2-4).  Self-contained: it is also built into a user-space test.
 */
#ifndef HVM_DECODE_H
#define HVM_DECODE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
#ifndef fallthrough
#define fallthrough	__attribute__((__fallthrough__))
#endif
#endif

/* What the instruction does with its memory operand. */
enum hvm_insn_op {
	HVM_OP_MOV_STORE,	/* 88 89 A2 A3 C6 C7: memory = reg or imm */
	HVM_OP_MOV_LOAD,	/* 8A 8B A0 A1: reg = memory */
	HVM_OP_MOVZX,		/* 0F B6 0F B7: reg = zero-extended memory */
	HVM_OP_MOVSX,		/* 0F BE 0F BF, REX.W 63: reg = sign-extended */
	HVM_OP_ALU,		/* 00-3B, 80 81 83: see enum hvm_alu */
	HVM_OP_TEST,		/* 84 85, F6/F7 /0: flags of memory & src */
	HVM_OP_XCHG,		/* 86 87: swap memory and reg */
	HVM_OP_BT,		/* 0F A3/AB/B3/BB, 0F BA /4-7: see enum hvm_bt */
	HVM_OP_UNARY,		/* FE/FF /0 /1, F6/F7 /2 /3: see enum hvm_unary */
	HVM_OP_MOVS,		/* A4 A5: ES:rDI = seg:rSI */
	HVM_OP_STOS,		/* AA AB: ES:rDI = rAX */
	HVM_OP_LODS,		/* AC AD: rAX = seg:rSI */
};

/* The ALU operations, in their opcode order (00, 08, ... 38; /0../7). */
enum hvm_alu {
	HVM_ALU_ADD, HVM_ALU_OR, HVM_ALU_ADC, HVM_ALU_SBB,
	HVM_ALU_AND, HVM_ALU_SUB, HVM_ALU_XOR, HVM_ALU_CMP,
};

enum hvm_bt { HVM_BT, HVM_BTS, HVM_BTR, HVM_BTC };	/* 0F BA /4 .. /7 */
enum hvm_unary { HVM_INC, HVM_DEC, HVM_NOT, HVM_NEG };

struct hvm_insn {
	u8 op;			/* enum hvm_insn_op */
	u8 sub;			/* enum hvm_alu / hvm_bt / hvm_unary */
	u8 len;			/* bytes, prefixes included */
	u8 mem_size;		/* bytes read or written in memory */
	u8 reg;			/* register operand, 0..15 */
	u8 reg_size;		/* bytes of that register */
	bool high_byte;		/* the register is AH, CH, DH or BH */
	bool has_imm;		/* the source is imm, not reg */
	bool reg_is_dst;	/* ALU: reg op= memory (02, 0A, ...) */
	bool lock;		/* F0 */
	u8 rep;			/* 0, 0xf2 (REPNE) or 0xf3 (REP) */
	u8 addr_bits;		/* effective address size: 16, 32 or 64 */
	int seg;		/* segment override (enum hvm_seg) or -1 */
	u64 imm;		/* sign- or zero-extended to mem_size as the
				 * instruction defines it */
};

/*
 * Decode @buf (at most @size bytes) executed with a @code_bits default
 * operand/address size (16, 32 or 64).  Returns 0, or -1 for anything that
 * is not one of the forms above (a register-only form included) or runs
 * past @size or 15 bytes.
 */
int hvm_decode(const u8 *buf, int size, int code_bits, struct hvm_insn *insn);

/*
 * Scan only the legacy prefixes: returns the segment override (-1 if none)
 * and sets *@addr_bits to the effective address size.
 */
int hvm_decode_prefixes(const u8 *buf, int size, int code_bits,
			int *addr_bits);

#endif /* HVM_DECODE_H */
