// SPDX-License-Identifier: GPL-2.0
/*
 * SVM exit dispatch: turn a #VMEXIT code into a generic handler call, an
 * injected exception, or an exit to user space.  Unknown exits become
 * HVM_EXIT_INTERNAL_ERROR with the raw codes; nothing here can oops.
 */
#include <linux/mm.h>
#include <asm/traps.h>

#include "svm.h"
#include "backend.h"
#include "emulate.h"
#include "guest_mem.h"
#include "decode.h"
#include "events.h"

/* Move RIP past the intercepted instruction of length @len. */
static int svm_skip(struct svm_vcpu *svm, int len)
{
	u64 next = svm->vmcb->control.next_rip;

	if (svm_use_nrips && next)
		svm->vcpu.rip = next;
	else
		svm->vcpu.rip += len;
	return 1;
}

void svm_inject_exception(struct hvm_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	if (vmcb->control.event_inj & SVM_EVT_VALID)
		return;	/* an event being re-delivered goes first */
	if (vector == X86_TRAP_PF) {
		vmcb->save.cr2 = vcpu->cr2;
		svm_mark_dirty(to_svm(vcpu), SVM_CLEAN_CR2);
	}
	vmcb->control.event_inj = vector | SVM_EVT_TYPE_EXCEPTION | SVM_EVT_VALID |
				  (has_error ? SVM_EVT_ERROR_VALID : 0) |
				  ((u64)error_code << 32);
}

/*
 * An event that was being delivered when the exit happened is delivered
 * again on the next entry (APM 15.7.2).  Software interrupts, INT3 and INTO
 * are not: RIP still points at the instruction, which runs again.
 */
static void svm_reinject(struct svm_vcpu *svm)
{
	u64 info = svm->vmcb->control.exit_int_info;
	u32 type = info & SVM_EVT_TYPE_MASK;
	u8 vector = info & SVM_EVT_VECTOR_MASK;

	svm->vmcb->control.event_inj = 0;
	if (!(info & SVM_EVT_VALID) || type == SVM_EVT_TYPE_SOFT)
		return;
	/* Exceptions are vectors 0-31: QEMU's TCG records the delivery of a
	 * V_IRQ as an exception with the interrupt's vector. */
	if (type == SVM_EVT_TYPE_EXCEPTION && vector >= 32) {
		type = SVM_EVT_TYPE_INTR;
		info = (info & ~(u64)SVM_EVT_TYPE_MASK) | SVM_EVT_TYPE_INTR;
	}
	if (type == SVM_EVT_TYPE_INTR && svm_use_virq_inject) {
		svm_reinject_irq(svm, vector);
		return;
	}
	if (type == SVM_EVT_TYPE_EXCEPTION &&
	    (vector == X86_TRAP_BP || vector == X86_TRAP_OF))
		return;
	svm->vmcb->control.event_inj = info;
}

static int svm_exit_unhandled(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;
	u64 data[4] = { c->exit_code, c->exit_info_1, c->exit_info_2,
			c->exit_int_info };

	return hvm_exit_internal_error(&svm->vcpu, HVM_INTERNAL_UNHANDLED_EXIT,
				       4, data);
}

static int svm_exit_ioio(struct svm_vcpu *svm)
{
	u64 info = svm->vmcb->control.exit_info_1;
	struct hvm_io_exit io = {
		.port = info >> 16,
		.size = (info & SVM_IOIO_SZ32) ? 4 : ((info & SVM_IOIO_SZ16) ? 2 : 1),
		.in = info & SVM_IOIO_IN,
		.string = info & SVM_IOIO_STR,
		.rep = info & SVM_IOIO_REP,
		/* EXITINFO2 has the next RIP for IOIO, with or without nrip_save. */
		.next_rip = svm->vmcb->control.exit_info_2,
	};

	return hvm_exit_io(&svm->vcpu, &io);
}

static int svm_exit_npf(struct svm_vcpu *svm)
{
	struct hvm_vcpu *vcpu = &svm->vcpu;
	struct hvm_vm *vm = vcpu->vm;
	u64 err = svm->vmcb->control.exit_info_1;
	u64 gpa = svm->vmcb->control.exit_info_2;
	struct hvm_memslot *slot;
	int idx, r;

	idx = srcu_read_lock(&vm->srcu);
	slot = hvm_memslot_find(vm, gpa >> PAGE_SHIFT);
	if (slot && !((err & SVM_NPF_WRITE) && (slot->flags & HVM_MEM_READONLY))) {
		struct page *page = slot->pages[(gpa >> PAGE_SHIFT) - slot->base_gfn];

		r = hvm_tdp_map(&vm->tdp, gpa & PAGE_MASK, page_to_pfn(page),
				!(slot->flags & HVM_MEM_READONLY));
		srcu_read_unlock(&vm->srcu, idx);
		return r ? r : 1;
	}
	srcu_read_unlock(&vm->srcu, idx);

	/* The guest's page walk or an event delivery touched MMIO: there is
	 * no instruction to emulate. */
	if ((err & SVM_NPF_GUEST_TABLE) ||
	    (svm->vmcb->control.exit_int_info & SVM_EVT_VALID))
		return svm_exit_unhandled(svm);
	/* With decode assists the CPU hands over the instruction bytes. */
	if (svm_use_decode)
		return hvm_exit_mmio(vcpu, gpa, svm->vmcb->control.insn_bytes,
				     svm->vmcb->control.insn_len);
	return hvm_exit_mmio(vcpu, gpa, NULL, 0);
}

