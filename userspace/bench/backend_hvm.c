// SPDX-License-Identifier: GPL-2.0
/* hvm-bench: the backend on /dev/hvm, through libhvm. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libhvm.h"
#include "bench.h"

/* HVM_GET_SUPPORTED_CPUID once; every vCPU gets it (as on KVM). */
static struct hvm_cpuid *supported;

static const char *hvmb_unavailable(void)
{
	struct hvm_info info;
	int fd = hvm_dev_open();

	if (fd < 0)
		return "no /dev/hvm";
	if (hvm_dev_get_info(fd, &info)) {
		close(fd);
		return "HVM_GET_INFO failed";
	}
	if (!supported)
		supported = hvm_dev_get_supported_cpuid(fd);
	close(fd);
	return supported ? NULL : "HVM_GET_SUPPORTED_CPUID failed";
}

/* As on KVM: a creation the ticker signal interrupted is tried again. */
static void *hvmb_vm_create(void)
{
	struct hvm_vm *vm;

	do {
		vm = hvm_vm_create();
	} while (!vm && errno == EINTR);
	return vm;
}

static int hvmb_set_memory(void *vm, unsigned int slot, uint64_t gpa,
			   void *hva, uint64_t size)
{
	return hvm_vm_set_region(vm, slot, gpa, size, 0, hva);
}

static int hvmb_create_irqchip(void *vm)
{
	return hvm_vm_create_irqchip(vm);
}

static void *hvmb_vcpu_create(void *vm, unsigned int id)
{
	struct hvm_vcpu *vcpu;

	do {
		vcpu = hvm_vcpu_create(vm, id);
	} while (!vcpu && errno == EINTR);

	if (vcpu && supported && hvm_vcpu_set_cpuid(vcpu, supported)) {
		int e = errno;

		hvm_vcpu_destroy(vcpu);
		errno = e;
		return NULL;
	}
	return vcpu;
}

static void seg_to_hvm(struct hvm_segment *h, const struct bench_seg *s)
{
	memset(h, 0, sizeof(*h));
	h->base = s->base;
	h->limit = s->limit;
	h->selector = s->selector;
	h->type = s->type;
	h->present = s->present;
	h->dpl = s->dpl;
	h->db = s->db;
	h->s = s->s;
	h->l = s->l;
	h->g = s->g;
	h->avl = s->avl;
	h->unusable = s->unusable;
}

static int hvmb_set_state(void *vcpu, const struct guest_state *gs)
{
	struct hvm_sregs sregs;
	struct hvm_regs regs;

	if (hvm_vcpu_get_sregs(vcpu, &sregs))
		return -1;
	seg_to_hvm(&sregs.cs, &gs->cs);
	seg_to_hvm(&sregs.ds, &gs->ds);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	seg_to_hvm(&sregs.tr, &gs->tr);
	seg_to_hvm(&sregs.ldt, &gs->ldt);
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
	if (hvm_vcpu_set_sregs(vcpu, &sregs))
		return -1;
	memset(&regs, 0, sizeof(regs));
	regs.rip = gs->rip;
	regs.rsp = gs->rsp;
	regs.rflags = gs->rflags;
	regs.rdi = gs->rdi;
	regs.rsi = gs->rsi;
	return hvm_vcpu_set_regs(vcpu, &regs);
}

static int hvmb_run(void *vcpu_p, struct bench_exit *ex)
{
	struct hvm_vcpu *vcpu = vcpu_p;
	struct hvm_run *run = vcpu->run;

	memset(ex, 0, sizeof(*ex));
	if (hvm_vcpu_run(vcpu)) {
		if (errno != EINTR)
			return -1;
		ex->kind = BX_INTR;
		return 0;
	}
	ex->raw = run->exit_reason;
	switch (run->exit_reason) {
	case HVM_EXIT_IO:
		ex->kind = BX_IO;
		ex->write = run->io.direction == HVM_EXIT_IO_OUT;
		ex->size = run->io.size;
		ex->port = run->io.port;
		ex->count = run->io.count;
		if (ex->write && ex->size <= 4)
			memcpy(&ex->data, (char *)run + run->io.data_offset,
			       ex->size);
		break;
	case HVM_EXIT_MMIO:
		ex->kind = BX_MMIO;
		ex->write = run->mmio.is_write;
		ex->size = run->mmio.len;
		ex->addr = run->mmio.phys_addr;
		if (ex->write && ex->size <= 8)
			memcpy(&ex->data, run->mmio.data, ex->size);
		break;
	case HVM_EXIT_HLT:
		ex->kind = BX_HLT;
		break;
	case HVM_EXIT_SHUTDOWN:
		ex->kind = BX_SHUTDOWN;
		break;
	case HVM_EXIT_INTR:
		ex->kind = BX_INTR;
		break;
	default:
		ex->kind = BX_OTHER;
		break;
	}
	return 0;
}

static void hvmb_complete(void *vcpu_p, uint64_t data)
{
	struct hvm_vcpu *vcpu = vcpu_p;
	struct hvm_run *run = vcpu->run;

	if (run->exit_reason == HVM_EXIT_IO && run->io.size <= 4)
		memcpy((char *)run + run->io.data_offset, &data, run->io.size);
	else if (run->exit_reason == HVM_EXIT_MMIO && run->mmio.len <= 8)
		memcpy(run->mmio.data, &data, run->mmio.len);
}

static void hvmb_vcpu_destroy(void *vcpu)
{
	hvm_vcpu_destroy(vcpu);
}

static void hvmb_vm_destroy(void *vm)
{
	hvm_vm_destroy(vm);
}

const struct backend backend_hvm = {
	.name = "hvm",
	.unavailable = hvmb_unavailable,
	.vm_create = hvmb_vm_create,
	.set_memory = hvmb_set_memory,
	.create_irqchip = hvmb_create_irqchip,
	.vcpu_create = hvmb_vcpu_create,
	.set_state = hvmb_set_state,
	.run = hvmb_run,
	.complete = hvmb_complete,
	.vcpu_destroy = hvmb_vcpu_destroy,
	.vm_destroy = hvmb_vm_destroy,
};
