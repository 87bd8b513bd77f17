// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests: guest code written in C (guest_c.h).  The test process's
 * loaded image is copied into the guest at its own addresses.
 */
#include <elf.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "guest_c.h"

/* Where a C guest function returns to: DONE, for ever. */
asm(".pushsection .text\n"
    ".balign 16\n"
    ".type guest_c_return, @function\n"
    "guest_c_return:\n\t"
    "xor %eax, %eax\n\t"
    "out %eax, $" STR(UCALL_PORT_DONE) "\n\t"
    "jmp guest_c_return\n"
    ".size guest_c_return, . - guest_c_return\n"
    ".popsection\n");
extern const unsigned char guest_c_return[];

#define PAGE_DOWN(x)	((x) & ~(HVM_PAGE_SIZE - 1))
#define PAGE_UP(x)	PAGE_DOWN((x) + HVM_PAGE_SIZE - 1)

/* The page-rounded span of the PT_LOAD segments; false without any. */
static bool image_span(const Elf64_Phdr *phdr, unsigned long phnum,
		       __u64 *start, __u64 *end)
{
	unsigned long i;

	*start = ~0ULL;
	*end = 0;
	for (i = 0; i < phnum; i++) {
		if (phdr[i].p_type != PT_LOAD || !phdr[i].p_memsz)
			continue;
		if (PAGE_DOWN(phdr[i].p_vaddr) < *start)
			*start = PAGE_DOWN(phdr[i].p_vaddr);
		if (PAGE_UP(phdr[i].p_vaddr + phdr[i].p_memsz) > *end)
			*end = PAGE_UP(phdr[i].p_vaddr + phdr[i].p_memsz);
	}
	return *end > *start;
}

/*
 * Copies the image from memory into the guest.  A non-PIE binary runs at
 * its link addresses (p_vaddr), so its program headers lie in the span of
 * its PT_LOAD segments (a PIE's load bias would put them elsewhere).  The
 * guest's limits: above slot 0, inside the identity map.
 */
static int copy_image(struct tvm *t)
{
	const Elf64_Phdr *phdr = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long i, phnum = getauxval(AT_PHNUM);
	__u64 start, end, at = (__u64)(unsigned long)phdr;

	if (!phdr || !image_span(phdr, phnum, &start, &end) || at < start ||
	    at >= end || start < GUEST_MEM_SIZE || end > HVM_SYS_IDENTITY_MAP) {
		errno = EINVAL;
		return -1;
	}

	t->image = hvm_vm_add_memory(t->vm, TVM_IMAGE_SLOT, start, end - start, 0);
	if (!t->image)
		return -1;
	t->image_gpa = start;
	t->image_size = end - start;
	for (i = 0; i < phnum; i++) {
		__u64 from, to;

		if (phdr[i].p_type != PT_LOAD || !phdr[i].p_memsz)
			continue;
		/* whole pages: mapped as a whole, the rest of a page is data too */
		from = PAGE_DOWN(phdr[i].p_vaddr);
		to = PAGE_UP(phdr[i].p_vaddr + phdr[i].p_memsz);
		memcpy(t->image + (from - start), (const void *)(unsigned long)from,
		       to - from);
	}
	return 0;
}

int tvm_create_c(struct tvm *t, void (*guest_main)(void))
{
	return tvm_create_c_flags(t, guest_main, 0);
}

