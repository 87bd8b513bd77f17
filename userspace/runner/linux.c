// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: booting a Linux bzImage per the x86 boot protocol
 * (Documentation/x86/boot.rst of Linux), through its 64-bit entry point.
 *
 * Guest-physical layout of a Linux boot (PVH boots, pvh.c, share it):
 *
 *   0x1000-0x8fff    libhvm's system area: GDT, TSS, IDT, page tables
 *                    identity-mapping 4 GiB (the 64-bit entry needs them)
 *   0x9000           the boot GDT: __BOOT_CS 0x10, __BOOT_DS 0x18
 *   0x10000          boot_params (the zero page) or hvm_start_info
 *   0x20000          the kernel command line
 *   0x9fc00-0x9ffff  reserved (EBDA)
 *   0xe0000-0xfffff  reserved (BIOS area): the ACPI tables (acpi.c)
 *   0x1000000        the kernel (its pref_address; PVH: its ELF segments)
 *   top of RAM       the initrd, page aligned, as high as it may go
 *
 * The e820 map: RAM 0-0x9fbff, reserved 0x9fc00-0x9ffff and
 * 0xe0000-0xfffff, RAM from 1 MiB to the end of guest RAM, which stays
 * below 3 GiB (the I/O APIC and local APIC windows are above).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"

#define BOOT_GDT		0x9000ULL
#define BOOT_CS			0x10
#define BOOT_DS			0x18
#define BOOT_TSS		0x20
#define ZERO_PAGE		0x10000ULL
#define CMDLINE_ADDR		0x20000ULL
#define CMDLINE_MAX		0x10000ULL
#define LOW_RAM_END		0x9fc00ULL
#define BIOS_AREA		0xe0000ULL
#define HIGH_MEM		0x100000ULL

/* boot_params offsets (arch/x86/include/uapi/asm/bootparam.h) */
#define BP_ACPI_RSDP_ADDR	0x070
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_HDR			0x1f1
#define BP_E820_TABLE		0x2d0
#define BP_E820_MAX		128

/* setup_header fields, at the same offsets in the file and boot_params */
#define HDR_SETUP_SECTS		0x1f1
#define HDR_VID_MODE		0x1fa
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200
#define HDR_HEADER		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_CODE32_START	0x214
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260

#define LOADED_HIGH		(1U << 0)
#define XLF_KERNEL_64		(1U << 0)
#define BOOT_PROTOCOL_MIN	0x20c	/* 2.12: xloadflags */
#define BOOT_PROTOCOL_RSDP	0x20e	/* 2.14: acpi_rsdp_addr */

static __u16 get16(const unsigned char *p, size_t off)
{
	return p[off] | p[off + 1] << 8;
}

static __u32 get32(const unsigned char *p, size_t off)
{
	return get16(p, off) | (__u32)get16(p, off + 2) << 16;
}

static void put32(unsigned char *p, size_t off, __u32 v)
{
	memcpy(p + off, &v, 4);
}

bool runner_is_bzimage(const unsigned char *img, size_t size)
{
	return size >= 0x400 && get16(img, HDR_BOOT_FLAG) == 0xaa55 &&
	       !memcmp(img + HDR_HEADER, "HdrS", 4);
}

unsigned int runner_memory_map(unsigned long long mem_size, struct runner_memmap *map)
{
	map[0] = (struct runner_memmap){ 0, LOW_RAM_END, RUNNER_E820_RAM };
	map[1] = (struct runner_memmap){ LOW_RAM_END, 0xa0000 - LOW_RAM_END,
					 RUNNER_E820_RESERVED };
	map[2] = (struct runner_memmap){ BIOS_AREA, HIGH_MEM - BIOS_AREA,
					 RUNNER_E820_RESERVED };
	map[3] = (struct runner_memmap){ HIGH_MEM, mem_size - HIGH_MEM, RUNNER_E820_RAM };
	return RUNNER_MEMMAP_ENTRIES;
}

