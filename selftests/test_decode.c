// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: the MMIO instruction decoder (module/decode.c) and the flag
 * computations (module/alu.c), built into this user-space program.  Needs
 * no /dev/hvm: it runs on the build host as well as in the test VMs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "../module/decode.h"
#include "../module/alu.h"

#define RAX 0
#define RCX 1
#define RDX 2
#define RBX 3
#define RSP 4
#define RSI 6
#define RDI 7
#define R8 8
#define R15 15

struct enc {
	const char *bytes;	/* the encoding, as a C string of \x.. */
	int nbytes;
	int bits;		/* code size: 16, 32, 64 */
	int op, sub, len, mem, reg, reg_size;
	bool high, has_imm, reg_dst;
	u64 imm;
	int seg1;		/* segment override + 1; 0: none */
	int rep;
	int abits;		/* address size when not @bits */
};

/* E(bits, "bytes", op, sub, len, mem, reg, reg_size): decodes like that. */
#define E(b, s, o, su, l, m, r, rs, ...)					\
	{ .bytes = s, .nbytes = sizeof(s) - 1, .bits = b, .op = o, .sub = su,	\
	  .len = l, .mem = m, .reg = r, .reg_size = rs, __VA_ARGS__ }

static const struct enc valid[] = {
	/* MOV in all its forms */
	E(64, "\x88\x07", HVM_OP_MOV_STORE, 0, 2, 1, RAX, 1),		/* mov [rdi],al */
	E(64, "\x88\x27", HVM_OP_MOV_STORE, 0, 2, 1, RAX, 1, .high = true), /* mov [rdi],ah */
	E(64, "\x40\x88\x27", HVM_OP_MOV_STORE, 0, 3, 1, RSP, 1),	/* mov [rdi],spl */
	E(64, "\x89\x0f", HVM_OP_MOV_STORE, 0, 2, 4, RCX, 4),
	E(64, "\x66\x89\x0f", HVM_OP_MOV_STORE, 0, 3, 2, RCX, 2),
	E(64, "\x48\x89\x0f", HVM_OP_MOV_STORE, 0, 3, 8, RCX, 8),
	E(64, "\x4c\x89\x07", HVM_OP_MOV_STORE, 0, 3, 8, R8, 8),
	E(64, "\x8a\x07", HVM_OP_MOV_LOAD, 0, 2, 1, RAX, 1),
	E(64, "\x8b\x05\x10\x00\x00\x00", HVM_OP_MOV_LOAD, 0, 6, 4, RAX, 4), /* rip+0x10 */
	E(64, "\x8b\x44\x8b\x08", HVM_OP_MOV_LOAD, 0, 4, 4, RAX, 4),	/* [rbx+rcx*4+8] */
	E(64, "\x8b\x04\x25\x00\x10\x00\x00", HVM_OP_MOV_LOAD, 0, 7, 4, RAX, 4), /* [0x1000] */
	E(64, "\x8b\x84\x24\x00\x01\x00\x00", HVM_OP_MOV_LOAD, 0, 7, 4, RAX, 4), /* [rsp+0x100] */
	E(64, "\x45\x8b\x7c\x24\x04", HVM_OP_MOV_LOAD, 0, 5, 4, R15, 4),	/* mov r15d,[r12+4] */
	E(64, "\x64\x8b\x00", HVM_OP_MOV_LOAD, 0, 3, 4, RAX, 4, .seg1 = 5),	/* fs: */
	E(64, "\x67\x8b\x00", HVM_OP_MOV_LOAD, 0, 3, 4, RAX, 4, .abits = 32),
	E(64, "\xa1\x00\x10\x00\x00\x00\x00\x00\x00", HVM_OP_MOV_LOAD, 0, 9, 4, RAX, 4),
	E(64, "\xa2\x00\x10\x00\x00\x00\x00\x00\x00", HVM_OP_MOV_STORE, 0, 9, 1, RAX, 1),
	E(64, "\x48\xa3\x00\x10\x00\x00\x00\x00\x00\x00", HVM_OP_MOV_STORE, 0, 10, 8, RAX, 8),
	E(32, "\xa1\x00\x10\x00\x00", HVM_OP_MOV_LOAD, 0, 5, 4, RAX, 4),
	E(16, "\xa1\x00\x10", HVM_OP_MOV_LOAD, 0, 3, 2, RAX, 2),
	E(16, "\x8b\x05", HVM_OP_MOV_LOAD, 0, 2, 2, RAX, 2),		/* mov ax,[di] */
	E(16, "\x8b\x46\x02", HVM_OP_MOV_LOAD, 0, 3, 2, RAX, 2),	/* mov ax,[bp+2] */
	E(16, "\x8b\x06\x00\x10", HVM_OP_MOV_LOAD, 0, 4, 2, RAX, 2),	/* mov ax,[0x1000] */
	E(16, "\x66\x8b\x05", HVM_OP_MOV_LOAD, 0, 3, 4, RAX, 4),
	E(32, "\x8b\x4d\x08", HVM_OP_MOV_LOAD, 0, 3, 4, RCX, 4),
	E(32, "\x8b\x05\x00\x10\x00\x00", HVM_OP_MOV_LOAD, 0, 6, 4, RAX, 4), /* absolute */
	E(64, "\xc6\x07\xab", HVM_OP_MOV_STORE, 0, 3, 1, 0, 0, .has_imm = true, .imm = 0xffffffffffffffabULL),
	E(64, "\x66\xc7\x07\x34\x12", HVM_OP_MOV_STORE, 0, 5, 2, 0, 0, .has_imm = true, .imm = 0x1234),
	E(64, "\xc7\x07\x78\x56\x34\x12", HVM_OP_MOV_STORE, 0, 6, 4, 0, 0, .has_imm = true, .imm = 0x12345678),
	E(64, "\x48\xc7\x07\x00\x00\x00\x80", HVM_OP_MOV_STORE, 0, 7, 8, 0, 0, .has_imm = true, .imm = 0xffffffff80000000ULL),
	E(64, "\x0f\xb6\x07", HVM_OP_MOVZX, 0, 3, 1, RAX, 4),
	E(64, "\x48\x0f\xb7\x07", HVM_OP_MOVZX, 0, 4, 2, RAX, 8),
	E(64, "\x0f\xbe\x07", HVM_OP_MOVSX, 0, 3, 1, RAX, 4),
	E(64, "\x66\x0f\xbe\x07", HVM_OP_MOVSX, 0, 4, 1, RAX, 2),
	E(64, "\x48\x0f\xbf\x07", HVM_OP_MOVSX, 0, 4, 2, RAX, 8),
	E(64, "\x48\x63\x07", HVM_OP_MOVSX, 0, 3, 4, RAX, 8),		/* movsxd */
	E(64, "\x63\x07", HVM_OP_MOV_LOAD, 0, 2, 4, RAX, 4),
	/* ALU with a register, both directions */
	E(64, "\x00\x07", HVM_OP_ALU, HVM_ALU_ADD, 2, 1, RAX, 1),
	E(64, "\x01\x07", HVM_OP_ALU, HVM_ALU_ADD, 2, 4, RAX, 4),
	E(64, "\x03\x07", HVM_OP_ALU, HVM_ALU_ADD, 2, 4, RAX, 4, .reg_dst = true),
	E(64, "\x09\x0f", HVM_OP_ALU, HVM_ALU_OR, 2, 4, RCX, 4),
	E(64, "\x48\x11\x0f", HVM_OP_ALU, HVM_ALU_ADC, 3, 8, RCX, 8),
	E(64, "\x19\x0f", HVM_OP_ALU, HVM_ALU_SBB, 2, 4, RCX, 4),
	E(64, "\x21\x0f", HVM_OP_ALU, HVM_ALU_AND, 2, 4, RCX, 4),
	E(64, "\x29\x0f", HVM_OP_ALU, HVM_ALU_SUB, 2, 4, RCX, 4),
	E(64, "\x31\x0f", HVM_OP_ALU, HVM_ALU_XOR, 2, 4, RCX, 4),
	E(64, "\x39\x0f", HVM_OP_ALU, HVM_ALU_CMP, 2, 4, RCX, 4),
	E(64, "\x3a\x2f", HVM_OP_ALU, HVM_ALU_CMP, 2, 1, RCX, 1, .reg_dst = true, .high = true),
	E(64, "\xf0\x01\x07", HVM_OP_ALU, HVM_ALU_ADD, 3, 4, RAX, 4),	/* lock add */
	/* ALU with an immediate */
	E(64, "\x80\x0f\x01", HVM_OP_ALU, HVM_ALU_OR, 3, 1, 0, 0, .has_imm = true, .imm = 1),
	E(64, "\x81\x27\xff\x00\xff\x00", HVM_OP_ALU, HVM_ALU_AND, 6, 4, 0, 0, .has_imm = true, .imm = 0xff00ff),
	E(64, "\x66\x81\x07\x34\x12", HVM_OP_ALU, HVM_ALU_ADD, 5, 2, 0, 0, .has_imm = true, .imm = 0x1234),
	E(64, "\x83\x2f\xff", HVM_OP_ALU, HVM_ALU_SUB, 3, 4, 0, 0, .has_imm = true, .imm = ~0ULL),
	E(64, "\x48\x83\x3f\x10", HVM_OP_ALU, HVM_ALU_CMP, 4, 8, 0, 0, .has_imm = true, .imm = 0x10),
	E(64, "\x48\x81\x37\x00\x00\x00\xf0", HVM_OP_ALU, HVM_ALU_XOR, 7, 8, 0, 0, .has_imm = true, .imm = 0xfffffffff0000000ULL),
	E(32, "\x82\x07\x05", HVM_OP_ALU, HVM_ALU_ADD, 3, 1, 0, 0, .has_imm = true, .imm = 5),
	/* TEST, XCHG, INC/DEC/NOT/NEG */
	E(64, "\x84\x07", HVM_OP_TEST, 0, 2, 1, RAX, 1),
	E(64, "\x85\x0f", HVM_OP_TEST, 0, 2, 4, RCX, 4),
	E(64, "\xf6\x07\x80", HVM_OP_TEST, 0, 3, 1, 0, 0, .has_imm = true, .imm = 0xffffffffffffff80ULL),
	E(64, "\xf7\x07\x00\x00\x01\x00", HVM_OP_TEST, 0, 6, 4, 0, 0, .has_imm = true, .imm = 0x10000),
	E(64, "\x66\xf7\x07\x01\x00", HVM_OP_TEST, 0, 5, 2, 0, 0, .has_imm = true, .imm = 1),
	E(64, "\x86\x07", HVM_OP_XCHG, 0, 2, 1, RAX, 1),
	E(64, "\x48\x87\x0f", HVM_OP_XCHG, 0, 3, 8, RCX, 8),
	E(64, "\xfe\x07", HVM_OP_UNARY, HVM_INC, 2, 1, 0, 0),
	E(64, "\xff\x0f", HVM_OP_UNARY, HVM_DEC, 2, 4, 0, 0),
	E(64, "\xf0\x48\xff\x07", HVM_OP_UNARY, HVM_INC, 4, 8, 0, 0),
	E(64, "\xf6\x17", HVM_OP_UNARY, HVM_NOT, 2, 1, 0, 0),
	E(64, "\x66\xf7\x1f", HVM_OP_UNARY, HVM_NEG, 3, 2, 0, 0),
	/* BT family */
	E(64, "\x0f\xa3\x07", HVM_OP_BT, HVM_BT, 3, 4, RAX, 4),
	E(64, "\x48\x0f\xab\x0f", HVM_OP_BT, HVM_BTS, 4, 8, RCX, 8),
	E(64, "\x66\x0f\xb3\x07", HVM_OP_BT, HVM_BTR, 4, 2, RAX, 2),
	E(64, "\xf0\x0f\xbb\x07", HVM_OP_BT, HVM_BTC, 4, 4, RAX, 4),
	E(64, "\x0f\xba\x27\x05", HVM_OP_BT, HVM_BT, 4, 4, 0, 0, .has_imm = true, .imm = 5),
	E(64, "\x0f\xba\x2f\x1f", HVM_OP_BT, HVM_BTS, 4, 4, 0, 0, .has_imm = true, .imm = 0x1f),
	E(64, "\x0f\xba\x37\x00", HVM_OP_BT, HVM_BTR, 4, 4, 0, 0, .has_imm = true, .imm = 0),
	E(64, "\x0f\xba\x3f\x07", HVM_OP_BT, HVM_BTC, 4, 4, 0, 0, .has_imm = true, .imm = 7),
	/* string instructions */
	E(64, "\xa4", HVM_OP_MOVS, 0, 1, 1, 0, 0),
	E(64, "\xf3\x48\xa5", HVM_OP_MOVS, 0, 3, 8, 0, 0, .rep = 0xf3),
	E(64, "\xf3\xab", HVM_OP_STOS, 0, 2, 4, RAX, 4, .rep = 0xf3),
	E(64, "\x66\xab", HVM_OP_STOS, 0, 2, 2, RAX, 2),
	E(64, "\xac", HVM_OP_LODS, 0, 1, 1, RAX, 1),
	E(64, "\x67\xf3\xa4", HVM_OP_MOVS, 0, 3, 1, 0, 0, .rep = 0xf3, .abits = 32),
	E(16, "\xf3\xa5", HVM_OP_MOVS, 0, 2, 2, 0, 0, .rep = 0xf3),
	E(32, "\x26\xad", HVM_OP_LODS, 0, 2, 4, RAX, 4, .seg1 = 1),
	/* prefixes: a REX before a legacy prefix does not count */
	E(64, "\x48\x66\x89\x07", HVM_OP_MOV_STORE, 0, 4, 2, RAX, 2),
	E(64, "\x2e\x3e\x65\x89\x07", HVM_OP_MOV_STORE, 0, 5, 4, RAX, 4, .seg1 = 6),
};

