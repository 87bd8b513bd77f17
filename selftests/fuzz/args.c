// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's arguments: the pointer an ioctl gets (good, NULL, unmapped,
 * kernel, non-canonical, misaligned, read-only, crossing into a PROT_NONE
 * page) and the structures behind it, from boundary values, random bits
 * and mutations of a state that works (long mode, read back at setup).
 */
#include <string.h>
#include <sys/mman.h>

#include "fuzz.h"
#include "guest.h"

#define PAGE		4096UL

int fz_args_create(struct fz_args *a)
{
	size_t size = (FZ_ARGS_RW + 3) * PAGE;
	unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	a->rw = p;
	a->ro = p + FZ_ARGS_RW * PAGE;
	a->none = a->ro + PAGE;
	a->hole = a->none + PAGE;
	if (mprotect(a->ro, PAGE, PROT_READ) || mprotect(a->none, PAGE, PROT_NONE) ||
	    munmap(a->hole, PAGE))
		return -1;
	return 0;
}

void fz_args_destroy(struct fz_args *a)
{
	munmap(a->rw, (FZ_ARGS_RW + 2) * PAGE);
}

unsigned long fz_arg_ptr(struct fz_args *a, struct fz_rng *r, size_t size,
			 bool out, bool *good)
{
	*good = false;
	switch (fz_below(r, 40)) {
	case 0:
		return 0;
	case 1:
		return (unsigned long)a->hole + fz_below(r, PAGE);
	case 2:
		return 0xffffffff81000000UL + fz_below(r, 0x1000000);	/* kernel text */
	case 3:
		return 0xffff888000000000UL + fz_below(r, 1UL << 30) * 8;	/* direct map */
	case 4:
		return 0x8000000000000000UL >> fz_below(r, 17);	/* non-canonical, or not */
	case 5:
		return fz_u64(r);
	case 6:	/* the struct's end in the PROT_NONE page */
		return (unsigned long)a->none - size + 1 + fz_below(r, size < 64 ? size : 64);
	case 7:	/* read-only: fine for an input, EFAULT for an output */
		return (unsigned long)a->ro + (size < PAGE ? fz_below(r, PAGE - size) : 0);
	case 8:
	case 9:	/* misaligned but valid: the struct is moved there */
		if (size + 8 <= FZ_ARGS_RW * PAGE) {
			unsigned int off = 1 + fz_below(r, 7);

			memmove(a->rw + off, a->rw, size);
			*good = true;
			return (unsigned long)a->rw + off;
		}
		/* fall through */
	default:
		*good = true;
		return (unsigned long)a->rw;
	}
	(void)out;
}

void fz_gen_regs(struct fz_rng *r, const struct fz_world *w, struct hvm_regs *v)
{
	__u64 *f = (__u64 *)v;
	unsigned int i, n = sizeof(*v) / 8;

	if (fz_one_in(r, 4)) {
		for (i = 0; i < n; i++)
			f[i] = fz_u64(r);
		return;
	}
	*v = w->good_regs;
	v->rip = GUEST_CODE_GPA + fz_below(r, 8) * PAGE;
	for (i = 0; i < 1 + fz_below(r, 3); i++) {
		unsigned int k = fz_below(r, n);

		f[k] = k == 16 ? fz_addr(r) : fz_u64(r);	/* 16: RIP */
	}
}

void fz_gen_segment(struct fz_rng *r, struct hvm_segment *s)
{
	__u8 *flags = &s->present;
	unsigned int i;

	if (fz_one_in(r, 3)) {
		fz_mutate(r, s, sizeof(*s));
		return;
	}
	s->base = fz_one_in(r, 2) ? 0 : fz_addr(r);
	s->limit = fz_one_in(r, 2) ? 0xffffffff : fz_u32(r);
	s->selector = fz_one_in(r, 2) ? fz_below(r, 0x40) : fz_next(r);
	s->type = fz_one_in(r, 8) ? fz_next(r) : fz_below(r, 16);
	for (i = 0; i < 7; i++)		/* present, dpl, db, s, l, g, avl */
		flags[i] = fz_one_in(r, 8) ? fz_next(r) : fz_below(r, i == 1 ? 4 : 2);
	s->unusable = fz_one_in(r, 8) ? fz_next(r) : fz_one_in(r, 4);
	s->padding = fz_one_in(r, 8) ? fz_next(r) : 0;
}