int runner_linux_check_mem(const struct runner_options *o)
{
	if (o->mem_size > RUNNER_LINUX_MAX_MEM || o->mem_size < 32ULL << 20) {
		fprintf(stderr, "hvm-run: a Linux boot takes --mem from 32M to 3G\n");
		return -1;
	}
	return 0;
}

/* The TSC frequency hvm gives its guests (CPUID 0x40000010 EAX), or 0. */
static unsigned long tsc_khz(struct hvm_vm *vm)
{
	struct hvm_cpuid *c = hvm_dev_get_supported_cpuid(vm->dev_fd);
	struct hvm_cpuid_entry *e = c ? hvm_cpuid_find(c, 0x40000010, 0) : NULL;
	unsigned long khz = e ? e->eax : 0;

	free(c);
	return khz;
}

/*
 * The command line at CMDLINE_ADDR (at most @max bytes with its NUL);
 * console=ttyS0 without --cmdline.  tsc_early_khz= is added, as a boot
 * loader could: Linux 6.1 reads the TSC frequency from CPUID only on
 * Intel CPUs (0x15) or under hypervisors it knows (0x40000010), and
 * otherwise times the TSC against the PIT or the PM timer, with reads
 * that must each take under 50000 cycles: nested emulators exit slower.
 */
int runner_linux_cmdline(struct hvm_vm *vm, const struct runner_options *o,
			 size_t max, unsigned long long *addr)
{
	const char *base = o->cmdline ? o->cmdline : RUNNER_LINUX_DEFAULT_CMDLINE;
	unsigned long khz = strstr(base, "tsc_early_khz=") ? 0 : tsc_khz(vm);
	size_t len = strlen(base) + 40;
	char *s = malloc(len);
	int r;

	if (!s)
		return -1;
	if (khz)
		snprintf(s, len, "%s tsc_early_khz=%lu", base, khz);
	else
		snprintf(s, len, "%s", base);
	len = strlen(s) + 1;
	if (max > CMDLINE_MAX)
		max = CMDLINE_MAX;
	if (len > max) {
		fprintf(stderr, "hvm-run: the kernel command line is longer than %zu bytes\n",
			max - 1);
		free(s);
		return -1;
	}
	*addr = CMDLINE_ADDR;
	r = hvm_vm_write(vm, CMDLINE_ADDR, s, len);
	free(s);
	return r;
}

/*
 * The initrd file, page aligned, as high as possible below @limit and the
 * end of RAM, not below @lowest.  No --initrd: *size = 0.
 */
int runner_linux_initrd(struct hvm_vm *vm, const struct runner_options *o,
			unsigned long long lowest, unsigned long long limit,
			unsigned long long *addr, unsigned long long *size)
{
	unsigned long long top = o->mem_size < limit ? o->mem_size : limit;
	size_t done = 0, len;
	struct stat st;
	ssize_t n;
	char *dst;
	int fd;

	*addr = *size = 0;
	if (!o->initrd)
		return 0;
	fd = open(o->initrd, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "hvm-run: %s: %m\n", o->initrd);
		goto fail;
	}
	len = st.st_size;
	if (len > top || ((top - len) & ~(HVM_PAGE_SIZE - 1)) < lowest) {
		fprintf(stderr, "hvm-run: the initrd %s (%zu bytes) does not fit in guest "
			"RAM above the kernel (0x%llx-0x%llx): more --mem?\n",
			o->initrd, len, lowest, top);
		goto fail;
	}
	*addr = (top - len) & ~(HVM_PAGE_SIZE - 1);
	dst = hvm_vm_gpa_to_hva(vm, *addr, len);
	if (!dst)
		goto fail;
	while (done < len) {
		n = read(fd, dst + done, len - done);
		if (n <= 0) {
			fprintf(stderr, "hvm-run: reading %s: %s\n", o->initrd,
				n ? strerror(errno) : "short file");
			goto fail;
		}
		done += n;
	}
	close(fd);
	*size = len;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

