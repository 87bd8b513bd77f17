// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-bench: the backend on /dev/kvm, a minimal driver written against
 * KVM's documented API (Documentation/virt/kvm/api.rst): KVM_CREATE_VM,
 * KVM_SET_USER_MEMORY_REGION, KVM_CREATE_IRQCHIP, KVM_CREATE_VCPU, the
 * mmap()ed kvm_run, KVM_SET_CPUID2 (KVM_GET_SUPPORTED_CPUID),
 * KVM_SET_SREGS/REGS, KVM_SET_MP_STATE, KVM_RUN.
 * Like libhvm, each VM opens the device itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

struct kvmb_vm {
	int dev_fd;
	int fd;
	bool irqchip;
};

struct kvmb_vcpu {
	struct kvmb_vm *vm;
	int fd;
	struct kvm_run *run;
	size_t run_size;
};

/* KVM_GET_SUPPORTED_CPUID once; every vCPU gets it (as on hvm). */
static struct kvm_cpuid2 *supported;

static struct kvm_cpuid2 *get_supported_cpuid(int dev_fd)
{
	unsigned int nent;
	struct kvm_cpuid2 *c;

	for (nent = 64; nent <= 4096; nent *= 2) {
		c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
		if (!c)
			return NULL;
		c->nent = nent;
		if (!ioctl(dev_fd, KVM_GET_SUPPORTED_CPUID, c))
			return c;
		free(c);
		if (errno != E2BIG)
			return NULL;
	}
	return NULL;
}

static const char *kvmb_unavailable(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int v;

	if (fd < 0)
		return "no /dev/kvm";
	v = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION) {
		close(fd);
		return "KVM_GET_API_VERSION is not 12";
	}
	if (!supported)
		supported = get_supported_cpuid(fd);
	close(fd);
	return supported ? NULL : "KVM_GET_SUPPORTED_CPUID failed";
}

static void *kvmb_vm_create(void)
{
	struct kvmb_vm *vm = calloc(1, sizeof(*vm));
	int e;

	if (!vm)
		return NULL;
	vm->fd = -1;
	vm->dev_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->dev_fd < 0)
		goto fail;
	/* KVM_CREATE_VM may return EINTR (hvm-bench's ticker signal): again */
	do {
		vm->fd = ioctl(vm->dev_fd, KVM_CREATE_VM, 0);
	} while (vm->fd < 0 && errno == EINTR);
	if (vm->fd < 0)
		goto fail;
	return vm;
fail:
	e = errno;
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	free(vm);
	errno = e;
	return NULL;
}

static int kvmb_set_memory(void *vm_p, unsigned int slot, uint64_t gpa,
			   void *hva, uint64_t size)
{
	struct kvmb_vm *vm = vm_p;
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) ? -1 : 0;
}

static int kvmb_create_irqchip(void *vm_p)
{
	struct kvmb_vm *vm = vm_p;

	if (ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0))
		return -1;
	vm->irqchip = true;
	return 0;
}

static void *kvmb_vcpu_create(void *vm_p, unsigned int id)
{
	struct kvmb_vm *vm = vm_p;
	struct kvmb_vcpu *vcpu = calloc(1, sizeof(*vcpu));
	int size, e;
	void *run;

	if (!vcpu)
		return NULL;
	vcpu->vm = vm;
	do {
		vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)id);
	} while (vcpu->fd < 0 && errno == EINTR);
	if (vcpu->fd < 0)
		goto fail;
	size = ioctl(vm->dev_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		if (size >= 0)
			errno = EPROTO;
		goto fail;
	}
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (run == MAP_FAILED)
		goto fail;
	vcpu->run = run;
	vcpu->run_size = size;
	if (supported && ioctl(vcpu->fd, KVM_SET_CPUID2, supported))
		goto fail;
	return vcpu;
fail:
	e = errno;
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	free(vcpu);
	errno = e;
	return NULL;
}

static void seg_to_kvm(struct kvm_segment *k, const struct bench_seg *s)
{
	memset(k, 0, sizeof(*k));
	k->base = s->base;
	k->limit = s->limit;
	k->selector = s->selector;
	k->type = s->type;
	k->present = s->present;
	k->dpl = s->dpl;
	k->db = s->db;
	k->s = s->s;
	k->l = s->l;
	k->g = s->g;
	k->avl = s->avl;
	k->unusable = s->unusable;
}

