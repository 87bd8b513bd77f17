// SPDX-License-Identifier: GPL-2.0
/* libhvm: CPUID tables (HVM_GET_SUPPORTED_CPUID, HVM_GET/SET_CPUID). */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "libhvm.h"

struct hvm_cpuid *hvm_cpuid_alloc(unsigned int nent)
{
	struct hvm_cpuid *c;

	c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
	if (c)
		c->nent = nent;
	return c;
}

static struct hvm_cpuid *get_table(int fd, unsigned long cmd)
{
	struct hvm_cpuid *c = hvm_cpuid_alloc(HVM_CPUID_MAX_ENTRIES);
	int saved_errno;

	if (!c)
		return NULL;
	if (ioctl(fd, cmd, c) < 0) {
		saved_errno = errno;
		free(c);
		errno = saved_errno;
		return NULL;
	}
	return c;
}

struct hvm_cpuid *hvm_dev_get_supported_cpuid(int dev_fd)
{
	return get_table(dev_fd, HVM_GET_SUPPORTED_CPUID);
}

struct hvm_cpuid *hvm_vcpu_get_cpuid(struct hvm_vcpu *vcpu)
{
	return get_table(vcpu->fd, HVM_GET_CPUID);
}

int hvm_vcpu_set_cpuid(struct hvm_vcpu *vcpu, const struct hvm_cpuid *cpuid)
{
	return ioctl(vcpu->fd, HVM_SET_CPUID, cpuid) < 0 ? -1 : 0;
}

struct hvm_cpuid_entry *hvm_cpuid_find(struct hvm_cpuid *cpuid, __u32 function,
				       __u32 index)
{
	unsigned int i;

	for (i = 0; i < cpuid->nent; i++) {
		struct hvm_cpuid_entry *e = &cpuid->entries[i];

		if (e->function == function &&
		    (!(e->flags & HVM_CPUID_FLAG_SIGNIFICANT_INDEX) || e->index == index))
			return e;
	}
	return NULL;
}
