// SPDX-License-Identifier: GPL-2.0
/*
 * Executing one decoded instruction (decode.c) whose memory operand is
 * MMIO, with flags from alu.c.  A read of MMIO is an exit to user space:
 * the instruction's bytes wait in vcpu->pending and the instruction runs
 * again, to its end, once user space has supplied the data
 * (hvm_complete_mmio).  A write is always the instruction's last step, so
 * registers, flags and RIP are final when user space sees it.
 * String instructions do one element per exit; with REP, RIP stays until
 * rCX reaches 0 and the guest executes the instruction again.
 */
#include <linux/string.h>
#include <asm/processor-flags.h>

#include "hvm.h"
#include "alu.h"
#include "backend.h"
#include "decode.h"
#include "emulate.h"
#include "guest_mem.h"
#include "ioapic.h"
#include "lapic.h"

static u64 size_mask(int size)
{
	return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/* The run page's MMIO exit: @size bytes at @gpa, data zeroed. */
static void mmio_exit(struct hvm_vcpu *vcpu, u64 gpa, int size, bool write)
{
	struct hvm_run *run = vcpu->run;

	run->exit_reason = HVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = size;
	run->mmio.is_write = write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
}

/* Devices the kernel emulates (local APIC, I/O APIC) come first. */
static bool kernel_mmio_read(struct hvm_vcpu *vcpu, u64 gpa, int size, u64 *val)
{
	return hvm_lapic_mmio_read(vcpu, gpa, size, val) ||
	       hvm_ioapic_mmio_read(vcpu, gpa, size, val);
}

static bool kernel_mmio_write(struct hvm_vcpu *vcpu, u64 gpa, int size, u64 val)
{
	return hvm_lapic_mmio_write(vcpu, gpa, size, val) ||
	       hvm_ioapic_mmio_write(vcpu, gpa, size, val);
}

static int mmio_write_exit(struct hvm_vcpu *vcpu, u64 gpa, int size, u64 val)
{
	if (kernel_mmio_write(vcpu, gpa, size, val))
		return 1;
	mmio_exit(vcpu, gpa, size, true);
	memcpy(vcpu->run->mmio.data, &val, size);
	return 0;
}

/* Ask user space for @size bytes at @gpa; the instruction runs again then.
 * A kernel device answers at once: the instruction runs again now. */
static int mmio_read_exit(struct hvm_vcpu *vcpu, u64 gpa, int size,
			  const u8 *bytes, int nbytes, const struct hvm_insn *insn)
{
	struct hvm_pending_exit *p = &vcpu->pending;
	u64 val;

	if (kernel_mmio_read(vcpu, gpa, size, &val))
		return hvm_emulate_mmio(vcpu, gpa, bytes, nbytes, insn, &val);

	mmio_exit(vcpu, gpa, size, false);
	*p = (struct hvm_pending_exit) {
		.kind = HVM_PENDING_MMIO,
		.size = size,
		.gpa = gpa,
		.insn_len = nbytes,
	};
	memcpy(p->insn, bytes, nbytes);
	return 0;
}

/* The register or immediate operand. */
static u64 src_value(struct hvm_vcpu *vcpu, const struct hvm_insn *insn)
{
	if (insn->has_imm)
		return insn->imm & size_mask(insn->mem_size);
	return hvm_read_reg(vcpu, insn->reg, insn->reg_size, insn->high_byte);
}

/* rSI/rDI/rCX as the address size updates them (SDM vol. 1, 3.3.7). */
static void addr_reg_add(struct hvm_vcpu *vcpu, int reg, int addr_bits, s64 delta)
{
	u64 v = vcpu->regs[reg] + delta;

	if (addr_bits == 16)
		vcpu->regs[reg] = (vcpu->regs[reg] & ~0xffffULL) | (v & 0xffff);
	else if (addr_bits == 32)
		vcpu->regs[reg] = (u32)v;
	else
		vcpu->regs[reg] = v;
}

static u64 addr_reg(struct hvm_vcpu *vcpu, int reg, int addr_bits)
{
	return addr_bits == 64 ? vcpu->regs[reg] :
	       vcpu->regs[reg] & ((1ULL << addr_bits) - 1);
}

/* One element done: move rSI/rDI, count rCX down, and finish the
 * instruction unless REP has more to do. */
static void string_step(struct hvm_vcpu *vcpu, const struct hvm_insn *insn,
			bool si, bool di)
{
	s64 step = (vcpu->rflags & X86_EFLAGS_DF) ? -insn->mem_size : insn->mem_size;

	if (si)
		addr_reg_add(vcpu, HVM_RSI, insn->addr_bits, step);
	if (di)
		addr_reg_add(vcpu, HVM_RDI, insn->addr_bits, step);
	if (insn->rep) {
		addr_reg_add(vcpu, HVM_RCX, insn->addr_bits, -1);
		if (addr_reg(vcpu, HVM_RCX, insn->addr_bits))
			return;		/* the guest executes it again */
	}
	vcpu->rip += insn->len;
}

static int mmio_string(struct hvm_vcpu *vcpu, u64 gpa, const u8 *bytes,
		       int nbytes, const struct hvm_insn *insn, const u64 *read)
{
	int size = insn->mem_size, src_seg = insn->seg >= 0 ? insn->seg : HVM_SEG_DS;
	u64 val = 0, src_gpa, dst_gpa;
	int r;

	if (insn->rep && !addr_reg(vcpu, HVM_RCX, insn->addr_bits)) {
		vcpu->rip += insn->len;		/* nothing to do (no access) */
		return 1;
	}
	switch (insn->op) {
	case HVM_OP_STOS:
		val = hvm_read_reg(vcpu, HVM_RAX, size, false);
		string_step(vcpu, insn, false, true);
		return mmio_write_exit(vcpu, gpa, size, val);
	case HVM_OP_LODS:
		if (!read)
			return mmio_read_exit(vcpu, gpa, size, bytes, nbytes, insn);
		hvm_write_reg(vcpu, HVM_RAX, size, false, *read);
		string_step(vcpu, insn, true, false);
		return 1;
	}

	/* MOVS: either side (or both) may be MMIO; RAM goes directly. */
	r = hvm_gva_to_gpa(vcpu, hvm_seg_linear(vcpu, src_seg,
			   addr_reg(vcpu, HVM_RSI, insn->addr_bits)), 0, &src_gpa);
	if (r)
		return r == HVM_GUEST_FAULT ? 1 : r;
	if (read)
		val = *read;
	else if (hvm_gpa_read(vcpu->vm, src_gpa, &val, size))
		return mmio_read_exit(vcpu, src_gpa, size, bytes, nbytes, insn);
	r = hvm_gva_to_gpa(vcpu, hvm_seg_linear(vcpu, HVM_SEG_ES,
			   addr_reg(vcpu, HVM_RDI, insn->addr_bits)),
			   HVM_ACC_WRITE, &dst_gpa);
	if (r)
		return r == HVM_GUEST_FAULT ? 1 : r;
	string_step(vcpu, insn, true, true);
	if (!hvm_gpa_write(vcpu->vm, dst_gpa, &val, size))
		return 1;
	return mmio_write_exit(vcpu, dst_gpa, size, val);
}

/*
 * Run @insn (@bytes as fetched) against MMIO at @gpa.  @read: the value
 * user space supplied for the read this instruction asked for, or NULL on
 * the first pass.  Returns 1 (done, re-enter the guest) or 0 (an exit for
 * user space is set up).
 */
int hvm_emulate_mmio(struct hvm_vcpu *vcpu, u64 gpa, const u8 *bytes,
		     int nbytes, const struct hvm_insn *insn, const u64 *read)
{
	int size = insn->mem_size;
	u64 val, res, reg;

	switch (insn->op) {
	case HVM_OP_MOV_STORE:
		val = src_value(vcpu, insn);
		vcpu->rip += insn->len;
		return mmio_write_exit(vcpu, gpa, size, val);
	case HVM_OP_MOVS:
	case HVM_OP_STOS:
	case HVM_OP_LODS:
		return mmio_string(vcpu, gpa, bytes, nbytes, insn, read);
	}
	if (!read)
		return mmio_read_exit(vcpu, gpa, size, bytes, nbytes, insn);
	val = *read & size_mask(size);

	switch (insn->op) {
	case HVM_OP_MOV_LOAD:
	case HVM_OP_MOVZX:
		hvm_write_reg(vcpu, insn->reg, insn->reg_size, insn->high_byte, val);
		break;
	case HVM_OP_MOVSX:
		if (val >> (size * 8 - 1))
			val |= ~size_mask(size);
		hvm_write_reg(vcpu, insn->reg, insn->reg_size, false, val);
		break;
	case HVM_OP_ALU:
		if (insn->reg_is_dst) {		/* reg op= memory */
			reg = src_value(vcpu, insn);
			res = hvm_alu(insn->sub, size, reg, val, &vcpu->rflags);
			if (insn->sub != HVM_ALU_CMP)
				hvm_write_reg(vcpu, insn->reg, insn->reg_size,
					      insn->high_byte, res);
			break;
		}
		res = hvm_alu(insn->sub, size, val, src_value(vcpu, insn),
			      &vcpu->rflags);
		if (insn->sub == HVM_ALU_CMP)
			break;
		vcpu->rip += insn->len;
		return mmio_write_exit(vcpu, gpa, size, res);
	case HVM_OP_TEST:
		hvm_test(size, val, src_value(vcpu, insn), &vcpu->rflags);
		break;
	case HVM_OP_XCHG:
		reg = src_value(vcpu, insn);
		hvm_write_reg(vcpu, insn->reg, insn->reg_size, insn->high_byte, val);
		vcpu->rip += insn->len;
		return mmio_write_exit(vcpu, gpa, size, reg);
	case HVM_OP_BT:
		/* The CPU already picked the word holding the bit (gpa). */
		res = hvm_bt(insn->sub, size, val, src_value(vcpu, insn),
			     &vcpu->rflags);
		if (insn->sub == HVM_BT)
			break;
		vcpu->rip += insn->len;
		return mmio_write_exit(vcpu, gpa, size, res);
	case HVM_OP_UNARY:
		res = hvm_unary(insn->sub, size, val, &vcpu->rflags);
		vcpu->rip += insn->len;
		return mmio_write_exit(vcpu, gpa, size, res);
	}
	vcpu->rip += insn->len;
	return 1;
}

/* RUN after an MMIO read exit: the instruction runs again, with the data. */
int hvm_complete_mmio(struct hvm_vcpu *vcpu)
{
	struct hvm_pending_exit *p = &vcpu->pending;
	struct hvm_insn insn;
	u64 val = 0;

	memcpy(&val, vcpu->run->mmio.data, p->size);
	if (hvm_decode(p->insn, p->insn_len, hvm_code_bits(vcpu), &insn))
		return hvm_exit_internal_error(vcpu, HVM_INTERNAL_EMULATION, 1,
					       &vcpu->rip);
	return hvm_emulate_mmio(vcpu, p->gpa, p->insn, p->insn_len, &insn, &val);
}