/* Encodings that must be refused (not emulated, or not memory at all). */
static const struct { int bits; const char *bytes; int nbytes; const char *why; } invalid[] = {
#define X(b, s, w) { b, s, sizeof(s) - 1, w }
	X(64, "\x89\xc8", "register operand"),
	X(64, "\x01\xc8", "ALU on registers"),
	X(64, "\x04\x05", "ALU AL,imm8: no memory"),
	X(64, "\x05\x00\x00\x00\x00", "ALU EAX,imm32: no memory"),
	X(64, "\x82\x07\x05", "82 in 64-bit mode"),
	X(32, "\x63\x07", "ARPL"),
	X(64, "\xc6\x4f\x01\x02", "C6 /1"),
	X(64, "\xf7\x27", "MUL"),
	X(64, "\xf7\x3f", "IDIV"),
	X(64, "\xf7\x0f\x00\x00\x00\x00", "F7 /1"),
	X(64, "\xff\x17", "CALL through memory"),
	X(64, "\xff\x37", "PUSH memory"),
	X(64, "\x0f\xba\x07\x01", "0F BA /0"),
	X(64, "\x0f\x0b", "UD2"),
	X(64, "\x0f", "truncated escape"),
	X(64, "\x89", "truncated ModRM"),
	X(64, "\x8b\x04", "truncated SIB"),
	X(64, "\x8b\x05\x10\x00", "truncated disp32"),
	X(64, "\xc7\x07\x78\x56", "truncated imm32"),
	X(64, "\xa1\x00\x10\x00\x00", "truncated moffs64"),
	X(64, "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x89\x07",
	  "longer than 15 bytes"),
	X(64, "\xf0\x89\x07", "LOCK MOV"),
	X(64, "\xf0\x39\x07", "LOCK CMP"),
	X(64, "\xf0\x0f\xa3\x07", "LOCK BT"),
	X(64, "\xf0\x03\x07", "LOCK with a register destination"),
	X(64, "", "empty"),
	X(64, "\x66", "only a prefix"),
	X(64, "\xe8\x00\x00\x00\x00", "CALL rel32"),
	X(64, "\xcc", "INT3"),
#undef X
};