static int kvmb_set_state(void *vcpu_p, const struct guest_state *gs)
{
	struct kvmb_vcpu *vcpu = vcpu_p;
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs))
		return -1;
	seg_to_kvm(&sregs.cs, &gs->cs);
	seg_to_kvm(&sregs.ds, &gs->ds);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	seg_to_kvm(&sregs.tr, &gs->tr);
	seg_to_kvm(&sregs.ldt, &gs->ldt);
	sregs.gdt.base = gs->gdt_base;
	sregs.gdt.limit = gs->gdt_limit;
	sregs.idt.base = gs->idt_base;
	sregs.idt.limit = gs->idt_limit;
	sregs.cr0 = gs->cr0;
	sregs.cr2 = 0;
	sregs.cr3 = gs->cr3;
	sregs.cr4 = gs->cr4;
	sregs.cr8 = 0;
	sregs.efer = gs->efer;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs))
		return -1;
	memset(&regs, 0, sizeof(regs));
	regs.rip = gs->rip;
	regs.rsp = gs->rsp;
	regs.rflags = gs->rflags;
	regs.rdi = gs->rdi;
	regs.rsi = gs->rsi;
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs))
		return -1;
	/*
	 * With the in-kernel LAPIC, KVM's APs wait for INIT and SIPI; hvm's
	 * vCPUs all start runnable.  Runnable here too.
	 */
	if (vcpu->vm->irqchip) {
		struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

		if (ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp))
			return -1;
	}
	return 0;
}

static int kvmb_run(void *vcpu_p, struct bench_exit *ex)
{
	struct kvmb_vcpu *vcpu = vcpu_p;
	struct kvm_run *run = vcpu->run;

	memset(ex, 0, sizeof(*ex));
	if (ioctl(vcpu->fd, KVM_RUN, 0)) {
		if (errno != EINTR)
			return -1;
		ex->kind = BX_INTR;
		return 0;
	}
	ex->raw = run->exit_reason;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		ex->kind = BX_IO;
		ex->write = run->io.direction == KVM_EXIT_IO_OUT;
		ex->size = run->io.size;
		ex->port = run->io.port;
		ex->count = run->io.count;
		if (ex->write && ex->size <= 4)
			memcpy(&ex->data, (char *)run + run->io.data_offset,
			       ex->size);
		break;
	case KVM_EXIT_MMIO:
		ex->kind = BX_MMIO;
		ex->write = run->mmio.is_write;
		ex->size = run->mmio.len;
		ex->addr = run->mmio.phys_addr;
		if (ex->write && ex->size <= 8)
			memcpy(&ex->data, run->mmio.data, ex->size);
		break;
	case KVM_EXIT_HLT:
		ex->kind = BX_HLT;
		break;
	case KVM_EXIT_SHUTDOWN:
		ex->kind = BX_SHUTDOWN;
		break;
	case KVM_EXIT_INTR:
		ex->kind = BX_INTR;
		break;
	default:
		ex->kind = BX_OTHER;
		break;
	}
	return 0;
}

static void kvmb_complete(void *vcpu_p, uint64_t data)
{
	struct kvmb_vcpu *vcpu = vcpu_p;
	struct kvm_run *run = vcpu->run;

	if (run->exit_reason == KVM_EXIT_IO && run->io.size <= 4)
		memcpy((char *)run + run->io.data_offset, &data, run->io.size);
	else if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.len <= 8)
		memcpy(run->mmio.data, &data, run->mmio.len);
}

static void kvmb_vcpu_destroy(void *vcpu_p)
{
	struct kvmb_vcpu *vcpu = vcpu_p;

	if (!vcpu)
		return;
	munmap(vcpu->run, vcpu->run_size);
	close(vcpu->fd);
	free(vcpu);
}

static void kvmb_vm_destroy(void *vm_p)
{
	struct kvmb_vm *vm = vm_p;

	if (!vm)
		return;
	close(vm->fd);
	close(vm->dev_fd);
	free(vm);
}

const struct backend backend_kvm = {
	.name = "KVM",
	.unavailable = kvmb_unavailable,
	.vm_create = kvmb_vm_create,
	.set_memory = kvmb_set_memory,
	.create_irqchip = kvmb_create_irqchip,
	.vcpu_create = kvmb_vcpu_create,
	.set_state = kvmb_set_state,
	.run = kvmb_run,
	.complete = kvmb_complete,
	.vcpu_destroy = kvmb_vcpu_destroy,
	.vm_destroy = kvmb_vm_destroy,
};
