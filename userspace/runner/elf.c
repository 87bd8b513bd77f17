// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: loading ELF images (ELF32 and ELF64, little-endian x86): every
 * PT_LOAD segment is copied to its physical address (p_paddr) in guest
 * RAM and the rest of its memory size is zeroed.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"

bool runner_is_elf(const unsigned char *img, size_t size)
{
	return size >= EI_NIDENT && !memcmp(img, ELFMAG, SELFMAG);
}

/* One segment: [paddr, paddr + memsz) in RAM, filesz bytes from @off. */
static int load_segment(struct hvm_vm *vm, const unsigned char *img, size_t size,
			unsigned long long off, unsigned long long filesz,
			unsigned long long paddr, unsigned long long memsz,
			struct runner_image *out)
{
	unsigned char *dst;

	if (filesz > memsz || off > size || filesz > size - off) {
		fprintf(stderr, "hvm-run: ELF segment at 0x%llx runs past the file\n", paddr);
		return -1;
	}
	if (!memsz)
		return 0;
	dst = hvm_vm_gpa_to_hva(vm, paddr, memsz);
	if (!dst) {
		fprintf(stderr, "hvm-run: ELF segment 0x%llx-0x%llx is not in guest RAM\n",
			paddr, paddr + memsz - 1);
		return -1;
	}
	memcpy(dst, img + off, filesz);
	memset(dst + filesz, 0, memsz - filesz);
	if (paddr < out->low)
		out->low = paddr;
	if (paddr + memsz > out->end)
		out->end = paddr + memsz;
	return 0;
}

int runner_load_elf(struct hvm_vm *vm, const unsigned char *img, size_t size,
		    struct runner_image *out)
{
	bool is64 = img[EI_CLASS] == ELFCLASS64;
	unsigned long long phoff, entry;
	unsigned int phnum, phentsize, i;
	int r;

	if ((img[EI_CLASS] != ELFCLASS32 && !is64) || img[EI_DATA] != ELFDATA2LSB ||
	    size < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))) {
		fprintf(stderr, "hvm-run: not a little-endian ELF32/ELF64 file\n");
		return -1;
	}
	if (is64) {
		const Elf64_Ehdr *eh = (const void *)img;

		if (eh->e_machine != EM_X86_64)
			goto bad_machine;
		phoff = eh->e_phoff;
		phnum = eh->e_phnum;
		phentsize = eh->e_phentsize;
		entry = eh->e_entry;
		if (phentsize != sizeof(Elf64_Phdr))
			goto bad_phdr;
	} else {
		const Elf32_Ehdr *eh = (const void *)img;

		if (eh->e_machine != EM_386)
			goto bad_machine;
		phoff = eh->e_phoff;
		phnum = eh->e_phnum;
		phentsize = eh->e_phentsize;
		entry = eh->e_entry;
		if (phentsize != sizeof(Elf32_Phdr))
			goto bad_phdr;
	}
	if (phoff > size || (unsigned long long)phnum * phentsize > size - phoff)
		goto bad_phdr;

	out->low = ~0ULL;
	out->end = 0;
	for (i = 0; i < phnum; i++) {
		const unsigned char *ph = img + phoff + (size_t)i * phentsize;

		if (is64) {
			const Elf64_Phdr *p = (const void *)ph;

			if (p->p_type != PT_LOAD)
				continue;
			r = load_segment(vm, img, size, p->p_offset, p->p_filesz,
					 p->p_paddr, p->p_memsz, out);
		} else {
			const Elf32_Phdr *p = (const void *)ph;

			if (p->p_type != PT_LOAD)
				continue;
			r = load_segment(vm, img, size, p->p_offset, p->p_filesz,
					 p->p_paddr, p->p_memsz, out);
		}
		if (r)
			return r;
	}
	if (out->end == 0) {
		fprintf(stderr, "hvm-run: the ELF file has nothing to load\n");
		return -1;
	}
	out->entry = entry;
	out->mode = is64 ? HVM_MODE_LONG64 : HVM_MODE_PROT32;
	return 0;

bad_machine:
	fprintf(stderr, "hvm-run: the ELF file is not for x86\n");
	return -1;
bad_phdr:
	fprintf(stderr, "hvm-run: bad ELF program headers\n");
	return -1;
}
