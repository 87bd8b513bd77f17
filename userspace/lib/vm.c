// SPDX-License-Identifier: GPL-2.0
/* libhvm: creating and destroying a VM. */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libhvm.h"

struct hvm_vm *hvm_vm_create(void)
{
	struct hvm_vm *vm;
	int saved_errno;

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return NULL;
	vm->fd = -1;
	vm->dev_fd = hvm_dev_open();
	if (vm->dev_fd < 0)
		goto fail;
	vm->fd = ioctl(vm->dev_fd, HVM_CREATE_VM, 0);
	if (vm->fd < 0)
		goto fail;
	return vm;

fail:
	saved_errno = errno;
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	free(vm);
	errno = saved_errno;
	return NULL;
}

/* Closes the VM and unmaps the memory the library allocated for it. */
void hvm_vm_destroy(struct hvm_vm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	for (i = 0; i < HVM_LIB_MAX_SLOTS; i++) {
		struct hvm_slot *s = &vm->slots[i];

		if (s->used && s->owned)
			munmap(s->hva, s->mapped_size);
	}
	free(vm);
}

int hvm_vm_enable_user_msr_exits(struct hvm_vm *vm, __u32 flags)
{
	return ioctl(vm->fd, HVM_ENABLE_USER_MSR_EXITS, (unsigned long)flags) ? -1 : 0;
}
