/* SPDX-License-Identifier: GPL-2.0 */
/* hvm-run: what the runner's files share. */
#ifndef HVM_RUN_RUNNER_H
#define HVM_RUN_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "libhvm.h"

/* Exit statuses of hvm-run (Documentation/hvm-run.rst lists them). */
#define RUNNER_EXIT_HLT			0	/* the guest executed HLT */
#define RUNNER_EXIT_USAGE		100	/* bad command line */
#define RUNNER_EXIT_SETUP		101	/* /dev/hvm, memory, file, vCPU setup */
#define RUNNER_EXIT_RUN_FAILED		102	/* HVM_RUN failed (not EINTR) */
#define RUNNER_EXIT_UNEXPECTED_IO	103	/* I/O to a port with no device */
#define RUNNER_EXIT_MMIO		104	/* access outside guest RAM */
#define RUNNER_EXIT_SHUTDOWN		105	/* triple fault */
#define RUNNER_EXIT_FAIL_ENTRY		106	/* hardware rejected the state */
#define RUNNER_EXIT_INTERNAL_ERROR	107	/* hvm could not handle an exit */
#define RUNNER_EXIT_UNKNOWN_EXIT	108	/* an exit reason hvm-run does not know */

struct runner_options {
	unsigned long long mem_size;
	unsigned long long load_addr;
	unsigned long long entry;
	bool entry_set;
	enum hvm_mode mode;
	const char *image;
};

/* options.c */
int runner_parse_options(int argc, char **argv, struct runner_options *opts);

/* loader.c */
int runner_load_image(struct hvm_vm *vm, const char *path, unsigned long long gpa,
		      size_t *loaded);

/* A device asks the run loop to stop and exit with status. */
void runner_request_exit(int status);

#endif /* HVM_RUN_RUNNER_H */
