// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-bench: guest memory and the register state of a flat 64-bit guest.
 * The same bytes and the same registers go to both backends: a GDT with
 * 64-bit code, flat data and a busy TSS; page tables identity-mapping the
 * first 4 GiB with 2 MiB pages (GUEST_MMIO is mapped there but has no
 * memory behind it); the code of guests.S at GUEST_CODE; an IDT with
 * only the gates of the LAPIC's interrupts (an exception shuts down).
 */
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

#define PTE_P		0x1ULL
#define PTE_RW		0x2ULL
#define PTE_PS		0x80ULL

void *guest_ram_alloc(void)
{
	void *ram = mmap(NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return ram == MAP_FAILED ? NULL : ram;
}

void guest_ram_free(void *ram)
{
	if (ram)
		munmap(ram, GUEST_RAM_SIZE);
}

static void put64(void *ram, uint64_t gpa, uint64_t v)
{
	memcpy((char *)ram + gpa, &v, sizeof(v));
}

/* Fresh memory (all zero) in, the guest's tables and code out. */
void guest_ram_setup(void *ram)
{
	uint64_t tss_lo, i, handler, gate;

	/* GDT: null, 64-bit code (L=1), flat data, a busy 64-bit TSS. */
	put64(ram, GUEST_GDT + SEL_CODE64, 0x00af9b000000ffffULL);
	put64(ram, GUEST_GDT + SEL_DATA, 0x00cf93000000ffffULL);
	tss_lo = 0x67 | (GUEST_TSS & 0xffffff) << 16 | 0x8bULL << 40 |
		 (GUEST_TSS >> 24 & 0xff) << 56;
	put64(ram, GUEST_GDT + SEL_TSS, tss_lo);
	put64(ram, GUEST_GDT + SEL_TSS + 8, GUEST_TSS >> 32);

	/* PML4[0] -> PDPT, PDPT[0..3] -> 4 PDs of 2 MiB pages. */
	put64(ram, GUEST_PML4, GUEST_PDPT | PTE_P | PTE_RW);
	for (i = 0; i < 4; i++)
		put64(ram, GUEST_PDPT + i * 8,
		      (GUEST_PD + i * 0x1000) | PTE_P | PTE_RW);
	for (i = 0; i < 4 * 512; i++)
		put64(ram, GUEST_PD + i * 8,
		      (i << 21) | PTE_P | PTE_RW | PTE_PS);

	memcpy((char *)ram + GUEST_CODE, guest_blob_start,
	       guest_blob_end - guest_blob_start);

	/* 64-bit interrupt gates (type 0xe, P) for the LAPIC's vectors. */
	handler = GUEST_CODE + (uint64_t)(guest_irq_handler - guest_blob_start);
	for (i = GUEST_TIMER_VECTOR; i <= GUEST_IPI_VECTOR; i++) {
		gate = GUEST_IDT + i * 16;
		put64(ram, gate, (handler & 0xffff) | (uint64_t)SEL_CODE64 << 16 |
		      0x8eULL << 40 | (handler >> 16 & 0xffff) << 48);
		put64(ram, gate + 8, handler >> 32);
	}
}

static void seg_flat(struct bench_seg *s, uint16_t sel, uint8_t type,
		     bool db, bool l)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->db = db;
	s->l = l;
	s->g = 1;
}

static void seg_system(struct bench_seg *s, uint16_t sel, uint8_t type,
		       uint64_t base, uint32_t limit)
{
	memset(s, 0, sizeof(*s));
	s->base = base;
	s->limit = limit;
	s->selector = sel;
	s->type = type;
	s->present = 1;
}

/* The registers for entry point @entry (in guests.S) of the blob. */
void guest_state_init(struct guest_state *gs, const char *entry,
		      uint64_t iters, uint64_t warmup)
{
	memset(gs, 0, sizeof(*gs));
	seg_flat(&gs->cs, SEL_CODE64, 0xb, false, true);
	seg_flat(&gs->ds, SEL_DATA, 0x3, true, false);
	seg_system(&gs->tr, SEL_TSS, 0xb, GUEST_TSS, 0x67);
	seg_system(&gs->ldt, 0, 0x2, 0, 0xffff);
	gs->gdt_base = GUEST_GDT;
	gs->gdt_limit = SEL_TSS + 16 - 1;
	gs->idt_base = GUEST_IDT;
	gs->idt_limit = (GUEST_IPI_VECTOR + 1) * 16 - 1;
	gs->cr0 = 0x80010033;	/* PG WP NE ET MP PE */
	gs->cr3 = GUEST_PML4;
	gs->cr4 = 0x620;	/* OSXMMEXCPT OSFXSR PAE */
	gs->efer = 0x500;	/* LMA LME */
	gs->rip = GUEST_CODE + (uint64_t)(entry - guest_blob_start);
	gs->rsp = GUEST_STACK_TOP;
	gs->rflags = 2;
	gs->rdi = iters;
	gs->rsi = warmup;
}
