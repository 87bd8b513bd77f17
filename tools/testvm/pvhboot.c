// SPDX-License-Identifier: GPL-2.0
/*
 * pvhboot.c: a tiny Multiboot (v1) kernel for the Bochs test VMs.  ISOLINUX's
 * mboot.c32 loads it with two modules, the kernel's uncompressed vmlinux (an
 * ELF64 file) and the initramfs; it copies vmlinux's PT_LOAD segments to
 * their physical addresses and enters Linux at its PVH entry point (the Xen
 * ELF note PHYS32_ENTRY) with an hvm_start_info: command line, initramfs,
 * memory map.  This skips the bzImage's XZ decompression, which takes about
 * a minute under Bochs.  Runs in 32-bit protected mode, paging off, as
 * Multiboot leaves it and as the PVH entry wants it.
 * Build: gcc -m32 -ffreestanding -fno-pic -fno-stack-protector -nostdlib
 *        -static -Wl,-Ttext=0x100000 -Wl,--build-id=none -o pvhboot.elf
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	0x3		/* page-aligned modules, memory map */
#define MB_BOOTED	0x2BADB002	/* in EAX from the loader */

/* First in .text (the header must be in the file's first 8 KiB). */
__attribute__((section(".text.0mb"), used, aligned(4)))
static const u32 mb_header[3] = { MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS) };

struct mb_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
};
struct mb_mod { u32 start, end, string, reserved; };
struct mb_mmap { u32 size; u64 addr, len; u32 type; } __attribute__((packed));

/* Xen's public start_info.h, version 1. */
struct hvm_start_info {
	u32 magic, version, flags, nr_modules;
	u64 modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	u32 memmap_entries, reserved;
};
struct hvm_modlist_entry { u64 paddr, size, cmdline_paddr, reserved; };
struct hvm_memmap_entry { u64 addr, size; u32 type, reserved; };

struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf64_phdr { u32 type, flags; u64 offset, vaddr, paddr, filesz, memsz, align; };

#define MAX_MMAP 64
static struct hvm_start_info si;
static struct hvm_modlist_entry mod;
static struct hvm_memmap_entry mmap[MAX_MMAP];
static char cmdline[2048];
u8 stack[16384] __attribute__((aligned(16)));	/* used by _start */

asm(".text\n.globl _start\n_start:\n"
    "	mov $stack + 16384, %esp\n"
    "	push %ebx\n"
    "	push %eax\n"
    "	call pvhboot\n"
    "1:	hlt\n"
    "	jmp 1b\n");

