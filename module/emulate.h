/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic exit handlers that backends call, and the helpers they share.
 * Handlers return > 0 to re-enter the guest, 0 to return to user space
 * (vcpu->run filled in), < 0 for an errno.
 */
#ifndef HVM_EMULATE_H
#define HVM_EMULATE_H

#include <linux/types.h>

struct hvm_vcpu;

/* What a backend knows about an I/O instruction exit. */
struct hvm_io_exit {
	u16 port;
	u8 size;		/* 1, 2, 4 */
	bool in;
	bool string;
	bool rep;
	u64 next_rip;
};

int hvm_exit_io(struct hvm_vcpu *vcpu, const struct hvm_io_exit *io);
int hvm_exit_mmio(struct hvm_vcpu *vcpu, u64 gpa, const u8 *bytes, int nbytes);
/* Finish an exit user space has serviced; called at the start of RUN:
 * 1 to go on into the guest, 0 when it set up a new exit, < 0 errno. */
int hvm_complete_user_exit(struct hvm_vcpu *vcpu);
int hvm_complete_mmio(struct hvm_vcpu *vcpu);
struct hvm_insn;
int hvm_emulate_mmio(struct hvm_vcpu *vcpu, u64 gpa, const u8 *bytes,
		     int nbytes, const struct hvm_insn *insn, const u64 *read);
void hvm_complete_io(struct hvm_vcpu *vcpu);

/* Instruction emulation: 1 when done (caller skips it), 0 when a fault was
 * queued instead (the instruction does not complete). */
int hvm_emulate_cpuid(struct hvm_vcpu *vcpu);
int hvm_exit_msr(struct hvm_vcpu *vcpu, bool write, u64 next_rip);
void hvm_complete_msr(struct hvm_vcpu *vcpu);
int hvm_emulate_xsetbv(struct hvm_vcpu *vcpu);
/* MOV to/from DRn: @insn_len bytes at RIP were already fetched by caller. */
int hvm_emulate_mov_dr(struct hvm_vcpu *vcpu, int dr, int gpr, bool write);

/* Exits that user space sees as errors. */
int hvm_exit_internal_error(struct hvm_vcpu *vcpu, u32 suberror, int ndata,
			    const u64 *data);

/* Helpers. */
int hvm_code_bits(struct hvm_vcpu *vcpu);
int hvm_fetch_insn(struct hvm_vcpu *vcpu, u8 *buf);
u64 hvm_seg_linear(struct hvm_vcpu *vcpu, int seg, u64 off);
void hvm_write_reg(struct hvm_vcpu *vcpu, int reg, int size, bool high_byte,
		   u64 val);
u64 hvm_read_reg(struct hvm_vcpu *vcpu, int reg, int size, bool high_byte);

bool hvm_pat_valid(u64 pat);

/* A 48-bit canonical address: bits 63:47 all equal. */
static inline bool hvm_is_canonical(u64 v)
{
	return ((s64)(v << 16) >> 16) == (s64)v;
}

/* msr.c: guest TSC_AUX before entry (interrupts off); MSR access for the
 * guest (@host false) and for user space (true): 0 or -errno (#GP). */
void hvm_msr_load_guest(struct hvm_vcpu *vcpu);
void hvm_msr_reset(struct hvm_vcpu *vcpu);
int hvm_msr_get(struct hvm_vcpu *vcpu, u32 index, u64 *data, bool host);
int hvm_msr_set(struct hvm_vcpu *vcpu, u32 index, u64 data, bool host);
long hvm_msrs_get(struct hvm_vcpu *vcpu, void __user *argp);
long hvm_msrs_set(struct hvm_vcpu *vcpu, void __user *argp);

/* vcpu.c: the guest shut down (triple fault): back to the reset state. */
int hvm_exit_shutdown(struct hvm_vcpu *vcpu);
/* run.c: a machine check interrupted the guest: the host's handler runs
 * now (interrupts off, right after the exit). */
void hvm_machine_check(void);

/* Guest XCR0/PKRU around guest entry, interrupts off. */
void hvm_xstate_init(void);
u64 hvm_xstate_supported(void);
void hvm_xstate_load_guest(struct hvm_vcpu *vcpu);
void hvm_xstate_load_host(struct hvm_vcpu *vcpu);
long hvm_xstate_get_xsave(struct hvm_vcpu *vcpu, void __user *argp);
long hvm_xstate_set_xsave(struct hvm_vcpu *vcpu, void __user *argp);
long hvm_xstate_get_xcrs(struct hvm_vcpu *vcpu, void __user *argp);
long hvm_xstate_set_xcrs(struct hvm_vcpu *vcpu, void __user *argp);

#endif /* HVM_EMULATE_H */
