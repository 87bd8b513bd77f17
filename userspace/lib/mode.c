// SPDX-License-Identifier: GPL-2.0
/* libhvm: choosing a mode by value or by name. */
#include <errno.h>
#include <string.h>

#include "libhvm.h"

static const char *const mode_names[] = {
	[HVM_MODE_REAL] = "real",
	[HVM_MODE_PROT32] = "prot32",
	[HVM_MODE_LONG64] = "long64",
};

int hvm_vcpu_setup_mode(struct hvm_vcpu *vcpu, enum hvm_mode mode,
			__u64 entry, __u64 sp)
{
	switch (mode) {
	case HVM_MODE_REAL:
		return hvm_vcpu_setup_real(vcpu, entry, (__u16)sp);
	case HVM_MODE_PROT32:
		return hvm_vcpu_setup_prot32(vcpu, entry, sp);
	case HVM_MODE_LONG64:
		return hvm_vcpu_setup_long64(vcpu, entry, sp);
	}
	errno = EINVAL;
	return -1;
}

const char *hvm_mode_name(enum hvm_mode mode)
{
	if ((unsigned int)mode < sizeof(mode_names) / sizeof(mode_names[0]))
		return mode_names[mode];
	return "?";
}

int hvm_mode_parse(const char *name, enum hvm_mode *mode)
{
	unsigned int i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (!strcmp(name, mode_names[i])) {
			*mode = i;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}
