// SPDX-License-Identifier: GPL-2.0
/*
 * Debug registers.  Guest MOV to/from DRn is intercepted and kept in the
 * vCPU; the hardware debug registers stay the host's, so guest breakpoints
 * do not fire (a known limitation, see Documentation/design.rst).
 */
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "hvm.h"
#include "backend.h"
#include "emulate.h"

#define DR6_FIXED_1	0xfffe0ff0ULL
#define DR7_FIXED_1	0x400ULL
#define DR7_GD		BIT_ULL(13)	/* general detect */
#define DR6_BD		BIT_ULL(13)	/* debug register access detected */
#define DR6_TRAP_BITS	0xfULL		/* B0-B3 */

int hvm_emulate_mov_dr(struct hvm_vcpu *vcpu, int dr, int gpr, bool write)
{
	u64 *reg = &vcpu->regs[gpr];
	bool lm = hvm_code_bits(vcpu) == 64;

	if (hvm_ops->get_cpl(vcpu) != 0) {
		hvm_ops->inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 0;
	}
	/* DR4/DR5 alias DR6/DR7 unless CR4.DE (SDM 18.2.2). */
	if (dr == 4 || dr == 5) {
		if (hvm_ops->get_cr4(vcpu) & X86_CR4_DE) {
			hvm_ops->inject_exception(vcpu, X86_TRAP_UD, false, 0);
			return 0;
		}
		dr += 2;
	}
	/*
	 * DR7.GD: any MOV DR is a #DB fault with DR6.BD set, and the CPU
	 * clears GD for the handler (SDM 18.2.4).  The intercept comes first
	 * and the hardware DR7 is the host's, so it is done here, as KVM's
	 * handle_dr does.
	 */
	if (vcpu->dr7 & DR7_GD) {
		vcpu->dr6 = (vcpu->dr6 & ~DR6_TRAP_BITS) | DR6_BD | DR6_FIXED_1;
		vcpu->dr7 &= ~DR7_GD;
		hvm_ops->inject_exception(vcpu, X86_TRAP_DB, false, 0);
		return 0;
	}
	if (write) {
		u64 v = lm ? *reg : (u32)*reg;

		if ((dr == 6 || dr == 7) && (v >> 32)) {
			hvm_ops->inject_exception(vcpu, X86_TRAP_GP, true, 0);
			return 0;
		}
		if (dr < 4)
			vcpu->dr[dr] = v;
		else if (dr == 6)
			vcpu->dr6 = v | DR6_FIXED_1;
		else
			vcpu->dr7 = v | DR7_FIXED_1;
	} else {
		u64 v = dr < 4 ? vcpu->dr[dr] : (dr == 6 ? vcpu->dr6 : vcpu->dr7);

		*reg = lm ? v : (u32)v;
	}
	return 1;
}