void fz_gen_sregs(struct fz_rng *r, const struct fz_world *w, struct hvm_sregs *v)
{
	struct hvm_segment *segs = &v->cs;
	unsigned int i, n = 1 + fz_below(r, 4);
	__u64 bit;

	*v = w->good_sregs;
	if (fz_one_in(r, 8)) {
		fz_bytes(r, v, sizeof(*v));
		return;
	}
	for (i = 0; i < n; i++) {
		bit = 1ULL << fz_below(r, 64);
		switch (fz_below(r, 12)) {
		case 0: fz_gen_segment(r, &segs[fz_below(r, 8)]); break;
		case 1: v->cr0 ^= fz_one_in(r, 2) ? bit : (bit & 0xffffffff); break;
		case 2: v->cr4 ^= fz_one_in(r, 2) ? bit : (1ULL << fz_below(r, 25)); break;
		case 3: v->efer ^= fz_one_in(r, 2) ? bit : (1ULL << fz_below(r, 16)); break;
		case 4:	/* PAE paging: the PDPTEs are read from CR3 */
			v->efer &= ~(HVM_EFER_LMA | HVM_EFER_LME);
			v->cr3 = fz_one_in(r, 2) ? fz_addr(r) : fz_below(r, 0x200000) & ~31ULL;
			break;
		case 5: v->cr3 = fz_addr(r); break;
		case 6: v->cr2 = fz_u64(r); v->cr8 = fz_u64(r); break;
		case 7: v->gdt.base = fz_addr(r); v->gdt.limit = fz_next(r); break;
		case 8: v->idt.base = fz_addr(r); v->idt.limit = fz_next(r); break;
		case 9: v->reserved[fz_below(r, 8)] = fz_u64(r); break;
		case 10:	/* real mode or protected mode without paging */
			v->cr0 &= ~(fz_one_in(r, 2) ? HVM_CR0_PG : HVM_CR0_PG | HVM_CR0_PE);
			v->efer &= ~HVM_EFER_LMA;
			break;
		default: fz_mutate(r, v, sizeof(*v)); break;
		}
	}
}

/* A pool buffer (or a part of it), or an address no slot should get. */
static __u64 region_uaddr(struct fz_rng *r, struct fz_world *w, struct fz_args *a,
			  __u64 *size)
{
	struct fz_mem *m = &w->pool[fz_below(r, FZ_POOL)];
	__u64 off;

	switch (fz_below(r, 12)) {
	case 0: return 0;
	case 1: return fz_u64(r);
	case 2: return 0xffff800000000000ULL;
	case 3: return (unsigned long)a->ro;		/* read-only memory */
	case 4: return (unsigned long)a->hole;
	case 5: return 0x400000;			/* this program's text */
	case 6: return (unsigned long)m->addr + 1 + fz_below(r, 4095);
	case 7:	/* a run page: the guest's RAM is a vCPU's run page (one
		 * page exactly: no guard page follows it) */
		if (w->objs[2].run) {
			*size = 0;
			return (unsigned long)w->objs[2].run;
		}
		break;
	}
	switch (0) {
	default:
		off = fz_below(r, m->size / PAGE) * PAGE;
		*size = fz_one_in(r, 4) ? m->size - off : (1 + fz_below(r, (m->size - off) / PAGE)) * PAGE;
		return (unsigned long)m->addr + off;
	}
}

void fz_gen_region(struct fz_rng *r, struct fz_world *w, struct fz_args *a,
		   struct hvm_memory_region *v)
{
	__u64 size = PAGE;

