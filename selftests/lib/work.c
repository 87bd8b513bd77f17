// SPDX-License-Identifier: GPL-2.0
/* Selftests: the predictable "work" guest (see work.h). */
#include <string.h>

#include "work.h"

GUEST_ASM(guest_work, ".code64",
	"mov $1, %r8d\n\t"
	"mov $2, %r9d\n\t"
	"mov $3, %r10d\n\t"
	"mov $4, %r11d\n\t"
	"mov $5, %r12d\n\t"
	"mov $6, %r13d\n\t"
	"mov $7, %r14d\n\t"
	"mov $8, %r15d\n\t"
	"xor %eax, %eax\n\t"
	"mov %rdi, %rbx\n\t"
	"mov %rcx, %rsi\n"
	"work_chunk: mov %rdx, %rcx\n"
	"work_iter: lea (%rax, %rax, 2), %rax\n\t"
	"add %rbx, %rax\n\t"
	"dec %rcx\n\t"
	"jnz work_iter\n\t"
	"add %r8, %rax\n\t"
	"add %r9, %rax\n\t"
	"add %r10, %rax\n\t"
	"add %r11, %rax\n\t"
	"add %r12, %rax\n\t"
	"add %r13, %rax\n\t"
	"add %r14, %rax\n\t"
	"add %r15, %rax\n\t"
	G_REPORT
	"dec %rsi\n\t"
	"jnz work_chunk\n\t"
	"mov %rdi, %rcx\n\t"
	"and $63, %ecx\n\t"
	"mov %rax, " STR(WORK_RESULT_GPA) "(, %rcx, 8)\n\t"
	G_DONE
	"hlt\n");

struct hvm_vm *work_vm_create(void)
{
	struct hvm_vm *vm = hvm_vm_create();
	unsigned char *mem;

	if (!vm)
		return NULL;
	mem = hvm_vm_add_memory(vm, 0, 0, GUEST_MEM_SIZE, 0);
	if (!mem) {
		hvm_vm_destroy(vm);
		return NULL;
	}
	memcpy(mem + GUEST_CODE_GPA, guest_work_start, guest_work_end - guest_work_start);
	return vm;
}

int work_vcpu_reset(struct hvm_vcpu *vcpu, const struct work *w)
{
	struct hvm_regs regs;

	if (guest_setup_long64(vcpu, GUEST_CODE_GPA, GUEST_MEM_SIZE - vcpu->id * 0x1000))
		return -1;
	if (hvm_vcpu_get_regs(vcpu, &regs))
		return -1;
	regs.rdi = w->seed;
	regs.rcx = w->chunks;
	regs.rdx = w->iterations;
	return hvm_vcpu_set_regs(vcpu, &regs);
}

struct hvm_vcpu *work_vcpu_create(struct hvm_vm *vm, unsigned int id,
				  const struct work *w)
{
	struct hvm_vcpu *vcpu = hvm_vcpu_create(vm, id);

	if (vcpu && work_vcpu_reset(vcpu, w)) {
		hvm_vcpu_destroy(vcpu);
		return NULL;
	}
	return vcpu;
}

__u64 work_expected(const struct work *w)
{
	__u64 rax = 0, c, i;

	for (c = 0; c < w->chunks; c++) {
		for (i = 0; i < w->iterations; i++)
			rax = rax * 3 + w->seed;
		rax += 36;
	}
	return rax;
}

__u64 work_result(struct hvm_vm *vm, const struct work *w)
{
	__u64 v = 0;

	hvm_vm_read(vm, WORK_RESULT_GPA + 8 * (w->seed % 64), &v, sizeof(v));
	return v;
}

int work_run(struct hvm_vcpu *vcpu, unsigned long *interrupts)
{
	struct ucall uc;

	for (;;) {
		switch (ucall_run(vcpu, &uc)) {
		case UCALL_REPORT:
			continue;
		case UCALL_DONE:
			return 0;
		case UCALL_RUN_ERROR:
			if (uc.err == EINTR && !test_watchdog_fired) {
				if (interrupts)
					(*interrupts)++;
				continue;
			}
			/* fall through */
		default:
			ucall_describe(vcpu, &uc);
			return -1;
		}
	}
}