int runner_load_bzimage(struct hvm_vm *vm, const struct runner_options *o,
			const unsigned char *data, size_t size, struct runner_image *img)
{
	unsigned long long load, init_size, align, setup_size, kernel_size;
	unsigned long long cmdline, rd_addr, rd_size, rd_max, rsdp;
	struct runner_memmap map[RUNNER_MEMMAP_ENTRIES];
	unsigned int version, setup_sects, hdr_end, i, n;
	unsigned char *bp;
	void *dst;

	version = get16(data, HDR_VERSION);
	setup_sects = data[HDR_SETUP_SECTS] ? data[HDR_SETUP_SECTS] : 4;
	setup_size = (setup_sects + 1) * 512ULL;
	hdr_end = HDR_JUMP + 2 + data[HDR_JUMP + 1];	/* the jump's target */
	if (version < BOOT_PROTOCOL_MIN) {
		fprintf(stderr, "hvm-run: %s: boot protocol %u.%02u, hvm-run needs 2.12\n",
			o->image, version >> 8, version & 0xff);
		return -1;
	}
	if (!(data[HDR_LOADFLAGS] & LOADED_HIGH) ||
	    !(get16(data, HDR_XLOADFLAGS) & XLF_KERNEL_64) || !data[HDR_RELOCATABLE]) {
		fprintf(stderr, "hvm-run: %s is not a relocatable 64-bit bzImage "
			"(loadflags 0x%x, xloadflags 0x%x)\n", o->image,
			data[HDR_LOADFLAGS], get16(data, HDR_XLOADFLAGS));
		return -1;
	}
	if (setup_size >= size || hdr_end > 0x400 || hdr_end <= HDR_HEADER) {
		fprintf(stderr, "hvm-run: %s: bad setup header\n", o->image);
		return -1;
	}
	if (runner_linux_check_mem(o))
		return -1;

	kernel_size = size - setup_size;
	init_size = get32(data, HDR_INIT_SIZE);
	align = get32(data, HDR_KERNEL_ALIGNMENT);
	memcpy(&load, data + HDR_PREF_ADDRESS, sizeof(load));
	if (load < HIGH_MEM || (align & (align - 1)))
		load = 16ULL << 20;
	else if (align)
		load = (load + align - 1) & ~(align - 1);
	if (init_size < kernel_size)
		init_size = kernel_size;
	if (load + init_size > o->mem_size) {
		fprintf(stderr, "hvm-run: %s needs 0x%llx bytes at 0x%llx: --mem %lluM at least\n",
			o->image, init_size, load, ((load + init_size) >> 20) + 1);
		return -1;
	}
	dst = hvm_vm_gpa_to_hva(vm, load, kernel_size);
	if (!dst)
		return -1;
	memcpy(dst, data + setup_size, kernel_size);

	/* boot_params: zeroed, with the file's setup header */
	bp = hvm_vm_gpa_to_hva(vm, ZERO_PAGE, HVM_PAGE_SIZE);
	if (!bp)
		return -1;
	memset(bp, 0, HVM_PAGE_SIZE);
	memcpy(bp + BP_HDR, data + BP_HDR, hdr_end - BP_HDR);
	bp[HDR_TYPE_OF_LOADER] = 0xff;
	bp[HDR_VID_MODE] = 0xff;			/* "normal" */
	bp[HDR_VID_MODE + 1] = 0xff;
	put32(bp, HDR_CODE32_START, load);

	if (runner_linux_cmdline(vm, o, get32(data, HDR_CMDLINE_SIZE) + 1ULL, &cmdline))
		return -1;
	put32(bp, HDR_CMD_LINE_PTR, cmdline);
	put32(bp, BP_EXT_CMD_LINE_PTR, cmdline >> 32);

	rd_max = get32(data, HDR_INITRD_ADDR_MAX) + 1ULL;
	if (runner_linux_initrd(vm, o, load + init_size, rd_max, &rd_addr, &rd_size))
		return -1;
	put32(bp, HDR_RAMDISK_IMAGE, rd_addr);
	put32(bp, HDR_RAMDISK_SIZE, rd_size);
	put32(bp, BP_EXT_RAMDISK_IMAGE, rd_addr >> 32);
	put32(bp, BP_EXT_RAMDISK_SIZE, rd_size >> 32);

	n = runner_memory_map(o->mem_size, map);
	for (i = 0; i < n; i++) {
		unsigned char *e = bp + BP_E820_TABLE + 20 * i;

		memcpy(e, &map[i].addr, 8);
		memcpy(e + 8, &map[i].size, 8);
		put32(e, 16, map[i].type);
	}
	bp[BP_E820_ENTRIES] = n;

	rsdp = runner_acpi_build(vm, o->nr_cpus);
	if (!rsdp) {
		fprintf(stderr, "hvm-run: no room for the ACPI tables\n");
		return -1;
	}
	if (version >= BOOT_PROTOCOL_RSDP)
		memcpy(bp + BP_ACPI_RSDP_ADDR, &rsdp, 8);

	img->low = load;
	img->end = load + init_size;
	img->entry = load + 0x200;		/* startup_64 */
	img->mode = HVM_MODE_LONG64;
	img->linux_boot = RUNNER_LINUX_BZIMAGE;
	img->boot_info = ZERO_PAGE;
	if (o->verbose)
		fprintf(stderr, "hvm-run: bzImage protocol %u.%02u at 0x%llx (init_size 0x%llx), "
			"initrd 0x%llx+0x%llx, ACPI RSDP 0x%llx\n", version >> 8,
			version & 0xff, load, init_size, rd_addr, rd_size, rsdp);
	return 0;
}