static enum test_result test_valid_encodings(void)
{
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		const struct enc *e = &valid[i];
		struct hvm_insn in;

		if (hvm_decode((const u8 *)e->bytes, e->nbytes, e->bits, &in)) {
			test_diag("#%u: refused", i);
			bad++;
			continue;
		}
		if (in.op != e->op || (e->op != HVM_OP_MOV_STORE && in.sub != e->sub) ||
		    in.len != e->len || in.mem_size != e->mem ||
		    (e->reg_size && (in.reg != e->reg || in.reg_size != e->reg_size ||
				     in.high_byte != e->high)) ||
		    in.has_imm != e->has_imm || (e->has_imm && in.imm != e->imm) ||
		    in.reg_is_dst != e->reg_dst || in.seg != e->seg1 - 1 ||
		    in.rep != e->rep || in.addr_bits != (e->abits ? e->abits : e->bits)) {
			test_diag("#%u: op %d sub %d len %d mem %d reg %d/%d%s imm %d:0x%" PRIx64
				  " dst %d seg %d rep %#x addr %d", i, in.op, in.sub, in.len,
				  in.mem_size, in.reg, in.reg_size, in.high_byte ? "h" : "",
				  in.has_imm, (uint64_t)in.imm, in.reg_is_dst, in.seg,
				  in.rep, in.addr_bits);
			bad++;
		}
	}
	TEST_ASSERT(!bad, "%u of %zu encodings decoded wrongly", bad, ARRAY_SIZE(valid));
	test_diag("%zu encodings checked", ARRAY_SIZE(valid));
	return TEST_PASS;
}

