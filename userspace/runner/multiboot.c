// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: booting Multiboot (version 1) ELF kernels.  After the ELF
 * segments, the Multiboot information block goes into guest RAM: memory
 * size and map, command line, boot loader name and modules; the kernel
 * starts in 32-bit protected mode with EAX = 0x2BADB002 and EBX = the
 * block's address (Multiboot Specification 0.6.96, section 3).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"

#define MB_HEADER_MAGIC		0x1badb002
#define MB_BOOT_MAGIC		0x2badb002
#define MB_SEARCH		8192
/* Header flags we honour: page-aligned modules, memory information. */
#define MB_HDR_PAGE_ALIGN	(1U << 0)
#define MB_HDR_MEMORY		(1U << 1)
#define MB_HDR_REQUIRED		0xffffU

/* Information block flags (section 3.3). */
#define MBI_MEM			(1U << 0)
#define MBI_CMDLINE		(1U << 2)
#define MBI_MODS		(1U << 3)
#define MBI_MMAP		(1U << 6)
#define MBI_LOADER_NAME		(1U << 9)

#define LOWER_MEM_END		0x9fc00ULL	/* below the EBDA */
#define HIGH_MEM		0x100000ULL

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
	uint32_t apm_table, vbe[6];
} __attribute__((packed));

struct mb_mod {
	uint32_t mod_start, mod_end, string, reserved;
} __attribute__((packed));

struct mb_mmap {
	uint32_t size;		/* of the rest: 20 */
	uint64_t base_addr, length;
	uint32_t type;		/* 1 RAM, 2 reserved */
} __attribute__((packed));

/* The Multiboot header's flags, or -1 when the image has none. */
long runner_multiboot_flags(const unsigned char *img, size_t size)
{
	size_t off;

	for (off = 0; off + 12 <= size && off < MB_SEARCH; off += 4) {
		uint32_t h[3];

		memcpy(h, img + off, sizeof(h));
		if (h[0] == MB_HEADER_MAGIC && (uint32_t)(h[0] + h[1] + h[2]) == 0)
			return h[1];
	}
	return -1;
}

static unsigned long long align_up(unsigned long long v, unsigned long long a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Guest RAM for @len bytes at *@next (then moved past them), or NULL. */
static void *take(struct hvm_vm *vm, unsigned long long *next, size_t len,
		  unsigned long long *gpa)
{
	void *p = hvm_vm_gpa_to_hva(vm, *next, len);

	if (!p || *next + len > 0x100000000ULL)
		return NULL;
	*gpa = *next;
	*next += len;
	return p;
}

static int load_module(struct hvm_vm *vm, const char *spec, unsigned long long *next,
		       struct mb_mod *mod)
{
	char path[4096];
	unsigned long long gpa;
	struct stat st;
	size_t done = 0;
	ssize_t n;
	char *dst;
	int fd;

	/* "FILE ARGS": the file is up to the first space; the string is all. */
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(spec, " "), spec);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "hvm-run: module %s: %m\n", path);
		goto fail;
	}
	*next = align_up(*next, HVM_PAGE_SIZE);
	dst = take(vm, next, st.st_size, &gpa);
	if (!dst) {
		fprintf(stderr, "hvm-run: module %s does not fit in guest RAM\n", path);
		goto fail;
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, dst + done, st.st_size - done);
		if (n <= 0) {
			fprintf(stderr, "hvm-run: reading module %s failed\n", path);
			goto fail;
		}
		done += n;
	}
	close(fd);
	mod->mod_start = gpa;
	mod->mod_end = gpa + st.st_size;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

static uint32_t put_string(struct hvm_vm *vm, unsigned long long *next, const char *s)
{
	unsigned long long gpa;
	char *p = take(vm, next, strlen(s) + 1, &gpa);

	if (!p)
		return 0;
	strcpy(p, s);
	return gpa;
}

int runner_multiboot_setup(struct hvm_vm *vm, const struct runner_options *o,
			   unsigned long header_flags, struct runner_image *img)
{
	unsigned long long next = align_up(img->end, HVM_PAGE_SIZE), gpa, top;
	struct mb_mmap *mmap;
	struct mb_info *mbi;
	struct mb_mod *mods;
	unsigned int i;

	if (header_flags & MB_HDR_REQUIRED & ~(MB_HDR_PAGE_ALIGN | MB_HDR_MEMORY)) {
		fprintf(stderr, "hvm-run: the Multiboot header asks for features hvm-run "
			"lacks (flags 0x%lx)\n", header_flags);
		return -1;
	}
	if (o->mem_size < 2 * HIGH_MEM) {
		fprintf(stderr, "hvm-run: Multiboot needs at least 2M of RAM\n");
		return -1;
	}
	top = o->mem_size < 0x100000000ULL ? o->mem_size : 0x100000000ULL;

	mbi = take(vm, &next, sizeof(*mbi), &gpa);
	if (!mbi)
		goto full;
	memset(mbi, 0, sizeof(*mbi));
	img->mbi = gpa;
	mbi->flags = MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME;
	mbi->mem_lower = LOWER_MEM_END / 1024;
	mbi->mem_upper = (top - HIGH_MEM) / 1024;

	mmap = take(vm, &next, 3 * sizeof(*mmap), &gpa);
	if (!mmap)
		goto full;
	mmap[0] = (struct mb_mmap){ 20, 0, LOWER_MEM_END, 1 };
	mmap[1] = (struct mb_mmap){ 20, LOWER_MEM_END, HIGH_MEM - LOWER_MEM_END, 2 };
	mmap[2] = (struct mb_mmap){ 20, HIGH_MEM, o->mem_size - HIGH_MEM, 1 };
	mbi->mmap_addr = gpa;
	mbi->mmap_length = 3 * sizeof(*mmap);

	mbi->cmdline = put_string(vm, &next, o->cmdline ? o->cmdline : "");
	mbi->boot_loader_name = put_string(vm, &next, "hvm-run");
	if (!mbi->cmdline || !mbi->boot_loader_name)
		goto full;

	mods = take(vm, &next, o->nr_modules * sizeof(*mods) + 1, &gpa);
	if (!mods)
		goto full;
	mbi->mods_addr = gpa;
	mbi->mods_count = o->nr_modules;
	for (i = 0; i < o->nr_modules; i++) {
		memset(&mods[i], 0, sizeof(mods[i]));
		mods[i].string = put_string(vm, &next, o->modules[i]);
		if (!mods[i].string)
			goto full;
	}
	for (i = 0; i < o->nr_modules; i++)
		if (load_module(vm, o->modules[i], &next, &mods[i]))
			return -1;

	img->mode = HVM_MODE_PROT32;
	img->multiboot = true;
	return 0;
full:
	fprintf(stderr, "hvm-run: no room in guest RAM for the Multiboot information\n");
	return -1;
}

int runner_multiboot_regs(struct hvm_vcpu *vcpu, const struct runner_image *img)
{
	struct hvm_regs regs;

	if (hvm_vcpu_get_regs(vcpu, &regs))
		return -1;
	regs.rax = MB_BOOT_MAGIC;
	regs.rbx = img->mbi;
	return hvm_vcpu_set_regs(vcpu, &regs);
}