/*
 * The legacy prefixes (any of them, F2/F3 included) and the REX prefix at
 * the start of @buf's @n bytes: how many bytes they take; *rex the REX.
 */
static int svm_prefix_len(struct hvm_vcpu *vcpu, const u8 *buf, int n, u8 *rex)
{
	int i = 0;

	while (i < n && (buf[i] == 0x66 || buf[i] == 0x67 || buf[i] == 0x2e ||
			 buf[i] == 0x3e || buf[i] == 0x26 || buf[i] == 0x36 ||
			 buf[i] == 0x64 || buf[i] == 0x65 || buf[i] == 0xf0 ||
			 buf[i] == 0xf2 || buf[i] == 0xf3))
		i++;
	*rex = 0;
	if (i < n && (buf[i] & 0xf0) == 0x40 && hvm_code_bits(vcpu) == 64)
		*rex = buf[i++];
	return i;
}

/*
 * WBINVD (0F 09) and WBNOINVD (F3 0F 09): a no-op.  Without assigned
 * devices every access the guest makes is cache-coherent, so there is
 * nothing to write back for it, and a guest looping on WBINVD would
 * stall the shared caches of every other tenant.  Without next-RIP the
 * length comes from the bytes (prefixes make it more than 2).
 */
static int svm_exit_wbinvd(struct svm_vcpu *svm)
{
	struct hvm_vcpu *vcpu = &svm->vcpu;
	u8 buf[16], rex;
	int n, i;

	if (svm_use_nrips && svm->vmcb->control.next_rip)
		return svm_skip(svm, 0);
	n = hvm_fetch_insn(vcpu, buf);
	if (n == HVM_GUEST_FAULT)
		return 1;
	i = svm_prefix_len(vcpu, buf, n, &rex);
	/* QEMU 7.2's TCG reports INVD (0F 08) with this exit code too: the
	 * same no-op.  Hardware reports it as SVM_EXIT_INVD. */
	if (i + 2 > n || buf[i] != 0x0f || (buf[i + 1] != 0x09 && buf[i + 1] != 0x08))
		return svm_exit_unhandled(svm);
	return svm_skip(svm, i + 2);
}

/*
 * Decode MOV to/from a debug or control register (0F 20-23 /r, mod = 3)
 * at RIP into *gpr and *len: 0, HVM_GUEST_FAULT (a fault is queued), or
 * -EINVAL when the instruction is not @opcode.  With decode assists the
 * CPU names the GPR and next-RIP gives the length.
 */
static int svm_decode_mov_reg(struct svm_vcpu *svm, u8 opcode, int *gpr,
			      int *len)
{
	u64 info = svm->vmcb->control.exit_info_1;
	struct hvm_vcpu *vcpu = &svm->vcpu;
	u8 buf[16];
	int n, i = 0;
	u8 rex = 0;

	*len = 3;
	if (svm_use_decode && (info & SVM_EXITINFO1_MOV)) {
		*gpr = info & SVM_EXITINFO1_GPR_MASK;
		return 0;
	}
	n = hvm_fetch_insn(vcpu, buf);
	if (n == HVM_GUEST_FAULT)
		return n;
	i = svm_prefix_len(vcpu, buf, n, &rex);
	if (n < 0 || i + 3 > n || buf[i] != 0x0f || buf[i + 1] != opcode)
		return -EINVAL;
	*len = i + 3;
	*gpr = (buf[i + 2] & 7) | ((rex & 1) << 3);
	return 0;
}

/* MOV to/from DRn: 0F 21 /r (read) or 0F 23 /r (write). */
static int svm_exit_dr(struct svm_vcpu *svm, int dr, bool write)
{
	struct hvm_vcpu *vcpu = &svm->vcpu;
	int gpr, len, r;

	r = svm_decode_mov_reg(svm, write ? 0x23 : 0x21, &gpr, &len);
	if (r == HVM_GUEST_FAULT)
		return 1;
	if (r)
		return svm_exit_unhandled(svm);
	if (hvm_emulate_mov_dr(vcpu, dr, gpr, write))
		svm_skip(svm, len);
	return 1;
}

/*
 * MOV to CR8, intercepted only while the TPR holds an interrupt back
 * (svm_events.c): the new TPR may let it in (0F 22 /r with REX.R).
 */