static enum test_result test_invalid_encodings(void)
{
	unsigned int i, bad = 0;
	struct hvm_insn in;

	for (i = 0; i < ARRAY_SIZE(invalid); i++) {
		if (!hvm_decode((const u8 *)invalid[i].bytes, invalid[i].nbytes,
				invalid[i].bits, &in)) {
			test_diag("%s: decoded (op %d len %d)", invalid[i].why, in.op, in.len);
			bad++;
		}
	}
	TEST_ASSERT(!bad, "%u of %zu invalid encodings accepted", bad, ARRAY_SIZE(invalid));
	return TEST_PASS;
}

/* Random bytes in every mode: never a crash, never a length past the input. */
static enum test_result test_random_bytes(void)
{
	static const int modes[] = { 16, 32, 64 };
	unsigned int i, j, decoded = 0;
	u8 buf[16];

	srandom(12345);
	for (i = 0; i < 300000; i++) {
		int n = random() % 16, bits = modes[i % 3];
		struct hvm_insn in;

		for (j = 0; j < sizeof(buf); j++)
			buf[j] = random();
		/* bias towards opcodes the decoder knows */
		if (i & 1)
			buf[random() % 3] = "\x88\x89\x8b\x01\x81\x83\xf7\xff\x0f\xa5\xab"[random() % 11];
		if (hvm_decode(buf, n, bits, &in))
			continue;
		decoded++;
		TEST_ASSERT(in.len >= 1 && in.len <= n && in.len <= 15,
			    "length %d from %d bytes", in.len, n);
		TEST_ASSERT(in.mem_size == 1 || in.mem_size == 2 || in.mem_size == 4 ||
			    in.mem_size == 8, "memory size %d", in.mem_size);
		TEST_ASSERT(in.reg < 16 && in.op <= HVM_OP_LODS, "reg %d op %d", in.reg, in.op);
	}
	test_diag("300000 random inputs, %u decoded", decoded);
	return TEST_PASS;
}

