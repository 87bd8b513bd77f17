// SPDX-License-Identifier: GPL-2.0
/*
 * Decoder for MMIO instructions (SDM vol. 2, ch. 2: prefixes, REX, ModRM,
 * SIB, displacement, immediate).  No kernel dependencies on purpose.
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

int hvm_decode_prefixes(const u8 *buf, int size, int code_bits,
			int *addr_bits)
{
	int i, seg = -1;

	*addr_bits = code_bits;
	for (i = 0; i < size && i < MAX_INSN_LEN && is_legacy_prefix(buf[i]); i++) {
		if (prefix_seg(buf[i]) >= 0)
			seg = prefix_seg(buf[i]);
		else if (buf[i] == 0x67)
			*addr_bits = code_bits == 64 ? 32 : (code_bits == 32 ? 16 : 32);
	}
	return seg;
}

/* Bytes of ModRM + SIB + displacement, or -1 if @p runs out. */
static int modrm_len(const u8 *p, int avail, int addr_bits)
{
	u8 modrm, mod, rm;
	int n = 1;

	if (avail < 1)
		return -1;
	modrm = p[0];
	mod = modrm >> 6;
	rm = modrm & 7;
	if (mod == 3)
		return -1;	/* a register operand: no memory access */

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

static u64 read_imm(const u8 *p, int bytes)
{
	u64 v = 0;
	int i;

	for (i = bytes - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

int hvm_decode(const u8 *buf, int size, int code_bits, struct hvm_insn *insn)
{
	int op_bits = code_bits == 16 ? 16 : 32;
	int addr_bits = code_bits;
	bool rex_w = false, has_rex = false;
	u8 rex_r = 0, op;
	int i = 0, n, imm_bytes = 0;

	if (size > MAX_INSN_LEN)
		size = MAX_INSN_LEN;
	insn->seg = -1;
	insn->imm = 0;
	insn->high_byte = false;

	for (; i < size && is_legacy_prefix(buf[i]); i++) {
		if (prefix_seg(buf[i]) >= 0)
			insn->seg = prefix_seg(buf[i]);
		else if (buf[i] == 0x66)
			op_bits = code_bits == 16 ? 32 : 16;
		else if (buf[i] == 0x67)
			addr_bits = code_bits == 64 ? 32 : (code_bits == 32 ? 16 : 32);
	}
	if (code_bits == 64 && i < size && (buf[i] & 0xf0) == 0x40) {
		has_rex = true;
		rex_w = buf[i] & 8;
		rex_r = (buf[i] & 4) ? 8 : 0;
		i++;
	}
	if (rex_w)
		op_bits = 64;
	if (i >= size)
		return -1;

	op = buf[i++];
	switch (op) {
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		insn->kind = (op & 2) ? HVM_INSN_MOV_FROM_MEM : HVM_INSN_MOV_TO_MEM;
		insn->mem_size = (op & 1) ? op_bits / 8 : 1;
		insn->reg_size = insn->mem_size;
		break;
	case 0xc6: case 0xc7:
		insn->kind = HVM_INSN_MOV_IMM;
		insn->mem_size = (op & 1) ? op_bits / 8 : 1;
		insn->reg_size = 0;
		imm_bytes = insn->mem_size == 8 ? 4 : insn->mem_size;
		break;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3: {
		/* moffs: an address-size offset, no ModRM; register is rAX. */
		int off = addr_bits / 8;

		insn->kind = (op & 2) ? HVM_INSN_MOV_TO_MEM : HVM_INSN_MOV_FROM_MEM;
		insn->mem_size = (op & 1) ? op_bits / 8 : 1;
		insn->reg_size = insn->mem_size;
		insn->reg = 0;
		if (i + off > size)
			return -1;
		insn->len = i + off;
		return 0;
	}
	case 0x0f:
		if (i >= size)
			return -1;
		op = buf[i++];
		if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
			return -1;
		insn->kind = op >= 0xbe ? HVM_INSN_MOVSX : HVM_INSN_MOVZX;
		insn->mem_size = (op & 1) ? 2 : 1;
		insn->reg_size = op_bits / 8;
		break;
	default:
		return -1;
	}

	n = modrm_len(buf + i, size - i, addr_bits);
	if (n < 0)
		return -1;
	insn->reg = ((buf[i] >> 3) & 7) | rex_r;
	if (insn->kind == HVM_INSN_MOV_IMM && (buf[i] & 0x38))
		return -1;	/* C6/C7 with reg != 0 is not MOV */
	/* Byte registers 4..7 without REX are AH, CH, DH, BH. */
	if (insn->reg_size == 1 && !has_rex && insn->reg >= 4 &&
	    insn->kind != HVM_INSN_MOV_IMM) {
		insn->high_byte = true;
		insn->reg -= 4;
	}
	i += n;
	if (imm_bytes) {
		if (i + imm_bytes > size)
			return -1;
		insn->imm = read_imm(buf + i, imm_bytes);
		if (insn->mem_size == 8 && (insn->imm & 0x80000000ULL))
			insn->imm |= 0xffffffff00000000ULL;	/* sign-extended imm32 */
		i += imm_bytes;
	}
	insn->len = i;
	return 0;
}
