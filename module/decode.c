// SPDX-License-Identifier: GPL-2.0
/*
 * Decoder for the instructions hvm emulates on MMIO (SDM vol. 2, ch. 2:
 * prefixes, REX, ModRM, SIB, displacement, immediate; the opcode maps in
 * appendix A).  No kernel dependencies on purpose: decode_test.c builds
 * it in user space.
 */
#include "decode.h"

#define MAX_INSN_LEN	15

/* Segment numbers as enum hvm_seg: ES, CS, SS, DS, FS, GS. */
static int prefix_seg(u8 b)
{
	switch (b) {
	case 0x26: return 0;
	case 0x2e: return 1;
	case 0x36: return 2;
	case 0x3e: return 3;
	case 0x64: return 4;
	case 0x65: return 5;
	default: return -1;
	}
}

static bool is_legacy_prefix(u8 b)
{
	return prefix_seg(b) >= 0 || b == 0x66 || b == 0x67 || b == 0xf0 ||
	       b == 0xf2 || b == 0xf3;
}

static int addr_bits_67(int code_bits)
{
	return code_bits == 64 ? 32 : (code_bits == 32 ? 16 : 32);
}

int hvm_decode_prefixes(const u8 *buf, int size, int code_bits,
			int *addr_bits)
{
	int i, seg = -1;

	*addr_bits = code_bits;
	for (i = 0; i < size && i < MAX_INSN_LEN && is_legacy_prefix(buf[i]); i++) {
		if (prefix_seg(buf[i]) >= 0)
			seg = prefix_seg(buf[i]);
		else if (buf[i] == 0x67)
			*addr_bits = addr_bits_67(code_bits);
	}
	return seg;
}

/* Bytes of ModRM + SIB + displacement, or -1 if @p runs out or the
 * operand is a register (no memory access to emulate). */
static int modrm_len(const u8 *p, int avail, int addr_bits)
{
	u8 mod, rm;
	int n = 1;

	if (avail < 1)
		return -1;
	mod = p[0] >> 6;
	rm = p[0] & 7;
	if (mod == 3)
		return -1;

	if (addr_bits == 16) {
		if (mod == 0 && rm == 6)
			n += 2;
		else if (mod == 1)
			n += 1;
		else if (mod == 2)
			n += 2;
	} else {
		if (rm == 4) {
			if (avail < 2)
				return -1;
			n++;
			if (mod == 0 && (p[1] & 7) == 5)
				n += 4;
		} else if (mod == 0 && rm == 5) {
			n += 4;	/* disp32, RIP-relative in 64-bit mode */
		}
		if (mod == 1)
			n += 1;
		else if (mod == 2)
			n += 4;
	}
	return n <= avail ? n : -1;
}

