// SPDX-License-Identifier: GPL-2.0
/* Selftests: running a vCPU and decoding the guest's ucalls. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "guest.h"
#include "test.h"

enum ucall_type ucall_run(struct hvm_vcpu *vcpu, struct ucall *uc)
{
	struct hvm_run *run = vcpu->run;
	struct hvm_regs regs;

	uc->value = 0;
	uc->err = 0;
	if (hvm_vcpu_run(vcpu)) {
		uc->err = errno;
		return uc->type = UCALL_RUN_ERROR;
	}
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
	default:
		return uc->type;
	}
	if (hvm_vcpu_get_regs(vcpu, &regs)) {
		uc->err = errno;
		return uc->type = UCALL_RUN_ERROR;
	}
	uc->value = regs.rax;
	return uc->type;
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
		test_diag("guest took exception vector %" PRIu64, (uint64_t)uc->value);
		break;
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