	memset(v, 0, sizeof(*v));
	v->slot = fz_one_in(r, 8) ? fz_u32(r) : fz_below(r, fz_one_in(r, 2) ? 4 : 33);
	v->flags = fz_one_in(r, 8) ? fz_u32(r) : fz_below(r, 2);
	v->userspace_addr = region_uaddr(r, w, a, &size);
	v->memory_size = size ? size : PAGE;
	switch (size ? fz_below(r, 10) : 9) {
	case 0: v->memory_size = 0; break;			/* delete */
	case 1: v->memory_size = fz_u64(r); break;
	case 2: v->memory_size = (64ULL << 30) + (fz_one_in(r, 2) ? PAGE : 0); break;
	case 3: v->memory_size += 1 + fz_below(r, PAGE); break;
	case 4: v->memory_size += PAGE * (1 + fz_below(r, 3)); break;	/* into a guard */
	}
	switch (fz_below(r, 8)) {
	case 0: v->guest_phys_addr = fz_u64(r); break;
	case 1: v->guest_phys_addr = (1ULL << 48) - PAGE * fz_below(r, 3); break;
	case 2: v->guest_phys_addr = 0xfee00000ULL - PAGE * fz_below(r, 2); break;
	case 3: v->guest_phys_addr = fz_below(r, 0x400000); break;
	default: v->guest_phys_addr = fz_below(r, 0x800) * PAGE; break;
	}
}

static const __u32 msr_indices[] = {
	0x10, 0x1b, 0x3a, 0x3b, 0x48, 0x49, 0x8b, 0xfe, 0x174, 0x175, 0x176,
	0x179, 0x17a, 0x1a0, 0x1d9, 0x200, 0x201, 0x20f, 0x250, 0x258, 0x259,
	0x268, 0x26f, 0x277, 0x2ff, 0x6e0, 0x800, 0x802, 0x808, 0x80b, 0x80f,
	0x830, 0x832, 0x838, 0x83f, 0x8ff, 0xc0000080, 0xc0000081, 0xc0000082,
	0xc0000083, 0xc0000084, 0xc0000100, 0xc0000101, 0xc0000102,
	0xc0000103, 0xc0010015, 0xc001001f, 0xc0010058, 0xc0010114,
	0xc0010117, 0x40000000, 0x4b564d00, 0xffffffff,
};

size_t fz_gen_msrs(struct fz_rng *r, struct hvm_msrs *v, size_t room)
{
	static const __u32 counts[] = { 0, 1, 2, 255, 256, 257, 0x10000, 0x80000000, ~0U };
	size_t max = (room - sizeof(*v)) / sizeof(v->entries[0]);
	__u32 i, n, fill;

	n = fz_one_in(r, 3) ? counts[fz_below(r, sizeof(counts) / sizeof(counts[0]))]
			    : fz_below(r, 9);
	v->nmsrs = n;
	v->padding = fz_one_in(r, 16) ? fz_u32(r) : 0;
	fill = n < max ? n : max;
	for (i = 0; i < fill; i++) {
		v->entries[i].index = fz_one_in(r, 6) ? fz_u32(r) :
			msr_indices[fz_below(r, sizeof(msr_indices) / sizeof(msr_indices[0]))];
		v->entries[i].reserved = fz_one_in(r, 32) ? fz_u32(r) : 0;
		v->entries[i].data = fz_one_in(r, 2) ? fz_addr(r) : fz_u64(r);
	}
	return sizeof(*v) + fill * sizeof(v->entries[0]);
}

