// SPDX-License-Identifier: GPL-2.0
/* libhvm: creating a vCPU, mapping its run page and running it. */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libhvm.h"

struct hvm_vcpu *hvm_vcpu_create(struct hvm_vm *vm, unsigned int id)
{
	struct hvm_vcpu *vcpu;
	int size, saved_errno;
	void *run;

	vcpu = calloc(1, sizeof(*vcpu));
	if (!vcpu)
		return NULL;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->fd, HVM_CREATE_VCPU, (unsigned long)id);
	if (vcpu->fd < 0)
		goto fail;
	size = ioctl(vm->dev_fd, HVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct hvm_run)) {
		if (size >= 0)
			errno = EPROTO;
		goto fail;
	}
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (run == MAP_FAILED)
		goto fail;
	vcpu->run = run;
	vcpu->run_size = size;
	return vcpu;

fail:
	saved_errno = errno;
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	free(vcpu);
	errno = saved_errno;
	return NULL;
}

void hvm_vcpu_destroy(struct hvm_vcpu *vcpu)
{
	if (!vcpu)
		return;
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	free(vcpu);
}

/* One HVM_RUN: 0 with run->exit_reason set, or -1 (EINTR on a signal). */
int hvm_vcpu_run(struct hvm_vcpu *vcpu)
{
	return ioctl(vcpu->fd, HVM_RUN, 0) < 0 ? -1 : 0;
}

/* One MSR through HVM_GET_MSRS / HVM_SET_MSRS. */
static int one_msr(struct hvm_vcpu *vcpu, unsigned long cmd, __u32 index, __u64 *data)
{
	struct {
		struct hvm_msrs hdr;
		struct hvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = index, .e.data = *data };
	int r = ioctl(vcpu->fd, cmd, &m);

	if (r < 0)
		return -1;
	if (r != 1) {
		errno = EINVAL;
		return -1;
	}
	*data = m.e.data;
	return 0;
}

int hvm_vcpu_get_msr(struct hvm_vcpu *vcpu, __u32 index, __u64 *data)
{
	__u64 v = 0;

	if (one_msr(vcpu, HVM_GET_MSRS, index, &v))
		return -1;
	*data = v;
	return 0;
}

int hvm_vcpu_set_msr(struct hvm_vcpu *vcpu, __u32 index, __u64 data)
{
	return one_msr(vcpu, HVM_SET_MSRS, index, &data);
}
