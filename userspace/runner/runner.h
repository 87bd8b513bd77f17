/* SPDX-License-Identifier: GPL-2.0 */
/* hvm-run: what the runner's files share. */
#ifndef HVM_RUN_RUNNER_H
#define HVM_RUN_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "libhvm.h"

/* Exit statuses of hvm-run (Documentation/hvm-run.rst lists them). */
#define RUNNER_EXIT_HLT			0	/* HLT (without an irqchip) */
#define RUNNER_EXIT_USAGE		100	/* bad command line */
#define RUNNER_EXIT_SETUP		101	/* /dev/hvm, memory, file, vCPU setup */
#define RUNNER_EXIT_RUN_FAILED		102	/* HVM_RUN failed (not EINTR) */
#define RUNNER_EXIT_UNEXPECTED_IO	103	/* I/O to a port with no device */
#define RUNNER_EXIT_MMIO		104	/* access outside guest RAM */
#define RUNNER_EXIT_SHUTDOWN		105	/* triple fault */
#define RUNNER_EXIT_FAIL_ENTRY		106	/* hardware rejected the state */
#define RUNNER_EXIT_INTERNAL_ERROR	107	/* hvm could not handle an exit */
#define RUNNER_EXIT_UNKNOWN_EXIT	108	/* an exit reason hvm-run does not know */

#define RUNNER_MAX_MODULES	16

struct runner_options {
	unsigned long long mem_size;
	unsigned long long load_addr;
	unsigned long long entry;
	bool entry_set, load_set, mode_set;
	bool no_irqchip;			/* --no-irqchip */
	bool verbose;				/* --verbose */
	enum hvm_mode mode;
	const char *image;
	const char *cmdline;			/* Multiboot */
	const char *modules[RUNNER_MAX_MODULES];	/* "FILE [ARGS]" */
	unsigned int nr_modules;
};

/* What was loaded and how to start it. */
struct runner_image {
	unsigned long long low, end;	/* guest-physical span of the image */
	unsigned long long entry;
	enum hvm_mode mode;
	bool multiboot;
	unsigned long long mbi;		/* Multiboot information block */
};

/* options.c */
int runner_parse_options(int argc, char **argv, struct runner_options *opts);

/* loader.c: IMAGE into guest RAM (flat, ELF or Multiboot ELF) */
int runner_load_image(struct hvm_vm *vm, const struct runner_options *o,
		      struct runner_image *img);

/* elf.c */
bool runner_is_elf(const unsigned char *img, size_t size);
int runner_load_elf(struct hvm_vm *vm, const unsigned char *img, size_t size,
		    struct runner_image *out);

/* multiboot.c */
long runner_multiboot_flags(const unsigned char *img, size_t size);
int runner_multiboot_setup(struct hvm_vm *vm, const struct runner_options *o,
			   unsigned long header_flags, struct runner_image *img);
int runner_multiboot_regs(struct hvm_vcpu *vcpu, const struct runner_image *img);

/* A device asks the run loop to stop and exit with status. */
void runner_request_exit(int status);

#endif /* HVM_RUN_RUNNER_H */
