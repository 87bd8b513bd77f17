// SPDX-License-Identifier: GPL-2.0
/* libhvm: guest memory slots and access to guest memory from the host. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "libhvm.h"

/* The raw ioctl; the library remembers the slot for gpa_to_hva(). */
int hvm_vm_set_region(struct hvm_vm *vm, __u32 slot, __u64 gpa, __u64 size,
		      __u32 flags, void *hva)
{
	struct hvm_memory_region region = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (__u64)(uintptr_t)hva,
	};
	struct hvm_slot *s;

	if (ioctl(vm->fd, HVM_SET_MEMORY_REGION, &region) < 0)
		return -1;
	if (slot >= HVM_LIB_MAX_SLOTS)
		return 0;
	s = &vm->slots[slot];
	if (s->used && s->owned && (s->hva != hva || !size)) {
		munmap(s->hva, s->mapped_size);
		s->owned = false;
	}
	s->used = size != 0;
	s->flags = flags;
	s->gpa = gpa;
	s->size = size;
	s->hva = size ? hva : NULL;
	return 0;
}

/* Allocates zeroed anonymous memory and makes it guest memory at gpa. */
void *hvm_vm_add_memory(struct hvm_vm *vm, __u32 slot, __u64 gpa, __u64 size,
			__u32 flags)
{
	void *hva;
	int saved_errno;

	if (slot >= HVM_LIB_MAX_SLOTS) {
		errno = EINVAL;
		return NULL;
	}
	hva = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (hva == MAP_FAILED)
		return NULL;
	if (hvm_vm_set_region(vm, slot, gpa, size, flags, hva) < 0) {
		saved_errno = errno;
		munmap(hva, size);
		errno = saved_errno;
		return NULL;
	}
	vm->slots[slot].owned = true;
	vm->slots[slot].mapped_size = size;
	return hva;
}

int hvm_vm_remove_memory(struct hvm_vm *vm, __u32 slot)
{
	return hvm_vm_set_region(vm, slot, 0, 0, 0, NULL);
}

/* The host address of [gpa, gpa + len) when one slot holds all of it. */
void *hvm_vm_gpa_to_hva(struct hvm_vm *vm, __u64 gpa, __u64 len)
{
	unsigned int i;

	for (i = 0; i < HVM_LIB_MAX_SLOTS; i++) {
		struct hvm_slot *s = &vm->slots[i];

		if (!s->used || gpa < s->gpa || gpa - s->gpa >= s->size)
			continue;
		if (len > s->size - (gpa - s->gpa))
			break;
		return (char *)s->hva + (gpa - s->gpa);
	}
	errno = EFAULT;
	return NULL;
}

int hvm_vm_write(struct hvm_vm *vm, __u64 gpa, const void *src, size_t len)
{
	void *hva = hvm_vm_gpa_to_hva(vm, gpa, len);

	if (!hva)
		return -1;
	memcpy(hva, src, len);
	return 0;
}

int hvm_vm_read(struct hvm_vm *vm, __u64 gpa, void *dst, size_t len)
{
	void *hva = hvm_vm_gpa_to_hva(vm, gpa, len);

	if (!hva)
		return -1;
	memcpy(dst, hva, len);
	return 0;
}
