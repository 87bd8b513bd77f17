// SPDX-License-Identifier: GPL-2.0
/* Selftests: a one-vCPU test VM with guest code at GUEST_CODE_GPA. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>

#include "guest.h"

int tvm_create(struct tvm *t, enum hvm_mode mode, const unsigned char *start,
	       const unsigned char *end)
{
	return tvm_create_flags(t, mode, start, end, 0);
}

int tvm_create_flags(struct tvm *t, enum hvm_mode mode, const unsigned char *start,
		     const unsigned char *end, unsigned int flags)
{
	__u64 sp = mode == HVM_MODE_REAL ? GUEST_REAL_SP : GUEST_MEM_SIZE;
	int saved_errno;

	memset(t, 0, sizeof(*t));
	if ((size_t)(end - start) > GUEST_CODE_MAX) {
		errno = E2BIG;
		return -1;
	}
	t->mode = mode;
	t->code = start;
	t->vm = hvm_vm_create();
	if (!t->vm)
		return -1;
	if ((flags & TVM_IRQCHIP) && hvm_vm_create_irqchip(t->vm))
		goto fail;
	t->mem = hvm_vm_add_memory(t->vm, 0, 0, GUEST_MEM_SIZE, 0);
	if (!t->mem)
		goto fail;
	memcpy(t->mem + GUEST_CODE_GPA, start, end - start);
	t->vcpu = hvm_vcpu_create(t->vm, 0);
	if (!t->vcpu)
		goto fail;
	if (mode == HVM_MODE_LONG64) {
		if (guest_setup_long64(t->vcpu, GUEST_CODE_GPA, sp))
			goto fail;
	} else if (hvm_vcpu_setup_mode(t->vcpu, mode, GUEST_CODE_GPA, sp)) {
		goto fail;
	}
	return 0;

fail:
	saved_errno = errno;
	tvm_destroy(t);
	errno = saved_errno;
	return -1;
}

bool tvm_mode_supported(enum hvm_mode mode)
{
	static int unrestricted = -1;
	struct hvm_info info;
	int fd;

	if (mode == HVM_MODE_LONG64)
		return true;
	if (unrestricted < 0) {
		fd = open("/dev/hvm", O_RDWR | O_CLOEXEC);
		if (fd < 0 || hvm_dev_get_info(fd, &info))
			unrestricted = 1;	/* let the test itself fail */
		else
			unrestricted = info.backend != HVM_BACKEND_VMX ||
				       (info.features & HVM_FEATURE_UNRESTRICTED);
		if (fd >= 0)
			close(fd);
	}
	return unrestricted;
}

void tvm_destroy(struct tvm *t)
{
	hvm_vcpu_destroy(t->vcpu);
	hvm_vm_destroy(t->vm);
	memset(t, 0, sizeof(*t));
}

__u64 tvm_gpa(const struct tvm *t, const unsigned char *label)
{
	return GUEST_CODE_GPA + (label - t->code);
}

int tvm_set_entry(struct tvm *t, const unsigned char *label)
{
	struct hvm_regs regs;
	__u64 gpa = tvm_gpa(t, label);

	if (hvm_vcpu_get_regs(t->vcpu, &regs))
		return -1;
	regs.rip = t->mode == HVM_MODE_REAL ? gpa - GUEST_CODE_GPA : gpa;
	return hvm_vcpu_set_regs(t->vcpu, &regs);
}

int tvm_set_reg_rdi(struct hvm_vcpu *vcpu, __u64 rdi)
{
	struct hvm_regs regs;

	if (hvm_vcpu_get_regs(vcpu, &regs))
		return -1;
	regs.rdi = rdi;
	return hvm_vcpu_set_regs(vcpu, &regs);
}

long long tvm_debugfs_read(const struct tvm *t, const char *file)
{
	long long n = -1;
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/hvm/%d-%d/%s",
		 (int)getpid(), t->vm->fd, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}
