// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO exits: a guest access to a guest-physical address that is not RAM.
 * Without decode assists the instruction is fetched through the guest's
 * page tables; decode.c decodes it and emulate_mmio.c executes it.
 */
#include <linux/string.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>

#include "hvm.h"
#include "backend.h"
#include "decode.h"
#include "emulate.h"
#include "guest_mem.h"

int hvm_code_bits(struct hvm_vcpu *vcpu)
{
	struct hvm_segment cs;

	hvm_ops->get_segment(vcpu, &cs, HVM_SEG_CS);
	if ((hvm_ops->get_efer(vcpu) & EFER_LMA) && cs.l)
		return 64;
	if (!(hvm_ops->get_cr0(vcpu) & X86_CR0_PE) ||
	    (vcpu->rflags & X86_EFLAGS_VM))
		return 16;
	return cs.db ? 32 : 16;
}

/* The linear address of @seg:@off (64-bit mode: only FS/GS have a base). */
u64 hvm_seg_linear(struct hvm_vcpu *vcpu, int seg, u64 off)
{
	struct hvm_segment s;

	hvm_ops->get_segment(vcpu, &s, seg);
	if (hvm_code_bits(vcpu) == 64)
		return (seg == HVM_SEG_FS || seg == HVM_SEG_GS) ? s.base + off : off;
	return (u32)(s.base + off);
}

/* Up to 15 bytes at CS:RIP; returns the count, HVM_GUEST_FAULT or -EFAULT. */
int hvm_fetch_insn(struct hvm_vcpu *vcpu, u8 *buf)
{
	struct hvm_segment cs;
	u64 lin;
	int r, n;

	hvm_ops->get_segment(vcpu, &cs, HVM_SEG_CS);
	lin = hvm_code_bits(vcpu) == 64 ? vcpu->rip : (u32)(cs.base + vcpu->rip);
	/* The part on RIP's page must be there; the tail is optional. */
	n = min_t(int, 15, PAGE_SIZE - (lin & ~PAGE_MASK));
	r = hvm_gva_read(vcpu, lin, buf, n, HVM_ACC_FETCH);
	if (r)
		return r;
	if (n < 15 && !hvm_gva_read(vcpu, lin + n, buf + n, 15 - n,
				    HVM_ACC_FETCH | HVM_ACC_NOFAULT))
		n = 15;
	return n;
}

u64 hvm_read_reg(struct hvm_vcpu *vcpu, int reg, int size, bool high_byte)
{
	u64 v = vcpu->regs[reg];

	if (high_byte)
		return (v >> 8) & 0xff;
	return size == 8 ? v : v & ((1ULL << (size * 8)) - 1);
}

void hvm_write_reg(struct hvm_vcpu *vcpu, int reg, int size, bool high_byte,
		   u64 val)
{
	u64 *r = &vcpu->regs[reg];

	if (high_byte)
		*r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
	else if (size == 1)
		*r = (*r & ~0xffULL) | (val & 0xff);
	else if (size == 2)
		*r = (*r & ~0xffffULL) | (val & 0xffff);
	else if (size == 4)
		*r = (u32)val;		/* 32-bit writes zero-extend (SDM 3.4.1.1) */
	else
		*r = val;
}

int hvm_exit_internal_error(struct hvm_vcpu *vcpu, u32 suberror, int ndata,
			    const u64 *data)
{
	struct hvm_run *run = vcpu->run;
	int i;

	run->exit_reason = HVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = min(ndata, 8);
	for (i = 0; i < run->internal.ndata; i++)
		run->internal.data[i] = data[i];
	return 0;
}

static int mmio_emulation_failed(struct hvm_vcpu *vcpu, u64 gpa, const u8 *buf)
{
	u64 data[3] = { gpa, 0, 0 };

	memcpy(&data[1], buf, 15);
	return hvm_exit_internal_error(vcpu, HVM_INTERNAL_EMULATION, 3, data);
}

/*
 * @bytes/@nbytes: the instruction as the CPU fetched it (decode assists),
 * or NULL/0 to fetch it here through the guest's page tables.
 */
int hvm_exit_mmio(struct hvm_vcpu *vcpu, u64 gpa, const u8 *bytes, int nbytes)
{
	int bits = hvm_code_bits(vcpu);
	struct hvm_insn insn;
	u8 buf[16] = { 0 };
	int n;

	if (nbytes > 0 && nbytes <= 15) {
		memcpy(buf, bytes, nbytes);
		if (!hvm_decode(buf, nbytes, bits, &insn))
			return hvm_emulate_mmio(vcpu, gpa, buf, insn.len, &insn, NULL);
	}
	n = hvm_fetch_insn(vcpu, buf);
	if (n == HVM_GUEST_FAULT)
		return 1;
	if (n < 0 || hvm_decode(buf, n, bits, &insn))
		return mmio_emulation_failed(vcpu, gpa, buf);
	return hvm_emulate_mmio(vcpu, gpa, buf, insn.len, &insn, NULL);
}