/* Early messages on COM1, polled (the kernel reprograms the UART later). */
static void outb(u16 port, u8 v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static u8 inb(u16 port) { u8 v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static void puts(const char *s)
{
	outb(0x3fb, 0x80);	/* 115200 baud 8N1 */
	outb(0x3f8, 1);
	outb(0x3f9, 0);
	outb(0x3fb, 0x03);
	for (; *s; s++) {
		while (!(inb(0x3fd) & 0x20))
			;
		outb(0x3f8, *s);
	}
}

static void puthex(const char *name, u32 v)
{
	char b[12];

	puts(name);
	puts(" ");
	for (int n = 0; n < 8; n++)
		b[n] = "0123456789abcdef"[(v >> (28 - 4 * n)) & 15];
	b[8] = ' ';
	b[9] = 0;
	puts(b);
}

static void die(const char *why)
{
	puts("pvhboot: ");
	puts(why);
	puts("\r\n");
	for (;;)
		asm volatile("cli; hlt");
}

/* Overlapping copies both ways; rep movsb is fast under emulation. */
static void move(u32 dst, u32 src, u32 n)
{
	if (dst <= src || dst >= src + n) {
		asm volatile("cld; rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	} else {
		dst += n - 1;
		src += n - 1;
		asm volatile("std; rep movsb; cld" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	}
}

static void zero(u32 dst, u32 n)
{
	asm volatile("cld; rep stosb" : "+D"(dst), "+c"(n) : "a"(0) : "memory");
}

/* The PVH entry: the Xen note PHYS32_ENTRY in a PT_NOTE segment. */
static u32 pvh_entry(u32 base, struct elf64_phdr *ph, int n)
{
	for (int i = 0; i < n; i++) {
		if (ph[i].type != 4)
			continue;
		u32 p = base + (u32)ph[i].offset, end = p + (u32)ph[i].filesz;
		while (p + 12 <= end) {
			u32 *h = (u32 *)p;
			u32 desc = p + 12 + ((h[0] + 3) & ~3);
			if (h[0] == 4 && *(u32 *)(p + 12) == 0x006e6558 && h[2] == 18)
				return *(u32 *)desc;	/* "Xen", PHYS32_ENTRY */
			p = desc + ((h[1] + 3) & ~3);
		}
	}
	return 0;
}

void pvhboot(u32 magic, struct mb_info *mbi);	/* called by _start */
void pvhboot(u32 magic, struct mb_info *mbi)
{
	if (magic != MB_BOOTED || mbi->mods_count < 2 || !(mbi->flags & (1 << 6)))
		die("need a Multiboot loader, 2 modules (vmlinux, initramfs), a memory map");
	struct mb_mod *mods = (struct mb_mod *)mbi->mods_addr;
	u32 k = mods[0].start, klen = mods[0].end - mods[0].start;
	u32 i = mods[1].start, ilen = mods[1].end - mods[1].start;
	struct elf64_ehdr *eh = (struct elf64_ehdr *)k;
	if (*(u32 *)eh->ident != 0x464c457f || eh->ident[4] != 2)
		die("module 1 is not an ELF64 vmlinux");

	/*
	 * Copy what we need of the loader's data first: the modules may
	 * move above it, the kernel's segments may land on it.
	 */
	/* The command line: ours, less its first word (our file name). */
	const char *c = mbi->flags & (1 << 2) ? (const char *)mbi->cmdline : "";
	while (*c && *c != ' ')
		c++;
	while (*c == ' ')
		c++;
	u32 len = 0;
	while (c[len] && len < sizeof(cmdline) - 1) {
		cmdline[len] = c[len];
		len++;
	}

	u32 nmap = 0;
	for (u32 p = mbi->mmap_addr; p < mbi->mmap_addr + mbi->mmap_length && nmap < MAX_MMAP;
	     p += ((struct mb_mmap *)p)->size + 4) {
		struct mb_mmap *m = (struct mb_mmap *)p;
		mmap[nmap].addr = m->addr;
		mmap[nmap].size = m->len;
		mmap[nmap].type = m->type;
		nmap++;
	}

	/* Where the kernel goes, and the modules out of its way (above all). */
	struct elf64_phdr *ph = (struct elf64_phdr *)(k + (u32)eh->phoff);
	u32 lo = ~0u, hi = 0, top = mods[0].end > mods[1].end ? mods[0].end : mods[1].end;
	for (int n = 0; n < eh->phnum; n++) {
		if (ph[n].type != 1)
			continue;
		if (ph[n].paddr < lo)
			lo = ph[n].paddr;
		if (ph[n].paddr + ph[n].memsz > hi)
			hi = ph[n].paddr + ph[n].memsz;
	}
	u32 entry = pvh_entry(k, ph, eh->phnum);
	if (!entry)
		die("no PVH entry point (Xen ELF note PHYS32_ENTRY) in vmlinux");
	if (k < hi && k + klen > lo) {
		u32 to = ((top > hi ? top : hi) + 0x1fffff) & ~0x1fffff;
		move(to, k, klen);
		k = to;
		top = to + klen;
		eh = (struct elf64_ehdr *)k;
		ph = (struct elf64_phdr *)(k + (u32)eh->phoff);
	}
	if (i < hi && i + ilen > lo) {
		u32 to = ((top > hi ? top : hi) + 0xfff) & ~0xfff;
		move(to, i, ilen);
		i = to;
	}
	for (int n = 0; n < eh->phnum; n++) {
		if (ph[n].type != 1)
			continue;
		move((u32)ph[n].paddr, k + (u32)ph[n].offset, (u32)ph[n].filesz);
		zero((u32)(ph[n].paddr + ph[n].filesz), (u32)(ph[n].memsz - ph[n].filesz));
	}

	mod.paddr = i;
	mod.size = ilen;
	si.magic = 0x336ec578;
	si.version = 1;
	si.nr_modules = 1;
	si.modlist_paddr = (u32)&mod;
	si.cmdline_paddr = (u32)cmdline;
	si.memmap_paddr = (u32)mmap;
	si.memmap_entries = nmap;
	puts("pvhboot: ");
	puthex("vmlinux", k);
	puthex("initramfs", i);
	puthex("size", ilen);
	puthex("entry", entry);
	puts("cmdline: ");
	puts(cmdline);
	puts("\r\n");
	asm volatile("jmp *%0" : : "r"(entry), "b"(&si));
	for (;;)
		;
}
