// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's world for one round: /dev/hvm, a VM whose two vCPUs are
 * set up in long mode with guest code that does real work (port I/O,
 * MMIO, HLT, CPUID, MSRs, string I/O, APIC IPIs, random bytes), a second
 * VM without memory, /dev/null, and a pool of guest memory buffers, each
 * between PROT_NONE guard pages (a slot larger than its buffer fails
 * instead of pinning the fuzzer's own memory, which a guest could then
 * write).  Objects created by the operations join the table; run pages
 * stay mapped until the round ends, so racing threads can use them.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "guest.h"

#define PAGE		4096UL

/* Guest code, one template per page from GUEST_CODE_GPA. */
GUEST_ASM(fz_io_loop, ".code64",
	  "1: out %al, $0xe0\n\t"
	  "inc %rax\n\t"
	  "in $0xe1, %al\n\t"
	  "out %ax, $0x80\n\t"
	  "inl $0x40, %eax\n\t"		/* PIT channel 0, if anyone */
	  "jmp 1b");
GUEST_ASM(fz_mmio_loop, ".code64",
	  "mov $0xfec00000, %edx\n\t"
	  "2: mov $0x200000, %rbx\n\t"
	  "1: mov %eax, (%rbx)\n\t"
	  "mov (%rbx), %ecx\n\t"
	  "mov %ecx, (%rdx)\n\t"		/* I/O APIC select */
	  "mov 0x10(%rdx), %eax\n\t"	/* and data */
	  "add $0x1000, %rbx\n\t"
	  "cmp $0x400000, %rbx\n\t"
	  "jb 1b\n\t"
	  "jmp 2b");
GUEST_ASM(fz_hlt_loop, ".code64",
	  "1: sti\n\t"
	  "hlt\n\t"
	  "cli\n\t"
	  "out %al, $0xe0\n\t"
	  "hlt\n\t"
	  "jmp 1b");
GUEST_ASM(fz_misc_loop, ".code64",
	  "1: mov %r8d, %eax\n\t"
	  "cpuid\n\t"
	  "rdtsc\n\t"
	  "mov %r9d, %ecx\n\t"
	  "rdmsr\n\t"			/* may #GP: an exception stub exits */
	  "xor %ecx, %ecx\n\t"
	  "xgetbv\n\t"
	  "pause\n\t"
	  "mov %r10, %rax\n\t"
	  "vmmcall\n\t"
	  "out %al, $0xe0\n\t"
	  "jmp 1b");
GUEST_ASM(fz_string_loop, ".code64",
	  "1: mov $0x40000, %esi\n\t"
	  "mov $0x41000, %edi\n\t"
	  "mov $0xe0, %edx\n\t"
	  "mov $0x1801, %ecx\n\t"	/* more than one exit's worth */
	  "rep outsb\n\t"
	  "mov $0x203, %ecx\n\t"
	  "rep insw\n\t"
	  "mov $0x200000, %edi\n\t"	/* MMIO */
	  "mov $3, %ecx\n\t"
	  "rep stosl\n\t"
	  "jmp 1b");
GUEST_ASM(fz_apic_loop, ".code64",
	  "1: mov $0x1b, %ecx\n\t"
	  "rdmsr\n\t"
	  "or $0xc00, %eax\n\t"		/* x2APIC on */
	  "wrmsr\n\t"
	  "mov $0x830, %ecx\n\t"		/* ICR: INIT, then SIPI, to the others */
	  "xor %edx, %edx\n\t"
	  "mov $0xc4500, %eax\n\t"
	  "wrmsr\n\t"
	  "mov $0xc4610, %eax\n\t"
	  "wrmsr\n\t"
	  "mov $0x83f, %ecx\n\t"		/* self IPI */
	  "mov $0x40, %eax\n\t"
	  "wrmsr\n\t"
	  "mov $0x838, %ecx\n\t"		/* timer initial count */
	  "mov $1000, %eax\n\t"
	  "wrmsr\n\t"
	  "sti\n\t"
	  "hlt\n\t"
	  "jmp 1b");

static const struct {
	const unsigned char *start, *end;
} templates[] = {
	{ fz_io_loop_start, fz_io_loop_end },
	{ fz_mmio_loop_start, fz_mmio_loop_end },
	{ fz_hlt_loop_start, fz_hlt_loop_end },
	{ fz_misc_loop_start, fz_misc_loop_end },
	{ fz_string_loop_start, fz_string_loop_end },
	{ fz_apic_loop_start, fz_apic_loop_end },
};
#define NR_TEMPLATES	(sizeof(templates) / sizeof(templates[0]))
/* The page after the templates holds random bytes. */
#define RANDOM_CODE_GPA	(GUEST_CODE_GPA + NR_TEMPLATES * PAGE)

