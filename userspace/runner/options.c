// SPDX-License-Identifier: GPL-2.0
/* hvm-run: the command line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

#define DEFAULT_MEM_SIZE	(16ULL << 20)
#define DEFAULT_LOAD_ADDR	0x10000ULL

static void usage(FILE *out)
{
	fprintf(out,
"Usage: hvm-run [OPTIONS] IMAGE\n"
"       hvm-run [-m|--mem SIZE] [--cpus N] --kernel bzImage [--initrd FILE]\n"
"               [--cmdline \"...\"]\n"
"Run IMAGE as a guest of /dev/hvm.  IMAGE is a Linux kernel (a bzImage, or\n"
"a vmlinux ELF with a PVH entry note), an ELF file (loaded by its program\n"
"headers; ELF64 starts in long64, ELF32 in prot32 mode), a Multiboot (v1)\n"
"ELF kernel, or else a flat binary.\n"
"\n"
"Options:\n"
"  -m, --mem SIZE        guest RAM at guest-physical 0 (default 16M, Linux\n"
"                        256M, at most 3G); SIZE takes a K, M or G suffix,\n"
"                        page multiple\n"
"  -l, --load-addr ADDR  guest-physical address IMAGE is loaded at\n"
"                        (default 0x10000)\n"
"  -e, --entry ADDR      guest-physical entry point (default: load address)\n"
"  -M, --mode MODE       real, prot32 or long64 (default long64)\n"
"                        (--load-addr, --entry, --mode: flat binaries only)\n"
"  -c, --cmdline STRING  Multiboot or Linux: the kernel command line (Linux\n"
"      --append STRING   default: console=ttyS0)\n"
"  -d, --module 'FILE [ARGS]'  Multiboot: load FILE as a module, with the\n"
"                        whole string as its command line (repeatable)\n"
"  -k, --kernel FILE     the kernel: the same as IMAGE\n"
"  -i, --initrd FILE     Linux: the initial RAM disk\n"
"      --cpus N          Linux: N vCPUs (default 1), one thread each; vCPU 0\n"
"                        boots, the others wait for INIT/SIPI\n"
"      --unknown-io MODE exit: I/O to a port with no device ends the run\n"
"                        (status 103; the default but for Linux); ignore:\n"
"                        such ports read all ones, writes are dropped (the\n"
"                        default for Linux; said once per port with -v)\n"
"      --no-irqchip      no in-kernel local APIC and I/O APIC: HLT ends the\n"
"                        run, devices raise no interrupts (not for Linux)\n"
"  -v, --verbose         say on stderr what hvm-run does without (no irqchip)\n"
"                        and what it loaded where\n"
"  -h, --help            show this help and exit\n"
"\n"
"Modes:\n"
"  real    16-bit real mode; CS=DS=ES=SS=(entry>>4)&0xf000, IP=entry&0xffff,\n"
"          SP=0; entry below 1 MiB\n"
"  prot32  32-bit protected mode, flat segments, no paging, ESP=top of RAM\n"
"  long64  64-bit long mode, first 4 GiB identity-mapped with 2 MiB pages,\n"
"          RSP=top of RAM (at most 4 GiB)\n"
"  prot32 and long64 keep GDT, TSS, IDT and page tables at guest-physical\n"
"  0x1000-0x8fff: IMAGE must not overlap it.\n"
"\n"
"Linux: a bzImage starts at its 64-bit entry (boot protocol 2.12 or later,\n"
"loaded at its preferred address), a vmlinux at its PVH entry; ACPI tables\n"
"(RSDP at 0xe0000) list the vCPUs, the I/O APIC and S5 (power-off).\n"
"\n"
"Devices (IRQs need the irqchip, created unless --no-irqchip):\n"
"  0x40-0x43    8254 PIT; channel 0 is IRQ 0 = I/O APIC GSI 2\n"
"  0x61         port B: PIT GATE2 (bit 0), speaker (1), refresh (4), OUT2 (5)\n"
"  0x3f8-0x3ff  16550 UART, IRQ 4 = GSI 4: transmit to stdout, receive from\n"
"               stdin (a terminal: raw mode; Ctrl-A x quits, Ctrl-A Ctrl-A\n"
"               sends Ctrl-A)\n"
"  0x608        ACPI PM timer: 24-bit count at 3.579545 MHz (32-bit IN)\n"
"  0xf4         debug exit: OUT of value V ends the run with status V & 0xff\n"
"  0xfee00000   local APIC (xAPIC; x2APIC MSRs), 0xfec00000 I/O APIC: in the\n"
"               kernel, with the irqchip\n"
"  Linux boots add:\n"
"  0x600-0x605  ACPI PM1a event and control blocks: SLP_TYP 5 | SLP_EN\n"
"               powers off (status 0)\n"
"  0x60, 0x64   i8042 without keyboard: 0xfe to 0x64 resets (status 0)\n"
"  0x70-0x71    CMOS RTC with the host's time (UTC)\n"
"  0x80         POST/delay port;  0xcf8-0xcff PCI configuration: a host\n"
"               bridge at 00:00.0, no other device\n"
"\n"
"Exit status:\n"
"  V    the guest wrote V to port 0xf4\n"
"  0    the guest executed HLT (only without an irqchip: with one, HLT\n"
"       waits for an interrupt; end with port 0xf4); the guest powered off\n"
"       (ACPI S5) or reset (i8042); Ctrl-A x on the terminal\n"
"  100  bad command line        101  setup failed (/dev/hvm, memory, IMAGE)\n"
"  102  HVM_RUN failed          103  I/O to a port with no device\n"
"  104  MMIO (outside RAM)      105  SHUTDOWN (triple fault)\n"
"  106  FAIL_ENTRY              107  INTERNAL_ERROR\n"
"  108  unknown exit reason     128+N  signal N (SIGHUP, SIGINT, SIGTERM)\n"
"  On 102-108 the exit and the registers are dumped to stderr.\n");
}

/* A number with an optional K/M/G (binary) suffix. */
static int parse_size(const char *s, unsigned long long *val)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		shift = 20;
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	}
	if (*end || (shift && v > (~0ULL >> shift)))
		return -1;
	*val = v << shift;
	return 0;
}