/* Start @vcpu at @fn with its stack at @top (a return address below). */
static int start_c(struct tvm *t, struct hvm_vcpu *vcpu, void (*fn)(void),
		   __u64 top)
{
	__u64 sp = top - 8;	/* a return address: RSP + 8 aligned */
	__u64 ret = (__u64)(unsigned long)guest_c_return;

	if (!tvm_image_hva(t, fn, 1)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(t->mem + sp, &ret, sizeof(ret));
	return hvm_mode_start(vcpu, (__u64)(unsigned long)fn, sp);
}

struct hvm_vcpu *tvm_add_vcpu_c(struct tvm *t, unsigned int id, void (*fn)(void))
{
	__u64 top = GUEST_MEM_SIZE - id * TVM_VCPU_STACK;
	struct hvm_vcpu *vcpu;
	int saved_errno;

	vcpu = hvm_vcpu_create(t->vm, id);
	if (!vcpu)
		return NULL;
	if (!hvm_vcpu_setup_long64(vcpu, (__u64)(unsigned long)fn, top) &&
	    !start_c(t, vcpu, fn, top))
		return vcpu;
	saved_errno = errno;
	hvm_vcpu_destroy(vcpu);
	errno = saved_errno;
	return NULL;
}

int tvm_create_c_flags(struct tvm *t, void (*guest_main)(void), unsigned int flags)
{
	int saved_errno;

	/* the guest's slot 0, system area and exception stubs; no asm code */
	if (tvm_create_flags(t, HVM_MODE_LONG64, guest_c_return, guest_c_return,
			     flags))
		return -1;
	if (copy_image(t))
		goto fail;
	if (start_c(t, t->vcpu, guest_main, GUEST_MEM_SIZE))
		goto fail;
	return 0;

fail:
	saved_errno = errno;
	tvm_destroy(t);
	errno = saved_errno;
	return -1;
}

void *tvm_image_hva(struct tvm *t, const void *addr, size_t len)
{
	__u64 a = (__u64)(unsigned long)addr;

	if (!t->image || a < t->image_gpa || len > t->image_size ||
	    a - t->image_gpa > t->image_size - len)
		return NULL;
	return t->image + (a - t->image_gpa);
}

int tvm_set_idt_gate(struct tvm *t, unsigned int vector, void (*handler)(void))
{
	return hvm_idt64_set_gate(t->vm, vector, (__u64)(unsigned long)handler);
}

enum test_result tvm_run_to_done(struct tvm *t, struct ucall *uc)
{
	struct ucall local;

	if (!uc)
		uc = &local;
	if (ucall_run(t->vcpu, uc) == UCALL_DONE)
		return TEST_PASS;
	ucall_describe(t->vcpu, uc);
	return TEST_FAIL;
}

struct edge_later {
	struct hvm_vm *vm;
	__u32 gsi;
	int err;
};

static void *edge_later_fn(void *arg)
{
	struct edge_later *e = arg;

	usleep(100 * 1000);
	if (hvm_vm_irq_line(e->vm, e->gsi, 1) || hvm_vm_irq_line(e->vm, e->gsi, 0))
		e->err = errno;
	return NULL;
}

enum test_result tvm_run_edge_later(struct tvm *t, __u32 gsi, struct ucall *uc)
{
	struct edge_later e = { .vm = t->vm, .gsi = gsi };
	pthread_t thread;
	int r;

	r = pthread_create(&thread, NULL, edge_later_fn, &e);
	TEST_ASSERT(!r, "pthread_create: %s", strerror(r));
	r = ucall_run(t->vcpu, uc);
	pthread_join(thread, NULL);
	TEST_ASSERT(!e.err, "HVM_IRQ_LINE %u from a thread: %s", gsi, strerror(e.err));
	if (r != UCALL_REPORT) {
		ucall_describe(t->vcpu, uc);
		return test_fail("expected a report after the edge on GSI %u", gsi);
	}
	return TEST_PASS;
}

/* ---- Faulting instructions from C (guest side) --------------------------- */

volatile struct guest_fault guest_fault;
/* GUEST_SAFE_BEGIN writes the vector at guest_fault+8. */
_Static_assert(offsetof(struct guest_fault, vector) == 8, "guest_fault layout");

GUEST_HANDLER(guest_safe_de, 0, guest_safe_handler);
GUEST_HANDLER(guest_safe_ud, 6, guest_safe_handler);
GUEST_HANDLER(guest_safe_nm, 7, guest_safe_handler);
GUEST_HANDLER(guest_safe_gp, 13, guest_safe_handler);
GUEST_HANDLER(guest_safe_pf, 14, guest_safe_handler);
GUEST_HANDLER(guest_safe_mf, 16, guest_safe_handler);
GUEST_HANDLER(guest_safe_ac, 17, guest_safe_handler);
GUEST_HANDLER(guest_safe_xm, 19, guest_safe_handler);

static void guest_safe_handler(struct guest_frame *f)
{
	if (!guest_fault.fixup)
		guest_assert_fail(__FILE__, __LINE__,
				  "no exception outside GUEST_SAFE_BEGIN/END (vector, RIP)",
				  f->vector, f->rip, true);
	guest_fault.vector = f->vector;
	guest_fault.error_code = f->error_code;
	guest_fault.cr2 = f->vector == 14 ? read_cr2() : 0;
	f->rip = guest_fault.fixup;
	guest_fault.fixup = 0;
}

void guest_safe_init(void)
{
	guest_fault.fixup = 0;
	guest_idt_set_gate(0, guest_safe_de);
	guest_idt_set_gate(6, guest_safe_ud);
	guest_idt_set_gate(7, guest_safe_nm);
	guest_idt_set_gate(13, guest_safe_gp);
	guest_idt_set_gate(14, guest_safe_pf);
	guest_idt_set_gate(16, guest_safe_mf);
	guest_idt_set_gate(17, guest_safe_ac);
	guest_idt_set_gate(19, guest_safe_xm);
}