static const size_t pool_sizes[FZ_POOL] = {
	GUEST_MEM_SIZE, PAGE, 4 * PAGE, 16 * PAGE, 64 * PAGE, 256 * PAGE,
};

static int pool_create(struct fz_mem *m, size_t size)
{
	unsigned char *p = mmap(NULL, size + 2 * PAGE, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	m->addr = p + PAGE;
	m->size = size;
	m->writable = true;
	pthread_rwlock_init(&m->lock, NULL);
	return mprotect(m->addr, size, PROT_READ | PROT_WRITE);
}

int fz_world_add(struct fz_world *w, int fd, enum fz_kind kind)
{
	struct hvm_run *run = NULL;
	int i;

	if (fd < 0)
		return -1;
	if (kind == FZ_KIND_VCPU) {
		void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		run = p == MAP_FAILED ? NULL : p;
	}
	/* (A forked child's copy of the lock may be held by a thread that
	 * is not there.) */
	if (!w->single)
		pthread_mutex_lock(&w->lock);
	i = w->nr_objs < FZ_MAX_OBJS ? (int)w->nr_objs : -1;
	if (i >= 0) {
		w->objs[i].kind = kind;
		w->objs[i].run = run;
		w->objs[i].inherited = false;
		__atomic_store_n(&w->objs[i].fd, fd, __ATOMIC_RELEASE);
		__atomic_store_n(&w->nr_objs, i + 1, __ATOMIC_RELEASE);
	}
	if (!w->single)
		pthread_mutex_unlock(&w->lock);
	if (i < 0) {
		if (run)
			munmap(run, PAGE);
		close(fd);
	}
	return i;
}

int fz_pick_fd(struct fz_world *w, struct fz_rng *r, enum fz_kind want,
	       enum fz_kind *kind, struct fz_obj **obj)
{
	unsigned int n = __atomic_load_n(&w->nr_objs, __ATOMIC_ACQUIRE);
	unsigned int roll = fz_below(r, 100), i, cand[FZ_MAX_OBJS], nc = 0;
	int fd;

	*obj = NULL;
	if (roll < 85) {
		for (i = 0; i < n; i++)
			if (w->objs[i].kind == want && __atomic_load_n(&w->objs[i].fd, __ATOMIC_RELAXED) >= 0)
				cand[nc++] = i;
	}
	if (!nc && roll < 96) {
		for (i = 0; i < n; i++)
			cand[nc++] = i;
	}
	if (nc) {
		*obj = &w->objs[cand[fz_below(r, nc)]];
		fd = __atomic_load_n(&(*obj)->fd, __ATOMIC_ACQUIRE);
		*kind = fd >= 0 ? (*obj)->kind : FZ_KIND_JUNK;
		return fd;
	}
	*kind = FZ_KIND_JUNK;
	switch (fz_below(r, 4)) {
	case 0:
		return -1;
	case 1:
		return 0x7fffffff;
	default:	/* maybe one of ours, maybe closed: who knows */
		return 3 + fz_below(r, 64);
	}
}

void fz_world_guest_code(struct fz_world *w, struct fz_rng *r)
{
	struct fz_mem *m = &w->pool[0];
	struct hvm_regs regs;
	struct hvm_vcpu *v = w->lib_vcpu[fz_below(r, 2)];
	unsigned int t = fz_below(r, NR_TEMPLATES + 1);

	if (t == NR_TEMPLATES) {
		pthread_rwlock_rdlock(&m->lock);
		if (m->writable)
			fz_bytes(r, m->addr + RANDOM_CODE_GPA, PAGE);
		pthread_rwlock_unlock(&m->lock);
	}
	regs = w->good_regs;
	regs.rip = GUEST_CODE_GPA + t * PAGE;
	regs.rsp = GUEST_MEM_SIZE - PAGE * (1 + v->id);
	regs.rflags = 2 | (fz_one_in(r, 2) ? 0x200 : 0);
	regs.rax = fz_u64(r);
	regs.rcx = fz_below(r, 0x100);
	regs.r8 = fz_one_in(r, 2) ? fz_below(r, 0x20) : fz_u32(r);
	regs.r9 = fz_u32(r);
	regs.r10 = fz_u64(r);
	/* Through the library's fd: it may be closed by now, that is fine.
	 * Half the time the long-mode state too, so the code really runs. */
	if (fz_one_in(r, 2))
		ioctl(v->fd, HVM_SET_SREGS, &w->good_sregs);
	ioctl(v->fd, HVM_SET_REGS, &regs);
}

static int world_guests(struct fz_world *w, struct fz_rng *r)
{
	struct hvm_vm *vm = w->lib_vm;
	unsigned int i;

	if (fz_one_in(r, 2)) {
		if (ioctl(vm->fd, HVM_CREATE_IRQCHIP, 0))
			return -1;
		w->irqchip = true;
	}
	if (hvm_vm_set_region(vm, 0, 0, GUEST_MEM_SIZE, 0, w->pool[0].addr))
		return -1;
	for (i = 0; i < NR_TEMPLATES; i++)
		memcpy(w->pool[0].addr + GUEST_CODE_GPA + i * PAGE, templates[i].start,
		       templates[i].end - templates[i].start);
	fz_bytes(r, w->pool[0].addr + RANDOM_CODE_GPA, PAGE);
	for (i = 0; i < 2; i++) {
		w->lib_vcpu[i] = hvm_vcpu_create(vm, i);
		if (!w->lib_vcpu[i])
			return -1;
		if (guest_setup_long64(w->lib_vcpu[i], GUEST_CODE_GPA,
				       GUEST_MEM_SIZE - PAGE * (1 + i)))
			return -1;
	}
	if (hvm_vcpu_get_sregs(w->lib_vcpu[0], &w->good_sregs) ||
	    hvm_vcpu_get_regs(w->lib_vcpu[0], &w->good_regs))
		return -1;
	return 0;
}

static void world_add_lib_vcpu(struct fz_world *w, struct hvm_vcpu *v)
{
	int i;

	/* The table owns fd and run page from now on. */
	pthread_mutex_lock(&w->lock);
	i = w->nr_objs++;
	w->objs[i].fd = v->fd;
	w->objs[i].kind = FZ_KIND_VCPU;
	w->objs[i].run = v->run;
	pthread_mutex_unlock(&w->lock);
	v->run = NULL;
}

int fz_world_create(struct fz_world *w, struct fz_rng *r, bool tame)
{
	unsigned int i;
	int fd;

	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	w->tame = tame;
	for (i = 0; i < FZ_POOL; i++)
		if (pool_create(&w->pool[i], pool_sizes[i]))
			return -1;
	w->lib_vm = calloc(1, sizeof(*w->lib_vm));
	if (!w->lib_vm)
		return -1;
	w->lib_vm->dev_fd = open(HVM_DEV_PATH, O_RDWR | O_CLOEXEC);
	w->lib_vm->fd = ioctl(w->lib_vm->dev_fd, HVM_CREATE_VM, 0);
	if (w->lib_vm->dev_fd < 0 || w->lib_vm->fd < 0)
		return -1;
	fz_world_add(w, w->lib_vm->dev_fd, FZ_KIND_DEV);
	fz_world_add(w, w->lib_vm->fd, FZ_KIND_VM);
	if (world_guests(w, r))
		return -1;
	for (i = 0; i < 2; i++)
		world_add_lib_vcpu(w, w->lib_vcpu[i]);
	fz_world_add(w, ioctl(w->lib_vm->dev_fd, HVM_CREATE_VM, 0), FZ_KIND_VM);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	fz_world_add(w, fd, FZ_KIND_OTHER);
	return 0;
}

void fz_world_destroy(struct fz_world *w)
{
	unsigned int i;

	for (i = 0; i < w->nr_objs; i++) {
		int fd = __atomic_exchange_n(&w->objs[i].fd, -1, __ATOMIC_ACQ_REL);

		if (fd >= 0)
			close(fd);
		if (w->objs[i].run)
			munmap(w->objs[i].run, PAGE);
	}
	for (i = 0; i < 2; i++)
		free(w->lib_vcpu[i]);	/* fd and run page were the table's */
	free(w->lib_vm);
	for (i = 0; i < FZ_POOL; i++)
		if (w->pool[i].addr)
			munmap(w->pool[i].addr - PAGE, w->pool[i].size + 2 * PAGE);
}