static int parse_addr(const char *s, unsigned long long *val)
{
	char *end;

	errno = 0;
	*val = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

int runner_parse_options(int argc, char **argv, struct runner_options *opts)
{
	static const struct option long_options[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "load-addr", required_argument, NULL, 'l' },
		{ "entry", required_argument, NULL, 'e' },
		{ "mode", required_argument, NULL, 'M' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "module", required_argument, NULL, 'd' },
		{ "append", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "unknown-io", required_argument, NULL, 'U' },
		{ "no-irqchip", no_argument, NULL, 'I' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long n;
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->nr_cpus = 1;
	opts->mem_size = DEFAULT_MEM_SIZE;
	opts->load_addr = DEFAULT_LOAD_ADDR;
	opts->mode = HVM_MODE_LONG64;

	while ((c = getopt_long(argc, argv, "m:l:e:M:c:d:k:i:vh", long_options, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (parse_size(optarg, &opts->mem_size) ||
			    !opts->mem_size || opts->mem_size % HVM_PAGE_SIZE) {
				fprintf(stderr, "hvm-run: bad --mem '%s'\n", optarg);
				return -1;
			}
			opts->mem_set = true;
			break;
		case 'l':
			if (parse_addr(optarg, &opts->load_addr)) {
				fprintf(stderr, "hvm-run: bad --load-addr '%s'\n", optarg);
				return -1;
			}
			opts->load_set = true;
			break;
		case 'e':
			if (parse_addr(optarg, &opts->entry)) {
				fprintf(stderr, "hvm-run: bad --entry '%s'\n", optarg);
				return -1;
			}
			opts->entry_set = true;
			break;
		case 'M':
			if (hvm_mode_parse(optarg, &opts->mode)) {
				fprintf(stderr, "hvm-run: bad --mode '%s' (real, prot32, long64)\n",
					optarg);
				return -1;
			}
			opts->mode_set = true;
			break;
		case 'c':
			opts->cmdline = optarg;
			break;
		case 'd':
			if (opts->nr_modules == RUNNER_MAX_MODULES) {
				fprintf(stderr, "hvm-run: at most %d --module\n",
					RUNNER_MAX_MODULES);
				return -1;
			}
			opts->modules[opts->nr_modules++] = optarg;
			break;
		case 'k':
			opts->image = optarg;
			break;
		case 'i':
			opts->initrd = optarg;
			break;
		case 'C':
			if (parse_addr(optarg, &n) || !n || n > RUNNER_MAX_CPUS) {
				fprintf(stderr, "hvm-run: bad --cpus '%s' (1-%d)\n", optarg,
					RUNNER_MAX_CPUS);
				return -1;
			}
			opts->nr_cpus = n;
			break;
		case 'U':
			if (!strcmp(optarg, "exit")) {
				opts->unknown_io = RUNNER_UNKNOWN_IO_EXIT;
			} else if (!strcmp(optarg, "ignore")) {
				opts->unknown_io = RUNNER_UNKNOWN_IO_IGNORE;
			} else {
				fprintf(stderr, "hvm-run: bad --unknown-io '%s' (exit, ignore)\n",
					optarg);
				return -1;
			}
			break;
		case 'I':
			opts->no_irqchip = true;
			break;
		case 'v':
			opts->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc - !opts->image) {
		if (opts->image && optind < argc)
			fprintf(stderr, "hvm-run: --kernel and IMAGE: one kernel only\n");
		usage(stderr);
		return -1;
	}
	if (!opts->image)
		opts->image = argv[optind];
	return 0;
}