struct flag_case {
	int op, size;
	u64 dst, src, flags_in, res, flags;	/* flags: status bits out */
};

#define CF 0x1
#define PF 0x4
#define AF 0x10
#define ZF 0x40
#define SF 0x80
#define OF 0x800

/* Results and flags from the SDM's definitions, worked out by hand. */
static const struct flag_case alu_cases[] = {
	{ HVM_ALU_ADD, 1, 0xff, 0x01, 0, 0x00, CF | PF | AF | ZF },
	{ HVM_ALU_ADD, 1, 0x7f, 0x01, 0, 0x80, AF | SF | OF },
	{ HVM_ALU_ADD, 2, 0xffff, 0x0001, 0, 0, CF | PF | AF | ZF },
	{ HVM_ALU_ADD, 4, 0x7fffffff, 1, 0, 0x80000000, PF | AF | SF | OF },
	{ HVM_ALU_ADD, 8, ~0ULL, 2, 0, 1, CF | AF },
	{ HVM_ALU_ADC, 4, 1, 1, CF, 3, PF },
	{ HVM_ALU_SBB, 4, 5, 2, CF, 2, 0 },
	{ HVM_ALU_SUB, 4, 0, 1, 0, 0xffffffff, CF | PF | AF | SF },
	{ HVM_ALU_SUB, 1, 0x80, 0x01, 0, 0x7f, AF | OF },
	{ HVM_ALU_CMP, 4, 5, 5, CF | SF, 5, PF | ZF },		/* dst unchanged */
	{ HVM_ALU_AND, 4, 0xf0f0, 0x0ff0, CF | OF, 0x00f0, PF },
	{ HVM_ALU_OR, 8, 0x8000000000000000ULL, 1, 0, 0x8000000000000001ULL, SF },
	{ HVM_ALU_XOR, 2, 0x1234, 0x1234, 0, 0, PF | ZF },
};