/* 64-bit boot GDT: 0x10 flat 64-bit code, 0x18 flat data, 0x20 the TSS. */
static int write_boot_gdt(struct hvm_vm *vm)
{
	__u64 gdt[6] = { 0 };

	gdt[BOOT_CS / 8] = 0x00af9b000000ffffULL;
	gdt[BOOT_DS / 8] = 0x00cf93000000ffffULL;
	gdt[BOOT_TSS / 8] = 0x00008b0000000067ULL | (HVM_SYS_TSS << 16);
	return hvm_vm_write(vm, BOOT_GDT, gdt, sizeof(gdt));
}

/*
 * The BSP at startup_64: long mode on the identity map, CS = __BOOT_CS,
 * DS = ES = SS = __BOOT_DS, interrupts off, RSI = boot_params.
 */
int runner_linux_regs(struct hvm_vcpu *vcpu, const struct runner_image *img)
{
	struct hvm_sregs sregs;
	struct hvm_regs regs;

	if (hvm_vcpu_setup_long64(vcpu, img->entry, ZERO_PAGE) ||
	    write_boot_gdt(vcpu->vm) || hvm_vcpu_get_sregs(vcpu, &sregs))
		return -1;
	sregs.cs.selector = BOOT_CS;
	sregs.ds.selector = BOOT_DS;
	sregs.es.selector = BOOT_DS;
	sregs.fs.selector = BOOT_DS;
	sregs.gs.selector = BOOT_DS;
	sregs.ss.selector = BOOT_DS;
	sregs.tr.selector = BOOT_TSS;
	sregs.gdt.base = BOOT_GDT;
	sregs.gdt.limit = 6 * 8 - 1;
	if (hvm_vcpu_set_sregs(vcpu, &sregs) || hvm_vcpu_get_regs(vcpu, &regs))
		return -1;
	regs.rsi = img->boot_info;
	return hvm_vcpu_set_regs(vcpu, &regs);
}
