// SPDX-License-Identifier: GPL-2.0
/*
 * Integer operations with hardware flags (see alu.h).  Each case loads the
 * guest's status flags into RFLAGS around the host's own instruction; the
 * other RFLAGS bits stay the host's, so POPF changes nothing else.
 * Needs -mno-red-zone (the kernel's default) for the PUSH/POP.
 */
#include "alu.h"

#ifdef __KERNEL__
#include <asm/irqflags.h>
static inline u64 host_rflags(void)
{
	return native_save_fl();
}
#else
static inline u64 host_rflags(void)
{
	return __builtin_ia32_readeflags_u64();
}
#endif

/* Guest status flags, host everything else. */
static u64 flags_in(u64 rflags)
{
	return (host_rflags() & ~HVM_FLAGS_STATUS) | (rflags & HVM_FLAGS_STATUS);
}

static void flags_out(u64 *rflags, u64 fl)
{
	*rflags = (*rflags & ~HVM_FLAGS_STATUS) | (fl & HVM_FLAGS_STATUS);
}

/* One two-operand instruction on each operand size. */
#define OP2(insn, sz, d, s, fl)							\
	asm volatile("push %[f]\n\tpopf\n\t" insn " %[src], %[dst]\n\t"	\
		     "pushf\n\tpop %[f]"					\
		     : [dst] "+" sz (d), [f] "+r" (fl) : [src] sz (s) : "cc")

#define OP2_SIZES(name, size, dst, src, fl, res)				\
	do {									\
		switch (size) {							\
		case 1: { u8 d = dst, s = src; OP2(name "b", "q", d, s, fl); res = d; break; } \
		case 2: { u16 d = dst, s = src; OP2(name "w", "r", d, s, fl); res = d; break; } \
		case 4: { u32 d = dst, s = src; OP2(name "l", "r", d, s, fl); res = d; break; } \
		default: { u64 d = dst, s = src; OP2(name "q", "r", d, s, fl); res = d; break; } \
		}								\
	} while (0)

#define OP1(insn, sz, d, fl)							\
	asm volatile("push %[f]\n\tpopf\n\t" insn " %[dst]\n\t"		\
		     "pushf\n\tpop %[f]"					\
		     : [dst] "+" sz (d), [f] "+r" (fl) : : "cc")

#define OP1_SIZES(name, size, dst, fl, res)					\
	do {									\
		switch (size) {							\
		case 1: { u8 d = dst; OP1(name "b", "q", d, fl); res = d; break; } \
		case 2: { u16 d = dst; OP1(name "w", "r", d, fl); res = d; break; } \
		case 4: { u32 d = dst; OP1(name "l", "r", d, fl); res = d; break; } \
		default: { u64 d = dst; OP1(name "q", "r", d, fl); res = d; break; } \
		}								\
	} while (0)

u64 hvm_alu(enum hvm_alu op, int size, u64 dst, u64 src, u64 *rflags)
{
	u64 fl = flags_in(*rflags), res = dst;

	switch (op) {
	case HVM_ALU_ADD: OP2_SIZES("add", size, dst, src, fl, res); break;
	case HVM_ALU_OR:  OP2_SIZES("or",  size, dst, src, fl, res); break;
	case HVM_ALU_ADC: OP2_SIZES("adc", size, dst, src, fl, res); break;
	case HVM_ALU_SBB: OP2_SIZES("sbb", size, dst, src, fl, res); break;
	case HVM_ALU_AND: OP2_SIZES("and", size, dst, src, fl, res); break;
	case HVM_ALU_SUB: OP2_SIZES("sub", size, dst, src, fl, res); break;
	case HVM_ALU_XOR: OP2_SIZES("xor", size, dst, src, fl, res); break;
	case HVM_ALU_CMP: OP2_SIZES("cmp", size, dst, src, fl, res); break;
	}
	flags_out(rflags, fl);
	return res;
}

void hvm_test(int size, u64 a, u64 b, u64 *rflags)
{
	u64 fl = flags_in(*rflags), res;

	OP2_SIZES("test", size, a, b, fl, res);
	(void)res;
	flags_out(rflags, fl);
}

u64 hvm_unary(enum hvm_unary op, int size, u64 dst, u64 *rflags)
{
	u64 fl = flags_in(*rflags), res = dst;

	switch (op) {
	case HVM_INC: OP1_SIZES("inc", size, dst, fl, res); break;
	case HVM_DEC: OP1_SIZES("dec", size, dst, fl, res); break;
	case HVM_NOT: OP1_SIZES("not", size, dst, fl, res); break;
	case HVM_NEG: OP1_SIZES("neg", size, dst, fl, res); break;
	}
	flags_out(rflags, fl);
	return res;
}

/* BT* has no byte form: callers only pass 2, 4 or 8. */
#define BT_SIZES(name, size, dst, bit, fl, res)					\
	do {									\
		switch (size) {							\
		case 2: { u16 d = dst, s = bit; OP2(name "w", "r", d, s, fl); res = d; break; } \
		case 4: { u32 d = dst, s = bit; OP2(name "l", "r", d, s, fl); res = d; break; } \
		default: { u64 d = dst, s = bit; OP2(name "q", "r", d, s, fl); res = d; break; } \
		}								\
	} while (0)

u64 hvm_bt(enum hvm_bt op, int size, u64 dst, u64 bit, u64 *rflags)
{
	u64 fl = flags_in(*rflags), res = dst;

	bit &= size * 8 - 1;
	switch (op) {
	case HVM_BT:  BT_SIZES("bt",  size, dst, bit, fl, res); break;
	case HVM_BTS: BT_SIZES("bts", size, dst, bit, fl, res); break;
	case HVM_BTR: BT_SIZES("btr", size, dst, bit, fl, res); break;
	case HVM_BTC: BT_SIZES("btc", size, dst, bit, fl, res); break;
	}
	flags_out(rflags, fl);
	return res;
}
