// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits.  IN/OUT go to user space one at a time; INS/OUTS (with
 * REP) move up to HVM_RUN_IO_DATA_MAX bytes per exit through the run page.
 * The kernel keeps its own copy of what is pending (port, size, count), so
 * user space may scribble on the run page without effect on the kernel.
 */
#include <linux/string.h>
#include <asm/processor-flags.h>

#include "hvm.h"
#include "backend.h"
#include "decode.h"
#include "emulate.h"
#include "guest_mem.h"
#include "pic.h"
#include "pm_timer.h"

static void io_fill_run(struct hvm_vcpu *vcpu, const struct hvm_io_exit *io,
			u32 count)
{
	struct hvm_run *run = vcpu->run;

	run->exit_reason = HVM_EXIT_IO;
	run->io.direction = io->in ? HVM_EXIT_IO_IN : HVM_EXIT_IO_OUT;
	run->io.size = io->size;
	run->io.port = io->port;
	run->io.count = count;
	run->io.data_offset = HVM_RUN_IO_DATA_OFFSET;
}

static u8 *io_data(struct hvm_vcpu *vcpu)
{
	return (u8 *)vcpu->run + HVM_RUN_IO_DATA_OFFSET;
}

/* Linear address of element @i of a string operation starting at @lin. */
static u64 io_elem(const struct hvm_pending_exit *p, u64 lin, u32 i, bool df)
{
	u64 off = df ? -(u64)i * p->size : (u64)i * p->size;

	return p->addr_mask == ~0ULL ? lin + off : (u32)(lin + off);
}

/*
 * Guest-physical address of each element is resolved now, so that a fault
 * is raised before user space performs the I/O, not after.
 */
static int io_string_translate(struct hvm_vcpu *vcpu, u64 lin, u32 n, bool df,
			       u32 access)
{
	u32 i;

	for (i = 0; i < n; i++) {
		u64 gpa, a = io_elem(&vcpu->pending, lin, i, df);
		int r = hvm_gva_to_gpa(vcpu, a, access, &gpa);

		if (r)
			return r;
		if ((a & ~PAGE_MASK) + vcpu->pending.size > PAGE_SIZE) {
			r = hvm_gva_to_gpa(vcpu, a + vcpu->pending.size - 1,
					   access, &gpa);
			if (r)
				return r;
		}
	}
	return 0;
}

/*
 * Segment and address size of INS/OUTS come from the instruction itself:
 * OUTS honours a segment override, INS always writes ES (SDM vol. 2, INS).
 * (The address-size bits of SVM's EXITINFO1 are not trusted: QEMU's TCG
 * reports them one bit too high.)
 */
static int io_string_decode(struct hvm_vcpu *vcpu, bool in, int *seg,
			    u64 *mask)
{
	int bits = hvm_code_bits(vcpu), addr_bits, n, over;
	u8 buf[16];

	n = hvm_fetch_insn(vcpu, buf);
	if (n < 0 || n == HVM_GUEST_FAULT)
		return n;
	over = hvm_decode_prefixes(buf, n, bits, &addr_bits);
	*seg = in ? HVM_SEG_ES : (over >= 0 ? over : HVM_SEG_DS);
	*mask = addr_bits == 64 ? ~0ULL :
		(addr_bits == 32 ? 0xffffffffULL : 0xffffULL);
	return 0;
}

