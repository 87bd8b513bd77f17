// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: long-mode exception stubs.  Stub N (16 bytes each, position
 * independent) reports vector N through UCALL_PORT_EXCEPTION and halts.
 * They push nothing, so RSP points at the CPU's exception frame.
 */
#include <errno.h>

#include "guest.h"

#define NR_STUBS	32
#define STUB_SIZE	16

asm(".pushsection .rodata.hvm_guest, \"a\"\n"
    ".balign 16\n"
    ".code64\n"
    "exception_stubs_start:\n"
    ".set stub_vector, 0\n"
    ".rept " STR(NR_STUBS) "\n"
    "	.balign " STR(STUB_SIZE) "\n"
    "	mov $stub_vector, %eax\n"
    "	out %eax, $" STR(UCALL_PORT_EXCEPTION) "\n"
    "	hlt\n"
    "	jmp . - 1\n"
    "	.set stub_vector, stub_vector + 1\n"
    ".endr\n"
    ".balign 16\n"
    "exception_stubs_end:\n"
    ".popsection\n");
extern const unsigned char exception_stubs_start[], exception_stubs_end[];

int guest_install_exception_stubs(struct hvm_vm *vm)
{
	unsigned int v;

	if (hvm_vm_write(vm, GUEST_STUBS_GPA, exception_stubs_start,
			 exception_stubs_end - exception_stubs_start))
		return -1;
	for (v = 0; v < NR_STUBS; v++)
		if (hvm_idt64_set_gate(vm, v, GUEST_STUBS_GPA + v * STUB_SIZE))
			return -1;
	return 0;
}

int guest_setup_long64(struct hvm_vcpu *vcpu, __u64 entry, __u64 sp)
{
	if (hvm_vcpu_setup_long64(vcpu, entry, sp))
		return -1;
	return guest_install_exception_stubs(vcpu->vm);
}

int guest_exception_rip(struct hvm_vcpu *vcpu, bool error_code, __u64 *rip)
{
	struct hvm_regs regs;

	if (hvm_vcpu_get_regs(vcpu, &regs))
		return -1;
	return hvm_vm_read(vcpu->vm, regs.rsp + (error_code ? 8 : 0), rip,
			   sizeof(*rip));
}