static int svm_exit_write_cr8(struct svm_vcpu *svm)
{
	struct hvm_vcpu *vcpu = &svm->vcpu;
	int gpr, len, r;
	u64 val;

	r = svm_decode_mov_reg(svm, 0x22, &gpr, &len);
	if (r == HVM_GUEST_FAULT)
		return 1;
	if (r)
		return svm_exit_unhandled(svm);
	val = vcpu->regs[gpr];
	if (val & ~0xfULL) {		/* reserved bits (APM 15.21.2) */
		svm_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	svm_set_cr8(vcpu, val);
	return svm_skip(svm, len);
}

/* VMEXIT_INVALID: the hardware refused the state user space gave us. */
static int svm_exit_invalid(struct svm_vcpu *svm)
{
	struct hvm_run *run = svm->vcpu.run;

	/* The save area may hold host values now: put the guest's back. */
	memcpy(&svm->vmcb->save, svm->good_state, sizeof(*svm->good_state));
	svm_mark_dirty(svm, SVM_CLEAN_ALL);
	run->exit_reason = HVM_EXIT_FAIL_ENTRY;
	/* VMEXIT_INVALID is -1; QEMU writes only the low 32 bits of it. */
	run->fail_entry.hardware_entry_failure_reason = (u64)-1;
	run->fail_entry.cpu = svm->asid_cpu;
	return 0;
}

int svm_handle_exit(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control *c = &svm->vmcb->control;
	u32 code = c->exit_code;

	if (code == SVM_EXIT_INVALID)
		return svm_exit_invalid(svm);
	svm_reinject(svm);
	svm_events_exit(svm);

	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
		return 1;	/* the host handled it when IRQs came back on */
	case SVM_EXIT_PAUSE:
		/* A guest spin loop: the run loop's cond_resched() lets the
		 * host run something else; PAUSE runs again on resume, with
		 * the filter count reloaded. */
		return 1;
	case SVM_EXIT_CPUID:
		hvm_emulate_cpuid(vcpu);
		return svm_skip(svm, 2);
	case SVM_EXIT_HLT:
		svm_skip(svm, 1);
		if (svm->virq_pending)
			return 1;	/* an interrupt is on its way: no halt */
		return hvm_exit_hlt(vcpu);
	case SVM_EXIT_VINTR:
		return svm_exit_vintr(svm);
	case SVM_EXIT_IRET:
		return svm_exit_iret(svm);
	case SVM_EXIT_WRITE_CR8:
		return svm_exit_write_cr8(svm);
	case SVM_EXIT_IOIO:
		return svm_exit_ioio(svm);
	case SVM_EXIT_MSR:
		return hvm_exit_msr(vcpu, c->exit_info_1,
				    svm_use_nrips && c->next_rip ? c->next_rip :
								   vcpu->rip + 2);
	case SVM_EXIT_NPF:
		return svm_exit_npf(svm);
	case SVM_EXIT_VMMCALL:
		/* No hypercalls yet: every number answers "not implemented". */
		vcpu->regs[HVM_RAX] = (u64)HVM_HC_ENOSYS;
		return svm_skip(svm, 3);
	case SVM_EXIT_INVD:
		return svm_skip(svm, 2);	/* as WBINVD: caches are coherent */
	case SVM_EXIT_WBINVD:
		return svm_exit_wbinvd(svm);
	case SVM_EXIT_RDPMC:
		/* Performance counters are the host's. */
		svm_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	case SVM_EXIT_XSETBV:
		if (hvm_emulate_xsetbv(vcpu))
			svm_skip(svm, 3);
		return 1;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_MWAIT_COND:
	case SVM_EXIT_RDPRU:
		/* The guest sees a CPU without SVM or MONITOR. */
		svm_inject_exception(vcpu, X86_TRAP_UD, false, 0);
		return 1;
	case SVM_EXIT_EXCP_BASE + X86_TRAP_DB:
		if (svm_singlestep_done(svm))
			return 1;
		vcpu->dr6 = svm->vmcb->save.dr6;
		svm_inject_exception(vcpu, X86_TRAP_DB, false, 0);
		return 1;
	case SVM_EXIT_EXCP_BASE + X86_TRAP_MC:
		return 1;	/* the host's handler ran right after the exit */
	case SVM_EXIT_EXCP_BASE + X86_TRAP_AC:
		svm_inject_exception(vcpu, X86_TRAP_AC, true, 0);
		return 1;
	case SVM_EXIT_SHUTDOWN:
		/* The VMCB is undefined after a shutdown (APM 15.11). */
		return hvm_exit_shutdown(vcpu);
	default:
		if (code >= SVM_EXIT_READ_DR0 && code < SVM_EXIT_WRITE_DR0 + 16)
			return svm_exit_dr(svm, code & 0xf, code >= SVM_EXIT_WRITE_DR0);
		return svm_exit_unhandled(svm);
	}
}
