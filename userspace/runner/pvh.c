// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: booting an uncompressed Linux vmlinux (ELF64) at its PVH entry
 * point, the Xen ELF note PHYS32_ENTRY (Xen's public start_info.h and
 * Linux's arch/x86/platform/pvh/): 32-bit protected mode, paging off, flat
 * segments, EBX = an hvm_start_info (version 1) with the command line, the
 * initrd as the one module, the memory map and the ACPI RSDP.  The layout
 * is the bzImage boot's (linux.c), with the hvm_start_info in place of
 * boot_params.  It skips the kernel's decompression.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"

#define XEN_ELFNOTE_PHYS32_ENTRY	18
#define HVM_START_MAGIC			0x336ec578
#define START_INFO			0x10000ULL

struct hvm_start_info {
	__u32 magic, version, flags, nr_modules;
	__u64 modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	__u32 memmap_entries, reserved;
} __attribute__((packed));

struct hvm_modlist_entry {
	__u64 paddr, size, cmdline_paddr, reserved;
} __attribute__((packed));

struct hvm_memmap_entry {
	__u64 addr, size;
	__u32 type, reserved;
} __attribute__((packed));

static size_t note_align(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* The PHYS32_ENTRY note of an ELF64 x86-64 file, or -1. */
long long runner_pvh_entry(const unsigned char *img, size_t size)
{
	const Elf64_Ehdr *eh = (const void *)img;
	unsigned int i;

	if (size < sizeof(*eh) || img[EI_CLASS] != ELFCLASS64 ||
	    eh->e_machine != EM_X86_64 || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phoff > size || (size - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
		return -1;
	for (i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const void *)(img + eh->e_phoff + i * sizeof(*ph));
		size_t off, end;

		if (ph->p_type != PT_NOTE || ph->p_offset > size ||
		    ph->p_filesz > size - ph->p_offset)
			continue;
		off = ph->p_offset;
		end = off + ph->p_filesz;
		while (off + sizeof(Elf64_Nhdr) <= end) {
			const Elf64_Nhdr *nh = (const void *)(img + off);
			size_t name = off + sizeof(*nh);
			size_t desc = name + note_align(nh->n_namesz);

			if (nh->n_namesz > end || nh->n_descsz > end || desc > end ||
			    desc + nh->n_descsz > end)
				break;
			if (nh->n_type == XEN_ELFNOTE_PHYS32_ENTRY && nh->n_namesz == 4 &&
			    !memcmp(img + name, "Xen", 4) &&
			    (nh->n_descsz == 4 || nh->n_descsz == 8)) {
				__u32 entry;

				memcpy(&entry, img + desc, 4);
				return entry;
			}
			off = desc + note_align(nh->n_descsz);
		}
	}
	return -1;
}

int runner_pvh_setup(struct hvm_vm *vm, const struct runner_options *o,
		     unsigned long long entry, struct runner_image *img)
{
	struct runner_memmap map[RUNNER_MEMMAP_ENTRIES];
	struct hvm_modlist_entry *mod;
	struct hvm_memmap_entry *mm;
	struct hvm_start_info *si;
	unsigned long long cmdline, rd_addr, rd_size, rsdp;
	unsigned int i, n;

	if (runner_linux_check_mem(o))
		return -1;
	if (img->end > o->mem_size) {
		fprintf(stderr, "hvm-run: %s ends at 0x%llx, beyond guest RAM\n",
			o->image, img->end);
		return -1;
	}
	si = hvm_vm_gpa_to_hva(vm, START_INFO, HVM_PAGE_SIZE);
	if (!si)
		return -1;
	memset(si, 0, HVM_PAGE_SIZE);
	mod = (void *)(si + 1);
	mm = (void *)(mod + 1);

	if (runner_linux_cmdline(vm, o, ~(size_t)0, &cmdline) ||
	    runner_linux_initrd(vm, o, (img->end + HVM_PAGE_SIZE - 1) & ~(HVM_PAGE_SIZE - 1),
				RUNNER_LINUX_MAX_MEM, &rd_addr, &rd_size))
		return -1;
	rsdp = runner_acpi_build(vm, o->nr_cpus);
	if (!rsdp) {
		fprintf(stderr, "hvm-run: no room for the ACPI tables\n");
		return -1;
	}
	n = runner_memory_map(o->mem_size, map);
	for (i = 0; i < n; i++)
		mm[i] = (struct hvm_memmap_entry){ map[i].addr, map[i].size, map[i].type, 0 };

	si->magic = HVM_START_MAGIC;
	si->version = 1;
	si->cmdline_paddr = cmdline;
	si->rsdp_paddr = rsdp;
	si->memmap_paddr = START_INFO + ((char *)mm - (char *)si);
	si->memmap_entries = n;
	if (rd_size) {
		*mod = (struct hvm_modlist_entry){ rd_addr, rd_size, 0, 0 };
		si->nr_modules = 1;
		si->modlist_paddr = START_INFO + sizeof(*si);
	}

	img->entry = entry;
	img->mode = HVM_MODE_PROT32;
	img->linux_boot = RUNNER_LINUX_PVH;
	img->boot_info = START_INFO;
	if (o->verbose)
		fprintf(stderr, "hvm-run: PVH entry 0x%llx, kernel 0x%llx-0x%llx, "
			"initrd 0x%llx+0x%llx, ACPI RSDP 0x%llx\n", entry, img->low,
			img->end, rd_addr, rd_size, rsdp);
	return 0;
}

/* 32-bit protected mode, paging off, EBX = the hvm_start_info. */
int runner_pvh_regs(struct hvm_vcpu *vcpu, const struct runner_image *img)
{
	struct hvm_regs regs;

	if (hvm_vcpu_setup_prot32(vcpu, img->entry, START_INFO) ||
	    hvm_vcpu_get_regs(vcpu, &regs))
		return -1;
	regs.rbx = img->boot_info;
	return hvm_vcpu_set_regs(vcpu, &regs);
}