/* Little-endian @bytes at @p, sign-extended from them when @sign. */
static u64 read_imm(const u8 *p, int bytes, bool sign)
{
	u64 v = 0;
	int i;

	for (i = bytes - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	if (sign && bytes < 8 && (v >> (bytes * 8 - 1)) & 1)
		v |= ~0ULL << (bytes * 8);
	return v;
}

/* Which forms take LOCK (SDM vol. 2, LOCK): a read-modify-write of memory. */
static bool lock_ok(const struct hvm_insn *insn)
{
	switch (insn->op) {
	case HVM_OP_ALU:
		return insn->sub != HVM_ALU_CMP && !insn->reg_is_dst;
	case HVM_OP_XCHG:
	case HVM_OP_UNARY:
		return true;
	case HVM_OP_BT:
		return insn->sub != HVM_BT;
	default:
		return false;
	}
}

/*
 * The opcode after the prefixes: fills op, sub, sizes and flags, and says
 * whether a ModRM follows (*modrm) and how many immediate bytes
 * (*imm_bytes, sign-extended when *imm_sign).  -1: not emulated.
 */
static int decode_opcode(const u8 *buf, int *i, int size, int code_bits,
			 int op_bits, struct hvm_insn *insn, bool *modrm,
			 int *imm_bytes, bool *imm_sign)
{
	int vbytes = op_bits / 8;
	int iz = vbytes == 2 ? 2 : 4;	/* Iz: imm16 or imm32 */
	u8 op = buf[(*i)++];
	u8 reg = *i < size ? (buf[*i] >> 3) & 7 : 0;

	*modrm = true;
	*imm_bytes = 0;
	*imm_sign = false;
	insn->reg_size = 0;

	if (op < 0x40 && (op & 7) < 4) {		/* ALU Eb,Gb .. Gv,Ev */
		insn->op = HVM_OP_ALU;
		insn->sub = op >> 3;
		insn->mem_size = (op & 1) ? vbytes : 1;
		insn->reg_size = insn->mem_size;
		insn->reg_is_dst = op & 2;
		return 0;
	}
	switch (op) {
	case 0x63:			/* MOVSXD Gv, Ed (64-bit mode only) */
		if (code_bits != 64)
			return -1;	/* ARPL */
		insn->op = vbytes == 8 ? HVM_OP_MOVSX : HVM_OP_MOV_LOAD;
		insn->mem_size = vbytes == 8 ? 4 : vbytes;
		insn->reg_size = vbytes;
		return 0;
	case 0x82:			/* 80 in legacy modes, #UD in 64-bit */
		if (code_bits == 64)
			return -1;
		fallthrough;
	case 0x80: case 0x81: case 0x83:
		insn->op = HVM_OP_ALU;
		insn->sub = reg;
		insn->mem_size = (op & 1) ? vbytes : 1;
		insn->has_imm = true;
		*imm_bytes = op == 0x81 ? iz : 1;
		*imm_sign = true;
		return 0;
	case 0x84: case 0x85:
		insn->op = HVM_OP_TEST;
		insn->mem_size = (op & 1) ? vbytes : 1;
		insn->reg_size = insn->mem_size;
		return 0;
	case 0x86: case 0x87:
		insn->op = HVM_OP_XCHG;
		insn->mem_size = (op & 1) ? vbytes : 1;
		insn->reg_size = insn->mem_size;
		return 0;
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		insn->op = (op & 2) ? HVM_OP_MOV_LOAD : HVM_OP_MOV_STORE;
		insn->mem_size = (op & 1) ? vbytes : 1;
		insn->reg_size = insn->mem_size;
		return 0;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		/* moffs: an address-size offset, no ModRM; the register is rAX */
		insn->op = (op & 2) ? HVM_OP_MOV_STORE : HVM_OP_MOV_LOAD;
		insn->mem_size = (op & 1) ? vbytes : 1;
		insn->reg_size = insn->mem_size;
		insn->reg = 0;
		*modrm = false;
		*imm_bytes = insn->addr_bits / 8;	/* the offset */
		return 0;
	case 0xa4: case 0xa5: case 0xaa: case 0xab: case 0xac: case 0xad:
		insn->op = op < 0xaa ? HVM_OP_MOVS :
			   (op < 0xac ? HVM_OP_STOS : HVM_OP_LODS);
		insn->mem_size = (op & 1) ? vbytes : 1;
		insn->reg_size = insn->op == HVM_OP_MOVS ? 0 : insn->mem_size;
		insn->reg = 0;
		*modrm = false;
		return 0;
	case 0xc6: case 0xc7:
		if (reg != 0)
			return -1;	/* C6/C7 /1-/7: not MOV */
		insn->op = HVM_OP_MOV_STORE;
		insn->mem_size = (op & 1) ? vbytes : 1;
		insn->has_imm = true;
		*imm_bytes = insn->mem_size == 1 ? 1 : iz;
		*imm_sign = true;
		return 0;
	case 0xf6: case 0xf7:
		insn->mem_size = (op & 1) ? vbytes : 1;
		if (reg == 0) {
			insn->op = HVM_OP_TEST;
			insn->has_imm = true;
			*imm_bytes = insn->mem_size == 1 ? 1 : iz;
			*imm_sign = true;
			return 0;
		}
		if (reg != 2 && reg != 3)
			return -1;	/* MUL, IMUL, DIV, IDIV (and /1) */
		insn->op = HVM_OP_UNARY;
		insn->sub = reg == 2 ? HVM_NOT : HVM_NEG;
		return 0;
	case 0xfe: case 0xff:
		if (reg > 1)
			return -1;	/* CALL, JMP, PUSH through memory */
		insn->op = HVM_OP_UNARY;
		insn->sub = reg == 0 ? HVM_INC : HVM_DEC;
		insn->mem_size = (op & 1) ? vbytes : 1;
		return 0;
	case 0x0f:
		if (*i >= size)
			return -1;
		op = buf[(*i)++];
		reg = *i < size ? (buf[*i] >> 3) & 7 : 0;
		switch (op) {
		case 0xb6: case 0xb7: case 0xbe: case 0xbf:
			insn->op = op >= 0xbe ? HVM_OP_MOVSX : HVM_OP_MOVZX;
			insn->mem_size = (op & 1) ? 2 : 1;
			insn->reg_size = vbytes;
			return 0;
		case 0xa3: case 0xab: case 0xb3: case 0xbb:
			insn->op = HVM_OP_BT;
			insn->sub = (op >> 3) & 3;	/* A3 BT, AB BTS, B3 BTR, BB BTC */
			insn->mem_size = vbytes;
			insn->reg_size = vbytes;
			return 0;
		case 0xba:
			if (reg < 4)
				return -1;
			insn->op = HVM_OP_BT;
			insn->sub = reg - 4;
			insn->mem_size = vbytes;
			insn->has_imm = true;
			*imm_bytes = 1;
			return 0;
		}
		return -1;
	}
	return -1;
}

int hvm_decode(const u8 *buf, int size, int code_bits, struct hvm_insn *insn)
{
	int op_bits = code_bits == 16 ? 16 : 32;
	int i, n, rex = 0, imm_bytes;
	bool modrm, imm_sign;

	if (size > MAX_INSN_LEN)
		size = MAX_INSN_LEN;
	*insn = (struct hvm_insn){ .seg = -1, .addr_bits = code_bits };

	for (i = 0; i < size; i++) {
		if (is_legacy_prefix(buf[i])) {
			rex = 0;	/* a REX before a legacy prefix is ignored */
			if (prefix_seg(buf[i]) >= 0)
				insn->seg = prefix_seg(buf[i]);
			else if (buf[i] == 0x66)
				op_bits = code_bits == 16 ? 32 : 16;
			else if (buf[i] == 0x67)
				insn->addr_bits = addr_bits_67(code_bits);
			else if (buf[i] == 0xf0)
				insn->lock = true;
			else
				insn->rep = buf[i];
		} else if (code_bits == 64 && (buf[i] & 0xf0) == 0x40) {
			rex = buf[i];
		} else {
			break;
		}
	}
	if (rex & 8)
		op_bits = 64;
	if (i >= size)
		return -1;
	if (decode_opcode(buf, &i, size, code_bits, op_bits, insn, &modrm,
			  &imm_bytes, &imm_sign))
		return -1;

	if (modrm) {
		n = modrm_len(buf + i, size - i, insn->addr_bits);
		if (n < 0)
			return -1;
		if (insn->reg_size)
			insn->reg = ((buf[i] >> 3) & 7) | ((rex & 4) ? 8 : 0);
		i += n;
	}
	/* Byte registers 4..7 without REX are AH, CH, DH, BH. */
	if (insn->reg_size == 1 && !rex && insn->reg >= 4) {
		insn->high_byte = true;
		insn->reg -= 4;
	}
	if (imm_bytes) {
		if (i + imm_bytes > size)
			return -1;
		if (modrm)
			insn->imm = read_imm(buf + i, imm_bytes, imm_sign);
		i += imm_bytes;
	}
	if (insn->lock && !lock_ok(insn))
		return -1;		/* #UD on hardware */
	insn->len = i;
	return 0;
}
