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
#define RUNNER_EXIT_POWEROFF		0	/* ACPI S5 (PM1a_CNT SLP_EN) */
#define RUNNER_EXIT_REBOOT		0	/* i8042 reset line (0xfe to 0x64) */
#define RUNNER_EXIT_ESCAPE		0	/* Ctrl-A x on the terminal */
#define RUNNER_EXIT_SIGNAL		128	/* + the signal: SIGTERM, SIGINT, SIGHUP */

#define RUNNER_MAX_MODULES	16
#define RUNNER_MAX_CPUS		64

/* Linux boots (linux.c, pvh.c) */
#define RUNNER_LINUX_DEFAULT_MEM	(256ULL << 20)
#define RUNNER_LINUX_MAX_MEM		(3ULL << 30)	/* below the APIC windows */
#define RUNNER_LINUX_DEFAULT_CMDLINE	"console=ttyS0"

enum runner_unknown_io {
	RUNNER_UNKNOWN_IO_DEFAULT,	/* ignore for Linux boots, else exit */
	RUNNER_UNKNOWN_IO_EXIT,
	RUNNER_UNKNOWN_IO_IGNORE,
};

enum runner_linux_boot {
	RUNNER_LINUX_NONE,
	RUNNER_LINUX_BZIMAGE,		/* 64-bit boot protocol entry */
	RUNNER_LINUX_PVH,		/* vmlinux at its PVH entry */
};

struct runner_options {
	unsigned long long mem_size;
	unsigned long long load_addr;
	unsigned long long entry;
	bool entry_set, load_set, mode_set, mem_set;
	bool no_irqchip;			/* --no-irqchip */
	bool verbose;				/* --verbose */
	enum hvm_mode mode;
	const char *image;
	const char *cmdline;			/* Multiboot, Linux */
	const char *initrd;			/* Linux */
	unsigned int nr_cpus;			/* --cpus */
	enum runner_unknown_io unknown_io;
	enum runner_linux_boot linux_boot;	/* IMAGE's kind: runner_read_image() */
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
	enum runner_linux_boot linux_boot;
	unsigned long long boot_info;	/* boot_params or hvm_start_info */
};

/* The e820 map of Linux boots. */
#define RUNNER_E820_RAM		1
#define RUNNER_E820_RESERVED	2
#define RUNNER_MEMMAP_ENTRIES	4
struct runner_memmap {
	unsigned long long addr, size;
	unsigned int type;
};

/* options.c */
int runner_parse_options(int argc, char **argv, struct runner_options *opts);

/* loader.c: IMAGE into guest RAM (flat, ELF, Multiboot ELF, Linux) */
int runner_read_image(struct runner_options *o);	/* sets defaults by kind */
int runner_load_image(struct hvm_vm *vm, const struct runner_options *o,
		      struct runner_image *img);

/* linux.c */
bool runner_is_bzimage(const unsigned char *img, size_t size);
int runner_load_bzimage(struct hvm_vm *vm, const struct runner_options *o,
			const unsigned char *data, size_t size, struct runner_image *img);
int runner_linux_regs(struct hvm_vcpu *vcpu, const struct runner_image *img);
unsigned int runner_memory_map(unsigned long long mem_size, struct runner_memmap *map);
int runner_linux_check_mem(const struct runner_options *o);
int runner_linux_cmdline(struct hvm_vm *vm, const struct runner_options *o,
			 size_t max, unsigned long long *addr);
int runner_linux_initrd(struct hvm_vm *vm, const struct runner_options *o,
			unsigned long long lowest, unsigned long long limit,
			unsigned long long *addr, unsigned long long *size);

/* pvh.c */
long long runner_pvh_entry(const unsigned char *img, size_t size);
int runner_pvh_setup(struct hvm_vm *vm, const struct runner_options *o,
		     unsigned long long entry, struct runner_image *img);
int runner_pvh_regs(struct hvm_vcpu *vcpu, const struct runner_image *img);

/* acpi.c: the tables at 0xe0000; returns the RSDP's address or 0 */
unsigned long long runner_acpi_build(struct hvm_vm *vm, unsigned int nr_cpus);

/* msr.c: unknown MSRs of Linux guests */
void runner_msr_exit(struct hvm_run *run, bool verbose);

/* console.c: stdin as the console (raw terminal, Ctrl-A x) */
int console_setup(void);
void console_restore(void);

/* elf.c */
bool runner_is_elf(const unsigned char *img, size_t size);
int runner_load_elf(struct hvm_vm *vm, const unsigned char *img, size_t size,
		    struct runner_image *out);

/* multiboot.c */
long runner_multiboot_flags(const unsigned char *img, size_t size);
int runner_multiboot_setup(struct hvm_vm *vm, const struct runner_options *o,
			   unsigned long header_flags, struct runner_image *img);
int runner_multiboot_regs(struct hvm_vcpu *vcpu, const struct runner_image *img);

/*
 * Ends the run with @status: every vCPU stops, hvm-run exits.  Any thread
 * may call it; the first status stays.
 */
void runner_request_exit(int status);

#endif /* HVM_RUN_RUNNER_H */
