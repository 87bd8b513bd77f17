// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO exits: a guest access to a guest-physical address that is not RAM.
 * The emulated CPUs have no decode assists, so the instruction is fetched
 * through the guest's page tables and decoded here (decode.c).
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
	struct hvm_run *run = vcpu->run;
	int bits = hvm_code_bits(vcpu);
	struct hvm_insn insn;
	u8 buf[16] = { 0 };
	u64 val;
	int n;

	if (nbytes > 0 && nbytes <= 15) {
		memcpy(buf, bytes, nbytes);
		if (!hvm_decode(buf, nbytes, bits, &insn))
			goto decoded;
	}
	n = hvm_fetch_insn(vcpu, buf);
	if (n == HVM_GUEST_FAULT)
		return 1;
	if (n < 0 || hvm_decode(buf, n, bits, &insn))
		return mmio_emulation_failed(vcpu, gpa, buf);
decoded:

	run->exit_reason = HVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = insn.mem_size;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));

	switch (insn.kind) {
	case HVM_INSN_MOV_TO_MEM:
	case HVM_INSN_MOV_IMM:
		val = insn.kind == HVM_INSN_MOV_IMM ? insn.imm :
		      hvm_read_reg(vcpu, insn.reg, insn.reg_size, insn.high_byte);
		run->mmio.is_write = 1;
		memcpy(run->mmio.data, &val, insn.mem_size);
		vcpu->rip += insn.len;
		break;
	default:
		run->mmio.is_write = 0;
		vcpu->pending = (struct hvm_pending_exit) {
			.kind = HVM_PENDING_MMIO_READ,
			.size = insn.mem_size,
			.reg = insn.reg,
			.reg_size = insn.reg_size,
			.high_byte = insn.high_byte,
			.sign_extend = insn.kind == HVM_INSN_MOVSX,
			.next_rip = vcpu->rip + insn.len,
		};
		break;
	}
	return 0;
}

void hvm_complete_mmio_read(struct hvm_vcpu *vcpu)
{
	struct hvm_pending_exit *p = &vcpu->pending;
	u64 v = 0;

	memcpy(&v, vcpu->run->mmio.data, p->size);
	if (p->sign_extend && p->size < 8 && (v & (1ULL << (p->size * 8 - 1))))
		v |= ~0ULL << (p->size * 8);
	hvm_write_reg(vcpu, p->reg, p->reg_size, p->high_byte, v);
	vcpu->rip = p->next_rip;
}