static int io_string(struct hvm_vcpu *vcpu, const struct hvm_io_exit *io)
{
	struct hvm_pending_exit *p = &vcpu->pending;
	bool df = vcpu->rflags & X86_EFLAGS_DF;
	int idx = io->in ? HVM_RDI : HVM_RSI;
	u64 count, lin, mask;
	int r, seg;
	u32 n, i;

	r = io_string_decode(vcpu, io->in, &seg, &mask);
	if (r)
		goto fail_decode;
	count = io->rep ? vcpu->regs[HVM_RCX] & mask : 1;
	if (!count) {
		vcpu->rip = io->next_rip;
		return 1;
	}
	n = min_t(u64, count, HVM_RUN_IO_DATA_MAX / io->size);
	*p = (struct hvm_pending_exit) {
		.kind = HVM_PENDING_IO_STRING,
		.port = io->port,
		.size = io->size,
		.in = io->in,
		.rep = io->rep,
		.count = n,
		.next_rip = io->next_rip,
		.addr_mask = mask,
	};
	lin = hvm_seg_linear(vcpu, seg, vcpu->regs[idx] & mask);
	p->gpa = lin;		/* linear start, translated again on completion */
	r = io_string_translate(vcpu, lin, n, df,
				io->in ? HVM_ACC_WRITE : 0);
	if (r)
		goto fail;

	if (!io->in) {
		for (i = 0; i < n; i++) {
			r = hvm_gva_read(vcpu, io_elem(p, lin, i, df),
					 io_data(vcpu) + i * io->size, io->size, 0);
			if (r)
				goto fail;
		}
		hvm_complete_io(vcpu);	/* registers move on now */
		p->kind = HVM_PENDING_NONE;
	} else {
		memset(io_data(vcpu), 0, n * io->size);
	}
	io_fill_run(vcpu, io, n);
	return 0;

fail:
	p->kind = HVM_PENDING_NONE;
fail_decode:
	if (r == HVM_GUEST_FAULT)
		return 1;
	return hvm_exit_internal_error(vcpu, HVM_INTERNAL_EMULATION, 1,
				       &vcpu->rip);
}

/* IN/OUT to a port of the kernel's own devices: the 8259 pair (bytes),
 * the ACPI PM timer. */
static bool io_kernel(struct hvm_vcpu *vcpu, const struct hvm_io_exit *io)
{
	struct hvm_vm *vm = vcpu->vm;
	u32 val = vcpu->regs[HVM_RAX];
	u8 b = val;

	if (hvm_pm_timer_pio(vm, io->port, io->size, io->in, &val)) {
		/* answered */
	} else if (io->size == 1 && vm->pic &&
		   hvm_pic_pio(vm, io->port, io->in, &b)) {
		val = b;
	} else {
		return false;
	}
	if (io->in)
		hvm_write_reg(vcpu, HVM_RAX, io->size, false, val);
	vcpu->rip = io->next_rip;
	return true;
}

int hvm_exit_io(struct hvm_vcpu *vcpu, const struct hvm_io_exit *io)
{
	if (io->string)
		return io_string(vcpu, io);
	if (io_kernel(vcpu, io))
		return 1;

	io_fill_run(vcpu, io, 1);
	if (io->in) {
		memset(io_data(vcpu), 0, 4);
		vcpu->pending = (struct hvm_pending_exit) {
			.kind = HVM_PENDING_IO_IN,
			.port = io->port,
			.size = io->size,
			.next_rip = io->next_rip,
		};
	} else {
		memcpy(io_data(vcpu), &vcpu->regs[HVM_RAX], io->size);
		vcpu->rip = io->next_rip;
	}
	return 0;
}

/* Finish IN, or a chunk of INS/OUTS: data to the guest, registers on. */
void hvm_complete_io(struct hvm_vcpu *vcpu)
{
	struct hvm_pending_exit *p = &vcpu->pending;
	bool df = vcpu->rflags & X86_EFLAGS_DF;
	int idx = p->in ? HVM_RDI : HVM_RSI;
	u64 step, left;
	u32 i;

	if (p->kind == HVM_PENDING_IO_IN) {
		u32 v = 0;

		memcpy(&v, io_data(vcpu), p->size);
		hvm_write_reg(vcpu, HVM_RAX, p->size, false, v);
		vcpu->rip = p->next_rip;
		return;
	}

	if (p->in) {
		for (i = 0; i < p->count; i++)
			if (hvm_gva_write(vcpu, io_elem(p, p->gpa, i, df),
					  io_data(vcpu) + i * p->size, p->size))
				return;	/* page tables changed under us: #PF queued */
	}
	step = (u64)p->count * p->size;
	vcpu->regs[idx] = (vcpu->regs[idx] & ~p->addr_mask) |
			  ((vcpu->regs[idx] + (df ? -step : step)) & p->addr_mask);
	left = 0;
	if (p->rep) {
		left = ((vcpu->regs[HVM_RCX] & p->addr_mask) - p->count) & p->addr_mask;
		vcpu->regs[HVM_RCX] = (vcpu->regs[HVM_RCX] & ~p->addr_mask) | left;
	}
	/* With count left, RIP stays: the guest re-executes the REP INS/OUTS. */
	if (!left)
		vcpu->rip = p->next_rip;
}