size_t fz_gen_cpuid(struct fz_rng *r, struct hvm_cpuid *v, size_t room)
{
	static const __u32 counts[] = { 0, 1, 255, 256, 257, 0x10000, ~0U };
	size_t max = (room - sizeof(*v)) / sizeof(v->entries[0]);
	__u32 i, n, fill;

	n = fz_one_in(r, 3) ? counts[fz_below(r, sizeof(counts) / sizeof(counts[0]))]
			    : fz_below(r, 64);
	v->nent = n;
	v->padding = fz_one_in(r, 16) ? fz_u32(r) : 0;
	fill = n < max ? n : max;
	for (i = 0; i < fill; i++) {
		struct hvm_cpuid_entry *e = &v->entries[i];

		e->function = fz_one_in(r, 4) ? fz_u32(r) :
			(fz_one_in(r, 2) ? fz_below(r, 0x20) : 0x80000000 + fz_below(r, 0x20));
		e->index = fz_below(r, 4);
		e->flags = fz_one_in(r, 32) ? fz_u32(r) : fz_below(r, 2);
		e->eax = fz_u32(r);
		e->ebx = fz_u32(r);
		e->ecx = fz_one_in(r, 2) ? ~0U : fz_u32(r);	/* every feature */
		e->edx = fz_one_in(r, 2) ? ~0U : fz_u32(r);
		e->padding = fz_one_in(r, 32) ? fz_u32(r) : 0;
	}
	return sizeof(*v) + fill * sizeof(v->entries[0]);
}

void fz_gen_events(struct fz_rng *r, struct hvm_vcpu_events *v)
{
	memset(v, 0, sizeof(*v));
	if (fz_one_in(r, 4)) {
		fz_bytes(r, v, sizeof(*v));
		return;
	}
	switch (fz_below(r, 4)) {
	case 0:
		v->exception.injected = 1;
		v->exception.nr = fz_one_in(r, 4) ? fz_next(r) : fz_below(r, 32);
		v->exception.has_error_code = fz_below(r, 2);
		v->exception.error_code = fz_u32(r);
		break;
	case 1:
		v->interrupt.injected = 1;
		v->interrupt.nr = fz_next(r);
		break;
	case 2:
		v->nmi.injected = 1;
		break;
	}
	v->interrupt.shadow = fz_below(r, fz_one_in(r, 8) ? 256 : 2);
	v->nmi.pending = fz_below(r, 2);
	v->nmi.masked = fz_below(r, 2);
	if (fz_one_in(r, 16))
		fz_mutate(r, v, sizeof(*v));
}

void fz_gen_xsave(struct fz_rng *r, struct hvm_xsave *v)
{
	unsigned char *p = (unsigned char *)v;
	__u64 bv;

	/* The caller left the vCPU's own state there (or garbage). */
	if (fz_one_in(r, 2)) {
		bv = fz_one_in(r, 2) ? (1ULL << fz_below(r, 64)) | 3 : fz_u64(r);
		memcpy(p + 512, &bv, 8);		/* XSTATE_BV */
	}
	if (fz_one_in(r, 4)) {
		bv = fz_u64(r);
		memcpy(p + 520, &bv, 8);		/* XCOMP_BV */
	}
	if (fz_one_in(r, 4)) {
		__u32 mxcsr = fz_u32(r);

		memcpy(p + 24, &mxcsr, 4);		/* MXCSR: reserved bits */
	}
	if (fz_one_in(r, 2))
		fz_mutate(r, v, sizeof(*v));
}

void fz_gen_xcrs(struct fz_rng *r, struct hvm_xcrs *v)
{
	memset(v, 0, sizeof(*v));
	static const __u64 good[] = { 1, 3, 7, 0x1f, 0xe7, 0x207, 0x2e7 };

	v->xcr0 = fz_one_in(r, 3) ? fz_u64(r) : fz_one_in(r, 2) ?
		  good[fz_below(r, sizeof(good) / sizeof(good[0]))] :
		  fz_below(r, 1024) | (fz_one_in(r, 4) ? 0 : 1);
	if (fz_one_in(r, 8))
		v->reserved[fz_below(r, 7)] = fz_u64(r);
}

void fz_gen_lapic(struct fz_rng *r, struct hvm_lapic_state *v)
{
	__u32 *reg = (__u32 *)v->regs;
	unsigned int i, n = 1 + fz_below(r, 8);

	/* The caller left the vCPU's own state there (or garbage): change
	 * whole registers (each at 16-byte offsets). */
	for (i = 0; i < n; i++)
		reg[fz_below(r, 64) * 4] = fz_one_in(r, 2) ? fz_u32(r) : fz_next(r);
}
