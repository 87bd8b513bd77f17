// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: runs an image as an hvm guest with an in-kernel irqchip, a PIT,
 * a PM timer, a UART and a debug-exit port.  See Documentation/hvm-run.rst.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "io_bus.h"
#include "irq.h"
#include "runner.h"

static bool exit_requested;
static int exit_status;

void runner_request_exit(int status)
{
	if (!exit_requested) {
		exit_requested = true;
		exit_status = status;
	}
}

static int check_layout(const struct runner_options *o, const struct runner_image *img)
{
	if (img->mode == HVM_MODE_REAL) {
		if (img->entry >= 0x100000) {
			fprintf(stderr, "hvm-run: real mode entry must be below 1 MiB\n");
			return -1;
		}
		return 0;
	}
	if (o->mem_size < HVM_SYS_END) {
		fprintf(stderr, "hvm-run: %s needs at least 0x%llx bytes of RAM\n",
			hvm_mode_name(img->mode), HVM_SYS_END);
		return -1;
	}
	if (img->low < HVM_SYS_END && img->end > HVM_SYS_BASE) {
		fprintf(stderr, "hvm-run: image overlaps the system area 0x%llx-0x%llx\n",
			HVM_SYS_BASE, HVM_SYS_END - 1);
		return -1;
	}
	if (img->entry > (img->mode == HVM_MODE_PROT32 ? 0xffffffffULL :
			  HVM_SYS_IDENTITY_MAP - 1)) {
		fprintf(stderr, "hvm-run: entry 0x%llx is out of reach in %s mode\n",
			img->entry, hvm_mode_name(img->mode));
		return -1;
	}
	return 0;
}

static __u64 initial_stack(const struct runner_options *o, const struct runner_image *img)
{
	if (img->mode == HVM_MODE_REAL)
		return 0;		/* top of the 64 KiB stack segment */
	if (o->mem_size >= HVM_SYS_IDENTITY_MAP)
		return HVM_SYS_IDENTITY_MAP - 16;
	return o->mem_size;
}

static int unexpected_exit(struct hvm_vcpu *vcpu, int status)
{
	uart16550_flush();
	fprintf(stderr, "hvm-run: unexpected exit\n");
	hvm_vcpu_dump(vcpu, stderr);
	return status;
}

static int run_loop(struct hvm_vcpu *vcpu)
{
	struct hvm_run *run = vcpu->run;

	for (;;) {
		if (hvm_vcpu_run(vcpu)) {
			if (errno == EINTR)
				continue;
			uart16550_flush();
			fprintf(stderr, "hvm-run: HVM_RUN: %m\n");
			hvm_vcpu_dump(vcpu, stderr);
			return RUNNER_EXIT_RUN_FAILED;
		}
		switch (run->exit_reason) {
		case HVM_EXIT_IO:
			if (io_bus_handle(run))
				return unexpected_exit(vcpu, RUNNER_EXIT_UNEXPECTED_IO);
			if (exit_requested) {
				uart16550_flush();
				return exit_status;
			}
			break;
		case HVM_EXIT_HLT:
			uart16550_flush();
			return RUNNER_EXIT_HLT;
		case HVM_EXIT_INTR:
			break;
		case HVM_EXIT_MMIO:
			return unexpected_exit(vcpu, RUNNER_EXIT_MMIO);
		case HVM_EXIT_SHUTDOWN:
			return unexpected_exit(vcpu, RUNNER_EXIT_SHUTDOWN);
		case HVM_EXIT_FAIL_ENTRY:
			return unexpected_exit(vcpu, RUNNER_EXIT_FAIL_ENTRY);
		case HVM_EXIT_INTERNAL_ERROR:
			return unexpected_exit(vcpu, RUNNER_EXIT_INTERNAL_ERROR);
		default:
			return unexpected_exit(vcpu, RUNNER_EXIT_UNKNOWN_EXIT);
		}
	}
}

int main(int argc, char **argv)
{
	struct runner_options opts;
	struct runner_image img;
	struct hvm_vcpu *vcpu;
	struct hvm_vm *vm;
	int status;

	if (runner_parse_options(argc, argv, &opts))
		return RUNNER_EXIT_USAGE;

	vm = hvm_vm_create();
	if (!vm) {
		fprintf(stderr, "hvm-run: creating a VM on %s: %m\n", HVM_DEV_PATH);
		return RUNNER_EXIT_SETUP;
	}
	if (!hvm_vm_add_memory(vm, 0, 0, opts.mem_size, 0)) {
		fprintf(stderr, "hvm-run: adding %llu bytes of guest RAM: %m\n",
			opts.mem_size);
		return RUNNER_EXIT_SETUP;
	}
	if (runner_load_image(vm, &opts, &img) || check_layout(&opts, &img))
		return RUNNER_EXIT_SETUP;
	if (opts.no_irqchip) {
		if (opts.verbose)
			fprintf(stderr, "hvm-run: --no-irqchip: running without interrupts\n");
	} else if (irq_create_irqchip(vm, opts.verbose) < 0) {
		fprintf(stderr, "hvm-run: HVM_CREATE_IRQCHIP: %m\n");
		return RUNNER_EXIT_SETUP;
	}
	vcpu = hvm_vcpu_create(vm, 0);
	if (!vcpu) {
		fprintf(stderr, "hvm-run: creating vCPU 0: %m\n");
		return RUNNER_EXIT_SETUP;
	}
	if (hvm_vcpu_setup_mode(vcpu, img.mode, img.entry, initial_stack(&opts, &img)) ||
	    (img.multiboot && runner_multiboot_regs(vcpu, &img))) {
		fprintf(stderr, "hvm-run: setting up %s mode: %m\n",
			hvm_mode_name(img.mode));
		return RUNNER_EXIT_SETUP;
	}
	if (uart16550_register() || debug_exit_register() ||
	    pit8254_register() || port61_register() || pm_timer_register()) {
		fprintf(stderr, "hvm-run: registering devices: %m\n");
		return RUNNER_EXIT_SETUP;
	}

	status = run_loop(vcpu);
	irq_stop();
	hvm_vcpu_destroy(vcpu);
	hvm_vm_destroy(vm);
	return status;
}