static enum test_result test_alu_flags(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(alu_cases); i++) {
		const struct flag_case *c = &alu_cases[i];
		u64 fl = c->flags_in | 0x2 /* reserved bit 1 */ | 0x400 /* DF */;
		u64 r = hvm_alu(c->op, c->size, c->dst, c->src, &fl);

		TEST_ASSERT(r == c->res && (fl & HVM_FLAGS_STATUS) == c->flags,
			    "case %u: result 0x%" PRIx64 " flags %#" PRIx64 ", expected 0x%"
			    PRIx64 " %#" PRIx64, i, (uint64_t)r,
			    (uint64_t)(fl & HVM_FLAGS_STATUS), (uint64_t)c->res,
			    (uint64_t)c->flags);
		TEST_ASSERT((fl & ~HVM_FLAGS_STATUS) == 0x402,
			    "case %u: non-status flags changed: %#" PRIx64, i, (uint64_t)fl);
	}
	return TEST_PASS;
}

static enum test_result test_unary_bt_test(void)
{
	u64 fl = CF, r;

	r = hvm_unary(HVM_INC, 1, 0xff, &fl);		/* INC keeps CF */
	TEST_ASSERT(r == 0 && (fl & HVM_FLAGS_STATUS) == (CF | PF | AF | ZF),
		    "inc: 0x%" PRIx64 " %#" PRIx64, (uint64_t)r, (uint64_t)fl);
	fl = 0;
	r = hvm_unary(HVM_DEC, 4, 0, &fl);
	TEST_ASSERT(r == 0xffffffff && (fl & HVM_FLAGS_STATUS) == (PF | AF | SF),
		    "dec: 0x%" PRIx64 " %#" PRIx64, (uint64_t)r, (uint64_t)fl);
	fl = ZF;
	r = hvm_unary(HVM_NOT, 2, 0x00ff, &fl);		/* NOT: no flags */
	TEST_ASSERT(r == 0xff00 && fl == ZF, "not: 0x%" PRIx64 " %#" PRIx64,
		    (uint64_t)r, (uint64_t)fl);
	fl = 0;
	r = hvm_unary(HVM_NEG, 8, 1, &fl);
	TEST_ASSERT(r == ~0ULL && (fl & (CF | ZF | SF)) == (CF | SF),
		    "neg: 0x%" PRIx64 " %#" PRIx64, (uint64_t)r, (uint64_t)fl);

	fl = 0;
	r = hvm_bt(HVM_BTS, 4, 0x1, 33, &fl);		/* bit 33 mod 32 = 1 */
	TEST_ASSERT(r == 0x3 && !(fl & CF), "bts: 0x%" PRIx64 " %#" PRIx64,
		    (uint64_t)r, (uint64_t)fl);
	r = hvm_bt(HVM_BTR, 2, 0x8001, 15, &fl);
	TEST_ASSERT(r == 0x1 && (fl & CF), "btr: 0x%" PRIx64 " %#" PRIx64,
		    (uint64_t)r, (uint64_t)fl);
	r = hvm_bt(HVM_BT, 8, 1ULL << 63, 63, &fl);
	TEST_ASSERT(r == 1ULL << 63 && (fl & CF), "bt: 0x%" PRIx64, (uint64_t)r);
	r = hvm_bt(HVM_BTC, 4, 0, 0, &fl);
	TEST_ASSERT(r == 1 && !(fl & CF), "btc: 0x%" PRIx64, (uint64_t)r);

	fl = CF | OF;
	hvm_test(1, 0x80, 0xff, &fl);			/* TEST clears CF, OF */
	TEST_ASSERT((fl & HVM_FLAGS_STATUS) == SF, "test: %#" PRIx64, (uint64_t)fl);
	return TEST_PASS;
}

static const struct test_case cases[] = {
	{ "decoder: every listed MOV/ALU/TEST/XCHG/BT/INC/string form decodes exactly",
	  test_valid_encodings },
	{ "decoder: register-only, unsupported, LOCK-invalid and truncated forms are refused",
	  test_invalid_encodings },
	{ "decoder: 300000 random inputs never overrun or crash", test_random_bytes },
	{ "ALU results and status flags as the SDM defines them", test_alu_flags },
	{ "INC/DEC/NOT/NEG, BT/BTS/BTR/BTC and TEST results and flags", test_unary_bt_test },
};

int main(void)
{
	return test_main(cases, ARRAY_SIZE(cases), false);
}
