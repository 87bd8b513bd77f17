// SPDX-License-Identifier: GPL-2.0
/* libhvm: names of hvm_run.exit_reason values. */
#include "libhvm.h"

static const char *const exit_reason_names[] = {
	[HVM_EXIT_UNKNOWN] = "UNKNOWN",
	[HVM_EXIT_IO] = "IO",
	[HVM_EXIT_MMIO] = "MMIO",
	[HVM_EXIT_HLT] = "HLT",
	[HVM_EXIT_SHUTDOWN] = "SHUTDOWN",
	[HVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
	[HVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[HVM_EXIT_INTR] = "INTR",
};

const char *hvm_exit_reason_str(__u32 exit_reason)
{
	if (exit_reason < sizeof(exit_reason_names) / sizeof(exit_reason_names[0]))
		return exit_reason_names[exit_reason];
	return "(unknown exit reason)";
}
