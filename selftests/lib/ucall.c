// SPDX-License-Identifier: GPL-2.0
/* Selftests: running a vCPU and decoding the guest's ucalls. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "guest.h"
#include "test.h"

enum ucall_type ucall_run(struct hvm_vcpu *vcpu, struct ucall *uc)
{
	if (hvm_vcpu_run(vcpu)) {
		uc->value = 0;
		uc->err = errno;
		return uc->type = UCALL_RUN_ERROR;
	}
	return ucall_decode(vcpu, uc);
}

enum ucall_type ucall_decode(struct hvm_vcpu *vcpu, struct ucall *uc)
{
	struct hvm_run *run = vcpu->run;
	struct hvm_regs regs;

	uc->value = 0;
	uc->err = 0;
	uc->type = UCALL_OTHER_EXIT;
	if (run->exit_reason != HVM_EXIT_IO || run->io.direction != HVM_EXIT_IO_OUT)
		return uc->type;
	switch (run->io.port) {
	case UCALL_PORT_REPORT:
		uc->type = UCALL_REPORT;
		break;
	case UCALL_PORT_DONE:
		uc->type = UCALL_DONE;
		break;
	case UCALL_PORT_EXCEPTION:
		uc->type = UCALL_EXCEPTION;
		break;
	case UCALL_PORT_ASSERT:
		uc->type = UCALL_ASSERT;
		break;
	default:
		return uc->type;
	}
	if (hvm_vcpu_get_regs(vcpu, &regs)) {
		uc->err = errno;
		return uc->type = UCALL_RUN_ERROR;
	}
	uc->value = regs.rax;
	uc->args[0] = regs.rdi;
	uc->args[1] = regs.rsi;
	uc->args[2] = regs.rdx;
	uc->args[3] = regs.rcx;
	uc->args[4] = regs.r8;
	return uc->type;
}

int ucall_guest_string(struct hvm_vcpu *vcpu, __u64 gva, char *buf, size_t size)
{
	size_t i;

	if (!size)
		return -1;
	for (i = 0; i + 1 < size; i++) {
		if (hvm_vm_read(vcpu->vm, gva + i, &buf[i], 1)) {
			buf[i] = '\0';
			return -1;
		}
		if (!buf[i])
			return 0;
	}
	buf[i] = '\0';
	return 0;
}

static void describe_assert(struct hvm_vcpu *vcpu, const struct ucall *uc)
{
	char file[128], expr[256];

	if (ucall_guest_string(vcpu, uc->args[0], file, sizeof(file)))
		snprintf(file, sizeof(file), "?");
	if (ucall_guest_string(vcpu, uc->args[1], expr, sizeof(expr)))
		snprintf(expr, sizeof(expr), "?");
	test_diag("guest assertion failed: %s:%" PRIu64 ": %s", file,
		  (uint64_t)uc->value, expr);
	if (uc->args[4])
		test_diag("  values 0x%" PRIx64 " (%" PRId64 ") and 0x%" PRIx64
			  " (%" PRId64 ")", (uint64_t)uc->args[2],
			  (int64_t)uc->args[2], (uint64_t)uc->args[3],
			  (int64_t)uc->args[3]);
}

/*
 * An exception stub pushes nothing: RSP is the CPU's frame, which starts
 * 16-byte aligned in long mode, so RSP % 16 == 0 means an error code
 * below RIP (40 + 8 bytes) and 8 means none (40 bytes).
 */
static void describe_exception(struct hvm_vcpu *vcpu, const struct ucall *uc)
{
	__u64 frame[2];
	struct hvm_regs regs;

	test_diag("guest took exception vector %" PRIu64, (uint64_t)uc->value);
	if (hvm_vcpu_get_regs(vcpu, &regs) ||
	    hvm_vm_read(vcpu->vm, regs.rsp, frame, sizeof(frame)))
		return;
	if (regs.rsp & 8)
		test_diag("  at rip 0x%" PRIx64, (uint64_t)frame[0]);
	else
		test_diag("  at rip 0x%" PRIx64 ", error code 0x%" PRIx64,
			  (uint64_t)frame[1], (uint64_t)frame[0]);
}

enum ucall_type ucall_run_collect(struct hvm_vcpu *vcpu, struct ucall *uc,
				  __u64 *values, unsigned int max, unsigned int *nr)
{
	*nr = 0;
	while (ucall_run(vcpu, uc) == UCALL_REPORT) {
		if (*nr < max)
			values[*nr] = uc->value;
		(*nr)++;
	}
	return uc->type;
}

bool ucall_run_to_done(struct hvm_vcpu *vcpu)
{
	struct ucall uc;

	if (ucall_run(vcpu, &uc) == UCALL_DONE)
		return true;
	ucall_describe(vcpu, &uc);
	return false;
}

void ucall_describe(struct hvm_vcpu *vcpu, const struct ucall *uc)
{
	struct hvm_run *run = vcpu->run;
	struct hvm_regs regs;

	switch (uc->type) {
	case UCALL_REPORT:
		test_diag("guest reported 0x%" PRIx64, (uint64_t)uc->value);
		return;
	case UCALL_DONE:
		test_diag("guest said done");
		return;
	case UCALL_EXCEPTION:
		describe_exception(vcpu, uc);
		break;
	case UCALL_ASSERT:
		describe_assert(vcpu, uc);
		return;
	case UCALL_RUN_ERROR:
		test_diag("HVM_RUN failed: %s%s", strerror(uc->err),
			  test_watchdog_fired ? " (watchdog)" : "");
		return;
	case UCALL_OTHER_EXIT:
		test_diag("exit %u (%s)", run->exit_reason,
			  hvm_exit_reason_str(run->exit_reason));
		if (run->exit_reason == HVM_EXIT_IO)
			test_diag("  io %s port 0x%x size %u count %u",
				  run->io.direction == HVM_EXIT_IO_OUT ? "out" : "in",
				  run->io.port, run->io.size, run->io.count);
		if (run->exit_reason == HVM_EXIT_MMIO)
			test_diag("  mmio %s gpa 0x%" PRIx64 " len %u",
				  run->mmio.is_write ? "write" : "read",
				  (uint64_t)run->mmio.phys_addr, run->mmio.len);
		if (run->exit_reason == HVM_EXIT_INTERNAL_ERROR)
			test_diag("  suberror %u data 0x%" PRIx64 " 0x%" PRIx64
				  " 0x%" PRIx64, run->internal.suberror,
				  (uint64_t)run->internal.data[0],
				  (uint64_t)run->internal.data[1],
				  (uint64_t)run->internal.data[2]);
		if (run->exit_reason == HVM_EXIT_FAIL_ENTRY)
			test_diag("  hardware reason 0x%" PRIx64,
				  (uint64_t)run->fail_entry.hardware_entry_failure_reason);
		break;
	}
	if (!hvm_vcpu_get_regs(vcpu, &regs))
		test_diag("  rip 0x%" PRIx64 " rax 0x%" PRIx64 " rsp 0x%" PRIx64,
			  (uint64_t)regs.rip, (uint64_t)regs.rax, (uint64_t)regs.rsp);
}
